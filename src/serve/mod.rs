//! `gonghui serve`: the search page and the HTTP JSON API over one index, read-only.
//!
//! Searches run on tokio's blocking threads (tantivy is synchronous), each under a time limit;
//! a panic in one is answered with an error and the server goes on. The index is checked for
//! new commits every second and reloaded when there is one, so the work of a running
//! `gonghui index` shows without a restart.

mod api;
mod export;
mod page;
mod research;
mod shard;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::{Error, Result};
use crate::index::Index;

pub use shard::{ShardStep, shard_answer};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most hits in one page.
pub const MAX_LIMIT: usize = 100;
/// Deepest page start: ranking deeper pages costs more, and nobody reads them.
pub const MAX_OFFSET: usize = 10_000;
/// Most passages per article with `per_article`.
pub const MAX_PER_ARTICLE: usize = 100;
/// Longest a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Decompressed blocks of stored passages cached per segment (128 KB each): reading the hits
/// of a page is most of a search's work, and a server sees the same articles again.
pub const DOCUMENT_CACHE_BLOCKS: usize = 1000;
/// Matches of recent rankings kept (about 64 bytes each: 64 MB), so that paging, another
/// order and one passage per article reuse a search's ranking: 中国 has 71,000 matches.
pub const RANKED_CACHE_MATCHES: usize = 1 << 20;
/// How often the index is checked for new commits.
const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// What the handlers share.
struct State {
    index: Index,
    /// Two searches per core at a time, the others waiting in turn: on a busy server a long
    /// search then delays the searches behind it rather than slowing every one in progress.
    searching: Arc<tokio::sync::Semaphore>,
}

type Shared = Arc<State>;

/// An answer with an HTTP status and `{"error": message}`.
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    fn internal(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: message.into(),
        }
    }
}

/// Errors in what the client sent are its to fix (400), worded in its parameters; the rest
/// are the server's (500).
impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let status = match error {
            Error::Query(_) | Error::Date { .. } | Error::DateRange { .. } => {
                StatusCode::BAD_REQUEST
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            message: error.worded(|bound, text| format!("{bound}={text}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.status, axum::Json(body)).into_response()
    }
}

/// Runs `work` on a blocking thread, in turn, within [`REQUEST_TIMEOUT`] (waiting included),
/// turning a panic into a 500.
async fn blocking<T: Send + 'static>(
    state: Shared,
    work: impl FnOnce(&State) -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    let task = async {
        // The turn ends with the work, even when the answer has gone out as a timeout.
        let turn = Arc::clone(&state.searching).acquire_owned().await;
        let state = Arc::clone(&state);
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work(&state)
        })
        .await
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, task).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(_panicked)) => Err(ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error while searching (see the server's log)".into(),
        }),
        Err(_elapsed) => Err(ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!(
                "the request took longer than {} s; narrow the query",
                REQUEST_TIMEOUT.as_secs()
            ),
        }),
    }
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ` (UTC), for the log.
fn clock() -> String {
    let secs = crate::dates::now_secs();
    let day = crate::dates::today();
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!("{day}T{h:02}:{m:02}:{s:02}Z")
}

/// One log line per request on stderr: time, method, path and query, status, duration.
async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let line = format!("{} {}", request.method(), request.uri());
    let response = next.run(request).await;
    eprintln!(
        "{} {line} {} {:.1} ms",
        clock(),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Headers for every answer: nothing runs but the page's own script, whatever a passage holds.
async fn protect(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        message: "no such page; the API is /api/search, /api/stats, /api/trend, /api/kwic, \
                  /api/collocates, /api/export and /api/cite"
            .into(),
    }
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/assets/{name}", get(page::asset))
        .route("/api/search", get(api::search))
        .route("/api/stats", get(api::stats))
        .route("/api/trend", get(research::trend))
        .route("/api/kwic", get(research::kwic))
        .route("/api/collocates", get(research::collocates))
        .route("/api/export", get(export::export))
        .route("/api/cite", get(export::cite))
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(protect))
        .layer(axum::middleware::from_fn(log))
}

/// When `meta.json`, which tantivy rewrites on each commit, was last written, and its size.
fn commit_mark(dir: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(dir.join("meta.json")).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Reloads the index when a commit was made, checking every [`RELOAD_EVERY`]: a reload opens
/// every segment again and empties the document caches, so it is not done for nothing.
async fn keep_reloading(state: Shared) {
    let mut ticks = tokio::time::interval(RELOAD_EVERY);
    let mut seen = commit_mark(state.index.dir());
    loop {
        ticks.tick().await;
        let mark = commit_mark(state.index.dir());
        if mark == seen {
            continue;
        }
        let state = Arc::clone(&state);
        let reload = move || {
            state.index.reload()?;
            state.index.prepare_facets()
        };
        match tokio::task::spawn_blocking(reload).await {
            Ok(Ok(())) => seen = mark,
            Ok(Err(error)) => eprintln!("gonghui: reloading the index: {error}"),
            Err(error) => eprintln!("gonghui: reloading the index: {error}"),
        }
    }
}

/// Until Ctrl-C (or SIGTERM).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Serves `index` at `addr` until Ctrl-C. Announces the address bound (port 0 picks a free
/// one) on stderr as `gonghui: serving … at http://ADDR/`.
pub fn serve(index: Index, addr: SocketAddr, ranked_matches: usize) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Server(format!("cannot start the server: {e}")))?;
    let index = index
        .with_document_cache(DOCUMENT_CACHE_BLOCKS)?
        .with_ranked_cache(ranked_matches);
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::Server(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Server(format!("cannot listen on {addr}: {e}")))?;
        eprintln!(
            "gonghui: serving {} at http://{bound}/ (Ctrl-C stops)",
            index.dir().display()
        );
        if !bound.ip().is_loopback() {
            eprintln!("gonghui: {bound} is reachable from other machines");
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        // Two searches a core: with one, a core sat idle whenever a search was descheduled or
        // waited on a page of the memory-mapped index (32 clients on 2 cores: p99 72 ms with
        // two at a time, 45–52 ms with four, 51–66 ms with six or eight).
        let state = Arc::new(State {
            index,
            searching: Arc::new(tokio::sync::Semaphore::new(2 * cores)),
        });
        let preparing = Arc::clone(&state);
        tokio::task::spawn_blocking(move || preparing.index.prepare_facets());
        let reloading = tokio::spawn(keep_reloading(Arc::clone(&state)));
        let served = axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown_signal())
            .await;
        reloading.abort();
        eprintln!("gonghui: stopped");
        served.map_err(|e| Error::Server(format!("the server failed: {e}")))
    })
}
