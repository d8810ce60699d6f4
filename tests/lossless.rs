//! Nothing is lost between the input and the index: every body line of every article is in a
//! passage's text or section heading of that article, except the lines the clean-up drops on
//! purpose, which the article lists with their reason; and a paragraph split for its length is
//! its parts, concatenated. Checked over the whole corpus, without indexing (no jieba), so
//! that it stays quick in a debug build.

mod common;

use std::io::BufRead;
use std::path::Path;

use gonghui::MAX_PASSAGE_CHARS;
use gonghui::articles::jsonl;

/// What a corpus file came to.
#[derive(Default)]
struct Tally {
    articles: usize,
    lines: usize,
    dropped: usize,
    lost: Vec<String>,
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn tally(path: &Path) -> Tally {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).unwrap();
    let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
    let mut tally = Tally::default();
    for (number, line) in reader.lines().enumerate() {
        let line = line.unwrap();
        let Ok(article) = jsonl::parse(&line, &name, number + 1) else {
            continue;
        };
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        let body = record["body"].as_str().unwrap();
        tally.articles += 1;
        let mut haystack = String::new();
        for passage in &article.passages {
            // The parts of a paragraph split for its length follow each other: together they
            // are the paragraph.
            if passage.part <= 1 {
                haystack.push('\n');
                haystack.push_str(&without_whitespace(&passage.section));
                haystack.push('\n');
            }
            haystack.push_str(&without_whitespace(&passage.text));
        }
        for (i, body_line) in body.split('\n').enumerate() {
            let needle = without_whitespace(body_line);
            if needle.is_empty() {
                continue;
            }
            tally.lines += 1;
            let dropped = article
                .dropped
                .iter()
                .find(|d| d.line == i + 1 && d.text == body_line.trim());
            if dropped.is_some() {
                tally.dropped += 1;
            } else if !haystack.contains(&needle) {
                tally
                    .lost
                    .push(format!("{}:{}: {body_line}", article.id, i + 1));
            }
        }
    }
    eprintln!(
        "{}: {} articles, {} body lines, {} dropped on purpose, {} lost",
        path.file_name().unwrap().to_string_lossy(),
        tally.articles,
        tally.lines,
        tally.dropped,
        tally.lost.len()
    );
    for lost in tally.lost.iter().take(20) {
        eprintln!("  lost {lost}");
    }
    tally
}

#[test]
fn no_news_line_is_lost() {
    let Some(news) = common::shared("news.jsonl.zst") else {
        return;
    };
    let tally = tally(&news);
    assert!(tally.articles > 70_000);
    assert_eq!(tally.lost.len(), 0);
}

#[test]
fn no_web_page_line_is_lost_but_the_trailers() {
    let Some(web) = common::shared("inews_web.jsonl.zst") else {
        return;
    };
    let tally = tally(&web);
    assert!(tally.articles > 7_000);
    assert_eq!(tally.lost.len(), 0);
}

#[test]
fn news_bodies_without_line_breaks_are_their_parts() {
    let Some(news) = common::shared("news.jsonl.zst") else {
        return;
    };
    let file = std::fs::File::open(news).unwrap();
    let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
    let mut split = 0;
    for (number, line) in reader.lines().enumerate() {
        let mut record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let body = record["body"].as_str().unwrap().replace('\n', "");
        record["body"] = body.clone().into();
        let Ok(article) = jsonl::parse(&record.to_string(), "news", number + 1) else {
            continue;
        };
        if article.passages.len() < 2 {
            continue;
        }
        split += 1;
        let texts: Vec<&str> = article.passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts.concat(), body.trim(), "{}", article.id);
        for (i, passage) in article.passages.iter().enumerate() {
            assert_eq!((passage.para, passage.part), (1, i + 1));
            assert!(passage.text.chars().count() <= MAX_PASSAGE_CHARS);
        }
    }
    eprintln!("{split} bodies without line breaks were split");
    assert!(split > 100, "{split} bodies were split");
}
