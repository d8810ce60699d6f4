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

/// The pairs that find a needle made only of common Han characters, at their offsets: every
/// other pair from the start, and the last two characters when the length is odd (中国人:
/// 中国 at 0, 国人 at 1). `None` for any other needle, which its characters find.
pub fn cover(needle: &Needle) -> Option<Vec<(usize, String)>> {
    let grams = needle.grams();
    let contiguous = grams
        .iter()
        .enumerate()
        .all(|(i, (offset, _))| *offset == i);
    let chars: Vec<char> = grams
        .iter()
        .filter_map(|(_, gram)| {
            let mut chars = gram.chars();
            let c = chars.next()?;
            (chars.next().is_none() && is_han(c) && is_common(c)).then_some(c)
        })
        .collect();
    if chars.len() < 2 || chars.len() != grams.len() || !contiguous {
        return None;
    }
    let pair = |at: usize| (at, chars[at..at + 2].iter().collect::<String>());
    let mut pairs: Vec<(usize, String)> = (0..chars.len() - 1).step_by(2).map(pair).collect();
    if chars.len() % 2 == 1 {
        pairs.push(pair(chars.len() - 2));
    }
    Some(pairs)
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
    fn a_needle_of_common_characters_is_covered_by_pairs() {
        let cover_of = |s: &str| cover(&Needle::new(s).unwrap());
        let owned =
            |v: &[(usize, &str)]| Some(v.iter().map(|(p, s)| (*p, s.to_string())).collect());
        assert_eq!(cover_of("中国"), owned(&[(0, "中国")]));
        assert_eq!(cover_of("全国工会"), owned(&[(0, "全国"), (2, "工会")]));
        assert_eq!(cover_of("中国人"), owned(&[(0, "中国"), (1, "国人")]));
        // One character, an uncommon one, a word or a gap: the characters find it.
        for other in ["中", "劳模", "全国总工会", "中国a", "中 国"] {
            assert_eq!(cover_of(other), None, "{other}");
        }
    }
}
