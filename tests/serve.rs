//! `gonghui serve` over HTTP: the API answers what `search --json` prints, with facets over
//! every match; bad input gets 400; new commits show without a restart; Ctrl-C stops it.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{HOSTILE, Server};
use serde_json::Value;

/// `gonghui search ARGS --json --facets`: the hits, and the summary with its facets.
fn cli(index: &Path, args: &[&str]) -> (Vec<Value>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .arg("search")
        .args(args)
        .args(["--json", "--facets", "--index"])
        .arg(index)
        .output()
        .unwrap();
    let mut lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = lines.pop().unwrap();
    (lines, summary)
}

fn without_time(mut summary: Value) -> Value {
    summary.as_object_mut().unwrap().remove("elapsed_ms");
    summary
}

fn sum(counts: &Value) -> u64 {
    let counts = counts.as_array().unwrap();
    counts.iter().map(|c| c["count"].as_u64().unwrap()).sum()
}

#[test]
fn the_api_answers_what_search_json_prints() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    // The server keeps recent rankings: the same query paged, in another order, per article
    // and within other days must answer as a search of its own does.
    let cases: [&[(&str, &str)]; 9] = [
        &[("q", "志愿者")],
        &[("q", "工会"), ("limit", "5"), ("offset", "7")],
        &[("q", "工会"), ("limit", "5"), ("offset", "12")],
        &[("q", "工会"), ("sort", "-date"), ("limit", "4")],
        &[("q", "工会"), ("per_article", "1")],
        &[("q", "工会 -志愿者"), ("sort", "-date"), ("limit", "3")],
        &[("q", "疫情"), ("per_article", "2"), ("from", "2021-11-01")],
        &[("q", "疫情"), ("per_article", "2")],
        &[("q", "工会"), ("to", "2020-12-31")],
    ];
    for params in cases {
        let (status, answer) = server.json("/api/search", params);
        assert_eq!(status, 200, "{params:?}: {answer}");
        // The CLI's flags are the parameters' names (`-n` is also `--limit`).
        let mut args = vec![params[0].1.to_string()];
        for &(name, value) in &params[1..] {
            args.push(format!("--{}", name.replace('_', "-")));
            args.push(value.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (hits, mut summary) = cli(dir.path(), &args);
        let facets = summary.as_object_mut().unwrap().remove("facets").unwrap();
        assert_eq!(answer["hits"], Value::Array(hits), "{params:?}");
        assert_eq!(
            without_time(answer["summary"].clone()),
            without_time(summary)
        );
        assert_eq!(answer["facets"], facets, "{params:?}");
        let total = answer["summary"]["total"].as_u64().unwrap();
        assert_eq!(sum(&answer["facets"]["years"]), total, "{params:?}");
        assert_eq!(sum(&answer["facets"]["sources"]), total, "{params:?}");
    }

    let (_, answer) = server.json("/api/search", &[("q", "志愿者"), ("limit", "2")]);
    assert_eq!(answer["hits"].as_array().unwrap().len(), 2);
    assert_eq!(answer["summary"]["total"], 9);
    assert_eq!(
        answer["facets"]["years"],
        serde_json::json!([{"key": "2021", "count": 9}])
    );
    assert_eq!(
        answer["facets"]["sources"],
        serde_json::json!([{"key": "甘肃工人报", "count": 9}])
    );

    let (status, stats) = server.json("/api/stats", &[]);
    assert_eq!(status, 200);
    let output = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(["stats", "--json", "--index"])
        .arg(dir.path())
        .output()
        .unwrap();
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stats, printed);

    let log = server.log();
    assert!(
        log.iter()
            .any(|l| l.contains(" GET /api/stats 200 ") && l.ends_with(" ms")),
        "{log:?}"
    );
}

