//! Indexes a folder and searches it through the library.
//!
//! ```sh
//! cargo run --release --example search -- corpus 志愿者
//! ```

use std::path::PathBuf;

use gonghui::{Index, SearchOptions};
use gonghui::{IndexOptions, index_paths};

fn main() -> gonghui::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(corpus), Some(query)) = (args.next(), args.next()) else {
        eprintln!("usage: search CORPUS QUERY");
        std::process::exit(2);
    };
    let dir = std::env::temp_dir().join(format!("gonghui-example-{}", std::process::id()));
    let report = index_paths(&dir, &[PathBuf::from(corpus)], &IndexOptions::default())?;
    println!("indexed {} passages", report.passages);

    let index = Index::open(&dir)?;
    let results = index.search(&query, &SearchOptions::default())?;
    println!("{} passages match {query}", results.total);
    for hit in &results.hits {
        let chars: Vec<char> = hit.passage.text.chars().collect();
        let matches: Vec<String> = hit
            .highlights
            .iter()
            .map(|&(start, end)| chars[start..end].iter().collect())
            .collect();
        println!(
            "{:>2}. {} ({}, para {}): {}",
            hit.rank,
            hit.article.title,
            hit.article.date,
            hit.passage.para,
            matches.join(" ")
        );
    }
    std::fs::remove_dir_all(&dir).map_err(|e| gonghui::Error::Io {
        path: dir,
        source: e,
    })?;
    Ok(())
}
