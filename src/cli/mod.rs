//! The command line: one file per subcommand, each a thin layer over the library.
//!
//! Exit codes follow grep: 0 when something matched (or the job went through), 1 when nothing
//! matched (or, for `index`, when some input was skipped), 2 on an error. Errors go to stderr.

mod analyze;
mod check;
mod collocates;
mod index;
mod kwic;
mod parse;
mod search;
mod serve;
mod stats;
mod table;
mod trend;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::printer::Marks;
use crate::query::synonyms::Synonyms;
use crate::search::SearchOptions;

/// The index used when `--index` is not given.
pub const DEFAULT_INDEX: &str = "index";
/// What `gonghui index` reads when no path is given.
pub const DEFAULT_CORPUS: &str = "corpus";

/// gonghui (工会): full-text search for Chinese news archives.
#[derive(Parser)]
#[command(name = "gonghui", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Index(index::Args),
    Search(search::Args),
    Parse(parse::Args),
    Analyze(analyze::Args),
    Stats(stats::Args),
    Serve(serve::Args),
    Check(check::Args),
    Trend(trend::Args),
    Kwic(kwic::Args),
    Collocates(collocates::Args),
}

/// Exit status of a command that ran.
pub enum Outcome {
    /// Matched, or done with nothing skipped.
    Success,
    /// Nothing matched, or something was skipped.
    Partial,
}

/// The `--index DIR` option shared by the subcommands.
#[derive(clap::Args)]
struct IndexDir {
    /// Index directory
    #[arg(long = "index", value_name = "DIR")]
    dir: Option<PathBuf>,
}

impl IndexDir {
    fn path(&self) -> PathBuf {
        self.dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX))
    }
}

/// Which passages match, beyond the query: the date filter and the synonyms (shared by the
/// subcommands that search).
#[derive(clap::Args)]
struct Matching {
    /// Only articles dated on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Search every term only as typed: no synonyms
    #[arg(long)]
    exact: bool,
    /// Also expand the synonym groups of FILE (one group a line, as the shipped ones)
    #[arg(long, value_name = "FILE", conflicts_with = "exact")]
    synonyms: Option<PathBuf>,
}

impl Matching {
    /// The search options of the filter and the synonyms, the others as by default.
    fn options(&self) -> Result<SearchOptions, Error> {
        Ok(SearchOptions {
            from: self.from.clone(),
            to: self.to.clone(),
            synonyms: match (&self.synonyms, self.exact) {
                (_, true) => None,
                (Some(file), false) => Some(Arc::new(Synonyms::shipped_and(file)?)),
                (None, false) => Some(Synonyms::shipped()),
            },
            ..SearchOptions::default()
        })
    }
}

/// When to mark matches with colour.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// Colour when asked, or by default on a terminal unless `NO_COLOR` is set; else brackets.
    fn marks(self) -> Marks {
        let colour = match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        if colour {
            Marks::Color
        } else {
            Marks::Brackets
        }
    }
}

/// Indexing frees and takes again large blocks of ever other sizes (the writer's arenas, a
/// segment's buffers). glibc's allocator raises its threshold for mapping large blocks as
/// they come and then keeps them in its heaps: a run over ten times the news corpus grew to
/// 1.1 GB of heap. A fixed threshold of 1 MiB maps every large block and unmaps it when
/// freed (the same run peaked at 755 MiB in all). Only for indexing: searches are served
/// better by the rising threshold (with the fixed one, `gonghui serve` under load answered
/// 0.65 × the requests).
pub(crate) fn map_large_blocks_for_indexing() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a setting of the allocator, which it synchronises itself.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Lowers the scheduling priority of the process to `nice` (as nice(1) does), so that an
/// index run leaves searchers served from the same machine their share of the cores (a
/// server under load beside an index run with both cores otherwise waits seconds). Called
/// before the run starts its threads, which inherit it.
pub(crate) fn lower_priority(nice: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: setpriority changes only the scheduling priority of the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, nice);
    }
}

/// Runs the command line and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => index::run(args),
        Command::Search(args) => search::run(args),
        Command::Parse(args) => parse::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Trend(args) => trend::run(args),
        Command::Kwic(args) => kwic::run(args),
        Command::Collocates(args) => collocates::run(args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(error) => {
            eprintln!("gonghui: {}", message(&error));
            ExitCode::from(2)
        }
    }
}

/// An error's message in the command line's words: a date filter named by its flag.
fn message(error: &Error) -> String {
    error.worded(|bound, text| format!("--{bound} {text}"))
}

/// Writes to stdout; a closed pipe (`gonghui search … | head`) ends quietly.
fn stdout_result(result: std::io::Result<()>) -> Result<(), Error> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::io("standard output", e)),
    }
}
