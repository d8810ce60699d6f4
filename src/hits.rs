//! Ranked entries → hits: the stored passage and its article read for each entry in order,
//! with highlights, explanations and the story's other copies.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::{DocAddress, TantivyDocument};

use crate::error::Result;
use crate::highlight::{self, Span};
use crate::index::schema::Fields;
use crate::index::view::{IndexView, StoredArticle, stored_text, stored_u64};
use crate::order::{Entry, Order, PerArticle};
use crate::query::build::{Compiled, Highlights};
use crate::rank::Explanation;
use crate::reprints::{Finder, Reprint};
use crate::store::BulkStores;

/// The article a passage belongs to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleInfo {
    /// The record's id (JSON Lines) or the page's path.
    pub id: String,
    /// The headline.
    pub title: String,
    /// Newspaper or site, or empty.
    pub source: String,
    /// `YYYY-MM-DD`, or empty.
    pub date: String,
    /// The page's address, or empty.
    pub url: String,
    /// Who wrote it, names separated by `, `, or empty.
    pub author: String,
    /// The newspaper page (版次) as stated (`3`, `第3版`), or empty.
    pub page: String,
    /// The file the article was read from.
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
    /// The section heading above the paragraph, or empty.
    pub section: String,
    /// The passage's text, as written.
    pub text: String,
}

/// One ranked passage with its highlights.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Rank from 1, counting from the first match (paging does not restart it).
    pub rank: usize,
    /// The score it was ranked by (see the README, "Ranking").
    pub score: f32,
    /// Its article.
    pub article: ArticleInfo,
    /// The passage.
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
    /// The hits asked for, in order.
    pub hits: Vec<Hit>,
    /// How long the search took.
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
    /// How long the search has taken so far.
    pub elapsed: Duration,
    /// The terms expanded to their synonyms, as typed, with the synonyms.
    pub expanded: &'a BTreeMap<String, Vec<String>>,
}

impl SearchResults {
    /// The summary of the results.
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

/// Which of the ordered matches are hits, and which of those are returned.
pub(crate) struct Page {
    /// Hits to skip, then to return (0: all).
    pub(crate) offset: usize,
    pub(crate) limit: usize,
    /// At most this many passages per article.
    pub(crate) per_article: Option<usize>,
    /// Only the first article of each story.
    pub(crate) collapse_reprints: bool,
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
    view: IndexView,
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
    /// The hits of ranked matches in `order`, the page that `page` asks for; `dir` is the
    /// index's folder.
    pub(crate) fn new(
        view: IndexView,
        compiled: &Compiled,
        order: Order,
        total: usize,
        page: Page,
        dir: &Path,
        started: Instant,
    ) -> Hits {
        Hits {
            total,
            expanded: compiled.expanded.clone(),
            reprints: Finder::new(view.clone()),
            view,
            highlights: compiled.highlights.clone(),
            order,
            queue: VecDeque::new(),
            chunk: 0,
            collapse_reprints: page.collapse_reprints,
            per_article: page.per_article.map(PerArticle::new),
            skip: page.offset,
            left: (page.limit > 0).then_some(page.limit),
            first_rank: page.offset.saturating_add(1),
            returned: 0,
            ready: VecDeque::new(),
            batch: FIRST_BATCH,
            bulk: BulkStores::new(dir),
            started,
        }
    }

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

    /// The view searched and every match of the search (in index order until hits are
    /// taken), for counting facets.
    pub(crate) fn matches(&self) -> (&IndexView, &[Entry]) {
        (&self.view, self.order.all())
    }

