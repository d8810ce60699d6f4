//! Passages → index: an indexing run, incremental and safe to interrupt.
//!
//! Each file read is recorded in the index itself (a `file` document with its size, time,
//! content hash and how far it was read), committed together with its passages. A run skips
//! files whose record matches, replaces the passages of changed files, resumes a file that an
//! interrupted run committed part of, and with `prune` drops files that are gone. Commits come
//! every `commit_every` articles, so a killed run loses at most one batch, and tantivy's atomic
//! commits mean the index always opens with the last committed state.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use indicatif::ProgressBar;
use tantivy::indexer::IndexWriterOptions;
use tantivy::{IndexWriter, TantivyDocument, Term};
use tantivy_jieba::jieba_rs::Jieba;

use super::added_keys::AddedKeys;
use super::documents::Indexed;
use super::merges::BoundedMerges;
pub use super::options::{IndexOptions, IndexReport};
use super::records::FileState;
use super::schema::{Fields, article_key};
use super::{Index, exists, map_lock_error};
use crate::analysis::dictionary::WordList;
use crate::articles::Article;
use crate::dates::day_number;
use crate::error::{Error, Result};
use crate::files::{self, InputFile, Skipped};
use crate::reprints::{Signature, Stories, normalized_and_signed};

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

/// Indexes the files under `paths` into the index at `dir`, creating it when needed.
pub fn index_paths(dir: &Path, paths: &[PathBuf], options: &IndexOptions) -> Result<IndexReport> {
    let mut indexer = Indexer::open(dir, options)?;
    if options.prune {
        indexer.prune(paths)?;
    }
    indexer.add_paths(paths)?;
    indexer.finish()
}

/// The jieba that cuts the passages of an existing index: built from its stored dictionary,
/// or from `user_dict` when it is given again, which must be the dictionary it was built with.
fn indexing_jieba(index: &Index, user_dict: Option<&Path>) -> Result<Jieba> {
    let Some(user_dict) = user_dict else {
        return index.indexing_jieba();
    };
    let (words, jieba) = WordList::load(Some(user_dict))?;
    let analyzer = &index.config.analyzer;
    if words.hash != analyzer.dictionary_hash {
        return Err(Error::Incompatible(format!(
            "the index at {} was built with another dictionary ({}); add --rebuild to rebuild \
             it with {}",
            index.dir().display(),
            analyzer.user_dictionary.as_deref().unwrap_or("jieba's own"),
            user_dict.display()
        )));
    }
    Ok(jieba)
}

/// The index's writer, with the run's threads, memory and merge policy.
fn writer(index: &Index, options: &IndexOptions) -> Result<IndexWriter<TantivyDocument>> {
    if index.read_only {
        return Err(Error::ReadOnly(index.dir().to_path_buf()));
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    // Two merges at a time (tantivy's default is four): each maps a bounded number of
    // documents of segments (see `merges`), and four at once took a large run over 1 GiB; one
    // at a time left a core idle while the last merges ran.
    let writer_options = IndexWriterOptions::builder()
        .num_worker_threads(threads)
        .memory_budget_per_thread((options.memory_mib.max(threads * 20) << 20) / threads)
        .num_merge_threads(2)
        .build();
    let writer: IndexWriter<TantivyDocument> = index
        .index
        .writer_with_options(writer_options)
        .map_err(|e| map_lock_error(index.dir(), e))?;
    writer.set_merge_policy(Box::new(BoundedMerges::default()));
    Ok(writer)
}

/// An indexing run: holds the index's writer lock until [`Indexer::finish`].
///
/// ```
/// use gonghui::{Article, IndexOptions, Indexer};
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
    /// The ids of the articles to index, when not all.
    only: Option<Arc<HashSet<String>>>,
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
            let jieba = indexing_jieba(&index, options.user_dict.as_deref())?;
            (index, jieba)
        } else {
            Index::create(dir, options.user_dict.as_deref())?
        };
        index.register_tokenizers();
        let writer = writer(&index, options)?;
        let view = index.view();
        let stories = Stories::load(&view, index.dir())?;
        let records = FileState::load(&view)?;
        let had_passages = view.counts()?.articles > 0;
        Ok(Indexer {
            fields: *index.fields(),
            index,
            jieba,
            writer,
            stories,
            records,
            added_keys: AddedKeys::default(),
            had_passages,
            current: None,
            since_commit: 0,
            commit_every: options.commit_every.max(1),
            progress: options.progress,
            only: options.only.clone(),
            report: IndexReport::default(),
            started,
        })
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
        let progress = files::progress_bar(total_bytes, self.progress);
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
        let hash = match file.content_hash() {
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
                    if self
                        .only
                        .as_ref()
                        .is_some_and(|only| !only.contains(&article.id))
                    {
                        return true;
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
    /// kept, with its signature for finding the others (README, "Reprints"). Returns false,
    /// adding nothing, when the article has no paragraphs.
    pub fn add_article(&mut self, article: &Article) -> Result<bool> {
        if article.passages.is_empty() {
            self.report
                .skipped
                .push(Skipped::without_paragraphs(article));
            return Ok(false);
        }
        let (texts, signature) = normalized_and_signed(article);
        let signature_bytes = signature.as_ref().map(Signature::to_bytes);
        let date = crate::dates::to_datetime(&article.date);
        let story = self
            .stories
            .assign(&article.id, signature, date.map(day_number))?;
        let key = article_key(&article.id);
        self.replace_earlier(key);
        let indexed = Indexed {
            article,
            key,
            story,
            date,
            signature: signature_bytes,
        };
        self.writer
            .run(indexed.batch(&self.fields, &self.jieba, texts))?;
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

    /// Deletes the article with this key, when the index or this run can hold one.
    fn replace_earlier(&mut self, key: u64) {
        let seen_in_run = self.added_keys.insert(key);
        if self.had_passages || seen_in_run {
            self.writer
                .delete_term(Term::from_field_u64(self.fields.article_key, key));
        }
    }

    fn write_record(&mut self, state: &FileState) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.file_key, &state.path));
        // Queuing fails only when the writer is gone, which the next commit reports.
        let _ = self.writer.add_document(state.document(&self.fields));
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
        let counts = self.index.counts()?;
        self.report.total_articles = counts.articles;
        self.report.total_passages = counts.passages;
        self.report.seconds = self.started.elapsed().as_secs_f64();
        self.report.index_bytes = self.index.size_on_disk();
        Ok(self.report)
    }
}
