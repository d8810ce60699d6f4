//! Shards of one corpus searched with the collection's figures rank as one index of it.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gonghui::{
    Hit, Index, IndexOptions, SearchOptions, ShardBy, Statistics, index_paths, plan_shards,
};

const QUERIES: &[&str] = &[
    "志愿者",
    "工会",
    "疫情防控",
    "职工 服务",
    "\"女职工\"",
    "新冠",
    "学校",
    "医院 患者",
    "经济",
];

/// The seed corpus, the 200 sample pages and a JSON Lines file of copies of some of the
/// sample's stories (reprints, which must stay in one shard).
fn corpus(dir: &Path) -> Option<Vec<PathBuf>> {
    let sample = common::shared("sample")?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&sample)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    pages.sort();
    let mut copies = String::new();
    for (n, page) in pages.iter().step_by(20).enumerate() {
        let article = gonghui::articles::page::parse(&std::fs::read_to_string(page).unwrap(), "");
        let body: Vec<&str> = article.passages.iter().map(|p| p.text.as_str()).collect();
        let record = serde_json::json!({
            "id": format!("copy-{n}"),
            "title": format!("转载：{}", article.title),
            "source": "转载报",
            "date": article.date,
            "body": body.join("\n"),
        });
        copies.push_str(&record.to_string());
        copies.push('\n');
    }
    let copies_file = dir.join("copies.jsonl");
    std::fs::write(&copies_file, copies).unwrap();
    Some(vec![common::corpus(), sample, copies_file])
}

/// Builds one index of `paths` and one per share of `plan`.
fn indexes(dir: &Path, paths: &[PathBuf], by: ShardBy, count: usize) -> (Index, Vec<Index>) {
    let whole = dir.join("whole");
    index_paths(&whole, paths, &IndexOptions::default()).unwrap();
    let plan = plan_shards(paths, count, by, dir).unwrap();
    let shards = plan
        .shards
        .iter()
        .enumerate()
        .map(|(n, share)| {
            let shard = dir.join(format!("shard-{n}"));
            let only: HashSet<String> = share.articles.iter().cloned().collect();
            let options = IndexOptions {
                only: Some(Arc::new(only)),
                ..IndexOptions::default()
            };
            index_paths(&shard, paths, &options).unwrap();
            Index::open(&shard).unwrap()
        })
        .collect();
    (Index::open(&whole).unwrap(), shards)
}

/// The top `limit` of the shards' hits, each shard searched with `statistics` (the summed
/// figures, or none for each shard's own), best first, ties by shard; and their total.
fn merged(
    shards: &[Index],
    query: &str,
    limit: usize,
    global: bool,
) -> (Vec<(f32, usize, Hit)>, usize) {
    let options = SearchOptions {
        limit,
        ..SearchOptions::default()
    };
    let statistics = global.then(|| {
        let mut sum = Statistics::default();
        for shard in shards {
            sum.add(&shard.statistics(query, &options).unwrap());
        }
        let counted = SearchOptions {
            statistics: Some(Arc::new(sum.clone())),
            ..options.clone()
        };
        let best = shards
            .iter()
            .map(|shard| shard.best_bm25(query, &counted).unwrap())
            .fold(0.0, f32::max);
        Arc::new(Statistics {
            best_bm25: Some(best),
            ..sum
        })
    });
    let options = SearchOptions {
        statistics,
        ..options
    };
    let mut hits = Vec::new();
    let mut total = 0;
    for (n, shard) in shards.iter().enumerate() {
        let results = shard.search(query, &options).unwrap();
        total += results.total;
        hits.extend(results.hits.into_iter().map(|hit| (hit.score, n, hit)));
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.truncate(limit);
    (hits, total)
}

/// A hit as a story's copies (either may stand for the story when they score the same), the
/// passage and its highlights.
type Shown = (Vec<String>, u64, u64, Vec<(usize, usize)>);

fn shown(hit: &Hit) -> Shown {
    let mut story: Vec<String> = hit.article.reprints.iter().map(|r| r.id.clone()).collect();
    story.push(hit.article.id.clone());
    story.sort();
    (
        story,
        hit.passage.para,
        hit.passage.part,
        hit.highlights.clone(),
    )
}

/// The hits shown per score (to 1e-3).
fn by_score<'a>(hits: impl Iterator<Item = &'a Hit>) -> BTreeMap<i64, Vec<Shown>> {
    let mut groups: BTreeMap<i64, Vec<Shown>> = BTreeMap::new();
    for hit in hits {
        groups
            .entry((hit.score * 1000.0).round() as i64)
            .or_default()
            .push(shown(hit));
    }
    groups.values_mut().for_each(|group| group.sort());
    groups
}

