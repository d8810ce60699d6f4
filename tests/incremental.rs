//! An archive grows daily: incremental runs, interrupted runs, and searches beside them.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gonghui::{Index, SearchOptions};
use gonghui::{IndexOptions, IndexReport, Indexer, index_paths};

fn run(index: &Path, paths: &[PathBuf], prune: bool) -> IndexReport {
    let options = IndexOptions {
        prune,
        ..IndexOptions::default()
    };
    index_paths(index, paths, &options).unwrap()
}

/// Every passage as (article id, paragraph, part), through a query that excludes a character
/// no passage has.
fn passages(index: &Path) -> Vec<(String, u64, u64)> {
    let index = Index::open(index).unwrap();
    let all = SearchOptions {
        limit: 0,
        // Every passage of every copy.
        collapse_reprints: false,
        ..SearchOptions::default()
    };
    let results = index.search("-龘", &all).unwrap();
    results
        .hits
        .into_iter()
        .map(|h| (h.article.id, h.passage.para, h.passage.part))
        .collect()
}

fn assert_no_duplicates(list: &[(String, u64, u64)]) {
    let unique: BTreeSet<_> = list.iter().collect();
    assert_eq!(unique.len(), list.len(), "duplicate passages");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn reindexing_adds_nothing_then_changes_replace_and_prune_removes() {
    let Some(sample) = common::shared("sample") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    copy_dir(&sample, &pages);
    let index = dir.path().join("index");

    let first = run(&index, std::slice::from_ref(&pages), false);
    assert_eq!(first.files_read, 200);
    let before = passages(&index);
    assert_no_duplicates(&before);
    assert_eq!(before.len(), first.total_passages);

    let again = run(&index, std::slice::from_ref(&pages), false);
    assert_eq!(
        (again.files_read, again.files_unchanged, again.articles),
        (0, 200, 0)
    );
    assert_eq!(passages(&index), before);

    // Touched but unchanged: recognised by its content hash.
    let touched = pages.join("xwlb-VIDE1355098151569351.txt");
    let text = std::fs::read_to_string(&touched).unwrap();
    std::fs::write(&touched, &text).unwrap();
    let after_touch = run(&index, std::slice::from_ref(&pages), false);
    assert_eq!(
        (after_touch.files_read, after_touch.files_unchanged),
        (0, 200)
    );

    // Changed: its passages are replaced, not added to.
    std::fs::write(
        &touched,
        format!("{text}\n\n工会新增一段关于龙舟赛的报道。\n"),
    )
    .unwrap();
    let changed = run(&index, std::slice::from_ref(&pages), false);
    assert_eq!((changed.files_read, changed.files_replaced), (1, 1));
    let after_change = passages(&index);
    assert_no_duplicates(&after_change);
    assert_eq!(after_change.len(), before.len() + 1);
    let found = Index::open(&index)
        .unwrap()
        .search("龙舟赛", &SearchOptions::default())
        .unwrap();
    assert_eq!(found.total, 1);

    // Deleted: kept until --prune.
    std::fs::remove_file(&touched).unwrap();
    let kept = run(&index, std::slice::from_ref(&pages), false);
    assert_eq!(kept.files_pruned, 0);
    assert_eq!(passages(&index).len(), after_change.len());
    let pruned = run(&index, std::slice::from_ref(&pages), true);
    assert_eq!(pruned.files_pruned, 1);
    let after_prune = passages(&index);
    let id = touched.display().to_string();
    assert!(after_prune.iter().all(|(article, _, _)| *article != id));
    assert_eq!(
        after_prune.len() + after_change.iter().filter(|(a, _, _)| *a == id).count(),
        after_change.len()
    );
}

/// The first `count` articles of the news corpus as a JSON Lines file.
fn news_subset(to: &Path, count: usize) -> Option<PathBuf> {
    let news = common::shared("news.jsonl.zst")?;
    let reader = std::io::BufReader::new(
        zstd::stream::read::Decoder::new(std::fs::File::open(news).unwrap()).unwrap(),
    );
    let path = to.join("news.jsonl");
    let mut out = std::fs::File::create(&path).unwrap();
    for line in reader.lines().take(count) {
        writeln!(out, "{}", line.unwrap()).unwrap();
    }
    Some(path)
}

fn committed_passages(index: &Path) -> usize {
    Index::open(index)
        .and_then(|index| index.count("-龘", &SearchOptions::default()))
        .unwrap_or(0)
}

#[test]
fn a_killed_run_leaves_a_working_index_and_the_next_run_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let Some(jsonl) = news_subset(dir.path(), 4_000) else {
        return;
    };
    let index = dir.path().join("index");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(["index", "--commit-every", "300", "--index"])
        .arg(&index)
        .arg(&jsonl)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first batch to be committed, then kill -9.
    let started = Instant::now();
    while committed_passages(&index) == 0 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // The index opens and answers with the last committed state.
    let committed = committed_passages(&index);
    assert!(committed > 0);
    assert!(
        Index::open(&index)
            .unwrap()
            .search("新闻", &SearchOptions::default())
            .is_ok()
    );

    let resumed = run(&index, std::slice::from_ref(&jsonl), false);
    assert_eq!(resumed.files_read, 1);
    assert!(
        resumed.articles < 4_000,
        "the committed part is not read again"
    );
    let after = passages(&index);
    assert_no_duplicates(&after);

    let fresh = dir.path().join("fresh");
    run(&fresh, std::slice::from_ref(&jsonl), false);
    let mut expected = passages(&fresh);
    let mut got = after;
    expected.sort();
    got.sort();
    assert_eq!(
        got, expected,
        "exactly the passages of an uninterrupted run"
    );
}

