//! Passages → index: an indexing run, incremental and safe to interrupt.
//!
//! Each file read is recorded in the index itself (a `file` document with its size, time,
//! content hash and how far it was read), committed together with its passages. A run skips
//! files whose record matches, replaces the passages of changed files, resumes a file that an
//! interrupted run committed part of, and with `prune` drops files that are gone. Commits come
//! every `commit_every` articles, so a killed run loses at most one batch, and tantivy's atomic
//! commits mean the index always opens with the last committed state.

use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::index::SegmentId;
use tantivy::indexer::{
    IndexWriterOptions, LogMergePolicy, MergeCandidate, MergePolicy, UserOperation,
};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, SegmentMeta, TantivyDocument, Term};
use tantivy_jieba::jieba_rs::Jieba;
use xxhash_rust::xxh3::Xxh3;

use super::schema::{Fields, KIND_ARTICLE, KIND_FILE, KIND_PASSAGE, shape_value};
use super::{Index, exists, map_lock_error};
use crate::analysis::dictionary::WordList;
use crate::analysis::words::word_bounds;
use crate::analysis::{normalize, shape};
use crate::articles::Article;
use crate::error::{Error, Result};
use crate::files::{self, InputFile, Skipped};
use crate::reprints::{Signature, Stories};

/// How to run an indexing job.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Start from an empty index.
    pub rebuild: bool,
    /// Remove the passages of recorded files that no longer exist.
    pub prune: bool,
    /// A user dictionary (`word [freq] [tag]` lines) for a new index.
    pub user_dict: Option<PathBuf>,
    /// Articles between commits.
    pub commit_every: usize,
    /// Indexing threads; 0 for one per core.
    pub threads: usize,
    /// Memory for indexing, in MiB, shared by the threads: each thread writes a segment when
    /// its share is full. Larger shares index no faster (128 and 512 MiB took the same CPU
    /// time on the news corpus); they only hold more, and 256 MiB took a run of ten times the
    /// news corpus over 1 GiB.
    pub memory_mib: usize,
    /// Show a progress bar on a terminal.
    pub progress: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            rebuild: false,
            prune: false,
            user_dict: None,
            commit_every: 100_000,
            threads: 0,
            memory_mib: 192,
            progress: false,
        }
    }
}

/// What an indexing run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IndexReport {
    /// Articles and passages added by this run.
    pub articles: usize,
    pub passages: usize,
    /// Files read, found unchanged, replaced (changed since the last run), and pruned.
    pub files_read: usize,
    pub files_unchanged: usize,
    pub files_replaced: usize,
    pub files_pruned: usize,
    /// What could not be read, with why.
    pub skipped: Vec<Skipped>,
    /// Articles and passages in the index after the run.
    pub total_articles: usize,
    pub total_passages: usize,
    pub seconds: f64,
    pub index_bytes: u64,
}

/// The record of one indexed file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FileState {
    path: String,
    size: u64,
    modified: i64,
    hash: String,
    /// False while a run is part-way through the file.
    complete: bool,
    /// Lines read and committed (JSON Lines), to resume from.
    lines_done: usize,
}

/// The article keys added by a run, as a Bloom filter of fixed size, so that memory does not
/// grow with the corpus. A key that seems added already makes the run delete the article's
/// earlier copy; when it was not (one key in 12,000 at a million articles, one in ten million
/// at 100,000), the delete finds nothing.
struct AddedKeys(Vec<u64>);

impl AddedKeys {
    /// 2^26 bits: 8 MiB, taken from the system as they are first written.
    const BITS: u64 = 1 << 26;
    /// Odd multipliers giving the filter's three bit positions from a key (already a hash).
    const MIXERS: [u64; 3] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
    ];

    /// Adds `key`; true when it was (probably) added before.
    fn insert(&mut self, key: u64) -> bool {
        let mut seen = true;
        for mixer in Self::MIXERS {
            let bit = key.wrapping_mul(mixer) >> (64 - Self::BITS.trailing_zeros());
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            seen &= self.0[word] & mask != 0;
            self.0[word] |= mask;
        }
        seen
    }
}

impl Default for AddedKeys {
    fn default() -> Self {
        AddedKeys(vec![0; (Self::BITS / 64) as usize])
    }
}

/// What a run does with a file.
enum Plan {
    Skip,
    /// Read it all, after removing what an earlier version of it left.
    Read {
        hash: String,
        replaces: bool,
    },
    /// Read on after the lines an interrupted run committed.
    Resume {
        hash: String,
        lines_done: usize,
    },
}

