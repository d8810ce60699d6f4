//! Tests on the full news index: the ranking guard (the judged queries of `../shared/eval`,
//! scored by the judged set's `score.py`, must not fall more than 0.01 below the mean nDCG@10
//! recorded in the README's "Ranking" table) and the synonym groups (every member finds the
//! same passages).
//!
//! Indexing 125 MB with jieba is a release-mode job: `cargo test --release --test relevance`
//! (CI runs it so); in a debug build the tests are ignored.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gonghui::Synonyms;
use gonghui::printer::json_lines;
use gonghui::{Index, SearchOptions};
use gonghui::{IndexOptions, index_paths};

/// How far below the README's figure the mean nDCG@10 may fall.
const TOLERANCE: f64 = 0.01;

/// The mean nDCG@10 recorded in the README, in the row `| gonghui (this version) | …`.
fn recorded_ndcg() -> f64 {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let row = readme
        .lines()
        .find(|line| line.starts_with("| gonghui (this version) |"))
        .expect("the README's Ranking table has a row for gonghui (this version)");
    row.split('|')
        .nth(2)
        .and_then(|cell| cell.trim().parse().ok())
        .expect("the row's first figure is the mean nDCG@10")
}

/// The news corpus and its index, built once for the tests of this file.
fn news_index() -> Option<&'static (PathBuf, tempfile::TempDir, Index)> {
    static INDEX: OnceLock<Option<(PathBuf, tempfile::TempDir, Index)>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let news = common::shared("news.jsonl.zst")?;
            let dir = tempfile::tempdir().unwrap();
            index_paths(
                dir.path(),
                std::slice::from_ref(&news),
                &IndexOptions::default(),
            )
            .unwrap();
            let index = Index::open(dir.path()).unwrap();
            Some((news, dir, index))
        })
        .as_ref()
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "indexes the whole news corpus: run with cargo test --release --test relevance"
)]
fn judged_queries_keep_their_ndcg() {
    let Some((news, _, index)) = news_index() else {
        return;
    };
    let eval = news.parent().unwrap().join("../eval");
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();

    let mut run = Vec::new();
    let queries = std::fs::read_to_string(eval.join("queries.tsv")).unwrap();
    for query in queries.lines().filter_map(|line| line.split('\t').nth(1)) {
        let results = index.search(query, &SearchOptions::default()).unwrap();
        json_lines(&mut run, query, &results, None).unwrap();
    }
    std::fs::write(dir.join("run.jsonl"), run).unwrap();
    let extra = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/relevance/qrels-extra.tsv"),
    )
    .unwrap();
    let mut qrels = std::fs::read_to_string(eval.join("qrels.tsv")).unwrap();
    qrels.extend(extra.lines().skip(1).map(|line| format!("{line}\n")));
    std::fs::write(dir.join("qrels.tsv"), qrels).unwrap();

    let output = Command::new("python3")
        .arg(eval.join("score.py"))
        .arg(dir.join("run.jsonl"))
        .arg("--qrels")
        .arg(dir.join("qrels.tsv"))
        .arg("--corpus")
        .arg(news)
        .arg("--quiet")
        .output()
        .expect("python3 runs score.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "score.py failed: {stdout}");
    let mean = stdout
        .lines()
        .find(|line| line.starts_with("MEAN"))
        .unwrap_or_else(|| panic!("no MEAN line in: {stdout}"));
    eprintln!("judged set, top 10: {mean}");
    let ndcg: f64 = mean.split('\t').nth(1).unwrap().parse().unwrap();
    let recorded = recorded_ndcg();
    assert!(
        ndcg >= recorded - TOLERANCE,
        "mean nDCG@10 {ndcg:.3} is more than {TOLERANCE} below the README's {recorded:.3}"
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "indexes the whole news corpus: run with cargo test --release --test relevance"
)]
fn every_member_of_a_synonym_group_finds_the_same_passages() {
    let Some((_, _, index)) = news_index() else {
        return;
    };
    let passages = |query: &str, synonyms: Option<std::sync::Arc<Synonyms>>| {
        let options = SearchOptions {
            limit: 0,
            synonyms,
            ..SearchOptions::default()
        };
        let results = index.search(query, &options).unwrap();
        let found: BTreeSet<(String, u64)> = results
            .hits
            .into_iter()
            .map(|h| (h.article.id, h.passage.para))
            .collect();
        found
    };
    let shipped = Synonyms::shipped();
    for group in shipped.groups() {
        let expanded = passages(&group[0], Some(shipped.clone()));
        // The group finds what its members find each alone, as typed, and nothing else.
        let mut union = BTreeSet::new();
        let mut counts = Vec::new();
        for member in group {
            let exact = passages(member, None);
            counts.push(format!("{member} {}", exact.len()));
            union.extend(exact);
            assert_eq!(
                passages(member, Some(shipped.clone())),
                expanded,
                "{member} finds what {} finds",
                group[0]
            );
        }
        assert_eq!(union, expanded, "{}", group.join(" "));
        eprintln!("{}: {} passages", counts.join(", "), expanded.len());
    }
}
