//! What an index holds: counts, sources, date span, size and analyzer configuration.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::analysis::AnalyzerConfig;
use crate::dates::from_datetime;
use crate::error::Result;
use crate::index::config::IndexConfig;
use crate::index::schema::{KIND_ARTICLE, KIND_FILE, KIND_PASSAGE};
use crate::index::view::IndexView;

/// Passages and articles of one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCount {
    /// The source, or `""` for articles without one.
    pub source: String,
    /// Its articles.
    pub articles: usize,
    /// Their passages.
    pub passages: usize,
}

/// Everything `gonghui stats` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Articles indexed.
    pub articles: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Files recorded for incremental indexing.
    pub files: usize,
    /// Sources by number of articles, most first; articles without a source are under "".
    pub sources: Vec<SourceCount>,
    /// Earliest article date, when any article has one.
    pub date_from: Option<String>,
    /// Latest article date, when any article has one.
    pub date_to: Option<String>,
    /// Groups of articles that are reprints of each other.
    pub reprint_groups: usize,
    /// The articles in those groups.
    pub reprinted_articles: usize,
    /// Size on disk.
    pub index_bytes: u64,
    /// The index layout's version.
    pub index_format: u32,
    /// The gonghui version that made the index.
    pub created_by: String,
    /// How its text was analysed.
    pub analyzer: AnalyzerConfig,
}

/// What `view` holds; `config` and `index_bytes` are what the index records of itself and
/// its size on disk.
pub(crate) fn collect(view: &IndexView, config: &IndexConfig, index_bytes: u64) -> Result<Stats> {
    let counts = view.counts()?;
    // Articles carry the source and date; passages count towards their article's source.
    let mut source_of: HashMap<u64, String> = HashMap::new();
    let mut by_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut dates: Option<(tantivy::DateTime, tantivy::DateTime)> = None;
    let mut source = String::new();
    view.for_each_of_kind(KIND_ARTICLE, |segment, doc| {
        segment.source_name(doc, &mut source);
        by_source.entry(source.clone()).or_default().0 += 1;
        if let Some(key) = segment.article_key(doc) {
            source_of.insert(key, source.clone());
        }
        if let Some(date) = segment.date(doc) {
            dates = Some(match dates {
                None => (date, date),
                Some((lo, hi)) => (lo.min(date), hi.max(date)),
            });
        }
    })?;
    view.for_each_of_kind(KIND_PASSAGE, |segment, doc| {
        let key = segment.article_key(doc);
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
    let reprints = crate::reprints::groups(view)?;
    Ok(Stats {
        articles: counts.articles,
        passages: counts.passages,
        files: view.count_of_kind(KIND_FILE)?,
        sources,
        date_from: dates.map(|(lo, _)| from_datetime(lo)),
        date_to: dates.map(|(_, hi)| from_datetime(hi)),
        reprint_groups: reprints.groups,
        reprinted_articles: reprints.articles,
        index_bytes,
        index_format: config.format,
        created_by: config.created_by.clone(),
        analyzer: config.analyzer.clone(),
    })
}
