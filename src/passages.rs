//! Articles → passages: the paragraphs of an article, cleaned of page layout.
//!
//! Scraped pages break paragraphs mid-sentence, carry section headings as short lines and end
//! with the site's recommendations. This module turns the raw blocks of an article body into
//! the passages that are indexed, each with its paragraph number and section heading.
//!
//! Nothing is lost on the way: every character of every block ends up in a passage's text or
//! in the section heading of a passage, except what the clean-up drops on purpose (the site's
//! trailer), which is returned as [`Dropped`] with its reason.

use serde::Serialize;

/// One paragraph of an article: the unit that is indexed, ranked and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// Paragraph number in the article, from 1 (headings are not counted).
    pub para: usize,
    /// The section heading above the paragraph, or empty.
    pub section: String,
    /// The paragraph's text.
    pub text: String,
}

/// A line of the input left out of the passages on purpose, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// The line of the file (pages) or the paragraph of the body (JSON Lines), from 1.
    pub line: usize,
    pub text: String,
    pub reason: &'static str,
}

/// Why the trailer is dropped.
pub const TRAILER: &str = "the site's recommendations trailer";

/// A line that starts the site's trailer: it and everything after it is not the article.
const TRAILER_MARKERS: &[&str] = &[
    "新闻推荐",
    "相关推荐",
    "相关新闻",
    "相关阅读",
    "推荐阅读",
    "延伸阅读",
    "热门推荐",
    "猜你喜欢",
    "更多新闻",
];

/// Longest line, in characters, that can be a section heading.
const HEADING_MAX_CHARS: usize = 40;

/// Splits blocks of body text (paragraphs as laid out on the page), each with its line
/// number, into passages, and returns what was dropped with them.
pub fn split(blocks: impl IntoIterator<Item = (usize, String)>) -> (Vec<Passage>, Vec<Dropped>) {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut dropped = Vec::new();
    let mut in_trailer = false;
    for (line, block) in blocks {
        let block = block.trim();
        if block.is_empty() {
            continue;
        }
        in_trailer |= TRAILER_MARKERS.contains(&block);
        if in_trailer {
            dropped.push(Dropped {
                line,
                text: block.to_string(),
                reason: TRAILER,
            });
            continue;
        }
        match paragraphs.last_mut() {
            Some(last) if is_broken(last, block) => join_into(last, block),
            _ => paragraphs.push(block.to_string()),
        }
    }

    // A heading-like line is a section heading only when body text follows it; in a run of
    // such lines (a list, a résumé, captions) the others are passages, so none is lost.
    let headings: Vec<bool> = paragraphs.iter().map(|p| is_heading(p)).collect();
    let mut passages = Vec::with_capacity(paragraphs.len());
    let mut section = String::new();
    for (i, text) in paragraphs.into_iter().enumerate() {
        if headings[i] && headings.get(i + 1) == Some(&false) {
            section = text;
            continue;
        }
        passages.push(Passage {
            para: passages.len() + 1,
            section: section.clone(),
            text,
        });
    }
    (passages, dropped)
}

/// The last character that is not a closing quote or bracket.
fn last_significant(text: &str) -> Option<char> {
    text.chars()
        .rev()
        .find(|c| !c.is_whitespace() && !"”’」』)）】》\"'".contains(*c))
}

fn ends_sentence(text: &str) -> bool {
    last_significant(text).is_some_and(|c| "。！？!?；;…．.".contains(c))
}

/// Counts of opening minus closing brackets and quotes, over the pairs that Chinese text uses.
fn open_balance(text: &str) -> i32 {
    text.chars()
        .map(|c| match c {
            '《' | '“' | '（' | '(' | '【' | '「' | '『' => 1,
            '》' | '”' | '）' | ')' | '】' | '」' | '』' => -1,
            _ => 0,
        })
        .sum()
}

