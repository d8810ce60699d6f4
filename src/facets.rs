//! Facets: how the passages matching a query spread over years and sources.
//!
//! Counts are over every matching passage, not a page of hits: the matches the search ranked
//! already (the query is not run again), with the passage's `date` read from its fast field
//! and its article's source found through the article key (the source is a fast field of the
//! article document only, so a map from article key to source is built once per view of the
//! index and kept while the index does not change).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use serde::Serialize;
use tantivy::Opstamp;
use tantivy::index::SegmentId;

use crate::dates::year_of;
use crate::error::Result;
use crate::hits::Hits;
use crate::index::schema::KIND_ARTICLE;
use crate::index::view::IndexView;

/// Matching passages with one value of a facet. The key `""` counts the passages without a
/// date (years) or without a source (sources), so that the counts of a facet sum to the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The year (`2021`) or the source, or `""` for none.
    pub key: String,
    /// Matching passages with it.
    pub count: usize,
}

/// Matching passages by year (oldest first, undated last) and by source (most first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Oldest first, undated last.
    pub years: Vec<FacetCount>,
    /// Most first.
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
    fn build(view: &IndexView) -> Result<Sources> {
        let mut sources = Sources {
            segments: view.searcher().generation().segments().clone(),
            of_article: FxHashMap::default(),
            names: Vec::new(),
        };
        let mut number: HashMap<String, u32> = HashMap::new();
        let mut name = String::new();
        view.for_each_of_kind(KIND_ARTICLE, |segment, doc| {
            segment.source_name(doc, &mut name);
            let Some(key) = segment.article_key(doc) else {
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
pub(crate) struct FacetCounter {
    sources: Mutex<Option<Arc<Sources>>>,
}

impl FacetCounter {
    /// Builds what counting needs for `view`, so that no search on it waits for it.
    pub(crate) fn prepare(&self, view: &IndexView) -> Result<()> {
        self.sources(view).map(|_| ())
    }

    fn sources(&self, view: &IndexView) -> Result<Arc<Sources>> {
        let current = view.searcher().generation().segments();
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
        let sources = Arc::new(Sources::build(view)?);
        *self.sources.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&sources));
        Ok(sources)
    }

    /// Counts the passages matching a search by year and by source: all of them, not only
    /// the hits taken.
    pub(crate) fn count(&self, hits: &Hits) -> Result<Facets> {
        let (view, matches) = hits.matches();
        let sources = self.sources(view)?;
        let (mut by_date, mut by_article) = (Runs::new(), Runs::new());
        for entry in matches {
            by_date.add(view.date(entry.address));
            by_article.add(entry.article);
        }
        let mut tally = Tally::default();
        for (date, n) in by_date.finish() {
            *tally.by_year.entry(date.map(year_of)).or_default() += n;
        }
        for (article, n) in by_article.finish() {
            let source = sources.of_article.get(&article).copied();
            *tally.by_source.entry(source).or_default() += n;
        }
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
