//! Export: `search --format` and `/api/export` write what a spreadsheet and a reference manager
//! read back: CSV rows equal to the JSON hits, references one per article, a hostile title
//! neither breaking a row nor running as a formula.

mod common;

use std::path::Path;
use std::process::Command;

use common::server::Server;
use serde_json::Value;

/// The place of a column in a row of hits.
fn column(name: &str) -> usize {
    gonghui::HIT_COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap()
}

fn gonghui(index: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    assert!(output.status.code().unwrap() < 2, "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// A title with quotes, commas, a line break and a formula; a body with a formula too.
const HOSTILE_TITLE: &str = r#"{"id":"h1","title":"=cmd|' /C calc'!A0, \"工会\"\n通知","source":"报,社","date":"2021-05-01","url":"https://example.org/a?b=1,2","body":"-2+3 工会通知，请勿执行。"}"#;

#[test]
fn csv_rows_equal_the_json_hits() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let hits: Vec<Value> = gonghui(dir.path(), &["search", "工会", "--json", "-n", "0"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|h: &Value| h["type"] == "hit")
        .collect();
    let csv = gonghui(
        dir.path(),
        &["search", "工会", "--format", "csv", "-n", "0"],
    );
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte order mark, for Excel");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head, gonghui::HIT_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), hits.len());
    assert_eq!(rows.len(), 24);
    for (row, hit) in rows.iter().zip(&hits) {
        assert_eq!(row[0], hit["rank"].to_string());
        assert_eq!(&row[2], hit["article"]["id"].as_str().unwrap());
        assert_eq!(
            &row[column("text")],
            hit["passage"]["text"].as_str().unwrap()
        );
        let matches = hit["highlights"].as_array().unwrap().len();
        assert_eq!(
            row[column("matches")]
                .split('；')
                .filter(|m| !m.is_empty())
                .count(),
            matches
        );
    }
    // TSV: the same cells, one line each.
    let tsv = gonghui(
        dir.path(),
        &["search", "工会", "--format", "tsv", "-n", "0"],
    );
    assert_eq!(tsv.lines().count(), 25);
    assert!(
        tsv.lines()
            .all(|line| line.split('\t').count() == gonghui::HIT_COLUMNS.len())
    );
    // One row per article, and one reference per article: the seed is one article.
    let grouped = gonghui(
        dir.path(),
        &[
            "search",
            "工会",
            "--format",
            "csv",
            "--group-by",
            "article",
            "-n",
            "0",
        ],
    );
    assert_eq!(grouped.lines().count(), 2);
    let cite = gonghui(
        dir.path(),
        &["search", "工会", "--format", "cite", "-n", "0"],
    );
    assert_eq!(
        cite,
        "抗疫一线,“娘家人”在行动 甘肃省各级工会组织众志成城助力抗击疫情速写[N]. 甘肃工人报, 2021-11-03.\n"
    );
    let ris = gonghui(
        dir.path(),
        &["search", "工会", "--format", "ris", "-n", "0"],
    );
    assert!(ris.starts_with("TY  - NEWS\nTI  - 抗疫一线"), "{ris}");
    assert!(ris.contains("T2  - 甘肃工人报\nPY  - 2021\nDA  - 2021/11/03\n"));
    assert!(ris.ends_with("ER  - \n\n"));
    assert_eq!(ris.matches("TY  - ").count(), 1);
}

#[test]
fn a_hostile_title_is_quoted_and_never_a_formula() {
    let corpus = tempfile::tempdir().unwrap();
    let file = corpus.path().join("hostile.jsonl");
    std::fs::write(&file, format!("{HOSTILE_TITLE}\n")).unwrap();
    let (dir, _, _) = common::build(&[file]);
    let csv = gonghui(dir.path(), &["search", "工会", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "the line break stays inside the quoted cell");
    assert_eq!(
        &rows[0][column("title")],
        "'=cmd|' /C calc'!A0, \"工会\"\n通知"
    );
    assert_eq!(&rows[0][column("source")], "报,社");
    assert_eq!(&rows[0][column("text")], "'-2+3 工会通知，请勿执行。");
    assert_eq!(rows[0].len(), gonghui::HIT_COLUMNS.len());
    let bib = gonghui(dir.path(), &["search", "工会", "--format", "bibtex"]);
    assert!(bib.contains("  journal = {报,社},\n"), "{bib}");
    assert!(
        bib.contains("  title = {=cmd|' /C calc'!A0, \"工会\" 通知},\n"),
        "{bib}"
    );
    let ris = gonghui(dir.path(), &["search", "工会", "--format", "ris"]);
    assert!(
        ris.contains("TI  - =cmd|' /C calc'!A0, \"工会\" 通知\n"),
        "one line: {ris}"
    );
}

#[test]
fn the_api_exports_what_the_command_line_writes() {
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    for format in ["csv", "tsv", "ris", "bibtex", "cite"] {
        let cli = gonghui(
            dir.path(),
            &["search", "志愿者", "--format", format, "-n", "0"],
        );
        let (status, kind, body) =
            server.get("/api/export", &[("q", "志愿者"), ("format", format)]);
        assert_eq!(status, 200, "{format}: {body}");
        assert_eq!(body, cli, "{format}");
        assert!(kind.contains("charset=utf-8"), "{kind}");
    }
    let (status, _, body) = server.get("/api/export", &[("q", "志愿者"), ("format", "xls")]);
    assert_eq!(status, 400);
    assert!(
        body.contains("give csv, tsv, ris, bibtex or cite"),
        "{body}"
    );
    let (status, _, _) = server.get("/api/export", &[("q", "(志愿者"), ("format", "csv")]);
    assert_eq!(status, 400);
    let id = common::corpus().join("gansu-gongren-2021-11-03.txt");
    let (status, citation) = server.json("/api/cite", &[("id", id.to_str().unwrap())]);
    assert_eq!(status, 200, "{citation}");
    assert!(
        citation["gbt7714"]
            .as_str()
            .unwrap()
            .ends_with("[N]. 甘肃工人报, 2021-11-03.")
    );
    assert!(
        citation["ris"]
            .as_str()
            .unwrap()
            .starts_with("TY  - NEWS\n")
    );
    assert!(
        citation["bibtex"]
            .as_str()
            .unwrap()
            .starts_with("@article{gonghui20211103-")
    );
    let (status, _) = server.json("/api/cite", &[("id", "no-such-article")]);
    assert_eq!(status, 404);
}

/// Two JSON Lines records with an author and a page, and a page with an author line and a
/// page label on its metadata line.
fn written_corpus() -> tempfile::TempDir {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("paper.jsonl"),
        concat!(
            r#"{"id":"w1","title":"职工书屋开进车间","source":"工人日报","date":"2021-11-03","author":["张三","李四"],"page":3,"body":"职工书屋开进车间，工会为一线职工送去图书。"}"#,
            "\n",
            r#"{"id":"w2","title":"工会送清凉","source":"工人日报","date":"2021-07-01","author":"王五","page":"第5版","url":"http://example.org/w2","body":"工会为高温下的职工送清凉。"}"#,
            "\n",
        ),
    )
    .unwrap();
    std::fs::write(
        corpus.path().join("page.txt"),
        "工会帮扶困难职工\n\n甘肃工人报 2021-11-05 第2版 大字\n\n本报记者 赵六 通讯员 钱七\n\n省总工会开展帮扶困难职工活动。\n",
    )
    .unwrap();
    corpus
}

#[test]
fn authors_and_pages_are_read_shown_cited_and_filtered() {
    let corpus = written_corpus();
    let (dir, _, _) = common::build(&[corpus.path().to_path_buf()]);
    let hits: Vec<Value> = gonghui(dir.path(), &["search", "工会", "--json", "-n", "0"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|h: &Value| h["type"] == "hit")
        .collect();
    let mut written: Vec<(String, String)> = hits
        .iter()
        .map(|h| {
            let a = &h["article"];
            (
                a["author"].as_str().unwrap().to_string(),
                a["page"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            ("张三, 李四".to_string(), "3".to_string()),
            ("王五".to_string(), "第5版".to_string()),
            ("赵六, 钱七".to_string(), "第2版".to_string()),
        ]
    );
    // The author line is metadata: not a passage.
    assert!(
        hits.iter()
            .all(|h| !h["passage"]["text"].as_str().unwrap().contains("记者"))
    );
    // `author:` finds an article by any of its authors.
    let by_author = gonghui(dir.path(), &["search", "工会 author:李四", "--json"]);
    assert!(by_author.contains("\"id\":\"w1\""), "{by_author}");
    assert!(!by_author.contains("\"id\":\"w2\""), "{by_author}");
    let by_line = gonghui(
        dir.path(),
        &[
            "search",
            "author:钱七",
            "--format",
            "cite",
            "--sort",
            "date",
        ],
    );
    assert_eq!(
        by_line,
        "赵六, 钱七. 工会帮扶困难职工[N]. 甘肃工人报, 2021-11-05(2).\n"
    );
    let cite = gonghui(
        dir.path(),
        &[
            "search", "工会", "--format", "cite", "--sort", "date", "-n", "0",
        ],
    );
    assert_eq!(
        cite,
        concat!(
            "王五. 工会送清凉[N/OL]. 工人日报, 2021-07-01(5)[ACCESSED]. http://example.org/w2.\n",
            "张三, 李四. 职工书屋开进车间[N]. 工人日报, 2021-11-03(3).\n",
            "赵六, 钱七. 工会帮扶困难职工[N]. 甘肃工人报, 2021-11-05(2).\n",
        )
        .replace("ACCESSED", &gonghui_today())
    );
    let text = gonghui(dir.path(), &["search", "书屋", "--color", "never"]);
    assert!(
        text.contains("工人日报 2021-11-03 第3版 · 张三, 李四"),
        "{text}"
    );
}

/// Today's date as the access date of a citation.
fn gonghui_today() -> String {
    let output = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}
