//! Reprints: the same story run again with a new headline, a paragraph dropped, a sentence
//! added and its punctuation changed is grouped with the original; different stories on the
//! same topic are not. Measured on copies made here of real news articles.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use gonghui::Article;
use gonghui::Index;
use gonghui::{IndexOptions, Indexer};

/// Every `STRIDE`th article of the news corpus, about 3,000; every `COPY_EVERY`th of those
/// with three paragraphs or more is reprinted.
const STRIDE: usize = 25;
const COPY_EVERY: usize = 4;

const PAPERS: &[&str] = &["工人日报", "甘肃工人报", "兰州日报", "四川工人日报"];

fn later(date: &str, days: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date, &format).unwrap() + time::Duration::days(days);
    day.format(&format).unwrap()
}

/// A reprint as another paper would run it: another source and date, a new headline and the
/// punctuation of a typesetter; then, in turn, a paragraph after the first dropped, a sentence
/// added, both, or the text as it was.
fn reprint(original: &Article, n: usize, rng: &mut common::Lcg) -> Article {
    let mut paragraphs: Vec<String> = original.passages.iter().map(|p| p.text.clone()).collect();
    if n % 4 < 2 {
        paragraphs.remove(1 + rng.below(paragraphs.len() - 1));
    }
    if n % 4 == 1 || n % 4 == 2 {
        let at = rng.below(paragraphs.len());
        paragraphs[at].push_str("（本报记者补充报道：有关情况还在进一步了解中。）");
    }
    let body = paragraphs
        .join("\n")
        .replace('，', ",")
        .replace('。', ". ")
        .replace(['“', '”'], "\"")
        .replace('、', ",");
    let lede: String = original.passages[0].text.chars().take(18).collect();
    let paper = PAPERS[n % PAPERS.len()];
    let mut copy = Article::new(
        &format!("reprint-{n}-{}", original.id),
        &format!("{paper}转载｜{lede}"),
        &body,
    );
    copy.source = paper.to_string();
    copy.date = later(&original.date, 1 + (n % 3) as i64);
    copy
}

/// The topic of a title: what comes before its first separator, or its first four characters.
fn topic(title: &str) -> String {
    let head = title.split(['：', ':', '｜', ' ']).next().unwrap_or(title);
    head.chars().take(4).collect()
}

#[test]
fn reprints_are_grouped_and_same_topic_stories_are_not() {
    let Some(news) = common::shared("news.jsonl.zst") else {
        return;
    };
    let (input, _) = gonghui::files::discover(&[news]);
    let mut originals = Vec::new();
    let mut n = 0;
    gonghui::files::read_articles(&input[0], 0, &indicatif::ProgressBar::hidden(), |item| {
        n += 1;
        if n % STRIDE == 0
            && let Ok((_, article)) = item
        {
            originals.push(article);
        }
        true
    });

    let mut rng = common::Lcg(20211104);
    let mut copies = Vec::new();
    let reprinted = originals
        .iter()
        .filter(|a| a.passages.len() >= 3)
        .step_by(COPY_EVERY);
    for (n, original) in reprinted.enumerate() {
        copies.push((original.id.clone(), reprint(original, n, &mut rng)));
    }

    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexOptions::default()).unwrap();
    for article in originals.iter().chain(copies.iter().map(|(_, c)| c)) {
        indexer.add_article(article).unwrap();
    }
    indexer.finish().unwrap();
    let index = Index::open(dir.path()).unwrap();

    // Every pair the index groups, as (smaller id, larger id).
    let mut grouped = BTreeSet::new();
    for article in originals.iter().chain(copies.iter().map(|(_, c)| c)) {
        for other in index.reprints(&article.id).unwrap() {
            let pair = if article.id < other.id {
                (article.id.clone(), other.id)
            } else {
                (other.id, article.id.clone())
            };
            grouped.insert(pair);
        }
    }
    let expected: BTreeSet<(String, String)> = copies
        .iter()
        .map(|(original, copy)| {
            if *original < copy.id {
                (original.clone(), copy.id.clone())
            } else {
                (copy.id.clone(), original.clone())
            }
        })
        .collect();

    // Different stories on the same topic: originals whose titles share a topic.
    let mut by_topic: HashMap<String, Vec<&str>> = HashMap::new();
    for article in &originals {
        by_topic
            .entry(topic(&article.title))
            .or_default()
            .push(&article.id);
    }
    let mut same_topic = 0;
    let mut same_topic_grouped = Vec::new();
    for ids in by_topic.values() {
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                same_topic += 1;
                let pair = if a < b { (*a, *b) } else { (*b, *a) };
                if grouped.contains(&(pair.0.to_string(), pair.1.to_string())) {
                    same_topic_grouped.push(pair);
                }
            }
        }
    }

    let right = grouped.intersection(&expected).count();
    let precision = right as f64 / grouped.len().max(1) as f64;
    let recall = right as f64 / expected.len() as f64;
    eprintln!(
        "reprints: {} articles, {} reprinted; {} pairs grouped, {right} right: precision \
         {precision:.4}, recall {recall:.4}; {same_topic} pairs of different stories on the \
         same topic, {} grouped",
        originals.len(),
        copies.len(),
        grouped.len(),
        same_topic_grouped.len()
    );
    for pair in grouped.difference(&expected).take(10) {
        eprintln!("  grouped, not a made reprint: {pair:?}");
    }
    for pair in expected.difference(&grouped).take(10) {
        eprintln!("  missed: {pair:?}");
    }
    assert!(copies.len() >= 300 && same_topic >= 1000);
    assert!(precision >= 0.98 && recall >= 0.98);
    assert!(same_topic_grouped.len() * 100 <= same_topic);
}

