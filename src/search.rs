//! Query → hits: running a query against the index and collecting ranked passages.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::Value;
use tantivy::{
    DateTime, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument,
};

use crate::dates::Days;
use crate::error::{Error, Result};
use crate::highlight::{self, Span};
use crate::index::Index;
use crate::index::schema::Fields;
use crate::order::{Entry, Order, PerArticle};
use crate::query::build::{Compiled, Highlights, compile};
use crate::query::synonyms::Synonyms;
use crate::rank::{self, Explanation};
use crate::reprints::{Finder, Reprint};
use crate::store::BulkStores;

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

/// What the summary of a search reports, once its hits are written.
#[derive(Debug, Clone, Copy)]
pub struct Summary<'a> {
    /// Exact number of matching passages.
    pub total: usize,
    /// Rank of the first hit returned.
    pub first_rank: usize,
    /// Hits returned.
    pub returned: usize,
    pub elapsed: Duration,
    pub expanded: &'a BTreeMap<String, Vec<String>>,
}

impl SearchResults {
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            total: self.total,
            first_rank: self.hits.first().map_or(0, |hit| hit.rank),
            returned: self.hits.len(),
            elapsed: self.elapsed,
            expanded: &self.expanded,
        }
    }
}

/// Hits read per batch: few first, so that the first hit comes at once, then more, up to a
/// bound that keeps memory flat whatever the number of hits.
const FIRST_BATCH: usize = 16;
const MAX_BATCH: usize = 16_384;

/// The hits of a search, in rank order, read from the index as they are taken.
///
/// Only the ranked addresses and scores are held. Documents are read a batch at a time in
/// index order, so that a store block holding several hits of a batch is decompressed once for
/// them rather than once per hit (reading every match of a frequent term in rank order
/// otherwise spends most of its time decompressing the same blocks again).
pub struct Hits {
    /// Exact number of matching passages.
    pub total: usize,
    /// The terms expanded to their synonyms, as typed, with the synonyms searched too.
    pub expanded: BTreeMap<String, Vec<String>>,
    searcher: Searcher,
    fields: Fields,
    highlights: Highlights,
    reprints: Finder,
    /// The matches not taken yet, and those taken in order but not yet looked at.
    order: Order,
    queue: VecDeque<Entry>,
    /// Entries to take from `order` next.
    chunk: usize,
    collapse_reprints: bool,
    per_article: Option<PerArticle>,
    /// Hits still to skip (the offset), and still to return (the limit, none for all).
    skip: usize,
    left: Option<usize>,
    first_rank: usize,
    returned: usize,
    ready: VecDeque<Hit>,
    batch: usize,
    /// Reads the documents of batches beyond the first.
    bulk: BulkStores,
    started: Instant,
}

impl Hits {
    /// Takes every hit (the page asked for) into a result.
    pub fn collect_results(&mut self) -> Result<SearchResults> {
        let hits = self.by_ref().collect::<Result<Vec<Hit>>>()?;
        Ok(SearchResults {
            total: self.total,
            hits,
            elapsed: self.started.elapsed(),
            expanded: std::mem::take(&mut self.expanded),
        })
    }

    /// The searcher and every match of the search (in index order until hits are taken), for
    /// counting facets.
    pub(crate) fn matches(&self) -> (&Searcher, &[Entry]) {
        (&self.searcher, self.order.all())
    }

