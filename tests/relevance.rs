//! The ranking guard: the judged queries of `../shared/eval` on the full news index, scored by
//! the judged set's `score.py`. Fails when the mean nDCG@10 falls more than 0.01 below the
//! figure recorded in the README's "Ranking" table.
//!
//! Indexing 125 MB with jieba is a release-mode job: `cargo test --release --test relevance`
//! (CI runs it so); in a debug build the test is ignored.

mod common;

use std::path::Path;
use std::process::Command;

use gonghui::index::writer::{IndexOptions, index_paths};
use gonghui::printer::json_lines;
use gonghui::{Index, SearchOptions};

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

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "indexes the whole news corpus: run with cargo test --release --test relevance"
)]
fn judged_queries_keep_their_ndcg() {
    let Some(news) = common::shared("news.jsonl.zst") else {
        return;
    };
    let eval = news.parent().unwrap().join("../eval");
    let dir = tempfile::tempdir().unwrap();
    index_paths(
        dir.path(),
        std::slice::from_ref(&news),
        &IndexOptions::default(),
    )
    .unwrap();
    let index = Index::open(dir.path()).unwrap();

    let mut run = Vec::new();
    let queries = std::fs::read_to_string(eval.join("queries.tsv")).unwrap();
    for query in queries.lines().filter_map(|line| line.split('\t').nth(1)) {
        let results = index.search(query, &SearchOptions::default()).unwrap();
        json_lines(&mut run, query, &results).unwrap();
    }
    std::fs::write(dir.path().join("run.jsonl"), run).unwrap();
    let extra = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/relevance/qrels-extra.tsv"),
    )
    .unwrap();
    let mut qrels = std::fs::read_to_string(eval.join("qrels.tsv")).unwrap();
    qrels.extend(extra.lines().skip(1).map(|line| format!("{line}\n")));
    std::fs::write(dir.path().join("qrels.tsv"), qrels).unwrap();

    let output = Command::new("python3")
        .arg(eval.join("score.py"))
        .arg(dir.path().join("run.jsonl"))
        .arg("--qrels")
        .arg(dir.path().join("qrels.tsv"))
        .arg("--corpus")
        .arg(&news)
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
