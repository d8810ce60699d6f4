//! gonghui (工会): full-text search for Chinese news archives.
//!
//! The library is what the `gonghui` command and its server are made of, and what scripts
//! use: [`index_paths`] or an [`Indexer`] to build an index, [`Index`] to open it,
//! [`Index::search`] (or [`Index::search_hits`] for every match, streamed) with
//! [`SearchOptions`], and [`Hit`]s with their highlights; [`printer`] writes them as the
//! documented JSON Lines or as text. Errors are [`Error`]s whose messages say what to do.
//!
//! Inside, data flows one way, a module per step (README, "How it works"):
//! files → articles → passages → analysis and reprints (signatures) → index when indexing;
//! query → analysis → search (ranked by rank, put in order by order) → hits (reprints
//! collapsed, highlights) → printer when searching, every step reading the index through one
//! view of its segments (`index::view`).
//!
//! ```
//! use gonghui::{Index, IndexOptions, SearchOptions, index_paths};
//!
//! # fn main() -> gonghui::Result<()> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let dir = dir.path();
//! // Index a folder of pages (or JSON Lines) into the index directory `dir`.
//! let report = index_paths(dir, &["corpus".into()], &IndexOptions::default())?;
//! assert_eq!(report.passages, 24);
//!
//! let index = Index::open(dir)?;
//! let results = index.search("志愿者", &SearchOptions::default())?;
//! assert_eq!(results.total, 9);
//! for hit in &results.hits {
//!     let text: Vec<char> = hit.passage.text.chars().collect();
//!     for &(start, end) in &hit.highlights {
//!         // Highlights are character offsets into the passage text.
//!         assert_eq!(text[start..end].iter().collect::<String>(), "志愿者");
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Highlight offsets are character offsets (Unicode scalar values) into the passage text.

#![warn(missing_docs)]

mod analysis;
pub mod articles;
pub mod cli;
mod collocates;
mod concordance;
mod dates;
mod disk;
mod error;
mod export;
mod facets;
pub mod files;
mod highlight;
mod hits;
mod index;
mod named;
mod order;
mod passages;
pub mod printer;
pub mod query;
mod rank;
mod reprints;
mod search;
mod serve;
mod shards;
mod stats;
mod store;
mod trend;

pub use analysis::AnalyzerConfig;
pub use analysis::normalize;
pub use analysis::report::{Analysis, Gram, Word};
pub use analysis::tokenizers::GramTokenizer;
pub use articles::Article;
pub use collocates::{Collocate, CollocateOptions, Collocates, MOST_SCORED, log_likelihood};
pub use concordance::{Concordance, ConcordanceOptions, Line, LineSort};
pub use error::{DateBound, Error, Result};
pub use export::{Exporter, Format, HIT_COLUMNS, Rows, gbt7714, reference};
pub use facets::{FacetCount, Facets};
pub use files::Skipped;
pub use highlight::Span;
pub use hits::{ArticleInfo, Hit, Hits, PassageInfo, SearchResults, Summary};
pub use index::check::{CheckReport, Problem};
pub use index::view::Counts;
pub use index::writer::{IndexOptions, IndexReport, Indexer, index_paths};
pub use index::{Index, IndexConfig};
pub use order::Sort;
pub use passages::{Dropped, MAX_PASSAGE_CHARS, Passage};
pub use query::synonyms::Synonyms;
pub use rank::{Explanation, Part};
pub use reprints::{GroupCounts, Reprint};
pub use search::SearchOptions;
pub use serve::{ShardStep, shard_answer};
pub use shards::{ShardBy, ShardPlan, ShardShare, Statistics, plan_shards};
pub use stats::{SourceCount, Stats};
pub use trend::{Period, Series, Trend, Unit};
