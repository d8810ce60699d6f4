//! `gonghui.Index` (open, search, count, facets, trend, kwic, collocates, stats, analyze,
//! reprints) and
//! `gonghui.index` (build or update an index), over the library's [`gonghui::Index`].

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use gonghui::printer::JsonCollocates;
use gonghui::{
    CollocateOptions, ConcordanceOptions, IndexOptions, LineSort, Period, SearchOptions, ShardStep,
    Sort, Synonyms, Unit, shard_answer,
};
use pyo3::prelude::*;

use crate::errors::{raised, usage};
use crate::hits::{HitIter, Results, to_python};

/// How a search runs, from Python's keyword arguments.
struct Search {
    limit: usize,
    offset: usize,
    sort: String,
    date_from: Option<String>,
    date_to: Option<String>,
    per_article: Option<usize>,
    collapse: bool,
    explain: bool,
    exact: bool,
    synonyms: Option<PathBuf>,
}

impl Search {
    fn options(self) -> PyResult<SearchOptions> {
        let sort: Sort = self
            .sort
            .parse()
            .map_err(|names| usage(format!("sort={:?}: {names}", self.sort)))?;
        if self.per_article == Some(0) {
            return Err(usage(
                "per_article=0: give at least 1, or None for no limit",
            ));
        }
        let synonyms = match (self.synonyms, self.exact) {
            (_, true) => None,
            (Some(file), false) => Some(Arc::new(Synonyms::shipped_and(&file).map_err(raised)?)),
            (None, false) => Some(Synonyms::shipped()),
        };
        Ok(SearchOptions {
            limit: self.limit,
            offset: self.offset,
            per_article: self.per_article,
            sort,
            from: self.date_from,
            to: self.date_to,
            explain: self.explain,
            synonyms,
            collapse_reprints: self.collapse,
            statistics: None,
        })
    }
}

/// An open gonghui index. `Index.open(path)` (or `Index(path)`) opens it; every search
/// releases the GIL, so threads search at once.
#[pyclass(module = "gonghui", frozen)]
pub struct Index {
    index: Arc<gonghui::Index>,
}

#[pymethods]
impl Index {
    #[new]
    #[pyo3(signature = (path, ranked_cache=0))]
    fn new(py: Python<'_>, path: PathBuf, ranked_cache: usize) -> PyResult<Index> {
        let index = py.detach(|| gonghui::Index::open(&path)).map_err(raised)?;
        Ok(Index {
            index: Arc::new(index.with_ranked_cache(ranked_cache)),
        })
    }

    /// Opens the index in the folder `path` (raises `IndexNotFound` when there is none).
    /// ranked_cache: keep the ranked matches of recent searches, up to this many matches, so
    /// that the same search again (another page, another order) does not rank them again,
    /// as `gonghui serve` does; 0 keeps none.
    #[staticmethod]
    #[pyo3(signature = (path, ranked_cache=0))]
    fn open(py: Python<'_>, path: PathBuf, ranked_cache: usize) -> PyResult<Index> {
        Index::new(py, path, ranked_cache)
    }

    /// The index's folder.
    #[getter]
    fn path(&self) -> PathBuf {
        self.index.dir().to_path_buf()
    }

    /// Whether the index was opened from a folder that cannot be written.
    #[getter]
    fn read_only(&self) -> bool {
        self.index.is_read_only()
    }

