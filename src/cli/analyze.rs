//! `gonghui analyze`: how a text is normalised and cut, to see why something (did not) match.

use std::io::Write;
use std::sync::Arc;

use super::{IndexDir, Outcome, stdout_result};
use crate::analysis::report::Word;
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
    /// Write the analysis as one JSON object
    #[arg(long)]
    json: bool,
}

fn marked(words: &[Word]) -> String {
    let words = words.iter().map(|w| {
        if w.lexicon {
            format!("{} (labour lexicon)", w.word)
        } else {
            w.word.clone()
        }
    });
    words.collect::<Vec<_>>().join(" | ")
}

pub fn run(args: Args) -> Result<Outcome> {
    let index = Index::open(args.index.path())?;
    let synonyms = match &args.synonyms {
        Some(file) => Arc::new(Synonyms::shipped_and(file)?),
        None => Synonyms::shipped(),
    };
    let analysis = index.analyze(&args.text, &synonyms);
    if args.json {
        let mut out = std::io::stdout().lock();
        stdout_result(crate::printer::json_line(&mut out, &analysis))?;
        return Ok(Outcome::Success);
    }
    let cover: Vec<String> = analysis
        .lookups
        .iter()
        .map(|grams| {
            let grams = grams.iter().map(|g| format!("{}@+{}", g.gram, g.position));
            grams.collect::<Vec<_>>().join(" ")
        })
        .collect();
    let grams: Vec<String> = analysis
        .grams
        .iter()
        .map(|g| format!("{}@{}", g.gram, g.position))
        .collect();
    let mut out = std::io::stdout().lock();
    stdout_result((|| {
        writeln!(out, "text        {}", analysis.text)?;
        writeln!(out, "normalised  {}", analysis.normalized)?;
        writeln!(out, "query words {}", marked(&analysis.query_words))?;
        writeln!(
            out,
            "  each word must occur; it is looked up as the grams {}",
            cover.join(" ; ")
        )?;
        if analysis.synonyms.is_empty() {
            writeln!(out, "synonyms    none")?;
        } else {
            writeln!(out, "synonyms    {}", analysis.synonyms.join(" | "))?;
            writeln!(
                out,
                "  (a search also finds these, after the passages with the form typed; --exact does not)"
            )?;
        }
        writeln!(out, "index words {}", marked(&analysis.index_words))?;
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
