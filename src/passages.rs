//! Articles → passages: the paragraphs of an article, cleaned of page layout.
//!
//! Scraped pages break paragraphs mid-sentence, carry section headings as short lines and end
//! with the site's recommendations. This module turns the raw blocks of an article body into
//! the passages that are indexed, each with its paragraph number and section heading.
//!
//! Nothing is lost on the way: every character of every block ends up in a passage's text or
//! in the section heading of a passage, except what the clean-up drops on purpose (the site's
//! trailer), which is returned as [`Dropped`] with its reason.
//!
//! A paragraph longer than [`MAX_PASSAGE_CHARS`] (a scraped page without line breaks can be
//! one paragraph of millions of characters) is split into parts of about equal size, at
//! sentence ends where there are any: each part is a passage with the paragraph's number and
//! its own part number, and the parts, concatenated, are the paragraph.

use serde::Serialize;

/// One paragraph of an article: the unit that is indexed, ranked and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// Paragraph number in the article, from 1 (headings are not counted).
    pub para: usize,
    /// 0 for a whole paragraph; from 1, the part of a paragraph split for its length.
    #[serde(skip_serializing_if = "is_zero")]
    pub part: usize,
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
    /// The text left out.
    pub text: String,
    /// Why.
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

/// Longest passage, in characters: a longer paragraph is split into parts. Two thousand
/// characters are a screen of text; 2 of the 403,067 body lines of the news corpus are longer.
pub const MAX_PASSAGE_CHARS: usize = 2_000;

/// Characters of the next part of a split paragraph that a part is indexed with after its own
/// text (see [`continuations`]): a string across a split is found when at most this many of
/// its characters are in the next part.
pub const OVERLAP_CHARS: usize = 64;

/// Characters that end a sentence.
const SENTENCE_ENDS: &str = "。！？；!?;…";

/// Closing quotes and brackets, which belong to the sentence they end.
const CLOSERS: &str = "”’」』)）】》\"'";

/// Marks inside a sentence after which a paragraph without a sentence end may be split.
const CLAUSE_ENDS: &str = "，,、：:";

fn is_zero(n: &usize) -> bool {
    *n == 0
}

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
    let mut para = 0;
    for (i, text) in paragraphs.into_iter().enumerate() {
        if headings[i] && headings.get(i + 1) == Some(&false) {
            section = text;
            continue;
        }
        para += 1;
        let parts = split_long(text);
        let numbered = parts.len() > 1;
        for (part, text) in parts.into_iter().enumerate() {
            passages.push(Passage {
                para,
                part: if numbered { part + 1 } else { 0 },
                section: section.clone(),
                text,
            });
        }
    }
    (passages, dropped)
}

/// Character offsets into `chars` just after each sentence end, with the closing quotes and
/// brackets and the white space that follow it (a run of ends, such as ！？ or ……, is one).
pub(crate) fn sentence_breaks(chars: &[char]) -> impl Iterator<Item = usize> + '_ {
    breaks_after(chars, SENTENCE_ENDS, CLOSERS)
}

/// Offsets just after each run of `ends`, with the `closers` and white space that follow.
fn breaks_after<'a>(
    chars: &'a [char],
    ends: &'a str,
    closers: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let is_end = |i: usize| chars.get(i).is_some_and(|c| ends.contains(*c));
    (0..chars.len())
        .filter(move |&i| is_end(i) && !is_end(i + 1))
        .map(move |i| {
            let mut at = i + 1;
            while at < chars.len() && closers.contains(chars[at]) {
                at += 1;
            }
            while at < chars.len() && chars[at].is_whitespace() {
                at += 1;
            }
            at
        })
}