/// Most documents one merge takes in (about 180 MB of index). A merge reads its segments
/// through memory maps, whose pages count as the process's memory, and holds maps of their
/// documents and terms: bounding its input bounds the memory of a run whatever the corpus
/// size, at the price of one segment per this many documents in a large index.
const MERGE_MAX_DOCS: u32 = 300_000;

/// tantivy's log merge policy (merge eight segments of a size), with no merge taking in more
/// than [`MERGE_MAX_DOCS`] documents.
#[derive(Debug)]
struct BoundedMerges(LogMergePolicy);

impl Default for BoundedMerges {
    fn default() -> Self {
        let mut policy = LogMergePolicy::default();
        // A segment of more than half the bound could only be merged with smaller ones.
        policy.set_max_docs_before_merge(MERGE_MAX_DOCS as usize / 2);
        BoundedMerges(policy)
    }
}

/// Splits the segments, in order, into runs of at most [`MERGE_MAX_DOCS`] documents; runs of
/// one segment are left out.
fn bounded_merges(segments: &[(SegmentId, u32)]) -> Vec<MergeCandidate> {
    let mut merges = Vec::new();
    let mut group = Vec::new();
    let mut docs = 0;
    for &(id, n) in segments {
        if docs + n > MERGE_MAX_DOCS {
            if group.len() > 1 {
                merges.push(MergeCandidate(std::mem::take(&mut group)));
            }
            group.clear();
            docs = 0;
        }
        group.push(id);
        docs += n;
    }
    if group.len() > 1 {
        merges.push(MergeCandidate(group));
    }
    merges
}

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        self.0
            .compute_merge_candidates(segments)
            .into_iter()
            .flat_map(|MergeCandidate(ids)| {
                let sized: Vec<(SegmentId, u32)> = ids
                    .into_iter()
                    .map(|id| (id, docs.get(&id).copied().unwrap_or(0)))
                    .collect();
                bounded_merges(&sized)
            })
            .collect()
    }
}

fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(format!("{:032x}", hasher.digest128()));
        }
        hasher.update(&buf[..n]);
    }
}

/// Indexes the files under `paths` into the index at `dir`, creating it when needed.
pub fn index_paths(dir: &Path, paths: &[PathBuf], options: &IndexOptions) -> Result<IndexReport> {
    let mut indexer = Indexer::open(dir, options)?;
    if options.prune {
        indexer.prune(paths)?;
    }
    indexer.add_paths(paths)?;
    indexer.finish()
}

/// An indexing run: holds the index's writer lock until [`Indexer::finish`].
///
/// ```
/// use gonghui::articles::Article;
/// use gonghui::index::writer::{IndexOptions, Indexer};
///
/// # fn main() -> gonghui::Result<()> {
/// # let dir = tempfile::tempdir().unwrap();
/// let mut indexer = Indexer::open(dir.path(), &IndexOptions::default())?;
/// let mut article = Article::new("gr-2022-05-01-1", "劳模风采", "王师傅扎根一线三十年。\n他带出了三十名徒弟。");
/// article.source = "工人日报".into();
/// article.date = "2022-05-01".into();
/// indexer.add_article(&article)?;
/// let report = indexer.finish()?;
/// assert_eq!(report.total_passages, 2);
///
/// let index = gonghui::Index::open(dir.path())?;
/// let results = index.search("徒弟", &Default::default())?;
/// assert_eq!(results.hits[0].article.source, "工人日报");
/// # Ok(())
/// # }
/// ```
pub struct Indexer {
    index: Index,
    /// Cuts passages into words for their word bounds.
    jieba: Jieba,
    fields: Fields,
    writer: IndexWriter<TantivyDocument>,
    records: HashMap<String, FileState>,
    /// The story of every article met, to give a reprint its original's.
    stories: Stories,
    /// Keys of the articles added by this run, and whether the index held any before: an
    /// article replaces one with the same id only when there can be one.
    added_keys: AddedKeys,
    had_passages: bool,
    /// The file being read, recorded with each commit so an interrupted run can resume it.
    current: Option<FileState>,
    since_commit: usize,
    commit_every: usize,
    progress: bool,
    report: IndexReport,
    started: Instant,
}

