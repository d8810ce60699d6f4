//! Pairs of common characters: the idea of Lucene's CommonGrams over character grams.
//!
//! A phrase of characters reads the positions of each of them in every passage that has them
//! all; for the commonest characters (中, 国, 工, 会…) that is most passages: 中国 read the
//! positions of both characters in 71,000 passages of the news corpus, twice. So every
//! adjacent pair of two characters of `common-chars.txt` is indexed once more, as one term of
//! its own field at the position of its first character: a string made only of common
//! characters is found by its pairs (中国 is one term, 全国工会 the phrase 全国 工会), one short
//! list each. The character grams stay what scores and finds everything else; pairs only find
//! faster. With 64 characters their pairs are 12 % of the adjacent pairs of the news corpus
//! and add 6 % to its index; 128 characters took twice that for little more speed.

use std::sync::OnceLock;

use super::grams::{Needle, is_han};

/// The common characters, sorted (the last line of `common-chars.txt`).
static COMMON_CHARS: &str = include_str!("common-chars.txt");

fn common_chars() -> &'static str {
    COMMON_CHARS
        .lines()
        .rfind(|line| !line.starts_with('#') && !line.is_empty())
        .unwrap_or_default()
}

/// Whether `c` is one of the common characters whose pairs are indexed: a bit per character of
/// the Basic Multilingual Plane, since every character indexed asks.
pub fn is_common(c: char) -> bool {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut bits = vec![0; 0x10000 / 64];
        for c in common_chars().chars().filter(|&c| (c as u32) < 0x10000) {
            bits[c as usize / 64] |= 1 << (c as u32 % 64);
        }
        bits
    });
    bits.get(c as usize / 64)
        .is_some_and(|word| word & (1 << (c as u32 % 64)) != 0)
}

/// Calls `emit(position, pair)` for every two adjacent common characters of a normalised
/// text, at the position of the first, in order.
pub fn for_each_pair(normalized: &str, mut emit: impl FnMut(usize, &str)) {
    let mut previous: Option<(usize, usize)> = None;
    for (position, (byte, c)) in normalized.char_indices().enumerate() {
        let common = is_common(c);
        if let Some((at, start)) = previous
            && common
        {
            emit(at, &normalized[start..byte + c.len_utf8()]);
        }
        previous = common.then_some((position, byte));
    }
}

/// A gram of a needle's cover: a pair of common characters, or one of the needle's grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Covering {
    Pair(String),
    Gram(String),
}

/// The terms that find a needle, at their offsets: each run of two or more adjacent common
/// characters by its pairs (every other pair from the start of the run, and its last two
/// characters when its length is odd: 中国人 is 中国 at 0 and 国人 at 1), every other gram
/// (a rarer character, a word) as itself. 全国总工会 is 全国 at 0, 总 at 2, 工会 at 3.
pub fn cover(needle: &Needle) -> Vec<(usize, Covering)> {
    let grams = needle.grams();
    let common_at = |i: usize| {
        let (offset, gram) = &grams[i];
        let mut chars = gram.chars();
        let c = chars.next().filter(|&c| is_han(c) && is_common(c));
        c.filter(|_| chars.next().is_none()).map(|c| (*offset, c))
    };
    let mut covering = Vec::with_capacity(grams.len());
    let mut i = 0;
    while i < grams.len() {
        // The run of common characters at consecutive offsets from gram i.
        let mut run: Vec<(usize, char)> = Vec::new();
        while let Some((offset, c)) = common_at(i + run.len())
            .filter(|&(offset, _)| run.last().is_none_or(|&(last, _)| offset == last + 1))
        {
            run.push((offset, c));
            if i + run.len() == grams.len() {
                break;
            }
        }
        if run.len() < 2 {
            let (offset, gram) = &grams[i];
            covering.push((*offset, Covering::Gram(gram.clone())));
            i += 1;
            continue;
        }
        let pair = |at: usize| {
            (
                run[at].0,
                Covering::Pair([run[at].1, run[at + 1].1].iter().collect()),
            )
        };
        covering.extend((0..run.len() - 1).step_by(2).map(pair));
        if run.len() % 2 == 1 {
            covering.push(pair(run.len() - 2));
        }
        i += run.len();
    }
    covering
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for_each_pair(text, |p, pair| out.push((p, pair.to_string())));
        out
    }

    #[test]
    fn the_list_is_sorted_common_han() {
        let list: Vec<char> = common_chars().chars().collect();
        assert_eq!(list.len(), 64);
        assert!(list.windows(2).all(|w| w[0] < w[1]));
        assert!(list.iter().all(|&c| is_han(c) && is_common(c)));
        assert!(!is_common('劳') && !is_common('a') && !is_common('，'));
    }

    #[test]
    fn adjacent_common_characters_make_pairs_at_the_first_position() {
        // 全国工会 is all common; 模 is not, nor is the comma a character of a pair.
        assert_eq!(
            pairs("全国工会，劳模中国"),
            [(0, "全国"), (1, "国工"), (2, "工会"), (7, "中国")].map(|(p, s)| (p, s.to_string()))
        );
        assert!(pairs("劳模 a中").is_empty());
    }

    #[test]
    fn runs_of_common_characters_are_covered_by_pairs() {
        let cover_of = |s: &str| {
            let covering = cover(&Needle::new(s).unwrap());
            let shown = covering.iter().map(|(offset, gram)| match gram {
                Covering::Pair(pair) => format!("{pair}@{offset}"),
                Covering::Gram(gram) => format!("{gram}.{offset}"),
            });
            shown.collect::<Vec<_>>().join(" ")
        };
        assert_eq!(cover_of("中国"), "中国@0");
        assert_eq!(cover_of("全国工会"), "全国@0 工会@2");
        assert_eq!(cover_of("中国人"), "中国@0 国人@1");
        assert_eq!(cover_of("全国总工会"), "全国@0 总.2 工会@3");
        assert_eq!(cover_of("中华全国总工会"), "中.0 华.1 全国@2 总.4 工会@5");
        // One common character, uncommon ones, a word, a gap: the grams themselves.
        assert_eq!(cover_of("中"), "中.0");
        assert_eq!(cover_of("劳模"), "劳.0 模.1");
        assert_eq!(cover_of("中国5g"), "中国@0 5g.2");
        assert_eq!(cover_of("中 国"), "中.0 国.2");
    }
}
