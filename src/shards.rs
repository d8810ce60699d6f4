//! One index as a shard of a larger collection (README, "Beyond one machine").
//!
//! A passage's score reads figures of the whole collection: how many passages have each of
//! the query's characters (its rarity), how long passages are on average, and the best BM25
//! among the query's matches (the text part is a share of it). A shard alone knows only its
//! own, so the same passage would score differently on a shard and in one index. Searching
//! shards as one collection takes three steps, as Elasticsearch's `dfs_query_then_fetch`:
//! each shard reports its [`Statistics`] for the query ([`crate::Index::statistics`]), they
//! are summed ([`Statistics::add`]); each shard ranks its matches with the sums and reports
//! its best BM25 ([`crate::Index::best_bm25`]), the highest is taken; each shard then searches
//! with the sums and that best (`SearchOptions::statistics`), and its scores are those one
//! index of every shard's articles would give ([`crate::ShardStep`] has these steps for a
//! server, which then reads only the hits of its page).
//!
//! The other parts of the score read only the passage and its article, which a shard holds
//! whole. Reprints are collapsed within an index, so every copy of a story must be in one
//! shard: [`plan_shards`] finds the stories of a corpus as indexing does and puts each story
//! in one shard.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dates::{day_number, to_datetime};
use crate::error::{Error, Result};
use crate::files::{self, Skipped};
use crate::reprints::{Stories, normalized_and_signed};

/// The figures of a collection a query's scores read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    /// Passages in the collection.
    pub passages: u64,
    /// Grams (indexed characters) in the passages' text, for their average length.
    pub grams: u64,
    /// For each character of the query's terms as typed, the passages that have it.
    pub doc_freqs: BTreeMap<String, u64>,
    /// The highest BM25 among the query's matches in the collection, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_bm25: Option<f32>,
}

impl Statistics {
    /// Adds a shard's figures: counts are summed, the best BM25 is the higher.
    pub fn add(&mut self, other: &Statistics) {
        self.passages += other.passages;
        self.grams += other.grams;
        for (gram, count) in &other.doc_freqs {
            *self.doc_freqs.entry(gram.clone()).or_default() += count;
        }
        self.best_bm25 = match (self.best_bm25, other.best_bm25) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// The passages that have a gram (0 when not counted).
    pub(crate) fn doc_freq(&self, gram: &tantivy::Term) -> u64 {
        let value = gram.value();
        let text = value.as_str().unwrap_or_default();
        self.doc_freqs.get(text).copied().unwrap_or(0)
    }

    /// The figures without the best BM25: what a ranking depends on before it is scored.
    pub(crate) fn counts_key(&self) -> String {
        let counts = Statistics {
            best_bm25: None,
            ..self.clone()
        };
        serde_json::to_string(&counts).expect("statistics serialise")
    }
}

/// How [`plan_shards`] shares out the stories of a corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ShardBy {
    /// By a hash of the story (of its first article's id and text): shards of about equal
    /// size, each spanning every date.
    #[default]
    Story,
    /// By date ranges of about equal numbers of passages, a story where its first article
    /// falls, so that a search within dates reads only the shards whose range it meets.
    /// Undated stories are shared out by their hash.
    Date,
}

crate::named::named!(ShardBy, Story = "story", Date = "date");

/// What one shard of a corpus holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardShare {
    /// The ids of its articles, in the order met.
    pub articles: Vec<String>,
    /// Their passages.
    pub passages: usize,
}

/// The shares of a corpus's articles, one per shard, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct ShardPlan {
    /// One per shard.
    pub shards: Vec<ShardShare>,
    /// What could not be read or has no paragraph, as indexing reports it (each shard's
    /// indexing of its share reports only what it reads of its own).
    pub skipped: Vec<Skipped>,
}

/// One story as met: its articles (id, passages) and the day of its first dated article.
#[derive(Default)]
struct Story {
    articles: Vec<(String, usize)>,
    first_day: Option<i64>,
}

