//! Article pages saved as text: a title line, a metadata line such as
//! `甘肃工人报 2021-11-03 00:45 大字`, then body paragraphs separated by blank lines.

use super::byline::{AUTHOR_LINE, author_line, is_page_label};
use super::{Article, parse_date, parse_time};
use crate::passages::{Dropped, join_into};

/// Why the words after a page's date are dropped.
pub const PAGE_BUTTONS: &str = "page buttons after the date";

/// Longest line, in characters, read as the metadata line.
const META_MAX_CHARS: usize = 100;

/// Parses a page. `path` becomes the article's id and path.
pub fn parse(text: &str, path: &str) -> Article {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let title = lines
        .by_ref()
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let mut article = Article {
        id: path.to_string(),
        title: title.to_string(),
        path: path.to_string(),
        ..Article::default()
    };

    let mut body: Vec<(usize, &str)> = lines.collect();
    read_head(&mut body, &mut article);
    article.with_body(blocks(&body))
}

/// Reads the metadata line and the author line under the title, in either order, and takes
/// them out of the body.
fn read_head(body: &mut Vec<(usize, &str)>, article: &mut Article) {
    let mut read_meta = false;
    let mut read = 0;
    for _ in 0..2 {
        let Some(i) = body[read..]
            .iter()
            .position(|(_, l)| !l.trim().is_empty())
            .map(|i| read + i)
        else {
            break;
        };
        let (number, line) = body[i];
        if !read_meta && let Some(buttons) = read_meta_line(line, article) {
            read_meta = true;
            if !buttons.is_empty() {
                article.dropped.push(Dropped {
                    line: number,
                    text: buttons,
                    reason: PAGE_BUTTONS,
                });
            }
        } else if let Some(author) = article
            .author
            .is_empty()
            .then(|| author_line(line))
            .flatten()
        {
            article.author = author;
            article.dropped.push(Dropped {
                line: number,
                text: line.trim().to_string(),
                reason: AUTHOR_LINE,
            });
        } else {
            break;
        }
        read = i + 1;
    }
    body.drain(..read);
}

/// Reads `SOURCE DATE [TIME] [page UI words]` into `meta`, returning the UI words; `None`
/// when the line is not one. A page label (`第3版`) anywhere on the line is the article's page. Words after the date and time (大字, 打印, 关闭...) are the
/// page's buttons and are dropped.
fn read_meta_line(line: &str, meta: &mut Article) -> Option<String> {
    let line = line.trim();
    if line.chars().count() > META_MAX_CHARS {
        return None;
    }
    let (pages, words): (Vec<&str>, Vec<&str>) =
        line.split_whitespace().partition(|w| is_page_label(w));
    let at = words.iter().position(|w| parse_date(w).is_some())?;
    meta.page = pages.first().map(|p| p.to_string()).unwrap_or_default();
    let (date, _) = parse_date(words[at])?;
    let source = words[..at].join(" ");
    let source = source
        .trim_start_matches("来源")
        .trim_start_matches([':', '：'])
        .trim();
    meta.source = source.to_string();
    meta.date = date;
    meta.time = words
        .get(at + 1)
        .and_then(|w| parse_time(w))
        .unwrap_or_default();
    let rest = at + 1 + usize::from(!meta.time.is_empty());
    Some(words.get(rest..).unwrap_or_default().join(" "))
}

/// Body blocks with the line each starts on: paragraphs separated by blank lines, the lines
/// of one paragraph joined. A body without any blank line has one paragraph per line.
fn blocks(lines: &[(usize, &str)]) -> Vec<(usize, String)> {
    let has_blank = lines.iter().any(|(_, l)| l.trim().is_empty());
    if !has_blank {
        return lines
            .iter()
            .map(|&(n, l)| (n, l.trim().to_string()))
            .collect();
    }
    let mut blocks = Vec::new();
    let mut current = (0, String::new());
    for &(n, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            if !current.1.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            continue;
        }
        if current.1.is_empty() {
            current.0 = n;
        }
        join_into(&mut current.1, line);
    }
    if !current.1.is_empty() {
        blocks.push(current);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_line_without_page_words() {
        let article = parse(
            "标题\n\n甘肃工人报 2021-11-03 00:45 大字\n\n第一段。\n\n第二段。\n",
            "a.txt",
        );
        assert_eq!(article.title, "标题");
        assert_eq!(article.source, "甘肃工人报");
        assert_eq!(article.date, "2021-11-03");
        assert_eq!(article.time, "00:45");
        assert_eq!(article.passages.len(), 2);
        assert!(article.passages.iter().all(|p| !p.text.contains("大字")));
        assert_eq!(
            article.dropped,
            vec![Dropped {
                line: 3,
                text: "大字".into(),
                reason: PAGE_BUTTONS
            }]
        );
    }

    #[test]
    fn page_without_metadata_line() {
        let article = parse("标题\n\n第一段。\n\n第二段。", "b.txt");
        assert_eq!(article.source, "");
        assert_eq!(article.passages.len(), 2);
        assert_eq!(article.passages[0].text, "第一段。");
    }

    #[test]
    fn author_line_and_page_label() {
        let article = parse(
            "标题\n\n工人日报 2021-11-03 第3版 大字\n\n本报记者 张三 通讯员 李四\n\n第一段。\n",
            "c.txt",
        );
        assert_eq!(article.source, "工人日报");
        assert_eq!(article.page, "第3版");
        assert_eq!(article.author, "张三, 李四");
        assert_eq!(article.passages.len(), 1);
        assert_eq!(article.passages[0].text, "第一段。");
        assert_eq!(article.dropped[0].text, "大字");
        assert_eq!(
            article.dropped[1],
            Dropped {
                line: 5,
                text: "本报记者 张三 通讯员 李四".into(),
                reason: AUTHOR_LINE
            }
        );
    }

    #[test]
    fn author_line_above_the_metadata_line() {
        let article = parse("标题\n作者：王五\n甘肃工人报 2021-11-03\n第一段。", "d.txt");
        assert_eq!(article.author, "王五");
        assert_eq!(article.date, "2021-11-03");
        assert_eq!(article.page, "");
        assert_eq!(article.passages.len(), 1);
    }

    #[test]
    fn a_first_paragraph_is_not_an_author_line() {
        let article = parse("标题\n\n记者从会上获悉，全省新增就业。\n", "e.txt");
        assert_eq!(article.author, "");
        assert_eq!(article.passages.len(), 1);
    }
}
