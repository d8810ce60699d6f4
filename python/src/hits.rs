//! Hits as Python objects: [`Hit`] (with its [`Article`] and their [`Reprint`]s), the
//! [`Results`] of one page, and [`HitIter`], every match streamed.

use std::collections::BTreeMap;

use gonghui::printer::{JsonHit, JsonSummary};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::errors::raised;
use crate::html;

/// Any serialisable value as `json.loads` makes it of the JSON the command line writes:
/// equal to what a script reads from `--json`, floats and lists alike.
pub fn to_python<'py>(
    py: Python<'py>,
    value: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_string(value)
        .map_err(|e| crate::errors::InternalError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (json,))
}

/// An `f32` as the float its JSON text parses to (128.60516, not 128.60516357421875), so that
/// a hit's score equals the score of its `to_dict()`.
fn as_written(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

/// Another copy of a story: an article that ran the same text.
#[pyclass(module = "gonghui", frozen, get_all)]
#[derive(Clone)]
pub struct Reprint {
    /// The article's id.
    id: String,
    /// Its source.
    source: String,
    /// Its date, `YYYY-MM-DD` (empty when undated).
    date: String,
    /// Its title.
    title: String,
}

#[pymethods]
impl Reprint {
    fn __repr__(&self) -> String {
        format!(
            "Reprint(id={:?}, source={:?}, date={:?})",
            self.id, self.source, self.date
        )
    }
}

/// The article a passage comes from.
#[pyclass(module = "gonghui", frozen, get_all)]
pub struct Article {
    /// The article's id (the record's `id`, or one made from the page's path).
    id: String,
    /// Its title.
    title: String,
    /// Its source (the paper or site).
    source: String,
    /// Its date, `YYYY-MM-DD` (empty when undated).
    date: String,
    /// Its URL (empty when unknown).
    url: String,
    /// Who wrote it, names separated by `, ` (empty when unknown).
    author: String,
    /// The newspaper page (版次) as stated, `3` or `第3版` (empty when unknown).
    page: String,
    /// The file it was read from.
    path: String,
    /// The other copies of the story, when reprints are collapsed.
    reprints: Vec<Reprint>,
}

#[pymethods]
impl Article {
    fn __repr__(&self) -> String {
        format!(
            "Article(id={:?}, title={:?}, source={:?}, date={:?})",
            self.id, self.title, self.source, self.date
        )
    }
}

/// One ranked passage, with its matches and the article it comes from.
///
/// `highlights` are `(start, end)` character offsets into `text`, as Python's `str` indexes
/// it: `hit.text[start:end]` is a match.
#[pyclass(module = "gonghui", frozen)]
pub struct Hit {
    hit: gonghui::Hit,
}

impl Hit {
    pub fn new(hit: gonghui::Hit) -> Hit {
        Hit { hit }
    }

    pub fn inner(&self) -> &gonghui::Hit {
        &self.hit
    }
}

#[pymethods]
impl Hit {
    /// Rank from 1, in the order asked for.
    #[getter]
    fn rank(&self) -> usize {
        self.hit.rank
    }

    /// The score (higher is better; `explain=True` gives its parts).
    #[getter]
    fn score(&self) -> f64 {
        as_written(self.hit.score)
    }

    /// The article the passage comes from.
    #[getter]
    fn article(&self) -> Article {
        let article = &self.hit.article;
        let reprints = article.reprints.iter().map(|r| Reprint {
            id: r.id.clone(),
            source: r.source.clone(),
            date: r.date.clone(),
            title: r.title.clone(),
        });
        Article {
            id: article.id.clone(),
            title: article.title.clone(),
            source: article.source.clone(),
            date: article.date.clone(),
            url: article.url.clone(),
            author: article.author.clone(),
            page: article.page.clone(),
            path: article.path.clone(),
            reprints: reprints.collect(),
        }
    }

    /// The paragraph's number in the article, from 1.
    #[getter]
    fn para(&self) -> u64 {
        self.hit.passage.para
    }

    /// The part of a long paragraph, from 1 (0 when the paragraph is whole).
    #[getter]
    fn part(&self) -> u64 {
        self.hit.passage.part
    }

    /// The section heading the paragraph stands under (empty when none).
    #[getter]
    fn section(&self) -> &str {
        &self.hit.passage.section
    }

    /// The passage's text.
    #[getter]
    fn text(&self) -> &str {
        &self.hit.passage.text
    }

    /// The matches in `text`: `(start, end)` character offsets.
    #[getter]
    fn highlights(&self) -> Vec<(usize, usize)> {
        self.hit.highlights.clone()
    }

    /// The matched strings, in order: `text[start:end]` for each highlight.
    #[getter]
    fn matches(&self) -> Vec<String> {
        html::spans_text(&self.hit.passage.text, &self.hit.highlights)
    }

    /// The parts of the score (`explain=True`), as `search --json --explain` gives them, or
    /// None.
    #[getter]
    fn explain<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let json = JsonHit::from(&self.hit);
        json.explain
            .map(|explain| to_python(py, &explain))
            .transpose()
    }

    /// The hit as the object of `gonghui search --json` (`"type": "hit"`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &JsonHit::from(&self.hit))
    }

    fn __repr__(&self) -> String {
        let text: String = self.hit.passage.text.chars().take(40).collect();
        format!(
            "Hit(rank={}, score={:.3}, article={:?}, para={}, text={:?})",
            self.hit.rank, self.hit.score, self.hit.article.title, self.hit.passage.para, text
        )
    }

    fn _repr_html_(&self) -> String {
        html::hit(&self.hit)
    }
}

