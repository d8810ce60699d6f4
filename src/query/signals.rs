//! What ranking reads of a query ([`crate::rank`]): for each positive term of the passage
//! text, the strings whose presence makes a passage better (as typed, as a synonym, in the
//! heading, as whole words, nested in a longer form) as grams at offsets, and the pairs of
//! terms to find near each other.

use tantivy::Term;
use tantivy::schema::Field;

use crate::analysis::grams::Needle;
use crate::analysis::pairs::{Covering, cover};
use crate::index::schema::TextField;
use crate::index::view::DocSets;

/// Two terms stand near each other when they start at most this many characters apart: within
/// one clause or two of a news sentence.
pub const NEAR_CHARS: i64 = 20;

/// What ranking needs to know about one positive term of the passage text (see
/// [`crate::rank`]).
pub struct TermSignals {
    /// Each form of the term (the typed one first, then its synonyms) as grams of the passage
    /// text: where it is, how often, and how near the next term.
    pub text_forms: Vec<Grams>,
    /// The typed form as character grams of the passage text, whose rarity weighs the term
    /// (`text_forms` may find it by pairs of characters).
    pub typed_chars: Grams,
    /// Each form in the section heading.
    pub section: Vec<Grams>,
    /// Whether a match may lack the term as typed (it was cut into several words or expanded
    /// to its synonyms); otherwise every match has it as typed.
    pub literal: bool,
    /// Per form, its dictionary words (two characters or more), to tell where they are jieba
    /// words of the passage, not only strings inside other words.
    pub words: Vec<Vec<Word>>,
    /// The documents of the articles whose title holds the term.
    pub title_articles: DocSets,
    /// When the form typed is part of longer forms of its group.
    pub nested: Option<Nested>,
}

/// A term typed in a form that is part of longer forms of its group (全国总工会 in
/// 中华全国总工会): where every occurrence of the typed form is inside a longer one, the passage
/// has the term not as typed but as that synonym. The grams of each longer form in the
/// passage text, at offsets from where the typed form starts.
#[derive(Debug, Clone)]
pub struct Nested {
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
pub(super) fn at_offsets(needle: &Needle, field: Field, shift: usize) -> Grams {
    let grams = needle.grams();
    let at = |offset: usize| offset as i64 - shift as i64;
    grams
        .iter()
        .map(|(offset, gram)| (at(*offset), Term::from_field_text(field, gram)))
        .collect()
}

/// A needle in a text field, at offsets from `shift` characters into it: where the field has
/// pairs, its runs of common characters by their pairs ([`crate::analysis::pairs`]), the rest
/// by its grams.
pub(crate) fn in_field(needle: &Needle, field: &TextField, shift: usize) -> Grams {
    let Some(field_pairs) = field.pairs else {
        return at_offsets(needle, field.grams, shift);
    };
    let at = |offset: usize| offset as i64 - shift as i64;
    cover(needle)
        .into_iter()
        .map(|(offset, covering)| {
            let term = match covering {
                Covering::Pair(pair) => Term::from_field_text(field_pairs, &pair),
                Covering::Gram(gram) => Term::from_field_text(field.grams, &gram),
            };
            (at(offset), term)
        })
        .collect()
}

/// The ranking signals of a query's positive terms of the passage text.
#[derive(Default)]
pub struct Signals {
    pub terms: Vec<TermSignals>,
    /// The pairs of different terms typed one after the other, as the number of the first
    /// (the second follows it), to tell passages where the two stand near each other.
    pub near: Vec<usize>,
}

impl Signals {
    /// The signals of these terms.
    pub(super) fn of(terms: Vec<TermSignals>) -> Signals {
        let near = (1..terms.len())
            .filter(|&i| {
                let (a, b) = (&terms[i - 1].text_forms[0], &terms[i].text_forms[0]);
                !a.is_empty() && !b.is_empty() && a != b
            })
            .map(|i| i - 1)
            .collect();
        Signals { terms, near }
    }
}
