//! Analysis: how text becomes index terms, the same way at index and at query time.
//!
//! 1. [`normalize`]: Traditional → Simplified, full-width → half-width, lower case, one
//!    character for one character so offsets stay on the original text.
//! 2. Over the normalised text:
//!    - grams ([`grams`], [`tokenizers`]): Han characters and whole letter/digit words at
//!      character positions, which find any string exactly (the recall guarantee);
//!    - pairs of common characters ([`pairs`]): one term for 中国, so that a string of common
//!      characters is found without reading their long lists of positions;
//!    - word bounds ([`words`]): where jieba's words begin and end, for ranking.
//! 3. Queries are cut by jieba with the index's own dictionary ([`dictionary`]).

pub mod dictionary;
pub mod grams;
pub mod normalize;
pub mod pairs;
pub mod report;
pub mod shape;
pub mod tokenizers;
pub mod words;

use serde::{Deserialize, Serialize};

pub use normalize::normalize;

/// What an index's terms depend on. Stored in the index; a query runs only against an index
/// whose configuration this build of gonghui produces the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzerConfig {
    /// Version of the character normalisation tables.
    pub normalization: u32,
    /// The segmenter and how it is used.
    pub segmenter: String,
    /// Hash of the merged dictionary (jieba's words plus the user dictionary).
    pub dictionary_hash: String,
    /// Number of words in the merged dictionary.
    pub dictionary_words: usize,
    /// Number of words of the labour lexicon in it.
    #[serde(default)]
    pub lexicon_words: usize,
    /// Sum of the dictionary's word frequencies (jieba's route depends on it).
    pub dictionary_total: u64,
    /// The user dictionary given to `gonghui index --dict`, as given.
    pub user_dictionary: Option<String>,
    /// Number of words it added.
    pub user_words: usize,
}

/// The segmenter this build uses; an index made with another one must be rebuilt.
pub const SEGMENTER: &str = "jieba-rs 0.11, no HMM, word bounds; grams v3 (characters)";

/// The words of a normalised query string: jieba's default cut, without tokens that have no
/// letter, digit or Han character.
pub fn query_words<'a>(
    dictionary: &dictionary::QueryDictionary,
    normalized: &'a str,
) -> Vec<&'a str> {
    dictionary
        .cut(normalized)
        .into_iter()
        .map(|token| token.word)
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .collect()
}

/// The pieces of a term that must each occur: its jieba words, with a single Han character
/// kept together with the word after it (or, at the end, before it), as typed. A lone 新 or 的
/// occurs in most passages and says nothing apart from its neighbour; together they still
/// occur wherever the whole term does.
pub(crate) fn query_pieces<'a>(normalized: &'a str, words: &[&'a str]) -> Vec<&'a str> {
    let base = normalized.as_ptr() as usize;
    let range = |word: &str| {
        let start = word.as_ptr() as usize - base;
        (start, start + word.len())
    };
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut pending: Option<(usize, usize)> = None;
    for word in words {
        let (start, end) = range(word);
        let mut chars = word.chars();
        if matches!((chars.next(), chars.next()), (Some(c), None) if grams::is_han(c)) {
            pending = Some((pending.map_or(start, |p| p.0), end));
            continue;
        }
        pieces.push((pending.take().map_or(start, |p| p.0), end));
    }
    if let Some((start, end)) = pending {
        match pieces.last_mut() {
            Some(last) => last.1 = end,
            None => pieces.push((start, end)),
        }
    }
    pieces.into_iter().map(|(s, e)| &normalized[s..e]).collect()
}

#[cfg(test)]
mod tests {
    use super::query_pieces;

    #[test]
    fn single_characters_stay_with_their_neighbours() {
        let text = "新就业形态劳动者";
        let words = vec![&text[0..3], &text[3..9], &text[9..15], &text[15..24]];
        assert_eq!(query_pieces(text, &words), vec!["新就业", "形态", "劳动者"]);
        let text = "情防控工";
        let words = vec![&text[0..3], &text[3..9], &text[9..12]];
        assert_eq!(query_pieces(text, &words), vec!["情防控工"]);
        let text = "的了";
        assert_eq!(
            query_pieces(text, &[&text[0..3], &text[3..6]]),
            vec!["的了"]
        );
    }
}
