//! Properties over arbitrary text: the query path never panics, whatever is typed, and its
//! highlights are whole characters of the passage.

mod common;

use std::sync::OnceLock;

use gonghui::{Index, SearchOptions};
use proptest::prelude::*;

/// Text mixing Han (simplified and traditional), Latin, digits, full-width forms, punctuation,
/// emoji and combining marks.
fn mixed_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select("志愿者工会疫情防控總會誌願者服务的了".chars().collect::<Vec<_>>()),
            1 => prop::sample::select("abcXYZ019ＡＢ１İß".chars().collect::<Vec<_>>()),
            1 => prop::sample::select("，。！？；：“”《》() -\"\u{3000}\n".chars().collect::<Vec<_>>()),
            1 => prop::sample::select("😀👍🏽\u{301}\u{200d}𠀀".chars().collect::<Vec<_>>()),
        ],
        0..80,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn index() -> &'static Index {
    static INDEX: OnceLock<(tempfile::TempDir, Index)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let (dir, index, _) = common::build(&[common::corpus()]);
            (dir, index)
        })
        .1
}

proptest! {
    #[test]
    fn any_query_gives_results_or_an_error(query in mixed_text()) {
        match index().search(&query, &SearchOptions::default()) {
            Ok(results) => {
                for hit in &results.hits {
                    let len = hit.passage.text.chars().count();
                    prop_assert!(hit.highlights.iter().all(|&(s, e)| s < e && e <= len));
                }
            }
            Err(gonghui::Error::Query(_)) => {}
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}

#[test]
fn very_long_queries_are_handled() {
    let long = "疫情防控".repeat(2_000);
    let results = index().search(&long, &SearchOptions::default()).unwrap();
    // Cut into its words, all required: the same passages as the two words.
    let words = index()
        .search("疫情 防控", &SearchOptions::default())
        .unwrap();
    assert_eq!(results.total, words.total);
    let spaced = "工会 ".repeat(500);
    assert!(
        index()
            .search(&spaced, &SearchOptions::default())
            .unwrap()
            .total
            > 0
    );
}
