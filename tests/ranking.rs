//! Ranking on real news: passages about the query before passages that only name it, and
//! scores that explain themselves.

mod common;

use gonghui::Article;
use gonghui::{Index, SearchOptions};
use gonghui::{IndexOptions, Indexer};

/// Real articles of the news corpus, by id, indexed together.
fn index_of(ids: &[&str]) -> Option<(tempfile::TempDir, Index)> {
    let news = common::shared("news.jsonl.zst")?;
    let mut articles: Vec<Article> = Vec::new();
    let (input, _) = gonghui::files::discover(&[news]);
    gonghui::files::read_articles(&input[0], 0, &indicatif::ProgressBar::hidden(), |item| {
        if let Ok((_, article)) = item
            && ids.contains(&article.id.as_str())
        {
            articles.push(article);
        }
        articles.len() < ids.len()
    });
    assert_eq!(articles.len(), ids.len(), "every article is in the corpus");
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexOptions::default()).unwrap();
    for article in &articles {
        indexer.add_article(article).unwrap();
    }
    indexer.finish().unwrap();
    let index = Index::open(dir.path()).unwrap();
    Some((dir, index))
}

fn explained() -> SearchOptions {
    SearchOptions {
        limit: 0,
        explain: true,
        ..SearchOptions::default()
    }
}

const UNION_AWARDS: &str = "xwlb-VIDEVVf982grGBZtsVtUvNMb260428";
const GREETINGS_LIST: &str = "xwlb-VIDEXojfrpKbe22hYKgdwVho201118";
const CHILD_LABOUR: &str = "xwlb-VIDESvulMoGJ4NDdnA0xr3ni221112";
const CHILDREN_WORK_MEETING: &str = "xwlb-VIDEGqCv7KYvNjWmFCq4M5q6230928";
const WOMEN_CONGRESS: &str = "xwlb-VIDEwVeuPgYFPXLo7hOsElV4181102";

#[test]
fn a_report_ranks_above_a_list_that_names_it() {
    let Some((_dir, index)) = index_of(&[UNION_AWARDS, GREETINGS_LIST]) else {
        return;
    };
    let results = index.search("全国总工会", &explained()).unwrap();
    let list = results
        .hits
        .iter()
        .find(|h| {
            h.passage
                .text
                .starts_with("全国总工会、共青团中央、全国妇联")
        })
        .expect("the list of greetings matches");
    let explain = list.explain.unwrap();
    assert!(explain.list.points < 0.0 && explain.short.points < 0.0);
    // Every passage of the report about the union's awards ranks above the list.
    assert!(
        results
            .hits
            .iter()
            .filter(|h| h.article.id == UNION_AWARDS)
            .all(|h| h.rank < list.rank)
    );
}

#[test]
fn the_word_ranks_above_its_characters_inside_other_words() {
    let Some((_dir, index)) = index_of(&[CHILD_LABOUR, CHILDREN_WORK_MEETING, WOMEN_CONGRESS])
    else {
        return;
    };
    let results = index.search("童工", &explained()).unwrap();
    // 童工 inside 儿童工作 (children's work) is found, as any string is, but after the passages
    // about child labour, and the explanation says why.
    let (about, inside): (Vec<_>, Vec<_>) = results
        .hits
        .iter()
        .partition(|h| h.article.id == CHILD_LABOUR);
    assert!(!about.is_empty() && !inside.is_empty());
    let last_about = about.iter().map(|h| h.rank).max().unwrap();
    for hit in inside {
        assert!(hit.rank > last_about);
        assert!(
            hit.passage.text.contains("儿童工作"),
            "{}",
            hit.passage.text
        );
        assert_eq!(hit.explain.unwrap().whole_words.value, 0.0);
    }
}

#[test]
fn explanations_add_up_to_the_scores_and_order_the_hits() {
    let Some((_dir, index)) = index_of(&[
        UNION_AWARDS,
        GREETINGS_LIST,
        CHILD_LABOUR,
        CHILDREN_WORK_MEETING,
    ]) else {
        return;
    };
    for query in ["全国总工会", "童工", "劳动 奖章", "全国 表彰", "工会"] {
        let results = index.search(query, &explained()).unwrap();
        assert!(!results.hits.is_empty(), "{query}");
        for pair in results.hits.windows(2) {
            assert!(
                pair[0].score >= pair[1].score,
                "{query}: hits in score order"
            );
        }
        for hit in &results.hits {
            let explain = hit.explain.unwrap();
            assert!((explain.total() - hit.score).abs() < 1e-3, "{query}");
        }
    }
}
