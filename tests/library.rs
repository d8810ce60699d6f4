//! The library as programs use it: indexing articles, searching, and the example program.

use gonghui::Article;
use gonghui::{Index, SearchOptions, Sort};
use gonghui::{IndexOptions, Indexer};

fn article(id: &str, date: &str, body: &str) -> Article {
    let mut article = Article::new(id, &format!("标题{id}"), body);
    article.source = "工人日报".to_string();
    article.date = date.to_string();
    article
}

#[test]
fn index_articles_then_search_sort_and_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexOptions::default()).unwrap();
    assert!(
        indexer
            .add_article(&article(
                "a",
                "2020-02-01",
                "职工志愿者支援抗疫。\n工会送温暖。"
            ))
            .unwrap()
    );
    assert!(
        indexer
            .add_article(&article("b", "2021-06-01", "劳模志愿者服务社区。"))
            .unwrap()
    );
    assert!(
        indexer
            .add_article(&article("c", "2019-03-01", "志愿者在行动。"))
            .unwrap()
    );
    // The same text under another id is a reprint, kept; the same id replaces.
    assert!(
        indexer
            .add_article(&article("d", "2019-03-02", "志愿者在行动。"))
            .unwrap()
    );
    assert!(
        indexer
            .add_article(&article(
                "b",
                "2021-06-02",
                "劳模志愿者服务社区，工会慰问。"
            ))
            .unwrap()
    );
    assert!(
        indexer
            .add_article(&article("e", "", "没有日期的志愿者报道。"))
            .unwrap()
    );
    let report = indexer.finish().unwrap();
    assert_eq!((report.total_articles, report.total_passages), (5, 6));

    let index = Index::open(dir.path()).unwrap();
    let newest = SearchOptions {
        sort: Sort::DateDesc,
        ..SearchOptions::default()
    };
    let dates: Vec<String> = index
        .search("志愿者", &newest)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.article.date)
        .collect();
    // c and d are one story: the copy ranked first stands for both and lists the other.
    assert_eq!(dates, ["2021-06-02", "2020-02-01", "2019-03-02", ""]);
    let hits = index.search("志愿者", &newest).unwrap().hits;
    let reprints: Vec<&str> = hits[2]
        .article
        .reprints
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(reprints, ["c"]);
    assert!(hits[0].article.reprints.is_empty());
    let every_copy = SearchOptions {
        collapse_reprints: false,
        ..newest.clone()
    };
    assert_eq!(index.search("志愿者", &every_copy).unwrap().hits.len(), 5);
    let dates = |options: &SearchOptions| -> Vec<String> {
        let results = index.search("志愿者", options).unwrap();
        results.hits.into_iter().map(|h| h.article.date).collect()
    };
    let oldest = SearchOptions {
        sort: Sort::Date,
        ..SearchOptions::default()
    };
    assert_eq!(
        dates(&oldest),
        ["2019-03-01", "2020-02-01", "2021-06-02", ""]
    );
    // The same order through the path that ranks every match (per article).
    let per_article = SearchOptions {
        per_article: Some(1),
        ..oldest.clone()
    };
    assert_eq!(dates(&per_article), dates(&oldest));

    let in_2020 = SearchOptions {
        from: Some("2020-01-01".into()),
        to: Some("2020-12-31".into()),
        ..SearchOptions::default()
    };
    let results = index.search("志愿者", &in_2020).unwrap();
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].article.id, "a");
    assert_eq!(index.count("工会", &SearchOptions::default()).unwrap(), 2);
    assert_eq!(
        index
            .search("title:标题b", &SearchOptions::default())
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        index
            .search("source:工人日报 慰问", &SearchOptions::default())
            .unwrap()
            .total,
        1
    );
}

#[test]
fn the_example_program_runs() {
    // Test binaries live in target/<profile>/deps; examples in target/<profile>/examples.
    let deps = std::env::current_exe().unwrap();
    let example = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/search");
    let output = std::process::Command::new(&example)
        .args([concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"), "志愿者"])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", example.display()));
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("9 passages match 志愿者"), "{text}");
    assert!(text.contains("para 16): 志愿者 志愿者"));
}