    /// What the query's terms are found by in a passage's text, its heading and its title.
    pub(crate) fn needles(&self) -> &Highlights {
        &self.highlights
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
    fn next_batch(&mut self) -> Result<Vec<Entry>> {
        let size = self.left.map_or(self.batch, |left| left.min(self.batch));
        // Some entries may be skipped, collapsed or wait for their article: take more.
        self.chunk = self
            .skip
            .saturating_add(size)
            .saturating_mul(2)
            .saturating_add(10);
        let mut batch = Vec::with_capacity(size);
        while batch.len() < size {
            let Some(entry) = self.next_entry()? else {
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
        Ok(batch)
    }

    /// The next entry in the order of the hits: each story's first article, each article's
    /// passages after its best.
    fn next_entry(&mut self) -> Result<Option<Entry>> {
        while self.queue.is_empty() {
            let end = self.order.is_empty();
            let taken = self.order.take(self.chunk)?;
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
        Ok(self.queue.pop_front())
    }

    /// The page's entries in order, without reading their documents (a shard's ranking step,
    /// whose root reads only the hits of its page, see [`crate::ShardStep`]): each passage's
    /// address, score, article key and date.
    pub(crate) fn take_entries(&mut self) -> Result<Vec<RankedEntry>> {
        let mut taken = Vec::new();
        loop {
            let batch = self.next_batch()?;
            if batch.is_empty() {
                break;
            }
            self.returned += batch.len();
            taken.extend(batch.into_iter().map(|entry| RankedEntry {
                address: entry.address,
                score: entry.score,
                article: entry.article,
                date: self.view.date(entry.address),
            }));
        }
        Ok(taken)
    }

    /// A stored document: through tantivy's reader for the first hits, in bulk after them.
    fn doc(&mut self, address: DocAddress, first_batch: bool) -> Result<TantivyDocument> {
        if first_batch {
            self.view.doc(address)
        } else {
            self.bulk.doc(self.view.searcher(), address)
        }
    }

    /// Reads the next batch of hits into `ready`.
    fn read_batch(&mut self) -> Result<()> {
        let first = self.first_rank + self.returned + self.ready.len();
        let first_batch = self.batch == FIRST_BATCH;
        let mut batch: Vec<(usize, Entry)> = self.next_batch()?.into_iter().enumerate().collect();
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
            let article_address = self.view.article_of(address);
            if article.as_ref().map(|(at, _)| *at) != Some(article_address) {
                let article_doc = self.doc(article_address, first_batch)?;
                article = Some((article_address, article_doc));
            }
            let (_, article_doc) = article.as_ref().expect("the article was just read");
            let mut hit = hit(
                &doc,
                article_doc,
                self.view.fields(),
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
        if self.ready.is_empty() {
            // The folder is cloned: reading the batch borrows the whole of `self`.
            let dir = self.bulk.dir().to_path_buf();
            if let Err(error) = crate::error::reading(&dir, || self.read_batch()) {
                // No hit after a failed read: the ranking would have a hole.
                self.left = Some(0);
                return Some(Err(error));
            }
        }
        let hit = self.ready.pop_front()?;
        self.returned += 1;
        Some(Ok(hit))
    }
}

/// A ranked passage, its document not read.
pub(crate) struct RankedEntry {
    pub(crate) address: DocAddress,
    pub(crate) score: f32,
    pub(crate) article: u64,
    pub(crate) date: Option<tantivy::DateTime>,
}

/// The hits at `entries` (address, score, rank), read from `view` with the query's needles and
/// the articles' other copies: a shard's hits of a root's page.
pub(crate) fn hits_at(
    view: &IndexView,
    needles: &Highlights,
    entries: &[(DocAddress, f32, usize)],
) -> Result<Vec<Hit>> {
    let mut finder = Finder::new(view.clone());
    let mut hits = Vec::with_capacity(entries.len());
    for &(address, score, rank) in entries {
        let segment = view.segments().get(address.segment_ord as usize);
        if segment.is_none_or(|s| address.doc_id >= s.reader().max_doc()) {
            return Err(crate::Error::Usage(format!(
                "no passage {}:{} in this index (an entry of another index?)",
                address.segment_ord, address.doc_id
            )));
        }
        let doc = view.doc(address)?;
        let article_doc = view.doc(view.article_of(address))?;
        let mut hit = hit(&doc, &article_doc, view.fields(), rank, score, needles);
        hit.article.reprints = finder.reprints_of(address)?;
        hits.push(hit);
    }
    Ok(hits)
}

/// The article with this id, if the view has it.
pub(crate) fn article(view: &IndexView, id: &str) -> Result<Option<ArticleInfo>> {
    let term = tantivy::Term::from_field_u64(
        view.fields().article_key,
        crate::index::schema::article_key(id),
    );
    let Some(&first) = view.docs_with(&term)?.first() else {
        return Ok(None);
    };
    let stored = StoredArticle::of(&view.doc(view.article_of(first))?, view.fields());
    Ok(Some(ArticleInfo::from(stored)))
}

impl From<StoredArticle> for ArticleInfo {
    /// The article as stored, its reprints not looked up yet.
    fn from(article: StoredArticle) -> Self {
        ArticleInfo {
            id: article.id,
            title: article.title,
            source: article.source,
            date: article.date,
            url: article.url,
            author: article.author,
            page: article.page,
            path: article.path,
            reprints: Vec::new(),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn hit(
    doc: &TantivyDocument,
    article: &TantivyDocument,
    f: &Fields,
    rank: usize,
    score: f32,
    needles: &Highlights,
) -> Hit {
    let text = stored_text(doc, f.text.stored);
    let continuation = stored_text(doc, f.continuation);
    let section = stored_text(doc, f.section.stored);
    let article = StoredArticle::of(article, f);
    Hit {
        rank,
        score,
        highlights: highlight::spans_continued(&text, &continuation, &needles.text),
        section_highlights: highlight::spans(&section, &needles.text),
        title_highlights: highlight::spans(&article.title, &needles.title),
        explain: None,
        article: ArticleInfo::from(article),
        passage: PassageInfo {
            para: stored_u64(doc, f.para),
            part: stored_u64(doc, f.part),
            section,
            text,
        },
    }
}
