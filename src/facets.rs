//! Facets: how the passages matching a query spread over years and sources.
//!
//! Counts are over every matching passage, not a page of hits, read from fast fields: the
//! passage's `date`, and its article's source through `article_key` (the source is a fast
//! field of the article document only, so a map from article key to source is built once per
//! view of the index and kept while the index does not change).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DateTime, DocId, Opstamp, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::dates::from_datetime;
use crate::error::Result;
use crate::index::Index;
use crate::index::schema::KIND_ARTICLE;
use crate::search::SearchOptions;

/// Matching passages with one value of a facet. The key `""` counts the passages without a
/// date (years) or without a source (sources), so that the counts of a facet sum to the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub key: String,
    pub count: usize,
}

/// Matching passages by year (oldest first, undated last) and by source (most first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub years: Vec<FacetCount>,
    pub sources: Vec<FacetCount>,
}

/// Which source each article has, for one view of the index.
struct Sources {
    /// The segments (and their deletes) the map was built from.
    segments: BTreeMap<SegmentId, Option<Opstamp>>,
    /// Article key → index into `names`.
    of_article: HashMap<u64, u32>,
    names: Vec<String>,
}

impl Sources {
    fn build(index: &Index, searcher: &Searcher) -> Result<Sources> {
        let mut sources = Sources {
            segments: searcher.generation().segments().clone(),
            of_article: HashMap::new(),
            names: Vec::new(),
        };
        let mut number: HashMap<String, u32> = HashMap::new();
        let mut name = String::new();
        crate::stats::for_each_of_kind(index, searcher, KIND_ARTICLE, |reader, doc| {
            let fast = reader.fast_fields();
            name.clear();
            if let Ok(Some(column)) = fast.str("source_name")
                && let Some(ord) = column.term_ords(doc).next()
            {
                let _ = column.ord_to_str(ord, &mut name);
            }
            let Some(key) = fast.u64("article_key").ok().and_then(|c| c.first(doc)) else {
                return;
            };
            let next = number.len() as u32;
            let id = *number.entry(name.clone()).or_insert_with(|| {
                sources.names.push(name.clone());
                next
            });
            sources.of_article.insert(key, id);
        })?;
        Ok(sources)
    }
}

/// Counts facets, keeping the article → source map between calls while the index is unchanged.
#[derive(Default)]
pub struct FacetCounter {
    sources: Mutex<Option<Arc<Sources>>>,
}

impl FacetCounter {
    pub fn new() -> Self {
        Self::default()
    }

    fn sources(&self, index: &Index, searcher: &Searcher) -> Result<Arc<Sources>> {
        let current = searcher.generation().segments();
        if let Some(sources) = self
            .sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            && &sources.segments == current
        {
            return Ok(Arc::clone(sources));
        }
        // Built outside the lock: concurrent first searches may build it twice, none waits.
        let sources = Arc::new(Sources::build(index, searcher)?);
        *self.sources.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&sources));
        Ok(sources)
    }

    /// Counts the passages matching `query` with the date filters of `options` (its paging and
    /// sorting do not matter) by year and by source.
    pub fn count(&self, index: &Index, query: &str, options: &SearchOptions) -> Result<Facets> {
        let searcher = index.searcher();
        let compiled = index.compile(query, options, &searcher)?;
        let sources = self.sources(index, &searcher)?;
        let collector = FacetCollector {
            sources: Arc::clone(&sources),
        };
        let tally = searcher.search(compiled.query.as_ref(), &collector)?;
        Ok(tally.facets(&sources.names))
    }
}

/// Raw counts: by date value and by source number.
#[derive(Default)]
struct Tally {
    by_date: HashMap<Option<DateTime>, usize>,
    by_source: HashMap<Option<u32>, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        for (date, n) in other.by_date {
            *self.by_date.entry(date).or_default() += n;
        }
        for (source, n) in other.by_source {
            *self.by_source.entry(source).or_default() += n;
        }
    }

    fn facets(&self, names: &[String]) -> Facets {
        let mut years: BTreeMap<String, usize> = BTreeMap::new();
        for (date, n) in &self.by_date {
            let year = date.map(|d| from_datetime(d)[..4].to_string());
            *years.entry(year.unwrap_or_default()).or_default() += n;
        }
        let mut years: Vec<FacetCount> = years
            .into_iter()
            .map(|(key, count)| FacetCount { key, count })
            .collect();
        // Undated passages last, after the timeline.
        years.sort_by_key(|f| f.key.is_empty());
        let mut sources: HashMap<&str, usize> = HashMap::new();
        for (source, n) in &self.by_source {
            let name = source.and_then(|s| names.get(s as usize));
            *sources.entry(name.map_or("", String::as_str)).or_default() += n;
        }
        let mut sources: Vec<FacetCount> = sources
            .into_iter()
            .map(|(key, count)| FacetCount {
                key: key.to_string(),
                count,
            })
            .collect();
        sources.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        Facets { years, sources }
    }
}

struct FacetCollector {
    sources: Arc<Sources>,
}

struct SegmentFacets {
    dates: Option<Column<DateTime>>,
    articles: Option<Column<u64>>,
    sources: Arc<Sources>,
    tally: Tally,
}

impl Collector for FacetCollector {
    type Fruit = Tally;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        Ok(SegmentFacets {
            dates: fast.date("date").ok(),
            articles: fast.u64("article_key").ok(),
            sources: Arc::clone(&self.sources),
            tally: Tally::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut total = Tally::default();
        for fruit in fruits {
            total.add(fruit);
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        let date = self.dates.as_ref().and_then(|c| c.first(doc));
        *self.tally.by_date.entry(date).or_default() += 1;
        let article = self.articles.as_ref().and_then(|c| c.first(doc));
        let source = article.and_then(|key| self.sources.of_article.get(&key).copied());
        *self.tally.by_source.entry(source).or_default() += 1;
    }

    fn harvest(self) -> Tally {
        self.tally
    }
}
