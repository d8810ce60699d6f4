//! Query → analysis → tantivy query, plus the needles that highlighting looks for and the
//! signals that ranking reads.
//!
//! tantivy's QueryParser is not used: it turns every unspaced Chinese run into a strict phrase
//! of jieba tokens. Here each word of a term becomes a phrase of character grams at character
//! offsets (exact, whatever jieba made of the passage) and all words are required. What makes
//! one match better than another (the term as typed, as whole words, in the title, near the
//! other terms) is gathered as [`Signals`] for [`crate::rank`].

use std::collections::BTreeMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use super::synonyms::Synonyms;
use super::{Node, Scope};
use crate::analysis::dictionary::QueryDictionary;
use crate::analysis::grams::{Needle, is_han};
use crate::analysis::{normalize, query_words};
use crate::error::{Error, Result};
use crate::index::schema::{ArticleKeys, Fields, KIND_PASSAGE, TextField, own_keys};

/// Two terms stand near each other when they start at most this many characters apart: within
/// one clause or two of a news sentence.
pub const NEAR_CHARS: i64 = 20;

/// Weight of a match in the section heading, relative to one in the passage text.
const SECTION_WEIGHT: f32 = 0.3;

/// What to highlight for one term: its occurrences as typed, and its words.
#[derive(Debug, Clone)]
pub struct TermNeedles {
    pub whole: Needle,
    /// The term's words when it was cut (empty for a phrase or a one-word term).
    pub words: Vec<Needle>,
}

/// The needles of a query's positive terms, by where they are looked for.
#[derive(Debug, Clone, Default)]
pub struct Highlights {
    /// Passage text and section heading.
    pub text: Vec<TermNeedles>,
    pub title: Vec<TermNeedles>,
    pub source: Vec<TermNeedles>,
}

/// What ranking needs to know about one positive term of the passage text (see
/// [`crate::rank`]).
pub struct TermSignals {
    /// Passages where the term occurs as typed, for a term cut into several words or expanded
    /// to its synonyms (otherwise every match has it as typed): the form typed in the text
    /// and in the heading.
    pub literal: Option<Vec<Grams>>,
    /// Passages where one of its synonyms occurs as written, for an expanded term: each
    /// synonym in the text and in the heading.
    pub synonym: Option<Vec<Grams>>,
    /// Per form of the term, its dictionary words (two characters or more), to tell where
    /// they are jieba words of the passage, not only strings inside other words.
    pub words: Vec<Vec<Word>>,
    /// Passages whose section heading holds the term: each form in the heading.
    pub section: Vec<Grams>,
    /// Articles whose title holds the term.
    pub title_articles: ArticleKeys,
    /// The grams of the term as typed in the passage text, to measure how near the terms
    /// stand.
    grams: Grams,
    /// When the form typed is part of longer forms of its group.
    pub nested: Option<Nested>,
}

/// A term typed in a form that is part of longer forms of its group (全国总工会 in
/// 中华全国总工会): where every occurrence of the typed form is inside a longer one, the passage
/// has the term not as typed but as that synonym. The grams of the typed form in the passage
/// text, and those of each longer form, at offsets from where the typed form starts.
#[derive(Debug, Clone)]
pub struct Nested {
    pub typed: Grams,
    pub longer: Vec<Grams>,
}

/// A string as the grams of one field at offsets from where it starts.
pub type Grams = Vec<(i64, Term)>;

/// A word of a query term: its grams in the passage text at offsets from its start, and its
/// length in characters.
#[derive(Debug, Clone)]
pub struct Word {
    pub grams: Grams,
    pub len: u32,
    /// Two or three Han characters: a word inside longer words too.
    pub short_han: bool,
}

/// The grams of a needle as terms of `field`, at offsets from `shift` characters into it.
fn at_offsets(needle: &Needle, field: Field, shift: usize) -> Grams {
    let grams = needle.grams();
    let at = |offset: usize| offset as i64 - shift as i64;
    grams
        .iter()
        .map(|(offset, gram)| (at(*offset), Term::from_field_text(field, gram)))
        .collect()
}

/// The ranking signals of a query's positive terms of the passage text.
#[derive(Default)]
pub struct Signals {
    pub terms: Vec<TermSignals>,
    /// The grams of each two different terms typed one after the other, to tell passages
    /// where the two stand near each other.
    pub near: Vec<NearPair>,
}

/// Two terms typed one after the other: their grams in the passage text.
#[derive(Debug, Clone)]
pub struct NearPair {
    pub first: Grams,
    pub second: Grams,
}

