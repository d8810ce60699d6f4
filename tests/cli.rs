//! The command line as scripts use it: JSON Lines, exit codes, paging, batch mode.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn gonghui() -> Command {
    Command::cargo_bin("gonghui").unwrap()
}

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

/// A temporary index of the seed article, built with the CLI.
fn seed_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    gonghui()
        .args(["index", "--index"])
        .arg(dir.path())
        .arg(corpus())
        .assert()
        .success();
    dir
}

fn search(index: &Path, args: &[&str]) -> (i32, Vec<Value>, String) {
    let output = gonghui()
        .arg("search")
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect();
    (
        output.status.code().unwrap(),
        lines,
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn chars(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn json_lines_follow_the_schema_and_offsets_fit_the_text() {
    let index = seed_index();
    let (code, lines, stderr) = search(index.path(), &["志愿者", "--json", "-n", "0"]);
    assert_eq!(code, 0, "{stderr}");
    let (summary, hits) = lines.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["version"], 1);
    assert_eq!(summary["query"], "志愿者");
    assert_eq!(summary["total"], 9);
    assert_eq!(summary["returned"], 9);
    assert!(summary["elapsed_ms"].as_f64().unwrap() >= 0.0);
    for (i, hit) in hits.iter().enumerate() {
        assert_eq!(hit["type"], "hit");
        assert_eq!(hit["rank"], i as u64 + 1);
        assert!(hit["score"].as_f64().unwrap() > 0.0);
        for key in ["id", "title", "source", "date", "url", "path"] {
            assert!(hit["article"][key].is_string(), "article.{key}");
        }
        assert_eq!(hit["article"]["date"], "2021-11-03");
        assert!(hit["passage"]["para"].as_u64().unwrap() >= 1);
        assert!(hit["passage"]["section"].is_string());
        let text = hit["passage"]["text"].as_str().unwrap();
        let highlights = hit["highlights"].as_array().unwrap();
        assert!(!highlights.is_empty());
        for span in highlights {
            let (s, e) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
            assert_eq!(chars(text, s, e), "志愿者");
        }
        assert!(hit.get("explain").is_none(), "no explain without --explain");
    }
}

#[test]
fn explain_gives_the_parts_of_each_score() {
    let index = seed_index();
    let (code, lines, stderr) = search(index.path(), &["志愿者", "--json", "--explain"]);
    assert_eq!(code, 0, "{stderr}");
    let parts = [
        "as_typed",
        "whole_words",
        "synonym",
        "text",
        "title",
        "article",
        "section",
        "near",
        "list",
        "short",
    ];
    for hit in lines.iter().filter(|l| l["type"] == "hit") {
        let explain = &hit["explain"];
        let points: f64 = parts
            .iter()
            .map(|p| explain[p]["points"].as_f64().expect("each part has points"))
            .sum();
        let score = hit["score"].as_f64().unwrap();
        assert!((points - score).abs() < 1e-3, "{explain}");
        assert!((explain["score"].as_f64().unwrap() - score).abs() < 1e-3);
        // Nine passages of one article match: the article's part says so.
        assert_eq!(explain["article"]["value"], 9.0);
    }

    let output = gonghui()
        .args([
            "search",
            "志愿者",
            "--explain",
            "--color",
            "never",
            "-n",
            "1",
            "--index",
        ])
        .arg(index.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("= as typed 100.00 + whole words ") && text.contains(" + text "),
        "{text}"
    );
}

#[test]
fn facets_count_every_match_by_year_and_source() {
    let index = seed_index();
    let (code, lines, stderr) = search(index.path(), &["工会", "--json", "--facets", "-n", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let summary = lines.last().unwrap();
    assert_eq!(summary["returned"], 1);
    let total = summary["total"].as_u64().unwrap();
    assert!(total > 1);
    let facets = &summary["facets"];
    assert_eq!(facets["years"][0]["key"], "2021");
    for facet in ["years", "sources"] {
        let counts = facets[facet].as_array().unwrap();
        let sum: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
        assert_eq!(sum, total, "{facet}");
    }
    assert_eq!(facets["sources"][0]["key"], "甘肃工人报");

    let (_, lines, _) = search(index.path(), &["工会", "--json", "-n", "1"]);
    assert!(lines.last().unwrap().get("facets").is_none());

    let output = gonghui()
        .args(["search", "工会", "-n", "1", "--facets", "--index"])
        .arg(index.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(&format!("\nyears    2021 {total}\n")),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("\nsources  甘肃工人报 {total}\n")),
        "{text}"
    );
}

#[test]
fn exit_codes_as_grep() {
    let index = seed_index();
    let (code, lines, _) = search(index.path(), &["区块链", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["total"], 0);

    for bad in [
        &["\"疫情", "--json"][..],
        &["-"],
        &["foo:bar"],
        &["工会", "--from", "2022-01-01", "--to", "2021-01-01"],
        &["工会", "--from", "昨天"],
    ] {
        let (code, lines, stderr) = search(index.path(), bad);
        assert_eq!(code, 2, "{bad:?}");
        assert!(lines.is_empty(), "nothing on stdout for {bad:?}");
        assert!(
            stderr.starts_with("gonghui: ") && stderr.lines().count() == 1,
            "{stderr}"
        );
    }
    let missing = tempfile::tempdir().unwrap();
    let (code, _, stderr) = search(&missing.path().join("none"), &["工会"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no index at"), "{stderr}");
}

#[test]
fn paging_count_and_per_article() {
    let index = seed_index();
    let (_, all, _) = search(index.path(), &["工会", "--json", "-n", "0"]);
    let total = all.last().unwrap()["total"].as_u64().unwrap();
    assert_eq!(all.len() as u64, total + 1);
    let (_, page, _) = search(
        index.path(),
        &["工会", "--json", "-n", "3", "--offset", "3"],
    );
    assert_eq!(page.len(), 4);
    for (got, want) in page[..3].iter().zip(&all[3..6]) {
        assert_eq!(got, want);
    }
    assert_eq!(page[3]["total"], total);
    assert_eq!(page[3]["returned"], 3);

    let out = gonghui()
        .args(["search", "工会", "--count", "--index"])
        .arg(index.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        total.to_string()
    );

    let huge = u64::MAX.to_string();
    let (code, past_the_end, _) = search(
        index.path(),
        &["工会", "--json", "-n", &huge, "--offset", &huge],
    );
    assert_eq!(code, 0);
    assert_eq!(past_the_end.len(), 1, "only the summary");

    let (_, per_article, _) = search(index.path(), &["工会", "--json", "--per-article", "2"]);
    assert_eq!(per_article.len(), 3, "one article, two passages, a summary");
    assert_eq!(per_article[0], all[0]);
}

#[test]
fn batch_queries_pay_start_up_once() {
    let index = seed_index();
    let output = gonghui()
        .args(["search", "--queries", "-", "--index"])
        .arg(index.path())
        .write_stdin("志愿者\n\n区块链\n工会 -志愿者\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summaries: Vec<&Value> = lines.iter().filter(|l| l["type"] == "summary").collect();
    let queries: Vec<&str> = summaries
        .iter()
        .map(|s| s["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries, ["志愿者", "区块链", "工会 -志愿者"]);
    assert_eq!(summaries[1]["total"], 0);

    let output = gonghui()
        .args(["search", "--queries", "-", "--index"])
        .arg(index.path())
        .write_stdin("志愿者\n\"未闭合\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let last: Value = serde_json::from_str(
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(last["type"], "error");
    assert_eq!(last["query"], "\"未闭合");
}

#[test]
fn text_output_marks_matches_without_colour() {
    let index = seed_index();
    let output = gonghui()
        .args(["search", "志愿者", "-n", "1", "--color", "never", "--index"])
        .arg(index.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("1. 抗疫一线"), "{text}");
    assert!(text.contains("【志愿者】"));
    assert!(!text.contains('\x1b'));
    let output = gonghui()
        .args([
            "search",
            "志愿者",
            "-n",
            "1",
            "--color",
            "always",
            "--index",
        ])
        .arg(index.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("\x1b[1;31m志愿者")
    );
}

#[test]
fn stats_and_parse() {
    let index = seed_index();
    let output = gonghui()
        .args(["stats", "--json", "--index"])
        .arg(index.path())
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stats["articles"], 1);
    assert_eq!(stats["passages"], 24);
    assert_eq!(stats["sources"][0]["source"], "甘肃工人报");
    assert_eq!(stats["date_from"], "2021-11-03");
    assert!(stats["index_bytes"].as_u64().unwrap() > 0);
    assert!(stats["analyzer"]["dictionary_words"].as_u64().unwrap() > 300_000);

    let output = gonghui().arg("parse").arg(corpus()).output().unwrap();
    assert!(output.status.success());
    let article: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(article["sections"].as_array().unwrap().len(), 7);
    assert_eq!(article["passages"].as_array().unwrap().len(), 24);
    // What the clean-up leaves out is shown, with why: the page's buttons after its date,
    // and the site's trailer from its first line on.
    let dropped = article["dropped"].as_array().unwrap();
    assert_eq!(
        dropped[..2],
        [
            serde_json::json!({"line": 3, "text": "大字", "reason": "page buttons after the date"}),
            serde_json::json!({"line": 71, "text": "新闻推荐", "reason": "the site's recommendations trailer"})
        ]
    );
    assert!(
        dropped[1..]
            .iter()
            .all(|d| d["reason"] == dropped[1]["reason"])
    );
    assert_eq!(stats["reprint_groups"], 0);
    assert_eq!(stats["reprinted_articles"], 0);
}

#[test]
fn first_search_builds_the_default_index_from_corpus() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("corpus")).unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("corpus").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let output = gonghui()
        .current_dir(dir.path())
        .args(["search", "志愿者", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("building it from corpus/")
    );
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("【志愿者】")
    );
    assert!(dir.path().join("index/meta.json").exists());
}
