//! The search page in a real browser: headless Chromium loads it from `gonghui serve` and the
//! rendered DOM is checked. Needs Debian's `chromium` (`.ci/run` installs it); without it the
//! tests fail under CI=true and are skipped elsewhere. The page's screenshot is kept as
//! `target/serve-page.png`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::server::{HOSTILE, Server};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file());
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is missing; CI must install it (.ci/run does)");
        }
        eprintln!("skipping: chromium is not installed (apt-get install chromium)");
    }
    found
}

/// Runs headless Chromium on the page at `url` with `what` (`--dump-dom` or `--screenshot=…`)
/// and returns what it printed. Scripts and requests run in virtual time, until the page is idle.
fn chromium_run(browser: &Path, url: &str, what: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=zh-CN",
            "--window-size=1280,1600",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(what)
        .arg(url)
        .output()
        .unwrap();
    assert!(output.status.success(), "chromium failed: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn dom(browser: &Path, url: &str) -> String {
    chromium_run(browser, url, "--dump-dom")
}

/// The passage texts of the results in a dumped page.
fn passages(dom: &str) -> Vec<&str> {
    dom.split("<p class=\"text\">")
        .skip(1)
        .map(|rest| rest.split("</p>").next().unwrap())
        .collect()
}

#[test]
fn the_page_shows_highlighted_results_a_year_chart_and_pages() {
    let Some(browser) = chromium() else { return };
    let (dir, _, _) = common::build(&[common::corpus()]);
    let server = Server::start(dir.path());
    let url = |query: &str| format!("{}/?{query}", server.base);

    let page = dom(&browser, &url("q=志愿者"));
    assert!(page.contains("<mark>志愿者</mark>"), "{page}");
    assert_eq!(passages(&page).len(), 9);
    assert!(page.contains("共 9 段匹配"));
    assert!(page.contains("甘肃工人报"));
    assert!(page.contains("2021-11-03"));
    assert!(page.contains("张掖市总工会"), "section headings are shown");
    assert!(page.contains("第 16 段"));
    // The year chart: one bar for 2021, linking to that year.
    assert!(
        page.contains("data-year=\"2021\" data-count=\"9\""),
        "{page}"
    );
    assert!(page.contains("from=2021-01-01&amp;to=2021-12-31"));
    assert!(!page.contains("id=\"timeline\" hidden"));
    // The source filter lists the matches' sources.
    assert!(page.contains("<option value=\"甘肃工人报\">甘肃工人报（9）</option>"));

    // 24 passages hold 工会: three pages, the URL saying which.
    let first = dom(&browser, &url("q=工会"));
    assert!(first.contains("aria-current=\"page\">1</span>"));
    assert!(first.contains("下一页"));
    let second = dom(&browser, &url("q=工会&page=2"));
    assert!(second.contains("aria-current=\"page\">2</span>"));
    assert!(second.contains("显示第 11–20 段"));
    assert!(second.contains("上一页"));
    let (one, two) = (passages(&first), passages(&second));
    assert_eq!((one.len(), two.len()), (10, 10));
    assert!(
        one.iter().all(|p| !two.contains(p)),
        "page 2 shows other passages"
    );
    let third = dom(&browser, &url("q=工会&page=3"));
    assert_eq!(passages(&third).len(), 4);

    // The URL holds the filters: a source, nothing before 2021, and a bad date says why.
    let source = dom(&browser, &url("q=志愿者&source=甘肃工人报"));
    assert!(source.contains("共 9 段匹配"), "{source}");
    let other = dom(&browser, &url("q=志愿者&source=央视网"));
    assert!(other.contains("没有匹配的段落"));
    let none = dom(&browser, &url("q=工会&to=2020-12-31"));
    assert!(none.contains("没有匹配的段落"));
    let bad = dom(&browser, &url("q=工会&from=昨天"));
    assert!(bad.contains("class=\"error\""), "{bad}");

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("serve-page.png");
    chromium_run(
        &browser,
        &url("q=志愿者"),
        &format!("--screenshot={}", shot.display()),
    );
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}

#[test]
fn a_passage_holding_markup_shows_as_text() {
    let Some(browser) = chromium() else { return };
    let corpus = tempfile::tempdir().unwrap();
    let file = corpus.path().join("hostile.jsonl");
    std::fs::write(&file, format!("{HOSTILE}\n")).unwrap();
    let (dir, _, _) = common::build(&[file]);
    let server = Server::start(dir.path());
    let page = dom(&browser, &format!("{}/?q=工会通知", server.base));
    assert!(
        page.contains("<mark>工会通知</mark>&lt;script&gt;alert(1)&lt;/script&gt;请勿执行。"),
        "{page}"
    );
    assert!(page.contains("&lt;b&gt;标题&lt;/b&gt;&lt;img src=x onerror=alert(3)&gt;"));
    assert!(page.contains("&lt;i&gt;报&lt;/i&gt;"));
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<img"));
    assert!(
        !page.contains("javascript:"),
        "no link to a javascript: URL"
    );
}

/// Articles of three years, where 劳模 is named more and more and 工会 in every one, around
/// contexts that sort differently to the left and to the right (丙 < 乙 < 甲 as code points).
fn years_corpus() -> tempfile::TempDir {
    let articles = [
        ("a", "2019-05-01", "工会表彰会。"),
        ("b", "2020-05-01", "工会表彰乙丙劳模甲。"),
        ("c", "2021-05-01", "工会表彰甲乙劳模丙。"),
        ("d", "2021-06-01", "工会表彰丙甲劳模乙。"),
    ];
    common::jsonl_corpus(&articles)
}

/// The values of `attribute` on the elements of a dumped page that carry it, in order.
fn attribute_values<'a>(dom: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!("{attribute}=\"");
    dom.split(marker.as_str())
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect()
}

