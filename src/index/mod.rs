//! The index on disk: a tantivy index of passages plus what gonghui needs beside it.
//!
//! An index directory holds tantivy's files, `gonghui.json` (format version and analyzer
//! configuration) and `dictionary.fst` (the segmentation dictionary, so that queries are cut
//! as the passages were, see [`crate::analysis::dictionary`]).

mod added_keys;
pub(crate) mod check;
pub(crate) mod config;
mod documents;
mod merges;
mod options;
pub(crate) mod read_only;
mod records;
pub(crate) mod schema;
pub(crate) mod view;
pub(crate) mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexReader, IndexSettings, ReloadPolicy};
use tantivy_jieba::jieba_rs::Jieba;

use crate::analysis::dictionary::{QueryDictionary, WordList};
use crate::analysis::normalize::NORMALIZATION_VERSION;
use crate::analysis::report::Analysis;
use crate::analysis::tokenizers::{GRAMS, GramTokenizer, PAIRS, PairTokenizer};
use crate::analysis::{AnalyzerConfig, SEGMENTER};
use crate::collocates::{CollocateOptions, Collocates};
use crate::concordance::{Concordance, ConcordanceOptions, LineSort};
use crate::error::{Error, Result};
use crate::facets::{FacetCounter, Facets};
use crate::hits::{ArticleInfo, Hits, SearchResults};
use crate::query::synonyms::Synonyms;
use crate::rank::RankedCache;
use crate::reprints::{GroupCounts, Reprint};
use crate::search::{Scoring, SearchOptions};
use crate::shards::Statistics;
use crate::stats::Stats;
use crate::trend::{Period, Trend, Unit};
pub use config::IndexConfig;
pub(crate) use config::exists;
use config::{DICTIONARY_FILE, FORMAT_VERSION, read_config, rebuild_hint, write_config};
use schema::Fields;
use view::{Counts, IndexView};

/// An open gonghui index: what searches, statistics and indexing runs start from.
pub struct Index {
    dir: PathBuf,
    index: tantivy::Index,
    fields: Fields,
    config: IndexConfig,
    reader: IndexReader,
    dictionary: QueryDictionary,
    /// What counting facets keeps from one search to the next.
    facets: FacetCounter,
    /// The rankings of recent queries, for a server (see [`Index::with_ranked_cache`]).
    ranked: Option<RankedCache>,
    /// Opened from a directory that cannot be written: searched without a lock, never indexed.
    read_only: bool,
}

fn map_lock_error(dir: &Path, error: tantivy::TantivyError) -> Error {
    match error {
        tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::LockBusy, _) => {
            Error::Locked(dir.to_path_buf())
        }
        refused if read_only::lock_refused(&refused) => Error::ReadOnly(dir.to_path_buf()),
        other => Error::Tantivy(other),
    }
}

