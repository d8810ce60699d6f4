//! The stories of the articles of an index, kept while it is written so that each new
//! article joins the story of its closest reprint (see [`super`]).
//!
//! Memory does not grow with the corpus: each article's signature, story and day wait in a
//! temporary file beside the index and are read back only for the few articles that share a
//! band with a new one, and the band keys are kept in memory up to [`MEMORY_ENTRIES`], then in
//! a sorted file found through a fixed directory.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::{MAX_DAYS, Signature};
use crate::dates::day_number;
use crate::disk::{read_exact_at, write_all_at};
use crate::error::{Error, Result};
use crate::index::view::IndexView;

/// The day of an undated article.
const UNDATED: i64 = i64::MIN;

/// The stories of the articles in an index, to give each new article its story.
pub(crate) struct Stories {
    /// Signature, story and day (days since 1970, or [`UNDATED`]) of each article met,
    /// numbered in the order met.
    articles: Articles,
    /// For each band key, the number of the last article met with it: one member of a story
    /// is enough to join it. Keys are cut to 32 bits (a rare collision only adds a candidate
    /// to check).
    bands: Bands,
}

impl Stories {
    /// The stories of the articles of `view`; signatures wait in a temporary file in `dir`
    /// (the index's directory, so that they are on the index's disk, not in memory).
    pub(crate) fn load(view: &IndexView, dir: &Path) -> Result<Stories> {
        let mut stories = Stories::new(dir)?;
        super::for_each_signature(view, |bytes, story, date| {
            match Signature::from_bytes(bytes) {
                Some(signature) => stories.insert(&signature, story, date.map(day_number)),
                None => Ok(()),
            }
        })?;
        Ok(stories)
    }

    /// No stories yet, signatures to be kept in `dir`.
    pub(crate) fn new(dir: &Path) -> Result<Stories> {
        Ok(Stories {
            articles: Articles::new(dir)?,
            bands: Bands::new(dir, MEMORY_ENTRIES),
        })
    }

