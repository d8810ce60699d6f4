//! Tests on the full news index: the ranking guard (the judged queries of `../shared/eval`,
//! scored by the judged set's `score.py`, must not fall more than 0.01 below the mean nDCG@10
//! recorded in the README's "Ranking" table), the synonym groups (every member finds the
//! same passages), and the research tools against counts made here from the JSON Lines (a
//! trend's figures per year, a concordance's lines).
//!
//! Indexing 125 MB with jieba is a release-mode job: `cargo test --release --test news`
//! (CI runs it so); in a debug build the tests are ignored.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gonghui::Synonyms;
use gonghui::printer::json_lines;
use gonghui::{ConcordanceOptions, Index, Period, SearchOptions, Unit, normalize};
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
    ignore = "indexes the whole news corpus: run with cargo test --release --test news"
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
    ignore = "indexes the whole news corpus: run with cargo test --release --test news"
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

/// The passages of the news corpus as they were indexed, read again from the JSON Lines: the
/// year of the article (empty when undated), the normalised text and heading.
fn corpus_passages(news: &Path) -> Vec<(String, String, String)> {
    let (input, _) = gonghui::files::discover(&[news.to_path_buf()]);
    let mut passages = Vec::new();
    gonghui::files::read_articles(&input[0], 0, &indicatif::ProgressBar::hidden(), |item| {
        if let Ok((_, article)) = item {
            let year = article.date.get(..4).unwrap_or_default().to_string();
            for p in &article.passages {
                passages.push((year.clone(), normalize(&p.text), normalize(&p.section)));
            }
        }
        true
    });
    passages
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "indexes the whole news corpus: run with cargo test --release --test news"
)]
fn a_trend_counts_what_the_corpus_holds_per_year() {
    let Some((news, _, index)) = news_index() else {
        return;
    };
    let terms = ["农民工".to_string(), "新就业形态".to_string()];
    let exact = SearchOptions {
        synonyms: None,
        ..SearchOptions::default()
    };
    let trend = index
        .trend(&terms, Period::Year, Unit::Passages, &exact)
        .unwrap();
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    let mut counts: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); terms.len()];
    for (year, text, section) in corpus_passages(news) {
        *totals.entry(year.clone()).or_default() += 1;
        for (term, count) in terms.iter().zip(&mut counts) {
            if text.contains(term.as_str()) || section.contains(term.as_str()) {
                *count.entry(year.clone()).or_default() += 1;
            }
        }
    }
    assert_eq!(trend.undated, totals.remove("").unwrap_or(0));
    let years: Vec<String> = totals.keys().cloned().collect();
    assert_eq!(
        trend.periods, years,
        "every year from the first to the last"
    );
    assert_eq!(trend.totals, totals.values().copied().collect::<Vec<_>>());
    for (series, count) in trend.series.iter().zip(&counts) {
        let expected: Vec<u64> = years
            .iter()
            .map(|y| count.get(y).copied().unwrap_or(0))
            .collect();
        assert_eq!(series.counts, expected, "{}", series.query);
        for ((rate, n), total) in series.rates.iter().zip(&series.counts).zip(&trend.totals) {
            assert_eq!(*rate, Some(*n as f64 * 10_000.0 / *total as f64));
        }
        eprintln!("{}: {:?}", series.query, series.counts);
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "indexes the whole news corpus: run with cargo test --release --test news"
)]
fn a_concordance_lists_every_occurrence() {
    let Some((news, _, index)) = news_index() else {
        return;
    };
    let passages = corpus_passages(news);
    let occurrences = |term: &str| -> usize {
        passages
            .iter()
            .map(|(_, text, _)| text.matches(term).count())
            .sum()
    };
    let lines = |synonyms| {
        let options = ConcordanceOptions {
            search: SearchOptions {
                synonyms,
                ..SearchOptions::default()
            },
            ..ConcordanceOptions::default()
        };
        let lines: Vec<gonghui::Line> = index
            .concordance("劳模", &options)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        lines
    };
    let exact = lines(None);
    assert_eq!(exact.len(), occurrences("劳模"));
    assert!(exact.iter().all(|line| line.keyword == "劳模"));
    // With the shipped synonyms, 劳动模范 too.
    let expanded = lines(Some(Synonyms::shipped()));
    assert_eq!(
        expanded.len(),
        occurrences("劳模") + occurrences("劳动模范")
    );
    // Oldest first.
    let dates: Vec<&str> = expanded.iter().map(|l| l.article.date.as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    eprintln!(
        "劳模: {} lines, {} with 劳动模范",
        exact.len(),
        expanded.len()
    );
}
