//! Files → articles: article pages (`.txt`) and JSON Lines records, with their metadata.

pub mod byline;
pub mod jsonl;
pub mod page;

use serde::Serialize;

pub use crate::dates::{parse_date, parse_time};
use crate::passages::{Dropped, Passage};

/// One article, as it will be indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Article {
    /// The record's id (JSON Lines) or the file's path (pages).
    pub id: String,
    /// The headline.
    pub title: String,
    /// Newspaper or site, or empty when unknown.
    pub source: String,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub date: String,
    /// `HH:MM`, or empty when unknown.
    pub time: String,
    /// The page's address, or empty.
    pub url: String,
    /// Who wrote it, names separated by `, `, or empty when unknown.
    pub author: String,
    /// The newspaper page (版次) it was printed on, as stated (`3`, `第3版`, `A2`), or empty.
    pub page: String,
    /// The file the article was read from.
    pub path: String,
    /// Section headings, in order.
    pub sections: Vec<String>,
    /// The body's passages: paragraphs, and parts of long ones.
    pub passages: Vec<Passage>,
    /// Lines left out on purpose (page buttons, the site's trailer), with why.
    pub dropped: Vec<Dropped>,
}

impl Article {
    /// An article from its id, title and body (paragraphs separated by `\n`), cleaned up as
    /// indexing does; set `source`, `date` and the other fields as needed.
    pub fn new(id: &str, title: &str, body: &str) -> Article {
        Article {
            id: id.to_string(),
            title: title.trim().to_string(),
            ..Article::default()
        }
        .with_body(numbered_lines(body))
    }

    /// Sets the passages and sections from the raw blocks of the body, each with its line
    /// number, and records what the clean-up dropped.
    pub(crate) fn with_body(
        mut self,
        blocks: impl IntoIterator<Item = (usize, String)>,
    ) -> Article {
        let (passages, dropped) = crate::passages::split(blocks);
        self.passages = passages;
        self.dropped.extend(dropped);
        self.sections.clear();
        for passage in &self.passages {
            if !passage.section.is_empty() && self.sections.last() != Some(&passage.section) {
                self.sections.push(passage.section.clone());
            }
        }
        self
    }
}

/// The paragraphs of a body separated by `\n`, numbered from 1.
pub(crate) fn numbered_lines(body: &str) -> impl Iterator<Item = (usize, String)> {
    body.split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.to_string()))
}
