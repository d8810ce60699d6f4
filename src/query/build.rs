//! Query → analysis → tantivy query, plus the needles that highlighting looks for and the
//! signals that ranking reads.
//!
//! tantivy's QueryParser is not used: it turns every unspaced Chinese run into a strict phrase
//! of jieba tokens. Here each word of a term becomes a phrase of character grams at character
//! offsets (exact, whatever jieba made of the passage) and all words are required. What makes
//! one match better than another (the term as typed, as whole words, in the title, near the
//! other terms) is gathered as [`Signals`] for [`crate::rank`].

use std::collections::BTreeMap;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::IndexRecordOption;

use super::phrase::CrossFieldPhrase;
use super::signals::{Grams, Nested, Signals, TermSignals, Word, at_offsets, in_field};
use super::synonyms::Synonyms;
use super::{Node, Scope};
use crate::analysis::dictionary::QueryDictionary;
use crate::analysis::grams::{Needle, is_han};
use crate::analysis::{normalize, query_pieces, query_words};
use crate::error::{Error, Result};
use crate::index::schema::{Fields, KIND_PASSAGE, TextField};
use crate::index::view::{DocSets, IndexView};

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
pub(crate) fn compile(
    node: &Node,
    view: &IndexView,
    dictionary: &QueryDictionary,
    synonyms: Option<&Synonyms>,
) -> Result<Compiled> {
    let mut builder = Builder {
        fields: view.fields(),
        view,
        dictionary,
        synonyms,
        highlights: Highlights::default(),
        terms: Vec::new(),
        expanded: BTreeMap::new(),
    };
    let query = builder.node(node, true)?.ok_or_else(|| {
        Error::Query("the query has no letters, digits or Chinese characters to search for".into())
    })?;
    let signals = Signals::of(builder.terms);
    Ok(Compiled {
        query,
        highlights: builder.highlights,
        signals,
        expanded: builder.expanded,
    })
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
    /// The view searched, where `title:`, `source:` and `author:` terms find their articles.
    view: &'a IndexView,
    dictionary: &'a QueryDictionary,
    synonyms: Option<&'a Synonyms>,
    highlights: Highlights,
    /// The signals of the positive terms of the passage text, in order.
    terms: Vec<TermSignals>,
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
            Scope::Author => vec![(f.author, 1.0)],
        }
    }

    /// Documents whose text in `field` contains the needle.
    fn field_contains(&self, needle: &Needle, field: &TextField) -> Result<Box<dyn Query>> {
        let mut grams = in_field(needle, field, 0);
        if grams.len() == 1 {
            let (_, term) = grams.pop().expect("one gram");
            return Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
        }
        let one_field = grams.iter().all(|(_, t)| t.field() == grams[0].1.field());
        if !one_field {
            return Ok(Box::new(CrossFieldPhrase::new(grams)));
        }
        let at_offsets = grams
            .into_iter()
            .map(|(offset, term)| (offset as usize, term));
        Ok(Box::new(PhraseQuery::new_with_offset(at_offsets.collect())))
    }

    /// Documents whose text in `scope` contains every needle (passages for the default scope,
    /// articles for the title, source and author).
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

    /// The passages of the articles that `articles` finds.
    fn passages_of(&self, articles: Box<dyn Query>) -> Result<Box<dyn Query>> {
        let keys = self
            .view
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
                self.terms.push(signals);
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
                // Sources and authors are shown whole, not highlighted.
                Scope::Source | Scope::Author => {}
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
            for piece in query_pieces(normalized, &cut) {
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
        let in_section = forms
            .iter()
            .map(|form| at_offsets(&form.whole, f.section.grams, 0))
            .collect();
        let words = forms
            .iter()
            .map(|form| {
                form.word_texts
                    .iter()
                    .filter_map(|word| Some((word, Needle::new(word)?)))
                    .filter(|(_, needle)| !needle.is_single_han())
                    .map(|(word, needle)| Word {
                        grams: in_field(&needle, &f.text, 0),
                        len: needle.char_len() as u32,
                        short_han: word.chars().all(is_han)
                            && (2..=3).contains(&word.chars().count()),
                    })
                    .collect()
            })
            .collect();
        let mut title_articles = DocSets::default();
        for form in forms {
            let titled = self.contains_all(&[&form.whole], Scope::Title)?;
            self.view.add_docs(titled.as_ref(), &mut title_articles)?;
        }
        Ok(TermSignals {
            nested: self.nested(forms),
            text_forms: forms
                .iter()
                .map(|form| in_field(&form.whole, &f.text, 0))
                .collect(),
            typed_chars: at_offsets(&typed.whole, f.text.grams, 0),
            section: in_section,
            literal: forms.len() > 1 || typed.words.len() > 1,
            words,
            title_articles,
        })
    }

    /// The longer forms of a term's group that hold the form typed, all of Han characters.
    fn nested(&self, forms: &[Form]) -> Option<Nested> {
        let all_han = |form: &Form| form.text.chars().all(is_han);
        let (typed, others) = forms.split_first()?;
        if !all_han(typed) {
            return None;
        }
        let longer: Vec<Grams> = others
            .iter()
            .filter(|form| form.text.len() > typed.text.len() && all_han(form))
            .filter_map(|form| {
                let byte = form.text.find(&typed.text)?;
                let shift = form.text[..byte].chars().count();
                Some(in_field(&form.whole, &self.fields.text, shift))
            })
            .collect();
        (!longer.is_empty()).then_some(Nested { longer })
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

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if weight == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}
