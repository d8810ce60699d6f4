//! Character grams: the recall path of the index.
//!
//! Every Han character is indexed, with the character after it, as a bigram; every run of
//! other letters and digits as one word; and the Han characters at the start and end of a run
//! of Han on their own. Each gram's position is its character offset in the passage. A string
//! of two or more Han characters is then found exactly by a phrase of bigrams with character
//! offsets, whatever jieba made of the passage: 工会 inside 总工会, a name that jieba splits.
//! One Han character is found as the edge unigram or any bigram that starts with it: where it
//! is not followed by Han it ends a run, and where it is, it starts a bigram.
//! Punctuation and white space are not tokens.

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
    let mut previous_han = false;
    while let Some((position, (byte, c))) = chars.next() {
        if is_han(c) {
            let end = byte + c.len_utf8();
            match chars.peek() {
                Some(&(_, (_, next))) if is_han(next) => {
                    if !previous_han {
                        emit(position, &normalized[byte..end]);
                    }
                    emit(position, &normalized[byte..end + next.len_utf8()]);
                }
                _ => emit(position, &normalized[byte..end]),
            }
            previous_han = true;
            continue;
        }
        previous_han = false;
        if c.is_alphanumeric() {
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

/// How the index finds a needle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cover {
    /// One Han character, anywhere: the grams that start with it.
    Han(String),
    /// Grams at offsets in the gram field (one term, or a phrase), and Han characters whose
    /// place the grams cannot pin down, which must occur somewhere in the passage.
    Grams {
        grams: Vec<(usize, String)>,
        loose: Vec<String>,
    },
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

    /// The fewest grams that pin the needle down, with their offsets: a run of Han characters
    /// is covered by bigrams (the last one overlapping when the run is odd), a word by itself,
    /// and a lone Han character by itself where it touches a word (so in the passage it is at
    /// the edge of a Han run, where it is indexed on its own).
    pub fn cover(&self) -> Cover {
        if let [(_, Unit::Han(c))] = self.units.as_slice() {
            return Cover::Han(c.to_string());
        }
        let mut grams = Vec::new();
        let mut loose = Vec::new();
        let mut i = 0;
        while i < self.units.len() {
            match &self.units[i] {
                (offset, Unit::Word(word)) => {
                    grams.push((*offset, word.iter().collect()));
                    i += 1;
                }
                (start, Unit::Han(_)) => {
                    let first = i;
                    let mut run = vec![];
                    while let Some((offset, Unit::Han(c))) = self.units.get(i) {
                        if *offset != start + run.len() {
                            break;
                        }
                        run.push(*c);
                        i += 1;
                    }
                    if run.len() == 1 {
                        let word_before = first > 0
                            && matches!(&self.units[first - 1], (o, Unit::Word(w)) if o + w.len() == *start);
                        let word_after = matches!(self.units.get(i), Some((o, Unit::Word(_))) if *o == start + 1);
                        if word_before || word_after {
                            grams.push((*start, run[0].to_string()));
                        } else {
                            loose.push(run[0].to_string());
                        }
                        continue;
                    }
                    let mut k = 0;
                    while k + 1 < run.len() {
                        grams.push((start + k, run[k..k + 2].iter().collect()));
                        k += 2;
                    }
                    if run.len() % 2 == 1 {
                        let last = run.len() - 2;
                        grams.push((start + last, run[last..].iter().collect()));
                    }
                }
            }
        }
        Cover::Grams { grams, loose }
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
    fn bigrams_and_run_edges_at_character_positions() {
        assert_eq!(
            grams("工会,全总职工"),
            vec![
                (0, "工".into()),
                (0, "工会".into()),
                (1, "会".into()),
                (3, "全".into()),
                (3, "全总".into()),
                (4, "总职".into()),
                (5, "职工".into()),
                (6, "工".into()),
            ]
        );
    }

    #[test]
    fn words_are_whole_and_punctuation_is_dropped() {
        assert_eq!(
            grams("covid-19疫苗 5g"),
            vec![
                (0, "covid".into()),
                (6, "19".into()),
                (8, "疫".into()),
                (8, "疫苗".into()),
                (9, "苗".into()),
                (11, "5g".into()),
            ]
        );
    }

    fn offsets(needle: &str) -> Vec<usize> {
        match Needle::new(needle).unwrap().cover() {
            Cover::Grams { grams, .. } => grams.into_iter().map(|(o, _)| o).collect(),
            Cover::Han(_) => vec![],
        }
    }

    #[test]
    fn covers() {
        assert_eq!(offsets("中华人民共和国"), vec![0, 2, 4, 5]);
        assert_eq!(Needle::new("疫").unwrap().cover(), Cover::Han("疫".into()));
        assert_eq!(
            Needle::new("4s店").unwrap().cover(),
            Cover::Grams {
                grams: vec![(0, "4s".into()), (2, "店".into())],
                loose: vec![]
            }
        );
        assert_eq!(
            Needle::new("店4s").unwrap().cover(),
            Cover::Grams {
                grams: vec![(0, "店".into()), (1, "4s".into())],
                loose: vec![]
            }
        );
        assert_eq!(
            Needle::new("疫 苗").unwrap().cover(),
            Cover::Grams {
                grams: vec![],
                loose: vec!["疫".into(), "苗".into()]
            }
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