    /// Ranked passages for `query` (the syntax of `gonghui search`: terms, OR, -term,
    /// "phrase", title:, source: and author:), one page of them, as a `Results` of `Hit`s.
    ///
    /// limit: hits to return (0: every match); offset: hits to skip first (paging).
    /// sort: "score" (best first), "date" (oldest first) or "-date" (newest first).
    /// date_from, date_to: only articles dated on or after / on or before a day, "YYYY-MM-DD".
    /// per_article: at most this many passages per article, articles by their best passage.
    /// collapse: False shows every copy of a reprinted story (True: the best-ranked copy,
    /// with the others in `hit.article.reprints`).
    /// explain: give each hit the parts of its score (`hit.explain`).
    /// exact: search every term only as typed, without synonyms.
    /// synonyms: a file of synonym groups (one a line) to expand besides the shipped ones.
    ///
    /// Raises QueryError for a query that is not valid syntax, UsageError for a bad argument,
    /// IndexDamaged when a file of the index is damaged.
    #[pyo3(signature = (query, limit=10, offset=0, sort="score", date_from=None, date_to=None, per_article=None, collapse=true, explain=false, exact=false, synonyms=None))]
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        py: Python<'_>,
        query: &str,
        limit: usize,
        offset: usize,
        sort: &str,
        date_from: Option<String>,
        date_to: Option<String>,
        per_article: Option<usize>,
        collapse: bool,
        explain: bool,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<Results> {
        let mut hits = self.search_iter(
            py,
            query,
            limit,
            offset,
            sort,
            date_from,
            date_to,
            per_article,
            collapse,
            explain,
            exact,
            synonyms,
        )?;
        let results = py.detach(|| hits.collect()).map_err(raised)?;
        Results::new(py, query, results)
    }

    /// Every hit of `query` (with `limit=0`, the default) as an iterator that reads them as
    /// they are taken.
    #[pyo3(signature = (query, limit=0, offset=0, sort="score", date_from=None, date_to=None, per_article=None, collapse=true, explain=false, exact=false, synonyms=None))]
    #[allow(clippy::too_many_arguments)]
    fn search_iter(
        &self,
        py: Python<'_>,
        query: &str,
        limit: usize,
        offset: usize,
        sort: &str,
        date_from: Option<String>,
        date_to: Option<String>,
        per_article: Option<usize>,
        collapse: bool,
        explain: bool,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<HitIter> {
        let options = Search {
            limit,
            offset,
            sort: sort.to_string(),
            date_from,
            date_to,
            per_article,
            collapse,
            explain,
            exact,
            synonyms,
        }
        .options()?;
        let index = &self.index;
        let hits = py
            .detach(|| index.search_hits(query, &options))
            .map_err(raised)?;
        Ok(HitIter::new(query, hits))
    }

    /// The number of passages that match `query`, without ranking or reading them.
    #[pyo3(signature = (query, date_from=None, date_to=None, exact=false, synonyms=None))]
    fn count(
        &self,
        py: Python<'_>,
        query: &str,
        date_from: Option<String>,
        date_to: Option<String>,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<usize> {
        let options = filters(date_from, date_to, exact, synonyms)?;
        let index = &self.index;
        py.detach(|| index.count(query, &options)).map_err(raised)
    }

    /// The passages that match `query` counted by year and by source, as the `facets` of
    /// `gonghui search --json --facets`: `{"years": [{"key", "count"}…], "sources": […]}`.
    #[pyo3(signature = (query, date_from=None, date_to=None, exact=false, synonyms=None))]
    fn facets<'py>(
        &self,
        py: Python<'py>,
        query: &str,
        date_from: Option<String>,
        date_to: Option<String>,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = filters(date_from, date_to, exact, synonyms)?;
        let index = &self.index;
        let facets = py
            .detach(|| {
                let hits = index.search_hits(query, &options)?;
                index.facets(&hits)
            })
            .map_err(raised)?;
        to_python(py, &facets)
    }

    /// Each of `terms` (queries) counted per year or month, beside the archive's totals and
    /// the rate per 10,000, as `gonghui trend --json` gives it: `{"by", "per", "periods",
    /// "totals", "undated", "series": [{"query", "counts", "rates", "total", …}]}`.
    ///
    /// by: "year" or "month"; per: "passages" (matching passages against the archive's) or
    /// "articles" (articles with a matching passage against the archive's articles).
    #[pyo3(signature = (terms, by="year", per="passages", date_from=None, date_to=None, exact=false, synonyms=None))]
    #[allow(clippy::too_many_arguments)]
    fn trend<'py>(
        &self,
        py: Python<'py>,
        terms: Vec<String>,
        by: &str,
        per: &str,
        date_from: Option<String>,
        date_to: Option<String>,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let by: Period = by
            .parse()
            .map_err(|names| usage(format!("by={by:?}: {names}")))?;
        let per: Unit = per
            .parse()
            .map_err(|names| usage(format!("per={per:?}: {names}")))?;
        let options = filters(date_from, date_to, exact, synonyms)?;
        let index = &self.index;
        let trend = py
            .detach(|| index.trend(&terms, by, per, &options))
            .map_err(raised)?;
        to_python(py, &trend)
    }

