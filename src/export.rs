//! Hits → files to take away: rows for a spreadsheet (CSV, TSV), references for a reference
//! manager (RIS, BibTeX) and citations in GB/T 7714-2015, written as the hits come.
//!
//! Rows are one per hit (or per article); references and citations one per article, from the
//! article's first hit, since a paper cites the article, not a paragraph. A spreadsheet cell
//! that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written after a `'`, so
//! that a title such as `=cmd|…` is read as text and never run as a formula (OWASP's advice
//! for CSV injection); CSV quotes commas, quotes and line breaks, and starts with a byte order
//! mark, without which Excel reads UTF-8 Chinese as garbage.

use std::io::{self, Write};

use rustc_hash::FxHashSet;

use crate::articles::byline::{authors, page_number};
use crate::hits::{ArticleInfo, Hit};

/// A format to export hits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, one row per hit.
    Csv,
    /// Tab-separated values, one row per hit.
    Tsv,
    /// RIS references (`TY  - NEWS`), one per article.
    Ris,
    /// BibTeX entries (`@article`, `journal` the paper), one per article.
    Bibtex,
    /// GB/T 7714-2015 references, one line per article.
    Cite,
}

crate::named::named!(
    Format,
    Csv = "csv",
    Tsv = "tsv",
    Ris = "ris",
    Bibtex = "bibtex",
    Cite = "cite"
);

impl Format {
    /// The file name extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Ris => "ris",
            Format::Bibtex => "bib",
            Format::Cite => "txt",
        }
    }

    /// The media type of the format, for HTTP.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Tsv => "text/tab-separated-values; charset=utf-8",
            Format::Ris => "application/x-research-info-systems; charset=utf-8",
            Format::Bibtex => "application/x-bibtex; charset=utf-8",
            Format::Cite => "text/plain; charset=utf-8",
        }
    }

    /// Whether the format has one record per article rather than per hit.
    pub fn is_per_article(self) -> bool {
        matches!(self, Format::Ris | Format::Bibtex | Format::Cite)
    }
}

/// A spreadsheet cell as written: after a `'` when a spreadsheet would read it as a formula.
pub fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Rows of a spreadsheet: CSV (quoted where needed, after a byte order mark) or TSV (tabs and
/// line breaks inside a cell written as spaces).
pub struct Rows<W: Write> {
    csv: Option<csv::Writer<W>>,
    tsv: Option<W>,
}

impl<W: Write> Rows<W> {
    /// Rows of CSV (`tsv` false) or TSV into `out`, the first of them `head`.
    pub fn new(mut out: W, tsv: bool, head: &[&str]) -> io::Result<Rows<W>> {
        let mut rows = if tsv {
            Rows {
                csv: None,
                tsv: Some(out),
            }
        } else {
            out.write_all("\u{feff}".as_bytes())?;
            Rows {
                csv: Some(csv::Writer::from_writer(out)),
                tsv: None,
            }
        };
        rows.row(head)?;
        Ok(rows)
    }

    /// Writes one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        let cells = cells.iter().map(|c| cell(c.as_ref()));
        if let Some(csv) = &mut self.csv {
            let cells: Vec<String> = cells.map(String::from).collect();
            return csv.write_record(&cells).map_err(csv_error);
        }
        let out = self.tsv.as_mut().expect("rows are CSV or TSV");
        let cells: Vec<String> = cells.map(|c| c.replace(['\t', '\n', '\r'], " ")).collect();
        writeln!(out, "{}", cells.join("\t"))
    }

    /// Writes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        match (&mut self.csv, &mut self.tsv) {
            (Some(csv), _) => csv.flush(),
            (_, Some(out)) => out.flush(),
            _ => Ok(()),
        }
    }
}

