//! An article → its documents: the article's own (metadata, title and source grams, reprint
//! signature, story) and one per passage (text grams, word bounds, heading, shape), written as
//! one batch so that the passages follow their article in one segment.

use tantivy::indexer::UserOperation;
use tantivy::{DateTime, TantivyDocument};
use tantivy_jieba::jieba_rs::Jieba;

use super::schema::{Fields, KIND_ARTICLE, KIND_PASSAGE, TextField, shape_value};
use crate::analysis::words::word_bounds;
use crate::analysis::{normalize, shape};
use crate::articles::Article;
use crate::passages::Passage;

/// An article as indexed: what is computed of it before its documents are made.
pub(super) struct Indexed<'a> {
    pub(super) article: &'a Article,
    /// The article's key ([`super::schema::article_key`]) and story.
    pub(super) key: u64,
    pub(super) story: u64,
    pub(super) date: Option<DateTime>,
    /// The stored form of its reprint signature, when its body has one.
    pub(super) signature: Option<Vec<u8>>,
}

impl Indexed<'_> {
    /// The article's document, then its passages' (`texts`: each passage normalised).
    pub(super) fn batch(
        &self,
        fields: &Fields,
        jieba: &Jieba,
        texts: Vec<String>,
    ) -> Vec<UserOperation> {
        let passages = &self.article.passages;
        let mut batch = Vec::with_capacity(passages.len() + 1);
        batch.push(UserOperation::Add(self.article_doc(fields)));
        let continuations = crate::passages::continuations(passages);
        for (((passage, text), continuation), back) in
            passages.iter().zip(texts).zip(continuations).zip(1u64..)
        {
            let doc = self.passage_doc(fields, jieba, passage, text, continuation, back);
            batch.push(UserOperation::Add(doc));
        }
        batch
    }

    /// A document of `kind` with the keys every document of the article has.
    fn keyed(&self, fields: &Fields, kind: &str) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.kind, kind);
        doc.add_u64(fields.article_key, self.key);
        doc.add_text(fields.path, &self.article.path);
        if let Some(date) = self.date {
            doc.add_date(fields.date, date);
        }
        doc
    }

    /// The article's document: its metadata, its title, source and author indexed once.
    fn article_doc(&self, f: &Fields) -> TantivyDocument {
        let article = self.article;
        let mut doc = self.keyed(f, KIND_ARTICLE);
        doc.add_u64(f.own_key, self.key);
        doc.add_u64(f.story, self.story);
        doc.add_text(f.article_id, &article.id);
        doc.add_text(f.title.stored, &article.title);
        doc.add_text(f.source.stored, &article.source);
        doc.add_text(f.date_text, &article.date);
        doc.add_text(f.time, &article.time);
        doc.add_text(f.url, &article.url);
        doc.add_text(f.author.stored, &article.author);
        doc.add_text(f.page, &article.page);
        doc.add_text(f.path_text, &article.path);
        add_grams(&mut doc, &f.title, normalize(&article.title));
        if !article.source.is_empty() {
            doc.add_text(f.source.grams, normalize(&article.source));
            doc.add_text(f.source_name, &article.source);
        }
        if !article.author.is_empty() {
            doc.add_text(f.author.grams, normalize(&article.author));
        }
        doc.add_u64(f.shape, 0);
        if let Some(bytes) = &self.signature {
            doc.add_bytes(f.reprint_signature, bytes);
        }
        doc
    }

    /// A passage's document; `text` is the passage normalised, `continuation` the start of
    /// the next part (indexed with this one), `back` how many documents back its article is.
    fn passage_doc(
        &self,
        f: &Fields,
        jieba: &Jieba,
        passage: &Passage,
        mut text: String,
        continuation: &str,
        back: u64,
    ) -> TantivyDocument {
        let mut doc = self.keyed(f, KIND_PASSAGE);
        doc.add_u64(f.article_back, back);
        doc.add_text(f.text.stored, &passage.text);
        if !continuation.is_empty() {
            doc.add_text(f.continuation, continuation);
            text.push_str(&normalize(continuation));
        }
        for bits in word_bounds(jieba, &text) {
            doc.add_u64(f.word_bounds, bits);
        }
        add_grams(&mut doc, &f.text, text);
        if !passage.section.is_empty() {
            doc.add_text(f.section.stored, &passage.section);
            doc.add_text(f.section.grams, normalize(&passage.section));
        }
        doc.add_u64(f.para, passage.para as u64);
        if passage.part > 0 {
            doc.add_u64(f.part, passage.part as u64);
        }
        let shape = shape_value(
            shape::chars(&passage.text),
            shape::list_marks(&passage.text),
        );
        doc.add_u64(f.shape, shape);
        doc
    }
}

/// A normalised text as the grams of `field`, and as its pairs where it has them.
fn add_grams(doc: &mut TantivyDocument, field: &TextField, normalized: String) {
    if let Some(pairs) = field.pairs {
        doc.add_text(pairs, normalized.clone());
    }
    doc.add_text(field.grams, normalized);
}