    /// Every occurrence of `query` in the matching passages in its context, as a list of the
    /// dicts `gonghui kwic --json` writes: `{"left", "match", "right", "offset", "para",
    /// "part", "article": {…}}`.
    ///
    /// width: characters of context on each side; sort: "date" (oldest first), "score",
    /// "left" or "right" (by the context on that side, read away from the match); limit:
    /// lines to give (0: all).
    #[pyo3(signature = (query, width=20, sort="date", limit=0, date_from=None, date_to=None, exact=false, synonyms=None))]
    #[allow(clippy::too_many_arguments)]
    fn kwic<'py>(
        &self,
        py: Python<'py>,
        query: &str,
        width: usize,
        sort: &str,
        limit: usize,
        date_from: Option<String>,
        date_to: Option<String>,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sort: LineSort = sort
            .parse()
            .map_err(|names| usage(format!("sort={sort:?}: {names}")))?;
        let options = ConcordanceOptions {
            width,
            sort,
            limit,
            search: filters(date_from, date_to, exact, synonyms)?,
        };
        let index = &self.index;
        let lines = py
            .detach(|| {
                index
                    .concordance(query, &options)?
                    .collect::<gonghui::Result<Vec<_>>>()
            })
            .map_err(raised)?;
        to_python(py, &lines)
    }

    /// The words near the matches of `query` more often than expected, ranked by
    /// log-likelihood, as `gonghui collocates --json` gives them: `{"query", "window",
    /// "lists": [{"period", "matching", "passages", "collocates": [{"word", "tag", "score",
    /// "passages", "near", "frequency"}]}]}`.
    ///
    /// window: characters on each side of a match; pos: keep words whose jieba tag starts so
    /// ("nr" people, "ns" places, "nt" organisations); by_year: one list per year; limit:
    /// collocates per list.
    #[pyo3(signature = (query, window=10, pos=None, by_year=false, limit=20, min_chars=2, min_passages=2, date_from=None, date_to=None, exact=false, synonyms=None))]
    #[allow(clippy::too_many_arguments)]
    fn collocates<'py>(
        &self,
        py: Python<'py>,
        query: &str,
        window: usize,
        pos: Option<String>,
        by_year: bool,
        limit: usize,
        min_chars: usize,
        min_passages: u64,
        date_from: Option<String>,
        date_to: Option<String>,
        exact: bool,
        synonyms: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = CollocateOptions {
            window,
            pos,
            by_year,
            limit,
            min_chars,
            min_passages,
            search: filters(date_from, date_to, exact, synonyms)?,
        };
        let index = &self.index;
        let lists = py
            .detach(|| index.collocates(query, &options))
            .map_err(raised)?;
        let answer = JsonCollocates {
            query,
            window,
            lists: &lists,
        };
        to_python(py, &answer)
    }

    /// What the index holds, as `gonghui stats --json` gives it.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let index = &self.index;
        let stats = py.detach(|| index.stats()).map_err(raised)?;
        to_python(py, &stats)
    }

    /// What analysis makes of `text`, as `gonghui analyze --json` gives it: its normalised
    /// form, query words, the grams they are looked up as, synonyms, index words and grams.
    #[pyo3(signature = (text, synonyms=None))]
    fn analyze<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        synonyms: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let groups = match synonyms {
            Some(file) => Arc::new(Synonyms::shipped_and(&file).map_err(raised)?),
            None => Synonyms::shipped(),
        };
        to_python(py, &self.index.analyze(text, &groups))
    }

    /// The other copies of the article with this id, oldest first, as dicts (`id`, `source`,
    /// `date`, `title`).
    fn reprints<'py>(&self, py: Python<'py>, article_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let index = &self.index;
        let reprints = py.detach(|| index.reprints(article_id)).map_err(raised)?;
        to_python(py, &reprints)
    }

    /// The tokens of each indexed text field, by field name (a shard's manifest records them).
    fn token_totals(&self, py: Python<'_>) -> PyResult<BTreeMap<String, u64>> {
        let index = &self.index;
        py.detach(|| index.token_totals()).map_err(raised)
    }

    /// This index's answer, as one shard of a collection, to a request of `/api/search`
    /// (`query_string`: `q=…&limit=…`), at one step of a search over shards (README, "Beyond
    /// one machine"): `(status, json_text)`, the body `{"error": …}` for a request
    /// `gonghui serve` refuses, with its status and words.
    ///
    /// step: "statistics" (the shard's figures for the query, the dates of its filters and
    /// the page asked for), "best_bm25" (the best BM25 of its matches scored with
    /// `statistics`, the collection's figures as JSON text), "rank" (its first `depth`
    /// matches scored with `statistics` and its `best_bm25`, unread, with the shard's summary
    /// and facets) or "fetch" (the hits of `entries`, JSON text of `[{"doc", "score",
    /// "rank"}…]` from "rank" entries, as `/api/search` writes them).
    #[pyo3(signature = (step, query_string, statistics=None, depth=10, entries=None))]
    fn shard_answer(
        &self,
        py: Python<'_>,
        step: &str,
        query_string: &str,
        statistics: Option<&str>,
        depth: usize,
        entries: Option<&str>,
    ) -> PyResult<(u16, String)> {
        let figures = || -> PyResult<gonghui::Statistics> {
            let text =
                statistics.ok_or_else(|| usage(format!("step {step:?} needs statistics")))?;
            serde_json::from_str(text).map_err(|e| usage(format!("statistics: {e}")))
        };
        let step = match step {
            "statistics" => ShardStep::Statistics,
            "best_bm25" => ShardStep::BestBm25(figures()?),
            "rank" => ShardStep::Rank {
                statistics: figures()?,
                depth,
            },
            "fetch" => {
                let text = entries.ok_or_else(|| usage("step \"fetch\" needs entries"))?;
                ShardStep::Fetch(
                    serde_json::from_str(text).map_err(|e| usage(format!("entries: {e}")))?,
                )
            }
            other => {
                return Err(usage(format!(
                    "step={other:?}: give \"statistics\", \"best_bm25\", \"rank\" or \"fetch\""
                )));
            }
        };
        let index = &self.index;
        let (status, body) = py.detach(|| shard_answer(index, query_string, step));
        Ok((status, String::from_utf8(body).expect("JSON is UTF-8")))
    }

    /// Sees what indexing runs committed since the index was opened or last reloaded.
    fn reload(&self, py: Python<'_>) -> PyResult<()> {
        let index = &self.index;
        py.detach(|| index.reload()).map_err(raised)
    }

    fn __repr__(&self) -> String {
        format!("Index({:?})", self.index.dir().display().to_string())
    }
}

