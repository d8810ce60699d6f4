//! Query → hits: running a query against the index and collecting ranked passages.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, RangeQuery};
use tantivy::schema::Value;
use tantivy::{DateTime, DocAddress, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::highlight::{self, Span};
use crate::index::Index;
use crate::index::schema::Fields;
use crate::query::build::{Compiled, Highlights, compile};
use crate::query::synonyms::Synonyms;
use crate::rank::{self, Candidate, Explanation};
use crate::reprints::{Finder, Reprint};

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (see [`crate::rank`]).
    #[default]
    Score,
    /// Oldest first.
    Date,
    /// Newest first.
    DateDesc,
}

/// How to search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Hits to return; 0 returns every match.
    pub limit: usize,
    /// Hits to skip first, for paging.
    pub offset: usize,
    /// At most this many passages per article, articles ordered by their best passage.
    pub per_article: Option<usize>,
    pub sort: Sort,
    /// Only articles dated on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only articles dated on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Give each hit the parts of its score.
    pub explain: bool,
    /// The synonym groups terms are expanded to (the shipped ones by default); `None` searches
    /// every term only as typed.
    pub synonyms: Option<Arc<Synonyms>>,
    /// One story, one result: leave out the passages of an article that is a reprint of a
    /// better-ranked one (see [`crate::reprints`]).
    pub collapse_reprints: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            per_article: None,
            sort: Sort::Score,
            from: None,
            to: None,
            explain: false,
            synonyms: Some(Synonyms::shipped()),
            collapse_reprints: true,
        }
    }
}

/// The article a passage belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleInfo {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub url: String,
    pub path: String,
    /// The other copies of the article, oldest first.
    pub reprints: Vec<Reprint>,
}

/// A passage as found.
#[derive(Debug, Clone, Serialize)]
pub struct PassageInfo {
    /// Paragraph number in the article, from 1.
    pub para: u64,
    /// 0 for a whole paragraph; from 1, the part of a paragraph split for its length.
    #[serde(skip_serializing_if = "is_zero")]
    pub part: u64,
    pub section: String,
    pub text: String,
}

/// One ranked passage with its highlights.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Rank from 1, counting from the first match (paging does not restart it).
    pub rank: usize,
    pub score: f32,
    pub article: ArticleInfo,
    pub passage: PassageInfo,
    /// Character spans of the matches in `passage.text`.
    pub highlights: Vec<Span>,
    /// Character spans of the matches in `passage.section`.
    pub section_highlights: Vec<Span>,
    /// Character spans of the matches in `article.title`.
    pub title_highlights: Vec<Span>,
    /// The parts of the score, when asked for.
    pub explain: Option<Explanation>,
}

/// The result of a search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// Exact number of matching passages.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub elapsed: Duration,
    /// The terms expanded to their synonyms, as typed, with the synonyms searched too.
    pub expanded: BTreeMap<String, Vec<String>>,
}

pub(crate) fn parse_day(text: &str, flag: &str) -> Result<DateTime> {
    crate::articles::parse_date(text)
        .and_then(|(day, _)| crate::dates::to_datetime(&day))
        .ok_or_else(|| Error::Usage(format!("{flag} {text}: not a date such as 2021-11-03")))
}

impl Index {
    /// The query with the options' date filters, and what to highlight.
    pub(crate) fn compile(
        &self,
        query: &str,
        options: &SearchOptions,
        searcher: &Searcher,
    ) -> Result<Compiled> {
        let fields = self.fields();
        let node = crate::query::parse(query)?;
        let mut compiled = compile(
            &node,
            fields,
            self.dictionary(),
            options.synonyms.as_deref(),
            searcher,
        )?;
        let from = options
            .from
            .as_deref()
            .map(|d| parse_day(d, "--from"))
            .transpose()?;
        let to = options
            .to
            .as_deref()
            .map(|d| parse_day(d, "--to"))
            .transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(Error::Usage(format!(
                "--from {} is after --to {}",
                options.from.as_deref().unwrap_or_default(),
                options.to.as_deref().unwrap_or_default()
            )));
        }
        if from.is_some() || to.is_some() {
            let bound = |day: Option<DateTime>| match day {
                Some(day) => Bound::Included(Term::from_field_date(fields.date, day)),
                None => Bound::Unbounded,
            };
            let range = RangeQuery::new(bound(from), bound(to));
            compiled.query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, compiled.query),
                (Occur::Must, Box::new(range)),
            ]));
        }
        Ok(compiled)
    }

    /// Searches the index. See [`crate::query`] for the query syntax.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.searcher();
        let compiled = self.compile(query, options, &searcher)?;
        let mut reprints = Finder::new(&searcher, self.fields());
        let ranked = if options.collapse_reprints {
            let best_bm25 = std::cell::Cell::new(0.0);
            let (total, docs) = reprints.rank_collapsed(options, |options| {
                let ranked = rank(&searcher, &compiled, options)?;
                best_bm25.set(ranked.best_bm25);
                Ok((ranked.total, ranked.docs))
            })?;
            Ranked {
                total,
                docs,
                best_bm25: best_bm25.get(),
            }
        } else {
            rank(&searcher, &compiled, options)?
        };
        let mut hits = Vec::with_capacity(ranked.docs.len());
        for (i, candidate) in ranked.docs.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(candidate.address)?;
            let rank = options.offset.saturating_add(i + 1);
            let mut hit = hit(
                &doc,
                self.fields(),
                rank,
                candidate.score,
                &compiled.highlights,
            );
            if options.explain {
                hit.explain = Some(rank::explain(&candidate.features, ranked.best_bm25));
            }
            hit.article.reprints = reprints.reprints_of(candidate.address)?;
            hits.push(hit);
        }
        Ok(SearchResults {
            total: ranked.total,
            hits,
            elapsed: started.elapsed(),
            expanded: compiled.expanded,
        })
    }

    /// Counts the passages that match, without ranking or reading them.
    pub fn count(&self, query: &str, options: &SearchOptions) -> Result<usize> {
        let searcher = self.searcher();
        let compiled = self.compile(query, options, &searcher)?;
        Ok(searcher.search(compiled.query.as_ref(), &Count)?)
    }
}

