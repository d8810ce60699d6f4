//! Where a query's strings are in a matching passage, read from the positions of their
//! character grams: as typed, as a synonym, in the heading, as whole words, near each other.
//! Positions are read only at the documents asked about, into buffers kept from one document
//! to the next.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, Term};

use crate::analysis::words::is_word_at;
use crate::error::Result;
use crate::query::phrase::phrase_starts;
use crate::query::signals::{Grams, NEAR_CHARS, Nested, TermSignals};

/// A string's grams at their offsets in one segment, with their positions, to find where the
/// string is in a document; the buffers are kept from one document to the next, and where the
/// string starts in the last document asked about is kept until another is.
pub(super) struct GramPostings {
    grams: Vec<(i64, SegmentPostings)>,
    positions: Vec<u32>,
    starts: Vec<i64>,
    /// The document whose every start `starts` holds.
    at: Option<DocId>,
}

impl GramPostings {
    /// `None` when one of the grams is not in the segment.
    fn open(grams: &[(i64, Term)], reader: &SegmentReader) -> Result<Option<GramPostings>> {
        let mut postings = Vec::with_capacity(grams.len());
        for (offset, term) in grams {
            let index = reader.inverted_index(term.field())?;
            let read = index.read_postings(term, IndexRecordOption::WithFreqsAndPositions);
            match read.map_err(tantivy::TantivyError::from)? {
                Some(gram) => postings.push((*offset, gram)),
                None => return Ok(None),
            }
        }
        Ok(Some(GramPostings {
            grams: postings,
            positions: Vec::new(),
            starts: Vec::new(),
            at: None,
        }))
    }

    /// Where in `doc` the string starts, in order, among the places its first gram allows
    /// and `keep` accepts (the other grams' positions are read only while some are left).
    fn starts_where(&mut self, doc: DocId, keep: impl Fn(i64) -> bool) -> &[i64] {
        self.at = None;
        self.starts.clear();
        for (_, postings) in &mut self.grams {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                return &self.starts;
            }
        }
        phrase_starts(&mut self.grams, &mut self.positions, &mut self.starts, keep)
    }

    /// Where in `doc` the string starts, in order (read once per document).
    fn starts(&mut self, doc: DocId) -> &[i64] {
        if self.at != Some(doc) {
            self.starts_where(doc, |_| true);
            self.at = Some(doc);
        }
        &self.starts
    }
}

impl GramPostings {
    /// How often a string of one term is in `doc`: its term frequency, no position read.
    fn term_frequency(&mut self, doc: DocId) -> u32 {
        match self.grams.as_mut_slice() {
            [(_, postings)] => {
                if postings.doc() < doc {
                    postings.seek(doc);
                }
                if postings.doc() == doc {
                    postings.term_freq()
                } else {
                    0
                }
            }
            _ => u32::try_from(self.starts(doc).len()).unwrap_or(u32::MAX),
        }
    }
}

/// Where in `doc` a string of a segment starts; none when the segment lacks one of its grams.
fn starts_of(string: &mut Option<GramPostings>, doc: DocId) -> &[i64] {
    string.as_mut().map_or(&[], |grams| grams.starts(doc))
}

/// The longer forms of a [`Nested`] term in one segment, with their positions.
struct NestedPostings(Vec<GramPostings>);

impl NestedPostings {
    /// `None` when the segment has no passage with a longer form.
    fn open(nested: &Nested, reader: &SegmentReader) -> Result<Option<NestedPostings>> {
        let mut longer = Vec::new();
        for form in &nested.longer {
            longer.extend(GramPostings::open(form, reader)?);
        }
        Ok((!longer.is_empty()).then_some(NestedPostings(longer)))
    }

    /// Whether the typed form, starting at `typed` in the text of `doc`, is there only inside
    /// longer forms.
    fn only_inside_longer(&mut self, typed: &[i64], doc: DocId) -> bool {
        if typed.is_empty() {
            return false;
        }
        let longer: Vec<&[i64]> = self.0.iter_mut().map(|f| f.starts(doc)).collect();
        typed
            .iter()
            .all(|start| longer.iter().any(|l| l.binary_search(start).is_ok()))
    }
}

/// A query word in one segment: its grams (`None` when one is missing there), or the form of
/// the term it is the whole of, whose positions are read anyway; and its length.
struct WordPostings {
    grams: Option<Option<GramPostings>>,
    len: u32,
    short_han: bool,
}

