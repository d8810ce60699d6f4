//! `gonghui index`: read a corpus into the index.

use std::io::Write;
use std::path::PathBuf;

use super::{DEFAULT_CORPUS, IndexDir, Outcome, stdout_result};
use crate::error::Result;
use crate::index::writer::{IndexOptions, IndexReport, index_paths};

/// Index article pages (.txt), JSON Lines (.jsonl, .jsonl.zst, .jsonl.gz, - for stdin) and
/// folders of them. Re-running adds only what changed.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 when everything was read, 1 when something was skipped (listed \
                  with its reason; the rest is indexed), 2 on an error."
)]
pub struct Args {
    /// Files and folders to read [default: corpus]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    index: IndexDir,
    /// Start over: remove the index's contents first
    #[arg(long)]
    rebuild: bool,
    /// Remove the passages of indexed files that no longer exist
    #[arg(long)]
    prune: bool,
    /// User dictionary for a new index: lines of `word [freq] [tag]`
    #[arg(long, value_name = "FILE")]
    dict: Option<PathBuf>,
    /// Commit after this many articles, so an interrupted run keeps its work
    #[arg(long, value_name = "N", default_value_t = IndexOptions::default().commit_every)]
    commit_every: usize,
    /// Indexing threads (0: one per core)
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Scheduling niceness of the run, 0 to 19: the higher, the more searches on the same
    /// machine go first
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(i32).range(0..=19))]
    nice: i32,
    /// Print the summary as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<Outcome> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(DEFAULT_CORPUS)]
    } else {
        args.paths
    };
    let options = IndexOptions {
        rebuild: args.rebuild,
        prune: args.prune,
        user_dict: args.dict,
        commit_every: args.commit_every,
        threads: args.threads,
        progress: true,
        ..IndexOptions::default()
    };
    super::map_large_blocks_for_indexing();
    super::lower_priority(args.nice);
    let report = index_paths(&args.index.path(), &paths, &options)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        stdout_result(
            serde_json::to_writer(&mut out, &report)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out)),
        )?;
    } else {
        stdout_result(print_report(&mut out, &report))?;
    }
    Ok(if report.skipped.is_empty() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}

/// What a run added, in one line.
pub fn added(r: &IndexReport) -> String {
    format!(
        "indexed {}, {} passages in {:.2} s",
        articles(r.articles),
        r.passages,
        r.seconds
    )
}

/// "1 article", "2 articles".
fn articles(count: usize) -> String {
    match count {
        1 => "1 article".to_string(),
        n => format!("{n} articles"),
    }
}

/// The report for people: what was added, what was kept, what was skipped and why.
pub fn print_report(out: &mut impl Write, r: &IndexReport) -> std::io::Result<()> {
    writeln!(out, "{}", added(r))?;
    if r.files_unchanged + r.files_replaced + r.files_pruned > 0 {
        writeln!(
            out,
            "files: {} read, {} unchanged, {} replaced, {} pruned",
            r.files_read, r.files_unchanged, r.files_replaced, r.files_pruned
        )?;
    }
    writeln!(
        out,
        "index now holds {}, {} passages, {:.1} MB",
        articles(r.total_articles),
        r.total_passages,
        r.index_bytes as f64 / 1e6
    )?;
    if !r.skipped.is_empty() {
        let count = r.skipped.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        writeln!(out, "{count} {noun}; the rest was indexed:")?;
        for skipped in &r.skipped {
            writeln!(out, "  {skipped}")?;
        }
    }
    Ok(())
}