    /// The summary of the hits taken so far.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            total: self.total,
            first_rank: if self.returned > 0 {
                self.first_rank
            } else {
                0
            },
            returned: self.returned,
            elapsed: self.started.elapsed(),
            expanded: &self.expanded,
        }
    }

    /// The next batch of hits: entries in order past the offset.
    fn next_batch(&mut self) -> Vec<Entry> {
        let size = self.left.map_or(self.batch, |left| left.min(self.batch));
        // Some entries may be skipped, collapsed or wait for their article: take more.
        self.chunk = self
            .skip
            .saturating_add(size)
            .saturating_mul(2)
            .saturating_add(10);
        let mut batch = Vec::with_capacity(size);
        while batch.len() < size {
            let Some(entry) = self.next_entry() else {
                break;
            };
            if self.skip > 0 {
                self.skip -= 1;
                continue;
            }
            batch.push(entry);
        }
        if let Some(left) = &mut self.left {
            *left -= batch.len();
        }
        batch
    }

    /// The next entry in the order of the hits: each story's first article, each article's
    /// passages after its best.
    fn next_entry(&mut self) -> Option<Entry> {
        while self.queue.is_empty() {
            let end = self.order.is_empty();
            let taken = self.order.take(self.chunk);
            self.chunk = self.chunk.saturating_mul(2);
            let reprints = &mut self.reprints;
            let kept = taken
                .into_iter()
                .filter(|entry| !self.collapse_reprints || reprints.first_of_story(entry.address));
            match &mut self.per_article {
                Some(grouping) => {
                    kept.for_each(|entry| grouping.push(entry));
                    self.queue.extend(grouping.ready(self.order.is_empty()));
                }
                None => self.queue.extend(kept),
            }
            if end {
                break;
            }
        }
        self.queue.pop_front()
    }

    /// A stored document: through tantivy's reader for the first hits, in bulk after them.
    fn doc(&mut self, address: DocAddress, first_batch: bool) -> Result<TantivyDocument> {
        if first_batch {
            Ok(self.searcher.doc(address)?)
        } else {
            self.bulk.doc(&self.searcher, address)
        }
    }

    /// Reads the next batch of hits into `ready`.
    fn read_batch(&mut self) -> Result<()> {
        let first = self.first_rank + self.returned + self.ready.len();
        let first_batch = self.batch == FIRST_BATCH;
        let mut batch: Vec<(usize, Entry)> = self.next_batch().into_iter().enumerate().collect();
        self.batch = (self.batch * 4).min(MAX_BATCH);
        batch.sort_unstable_by_key(|(_, entry)| entry.address);
        if !first_batch {
            self.reprints.read_in_bulk(&self.bulk);
        }
        let mut read: Vec<(usize, Hit)> = Vec::with_capacity(batch.len());
        // Hits are read in index order, where an article's passages follow its document.
        let mut article: Option<(DocAddress, TantivyDocument)> = None;
        for (position, entry) in batch {
            let address = entry.address;
            let doc = self.doc(address, first_batch)?;
            let article_address = self.reprints.article_of(address);
            if article.as_ref().map(|(at, _)| *at) != Some(article_address) {
                let article_doc = self.doc(article_address, first_batch)?;
                article = Some((article_address, article_doc));
            }
            let (_, article_doc) = article.as_ref().expect("the article was just read");
            let mut hit = hit(
                &doc,
                article_doc,
                &self.fields,
                first + position,
                entry.score,
                &self.highlights,
            );
            hit.explain = self.order.explain(&entry);
            hit.article.reprints = self.reprints.reprints_of(address)?;
            read.push((position, hit));
        }
        read.sort_unstable_by_key(|(position, _)| *position);
        self.ready.extend(read.into_iter().map(|(_, hit)| hit));
        Ok(())
    }
}

impl Iterator for Hits {
    type Item = Result<Hit>;

    fn next(&mut self) -> Option<Result<Hit>> {
        if self.ready.is_empty()
            && let Err(error) = self.read_batch()
        {
            // No hit after a failed read: the ranking would have a hole.
            self.left = Some(0);
            return Some(Err(error));
        }
        let hit = self.ready.pop_front()?;
        self.returned += 1;
        Some(Ok(hit))
    }
}

pub(crate) fn parse_day(text: &str, flag: &str) -> Result<DateTime> {
    crate::articles::parse_date(text)
        .and_then(|(day, _)| crate::dates::to_datetime(&day))
        .ok_or_else(|| Error::Usage(format!("{flag} {text}: not a date such as 2021-11-03")))
}

