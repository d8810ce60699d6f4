//! Why the gram fields hold single characters: the text field alone, stored and indexed with
//! positions, as single Han characters (gonghui's grams) or as the bigram scheme gonghui used
//! before (a bigram per Han character, the characters at the edges of Han runs on their own),
//! over the same passages (one document per non-empty body line). Prints the indexing time,
//! the distinct terms and the bytes of postings, positions and terms.
//!
//!     cargo run --release --example gram_fields -- characters|bigrams CORPUS.jsonl.zst DIR

mod body_lines;

use std::time::Instant;

use gonghui::{GramTokenizer, normalize};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexSettings, TantivyDocument};

/// The former scheme: for each Han character the bigram it starts, and the characters at the
/// edges of a Han run alone; other letters and digits as words, as gonghui's grams have them.
/// Positions are character offsets. Made from gonghui's grams: Han characters come one a
/// token, at consecutive positions within a run.
#[derive(Clone, Default)]
struct Bigrams(GramTokenizer);

struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// A gram of one Han character (the news corpus has hardly any outside these blocks).
fn is_han_gram(token: &Token) -> bool {
    let mut chars = token.text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None)
        if ('\u{3400}'..='\u{9FFF}').contains(&c) || ('\u{20000}'..='\u{323AF}').contains(&c))
}

impl Tokenizer for Bigrams {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut grams = Vec::new();
        self.0
            .token_stream(text)
            .process(&mut |token| grams.push(token.clone()));
        let han_at = |i: usize, position: usize| {
            grams
                .get(i)
                .is_some_and(|g: &Token| g.position == position && is_han_gram(g))
        };
        let mut tokens = Vec::new();
        for (i, gram) in grams.iter().enumerate() {
            if !is_han_gram(gram) {
                tokens.push(gram.clone());
                continue;
            }
            let previous_han = i > 0 && gram.position > 0 && han_at(i - 1, gram.position - 1);
            let next_han = han_at(i + 1, gram.position + 1);
            if !previous_han || !next_han {
                tokens.push(gram.clone());
            }
            if next_han {
                let to = grams[i + 1].offset_to;
                tokens.push(Token {
                    offset_to: to,
                    text: text[gram.offset_from..to].to_string(),
                    ..gram.clone()
                });
            }
        }
        Tokens { tokens, next: 0 }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scheme, corpus, dir] = args.as_slice() else {
        return Err("usage: gram_fields characters|bigrams CORPUS.jsonl.zst DIR".into());
    };
    let analyzer = match scheme.as_str() {
        "characters" => TextAnalyzer::from(GramTokenizer::default()),
        "bigrams" => TextAnalyzer::from(Bigrams::default()),
        _ => return Err("the scheme is characters or bigrams".into()),
    };
    let mut schema = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("grams")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = schema.add_text_field(
        "text",
        TextOptions::default()
            .set_stored()
            .set_indexing_options(indexing),
    );
    std::fs::create_dir_all(dir)?;
    let settings = IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(6),
        }),
        docstore_blocksize: 128 * 1024,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema.build())
        .settings(settings)
        .create_in_dir(dir)?;
    index.tokenizers().register("grams", analyzer);

    let started = Instant::now();
    let mut writer = index.writer(50_000_000)?;
    body_lines::for_each_body_line(corpus, |paragraph| {
        let mut doc = TantivyDocument::new();
        doc.add_text(text, normalize(paragraph));
        writer.add_document(doc)?;
        Ok(())
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let seconds = started.elapsed().as_secs_f64();

    let searcher = index.reader()?.searcher();
    let (mut terms, mut term_bytes, mut postings, mut positions) = (0, 0, 0, 0);
    for segment in searcher.segment_readers() {
        terms += segment.inverted_index(text)?.terms().num_terms();
    }
    for segment in searcher.space_usage()?.segments() {
        term_bytes += segment.termdict().total().get_bytes();
        postings += segment.postings().total().get_bytes();
        positions += segment.positions().total().get_bytes();
    }
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!(
        "{scheme}: {seconds:.2} s, {terms} distinct terms (summed over segments), postings {:.1} MB, \
         positions {:.1} MB, terms {:.1} MB",
        mb(postings),
        mb(positions),
        mb(term_bytes)
    );
    Ok(())
}
