//! The ranked matches of recent queries, for a server: the next page of a search, the same
//! search in another order or grouped by article, and its facets reuse the query compiled
//! and its matches ranked instead of cutting it and scoring every match again. Searches of the same query that come together wait for one
//! ranking. Held for one view of the index: a reload starts afresh.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::Ranked;
use crate::dates::Days;
use crate::error::Result;
use crate::query::build::Compiled;
use crate::query::synonyms::Synonyms;
use crate::shards::Statistics;

/// What a ranking depends on besides the view: the query, its synonyms, its days and the
/// collection's figures it was scored with (a shard's search), but not the best BM25, which
/// only the order reads.
#[derive(Clone)]
pub(crate) struct RankingKey {
    query: String,
    /// Compared by identity (kept, so that the address is not reused while cached).
    synonyms: Option<Arc<Synonyms>>,
    days: (Option<i64>, Option<i64>),
    statistics: Option<String>,
}

impl RankingKey {
    pub(crate) fn new(
        query: &str,
        synonyms: Option<&Arc<Synonyms>>,
        days: Days,
        statistics: Option<&Statistics>,
    ) -> RankingKey {
        let micros = |day: Option<tantivy::DateTime>| day.map(|d| d.into_timestamp_micros());
        RankingKey {
            query: query.to_string(),
            synonyms: synonyms.cloned(),
            days: (micros(days.first), micros(days.last)),
            statistics: statistics.map(Statistics::counts_key),
        }
    }

    fn synonyms_address(&self) -> usize {
        self.synonyms
            .as_ref()
            .map_or(0, |s| Arc::as_ptr(s) as usize)
    }
}

impl PartialEq for RankingKey {
    fn eq(&self, other: &Self) -> bool {
        self.query == other.query
            && self.synonyms_address() == other.synonyms_address()
            && self.days == other.days
            && self.statistics == other.statistics
    }
}

impl Eq for RankingKey {}

impl Hash for RankingKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.query.hash(state);
        self.synonyms_address().hash(state);
        self.days.hash(state);
        self.statistics.hash(state);
    }
}

/// A query compiled against a view and its matches ranked.
pub(crate) struct Ranking {
    pub(crate) compiled: Compiled,
    pub(crate) ranked: Ranked,
}

/// One ranking, made once by the first search that asks for it; `None` when it failed.
#[derive(Default)]
struct Slot {
    ranking: OnceLock<Option<Arc<Ranking>>>,
    /// Whether it is counted against the limit.
    counted: AtomicBool,
}

#[derive(Default)]
struct Held {
    /// The view (tantivy's searcher generation) the rankings are of.
    generation: u64,
    slots: HashMap<RankingKey, Arc<Slot>>,
    /// Oldest first, with what each counts: its matches and one.
    age: VecDeque<(RankingKey, usize)>,
    /// What all count.
    counted: usize,
}

/// Recent rankings, up to a number of matches in all (each ranking counts one more, so
/// that rankings without a match are bounded too).
pub(crate) struct RankedCache {
    most: usize,
    held: Mutex<Held>,
}

impl RankedCache {
    pub(crate) fn new(most_matches: usize) -> RankedCache {
        RankedCache {
            most: most_matches,
            held: Mutex::new(Held::default()),
        }
    }

