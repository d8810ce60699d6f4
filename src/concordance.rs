//! Hits → concordance lines (keyword in context): every occurrence of a query's terms in the
//! matching passages, with the characters to its left and right.
//!
//! Lines come from the hits of a search over every match, reprints included: in date order
//! they stream (the matches are put in order by their date column, unscored, and the passages
//! read a batch at a time), so the first lines of 的 come at once and memory stays flat; by score
//! the matches are ranked first; sorted by their context the lines are held in memory, at most
//! the `limit` first of them. Contexts stop at the passage's ends. An occurrence is what the
//! search highlights, an overlap of two terms one occurrence; a passage found by its heading
//! or title only has no line.

use std::cmp::Ordering;
use std::sync::Arc;

use serde::Serialize;

use crate::error::Result;
use crate::hits::{ArticleInfo, Hit, Hits};
use crate::query::build::TermNeedles;
use crate::search::SearchOptions;

/// The order of concordance lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LineSort {
    /// Oldest article first, in the archive's order within a day (streams).
    #[default]
    Date,
    /// The passages in the order of a search, best first.
    Score,
    /// By the context to the left, read from the match leftwards (the character just before
    /// the match first), by code point.
    Left,
    /// By the context to the right, read from the match rightwards, by code point.
    Right,
}

crate::named::named!(
    LineSort,
    Date = "date",
    Score = "score",
    Left = "left",
    Right = "right"
);

/// How to make a concordance.
#[derive(Debug, Clone)]
pub struct ConcordanceOptions {
    /// Characters of context on each side.
    pub width: usize,
    /// The order of the lines.
    pub sort: LineSort,
    /// Lines to give; 0 gives every occurrence.
    pub limit: usize,
    /// The dates and synonyms of the search (its other options are the concordance's own).
    pub search: SearchOptions,
}

impl Default for ConcordanceOptions {
    fn default() -> Self {
        ConcordanceOptions {
            width: 20,
            sort: LineSort::Date,
            limit: 0,
            search: SearchOptions::default(),
        }
    }
}

impl ConcordanceOptions {
    /// The search whose hits the lines are read from.
    pub(crate) fn search_options(&self) -> SearchOptions {
        SearchOptions {
            limit: 0,
            offset: 0,
            per_article: None,
            sort: match self.sort {
                LineSort::Score => crate::Sort::Score,
                _ => crate::Sort::Date,
            },
            explain: false,
            collapse_reprints: false,
            ..self.search.clone()
        }
    }
}

/// One occurrence in its context.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// Up to `width` characters before the match (line breaks and tabs as spaces).
    pub left: String,
    /// The match, as written.
    #[serde(rename = "match")]
    pub keyword: String,
    /// Up to `width` characters after the match.
    pub right: String,
    /// Character offset of the match in the passage text.
    pub offset: usize,
    /// The passage's paragraph number, from 1.
    pub para: u64,
    /// The part of a paragraph split for its length (see [`crate::PassageInfo`]).
    pub part: u64,
    /// The article (shared by the lines of its passages).
    pub article: Arc<ArticleInfo>,
}

/// The lines of one hit's occurrences.
fn lines_of(hit: Hit, needles: &[TermNeedles], width: usize) -> Vec<Line> {
    let text: Vec<char> = hit.passage.text.chars().collect();
    let shown = |chars: &[char]| -> String {
        let visible = |&c: &char| if c.is_control() { ' ' } else { c };
        chars.iter().map(visible).collect()
    };
    let article = Arc::new(hit.article);
    crate::highlight::occurrences(&hit.passage.text, needles)
        .into_iter()
        .map(|(start, end)| Line {
            left: shown(&text[start.saturating_sub(width)..start]),
            keyword: shown(&text[start..end]),
            right: shown(&text[end..(end + width).min(text.len())]),
            offset: start,
            para: hit.passage.para,
            part: hit.passage.part,
            article: Arc::clone(&article),
        })
        .collect()
}

/// The order of two lines sorted by their context; ties keep the order they came in.
fn by_context(sort: LineSort) -> impl Fn(&(usize, Line), &(usize, Line)) -> Ordering {
    move |(a_at, a), (b_at, b)| {
        let context = match sort {
            LineSort::Left => a.left.chars().rev().cmp(b.left.chars().rev()),
            _ => a.right.chars().cmp(b.right.chars()),
        };
        context
            .then_with(|| a.keyword.cmp(&b.keyword))
            .then(a_at.cmp(b_at))
    }
}

