//! Where a query's strings are in a matching passage, read from the positions of their
//! character grams: as typed, as a synonym, in the heading, as whole words, near each other.
//! Positions are read only at the documents asked about, into buffers kept from one document
//! to the next.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, Term};

use crate::analysis::words::is_word_at;
use crate::error::Result;
use crate::query::signals::{Grams, NEAR_CHARS, NearPair, Nested, TermSignals};

/// A string's grams at their offsets in one segment, with their positions, to find where the
/// string is in a document; the buffers are kept from one document to the next.
pub(super) struct GramPostings {
    grams: Vec<(i64, SegmentPostings)>,
    positions: Vec<u32>,
    starts: Vec<i64>,
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
        }))
    }

    /// Where in `doc` the string starts, in order, among the places its first gram allows
    /// and `keep` accepts (the other grams' positions are read only while some are left).
    fn starts_where(&mut self, doc: DocId, keep: impl Fn(i64) -> bool) -> &[i64] {
        self.starts.clear();
        for (_, postings) in &mut self.grams {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                return &self.starts;
            }
        }
        let Some(((first_offset, first), others)) = self.grams.split_first_mut() else {
            return &self.starts;
        };
        self.positions.clear();
        first.positions(&mut self.positions);
        let starts = self.positions.iter().map(|&p| i64::from(p) - *first_offset);
        self.starts.extend(starts.filter(|&start| keep(start)));
        for (offset, postings) in others {
            if self.starts.is_empty() {
                break;
            }
            self.positions.clear();
            postings.positions(&mut self.positions);
            let positions = &self.positions;
            self.starts.retain(|start| {
                u32::try_from(start + *offset).is_ok_and(|p| positions.binary_search(&p).is_ok())
            });
        }
        &self.starts
    }

    /// Where in `doc` the string starts, in order.
    fn starts(&mut self, doc: DocId) -> &[i64] {
        self.starts_where(doc, |_| true)
    }
}

/// A [`Nested`] term's grams in one segment, with their positions.
struct NestedPostings {
    typed: GramPostings,
    longer: Vec<GramPostings>,
}

impl NestedPostings {
    /// `None` when the segment has no passage with the typed form inside a longer one.
    fn open(nested: &Nested, reader: &SegmentReader) -> Result<Option<NestedPostings>> {
        let open = |grams: &[(i64, Term)]| GramPostings::open(grams, reader);
        let Some(typed) = open(&nested.typed)? else {
            return Ok(None);
        };
        let mut longer = Vec::new();
        for form in &nested.longer {
            longer.extend(open(form)?);
        }
        Ok((!longer.is_empty()).then_some(NestedPostings { typed, longer }))
    }

    /// Whether the typed form is in the text of `doc`, and only inside longer forms.
    fn only_inside_longer(&mut self, doc: DocId) -> bool {
        let typed = self.typed.starts(doc);
        if typed.is_empty() {
            return false;
        }
        let longer: Vec<&[i64]> = self.longer.iter_mut().map(|f| f.starts(doc)).collect();
        typed
            .iter()
            .all(|start| longer.iter().any(|l| l.binary_search(start).is_ok()))
    }
}

/// A query word's grams in one segment (`None` when one is missing there), and its length.
struct WordPostings {
    grams: Option<GramPostings>,
    len: u32,
    short_han: bool,
}

impl WordPostings {
    /// Whether the word is a word of `doc` somewhere (see [`crate::analysis::words`]).
    fn whole_at(&mut self, doc: DocId, bounds: &[u64]) -> bool {
        let Some(grams) = self.grams.as_mut() else {
            return false;
        };
        let (len, short_han) = (u64::from(self.len), self.short_han);
        let whole = |start: i64| is_word_at(bounds, start as u64, len, short_han);
        !grams.starts_where(doc, whole).is_empty()
    }
}

/// Two terms typed one after the other in one segment (`None` when one is not in it).
pub(super) struct NearPostings(Option<(GramPostings, GramPostings)>);

impl NearPostings {
    pub(super) fn open(pair: &NearPair, reader: &SegmentReader) -> Result<NearPostings> {
        let first = GramPostings::open(&pair.first, reader)?;
        let second = GramPostings::open(&pair.second, reader)?;
        Ok(NearPostings(first.zip(second)))
    }

