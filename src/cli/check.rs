//! `gonghui check`: is the index sound, and what to do when it is not.

use std::io::Write;

use super::{IndexDir, Outcome, stdout_result};
use crate::error::Result;
use crate::index::Index;

/// Check the index without writing to it: every file against its checksum, its
/// configuration and dictionary, and the link of every passage to its article
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 when the index is sound, 1 when it is damaged (what is wrong and \
                  what to do are printed), 2 on an error (no index there)."
)]
pub struct Args {
    #[command(flatten)]
    index: IndexDir,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<Outcome> {
    let report = Index::check(args.index.path())?;
    let mut out = std::io::stdout().lock();
    stdout_result((|| {
        if args.json {
            serde_json::to_writer_pretty(&mut out, &report)?;
            return writeln!(out);
        }
        writeln!(out, "index      {}", report.index)?;
        writeln!(
            out,
            "files      {} in {} segments, {:.1} MB",
            report.files,
            report.segments,
            report.bytes as f64 / 1e6
        )?;
        if report.sound {
            writeln!(
                out,
                "linked     {} articles, {} passages",
                report.articles, report.passages
            )?;
            return writeln!(
                out,
                "sound: every checksum matches, every passage has its article"
            );
        }
        writeln!(out, "damaged:")?;
        for problem in &report.problems {
            match problem.file.is_empty() {
                true => writeln!(out, "  {}", problem.problem)?,
                false => writeln!(out, "  {}: {}", problem.file, problem.problem)?,
            }
        }
        writeln!(out, "what to do: {}", report.advice)
    })())?;
    Ok(if report.sound {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
