//! Hits → ranked hits: the score of a passage, from the evidence a reader uses.
//!
//! Every passage that matches the query is scored by one documented formula (README,
//! "Ranking"), as a sum of points:
//!
//! | part | points | evidence |
//! | --- | --- | --- |
//! | as typed | 100 × share of the terms found as typed | a term cut into words occurs whole |
//! | whole words | 8 × share of the words of each term (of its best form) that are words of the passage | 童工 the word, not 儿童工作 |
//! | synonym | 50 × share of the terms found, not as typed, but as a synonym | 全国总工会 for 全总 |
//! | text | 4 × BM25 ÷ the best BM25 among the matches | how much of the passage is about the terms |
//! | title | 4 × share of the terms in the article's title | the article is about the query |
//! | article | 2 × ln(1 + passages of the article that match, at most 10) | the story keeps to the topic |
//! | section | 2 × share of the terms in the section heading | the section is about it |
//! | near | 2 × share of the pairs of terms within 20 characters | the terms speak of one thing |
//! | list | −4 × enumeration marks per 100 characters ÷ 4, at most 4 | a list names and does not tell |
//! | short | −2 × (40 − characters) ÷ 40, under 40 characters | a caption, a name, a bare heading |
//!
//! The other parts span 30.8 points (from −6 to 24.8), so "as typed" and "synonym" make
//! tiers: passages with a term as typed always rank first, then those with one of its
//! synonyms as written, then those where its words stand apart. BM25 (tantivy's, over the
//! character grams of the text and the heading) is divided by the best of the query, so that
//! its weight is the same whatever the query's terms. A query with one term has no pair to
//! keep near: "near" then gives its full points to every passage, as "whole words" does for a
//! query without a word of two characters or more.
//!
//! The weights are round numbers chosen on the judged set in `../shared/eval`, from a broad
//! optimum rather than a peak: halving or doubling any one of them moves the mean nDCG@10 by
//! at most 0.03, most by less than 0.01 (`benches/relevance/`, README "Ranking").
//!
//! Everything is read from the index (postings and fast fields), never from the stored text,
//! so ranking costs one pass over the matches.

use serde::Serialize;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use crate::analysis::words::is_word_at;
use crate::dates::Days;
use crate::error::Result;
use crate::index::schema::{ArticleColumns, PerArticle, shape_parts};
use crate::query::build::{Grams, NEAR_CHARS, NearPair, Nested, Signals, TermSignals};

const AS_TYPED: f32 = 100.0;
const WHOLE_WORDS: f32 = 8.0;
const SYNONYM: f32 = 50.0;
const TEXT: f32 = 4.0;
const TITLE: f32 = 4.0;
const ARTICLE: f32 = 2.0;
/// More matching passages than this say nothing more about the article.
const ARTICLE_CAP: u32 = 10;
const SECTION: f32 = 2.0;
const NEAR: f32 = 2.0;
const LIST: f32 = 4.0;
/// Enumeration marks per 100 characters at which the list penalty is whole.
const LIST_DENSITY_CAP: f32 = 4.0;
const SHORT: f32 = 2.0;
/// Passages shorter than this many characters lose points.
const SHORT_CHARS: u32 = 40;

/// What is known of one matching passage, before it is scored.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// BM25 of the terms over the grams of the text and the section heading.
    pub bm25: f32,
    /// Shares of the query's terms (or words, or pairs of terms) with each property.
    pub as_typed: f32,
    pub whole_words: f32,
    /// Share of the terms found not as typed but as one of their synonyms, as written.
    pub synonym: f32,
    pub title: f32,
    pub section: f32,
    pub near: f32,
    /// Passages of the same article that match the query, this one included.
    pub article_matches: u32,
    pub chars: u32,
    pub list_marks: u32,
}

/// A matching passage with its features and, once scored, its score.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub address: DocAddress,
    pub article: u64,
    pub features: Features,
    pub score: f32,
}

/// One part of a score: the value it was computed from and the points it gives.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Part {
    pub value: f32,
    pub points: f32,
}