impl Index {
    /// The query, what to highlight, and the days of the options' date filters.
    pub(crate) fn compile(
        &self,
        query: &str,
        options: &SearchOptions,
        searcher: &Searcher,
    ) -> Result<(Compiled, Days)> {
        let node = crate::query::parse(query)?;
        let compiled = compile(
            &node,
            self.fields(),
            self.dictionary(),
            options.synonyms.as_deref(),
            searcher,
        )?;
        let day = |day: &Option<String>, flag| day.as_deref().map(|d| parse_day(d, flag));
        let days = Days {
            first: day(&options.from, "--from").transpose()?,
            last: day(&options.to, "--to").transpose()?,
        };
        if let (Some(first), Some(last)) = (days.first, days.last)
            && first > last
        {
            return Err(Error::Usage(format!(
                "--from {} is after --to {}",
                options.from.as_deref().unwrap_or_default(),
                options.to.as_deref().unwrap_or_default()
            )));
        }
        Ok((compiled, days))
    }

    /// Searches the index. See [`crate::query`] for the query syntax.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        self.search_hits(query, options)?.collect_results()
    }

    /// Ranks the matches of a query and returns its hits to be read one by one, for writing
    /// many hits (`-n 0`) as they come with memory that does not grow with their number.
    pub fn search_hits(&self, query: &str, options: &SearchOptions) -> Result<Hits> {
        let started = Instant::now();
        let searcher = self.searcher();
        let (compiled, days) = self.compile(query, options, &searcher)?;
        let candidates =
            rank::collect(&searcher, compiled.query.as_ref(), &compiled.signals, days)?;
        let total = candidates.len();
        let order = Order::new(&searcher, candidates, options);
        Ok(Hits {
            total,
            expanded: compiled.expanded,
            reprints: Finder::new(&searcher, self.fields()),
            searcher,
            fields: *self.fields(),
            highlights: compiled.highlights,
            order,
            queue: VecDeque::new(),
            chunk: 0,
            collapse_reprints: options.collapse_reprints,
            per_article: options.per_article.map(PerArticle::new),
            skip: options.offset,
            left: (options.limit > 0).then_some(options.limit),
            first_rank: options.offset.saturating_add(1),
            returned: 0,
            ready: VecDeque::new(),
            batch: FIRST_BATCH,
            bulk: BulkStores::new(self.dir()),
            started,
        })
    }

    /// Counts the passages that match, without ranking or reading them.
    pub fn count(&self, query: &str, options: &SearchOptions) -> Result<usize> {
        let searcher = self.searcher();
        let (compiled, days) = self.compile(query, options, &searcher)?;
        let query = compiled.query.as_ref();
        Ok(match days.is_all() {
            true => searcher.search(query, &Count)?,
            false => searcher.search(query, &CountWithin(days))?,
        })
    }
}

/// Counts the matches dated within some days.
struct CountWithin(Days);

struct SegmentCountWithin {
    days: Days,
    dates: Option<Column<DateTime>>,
    count: usize,
}

impl Collector for CountWithin {
    type Fruit = usize;
    type Child = SegmentCountWithin;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentCountWithin {
            days: self.0,
            dates: reader.fast_fields().date("date").ok(),
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, counts: Vec<usize>) -> tantivy::Result<usize> {
        Ok(counts.into_iter().sum())
    }
}

impl SegmentCollector for SegmentCountWithin {
    type Fruit = usize;

    fn collect(&mut self, doc: DocId, _: Score) {
        let date = self.dates.as_ref().and_then(|column| column.first(doc));
        self.count += usize::from(self.days.contain(date));
    }

    fn harvest(self) -> usize {
        self.count
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn hit(
    doc: &TantivyDocument,
    article: &TantivyDocument,
    f: &Fields,
    rank: usize,
    score: f32,
    needles: &Highlights,
) -> Hit {
    let text = text_of(doc, f.text.stored);
    let continuation = text_of(doc, f.continuation);
    let section = text_of(doc, f.section.stored);
    let title = text_of(article, f.title.stored);
    Hit {
        rank,
        score,
        highlights: highlight::spans_continued(&text, &continuation, &needles.text),
        section_highlights: highlight::spans(&section, &needles.text),
        title_highlights: highlight::spans(&title, &needles.title),
        explain: None,
        article: ArticleInfo {
            id: text_of(article, f.article_id),
            title,
            source: text_of(article, f.source.stored),
            date: text_of(article, f.date_text),
            url: text_of(article, f.url),
            path: text_of(article, f.path_text),
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
