//! A phrase whose terms may be of different fields: the characters and the pairs of common
//! characters of the passage text (全国 工会 as pairs, 总 as a character, for 全国总工会),
//! which tantivy's phrase query, bound to one field, cannot mix. Positions in both fields are
//! character offsets into the same text, so a match is a start where every term sits at its
//! offset.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Documents where the terms stand at their offsets from a common start.
#[derive(Debug, Clone)]
pub struct CrossFieldPhrase {
    terms: Vec<(i64, Term)>,
}

impl CrossFieldPhrase {
    pub fn new(terms: Vec<(i64, Term)>) -> CrossFieldPhrase {
        CrossFieldPhrase { terms }
    }
}

impl Query for CrossFieldPhrase {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

impl Weight for CrossFieldPhrase {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut terms = Vec::with_capacity(self.terms.len());
        for (offset, term) in &self.terms {
            let index = reader.inverted_index(term.field())?;
            match index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(postings) => terms.push((*offset, postings)),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        // The rarest term leads the intersection and seeds the starts.
        terms.sort_by_key(|(_, postings)| postings.doc_freq());
        let mut scorer = CrossFieldScorer {
            terms,
            positions: Vec::new(),
            starts: Vec::new(),
            doc: 0,
        };
        scorer.doc = scorer.match_from(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("cross-field phrase", 1.0))
    }
}

struct CrossFieldScorer {
    terms: Vec<(i64, SegmentPostings)>,
    positions: Vec<u32>,
    starts: Vec<i64>,
    doc: DocId,
}

impl CrossFieldScorer {
    /// The first document from `target` on where every term is, at its offset.
    fn match_from(&mut self, mut target: DocId) -> DocId {
        loop {
            let doc = self.all_at_least(target);
            if doc == TERMINATED {
                return TERMINATED;
            }
            let positions = &mut self.positions;
            if !phrase_starts(&mut self.terms, positions, &mut self.starts, |_| true).is_empty() {
                return doc;
            }
            target = doc + 1;
        }
    }

    /// The first document from `target` on that has every term, with every postings on it.
    fn all_at_least(&mut self, mut target: DocId) -> DocId {
        'candidates: loop {
            for (_, postings) in &mut self.terms {
                let doc = if postings.doc() < target {
                    postings.seek(target)
                } else {
                    postings.doc()
                };
                if doc == TERMINATED {
                    return TERMINATED;
                }
                if doc > target {
                    target = doc;
                    continue 'candidates;
                }
            }
            return target;
        }
    }
}

impl DocSet for CrossFieldScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.match_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.match_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.terms
            .first()
            .map_or(0, |(_, postings)| postings.size_hint())
    }

    /// As tantivy's phrases: the documents to visit, ten for each position to check.
    fn cost(&self) -> u64 {
        u64::from(self.size_hint()) * 10 * self.terms.len() as u64
    }
}

impl Scorer for CrossFieldScorer {
    fn score(&mut self) -> Score {
        1.0
    }
}

/// Where a string starts in the document every one of its terms' postings is on, given as
/// terms at offsets from its start: among the places the first term allows and `keep`
/// accepts, those where every other term is at its offset (their positions are read only
/// while some start is left).
pub(crate) fn phrase_starts<'s>(
    terms: &mut [(i64, SegmentPostings)],
    positions: &mut Vec<u32>,
    starts: &'s mut Vec<i64>,
    keep: impl Fn(i64) -> bool,
) -> &'s [i64] {
    starts.clear();
    let Some(((first_offset, first), others)) = terms.split_first_mut() else {
        return starts;
    };
    positions.clear();
    first.positions(positions);
    let from_first = positions.iter().map(|&p| i64::from(p) - *first_offset);
    starts.extend(from_first.filter(|&start| keep(start)));
    for (offset, postings) in others {
        if starts.is_empty() {
            break;
        }
        positions.clear();
        postings.positions(positions);
        let positions = &*positions;
        starts.retain(|start| {
            u32::try_from(start + *offset).is_ok_and(|p| positions.binary_search(&p).is_ok())
        });
    }
    starts
}
