//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod mount;
pub mod server;

use std::path::{Path, PathBuf};

use gonghui::Index;
use gonghui::{IndexOptions, IndexReport, index_paths};

/// The repository's own corpus (the seed article).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// A file or folder of the shared research corpus beside the repository (`../shared/corpus`).
/// Tests that need it fail when CI=true and it is missing; elsewhere they are skipped.
pub fn shared(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing; CI must run beside ../shared",
            path.display()
        );
    }
    eprintln!("skipping: {} is not here", path.display());
    None
}

/// Indexes `paths` into a new temporary index.
pub fn build(paths: &[PathBuf]) -> (tempfile::TempDir, Index, IndexReport) {
    let dir = tempfile::tempdir().unwrap();
    let report = index_paths(dir.path(), paths, &IndexOptions::default()).unwrap();
    let index = Index::open(dir.path()).unwrap();
    (dir, index, report)
}

/// The characters of `text` from `start` to `end`.
pub fn chars(text: &str, (start, end): (usize, usize)) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// A small deterministic generator, so a failure can be reproduced.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// A common Han character (CJK Unified Ideographs and Extension A).
pub fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c)
}

/// A folder holding `articles.jsonl`: one record per `(id, date, body)`, titled `标题{id}`.
pub fn jsonl_corpus(articles: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let corpus = tempfile::tempdir().unwrap();
    let lines: Vec<String> = articles
        .iter()
        .map(|(id, date, body)| {
            format!(r#"{{"id":"{id}","title":"标题{id}","date":"{date}","body":"{body}"}}"#)
        })
        .collect();
    std::fs::write(corpus.path().join("articles.jsonl"), lines.join("\n")).unwrap();
    corpus
}
