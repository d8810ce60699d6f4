//! The other copies of the articles of hits, and which copy of a story a search shows.

use std::collections::HashMap;

use tantivy::{DocAddress, TantivyDocument, Term};

use super::Reprint;
use crate::error::Result;
use crate::index::schema::PerArticle;
use crate::index::view::{IndexView, StoredArticle};
use crate::store::BulkStores;

/// Finds the other copies of the articles of hits, remembering each story's.
pub(crate) struct Finder {
    view: IndexView,
    /// Per story: its articles, as (article key, copy), oldest first.
    stories: HashMap<u64, Vec<(u64, Reprint)>>,
    /// Per story, the article shown (stories are article keys, hashes already).
    shown: PerArticle<u64>,
    /// Reads articles when many hits are read (see [`BulkStores`]).
    bulk: Option<BulkStores>,
}

impl Finder {
    pub(crate) fn new(view: IndexView) -> Finder {
        Finder {
            view,
            stories: HashMap::new(),
            shown: PerArticle::default(),
            bulk: None,
        }
    }

    /// The articles of a story, oldest first (undated last); none when the story has one
    /// article, which then has no other copy to read.
    fn story(&mut self, story: u64) -> Result<&[(u64, Reprint)]> {
        if !self.stories.contains_key(&story) {
            let mut articles = Vec::new();
            let term = Term::from_field_u64(self.view.fields().story, story);
            let addresses = self.view.docs_with(&term)?;
            // One article is the story alone: nothing to read.
            for address in addresses.iter().copied().filter(|_| addresses.len() > 1) {
                let Some((key, _)) = self.view.article_key_and_story(address) else {
                    continue;
                };
                let doc: TantivyDocument = match &mut self.bulk {
                    Some(bulk) => bulk.doc(self.view.searcher(), address)?,
                    None => self.view.doc(address)?,
                };
                let article = StoredArticle::of(&doc, self.view.fields());
                articles.push((key, Reprint::from(article)));
            }
            articles.sort_by(|(_, a), (_, b)| {
                (a.date.is_empty(), &a.date, &a.id).cmp(&(b.date.is_empty(), &b.date, &b.id))
            });
            self.stories.insert(story, articles);
        }
        Ok(&self.stories[&story])
    }

    /// Reads articles as `bulk` does from now on.
    pub(crate) fn read_in_bulk(&mut self, bulk: &BulkStores) {
        if self.bulk.is_none() {
            self.bulk = Some(bulk.clone());
        }
    }

    /// The other copies of the article of the document at `address`, oldest first.
    pub(crate) fn reprints_of(&mut self, address: DocAddress) -> Result<Vec<Reprint>> {
        let Some((key, story)) = self.view.article_key_and_story(address) else {
            return Ok(Vec::new());
        };
        Ok(self
            .story(story)?
            .iter()
            .filter(|(k, _)| *k != key)
            .map(|(_, reprint)| reprint.clone())
            .collect())
    }

    /// Whether the document at `address`, taken in rank order, belongs to the first article
    /// taken of its story (and is shown, the story's other copies being left out).
    pub(crate) fn first_of_story(&mut self, address: DocAddress) -> bool {
        match self.view.article_key_and_story(address) {
            Some((key, story)) => *self.shown.entry(story).or_insert(key) == key,
            None => true,
        }
    }
}
