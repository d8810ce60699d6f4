//! The passages of the indexing benchmarks' simple indexers: every non-empty line of each
//! record's body in a JSON Lines file compressed with zstd, trimmed.

use std::io::BufRead;

pub fn for_each_body_line(
    corpus: &str,
    mut passage: impl FnMut(&str) -> tantivy::Result<()>,
) -> Result<(), Box<dyn std::error::Error>> {
    let reader = std::io::BufReader::new(zstd::Decoder::new(std::fs::File::open(corpus)?)?);
    for line in reader.lines() {
        let record: serde_json::Value = serde_json::from_str(&line?)?;
        let Some(body) = record["body"].as_str() else {
            continue;
        };
        for paragraph in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
            passage(paragraph)?;
        }
    }
    Ok(())
}