#[test]
fn bad_input_gets_400_and_the_server_goes_on() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    let long = "工".repeat(201);
    let bad: [&[(&str, &str)]; 17] = [
        &[],
        &[("q", "")],
        &[("q", "  ")],
        &[("q", "\"疫情")],
        &[("q", "(工会 OR 劳模")],
        &[("q", "工会)")],
        &[("q", "foo:bar")],
        &[("q", &long)],
        &[("q", "工会"), ("from", "昨天")],
        &[("q", "工会"), ("from", "2022-01-01"), ("to", "2021-01-01")],
        &[("q", "工会"), ("limit", "0")],
        &[("q", "工会"), ("limit", "1000000000000000000000")],
        &[("q", "工会"), ("limit", "-1")],
        &[("q", "工会"), ("offset", "10001")],
        &[("q", "工会"), ("sort", "random")],
        &[("q", "工会"), ("per_article", "0")],
        &[("q", "工会"), ("page", "2")],
    ];
    for params in bad {
        let (status, answer) = server.json("/api/search", params);
        assert_eq!(status, 400, "{params:?}: {answer}");
        let message = answer["error"].as_str().unwrap();
        assert!(!message.is_empty(), "{params:?}");
    }
    for raw in ["q=%FF%FE", "q=a&q=b", "q=%E5%B7", "q=a&limit=1&limit=2"] {
        let (status, _, body) = server.get(&format!("/api/search?{raw}"), &[]);
        assert_eq!(status, 400, "{raw}: {body}");
    }
    let (status, answer) = server.json("/api/nothing", &[]);
    assert_eq!(status, 404);
    assert!(answer["error"].is_string());

    // Whatever the query, an answer or a 400, never a failure.
    let odd = [
        "OR",
        "OR OR",
        "-",
        "--工会",
        "()",
        "((工会))",
        "\"\"",
        "title:",
        "source:",
        ":",
        "工会 -工会",
        "\u{0}",
        "\u{FEFF}工会",
        "🙂",
        "a\tb\nc",
        "工会 OR",
        "NOT 工会",
        "title:(工会 OR",
        "＂工会＂",
        "99999999999999999999",
        "%",
        "*",
        "工会~2",
        "[2020 TO 2021]",
        "<script>",
    ];
    for query in odd {
        let (status, answer) = server.json("/api/search", &[("q", query)]);
        assert!(
            status == 200 || status == 400,
            "{query:?}: {status} {answer}"
        );
    }

    // Still there, and empty values count as not given (forms send them).
    let (status, answer) = server.json(
        "/api/search",
        &[("q", "志愿者"), ("from", ""), ("sort", ""), ("limit", "")],
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["summary"]["total"], 9);
}

#[test]
fn the_page_and_its_assets_are_served_with_a_script_policy() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    let (status, kind, page) = server.get("/", &[("q", "志愿者")]);
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"));
    assert!(page.contains("<script src=\"/assets/app.js\""));
    for (asset, want) in [("app.js", "text/javascript"), ("style.css", "text/css")] {
        let (status, kind, body) = server.get(&format!("/assets/{asset}"), &[]);
        assert_eq!(status, 200);
        assert!(kind.starts_with(want), "{kind}");
        assert!(!body.is_empty());
    }
    let (status, _, _) = server.get("/assets/missing.js", &[]);
    assert_eq!(status, 404);
    let response = ureq::get(format!("{}/", server.base)).call().unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
}

#[test]
fn archive_text_comes_back_as_data() {
    let corpus = tempfile::tempdir().unwrap();
    let file = corpus.path().join("hostile.jsonl");
    std::fs::write(&file, format!("{HOSTILE}\n")).unwrap();
    let (dir, _, _) = common::build(&[file]);
    let server = Server::start(dir.path());
    let (status, kind, body) = server.get("/api/search", &[("q", "工会通知")]);
    assert_eq!(status, 200);
    assert_eq!(kind, "application/json");
    let answer: Value = serde_json::from_str(&body).unwrap();
    let text = answer["hits"][0]["passage"]["text"].as_str().unwrap();
    assert_eq!(text, "工会通知<script>alert(1)</script>请勿执行。");
}

#[test]
fn new_commits_are_searched_without_a_restart() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    let total = |server: &Server| {
        let (_, answer) = server.json("/api/search", &[("q", "志愿者")]);
        answer["summary"]["total"].as_u64().unwrap()
    };
    assert_eq!(total(&server), 9);
    let extra = tempfile::tempdir().unwrap();
    let file = extra.path().join("more.jsonl");
    let record = r#"{"id":"more-1","title":"新闻","source":"工人日报","date":"2023-03-05","body":"学雷锋志愿者走进社区。"}"#;
    std::fs::write(&file, format!("{record}\n")).unwrap();
    let indexed = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(["index", "--index"])
        .arg(dir.path())
        .arg(&file)
        .output()
        .unwrap();
    assert!(indexed.status.success(), "{indexed:?}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while total(&server) != 10 {
        assert!(
            Instant::now() < deadline,
            "the new commit was not picked up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, answer) = server.json("/api/search", &[("q", "志愿者")]);
    let sources = &answer["facets"]["sources"];
    assert_eq!(
        sources[1],
        serde_json::json!({"key": "工人日报", "count": 1})
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    assert_eq!(server.json("/api/search", &[("q", "工会")]).0, 200);
    let (status, log) = server.interrupt();
    assert!(status.success(), "{status:?}");
    assert_eq!(log.last().unwrap(), "gonghui: stopped");
}
