//! The segmentation dictionary: jieba's own word list plus an optional user dictionary.
//!
//! Indexing segments with a full jieba built from this dictionary. The dictionary is also
//! written into the index as an FST (word → frequency), and a query is segmented by a jieba
//! that holds only the dictionary words occurring in the query, with the same frequency total.
//! jieba's route depends on nothing else, so the query is cut exactly as the full jieba would
//! cut it, without paying the full dictionary build (about 135 ms) on every cold query.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use fst::raw::Fst;
use memmap2::Mmap;
use tantivy_jieba::jieba_rs::{Jieba, Token};
use xxhash_rust::xxh3::Xxh3;

use crate::disk::read_text;
use crate::error::{Error, Result};

/// jieba-rs 0.11's dictionary (`word freq` lines, tags dropped), from the jieba-rs crate (MIT).
const JIEBA_DICT_ZST: &[u8] = include_bytes!("jieba-dict.txt.zst");

/// The part-of-speech tag of each word of [`JIEBA_DICT_ZST`], one a line in its order (jieba's
/// tags: `n` noun, `nr` person's name, `ns` place name, `nt` organisation, `v` verb…).
const JIEBA_TAGS_ZST: &[u8] = include_bytes!("jieba-tags.txt.zst");

/// Union and labour vocabulary that jieba's dictionary cuts into pieces (how it was made is
/// said at its top).
pub const LABOUR_LEXICON: &str = include_str!("labour-lexicon.txt");

/// The words of a dictionary text in jieba's user dictionary format (`word [freq] [tag]` a
/// line; a BOM, CRLF line ends, blank lines and `#` comments are accepted), normalised, with
/// their line numbers and their frequency when one is given.
fn user_dictionary_lines(
    text: &str,
) -> impl Iterator<Item = (usize, String, Option<&str>, Option<&str>)> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .filter_map(|(number, line)| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let mut fields = line.split_whitespace();
            let word = crate::analysis::normalize(fields.next()?);
            Some((number + 1, word, fields.next(), fields.next()))
        })
}

/// The words of the labour lexicon, normalised.
pub fn lexicon_words() -> impl Iterator<Item = String> {
    user_dictionary_lines(LABOUR_LEXICON).map(|(_, word, _, _)| word)
}

/// A built-in word list, decompressed.
fn built_in(compressed: &[u8]) -> Result<String> {
    let mut text = String::new();
    zstd::stream::read::Decoder::new(compressed)
        .and_then(|mut d| d.read_to_string(&mut text))
        .map_err(|e| Error::Usage(format!("the built-in dictionary is damaged: {e}")))?;
    Ok(text)
}

/// The part-of-speech tag of the words that `wanted` keeps, as jieba's dictionary gives them
/// (the labour lexicon's when it gives one). Words are looked up as the dictionary writes
/// them, which is as normalised text reads (its words are simplified, lower case).
pub fn word_tags(wanted: impl Fn(&str) -> bool) -> Result<HashMap<String, String>> {
    let (words, tags) = (built_in(JIEBA_DICT_ZST)?, built_in(JIEBA_TAGS_ZST)?);
    let mut tagged = HashMap::new();
    for (line, tag) in words.lines().zip(tags.lines()) {
        let word = line.split(' ').next().unwrap_or_default();
        if wanted(word) {
            tagged
                .entry(word.to_string())
                .or_insert_with(|| tag.to_string());
        }
    }
    for (_, word, _, tag) in user_dictionary_lines(LABOUR_LEXICON) {
        if let Some(tag) = tag.filter(|_| wanted(&word)) {
            tagged.insert(word, tag.to_string());
        }
    }
    Ok(tagged)
}

/// A word that never reaches jieba's route (it is not a Han or ASCII block), carrying the
/// frequency mass of the words a query does not contain so that the total stays the same.
const BALANCE_WORD: &str = "\u{E000}";

/// The merged word list: what indexing builds jieba from and writes into the index.
pub struct WordList {
    words: BTreeMap<String, u64>,
    /// Words of the labour lexicon and of the user dictionary, for reports.
    pub lexicon_words: usize,
    pub user_words: usize,
    /// A hash of the whole list, recorded in the index so a different dictionary is detected.
    pub hash: String,
}

