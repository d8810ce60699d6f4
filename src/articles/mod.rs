//! Files → articles: article pages (`.txt`) and JSON Lines records, with their metadata.

pub mod jsonl;
pub mod page;

use serde::Serialize;

pub use crate::dates::{parse_date, parse_time};
use crate::passages::Passage;

/// One article, as it will be indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// The record's id (JSON Lines) or the file's path (pages).
    pub id: String,
    pub title: String,
    /// Newspaper or site, or empty when unknown.
    pub source: String,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub date: String,
    /// `HH:MM`, or empty when unknown.
    pub time: String,
    pub url: String,
    /// The file the article was read from.
    pub path: String,
    /// Section headings, in order.
    pub sections: Vec<String>,
    pub passages: Vec<Passage>,
}

impl Article {
    /// An article from its id, title and body (paragraphs separated by `\n`), cleaned up as
    /// indexing does; set `source`, `date` and the other fields as needed.
    pub fn new(id: &str, title: &str, body: &str) -> Article {
        let meta = Meta {
            id: id.to_string(),
            title: title.trim().to_string(),
            ..Meta::default()
        };
        Article::from_parts(meta, body.split('\n').map(str::to_string))
    }

    /// Builds an article from its metadata and the raw blocks of its body.
    pub(crate) fn from_parts(meta: Meta, blocks: impl IntoIterator<Item = String>) -> Article {
        let passages = crate::passages::split(blocks);
        let mut sections: Vec<String> = Vec::new();
        for passage in &passages {
            if !passage.section.is_empty() && sections.last() != Some(&passage.section) {
                sections.push(passage.section.clone());
            }
        }
        Article {
            id: meta.id,
            title: meta.title,
            source: meta.source,
            date: meta.date,
            time: meta.time,
            url: meta.url,
            path: meta.path,
            sections,
            passages,
        }
    }

    /// A hash of the normalised body, to recognise the same article met twice.
    pub fn body_hash(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for passage in &self.passages {
            for c in passage.text.chars().filter(|c| !c.is_whitespace()) {
                let mut buf = [0; 4];
                hasher.update(
                    crate::analysis::normalize_char(c)
                        .encode_utf8(&mut buf)
                        .as_bytes(),
                );
            }
            hasher.update(b"\n");
        }
        hasher.digest()
    }
}

/// Article metadata as read from a page or a record.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub time: String,
    pub url: String,
    pub path: String,
}
