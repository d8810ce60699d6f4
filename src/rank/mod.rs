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

mod collect;
mod positions;

pub(crate) use collect::collect;

use serde::Serialize;
use tantivy::DocAddress;

use crate::index::schema::PerArticle;

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
    /// `value` is the BM25 score; the points are its share of the query's best.
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
