//! Where a passage's jieba words begin and end: the evidence for ranking whole words first
//! (童工 the word, not 童工 inside 儿童工作; see [`crate::rank`]).
//!
//! A passage is cut as queries are, by jieba without HMM, and the bounds between its words are
//! kept as one bit per character, a few bytes a passage in a fast field (an inverted field of
//! jieba's words took 23 MB and a fifth of the indexing time on the news corpus). A query word
//! is a word of the passage where it occurs (found by the character grams) as jieba's search
//! mode would cut the passage: with no bound inside it, and either bounds at both ends or two
//! or three Han characters, since search mode also gives the dictionary words of two and three
//! characters inside a longer word (工会 in 总工会; a query word is a dictionary word).

use tantivy_jieba::jieba_rs::Jieba;

/// The word bounds of a normalised text as a bitmap: bit `i % 64` of value `i / 64` is set
/// when a word begins or ends at character offset `i`.
pub fn word_bounds(jieba: &Jieba, normalized: &str) -> Vec<u64> {
    let mut bounds: Vec<u64> = Vec::new();
    let mut set = |at: usize| {
        if bounds.len() <= at / 64 {
            bounds.resize(at / 64 + 1, 0);
        }
        bounds[at / 64] |= 1 << (at % 64);
    };
    for word in jieba.cut(normalized, false) {
        set(word.start);
        set(word.end);
    }
    bounds
}

/// Whether bit `at` of a bitmap of [`word_bounds`] is set.
pub fn is_bound(bounds: &[u64], at: u64) -> bool {
    bounds
        .get((at / 64) as usize)
        .is_some_and(|bits| bits >> (at % 64) & 1 == 1)
}

/// Whether a query word of `len` characters at `start` is a word of the passage whose bounds
/// are `bounds` (see the module's documentation); `short_han` tells that it is two or three
/// Han characters.
pub fn is_word_at(bounds: &[u64], start: u64, len: u64, short_han: bool) -> bool {
    let end = start + len;
    (start + 1..end).all(|at| !is_bound(bounds, at))
        && (short_han || (is_bound(bounds, start) && is_bound(bounds, end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::normalize;

    fn bounds(text: &str) -> Vec<usize> {
        let bits = word_bounds(&Jieba::new(), &normalize(text));
        (0..bits.len() * 64)
            .filter(|&i| is_bound(&bits, i as u64))
            .collect()
    }

    #[test]
    fn bounds_between_words() {
        // 全国总工会 | ： | covid | 疫苗 | ， | 的
        assert_eq!(
            bounds("全國總工會：ＣＯＶＩＤ疫苗，的"),
            vec![0, 5, 6, 11, 13, 14, 15]
        );
        assert!(bounds(&"工会".repeat(40)).contains(&80));
    }

    #[test]
    fn words_as_search_mode_cuts_them() {
        let jieba = Jieba::new();
        let bits = word_bounds(&jieba, "全国总工会");
        // 工会 and 总工会 inside 全国总工会, which search mode gives too; not 国总工.
        assert!(is_word_at(&bits, 3, 2, true));
        assert!(is_word_at(&bits, 2, 3, true));
        assert!(is_word_at(&bits, 0, 5, false));
        // 儿童 | 工作: not 童工 across them, nor 儿童工 past a bound.
        let bits = word_bounds(&jieba, "儿童工作");
        assert!(!is_word_at(&bits, 1, 2, true));
        assert!(is_word_at(&bits, 0, 2, true));
        assert!(!is_word_at(&bits, 0, 3, true));
        // A longer word must be one of the passage's words, bounds at both ends.
        let bits = word_bounds(&jieba, "中华人民共和国成立");
        assert!(is_word_at(&bits, 0, 7, false));
        assert!(!is_word_at(&bits, 0, 4, false));
    }
}
