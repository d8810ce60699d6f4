//! What analysis makes of a text, step by step, to see why something (did not) match:
//! `gonghui analyze` (and its `--json` for scripts) and Python's `Index.analyze` read it.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Serialize;

use super::dictionary::{QueryDictionary, lexicon_words};
use super::grams::{Needle, for_each_gram};
use super::{normalize, query_words};
use crate::query::synonyms::Synonyms;

/// A word of a jieba cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The word.
    pub word: String,
    /// Whether it is a word of the shipped labour lexicon.
    pub lexicon: bool,
}

/// A gram and where it stands: a character position in the text, or an offset in a word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gram {
    /// Character position (in the text) or offset (in the word).
    pub position: usize,
    /// The gram.
    pub gram: String,
}

/// What analysis makes of one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// The text, as given.
    pub text: String,
    /// The text normalised (one character for one character).
    pub normalized: String,
    /// The words a query term of this text is cut into; each must occur.
    pub query_words: Vec<Word>,
    /// For each query word, the grams it is looked up as (offsets in the word).
    pub lookups: Vec<Vec<Gram>>,
    /// The other terms of the text's synonym group, searched after the text as typed.
    pub synonyms: Vec<String>,
    /// The words a passage of this text is cut into: their bounds rank whole-word matches.
    pub index_words: Vec<Word>,
    /// The grams indexed at each character position: what finds any string.
    pub grams: Vec<Gram>,
}

fn lexicon() -> &'static HashSet<String> {
    static LEXICON: OnceLock<HashSet<String>> = OnceLock::new();
    LEXICON.get_or_init(|| lexicon_words().collect())
}

fn words<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<Word> {
    words
        .into_iter()
        .map(|word| Word {
            word: word.to_string(),
            lexicon: lexicon().contains(word),
        })
        .collect()
}

/// Analyses `text` with the index's dictionary and the synonym groups given.
pub(crate) fn analyze(dictionary: &QueryDictionary, synonyms: &Synonyms, text: &str) -> Analysis {
    let normalized = normalize(text);
    let cut = query_words(dictionary, &normalized);
    let lookups = cut
        .iter()
        .filter_map(|word| Needle::new(word))
        .map(|needle| {
            let grams = needle.grams().into_iter();
            grams
                .map(|(position, gram)| Gram { position, gram })
                .collect()
        })
        .collect();
    let jieba = dictionary.jieba_for(&normalized);
    let passage_cut = jieba.cut(&normalized, false);
    let index_words = words(
        passage_cut
            .iter()
            .map(|token| token.word)
            .filter(|word| word.chars().any(char::is_alphanumeric)),
    );
    let mut grams = Vec::new();
    for_each_gram(&normalized, |position, gram| {
        grams.push(Gram {
            position,
            gram: gram.to_string(),
        })
    });
    Analysis {
        text: text.to_string(),
        query_words: words(cut.iter().copied()),
        lookups,
        synonyms: synonyms
            .others(&normalized)
            .into_iter()
            .map(str::to_string)
            .collect(),
        index_words,
        grams,
        normalized,
    }
}
