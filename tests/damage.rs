//! An index on read-only media, a damaged index, a full disk: search keeps working or says
//! what to do, `gonghui check` tells a sound index from a damaged one, `--rebuild` repairs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::mount;
use serde_json::Value;

fn gonghui(args: &[&str], index: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gonghui"))
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An index of the seed article, built with the CLI.
fn seed_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus();
    let built = gonghui(&["index", corpus.to_str().unwrap()], dir.path());
    assert!(built.status.success(), "{}", stderr(&built));
    dir
}

/// The largest file of the index with this extension.
fn largest(dir: &Path, extension: &str) -> PathBuf {
    let files = mount::files(dir).into_iter().map(|name| dir.join(name));
    let with_extension = files.filter(|p| p.extension().is_some_and(|e| e == extension));
    with_extension
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap()
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// `gonghui check --json`: its exit code and report.
fn check(index: &Path) -> (i32, Value) {
    let output = gonghui(&["check", "--json"], index);
    let report = serde_json::from_str(&stdout(&output)).expect("check --json prints JSON");
    (output.status.code().unwrap(), report)
}

fn problem_files(report: &Value) -> Vec<String> {
    let problems = report["problems"].as_array().unwrap();
    problems
        .iter()
        .map(|p| p["file"].as_str().unwrap().to_string())
        .collect()
}

/// The error of a damaged index names it, says it is damaged and what to do.
fn assert_says_damaged(output: &Output, index: &Path, file: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains(&format!("index {} is damaged", index.display())));
    assert!(message.contains(file), "{message}");
    assert!(message.contains("gonghui check") && message.contains("--rebuild"));
    assert!(!message.contains("panicked"), "{message}");
}

/// Rebuilding repairs the index: `check` finds it sound and the search finds again.
fn assert_rebuild_repairs(index: &Path) {
    let corpus = common::corpus();
    let rebuilt = gonghui(&["index", "--rebuild", corpus.to_str().unwrap()], index);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    let (code, report) = check(index);
    assert_eq!(
        (code, &report["sound"]),
        (0, &Value::Bool(true)),
        "{report}"
    );
    let found = gonghui(&["search", "志愿者"], index);
    assert!(found.status.success() && stdout(&found).contains("【志愿者】"));
}

#[test]
fn a_read_only_index_is_searched_and_served_but_not_indexed() {
    let built = seed_index();
    let expected = gonghui(&["search", "志愿者", "--json"], built.path());
    let before = mount::files(built.path());
    let Some(read_only) = mount::read_only(built.path()) else {
        assert!(!mount::required(), "CI must test a read-only index");
        return;
    };
    let ro = read_only.path();

    let found = gonghui(&["search", "志愿者", "--json"], ro);
    assert!(found.status.success(), "{}", stderr(&found));
    let hits = |o: &Output| stdout(o).lines().filter(|l| l.contains("\"hit\"")).count();
    assert!(hits(&found) > 0);
    assert_eq!(hits(&found), hits(&expected));
    for args in [&["stats"][..], &["analyze", "职工志愿者"], &["check"]] {
        let output = gonghui(args, ro);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    }
    let library = gonghui::Index::open(ro).unwrap();
    let results = library.search("志愿者", &Default::default()).unwrap();
    assert!(!results.hits.is_empty());

    let server = common::server::Server::start(ro);
    let (status, answer) = server.json("/api/search", &[("q", "志愿者")]);
    assert_eq!(status, 200, "{answer}");
    assert!(answer["summary"]["total"].as_u64().unwrap() > 0, "{answer}");
    drop(server);

    let corpus = common::corpus();
    let refused = gonghui(&["index", corpus.to_str().unwrap()], ro);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("is read-only"),
        "{}",
        stderr(&refused)
    );
    let rebuild = gonghui(&["index", "--rebuild", corpus.to_str().unwrap()], ro);
    assert!(
        stderr(&rebuild).contains("is read-only"),
        "{}",
        stderr(&rebuild)
    );
    // Nothing was written: no lock, no temporary file.
    assert_eq!(mount::files(ro), before);
}

