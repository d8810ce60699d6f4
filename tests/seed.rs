//! Searching the seed article (甘肃工人报, 2021-11-03) in `corpus/`.

mod common;

use std::collections::BTreeSet;

use gonghui::normalize;
use gonghui::{Index, SearchOptions};

fn all() -> SearchOptions {
    SearchOptions {
        limit: 0,
        ..SearchOptions::default()
    }
}

/// Paragraph numbers of the seed's passages whose text or heading satisfies `keep`.
fn paragraphs_where(index: &Index, keep: impl Fn(&str) -> bool) -> BTreeSet<u64> {
    // Every passage of the one article: the query 的 OR -的 matches them all.
    let everything = index.search("的 OR -的", &all()).unwrap();
    assert_eq!(everything.total, 24);
    everything
        .hits
        .iter()
        .filter(|h| keep(&normalize(&h.passage.text)) || keep(&normalize(&h.passage.section)))
        .map(|h| h.passage.para)
        .collect()
}

fn found(index: &Index, query: &str) -> BTreeSet<u64> {
    let results = index.search(query, &all()).unwrap();
    assert_eq!(results.total, results.hits.len());
    results.hits.iter().map(|h| h.passage.para).collect()
}

#[test]
fn volunteers_every_paragraph_and_no_other_each_occurrence_one_span() {
    let (_dir, index, report) = common::build(&[common::corpus()]);
    assert_eq!((report.articles, report.passages), (1, 24));

    let results = index.search("志愿者", &all()).unwrap();
    let expected = paragraphs_where(&index, |t| t.contains("志愿者"));
    assert_eq!(expected.len(), 9);
    assert_eq!(
        results
            .hits
            .iter()
            .map(|h| h.passage.para)
            .collect::<BTreeSet<_>>(),
        expected
    );

    for pair in results.hits.windows(2) {
        assert!(pair[0].score >= pair[1].score, "ranked by score");
    }
    for hit in &results.hits {
        let occurrences = hit.passage.text.matches("志愿者").count();
        assert_eq!(
            hit.highlights.len(),
            occurrences,
            "para {}",
            hit.passage.para
        );
        for &span in &hit.highlights {
            assert_eq!(common::chars(&hit.passage.text, span), "志愿者");
        }
    }
    // The passage with the most volunteers comes first.
    assert!(results.hits[0].highlights.len() >= 3);
}

#[test]
fn phrase_and_query_no_hits() {
    let (_dir, index, _) = common::build(&[common::corpus()]);

    let phrase = found(&index, "\"疫情防控阻击战\"");
    assert_eq!(
        phrase,
        paragraphs_where(&index, |t| t.contains("疫情防控阻击战"))
    );
    assert!(!phrase.is_empty());
    // Quoted text is exact: the characters in this order, not merely both words.
    assert!(found(&index, "\"防控疫情\"").is_empty());
    assert!(!found(&index, "防控疫情").is_empty());

    let both = found(&index, "劳模 工匠");
    assert_eq!(
        both,
        paragraphs_where(&index, |t| t.contains("劳模") && t.contains("工匠"))
    );
    assert!(both.len() >= 2);

    // Exclusion: what 工会 finds, less what also has 志愿者 (a phrase of grams under MustNot).
    let union = found(&index, "工会");
    let with = found(&index, "工会 志愿者");
    let without = found(&index, "工会 -志愿者");
    assert_eq!(without, union.difference(&with).copied().collect());
    assert!(!without.is_empty() && !with.is_empty());

    assert!(found(&index, "区块链").is_empty());
    let none = index.search("区块链", &SearchOptions::default()).unwrap();
    assert_eq!((none.total, none.hits.len()), (0, 0));
}

#[test]
fn sub_word_recall_on_the_seed() {
    let (_dir, index, _) = common::build(&[common::corpus()]);
    // The peers' classic misses: a single character inside words, a word inside a longer word.
    for query in [
        "疫",
        "工会",
        "总工会",
        "防控",
        "娘家人",
        "勠力同心",
        "12351",
    ] {
        assert_eq!(
            found(&index, query),
            paragraphs_where(&index, |t| t.contains(query)),
            "{query}"
        );
    }
}

#[test]
fn a_phrase_across_a_page_break_matches_the_joined_paragraph() {
    let (_dir, index, _) = common::build(&[common::corpus()]);
    let results = index
        .search("\"坚决打赢疫情防控阻击战的通知\"", &all())
        .unwrap();
    assert_eq!(results.total, 1);
    let text = &results.hits[0].passage.text;
    assert!(text.starts_with("及时向全区各级工会组织"));
    let results = index.search("\"不传谣。发出《致全市\"", &all()).unwrap();
    assert_eq!(results.total, 1);
}
