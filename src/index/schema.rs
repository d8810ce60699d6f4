//! The tantivy schema: one document per passage, carrying its article's metadata, plus one
//! record document per indexed file for incremental runs.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::tokenizers::{GRAMS, WORDS};

/// A searchable text: stored as written, indexed as grams (and, for passage text, words).
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub stored: Field,
    pub grams: Field,
}

/// Every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `passage` or `file`.
    pub kind: Field,
    pub article_id: Field,
    pub path: Field,
    pub text: TextField,
    /// jieba words of the passage text, for ranking whole-word matches first.
    pub text_words: Field,
    pub section: TextField,
    pub title: TextField,
    pub source: TextField,
    /// The source as a whole, for counts per source.
    pub source_name: Field,
    pub date: Field,
    pub date_text: Field,
    pub time: Field,
    pub url: Field,
    pub para: Field,
    /// Groups passages by article (hash of the article id).
    pub article_key: Field,
    /// Recognises the same article body met twice.
    pub body_hash: Field,
    /// File records: the file's path and its state as JSON.
    pub file_key: Field,
    pub file_state: Field,
}

/// Values of the `kind` field.
pub const KIND_PASSAGE: &str = "passage";
pub const KIND_FILE: &str = "file";

fn analyzed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

impl Fields {
    /// Builds the schema and its fields.
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let grams = analyzed(GRAMS, IndexRecordOption::WithFreqsAndPositions);
        let mut text_field = |name: &str| TextField {
            stored: b.add_text_field(name, STORED),
            grams: b.add_text_field(&format!("{name}_grams"), grams.clone()),
        };
        let text = text_field("text");
        let section = text_field("section");
        let title = text_field("title");
        let source = text_field("source");
        let fields = Fields {
            kind: b.add_text_field("kind", STRING),
            article_id: b.add_text_field("article_id", STRING | STORED),
            path: b.add_text_field("path", STRING | STORED),
            text,
            text_words: b
                .add_text_field("text_words", analyzed(WORDS, IndexRecordOption::WithFreqs)),
            section,
            title,
            source,
            source_name: b.add_text_field("source_name", STRING | FAST),
            date: b.add_date_field(
                "date",
                DateOptions::from(INDEXED | FAST).set_precision(DateTimePrecision::Seconds),
            ),
            date_text: b.add_text_field("date_text", STORED),
            time: b.add_text_field("time", STORED),
            url: b.add_text_field("url", STORED),
            para: b.add_u64_field("para", STORED),
            article_key: b.add_u64_field("article_key", FAST),
            body_hash: b.add_u64_field("body_hash", FAST),
            file_key: b.add_text_field("file_key", STRING),
            file_state: b.add_text_field("file_state", STORED),
        };
        (b.build(), fields)
    }

    /// The fields of an index's schema, found by name.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        let text_field = |name: &str| -> tantivy::Result<TextField> {
            Ok(TextField {
                stored: f(name)?,
                grams: f(&format!("{name}_grams"))?,
            })
        };
        Ok(Fields {
            kind: f("kind")?,
            article_id: f("article_id")?,
            path: f("path")?,
            text: text_field("text")?,
            text_words: f("text_words")?,
            section: text_field("section")?,
            title: text_field("title")?,
            source: text_field("source")?,
            source_name: f("source_name")?,
            date: f("date")?,
            date_text: f("date_text")?,
            time: f("time")?,
            url: f("url")?,
            para: f("para")?,
            article_key: f("article_key")?,
            body_hash: f("body_hash")?,
            file_key: f("file_key")?,
            file_state: f("file_state")?,
        })
    }
}
