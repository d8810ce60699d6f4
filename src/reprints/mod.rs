//! Reprints: the same story run again, in another paper or on another day, usually with a new
//! headline, a paragraph trimmed or an editor's note added.
//!
//! An article's body is normalised (as for search, then only letters and digits kept, so
//! punctuation and spacing do not count) and cut into overlapping shingles of
//! [`SHINGLE_CHARS`] characters. A one-permutation MinHash [`Signature`] sketches the set of
//! shingles: each shingle's hash picks one of [`BINS`] bins, and a bin keeps a 16-bit
//! fingerprint of its smallest shingle. The share of bins two signatures agree on estimates
//! the Jaccard similarity of their shingles, and with the numbers of shingles, the share of
//! the shorter article found in the longer one (its containment). Two articles are reprints
//! of each other when that share is at least [`THRESHOLD`] (see [`Signature::reprint_of`]
//! for the other conditions): a copy with a paragraph dropped or a note added is still mostly
//! inside the original, while different stories written to the same template (daily figures,
//! state visits, disciplinary notices) differ in names and numbers all along and share less.
//!
//! Every article gets a story: when it is indexed, the signatures of the articles already in
//! the index that share a band with it ([`BAND_BINS`] bins each, over the first
//! [`BANDED_BINS`] bins) are checked, and it joins the story of the closest reprint, or starts
//! its own. The story is stored as a fast field on the article's document and its passages
//! and indexed on the article's, and the signature on the article's document (to be read by
//! the next run).
//! Search collapses by story and lists a story's other articles by looking its term up. So a
//! reprint that arrives later joins its story, and an article that is removed (pruned, or
//! replaced by another text) simply leaves it, while its copies stay together.

mod finder;
mod signature;
mod stories;

use std::collections::HashMap;

pub(crate) use finder::Finder;
pub use signature::Signature;
pub(crate) use stories::Stories;

use serde::Serialize;
use tantivy::{DateTime, Term};

use crate::error::Result;
use crate::index::schema::{KIND_ARTICLE, article_key};
use crate::index::view::{IndexView, StoredArticle};

/// Characters per shingle. Measured on the news corpus, longer shingles set templated
/// stories further apart than they set edited copies (an edit changes only the shingles
/// across its two ends, a template's every name and number changes all the shingles over it):
/// 5 characters leave same-topic stories up to 0.79 contained in each other, 10 up to 0.64,
/// while copies with a paragraph dropped and a sentence added stay above 0.72 in 99 of 100.
pub const SHINGLE_CHARS: usize = 10;
/// Bins of the signature: the estimate's standard error is about 0.04 for long bodies.
pub const BINS: usize = 128;
/// Bins per band, and the bins that are banded: two articles sharing one band are compared.
/// Bands of two catch pairs of Jaccard similarity 0.3 nineteen times in twenty.
pub const BAND_BINS: usize = 2;
pub const BANDED_BINS: usize = 64;
/// Estimated containment of the shorter article in the longer from which two articles are
/// reprints (see `tests/reprints.rs` for what it gives).
pub const THRESHOLD: f64 = 0.7;
/// In short bodies a template's few changed words (a title, a province) weigh as much as an
/// edit: when the shorter has fewer shingles than this, the two must be near copies.
pub const SHORT_SHINGLES: u32 = 100;
pub const SHORT_THRESHOLD: f64 = 0.9;
/// Least estimated Jaccard similarity of reprints. Containment is estimated from it and the
/// sizes, which magnifies its error when one body is many times the other: a short item
/// does not become a reprint of a long roundup by chance.
pub const MIN_JACCARD: f64 = 0.25;
/// Most days between two dated reprints. A paper reprints a story within days; the same
/// template a year on (an anniversary, the next session of a congress) is another story.
pub const MAX_DAYS: i64 = 30;
/// An article's paragraphs normalised (as indexing reads them, once for both) and its
/// signature.
pub(crate) fn normalized_and_signed(article: &crate::Article) -> (Vec<String>, Option<Signature>) {
    let texts: Vec<String> = article
        .passages
        .iter()
        .map(|p| crate::analysis::normalize(&p.text))
        .collect();
    let signature = Signature::of(texts.iter().map(String::as_str));
    (texts, signature)
}

/// Another copy of a hit's article, as shown with the hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reprint {
    /// The copy's article id.
    pub id: String,
    /// Where it ran.
    pub source: String,
    /// When, `YYYY-MM-DD` or empty.
    pub date: String,
    /// Its headline there.
    pub title: String,
}

impl From<StoredArticle> for Reprint {
    fn from(article: StoredArticle) -> Reprint {
        Reprint {
            id: article.id,
            source: article.source,
            date: article.date,
            title: article.title,
        }
    }
}

