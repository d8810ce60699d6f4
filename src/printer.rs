//! Passages with highlights → output: text for people, JSON Lines for programs.
//!
//! The JSON Lines format (one object a line) is a stable contract, documented in the README:
//! `{"type":"hit",...}` per passage, then one `{"type":"summary",...}`. Highlights are
//! half-open character offsets (Unicode scalar values) into `passage.text`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::facets::{FacetCount, Facets};
use crate::highlight::{self, Span};
use crate::hits::{ArticleInfo, Hit, PassageInfo, SearchResults, Summary};
use crate::rank::Explanation;

/// Version of the JSON output format, given in every summary.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// How matches are marked in text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// ANSI colour (bold red, as grep and ripgrep).
    Color,
    /// 【brackets】, for plain terminals, files and pipes.
    Brackets,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// Writes `text` with its spans (character offsets) marked.
pub fn marked(
    out: &mut (impl Write + ?Sized),
    text: &str,
    spans: &[Span],
    marks: Marks,
    base: &str,
) -> io::Result<()> {
    let mut chars = text.char_indices().map(|(i, _)| i).chain([text.len()]);
    let mut byte_at = Vec::with_capacity(text.len() + 1);
    byte_at.extend(&mut chars);
    let mut last = 0;
    for &(start, end) in spans {
        let (start, end) = (byte_at[start], byte_at[end]);
        out.write_all(&text.as_bytes()[last..start])?;
        let matched = &text[start..end];
        match marks {
            Marks::Color => write!(out, "{MATCH}{matched}{RESET}{base}")?,
            Marks::Brackets => write!(out, "【{matched}】")?,
        }
        last = end;
    }
    out.write_all(&text.as_bytes()[last..])
}

/// The parts of a score that give points, as `as typed 25.00 + text 3.10 (BM25 21.5) …`.
fn explain_line(explain: &Explanation) -> String {
    let mut line = String::from("=");
    for (name, part) in explain.parts() {
        if part.points == 0.0 {
            continue;
        }
        let sign = if part.points < 0.0 { '−' } else { '+' };
        if line.len() > 1 || sign == '−' {
            line.push_str(&format!(" {sign}"));
        }
        line.push_str(&format!(" {name} {:.2}", part.points.abs()));
        match name {
            "text" => line.push_str(&format!(" (BM25 {:.1})", part.value)),
            "article" => line.push_str(&format!(" ({} passages)", part.value)),
            "list" => line.push_str(&format!(" ({:.1} per 100 characters)", part.value)),
            "short" => line.push_str(&format!(" ({} characters)", part.value)),
            _ => {}
        }
    }
    line
}

/// Spans within `window`, shifted to start at it.
fn clip(spans: &[Span], (from, to): Span) -> Vec<Span> {
    spans
        .iter()
        .filter(|&&(s, e)| e > from && s < to)
        .map(|&(s, e)| (s.max(from) - from, e.min(to) - from))
        .collect()
}

/// Text output: per hit, the title, a line of metadata, and the passage (a window of it when
/// long) with its matches marked.
pub struct TextPrinter {
    /// How matches are marked.
    pub marks: Marks,
    /// Longest passage window shown, in characters (0 shows whole passages).
    pub max_chars: usize,
}

impl TextPrinter {
    /// Writes a hit: its title, a line of metadata, its score's parts when explained, and the passage.
    pub fn hit(&self, out: &mut impl Write, hit: &Hit) -> io::Result<()> {
        let color = self.marks == Marks::Color;
        let (bold, dim, reset) = if color {
            (BOLD, DIM, RESET)
        } else {
            ("", "", "")
        };
        write!(out, "{bold}{}. ", hit.rank)?;
        marked(
            out,
            &hit.article.title,
            &hit.title_highlights,
            self.marks,
            bold,
        )?;
        writeln!(out, "{reset}")?;

        write!(out, "   {dim}")?;
        let page = crate::articles::byline::page_label(&hit.article.page);
        let mut parts: Vec<&str> = Vec::new();
        for part in [&hit.article.source, &hit.article.date, &page] {
            if !part.is_empty() {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            parts.push(&hit.article.path);
        }
        write!(out, "{}", parts.join(" "))?;
        if !hit.article.author.is_empty() {
            write!(out, " · {}", hit.article.author)?;
        }
        if !hit.passage.section.is_empty() {
            write!(out, " · ")?;
            marked(
                out,
                &hit.passage.section,
                &hit.section_highlights,
                self.marks,
                dim,
            )?;
        }
        write!(out, " · para {}", hit.passage.para)?;
        if hit.passage.part > 0 {
            write!(out, " part {}", hit.passage.part)?;
        }
        writeln!(out, " · score {:.2}{reset}", hit.score)?;
        if let Some(explain) = &hit.explain {
            writeln!(out, "   {dim}{}{reset}", explain_line(explain))?;
        }

        if !hit.article.reprints.is_empty() {
            let copies: Vec<String> = hit
                .article
                .reprints
                .iter()
                .map(|r| match (r.source.is_empty(), r.date.is_empty()) {
                    (true, true) => r.id.clone(),
                    _ => format!("{} {}", r.source, r.date).trim().to_string(),
                })
                .collect();
            writeln!(out, "   {dim}also: {}{reset}", copies.join(", "))?;
        }

        let text = &hit.passage.text;
        let (from, to) = highlight::window(text, &hit.highlights, self.max_chars);
        let shown: String = text.chars().skip(from).take(to - from).collect();
        write!(out, "   {}", if from > 0 { "…" } else { "" })?;
        marked(
            out,
            &shown,
            &clip(&hit.highlights, (from, to)),
            self.marks,
            "",
        )?;
        let cut_end = to < text.chars().count();
        writeln!(out, "{}\n", if cut_end { "…" } else { "" })
    }

    /// Writes the line after the hits: which passages of how many, and the terms expanded.
    pub fn summary(&self, out: &mut impl Write, summary: &Summary) -> io::Result<()> {
        let (shown, first) = (summary.returned, summary.first_rank);
        let mut notes = vec![format!("{} ms", summary.elapsed.as_millis())];
        for (term, others) in summary.expanded {
            notes.push(format!("{term} also as {}", others.join(", ")));
        }
        let notes = notes.join("; ");
        if shown == 0 {
            writeln!(out, "no passage matches ({notes})")
        } else {
            writeln!(
                out,
                "passages {}–{} of {} ({notes})",
                first,
                first + shown - 1,
                summary.total,
            )
        }
    }

    /// The facets: one line of counts by year, one by source.
    pub fn facets(&self, out: &mut impl Write, facets: &Facets) -> io::Result<()> {
        let line = |counts: &[FacetCount], missing: &str| {
            counts
                .iter()
                .map(|f| {
                    let key = if f.key.is_empty() { missing } else { &f.key };
                    format!("{key} {}", f.count)
                })
                .collect::<Vec<_>>()
                .join(" · ")
        };
        writeln!(out, "years    {}", line(&facets.years, "undated"))?;
        writeln!(out, "sources  {}", line(&facets.sources, "(none)"))
    }
}

/// The JSON object of one hit: `{"type":"hit","rank","score","article","passage","highlights"}`.
#[derive(Serialize)]
pub struct JsonHit<'a> {
    #[serde(rename = "type")]
    /// `"hit"`.
    pub kind: &'static str,
    /// Rank from 1.
    pub rank: usize,
    /// The score.
    pub score: f32,
    /// The article.
    pub article: &'a ArticleInfo,
    /// The passage.
    pub passage: &'a PassageInfo,
    /// Character spans of the matches in the passage text.
    pub highlights: &'a [Span],
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The parts of the score, when asked for.
    pub explain: Option<JsonExplain>,
}

