//! Taking results away over HTTP: `/api/export` streams every match of a search as a file
//! (CSV, TSV, RIS, BibTeX or GB/T 7714 citations, as `gonghui search --format` writes them),
//! and `/api/cite` gives one article's references for the page's 引用 button.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use super::api::check_query;
use super::{ApiError, Shared};
use crate::export::{Exporter, Format, gbt7714, reference};
use crate::order::Sort;
use crate::search::SearchOptions;

/// Bytes written to the client at a time.
const CHUNK: usize = 64 * 1024;

/// The parameters of `/api/export`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExportParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    format: String,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    group_by: Option<String>,
}

/// Writes into the response body: chunks sent to the request's task as they fill; an error
/// when the client has gone, which ends the export.
struct BodyWriter {
    chunk: Vec<u8>,
    sender: mpsc::Sender<std::io::Result<Vec<u8>>>,
}

impl BodyWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl std::io::Write for BodyWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(bytes);
        if self.chunk.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// `attachment` with a file name made of the query and the day: ASCII for old clients, the
/// query itself in `filename*` (RFC 6266).
fn disposition(query: &str, format: Format, day: &str) -> HeaderValue {
    let stem: String = query
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .take(40)
        .collect();
    let name = format!("gonghui-{stem}-{day}.{}", format.extension());
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let ext = format.extension();
    let value = format!("attachment; filename=\"gonghui-{day}.{ext}\"; filename*=UTF-8''{encoded}");
    HeaderValue::from_str(&value).expect("the header is ASCII")
}

pub(super) async fn export(
    State(state): State<Shared>,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    check_query(&params.q)?;
    let format: Format = params
        .format
        .parse()
        .map_err(|names| ApiError::bad_request(format!("format={}: {names}", params.format)))?;
    let sort = match params.sort.as_deref().filter(|s| !s.is_empty()) {
        None => Sort::Score,
        Some(name) => name
            .parse()
            .map_err(|names| ApiError::bad_request(format!("sort={name}: {names}")))?,
    };
    let per_article = match params.group_by.as_deref().filter(|g| !g.is_empty()) {
        None => false,
        Some("article") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "group_by={other}: give article"
            )));
        }
    };
    let options = SearchOptions {
        limit: 0,
        sort,
        from: params.from.filter(|d| !d.is_empty()),
        to: params.to.filter(|d| !d.is_empty()),
        ..SearchOptions::default()
    };
    let day = crate::dates::today();
    let (sender, mut receiver) = mpsc::channel(4);
    let (started, ready) = oneshot::channel();
    let query = params.q.clone();
    let accessed = day.clone();
    // The export runs in its turn on a blocking thread, for as long as it takes (the request
    // time limit is for searches: every match of 的 takes seconds).
    let turn = std::sync::Arc::clone(&state.searching)
        .acquire_owned()
        .await;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let mut hits = match state.index.search_hits(&query, &options) {
            Ok(hits) => hits,
            Err(error) => {
                let _ = started.send(Err(error));
                return;
            }
        };
        let _ = started.send(Ok(()));
        let body = BodyWriter {
            chunk: Vec::with_capacity(CHUNK),
            sender: sender.clone(),
        };
        let written = (|| -> crate::error::Result<()> {
            let mut exporter = Exporter::new(body, format, per_article, &accessed)
                .map_err(|e| crate::error::Error::io("the response", e))?;
            for hit in &mut hits {
                exporter
                    .hit(&hit?)
                    .map_err(|e| crate::error::Error::io("the response", e))?;
            }
            exporter
                .flush()
                .map_err(|e| crate::error::Error::io("the response", e))
        })();
        if let Err(error) = written {
            eprintln!("gonghui: exporting {query:?}: {error}");
            let _ = sender.blocking_send(Err(std::io::Error::other(error.to_string())));
        }
    });
    match ready.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(error.into()),
        Err(_) => return Err(ApiError::internal("the export stopped before it began")),
    }
    let stream = futures_util::stream::poll_fn(move |context| receiver.poll_recv(context));
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        ),
        (
            header::CONTENT_DISPOSITION,
            disposition(&params.q, format, &day),
        ),
    ];
    Ok((headers, Body::from_stream(stream)).into_response())
}

/// The parameters of `/api/cite`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CiteParams {
    #[serde(default)]
    id: String,
}

/// One article's references.
#[derive(Serialize)]
struct Citation {
    id: String,
    gbt7714: String,
    ris: String,
    bibtex: String,
}

pub(super) async fn cite(
    State(state): State<Shared>,
    params: Result<Query<CiteParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    if params.id.is_empty() {
        return Err(ApiError::bad_request("give the article's id=…"));
    }
    let body = super::blocking(state, move |state| {
        let Some(article) = state.index.article(&params.id)? else {
            return Err(ApiError::not_found(format!(
                "no article has the id {}",
                params.id
            )));
        };
        let day = crate::dates::today();
        let citation = Citation {
            id: article.id.clone(),
            gbt7714: gbt7714(&article, &day),
            ris: reference(&article, Format::Ris, &day),
            bibtex: reference(&article, Format::Bibtex, &day),
        };
        Ok(serde_json::to_vec(&citation).expect("a citation serialises"))
    })
    .await?;
    Ok(super::api::json(body))
}