/// A query ready to run.
pub struct Compiled {
    /// The passages that match; scored by BM25 over the grams of the text and heading.
    pub query: Box<dyn Query>,
    pub highlights: Highlights,
    pub signals: Signals,
    /// The terms expanded to their synonyms, as typed, with the synonyms.
    pub expanded: BTreeMap<String, Vec<String>>,
}

/// Builds the tantivy query for a parsed query; terms are expanded to their `synonyms`, if any.
pub fn compile(
    node: &Node,
    fields: &Fields,
    dictionary: &QueryDictionary,
    synonyms: Option<&Synonyms>,
    searcher: &Searcher,
) -> Result<Compiled> {
    let mut builder = Builder {
        fields,
        searcher,
        dictionary,
        synonyms,
        highlights: Highlights::default(),
        signals: Signals::default(),
        expanded: BTreeMap::new(),
    };
    let query = builder.node(node, true)?.ok_or_else(|| {
        Error::Query("the query has no letters, digits or Chinese characters to search for".into())
    })?;
    let mut signals = builder.signals;
    signals.near = near_pairs(&signals.terms);
    Ok(Compiled {
        query,
        highlights: builder.highlights,
        signals,
        expanded: builder.expanded,
    })
}

/// Each two different terms typed one after the other.
fn near_pairs(terms: &[TermSignals]) -> Vec<NearPair> {
    terms
        .windows(2)
        .map(|pair| (&pair[0].grams, &pair[1].grams))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty() && a != b)
        .map(|(a, b)| NearPair {
            first: a.clone(),
            second: b.clone(),
        })
        .collect()
}

/// Every passage (and no file record).
pub fn all_passages(fields: &Fields) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(fields.kind, KIND_PASSAGE),
        IndexRecordOption::Basic,
    ))
}

struct Builder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    dictionary: &'a QueryDictionary,
    synonyms: Option<&'a Synonyms>,
    highlights: Highlights,
    signals: Signals,
    expanded: BTreeMap<String, Vec<String>>,
}

