//! The research tools on real and on made-up text: `trend`, `kwic` and `collocates` from the
//! command line (text, JSON, CSV, TSV), the library, and the API, which answers what the
//! command line prints.

mod common;

use std::path::Path;
use std::process::Command;

use common::server::Server;
use gonghui::{ConcordanceOptions, LineSort, SearchOptions, normalize};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// `gonghui ARGS --index INDEX`: its exit code and standard output.
fn run(index: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let code = output.status.code().unwrap();
    assert!(
        code < 2,
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (code, stdout)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// Three articles whose lines around 劳模 sort differently by the left and the right context
/// (code points: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532).
fn known_lines() -> (tempfile::TempDir, tempfile::TempDir) {
    let articles = [
        ("a", "2021-01-02", "乙丙劳模甲。"),
        ("b", "2022-03-04", "甲乙劳模丙。"),
        ("c", "2020-05-06", "丙甲劳模乙。"),
    ];
    let corpus = common::jsonl_corpus(&articles);
    let (dir, _, _) = common::build(&[corpus.path().to_path_buf()]);
    (corpus, dir)
}

#[test]
fn kwic_sorts_by_the_context_left_and_right() {
    let (_corpus, dir) = known_lines();
    let rows = |sort: &str| -> Vec<String> {
        let (code, out) = run(dir.path(), &["kwic", "劳模", "--tsv", "--sort", sort]);
        assert_eq!(code, 0);
        let mut lines = out.lines();
        let head = "left\tmatch\tright\tdate\ttitle\tsource\tid\tpara\tpart\toffset\turl";
        assert_eq!(lines.next(), Some(head));
        lines
            .map(|line| line.split('\t').take(3).collect::<Vec<_>>().join("|"))
            .collect()
    };
    // Left: by the character just before the match (丙, 乙, 甲), not by the string (丙甲…).
    assert_eq!(
        rows("left"),
        ["乙丙|劳模|甲。", "甲乙|劳模|丙。", "丙甲|劳模|乙。"]
    );
    assert_eq!(
        rows("right"),
        ["甲乙|劳模|丙。", "丙甲|劳模|乙。", "乙丙|劳模|甲。"]
    );
    assert_eq!(
        rows("date"),
        ["丙甲|劳模|乙。", "乙丙|劳模|甲。", "甲乙|劳模|丙。"]
    );
    let (_, out) = run(
        dir.path(),
        &["kwic", "劳模", "--tsv", "--sort", "left", "-n", "2"],
    );
    assert_eq!(out.lines().count(), 3, "a head and two lines");
    let (_, out) = run(dir.path(), &["kwic", "劳模", "--width", "1", "--tsv"]);
    assert_eq!(out.lines().nth(1).unwrap().split('\t').next(), Some("甲"));
    // Nothing matches: exit 1, no line.
    let (code, out) = run(dir.path(), &["kwic", "工匠", "--color", "never"]);
    assert_eq!((code, out.as_str()), (1, ""));
}

#[test]
fn kwic_lists_every_occurrence_of_the_seed_article_in_every_format() {
    let (dir, index, _) = common::build(&[common::corpus()]);
    // Every occurrence in the passages that match, counted on their text.
    let every = SearchOptions {
        limit: 0,
        collapse_reprints: false,
        ..SearchOptions::default()
    };
    let hits = index.search("志愿者", &every).unwrap().hits;
    let occurrences: usize = hits
        .iter()
        .map(|h| normalize(&h.passage.text).matches("志愿者").count())
        .sum();
    assert!(occurrences > hits.len(), "some passages name it twice");
    let lines: Vec<gonghui::Line> = index
        .concordance("志愿者", &ConcordanceOptions::default())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(lines.len(), occurrences);
    for line in &lines {
        let text = &hits
            .iter()
            .find(|h| h.passage.para == line.para)
            .unwrap()
            .passage
            .text;
        let at: String = text.chars().skip(line.offset).take(3).collect();
        assert_eq!(
            at, "志愿者",
            "offset is a character offset into the passage"
        );
        assert!(line.left.chars().count() <= 20 && line.right.chars().count() <= 20);
    }

    // JSON Lines: the lines, then a summary.
    let (code, out) = run(dir.path(), &["kwic", "志愿者", "--json"]);
    assert_eq!(code, 0);
    let objects: Vec<Value> = out.lines().map(json).collect();
    let (summary, json_lines) = objects.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["lines"], occurrences);
    assert_eq!(summary["passages"], hits.len());
    assert_eq!(json_lines.len(), occurrences);
    assert_eq!(json_lines[0]["type"], "line");
    assert_eq!(json_lines[0]["match"], "志愿者");
    assert_eq!(json_lines[0]["article"]["source"], "甘肃工人报");

    // CSV: a byte order mark for Excel, then rows that parse back to the lines.
    let (_, csv) = run(dir.path(), &["kwic", "志愿者", "--csv"]);
    let csv = csv.strip_prefix('\u{feff}').expect("a byte order mark");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), occurrences);
    for (row, line) in rows.iter().zip(json_lines) {
        assert_eq!(&row[0], line["left"].as_str().unwrap());
        assert_eq!(&row[2], line["right"].as_str().unwrap());
        assert_eq!(&row[9], line["offset"].to_string());
    }

    // Text: the matches stand in one column of the terminal (a Han character is two).
    let (_, text) = run(dir.path(), &["kwic", "志愿者", "--color", "never"]);
    let columns: Vec<usize> = text
        .lines()
        .map(|line| UnicodeWidthStr::width(line.split('【').next().unwrap()))
        .collect();
    assert_eq!(columns.len(), occurrences);
    assert!(columns.iter().all(|&c| c == columns[0]), "{text}");
    let sorted = index
        .concordance(
            "志愿者",
            &ConcordanceOptions {
                sort: LineSort::Right,
                ..ConcordanceOptions::default()
            },
        )
        .unwrap();
    let rights: Vec<String> = sorted.map(|l| l.unwrap().right).collect();
    assert!(rights.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn trend_and_collocates_of_the_seed_article() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let (code, out) = run(dir.path(), &["trend", "志愿者", "工会", "--json"]);
    assert_eq!(code, 0);
    let trend = json(&out);
    assert_eq!(trend["periods"], serde_json::json!(["2021"]));
    assert_eq!(trend["totals"], serde_json::json!([24]));
    assert_eq!(trend["series"][0]["counts"], serde_json::json!([9]));
    assert_eq!(trend["series"][0]["rates"], serde_json::json!([3750.0]));
    assert_eq!(trend["series"][1]["counts"], serde_json::json!([24]));
    // By article: the one article, which both terms are in.
    let (_, out) = run(
        dir.path(),
        &[
            "trend",
            "志愿者",
            "--per",
            "articles",
            "--by",
            "month",
            "--json",
        ],
    );
    let by_month = json(&out);
    assert_eq!(by_month["periods"], serde_json::json!(["2021-11"]));
    assert_eq!(by_month["totals"], serde_json::json!([1]));
    assert_eq!(by_month["series"][0]["counts"], serde_json::json!([1]));
    // CSV rows: period, query, count, total, rate.
    let (_, csv) = run(dir.path(), &["trend", "志愿者", "--csv"]);
    assert_eq!(
        csv,
        "\u{feff}year,query,count,total,per_10000\n2021,志愿者,9,24,3750.00\n"
    );
    let (code, _) = run(dir.path(), &["trend", "大国工匠", "--json"]);
    assert_eq!(code, 1, "nothing matched");

    let (code, out) = run(dir.path(), &["collocates", "志愿者", "--json"]);
    assert_eq!(code, 0);
    let found = json(&out);
    let list = &found["lists"][0];
    assert_eq!(list["matching"], 9);
    let words = list["collocates"].as_array().unwrap();
    assert!(!words.is_empty());
    let scores: Vec<f64> = words.iter().map(|w| w["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    for word in words {
        assert!(word["word"].as_str().unwrap().chars().count() >= 2);
        assert!(word["passages"].as_u64().unwrap() >= 2);
        assert!(word["frequency"].as_u64() >= word["passages"].as_u64());
        assert_ne!(word["word"], "志愿者", "the match itself is no collocate");
    }
    let (_, out) = run(
        dir.path(),
        &["collocates", "志愿者", "--pos", "v", "--json"],
    );
    let verbs = json(&out);
    for word in verbs["lists"][0]["collocates"].as_array().unwrap() {
        assert!(word["tag"].as_str().unwrap().starts_with('v'), "{word}");
    }
}

#[test]
fn the_api_answers_what_the_command_line_prints() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    let (_, out) = run(dir.path(), &["trend", "志愿者", "疫情", "--json"]);
    let (status, answer) = server.json("/api/trend", &[("q", "志愿者"), ("q", "疫情")]);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, json(&out));

    let (_, out) = run(dir.path(), &["kwic", "志愿者", "--json", "--sort", "left"]);
    let lines: Vec<Value> = out
        .lines()
        .map(json)
        .filter(|l| l["type"] == "line")
        .map(|mut l| {
            l.as_object_mut().unwrap().remove("type");
            l
        })
        .collect();
    let (status, page) = server.json(
        "/api/kwic",
        &[
            ("q", "志愿者"),
            ("sort", "left"),
            ("limit", "5"),
            ("offset", "3"),
        ],
    );
    assert_eq!(status, 200, "{page}");
    assert!(lines.len() > 8 && lines.len() < 50, "{}", lines.len());
    assert_eq!(page["lines"].as_array().unwrap(), &lines[3..8]);
    assert_eq!(page["more"], true);
    let (_, last) = server.json(
        "/api/kwic",
        &[("q", "志愿者"), ("sort", "left"), ("offset", "3")],
    );
    assert_eq!(last["lines"].as_array().unwrap(), &lines[3..]);
    assert_eq!(last["more"], false);

    let (_, out) = run(dir.path(), &["collocates", "志愿者", "--json"]);
    let (status, answer) = server.json("/api/collocates", &[("q", "志愿者")]);
    assert_eq!(status, 200);
    assert_eq!(answer, json(&out));

    for (path, params, says) in [
        ("/api/trend", vec![], "give from 1 to 8 queries"),
        (
            "/api/trend",
            vec![("q", "工会"), ("by", "week")],
            "by=week: give year or month",
        ),
        (
            "/api/kwic",
            vec![("q", "工会"), ("sort", "up")],
            "sort=up: give date, score, left or right",
        ),
        ("/api/kwic", vec![("q", "工会"), ("width", "0")], "width=0"),
        (
            "/api/collocates",
            vec![("q", "工会"), ("colour", "red")],
            "unknown parameter colour",
        ),
        ("/api/collocates", vec![("q", "")], "the query is empty"),
    ] {
        let (status, answer) = server.json(path, &params);
        assert_eq!(status, 400, "{path} {params:?}");
        let message = answer["error"].as_str().unwrap();
        assert!(message.contains(says), "{path} {params:?}: {message}");
    }
}
