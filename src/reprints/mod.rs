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

mod stories;

use std::collections::HashMap;

pub(crate) use stories::Stories;

use serde::Serialize;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::Result;
use crate::index::Index;
use crate::index::schema::{ArticleColumns, Fields, PerArticle};
use crate::store::BulkStores;

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
/// A bin that no shingle fell into (fingerprints are never 0).
const EMPTY: u16 = 0;
/// Fingerprints are 12 bits: two of another article agree by chance once in 4,096, which
/// raises a similarity estimate of 0.3 by 0.0002 (its standard error is about 0.04), and two
/// bins fit in three bytes. Band keys, two bins, still tell 16 million values apart.
const FINGERPRINT_BITS: u16 = 0xFFF;

/// The MinHash sketch of an article's body, with its number of shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    bins: [u16; BINS],
    /// Which bins a shingle fell into (the others are filled by densification).
    filled: u128,
    shingles: u32,
}

/// MurmurHash3's 64-bit finaliser.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Multiplier of the rolling polynomial hash of a shingle (odd, so nothing is lost mod 2^64).
const ROLL: u64 = 0x100_0000_01b3;

/// Letters and digits: what a shingle is made of. Common Han characters, most of the text,
/// skip the Unicode tables.
fn is_kept(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric()
}

/// The low bits of a hash as a fingerprint, never [`EMPTY`].
fn fingerprint_of(h: u64) -> u16 {
    (h as u16 & FINGERPRINT_BITS).max(1)
}

/// Puts a shingle's hash in its bin: the top bits choose the bin, the middle ones rank, the
/// low ones are the fingerprint kept.
fn add_shingle(smallest: &mut [(u64, u16); BINS], h: u64) {
    let bin = (h >> 57) as usize;
    let rank = (h >> 16) & ((1 << 41) - 1);
    if rank < smallest[bin].0 {
        smallest[bin] = (rank, fingerprint_of(h));
    }
}

/// Estimated share of the shorter body's shingles that are in the longer one's, from the
/// Jaccard similarity and the sizes: the shared shingles are `J (|A| + |B|) / (1 + J)`.
fn containment(jaccard: f64, a: u32, b: u32) -> f64 {
    let (a, b) = (f64::from(a), f64::from(b));
    let shared = jaccard * (a + b) / (1.0 + jaccard);
    (shared / a.min(b)).min(1.0)
}

impl Signature {
    /// Longest stored form ([`Signature::to_bytes`]).
    pub const BYTES: usize = Signature::BYTES_FILLED + 16;
    /// Length of the stored form of a signature whose bins are all filled.
    pub const BYTES_FILLED: usize = BINS / 2 * 3 + 4;