impl Indexer {
    /// Opens the index at `dir` for indexing, creating it (or, with `rebuild`, emptying it)
    /// first. Fails when another `gonghui index` holds it.
    pub fn open(dir: &Path, options: &IndexOptions) -> Result<Indexer> {
        let started = Instant::now();
        if options.rebuild {
            Index::remove(dir)?;
        }
        let (index, jieba) = if exists(dir) {
            let index = Index::open(dir)?;
            let jieba = match &options.user_dict {
                Some(user_dict) => {
                    let (words, jieba) = WordList::load(Some(user_dict))?;
                    if words.hash != index.config.analyzer.dictionary_hash {
                        return Err(Error::Incompatible(format!(
                            "the index at {} was built with another dictionary ({}); add \
                             --rebuild to rebuild it with {}",
                            dir.display(),
                            index
                                .config
                                .analyzer
                                .user_dictionary
                                .as_deref()
                                .unwrap_or("jieba's own"),
                            user_dict.display()
                        )));
                    }
                    jieba
                }
                None => index.indexing_jieba()?,
            };
            (index, jieba)
        } else {
            Index::create(dir, options.user_dict.as_deref())?
        };
        index.register_tokenizers();

        let threads = match options.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        // Two merges at a time (tantivy's default is four): each maps up to MERGE_MAX_DOCS
        // documents of segments, and four at once took a large run over 1 GiB; one at a time
        // left a core idle while the last merges ran.
        let writer_options = IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread((options.memory_mib.max(threads * 20) << 20) / threads)
            .num_merge_threads(2)
            .build();
        let writer: IndexWriter<TantivyDocument> = index
            .index
            .writer_with_options(writer_options)
            .map_err(|e| map_lock_error(dir, e))?;
        writer.set_merge_policy(Box::new(BoundedMerges::default()));
        let fields = *index.fields();
        let stories = Stories::load(&index)?;
        let mut indexer = Indexer {
            index,
            jieba,
            fields,
            writer,
            stories,
            records: HashMap::new(),
            added_keys: AddedKeys::default(),
            had_passages: false,
            current: None,
            since_commit: 0,
            commit_every: options.commit_every.max(1),
            progress: options.progress,
            report: IndexReport::default(),
            started,
        };
        indexer.load_records()?;
        indexer.had_passages = crate::stats::counts(&indexer.index)?.articles > 0;
        Ok(indexer)
    }

    fn load_records(&mut self) -> Result<()> {
        let searcher = self.index.searcher();
        let kind_file = TermQuery::new(
            Term::from_field_text(self.fields.kind, KIND_FILE),
            IndexRecordOption::Basic,
        );
        for address in searcher.search(&kind_file, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let state = doc
                .get_first(self.fields.file_state)
                .and_then(|v| tantivy::schema::Value::as_str(&v))
                .and_then(|json| serde_json::from_str::<FileState>(json).ok());
            if let Some(state) = state {
                self.records.insert(state.path.clone(), state);
            }
        }
        Ok(())
    }

