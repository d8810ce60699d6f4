//! `gonghui search`: ranked passages with highlights, for people or as JSON Lines.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use clap::builder::PossibleValue;

use super::{ColorArg, DEFAULT_CORPUS, DEFAULT_INDEX, IndexDir, Matching, Outcome, stdout_result};
use crate::error::{Error, Result};
use crate::export::{Exporter, Format};
use crate::facets::Facets;
use crate::hits::Hits;
use crate::index::writer::{IndexOptions, index_paths};
use crate::index::{self, Index};
use crate::order::Sort;
use crate::printer::{JsonHit, JsonSummary, TextPrinter, json_line, json_lines};
use crate::search::SearchOptions;

const SYNTAX: &str = "\
Query syntax:
  工会 志愿者          both terms (a term typed without spaces is cut into words, all required)
  劳模 OR 劳动模范     either term; (劳模 OR 工匠) 疫情 groups
  疫情 -核酸           exclude a term
  \"疫情防控\"           exact phrase
  title:工会  source:央视网   restrict to the title or the source
A term of a synonym group also finds the group's other terms (全总 finds 全国总工会 and
中华全国总工会, after the passages with 全总); --exact turns this off.
Any string of Chinese characters that occurs in a passage finds it, whatever the word
boundaries. Traditional characters, full-width letters and input-method punctuation
(“” ：（）and the ideographic space) work as typed.

Exit status: 0 when something matched, 1 when nothing matched, 2 on an error.";

/// Search the index for passages.
#[derive(clap::Args)]
#[command(after_help = SYNTAX)]
pub struct Args {
    /// The query (see the syntax below)
    #[arg(value_name = "QUERY", required_unless_present = "queries")]
    query: Option<String>,
    #[command(flatten)]
    index: IndexDir,
    /// Passages to show; 0 shows every match
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    limit: usize,
    /// Skip the first N passages (paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    offset: usize,
    /// At most K passages per article, articles ordered by their best passage
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    per_article: Option<u32>,
    /// Order of the passages: best first, oldest first, newest first
    #[arg(long, value_enum, default_value_t = Sort::Score, allow_hyphen_values = true)]
    sort: Sort,
    #[command(flatten)]
    matching: Matching,
    /// Show every copy of a reprinted story (by default only the best-ranked copy is shown,
    /// with where else it ran)
    #[arg(long)]
    no_collapse: bool,
    /// Print only the number of matching passages
    #[arg(long, conflicts_with = "json")]
    count: bool,
    /// Also count the matching passages by year and by source (in JSON, in the summary)
    #[arg(long, conflicts_with = "count")]
    facets: bool,
    /// Write JSON Lines: one object per passage, then a summary
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Write the hits as json (as --json), csv or tsv (one row per hit; CSV with a byte order
    /// mark for Excel), ris or bibtex (one reference per article) or cite (GB/T 7714-2015, one
    /// line per article); see the README, "Export"
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "csv", "tsv", "ris", "bibtex", "cite"])]
    format: Option<String>,
    /// With --format csv or tsv: one row per article, its best passage
    #[arg(long, value_name = "article", value_parser = ["article"], requires = "format")]
    group_by: Option<String>,
    /// Read one query per line from FILE (- for standard input) and write JSON Lines
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    queries: Option<PathBuf>,
    /// Mark matches with colour
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Show the parts of each hit's score (see the README, "Ranking")
    #[arg(long)]
    explain: bool,
    /// Longest part of a passage shown, in characters (0: whole passages)
    #[arg(long, value_name = "N", default_value_t = 160)]
    context: usize,
}

