//! The index on disk: a tantivy index of passages plus what gonghui needs beside it.
//!
//! An index directory holds tantivy's files, `gonghui.json` (format version and analyzer
//! configuration) and `dictionary.fst` (the segmentation dictionary, so that queries are cut
//! as the passages were, see [`crate::analysis::dictionary`]).

pub mod schema;
pub mod writer;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexReader, IndexSettings, ReloadPolicy};
use tantivy_jieba::jieba_rs::Jieba;

use crate::analysis::dictionary::{QueryDictionary, WordList};
use crate::analysis::normalize::NORMALIZATION_VERSION;
use crate::analysis::tokenizers::{GRAMS, GramTokenizer};
use crate::analysis::{AnalyzerConfig, SEGMENTER};
use crate::error::{Error, Result};
use schema::Fields;

/// Version of the index layout; an index with another version must be rebuilt.
pub const FORMAT_VERSION: u32 = 7;

const CONFIG_FILE: &str = "gonghui.json";
const DICTIONARY_FILE: &str = "dictionary.fst";

/// What `gonghui.json` records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexConfig {
    pub format: u32,
    /// The gonghui version that created the index.
    pub created_by: String,
    pub analyzer: AnalyzerConfig,
    /// Size of `dictionary.fst`, to notice a damaged or replaced file.
    pub dictionary_bytes: u64,
}

/// An open gonghui index.
pub struct Index {
    dir: PathBuf,
    index: tantivy::Index,
    fields: Fields,
    config: IndexConfig,
    reader: IndexReader,
    dictionary: QueryDictionary,
}

/// True when `dir` holds an index (of any version).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

fn rebuild_hint(dir: &Path) -> String {
    format!(
        "rebuild it with `gonghui index --rebuild --index {} PATH...`",
        dir.display()
    )
}

fn read_config(dir: &Path) -> Result<IndexConfig> {
    let path = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        Error::Incompatible(format!(
            "{} is not a gonghui index (no {CONFIG_FILE}); {}",
            dir.display(),
            rebuild_hint(dir)
        ))
    })?;
    let config: IndexConfig = serde_json::from_str(&text).map_err(|e| {
        Error::Incompatible(format!("{}: {e}; {}", path.display(), rebuild_hint(dir)))
    })?;
    if config.format != FORMAT_VERSION
        || config.analyzer.normalization != NORMALIZATION_VERSION
        || config.analyzer.segmenter != SEGMENTER
    {
        return Err(Error::Incompatible(format!(
            "the index at {} was made by gonghui {} with another index format or analyzer \
             (format {}, normalisation {}, segmenter \"{}\"; this gonghui uses format \
             {FORMAT_VERSION}, normalisation {NORMALIZATION_VERSION}, segmenter \"{SEGMENTER}\"); {}",
            dir.display(),
            config.created_by,
            config.format,
            config.analyzer.normalization,
            config.analyzer.segmenter,
            rebuild_hint(dir)
        )));
    }
    Ok(config)
}

fn write_config(dir: &Path, config: &IndexConfig) -> Result<()> {
    let path = dir.join(CONFIG_FILE);
    let tmp = dir.join(format!("{CONFIG_FILE}.tmp"));
    let text = serde_json::to_string_pretty(config).expect("the configuration serialises");
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

fn map_lock_error(dir: &Path, error: tantivy::TantivyError) -> Error {
    match error {
        tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::LockBusy, _) => {
            Error::Locked(dir.to_path_buf())
        }
        other => Error::Tantivy(other),
    }
}

/// Decompressed blocks of stored documents kept per segment by default (tantivy's default).
const DOCUMENT_CACHE_BLOCKS: usize = 100;

/// A reader that sees new commits when told to, caching `blocks` document blocks per segment.
fn reader(index: &tantivy::Index, blocks: usize) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .doc_store_cache_num_blocks(blocks)
        .try_into()?)
}

impl Index {
    /// Keeps up to `blocks` decompressed blocks of stored passages (128 KB each) per segment in
    /// memory instead of 100: for a long-running server, where the same articles come back.
    pub fn with_document_cache(mut self, blocks: usize) -> Result<Index> {
        self.reader = reader(&self.index, blocks)?;
        Ok(self)
    }

