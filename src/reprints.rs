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
//! of each other when that share is at least [`THRESHOLD`]: a copy with a paragraph dropped
//! or a note added is still mostly inside the original, while different stories written to
//! the same template (daily figures, state visits, disciplinary notices) differ in names and
//! numbers all along and share much less.
//!
//! The signature is stored on the article's document, with its bands ([`BAND_BINS`] bins
//! each, over the first [`BANDED_BINS`] bins) indexed as terms. The reprints of an article are found at search time by looking up
//! its band terms and checking the candidates' signatures, so incremental runs need nothing
//! more: a reprint that arrives later brings its band terms, and an article that is removed
//! takes its own away.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, SegmentReader, TantivyDocument, Term};

use crate::analysis::normalize_char;
use crate::error::Result;
use crate::index::Index;
use crate::index::schema::Fields;
use crate::passages::Passage;
use crate::search::SearchOptions;

/// Characters per shingle. Measured on the news corpus, longer shingles set templated
/// stories further apart than they set edited copies (an edit changes only the shingles
/// across its two ends, a template's every name and number changes all the shingles over it):
/// 5 characters leave same-topic stories up to 0.79 contained in each other, 10 up to 0.64,
/// while copies with a paragraph dropped and a sentence added stay above 0.72 in 99 of 100.
pub const SHINGLE_CHARS: usize = 10;
/// Bins of the signature: the estimate's standard error is about 0.04.
pub const BINS: usize = 128;
/// Bins per band, and the bins that are banded: two articles sharing one band are compared.
/// Bands of two catch pairs of Jaccard similarity 0.3 nineteen times in twenty.
pub const BAND_BINS: usize = 2;
pub const BANDED_BINS: usize = 64;
/// Estimated containment of the shorter article in the longer from which two articles are
/// reprints (see `tests/reprints.rs` for what it gives).
pub const THRESHOLD: f64 = 0.7;
/// A bin that no shingle fell into (fingerprints are never 0).
const EMPTY: u16 = 0;

/// The MinHash sketch of an article's body, with its number of shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    bins: [u16; BINS],
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

/// The low bits of a hash as a fingerprint, never [`EMPTY`].
fn fingerprint_of(h: u64) -> u16 {
    (h as u16).max(1)
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

impl Signature {
    /// The signature of a body, or `None` when it has no letter or digit. A body shorter than
    /// a shingle is one shingle.
    pub fn of(passages: &[Passage]) -> Option<Signature> {
        // Per bin: the smallest rank seen, and the fingerprint of that shingle.
        let mut smallest = [(u64::MAX, EMPTY); BINS];
        // The last characters, and their polynomial hash: sum of c_i * ROLL^(age of c_i).
        let mut window = [0u64; SHINGLE_CHARS];
        let oldest_power = ROLL.wrapping_pow(SHINGLE_CHARS as u32 - 1);
        let mut rolling = 0u64;
        let mut seen = 0;
        let mut shingles = 0;
        let chars = passages.iter().flat_map(|p| p.text.chars());
        for c in chars.map(normalize_char).filter(|c| c.is_alphanumeric()) {
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
            shingles: u32::try_from(shingles).unwrap_or(u32::MAX),
        })
    }

    /// The signature as stored: the bins as little-endian `u16`s, then the number of
    /// shingles as a little-endian `u32`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = self.bins.iter().flat_map(|b| b.to_le_bytes()).collect();
        bytes.extend(self.shingles.to_le_bytes());
        bytes
    }

    /// A stored signature; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != BINS * 2 + 4 {
            return None;
        }
        let (bin_bytes, count) = bytes.split_at(BINS * 2);
        let mut bins = [EMPTY; BINS];
        for (bin, pair) in bins.iter_mut().zip(bin_bytes.chunks_exact(2)) {
            *bin = u16::from_le_bytes([pair[0], pair[1]]);
        }
        let shingles = u32::from_le_bytes(count.try_into().ok()?);
        Some(Signature { bins, shingles })
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

    /// Estimated Jaccard similarity: the share of agreeing bins.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        let same = self.bins.iter().zip(&other.bins).filter(|(a, b)| a == b);
        same.count() as f64 / BINS as f64
    }

    /// Estimated share of the shorter article's shingles that are in the longer one's:
    /// the shared shingles are `J (|A| + |B|) / (1 + J)`.
    pub fn containment(&self, other: &Signature) -> f64 {
        let jaccard = self.jaccard(other);
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        let shared = jaccard * (a + b) / (1.0 + jaccard);
        (shared / a.min(b)).min(1.0)
    }

    /// True when the two are reprints of each other.
    pub fn is_reprint_of(&self, other: &Signature) -> bool {
        self.containment(other) >= THRESHOLD
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

/// The other copies of one article.
#[derive(Debug, Clone, Default)]
struct Copies {
    keys: Vec<u64>,
    reprints: Vec<Reprint>,
}

fn signature_at(reader: &SegmentReader, doc: u32) -> Option<Signature> {
    let column = reader.fast_fields().bytes("reprint_signature").ok()??;
    let ord = column.term_ords(doc).next()?;
    let mut bytes = Vec::new();
    column.ord_to_bytes(ord, &mut bytes).ok()?;
    Signature::from_bytes(&bytes)
}

fn article_key_at(reader: &SegmentReader, doc: u32) -> Option<u64> {
    reader.fast_fields().u64("article_key").ok()?.first(doc)
}

/// The live documents of every segment holding a `u64` term.
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

/// Finds the reprints of the articles of hits, remembering each article's.
pub(crate) struct Finder<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    copies: HashMap<u64, Copies>,
}

