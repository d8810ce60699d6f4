//! The matches of a query with their features: one pass over each segment's matches, a
//! segment per thread when the query is costly.

use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocAddress, DocId, TERMINATED};

use super::positions::{NearPostings, TermPresence, near_share};
use super::{Candidate, Features, Ranked, score};
use crate::dates::Days;
use crate::error::Result;
use crate::index::view::{IndexView, SegmentView};
use crate::query::signals::Signals;

/// tantivy's estimate of the cost of a query (postings to walk, ten per phrase position to
/// check) from which segments are scored in parallel: 工会 is about 400,000 and takes 3 ms
/// alone, 习近平 工会 80,000.
const PARALLEL_COST: u64 = 100_000;

/// Every passage that `query` matches within `days`, with its features and score, in index
/// order.
pub(crate) fn collect(
    view: &IndexView,
    query: &dyn Query,
    signals: &Signals,
    days: Days,
) -> Result<Ranked> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(view.searcher()))?;
    let segments = view.segments();
    let mut scorers = Vec::with_capacity(segments.len());
    for segment in segments {
        scorers.push(weight.scorer(segment.reader(), 1.0)?);
    }
    let cost: u64 = scorers.iter().map(|scorer| scorer.cost()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let segments = segments.iter().zip(scorers).enumerate();
    let per_segment = |(ord, (segment, scorer))| {
        let mut found = Vec::new();
        collect_segment(ord as u32, segment, scorer, signals, days, &mut found).map(|()| found)
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
    Ok(score(candidates))
}

fn collect_segment(
    ord: u32,
    segment: &SegmentView,
    mut scorer: Box<dyn Scorer>,
    signals: &Signals,
    days: Days,
    candidates: &mut Vec<Candidate>,
) -> Result<()> {
    if scorer.doc() == TERMINATED {
        return Ok(());
    }
    let mut features = SegmentFeatures::open(segment, signals)?;
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if segment.is_alive(doc) && (days.is_all() || days.contain(segment.date(doc))) {
            let (article, features) = features.of(doc, scorer.score());
            candidates.push(Candidate {
                address: DocAddress::new(ord, doc),
                article,
                features,
                score: 0.0,
            });
        }
        doc = scorer.advance();
    }
    Ok(())
}

/// What the features of one segment's matches are read from.
struct SegmentFeatures<'a> {
    segment: &'a SegmentView,
    signals: &'a Signals,
    terms: Vec<TermPresence>,
    near: Vec<NearPostings>,
    /// Whether some term has words to find whole, and the word bounds of the passage.
    asks_words: bool,
    bounds: Vec<u64>,
    /// The last article met and how many terms its title holds: the passages of an article
    /// follow each other, so its title is looked up once.
    title_of: Option<(u64, usize)>,
}

impl<'a> SegmentFeatures<'a> {
    fn open(segment: &'a SegmentView, signals: &'a Signals) -> Result<SegmentFeatures<'a>> {
        let reader = segment.reader();
        let terms: Vec<TermPresence> = signals
            .terms
            .iter()
            .map(|t| TermPresence::new(t, reader))
            .collect::<Result<_>>()?;
        let near = signals
            .near
            .iter()
            .map(|pair| NearPostings::open(pair, reader))
            .collect::<Result<_>>()?;
        Ok(SegmentFeatures {
            segment,
            signals,
            asks_words: terms.iter().any(TermPresence::asks_words),
            terms,
            near,
            bounds: Vec::new(),
            title_of: None,
        })
    }

    /// How many of the query's terms the title of the article `article` holds.
    fn title_terms(&mut self, article: u64) -> usize {
        match self.title_of {
            Some((key, title)) if key == article => title,
            _ => {
                let terms = self.signals.terms.iter();
                let title = terms
                    .filter(|t| t.title_articles.contains(&article))
                    .count();
                self.title_of = Some((article, title));
                title
            }
        }
    }

    /// The article of the matching passage `doc` and the passage's features; `bm25` is its
    /// BM25 score.
    fn of(&mut self, doc: DocId, bm25: f32) -> (u64, Features) {
        let article = self.segment.article_key(doc).unwrap_or_default();
        let title = self.title_terms(article);
        let (chars, list_marks) = self.segment.shape(doc);
        if self.asks_words {
            self.segment.word_bounds(doc, &mut self.bounds);
        }
        let (mut typed, mut other_form, mut in_section) = (0, 0, 0);
        let (mut words, mut with_words) = (0.0, 0);
        for term in &mut self.terms {
            // A term that is one word, without synonyms, is there as typed wherever the
            // passage matches.
            if term.as_typed(doc) {
                typed += 1;
            } else if term.as_synonym(doc) {
                other_form += 1;
            }
            in_section += usize::from(term.in_section(doc));
            if let Some(share) = term.whole_words(doc, &self.bounds) {
                words += share;
                with_words += 1;
            }
        }
        let term_count = self.terms.len();
        let share = |count: usize| {
            if term_count == 0 {
                0.0
            } else {
                count as f32 / term_count as f32
            }
        };
        let features = Features {
            bm25,
            as_typed: if term_count == 0 { 1.0 } else { share(typed) },
            whole_words: if with_words == 0 {
                1.0
            } else {
                words / with_words as f32
            },
            synonym: share(other_form),
            title: share(title),
            section: share(in_section),
            near: near_share(&mut self.near, doc),
            article_matches: 0,
            chars,
            list_marks,
        };
        (article, features)
    }
}