/// A paragraph cut into parts of at most [`MAX_PASSAGE_CHARS`] characters, of about equal
/// size: each cut is at the sentence end nearest its share of the paragraph, within half a
/// share of it; failing that after a comma, colon or white space; failing that at the
/// character there. No part is then shorter than a quarter of a share, unless a share is all
/// there is left.
fn split_long(paragraph: String) -> Vec<String> {
    let mut remaining = paragraph.chars().count();
    if remaining <= MAX_PASSAGE_CHARS {
        return vec![paragraph];
    }
    let mut parts = Vec::with_capacity(remaining.div_ceil(MAX_PASSAGE_CHARS));
    let mut rest = paragraph.as_str();
    while remaining > MAX_PASSAGE_CHARS {
        let share = remaining.div_ceil(remaining.div_ceil(MAX_PASSAGE_CHARS));
        let (low, high) = (
            share - share / 2,
            (share + share / 2).min(MAX_PASSAGE_CHARS),
        );
        // Only the characters a cut may follow are looked at, never the whole paragraph.
        let window: Vec<(usize, char)> = rest.char_indices().take(high + 1).collect();
        let chars: Vec<char> = window.iter().map(|&(_, c)| c).collect();
        let nearest = |breaks: &mut dyn Iterator<Item = usize>| {
            breaks
                .filter(|at| (low..=high).contains(at))
                .min_by_key(|&at| at.abs_diff(share))
        };
        let cut = nearest(&mut sentence_breaks(&chars))
            .or_else(|| {
                nearest(
                    &mut breaks_after(&chars, CLAUSE_ENDS, CLOSERS).chain(breaks_after(
                        &chars,
                        " \t\u{3000}",
                        "",
                    )),
                )
            })
            .unwrap_or(share);
        let (part, after) = rest.split_at(window[cut].0);
        parts.push(part.to_string());
        rest = after;
        remaining -= cut;
    }
    parts.push(rest.to_string());
    parts
}

/// For each passage, what it is indexed with after its own text: the first [`OVERLAP_CHARS`]
/// characters of the next part of its paragraph, so that a string that starts in one part and
/// ends in the next is found in the first; empty after a whole paragraph or a last part.
pub fn continuations(passages: &[Passage]) -> impl Iterator<Item = &str> {
    passages
        .iter()
        .enumerate()
        .map(|(i, passage)| match passages.get(i + 1) {
            Some(next) if passage.part > 0 && next.para == passage.para => {
                let end = next
                    .text
                    .char_indices()
                    .nth(OVERLAP_CHARS)
                    .map_or(next.text.len(), |(at, _)| at);
                &next.text[..end]
            }
            _ => "",
        })
}

/// The last character that is not a closing quote or bracket.
fn last_significant(text: &str) -> Option<char> {
    text.chars()
        .rev()
        .find(|c| !c.is_whitespace() && !CLOSERS.contains(*c))
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

    fn split_checked(paragraph: &str) -> Vec<String> {
        let parts = split_long(paragraph.to_string());
        assert_eq!(parts.concat(), paragraph, "the parts are the paragraph");
        for part in &parts {
            assert!(part.chars().count() <= MAX_PASSAGE_CHARS);
        }
        parts
    }

    #[test]
    fn long_paragraphs_split_at_sentence_ends_into_even_parts() {
        let sentence = "职工代表大会审议通过了“集体合同”。";
        let paragraph = sentence.repeat(300);
        let parts = split_checked(&paragraph);
        assert_eq!(parts.len(), 3);
        for part in &parts {
            assert!(part.ends_with("。"));
            assert!(part.chars().count() > 1_500);
        }
        // A closing quote after the stop and the space after it stay with the sentence.
        let paragraph = format!("{}“好！” 他说", "工".repeat(1_500)).repeat(2);
        assert!(split_checked(&paragraph)[0].ends_with("“好！” "));
    }

    #[test]
    fn no_part_is_a_scrap() {
        let paragraph = format!("{}。{}", "会".repeat(1_990), "工".repeat(20));
        let parts = split_checked(&paragraph);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.chars().count() >= 500));
    }

    #[test]
    fn without_sentence_ends_at_a_comma_or_else_anywhere() {
        let paragraph = "工会，".repeat(1_000);
        assert!(split_checked(&paragraph).iter().all(|p| p.ends_with("，")));
        let paragraph = "工会𠀀a".repeat(1_000);
        let parts = split_checked(&paragraph);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].chars().count(), 2_000);
    }

    #[test]
    fn parts_share_the_paragraph_number() {
        let long = "疫情就是命令。".repeat(400);
        let passages = passages(&format!("导语一句。\n\n{long}\n\n结尾。"));
        let numbers: Vec<_> = passages.iter().map(|p| (p.para, p.part)).collect();
        assert_eq!(numbers, vec![(1, 0), (2, 1), (2, 2), (3, 0)]);
        let continuations: Vec<_> = continuations(&passages).collect();
        assert_eq!(continuations[0], "");
        assert_eq!(continuations[1].chars().count(), OVERLAP_CHARS);
        assert!(passages[2].text.starts_with(continuations[1]));
        assert_eq!(&continuations[2..], ["", ""]);
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