/// Whether the shards' top 10 is the index's: the same scores (within 1e-4) in order, and for
/// each score the same passages and highlights, in any order (one index breaks ties by its
/// own order, the shards by shard; another indexing run has another), but at the page's end,
/// where a tie may take another member.
fn same_top(whole: &[Hit], merged: &[(f32, usize, Hit)]) -> bool {
    if whole.len() != merged.len()
        || whole
            .iter()
            .zip(merged)
            .any(|(one, (score, _, _))| (one.score - score).abs() >= 1e-4)
    {
        return false;
    }
    let (one, shards) = (
        by_score(whole.iter()),
        by_score(merged.iter().map(|(_, _, hit)| hit)),
    );
    let last = whole.last().map(|hit| (hit.score * 1000.0).round() as i64);
    one.iter()
        .filter(|(score, _)| Some(**score) != last)
        .all(|(score, group)| shards.get(score) == Some(group))
}

#[test]
fn shards_searched_with_the_collections_figures_rank_as_one_index() {
    let dir = tempfile::tempdir().unwrap();
    let Some(paths) = corpus(dir.path()) else {
        return;
    };
    let (whole, shards) = indexes(dir.path(), &paths, ShardBy::Story, 3);
    let articles: usize = shards.iter().map(|s| s.counts().unwrap().articles).sum();
    assert_eq!(articles, whole.counts().unwrap().articles);
    assert!(shards.iter().all(|s| s.counts().unwrap().articles > 20));
    let mut differ_without = 0;
    for query in QUERIES {
        let one = whole.search(query, &SearchOptions::default()).unwrap();
        assert!(!one.hits.is_empty(), "{query} finds something");
        let (top, total) = merged(&shards, query, 10, true);
        assert_eq!(total, one.total, "{query}: total");
        assert!(
            same_top(&one.hits, &top),
            "{query}: the shards' top 10 is the index's"
        );
        let (own, _) = merged(&shards, query, 10, false);
        differ_without += usize::from(!same_top(&one.hits, &own));
    }
    assert!(
        differ_without > 0,
        "each shard's own figures give another order for some query"
    );
    // Every copy of a story is in one shard, which groups them as the index does.
    let plan = plan_shards(&paths, 3, ShardBy::Story, dir.path()).unwrap();
    let shard_of: HashMap<&str, usize> = plan
        .shards
        .iter()
        .enumerate()
        .flat_map(|(n, share)| share.articles.iter().map(move |id| (id.as_str(), n)))
        .collect();
    let copies = (0..10).map(|n| format!("copy-{n}"));
    for copy in copies.filter(|id| shard_of.contains_key(id.as_str())) {
        let originals = whole.reprints(&copy).unwrap();
        assert!(!originals.is_empty(), "{copy} is found a reprint");
        let shard = &shards[shard_of[copy.as_str()]];
        assert_eq!(shard.reprints(&copy).unwrap(), originals, "{copy}");
    }
}

#[test]
fn shards_by_date_hold_ranges_of_days() {
    let dir = tempfile::tempdir().unwrap();
    let Some(paths) = corpus(dir.path()) else {
        return;
    };
    let mut with_missing = paths.clone();
    with_missing.push(dir.path().join("missing.jsonl"));
    let plan = plan_shards(&with_missing, 3, ShardBy::Date, dir.path()).unwrap();
    let missing: Vec<&str> = plan.skipped.iter().map(|s| s.place.as_str()).collect();
    assert!(
        missing.iter().any(|place| place.ends_with("missing.jsonl")),
        "{missing:?}"
    );
    let passages: Vec<usize> = plan.shards.iter().map(|s| s.passages).collect();
    assert!(passages.iter().all(|&n| n > 0), "{passages:?}");
    // Indexed apart, the shards' dated articles lie in ranges that do not overlap.
    let mut spans = Vec::new();
    for (n, share) in plan.shards.iter().enumerate() {
        let shard = dir.path().join(format!("date-{n}"));
        let only: HashSet<String> = share.articles.iter().cloned().collect();
        let options = IndexOptions {
            only: Some(Arc::new(only)),
            ..IndexOptions::default()
        };
        index_paths(&shard, &paths, &options).unwrap();
        let stats = Index::open(&shard).unwrap().stats().unwrap();
        spans.push((stats.date_from.unwrap(), stats.date_to.unwrap()));
    }
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "{spans:?}");
    }
}
