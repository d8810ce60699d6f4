//! gonghui (工会): full-text search for Chinese news archives.
//!
//! Data flows one way, a module per step:
//!
//! - indexing: [`files`] → [`articles`] → [`passages`] → [`analysis`] → [`index`];
//! - searching: [`query`] → [`analysis`] → [`search`] (hits) → [`highlight`] → [`printer`].
//!
//! ```no_run
//! use gonghui::{Index, SearchOptions};
//! use gonghui::index::writer::{index_paths, IndexOptions};
//!
//! # fn main() -> gonghui::Result<()> {
//! index_paths("index".as_ref(), &["corpus".into()], &IndexOptions::default())?;
//! let index = Index::open("index")?;
//! let results = index.search("志愿者", &SearchOptions::default())?;
//! for hit in &results.hits {
//!     println!("{} ¶{}: {:?}", hit.article.title, hit.passage.para, hit.highlights);
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
pub mod files;
pub mod highlight;
pub mod index;
pub mod passages;
pub mod printer;
pub mod query;
pub mod search;
pub mod stats;

pub use error::{Error, Result};
pub use index::Index;
pub use search::{Hit, SearchOptions, SearchResults, Sort};
