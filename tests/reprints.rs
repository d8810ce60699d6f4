//! Reprints: the same story run again with a new headline, a paragraph dropped, a sentence
//! added and its punctuation changed is grouped with the original; different stories on the
//! same topic are not. Measured on copies made here of real news articles.

mod common;

use std::collections::{BTreeSet, HashMap};

use gonghui::Index;
use gonghui::articles::Article;
use gonghui::index::writer::{IndexOptions, Indexer};

/// Every `STRIDE`th article of the news corpus, about 3,000; every `COPY_EVERY`th of those
/// with three paragraphs or more is reprinted.
const STRIDE: usize = 25;
const COPY_EVERY: usize = 4;

/// A small deterministic generator, so a failure can be reproduced.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const PAPERS: &[&str] = &["工人日报", "甘肃工人报", "兰州日报", "四川工人日报"];

fn later(date: &str, days: i64) -> String {
    let day = gonghui::dates::to_datetime(date).unwrap();
    let seconds = day.into_timestamp_secs() + days * 86_400;
    gonghui::dates::from_datetime(tantivy::DateTime::from_timestamp_secs(seconds))
}

/// A reprint as another paper would run it: another source and date, a new headline and the
/// punctuation of a typesetter; then, in turn, a paragraph after the first dropped, a sentence
/// added, both, or the text as it was.
fn reprint(original: &Article, n: usize, rng: &mut Lcg) -> Article {
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

    let mut rng = Lcg(20211104);
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