impl WordList {
    /// jieba's dictionary with the labour lexicon's words, and the user dictionary's when one
    /// is given.
    ///
    /// User dictionary lines are `word [freq] [tag]` as in jieba; a word without a frequency
    /// gets the one jieba suggests to keep it whole. A BOM, CRLF line ends, blank lines and
    /// `#` comments are accepted.
    pub fn load(user_dict: Option<&Path>) -> Result<(WordList, Jieba)> {
        let text = built_in(JIEBA_DICT_ZST)?;
        let mut jieba = Jieba::empty();
        let mut words = BTreeMap::new();
        for line in text.lines() {
            let mut fields = line.split(' ');
            if let (Some(word), Some(freq)) = (fields.next(), fields.next()) {
                words.insert(word.to_string(), freq.parse().unwrap_or(0));
            }
        }
        jieba
            .load_dict(&mut text.as_bytes())
            .map_err(|e| Error::Usage(format!("the built-in dictionary is damaged: {e}")))?;

        let lexicon_words =
            add_words(&mut jieba, &mut words, LABOUR_LEXICON, "the labour lexicon")?;
        let mut user_words = 0;
        if let Some(path) = user_dict {
            let text = read_text(path, "the dictionary")?;
            user_words = add_words(&mut jieba, &mut words, &text, &path.display().to_string())?;
        }

        let mut hasher = Xxh3::new();
        for (word, freq) in &words {
            hasher.update(word.as_bytes());
            hasher.update(&freq.to_le_bytes());
        }
        let hash = format!("{:032x}", hasher.digest128());
        Ok((
            WordList {
                words,
                lexicon_words,
                user_words,
                hash,
            },
            jieba,
        ))
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Writes the list as an FST map and returns the frequency total and the longest word.
    /// The file is replaced whole ([`crate::disk::replace`]): a dictionary mapped by an open
    /// index is never written over.
    pub fn write_fst(&self, path: &Path) -> Result<(u64, usize)> {
        let mut total = 0u64;
        let mut longest = 0;
        crate::disk::replace(path, |out| {
            let mut builder = fst::MapBuilder::new(out).map_err(std::io::Error::other)?;
            for (word, &freq) in &self.words {
                builder.insert(word, freq).map_err(std::io::Error::other)?;
                total += freq;
                longest = longest.max(word.chars().count());
            }
            builder.finish().map_err(std::io::Error::other)
        })?;
        Ok((total, longest))
    }
}

/// Adds the words of a dictionary text (see [`user_dictionary_lines`]) to jieba and the word
/// list; `origin` names the text in errors. Returns the number of words read.
fn add_words(
    jieba: &mut Jieba,
    words: &mut BTreeMap<String, u64>,
    text: &str,
    origin: &str,
) -> Result<usize> {
    let mut added = 0;
    for (number, word, freq, tag) in user_dictionary_lines(text) {
        let freq = match freq.map(str::parse::<usize>) {
            None => jieba.suggest_freq(&word),
            Some(Ok(freq)) => freq,
            Some(Err(_)) => {
                return Err(Error::Usage(format!(
                    "{origin}:{number}: the frequency is not a whole number: {}",
                    freq.unwrap_or_default()
                )));
            }
        };
        jieba.add_word(&word, Some(freq), tag);
        words.insert(word, freq as u64);
        added += 1;
    }
    Ok(added)
}

/// The dictionary as stored in an index, for segmenting queries.
pub struct QueryDictionary {
    fst: Fst<Mmap>,
    total: u64,
}

impl QueryDictionary {
    /// Opens the dictionary FST written by [`WordList::write_fst`].
    pub fn open(path: &Path, total: u64) -> Result<QueryDictionary> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the file is only ever replaced whole by a rename (`WordList::write_fst`),
        // never written in place, so the mapped bytes do not change under the map.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        let fst = Fst::new(map).map_err(|e| {
            Error::Incompatible(format!(
                "{}: the dictionary is damaged ({e}); rebuild the index with `gonghui index --rebuild`",
                path.display()
            ))
        })?;
        Ok(QueryDictionary { fst, total })
    }

    /// A jieba holding the dictionary words found in `text`, with the full dictionary's total.
    pub fn jieba_for(&self, text: &str) -> Jieba {
        let mut jieba = Jieba::empty();
        let mut mass = 0u64;
        let bytes = text.as_bytes();
        for (start, _) in text.char_indices() {
            let mut node = self.fst.root();
            let mut output = fst::raw::Output::zero();
            for (i, &b) in bytes[start..].iter().enumerate() {
                let Some(t) = node.find_input(b).map(|k| node.transition(k)) else {
                    break;
                };
                output = output.cat(t.out);
                node = self.fst.node(t.addr);
                let end = start + i + 1;
                if node.is_final() && text.is_char_boundary(end) {
                    let freq = output.cat(node.final_output()).value();
                    let word = &text[start..end];
                    if !jieba.has_word(word) {
                        jieba.add_word(word, Some(freq as usize), None);
                        mass += freq;
                    }
                }
            }
        }
        jieba.add_word(
            BALANCE_WORD,
            Some(self.total.saturating_sub(mass) as usize),
            None,
        );
        jieba
    }

    /// Calls `f` with every word and its frequency, in byte order.
    pub fn for_each_word(&self, mut f: impl FnMut(&str, u64)) {
        use fst::Streamer;
        let mut stream = self.fst.stream();
        while let Some((word, freq)) = stream.next() {
            if let Ok(word) = std::str::from_utf8(word) {
                f(word, freq.value());
            }
        }
    }

    /// Cuts a normalised text in jieba's default mode, without HMM, as indexing would.
    pub fn cut<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        self.jieba_for(text).cut(text, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_cut_equals_full_cut() {
        let (words, jieba) = WordList::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dict.fst");
        let (total, _) = words.write_fst(&path).unwrap();
        let dict = QueryDictionary::open(&path, total).unwrap();
        for text in [
            "甘肃省各级工会组织众志成城助力抗击疫情",
            "中华人民共和国全国总工会劳动模范",
            "招募职工志愿者137名,并接收市总工会转交的169名志愿者",
            "covid-19疫苗接种 5G网络 4S店",
            "情防控工",
        ] {
            let full: Vec<_> = jieba.cut(text, false).iter().map(|t| t.word).collect();
            let pruned: Vec<_> = dict.cut(text).iter().map(|t| t.word).collect();
            assert_eq!(full, pruned, "{text}");
        }
    }
}
