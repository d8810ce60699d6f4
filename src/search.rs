//! Query → hits: a query compiled against a view of the index, its matches ranked
//! ([`crate::rank`]) and put in order ([`crate::order`]), handed out as [`Hits`].

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::Count;
use tantivy::{DateTime, DocId};

use crate::analysis::dictionary::QueryDictionary;
use crate::dates::Days;
use crate::error::{DateBound, Error, Result};
use crate::hits::{Hits, Page};
use crate::index::view::{IndexView, SegmentView};
use crate::order::{Order, Sort};
use crate::query::build::{Compiled, compile};
use crate::query::synonyms::Synonyms;
use crate::rank::{RankedCache, Ranking, RankingKey};
use crate::shards::Statistics;

/// How to search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Hits to return; 0 returns every match.
    pub limit: usize,
    /// Hits to skip first, for paging.
    pub offset: usize,
    /// At most this many passages per article, articles ordered by their best passage.
    pub per_article: Option<usize>,
    /// The order of the hits.
    pub sort: Sort,
    /// Only articles dated on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only articles dated on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Give each hit the parts of its score.
    pub explain: bool,
    /// The synonym groups terms are expanded to (the shipped ones by default); `None` searches
    /// every term only as typed.
    pub synonyms: Option<Arc<Synonyms>>,
    /// One story, one result: leave out the passages of an article that is a reprint of a
    /// better-ranked one (see the README, "Reprints").
    pub collapse_reprints: bool,
    /// The figures of the whole collection to score with, when this index is one shard of it
    /// (see [`Statistics`]); `None` scores with the index's own.
    pub statistics: Option<Arc<Statistics>>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            per_article: None,
            sort: Sort::Score,
            from: None,
            to: None,
            explain: false,
            synonyms: Some(Synonyms::shipped()),
            collapse_reprints: true,
            statistics: None,
        }
    }
}

/// The day of a date filter's bound.
fn parse_day(text: &str, bound: DateBound) -> Result<DateTime> {
    crate::articles::parse_date(text)
        .and_then(|(day, _)| crate::dates::to_datetime(&day))
        .ok_or_else(|| Error::Date {
            bound,
            text: text.to_string(),
        })
}

/// The days of the options' date filters.
pub(crate) fn days(options: &SearchOptions) -> Result<Days> {
    let day = |day: &Option<String>, bound| day.as_deref().map(|d| parse_day(d, bound));
    let days = Days {
        first: day(&options.from, DateBound::From).transpose()?,
        last: day(&options.to, DateBound::To).transpose()?,
    };
    if let (Some(first), Some(last)) = (days.first, days.last)
        && first > last
    {
        return Err(Error::DateRange {
            from: options.from.clone().unwrap_or_default(),
            to: options.to.clone().unwrap_or_default(),
        });
    }
    Ok(days)
}

/// The query compiled against `view`, and the days of the options' date filters.
fn compiled(
    view: &IndexView,
    dictionary: &QueryDictionary,
    query: &str,
    options: &SearchOptions,
) -> Result<(Compiled, Days)> {
    let node = crate::query::parse(query)?;
    let compiled = compile(&node, view, dictionary, options.synonyms.as_deref())?;
    Ok((compiled, days(options)?))
}

/// Whether the matches of a search are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scoring {
    /// Ranked: scores and their parts.
    Ranked,
    /// Score 0, for an order by date that no score breaks ties of (index order does), as a
    /// concordance reads: the first hits come without scoring every match.
    Unscored,
}

