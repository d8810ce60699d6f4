//! The tantivy schema. Three kinds of documents share it:
//!
//! - `passage`: one per paragraph, the unit that is searched and ranked; it stores its text,
//!   section and paragraph number, and refers to its article by key and by place: an article's
//!   passages follow its document in the same segment;
//! - `article`: one per article, storing its metadata and indexing its title and source once
//!   (a `title:` or `source:` term finds articles, then their passages by key);
//! - `file`: one per indexed file, recording what incremental runs need.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::tokenizers::GRAMS;

/// A searchable text: stored as written, indexed as grams at character positions.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub stored: Field,
    /// Han bigrams, Latin/digit words and the Han characters at the edges of Han runs (see
    /// [`crate::analysis::grams`]).
    pub grams: Field,
}

/// Every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `passage`, `article` or `file`.
    pub kind: Field,
    /// Articles: the article's id, stored.
    pub article_id: Field,
    /// Passages and articles: hash of the article id, joining passages to their article (and
    /// deleting both when an article with the same id replaces it).
    pub article_key: Field,
    /// Passages and articles: the file read (deletes replace by it).
    pub path: Field,
    /// Passages: the paragraph, where its jieba words begin and end (a bitmap in 64-bit values,
    /// see [`crate::analysis::words`]), its heading and its number.
    pub text: TextField,
    pub word_bounds: Field,
    pub section: TextField,
    pub para: Field,
    /// Passages: the part of a paragraph split for its length (0 for a whole one), and the
    /// start of the next part, indexed with this one (see [`crate::passages::continuations`]).
    pub part: Field,
    pub continuation: Field,
    /// Passages: how many documents before the passage its article's document is.
    pub article_back: Field,
    /// Passages: length in characters and enumeration marks (see [`crate::analysis::shape`]),
    /// packed by [`shape_value`] for ranking; 0 on other documents, so that the column has a
    /// value for every document and is read without a lookup.
    pub shape: Field,
    /// Passages and articles: the article's date, for filters and sorting.
    pub date: Field,
    /// Articles: the article's metadata, stored, the title and the source indexed.
    pub title: TextField,
    pub source: TextField,
    pub source_name: Field,
    pub date_text: Field,
    pub time: Field,
    pub url: Field,
    pub path_text: Field,
    /// Articles: the body's MinHash signature (bytes), to find the story of a reprint indexed
    /// later (see [`crate::reprints`]).
    pub reprint_signature: Field,
    /// Passages and articles: the story the article belongs to, shared by its reprints (a
    /// fast field, to collapse hits); articles: the same, indexed, to list a story's articles.
    pub story: Field,
    pub story_article: Field,
    /// Files: the file's path and its state as JSON.
    pub file_key: Field,
    pub file_state: Field,
}

/// Article keys are xxh3 hashes of the article ids already: sets and maps of them need no
/// hashing again.
#[derive(Default)]
pub struct ArticleKeyHasher(u64);

impl std::hash::Hasher for ArticleKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

pub type ArticleKeys =
    std::collections::HashSet<u64, std::hash::BuildHasherDefault<ArticleKeyHasher>>;
pub type PerArticle<V> =
    std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<ArticleKeyHasher>>;

/// The `shape` value of a passage: its length in characters and its enumeration marks.
pub fn shape_value(chars: u64, list_marks: u64) -> u64 {
    (chars.min(u64::from(u32::MAX)) << 32) | list_marks.min(u64::from(u32::MAX))
}

/// The length in characters and the enumeration marks of a `shape` value.
pub fn shape_parts(value: u64) -> (u32, u32) {
    ((value >> 32) as u32, value as u32)
}

/// Values of the `kind` field.
pub const KIND_PASSAGE: &str = "passage";
pub const KIND_ARTICLE: &str = "article";
pub const KIND_FILE: &str = "file";

/// The `article_key` of an article id.
pub fn article_key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

fn analyzed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// A whole-value key: indexed as one term, without the length norms BM25 would not use.
fn key() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    )
}

impl Fields {
    /// Builds the schema and its fields.
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let mut text_field = |name: &str| TextField {
            stored: b.add_text_field(name, STORED),
            grams: b.add_text_field(
                &format!("{name}_grams"),
                analyzed(GRAMS, IndexRecordOption::WithFreqsAndPositions),
            ),
        };
        let text = text_field("text");
        let section = text_field("section");
        let title = text_field("title");
        let source = text_field("source");
        let fields = Fields {
            kind: b.add_text_field("kind", key()),
            article_id: b.add_text_field("article_id", STORED),
            article_key: b.add_u64_field(
                "article_key",
                NumericOptions::default().set_indexed().set_fast(),
            ),
            path: b.add_text_field("path", key()),
            text,
            word_bounds: b.add_u64_field("word_bounds", FAST),
            section,
            para: b.add_u64_field("para", STORED),
            part: b.add_u64_field("part", STORED),
            continuation: b.add_text_field("continuation", STORED),
            article_back: b.add_u64_field("article_back", STORED),
            shape: b.add_u64_field("shape", FAST),
            date: b.add_date_field(
                "date",
                DateOptions::default()
                    .set_indexed()
                    .set_fast()
                    .set_precision(DateTimePrecision::Seconds),
            ),
            title,
            source,
            source_name: b.add_text_field("source_name", key().set_fast("raw")),
            date_text: b.add_text_field("date_text", STORED),
            time: b.add_text_field("time", STORED),
            url: b.add_text_field("url", STORED),
            path_text: b.add_text_field("path_text", STORED),
            reprint_signature: b.add_bytes_field("reprint_signature", FAST),
            story: b.add_u64_field("story", FAST),
            story_article: b
                .add_u64_field("story_article", NumericOptions::default().set_indexed()),
            file_key: b.add_text_field("file_key", key()),
            file_state: b.add_text_field("file_state", STORED),
        };
        (b.build(), fields)
    }
}
