//! Queries as people type them: ranking of whole words, normalisation, the user dictionary,
//! and indexes made with another analyzer.

use std::path::Path;

use assert_cmd::Command;
use gonghui::Article;
use gonghui::{Error, Index, SearchOptions};
use gonghui::{IndexOptions, Indexer, index_paths};

fn index_of(dir: &Path, bodies: &[&str], options: &IndexOptions) -> Index {
    let mut indexer = Indexer::open(dir, options).unwrap();
    for (i, body) in bodies.iter().enumerate() {
        indexer
            .add_article(&Article::new(&format!("a{i}"), "标题", body))
            .unwrap();
    }
    indexer.finish().unwrap();
    Index::open(dir).unwrap()
}

fn ids(index: &Index, query: &str) -> Vec<String> {
    let all = SearchOptions {
        limit: 0,
        ..SearchOptions::default()
    };
    index
        .search(query, &all)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.article.id)
        .collect()
}

#[test]
fn whole_words_rank_above_matches_across_words() {
    let dir = tempfile::tempdir().unwrap();
    // jieba cuts the first as 工会 | 议题: 会议 occurs only across two words.
    let index = index_of(
        dir.path(),
        &["今天讨论工会议题工作安排。", "今天召开会议讨论工作安排。"],
        &IndexOptions::default(),
    );
    assert_eq!(ids(&index, "会议"), ["a1", "a0"]);
}

#[test]
fn a_han_character_after_a_word_is_found_where_a_run_of_han_starts() {
    let dir = tempfile::tempdir().unwrap();
    // 店 right after a word, with Han after it (店铺, 店员) or not; 4s apart from 店 is not it.
    let index = index_of(
        dir.path(),
        &[
            "这家4s店铺今天开业。",
            "4s店员工参加培训。",
            "他在4s店。",
            "4s 店在城东。",
            "5g店铺，4s网点。",
        ],
        &IndexOptions::default(),
    );
    let mut found = ids(&index, "4s店");
    found.sort();
    assert_eq!(found, ["a0", "a1", "a2"]);
    assert_eq!(ids(&index, "4s店铺"), ["a0"]);
    assert_eq!(ids(&index, "店员"), ["a1"]);
}

#[test]
fn traditional_and_full_width_queries_with_highlights_on_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of(
        dir.path(),
        &[
            "各地誌願者服務社區。",
            "志愿者走进工会。",
            "ＣＯＶＩＤ－１９疫苗接种。",
        ],
        &IndexOptions::default(),
    );
    assert_eq!(ids(&index, "誌願者"), ids(&index, "志愿者"));
    assert_eq!(ids(&index, "志愿者").len(), 2);
    assert_eq!(ids(&index, "工會"), ["a1"]);
    assert_eq!(ids(&index, "covid-19"), ["a2"]);
    assert_eq!(ids(&index, "“疫苗接种”\u{3000}ＣＯＶＩＤ"), ["a2"]);

    let results = index
        .search("志愿者服务", &SearchOptions::default())
        .unwrap();
    let hit = results.hits.iter().find(|h| h.article.id == "a0").unwrap();
    assert_eq!(hit.highlights, vec![(2, 7)]);
    let shown: String = hit.passage.text.chars().skip(2).take(5).collect();
    assert_eq!(shown, "誌願者服務");
}

#[test]
fn a_user_dictionary_is_used_by_index_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("union.dict");
    // BOM and CRLF, as editors on Windows save them; one word without a frequency.
    std::fs::write(&dict, "\u{feff}职代会 1000 n\r\n娘家人\r\n# a comment\r\n").unwrap();
    let index_dir = dir.path().join("index");
    let options = IndexOptions {
        user_dict: Some(dict.clone()),
        ..IndexOptions::default()
    };
    let index = index_of(
        &index_dir,
        &["召开职代会审议方案。", "当好职工娘家人。"],
        &options,
    );
    assert_eq!(index.config().analyzer.user_words, 2);
    let words = index.words("职代会");
    assert_eq!(words, ["职代会"]);
    assert_eq!(ids(&index, "职代会"), ["a0"]);
    drop(index);

    // Another dictionary on the same index is refused; --rebuild takes it.
    let other = dir.path().join("other.dict");
    std::fs::write(&other, "劳模工匠 500\n").unwrap();
    let refused = Indexer::open(
        &index_dir,
        &IndexOptions {
            user_dict: Some(other.clone()),
            ..IndexOptions::default()
        },
    );
    match refused {
        Err(Error::Incompatible(message)) => assert!(message.contains("--rebuild"), "{message}"),
        other => panic!("expected a refusal, got {:?}", other.err()),
    }
    let rebuilt = IndexOptions {
        user_dict: Some(other),
        rebuild: true,
        ..IndexOptions::default()
    };
    index_paths(&index_dir, &[], &rebuilt).unwrap();
    assert_eq!(
        Index::open(&index_dir)
            .unwrap()
            .config()
            .analyzer
            .user_words,
        1
    );
}

