//! JSON Lines records: `{"id","title","source","date","url","body"}`, body paragraphs
//! separated by `\n`. Unknown keys are ignored; `null` is the same as a missing key.

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
    body: Option<String>,
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
