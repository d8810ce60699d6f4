//! The tantivy schema. Three kinds of documents share it:
//!
//! - `passage`: one per paragraph, the unit that is searched and ranked; it stores its text,
//!   section and paragraph number, and refers to its article by key and by place: an article's
//!   passages follow its document in the same segment;
//! - `article`: one per article, storing its metadata and indexing its title, source and
//!   author once (a `title:`, `source:` or `author:` term finds articles, then their passages
//!   by key);
//! - `file`: one per indexed file, recording what incremental runs need.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::tokenizers::{GRAMS, PAIRS};

/// A searchable text: stored as written, indexed as grams at character positions.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub stored: Field,
    /// Han characters and Latin/digit words at their character positions (see
    /// [`crate::analysis::grams`]).
    pub grams: Field,
    /// For the passage text and the title, the pairs of adjacent common characters at the
    /// position of the first (see [`crate::analysis::pairs`]): found, never scored.
    pub pairs: Option<Field>,
}

/// Every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `passage`, `article` or `file`.
    pub kind: Field,
    /// Articles: the article's id, stored.
    pub article_id: Field,
    /// Passages and articles: hash of the article id, indexed, joining passages to their
    /// article (and deleting both when an article with the same id replaces it).
    pub article_key: Field,
    /// Articles: the same key as a fast field, which passages reach through `article_back`
    /// (see [`super::view`]).
    pub own_key: Field,
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
    /// Passages: how many documents before the passage its article's document is (a fast
    /// field: see [`super::view`]).
    pub article_back: Field,
    /// Passages: length in characters and enumeration marks (see [`crate::analysis::shape`]),
    /// packed by [`shape_value`] for ranking; 0 on other documents, so that the column has a
    /// value for every document and is read without a lookup.
    pub shape: Field,
    /// Passages and articles: the article's date, for filters and sorting.
    pub date: Field,
    /// Articles: the article's metadata, stored, the title, the source and the author indexed.
    pub title: TextField,
    pub source: TextField,
    pub author: TextField,
    pub page: Field,
    pub source_name: Field,
    pub date_text: Field,
    pub time: Field,
    pub url: Field,
    pub path_text: Field,
    /// Articles: the body's MinHash signature (bytes), to find the story of a reprint indexed
    /// later (see [`crate::reprints`]).
    pub reprint_signature: Field,
    /// Articles: the story the article belongs to, shared by its reprints, as a fast field (to
    /// collapse hits) and indexed (to list a story's articles).
    pub story: Field,
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

/// Bits of a `shape` value for the enumeration marks; the length in characters is above them.
/// A fast field takes the bits of its largest value for every document: a passage has at
/// most [`crate::passages::MAX_PASSAGE_CHARS`] characters, so this needs about 23.
const MARK_BITS: u32 = 12;
const MAX_SHAPE_CHARS: u64 = (1 << (64 - MARK_BITS)) - 1;

/// The `shape` value of a passage: its length in characters and its enumeration marks.
pub fn shape_value(chars: u64, list_marks: u64) -> u64 {
    (chars.min(MAX_SHAPE_CHARS) << MARK_BITS) | list_marks.min((1 << MARK_BITS) - 1)
}

/// The length in characters and the enumeration marks of a `shape` value.
pub fn shape_parts(value: u64) -> (u32, u32) {
    let chars = (value >> MARK_BITS).min(u64::from(u32::MAX)) as u32;
    (chars, (value & ((1 << MARK_BITS) - 1)) as u32)
}

/// The names of the fast fields, which [`super::view`] opens by name.
pub(crate) mod column {
    pub const DATE: &str = "date";
    pub const SHAPE: &str = "shape";
    pub const WORD_BOUNDS: &str = "word_bounds";
    pub const ARTICLE_BACK: &str = "article_back";
    pub const OWN_KEY: &str = "own_key";
    pub const STORY: &str = "story";
    pub const SOURCE_NAME: &str = "source_name";
    pub const REPRINT_SIGNATURE: &str = "reprint_signature";
}

/// Values of the `kind` field.
pub const KIND_PASSAGE: &str = "passage";
pub const KIND_ARTICLE: &str = "article";
pub const KIND_FILE: &str = "file";

/// The `article_key` of an article id.
pub fn article_key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
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
        // Only the text and the heading are scored by BM25 and need its length norms: a title
        // or source term finds articles, whose passages all score alike.
        let indexed = |tokenizer: &str, norms: bool| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_fieldnorms(norms)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        // Pairs where a query of common characters would read most documents: passages for
        // the default scope, article titles for every term's title signal.
        let mut text_field = |name: &str, scored: bool, pairs: bool| TextField {
            stored: b.add_text_field(name, STORED),
            grams: b.add_text_field(&format!("{name}_grams"), indexed(GRAMS, scored)),
            pairs: pairs.then(|| b.add_text_field(&format!("{name}_pairs"), indexed(PAIRS, false))),
        };
        let text = text_field("text", true, true);
        let section = text_field("section", true, false);
        let title = text_field("title", false, true);
        let source = text_field("source", false, false);
        let author = text_field("author", false, false);
        let fields = Fields {
            kind: b.add_text_field("kind", key()),
            article_id: b.add_text_field("article_id", STORED),
            article_key: b.add_u64_field("article_key", NumericOptions::default().set_indexed()),
            path: b.add_text_field("path", key()),
            text,
            word_bounds: b.add_u64_field(column::WORD_BOUNDS, FAST),
            section,
            para: b.add_u64_field("para", STORED),
            part: b.add_u64_field("part", STORED),
            continuation: b.add_text_field("continuation", STORED),
            own_key: b.add_u64_field(column::OWN_KEY, FAST),
            article_back: b.add_u64_field(column::ARTICLE_BACK, FAST),
            shape: b.add_u64_field(column::SHAPE, FAST),
            date: b.add_date_field(
                column::DATE,
                // Filters and sorting read the fast field; nothing looks a date up.
                DateOptions::default()
                    .set_fast()
                    .set_precision(DateTimePrecision::Seconds),
            ),
            title,
            source,
            author,
            page: b.add_text_field("page", STORED),
            source_name: b.add_text_field(column::SOURCE_NAME, key().set_fast("raw")),
            date_text: b.add_text_field("date_text", STORED),
            time: b.add_text_field("time", STORED),
            url: b.add_text_field("url", STORED),
            path_text: b.add_text_field("path_text", STORED),
            reprint_signature: b.add_bytes_field(column::REPRINT_SIGNATURE, FAST),
            story: b.add_u64_field(
                column::STORY,
                NumericOptions::default().set_indexed().set_fast(),
            ),
            file_key: b.add_text_field("file_key", key()),
            file_state: b.add_text_field("file_state", STORED),
        };
        (b.build(), fields)
    }
}
