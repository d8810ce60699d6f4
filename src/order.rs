//! Scored matches → the order of the hits: best first, oldest or newest first, at most K
//! passages per article; handed out a few at a time.
//!
//! Ordering every match of a frequent term (的: a quarter of a million passages) before showing
//! the first would delay it, so each step selects the best of the rest in linear time and
//! sorts only those: the first page costs one pass, and writing every match costs a few passes
//! more than one sort.

use std::collections::VecDeque;
use std::sync::Arc;

use tantivy::{DateTime, DocAddress};

use crate::error::Result;
use crate::index::schema::PerArticle as PerArticleMap;
use crate::index::view::IndexView;
use crate::rank::{self, Explanation, Features, Ranked, Ranking};

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (see the README, "Ranking").
    #[default]
    Score,
    /// Oldest first.
    Date,
    /// Newest first.
    DateDesc,
}

crate::named::named!(Sort, Score = "score", Date = "date", DateDesc = "-date");

/// What is kept of a match once scored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// First part of the order: 0 by score, the day (or its negation) by date.
    key: i64,
    pub(crate) score: f32,
    pub(crate) address: DocAddress,
    pub(crate) article: u64,
    /// Matching passages of the article, this one included.
    pub(crate) article_matches: u32,
    /// Index of the match's features, when the score is to be explained or refined.
    features: u32,
    /// Whether `score` is the score, or the highest it can be until refined.
    exact: bool,
}

/// Every match; those not handed out yet first.
pub(crate) struct Order {
    /// Entries `..rest` have not been handed out; the others have, best last.
    entries: Vec<Entry>,
    rest: usize,
    /// The features of every match, when the scores are to be explained or refined; else
    /// empty.
    features: Vec<Features>,
    best_bm25: f32,
    /// What reads the parts left for later of the matches not `exact`.
    refiner: Option<(IndexView, Arc<Ranking>)>,
    /// Whether the scores are to be explained.
    explain: bool,
}

/// The order of hits: the key, then the best score, then index order.
fn before(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    a.key
        .cmp(&b.key)
        .then(b.score.total_cmp(&a.score))
        .then(a.address.cmp(&b.address))
}

impl Order {
    /// Puts scored matches, which come in index order, in `sort` order, keeping their
    /// features when their scores are to be explained or refined. With `best_bm25` (the
    /// collection's, for a shard), the matches are scored relative to it instead of the best
    /// among them.
    pub(crate) fn new(
        view: &IndexView,
        ranking: &Arc<Ranking>,
        sort: Sort,
        explain: bool,
        best_bm25: Option<f32>,
    ) -> Order {
        let Ranked { candidates, .. } = &ranking.ranked;
        let best_bm25 = best_bm25.unwrap_or(ranking.ranked.best_bm25);
        let rescored = best_bm25 != ranking.ranked.best_bm25;
        let later = candidates.iter().any(|c| !c.exact);
        let features = match explain || later {
            true => candidates.iter().map(|c| c.features).collect(),
            false => Vec::new(),
        };
        let entries: Vec<Entry> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| Entry {
                key: order_key(view, sort, c.address),
                score: match rescored {
                    true => rank::explain(&c.features, best_bm25).total(),
                    false => c.score,
                },
                address: c.address,
                article: c.article,
                article_matches: c.features.article_matches,
                features: i as u32,
                exact: c.exact,
            })
            .collect();
        Order {
            rest: entries.len(),
            entries,
            features,
            best_bm25,
            refiner: later.then(|| (view.clone(), Arc::clone(ranking))),
            explain,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest == 0
    }

    /// Every match, in index order until entries are handed out.
    pub(crate) fn all(&self) -> &[Entry] {
        &self.entries
    }

    /// The next `n` entries (fewer at the end), in order.
    pub(crate) fn take(&mut self, n: usize) -> Result<Vec<Entry>> {
        let n = n.min(self.rest);
        // Scores not refined are the most they can be. The best of the rest (a few more than
        // asked) are refined; when `n` of them still rank before the worst of them as it
        // was, no other entry can pass those `n`.
        let refined = n.saturating_mul(4).saturating_add(32).min(self.rest);
        while self.select(refined) {
            let at = self.rest - refined;
            let bound = self.entries[at];
            self.refine(at)?;
            let tail = &self.entries[at..self.rest];
            if tail.iter().filter(|e| before(e, &bound).is_le()).count() >= n {
                break;
            }
        }
        let tail = &mut self.entries[self.rest - refined..self.rest];
        let at = tail.len() - n;
        if at > 0 {
            tail.select_nth_unstable_by(at, |a, b| before(b, a));
        }
        let next = &mut tail[at..];
        next.sort_unstable_by(before);
        let next = next.to_vec();
        self.rest -= n;
        Ok(next)
    }