/// True when `paragraph` was cut mid-sentence and `next` continues it: the paragraph does not
/// end a sentence, and it has a sentence end inside, or is too long to be a heading, or leaves
/// a bracket open, or the next block closes one it never opened.
fn is_broken(paragraph: &str, next: &str) -> bool {
    if ends_sentence(paragraph) || last_significant(paragraph).is_some_and(|c| "：:".contains(c)) {
        return false;
    }
    let inner_stop = paragraph.chars().any(|c| "。！？!?；".contains(c));
    inner_stop
        || paragraph.chars().count() > HEADING_MAX_CHARS
        || open_balance(paragraph) > 0
        || open_balance(next) < 0
}

/// Appends a line or block to a paragraph, with a space only between two Latin words.
pub(crate) fn join_into(paragraph: &mut String, next: &str) {
    let ascii_word_edge = paragraph
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && next
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ascii_word_edge {
        paragraph.push(' ');
    }
    paragraph.push_str(next);
}

/// A short line that does not end a sentence and does not introduce what follows with a colon.
fn is_heading(text: &str) -> bool {
    text.chars().count() <= HEADING_MAX_CHARS
        && !ends_sentence(text)
        && !last_significant(text).is_some_and(|c| "：:，,、".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(usize, String)> {
        text.split("\n\n")
            .enumerate()
            .map(|(i, b)| (i + 1, b.to_string()))
            .collect()
    }

    fn passages(text: &str) -> Vec<Passage> {
        split(blocks(text)).0
    }

    #[test]
    fn headings_become_sections() {
        let passages = passages(
            "导语一句。\n\n兰州石化公司工会:女职工服务队撑起疫情防控“半边天”\n\n疫情就是命令。\n\n她们不畏困难。",
        );
        assert_eq!(passages.len(), 3);
        assert_eq!(passages[0].section, "");
        assert_eq!(
            passages[1].section,
            "兰州石化公司工会:女职工服务队撑起疫情防控“半边天”"
        );
        assert_eq!(passages[2].para, 3);
        assert_eq!(passages[2].section, passages[1].section);
    }

    #[test]
    fn broken_paragraphs_are_joined() {
        let passages = passages(
            "及时发出了《关于充分发挥各级工会组织作用坚决\n\n打赢疫情防控阻击战的通知》。\n\n不信谣、不传谣。发\n\n出《致全市疫情防控一线职工群众的一封信》。",
        );
        let texts: Vec<_> = passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "及时发出了《关于充分发挥各级工会组织作用坚决打赢疫情防控阻击战的通知》。",
                "不信谣、不传谣。发出《致全市疫情防控一线职工群众的一封信》。",
            ]
        );
    }

    #[test]
    fn trailer_is_dropped() {
        let (passages, dropped) = split(blocks(
            "正文。\n\n新闻推荐\n\n陇西县三院举办朗诵比赛传承红色基因",
        ));
        assert_eq!(passages.len(), 1);
        let lines: Vec<_> = dropped.iter().map(|d| (d.line, d.reason)).collect();
        assert_eq!(lines, vec![(2, TRAILER), (3, TRAILER)]);
    }

    #[test]
    fn a_last_short_line_is_a_paragraph() {
        let passages = passages("正文。\n\n（视频编辑：张三）");
        assert_eq!(passages.len(), 2);
    }

    #[test]
    fn consecutive_short_lines_are_all_kept() {
        let passages = passages(
            "导语一句。\n\n1972－1976年 食品厂工人\n\n1976－1980年 车间负责人\n\n4. 全球新冠疫情持续\n\n疫情仍在蔓延。\n\n张三主持",
        );
        let texts: Vec<_> = passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "导语一句。",
                "1972－1976年 食品厂工人",
                "1976－1980年 车间负责人",
                "疫情仍在蔓延。",
                "张三主持"
            ]
        );
        assert_eq!(passages[3].section, "4. 全球新冠疫情持续");
        assert_eq!(passages[4].section, "4. 全球新冠疫情持续");
    }
}
