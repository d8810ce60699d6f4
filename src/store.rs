//! Reading many stored documents in index order: exporting every match of a query.
//!
//! The searcher's store readers keep a hundred decompressed blocks per segment across queries
//! and read through the index's memory map. Reading a quarter of a million hits in index order
//! needs only the block being read, and through the map would leave the whole store mapped in
//! the process's memory: these readers cache one block and read the store file with positioned
//! reads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::{FileHandle, FileSlice, OwnedBytes};
use tantivy::store::StoreReader;
use tantivy::{DocAddress, HasLen, Searcher, TantivyDocument};

use crate::error::Result;

/// Per segment, a store reader for reading in bulk, opened on first use.
#[derive(Clone)]
pub(crate) struct BulkStores {
    /// The index's folder, where the segments' stores are.
    dir: PathBuf,
    stores: Vec<Option<Arc<StoreReader>>>,
}

impl BulkStores {
    pub(crate) fn new(dir: &Path) -> Self {
        BulkStores {
            dir: dir.to_path_buf(),
            stores: Vec::new(),
        }
    }

    /// The index's folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored document at `address`.
    pub(crate) fn doc(
        &mut self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<TantivyDocument> {
        let segment = address.segment_ord as usize;
        if self.stores.len() <= segment {
            self.stores.resize_with(segment + 1, || None);
        }
        let store = match &mut self.stores[segment] {
            Some(store) => store,
            empty => empty.insert(Arc::new(open(searcher, &self.dir, address.segment_ord)?)),
        };
        Ok(store.get(address.doc_id)?)
    }
}

fn open(searcher: &Searcher, dir: &Path, segment: u32) -> Result<StoreReader> {
    let reader = searcher.segment_reader(segment);
    // tantivy names a segment's store `<segment id>.store`.
    let path = dir.join(format!("{}.store", reader.segment_id().uuid_string()));
    let opened = std::fs::File::open(&path).and_then(|file| {
        let len = usize::try_from(file.metadata()?.len()).map_err(std::io::Error::other)?;
        let body = body_len(&file, len)?;
        StoreReader::open(
            FileSlice::new(Arc::new(ReadAt { file, len })).slice(..body),
            1,
        )
    });
    Ok(match opened {
        Ok(store) => store,
        // Not a file of its own (another directory): read through the index as it is.
        Err(_) => reader
            .get_store_reader(1)
            .map_err(tantivy::TantivyError::from)?,
    })
}

/// The length of a tantivy file without its footer: the footer's length and a magic number
/// (two little-endian `u32`) end the file, after the footer.
fn body_len(file: &std::fs::File, len: usize) -> std::io::Result<usize> {
    const FOOTER_MAGIC: u32 = 1337;
    let mut end = [0u8; 8];
    let at = len
        .checked_sub(end.len())
        .ok_or(std::io::ErrorKind::UnexpectedEof)?;
    crate::disk::read_exact_at(file, &mut end, at as u64)?;
    let footer = u32::from_le_bytes([end[0], end[1], end[2], end[3]]) as usize;
    let magic = u32::from_le_bytes([end[4], end[5], end[6], end[7]]);
    if magic != FOOTER_MAGIC {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    at.checked_sub(footer)
        .ok_or_else(|| std::io::ErrorKind::InvalidData.into())
}

/// A file read with positioned reads.
#[derive(Debug)]
struct ReadAt {
    file: std::fs::File,
    len: usize,
}

impl HasLen for ReadAt {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadAt {
    fn read_bytes(&self, range: std::ops::Range<usize>) -> std::io::Result<OwnedBytes> {
        let mut bytes = vec![0; range.len()];
        crate::disk::read_exact_at(&self.file, &mut bytes, range.start as u64)?;
        Ok(OwnedBytes::new(bytes))
    }
}