/// A CSV error as the I/O error it is (a closed pipe stays one).
fn csv_error(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The columns of a hit's row.
pub const HIT_COLUMNS: [&str; 14] = [
    "rank", "score", "id", "title", "source", "date", "url", "author", "page", "para", "part",
    "section", "text", "matches",
];

/// What is written of each hit: rows, or each article's reference.
enum Writer<W: Write> {
    Rows(Box<Rows<W>>),
    References { out: W, format: Format },
}

/// Writes hits in a format as they come.
pub struct Exporter<W: Write> {
    writer: Writer<W>,
    /// With one record per article: the articles written.
    seen: Option<FxHashSet<String>>,
    /// The day the references are made (`YYYY-MM-DD`), their access date for online articles.
    accessed: String,
}

impl<W: Write> Exporter<W> {
    /// An exporter of hits into `out`; `per_article` keeps each article's first hit only (it
    /// always does for references). `accessed` is the access date of online articles.
    pub fn new(out: W, format: Format, per_article: bool, accessed: &str) -> io::Result<Self> {
        let writer = match format {
            Format::Csv | Format::Tsv => Writer::Rows(Box::new(Rows::new(
                out,
                format == Format::Tsv,
                &HIT_COLUMNS,
            )?)),
            _ => Writer::References { out, format },
        };
        Ok(Exporter {
            writer,
            seen: (per_article || format.is_per_article()).then(FxHashSet::default),
            accessed: accessed.to_string(),
        })
    }

    /// Writes a hit (nothing when its article was written already, one record per article).
    pub fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        if let Some(seen) = &mut self.seen
            && !seen.insert(hit.article.id.clone())
        {
            return Ok(());
        }
        match &mut self.writer {
            Writer::Rows(rows) => rows.row(&hit_row(hit)),
            Writer::References { out, format } => {
                let record = reference(&hit.article, *format, &self.accessed);
                out.write_all(record.as_bytes())
            }
        }
    }

    /// Writes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Writer::Rows(rows) => rows.flush(),
            Writer::References { out, .. } => out.flush(),
        }
    }
}

/// The cells of a hit's row, in the order of [`HIT_COLUMNS`]; the matches joined by `；`.
fn hit_row(hit: &Hit) -> [String; 14] {
    let chars: Vec<char> = hit.passage.text.chars().collect();
    let matches: Vec<String> = hit
        .highlights
        .iter()
        .map(|&(start, end)| chars[start..end].iter().collect())
        .collect();
    let a = &hit.article;
    [
        hit.rank.to_string(),
        hit.score.to_string(),
        a.id.clone(),
        a.title.clone(),
        a.source.clone(),
        a.date.clone(),
        a.url.clone(),
        a.author.clone(),
        a.page.clone(),
        hit.passage.para.to_string(),
        hit.passage.part.to_string(),
        hit.passage.section.clone(),
        hit.passage.text.clone(),
        matches.join("；"),
    ]
}

/// The reference of an article in a per-article format, ending in a line break.
pub fn reference(article: &ArticleInfo, format: Format, accessed: &str) -> String {
    match format {
        Format::Ris => ris(article, accessed),
        Format::Bibtex => bibtex(article, accessed),
        _ => gbt7714(article, accessed) + "\n",
    }
}

