//! The research tools' API: `/api/trend` (`gonghui trend --json`), `/api/kwic` (the lines of
//! `gonghui kwic --json`, a page at a time) and `/api/collocates` (`gonghui collocates --json`).
//!
//! Their parameters are read from the query string as pairs, since `/api/trend` takes `q` once
//! per term (`?q=农民工&q=新就业形态`); an unknown name is refused, as by `/api/search`.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;

use super::api::{check_query, json, number};
use super::{ApiError, MAX_LIMIT, MAX_OFFSET, Shared, blocking};
use crate::collocates::CollocateOptions;
use crate::concordance::{ConcordanceOptions, Line, LineSort};
use crate::printer::JsonCollocates;
use crate::search::SearchOptions;
use crate::trend::{Period, Unit};

/// Most terms on one trend chart.
pub const MAX_TERMS: usize = 8;
/// Widest concordance context, in characters.
pub const MAX_WIDTH: usize = 100;
/// Widest collocation window, in characters.
pub const MAX_WINDOW: usize = 50;

/// The parameters as sent, pairs in order; empty values are as if not sent.
struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    fn read(raw: Option<String>, known: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
            .map_err(|e| ApiError::bad_request(format!("the query string: {e}")))?;
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, _)| !known.contains(&name.as_str()))
        {
            return Err(ApiError::bad_request(format!(
                "unknown parameter {name}: give {}",
                known.join(", ")
            )));
        }
        let pairs = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        Ok(Params { pairs })
    }

    fn all(&self, name: &str) -> Vec<String> {
        let named = self.pairs.iter().filter(|(n, _)| n == name);
        named.map(|(_, value)| value.clone()).collect()
    }

    fn get(&self, name: &str) -> Option<&str> {
        let found = self.pairs.iter().rev().find(|(n, _)| n == name);
        found.map(|(_, value)| value.as_str())
    }

    /// The one query of `q`.
    fn query(&self) -> Result<String, ApiError> {
        let q = self.get("q").unwrap_or_default().to_string();
        check_query(&q)?;
        Ok(q)
    }

    /// A value chosen by name (an order, a period…), or its default.
    fn named<T: std::str::FromStr<Err = String> + Default>(
        &self,
        name: &str,
    ) -> Result<T, ApiError> {
        match self.get(name) {
            None => Ok(T::default()),
            Some(value) => value
                .parse()
                .map_err(|names| ApiError::bad_request(format!("{name}={value}: {names}"))),
        }
    }

    fn number(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<usize>,
    ) -> Result<Option<usize>, ApiError> {
        number(name, self.get(name), range)
    }

    /// The dates of the search; synonyms as by default.
    fn search(&self) -> SearchOptions {
        SearchOptions {
            from: self.get("from").map(str::to_string),
            to: self.get("to").map(str::to_string),
            ..SearchOptions::default()
        }
    }
}

pub(super) async fn trend(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::read(raw, &["q", "by", "per", "from", "to"])?;
    let queries = params.all("q");
    if queries.is_empty() || queries.len() > MAX_TERMS {
        return Err(ApiError::bad_request(format!(
            "give from 1 to {MAX_TERMS} queries, each as q=…"
        )));
    }
    for query in &queries {
        check_query(query)?;
    }
    let by: Period = params.named("by")?;
    let per: Unit = params.named("per")?;
    let options = params.search();
    let body = blocking(state, move |state| {
        let trend = state.index.trend(&queries, by, per, &options)?;
        Ok(serde_json::to_vec(&trend).expect("a trend serialises"))
    })
    .await?;
    Ok(json(body))
}

/// The answer of `/api/kwic`: a page of lines and what is known of the others.
#[derive(Serialize)]
struct KwicAnswer {
    lines: Vec<Line>,
    /// Passages that match the query.
    passages: usize,
    offset: usize,
    /// Whether there are lines after these.
    more: bool,
}

pub(super) async fn kwic(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let known = ["q", "sort", "width", "limit", "offset", "from", "to"];
    let params = Params::read(raw, &known)?;
    let query = params.query()?;
    let limit = params.number("limit", 1..=MAX_LIMIT)?.unwrap_or(50);
    let offset = params.number("offset", 0..=MAX_OFFSET)?.unwrap_or(0);
    let options = ConcordanceOptions {
        width: params.number("width", 1..=MAX_WIDTH)?.unwrap_or(20),
        sort: params.named::<LineSort>("sort")?,
        // One more than the page, to tell whether there is a next one.
        limit: offset + limit + 1,
        search: params.search(),
    };
    let body = blocking(state, move |state| {
        let concordance = state.index.concordance(&query, &options)?;
        let passages = concordance.passages;
        let mut lines = concordance
            .skip(offset)
            .collect::<crate::error::Result<Vec<Line>>>()?;
        let more = lines.len() > limit;
        lines.truncate(limit);
        let answer = KwicAnswer {
            lines,
            passages,
            offset,
            more,
        };
        Ok(serde_json::to_vec(&answer).expect("a concordance serialises"))
    })
    .await?;
    Ok(json(body))
}

pub(super) async fn collocates(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let known = ["q", "window", "pos", "by", "limit", "from", "to"];
    let params = Params::read(raw, &known)?;
    let query = params.query()?;
    let defaults = CollocateOptions::default();
    let by_year = match params.get("by") {
        None => false,
        Some("year") => true,
        Some(other) => return Err(ApiError::bad_request(format!("by={other}: give year"))),
    };
    let options = CollocateOptions {
        window: params
            .number("window", 1..=MAX_WINDOW)?
            .unwrap_or(defaults.window),
        pos: params.get("pos").map(str::to_string),
        by_year,
        limit: params
            .number("limit", 1..=MAX_LIMIT)?
            .unwrap_or(defaults.limit),
        search: params.search(),
        ..defaults
    };
    let body = blocking(state, move |state| {
        let lists = state.index.collocates(&query, &options)?;
        let answer = JsonCollocates {
            query: &query,
            window: options.window,
            lists: &lists,
        };
        Ok(serde_json::to_vec(&answer).expect("collocates serialise"))
    })
    .await?;
    Ok(json(body))
}
