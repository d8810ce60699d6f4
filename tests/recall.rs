//! The recall guarantee, measured on real news: any string of Chinese characters that occurs
//! in a passage finds it. Random substrings of passages are searched and the matches compared
//! with a brute-force scan of the same passages.

mod common;

use std::collections::BTreeSet;

use gonghui::normalize;
use gonghui::{Index, SearchOptions};
use gonghui::{IndexOptions, Indexer};

/// Every `STRIDE`th article of the news corpus: about 3,000 articles and 14,000 passages, so
/// that the test stays quick in a debug build.
const STRIDE: usize = 25;
const QUERIES: usize = 400;

struct Passage {
    key: (String, u64),
    text: Vec<char>,
    haystack: String,
}

#[test]
fn every_substring_finds_every_passage_that_contains_it() {
    let Some(news) = common::shared("news.jsonl.zst") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexOptions::default()).unwrap();
    let mut passages = Vec::new();
    let (input, _) = gonghui::files::discover(&[news]);
    let mut n = 0;
    gonghui::files::read_articles(&input[0], 0, &indicatif::ProgressBar::hidden(), |item| {
        n += 1;
        if n % STRIDE == 0
            && let Ok((_, article)) = item
            && indexer.add_article(&article).unwrap()
        {
            for p in &article.passages {
                passages.push(Passage {
                    key: (article.id.clone(), p.para as u64),
                    text: p.text.chars().collect(),
                    haystack: format!("{}\n{}", normalize(&p.text), normalize(&p.section)),
                });
            }
        }
        true
    });
    indexer.finish().unwrap();
    let index = Index::open(dir.path()).unwrap();
    assert!(passages.len() > 10_000);

    let all = SearchOptions {
        limit: 0,
        // Every passage of every copy.
        collapse_reprints: false,
        ..SearchOptions::default()
    };
    let mut rng = common::Lcg(20211103);
    let (mut misses, mut single_word, mut single_word_false_hits) = (0, 0, 0);
    let (mut multi_word, mut multi_word_extra, mut literal_first) = (0, 0, 0);
    let mut queries = 0;
    while queries < QUERIES {
        let passage = &passages[rng.below(passages.len())];
        let start = rng.below(passage.text.len());
        let len = 1 + rng.below(6);
        let query: String = passage.text[start..]
            .iter()
            .take(len)
            .take_while(|c| common::is_han(**c))
            .collect();
        if query.is_empty() {
            continue;
        }
        queries += 1;
        let needle = normalize(&query);
        let expected: BTreeSet<&(String, u64)> = passages
            .iter()
            .filter(|p| p.haystack.contains(&needle))
            .map(|p| &p.key)
            .collect();
        let results = index.search(&query, &all).unwrap();
        assert_eq!(results.total, results.hits.len());
        let ranked: Vec<(String, u64)> = results
            .hits
            .iter()
            .map(|h| (h.article.id.clone(), h.passage.para))
            .collect();
        let found: BTreeSet<&(String, u64)> = ranked.iter().collect();
        let missed = expected.difference(&found).count();
        misses += missed;
        assert_eq!(
            missed, 0,
            "{query}: {missed} passages containing it were not found"
        );

        let extra = found.difference(&expected).count();
        if index.words(&needle).len() == 1 {
            single_word += 1;
            single_word_false_hits += extra;
        } else {
            // Cut into several words, all required: passages with the words apart match too,
            // after the passages where the query occurs as typed.
            multi_word += 1;
            multi_word_extra += extra;
            let last_literal = ranked.iter().rposition(|k| expected.contains(k));
            let first_other = ranked.iter().position(|k| !expected.contains(k));
            if first_other.is_none_or(|o| last_literal.is_none_or(|l| l < o)) {
                literal_first += 1;
            }
        }
    }
    eprintln!(
        "recall over {} passages, {queries} random substrings of 1 to 6 characters: {misses} misses; \
         {single_word} one-word queries, {single_word_false_hits} false hits; {multi_word} \
         multi-word queries, {multi_word_extra} passages with the words apart, literal matches \
         ranked first in {literal_first}",
        passages.len()
    );
    assert_eq!(misses, 0);
    assert_eq!(single_word_false_hits, 0);
    assert!(single_word >= 100 && multi_word >= 100);
    assert_eq!(literal_first, multi_word);
}

/// A string of common characters with rarer ones between (found by pairs of the common ones
/// and the rarer characters, across two fields) matches where it stands whole, and nowhere
/// else: not where its pairs and characters are all there apart, nor out of order.
#[test]
fn pairs_and_characters_together_find_a_string_only_whole() {
    let corpus = common::jsonl_corpus(&[
        (
            "a",
            "2021-11-03",
            "全国各级工会出席了会议，中国的协会表示欢迎。",
        ),
        ("b", "2021-11-03", "中国工会协会举行会议。"),
        (
            "c",
            "2021-11-03",
            "协会在中国，工会在各地；全国协会与工会。",
        ),
        ("d", "2021-11-03", "中国工协会"),
    ]);
    let (_dir, index, _) = common::build(&[corpus.path().to_path_buf()]);
    let found = |query: &str| -> Vec<String> {
        let options = gonghui::SearchOptions {
            limit: 0,
            ..gonghui::SearchOptions::default()
        };
        let results = index.search(query, &options).unwrap();
        let mut ids: Vec<String> = results.hits.iter().map(|h| h.article.id.clone()).collect();
        ids.sort();
        ids
    };
    // 中国 and 工会 by their pairs, 协 by itself.
    assert_eq!(found("\"中国工会协\""), ["b"]);
    // 全国 as a pair, 各 and 级 as characters, 工会 as a pair.
    assert_eq!(found("\"全国各级工会\""), ["a"]);
    assert_eq!(found("\"国工协\""), ["d"]);
}