    /// Removes a file's passages (an older version of it, or a file that is gone).
    fn forget_file(&mut self, path: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.path, path));
    }

    /// Indexes the files under `paths`: new files, changed files (replacing their passages)
    /// and files an interrupted run left part-way; unchanged files are skipped.
    pub fn add_paths(&mut self, paths: &[PathBuf]) -> Result<()> {
        let (input, skipped) = files::discover(paths);
        self.report.skipped.extend(skipped);
        let plans: Vec<Plan> = input.iter().map(|file| self.plan(file)).collect();

        let total_bytes: u64 = input.iter().map(|f| f.size).sum();
        let progress = if self.progress
            && std::io::stderr().is_terminal()
            && total_bytes > (8 << 20)
        {
            ProgressBar::new(total_bytes).with_style(
                ProgressStyle::with_template(
                    "{spinner} indexing [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
                )
                .expect("the progress template is valid")
                .progress_chars("=> "),
            )
        } else {
            ProgressBar::hidden()
        };
        for (file, plan) in input.iter().zip(plans) {
            self.read_file(file, plan, &progress)?;
        }
        progress.finish_and_clear();
        Ok(())
    }

    /// Removes the passages of recorded files under `paths` that no longer exist.
    pub fn prune(&mut self, paths: &[PathBuf]) -> Result<()> {
        let roots: Vec<PathBuf> = paths.iter().map(|p| files::clean(p)).collect();
        let gone: Vec<String> = self
            .records
            .keys()
            .filter(|path| {
                let path = Path::new(path);
                roots.iter().any(|root| path.starts_with(root)) && !path.exists()
            })
            .cloned()
            .collect();
        for path in gone {
            self.forget_file(&path);
            self.writer
                .delete_term(Term::from_field_text(self.fields.file_key, &path));
            self.records.remove(&path);
            self.report.files_pruned += 1;
        }
        Ok(())
    }

    fn plan(&mut self, file: &InputFile) -> Plan {
        if file.is_stdin() {
            return Plan::Read {
                hash: String::new(),
                replaces: false,
            };
        }
        let name = file.name();
        let record = self.records.get(&name).cloned();
        if let Some(r) = &record
            && r.complete
            && r.size == file.size
            && r.modified == file.modified
        {
            self.report.files_unchanged += 1;
            return Plan::Skip;
        }
        let hash = match content_hash(&file.path) {
            Ok(hash) => hash,
            Err(e) => {
                self.report.skipped.push(Skipped {
                    place: name,
                    reason: e.to_string(),
                });
                return Plan::Skip;
            }
        };
        match record {
            Some(r) if r.hash == hash && r.complete => {
                // Touched but not changed: only the record's time is new.
                self.write_record(&FileState {
                    size: file.size,
                    modified: file.modified,
                    ..r
                });
                self.report.files_unchanged += 1;
                Plan::Skip
            }
            Some(r) if r.hash == hash => Plan::Resume {
                hash,
                lines_done: r.lines_done,
            },
            Some(_) => Plan::Read {
                hash,
                replaces: true,
            },
            None => Plan::Read {
                hash,
                replaces: false,
            },
        }
    }

    fn read_file(&mut self, file: &InputFile, plan: Plan, progress: &ProgressBar) -> Result<()> {
        let (hash, skip_lines) = match plan {
            Plan::Skip => {
                progress.inc(file.size);
                return Ok(());
            }
            Plan::Read { hash, replaces } => {
                if replaces {
                    self.report.files_replaced += 1;
                }
                if !file.is_stdin() {
                    self.forget_file(&file.name());
                }
                (hash, 0)
            }
            Plan::Resume { hash, lines_done } => (hash, lines_done),
        };
        self.report.files_read += 1;
        if !file.is_stdin() {
            self.current = Some(FileState {
                path: file.name(),
                size: file.size,
                modified: file.modified,
                hash,
                complete: false,
                lines_done: skip_lines,
            });
        }
        let mut failure = None;
        files::read_articles(file, skip_lines, progress, |item| {
            let result = match item {
                Ok((line, article)) => {
                    if let Some(current) = &mut self.current {
                        current.lines_done = line;
                    }
                    self.add_article(&article).map(|_| ())
                }
                Err(skipped) => {
                    self.report.skipped.push(skipped);
                    Ok(())
                }
            };
            match result {
                Ok(()) => true,
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        if let Some(mut state) = self.current.take() {
            state.complete = true;
            self.write_record(&state);
        }
        Ok(())
    }

    /// Adds an article, replacing any article with the same id. Every copy of a story is
    /// kept, with its signature for finding the others ([`crate::reprints`]). Returns false,
    /// adding nothing, when the article has no paragraphs.
    pub fn add_article(&mut self, article: &Article) -> Result<bool> {
        if article.passages.is_empty() {
            self.report.skipped.push(Skipped {
                place: if article.path.is_empty() {
                    article.id.clone()
                } else {
                    article.path.clone()
                },
                reason: format!("\"{}\" has no paragraphs after clean-up", article.title),
            });
            return Ok(false);
        }
        // Normalised once, for the signature and for indexing.
        let texts: Vec<String> = article
            .passages
            .iter()
            .map(|p| normalize(&p.text))
            .collect();
        let signature = Signature::of(texts.iter().map(String::as_str));
        let signature_bytes = signature.as_ref().map(Signature::to_bytes);
        let date = crate::dates::to_datetime(&article.date);
        let day = date.map(crate::reprints::day_of);
        let story = self.stories.assign(&article.id, signature, day)?;
        let f = &self.fields;
        let article_key = super::schema::article_key(&article.id);
        let seen_id = self.added_keys.insert(article_key);
        if self.had_passages || seen_id {
            self.writer
                .delete_term(Term::from_field_u64(f.article_key, article_key));
        }
        let add_keys = |doc: &mut TantivyDocument, kind: &str| {
            doc.add_text(f.kind, kind);
            doc.add_u64(f.article_key, article_key);
            doc.add_text(f.path, &article.path);
            if let Some(date) = date {
                doc.add_date(f.date, date);
            }
        };

        // The article's document holds its metadata and indexes its title and source once;
        // its passages follow it in the same segment (one batch), each storing how far back
        // it is, so that a hit reads the metadata from there.
        let mut batch = Vec::with_capacity(article.passages.len() + 1);
        let mut doc = TantivyDocument::new();
        add_keys(&mut doc, KIND_ARTICLE);
        doc.add_u64(f.own_key, article_key);
        doc.add_u64(f.story, story);
        doc.add_text(f.article_id, &article.id);
        doc.add_text(f.title.stored, &article.title);
        doc.add_text(f.source.stored, &article.source);
        doc.add_text(f.date_text, &article.date);
        doc.add_text(f.time, &article.time);
        doc.add_text(f.url, &article.url);
        doc.add_text(f.path_text, &article.path);
        doc.add_text(f.title.grams, normalize(&article.title));
        if !article.source.is_empty() {
            doc.add_text(f.source.grams, normalize(&article.source));
            doc.add_text(f.source_name, &article.source);
        }
        doc.add_u64(f.shape, 0);
        if let Some(bytes) = &signature_bytes {
            doc.add_bytes(f.reprint_signature, bytes);
        }
        batch.push(UserOperation::Add(doc));

        let continuations = crate::passages::continuations(&article.passages);
        for (((passage, mut text), continuation), back) in article
            .passages
            .iter()
            .zip(texts)
            .zip(continuations)
            .zip(1u64..)
        {
            let mut doc = TantivyDocument::new();
            add_keys(&mut doc, KIND_PASSAGE);
            doc.add_u64(f.article_back, back);
            doc.add_text(f.text.stored, &passage.text);
            if !continuation.is_empty() {
                doc.add_text(f.continuation, continuation);
                text.push_str(&normalize(continuation));
            }
            for bits in word_bounds(&self.jieba, &text) {
                doc.add_u64(f.word_bounds, bits);
            }
            doc.add_text(f.text.grams, text);
            if !passage.section.is_empty() {
                doc.add_text(f.section.stored, &passage.section);
                doc.add_text(f.section.grams, normalize(&passage.section));
            }
            doc.add_u64(f.para, passage.para as u64);
            if passage.part > 0 {
                doc.add_u64(f.part, passage.part as u64);
            }
            doc.add_u64(
                f.shape,
                shape_value(
                    shape::chars(&passage.text),
                    shape::list_marks(&passage.text),
                ),
            );
            batch.push(UserOperation::Add(doc));
        }
        self.writer.run(batch)?;
        self.report.articles += 1;
        self.report.passages += article.passages.len();
        self.since_commit += 1;
        if self.since_commit >= self.commit_every {
            if let Some(state) = self.current.clone() {
                self.write_record(&state);
            }
            self.commit()?;
        }
        Ok(true)
    }

    fn write_record(&mut self, state: &FileState) {
        let f = &self.fields;
        self.writer
            .delete_term(Term::from_field_text(f.file_key, &state.path));
        let mut doc = TantivyDocument::new();
        doc.add_text(f.kind, KIND_FILE);
        doc.add_u64(f.shape, 0);
        doc.add_text(f.file_key, &state.path);
        doc.add_text(
            f.file_state,
            serde_json::to_string(state).expect("a file record serialises"),
        );
        // Queuing fails only when the writer is gone, which the next commit reports.
        let _ = self.writer.add_document(doc);
        self.records.insert(state.path.clone(), state.clone());
    }

    /// Makes everything added so far durable and visible to new searches.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        self.since_commit = 0;
        Ok(())
    }

    /// Commits, waits for segment merges, and reports.
    pub fn finish(mut self) -> Result<IndexReport> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        self.index.reload()?;
        let counts = crate::stats::counts(&self.index)?;
        self.report.total_articles = counts.articles;
        self.report.total_passages = counts.passages;
        self.report.seconds = self.started.elapsed().as_secs_f64();
        self.report.index_bytes = self.index.size_on_disk();
        Ok(self.report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_keys_remember_every_key() {
        let mut added = AddedKeys::default();
        let keys: Vec<u64> = (0..200_000u64)
            .map(|n| super::super::schema::article_key(&format!("article-{n}")))
            .collect();
        let false_positives = keys.iter().filter(|&&key| added.insert(key)).count();
        assert!(false_positives <= 2, "{false_positives} false positives");
        assert!(keys.iter().all(|&key| added.insert(key)));
    }

    #[test]
    fn merges_are_cut_to_the_bound() {
        let ids: Vec<SegmentId> = (0..5).map(|_| SegmentId::generate_random()).collect();
        let half = MERGE_MAX_DOCS / 2;
        let sized = [
            (ids[0], half),
            (ids[1], half),
            (ids[2], half),
            (ids[3], 10),
            (ids[4], 10),
        ];
        let merges: Vec<Vec<SegmentId>> = bounded_merges(&sized)
            .into_iter()
            .map(|MergeCandidate(ids)| ids)
            .collect();
        assert_eq!(
            merges,
            vec![vec![ids[0], ids[1]], vec![ids[2], ids[3], ids[4]]]
        );
        // A segment alone is no merge.
        assert!(bounded_merges(&[(ids[0], MERGE_MAX_DOCS), (ids[1], 1)]).is_empty());
    }
}
