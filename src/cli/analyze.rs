//! `gonghui analyze`: how a text is normalised and cut, to see why something (did not) match.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;

use super::{IndexDir, Outcome, stdout_result};
use crate::analysis::dictionary::lexicon_words;
use crate::analysis::grams::{Needle, for_each_gram};
use crate::analysis::{normalize, query_words};
use crate::error::Result;
use crate::index::Index;
use crate::query::synonyms::Synonyms;

/// Show how a text is normalised, cut into words and indexed as grams, with the index's own
/// dictionary
#[derive(clap::Args)]
pub struct Args {
    /// The text (a query or a passage)
    #[arg(value_name = "TEXT")]
    text: String,
    #[command(flatten)]
    index: IndexDir,
    /// Also the synonym groups of FILE, as `search --synonyms`
    #[arg(long, value_name = "FILE")]
    synonyms: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = Index::open(args.index.path())?;
    let normalized = normalize(&args.text);
    let words = query_words(index.dictionary(), &normalized);
    let jieba = index.dictionary().jieba_for(&normalized);
    let passage_words: Vec<&str> = jieba
        .cut(&normalized, false)
        .into_iter()
        .map(|t| t.word)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let mut grams = Vec::new();
    for_each_gram(&normalized, |position, gram| {
        grams.push(format!("{gram}@{position}"))
    });
    let cover: Vec<String> = words
        .iter()
        .filter_map(|w| Needle::new(w))
        .map(|needle| {
            let grams = needle.grams();
            let grams = grams
                .iter()
                .map(|(offset, gram)| format!("{gram}@+{offset}"));
            grams.collect::<Vec<_>>().join(" ")
        })
        .collect();
    let lexicon: HashSet<String> = lexicon_words().collect();
    let marked = |words: &[&str]| -> String {
        words
            .iter()
            .map(|w| {
                if lexicon.contains(*w) {
                    format!("{w} (labour lexicon)")
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let synonyms = match &args.synonyms {
        Some(file) => Arc::new(Synonyms::shipped_and(file)?),
        None => Synonyms::shipped(),
    };
    let others = synonyms.others(&normalized);
    let mut out = std::io::stdout().lock();
    stdout_result((|| {
        writeln!(out, "text        {}", args.text)?;
        writeln!(out, "normalised  {normalized}")?;
        writeln!(out, "query words {}", marked(&words))?;
        writeln!(
            out,
            "  each word must occur; it is looked up as the grams {}",
            cover.join(" ; ")
        )?;
        if others.is_empty() {
            writeln!(out, "synonyms    none")?;
        } else {
            writeln!(out, "synonyms    {}", others.join(" | "))?;
            writeln!(
                out,
                "  (a search also finds these, after the passages with the form typed; --exact does not)"
            )?;
        }
        writeln!(out, "index words {}", marked(&passage_words))?;
        writeln!(
            out,
            "  (their bounds rank passages where a query word is one of them, or two or three \
             characters inside one)"
        )?;
        writeln!(out, "index grams {}", grams.join(" "))?;
        writeln!(
            out,
            "  (character positions; any string of Chinese characters is found through them)"
        )
    })())?;
    Ok(Outcome::Success)
}