    /// The signature of a body from its paragraphs normalised (as by
    /// [`crate::analysis::normalize()`], which indexing does anyway), or `None` when it has no
    /// letter or digit. A body shorter than a shingle is one shingle.
    pub fn of<'t>(normalized: impl IntoIterator<Item = &'t str>) -> Option<Signature> {
        // Per bin: the smallest rank seen, and the fingerprint of that shingle.
        let mut smallest = [(u64::MAX, EMPTY); BINS];
        // The last characters, and their polynomial hash: sum of c_i * ROLL^(age of c_i).
        let mut window = [0u64; SHINGLE_CHARS];
        let oldest_power = ROLL.wrapping_pow(SHINGLE_CHARS as u32 - 1);
        let mut rolling = 0u64;
        let mut seen = 0;
        let mut shingles = 0;
        let chars = normalized.into_iter().flat_map(str::chars);
        for c in chars.filter(|&c| is_kept(c)) {
            let slot = seen % SHINGLE_CHARS;
            let oldest = window[slot];
            window[slot] = u64::from(c);
            rolling = rolling
                .wrapping_sub(oldest.wrapping_mul(oldest_power))
                .wrapping_mul(ROLL)
                .wrapping_add(u64::from(c));
            seen += 1;
            if seen < SHINGLE_CHARS {
                continue;
            }
            shingles += 1;
            add_shingle(&mut smallest, mix(rolling));
        }
        if seen == 0 {
            return None;
        }
        if shingles == 0 {
            shingles = 1;
            add_shingle(&mut smallest, mix(rolling));
        }
        // Densification: an empty bin takes its fingerprint from the next bin that has one,
        // mixed with the distance, so that short bodies fill every bin alike.
        let filled = smallest.map(|(_, fingerprint)| fingerprint);
        let filled_bits = (0..BINS)
            .filter(|&i| filled[i] != EMPTY)
            .fold(0u128, |bits, i| bits | 1 << i);
        let mut bins = filled;
        for (i, bin) in bins.iter_mut().enumerate() {
            if *bin != EMPTY {
                continue;
            }
            let donor = (1..BINS)
                .map(|d| (d, filled[(i + d) % BINS]))
                .find(|&(_, f)| f != EMPTY);
            if let Some((distance, fingerprint)) = donor {
                *bin = fingerprint_of(mix(u64::from(fingerprint) << 16 | distance as u64));
            }
        }
        Some(Signature {
            bins,
            filled: filled_bits,
            shingles: u32::try_from(shingles).unwrap_or(u32::MAX),
        })
    }

    /// The signature as stored, little-endian: the bins, two in three bytes, the number of
    /// shingles as a `u32`, then the filled bins as a `u128` unless every bin is filled, as
    /// in most bodies.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.to_full_bytes();
        if self.filled == u128::MAX {
            bytes.truncate(Signature::BYTES_FILLED);
        }
        bytes
    }

    /// [`Signature::to_bytes`] with the filled bins always: [`Signature::BYTES`] long.
    pub fn to_full_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(Signature::BYTES);
        for pair in self.bins.chunks_exact(2) {
            let packed = u32::from(pair[0]) | u32::from(pair[1]) << 12;
            bytes.extend(&packed.to_le_bytes()[..3]);
        }
        bytes.extend(self.shingles.to_le_bytes());
        bytes.extend(self.filled.to_le_bytes());
        bytes
    }

    /// A stored signature; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != Signature::BYTES && bytes.len() != Signature::BYTES_FILLED {
            return None;
        }
        let (packed_bins, rest) = bytes.split_at(BINS / 2 * 3);
        let (count, filled) = rest.split_at(4);
        let mut bins = [EMPTY; BINS];
        for (pair, three) in bins.chunks_exact_mut(2).zip(packed_bins.chunks_exact(3)) {
            let packed = u32::from_le_bytes([three[0], three[1], three[2], 0]);
            pair[0] = (packed & 0xFFF) as u16;
            pair[1] = (packed >> 12) as u16;
        }
        Some(Signature {
            bins,
            filled: match filled {
                [] => u128::MAX,
                filled => u128::from_le_bytes(filled.try_into().ok()?),
            },
            shingles: u32::from_le_bytes(count.try_into().ok()?),
        })
    }

    /// The band keys, numbered so that equal bins in different bands do not meet.
    pub fn bands(&self) -> impl Iterator<Item = u64> + '_ {
        self.bins[..BANDED_BINS]
            .chunks_exact(BAND_BINS)
            .enumerate()
            .map(|(band, bins)| {
                let packed = bins
                    .iter()
                    .fold(band as u64, |acc, &b| acc << 16 | u64::from(b));
                mix(packed)
            })
    }

    /// Estimated Jaccard similarity: the share of agreeing bins among those a shingle of
    /// either fell into. Densified bins are left out: in a short body they repeat its few
    /// shingles, and counting them would make the estimate noisier than the shingles are.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        let used = self.filled | other.filled;
        let same = (0..BINS)
            .filter(|&i| used >> i & 1 == 1 && self.bins[i] == other.bins[i])
            .count();
        same as f64 / f64::from(used.count_ones().max(1))
    }

    /// The estimated containment when the two are reprints of each other, else `None`: the
    /// containment is at least [`THRESHOLD`] ([`SHORT_THRESHOLD`] when the shorter body has
    /// fewer than [`SHORT_SHINGLES`] shingles) and the Jaccard similarity at least
    /// [`MIN_JACCARD`]. Dates are checked by the caller ([`MAX_DAYS`]).
    pub fn reprint_of(&self, other: &Signature) -> Option<f64> {
        let jaccard = self.jaccard(other);
        let containment = containment(jaccard, self.shingles, other.shingles);
        let threshold = if self.shingles.min(other.shingles) < SHORT_SHINGLES {
            SHORT_THRESHOLD
        } else {
            THRESHOLD
        };
        (jaccard >= MIN_JACCARD && containment >= threshold).then_some(containment)
    }
}

/// Another copy of a hit's article, as shown with the hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reprint {
    pub id: String,
    pub source: String,
    pub date: String,
    pub title: String,
}

/// Days since 1970 of a date.
pub(crate) fn day_of(date: tantivy::DateTime) -> i64 {
    date.into_timestamp_secs().div_euclid(86_400)
}

/// The live documents of every segment holding a term.
fn docs_with(searcher: &Searcher, term: &Term) -> Result<Vec<DocAddress>> {
    let mut found = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let inverted = reader.inverted_index(term.field())?;
        let Some(mut postings) = inverted
            .read_postings(term, IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?
        else {
            continue;
        };
        let mut doc = tantivy::DocSet::doc(&postings);
        while doc != tantivy::TERMINATED {
            if !reader.is_deleted(doc) {
                found.push(DocAddress::new(ord as u32, doc));
            }
            doc = tantivy::DocSet::advance(&mut postings);
        }
    }
    Ok(found)
}

fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Finds the other copies of the articles of hits, remembering each story's.
pub(crate) struct Finder {
    searcher: Searcher,
    fields: Fields,
    /// Per segment, the way to an article's key and story, opened once.
    columns: Vec<Option<ArticleColumns>>,
    /// Per story: its articles, as (article key, copy), oldest first.
    stories: HashMap<u64, Vec<(u64, Reprint)>>,
    /// Per story, the article shown (stories are article keys, hashes already).
    shown: PerArticle<u64>,
    /// Reads articles when many hits are read (see [`BulkStores`]).
    bulk: Option<BulkStores>,
}

