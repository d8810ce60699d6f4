//! Hits → passages with highlights: where the query's terms are in a passage, and which part of
//! a long passage to show.
//!
//! Spans are the exact occurrences of the query's terms, found on the normalised text with the
//! same needles the index query was built from, and merged where they overlap or touch (志愿者
//! is one span, never 志愿 + 愿者). Offsets are character offsets (Unicode scalar values) into
//! the original text; normalisation maps one character to one, so they fit the text shown.

use crate::analysis::grams::Haystack;
use crate::analysis::normalize;
use crate::passages::sentence_breaks;
use crate::query::build::TermNeedles;

/// A half-open range of character offsets.
pub type Span = (usize, usize);

/// The merged spans of every occurrence of `terms` in `text`.
///
/// A term is highlighted where it occurs as typed; a term cut into several words also has its
/// words highlighted, except single characters, which are only highlighted where the whole term
/// does not occur (otherwise every 工 in a passage would light up for 情防控工).
pub fn spans(text: &str, terms: &[TermNeedles]) -> Vec<Span> {
    merge(occurrences(text, terms))
}

/// Each occurrence of `terms` in `text` (as [`spans`] finds them) in order, those that overlap
/// made one, those that only touch kept apart: 劳模劳模 is two occurrences, one span.
pub fn occurrences(text: &str, terms: &[TermNeedles]) -> Vec<Span> {
    if terms.is_empty() {
        return Vec::new();
    }
    let haystack = Haystack::new(&normalize(text));
    let mut found = Vec::new();
    for term in terms {
        let whole = haystack.find_all(&term.whole);
        let whole_found = !whole.is_empty();
        found.extend(whole);
        for word in &term.words {
            if whole_found && word.is_single_han() {
                continue;
            }
            found.extend(haystack.find_all(word));
        }
    }
    found.sort_unstable();
    let mut apart: Vec<Span> = Vec::with_capacity(found.len());
    for (start, end) in found {
        match apart.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => apart.push((start, end)),
        }
    }
    apart
}

/// The spans of `terms` in `text` read on into `continuation`, the start of the next part of
/// a split paragraph that the index holds with it (see [`crate::passages::continuations`]):
/// an occurrence that runs on into the next part is highlighted up to the end of `text`, and
/// one wholly in the continuation (shown with the next part) not at all.
pub fn spans_continued(text: &str, continuation: &str, terms: &[TermNeedles]) -> Vec<Span> {
    if continuation.is_empty() {
        return spans(text, terms);
    }
    let len = text.chars().count();
    spans(&format!("{text}{continuation}"), terms)
        .into_iter()
        .filter(|&(start, _)| start < len)
        .map(|(start, end)| (start, end.min(len)))
        .collect()
}

/// Sorts spans and merges those that overlap or touch.
pub fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The part of a passage to show: `(start, end)` in characters, at most `max_chars` long when
/// the passage is longer, made of the whole sentences around the best matches where they fit.
pub fn window(text: &str, spans: &[Span], max_chars: usize) -> Span {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    if len <= max_chars || max_chars == 0 {
        return (0, len);
    }
    let mut sentences = Vec::new();
    let mut start = 0;
    for end in sentence_breaks(&chars) {
        sentences.push((start, end));
        start = end;
    }
    if start < len {
        sentences.push((start, len));
    }

    // The sentence with the most highlighted characters (the first on a tie).
    let covered = |(s, e): Span| -> usize {
        spans
            .iter()
            .map(|&(a, b)| b.min(e).saturating_sub(a.max(s)))
            .sum()
    };
    let best = (0..sentences.len())
        .max_by_key(|&i| (covered(sentences[i]), std::cmp::Reverse(i)))
        .unwrap_or(0);

    let (mut from, mut to) = (best, best);
    let size = |from: usize, to: usize| sentences[to].1 - sentences[from].0;
    if size(from, to) > max_chars {
        // One long sentence: a window of it that starts a little before its first match.
        let (s, e) = sentences[best];
        let first = spans
            .iter()
            .find(|&&(a, b)| b > s && a < e)
            .map_or(s, |&(a, _)| a);
        let lead = first
            .saturating_sub(max_chars / 4)
            .min(e.saturating_sub(max_chars))
            .max(s);
        // Start after a clause mark in the lead-in when there is one, not inside a word.
        let begin = (lead..first)
            .find(|&i| "，,、：:".contains(chars[i]))
            .map_or(lead, |i| i + 1);
        return (begin, (begin + max_chars).min(e));
    }
    loop {
        let mut grew = false;
        if to + 1 < sentences.len() && size(from, to + 1) <= max_chars {
            to += 1;
            grew = true;
        }
        if from > 0 && size(from - 1, to) <= max_chars {
            from -= 1;
            grew = true;
        }
        if !grew {
            break;
        }
    }
    (sentences[from].0, sentences[to].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::grams::Needle;

    fn term(text: &str) -> TermNeedles {
        TermNeedles {
            whole: Needle::new(text).unwrap(),
            words: Vec::new(),
        }
    }

    /// Text mixing Han (simplified and traditional), Latin, digits, full-width forms,
    /// punctuation, emoji and combining marks.
    const MIXED: &str = "[志愿者工会疫情防控總會誌願者服务的了abcXYZ019ＡＢ１İß，。！？；：“”《》() \\-\"\u{3000}\n😀👍🏽\u{301}\u{200d}𠀀]{0,80}";

    proptest::proptest! {
        #[test]
        fn spans_are_whole_characters_sorted_and_apart(text in MIXED, query in MIXED) {
            let Some(whole) = Needle::new(&crate::analysis::normalize(&query)) else {
                return Ok(());
            };
            let terms = [TermNeedles { whole, words: Vec::new() }];
            let found = spans(&text, &terms);
            let len = text.chars().count();
            for pair in found.windows(2) {
                proptest::prop_assert!(pair[0].1 < pair[1].0, "spans overlap or touch: {:?}", found);
            }
            for &(start, end) in &found {
                proptest::prop_assert!(start < end && end <= len);
            }
            let (from, to) = window(&text, &found, 20);
            proptest::prop_assert!(from <= to && to <= len);
        }
    }

    #[test]
    fn one_span_per_occurrence() {
        let text = "招募职工志愿者137名,并接收169名志愿者";
        assert_eq!(spans(text, &[term("志愿者")]), vec![(4, 7), (19, 22)]);
    }

    #[test]
    fn overlapping_and_adjacent_spans_merge() {
        assert_eq!(
            merge(vec![(4, 6), (0, 2), (2, 3), (5, 8)]),
            vec![(0, 3), (4, 8)]
        );
    }

    #[test]
    fn traditional_text_is_found_and_offsets_fit_it() {
        let text = "各地誌願者服務";
        assert_eq!(spans(text, &[term("志愿者")]), vec![(2, 5)]);
    }

    #[test]
    fn window_is_whole_sentences_around_the_match() {
        let text = "第一句很长很长很长。第二句有志愿者。第三句。第四句很长很长很长很长。";
        let spans = spans(text, &[term("志愿者")]);
        let (s, e) = window(text, &spans, 16);
        let shown: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(shown, "第二句有志愿者。第三句。");
    }
}
