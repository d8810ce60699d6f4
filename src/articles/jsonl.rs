//! JSON Lines records: `{"id","title","source","date","url","author","page","body"}`, body
//! paragraphs separated by `\n`; `author` a string or a list of names, `page` a number or a
//! label (`第3版`). Unknown keys are ignored; `null` is the same as a missing key.

use serde::Deserialize;

use super::{Article, numbered_lines, parse_date};

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    author: serde_json::Value,
    #[serde(default)]
    page: serde_json::Value,
    #[serde(default)]
    body: Option<String>,
}

/// The names of an `author` value: a string, or a list of strings joined by `, `.
fn names(value: serde_json::Value) -> Result<String, String> {
    use serde_json::Value;
    match value {
        Value::Null => Ok(String::new()),
        Value::String(name) => Ok(name.trim().to_string()),
        Value::Array(names) => {
            let mut all = Vec::new();
            for name in &names {
                match name.as_str() {
                    Some(name) if !name.trim().is_empty() => all.push(name.trim()),
                    Some(_) => {}
                    None => return Err("\"author\" must be a string or a list of strings".into()),
                }
            }
            Ok(all.join(", "))
        }
        _ => Err("\"author\" must be a string or a list of strings".to_string()),
    }
}

/// A `page` value: a number or a label.
fn page(value: serde_json::Value) -> Result<String, String> {
    use serde_json::Value;
    match value {
        Value::Null => Ok(String::new()),
        Value::Number(n) => Ok(n.to_string()),
        Value::String(label) => Ok(label.trim().to_string()),
        _ => Err("\"page\" must be a number or a label such as \"第3版\"".to_string()),
    }
}

/// Parses one line. The error is the reason to report with the file and line number.
pub fn parse(line: &str, path: &str, line_number: usize) -> Result<Article, String> {
    let record: Record =
        serde_json::from_str(line).map_err(|e| format!("not a JSON record: {e}"))?;
    let title = record.title.unwrap_or_default().trim().to_string();
    let body = record.body.unwrap_or_default();
    if body.trim().is_empty() {
        return Err("the record has no body".to_string());
    }
    if title.is_empty() {
        return Err("the record has no title".to_string());
    }
    let id = match record.id {
        Some(serde_json::Value::String(id)) if !id.is_empty() => id,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("{path}:{line_number}"),
    };
    // A date that is not understood is left out rather than losing the article.
    let (date, time) = record
        .date
        .as_deref()
        .and_then(parse_date)
        .unwrap_or_default();
    let article = Article {
        id,
        title,
        source: record.source.unwrap_or_default().trim().to_string(),
        date,
        time,
        url: record.url.unwrap_or_default(),
        author: names(record.author)?,
        page: page(record.page)?,
        path: path.to_string(),
        ..Article::default()
    };
    Ok(article.with_body(numbered_lines(&body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record() {
        let line = r#"{"id":"x1","title":"标题","source":"央视网","date":"2020-02-01","url":null,"body":"第一段。\n第二段。"}"#;
        let article = parse(line, "f.jsonl", 1).unwrap();
        assert_eq!(article.id, "x1");
        assert_eq!(article.date, "2020-02-01");
        assert_eq!(article.passages.len(), 2);
    }

    #[test]
    fn author_and_page() {
        let line = r#"{"title":"t","body":"b","author":["张三"," 李四"],"page":3}"#;
        let article = parse(line, "f.jsonl", 1).unwrap();
        assert_eq!(
            (article.author.as_str(), article.page.as_str()),
            ("张三, 李四", "3")
        );
        let line = r#"{"title":"t","body":"b","author":"王五","page":"第3版"}"#;
        let article = parse(line, "f.jsonl", 1).unwrap();
        assert_eq!(
            (article.author.as_str(), article.page.as_str()),
            ("王五", "第3版")
        );
        assert!(
            parse(r#"{"title":"t","body":"b","page":true}"#, "f", 1)
                .unwrap_err()
                .starts_with("\"page\" must be")
        );
    }

    #[test]
    fn bad_records_say_why() {
        assert!(
            parse("{\"title\":", "f", 1)
                .unwrap_err()
                .starts_with("not a JSON record")
        );
        assert_eq!(
            parse(r#"{"title":"t"}"#, "f", 1).unwrap_err(),
            "the record has no body"
        );
        assert_eq!(
            parse(r#"{"body":"b"}"#, "f", 1).unwrap_err(),
            "the record has no title"
        );
    }
}
