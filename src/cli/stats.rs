//! `gonghui stats`: what an index holds.

use std::io::Write;

use super::{IndexDir, Outcome, stdout_result};
use crate::error::Result;
use crate::index::Index;

/// Show what the index holds: articles, passages, sources, dates, size, analyzer
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    index: IndexDir,
    /// Print as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = Index::open(args.index.path())?;
    let stats = index.stats()?;
    let mut out = std::io::stdout().lock();
    stdout_result((|| {
        if args.json {
            serde_json::to_writer_pretty(&mut out, &stats)?;
            return writeln!(out);
        }
        writeln!(out, "index      {}", index.dir().display())?;
        writeln!(out, "articles   {}", stats.articles)?;
        writeln!(out, "passages   {}", stats.passages)?;
        writeln!(out, "files      {}", stats.files)?;
        writeln!(
            out,
            "reprints   {} groups, {} articles",
            stats.reprint_groups, stats.reprinted_articles
        )?;
        if let (Some(from), Some(to)) = (&stats.date_from, &stats.date_to) {
            writeln!(out, "dates      {from} … {to}")?;
        }
        writeln!(out, "size       {:.1} MB", stats.index_bytes as f64 / 1e6)?;
        let a = &stats.analyzer;
        writeln!(
            out,
            "analyzer   {} (normalisation v{})",
            a.segmenter, a.normalization
        )?;
        write!(
            out,
            "dictionary {} words, {} from the labour lexicon",
            a.dictionary_words, a.lexicon_words
        )?;
        match &a.user_dictionary {
            Some(path) => writeln!(out, ", {} from {path}", a.user_words)?,
            None => writeln!(out)?,
        }
        writeln!(out, "sources    articles  passages")?;
        for s in &stats.sources {
            let name = if s.source.is_empty() {
                "(none)"
            } else {
                &s.source
            };
            writeln!(out, "  {:>8}  {:>8}  {name}", s.articles, s.passages)?;
        }
        Ok(())
    })())?;
    Ok(Outcome::Success)
}