/// The orders by the names the library gives them.
impl ValueEnum for Sort {
    fn value_variants<'a>() -> &'a [Self] {
        Sort::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// Opens the index; on first use of the default index, builds it from `corpus/`.
pub(super) fn open_index(dir: &IndexDir) -> Result<Index> {
    let path = dir.path();
    if dir.dir.is_none() && !index::exists(&path) && Path::new(DEFAULT_CORPUS).is_dir() {
        eprintln!(
            "gonghui: no index at {DEFAULT_INDEX}/; building it from {DEFAULT_CORPUS}/ (first use)"
        );
        let report = index_paths(
            &path,
            &[PathBuf::from(DEFAULT_CORPUS)],
            &IndexOptions {
                progress: true,
                ..IndexOptions::default()
            },
        )?;
        eprintln!("gonghui: {}", super::index::added(&report));
    }
    Index::open(&path)
}

impl Args {
    fn options(&self) -> Result<SearchOptions> {
        Ok(SearchOptions {
            limit: self.limit,
            offset: self.offset,
            per_article: self.per_article.map(|k| k as usize),
            sort: self.sort,
            explain: self.explain,
            collapse_reprints: !self.no_collapse,
            ..self.matching.options()?
        })
    }

    fn printer(&self) -> TextPrinter {
        TextPrinter {
            marks: self.color.marks(),
            max_chars: self.context,
        }
    }
}

/// Grep's exit status: whether anything matched.
fn matched(total: usize) -> Outcome {
    if total > 0 {
        Outcome::Success
    } else {
        Outcome::Partial
    }
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = open_index(&args.index)?;
    let options = args.options()?;
    if let Some(file) = &args.queries {
        return batch(&index, file, &options, args.facets);
    }
    let query = args.query.as_deref().unwrap_or_default();
    if args.count {
        let total = index.count(query, &options)?;
        stdout_result(writeln!(std::io::stdout().lock(), "{total}"))?;
        return Ok(matched(total));
    }
    let mut hits = index.search_hits(query, &options)?;
    let outcome = matched(hits.total);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let json = args.json || args.format.as_deref() == Some("json");
    if let Some(format) = args.format.as_deref().filter(|_| !json) {
        let format: Format = format.parse().map_err(Error::Usage)?;
        let per_article = args.group_by.is_some();
        export(out, &mut hits, format, per_article)?;
        return Ok(outcome);
    }
    let printer = args.printer();
    if !write_hits(&mut out, &mut hits, &printer, json)? {
        return Ok(outcome);
    }
    let facets = args.facets.then(|| index.facets(&hits)).transpose()?;
    let summary = hits.summary();
    stdout_result((|| {
        if json {
            json_line(&mut out, &JsonSummary::new(query, summary, facets.as_ref()))?;
        } else {
            printer.summary(&mut out, &summary)?;
            if let Some(facets) = &facets {
                printer.facets(&mut out, facets)?;
            }
        }
        out.flush()
    })())?;
    Ok(outcome)
}

/// Writes hits as they are read, the first at once, the rest as the buffer fills; false when
/// the reader stopped (`| head`), which ends the search quietly.
fn write_hits(
    out: &mut impl Write,
    hits: &mut Hits,
    printer: &TextPrinter,
    json: bool,
) -> Result<bool> {
    let mut first = true;
    for hit in hits {
        let hit = hit?;
        let mut written = if json {
            json_line(out, &JsonHit::from(&hit))
        } else {
            printer.hit(out, &hit)
        };
        if std::mem::take(&mut first) {
            written = written.and_then(|()| out.flush());
        }
        if let Err(error) = written {
            stdout_result(Err(error))?;
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes the hits in an export format as they are read (no summary: the file is the hits).
fn export(out: impl Write, hits: &mut Hits, format: Format, per_article: bool) -> Result<()> {
    let mut exporter = match Exporter::new(out, format, per_article, &crate::dates::today()) {
        Ok(exporter) => exporter,
        Err(error) => return stdout_result(Err(error)),
    };
    for hit in hits {
        let hit = hit?;
        if let Err(error) = exporter.hit(&hit) {
            return stdout_result(Err(error));
        }
    }
    stdout_result(exporter.flush())
}

/// One query per line, JSON Lines out; a bad query writes an error object and the rest run.
fn batch(index: &Index, file: &Path, options: &SearchOptions, facets: bool) -> Result<Outcome> {
    let reader: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut total, mut failed) = (0, false);
    for (number, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::io(file, e))?;
        let query = line.trim();
        if query.is_empty() {
            continue;
        }
        let searched = index.search_hits(query, options).and_then(|mut hits| {
            let counted: Option<Facets> = facets.then(|| index.facets(&hits)).transpose()?;
            Ok((hits.collect_results()?, counted))
        });
        match searched {
            Ok((results, counted)) => {
                total += results.total;
                stdout_result(json_lines(&mut out, query, &results, counted.as_ref()))?;
            }
            Err(error) => {
                failed = true;
                let message = super::message(&error);
                eprintln!("gonghui: {}:{}: {message}", file.display(), number + 1);
                let object = serde_json::json!({
                    "type": "error",
                    "query": query,
                    "message": message,
                });
                stdout_result(writeln!(out, "{object}"))?;
            }
        }
    }
    stdout_result(out.flush())?;
    if failed {
        return Err(Error::Usage(
            "some queries could not be run (see above)".to_string(),
        ));
    }
    Ok(matched(total))
}
