//! One view of the index for every reader: the segments of one searcher, each with typed
//! accessors for the columns that ranking, ordering, facets, statistics and reprints read.
//!
//! A view is opened once per search (or statistics run) and shared by every step of it; a
//! segment's columns are opened on first use and kept for the rest of the view, so a reader
//! never looks a column up by its name (the names are [`super::schema::column`]'s).

use std::sync::{Arc, OnceLock};

use tantivy::collector::Count;
use tantivy::columnar::{BytesColumn, Column, StrColumn};
use tantivy::fastfield::FastFieldReaders;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{EnableScoring, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DateTime, DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term,
};

use super::schema::{ArticleKeys, Fields, column, shape_parts};
use crate::error::Result;

/// The segments of one searcher, with their columns.
#[derive(Clone)]
pub(crate) struct IndexView {
    searcher: Searcher,
    fields: Fields,
    segments: Arc<[SegmentView]>,
}

/// Articles and passages in an index.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Articles indexed (every copy of a reprinted story).
    pub articles: usize,
    /// Passages indexed: paragraphs, and parts of long ones.
    pub passages: usize,
}

impl IndexView {
    pub(crate) fn new(searcher: Searcher, fields: Fields) -> IndexView {
        let segments = searcher
            .segment_readers()
            .iter()
            .zip(0..)
            .map(|(reader, ord)| SegmentView::new(reader.clone(), ord, fields.text.grams))
            .collect();
        IndexView {
            searcher,
            fields,
            segments,
        }
    }

    pub(crate) fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The segments, numbered as the searcher numbers them (`DocAddress::segment_ord`).
    pub(crate) fn segments(&self) -> &[SegmentView] {
        &self.segments
    }

    fn segment(&self, address: DocAddress) -> &SegmentView {
        &self.segments[address.segment_ord as usize]
    }

    /// The stored document at `address`.
    pub(crate) fn doc(&self, address: DocAddress) -> Result<TantivyDocument> {
        Ok(self.searcher.doc(address)?)
    }

    /// The date of the article of the document at `address`.
    pub(crate) fn date(&self, address: DocAddress) -> Option<DateTime> {
        self.segment(address).date(address.doc_id)
    }

    /// The word bounds of the passage at `address`, into `bounds`.
    pub(crate) fn word_bounds(&self, address: DocAddress, bounds: &mut Vec<u64>) {
        self.segment(address).word_bounds(address.doc_id, bounds);
    }

    /// The key and story of the article of the document at `address`.
    pub(crate) fn article_key_and_story(&self, address: DocAddress) -> Option<(u64, u64)> {
        let segment = self.segment(address);
        Some((
            segment.article_key(address.doc_id)?,
            segment.story(address.doc_id)?,
        ))
    }

    /// The document of the article of the document at `address`.
    pub(crate) fn article_of(&self, address: DocAddress) -> DocAddress {
        let doc = self.segment(address).article_doc(address.doc_id);
        DocAddress::new(address.segment_ord, doc)
    }

    /// The documents of a kind ([`super::schema::KIND_ARTICLE`]…).
    fn of_kind(&self, kind: &str) -> TermQuery {
        TermQuery::new(
            Term::from_field_text(self.fields.kind, kind),
            IndexRecordOption::Basic,
        )
    }

    /// Live documents of a kind.
    pub(crate) fn count_of_kind(&self, kind: &str) -> Result<usize> {
        Ok(self.searcher.search(&self.of_kind(kind), &Count)?)
    }

    /// Articles and passages.
    pub(crate) fn counts(&self) -> Result<Counts> {
        Ok(Counts {
            articles: self.count_of_kind(super::schema::KIND_ARTICLE)?,
            passages: self.count_of_kind(super::schema::KIND_PASSAGE)?,
        })
    }

    /// Calls `f` with each live document of a kind, segment by segment in index order.
    pub(crate) fn for_each_of_kind(
        &self,
        kind: &str,
        f: impl FnMut(&SegmentView, DocId),
    ) -> Result<()> {
        self.for_each_match(&self.of_kind(kind), f)
    }