impl Builder<'_> {
    /// The query of a node, or `None` for a term with nothing to search for.
    fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::Term {
                scope,
                text,
                phrase,
            } => self.term(*scope, text, *phrase, positive),
            Node::And(children) => {
                let mut clauses = Vec::new();
                let mut has_positive = false;
                for child in children {
                    let (occur, inner, child_positive) = match child {
                        Node::Not(inner) => (Occur::MustNot, inner.as_ref(), !positive),
                        other => (Occur::Must, other, positive),
                    };
                    if let Some(query) = self.node(inner, child_positive)? {
                        has_positive |= occur == Occur::Must;
                        clauses.push((occur, query));
                    }
                }
                if clauses.is_empty() {
                    return Ok(None);
                }
                if !has_positive {
                    clauses.push((Occur::Must, all_passages(self.fields)));
                }
                Ok(Some(Box::new(BooleanQuery::new(clauses))))
            }
            Node::Or(children) => {
                let mut clauses = Vec::new();
                for child in children {
                    if let Some(query) = self.node(child, positive)? {
                        clauses.push((Occur::Should, query));
                    }
                }
                Ok((!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
            }
            Node::Not(inner) => Ok(self.node(inner, !positive)?.map(|query| {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, all_passages(self.fields)),
                    (Occur::MustNot, query),
                ])) as Box<dyn Query>
            })),
        }
    }

    fn scope_fields(&self, scope: Scope) -> Vec<(TextField, f32)> {
        let f = self.fields;
        match scope {
            Scope::Default => vec![(f.text, 1.0), (f.section, SECTION_WEIGHT)],
            Scope::Title => vec![(f.title, 1.0)],
            Scope::Source => vec![(f.source, 1.0)],
        }
    }

    /// Documents whose text in `field` contains the needle.
    fn field_contains(&self, needle: &Needle, field: &TextField) -> Result<Box<dyn Query>> {
        let mut grams: Vec<(usize, Term)> = needle
            .grams()
            .into_iter()
            .map(|(offset, gram)| (offset, Term::from_field_text(field.grams, &gram)))
            .collect();
        if grams.len() == 1 {
            let (_, term) = grams.pop().expect("one gram");
            return Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
        }
        Ok(Box::new(PhraseQuery::new_with_offset(grams)))
    }

    /// Documents whose text in `scope` contains every needle (passages for the default scope,
    /// articles for the title and source).
    fn contains_all(&self, needles: &[&Needle], scope: Scope) -> Result<Box<dyn Query>> {
        let each = |needle: &Needle| -> Result<Box<dyn Query>> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (field, weight) in self.scope_fields(scope) {
                clauses.push((
                    Occur::Should,
                    boosted(self.field_contains(needle, &field)?, weight),
                ));
            }
            Ok(if clauses.len() == 1 {
                clauses.pop().expect("one clause").1
            } else {
                Box::new(BooleanQuery::new(clauses))
            })
        };
        if let [needle] = needles {
            return each(needle);
        }
        let mut all = Vec::new();
        for needle in needles {
            all.push((Occur::Must, each(needle)?));
        }
        Ok(Box::new(BooleanQuery::new(all)))
    }

    /// The keys of the articles that `articles` finds.
    fn article_keys(&self, articles: &dyn Query) -> Result<ArticleKeys> {
        let weight = articles.weight(EnableScoring::disabled_from_searcher(self.searcher))?;
        let mut keys = ArticleKeys::default();
        for reader in self.searcher.segment_readers() {
            let column = own_keys(reader)?;
            let alive = reader.alive_bitset();
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc))
                    && let Some(key) = column.first(doc)
                {
                    keys.insert(key);
                }
                doc = scorer.advance();
            }
        }
        Ok(keys)
    }

    /// The passages of the articles that `articles` finds.
    fn passages_of(&self, articles: Box<dyn Query>) -> Result<Box<dyn Query>> {
        let keys = self
            .article_keys(articles.as_ref())?
            .into_iter()
            .map(|key| Term::from_field_u64(self.fields.article_key, key));
        Ok(Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermSetQuery::new(keys)) as Box<dyn Query>,
            ),
            (Occur::Must, all_passages(self.fields)),
        ])))
    }

    fn term(
        &mut self,
        scope: Scope,
        text: &str,
        phrase: bool,
        positive: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let normalized = normalize(text);
        let Some(typed) = self.form(&normalized, phrase, scope)? else {
            return Ok(None);
        };
        let others: Vec<&str> = match self.synonyms {
            Some(synonyms) if !phrase => synonyms.others(&normalized),
            _ => Vec::new(),
        };
        let mut forms = vec![typed];
        for other in &others {
            forms.extend(self.form(other, false, scope)?);
        }
        if forms.len() > 1 {
            self.expanded.insert(
                text.trim().to_string(),
                others.iter().map(|o| o.to_string()).collect(),
            );
        }

        let required = any(forms.iter_mut().filter_map(|form| form.required.take()));
        let query = if scope == Scope::Default {
            required
        } else {
            self.passages_of(required)?
        };
        if positive {
            if scope == Scope::Default {
                let signals = self.signals(&forms)?;
                self.signals.terms.push(signals);
            }
            let needles = forms.into_iter().map(|form| TermNeedles {
                whole: form.whole,
                words: if form.words.len() > 1 {
                    form.words
                } else {
                    Vec::new()
                },
            });
            match scope {
                Scope::Default => self.highlights.text.extend(needles),
                Scope::Title => self.highlights.title.extend(needles),
                Scope::Source => self.highlights.source.extend(needles),
            }
        }
        Ok(Some(query))
    }

    /// One form of a term (as typed, or a synonym): its needles and the documents that have
    /// it. `None` when the text has nothing to search for.
    fn form(&self, normalized: &str, phrase: bool, scope: Scope) -> Result<Option<Form>> {
        let Some(whole) = Needle::new(normalized) else {
            return Ok(None);
        };
        let cut = query_words(self.dictionary, normalized);
        let mut words: Vec<Needle> = Vec::new();
        if !phrase {
            for piece in pieces(normalized, &cut) {
                if let Some(needle) = Needle::new(piece)
                    && !words.contains(&needle)
                {
                    words.push(needle);
                }
            }
        }
        let required = if words.len() <= 1 {
            self.contains_all(&[&whole], scope)?
        } else {
            self.contains_all(&words.iter().collect::<Vec<_>>(), scope)?
        };
        Ok(Some(Form {
            text: normalized.to_string(),
            whole,
            words,
            word_texts: cut.into_iter().map(str::to_string).collect(),
            required: Some(required),
        }))
    }

    /// The ranking signals of a positive term of the passage text, from its forms (the typed
    /// one first).
    fn signals(&self, forms: &[Form]) -> Result<TermSignals> {
        let f = self.fields;
        let typed = &forms[0];
        let as_written =
            |form: &Form| [f.text, f.section].map(|field| at_offsets(&form.whole, field.grams, 0));
        let literal = (forms.len() > 1 || typed.words.len() > 1).then(|| as_written(typed).into());
        let synonyms: Vec<Grams> = forms[1..].iter().flat_map(as_written).collect();
        let words = forms
            .iter()
            .map(|form| {
                form.word_texts
                    .iter()
                    .filter_map(|word| Some((word, Needle::new(word)?)))
                    .filter(|(_, needle)| !needle.is_single_han())
                    .map(|(word, needle)| Word {
                        grams: at_offsets(&needle, f.text.grams, 0),
                        len: needle.char_len() as u32,
                        short_han: word.chars().all(is_han)
                            && (2..=3).contains(&word.chars().count()),
                    })
                    .collect()
            })
            .collect();
        let mut title_articles = ArticleKeys::default();
        for form in forms {
            title_articles.extend(
                self.article_keys(self.contains_all(&[&form.whole], Scope::Title)?.as_ref())?,
            );
        }
        Ok(TermSignals {
            nested: self.nested(forms),
            literal,
            synonym: (!synonyms.is_empty()).then_some(synonyms),
            words,
            section: forms
                .iter()
                .map(|form| at_offsets(&form.whole, f.section.grams, 0))
                .collect(),
            title_articles,
            grams: at_offsets(&typed.whole, f.text.grams, 0),
        })
    }

    /// The longer forms of a term's group that hold the form typed, all of Han characters.
    fn nested(&self, forms: &[Form]) -> Option<Nested> {
        let grams = |form: &Form, shift: usize| {
            let all_han = form.text.chars().all(is_han);
            all_han.then(|| at_offsets(&form.whole, self.fields.text.grams, shift))
        };
        let (typed, others) = forms.split_first()?;
        let longer: Vec<Grams> = others
            .iter()
            .filter(|form| form.text.len() > typed.text.len())
            .filter_map(|form| {
                let byte = form.text.find(&typed.text)?;
                grams(form, form.text[..byte].chars().count())
            })
            .collect();
        if longer.is_empty() {
            return None;
        }
        Some(Nested {
            typed: grams(typed, 0)?,
            longer,
        })
    }
}