    /// Opens an existing index for searching.
    pub fn open(dir: impl AsRef<Path>) -> Result<Index> {
        let dir = dir.as_ref();
        if !exists(dir) {
            return Err(Error::NoIndex(dir.to_path_buf()));
        }
        let config = read_config(dir)?;
        let index = tantivy::Index::open_in_dir(dir)?;
        let (schema, fields) = Fields::schema();
        if index.schema() != schema {
            return Err(Error::Incompatible(format!(
                "the index at {} has another schema; {}",
                dir.display(),
                rebuild_hint(dir)
            )));
        }
        let dictionary_path = dir.join(DICTIONARY_FILE);
        let dictionary_bytes = std::fs::metadata(&dictionary_path)
            .map_err(|e| Error::io(&dictionary_path, e))?
            .len();
        if dictionary_bytes != config.dictionary_bytes {
            return Err(Error::Incompatible(format!(
                "{} does not match the index; {}",
                dictionary_path.display(),
                rebuild_hint(dir)
            )));
        }
        let dictionary = QueryDictionary::open(&dictionary_path, config.analyzer.dictionary_total)?;
        let reader = reader(&index, DOCUMENT_CACHE_BLOCKS)?;
        Ok(Index {
            dir: dir.to_path_buf(),
            index,
            fields,
            config,
            reader,
            dictionary,
        })
    }

    /// Creates an empty index in `dir` (which may exist, but must not hold an index), with the
    /// given user dictionary. Returns it with the jieba built for indexing.
    fn create(dir: &Path, user_dict: Option<&Path>) -> Result<(Index, Jieba)> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (words, jieba) = WordList::load(user_dict)?;
        let dictionary_path = dir.join(DICTIONARY_FILE);
        let (total, _) = words.write_fst(&dictionary_path)?;
        let dictionary_bytes = std::fs::metadata(&dictionary_path)
            .map_err(|e| Error::io(&dictionary_path, e))?
            .len();
        let config = IndexConfig {
            format: FORMAT_VERSION,
            created_by: env!("CARGO_PKG_VERSION").to_string(),
            analyzer: AnalyzerConfig {
                normalization: NORMALIZATION_VERSION,
                segmenter: SEGMENTER.to_string(),
                dictionary_hash: words.hash.clone(),
                dictionary_words: words.len(),
                lexicon_words: words.lexicon_words,
                dictionary_total: total,
                user_dictionary: user_dict.map(|p| p.display().to_string()),
                user_words: words.user_words,
            },
            dictionary_bytes,
        };
        write_config(dir, &config)?;
        let (schema, _) = Fields::schema();
        // Chinese text compresses about 2:1 in tantivy's default 16 KB blocks at level 3, and
        // about 2.4:1 in 128 KB blocks at level 6 (level 9 gains 1% at two thirds the speed);
        // a hit then decompresses one larger block, about 0.1 ms.
        let settings = IndexSettings {
            docstore_compression: Compressor::Zstd(ZstdCompressor {
                compression_level: Some(6),
            }),
            docstore_blocksize: 128 * 1024,
            ..IndexSettings::default()
        };
        tantivy::Index::builder()
            .schema(schema)
            .settings(settings)
            .create_in_dir(dir)?;
        Ok((Index::open(dir)?, jieba))
    }

    /// Removes an index's files from `dir`, keeping the folder and its hidden files (such as a
    /// `.gitkeep`). Refused while another `gonghui index` holds the index.
    fn remove(dir: &Path) -> Result<()> {
        if !dir.is_dir() {
            return Ok(());
        }
        let directory = MmapDirectory::open(dir).map_err(|e| Error::Usage(e.to_string()))?;
        let _lock = directory
            .acquire_lock(&INDEX_WRITER_LOCK)
            .map_err(|_| Error::Locked(dir.to_path_buf()))?;
        for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
            let path = entry.map_err(|e| Error::io(dir, e))?.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if path.is_file() && !hidden {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
        let managed = dir.join(".managed.json");
        if managed.exists() {
            std::fs::remove_file(&managed).map_err(|e| Error::io(&managed, e))?;
        }
        Ok(())
    }

    /// The jieba of this index's dictionary, for indexing.
    fn indexing_jieba(&self) -> Result<Jieba> {
        let mut text = String::new();
        self.dictionary.for_each_word(|word, freq| {
            text.push_str(word);
            text.push(' ');
            text.push_str(&freq.to_string());
            text.push('\n');
        });
        Jieba::with_dict(&mut text.as_bytes()).map_err(|e| {
            Error::Incompatible(format!(
                "the index's dictionary is damaged ({e}); {}",
                rebuild_hint(&self.dir)
            ))
        })
    }

    /// Registers the tokenizer that indexing needs.
    fn register_tokenizers(&self) {
        self.index
            .tokenizers()
            .register(GRAMS, GramTokenizer::default());
    }

    /// Where the index is.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the index records about itself.
    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    /// Sees the latest commit (a searcher opened before it keeps its view).
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// Total size of the index's files in bytes.
    pub fn size_on_disk(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The dictionary queries are cut with.
    pub fn dictionary(&self) -> &QueryDictionary {
        &self.dictionary
    }
}