/// One page of hits and the search's summary. A sequence of [`Hit`]s: `len(results)`,
/// `results[0]`, `for hit in results`.
#[pyclass(module = "gonghui", frozen)]
pub struct Results {
    query: String,
    hits: Py<PyList>,
    total: usize,
    expanded: BTreeMap<String, Vec<String>>,
    elapsed_ms: f64,
}

impl Results {
    pub fn new(py: Python<'_>, query: &str, results: gonghui::SearchResults) -> PyResult<Results> {
        let elapsed_ms = results.elapsed.as_secs_f64() * 1000.0;
        let hits = results.hits.into_iter().map(Hit::new);
        Ok(Results {
            query: query.to_string(),
            hits: PyList::new(
                py,
                hits.map(|hit| Py::new(py, hit))
                    .collect::<PyResult<Vec<_>>>()?,
            )?
            .unbind(),
            total: results.total,
            expanded: results.expanded,
            elapsed_ms,
        })
    }
}

#[pymethods]
impl Results {
    /// The query, as given.
    #[getter]
    fn query(&self) -> &str {
        &self.query
    }

    /// Exact number of matching passages (of every page).
    #[getter]
    fn total(&self) -> usize {
        self.total
    }

    /// The terms expanded to their synonyms: each term as typed, with the synonyms searched
    /// too.
    #[getter]
    fn expanded(&self) -> BTreeMap<String, Vec<String>> {
        self.expanded.clone()
    }

    /// Milliseconds the search took.
    #[getter]
    fn elapsed_ms(&self) -> f64 {
        self.elapsed_ms
    }

    /// The hits of this page, as a new list.
    #[getter]
    fn hits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.hits.bind(py).call_method0("copy")
    }

    /// The summary as `gonghui search --json` ends with it (`"type": "summary"`).
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let returned = self.hits.bind(py).len();
        let summary = gonghui::Summary {
            total: self.total,
            first_rank: 0,
            returned,
            elapsed: std::time::Duration::from_secs_f64(self.elapsed_ms / 1000.0),
            expanded: &self.expanded,
        };
        to_python(py, &JsonSummary::new(&self.query, summary, None))
    }

    /// The hits as a pandas DataFrame (pandas must be installed): `gonghui.to_pandas`.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("gonghui")?.getattr("to_pandas")?.call1((slf,))
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.hits.bind(py).len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.hits.bind(py).as_any().get_item(index)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.hits.bind(py).try_iter()?.into_any())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Results(query={:?}, total={}, hits={})",
            self.query,
            self.total,
            self.hits.bind(py).len()
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let hits = self.hits.bind(py);
        let mut page = Vec::with_capacity(hits.len());
        for hit in hits.iter() {
            page.push(hit.cast::<Hit>()?.get().hit.clone());
        }
        Ok(html::results(&self.query, self.total, &page))
    }
}

/// Every hit of a search, read from the index as they are taken: memory stays flat whatever
/// the number of matches. `total` and `expanded` are known before the first hit.
#[pyclass(module = "gonghui")]
pub struct HitIter {
    query: String,
    hits: gonghui::Hits,
}

impl HitIter {
    pub fn new(query: &str, hits: gonghui::Hits) -> HitIter {
        HitIter {
            query: query.to_string(),
            hits,
        }
    }

    /// Takes every hit left into a result, as `Index::search` does.
    pub fn collect(&mut self) -> gonghui::Result<gonghui::SearchResults> {
        self.hits.collect_results()
    }
}

#[pymethods]
impl HitIter {
    /// Exact number of matching passages.
    #[getter]
    fn total(&self) -> usize {
        self.hits.total
    }

    /// The terms expanded to their synonyms.
    #[getter]
    fn expanded(&self) -> BTreeMap<String, Vec<String>> {
        self.hits.expanded.clone()
    }

    /// The summary of the hits taken so far, as `gonghui search --json` ends with it.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &JsonSummary::new(&self.query, self.hits.summary(), None),
        )
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(mut slf: PyRefMut<'_, Self>, py: Python<'_>) -> PyResult<Option<Hit>> {
        let hits = &mut slf.hits;
        match py.detach(|| hits.next()) {
            Some(Ok(hit)) => Ok(Some(Hit::new(hit))),
            Some(Err(error)) => Err(raised(error)),
            None => Ok(None),
        }
    }

    fn __repr__(&self) -> String {
        format!("HitIter(query={:?}, total={})", self.query, self.hits.total)
    }
}