/// The `"explain"` object of a hit: each part of the score as `{"value","points"}`, and the
/// score they add up to.
#[derive(Serialize)]
pub struct JsonExplain {
    /// The score the parts add up to.
    pub score: f32,
    #[serde(flatten)]
    /// The parts.
    pub parts: Explanation,
}

impl<'a> From<&'a Hit> for JsonHit<'a> {
    fn from(hit: &'a Hit) -> Self {
        JsonHit {
            kind: "hit",
            rank: hit.rank,
            score: hit.score,
            article: &hit.article,
            passage: &hit.passage,
            highlights: &hit.highlights,
            explain: hit.explain.map(|parts| JsonExplain {
                score: parts.total(),
                parts,
            }),
        }
    }
}

/// The JSON summary that ends one query's hits:
/// `{"type":"summary","version","query","total","returned","elapsed_ms","expanded"}`, and
/// `"facets"` when they were asked for.
#[derive(Serialize)]
pub struct JsonSummary<'a> {
    #[serde(rename = "type")]
    /// `"summary"`.
    pub kind: &'static str,
    /// [`JSON_FORMAT_VERSION`].
    pub version: u32,
    /// The query, as given.
    pub query: &'a str,
    /// Exact number of matching passages.
    pub total: usize,
    /// Hits written.
    pub returned: usize,
    /// Milliseconds the search (and writing its hits) took.
    pub elapsed_ms: f64,
    /// The terms expanded to their synonyms.
    pub expanded: &'a BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The facets, when counted.
    pub facets: Option<&'a Facets>,
}

impl<'a> JsonSummary<'a> {
    /// The summary of a search for `query`.
    pub fn new(query: &'a str, summary: Summary<'a>, facets: Option<&'a Facets>) -> Self {
        JsonSummary {
            kind: "summary",
            version: JSON_FORMAT_VERSION,
            query,
            total: summary.total,
            returned: summary.returned,
            elapsed_ms: summary.elapsed.as_secs_f64() * 1000.0,
            expanded: summary.expanded,
            facets,
        }
    }
}

/// The JSON objects of one query's results, as both the JSON Lines and the HTTP API give them.
pub fn json_objects<'a>(
    query: &'a str,
    results: &'a SearchResults,
    facets: Option<&'a Facets>,
) -> (Vec<JsonHit<'a>>, JsonSummary<'a>) {
    let hits = results.hits.iter().map(JsonHit::from).collect();
    (hits, JsonSummary::new(query, results.summary(), facets))
}

/// Writes one JSON Lines object.
pub fn json_line(out: &mut impl Write, object: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, object)?;
    out.write_all(b"\n")
}

/// Writes the JSON Lines of one query's results.
pub fn json_lines(
    out: &mut impl Write,
    query: &str,
    results: &SearchResults,
    facets: Option<&Facets>,
) -> io::Result<()> {
    let (hits, summary) = json_objects(query, results, facets);
    for hit in &hits {
        json_line(out, hit)?;
    }
    json_line(out, &summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_mark_by_characters() {
        let mut out = Vec::new();
        marked(&mut out, "招募志愿者137名", &[(2, 5)], Marks::Brackets, "").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "招募【志愿者】137名");
    }
}

/// The object of `gonghui collocates --json` and `/api/collocates`.
#[derive(Serialize)]
pub struct JsonCollocates<'a> {
    /// The query as given.
    pub query: &'a str,
    /// The window, in characters on each side.
    pub window: usize,
    /// One list, or one per year.
    pub lists: &'a [crate::Collocates],
}
