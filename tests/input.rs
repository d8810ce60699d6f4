//! Reading real archives: page clean-up, encodings, JSON Lines and bad input.

mod common;

use std::path::PathBuf;

use gonghui::Article;
use gonghui::SearchOptions;
use gonghui::files::{self, Skipped};

fn seed_path() -> PathBuf {
    common::corpus().join("gansu-gongren-2021-11-03.txt")
}

/// The articles and problems read from `paths`.
fn read(paths: &[PathBuf]) -> (Vec<Article>, Vec<Skipped>) {
    let (input, mut skipped) = files::discover(paths);
    let mut articles = Vec::new();
    for file in &input {
        files::read_articles(file, 0, &indicatif::ProgressBar::hidden(), |item| {
            match item {
                Ok((_, article)) => articles.push(article),
                Err(skip) => skipped.push(skip),
            }
            true
        });
    }
    (articles, skipped)
}

#[test]
fn the_seed_article_parses_into_its_parts() {
    let (articles, skipped) = read(&[seed_path()]);
    assert!(skipped.is_empty());
    let article = &articles[0];
    assert_eq!(
        article.title,
        "抗疫一线,“娘家人”在行动 甘肃省各级工会组织众志成城助力抗击疫情速写"
    );
    assert_eq!(
        (
            article.source.as_str(),
            article.date.as_str(),
            article.time.as_str()
        ),
        ("甘肃工人报", "2021-11-03", "00:45")
    );
    assert_eq!(
        article.sections,
        vec![
            "兰州石化公司工会:女职工服务队撑起疫情防控“半边天”",
            "张掖甘州区总工会:筹措资金45万元慰问一线防疫者",
            "酒泉市总工会:720余名工会干部夜以继日当先锋",
            "陇西县总工会:劳模工匠慷慨解囊助力疫情防控",
            "张掖市总工会:千名职工志愿者勇上“疫”线当“先锋”",
            "武威市总工会:党员干部下沉社区开展志愿服务",
            "天水市总工会:下拨73万元疫情防控专项慰问资金",
        ]
    );
    assert_eq!(article.passages.len(), 24);
    assert_eq!(article.passages[0].section, "");
    assert_eq!(article.passages[1].section, article.sections[0]);
    // Paragraphs broken by the page layout are whole again.
    assert!(
        article
            .passages
            .iter()
            .any(|p| p.text.contains("广大职工坚决打赢疫情防控阻击战的通知》"))
    );
    assert!(article.passages.iter().any(|p| {
        p.text
            .contains("不传谣。发出《致全市疫情防控一线职工群众的一封信》")
    }));
    // The recommendations trailer and the page's 大字 button are gone.
    let all: String = article.passages.iter().map(|p| p.text.as_str()).collect();
    for gone in ["新闻推荐", "相关推荐", "朗诵比赛", "陇西新闻", "大字"] {
        assert!(!all.contains(gone), "{gone}");
    }
    assert!(
        article
            .passages
            .last()
            .unwrap()
            .text
            .ends_with("保障全市职工队伍和谐稳定。")
    );
}

#[test]
fn gbk_crlf_and_bom_copies_parse_to_the_same_passages() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed_path()).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let gbk_path = dir.path().join("gbk.txt");
    std::fs::write(&gbk_path, &gbk).unwrap();
    let crlf_path = dir.path().join("crlf-bom.txt");
    std::fs::write(
        &crlf_path,
        format!("\u{feff}{}", text.replace('\n', "\r\n")),
    )
    .unwrap();

    let (seed, _) = read(&[seed_path()]);
    for copy in [gbk_path, crlf_path] {
        let (articles, skipped) = read(std::slice::from_ref(&copy));
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(articles[0].title, seed[0].title);
        assert_eq!(articles[0].passages, seed[0].passages, "{}", copy.display());
    }
}

