//! Why the gram fields hold single characters: the text field alone, stored and indexed with
//! positions, as single Han characters (gonghui's grams) or as the bigram scheme gonghui used
//! before (a bigram per Han character, the characters at the edges of Han runs on their own),
//! over the same passages (one document per non-empty body line). Prints the indexing time,
//! the distinct terms and the bytes of postings, positions and terms.
//!
//!     cargo run --release --example gram_fields -- characters|bigrams CORPUS.jsonl.zst DIR

mod body_lines;

use std::time::Instant;

use gonghui::analysis::grams::{for_each_gram, is_han};
use gonghui::analysis::normalize;
use gonghui::analysis::tokenizers::GramTokenizer;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexSettings, TantivyDocument};

/// The former scheme: for each Han character the bigram it starts, and the characters at the
/// edges of a Han run alone; other letters and digits as words. Positions are character
/// offsets.
#[derive(Clone, Default)]
struct Bigrams;

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

impl Tokenizer for Bigrams {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut tokens = Vec::new();
        let mut push = |position: usize, from: usize, to: usize| {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text[from..to].to_string(),
                position_length: 1,
            })
        };
        let end = |i: usize| chars.get(i + 1).map_or(text.len(), |&(b, _)| b);
        for (i, &(byte, c)) in chars.iter().enumerate() {
            if !is_han(c) {
                continue;
            }
            let previous_han = i > 0 && is_han(chars[i - 1].1);
            let next_han = chars.get(i + 1).is_some_and(|&(_, n)| is_han(n));
            if !previous_han || !next_han {
                push(i, byte, end(i));
            }
            if next_han {
                push(i, byte, end(i + 1));
            }
        }
        // Words of other letters and digits, as gonghui's grams have them.
        for_each_gram(text, |position, gram| {
            if !gram.chars().next().is_some_and(is_han) {
                let from = gram.as_ptr() as usize - text.as_ptr() as usize;
                push(position, from, from + gram.len());
            }
        });
        tokens.sort_by_key(|t| t.position);
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
        "bigrams" => TextAnalyzer::from(Bigrams),
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