/// The GB/T 7714-2015 reference of a newspaper article: `作者. 题名[N]. 报纸名, 出版日期(版次).`,
/// or for an article with an address `作者. 题名[N/OL]. 报纸名, 出版日期(版次)[引用日期]. URL.`;
/// what the archive lacks is left out (without an author the title comes first; without a
/// page, no `(版次)`); more than three authors are the first three and `等`.
pub fn gbt7714(article: &ArticleInfo, accessed: &str) -> String {
    let online = !article.url.is_empty();
    let kind = if online { "[N/OL]" } else { "[N]" };
    let mut reference = String::new();
    let authors = authors(&article.author);
    if !authors.is_empty() {
        let mut named = authors[..authors.len().min(3)].join(", ");
        if authors.len() > 3 {
            named.push_str(", 等");
        }
        reference.push_str(&named);
        reference.push_str(". ");
    }
    reference.push_str(&format!("{}{kind}.", article.title));
    let publication: Vec<&str> = [article.source.as_str(), article.date.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    if !publication.is_empty() {
        reference.push(' ');
        reference.push_str(&publication.join(", "));
    }
    if !article.page.is_empty() {
        reference.push_str(&format!("({})", page_number(&article.page)));
    }
    if online {
        reference.push_str(&format!("[{accessed}]. {}", article.url));
    }
    reference.push('.');
    reference
}

/// An RIS record (`TY  - NEWS`): authors, title, newspaper, year and date, page, address,
/// access date, id.
fn ris(article: &ArticleInfo, accessed: &str) -> String {
    // A tag's value is one line.
    let line = |tag: &str, value: &str| match value.is_empty() {
        true => String::new(),
        false => format!("{tag}  - {}\n", value.replace(['\r', '\n'], " ")),
    };
    let mut record = line("TY", "NEWS");
    for author in authors(&article.author) {
        record += &line("AU", author);
    }
    record += &line("TI", &article.title);
    record += &line("T2", &article.source);
    record += &line("PY", article.date.get(..4).unwrap_or_default());
    record += &line("DA", &article.date.replace('-', "/"));
    if !article.page.is_empty() {
        record += &line("SP", &page_number(&article.page));
    }
    record += &line("UR", &article.url);
    if !article.url.is_empty() {
        record += &line("Y2", &accessed.replace('-', "/"));
    }
    record += &line("ID", &article.id);
    record + "ER  - \n\n"
}

/// A BibTeX value inside braces: TeX's special characters escaped, line breaks as spaces.
fn bibtex_value(text: &str) -> String {
    let mut value = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => value.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                value.push('\\');
                value.push(c);
            }
            '~' => value.push_str("\\textasciitilde{}"),
            '^' => value.push_str("\\textasciicircum{}"),
            '\n' | '\r' => value.push(' '),
            c => value.push(c),
        }
    }
    value
}

