//! How to run an indexing job, and what it did.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::files::Skipped;

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
    /// Index only the articles with these ids (one shard's share of a corpus, from
    /// [`crate::plan_shards`]); `None` indexes every article.
    pub only: Option<Arc<HashSet<String>>>,
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
            only: None,
        }
    }
}

/// What an indexing run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IndexReport {
    /// Articles and passages added by this run.
    pub articles: usize,
    /// Passages added by this run.
    pub passages: usize,
    /// Files read, found unchanged, replaced (changed since the last run), and pruned.
    pub files_read: usize,
    /// Files found unchanged since the last run.
    pub files_unchanged: usize,
    /// Files changed since the last run, whose passages were replaced.
    pub files_replaced: usize,
    /// Files gone, whose passages were removed.
    pub files_pruned: usize,
    /// What could not be read, with why.
    pub skipped: Vec<Skipped>,
    /// Articles and passages in the index after the run.
    pub total_articles: usize,
    /// Passages in the index after the run.
    pub total_passages: usize,
    /// How long the run took.
    pub seconds: f64,
    /// The index's size on disk after the run.
    pub index_bytes: u64,
}
