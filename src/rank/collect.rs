//! The matches of a query with their features: one pass over each segment's matches, a
//! segment per thread when the query is costly.

use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocAddress, DocId, TERMINATED, Term};

use super::positions::{TermPresence, near};
use super::{Candidate, Features, Ranked, bm25, idf, score};
use crate::dates::Days;
use crate::error::Result;
use crate::index::schema::KIND_PASSAGE;
use crate::index::view::{IndexView, SegmentView};
use crate::query::signals::{Signals, TermSignals};
use crate::shards::Statistics;

/// tantivy's estimate of the cost of a query (postings to walk, ten per phrase position to
/// check) from which segments are scored in parallel: 中国, one term of pairs, is about
/// 71,000; a phrase of characters ten times the documents it checks.
const PARALLEL_COST: u64 = 10_000;

/// What BM25 needs of the whole collection for a query: the inverse document frequency of
/// each term as typed (the sum of its grams', as for a phrase) and the average length of a
/// passage in grams.
struct Rarity {
    terms: Vec<f32>,
    average_len: f32,
}

impl Rarity {
    fn of(statistics: &Statistics, signals: &Signals) -> Rarity {
        let passages = statistics.passages;
        let terms = signals
            .terms
            .iter()
            .map(|term| {
                let grams = term.typed_chars.iter();
                grams
                    .map(|(_, gram)| idf(statistics.doc_freq(gram), passages))
                    .sum()
            })
            .collect();
        Rarity {
            terms,
            average_len: statistics.grams as f32 / passages.max(1) as f32,
        }
    }
}

/// The figures of `view` that the scores of a query with these signals read.
pub(crate) fn statistics(view: &IndexView, signals: &Signals) -> Result<Statistics> {
    let searcher = view.searcher();
    let fields = view.fields();
    let mut statistics = Statistics {
        passages: searcher.doc_freq(&Term::from_field_text(fields.kind, KIND_PASSAGE))?,
        ..Statistics::default()
    };
    for term in &signals.terms {
        for (_, gram) in &term.typed_chars {
            if let Some(text) = gram.value().as_str() {
                let doc_freq = searcher.doc_freq(gram)?;
                statistics.doc_freqs.insert(text.to_string(), doc_freq);
            }
        }
    }
    for segment in view.segments() {
        statistics.grams += segment
            .reader()
            .inverted_index(fields.text.grams)?
            .total_num_tokens();
    }
    Ok(statistics)
}