/// The options of counting: filters, no page.
fn filters(
    date_from: Option<String>,
    date_to: Option<String>,
    exact: bool,
    synonyms: Option<PathBuf>,
) -> PyResult<SearchOptions> {
    Search {
        limit: 0,
        offset: 0,
        sort: Sort::Score.name().to_string(),
        date_from,
        date_to,
        per_article: None,
        collapse: true,
        explain: false,
        exact,
        synonyms,
    }
    .options()
}

/// What an indexing run did, as `gonghui index --json` reports it.
#[pyclass(module = "gonghui", frozen, get_all)]
pub struct IndexReport {
    /// Articles added by this run.
    articles: usize,
    /// Passages added by this run.
    passages: usize,
    /// Files read.
    files_read: usize,
    /// Files found unchanged since the last run.
    files_unchanged: usize,
    /// Files changed since the last run, whose passages were replaced.
    files_replaced: usize,
    /// Files gone, whose passages were removed (`prune=True`).
    files_pruned: usize,
    /// What could not be read, with why: `(place, reason)`, the place `FILE` or `FILE:LINE`.
    skipped: Vec<(String, String)>,
    /// Articles in the index after the run.
    total_articles: usize,
    /// Passages in the index after the run.
    total_passages: usize,
    /// Seconds the run took.
    seconds: f64,
    /// The index's size on disk after the run, in bytes.
    index_bytes: u64,
}

