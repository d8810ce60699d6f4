//! Fuzzing by property tests (no nightly toolchain is needed): arbitrary bytes and
//! arbitrary text through the page parser, the JSON Lines reader and the query parser, which
//! must answer or refuse, never panic. Each test prints how many inputs it tried.
//!
//! `FUZZ_CASES=200000 cargo test --release --test fuzz -- --nocapture` runs a long campaign;
//! the default is a quick one for every `cargo test`.

use gonghui::MAX_PASSAGE_CHARS;
use gonghui::articles::{jsonl, page};
use gonghui::files::decode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

/// Runs `test` on `cases()` inputs of `strategy` and reports the count; a panic or a failed
/// property fails the test with the (shrunk) input.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{name}: {failure}");
    }
    eprintln!("{name}: {} inputs, 0 panics", cases());
}

/// Text that looks like scraped pages and records: Han, headings, dates, page buttons,
/// trailer markers, brackets, JSON punctuation, blank lines and control characters.
fn page_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec![
                "甘肃工人报 2021-11-03 00:45 大字 中字 小字 打印 关闭",
                "兰州石化公司工会:女职工服务队撑起疫情防控“半边天”",
                "10月27日晚市总工会发布志愿者《招募令》,开通报名渠道以来",
                "新闻推荐", "相关阅读", "（记者 张三）", "2021年11月3日", "1972－1976年",
                "一是稳就业，二是保民生、促发展、", "“", "》", "(", "\"", "{", "}", ":", ",",
            ])
            .prop_map(str::to_string),
            2 => Just("\n".to_string()),
            1 => Just("\r\n\r\n".to_string()),
            2 => any::<String>(),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

#[test]
fn the_page_parser_takes_any_bytes() {
    fuzz(
        "page parser, arbitrary bytes",
        prop::collection::vec(any::<u8>(), 0..2048),
        |bytes| {
            if let Ok((text, _)) = decode(&bytes) {
                check_page(&text)?;
            }
            Ok(())
        },
    );
    fuzz("page parser, page-like text", page_like(), |text| {
        check_page(&text)
    });
}

fn check_page(text: &str) -> Result<(), TestCaseError> {
    let article = page::parse(text, "fuzz.txt");
    // Paragraphs are numbered from 1, and the parts of a split one from 1 within it.
    let mut previous = (0, 0);
    for passage in &article.passages {
        let (para, part) = (passage.para, passage.part);
        let next_paragraph = para == previous.0 + 1 && part <= 1;
        let next_part = para == previous.0 && previous.1 > 0 && part == previous.1 + 1;
        prop_assert!(next_paragraph || next_part);
        prop_assert!(!passage.text.trim().is_empty());
        prop_assert!(passage.text.chars().count() <= MAX_PASSAGE_CHARS);
        previous = (para, part);
    }
    Ok(())
}

#[test]
fn the_json_lines_reader_takes_any_line() {
    fuzz(
        "JSON Lines reader, arbitrary text",
        any::<String>(),
        |line| {
            let _ = jsonl::parse(&line, "fuzz.jsonl", 1);
            Ok(())
        },
    );
    let record = (
        any::<String>(),
        page_like(),
        page_like(),
        prop::option::of(any::<i64>()),
    )
        .prop_map(|(title, body, date, id)| {
            serde_json::json!({"id": id, "title": title, "body": body, "date": date}).to_string()
        });
    fuzz("JSON Lines reader, records", record, |line| {
        if let Ok(article) = jsonl::parse(&line, "fuzz.jsonl", 1) {
            prop_assert!(!article.id.is_empty());
        }
        Ok(())
    });
}

#[test]
fn the_query_parser_takes_any_text() {
    let syntax = prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                "\"",
                "“",
                "”",
                "(",
                ")",
                "（",
                "）",
                "-",
                "OR",
                " ",
                "\u{3000}",
                "title:",
                "source:",
                "：",
                "工会",
                "志愿者",
                "疫",
            ])
            .prop_map(str::to_string),
            any::<String>(),
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat());
    fuzz("query parser", syntax, |query| {
        let _ = gonghui::query::parse(&query);
        Ok(())
    });
}