#[test]
fn a_cut_short_file_is_named_and_rebuild_repairs_it() {
    let index = seed_index();
    let positions = largest(index.path(), "pos");
    let file = std::fs::OpenOptions::new().write(true).open(&positions);
    file.unwrap().set_len(100).unwrap();

    let search = gonghui(&["search", "志愿者"], index.path());
    assert_says_damaged(&search, index.path(), &file_name(&positions));
    let stats = gonghui(&["stats"], index.path());
    assert_says_damaged(&stats, index.path(), &file_name(&positions));

    let (code, report) = check(index.path());
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["sound"], false);
    assert_eq!(problem_files(&report), [file_name(&positions)]);
    assert!(report["advice"].as_str().unwrap().contains("--rebuild"));
    let words = gonghui(&["check"], index.path());
    assert!(stdout(&words).contains("damaged:") && stdout(&words).contains("what to do:"));
    assert_rebuild_repairs(index.path());
}

#[test]
fn a_corrupted_store_is_an_error_not_a_panic() {
    let index = seed_index();
    let store = largest(index.path(), "store");
    let mut bytes = std::fs::read(&store).unwrap();
    // The blocks' index at the end of the store as well as text in the middle.
    for at in [bytes.len() / 2, bytes.len() - 40, bytes.len() - 60] {
        bytes[at] ^= 0x5a;
    }
    std::fs::write(&store, bytes).unwrap();

    let search = gonghui(&["search", "志愿者"], index.path());
    assert_says_damaged(&search, index.path(), &file_name(&store));
    let (code, report) = check(index.path());
    assert_eq!(code, 1);
    assert_eq!(problem_files(&report), [file_name(&store)]);
    assert_rebuild_repairs(index.path());
}

#[test]
fn a_damaged_meta_json_is_named_and_rebuild_repairs_it() {
    let index = seed_index();
    std::fs::write(index.path().join("meta.json"), "{\"segments\": [").unwrap();

    for args in [&["search", "志愿者"][..], &["stats"]] {
        let output = gonghui(args, index.path());
        assert_says_damaged(&output, index.path(), "meta.json");
    }
    let corpus = common::corpus();
    let index_run = gonghui(&["index", corpus.to_str().unwrap()], index.path());
    assert_says_damaged(&index_run, index.path(), "meta.json");
    let (code, report) = check(index.path());
    assert_eq!(code, 1);
    assert_eq!(problem_files(&report), ["meta.json"]);
    assert_rebuild_repairs(index.path());
}

#[test]
fn a_sound_index_checks_sound() {
    let index = seed_index();
    let (code, report) = check(index.path());
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["sound"], true);
    assert_eq!(report["articles"], 1);
    assert!(report["passages"].as_u64().unwrap() > 10);
    assert!(report["files"].as_u64().unwrap() >= 6);
    let missing = gonghui(&["check"], &index.path().join("nothing"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no index at"));
}

#[test]
fn a_full_disk_fails_clearly_and_a_rerun_with_space_finishes() {
    let Some(sample) = common::shared("sample") else {
        return;
    };
    // The dictionary (3 MB) fits, the passages of the 200 pages do not.
    let Some(disk) = mount::tmpfs("4m") else {
        assert!(!mount::required(), "CI must test a full disk");
        return;
    };
    let index = disk.path().join("index");
    let sample = sample.to_str().unwrap();
    let run = |args: &[&str]| {
        gonghui(
            &[&["index", "--commit-every", "20"][..], args].concat(),
            &index,
        )
    };

    let full = run(&[sample]);
    assert_eq!(full.status.code(), Some(2), "{}", stdout(&full));
    assert!(
        stderr(&full).contains("No space left on device"),
        "{}",
        stderr(&full)
    );
    // What was committed before the disk filled is there.
    let (code, report) = check(&index);
    assert_eq!(code, 0, "{report}");

    mount::resize(&disk, "64m");
    let rerun = run(&["--json", sample]);
    assert!(
        rerun.status.code().is_some_and(|c| c < 2),
        "{}",
        stderr(&rerun)
    );
    let (code, report) = check(&index);
    assert_eq!(code, 0, "{report}");
    // As many passages as an index built with room, and no partial segment left behind.
    let roomy = tempfile::tempdir().unwrap();
    let whole = gonghui(&["index", "--json", sample], roomy.path());
    let total =
        |o: &Output| serde_json::from_str::<Value>(&stdout(o)).unwrap()["total_passages"].clone();
    assert_eq!(total(&rerun), total(&whole));
    assert_eq!(report["passages"], total(&whole));
    let segment_files = |dir: &Path| {
        let names = mount::files(dir).into_iter().map(|n| file_name(&n));
        names
            .filter(|n| n.len() > 32 && n.as_bytes()[32] == b'.')
            .count() as u64
    };
    assert_eq!(segment_files(&index), report["files"].as_u64().unwrap());
}