/// Two terms typed one after the other start at most [`NEAR_CHARS`] apart, in either order.
pub(super) fn near(first: &[i64], second: &[i64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < first.len() && j < second.len() {
        if (first[i] - second[j]).abs() <= NEAR_CHARS {
            return true;
        }
        if first[i] < second[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    false
}

/// One term's signals on the documents of a segment.
pub(super) struct TermPresence {
    /// Each form of the term in the passage text, and in the section heading, the typed form
    /// first.
    text: Vec<Option<GramPostings>>,
    section: Vec<Option<GramPostings>>,
    /// Whether the term may be in a match otherwise than as typed (cut into words, or
    /// expanded to synonyms).
    literal: bool,
    /// Per form, its words.
    words: Vec<Vec<WordPostings>>,
    nested: Option<NestedPostings>,
}

impl TermPresence {
    pub(super) fn new(signals: &TermSignals, reader: &SegmentReader) -> Result<TermPresence> {
        let open_all = |strings: &[Grams]| {
            strings
                .iter()
                .map(|grams| GramPostings::open(grams, reader))
                .collect::<Result<Vec<_>>>()
        };
        let mut words = Vec::with_capacity(signals.words.len());
        for (form, form_words) in signals.text_forms.iter().zip(&signals.words) {
            let mut opened = Vec::with_capacity(form_words.len());
            for word in form_words {
                opened.push(WordPostings {
                    grams: match word.grams == *form {
                        true => None,
                        false => Some(GramPostings::open(&word.grams, reader)?),
                    },
                    len: word.len,
                    short_han: word.short_han,
                });
            }
            words.push(opened);
        }
        Ok(TermPresence {
            text: open_all(&signals.text_forms)?,
            section: open_all(&signals.section)?,
            literal: signals.literal,
            words,
            nested: match &signals.nested {
                Some(nested) => NestedPostings::open(nested, reader)?,
                None => None,
            },
        })
    }

    /// Where the term as typed starts in the text of `doc`.
    pub(super) fn typed_starts(&mut self, doc: DocId) -> &[i64] {
        starts_of(&mut self.text[0], doc)
    }

    /// How often the term is in the text of `doc`, as typed or as one of its synonyms (a form
    /// of one term by its term frequency, without reading positions).
    pub(super) fn occurrences(&mut self, doc: DocId) -> u32 {
        let counts = self.text.iter_mut().map(|form| match form {
            Some(grams) => grams.term_frequency(doc),
            None => 0,
        });
        counts.fold(0, u32::saturating_add)
    }

    /// Whether the term is in `doc` as typed (in the text or the heading), not only inside a
    /// longer form of its group.
    pub(super) fn as_typed(&mut self, doc: DocId) -> bool {
        let typed = !self.literal
            || !self.typed_starts(doc).is_empty()
            || !starts_of(&mut self.section[0], doc).is_empty();
        let Some(nested) = &mut self.nested else {
            return typed;
        };
        typed && !nested.only_inside_longer(starts_of(&mut self.text[0], doc), doc)
    }

    /// Whether one of the term's synonyms is in `doc` as written.
    pub(super) fn as_synonym(&mut self, doc: DocId) -> bool {
        let in_text = self.text[1..].iter_mut();
        let in_section = self.section[1..].iter_mut();
        in_text
            .chain(in_section)
            .any(|form| !starts_of(form, doc).is_empty())
    }

    /// Whether the term is in the section heading of `doc`, in any of its forms.
    pub(super) fn in_section(&mut self, doc: DocId) -> bool {
        self.section
            .iter_mut()
            .any(|form| !starts_of(form, doc).is_empty())
    }

    /// Whether the term has words to find whole (its whole-word share needs word bounds).
    pub(super) fn asks_words(&self) -> bool {
        self.words.iter().any(|form| !form.is_empty())
    }

    /// The share of the words of the form that has most of its words as words of `doc`, or
    /// `None` when no form has a word to ask about.
    pub(super) fn whole_words(&mut self, doc: DocId, bounds: &[u64]) -> Option<f32> {
        let mut best: Option<f32> = None;
        for (form, words) in self.text.iter_mut().zip(&mut self.words) {
            if words.is_empty() {
                continue;
            }
            let mut whole = 0;
            for word in words.iter_mut() {
                let (len, short_han) = (u64::from(word.len), word.short_han);
                let is_whole = |start: i64| is_word_at(bounds, start as u64, len, short_han);
                let found = match &mut word.grams {
                    None => starts_of(form, doc).iter().any(|&start| is_whole(start)),
                    Some(None) => false,
                    Some(Some(grams)) => !grams.starts_where(doc, is_whole).is_empty(),
                };
                whole += usize::from(found);
            }
            let share = whole as f32 / words.len() as f32;
            best = Some(best.map_or(share, |b| b.max(share)));
        }
        best
    }
}