#[test]
fn a_second_indexer_is_refused_and_searches_go_on_during_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    run(&index, &[common::corpus()], false);
    let reader = Index::open(&index).unwrap();
    let before = reader
        .search("志愿者", &SearchOptions::default())
        .unwrap()
        .total;

    let mut indexer = Indexer::open(&index, &IndexOptions::default()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(["index", "--index"])
        .arg(&index)
        .arg(common::corpus())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("locked by another gonghui index"),
        "{stderr}"
    );

    let article = gonghui::Article::new("new-1", "新稿", "志愿者在行动。\n工会送温暖。");
    indexer.add_article(&article).unwrap();
    // Searches during the run see the last commit...
    assert_eq!(
        reader
            .search("志愿者", &SearchOptions::default())
            .unwrap()
            .total,
        before
    );
    indexer.commit().unwrap();
    // ...and the new data once it is committed.
    reader.reload().unwrap();
    assert_eq!(
        reader
            .search("志愿者", &SearchOptions::default())
            .unwrap()
            .total,
        before + 1
    );
    indexer.finish().unwrap();
}

/// An article replaced under its id (here with another source) leaves the statistics and the
/// facets: only live documents are counted, whatever segment the old copy is still in.
#[test]
fn a_replaced_article_counts_once_in_stats_and_facets() {
    let dir = tempfile::tempdir().unwrap();
    let article = |source: &str| {
        let mut article = gonghui::Article::new("gr-1", "劳模风采", "王师傅扎根一线三十年。");
        article.source = source.into();
        article.date = "2022-05-01".into();
        article
    };
    for source in ["工人日报", "甘肃工人报"] {
        let mut indexer = Indexer::open(dir.path(), &IndexOptions::default()).unwrap();
        indexer.add_article(&article(source)).unwrap();
        indexer.finish().unwrap();
    }
    let index = Index::open(dir.path()).unwrap();
    let stats = index.stats().unwrap();
    assert_eq!((stats.articles, stats.passages), (1, 1));
    let sources: Vec<(&str, usize, usize)> = stats
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.articles, s.passages))
        .collect();
    assert_eq!(sources, [("甘肃工人报", 1, 1)]);
    let hits = index
        .search_hits("王师傅", &SearchOptions::default())
        .unwrap();
    let facets = index.facets(&hits).unwrap();
    assert_eq!(facets.sources.len(), 1);
    assert_eq!(facets.sources[0].key, "甘肃工人报");
}
