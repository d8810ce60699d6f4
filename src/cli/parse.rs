//! `gonghui parse`: show what indexing would make of a file.

use std::io::Write;
use std::path::PathBuf;

use super::{Outcome, stdout_result};
use crate::error::Result;
use crate::files;

/// Print the articles parsed from files as JSON Lines (title, source, date, sections,
/// passages), exactly as they would be indexed
#[derive(clap::Args)]
pub struct Args {
    /// Files or folders to parse
    #[arg(value_name = "FILE", required = true)]
    paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<Outcome> {
    let (input, mut skipped) = files::discover(&args.paths);
    let mut out = std::io::stdout().lock();
    let mut written = Ok(());
    for file in &input {
        files::read_articles(file, 0, &indicatif::ProgressBar::hidden(), |item| {
            match item {
                Ok((_, article)) => {
                    written = serde_json::to_writer(&mut out, &article)
                        .map_err(std::io::Error::from)
                        .and_then(|()| writeln!(out));
                }
                Err(skip) => skipped.push(skip),
            }
            written.is_ok()
        });
        if written.is_err() {
            break;
        }
    }
    stdout_result(written)?;
    for skip in &skipped {
        eprintln!("gonghui: {skip}");
    }
    Ok(if skipped.is_empty() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