#[pymethods]
impl IndexReport {
    fn __repr__(&self) -> String {
        format!(
            "IndexReport(articles={}, passages={}, skipped={}, total_articles={}, total_passages={})",
            self.articles,
            self.passages,
            self.skipped.len(),
            self.total_articles,
            self.total_passages
        )
    }
}

impl From<gonghui::IndexReport> for IndexReport {
    fn from(report: gonghui::IndexReport) -> Self {
        IndexReport {
            articles: report.articles,
            passages: report.passages,
            files_read: report.files_read,
            files_unchanged: report.files_unchanged,
            files_replaced: report.files_replaced,
            files_pruned: report.files_pruned,
            skipped: report
                .skipped
                .into_iter()
                .map(|s| (s.place, s.reason))
                .collect(),
            total_articles: report.total_articles,
            total_passages: report.total_passages,
            seconds: report.seconds,
            index_bytes: report.index_bytes,
        }
    }
}

/// The paths given: one path, or a list of them.
fn paths_of(paths: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if let Ok(path) = paths.extract::<PathBuf>() {
        return Ok(vec![path]);
    }
    let mut all = Vec::new();
    for path in paths.try_iter()? {
        all.push(path?.extract::<PathBuf>()?);
    }
    Ok(all)
}

/// Indexes article pages (`.txt`), JSON Lines (`.jsonl`, `.jsonl.zst`, `.jsonl.gz`) and
/// folders of them into the index folder `index`, as `gonghui index` does: a new index, or
/// what changed since the last run added (`rebuild=True` starts over, `prune=True` removes
/// the passages of files that are gone, `dict` a user dictionary for a new index, `threads`
/// 0 for one per core, `only` the ids of the articles to index when not all: a shard's share
/// from `plan_shards`).
#[pyfunction]
#[pyo3(signature = (paths, index="index".into(), rebuild=false, prune=false, dict=None, threads=0, only=None))]
#[allow(clippy::too_many_arguments)]
pub fn index(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    index: PathBuf,
    rebuild: bool,
    prune: bool,
    dict: Option<PathBuf>,
    threads: usize,
    only: Option<&Bound<'_, PyAny>>,
) -> PyResult<IndexReport> {
    let paths = paths_of(paths)?;
    let only = match only {
        Some(ids) => {
            let mut set = HashSet::new();
            for id in ids.try_iter()? {
                set.insert(id?.extract::<String>()?);
            }
            Some(set)
        }
        None => None,
    };
    let options = IndexOptions {
        rebuild,
        prune,
        user_dict: dict,
        threads,
        only: only.map(Arc::new),
        ..IndexOptions::default()
    };
    let report = py
        .detach(|| gonghui::index_paths(&index, &paths, &options))
        .map_err(raised)?;
    Ok(report.into())
}

/// What could not be read: `(place, reason)`.
type Problems = Vec<(String, String)>;

/// Shares the stories of the articles under `paths` among `shards` shards, every copy of a
/// story in one shard (README, "Beyond one machine"): the article ids of each shard, for
/// `index(paths, only=…)`, and what could not be read, as `IndexReport.skipped` lists it
/// (`(place, reason)`). by: "story" (by a hash of the story) or "date" (by ranges of days).
/// Temporary files go to `work_dir` (the system's by default).
#[pyfunction]
#[pyo3(signature = (paths, shards, by="story", work_dir=None))]
pub fn plan_shards(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    shards: usize,
    by: &str,
    work_dir: Option<PathBuf>,
) -> PyResult<(Vec<Vec<String>>, Problems)> {
    let paths = paths_of(paths)?;
    let by: gonghui::ShardBy = by
        .parse()
        .map_err(|names| usage(format!("by={by:?}: {names}")))?;
    let work_dir = work_dir.unwrap_or_else(std::env::temp_dir);
    let plan = py
        .detach(|| gonghui::plan_shards(&paths, shards, by, &work_dir))
        .map_err(raised)?;
    let skipped = plan
        .skipped
        .into_iter()
        .map(|s| (s.place, s.reason))
        .collect();
    let shares = plan
        .shards
        .into_iter()
        .map(|share| share.articles)
        .collect();
    Ok((shares, skipped))
}