    /// The ranking of `key` in the view of `generation`: the one held, or the one another
    /// search is making (waited for), or `rank`'s, then held.
    pub(crate) fn get_or_rank(
        &self,
        generation: u64,
        key: RankingKey,
        rank: impl FnOnce() -> Result<Ranking>,
    ) -> Result<Arc<Ranking>> {
        let slot = {
            let mut held = self.lock();
            if held.generation != generation {
                *held = Held {
                    generation,
                    ..Held::default()
                };
            }
            Arc::clone(held.slots.entry(key.clone()).or_default())
        };
        let mut rank = Some(rank);
        let mut failure = None;
        let made = slot.ranking.get_or_init(|| {
            let rank = rank.take().expect("a slot is made once");
            match rank() {
                Ok(ranking) => Some(Arc::new(ranking)),
                Err(error) => {
                    failure = Some(error);
                    None
                }
            }
        });
        match (made, failure, rank) {
            (Some(ranking), _, _) => {
                let ranking = Arc::clone(ranking);
                self.hold(generation, key, &slot, ranking.ranked.candidates.len() + 1);
                Ok(ranking)
            }
            (None, Some(error), _) => {
                self.forget(generation, &key);
                Err(error)
            }
            // The search this one waited for failed: it ranks for itself.
            (None, None, Some(rank)) => rank().map(Arc::new),
            (None, None, None) => Err(crate::error::Error::Internal(
                "a ranking was neither made nor failed".to_string(),
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a ranking just made against the limit (once), dropping the oldest beyond it.
    fn hold(&self, generation: u64, key: RankingKey, slot: &Arc<Slot>, count: usize) {
        let mut held = self.lock();
        let is_held = held.slots.get(&key).is_some_and(|s| Arc::ptr_eq(s, slot));
        if held.generation != generation || !is_held || slot.counted.swap(true, Ordering::SeqCst) {
            return;
        }
        held.age.push_back((key, count));
        held.counted += count;
        // The newest stays unless it alone is over the limit.
        while held.counted > self.most {
            let Some((oldest, count)) = held.age.pop_front() else {
                break;
            };
            held.slots.remove(&oldest);
            held.counted -= count;
        }
    }

    fn forget(&self, generation: u64, key: &RankingKey) {
        let mut held = self.lock();
        if held.generation == generation {
            held.slots.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use tantivy::DocAddress;

    use super::*;
    use crate::rank::{Candidate, Features};

    fn ranked(matches: u32) -> Ranking {
        let candidate = |doc| Candidate {
            address: DocAddress::new(0, doc),
            article: 1,
            features: Features::default(),
            score: 1.0,
            exact: true,
        };
        let ranked = Ranked {
            candidates: (0..matches).map(candidate).collect(),
            best_bm25: 1.0,
        };
        let compiled = Compiled {
            query: Box::new(tantivy::query::EmptyQuery),
            highlights: Default::default(),
            signals: Default::default(),
            expanded: Default::default(),
        };
        Ranking { compiled, ranked }
    }

    fn key(query: &str) -> RankingKey {
        RankingKey::new(query, None, Days::default(), None)
    }

    #[test]
    fn a_query_is_ranked_once_per_view_even_when_asked_together() {
        let cache = RankedCache::new(1000);
        let ranks = AtomicUsize::new(0);
        let rank = || {
            ranks.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(50));
            Ok(ranked(10))
        };
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| cache.get_or_rank(1, key("工会"), rank).unwrap());
            }
        });
        assert_eq!(ranks.load(Ordering::SeqCst), 1);
        let again = cache.get_or_rank(1, key("工会"), rank).unwrap();
        assert_eq!(
            (again.ranked.candidates.len(), ranks.load(Ordering::SeqCst)),
            (10, 1)
        );
        cache.get_or_rank(2, key("工会"), rank).unwrap();
        assert_eq!(ranks.load(Ordering::SeqCst), 2, "a new view ranks again");
        let other_days = RankingKey::new(
            "工会",
            None,
            Days {
                first: Some(tantivy::DateTime::MIN),
                last: None,
            },
            None,
        );
        cache.get_or_rank(2, other_days, rank).unwrap();
        assert_eq!(ranks.load(Ordering::SeqCst), 3, "other days rank again");
        // A shard's ranking with the collection's figures is another; its best BM25 is not.
        let figures = Statistics {
            passages: 10,
            ..Statistics::default()
        };
        let with_best = Statistics {
            best_bm25: Some(2.0),
            ..figures.clone()
        };
        let shard = |statistics| RankingKey::new("工会", None, Days::default(), Some(statistics));
        cache.get_or_rank(2, shard(&figures), rank).unwrap();
        cache.get_or_rank(2, shard(&with_best), rank).unwrap();
        assert_eq!(
            ranks.load(Ordering::SeqCst),
            4,
            "the best BM25 ranks not again"
        );
    }

    #[test]
    fn the_oldest_rankings_go_beyond_the_limit_and_failures_are_not_kept() {
        let cache = RankedCache::new(25);
        let ranks = AtomicUsize::new(0);
        let rank = |matches| {
            let ranks = &ranks;
            move || {
                ranks.fetch_add(1, Ordering::SeqCst);
                Ok(ranked(matches))
            }
        };
        cache.get_or_rank(1, key("a"), rank(10)).unwrap();
        cache.get_or_rank(1, key("b"), rank(10)).unwrap();
        cache.get_or_rank(1, key("c"), rank(10)).unwrap(); // 33 counted: "a" goes
        cache.get_or_rank(1, key("b"), rank(10)).unwrap();
        assert_eq!(ranks.load(Ordering::SeqCst), 3);
        cache.get_or_rank(1, key("a"), rank(10)).unwrap();
        assert_eq!(ranks.load(Ordering::SeqCst), 4);
        cache.get_or_rank(1, key("huge"), rank(100)).unwrap();
        cache.get_or_rank(1, key("huge"), rank(100)).unwrap();
        assert_eq!(
            ranks.load(Ordering::SeqCst),
            6,
            "larger than the limit: not kept"
        );

        let failing = || Err(crate::error::Error::Query("no".to_string()));
        assert!(cache.get_or_rank(1, key("bad"), failing).is_err());
        cache.get_or_rank(1, key("bad"), rank(1)).unwrap();
        assert_eq!(ranks.load(Ordering::SeqCst), 7);
    }
}
