//! The stories of the articles of an index, kept while it is written so that each new
//! article joins the story of its closest reprint (see [`super`]).
//!
//! Memory per article is what the band lookup needs, 8 bytes per band key: the signatures
//! themselves wait in a temporary file beside the index and are read back only for the few
//! articles that share a band with a new one.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use super::{MAX_DAYS, Signature, day_of};
use crate::error::{Error, Result};
use crate::index::Index;

/// The day of an undated article.
const UNDATED: i64 = i64::MIN;

/// The stories of the articles in an index, to give each new article its story.
pub(crate) struct Stories {
    /// Story and day (days since 1970, or [`UNDATED`]) of each article met, in the order met.
    articles: Vec<(u64, i64)>,
    /// Their signatures, by the same number.
    signatures: Signatures,
    /// For each band key, the last article met with it: one member of a story is enough to
    /// join it. Keys are cut to 32 bits (a rare collision only adds a candidate to check).
    bands: Bands,
}

impl Stories {
    /// The stories of the articles in the index; signatures wait in a temporary file in `dir`
    /// (the index's directory, so that they are on the index's disk, not in memory).
    pub(crate) fn load(index: &Index) -> Result<Stories> {
        let mut stories = Stories::new(index.dir())?;
        let searcher = index.searcher();
        for reader in searcher.segment_readers() {
            let Some(column) = reader.fast_fields().bytes("reprint_signature")? else {
                continue;
            };
            let story_column = reader.fast_fields().u64("story")?;
            let dates = reader.fast_fields().date("date")?;
            let mut bytes = Vec::new();
            for doc in 0..reader.max_doc() {
                if reader.is_deleted(doc) {
                    continue;
                }
                let (Some(ord), Some(story)) =
                    (column.term_ords(doc).next(), story_column.first(doc))
                else {
                    continue;
                };
                bytes.clear();
                column
                    .ord_to_bytes(ord, &mut bytes)
                    .map_err(tantivy::TantivyError::from)?;
                if let Some(signature) = Signature::from_bytes(&bytes) {
                    stories.insert(&signature, story, dates.first(doc).map(day_of))?;
                }
            }
        }
        Ok(stories)
    }

    /// No stories yet, signatures to be kept in `dir`.
    pub(crate) fn new(dir: &Path) -> Result<Stories> {
        Ok(Stories {
            articles: Vec::new(),
            signatures: Signatures::new(dir)?,
            bands: Bands::default(),
        })
    }

    fn insert(&mut self, signature: &Signature, story: u64, day: Option<i64>) -> Result<()> {
        let at = u32::try_from(self.articles.len()).unwrap_or(u32::MAX);
        for band in signature.bands() {
            self.bands.insert(band as u32, at);
        }
        self.signatures.push(signature)?;
        self.articles.push((story, day.unwrap_or(UNDATED)));
        Ok(())
    }

    /// The story of a new article, dated `day` when known: that of its closest reprint, or
    /// a new one. An article without a signature is a story of its own.
    pub(crate) fn assign(
        &mut self,
        id: &str,
        signature: Option<Signature>,
        day: Option<i64>,
    ) -> Result<u64> {
        let Some(signature) = signature else {
            return Ok(crate::index::schema::article_key(id));
        };
        let mut best: Option<(f64, u64)> = None;
        let candidates: HashSet<u32> = signature
            .bands()
            .filter_map(|band| self.bands.get(band as u32))
            .collect();
        for candidate in candidates {
            let (story, other_day) = self.articles[candidate as usize];
            let too_far =
                day.is_some_and(|day| other_day != UNDATED && (day - other_day).abs() > MAX_DAYS);
            if too_far {
                continue;
            }
            let other = self.signatures.get(candidate)?;
            if let Some(containment) = signature.reprint_of(&other)
                && best.is_none_or(|(c, _)| containment > c)
            {
                best = Some((containment, story));
            }
        }
        // A new story is named by the article and its text, so that an article replaced by
        // another text does not take the story its copies keep.
        let story = best.map_or_else(
            || {
                let mut hasher = xxhash_rust::xxh3::Xxh3::new();
                hasher.update(id.as_bytes());
                hasher.update(&signature.to_bytes());
                hasher.digest()
            },
            |(_, story)| story,
        );
        self.insert(&signature, story, day)?;
        Ok(story)
    }
}

/// Signatures by number, appended to an unnamed temporary file (gone when the run ends,
/// however it ends) through a small buffer.
struct Signatures {
    file: File,
    /// The directory the file is in, for errors.
    dir: PathBuf,
    /// Signatures not yet written, from number `written` on.
    pending: Vec<u8>,
    written: usize,
}

/// Bytes of signatures buffered before a write.
const PENDING_BYTES: usize = 1 << 20;

