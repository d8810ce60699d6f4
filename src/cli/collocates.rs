//! `gonghui collocates`: the words found near a query's matches more often than expected.

use std::io::Write;

use super::table::Table;
use super::{IndexDir, Matching, Outcome, stdout_result};
use crate::collocates::{CollocateOptions, Collocates};
use crate::error::Result;
use crate::export::Rows;
use crate::printer::JsonCollocates;

const ABOUT: &str = "\
The jieba words within --window characters of the query's matches, ranked by log-likelihood
(G²): how much more often than the archive leads one to expect they are near the matches,
counted by passage (see the README, \"Collocations\"). A raw count would put the commonest
words first; G² does not. Words are normalised (traditional as simplified); single
characters, numbers and punctuation are left out (--min-chars 1 keeps single characters).
The query is searched as by `gonghui search`.

Columns: score (G²), passages (matching passages with the word near a match), near (times
near a match), frequency (passages of the archive holding the word), tag (jieba's part of
speech: n noun, nr person, ns place, nt organisation, v verb…; empty when jieba's dictionary
lacks the word).

Examples:
  gonghui collocates 劳模
  gonghui collocates 劳模 --pos nr          who is named beside 劳模
  gonghui collocates 农民工 --by year -n 5

Exit status: 0 when something matched, 1 when nothing did, 2 on an error.";

/// Find the words that occur near a query's matches (collocations)
#[derive(clap::Args)]
#[command(after_help = ABOUT)]
pub struct Args {
    /// The query (the syntax of `gonghui search`)
    #[arg(value_name = "QUERY")]
    query: String,
    #[command(flatten)]
    index: IndexDir,
    /// Characters on each side of a match within which a word is near it
    #[arg(long, value_name = "N", default_value_t = 10)]
    window: usize,
    /// Only words whose part-of-speech tag starts with TAG (nr people, ns places, nt
    /// organisations)
    #[arg(long, value_name = "TAG")]
    pos: Option<String>,
    /// One list per year
    #[arg(long, value_name = "PERIOD", value_parser = ["year"])]
    by: Option<String>,
    /// Collocates to show (per year with --by year)
    #[arg(short = 'n', long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Shortest word kept, in characters
    #[arg(long, value_name = "N", default_value_t = 2)]
    min_chars: usize,
    /// Fewest matching passages a word must be near a match in
    #[arg(long, value_name = "N", default_value_t = 2)]
    min_passages: u64,
    #[command(flatten)]
    matching: Matching,
    /// Write JSON
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Write CSV: one row per collocate (period, word, tag, score, passages, near, frequency)
    #[arg(long)]
    csv: bool,
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = super::search::open_index(&args.index)?;
    let options = CollocateOptions {
        window: args.window,
        pos: args.pos.clone(),
        by_year: args.by.is_some(),
        limit: args.limit,
        min_chars: args.min_chars,
        min_passages: args.min_passages,
        search: args.matching.options()?,
    };
    let lists = index.collocates(&args.query, &options)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    stdout_result(if args.json {
        let object = JsonCollocates {
            query: &args.query,
            window: args.window,
            lists: &lists,
        };
        serde_json::to_writer_pretty(&mut out, &object)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush())
    } else if args.csv {
        csv(out, &lists)
    } else {
        text(out, &lists)
    })?;
    let matched = lists.iter().any(|list| list.matching > 0);
    Ok(if matched {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}

fn csv(out: impl Write, lists: &[Collocates]) -> std::io::Result<()> {
    let head = [
        "period",
        "word",
        "tag",
        "score",
        "passages",
        "near",
        "frequency",
    ];
    let mut rows = Rows::new(out, false, &head)?;
    for list in lists {
        for c in &list.collocates {
            let row = [
                list.period.clone(),
                c.word.clone(),
                c.tag.clone(),
                format!("{:.2}", c.score),
                c.passages.to_string(),
                c.near.to_string(),
                c.frequency.to_string(),
            ];
            rows.row(&row)?;
        }
    }
    rows.flush()
}

fn text(mut out: impl Write, lists: &[Collocates]) -> std::io::Result<()> {
    if lists.is_empty() {
        writeln!(out, "no collocate")?;
    }
    for list in lists {
        let within = match list.period.as_str() {
            "" => String::new(),
            year => format!("{year}: "),
        };
        writeln!(
            out,
            "{within}{} matching passages of {}",
            list.matching, list.passages
        )?;
        let mut table = Table::new(2);
        table.row(
            ["word", "tag", "score", "passages", "near", "frequency"]
                .map(String::from)
                .to_vec(),
        );
        for c in &list.collocates {
            table.row(vec![
                c.word.clone(),
                c.tag.clone(),
                format!("{:.1}", c.score),
                c.passages.to_string(),
                c.near.to_string(),
                c.frequency.to_string(),
            ]);
        }
        table.write(&mut out)?;
    }
    out.flush()
}
