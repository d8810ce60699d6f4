//! `gonghui serve`: the search page and the HTTP JSON API.

use std::net::SocketAddr;

use super::{IndexDir, Outcome};
use crate::error::Result;

/// Serve a search page and an HTTP JSON API over the index (read-only) until Ctrl-C
#[derive(clap::Args)]
#[command(after_help = "\
The page: http://127.0.0.1:8080/ (the URL holds the search: /?q=志愿者&from=2020-01-01)
The API:  GET /api/search?q=…&limit=&offset=&from=&to=&sort=&per_article=
          answers {\"hits\",\"summary\",\"facets\"}, hits and summary as search --json prints them
          GET /api/stats answers what stats --json prints
Limits: queries of 200 characters, pages of 100 hits, offsets up to 10000, 10 s a request;
a bad request gets 400 and {\"error\": …}. One line per request is logged on stderr.")]
pub struct Args {
    #[command(flatten)]
    index: IndexDir,
    /// Address to listen on (port 0 picks a free port); loopback only unless told otherwise
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Matches of recent rankings kept for paging, other orders and facets (about 64 bytes
    /// each); 0 ranks every request afresh
    #[arg(long, value_name = "MATCHES", default_value_t = crate::serve::RANKED_CACHE_MATCHES)]
    ranked_cache: usize,
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = super::search::open_index(&args.index)?;
    crate::serve::serve(index, args.addr, args.ranked_cache)?;
    Ok(Outcome::Success)
}