    /// Calls `f` with each live document that `query` matches, in index order, unscored.
    pub(crate) fn for_each_match(
        &self,
        query: &dyn Query,
        mut f: impl FnMut(&SegmentView, DocId),
    ) -> Result<()> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        for segment in self.segments.iter() {
            weight.for_each_no_score(&segment.reader, &mut |docs| {
                for &doc in docs.iter().filter(|&&doc| segment.is_alive(doc)) {
                    f(segment, doc);
                }
            })?;
        }
        Ok(())
    }

    /// The live documents holding a term, in index order.
    pub(crate) fn docs_with(&self, term: &Term) -> Result<Vec<DocAddress>> {
        let mut found = Vec::new();
        for segment in self.segments.iter() {
            let inverted = segment.reader.inverted_index(term.field())?;
            let read = inverted.read_postings(term, IndexRecordOption::Basic);
            let Some(mut postings) = read.map_err(tantivy::TantivyError::from)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if segment.is_alive(doc) {
                    found.push(segment.address(doc));
                }
                doc = postings.advance();
            }
        }
        Ok(found)
    }

    /// Adds the documents that `articles` finds to `docs`.
    pub(crate) fn add_docs(&self, articles: &dyn Query, docs: &mut DocSets) -> Result<()> {
        docs.0.resize_with(self.segments.len(), Vec::new);
        self.for_each_match(articles, |segment, doc| {
            let bits = &mut docs.0[segment.ord as usize];
            let word = doc as usize / 64;
            if bits.len() <= word {
                bits.resize(word + 1, 0);
            }
            bits[word] |= 1 << (doc % 64);
        })
    }

    /// The keys of the articles that `articles` finds.
    pub(crate) fn article_keys(&self, articles: &dyn Query) -> Result<ArticleKeys> {
        let mut keys = ArticleKeys::default();
        self.for_each_match(articles, |segment, doc| {
            keys.extend(segment.article_key(doc));
        })?;
        Ok(keys)
    }
}

/// Documents of a view, a bit per document of each segment: a look-up that stays in the
/// cache, where a set of article keys is a random probe.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocSets(Vec<Vec<u64>>);

impl DocSets {
    /// Whether `doc` of the segment `ord` is in.
    pub(crate) fn contains(&self, ord: u32, doc: DocId) -> bool {
        let bits = self.0.get(ord as usize).map_or(&[][..], Vec::as_slice);
        bits.get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }
}

/// One segment and its columns, each opened on first use. A column the segment lacks (no
/// document of it has the field) reads as no value for every document.
pub(crate) struct SegmentView {
    reader: SegmentReader,
    /// The segment's number in the view.
    ord: u32,
    /// The passage text's grams, whose lengths BM25 reads.
    text_grams: Field,
    lengths: OnceLock<Option<FieldNormReader>>,
    dates: OnceLock<Option<Column<DateTime>>>,
    shapes: OnceLock<Option<Column<u64>>>,
    word_bounds: OnceLock<Option<Column<u64>>>,
    article_back: OnceLock<Option<Column<u64>>>,
    own_keys: OnceLock<Option<Column<u64>>>,
    stories: OnceLock<Option<Column<u64>>>,
    source_names: OnceLock<Option<StrColumn>>,
    signatures: OnceLock<Option<BytesColumn>>,
}

/// A `u64` or date column of the segment, or `None` when it has none.
fn opened<T>(fast: &FastFieldReaders, name: &str) -> Option<Column<T>>
where
    T: tantivy::columnar::HasAssociatedColumnType,
    tantivy::columnar::DynamicColumn: Into<Option<Column<T>>>,
{
    fast.column_opt(name).ok().flatten()
}

impl SegmentView {
    fn new(reader: SegmentReader, ord: u32, text_grams: Field) -> SegmentView {
        SegmentView {
            reader,
            ord,
            text_grams,
            lengths: OnceLock::new(),
            dates: OnceLock::new(),
            shapes: OnceLock::new(),
            word_bounds: OnceLock::new(),
            article_back: OnceLock::new(),
            own_keys: OnceLock::new(),
            stories: OnceLock::new(),
            source_names: OnceLock::new(),
            signatures: OnceLock::new(),
        }
    }

    /// tantivy's reader of the segment, for its postings.
    pub(crate) fn reader(&self) -> &SegmentReader {
        &self.reader
    }

    fn fast(&self) -> &FastFieldReaders {
        self.reader.fast_fields()
    }