/// The lines of a concordance, read as they are taken.
pub struct Concordance {
    /// Passages that match the query.
    pub passages: usize,
    hits: Hits,
    width: usize,
    /// Lines still to give (none: every one).
    left: Option<usize>,
    /// Lines read and not given yet, in order.
    ready: std::collections::VecDeque<Line>,
}

impl Concordance {
    /// The concordance of the hits of a search over every match.
    pub(crate) fn new(hits: Hits, options: &ConcordanceOptions) -> Result<Concordance> {
        let mut concordance = Concordance {
            passages: hits.total,
            hits,
            width: options.width,
            left: (options.limit > 0).then_some(options.limit),
            ready: Default::default(),
        };
        if matches!(options.sort, LineSort::Left | LineSort::Right) {
            concordance.sort(options.sort)?;
        }
        Ok(concordance)
    }

    /// Reads every line and sorts them, keeping no more than the lines to give (twice that
    /// while reading).
    fn sort(&mut self, sort: LineSort) -> Result<()> {
        let order = by_context(sort);
        let keep = self.left.unwrap_or(usize::MAX);
        let mut lines: Vec<(usize, Line)> = Vec::new();
        let mut number = 0;
        while let Some(hit) = self.hits.next() {
            for line in lines_of(hit?, &self.hits.needles().text, self.width) {
                lines.push((number, line));
                number += 1;
            }
            if lines.len() >= keep.saturating_mul(2).max(1024) {
                lines.select_nth_unstable_by(keep - 1, &order);
                lines.truncate(keep);
            }
        }
        lines.sort_unstable_by(&order);
        lines.truncate(keep);
        self.ready = lines.into_iter().map(|(_, line)| line).collect();
        Ok(())
    }
}

impl Iterator for Concordance {
    type Item = Result<Line>;

    fn next(&mut self) -> Option<Result<Line>> {
        if self.left == Some(0) {
            return None;
        }
        while self.ready.is_empty() {
            match self.hits.next()? {
                Ok(hit) => {
                    let needles = &self.hits.needles().text;
                    self.ready.extend(lines_of(hit, needles, self.width));
                }
                Err(error) => return Some(Err(error)),
            }
        }
        if let Some(left) = &mut self.left {
            *left -= 1;
        }
        self.ready.pop_front().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(left: &str, right: &str) -> Line {
        Line {
            left: left.into(),
            keyword: "劳模".into(),
            right: right.into(),
            offset: 0,
            para: 1,
            part: 0,
            article: Arc::new(ArticleInfo::default()),
        }
    }

    #[test]
    fn left_context_is_read_from_the_match_leftwards() {
        // Code points: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532. By the character just before the
        // match, 乙丙 (丙) before 甲乙 (乙) before 丙甲 (甲), where strings sort 丙甲 乙丙 甲乙.
        let mut lines: Vec<(usize, Line)> = ["丙甲", "甲乙", "乙丙"]
            .into_iter()
            .enumerate()
            .map(|(i, left)| (i, line(left, "")))
            .collect();
        lines.sort_by(by_context(LineSort::Left));
        let lefts: Vec<&str> = lines.iter().map(|(_, l)| l.left.as_str()).collect();
        assert_eq!(lefts, ["乙丙", "甲乙", "丙甲"]);
        // A shorter context that is the start of a longer one comes first.
        let mut lines = [(0, line("乙甲", "")), (1, line("甲", ""))];
        lines.sort_by(by_context(LineSort::Left));
        assert_eq!(lines[0].1.left, "甲");
    }

    #[test]
    fn right_context_is_read_rightwards_and_ties_keep_their_order() {
        let mut lines: Vec<(usize, Line)> = ["乙甲", "甲乙", "甲乙", "甲"]
            .into_iter()
            .enumerate()
            .map(|(i, right)| (i, line("", right)))
            .collect();
        lines.sort_by(by_context(LineSort::Right));
        let order: Vec<usize> = lines.iter().map(|(i, _)| *i).collect();
        // 乙 (U+4E59) before 甲 (U+7532); 甲 alone before 甲乙; the two 甲乙 as they came.
        assert_eq!(order, [0, 3, 1, 2]);
    }
}
