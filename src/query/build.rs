//! Query → analysis → tantivy query, plus the needles that highlighting looks for.
//!
//! tantivy's QueryParser is not used: it turns every unspaced Chinese run into a strict phrase
//! of jieba tokens. Here each word of a term becomes a phrase of character grams at character
//! offsets (exact, whatever jieba made of the passage), all words are required, and the jieba
//! words and the whole term add to the score so that whole-word and as-typed matches rank first.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::{Node, Scope};
use crate::analysis::dictionary::QueryDictionary;
use crate::analysis::grams::Needle;
use crate::analysis::{normalize, query_words};
use crate::error::{Error, Result};
use crate::index::schema::{Fields, KIND_PASSAGE};

/// Score added when a term cut into several words occurs as typed.
const LITERAL_BONUS: f32 = 100.0;

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

/// A query ready to run.
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub highlights: Highlights,
}

/// Builds the tantivy query for a parsed query.
pub fn compile(node: &Node, fields: &Fields, dictionary: &QueryDictionary) -> Result<Compiled> {
    let mut builder = Builder {
        fields,
        dictionary,
        highlights: Highlights::default(),
    };
    let query = builder.node(node, true)?.ok_or_else(|| {
        Error::Query("the query has no letters, digits or Chinese characters to search for".into())
    })?;
    Ok(Compiled {
        query,
        highlights: builder.highlights,
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
    dictionary: &'a QueryDictionary,
    highlights: Highlights,
}

impl Builder<'_> {
    /// The query of a node, or `None` for a term with nothing to search for.
    fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::Term {
                scope,
                text,
                phrase,
            } => Ok(self.term(*scope, text, *phrase, positive)),
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

    fn scope_fields(&self, scope: Scope) -> Vec<(Field, f32)> {
        let f = self.fields;
        match scope {
            Scope::Default => vec![(f.text.grams, 1.0), (f.section.grams, SECTION_WEIGHT)],
            Scope::Title => vec![(f.title.grams, 1.0)],
            Scope::Source => vec![(f.source.grams, 1.0)],
        }
    }

    /// Passages whose text in `scope` contains the needle.
    fn contains(&self, needle: &Needle, scope: Scope) -> Box<dyn Query> {
        let grams = needle.covering_grams();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, weight) in self.scope_fields(scope) {
            let query: Box<dyn Query> = if let [(_, gram)] = grams.as_slice() {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, gram),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new_with_offset(
                    grams
                        .iter()
                        .map(|(offset, gram)| (*offset, Term::from_field_text(field, gram)))
                        .collect(),
                ))
            };
            clauses.push((Occur::Should, boosted(query, weight)));
        }
        if clauses.len() == 1 {
            clauses.pop().expect("one clause").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    fn term(
        &mut self,
        scope: Scope,
        text: &str,
        phrase: bool,
        positive: bool,
    ) -> Option<Box<dyn Query>> {
        let normalized = normalize(text);
        let whole = Needle::new(&normalized)?;
        let mut word_texts: Vec<&str> = Vec::new();
        let mut words: Vec<Needle> = Vec::new();
        if !phrase {
            for word in query_words(self.dictionary, &normalized) {
                if let Some(needle) = Needle::new(word)
                    && !words.contains(&needle)
                {
                    words.push(needle);
                    word_texts.push(word);
                }
            }
        }

        let required = if words.len() <= 1 {
            self.contains(&whole, scope)
        } else {
            let each: Vec<(Occur, Box<dyn Query>)> = words
                .iter()
                .map(|word| (Occur::Must, self.contains(word, scope)))
                .collect();
            Box::new(BooleanQuery::new(each))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if words.len() > 1 {
            // A bonus larger than any BM25 sum: passages with the term as typed come first.
            let literal = ConstScoreQuery::new(self.contains(&whole, scope), LITERAL_BONUS);
            clauses.push((Occur::Should, Box::new(literal)));
        }
        if scope == Scope::Default && !word_texts.is_empty() {
            clauses.push((Occur::Should, self.word_scores(&word_texts)));
        }
        let query = if clauses.is_empty() {
            required
        } else {
            clauses.push((Occur::Must, required));
            Box::new(BooleanQuery::new(clauses))
        };

        if positive {
            let needles = TermNeedles {
                whole,
                words: if words.len() > 1 { words } else { Vec::new() },
            };
            match scope {
                Scope::Default => self.highlights.text.push(needles),
                Scope::Title => self.highlights.title.push(needles),
                Scope::Source => self.highlights.source.push(needles),
            }
        }
        Some(query)
    }

    /// Scores for the query's jieba words among the passage's: whole-word matches rank first.
    fn word_scores(&self, words: &[&str]) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|word| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.text_words, word),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, query)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if weight == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}