/// Calls `f` with the signature, story and date of every article of `view` that has a
/// signature, in index order.
fn for_each_signature(
    view: &IndexView,
    mut f: impl FnMut(&[u8], u64, Option<DateTime>) -> Result<()>,
) -> Result<()> {
    let mut bytes = Vec::new();
    let mut failed = None;
    view.for_each_of_kind(KIND_ARTICLE, |segment, doc| {
        if failed.is_some() {
            return;
        }
        let read =
            segment
                .signature(doc, &mut bytes)
                .and_then(|has| match (has, segment.story(doc)) {
                    (true, Some(story)) => f(&bytes, story, segment.date(doc)),
                    _ => Ok(()),
                });
        failed = read.err();
    })?;
    failed.map_or(Ok(()), Err)
}

/// Reprint groups in an index: stories with more than one article.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct GroupCounts {
    /// Stories of two or more articles.
    pub groups: usize,
    /// Articles in those stories.
    pub articles: usize,
}

/// Counts the reprint groups of `view`.
pub(crate) fn groups(view: &IndexView) -> Result<GroupCounts> {
    let mut sizes: HashMap<u64, usize> = HashMap::new();
    for_each_signature(view, |_, story, _| {
        *sizes.entry(story).or_default() += 1;
        Ok(())
    })?;
    let groups: Vec<usize> = sizes.into_values().filter(|&n| n > 1).collect();
    Ok(GroupCounts {
        groups: groups.len(),
        articles: groups.iter().sum(),
    })
}

/// The other copies of the article with this id, oldest first.
pub(crate) fn of_article(view: &IndexView, article_id: &str) -> Result<Vec<Reprint>> {
    let term = Term::from_field_u64(view.fields().article_key, article_key(article_id));
    let first = view.docs_with(&term)?.first().copied();
    match first {
        Some(address) => Finder::new(view.clone()).reprints_of(address),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(text: &str) -> Signature {
        Signature::of(
            text.split('\n')
                .map(crate::analysis::normalize)
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        )
        .unwrap()
    }

    const STORY: &str = "十月二十七日晚，市总工会发布志愿者招募令，开通报名渠道以来，先后有四百多名职工踊跃报名请战。\n在市总工会志愿者招募群中，大家或急切地询问，或表达勇上一线的决心。\n像这样的平凡小事，正在每一个职工志愿者的身上上演，他们说这里是我们的家园。";

    #[test]
    fn punctuation_and_spacing_do_not_count() {
        let edited = STORY.replace('，', ",").replace('。', ". ");
        assert_eq!(signature(STORY), signature(&edited));
    }

    #[test]
    fn bytes_round_trip() {
        let s = signature(STORY);
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(b"short"), None);
    }

    #[test]
    fn an_edited_copy_is_a_reprint_and_another_story_is_not() {
        let copy = format!("{STORY}（编者按：本文有删节。）");
        assert!(signature(STORY).reprint_of(&signature(&copy)).is_some());
        let other = "市总工会今天召开全委会议，审议通过了年度工作报告，会议由工会主席主持，各区县工会负责人参加会议并作交流发言。";
        assert!(signature(STORY).reprint_of(&signature(other)).is_none());
        assert!(signature(STORY).bands().count() > 0);
    }

    #[test]
    fn short_bodies_are_reprints_only_when_the_same() {
        assert!(
            signature("志愿者在行动。")
                .reprint_of(&signature("志愿者在行动！"))
                .is_some()
        );
        assert!(
            signature("志愿者在行动。")
                .reprint_of(&signature("工会在行动。"))
                .is_none()
        );
        assert_eq!(signature("短讯").bands().count(), BANDED_BINS / BAND_BINS);
        assert_eq!(Signature::of(["……"]), None);
    }

    #[test]
    fn a_story_takes_reprints_within_days_and_not_a_year_on() -> Result<()> {
        let dir = tempfile::tempdir().unwrap();
        let mut stories = Stories::new(dir.path())?;
        let copy = || Some(signature(STORY));
        let first = stories.assign("a", copy(), Some(100))?;
        assert_eq!(stories.assign("b", copy(), Some(102))?, first);
        let year_on = stories.assign("c", copy(), Some(100 + 365))?;
        assert_ne!(year_on, first);
        // Without a date, nothing rules a copy out.
        assert!([first, year_on].contains(&stories.assign("d", copy(), None)?));
        assert_eq!(
            stories.assign("e", None, Some(100))?,
            crate::index::schema::article_key("e")
        );
        Ok(())
    }
}
