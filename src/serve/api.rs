//! The JSON API: `/api/search` answers `search --json`'s objects with facets, `/api/stats`
//! answers `stats --json`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{ApiError, MAX_LIMIT, MAX_OFFSET, MAX_PER_ARTICLE, MAX_QUERY_CHARS, Shared, blocking};
use crate::facets::Facets;
use crate::index::Index;
use crate::order::Sort;
use crate::printer::{JsonHit, JsonSummary, json_objects};
use crate::search::SearchOptions;

/// The parameters of `/api/search`, as sent. An empty value is as if it were not sent (forms
/// send their empty fields).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    #[serde(default)]
    q: String,
    limit: Option<String>,
    offset: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    per_article: Option<String>,
}

/// `value` when given, as a whole number within `range`.
pub(super) fn number(
    name: &str,
    value: Option<&str>,
    range: std::ops::RangeInclusive<usize>,
) -> Result<Option<usize>, ApiError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match value.parse::<usize>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::bad_request(format!(
            "{name}={value}: give a whole number from {} to {}",
            range.start(),
            range.end()
        ))),
    }
}

/// A query's text is refused when empty or longer than [`MAX_QUERY_CHARS`].
pub(super) fn check_query(q: &str) -> Result<(), ApiError> {
    if q.trim().is_empty() {
        return Err(ApiError::bad_request("the query is empty: give q=…"));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    Ok(())
}

impl Params {
    /// The query and the search options, or what is wrong with them.
    fn options(self) -> Result<(String, SearchOptions), ApiError> {
        check_query(&self.q)?;
        let defaults = SearchOptions::default();
        let nonempty = |v: Option<String>| v.filter(|v| !v.is_empty());
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => Sort::Score,
            Some(name) => name
                .parse()
                .map_err(|names| ApiError::bad_request(format!("sort={name}: {names}")))?,
        };
        let options = SearchOptions {
            limit: number("limit", self.limit.as_deref(), 1..=MAX_LIMIT)?.unwrap_or(defaults.limit),
            offset: number("offset", self.offset.as_deref(), 0..=MAX_OFFSET)?.unwrap_or(0),
            per_article: number(
                "per_article",
                self.per_article.as_deref(),
                1..=MAX_PER_ARTICLE,
            )?,
            sort,
            from: nonempty(self.from),
            to: nonempty(self.to),
            ..defaults
        };
        Ok((self.q, options))
    }
}

/// The answer of `/api/search`.
#[derive(Serialize)]
struct SearchAnswer<'a> {
    hits: Vec<JsonHit<'a>>,
    summary: JsonSummary<'a>,
    facets: &'a Facets,
}

pub(super) fn json(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub(super) async fn search(
    State(state): State<Shared>,
    params: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (query, options) = params.options()?;
    let body = blocking(state, move |state| answer(&state.index, &query, &options)).await?;
    Ok(json(body))
}

/// The parameters of `/api/search` from its query string (`q=…&limit=…`), refused as the
/// server refuses them.
pub(super) fn search_request(query_string: &str) -> Result<(String, SearchOptions), ApiError> {
    let uri: axum::http::Uri = format!("/api/search?{query_string}")
        .parse()
        .map_err(|_| ApiError::bad_request(format!("not a query string: {query_string}")))?;
    let Query(params) =
        Query::<Params>::try_from_uri(&uri).map_err(|e| ApiError::bad_request(e.body_text()))?;
    params.options()
}

/// The answer of `/api/search`: the hits, the summary and the facets, as JSON.
pub(super) fn answer(
    index: &Index,
    query: &str,
    options: &SearchOptions,
) -> Result<Vec<u8>, ApiError> {
    let mut found = index.search_hits(query, options)?;
    let facets = index.facets(&found)?;
    let results = found.collect_results()?;
    let (hits, summary) = json_objects(query, &results, None);
    let answer = SearchAnswer {
        hits,
        summary,
        facets: &facets,
    };
    Ok(serde_json::to_vec(&answer).expect("search results serialise"))
}

pub(super) async fn stats(State(state): State<Shared>) -> Result<Response, ApiError> {
    let body = blocking(state, |state| {
        let stats = state.index.stats()?;
        Ok(serde_json::to_vec_pretty(&stats).expect("statistics serialise"))
    })
    .await?;
    Ok(json(body))
}