#[test]
fn the_trend_and_concordance_views_draw_lines_and_sort_contexts() {
    let Some(browser) = chromium() else { return };
    let corpus = years_corpus();
    let (dir, _, _) = common::build(&[corpus.path().to_path_buf()]);
    let server = Server::start(dir.path());
    let url = |query: &str| format!("{}/?{query}", server.base);

    // One line per term, a point per year with the year's count.
    let trend = dom(&browser, &url("q=工会,劳模&view=trend&scale=raw"));
    assert_eq!(
        attribute_values(&trend, "data-term"),
        ["工会", "劳模"],
        "{trend}"
    );
    assert_eq!(
        attribute_values(&trend, "data-count"),
        ["1", "1", "2", "0", "1", "2"],
        "工会 then 劳模, 2019 to 2021"
    );
    assert_eq!(
        attribute_values(&trend, "data-period")[..3],
        ["2019", "2020", "2021"]
    );
    // A point opens that year's hits; the chart can be downloaded.
    assert!(trend.contains("q=%E5%8A%B3%E6%A8%A1&amp;from=2021-01-01&amp;to=2021-12-31"));
    assert!(trend.contains("download=\"趋势-工会-劳模.svg\""), "{trend}");
    assert!(trend.contains("id=\"png-download\""));
    // Normalised, the default: 劳模 is in all passages of 2021, one of one in 2020.
    let rates = dom(&browser, &url("q=劳模&view=trend"));
    assert!(rates.contains("每万段中的匹配段落数"));
    assert!(rates.contains("2021 劳模：2 / 2，每万 10000.00"), "{rates}");
    // The collocates beside it.
    assert!(rates.contains("劳模 的搭配词"));

    // The concordance, sorted by the context to the left: read from the match leftwards.
    let kwic = dom(&browser, &url("q=劳模&view=kwic&order=left"));
    let lefts: Vec<&str> = kwic
        .split("<td class=\"left\"><span>")
        .skip(1)
        .map(|rest| rest.split("</span>").next().unwrap())
        .collect();
    assert_eq!(
        lefts,
        ["工会表彰乙丙", "工会表彰甲乙", "工会表彰丙甲"],
        "{kwic}"
    );
    assert!(kwic.contains("<th class=\"left sorted\""));
    let by_right = dom(&browser, &url("q=劳模&view=kwic&order=right"));
    let rights: Vec<&str> = by_right
        .split("<td class=\"right\"><span>")
        .skip(1)
        .map(|rest| rest.split("</span>").next().unwrap())
        .collect();
    assert_eq!(rights, ["丙。", "乙。", "甲。"]);
    // Each line links to its passage on the search page.
    assert!(kwic.contains("#p-b-1"), "{kwic}");

    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    for (name, query) in [
        ("serve-trend.png", "q=工会,劳模&view=trend"),
        ("serve-kwic.png", "q=劳模&view=kwic&order=left"),
    ] {
        let shot = target.join(name);
        chromium_run(
            &browser,
            &url(query),
            &format!("--screenshot={}", shot.display()),
        );
        assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
    }
}

#[test]
fn the_export_links_download_what_the_api_and_the_command_line_write() {
    let Some(browser) = chromium() else { return };
    let corpus = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::corpus().join("gansu-gongren-2021-11-03.txt"),
        corpus.path().join("seed.txt"),
    )
    .unwrap();
    std::fs::write(
        corpus.path().join("paper.jsonl"),
        r#"{"id":"w1","title":"职工书屋开进车间","source":"工人日报","date":"2021-11-05","author":["张三","李四"],"page":3,"body":"志愿者把职工书屋开进车间，工会为一线职工送去图书。"}"#,
    )
    .unwrap();
    let (dir, _, _) = common::build(&[corpus.path().to_path_buf()]);
    let server = Server::start(dir.path());

    // Searched within: 志愿者, then 工会 among its results, from 2021.
    let page = dom(
        &browser,
        &format!("{}/?q=志愿者&w=工会&from=2021-01-01", server.base),
    );
    let shown: usize = page
        .split("共 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of matches: {page}"));
    // The author and the page of the record are shown with its hit.
    assert!(page.contains("<span class=\"page\">第3版</span>"), "{page}");
    assert!(page.contains("<span class=\"author\">张三, 李四</span>"));
    for (format, rows) in [("csv", shown + 1), ("cite", 2)] {
        let link = page
            .split(&format!("class=\"export-{format}\""))
            .next()
            .and_then(|before| before.rsplit("href=\"").next())
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("an export link for {format}: {page}"))
            .replace("&amp;", "&");
        assert!(link.starts_with("/api/export?"), "{link}");
        let (status, _, downloaded) = server.get(&link, &[]);
        assert_eq!(status, 200, "{link}: {downloaded}");
        let cli = Command::new(env!("CARGO_BIN_EXE_gonghui"))
            .args(["search", "志愿者 工会", "--from", "2021-01-01"])
            .args(["--format", format, "-n", "0", "--index"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            downloaded,
            String::from_utf8(cli.stdout).unwrap(),
            "{format}"
        );
        assert_eq!(downloaded.lines().count(), rows, "{format}: {downloaded}");
    }
}