impl<'a> Finder<'a> {
    pub(crate) fn new(searcher: &'a Searcher, fields: &'a Fields) -> Finder<'a> {
        Finder {
            searcher,
            fields,
            copies: HashMap::new(),
        }
    }

    fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
        doc.get_first(field)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The other copies of the article with this key, oldest first.
    fn copies(&mut self, key: u64) -> Result<&Copies> {
        if !self.copies.contains_key(&key) {
            let copies = self.find(key)?;
            self.copies.insert(key, copies);
        }
        Ok(&self.copies[&key])
    }

    fn find(&self, key: u64) -> Result<Copies> {
        let searcher = self.searcher;
        let reader = |address: DocAddress| searcher.segment_reader(address.segment_ord);
        // The article's own document is the one of its key that has a signature.
        let own = docs_with(
            searcher,
            &Term::from_field_u64(self.fields.article_key, key),
        )?
        .into_iter()
        .find_map(|a| signature_at(reader(a), a.doc_id).map(|s| (a, s)));
        let Some((own, signature)) = own else {
            return Ok(Copies::default());
        };
        let mut seen = HashSet::from([own]);
        let mut found: Vec<(u64, Reprint)> = Vec::new();
        for band in signature.bands() {
            let term = Term::from_field_u64(self.fields.reprint_band, band);
            for address in docs_with(searcher, &term)? {
                if !seen.insert(address) {
                    continue;
                }
                let segment = reader(address);
                let is_reprint = signature_at(segment, address.doc_id)
                    .is_some_and(|other| signature.is_reprint_of(&other));
                let Some(other_key) = article_key_at(segment, address.doc_id) else {
                    continue;
                };
                if !is_reprint || other_key == key {
                    continue;
                }
                let doc: TantivyDocument = searcher.doc(address)?;
                let f = self.fields;
                found.push((
                    other_key,
                    Reprint {
                        id: Self::text(&doc, f.article_id),
                        source: Self::text(&doc, f.source.stored),
                        date: Self::text(&doc, f.date_text),
                        title: Self::text(&doc, f.title.stored),
                    },
                ));
            }
        }
        // Oldest first; undated copies last.
        found.sort_by(|(_, a), (_, b)| {
            (a.date.is_empty(), &a.date, &a.id).cmp(&(b.date.is_empty(), &b.date, &b.id))
        });
        let (keys, reprints) = found.into_iter().unzip();
        Ok(Copies { keys, reprints })
    }

    /// The other copies of the article of the passage at `address`, oldest first.
    pub(crate) fn reprints_of(&mut self, address: DocAddress) -> Result<Vec<Reprint>> {
        let segment = self.searcher.segment_reader(address.segment_ord);
        match article_key_at(segment, address.doc_id) {
            Some(key) => Ok(self.copies(key)?.reprints.clone()),
            None => Ok(Vec::new()),
        }
    }

    /// Keeps, of ranked passages, those of the first-ranked copy of each story: a passage whose
    /// article is a reprint of an article already kept is left out. Stops after `want`.
    fn collapse(
        &mut self,
        docs: Vec<(f32, DocAddress)>,
        want: Option<usize>,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let mut kept = Vec::new();
        let mut shown: HashSet<u64> = HashSet::new();
        let mut hidden: HashSet<u64> = HashSet::new();
        for (score, address) in docs {
            if want.is_some_and(|w| kept.len() >= w) {
                break;
            }
            let segment = self.searcher.segment_reader(address.segment_ord);
            let Some(key) = article_key_at(segment, address.doc_id) else {
                kept.push((score, address));
                continue;
            };
            if hidden.contains(&key) {
                continue;
            }
            if shown.insert(key) {
                let copies = self.copies(key)?;
                hidden.extend(copies.keys.iter().filter(|k| !shown.contains(k)));
            }
            kept.push((score, address));
        }
        Ok(kept)
    }

    /// Ranks with `rank` (which returns the total and the ranked page for the options it is
    /// given) and collapses reprints, ranking deeper until the page is full.
    pub(crate) fn rank_collapsed(
        &mut self,
        options: &SearchOptions,
        rank: impl Fn(&SearchOptions) -> Result<(usize, Vec<(f32, DocAddress)>)>,
    ) -> Result<(usize, Vec<(f32, DocAddress)>)> {
        let want = (options.limit > 0).then(|| options.offset.saturating_add(options.limit));
        let mut depth = want.map(|w| w.saturating_mul(2).saturating_add(10));
        loop {
            let deeper = SearchOptions {
                offset: 0,
                limit: depth.unwrap_or(0),
                ..options.clone()
            };
            let (total, docs) = rank(&deeper)?;
            let exhausted = depth.is_none_or(|d| docs.len() < d);
            let kept = self.collapse(docs, want)?;
            if exhausted || want.is_some_and(|w| kept.len() >= w) {
                let page = kept.into_iter().skip(options.offset);
                let page = match want {
                    Some(_) => page.take(options.limit).collect(),
                    None => page.collect(),
                };
                return Ok((total, page));
            }
            depth = depth.map(|d| d.saturating_mul(4));
        }
    }
}

