//! Character grams: the recall path of the index.
//!
//! Every Han character is indexed on its own, and every run of other letters and digits as one
//! word, each at its character offset in the passage. A string is then found exactly by a
//! phrase of its grams at their offsets, whatever jieba made of the passage: 工会 inside 总工会,
//! a name that jieba splits, 疫 苗 across a space. Punctuation and white space are not tokens
//! but keep their offsets.
//!
//! Single characters rather than overlapping bigrams: the news corpus has about 2 million
//! distinct bigrams against 40,000 characters and words, and tantivy spends its indexing time
//! per distinct term (hash look-ups missing the cache, many short postings lists with their own
//! headers): a field of bigrams takes 3.2 × the time and 1.9 × the space of one of characters
//! over the same text (`examples/gram_fields.rs`). The price is at query time: a phrase of
//! characters reads the positions of each of them in every passage that has them all, where a
//! bigram was one short list (README, "Performance").

/// A Han ideograph: CJK unified ideographs with their extensions, and compatibility ideographs.
#[inline]
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2EBEF
        | 0x2F800..=0x2FA1F
        | 0x30000..=0x323AF)
}

/// A letter or digit that is not Han: part of a word token.
#[inline]
pub fn is_word_char(c: char) -> bool {
    !is_han(c) && c.is_alphanumeric()
}

/// Calls `emit(position, gram)` for every gram of a normalised text, in position order.
pub fn for_each_gram(normalized: &str, mut emit: impl FnMut(usize, &str)) {
    let mut chars = normalized.char_indices().enumerate().peekable();
    while let Some((position, (byte, c))) = chars.next() {
        if is_han(c) {
            emit(position, &normalized[byte..byte + c.len_utf8()]);
        } else if c.is_alphanumeric() {
            let mut end = byte + c.len_utf8();
            while let Some(&(_, (b, n))) = chars.peek() {
                if !is_word_char(n) {
                    break;
                }
                end = b + n.len_utf8();
                chars.next();
            }
            emit(position, &normalized[byte..end]);
        }
    }
}

/// One unit of a text as the index sees it: a Han character or a whole word token.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Han(char),
    Word(Vec<char>),
}

/// A normalised query string as a pattern of units at character offsets, used both to build
/// the index query (the grams that cover it) and to find its occurrences for highlighting, so
/// that what matches is what is highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    units: Vec<(usize, Unit)>,
    len: usize,
}

impl Needle {
    /// The needle of a normalised string, or `None` when it has no letters, digits or Han.
    pub fn new(normalized: &str) -> Option<Needle> {
        let chars: Vec<char> = normalized.chars().collect();
        let mut units = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_han(c) {
                units.push((i, Unit::Han(c)));
                i += 1;
            } else if c.is_alphanumeric() {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                units.push((start, Unit::Word(chars[start..i].to_vec())));
            } else {
                i += 1;
            }
        }
        let first = units.first()?.0;
        for unit in &mut units {
            unit.0 -= first;
        }
        let len = units
            .last()
            .map_or(0, |(offset, unit)| offset + unit_len(unit));
        Some(Needle { units, len })
    }

    /// Length in characters from the first unit to the end of the last.
    pub fn char_len(&self) -> usize {
        self.len
    }

    /// True when the needle is one Han character.
    pub fn is_single_han(&self) -> bool {
        matches!(self.units.as_slice(), [(_, Unit::Han(_))])
    }

    /// The grams of the needle with their offsets: each Han character and each word, where it
    /// is. A phrase of them finds the needle exactly (one gram is a term).
    pub fn grams(&self) -> Vec<(usize, String)> {
        self.units
            .iter()
            .map(|(offset, unit)| {
                let gram = match unit {
                    Unit::Han(c) => c.to_string(),
                    Unit::Word(word) => word.iter().collect(),
                };
                (*offset, gram)
            })
            .collect()
    }
}

fn unit_len(unit: &Unit) -> usize {
    match unit {
        Unit::Han(_) => 1,
        Unit::Word(word) => word.len(),
    }
}

/// A normalised passage prepared for finding needles in it.
pub struct Haystack {
    chars: Vec<char>,
    /// For each character offset where a word token starts, the offset where it ends.
    word_end: Vec<usize>,
}

impl Haystack {
    pub fn new(normalized: &str) -> Haystack {
        let chars: Vec<char> = normalized.chars().collect();
        let mut word_end = vec![0; chars.len()];
        let mut i = 0;
        while i < chars.len() {
            if is_word_char(chars[i]) {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                word_end[start] = i;
            } else {
                i += 1;
            }
        }
        Haystack { chars, word_end }
    }

    /// Half-open character ranges of every occurrence of the needle, in order.
    pub fn find_all(&self, needle: &Needle) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        if needle.len > self.chars.len() {
            return found;
        }
        for start in 0..=self.chars.len() - needle.len {
            if needle
                .units
                .iter()
                .all(|(offset, unit)| self.unit_at(start + offset, unit))
            {
                found.push((start, start + needle.len));
            }
        }
        found
    }

    fn unit_at(&self, at: usize, unit: &Unit) -> bool {
        match unit {
            Unit::Han(c) => self.chars[at] == *c,
            Unit::Word(word) => {
                self.word_end[at] == at + word.len() && self.chars[at..at + word.len()] == word[..]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for_each_gram(text, |p, g| out.push((p, g.to_string())));
        out
    }

    #[test]
    fn han_characters_and_words_at_character_positions() {
        assert_eq!(
            grams("工会,全总 covid-19疫苗 5g"),
            vec![
                (0, "工".into()),
                (1, "会".into()),
                (3, "全".into()),
                (4, "总".into()),
                (6, "covid".into()),
                (12, "19".into()),
                (14, "疫".into()),
                (15, "苗".into()),
                (17, "5g".into()),
            ]
        );
    }

    #[test]
    fn needles_are_their_grams_at_offsets() {
        let grams = |needle: &str| Needle::new(needle).unwrap().grams();
        assert_eq!(grams("疫"), vec![(0, "疫".to_string())]);
        assert_eq!(
            grams("4s店"),
            vec![(0, "4s".to_string()), (2, "店".to_string())]
        );
        assert_eq!(
            grams("，疫 苗"),
            vec![(0, "疫".to_string()), (2, "苗".to_string())]
        );
    }

    #[test]
    fn finds_whole_words_and_han_substrings() {
        let hay = Haystack::new("志愿者said ai 志愿服务");
        assert_eq!(
            hay.find_all(&Needle::new("志愿").unwrap()),
            vec![(0, 2), (11, 13)]
        );
        assert_eq!(hay.find_all(&Needle::new("ai").unwrap()), vec![(8, 10)]);
        assert_eq!(hay.find_all(&Needle::new("sa").unwrap()), vec![]);
    }
}
