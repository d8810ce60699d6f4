//! Warm query latency inside one process: the top 10 passages with highlights, for every query
//! of a query file, repeated; prints p50 / p95 / p99.
//!
//! `cargo bench --bench warm_queries -- INDEX_DIR QUERY_FILE`

use std::time::Instant;

use gonghui::{Index, SearchOptions};

const ROUNDS: usize = 20;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let index_dir = args.first().map_or("index", String::as_str);
    let query_file = args
        .get(1)
        .map_or("../shared/bench/queries.txt", String::as_str);
    let index = Index::open(index_dir).unwrap_or_else(|e| panic!("{e}"));
    let queries: Vec<String> = std::fs::read_to_string(query_file)
        .unwrap_or_else(|e| panic!("{query_file}: {e}"))
        .lines()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .collect();
    let options = SearchOptions::default();
    let mut latencies = Vec::new();
    let mut slowest = (0.0, String::new());
    for round in 0..=ROUNDS {
        for query in &queries {
            let started = Instant::now();
            let results = index
                .search(query, &options)
                .unwrap_or_else(|e| panic!("{query}: {e}"));
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            assert!(results.hits.len() <= 10);
            // The first round warms the caches and is not counted.
            if round > 0 {
                latencies.push(ms);
                if ms > slowest.0 {
                    slowest = (ms, query.clone());
                }
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "warm top-10 with highlights, {} queries x {ROUNDS} rounds: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms (slowest {:.2} ms: {})",
        queries.len(),
        at(0.50),
        at(0.95),
        at(0.99),
        slowest.0,
        slowest.1
    );
}
