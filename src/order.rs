//! Scored matches → the order of the hits: best first, oldest or newest first, at most K
//! passages per article; handed out a few at a time.
//!
//! Ordering every match of a frequent term (的: a quarter of a million passages) before showing
//! the first would delay it, so each step selects the best of the rest in linear time and
//! sorts only those: the first page costs one pass, and writing every match costs a few passes
//! more than one sort.

use tantivy::{DocAddress, Searcher};

use crate::index::schema::PerArticle;
use crate::rank::{self, Candidate, Explanation, Features};
use crate::search::{SearchOptions, Sort};

/// What is kept of a match once scored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// First part of the order: 0 by score, the day (or its negation) by date.
    key: i64,
    pub(crate) score: f32,
    pub(crate) address: DocAddress,
    article: u64,
    /// Index of the match's features, when the score is to be explained.
    features: u32,
}

/// Matches not handed out yet.
pub(crate) struct Order {
    /// Unordered; or, when `ordered`, in reverse order (the next entry last).
    rest: Vec<Entry>,
    ordered: bool,
    /// The features of every match, when the scores are to be explained; else empty.
    features: Vec<Features>,
    best_bm25: f32,
}

/// The order of hits: the key, then the best score, then index order.
fn before(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    a.key
        .cmp(&b.key)
        .then(b.score.total_cmp(&a.score))
        .then(a.address.cmp(&b.address))
}

impl Order {
    /// Orders scored matches, which come in index order, as the options ask.
    pub(crate) fn new(
        searcher: &Searcher,
        candidates: Vec<Candidate>,
        options: &SearchOptions,
    ) -> Order {
        let best_bm25 = rank::best_bm25(&candidates);
        let features = match options.explain {
            true => candidates.iter().map(|c| c.features).collect(),
            false => Vec::new(),
        };
        let mut dates = DateKeys::new(searcher, options.sort);
        let mut rest: Vec<Entry> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| Entry {
                key: dates.key(c.address),
                score: c.score,
                address: c.address,
                article: c.article,
                features: i as u32,
            })
            .collect();
        drop(candidates);
        let ordered = match options.per_article {
            Some(per_article) => {
                rest = per_article_order(rest, per_article);
                rest.reverse();
                true
            }
            None => false,
        };
        Order {
            rest,
            ordered,
            features,
            best_bm25,
        }
    }

    /// The next `n` entries (fewer at the end), in order.
    pub(crate) fn take(&mut self, n: usize) -> Vec<Entry> {
        let at = self.rest.len() - n.min(self.rest.len());
        if self.ordered {
            let mut next = self.rest.split_off(at);
            next.reverse();
            return next;
        }
        if at > 0 {
            // The best `n` to the end, in linear time.
            self.rest.select_nth_unstable_by(at, |a, b| before(b, a));
        }
        let mut next = self.rest.split_off(at);
        next.sort_unstable_by(before);
        next
    }

    /// The parts of an entry's score, when they were asked for.
    pub(crate) fn explain(&self, entry: &Entry) -> Option<Explanation> {
        let features = self.features.get(entry.features as usize)?;
        Some(rank::explain(features, self.best_bm25))
    }
}

/// All entries in order, then each article's passages after its best, at most `per_article`.
fn per_article_order(mut entries: Vec<Entry>, per_article: usize) -> Vec<Entry> {
    entries.sort_unstable_by(before);
    let mut groups: Vec<Vec<Entry>> = Vec::new();
    let mut group_of: PerArticle<usize> = PerArticle::default();
    for entry in entries {
        let group = *group_of.entry(entry.article).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if groups[group].len() < per_article {
            groups[group].push(entry);
        }
    }
    groups.into_iter().flatten().collect()
}

/// The order key of a match's date: undated passages come last either way.
struct DateKeys<'s> {
    searcher: &'s Searcher,
    sort: Sort,
    /// The date column of the segment read last (matches come segment by segment).
    column: Option<(u32, Option<tantivy::columnar::Column<tantivy::DateTime>>)>,
}

impl<'s> DateKeys<'s> {
    fn new(searcher: &'s Searcher, sort: Sort) -> Self {
        DateKeys {
            searcher,
            sort,
            column: None,
        }
    }

    fn key(&mut self, address: DocAddress) -> i64 {
        if self.sort == Sort::Score {
            return 0;
        }
        if self
            .column
            .as_ref()
            .is_none_or(|(s, _)| *s != address.segment_ord)
        {
            let reader = self.searcher.segment_reader(address.segment_ord);
            let column = reader.fast_fields().date("date").ok();
            self.column = Some((address.segment_ord, column));
        }
        let day = self
            .column
            .as_ref()
            .and_then(|(_, column)| column.as_ref()?.first(address.doc_id))
            .map(|day| day.into_timestamp_micros());
        match (day, self.sort) {
            (None, _) => i64::MAX,
            (Some(day), Sort::DateDesc) => day.saturating_neg(),
            (Some(day), _) => day,
        }
    }
}
