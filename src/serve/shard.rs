//! One shard's part in a search of a collection spread over several indexes (README, "Beyond
//! one machine"): the steps of [`crate::Statistics`] answered for a request of `/api/search`,
//! so that a root that sends the request to every shard (`python -m gonghui.ray serve`)
//! refuses what `gonghui serve` refuses, in its words, and merges what it would answer.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::json;
use tantivy::DocAddress;

use super::ApiError;
use super::api::search_request;
use crate::dates::from_datetime;
use crate::index::Index;
use crate::printer::{JsonHit, JsonSummary};
use crate::search::days;
use crate::shards::Statistics;

/// A step of a search over shards.
#[derive(Debug, Clone)]
pub enum ShardStep {
    /// The shard's figures for the request's query: `{"statistics": …, "from": …, "to": …,
    /// "page": …}`, the dates of its filters as `YYYY-MM-DD` (or null), for the root to leave
    /// out the shards whose dates they miss, and the page asked for (`offset`, `limit`,
    /// `sort`, `per_article`), for the root to merge the shards' hits as one index orders them.
    Statistics,
    /// The best BM25 of the shard's matches scored with the collection's figures:
    /// `{"best_bm25": …}`.
    BestBm25(Statistics),
    /// The shard's first `depth` matches in the request's order (from the first, whatever the
    /// request's offset: the root's page is among the first `offset + limit` of every shard),
    /// scored with the collection's figures and best BM25, their documents not read:
    /// `{"entries": [{"doc": [segment, doc], "score", "article", "date"}…], "summary": …,
    /// "facets": …}`, the summary and facets of `/api/search` for the shard, `article` the
    /// article's key and `date` its day (`YYYY-MM-DD`, or empty) for the root's order.
    Rank {
        /// The collection's figures and best BM25.
        statistics: Statistics,
        /// Matches from the first.
        depth: usize,
    },
    /// The hits at entries of the ranking step, with the scores and ranks given, as
    /// `/api/search` writes them: `{"hits": […]}`. Only the hits of the root's page are read.
    Fetch(Vec<PageEntry>),
}

/// An entry of the ranking step.
#[derive(Serialize)]
struct RankEntry {
    doc: (u32, u32),
    score: f32,
    article: u64,
    date: String,
}

#[derive(Serialize)]
struct RankAnswer<'a> {
    entries: Vec<RankEntry>,
    summary: JsonSummary<'a>,
    facets: &'a crate::Facets,
}

#[derive(Serialize)]
struct FetchAnswer<'a> {
    hits: Vec<JsonHit<'a>>,
}

/// A hit of a root's page: an entry of a shard's ranking step, and its rank on the page.
#[derive(Debug, Clone, Deserialize)]
pub struct PageEntry {
    /// The entry's `doc`: segment and document.
    pub doc: (u32, u32),
    /// Its score.
    pub score: f32,
    /// Its rank on the root's page.
    pub rank: usize,
}

/// The answer of this index, as one shard of a collection, to the request of `/api/search`
/// whose query string is `query_string`, at `step`: an HTTP status and its JSON body (the
/// answer, or `{"error": …}` as `gonghui serve` gives it).
pub fn shard_answer(index: &Index, query_string: &str, step: ShardStep) -> (u16, Vec<u8>) {
    match shard_step(index, query_string, step) {
        Ok(body) => (200, body),
        Err(error) => (
            error.status.as_u16(),
            serde_json::to_vec(&json!({ "error": error.message })).expect("errors serialise"),
        ),
    }
}

fn shard_step(index: &Index, query_string: &str, step: ShardStep) -> Result<Vec<u8>, ApiError> {
    let (query, options) = search_request(query_string)?;
    let body = match step {
        ShardStep::Statistics => {
            let days = days(&options)?;
            let statistics = index.statistics(&query, &options)?;
            json!({
                "statistics": statistics,
                "from": days.first.map(from_datetime),
                "to": days.last.map(from_datetime),
                "page": {
                    "offset": options.offset,
                    "limit": options.limit,
                    "sort": options.sort.name(),
                    "per_article": options.per_article,
                },
            })
        }
        ShardStep::BestBm25(statistics) => {
            let options = crate::SearchOptions {
                statistics: Some(Arc::new(statistics)),
                ..options
            };
            json!({ "best_bm25": index.best_bm25(&query, &options)? })
        }
        ShardStep::Rank { statistics, depth } => {
            let options = crate::SearchOptions {
                statistics: Some(Arc::new(statistics)),
                offset: 0,
                limit: depth.max(1),
                ..options
            };
            let mut found = index.search_hits(&query, &options)?;
            let facets = index.facets(&found)?;
            let entries: Vec<RankEntry> = found
                .take_entries()?
                .into_iter()
                .map(|entry| RankEntry {
                    doc: (entry.address.segment_ord, entry.address.doc_id),
                    score: entry.score,
                    article: entry.article,
                    date: entry.date.map(from_datetime).unwrap_or_default(),
                })
                .collect();
            let summary = JsonSummary::new(&query, found.summary(), None);
            let answer = RankAnswer {
                entries,
                summary,
                facets: &facets,
            };
            return Ok(serde_json::to_vec(&answer).expect("entries serialise"));
        }
        ShardStep::Fetch(entries) => {
            let at: Vec<_> = entries
                .iter()
                .map(|e| (DocAddress::new(e.doc.0, e.doc.1), e.score, e.rank))
                .collect();
            let hits = index.hits_at(&query, &options, &at)?;
            // Written from the hits themselves (not through `json!`, which would write the
            // scores as 64-bit numbers): as `/api/search` writes them.
            let answer = FetchAnswer {
                hits: hits.iter().map(JsonHit::from).collect(),
            };
            return Ok(serde_json::to_vec(&answer).expect("hits serialise"));
        }
    };
    Ok(serde_json::to_vec(&body).expect("figures serialise"))
}