    fn u64_column<'c>(
        &self,
        cell: &'c OnceLock<Option<Column<u64>>>,
        name: &str,
    ) -> Option<&'c Column<u64>> {
        cell.get_or_init(|| opened(self.fast(), name)).as_ref()
    }

    /// The segment's number in the view.
    pub(crate) fn ord(&self) -> u32 {
        self.ord
    }

    /// The address of a document of the segment.
    pub(crate) fn address(&self, doc: DocId) -> DocAddress {
        DocAddress::new(self.ord, doc)
    }

    /// Whether `doc` is not deleted.
    pub(crate) fn is_alive(&self, doc: DocId) -> bool {
        self.reader.alive_bitset().is_none_or(|a| a.is_alive(doc))
    }

    /// The date of the article of `doc` (passages carry it too).
    pub(crate) fn date(&self, doc: DocId) -> Option<DateTime> {
        let dates = self.dates.get_or_init(|| opened(self.fast(), column::DATE));
        dates.as_ref()?.first(doc)
    }

    /// A passage's length in characters and its enumeration marks (0 and 0 for other
    /// documents).
    pub(crate) fn shape(&self, doc: DocId) -> (u32, u32) {
        let shapes = self.u64_column(&self.shapes, column::SHAPE);
        shape_parts(shapes.and_then(|c| c.first(doc)).unwrap_or_default())
    }

    /// The length of a passage's text in grams (as tantivy keeps it for BM25: exact up to
    /// 40, then within a few percent).
    pub(crate) fn text_length(&self, doc: DocId) -> u32 {
        let lengths = self.lengths.get_or_init(|| {
            let read = self.reader.get_fieldnorms_reader(self.text_grams);
            read.ok()
        });
        lengths.as_ref().map_or(0, |l| l.fieldnorm(doc))
    }

    /// A passage's word bounds (see [`crate::analysis::words`]), into `bounds`.
    pub(crate) fn word_bounds(&self, doc: DocId, bounds: &mut Vec<u64>) {
        bounds.clear();
        if let Some(column) = self.u64_column(&self.word_bounds, column::WORD_BOUNDS) {
            bounds.extend(column.values_for_doc(doc));
        }
    }

    /// The document of the article of `doc` (`doc` itself for an article): a passage stores
    /// how far back its article's document is, in the same segment.
    pub(crate) fn article_doc(&self, doc: DocId) -> DocId {
        let back = self.u64_column(&self.article_back, column::ARTICLE_BACK);
        let back = back.and_then(|c| c.first(doc)).unwrap_or(0);
        doc.saturating_sub(u32::try_from(back).unwrap_or(u32::MAX))
    }

    /// The key of the article of `doc`.
    pub(crate) fn article_key(&self, doc: DocId) -> Option<u64> {
        self.own_key(self.article_doc(doc))
    }

    /// The key of the article whose document is `article_doc`.
    pub(crate) fn own_key(&self, article_doc: DocId) -> Option<u64> {
        let keys = self.u64_column(&self.own_keys, column::OWN_KEY)?;
        keys.first(article_doc)
    }

    /// The story of the article of `doc`.
    pub(crate) fn story(&self, doc: DocId) -> Option<u64> {
        let stories = self.u64_column(&self.stories, column::STORY)?;
        stories.first(self.article_doc(doc))
    }

    /// The source of an article document, into `name` (empty when it has none).
    pub(crate) fn source_name(&self, doc: DocId, name: &mut String) {
        name.clear();
        let names = self
            .source_names
            .get_or_init(|| self.fast().str(column::SOURCE_NAME).ok().flatten());
        if let Some(names) = names
            && let Some(ord) = names.term_ords(doc).next()
        {
            // An ordinal read from the column is in its dictionary.
            let _ = names.ord_to_str(ord, name);
        }
    }

    /// The reprint signature of an article document, into `bytes`; false when it has none.
    pub(crate) fn signature(&self, doc: DocId, bytes: &mut Vec<u8>) -> Result<bool> {
        bytes.clear();
        let signatures = self
            .signatures
            .get_or_init(|| self.fast().bytes(column::REPRINT_SIGNATURE).ok().flatten());
        let Some(column) = signatures else {
            return Ok(false);
        };
        let Some(ord) = column.term_ords(doc).next() else {
            return Ok(false);
        };
        column
            .ord_to_bytes(ord, bytes)
            .map_err(tantivy::TantivyError::from)?;
        Ok(true)
    }
}

/// The text of a stored field of a document, or `""`.
pub(crate) fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The number in a stored field of a document, or 0.
pub(crate) fn stored_u64(doc: &TantivyDocument, field: Field) -> u64 {
    doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0)
}

/// What an article's document stores of it.
pub(crate) struct StoredArticle {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) source: String,
    pub(crate) date: String,
    pub(crate) url: String,
    pub(crate) author: String,
    pub(crate) page: String,
    pub(crate) path: String,
}

impl StoredArticle {
    /// The metadata of the article document `doc`.
    pub(crate) fn of(doc: &TantivyDocument, fields: &Fields) -> StoredArticle {
        StoredArticle {
            id: stored_text(doc, fields.article_id),
            title: stored_text(doc, fields.title.stored),
            source: stored_text(doc, fields.source.stored),
            date: stored_text(doc, fields.date_text),
            url: stored_text(doc, fields.url),
            author: stored_text(doc, fields.author.stored),
            page: stored_text(doc, fields.page),
            path: stored_text(doc, fields.path_text),
        }
    }
}
