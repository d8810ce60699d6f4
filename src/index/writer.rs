//! Passages → index: an indexing run, incremental and safe to interrupt.
//!
//! Each file read is recorded in the index itself (a `file` document with its size, time,
//! content hash and how far it was read), committed together with its passages. A run skips
//! files whose record matches, replaces the passages of changed files, resumes a file that an
//! interrupted run committed part of, and with `prune` drops files that are gone. Commits come
//! every `commit_every` articles, so a killed run loses at most one batch, and tantivy's atomic
//! commits mean the index always opens with the last committed state.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, TantivyDocument, Term};
use xxhash_rust::xxh3::Xxh3;

use super::schema::{Fields, KIND_FILE, KIND_PASSAGE};
use super::{Index, exists, map_lock_error};
use crate::analysis::dictionary::WordList;
use crate::analysis::normalize;
use crate::articles::Article;
use crate::error::{Error, Result};
use crate::files::{self, InputFile, Skipped};

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
    /// Memory for indexing, in MiB, shared by the threads.
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
            commit_every: 20_000,
            threads: 0,
            memory_mib: 512,
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
    /// Articles not added because the same body is already indexed.
    pub duplicates: usize,
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
    let started = Instant::now();
    if options.rebuild {
        Index::remove(dir)?;
    }
    let (index, jieba) = if exists(dir) {
        let index = Index::open(dir)?;
        if let Some(user_dict) = &options.user_dict {
            let (words, jieba) = WordList::load(Some(user_dict))?;
            if words.hash != index.config.analyzer.dictionary_hash {
                return Err(Error::Incompatible(format!(
                    "the index at {} was built with another dictionary ({}); add --rebuild to \
                     rebuild it with {}",
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
            (index, jieba)
        } else {
            let jieba = index.indexing_jieba()?;
            (index, jieba)
        }
    } else {
        Index::create(dir, options.user_dict.as_deref())?
    };
    index.register_tokenizers(jieba);

    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let writer: IndexWriter<TantivyDocument> = index
        .index
        .writer_with_num_threads(threads, options.memory_mib.max(threads * 20) << 20)
        .map_err(|e| map_lock_error(dir, e))?;

    let mut run = Run::new(&index, writer, options)?;
    let (input, skipped) = files::discover(paths);
    run.report.skipped.extend(skipped);

    let mut plans = Vec::with_capacity(input.len());
    for file in &input {
        plans.push(run.plan(file));
    }
    if options.prune {
        run.prune(&input)?;
    }
    let replaced: Vec<&str> = input
        .iter()
        .zip(&plans)
        .filter(|(_, plan)| matches!(plan, Plan::Read { replaces: true, .. }))
        .map(|(file, _)| file.path.to_str().unwrap_or_default())
        .collect();
    run.load_seen_bodies(&replaced)?;

    let total_bytes: u64 = input.iter().map(|f| f.size).sum();
    let progress = if options.progress && std::io::stderr().is_terminal() && total_bytes > (8 << 20)
    {
        ProgressBar::new(total_bytes).with_style(
            ProgressStyle::with_template(
                "{spinner} indexing [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
            )
            .expect("the progress template is valid")
            .progress_chars("=> "),
        )
    } else {
        ProgressBar::hidden()
    };
    for (file, plan) in input.iter().zip(plans) {
        run.read_file(file, plan, &progress)?;
    }
    progress.finish_and_clear();
    run.finish(started)
}

/// The state of one indexing run.
struct Run<'a> {
    index: &'a Index,
    fields: Fields,
    writer: IndexWriter<TantivyDocument>,
    records: HashMap<String, FileState>,
    seen_bodies: HashSet<u64>,
    since_commit: usize,
    commit_every: usize,
    /// True when the index held passages before this run (deletes by id are needed then).
    had_passages: bool,
    report: IndexReport,
}

impl<'a> Run<'a> {
    fn new(
        index: &'a Index,
        writer: IndexWriter<TantivyDocument>,
        options: &IndexOptions,
    ) -> Result<Run<'a>> {
        let fields = *index.fields();
        let searcher = index.searcher();
        let kind_file = TermQuery::new(
            Term::from_field_text(fields.kind, KIND_FILE),
            IndexRecordOption::Basic,
        );
        let mut records = HashMap::new();
        for address in searcher.search(&kind_file, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let state = doc
                .get_first(fields.file_state)
                .and_then(|v| tantivy::schema::Value::as_str(&v))
                .and_then(|json| serde_json::from_str::<FileState>(json).ok());
            if let Some(state) = state {
                records.insert(state.path.clone(), state);
            }
        }
        let had_passages = searcher.num_docs() > records.len() as u64;
        Ok(Run {
            index,
            fields,
            writer,
            records,
            seen_bodies: HashSet::new(),
            since_commit: 0,
            commit_every: options.commit_every.max(1),
            had_passages,
            report: IndexReport::default(),
        })
    }

    fn plan(&mut self, file: &InputFile) -> Plan {
        if file.is_stdin() {
            return Plan::Read {
                hash: String::new(),
                replaces: false,
            };
        }
        let name = file.name();
        let record = self.records.get(&name);
        if let Some(r) = record
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
                let state = FileState {
                    size: file.size,
                    modified: file.modified,
                    ..r.clone()
                };
                self.write_record(&state);
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

    fn prune(&mut self, input: &[InputFile]) -> Result<()> {
        let present: HashSet<String> = input.iter().map(InputFile::name).collect();
        let gone: Vec<String> = self
            .records
            .keys()
            .filter(|path| !present.contains(*path) && !Path::new(path).exists())
            .cloned()
            .collect();
        for path in gone {
            self.writer
                .delete_term(Term::from_field_text(self.fields.path, &path));
            self.writer
                .delete_term(Term::from_field_text(self.fields.file_key, &path));
            self.records.remove(&path);
            self.report.files_pruned += 1;
        }
        Ok(())
    }

    /// Body hashes of the indexed articles, except those of files about to be replaced.
    fn load_seen_bodies(&mut self, replaced: &[&str]) -> Result<()> {
        let searcher = self.index.searcher();
        let mut excluded: HashSet<tantivy::DocAddress> = HashSet::new();
        for path in replaced {
            let query = TermQuery::new(
                Term::from_field_text(self.fields.path, path),
                IndexRecordOption::Basic,
            );
            excluded.extend(searcher.search(&query, &DocSetCollector)?);
        }
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(column) = segment.fast_fields().u64("body_hash").ok() else {
                continue;
            };
            for doc in segment.doc_ids_alive() {
                if excluded.contains(&tantivy::DocAddress::new(ord as u32, doc)) {
                    continue;
                }
                if let Some(hash) = column.first(doc) {
                    self.seen_bodies.insert(hash);
                }
            }
        }
        Ok(())
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
                self.writer
                    .delete_term(Term::from_field_text(self.fields.path, &file.name()));
                (hash, 0)
            }
            Plan::Resume { hash, lines_done } => (hash, lines_done),
        };
        self.report.files_read += 1;
        let mut state = FileState {
            path: file.name(),
            size: file.size,
            modified: file.modified,
            hash,
            complete: false,
            lines_done: skip_lines,
        };
        let mut failure = None;
        files::read_articles(file, skip_lines, progress, |item| {
            let result = match item {
                Ok((line, article)) => {
                    state.lines_done = line;
                    self.add_article(&article, file, &state)
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
        if !file.is_stdin() {
            state.complete = true;
            self.write_record(&state);
        }
        Ok(())
    }

    fn add_article(
        &mut self,
        article: &Article,
        file: &InputFile,
        state: &FileState,
    ) -> Result<()> {
        if article.passages.is_empty() {
            self.report.skipped.push(Skipped {
                place: file.name(),
                reason: format!("\"{}\" has no paragraphs after clean-up", article.title),
            });
            return Ok(());
        }
        let body_hash = article.body_hash();
        if !self.seen_bodies.insert(body_hash) {
            self.report.duplicates += 1;
            return Ok(());
        }
        let f = &self.fields;
        if self.had_passages && article.id != article.path {
            self.writer
                .delete_term(Term::from_field_text(f.article_id, &article.id));
        }
        let title = normalize(&article.title);
        let source = normalize(&article.source);
        let date = crate::dates::to_datetime(&article.date);
        let article_key = xxhash_rust::xxh3::xxh3_64(article.id.as_bytes());
        for passage in &article.passages {
            let mut doc = TantivyDocument::new();
            doc.add_text(f.kind, KIND_PASSAGE);
            doc.add_text(f.article_id, &article.id);
            doc.add_text(f.path, &article.path);
            let text = normalize(&passage.text);
            doc.add_text(f.text.stored, &passage.text);
            doc.add_text(f.text_words, &text);
            doc.add_text(f.text.grams, &text);
            if !passage.section.is_empty() {
                doc.add_text(f.section.stored, &passage.section);
                doc.add_text(f.section.grams, normalize(&passage.section));
            }
            doc.add_text(f.title.stored, &article.title);
            doc.add_text(f.title.grams, &title);
            if !article.source.is_empty() {
                doc.add_text(f.source.stored, &article.source);
                doc.add_text(f.source.grams, &source);
                doc.add_text(f.source_name, &article.source);
            }
            if let Some(date) = date {
                doc.add_date(f.date, date);
            }
            doc.add_text(f.date_text, &article.date);
            doc.add_text(f.time, &article.time);
            doc.add_text(f.url, &article.url);
            doc.add_u64(f.para, passage.para as u64);
            doc.add_u64(f.article_key, article_key);
            doc.add_u64(f.body_hash, body_hash);
            self.writer.add_document(doc)?;
        }
        self.report.articles += 1;
        self.report.passages += article.passages.len();
        self.since_commit += 1;
        if self.since_commit >= self.commit_every {
            if !file.is_stdin() {
                self.write_record(state);
            }
            self.commit()?;
        }
        Ok(())
    }

    fn write_record(&mut self, state: &FileState) {
        let f = &self.fields;
        self.writer
            .delete_term(Term::from_field_text(f.file_key, &state.path));
        let mut doc = TantivyDocument::new();
        doc.add_text(f.kind, KIND_FILE);
        doc.add_text(f.file_key, &state.path);
        doc.add_text(
            f.file_state,
            serde_json::to_string(state).expect("a file record serialises"),
        );
        // A record only fails to queue when the writer is gone, which the next commit reports.
        let _ = self.writer.add_document(doc);
        self.records.insert(state.path.clone(), state.clone());
    }

    fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        self.since_commit = 0;
        self.had_passages = true;
        Ok(())
    }

    fn finish(mut self, started: Instant) -> Result<IndexReport> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        self.index.reload()?;
        let counts = crate::stats::counts(self.index)?;
        self.report.total_articles = counts.articles;
        self.report.total_passages = counts.passages;
        self.report.seconds = started.elapsed().as_secs_f64();
        self.report.index_bytes = self.index.size_on_disk();
        Ok(self.report)
    }
}