    /// Whether the two terms start at most [`NEAR_CHARS`] apart in `doc`, in either order.
    fn at(&mut self, doc: DocId) -> bool {
        let Some((first, second)) = &mut self.0 else {
            return false;
        };
        let first = first.starts(doc);
        if first.is_empty() {
            return false;
        }
        let second = second.starts(doc);
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
}

/// The share of the pairs of terms that stand near each other in `doc`; 1 for a query without
/// a pair.
pub(super) fn near_share(near: &mut [NearPostings], doc: DocId) -> f32 {
    if near.is_empty() {
        return 1.0;
    }
    let count: usize = near.iter_mut().map(|pair| usize::from(pair.at(doc))).sum();
    count as f32 / near.len() as f32
}

/// Whether any of some strings is in the documents of a segment, asked at matching
/// documents only (a string's positions are read there, not over every passage that has
/// its characters).
struct AnyOf(Vec<GramPostings>);

impl AnyOf {
    fn open(strings: &[Grams], reader: &SegmentReader) -> Result<AnyOf> {
        let mut open = Vec::with_capacity(strings.len());
        for grams in strings {
            open.extend(GramPostings::open(grams, reader)?);
        }
        Ok(AnyOf(open))
    }

    fn at(&mut self, doc: DocId) -> bool {
        self.0
            .iter_mut()
            .any(|string| !string.starts(doc).is_empty())
    }
}

/// One term's signals on the documents of a segment.
pub(super) struct TermPresence {
    literal: Option<AnyOf>,
    synonym: Option<AnyOf>,
    words: Vec<Vec<WordPostings>>,
    section: AnyOf,
    nested: Option<NestedPostings>,
}

impl TermPresence {
    pub(super) fn new(signals: &TermSignals, reader: &SegmentReader) -> Result<TermPresence> {
        let any_of = |strings: &Option<Vec<Grams>>| {
            strings
                .as_deref()
                .map(|strings| AnyOf::open(strings, reader))
                .transpose()
        };
        Ok(TermPresence {
            literal: any_of(&signals.literal)?,
            synonym: any_of(&signals.synonym)?,
            words: signals
                .words
                .iter()
                .map(|form| {
                    form.iter()
                        .map(|word| {
                            Ok(WordPostings {
                                grams: GramPostings::open(&word.grams, reader)?,
                                len: word.len,
                                short_han: word.short_han,
                            })
                        })
                        .collect::<Result<_>>()
                })
                .collect::<Result<_>>()?,
            section: AnyOf::open(&signals.section, reader)?,
            nested: match &signals.nested {
                Some(nested) => NestedPostings::open(nested, reader)?,
                None => None,
            },
        })
    }

    /// Whether the term is in `doc` as typed, not only inside a longer form of its group.
    pub(super) fn as_typed(&mut self, doc: DocId) -> bool {
        self.literal.as_mut().is_none_or(|p| p.at(doc))
            && !self
                .nested
                .as_mut()
                .is_some_and(|n| n.only_inside_longer(doc))
    }

    /// Whether one of the term's synonyms is in `doc` as written.
    pub(super) fn as_synonym(&mut self, doc: DocId) -> bool {
        self.synonym.as_mut().is_some_and(|p| p.at(doc))
    }

    /// Whether the term is in the section heading of `doc`.
    pub(super) fn in_section(&mut self, doc: DocId) -> bool {
        self.section.at(doc)
    }

    /// Whether the term has words to find whole (its whole-word share needs word bounds).
    pub(super) fn asks_words(&self) -> bool {
        self.words.iter().any(|form| !form.is_empty())
    }

    /// The share of the words of the form that has most of its words as words of `doc`, or
    /// `None` when no form has a word to ask about.
    pub(super) fn whole_words(&mut self, doc: DocId, bounds: &[u64]) -> Option<f32> {
        self.words
            .iter_mut()
            .filter(|form| !form.is_empty())
            .map(|form| {
                let whole: usize = form
                    .iter_mut()
                    .map(|word| usize::from(word.whole_at(doc, bounds)))
                    .sum();
                whole as f32 / form.len() as f32
            })
            .reduce(f32::max)
    }
}
