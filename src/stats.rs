//! What an index holds: counts, sources, date span, size and analyzer configuration.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Term};

use crate::analysis::AnalyzerConfig;
use crate::dates::from_datetime;
use crate::error::Result;
use crate::index::Index;
use crate::index::schema::KIND_FILE;
use crate::query::build::all_passages;

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
    pub index_bytes: u64,
    pub index_format: u32,
    pub created_by: String,
    pub analyzer: AnalyzerConfig,
}

/// Calls `f` with each live passage document of every segment.
fn for_each_passage(
    index: &Index,
    mut f: impl FnMut(&tantivy::SegmentReader, DocId),
) -> Result<()> {
    let searcher = index.searcher();
    let passages = all_passages(index.fields());
    let weight = passages.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        &searcher,
    ))?;
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
    let passages = index
        .searcher()
        .search(all_passages(index.fields()).as_ref(), &Count)?;
    let mut articles = HashSet::new();
    for_each_passage(index, |reader, doc| {
        if let Some(key) = reader
            .fast_fields()
            .u64("article_key")
            .ok()
            .and_then(|c| c.first(doc))
        {
            articles.insert(key);
        }
    })?;
    Ok(Counts {
        articles: articles.len(),
        passages,
    })
}

impl Index {
    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        let counts = counts(self)?;
        let mut by_source: BTreeMap<String, (HashSet<u64>, usize)> = BTreeMap::new();
        let mut dates: Option<(tantivy::DateTime, tantivy::DateTime)> = None;
        for_each_passage(self, |reader, doc| {
            let fast = reader.fast_fields();
            let mut source = String::new();
            if let Ok(Some(column)) = fast.str("source_name")
                && let Some(ord) = column.term_ords(doc).next()
            {
                let _ = column.ord_to_str(ord, &mut source);
            }
            let entry = by_source.entry(source).or_default();
            entry.1 += 1;
            if let Some(key) = fast.u64("article_key").ok().and_then(|c| c.first(doc)) {
                entry.0.insert(key);
            }
            if let Some(date) = fast.date("date").ok().and_then(|c| c.first(doc)) {
                dates = Some(match dates {
                    None => (date, date),
                    Some((lo, hi)) => (lo.min(date), hi.max(date)),
                });
            }
        })?;
        let mut sources: Vec<SourceCount> = by_source
            .into_iter()
            .map(|(source, (articles, passages))| SourceCount {
                source,
                articles: articles.len(),
                passages,
            })
            .collect();
        sources.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.source.cmp(&b.source)));
        let files = self.searcher().search(
            &TermQuery::new(
                Term::from_field_text(self.fields().kind, KIND_FILE),
                IndexRecordOption::Basic,
            ),
            &Count,
        )?;
        Ok(Stats {
            articles: counts.articles,
            passages: counts.passages,
            files,
            sources,
            date_from: dates.map(|(lo, _)| from_datetime(lo)),
            date_to: dates.map(|(_, hi)| from_datetime(hi)),
            index_bytes: self.size_on_disk(),
            index_format: self.config().format,
            created_by: self.config().created_by.clone(),
            analyzer: self.config().analyzer.clone(),
        })
    }
}