/// A BibTeX `@article` (`journal` the paper), keyed by the date and a hash of the article id.
fn bibtex(article: &ArticleInfo, accessed: &str) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(article.id.as_bytes());
    let key = format!(
        "gonghui{}-{:08x}",
        article.date.replace('-', ""),
        hash >> 32
    );
    let authors = authors(&article.author).join(" and ");
    let pages = match article.page.is_empty() {
        true => String::new(),
        false => page_number(&article.page),
    };
    let mut fields = vec![
        ("author", authors.as_str()),
        ("title", &article.title),
        ("journal", &article.source),
    ];
    let year = article.date.get(..4).unwrap_or_default();
    fields.extend([
        ("year", year),
        ("date", &article.date),
        ("pages", &pages),
        ("url", &article.url),
    ]);
    if !article.url.is_empty() {
        fields.push(("urldate", accessed));
    }
    fields.push(("note", &article.id));
    let body: Vec<String> = fields
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("  {name} = {{{}}}", bibtex_value(value)))
        .collect();
    format!("@article{{{key},\n{}\n}}\n\n", body.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(source: &str, date: &str, url: &str) -> ArticleInfo {
        ArticleInfo {
            id: "a1".into(),
            title: "抗疫一线，“娘家人”在行动".into(),
            source: source.into(),
            date: date.into(),
            url: url.into(),
            ..ArticleInfo::default()
        }
    }

    fn written(author: &str, page: &str, url: &str) -> ArticleInfo {
        ArticleInfo {
            author: author.into(),
            page: page.into(),
            ..article("工人日报", "2021-11-03", url)
        }
    }

    #[test]
    fn gbt7714_references_written_by_hand() {
        let accessed = "2026-12-07";
        // In print: title, [N], paper, date.
        assert_eq!(
            gbt7714(&article("甘肃工人报", "2021-11-03", ""), accessed),
            "抗疫一线，“娘家人”在行动[N]. 甘肃工人报, 2021-11-03."
        );
        // Online: [N/OL], the access date and the address.
        assert_eq!(
            gbt7714(
                &article("央视网", "2021-11-03", "https://news.cctv.com/a.shtml"),
                accessed
            ),
            "抗疫一线，“娘家人”在行动[N/OL]. 央视网, 2021-11-03[2026-12-07]. https://news.cctv.com/a.shtml."
        );
        // What the archive lacks is left out.
        assert_eq!(
            gbt7714(&article("", "2021-11-03", ""), accessed),
            "抗疫一线，“娘家人”在行动[N]. 2021-11-03."
        );
        assert_eq!(
            gbt7714(&article("甘肃工人报", "", ""), accessed),
            "抗疫一线，“娘家人”在行动[N]. 甘肃工人报."
        );
    }

    #[test]
    fn gbt7714_references_with_authors_and_pages() {
        let accessed = "2026-12-07";
        // Author and page, in print.
        assert_eq!(
            gbt7714(&written("张三", "第3版", ""), accessed),
            "张三. 抗疫一线，“娘家人”在行动[N]. 工人日报, 2021-11-03(3)."
        );
        // A page without an author.
        assert_eq!(
            gbt7714(&written("", "5", ""), accessed),
            "抗疫一线，“娘家人”在行动[N]. 工人日报, 2021-11-03(5)."
        );
        // Two authors without a page, online.
        assert_eq!(
            gbt7714(&written("张三, 李四", "", "http://x.cn/a"), accessed),
            "张三, 李四. 抗疫一线，“娘家人”在行动[N/OL]. 工人日报, 2021-11-03[2026-12-07]. http://x.cn/a."
        );
        // More than three authors: the first three, then 等; the page before the access date.
        assert_eq!(
            gbt7714(
                &written("甲一, 乙二, 丙三, 丁四", "第十二版", "http://x.cn/a"),
                accessed
            ),
            "甲一, 乙二, 丙三, 等. 抗疫一线，“娘家人”在行动[N/OL]. 工人日报, 2021-11-03(12)[2026-12-07]. http://x.cn/a."
        );
    }

    #[test]
    fn ris_and_bibtex_name_every_author_and_the_page() {
        let article = written("张三, 李四", "第3版", "");
        let record = ris(&article, "2026-12-07");
        assert!(
            record.starts_with("TY  - NEWS\nAU  - 张三\nAU  - 李四\nTI  - "),
            "{record}"
        );
        assert!(record.contains("SP  - 3\n"), "{record}");
        let entry = bibtex(&article, "2026-12-07");
        assert!(entry.contains("  author = {张三 and 李四},\n"), "{entry}");
        assert!(entry.contains("  pages = {3},\n"), "{entry}");
    }

    #[test]
    fn a_formula_is_written_as_text() {
        assert_eq!(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(cell("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(cell("工会"), "工会");
        let mut out = Vec::new();
        let mut rows = Rows::new(&mut out, false, &["a", "b"]).unwrap();
        rows.row(&["=1+1", "逗,号\"引\"\n换行"]).unwrap();
        rows.flush().unwrap();
        drop(rows);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\u{feff}a,b\n'=1+1,\"逗,号\"\"引\"\"\n换行\"\n");
    }

    #[test]
    fn bibtex_escapes_what_tex_reads() {
        assert_eq!(bibtex_value("50% & {x}_1 #2"), "50\\% \\& \\{x\\}\\_1 \\#2");
        let entry = bibtex(&article("央视网", "2021-11-03", ""), "2026-12-07");
        assert!(entry.starts_with("@article{gonghui20211103-"), "{entry}");
        assert!(entry.contains("  journal = {央视网},\n"));
        assert!(!entry.contains("urldate"));
    }
}
