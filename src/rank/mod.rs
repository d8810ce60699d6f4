//! Hits → ranked hits: the score of a passage, from the evidence a reader uses.
//!
//! Every passage that matches the query is scored by one documented formula (README,
//! "Ranking"), as a sum of points:
//!
//! | part | points | evidence |
//! | --- | --- | --- |
//! | as typed | 100 × share of the terms found as typed | a term cut into words occurs whole |
//! | synonym | 50 × share of the terms found, not as typed, but as a synonym | 全国总工会 for 全总 |
//! | text | 8 × BM25 ÷ the best BM25 among the matches | how much of the passage is about the terms |
//! | whole words | 10 × share of the words of each term (of its best form) that are words of the passage | 童工 the word, not 儿童工作 |
//! | title | 3 × share of the terms in the article's title | the article is about the query |
//! | article | 2 × ln(1 + passages of the article that match, at most 10) | the story keeps to the topic |
//! | section | 4 × share of the terms in the section heading | the section is about it |
//! | near | 2 × share of the pairs of terms within 20 characters | the terms speak of one thing |
//! | list | −2 × enumeration marks per 100 characters ÷ 4, at most 4 | a list names and does not tell |
//! | short | −8 × (40 − characters) ÷ 40, under 40 characters | a caption, a name, a bare heading |
//!
//! BM25 ([`bm25`]) is over each term's occurrences in the passage text as written (typed or
//! as a synonym), with k1 = [`K1`] and b = [`B`] for paragraphs, and divided by the best of
//! the query, so that its weight is the same whatever the query's terms. The other parts span
//! 41.8 points (from −10 to 31.8), so "as typed" and "synonym" make tiers: passages with a
//! term as typed always rank first, then those with one of its synonyms as written, then those
//! where its words stand apart. A query with one term has no pair to keep near: "near" then
//! gives its full points to every passage, as "whole words" does for a query without a word of
//! two characters or more.
//!
//! The weights below the tiers are fitted to the judged queries of `../shared/eval` with
//! cross-validation across queries (`benches/relevance/fit.py`, README "Ranking").
//!
//! Everything is read from the index (postings, positions and fast fields), never from the
//! stored text, so ranking costs one pass over the matches.

mod cache;
mod collect;
mod positions;

pub(crate) use cache::{RankedCache, Ranking, RankingKey};
pub(crate) use collect::{collect, refine, statistics, unscored};

use serde::Serialize;
use tantivy::DocAddress;

use crate::index::schema::PerArticle;

/// Points of the tiers: a term as typed ranks before its synonyms, before its words apart.
const AS_TYPED: f32 = 100.0;
const SYNONYM: f32 = 50.0;

/// BM25's term-frequency saturation and length normalisation, for passages.
pub(crate) const K1: f32 = 1.2;
pub(crate) const B: f32 = 0.5;

/// The weight of each part below the tiers, fitted by `benches/relevance/fit.py` to the 96
/// judged queries (README, "Ranking"); their span (41.8 points) stays below the 50 between
/// tiers.
struct Weights {
    text: f32,
    whole_words: f32,
    title: f32,
    article: f32,
    section: f32,
    near: f32,
    list: f32,
    short: f32,
}

const WEIGHTS: Weights = Weights {
    text: 8.0,
    whole_words: 10.0,
    title: 3.0,
    article: 2.0,
    section: 4.0,
    near: 2.0,
    list: -2.0,
    short: -8.0,
};

// A passage whose positions are not read yet is scored with whole words and near at their
// highest (see `refine`), which is the most it can score only while their weights add.
const _: () = assert!(WEIGHTS.whole_words >= 0.0 && WEIGHTS.near >= 0.0);

/// More matching passages than this say nothing more about the article.
const ARTICLE_CAP: u32 = 10;
/// Enumeration marks per 100 characters at which the list penalty is whole.
const LIST_DENSITY_CAP: f32 = 4.0;
/// Passages shorter than this many characters lose points.
const SHORT_CHARS: u32 = 40;

/// What is known of one matching passage, before it is scored.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// BM25 of the query's terms (their occurrences as written) over the passage text.
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
    /// The score, or while not `exact`, the highest it can be (see [`refine`]).
    pub score: f32,
    /// Whether the features read from positions are read; else they are at their highest.
    pub exact: bool,
}

/// One part of a score: the value it was computed from and the points it gives.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Part {
    /// What the part was computed from.
    pub value: f32,
    /// The points it gives (negative for a penalty).
    pub points: f32,
}

/// The parts of a passage's score; they add up to the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Explanation {
    /// The terms found as typed.
    pub as_typed: Part,
    /// The terms' words that are words of the passage.
    pub whole_words: Part,
    /// The terms found as a synonym.
    pub synonym: Part,
    /// `value` is the BM25 of the terms; the points are its share of the query's best.
    pub text: Part,
    /// The terms in the article's title.
    pub title: Part,
    /// `value` is the number of the article's passages that match.
    pub article: Part,
    /// The terms in the section heading.
    pub section: Part,
    /// The pairs of terms near each other.
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

    /// The score: the sum of the parts' points.
    pub fn total(&self) -> f32 {
        self.parts().iter().map(|(_, part)| part.points).sum()
    }
}

/// `value` as a share of `best` (0 when nothing scored).
fn share_of(value: f32, best: f32) -> f32 {
    if best > 0.0 { value / best } else { 0.0 }
}

