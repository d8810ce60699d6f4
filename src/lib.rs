//! gonghui (工会): full-text search for Chinese news archives.
//!
//! Data flows one way, a module per step:
//!
//! - indexing: [`files`] → [`articles`] → [`passages`] → [`analysis`] and [`reprints`]
//!   (signatures) → [`index`];
//! - searching: [`query`] → [`analysis`] → [`search`] (hits, ranked by [`rank`]) → [`reprints`]
//!   (collapsed) → [`highlight`] → [`printer`]; [`facets`] counts the matches by year and
//!   source; [`serve`] answers searches over HTTP.
//!
//! ```
//! use gonghui::{Index, SearchOptions};
//! use gonghui::index::writer::{index_paths, IndexOptions};
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

pub mod analysis;
pub mod articles;
pub mod cli;
pub mod dates;
pub mod error;
pub mod facets;
pub mod files;
pub mod highlight;
pub mod index;
mod order;
pub mod passages;
pub mod printer;
pub mod query;
pub mod rank;
pub mod reprints;
pub mod search;
pub mod serve;
pub mod stats;
mod store;

pub use error::{Error, Result};
pub use index::Index;
pub use search::{Hit, SearchOptions, SearchResults, Sort};