    fn insert(&mut self, signature: &Signature, story: u64, day: Option<i64>) -> Result<()> {
        let at = u32::try_from(self.articles.len()).unwrap_or(u32::MAX);
        for band in signature.bands() {
            self.bands.insert(band as u32, at)?;
        }
        self.articles.push(signature, story, day.unwrap_or(UNDATED))
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
        let mut candidates = HashSet::new();
        for band in signature.bands() {
            candidates.extend(self.bands.get(band as u32)?);
        }
        for candidate in candidates {
            let (other, story, other_day) = self.articles.get(candidate)?;
            let too_far =
                day.is_some_and(|day| other_day != UNDATED && (day - other_day).abs() > MAX_DAYS);
            if too_far {
                continue;
            }
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

/// Articles by number (signature, story, day), appended to an unnamed temporary file (gone
/// when the run ends, however it ends) through a small buffer.
struct Articles {
    file: File,
    /// The directory the file is in, for errors.
    dir: PathBuf,
    /// Articles not yet written, from number `written` on.
    pending: Vec<u8>,
    written: usize,
}

/// Bytes of an article's record: its signature, story and day.
const RECORD: usize = Signature::BYTES + 16;

/// Bytes of records buffered before a write.
const PENDING_BYTES: usize = 1 << 20;

impl Articles {
    fn new(dir: &Path) -> Result<Articles> {
        Ok(Articles {
            file: tempfile::tempfile_in(dir).map_err(|e| Error::io(dir, e))?,
            dir: dir.to_path_buf(),
            pending: Vec::with_capacity(PENDING_BYTES),
            written: 0,
        })
    }

    fn len(&self) -> usize {
        self.written + self.pending.len() / RECORD
    }

    fn push(&mut self, signature: &Signature, story: u64, day: i64) -> Result<()> {
        self.pending.extend(signature.to_full_bytes());
        self.pending.extend(story.to_le_bytes());
        self.pending.extend(day.to_le_bytes());
        if self.pending.len() >= PENDING_BYTES {
            write_all_at(&self.file, &self.pending, (self.written * RECORD) as u64)
                .map_err(|e| Error::io(&self.dir, e))?;
            self.written += self.pending.len() / RECORD;
            self.pending.clear();
        }
        Ok(())
    }

    fn get(&self, number: u32) -> Result<(Signature, u64, i64)> {
        let number = number as usize;
        let mut record = [0; RECORD];
        if number >= self.written {
            let at = (number - self.written) * RECORD;
            record.copy_from_slice(&self.pending[at..at + RECORD]);
        } else {
            read_exact_at(&self.file, &mut record, (number * RECORD) as u64)
                .map_err(|e| Error::io(&self.dir, e))?;
        }
        let (signature, rest) = record.split_at(Signature::BYTES);
        let (story, day) = rest.split_at(8);
        let signature = Signature::from_bytes(signature).expect("a record holds a signature");
        let number = |bytes: &[u8]| <[u8; 8]>::try_from(bytes).expect("8 bytes");
        Ok((
            signature,
            u64::from_le_bytes(number(story)),
            i64::from_le_bytes(number(day)),
        ))
    }
}

/// A map from 32-bit keys to article numbers. The newest entries are in a hash map, folded
/// now and then into a sorted array of `key << 32 | article` (8 bytes an entry, found through
/// a directory of the keys' top 16 bits: keys are hashes, so buckets are even). When the array
/// holds `memory_entries`, it is merged into a sorted file on disk, found through a directory
/// of the keys' top [`FILE_DIRECTORY_BITS`] bits and read a bucket at a time. Newer entries
/// are in the nearer place, so the first found is a key's last article.
struct Bands {
    recent: HashMap<u32, u32>,
    sorted: Vec<u64>,
    /// `directory[k]`: the first entry of `sorted` whose key's top 16 bits are `k` or more.
    directory: Vec<u32>,
    memory_entries: usize,
    file: Option<SortedFile>,
    /// Where the file goes.
    dir: PathBuf,
}

/// Entries of the hash map before they are folded into the array.
const RECENT_ENTRIES: usize = 1 << 20;
/// Entries of the array before they go to disk: 256 MiB, the band keys of a million articles.
const MEMORY_ENTRIES: usize = 1 << 25;
/// Bits of a key that choose its bucket in the file: a directory of 8 MiB, and buckets of
/// about 200 entries (1.6 KB read per look-up) at 200 million entries.
const FILE_DIRECTORY_BITS: u32 = 20;

/// Sorted entries in an unnamed temporary file.
struct SortedFile {
    file: File,
    /// `directory[k]`: the first entry whose key's top bits are `k` or more.
    directory: Vec<u64>,
}

impl Bands {
    fn new(dir: &Path, memory_entries: usize) -> Bands {
        Bands {
            recent: HashMap::new(),
            sorted: Vec::new(),
            directory: Vec::new(),
            memory_entries,
            file: None,
            dir: dir.to_path_buf(),
        }
    }

    fn insert(&mut self, key: u32, article: u32) -> Result<()> {
        self.recent.insert(key, article);
        if self.recent.len() >= RECENT_ENTRIES {
            self.fold()?;
        }
        Ok(())
    }

    /// The last article inserted with `key`.
    fn get(&self, key: u32) -> Result<Option<u32>> {
        if let Some(&article) = self.recent.get(&key) {
            return Ok(Some(article));
        }
        let top = (key >> 16) as usize;
        if let Some(&start) = self.directory.get(top) {
            let bucket = &self.sorted[start as usize..self.directory[top + 1] as usize];
            if let Some(article) = last_with(bucket, key) {
                return Ok(Some(article));
            }
        }
        let Some(file) = &self.file else {
            return Ok(None);
        };
        let top = (key >> (32 - FILE_DIRECTORY_BITS)) as usize;
        let (start, end) = (file.directory[top], file.directory[top + 1]);
        let mut bytes = vec![0; ((end - start) * 8) as usize];
        read_exact_at(&file.file, &mut bytes, start * 8).map_err(|e| Error::io(&self.dir, e))?;
        let bucket: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        Ok(last_with(&bucket, key))
    }

    /// Moves the hash map's entries into the sorted array, merging from the back in place,
    /// and the array to disk when it is full.
    fn fold(&mut self) -> Result<()> {
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
        if self.sorted.len() >= self.memory_entries {
            self.spill().map_err(|e| Error::io(&self.dir, e))?;
        } else {
            self.directory = (0..=1u64 << 16)
                .map(|top| self.sorted.partition_point(|&entry| entry >> 48 < top) as u32)
                .collect();
        }
        Ok(())
    }

    /// Merges the sorted array into a new file with the entries already on disk.
    fn spill(&mut self) -> std::io::Result<()> {
        let mut out = FileWriter::new(tempfile::tempfile_in(&self.dir)?);
        let mut memory = std::mem::take(&mut self.sorted).into_iter().peekable();
        if let Some(old) = self.file.take() {
            let entries = old.directory[1 << FILE_DIRECTORY_BITS];
            // The file's cursor is where its writing ended.
            (&old.file).seek(std::io::SeekFrom::Start(0))?;
            let mut reader = std::io::BufReader::with_capacity(1 << 20, &old.file);
            for _ in 0..entries {
                let mut bytes = [0; 8];
                reader.read_exact(&mut bytes)?;
                let entry = u64::from_le_bytes(bytes);
                while let Some(newer) = memory.next_if(|&newer| newer < entry) {
                    out.push(newer)?;
                }
                out.push(entry)?;
            }
        }
        for entry in memory {
            out.push(entry)?;
        }
        self.directory = Vec::new();
        self.file = Some(out.finish()?);
        Ok(())
    }
}

/// The article of the last entry with `key` in a sorted bucket; equal keys are in the order
/// inserted, since articles are numbered in that order.
fn last_with(bucket: &[u64], key: u32) -> Option<u32> {
    let end = bucket.partition_point(|&entry| (entry >> 32) as u32 <= key);
    let last = *bucket[..end].last()?;
    ((last >> 32) as u32 == key).then_some(last as u32)
}

/// Writes sorted entries to a file and its directory.
struct FileWriter {
    writer: std::io::BufWriter<File>,
    directory: Vec<u64>,
    written: u64,
}

impl FileWriter {
    fn new(file: File) -> FileWriter {
        FileWriter {
            writer: std::io::BufWriter::with_capacity(1 << 20, file),
            directory: Vec::with_capacity((1 << FILE_DIRECTORY_BITS) + 1),
            written: 0,
        }
    }

    fn push(&mut self, entry: u64) -> std::io::Result<()> {
        let top = (entry >> (64 - FILE_DIRECTORY_BITS)) as usize;
        while self.directory.len() <= top {
            self.directory.push(self.written);
        }
        self.written += 1;
        self.writer.write_all(&entry.to_le_bytes())
    }

    fn finish(mut self) -> std::io::Result<SortedFile> {
        self.directory
            .resize((1 << FILE_DIRECTORY_BITS) + 1, self.written);
        Ok(SortedFile {
            file: self.writer.into_inner().map_err(|e| e.into_error())?,
            directory: self.directory,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_come_back_from_the_file_and_the_buffer() -> Result<()> {
        let dir = tempfile::tempdir().unwrap();
        let mut articles = Articles::new(dir.path())?;
        let signature =
            |n: usize| Signature::of([format!("第{n}条消息，工会会员{n}人参加").as_str()]).unwrap();
        let count = PENDING_BYTES / RECORD * 2 + 10;
        for n in 0..count {
            articles.push(&signature(n), n as u64 * 7, n as i64 - 5)?;
        }
        assert!(articles.written > 0 && !articles.pending.is_empty());
        assert_eq!(articles.len(), count);
        for n in [0, 1, articles.written - 1, articles.written, count - 1] {
            assert_eq!(
                articles.get(n as u32)?,
                (signature(n), n as u64 * 7, n as i64 - 5)
            );
        }
        Ok(())
    }

    /// Inserts keys for articles 0..total, then some keys again for later articles, and checks
    /// that every key gives its last article, from wherever its entries are.
    fn bands_give_the_last_article_of_a_key(memory_entries: usize) -> Result<Bands> {
        let dir = tempfile::tempdir().unwrap();
        let mut bands = Bands::new(dir.path(), memory_entries);
        let key = |i: u32| i.wrapping_mul(0x9E37_79B9);
        let total = RECENT_ENTRIES as u32 * 2 + 1000;
        for article in 0..total {
            bands.insert(key(article), article)?;
        }
        // A key met again later points to the later article, wherever each entry is.
        bands.insert(key(5), total)?;
        bands.insert(key(7), total + 1)?;
        bands.fold()?;
        bands.insert(key(9), total + 2)?;
        for article in (0..total).step_by(997) {
            let expected = match article {
                5 => total,
                7 => total + 1,
                9 => total + 2,
                _ => article,
            };
            assert_eq!(bands.get(key(article))?, Some(expected));
        }
        assert_eq!(bands.get(key(5))?, Some(total));
        assert_eq!(bands.get(key(7))?, Some(total + 1));
        assert_eq!(bands.get(key(9))?, Some(total + 2));
        assert_eq!(bands.get(key(total + 5))?, None);
        Ok(bands)
    }

    #[test]
    fn bands_in_memory() -> Result<()> {
        let bands = bands_give_the_last_article_of_a_key(MEMORY_ENTRIES)?;
        assert!(bands.file.is_none() && bands.sorted.len() > 2 * RECENT_ENTRIES);
        Ok(())
    }

    #[test]
    fn bands_on_disk() -> Result<()> {
        // Every fold goes to disk, merging with what is there.
        let bands = bands_give_the_last_article_of_a_key(1)?;
        let file = bands.file.as_ref().unwrap();
        assert!(bands.sorted.is_empty() && file.directory[1 << FILE_DIRECTORY_BITS] > 2 << 20);
        Ok(())
    }
}