#[test]
fn an_index_made_with_another_analyzer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    index_of(dir.path(), &["工会。"], &IndexOptions::default());
    let config_path = dir.path().join("gonghui.json");
    let config = std::fs::read_to_string(&config_path).unwrap();
    std::fs::write(
        &config_path,
        config.replace("\"normalization\": 1", "\"normalization\": 0"),
    )
    .unwrap();
    match Index::open(dir.path()) {
        Err(Error::Incompatible(message)) => {
            assert!(message.contains("gonghui index --rebuild"), "{message}")
        }
        other => panic!("expected a refusal, got {:?}", other.err()),
    }
    let output = Command::cargo_bin("gonghui")
        .unwrap()
        .args(["search", "工会", "--index"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("rebuild")
    );
}

#[test]
fn analyze_explains_a_query() {
    let dir = tempfile::tempdir().unwrap();
    index_of(dir.path(), &["工会。"], &IndexOptions::default());
    let output = Command::cargo_bin("gonghui")
        .unwrap()
        .args(["analyze", "全國總工會", "--index"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("normalised  全国总工会"), "{text}");
    assert!(text.contains("总工会"));
}

#[test]
fn synonyms_find_every_name_the_typed_one_first() {
    let dir = tempfile::tempdir().unwrap();
    // Real lines of the news corpus, naming the federation three ways.
    let index = index_of(
        dir.path(),
        &[
            "今天（4月28日），全国总工会举行全国五一劳动奖表彰大会，表彰今年全国五一劳动奖获得者。",
            "全总近日下发通知，对受疫情防控措施影响不能提供正常劳动的职工，要求各级工会组织依法督促所在企业不得解除劳动合同。",
            "中华全国总工会第十六届执行委员会20号到21号召开第一次全体会议。",
            "国家安全总局的大楼遭到袭击。",
        ],
        &IndexOptions::default(),
    );
    let all = SearchOptions {
        limit: 0,
        ..SearchOptions::default()
    };
    let results = index.search("全总", &all).unwrap();
    assert_eq!(
        results.expanded.get("全总").unwrap(),
        &["全国总工会", "中华全国总工会"]
    );
    let found: Vec<&str> = results.hits.iter().map(|h| h.article.id.as_str()).collect();
    // The form typed first (as a word before 全总 inside 安全总局), then the other names.
    assert_eq!(found.len(), 4);
    assert_eq!(found[..2], ["a1", "a3"]);
    for hit in &results.hits {
        let text: Vec<char> = hit.passage.text.chars().collect();
        let marked: Vec<String> = hit
            .highlights
            .iter()
            .map(|&(s, e)| text[s..e].iter().collect())
            .collect();
        let expected = match hit.article.id.as_str() {
            "a0" => vec!["全国总工会"],
            "a2" => vec!["中华全国总工会"],
            _ => vec!["全总"],
        };
        assert_eq!(marked, expected, "{}", hit.passage.text);
    }
    // Every name finds the same passages; --exact and quotes find the name typed only.
    assert_eq!(ids(&index, "中华全国总工会").len(), 4);
    let exact = SearchOptions {
        synonyms: None,
        ..all.clone()
    };
    let typed_only = index.search("全总", &exact).unwrap();
    assert!(typed_only.expanded.is_empty());
    assert_eq!(typed_only.total, 2);
    assert_eq!(ids(&index, "\"全总\"").len(), 2);

    // 中华全国总工会 holds 全国总工会 but is a form of its own: where only the long name is
    // written, the name typed is there as a synonym, after the passage that writes it.
    let explained = SearchOptions {
        explain: true,
        ..all.clone()
    };
    let results = index.search("全国总工会", &explained).unwrap();
    assert_eq!(results.total, 4);
    assert_eq!(results.hits[0].article.id, "a0");
    for hit in &results.hits[1..] {
        let parts = hit.explain.unwrap();
        assert_eq!(parts.as_typed.points, 0.0, "{}", hit.passage.text);
        assert!(parts.synonym.points > 0.0, "{}", hit.passage.text);
    }
    let long_name = results.hits.iter().find(|h| h.article.id == "a2").unwrap();
    let text: Vec<char> = long_name.passage.text.chars().collect();
    let (start, end) = long_name.highlights[0];
    assert_eq!(
        text[start..end].iter().collect::<String>(),
        "中华全国总工会"
    );
}

#[test]
fn the_labour_lexicon_keeps_union_words_whole() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of(dir.path(), &["外卖骑手送餐。"], &IndexOptions::default());
    assert!(index.config().analyzer.lexicon_words > 80);
    let words = index.words("外卖骑手权益保障");
    assert_eq!(words[0], "外卖骑手");
    let words = index.words("劳模精神");
    assert_eq!(words, ["劳模精神"]);
}