impl Finder {
    pub(crate) fn new(searcher: &Searcher, fields: &Fields) -> Finder {
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|reader| ArticleColumns::open(reader).ok())
            .collect();
        Finder {
            searcher: searcher.clone(),
            fields: *fields,
            columns,
            stories: HashMap::new(),
            shown: PerArticle::default(),
            bulk: None,
        }
    }

    /// The article key and story of the document at `address`.
    fn keys(&self, address: DocAddress) -> Option<(u64, u64)> {
        let articles = self.columns.get(address.segment_ord as usize)?.as_ref()?;
        Some((
            articles.key(address.doc_id)?,
            articles.story(address.doc_id)?,
        ))
    }

    /// The address of the document of the article of the document at `address`.
    pub(crate) fn article_of(&self, address: DocAddress) -> DocAddress {
        let articles = self.columns.get(address.segment_ord as usize);
        match articles.and_then(Option::as_ref) {
            Some(articles) => {
                DocAddress::new(address.segment_ord, articles.article_doc(address.doc_id))
            }
            None => address,
        }
    }

    /// The articles of a story, oldest first (undated last); none when the story has one
    /// article, which then has no other copy to read.
    fn story(&mut self, story: u64) -> Result<&[(u64, Reprint)]> {
        if !self.stories.contains_key(&story) {
            let f = &self.fields;
            let mut articles = Vec::new();
            let term = Term::from_field_u64(f.story, story);
            let addresses = docs_with(&self.searcher, &term)?;
            // One article is the story alone: nothing to read.
            for address in addresses.iter().copied().filter(|_| addresses.len() > 1) {
                let Some((key, _)) = self.keys(address) else {
                    continue;
                };
                let doc: TantivyDocument = match &mut self.bulk {
                    Some(bulk) => bulk.doc(&self.searcher, address)?,
                    None => self.searcher.doc(address)?,
                };
                articles.push((
                    key,
                    Reprint {
                        id: text(&doc, f.article_id),
                        source: text(&doc, f.source.stored),
                        date: text(&doc, f.date_text),
                        title: text(&doc, f.title.stored),
                    },
                ));
            }
            articles.sort_by(|(_, a), (_, b)| {
                (a.date.is_empty(), &a.date, &a.id).cmp(&(b.date.is_empty(), &b.date, &b.id))
            });
            self.stories.insert(story, articles);
        }
        Ok(&self.stories[&story])
    }

    /// Reads articles as `bulk` does from now on.
    pub(crate) fn read_in_bulk(&mut self, bulk: &BulkStores) {
        if self.bulk.is_none() {
            self.bulk = Some(bulk.clone());
        }
    }

    /// The other copies of the article of the document at `address`, oldest first.
    pub(crate) fn reprints_of(&mut self, address: DocAddress) -> Result<Vec<Reprint>> {
        let Some((key, story)) = self.keys(address) else {
            return Ok(Vec::new());
        };
        Ok(self
            .story(story)?
            .iter()
            .filter(|(k, _)| *k != key)
            .map(|(_, reprint)| reprint.clone())
            .collect())
    }

    /// Whether the document at `address`, taken in rank order, belongs to the first article
    /// taken of its story (and is shown, the story's other copies being left out).
    pub(crate) fn first_of_story(&mut self, address: DocAddress) -> bool {
        match self.keys(address) {
            Some((key, story)) => *self.shown.entry(story).or_insert(key) == key,
            None => true,
        }
    }
}

/// Reprint groups in an index: stories with more than one article.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct GroupCounts {
    /// Stories of two or more articles.
    pub groups: usize,
    /// Articles in those stories.
    pub articles: usize,
}

impl Index {
    /// The other copies of the article with this id, oldest first.
    pub fn reprints(&self, article_id: &str) -> Result<Vec<Reprint>> {
        let searcher = self.searcher();
        let mut finder = Finder::new(&searcher, self.fields());
        let key = crate::index::schema::article_key(article_id);
        let term = Term::from_field_u64(self.fields().article_key, key);
        match docs_with(&searcher, &term)?.first() {
            Some(&address) => finder.reprints_of(address),
            None => Ok(Vec::new()),
        }
    }

    /// Counts the reprint groups of the index.
    pub fn reprint_groups(&self) -> Result<GroupCounts> {
        let searcher = self.searcher();
        let mut sizes: HashMap<u64, usize> = HashMap::new();
        for reader in searcher.segment_readers() {
            let Some(column) = reader.fast_fields().bytes("reprint_signature")? else {
                continue;
            };
            let stories = reader.fast_fields().u64("story")?;
            for doc in 0..reader.max_doc() {
                if reader.is_deleted(doc) || column.term_ords(doc).next().is_none() {
                    continue;
                }
                if let Some(story) = stories.first(doc) {
                    *sizes.entry(story).or_default() += 1;
                }
            }
        }
        let groups: Vec<usize> = sizes.into_values().filter(|&n| n > 1).collect();
        Ok(GroupCounts {
            groups: groups.len(),
            articles: groups.iter().sum(),
        })
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
