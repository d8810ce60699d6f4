//! The limit for an indexer that must segment every character: the corpus's article bodies
//! cut by jieba-rs alone, in search mode without HMM (as gonghui indexes), on every core.
//!
//! `cargo bench --bench jieba_limit -- ../shared/corpus/news.jsonl.zst`

use std::io::BufRead;
use std::time::Instant;

use tantivy_jieba::jieba_rs::Jieba;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "../shared/corpus/news.jsonl.zst".to_string());
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
    let mut bodies: Vec<String> = Vec::new();
    let mut text_bytes = 0;
    for line in reader.lines() {
        let line = line.unwrap();
        text_bytes += line.len() + 1;
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        bodies.push(record["body"].as_str().unwrap_or_default().to_string());
    }
    let jieba = Jieba::new();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let tokens: usize = std::thread::scope(|scope| {
            let chunks = bodies.chunks(bodies.len().div_ceil(threads));
            let handles: Vec<_> = chunks
                .map(|chunk| {
                    let jieba = &jieba;
                    scope.spawn(move || {
                        chunk
                            .iter()
                            .flat_map(|body| body.split('\n'))
                            .map(|paragraph| jieba.cut_for_search(paragraph, false).len())
                            .sum::<usize>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        runs.push((started.elapsed().as_secs_f64(), tokens));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (median, tokens) = runs[runs.len() / 2];
    let mb = text_bytes as f64 / 1e6;
    println!(
        "jieba-only limit: {mb:.1} MB of text ({tokens} tokens) in {median:.2} s on {threads} threads \
         = {:.1} MB/s (median of {} runs)",
        mb / median,
        runs.len()
    );
}
