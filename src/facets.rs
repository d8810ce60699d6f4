//! Facets: how the passages matching a query spread over years and sources.
//!
//! Counts are over every matching passage, not a page of hits, read from fast fields: the
//! passage's `date`, and its article's source through `article_key` (the source is a fast
//! field of the article document only, so a map from article key to source is built once per
//! view of the index and kept while the index does not change).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DateTime, DocId, Opstamp, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::dates::{Days, year_of};
use crate::error::Result;
use crate::index::Index;
use crate::index::schema::KIND_ARTICLE;
use crate::search::Hits;

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
    of_article: FxHashMap<u64, u32>,
    names: Vec<String>,
}

impl Sources {
    fn build(index: &Index, searcher: &Searcher) -> Result<Sources> {
        let mut sources = Sources {
            segments: searcher.generation().segments().clone(),
            of_article: FxHashMap::default(),
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

    /// Builds what counting needs for the index as it is now, so that no search waits for it.
    pub fn prepare(&self, index: &Index) -> Result<()> {
        self.sources(index, &index.searcher()).map(|_| ())
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

    /// Counts the passages matching a search by year and by source (all of them, not only
    /// the hits taken).
    pub fn count(&self, index: &Index, hits: &Hits) -> Result<Facets> {
        let (searcher, query, days) = hits.matches();
        let sources = self.sources(index, searcher)?;
        let collector = FacetCollector {
            sources: Arc::clone(&sources),
            days,
        };
        let tally = searcher.search(query, &collector)?;
        Ok(tally.facets(&sources.names))
    }
}

/// Counts of keys that come in runs: the matching passages of an article are neighbours and
/// share its date and key, so a hash map is touched once per run rather than per passage.
struct Runs<K> {
    last: Option<K>,
    run: usize,
    counts: FxHashMap<K, usize>,
}

impl<K: Copy + Eq + Hash> Runs<K> {
    fn new() -> Self {
        Runs {
            last: None,
            run: 0,
            counts: FxHashMap::default(),
        }
    }

    fn add(&mut self, key: K) {
        if self.last == Some(key) {
            self.run += 1;
        } else {
            self.flush();
            self.last = Some(key);
            self.run = 1;
        }
    }

    fn flush(&mut self) {
        if let Some(key) = self.last {
            *self.counts.entry(key).or_default() += self.run;
        }
    }

    fn finish(mut self) -> FxHashMap<K, usize> {
        self.flush();
        self.counts
    }
}

/// Raw counts: by year and by source number (`None`: undated, no source).
#[derive(Default)]
struct Tally {
    by_year: FxHashMap<Option<i64>, usize>,
    by_source: FxHashMap<Option<u32>, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        for (year, n) in other.by_year {
            *self.by_year.entry(year).or_default() += n;
        }
        for (source, n) in other.by_source {
            *self.by_source.entry(source).or_default() += n;
        }
    }

    fn facets(&self, names: &[String]) -> Facets {
        let mut years: Vec<(Option<i64>, usize)> =
            self.by_year.iter().map(|(&y, &n)| (y, n)).collect();
        // Oldest first, undated last.
        years.sort_by_key(|&(year, _)| (year.is_none(), year));
        let years = years
            .into_iter()
            .map(|(year, count)| FacetCount {
                key: year.map(|y| format!("{y:04}")).unwrap_or_default(),
                count,
            })
            .collect();
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
    days: Days,
}

struct SegmentFacets {
    days: Days,
    dates: Option<Column<DateTime>>,
    articles: Option<Column<u64>>,
    sources: Arc<Sources>,
    /// Values of a block of documents, read together.
    date_values: Vec<Option<DateTime>>,
    article_values: Vec<Option<u64>>,
    by_date: Runs<Option<DateTime>>,
    by_article: Runs<Option<u64>>,
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
            days: self.days,
            date_values: Vec::new(),
            article_values: Vec::new(),
            by_date: Runs::new(),
            by_article: Runs::new(),
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

/// The first values of `docs` in `column` (none without the column).
fn first_values<T>(column: Option<&Column<T>>, docs: &[DocId], out: &mut Vec<Option<T>>)
where
    T: PartialOrd + Copy + Send + Sync + std::fmt::Debug + 'static,
{
    out.clear();
    out.resize(docs.len(), None);
    if let Some(column) = column {
        column.first_vals(docs, out);
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        first_values(self.dates.as_ref(), docs, &mut self.date_values);
        first_values(self.articles.as_ref(), docs, &mut self.article_values);
        let values = self.date_values.iter().zip(&self.article_values);
        for (&date, &article) in values {
            if self.days.contain(date) {
                self.by_date.add(date);
                self.by_article.add(article);
            }
        }
    }

    fn harvest(self) -> Tally {
        let mut tally = Tally::default();
        for (date, n) in self.by_date.finish() {
            *tally.by_year.entry(date.map(year_of)).or_default() += n;
        }
        for (article, n) in self.by_article.finish() {
            let source = article.and_then(|key| self.sources.of_article.get(&key).copied());
            *tally.by_source.entry(source).or_default() += n;
        }
        tally
    }
}
