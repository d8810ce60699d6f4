//! `gonghui kwic`: a keyword-in-context concordance, every occurrence a line.

use std::io::Write;
use std::time::Instant;

use serde::Serialize;

use super::table::{pad_left, pad_right};
use super::trend::parse;
use super::{ColorArg, IndexDir, Matching, Outcome, stdout_result};
use crate::concordance::{Concordance, ConcordanceOptions, Line, LineSort};
use crate::error::Result;
use crate::export::Rows;
use crate::printer::{Marks, marked};

const ABOUT: &str = "\
Every occurrence of the query's terms in the passages that match (reprints included), as the
context to its left, the match and the context to its right, with the article's date, title
and paragraph. The query is searched as by `gonghui search`; the match is what the search
highlights. Contexts stop at the passage's ends.

Orders: date (oldest first; streams: the first lines come at once, whatever the number),
score (the passages best first), left (by the context to the left, read from the match
leftwards) and right (by the context to the right); sorting by context holds the lines in
memory (with -n N, at most about 2N).

Columns of --csv and --tsv: left, match, right, date, title, source, id, para, part, offset,
url; offset is the match's character offset in the passage.

Examples:
  gonghui kwic 劳模 --sort left
  gonghui kwic 大国工匠 --width 30 --csv > 大国工匠.csv

Exit status: 0 when something matched, 1 when nothing did, 2 on an error.";

/// List every occurrence of a query in its context (a concordance)
#[derive(clap::Args)]
#[command(after_help = ABOUT)]
pub struct Args {
    /// The query (the syntax of `gonghui search`)
    #[arg(value_name = "QUERY")]
    query: String,
    #[command(flatten)]
    index: IndexDir,
    /// Characters of context on each side
    #[arg(long, value_name = "N", default_value_t = 20)]
    width: usize,
    /// Order of the lines: date, score, left, right
    #[arg(long, value_name = "ORDER", default_value = "date", value_parser = parse::<LineSort>)]
    sort: LineSort,
    /// Lines to show; 0 shows every occurrence
    #[arg(short = 'n', long, value_name = "N", default_value_t = 0)]
    limit: usize,
    #[command(flatten)]
    matching: Matching,
    /// Write JSON Lines: one object per line, then a summary
    #[arg(long, conflicts_with_all = ["csv", "tsv"])]
    json: bool,
    /// Write CSV (with a byte order mark, for Excel)
    #[arg(long, conflicts_with = "tsv")]
    csv: bool,
    /// Write tab-separated values
    #[arg(long)]
    tsv: bool,
    /// Mark matches with colour
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

/// The summary after the lines of `--json`.
#[derive(Serialize)]
struct JsonSummary<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    query: &'a str,
    lines: usize,
    passages: usize,
    elapsed_ms: f64,
}

/// A line of `--json`: `{"type":"line", …}`.
#[derive(Serialize)]
struct JsonLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    line: &'a Line,
}

pub fn run(args: Args) -> Result<Outcome> {
    let started = Instant::now();
    let index = super::search::open_index(&args.index)?;
    let options = ConcordanceOptions {
        width: args.width,
        sort: args.sort,
        limit: args.limit,
        search: args.matching.options()?,
    };
    let lines = index.concordance(&args.query, &options)?;
    let passages = lines.passages;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if args.json {
        json(out, lines, &args.query, started)
    } else if args.csv || args.tsv {
        table(out, lines, args.tsv)
    } else {
        text(out, lines, args.width, args.color.marks())
    };
    stdout_result(written?)?;
    Ok(if passages > 0 {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}

/// Writes each line as it comes, the first at once; the outer result is the library's, the
/// inner one the output's.
fn each(
    out: &mut impl Write,
    lines: Concordance,
    mut write: impl FnMut(&mut dyn Write, &Line) -> std::io::Result<()>,
) -> Result<std::io::Result<usize>> {
    let mut count = 0;
    for line in lines {
        let line = line?;
        let written = write(out, &line).and_then(|()| match count {
            0 => out.flush(),
            _ => Ok(()),
        });
        if let Err(error) = written {
            return Ok(Err(error));
        }
        count += 1;
    }
    Ok(Ok(count))
}

fn json(
    mut out: impl Write,
    lines: Concordance,
    query: &str,
    started: Instant,
) -> Result<std::io::Result<()>> {
    let passages = lines.passages;
    let count = each(&mut out, lines, |out, line| {
        serde_json::to_writer(&mut *out, &JsonLine { kind: "line", line })?;
        writeln!(out)
    })?;
    Ok(count.and_then(|lines| {
        let summary = JsonSummary {
            kind: "summary",
            query,
            lines,
            passages,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out)?;
        out.flush()
    }))
}

/// The cells of a line in CSV and TSV.
const COLUMNS: [&str; 11] = [
    "left", "match", "right", "date", "title", "source", "id", "para", "part", "offset", "url",
];

fn cells(line: &Line) -> [String; 11] {
    let a = &line.article;
    [
        line.left.clone(),
        line.keyword.clone(),
        line.right.clone(),
        a.date.clone(),
        a.title.clone(),
        a.source.clone(),
        a.id.clone(),
        line.para.to_string(),
        line.part.to_string(),
        line.offset.to_string(),
        a.url.clone(),
    ]
}

fn table(out: impl Write, lines: Concordance, tsv: bool) -> Result<std::io::Result<()>> {
    let mut rows = match Rows::new(out, tsv, &COLUMNS) {
        Ok(rows) => rows,
        Err(error) => return Ok(Err(error)),
    };
    for line in lines {
        if let Err(error) = rows.row(&cells(&line?)) {
            return Ok(Err(error));
        }
    }
    Ok(rows.flush())
}

/// Aligned for a terminal: the left context right-aligned and the right one left-aligned to
/// `width` characters of two columns each, so that the matches stand in one column.
fn text(
    mut out: impl Write,
    lines: Concordance,
    width: usize,
    marks: Marks,
) -> Result<std::io::Result<()>> {
    let columns = width * 2;
    let written = each(&mut out, lines, |out, line| {
        let a = &line.article;
        let date = if a.date.is_empty() {
            "          "
        } else {
            &a.date
        };
        write!(out, "{date}  {}", pad_left(&line.left, columns))?;
        let keyword = &line.keyword;
        marked(out, keyword, &[(0, keyword.chars().count())], marks, "")?;
        let title = a.title.replace(['\t', '\n', '\r'], " ");
        writeln!(
            out,
            "{}  {title} ¶{}",
            pad_right(&line.right, columns),
            line.para
        )
    })?;
    Ok(written.and_then(|_| out.flush()))
}
