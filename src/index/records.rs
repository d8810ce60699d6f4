//! The record of each indexed file, kept in the index itself (a `file` document) and
//! committed with the file's passages, so that a run knows what is indexed already.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;

use super::schema::{Fields, KIND_FILE};
use super::view::{IndexView, stored_text};
use crate::error::Result;

/// The record of one indexed file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct FileState {
    pub(super) path: String,
    pub(super) size: u64,
    pub(super) modified: i64,
    pub(super) hash: String,
    /// False while a run is part-way through the file.
    pub(super) complete: bool,
    /// Lines read and committed (JSON Lines), to resume from.
    pub(super) lines_done: usize,
}

impl FileState {
    /// The records of the files of `view`, by path.
    pub(super) fn load(view: &IndexView) -> Result<HashMap<String, FileState>> {
        let mut addresses = Vec::new();
        view.for_each_of_kind(KIND_FILE, |segment, doc| {
            addresses.push(segment.address(doc));
        })?;
        let mut records = HashMap::new();
        for address in addresses {
            let json = stored_text(&view.doc(address)?, view.fields().file_state);
            if let Ok(state) = serde_json::from_str::<FileState>(&json) {
                records.insert(state.path.clone(), state);
            }
        }
        Ok(records)
    }

    /// The record's document.
    pub(super) fn document(&self, fields: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.kind, KIND_FILE);
        doc.add_u64(fields.shape, 0);
        doc.add_text(fields.file_key, &self.path);
        doc.add_text(
            fields.file_state,
            serde_json::to_string(self).expect("a file record serialises"),
        );
        doc
    }
}
