//! One shard's part in a search of a collection spread over several indexes (README, "Beyond
//! one machine"): the steps of [`crate::Statistics`] answered for a request of `/api/search`,
//! so that a root that sends the request to every shard (`python -m gonghui.ray serve`)
//! refuses what `gonghui serve` refuses, in its words, and merges what it would answer.

use std::sync::Arc;

use serde_json::json;

use super::ApiError;
use super::api::{answer, search_request};
use crate::dates::from_datetime;
use crate::index::Index;
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
    /// The answer of `/api/search` scored with the collection's figures and best BM25, its
    /// first `depth` hits (from the first, whatever the request's offset): the root's page
    /// is among the first `offset + limit` of every shard.
    Search {
        /// The collection's figures and best BM25.
        statistics: Statistics,
        /// Hits from the first.
        depth: usize,
    },
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
        ShardStep::Search { statistics, depth } => {
            let options = crate::SearchOptions {
                statistics: Some(Arc::new(statistics)),
                offset: 0,
                limit: depth.max(1),
                ..options
            };
            return answer(index, &query, &options);
        }
    };
    Ok(serde_json::to_vec(&body).expect("figures serialise"))
}
