//! What an index holds: counts, sources, date span, size and analyzer configuration.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Searcher, Term};

use crate::analysis::AnalyzerConfig;
use crate::dates::from_datetime;
use crate::error::Result;
use crate::index::Index;
use crate::index::schema::{ArticleColumns, KIND_ARTICLE, KIND_FILE, KIND_PASSAGE, own_keys};

/// Articles and passages in an index.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub articles: usize,
    pub passages: usize,
}

/// Passages and articles of one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCount {
    pub source: String,
    pub articles: usize,
    pub passages: usize,
}

/// Everything `gonghui stats` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub articles: usize,
    pub passages: usize,
    /// Files recorded for incremental indexing.
    pub files: usize,
    /// Sources by number of articles, most first; articles without a source are under "".
    pub sources: Vec<SourceCount>,
    /// Earliest and latest article date, when any article has one.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Groups of articles that are reprints of each other, and the articles in them.
    pub reprint_groups: usize,
    pub reprinted_articles: usize,
    pub index_bytes: u64,
    pub index_format: u32,
    pub created_by: String,
    pub analyzer: AnalyzerConfig,
}

fn kind(index: &Index, kind: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(index.fields().kind, kind),
        IndexRecordOption::Basic,
    )
}

/// Calls `f` with each live document of a kind, in every segment of `searcher`.
pub(crate) fn for_each_of_kind(
    index: &Index,
    searcher: &Searcher,
    kind_name: &str,
    mut f: impl FnMut(&tantivy::SegmentReader, DocId),
) -> Result<()> {
    let weight = kind(index, kind_name).weight(EnableScoring::disabled_from_searcher(searcher))?;
    for reader in searcher.segment_readers() {
        weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                f(reader, doc);
            }
        })?;
    }
    Ok(())
}

/// Counts the articles and passages of an index.
pub fn counts(index: &Index) -> Result<Counts> {
    let searcher = index.searcher();
    Ok(Counts {
        articles: searcher.search(&kind(index, KIND_ARTICLE), &Count)?,
        passages: searcher.search(&kind(index, KIND_PASSAGE), &Count)?,
    })
}

impl Index {
    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        let counts = counts(self)?;
        // Articles carry the source and date; passages count towards their article's source.
        let mut source_of: HashMap<u64, String> = HashMap::new();
        let mut by_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut dates: Option<(tantivy::DateTime, tantivy::DateTime)> = None;
        let searcher = self.searcher();
        for_each_of_kind(self, &searcher, KIND_ARTICLE, |reader, doc| {
            let fast = reader.fast_fields();
            let mut source = String::new();
            if let Ok(Some(column)) = fast.str("source_name")
                && let Some(ord) = column.term_ords(doc).next()
            {
                let _ = column.ord_to_str(ord, &mut source);
            }
            by_source.entry(source.clone()).or_default().0 += 1;
            if let Some(key) = own_keys(reader).ok().and_then(|c| c.first(doc)) {
                source_of.insert(key, source);
            }
            if let Some(date) = fast.date("date").ok().and_then(|c| c.first(doc)) {
                dates = Some(match dates {
                    None => (date, date),
                    Some((lo, hi)) => (lo.min(date), hi.max(date)),
                });
            }
        })?;
        let mut articles: Option<(SegmentId, ArticleColumns)> = None;
        for_each_of_kind(self, &searcher, KIND_PASSAGE, |reader, doc| {
            if articles.as_ref().map(|(id, _)| *id) != Some(reader.segment_id()) {
                articles = ArticleColumns::open(reader)
                    .ok()
                    .map(|columns| (reader.segment_id(), columns));
            }
            let key = articles.as_ref().and_then(|(_, columns)| columns.key(doc));
            if let Some(source) = key.and_then(|key| source_of.get(&key)) {
                by_source.entry(source.clone()).or_default().1 += 1;
            }
        })?;
        let mut sources: Vec<SourceCount> = by_source
            .into_iter()
            .map(|(source, (articles, passages))| SourceCount {
                source,
                articles,
                passages,
            })
            .collect();
        sources.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.source.cmp(&b.source)));
        let files = self.searcher().search(&kind(self, KIND_FILE), &Count)?;
        let reprints = self.reprint_groups()?;
        Ok(Stats {
            articles: counts.articles,
            passages: counts.passages,
            files,
            sources,
            date_from: dates.map(|(lo, _)| from_datetime(lo)),
            date_to: dates.map(|(_, hi)| from_datetime(hi)),
            reprint_groups: reprints.groups,
            reprinted_articles: reprints.articles,
            index_bytes: self.size_on_disk(),
            index_format: self.config().format,
            created_by: self.config().created_by.clone(),
            analyzer: self.config().analyzer.clone(),
        })
    }
}
