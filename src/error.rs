//! The library's error type. Every message says what went wrong, where, and what to do.

use std::path::PathBuf;

/// Errors returned by the gonghui library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The query text is not valid query syntax.
    #[error("bad query: {0}")]
    Query(String),
    /// A command-line value (date, limit, dictionary line...) is not usable.
    #[error("{0}")]
    Usage(String),
    /// There is no index at the given place.
    #[error("no index at {}: build one with `gonghui index --index {} PATH...`", .0.display(), .0.display())]
    NoIndex(PathBuf),
    /// Another `gonghui index` holds the index's writer lock.
    #[error("index {} is locked by another gonghui index; wait for it to finish", .0.display())]
    Locked(PathBuf),
    /// The index was made by another version or analyzer configuration.
    #[error("{0}")]
    Incompatible(String),
    /// An error inside the search library.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The text of a UTF-8 file the user gave (a dictionary, a synonyms file); `what` names it in
/// the error.
pub(crate) fn read_text(path: &std::path::Path, what: &str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("{}: {what} is not UTF-8 text", path.display())))
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
