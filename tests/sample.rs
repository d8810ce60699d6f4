//! Indexing the 200 page files of `../shared/corpus/sample/` and searching them.

mod common;

use gonghui::SearchOptions;
use gonghui::normalize;

#[test]
fn the_sample_pages_index_and_search() {
    let Some(sample) = common::shared("sample") else {
        return;
    };
    let (_dir, index, report) = common::build(std::slice::from_ref(&sample));
    assert_eq!(report.articles, 200, "{:?}", report.skipped);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.passages > 1000);

    // Every page that mentions 工会 in its text is found, and only those.
    let mut expected = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // The title line is not part of any passage.
        let body: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
        if normalize(&body).contains("工会") {
            expected.insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let options = SearchOptions {
        limit: 0,
        // Every passage of every copy.
        collapse_reprints: false,
        ..SearchOptions::default()
    };
    let results = index.search("工会", &options).unwrap();
    let found: std::collections::BTreeSet<String> = results
        .hits
        .iter()
        .map(|h| h.article.path.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(found, expected);
    assert!(
        results
            .hits
            .iter()
            .all(|h| !h.highlights.is_empty() || !h.section_highlights.is_empty())
    );

    // Metadata comes through: news pages have a source and a date.
    let hit = &results.hits[0];
    assert!(!hit.article.title.is_empty());
    let dated = results
        .hits
        .iter()
        .filter(|h| !h.article.date.is_empty())
        .count();
    assert!(dated > results.hits.len() / 2);
}