    /// Moves the best `n` entries of the rest to its end (in linear time); whether one of
    /// them is not exact.
    fn select(&mut self, n: usize) -> bool {
        let at = self.rest - n;
        let rest = &mut self.entries[..self.rest];
        if at > 0 {
            rest.select_nth_unstable_by(at, |a, b| before(b, a));
        }
        rest[at..].iter().any(|e| !e.exact)
    }

    /// Reads the parts left for later of the entries from `at` to the end of the rest, and
    /// scores them.
    fn refine(&mut self, at: usize) -> Result<()> {
        let Some((view, ranking)) = &self.refiner else {
            return Ok(());
        };
        let later: Vec<usize> = (at..self.rest)
            .filter(|&i| !self.entries[i].exact)
            .collect();
        let addresses: Vec<DocAddress> = later.iter().map(|&i| self.entries[i].address).collect();
        let parts = rank::refine(view, &ranking.compiled.signals, &addresses)?;
        for (i, (whole_words, near)) in later.into_iter().zip(parts) {
            let entry = &mut self.entries[i];
            let features = &mut self.features[entry.features as usize];
            features.whole_words = whole_words;
            features.near = near;
            entry.score = rank::explain(features, self.best_bm25).total();
            entry.exact = true;
        }
        Ok(())
    }

    /// The parts of an entry's score, when they were asked for.
    pub(crate) fn explain(&self, entry: &Entry) -> Option<Explanation> {
        if !self.explain {
            return None;
        }
        let features = self.features.get(entry.features as usize)?;
        Some(rank::explain(features, self.best_bm25))
    }
}

/// Entries in order → each article's passages after its best, at most K of them. An article's
/// passages are complete once it has K or all its matches, so entries stream through: an
/// article waits only for its own later passages.
pub(crate) struct PerArticle {
    most: usize,
    /// Per article, passages taken and the number of its group.
    taken: PerArticleMap<(usize, usize)>,
    /// Articles in the order of their best passage, with their passages so far; the first is
    /// group number `first`.
    waiting: VecDeque<Vec<Entry>>,
    first: usize,
}

impl PerArticle {
    pub(crate) fn new(most: usize) -> Self {
        PerArticle {
            most,
            taken: PerArticleMap::default(),
            waiting: VecDeque::new(),
            first: 0,
        }
    }

    /// Takes the next entry in order.
    pub(crate) fn push(&mut self, entry: Entry) {
        let next_group = self.first + self.waiting.len();
        let (taken, group) = self.taken.entry(entry.article).or_insert((0, next_group));
        *taken += 1;
        if *taken == 1 {
            self.waiting.push_back(vec![entry]);
        } else if *taken <= self.most {
            // A group leaves only once complete, so the article's group is still waiting.
            self.waiting[*group - self.first].push(entry);
        }
    }

    /// The articles at the front whose passages are all there; all of them at the end.
    pub(crate) fn ready(&mut self, end: bool) -> impl Iterator<Item = Entry> + '_ {
        let most = self.most;
        let complete =
            |group: &Vec<Entry>| end || group.len() >= most.min(group[0].article_matches as usize);
        let count = self.waiting.iter().take_while(|g| complete(g)).count();
        self.first += count;
        self.waiting.drain(..count).flatten()
    }
}

/// The order key of a match: 0 by score; by date its day, undated passages last either way.
fn order_key(view: &IndexView, sort: Sort, address: DocAddress) -> i64 {
    if sort == Sort::Score {
        return 0;
    }
    match (
        view.date(address).map(DateTime::into_timestamp_micros),
        sort,
    ) {
        (None, _) => i64::MAX,
        (Some(day), Sort::DateDesc) => day.saturating_neg(),
        (Some(day), _) => day,
    }
}