impl Signatures {
    fn new(dir: &Path) -> Result<Signatures> {
        let file = tempfile::tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Signatures {
            file,
            dir: dir.to_path_buf(),
            pending: Vec::with_capacity(PENDING_BYTES),
            written: 0,
        })
    }

    fn push(&mut self, signature: &Signature) -> Result<()> {
        self.pending.extend(signature.to_bytes());
        if self.pending.len() >= PENDING_BYTES {
            let at = (self.written * Signature::BYTES) as u64;
            crate::store::write_all_at(&self.file, &self.pending, at)
                .map_err(|e| Error::io(&self.dir, e))?;
            self.written += self.pending.len() / Signature::BYTES;
            self.pending.clear();
        }
        Ok(())
    }

    fn get(&self, number: u32) -> Result<Signature> {
        let number = number as usize;
        let mut bytes = [0; Signature::BYTES];
        if number >= self.written {
            let at = (number - self.written) * Signature::BYTES;
            bytes.copy_from_slice(&self.pending[at..at + Signature::BYTES]);
        } else {
            crate::store::read_exact_at(&self.file, &mut bytes, (number * Signature::BYTES) as u64)
                .map_err(|e| Error::io(&self.dir, e))?;
        }
        Ok(Signature::from_bytes(&bytes).expect("a signature's stored form has its length"))
    }
}

/// A map from 32-bit keys to article numbers, 8 bytes an entry: the newest entries in a
/// hash map, folded now and then into one sorted array of `key << 32 | article` found
/// through a directory of the keys' top 16 bits (keys are hashes, so the buckets are even).
/// A hash map of all the entries would take 9 to 18 bytes each, twice that while it grows.
#[derive(Default)]
struct Bands {
    recent: HashMap<u32, u32>,
    sorted: Vec<u64>,
    /// `directory[k]`: the first entry of `sorted` whose key's top 16 bits are `k` or more.
    directory: Vec<u32>,
}

/// Entries of the hash map before they are folded into the array.
const RECENT_ENTRIES: usize = 1 << 20;

impl Bands {
    fn insert(&mut self, key: u32, article: u32) {
        self.recent.insert(key, article);
        if self.recent.len() >= RECENT_ENTRIES {
            self.fold();
        }
    }

    /// The last article inserted with `key`.
    fn get(&self, key: u32) -> Option<u32> {
        if let Some(&article) = self.recent.get(&key) {
            return Some(article);
        }
        let top = (key >> 16) as usize;
        let bucket =
            &self.sorted[*self.directory.get(top)? as usize..self.directory[top + 1] as usize];
        // Equal keys are in the order inserted (articles are numbered in that order).
        let end = bucket.partition_point(|&entry| (entry >> 32) as u32 <= key);
        let last = *bucket[..end].last()?;
        ((last >> 32) as u32 == key).then_some(last as u32)
    }

    /// Moves the hash map's entries into the sorted array, merging from the back in place.
    fn fold(&mut self) {
        let mut new: Vec<u64> = self
            .recent
            .drain()
            .map(|(key, article)| u64::from(key) << 32 | u64::from(article))
            .collect();
        new.sort_unstable();
        let old = self.sorted.len();
        // Exactly: a large block grows in place, without a second copy.
        self.sorted.reserve_exact(new.len());
        self.sorted.resize(old + new.len(), 0);
        let (mut i, mut j) = (old, new.len());
        while j > 0 {
            let k = i + j - 1;
            if i > 0 && self.sorted[i - 1] > new[j - 1] {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[k] = new[j - 1];
                j -= 1;
            }
        }
        self.directory = (0..=1u64 << 16)
            .map(|top| self.sorted.partition_point(|&entry| entry >> 48 < top) as u32)
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_come_back_from_the_file_and_the_buffer() -> Result<()> {
        let dir = tempfile::tempdir().unwrap();
        let mut signatures = Signatures::new(dir.path())?;
        let signature =
            |n: usize| Signature::of([format!("第{n}条消息，工会会员{n}人参加").as_str()]).unwrap();
        let count = PENDING_BYTES / Signature::BYTES * 2 + 10;
        for n in 0..count {
            signatures.push(&signature(n))?;
        }
        assert!(signatures.written > 0 && !signatures.pending.is_empty());
        for n in [0, 1, signatures.written - 1, signatures.written, count - 1] {
            assert_eq!(signatures.get(n as u32)?, signature(n));
        }
        Ok(())
    }

    #[test]
    fn bands_give_the_last_article_of_a_key_across_folds() {
        let mut bands = Bands::default();
        let key = |i: u32| i.wrapping_mul(0x9E37_79B9);
        let total = RECENT_ENTRIES as u32 * 2 + 1000;
        for article in 0..total {
            bands.insert(key(article), article);
        }
        // A key met again later points to the later article, wherever each entry is.
        bands.insert(key(5), total);
        bands.insert(key(7), total + 1);
        bands.fold();
        bands.insert(key(9), total + 2);
        assert!(bands.recent.len() == 1 && bands.sorted.len() > 2 * RECENT_ENTRIES);
        for article in (0..total).step_by(997) {
            let expected = match article {
                5 => total,
                7 => total + 1,
                9 => total + 2,
                _ => article,
            };
            assert_eq!(bands.get(key(article)), Some(expected));
        }
        assert_eq!(bands.get(key(5)), Some(total));
        assert_eq!(bands.get(key(7)), Some(total + 1));
        assert_eq!(bands.get(key(9)), Some(total + 2));
        assert_eq!(bands.get(key(total + 5)), None);
    }
}