/// Every passage that `query` matches within `days`, with its features and score, in index
/// order; BM25 reads the figures of the `collection` when given (a shard's search), else the
/// view's.
pub(crate) fn collect(
    view: &IndexView,
    query: &dyn Query,
    signals: &Signals,
    days: Days,
    collection: Option<&Statistics>,
) -> Result<Ranked> {
    // Matching only: the score is computed here, from the positions read for the signals.
    let weight = query.weight(EnableScoring::disabled_from_searcher(view.searcher()))?;
    let rarity = match collection {
        Some(given) => Rarity::of(given, signals),
        None => Rarity::of(&statistics(view, signals)?, signals),
    };
    let segments = view.segments();
    let mut scorers = Vec::with_capacity(segments.len());
    for segment in segments {
        scorers.push(weight.scorer(segment.reader(), 1.0)?);
    }
    let cost: u64 = scorers.iter().map(|scorer| scorer.cost()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let segments = segments.iter().zip(scorers).enumerate();
    let rarity = &rarity;
    let later_positions = positions_can_wait(signals);
    let per_segment = |(ord, (segment, scorer))| {
        let mut found = Vec::new();
        let features = SegmentFeatures::open(segment, signals, rarity, later_positions)?;
        collect_segment(ord as u32, segment, scorer, features, days, &mut found).map(|()| found)
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

/// Every passage that `query` matches within `days`, in index order, unscored (score 0,
/// features empty): for an order that does not read the score.
pub(crate) fn unscored(view: &IndexView, query: &dyn Query, days: Days) -> Result<Ranked> {
    let mut candidates = Vec::new();
    view.for_each_match(query, |segment, doc| {
        if days.contain(segment.date(doc)) {
            candidates.push(Candidate {
                address: segment.address(doc),
                article: segment.article_key(doc).unwrap_or_default(),
                features: Features::default(),
                score: 0.0,
                exact: true,
            });
        }
    })?;
    Ok(Ranked {
        candidates,
        best_bm25: 0.0,
    })
}

fn collect_segment(
    ord: u32,
    segment: &SegmentView,
    mut scorer: Box<dyn Scorer>,
    mut features: SegmentFeatures,
    days: Days,
    candidates: &mut Vec<Candidate>,
) -> Result<()> {
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if segment.is_alive(doc) && (days.is_all() || days.contain(segment.date(doc))) {
            let (article, features_of_doc) = features.of(doc);
            candidates.push(Candidate {
                address: DocAddress::new(ord, doc),
                article,
                features: features_of_doc,
                score: 0.0,
                exact: !features.later_positions,
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
    rarity: &'a Rarity,
    terms: Vec<TermPresence>,
    /// Whether some term has words to find whole, and the word bounds of the passage.
    asks_words: bool,
    bounds: Vec<u64>,
    /// The document of the last article met, its key and how many terms its title holds: the
    /// passages of an article follow each other, so each is looked up once.
    article_of: Option<(DocId, u64, usize)>,
    /// Whether the parts read from positions are left at their highest (see [`refine`]).
    later_positions: bool,
}

impl<'a> SegmentFeatures<'a> {
    fn open(
        segment: &'a SegmentView,
        signals: &'a Signals,
        rarity: &'a Rarity,
        later_positions: bool,
    ) -> Result<SegmentFeatures<'a>> {
        let reader = segment.reader();
        let terms: Vec<TermPresence> = signals
            .terms
            .iter()
            .map(|t| TermPresence::new(t, reader))
            .collect::<Result<_>>()?;
        Ok(SegmentFeatures {
            segment,
            signals,
            rarity,
            asks_words: terms.iter().any(TermPresence::asks_words),
            terms,
            bounds: Vec::new(),
            article_of: None,
            later_positions,
        })
    }

    /// The key of the article of `doc` and how many of the query's terms its title holds.
    fn article(&mut self, doc: DocId) -> (u64, usize) {
        let article_doc = self.segment.article_doc(doc);
        match self.article_of {
            Some((at, key, title)) if at == article_doc => (key, title),
            _ => {
                let key = self.segment.own_key(article_doc).unwrap_or_default();
                let ord = self.segment.ord();
                let terms = self.signals.terms.iter();
                let title = terms
                    .filter(|t| t.title_articles.contains(ord, article_doc))
                    .count();
                self.article_of = Some((article_doc, key, title));
                (key, title)
            }
        }
    }

    /// The share of the pairs of terms typed one after the other that stand near each other
    /// in `doc`; 1 for a query without a pair.
    fn near_share(&mut self, doc: DocId) -> f32 {
        let pairs = &self.signals.near;
        if pairs.is_empty() {
            return 1.0;
        }
        let mut count = 0;
        for &first in pairs {
            let (before, after) = self.terms.split_at_mut(first + 1);
            let first = before[first].typed_starts(doc);
            count += usize::from(near(first, after[0].typed_starts(doc)));
        }
        count as f32 / pairs.len() as f32
    }

    /// The article of the matching passage `doc` and the passage's features; with
    /// `later_positions`, the parts read from positions (whole words, near) are their highest,
    /// for [`refine`] to read when the passage may reach the page.
    fn of(&mut self, doc: DocId) -> (u64, Features) {
        let (article, title) = self.article(doc);
        let (chars, list_marks) = self.segment.shape(doc);
        let len = self.segment.text_length(doc);
        let (mut typed, mut other_form, mut in_section) = (0, 0, 0);
        let mut terms_bm25 = 0.0;
        let average_len = self.rarity.average_len;
        for (term, &idf) in self.terms.iter_mut().zip(&self.rarity.terms) {
            // A term that is one word, without synonyms, is there as typed wherever the
            // passage matches.
            if term.as_typed(doc) {
                typed += 1;
            } else if term.as_synonym(doc) {
                other_form += 1;
            }
            in_section += usize::from(term.in_section(doc));
            terms_bm25 += bm25(idf, term.occurrences(doc), len, average_len);
        }
        let term_count = self.terms.len();
        let share = |count: usize| {
            if term_count == 0 {
                0.0
            } else {
                count as f32 / term_count as f32
            }
        };
        let (whole_words, near) = match self.later_positions {
            true => (1.0, 1.0),
            false => self.position_parts(doc),
        };
        let features = Features {
            bm25: terms_bm25,
            as_typed: if term_count == 0 { 1.0 } else { share(typed) },
            whole_words,
            synonym: share(other_form),
            title: share(title),
            section: share(in_section),
            near,
            article_matches: 0,
            chars,
            list_marks,
        };
        (article, features)
    }

    /// The parts of `doc` read from positions and word bounds: the share of the terms' words
    /// that are words of the passage, and of the pairs of terms that stand near each other.
    fn position_parts(&mut self, doc: DocId) -> (f32, f32) {
        if self.asks_words {
            self.segment.word_bounds(doc, &mut self.bounds);
        }
        let (mut words, mut with_words) = (0.0, 0);
        for term in &mut self.terms {
            if let Some(share) = term.whole_words(doc, &self.bounds) {
                words += share;
                with_words += 1;
            }
        }
        let whole_words = if with_words == 0 {
            1.0
        } else {
            words / with_words as f32
        };
        (whole_words, self.near_share(doc))
    }
}

/// Whether the parts read from positions can wait until a passage may reach the page: when
/// everything else is read without positions (each term one index term as typed, without
/// synonyms: found as typed wherever it matches, as often as its term frequency) and some
/// part needs them.
fn positions_can_wait(signals: &Signals) -> bool {
    let one_term = |t: &TermSignals| {
        !t.literal
            && t.nested.is_none()
            && matches!(t.text_forms.as_slice(), [form] if form.len() == 1)
    };
    let needs_positions = !signals.near.is_empty()
        || signals
            .terms
            .iter()
            .any(|t| t.words.iter().any(|w| !w.is_empty()));
    needs_positions && signals.terms.iter().all(one_term)
}

/// The parts read from positions (whole words, near) of the passages at `addresses`, whose
/// features `collect` left at their highest; in the order of `addresses`.
pub(crate) fn refine(
    view: &IndexView,
    signals: &Signals,
    addresses: &[DocAddress],
) -> Result<Vec<(f32, f32)>> {
    // Only parts read from positions are kept: the view's figures do for BM25.
    let rarity = Rarity::of(&statistics(view, signals)?, signals);
    let mut order: Vec<usize> = (0..addresses.len()).collect();
    order.sort_unstable_by_key(|&i| addresses[i]);
    let mut parts = vec![(0.0, 0.0); addresses.len()];
    for run in order.chunk_by(|&a, &b| addresses[a].segment_ord == addresses[b].segment_ord) {
        let segment = &view.segments()[addresses[run[0]].segment_ord as usize];
        let mut features = SegmentFeatures::open(segment, signals, &rarity, false)?;
        for &i in run {
            parts[i] = features.position_parts(addresses[i].doc_id);
        }
    }
    Ok(parts)
}