/// One form of a term: as typed, or one of its synonyms.
struct Form {
    /// The form, normalised.
    text: String,
    whole: Needle,
    /// The pieces that must each occur (more than one when the form is cut into words).
    words: Vec<Needle>,
    /// jieba's words of the form.
    word_texts: Vec<String>,
    /// The documents that have the form; taken when the term's query is built.
    required: Option<Box<dyn Query>>,
}

/// Documents that any of the queries match.
fn any(queries: impl IntoIterator<Item = Box<dyn Query>>) -> Box<dyn Query> {
    let mut queries: Vec<Box<dyn Query>> = queries.into_iter().collect();
    if queries.len() == 1 {
        return queries.pop().expect("one query");
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// The pieces of a term that must each occur: its jieba words, with a single Han character
/// kept together with the word after it (or, at the end, before it), as typed. A lone 新 or 的
/// occurs in most passages and says nothing apart from its neighbour; together they still
/// occur wherever the whole term does.
fn pieces<'a>(normalized: &'a str, words: &[&'a str]) -> Vec<&'a str> {
    let base = normalized.as_ptr() as usize;
    let range = |word: &str| {
        let start = word.as_ptr() as usize - base;
        (start, start + word.len())
    };
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut pending: Option<(usize, usize)> = None;
    for word in words {
        let (start, end) = range(word);
        let mut chars = word.chars();
        if matches!((chars.next(), chars.next()), (Some(c), None) if is_han(c)) {
            pending = Some((pending.map_or(start, |p| p.0), end));
            continue;
        }
        pieces.push((pending.take().map_or(start, |p| p.0), end));
    }
    if let Some((start, end)) = pending {
        match pieces.last_mut() {
            Some(last) => last.1 = end,
            None => pieces.push((start, end)),
        }
    }
    pieces.into_iter().map(|(s, e)| &normalized[s..e]).collect()
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if weight == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn single_characters_stay_with_their_neighbours() {
        let text = "新就业形态劳动者";
        let words = vec![&text[0..3], &text[3..9], &text[9..15], &text[15..24]];
        assert_eq!(pieces(text, &words), vec!["新就业", "形态", "劳动者"]);
        let text = "情防控工";
        let words = vec![&text[0..3], &text[3..9], &text[9..12]];
        assert_eq!(pieces(text, &words), vec!["情防控工"]);
        let text = "的了";
        assert_eq!(pieces(text, &[&text[0..3], &text[3..6]]), vec!["的了"]);
    }
}
