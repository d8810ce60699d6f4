//! The search page: one HTML file, its scripts (the search; the trend and concordance views)
//! and its style sheet, embedded in the binary (the
//! newsroom machines have no internet). The script builds the results with `textContent`, so
//! archive text is never read as HTML.

use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::ApiError;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const RESEARCH_JS: &str = include_str!("assets/research.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

pub(super) async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

pub(super) async fn asset(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (kind, body) = match name.as_str() {
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "research.js" => ("text/javascript; charset=utf-8", RESEARCH_JS),
        "style.css" => ("text/css; charset=utf-8", STYLE_CSS),
        _ => return Err(super::not_found().await),
    };
    Ok(([(header::CONTENT_TYPE, kind)], body).into_response())
}
