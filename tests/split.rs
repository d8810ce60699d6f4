//! Long paragraphs: a scraped page without line breaks is split into passages of bounded size
//! (see `gonghui::passages`), and a string across a split is found in the part where it starts,
//! highlighted up to the end of that part's text.

mod common;

use std::io::BufRead;

use gonghui::Hit;
use gonghui::MAX_PASSAGE_CHARS;
use gonghui::printer::{Marks, TextPrinter};
use gonghui::{Index, SearchOptions};

/// The first news bodies, with `keep` characters only, joined into one paragraph of at least
/// `chars` characters.
fn one_line_page(chars: usize, keep: impl Fn(char) -> bool) -> Option<String> {
    let news = common::shared("news.jsonl.zst")?;
    let file = std::fs::File::open(news).unwrap();
    let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
    let mut page = String::new();
    for line in reader.lines() {
        let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        page.extend(
            record["body"]
                .as_str()
                .unwrap()
                .chars()
                .filter(|&c| keep(c)),
        );
        if page.chars().count() >= chars {
            return Some(page);
        }
    }
    None
}

/// The hits of `query` in every passage, reprints not collapsed.
fn search(index: &Index, query: &str) -> Vec<Hit> {
    let options = SearchOptions {
        limit: 0,
        collapse_reprints: false,
        ..SearchOptions::default()
    };
    index.search(query, &options).unwrap().hits
}

/// Indexes the pages as articles `page-1`, `page-2`… of one JSON Lines file.
fn index_pages(pages: &[&str]) -> (tempfile::TempDir, Index) {
    let input = tempfile::tempdir().unwrap();
    let file = input.path().join("pages.jsonl");
    let lines: Vec<String> = pages
        .iter()
        .enumerate()
        .map(|(i, body)| {
            serde_json::json!({"id": format!("page-{}", i + 1), "title": "一行的网页", "body": body})
                .to_string()
        })
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (dir, index, _) = common::build(&[file]);
    (dir, index)
}

/// The parts of page `id`, as indexed: every passage matches 的 OR -的.
fn parts_of(index: &Index, id: &str) -> Vec<String> {
    let mut parts: Vec<(u64, u64, String)> = search(index, "的 OR -的")
        .into_iter()
        .filter(|h| h.article.id == id)
        .map(|h| (h.passage.para, h.passage.part, h.passage.text))
        .collect();
    parts.sort();
    assert!(parts.iter().all(|(para, _, _)| *para == 1));
    let numbers: Vec<u64> = parts.iter().map(|(_, part, _)| *part).collect();
    assert_eq!(numbers, (1..=parts.len() as u64).collect::<Vec<_>>());
    parts.into_iter().map(|(_, _, text)| text).collect()
}

/// Searches, for every split of page `id`, the string of `reach` characters each side of it,
/// when `query_at` gives one, and checks that the part where it starts has it, highlighted
/// from its start to the end of the part. Returns how many splits were tried.
fn check_across_splits(
    index: &Index,
    id: &str,
    page: &str,
    reach: usize,
    query_at: impl Fn(&str) -> bool,
) -> usize {
    let parts = parts_of(index, id);
    assert_eq!(parts.concat(), page, "the parts of {id} are the page");
    assert!(parts.len() >= 3);
    assert!(parts.iter().all(|p| p.chars().count() <= MAX_PASSAGE_CHARS));
    let printer = |max_chars| TextPrinter {
        marks: Marks::Brackets,
        max_chars,
    };
    let mut tried = 0;
    for (k, pair) in parts.windows(2).enumerate() {
        let before: Vec<char> = pair[0].chars().collect();
        let query: String = before[before.len() - reach..]
            .iter()
            .copied()
            .chain(pair[1].chars().take(reach))
            .collect();
        if !query_at(&query) {
            continue;
        }
        tried += 1;
        let hits = search(index, &format!("\"{query}\""));
        let hit = hits
            .iter()
            .find(|h| h.article.id == id && h.passage.part == k as u64 + 1)
            .unwrap_or_else(|| panic!("{query:?} across split {} of {id} is not found", k + 1));
        let len = before.len();
        let last = *hit.highlights.last().unwrap();
        assert_eq!(last, (len - reach, len), "{query:?} in part {}", k + 1);
        assert!(hit.highlights.iter().all(|&(s, e)| s < e && e <= len));
        // The text output marks the part, or a window of it, without slicing inside a
        // character or past the end.
        let first_half: String = before[len - reach..].iter().collect();
        for max_chars in [0, 160] {
            let mut out = Vec::new();
            printer(max_chars).hit(&mut out, hit).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(max_chars > 0 || out.ends_with(&format!("【{first_half}】\n\n")));
        }
    }
    tried
}

#[test]
fn a_page_without_line_breaks_is_found_across_its_splits() {
    // Real sentences, split at sentence ends; the same text without punctuation or spaces,
    // split between two Han characters.
    let Some(page) = one_line_page(9_000, |c| !c.is_whitespace()) else {
        return;
    };
    let Some(han) = one_line_page(9_000, common::is_han) else {
        return;
    };
    let (_dir, index) = index_pages(&[&page, &han]);

    // A split at a sentence end: the query is the end of one sentence, its stop, and the start
    // of the next (without digits or Latin, which match only as whole words).
    let plain = |query: &str| {
        query
            .chars()
            .all(|c| common::is_han(c) || "。！？；，、".contains(c))
    };
    assert!(check_across_splits(&index, "page-1", &page, 3, plain) > 0);
    let splits = check_across_splits(&index, "page-2", &han, 5, |_| true);
    assert_eq!(splits, parts_of(&index, "page-2").len() - 1);
}