/// Reads the articles under `paths` as indexing does, finds their stories (README,
/// "Reprints") and shares the stories out among `shards` shards: each story, every copy of
/// it, in one shard. Indexing each share (`IndexOptions::only`) of the same `paths` gives
/// shards whose searches with summed [`Statistics`] score as one index of them all would.
/// Stories are found with temporary files in `work_dir`.
pub fn plan_shards(
    paths: &[PathBuf],
    shards: usize,
    by: ShardBy,
    work_dir: &Path,
) -> Result<ShardPlan> {
    if shards == 0 {
        return Err(Error::Usage("give at least one shard".to_string()));
    }
    let mut stories = Stories::new(work_dir)?;
    let mut met: HashMap<u64, Story> = HashMap::new();
    // Story keys in the order their stories were met, so that the plan does not depend on
    // hash map order.
    let mut order: Vec<u64> = Vec::new();
    // The story of each id: an id met again replaces its article, as in an index.
    let mut story_of: HashMap<String, u64> = HashMap::new();
    let mut failure = None;
    let (input, mut skipped) = files::discover(paths);
    let progress = files::progress_bar(0, false);
    for file in &input {
        files::read_articles(file, 0, &progress, |item| {
            let article = match item {
                Ok((_, article)) => article,
                Err(skip) => {
                    skipped.push(skip);
                    return true;
                }
            };
            if article.passages.is_empty() {
                skipped.push(Skipped::without_paragraphs(&article));
                return true;
            }
            let (_, signature) = normalized_and_signed(&article);
            let day = to_datetime(&article.date).map(day_number);
            match stories.assign(&article.id, signature, day) {
                Ok(key) => {
                    let story = met.entry(key).or_insert_with(|| {
                        order.push(key);
                        Story::default()
                    });
                    story.first_day = story.first_day.or(day);
                    story
                        .articles
                        .push((article.id.clone(), article.passages.len()));
                    story_of.insert(article.id, key);
                    true
                }
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        });
        if let Some(e) = failure.take() {
            return Err(e);
        }
    }
    let shard_of = match by {
        ShardBy::Story => order
            .iter()
            .map(|&key| (key, hashed(key, shards)))
            .collect(),
        ShardBy::Date => by_date(&order, &met, shards),
    };
    let mut plan = ShardPlan {
        shards: vec![ShardShare::default(); shards],
        skipped,
    };
    let mut placed: HashSet<&str> = HashSet::new();
    for key in &order {
        let share = &mut plan.shards[shard_of[key]];
        for (id, passages) in &met[key].articles {
            // An id met again goes where its last version's story is, once.
            if story_of.get(id) == Some(key) && placed.insert(id) {
                share.articles.push(id.clone());
                share.passages += passages;
            }
        }
    }
    Ok(plan)
}

/// The shard of a story by its key (a hash already).
fn hashed(key: u64, shards: usize) -> usize {
    (key % shards as u64) as usize
}

/// Dated stories in order of their first day, cut into `shards` runs of about equal numbers
/// of passages (a day is never cut); undated ones by their hash.
fn by_date(order: &[u64], met: &HashMap<u64, Story>, shards: usize) -> HashMap<u64, usize> {
    let passages = |key: &u64| -> usize { met[key].articles.iter().map(|(_, n)| n).sum() };
    let mut dated: Vec<(i64, u64)> = order
        .iter()
        .filter_map(|key| met[key].first_day.map(|day| (day, *key)))
        .collect();
    dated.sort_by_key(|&(day, _)| day);
    let total: usize = dated.iter().map(|(_, key)| passages(key)).sum();
    let mut shard_of = HashMap::with_capacity(order.len());
    let (mut shard, mut so_far) = (0, 0);
    for (i, &(day, key)) in dated.iter().enumerate() {
        let new_day = i > 0 && dated[i - 1].0 != day;
        if new_day && shard + 1 < shards && so_far * shards >= total * (shard + 1) {
            shard += 1;
        }
        so_far += passages(&key);
        shard_of.insert(key, shard);
    }
    for key in order {
        shard_of.entry(*key).or_insert_with(|| hashed(*key, shards));
    }
    shard_of
}