struct Ranked {
    total: usize,
    docs: Vec<Candidate>,
    best_bm25: f32,
}

fn rank(searcher: &Searcher, compiled: &Compiled, options: &SearchOptions) -> Result<Ranked> {
    let mut docs = rank::collect(searcher, compiled.query.as_ref(), &compiled.signals)?;
    let total = docs.len();
    let best_bm25 = rank::best_bm25(&docs);
    let by_score =
        |a: &Candidate, b: &Candidate| b.score.total_cmp(&a.score).then(a.address.cmp(&b.address));
    let (offset, limit) = (options.offset.min(total), options.limit.min(total));
    let wanted = offset + limit;
    if options.sort == Sort::Score && options.per_article.is_none() && limit > 0 && wanted < total {
        // Only the first page needs ordering.
        docs.select_nth_unstable_by(wanted, by_score);
        docs.truncate(wanted);
    }
    docs.sort_unstable_by(by_score);
    if options.sort != Sort::Score {
        let dates = fast_values(
            searcher,
            &docs,
            |reader| reader.fast_fields().date("date").ok(),
            |column, doc| column.first(doc),
        );
        let key = |c: &Candidate| dates.get(&c.address).copied();
        // Stable sorts: passages of the same day keep their order by score.
        match options.sort {
            Sort::Date => docs.sort_by_key(|c| (key(c).is_none(), key(c))),
            Sort::DateDesc => docs.sort_by_key(|c| std::cmp::Reverse(key(c))),
            Sort::Score => {}
        }
    }
    if let Some(per_article) = options.per_article {
        let mut groups: Vec<Vec<Candidate>> = Vec::new();
        let mut group_of: HashMap<u64, usize> = HashMap::new();
        for candidate in docs {
            let group = *group_of.entry(candidate.article).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            if groups[group].len() < per_article {
                groups[group].push(candidate);
            }
        }
        docs = groups.into_iter().flatten().collect();
    }
    let end = if limit == 0 {
        docs.len()
    } else {
        wanted.min(docs.len())
    };
    docs.truncate(end);
    docs.drain(..offset.min(end));
    Ok(Ranked {
        total,
        docs,
        best_bm25,
    })
}

/// A fast-field value for each of `docs`, opening the column once per segment.
fn fast_values<C, T>(
    searcher: &Searcher,
    docs: &[Candidate],
    column: impl Fn(&tantivy::SegmentReader) -> Option<C>,
    value: impl Fn(&C, u32) -> Option<T>,
) -> HashMap<DocAddress, T> {
    let mut columns: HashMap<u32, Option<C>> = HashMap::new();
    docs.iter()
        .filter_map(|candidate| {
            let address = candidate.address;
            let column = columns
                .entry(address.segment_ord)
                .or_insert_with(|| column(searcher.segment_reader(address.segment_ord)))
                .as_ref()?;
            value(column, address.doc_id).map(|v| (address, v))
        })
        .collect()
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn hit(doc: &TantivyDocument, f: &Fields, rank: usize, score: f32, needles: &Highlights) -> Hit {
    let text = text_of(doc, f.text.stored);
    let continuation = text_of(doc, f.continuation);
    let section = text_of(doc, f.section.stored);
    let title = text_of(doc, f.title.stored);
    Hit {
        rank,
        score,
        highlights: highlight::spans_continued(&text, &continuation, &needles.text),
        section_highlights: highlight::spans(&section, &needles.text),
        title_highlights: highlight::spans(&title, &needles.title),
        explain: None,
        article: ArticleInfo {
            id: text_of(doc, f.article_id),
            title,
            source: text_of(doc, f.source.stored),
            date: text_of(doc, f.date_text),
            url: text_of(doc, f.url),
            path: text_of(doc, f.path_text),
            reprints: Vec::new(),
        },
        passage: PassageInfo {
            para: doc.get_first(f.para).and_then(|v| v.as_u64()).unwrap_or(0),
            part: doc.get_first(f.part).and_then(|v| v.as_u64()).unwrap_or(0),
            section,
            text,
        },
    }
}
