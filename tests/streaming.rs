//! Hits read as they are ranked: every match of a frequent term in order, across the batches
//! in which documents are read, and pages that agree with the whole list.

mod common;

use std::collections::HashMap;

use assert_cmd::Command;
use gonghui::Sort;
use gonghui::{Hit, Index, SearchOptions};

fn all(options: SearchOptions) -> SearchOptions {
    SearchOptions {
        limit: 0,
        ..options
    }
}

fn streamed(index: &Index, query: &str, options: &SearchOptions) -> Vec<Hit> {
    let hits = index.search_hits(query, options).unwrap();
    hits.map(Result::unwrap).collect()
}

fn keys(hits: &[Hit]) -> Vec<(String, u64)> {
    hits.iter()
        .map(|h| (h.article.id.clone(), h.passage.para))
        .collect()
}

#[test]
fn every_match_streams_in_order_and_pages_agree() {
    let Some(sample) = common::shared("sample") else {
        return;
    };
    let (_dir, index, _) = common::build(&[sample]);
    let exact = SearchOptions {
        collapse_reprints: false,
        ..SearchOptions::default()
    };
    let hits = streamed(&index, "的", &all(exact.clone()));
    let total = index.search("的", &exact).unwrap().total;
    // Enough to cross several batches (16, 64, 256, then larger).
    assert!(hits.len() > 1000, "{} hits", hits.len());
    assert_eq!(
        hits.len(),
        total,
        "without collapsing, every match is a hit"
    );
    for (i, pair) in hits.windows(2).enumerate() {
        assert_eq!(pair[0].rank, i + 1);
        assert!(
            pair[0].score >= pair[1].score,
            "rank {} out of order",
            i + 1
        );
    }
    for hit in &hits {
        let shown = hit.highlights.len() + hit.section_highlights.len();
        assert!(shown > 0, "{} has no highlight", hit.rank);
    }

    // Any page is the same slice of the whole list, whatever batches it crosses.
    for (offset, limit) in [(0, 10), (15, 70), (79, 300), (1000, 5), (total - 3, 10)] {
        let page = SearchOptions {
            offset,
            limit,
            ..exact.clone()
        };
        let got = index.search("的", &page).unwrap().hits;
        let end = (offset + limit).min(total);
        assert_eq!(
            keys(&got),
            keys(&hits[offset..end]),
            "page {offset}+{limit}"
        );
        assert_eq!(got.first().map(|h| h.rank), Some(offset + 1));
    }
}

#[test]
fn dates_articles_and_reprints_keep_their_order_when_streamed() {
    let Some(sample) = common::shared("sample") else {
        return;
    };
    let (_dir, index, _) = common::build(&[sample]);

    let oldest = streamed(
        &index,
        "的",
        &all(SearchOptions {
            sort: Sort::Date,
            ..SearchOptions::default()
        }),
    );
    let dated: Vec<&str> = oldest
        .iter()
        .map(|h| h.article.date.as_str())
        .filter(|d| !d.is_empty())
        .collect();
    assert!(dated.windows(2).all(|d| d[0] <= d[1]), "oldest first");
    let newest = streamed(
        &index,
        "的",
        &all(SearchOptions {
            sort: Sort::DateDesc,
            ..SearchOptions::default()
        }),
    );
    assert_eq!(newest.len(), oldest.len());
    assert!(
        newest
            .first()
            .is_some_and(|h| h.article.date.as_str() == *dated.last().unwrap())
    );

    // At most two passages per article, each article's passages together.
    let grouped = streamed(
        &index,
        "的",
        &all(SearchOptions {
            per_article: Some(2),
            ..SearchOptions::default()
        }),
    );
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for pair in grouped.windows(2) {
        let (a, b) = (&pair[0].article.id, &pair[1].article.id);
        if a != b {
            assert!(!seen.contains_key(b.as_str()), "{b} comes back later");
        }
        *seen.entry(a).or_default() += 1;
    }
    assert!(seen.values().all(|&n| n <= 2));

    // Collapsed, one article of each story: no hit's article is a reprint of one shown
    // earlier.
    let collapsed = streamed(&index, "的", &all(SearchOptions::default()));
    let mut shown = std::collections::HashSet::new();
    for hit in &collapsed {
        assert!(
            hit.article.reprints.iter().all(|r| !shown.contains(&r.id)),
            "{} is a reprint of an article shown before",
            hit.article.id
        );
        shown.insert(hit.article.id.clone());
    }
}

#[test]
fn the_cli_writes_every_hit_then_the_summary() {
    let Some(sample) = common::shared("sample") else {
        return;
    };
    let (dir, _index, _) = common::build(&[sample]);
    let output = Command::cargo_bin("gonghui")
        .unwrap()
        .args([
            "search",
            "的",
            "-n",
            "0",
            "--json",
            "--no-collapse",
            "--index",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let (summary, hits) = lines.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["returned"].as_u64(), Some(hits.len() as u64));
    assert_eq!(summary["total"].as_u64(), Some(hits.len() as u64));
    for (i, hit) in hits.iter().enumerate() {
        assert_eq!(hit["type"], "hit");
        assert_eq!(hit["rank"].as_u64(), Some(i as u64 + 1));
    }
}