/// Reprint groups in an index: sets of articles linked by being reprints of each other.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct GroupCounts {
    /// Groups of two or more articles.
    pub groups: usize,
    /// Articles in those groups.
    pub articles: usize,
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

impl Index {
    /// The other copies of the article with this id, oldest first.
    pub fn reprints(&self, article_id: &str) -> Result<Vec<Reprint>> {
        let searcher = self.searcher();
        let mut finder = Finder::new(&searcher, self.fields());
        let key = crate::index::schema::article_key(article_id);
        Ok(finder.copies(key)?.reprints.clone())
    }

    /// Counts the reprint groups of the index.
    pub fn reprint_groups(&self) -> Result<GroupCounts> {
        let searcher = self.searcher();
        let mut signatures = Vec::new();
        for reader in searcher.segment_readers() {
            let Some(column) = reader.fast_fields().bytes("reprint_signature")? else {
                continue;
            };
            let mut bytes = Vec::new();
            for doc in 0..reader.max_doc() {
                if reader.is_deleted(doc) {
                    continue;
                }
                if let Some(ord) = column.term_ords(doc).next() {
                    bytes.clear();
                    if column
                        .ord_to_bytes(ord, &mut bytes)
                        .map_err(tantivy::TantivyError::from)?
                        && let Some(signature) = Signature::from_bytes(&bytes)
                    {
                        signatures.push(signature);
                    }
                }
            }
        }
        let mut by_band: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, signature) in signatures.iter().enumerate() {
            for band in signature.bands() {
                by_band.entry(band).or_default().push(i);
            }
        }
        let mut parent: Vec<usize> = (0..signatures.len()).collect();
        for members in by_band.values().filter(|m| m.len() > 1) {
            for (n, &a) in members.iter().enumerate() {
                for &b in &members[n + 1..] {
                    if root(&mut parent, a) != root(&mut parent, b)
                        && signatures[a].is_reprint_of(&signatures[b])
                    {
                        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                        parent[ra] = rb;
                    }
                }
            }
        }
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for i in 0..signatures.len() {
            *sizes.entry(root(&mut parent, i)).or_default() += 1;
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
        let passages: Vec<Passage> = text
            .split('\n')
            .enumerate()
            .map(|(i, t)| Passage {
                para: i + 1,
                section: String::new(),
                text: t.to_string(),
            })
            .collect();
        Signature::of(&passages).unwrap()
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
        assert!(signature(STORY).is_reprint_of(&signature(&copy)));
        let other = "市总工会今天召开全委会议，审议通过了年度工作报告，会议由工会主席主持，各区县工会负责人参加会议并作交流发言。";
        assert!(!signature(STORY).is_reprint_of(&signature(other)));
        assert!(signature(STORY).bands().count() > 0);
    }

    #[test]
    fn short_bodies_are_reprints_only_when_the_same() {
        assert!(signature("志愿者在行动。").is_reprint_of(&signature("志愿者在行动！")));
        assert!(!signature("志愿者在行动。").is_reprint_of(&signature("工会在行动。")));
        assert_eq!(signature("短讯").bands().count(), BANDED_BINS / BAND_BINS);
        let punctuation = [Passage {
            para: 1,
            section: String::new(),
            text: "……".into(),
        }];
        assert_eq!(Signature::of(&punctuation), None);
    }
}