/// Ranks the matches of `query` in `view` (or takes the query compiled and its ranking from
/// `cache`) and returns its hits to be read one by one; `dir` is the index's folder, whose
/// stores are read in bulk for many hits.
pub(crate) fn hits(
    view: IndexView,
    dictionary: &QueryDictionary,
    dir: &Path,
    query: &str,
    options: &SearchOptions,
    cache: Option<&RankedCache>,
    scoring: Scoring,
) -> Result<Hits> {
    let started = Instant::now();
    let ranking = ranking(&view, dictionary, query, options, cache, scoring)?;
    let total = ranking.ranked.candidates.len();
    let best_bm25 = options.statistics.as_ref().and_then(|s| s.best_bm25);
    let order = Order::new(&view, &ranking, options.sort, options.explain, best_bm25);
    let page = Page {
        offset: options.offset,
        limit: options.limit,
        per_article: options.per_article,
        collapse_reprints: options.collapse_reprints,
    };
    Ok(Hits::new(
        view,
        &ranking.compiled,
        order,
        total,
        page,
        dir,
        started,
    ))
}

/// The query compiled against `view` and its matches ranked, or both taken from `cache`.
pub(crate) fn ranking(
    view: &IndexView,
    dictionary: &QueryDictionary,
    query: &str,
    options: &SearchOptions,
    cache: Option<&RankedCache>,
    scoring: Scoring,
) -> Result<Arc<Ranking>> {
    let node = crate::query::parse(query)?;
    let days = days(options)?;
    let statistics = options.statistics.as_deref();
    let rank = || {
        let compiled = compile(&node, view, dictionary, options.synonyms.as_deref())?;
        let query = compiled.query.as_ref();
        let ranked = match scoring {
            Scoring::Ranked => {
                crate::rank::collect(view, query, &compiled.signals, days, statistics)?
            }
            Scoring::Unscored => crate::rank::unscored(view, query, days)?,
        };
        Ok(Ranking { compiled, ranked })
    };
    match cache.filter(|_| scoring == Scoring::Ranked) {
        Some(cache) => {
            let generation = view.searcher().generation().generation_id();
            let key = RankingKey::new(query, options.synonyms.as_ref(), days, statistics);
            cache.get_or_rank(generation, key, rank)
        }
        None => Ok(Arc::new(rank()?)),
    }
}

/// The hits of `query` at `entries` (address, score, rank) of `view`, with its highlights: a
/// shard's hits of a root's page.
pub(crate) fn hits_at(
    view: &IndexView,
    dictionary: &QueryDictionary,
    query: &str,
    options: &SearchOptions,
    entries: &[(tantivy::DocAddress, f32, usize)],
) -> Result<Vec<crate::Hit>> {
    let (compiled, _) = compiled(view, dictionary, query, options)?;
    crate::hits::hits_at(view, &compiled.highlights, entries)
}

/// The figures of `view` that the scores of `query` read (a shard's first step, see
/// [`Statistics`]).
pub(crate) fn statistics(
    view: &IndexView,
    dictionary: &QueryDictionary,
    query: &str,
    options: &SearchOptions,
) -> Result<Statistics> {
    let (compiled, _) = compiled(view, dictionary, query, options)?;
    crate::rank::statistics(view, &compiled.signals)
}

/// Counts the passages of `view` that match `query`, without ranking or reading them.
pub(crate) fn count(
    view: &IndexView,
    dictionary: &QueryDictionary,
    query: &str,
    options: &SearchOptions,
) -> Result<usize> {
    let (compiled, days) = compiled(view, dictionary, query, options)?;
    let query = compiled.query.as_ref();
    if days.is_all() {
        return Ok(view.searcher().search(query, &Count)?);
    }
    let mut count = 0;
    view.for_each_match(query, |segment, doc| {
        count += usize::from(days.contain(segment.date(doc)));
    })?;
    Ok(count)
}

/// Calls `f` with each passage of `view` that matches `query` within the options' dates, in
/// index order, unranked; returns the query compiled (for its highlights and expansions).
pub(crate) fn for_each_match(
    view: &IndexView,
    dictionary: &QueryDictionary,
    query: &str,
    options: &SearchOptions,
    mut f: impl FnMut(&SegmentView, DocId),
) -> Result<Compiled> {
    let (compiled, days) = compiled(view, dictionary, query, options)?;
    view.for_each_match(compiled.query.as_ref(), |segment, doc| {
        if days.contain(segment.date(doc)) {
            f(segment, doc);
        }
    })?;
    Ok(compiled)
}