/// tantivy's index in `dir` and a reader of it, and whether the directory is read-only (its
/// reader then takes no lock).
fn open_tantivy(dir: &Path) -> Result<(tantivy::Index, IndexReader, bool)> {
    let index = tantivy::Index::open_in_dir(dir)?;
    match reader(&index, DOCUMENT_CACHE_BLOCKS) {
        Ok(reader) => Ok((index, reader, false)),
        Err(Error::Tantivy(error)) if read_only::lock_refused(&error) => {
            let directory = read_only::ReadOnlyDirectory::open(dir)
                .map_err(|e| Error::io(dir, std::io::Error::other(e.to_string())))?;
            let index = tantivy::Index::open(directory)?;
            let reader = reader(&index, DOCUMENT_CACHE_BLOCKS)?;
            Ok((index, reader, true))
        }
        Err(other) => Err(other),
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

    /// Keeps the rankings of recent queries, up to `matches` matches in all (about 64 bytes
    /// each): the next page of a search, the same search in another order or one passage per
    /// article reuse its ranking, and searches of one query that come together wait for one
    /// ranking. For a server, where readers page and re-sort; a reload starts afresh. 0 keeps
    /// none.
    pub fn with_ranked_cache(mut self, matches: usize) -> Index {
        self.ranked = (matches > 0).then(|| RankedCache::new(matches));
        self
    }

    /// Opens an existing index for searching.
    pub fn open(dir: impl AsRef<Path>) -> Result<Index> {
        let dir = dir.as_ref();
        if !exists(dir) {
            return Err(Error::NoIndex(dir.to_path_buf()));
        }
        let config = read_config(dir)?;
        let (index, reader, read_only) = open_tantivy(dir).map_err(|e| e.of_index(dir))?;
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
        Ok(Index {
            dir: dir.to_path_buf(),
            index,
            fields,
            config,
            reader,
            dictionary,
            facets: FacetCounter::default(),
            ranked: None,
            read_only,
        })
    }

    /// Creates an empty index in `dir` (which may exist, but must not hold an index), with the
    /// given user dictionary. Returns it with the jieba built for indexing.
    fn create(dir: &Path, user_dict: Option<&Path>) -> Result<(Index, Jieba)> {
        let refused = |e: std::io::Error| match read_only::is_read_only(&e) {
            true => Error::ReadOnly(dir.to_path_buf()),
            false => Error::io(dir, e),
        };
        std::fs::create_dir_all(dir).map_err(refused)?;
        // A folder that cannot be written says so now, rather than as a failure to write the
        // dictionary (the probe is an unnamed file, gone when closed).
        tempfile::tempfile_in(dir).map_err(refused)?;
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
        let directory = MmapDirectory::open(dir)
            .map_err(|e| Error::io(dir, std::io::Error::other(e.to_string())))?;
        let _lock = directory
            .acquire_lock(&INDEX_WRITER_LOCK)
            .map_err(|e| map_lock_error(dir, tantivy::TantivyError::LockFailure(e, None)))?;
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

    /// Checks the index in `dir` without writing to it: every file against its checksum, its
    /// configuration and dictionary, the link of every passage to its article. An index
    /// that cannot be opened is checked too; only a missing one is an error.
    pub fn check(dir: impl AsRef<Path>) -> Result<check::CheckReport> {
        check::check(dir.as_ref())
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

    /// Registers the tokenizers that indexing needs.
    fn register_tokenizers(&self) {
        let tokenizers = self.index.tokenizers();
        tokenizers.register(GRAMS, GramTokenizer::default());
        tokenizers.register(PAIRS, PairTokenizer::default());
    }

    /// Runs a read of the index, its failures on a damaged file said as such.
    fn reading<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        crate::error::reading(&self.dir, read)
    }

    /// Whether the index was opened from a folder that cannot be written (searched without a
    /// lock, never indexed).
    pub fn is_read_only(&self) -> bool {
        self.read_only
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
        self.reader
            .reload()
            .map_err(|e| Error::from(e).of_index(&self.dir))
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

    /// A view of the index as of the last reload, for one search or statistics run.
    pub(crate) fn view(&self) -> IndexView {
        IndexView::new(self.reader.searcher(), self.fields)
    }

    /// The words a query term is cut into: the text normalised, then cut by jieba with the
    /// index's dictionary, as searches cut it (tokens without a letter, digit or Han
    /// character left out).
    pub fn words(&self, text: &str) -> Vec<String> {
        let normalized = crate::analysis::normalize(text);
        let words = crate::analysis::query_words(&self.dictionary, &normalized);
        words.into_iter().map(str::to_string).collect()
    }

    /// What analysis makes of `text` with the index's dictionary and these synonym groups:
    /// its normalised form, its query words, the grams they are looked up as, its synonyms,
    /// the words and grams a passage of it is indexed as (`gonghui analyze`).
    pub fn analyze(&self, text: &str, synonyms: &Synonyms) -> Analysis {
        crate::analysis::report::analyze(&self.dictionary, synonyms, text)
    }

    /// Counts the articles and passages of the index.
    pub fn counts(&self) -> Result<Counts> {
        self.reading(|| self.view().counts())
    }

    /// Searches the index. See the README ("Searching") for the query syntax.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        self.search_hits(query, options)?.collect_results()
    }

    /// Ranks the matches of a query and returns its hits to be read one by one, for writing
    /// many hits (`-n 0`) as they come with memory that does not grow with their number.
    pub fn search_hits(&self, query: &str, options: &SearchOptions) -> Result<Hits> {
        self.reading(|| {
            let cache = self.ranked.as_ref();
            crate::search::hits(
                self.view(),
                &self.dictionary,
                &self.dir,
                query,
                options,
                cache,
                Scoring::Ranked,
            )
        })
    }

    /// The figures of this index that the scores of `query` read, to be summed with those of
    /// the other shards of a collection (see [`Statistics`]).
    pub fn statistics(&self, query: &str, options: &SearchOptions) -> Result<Statistics> {
        self.reading(|| crate::search::statistics(&self.view(), &self.dictionary, query, options))
    }

    /// The tokens of each indexed text field of the articles and passages, by field name: the
    /// per-field totals a shard's manifest records (`gonghui.ray`). The index's records of the
    /// files it read are left out (every shard of a corpus records every file).
    pub fn token_totals(&self) -> Result<BTreeMap<String, u64>> {
        self.reading(|| {
            let view = self.view();
            let schema = view.searcher().schema();
            let bookkeeping = [self.fields.kind, self.fields.file_key];
            let mut totals = BTreeMap::new();
            for (field, entry) in schema.fields() {
                let indexed = matches!(entry.field_type(),
                    tantivy::schema::FieldType::Str(options) if options.get_indexing_options().is_some());
                if !indexed || bookkeeping.contains(&field) {
                    continue;
                }
                let mut tokens = 0;
                for segment in view.segments() {
                    tokens += segment.reader().inverted_index(field)?.total_num_tokens();
                }
                totals.insert(entry.name().to_string(), tokens);
            }
            Ok(totals)
        })
    }

    /// The hits of `query` at these addresses, with these scores and ranks (a shard's hits of a
    /// root's page, see [`crate::ShardStep`]).
    pub(crate) fn hits_at(
        &self,
        query: &str,
        options: &SearchOptions,
        entries: &[(tantivy::DocAddress, f32, usize)],
    ) -> Result<Vec<crate::Hit>> {
        self.reading(|| {
            crate::search::hits_at(&self.view(), &self.dictionary, query, options, entries)
        })
    }

    /// The highest BM25 among the matches of `query` in this index, scored with the
    /// collection's figures of `options.statistics` (a shard's second step, see
    /// [`Statistics`]); the ranking is kept for the search that follows when the index keeps
    /// rankings ([`Index::with_ranked_cache`]).
    pub fn best_bm25(&self, query: &str, options: &SearchOptions) -> Result<f32> {
        self.reading(|| {
            let ranking = crate::search::ranking(
                &self.view(),
                &self.dictionary,
                query,
                options,
                self.ranked.as_ref(),
                Scoring::Ranked,
            )?;
            Ok(ranking.ranked.best_bm25)
        })
    }

    /// Every occurrence of the query's terms in the passages that match, in its context
    /// (`gonghui kwic`), read as the lines are taken.
    pub fn concordance(&self, query: &str, options: &ConcordanceOptions) -> Result<Concordance> {
        let scoring = match options.sort {
            LineSort::Score => Scoring::Ranked,
            _ => Scoring::Unscored,
        };
        self.reading(|| {
            let search = options.search_options();
            let hits = crate::search::hits(
                self.view(),
                &self.dictionary,
                &self.dir,
                query,
                &search,
                self.ranked.as_ref(),
                scoring,
            )?;
            Concordance::new(hits, options)
        })
    }

    /// The words found near the query's matches more often than the archive leads one to
    /// expect, best first (`gonghui collocates`; see [`crate::Collocates`]).
    pub fn collocates(&self, query: &str, options: &CollocateOptions) -> Result<Vec<Collocates>> {
        self.reading(|| {
            let view = self.view();
            crate::collocates::collocates(&view, &self.dictionary, &self.dir, query, options)
        })
    }

    /// Counts the passages that match, without ranking or reading them.
    pub fn count(&self, query: &str, options: &SearchOptions) -> Result<usize> {
        self.reading(|| crate::search::count(&self.view(), &self.dictionary, query, options))
    }

    /// Counts the passages matching a search by year and by source: all of them, not only
    /// the hits taken. What counting keeps (each article's source) is kept while the index
    /// does not change.
    pub fn facets(&self, hits: &Hits) -> Result<Facets> {
        self.reading(|| self.facets.count(hits))
    }

    /// Builds what counting facets needs for the index as it is now, so that no search waits
    /// for it (a server does this after each reload).
    pub fn prepare_facets(&self) -> Result<()> {
        self.reading(|| self.facets.prepare(&self.view()))
    }

    /// Counts the matches of each query per year or month (`by`), as passages or articles
    /// (`per`), beside the index's own totals per period; the options' dates and synonyms
    /// apply, the rest of them not (`gonghui trend`).
    pub fn trend(
        &self,
        queries: &[String],
        by: Period,
        per: Unit,
        options: &SearchOptions,
    ) -> Result<Trend> {
        self.reading(|| {
            crate::trend::trend(&self.view(), &self.dictionary, queries, by, per, options)
        })
    }

    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        self.reading(|| crate::stats::collect(&self.view(), &self.config, self.size_on_disk()))
    }

    /// The article with this id, as hits give it (without its reprints), if the index has it.
    pub fn article(&self, article_id: &str) -> Result<Option<ArticleInfo>> {
        self.reading(|| crate::hits::article(&self.view(), article_id))
    }

    /// The other copies of the article with this id, oldest first.
    pub fn reprints(&self, article_id: &str) -> Result<Vec<Reprint>> {
        self.reading(|| crate::reprints::of_article(&self.view(), article_id))
    }

    /// Counts the reprint groups of the index.
    pub fn reprint_groups(&self) -> Result<GroupCounts> {
        self.reading(|| crate::reprints::groups(&self.view()))
    }
}