#[test]
fn bad_input_is_reported_and_the_rest_is_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let seed = std::fs::read(seed_path()).unwrap();
    // Cut inside the last character of a paragraph: a truncated download.
    let cut = seed.len() / 2;
    let cut = (cut..seed.len()).find(|&i| seed[i] >= 0xE0).unwrap() + 1;
    std::fs::write(input.join("truncated.txt"), &seed[..cut]).unwrap();
    std::fs::write(
        input.join("image.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01",
    )
    .unwrap();
    let jsonl = [
        r#"{"id":"a1","title":"第一篇","source":"工人日报","date":"2022-05-01","url":null,"body":"劳动模范王师傅扎根一线。\n他带出了三十名徒弟。"}"#,
        r#"{"id":"a2","title":"坏行","body":"没有结尾"#,
        r#"{"id":"a3","title":"没有正文","body":""}"#,
        r#"{"id":"a4","title":"第四篇","source":"工人日报","date":"2022-05-02","body":"职工志愿者走进社区。"}"#,
        r#"{"id":"a5","title":"重复","source":"工人日报","date":"2022-05-03","body":"职工志愿者走进社区。"}"#,
    ];
    std::fs::write(input.join("news.jsonl"), jsonl.join("\n")).unwrap();

    let index_dir = dir.path().join("index");
    let report = gonghui::index_paths(
        &index_dir,
        std::slice::from_ref(&input),
        &Default::default(),
    )
    .unwrap();
    let places: Vec<String> = report.skipped.iter().map(|s| s.to_string()).collect();
    let news = input.join("news.jsonl").display().to_string();
    assert!(
        places
            .iter()
            .any(|p| p.starts_with(&format!("{news}:2: not a JSON record"))),
        "{places:?}"
    );
    assert!(
        places
            .iter()
            .any(|p| p.starts_with(&format!("{news}:3: the record has no body")))
    );
    assert!(
        places
            .iter()
            .any(|p| p.contains("image.txt: a binary file"))
    );
    assert!(
        places
            .iter()
            .any(|p| p.contains("truncated.txt: the file ends inside a character"))
    );
    assert_eq!(report.skipped.len(), 4, "{places:?}");
    assert_eq!(report.articles, 4);

    let index = gonghui::Index::open(&index_dir).unwrap();
    // As typed only: 劳动模范 would also find 劳模 in the other pages.
    let options = SearchOptions {
        synonyms: None,
        ..SearchOptions::default()
    };
    assert_eq!(index.search("劳动模范", &options).unwrap().total, 1);
    // The same text twice is one story in two places: both kept, shown once.
    let results = index.search("走进社区", &options).unwrap();
    assert_eq!((results.total, results.hits.len()), (2, 1));
    assert_eq!(results.hits[0].article.reprints.len(), 1);
    // The part of the truncated page before the cut is searchable.
    assert!(index.search("兰州石化", &options).unwrap().total > 0);
}

#[test]
fn messy_web_pages_index_without_a_panic() {
    let Some(inews) = common::shared("inews_web.jsonl.zst") else {
        return;
    };
    let (_dir, index, report) = common::build(&[inews]);
    assert!(report.articles > 7_000, "{report:?}");
    assert!(report.skipped.len() < 10, "{:?}", report.skipped);
    assert!(
        index
            .search("工会", &SearchOptions::default())
            .unwrap()
            .total
            > 0
    );
}

#[test]
fn gzip_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let record = r#"{"id":"g1","title":"压缩","source":"工人日报","date":"2023-01-05","url":null,"body":"职工书屋送书下基层。"}"#;
    let gz = dir.path().join("news.jsonl.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut encoder, record.as_bytes()).unwrap();
    encoder.finish().unwrap();
    let (articles, skipped) = read(&[gz]);
    assert!(skipped.is_empty());
    assert_eq!(articles[0].passages[0].text, "职工书屋送书下基层。");

    let index = dir.path().join("index");
    assert_cmd::Command::cargo_bin("gonghui")
        .unwrap()
        .args(["index", "-", "--index"])
        .arg(&index)
        .write_stdin(
            record
                .replace("g1", "s1")
                .replace("职工书屋送书下基层", "工会送清凉到工地"),
        )
        .assert()
        .success();
    let index = gonghui::Index::open(&index).unwrap();
    let results = index.search("送清凉", &SearchOptions::default()).unwrap();
    assert_eq!(results.hits[0].article.id, "s1");
}
