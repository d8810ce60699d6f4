//! The baseline of `benches/index_speed.sh`: the indexer a user writes from tantivy and
//! tantivy-jieba alone. One text field, cut by tantivy-jieba's tokenizer, indexed with
//! positions and stored; one document per non-empty line of each record's body; one writer
//! with tantivy's default threads.
//!
//!     cargo run --release --example plain_indexer -- CORPUS.jsonl.zst INDEX_DIR

mod body_lines;

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, TantivyDocument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, dir] = args.as_slice() else {
        return Err("usage: plain_indexer CORPUS.jsonl.zst INDEX_DIR".into());
    };

    let mut schema = Schema::builder();
    let text = schema.add_text_field(
        "text",
        TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("jieba")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    std::fs::create_dir_all(dir)?;
    let index = Index::create_in_dir(dir, schema.build())?;
    index
        .tokenizers()
        .register("jieba", tantivy_jieba::JiebaTokenizer::new());
    let mut writer = index.writer(50_000_000)?;

    let mut docs = 0u64;
    body_lines::for_each_body_line(corpus, |paragraph| {
        let mut doc = TantivyDocument::new();
        doc.add_text(text, paragraph);
        writer.add_document(doc)?;
        docs += 1;
        Ok(())
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    println!("indexed {docs} documents");
    Ok(())
}