/// Scores a passage; `best_bm25` is the highest BM25 among the query's matches.
pub(crate) fn explain(features: &Features, best_bm25: f32) -> Explanation {
    let w = &WEIGHTS;
    let share = |value: f32, weight: f32| Part {
        value,
        points: weight * value,
    };
    let list_density = if features.chars == 0 {
        0.0
    } else {
        features.list_marks as f32 * 100.0 / features.chars as f32
    };
    Explanation {
        as_typed: share(features.as_typed, AS_TYPED),
        whole_words: share(features.whole_words, w.whole_words),
        synonym: share(features.synonym, SYNONYM),
        text: Part {
            value: features.bm25,
            points: w.text * share_of(features.bm25, best_bm25),
        },
        title: share(features.title, w.title),
        article: Part {
            value: features.article_matches as f32,
            points: w.article * (1.0 + features.article_matches.min(ARTICLE_CAP) as f32).ln(),
        },
        section: share(features.section, w.section),
        near: share(features.near, w.near),
        list: Part {
            value: list_density,
            points: penalty(-w.list * list_density.min(LIST_DENSITY_CAP) / LIST_DENSITY_CAP),
        },
        short: Part {
            value: features.chars as f32,
            points: penalty(
                -w.short * SHORT_CHARS.saturating_sub(features.chars) as f32 / SHORT_CHARS as f32,
            ),
        },
    }
}

/// Points taken off, as a negative number (and 0, not −0, when nothing is taken).
fn penalty(points: f32) -> f32 {
    if points > 0.0 { -points } else { 0.0 }
}

/// BM25 of a string found `tf` times in a passage of `len` grams, where passages have
/// `average_len` grams on average; `idf` is the string's inverse document frequency.
pub(crate) fn bm25(idf: f32, tf: u32, len: u32, average_len: f32) -> f32 {
    if tf == 0 {
        return 0.0;
    }
    let tf = tf as f32;
    let norm = K1 * (1.0 - B + B * len as f32 / average_len.max(1.0));
    idf * tf * (K1 + 1.0) / (tf + norm)
}

/// The inverse document frequency of a term found in `doc_freq` of `docs` passages (BM25's).
pub(crate) fn idf(doc_freq: u64, docs: u64) -> f32 {
    let (df, n) = (doc_freq as f32, docs as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The matches of a query, scored, in index order, with the best BM25 among them (which
/// their scores are relative to, and explanations need again).
pub(crate) struct Ranked {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) best_bm25: f32,
}

/// Fills in what depends on all the matches (the best BM25, the matches per article) and the
/// scores.
fn score(mut candidates: Vec<Candidate>) -> Ranked {
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
    Ranked {
        candidates,
        best_bm25: best,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEST: f32 = 10.0;

    fn features() -> Features {
        Features {
            bm25: 5.0,
            as_typed: 1.0,
            whole_words: 1.0,
            article_matches: 1,
            chars: 100,
            ..Features::default()
        }
    }

    /// Every part but the tiers at its best.
    fn best_apart() -> Features {
        Features {
            as_typed: 0.0,
            bm25: 10.0,
            title: 1.0,
            section: 1.0,
            near: 1.0,
            article_matches: 50,
            ..features()
        }
    }

    /// Every part but the tiers at its worst.
    fn worst_typed() -> Features {
        Features {
            bm25: 0.0,
            whole_words: 0.0,
            article_matches: 1,
            chars: 5,
            list_marks: 5,
            ..features()
        }
    }

    #[test]
    fn tiers_outweigh_everything_else() {
        let (typed, apart) = (worst_typed(), best_apart());
        assert!(explain(&typed, BEST).total() > explain(&apart, BEST).total());
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
        assert!(explain(&typed, BEST).total() > explain(&best_synonym, BEST).total());
        assert!(explain(&synonym, BEST).total() > explain(&apart, BEST).total());
    }

    #[test]
    fn lists_and_short_lines_lose_points() {
        let report = explain(&features(), BEST);
        let list = explain(
            &Features {
                list_marks: 4,
                ..features()
            },
            BEST,
        );
        let caption = explain(
            &Features {
                chars: 12,
                ..features()
            },
            BEST,
        );
        assert!(list.total() < report.total() && caption.total() < report.total());
        assert!(list.list.points < 0.0 && caption.short.points < 0.0);
        assert_eq!(report.list.points, 0.0);
    }

    #[test]
    fn parts_add_up_and_the_best_bm25_gives_the_whole_weight() {
        let e = explain(&best_apart(), BEST);
        let sum: f32 = e.parts().iter().map(|(_, part)| part.points).sum();
        assert!((e.total() - sum).abs() < 1e-5);
        assert!((e.text.points - WEIGHTS.text).abs() < 1e-6);
        assert_eq!(explain(&features(), 0.0).text.points, 0.0);
    }

    #[test]
    fn bm25_saturates_and_prefers_short_passages() {
        let average = 100.0;
        assert!(bm25(2.0, 2, 100, average) > bm25(2.0, 1, 100, average));
        assert!(bm25(2.0, 2, 100, average) < 2.0 * bm25(2.0, 1, 100, average));
        assert!(bm25(2.0, 1, 50, average) > bm25(2.0, 1, 200, average));
        assert_eq!(bm25(2.0, 0, 50, average), 0.0);
        assert!(idf(10, 1000) > idf(100, 1000));
    }
}