/// The parts of a passage's score; they add up to the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Explanation {
    pub as_typed: Part,
    pub whole_words: Part,
    pub synonym: Part,
    /// `value` is the BM25 score; the points are its share of the query's best.
    pub text: Part,
    pub title: Part,
    /// `value` is the number of the article's passages that match.
    pub article: Part,
    pub section: Part,
    pub near: Part,
    /// `value` is the enumeration marks per 100 characters.
    pub list: Part,
    /// `value` is the length in characters.
    pub short: Part,
}

impl Explanation {
    /// The parts with their names, in the order they are documented.
    pub fn parts(&self) -> [(&'static str, Part); 10] {
        [
            ("as typed", self.as_typed),
            ("whole words", self.whole_words),
            ("synonym", self.synonym),
            ("text", self.text),
            ("title", self.title),
            ("article", self.article),
            ("section", self.section),
            ("near", self.near),
            ("list", self.list),
            ("short", self.short),
        ]
    }

    pub fn total(&self) -> f32 {
        self.parts().iter().map(|(_, part)| part.points).sum()
    }
}

/// Scores a passage; `best_bm25` is the highest BM25 among the query's matches.
pub fn explain(features: &Features, best_bm25: f32) -> Explanation {
    let share = |value: f32, weight: f32| Part {
        value,
        points: weight * value,
    };
    let list_density = if features.chars == 0 {
        0.0
    } else {
        features.list_marks as f32 * 100.0 / features.chars as f32
    };
    let text_share = if best_bm25 > 0.0 {
        features.bm25 / best_bm25
    } else {
        0.0
    };
    Explanation {
        as_typed: share(features.as_typed, AS_TYPED),
        whole_words: share(features.whole_words, WHOLE_WORDS),
        synonym: share(features.synonym, SYNONYM),
        text: Part {
            value: features.bm25,
            points: TEXT * text_share,
        },
        title: share(features.title, TITLE),
        article: Part {
            value: features.article_matches as f32,
            points: ARTICLE * (1.0 + features.article_matches.min(ARTICLE_CAP) as f32).ln(),
        },
        section: share(features.section, SECTION),
        near: share(features.near, NEAR),
        list: Part {
            value: list_density,
            points: penalty(LIST * list_density.min(LIST_DENSITY_CAP) / LIST_DENSITY_CAP),
        },
        short: Part {
            value: features.chars as f32,
            points: penalty(
                SHORT * SHORT_CHARS.saturating_sub(features.chars) as f32 / SHORT_CHARS as f32,
            ),
        },
    }
}

/// Points taken off, as a negative number (and 0, not −0, when nothing is taken).
fn penalty(points: f32) -> f32 {
    if points > 0.0 { -points } else { 0.0 }
}

/// A string's grams at their offsets in one segment, with their positions, to find where the
/// string is in a document; the buffers are kept from one document to the next.
struct GramPostings {
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
struct NearPostings(Option<(GramPostings, GramPostings)>);

impl NearPostings {
    fn open(pair: &NearPair, reader: &SegmentReader) -> Result<NearPostings> {
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
fn near_share(near: &mut [NearPostings], doc: DocId) -> f32 {
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
struct TermPresence {
    literal: Option<AnyOf>,
    synonym: Option<AnyOf>,
    words: Vec<Vec<WordPostings>>,
    section: AnyOf,
    nested: Option<NestedPostings>,
}

impl TermPresence {
    fn new(signals: &TermSignals, reader: &SegmentReader) -> Result<TermPresence> {
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
    fn as_typed(&mut self, doc: DocId) -> bool {
        self.literal.as_mut().is_none_or(|p| p.at(doc))
            && !self
                .nested
                .as_mut()
                .is_some_and(|n| n.only_inside_longer(doc))
    }

    /// The share of the words of the form that has most of its words as words of `doc`, or
    /// `None` when no form has a word to ask about.
    fn whole_words(&mut self, doc: DocId, bounds: &[u64]) -> Option<f32> {
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

/// Every passage that `query` matches, with its features and score, in index order.
pub fn collect(
    searcher: &Searcher,
    query: &dyn Query,
    signals: &Signals,
    days: Days,
) -> Result<Vec<Candidate>> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let readers = searcher.segment_readers();
    let mut scorers = Vec::with_capacity(readers.len());
    for reader in readers {
        scorers.push(weight.scorer(reader, 1.0)?);
    }
    let cost: u64 = scorers.iter().map(|scorer| scorer.cost()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let segments = readers.iter().zip(scorers).enumerate();
    let per_segment = |(ord, (reader, scorer))| {
        let mut found = Vec::new();
        collect_segment(ord as u32, reader, scorer, signals, days, &mut found).map(|()| found)
    };
    // A costly query is scored a segment per thread (a phrase of common characters reads many
    // positions); starting threads would cost a cheap one more than it saves.
    let parts: Vec<Result<Vec<Candidate>>> = if cost >= PARALLEL_COST && threads > 1 {
        std::thread::scope(|scope| {
            let running: Vec<_> = segments
                .map(|segment| scope.spawn(move || per_segment(segment)))
                .collect();
            running
                .into_iter()
                .map(|thread| thread.join().expect("scoring a segment does not panic"))
                .collect()
        })
    } else {
        segments.map(per_segment).collect()
    };
    let mut candidates = Vec::new();
    for part in parts {
        candidates.extend(part?);
    }
    score(&mut candidates);
    Ok(candidates)
}

/// tantivy's estimate of the cost of a query (postings to walk, ten per phrase position to
/// check) from which segments are scored in parallel: 工会 is about 400,000 and takes 3 ms
/// alone, 习近平 工会 80,000.
const PARALLEL_COST: u64 = 100_000;

fn collect_segment(
    ord: u32,
    reader: &SegmentReader,
    mut scorer: Box<dyn Scorer>,
    signals: &Signals,
    days: Days,
    candidates: &mut Vec<Candidate>,
) -> Result<()> {
    if scorer.doc() == TERMINATED {
        return Ok(());
    }
    let mut terms: Vec<TermPresence> = signals
        .terms
        .iter()
        .map(|t| TermPresence::new(t, reader))
        .collect::<Result<_>>()?;
    let mut near: Vec<NearPostings> = signals
        .near
        .iter()
        .map(|pair| NearPostings::open(pair, reader))
        .collect::<Result<_>>()?;
    let term_count = terms.len();
    let share = |count: usize| {
        if term_count == 0 {
            0.0
        } else {
            count as f32 / term_count as f32
        }
    };

    let fast = reader.fast_fields();
    let articles = ArticleColumns::open(reader)?;
    let shape = fast.u64("shape")?;
    let word_bounds = fast.u64("word_bounds")?;
    let asks_words = terms.iter().any(|t| t.words.iter().any(|f| !f.is_empty()));
    let mut bounds = Vec::new();
    let alive = reader.alive_bitset();
    let dates = match days.is_all() {
        true => None,
        false => fast.date("date").ok(),
    };
    let within = |doc| days.is_all() || days.contain(dates.as_ref().and_then(|c| c.first(doc)));
    // The passages of an article follow each other: its title is looked up once.
    let mut title_of: Option<(u64, usize)> = None;
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) && within(doc) {
            let article = articles.key(doc).unwrap_or_default();
            let title = match title_of {
                Some((key, title)) if key == article => title,
                _ => {
                    let title = signals
                        .terms
                        .iter()
                        .filter(|t| t.title_articles.contains(&article))
                        .count();
                    title_of = Some((article, title));
                    title
                }
            };
            let (chars, list_marks) = shape_parts(shape.first(doc).unwrap_or_default());
            let (mut typed, mut other_form, mut in_section) = (0, 0, 0);
            let (mut words, mut with_words) = (0.0, 0);
            if asks_words {
                bounds.clear();
                bounds.extend(word_bounds.values_for_doc(doc));
            }
            for term in &mut terms {
                // A term that is one word, without synonyms, is there as typed wherever the
                // passage matches.
                if term.as_typed(doc) {
                    typed += 1;
                } else if term.synonym.as_mut().is_some_and(|p| p.at(doc)) {
                    other_form += 1;
                }
                in_section += usize::from(term.section.at(doc));
                if let Some(share) = term.whole_words(doc, &bounds) {
                    words += share;
                    with_words += 1;
                }
            }
            candidates.push(Candidate {
                address: DocAddress::new(ord, doc),
                article,
                features: Features {
                    bm25: scorer.score(),
                    as_typed: if term_count == 0 { 1.0 } else { share(typed) },
                    whole_words: if with_words == 0 {
                        1.0
                    } else {
                        words / with_words as f32
                    },
                    synonym: share(other_form),
                    title: share(title),
                    section: share(in_section),
                    near: near_share(&mut near, doc),
                    article_matches: 0,
                    chars,
                    list_marks,
                },
                score: 0.0,
            });
        }
        doc = scorer.advance();
    }
    Ok(())
}

/// Fills in what depends on all the matches (the best BM25, the matches per article) and the
/// scores.
fn score(candidates: &mut [Candidate]) {
    // Candidates come in index order, where an article's passages follow each other: counted
    // by runs, an article costs one map entry, not one per passage.
    let mut per_article: PerArticle<u32> =
        PerArticle::with_capacity_and_hasher(candidates.len().min(1 << 16), Default::default());
    let mut best = 0.0f32;
    for run in candidates.chunk_by(|a, b| a.article == b.article) {
        *per_article.entry(run[0].article).or_default() += run.len() as u32;
        best = best.max(run.iter().map(|c| c.features.bm25).fold(0.0, f32::max));
    }
    for run in candidates.chunk_by_mut(|a, b| a.article == b.article) {
        let matches = per_article.get(&run[0].article).copied().unwrap_or(1);
        for c in run {
            c.features.article_matches = matches;
            c.score = explain(&c.features, best).total();
        }
    }
}

/// The best BM25 among candidates, for explaining their scores.
pub fn best_bm25(candidates: &[Candidate]) -> f32 {
    candidates
        .iter()
        .map(|c| c.features.bm25)
        .fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> Features {
        Features {
            bm25: 10.0,
            as_typed: 1.0,
            whole_words: 1.0,
            article_matches: 1,
            chars: 100,
            ..Features::default()
        }
    }

    #[test]
    fn tiers_outweigh_everything_else() {
        let apart = Features {
            as_typed: 0.0,
            title: 1.0,
            section: 1.0,
            near: 1.0,
            article_matches: 50,
            ..features()
        };
        let typed = Features {
            whole_words: 0.0,
            bm25: 1.0,
            chars: 5,
            list_marks: 5,
            ..features()
        };
        assert!(explain(&typed, 10.0).total() > explain(&apart, 10.0).total());
        let synonym = Features {
            as_typed: 0.0,
            synonym: 1.0,
            ..typed
        };
        let best_synonym = Features {
            as_typed: 0.0,
            synonym: 1.0,
            ..apart
        };
        assert!(explain(&typed, 10.0).total() > explain(&best_synonym, 10.0).total());
        assert!(explain(&synonym, 10.0).total() > explain(&apart, 10.0).total());
    }

    #[test]
    fn lists_and_short_lines_lose_points() {
        let report = explain(&features(), 10.0);
        let list = explain(
            &Features {
                list_marks: 4,
                ..features()
            },
            10.0,
        );
        let caption = explain(
            &Features {
                chars: 12,
                ..features()
            },
            10.0,
        );
        assert!(list.total() < report.total() && caption.total() < report.total());
        assert_eq!(list.list.points, -4.0);
        assert!((caption.short.points + 1.4).abs() < 1e-6);
    }

    #[test]
    fn parts_add_up() {
        let e = explain(&features(), 20.0);
        assert!((e.total() - (100.0 + 8.0 + 2.0 + 2.0 * 2f32.ln())).abs() < 1e-5);
    }
}