fn gonghui() -> Command {
    Command::cargo_bin("gonghui").unwrap()
}

fn index(index: &Path, pages: &Path, prune: bool) {
    let mut command = gonghui();
    command.args(["index", "--index"]).arg(index).arg(pages);
    if prune {
        command.arg("--prune");
    }
    command.assert().success();
}

/// The JSON hits of a search, without the summary.
fn hits(index: &Path, args: &[&str]) -> Vec<Value> {
    let output = gonghui()
        .args(["search", "--json", "-n", "0", "--index"])
        .arg(index)
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    lines.pop();
    lines
}

fn article_ids(hits: &[Value]) -> BTreeSet<String> {
    hits.iter()
        .map(|h| h["article"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn stats(index: &Path) -> Value {
    let output = gonghui()
        .args(["stats", "--json", "--index"])
        .arg(index)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_later_reprint_joins_its_story_and_a_pruned_original_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (pages, index_dir) = (dir.path().join("pages"), dir.path().join("index"));
    std::fs::create_dir(&pages).unwrap();
    let seed =
        std::fs::read_to_string(common::corpus().join("gansu-gongren-2021-11-03.txt")).unwrap();
    let original = pages.join("original.txt");
    std::fs::write(&original, &seed).unwrap();
    index(&index_dir, &pages, false);
    let alone = hits(&index_dir, &["志愿者"]);
    assert_eq!(alone.len(), 9);
    assert!(
        alone
            .iter()
            .all(|h| h["article"]["reprints"] == serde_json::json!([]))
    );

    // Two days later another paper runs it: a new headline, a paragraph dropped, a note added.
    let mut blocks: Vec<&str> = seed.split("\n\n").skip(2).collect();
    blocks.remove(3);
    let body = blocks.join("\n\n").replace(',', "，");
    let copy = pages.join("copy.txt");
    std::fs::write(
        &copy,
        format!("千名职工志愿者勇上一线\n\n兰州日报 2021-11-05 08:00\n\n{body}\n\n（本报转载，有删节。）\n"),
    )
    .unwrap();
    index(&index_dir, &pages, false);
    let collapsed = hits(&index_dir, &["志愿者"]);
    let shown = article_ids(&collapsed);
    assert_eq!(shown.len(), 1, "one story, one article: {shown:?}");
    let reprints = &collapsed[0]["article"]["reprints"];
    assert_eq!(reprints.as_array().unwrap().len(), 1);
    let (original_id, copy_id) = (original.display().to_string(), copy.display().to_string());
    let other = if shown.contains(&original_id) {
        &copy_id
    } else {
        &original_id
    };
    assert_eq!(reprints[0]["id"], other.as_str());
    assert_eq!(
        article_ids(&hits(&index_dir, &["志愿者", "--no-collapse"])).len(),
        2
    );
    let text = gonghui()
        .args(["search", "志愿者", "--color", "never", "--index"])
        .arg(&index_dir)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("also: 兰州日报 2021-11-05") || text.contains("also: 甘肃工人报 2021-11-03"),
        "{text}"
    );
    let counts = stats(&index_dir);
    assert_eq!(
        (
            counts["reprint_groups"].as_u64(),
            counts["reprinted_articles"].as_u64()
        ),
        (Some(1), Some(2))
    );

    // The original is removed: the copy stands alone.
    std::fs::remove_file(&original).unwrap();
    index(&index_dir, &pages, true);
    let left = hits(&index_dir, &["志愿者"]);
    assert_eq!(article_ids(&left), BTreeSet::from([copy_id]));
    assert!(
        left.iter()
            .all(|h| h["article"]["reprints"] == serde_json::json!([]))
    );
    assert_eq!(stats(&index_dir)["reprint_groups"].as_u64(), Some(0));
}
