//! The library's error type. Every message says what went wrong, where, and what to do; the
//! command line and the HTTP API word the errors in what their users sent (flags, parameters)
//! where the library's words would not do.

use std::path::PathBuf;

/// Errors returned by the gonghui library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file (or folder).
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The query text is not valid query syntax.
    #[error("bad query: {0}")]
    Query(String),
    /// A bound of a date filter is not a date.
    #[error("{bound} date {text}: not a date such as 2021-11-03")]
    Date {
        /// Which bound.
        bound: DateBound,
        /// The text given.
        text: String,
    },
    /// The first day of a date filter is after its last.
    #[error("the from date {from} is after the to date {to}")]
    DateRange {
        /// The first day, as given.
        from: String,
        /// The last day, as given.
        to: String,
    },
    /// A value given to the library (a dictionary line, a synonyms file…) is not usable.
    #[error("{0}")]
    Usage(String),
    /// The server could not start, or stopped on a failure.
    #[error("{0}")]
    Server(String),
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

/// A bound of a date filter ([`crate::SearchOptions::from`] or [`crate::SearchOptions::to`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// The first day.
    From,
    /// The last day.
    To,
}

impl DateBound {
    /// `from` or `to`, as the options, the flags and the API's parameters name the bound.
    pub fn name(self) -> &'static str {
        match self {
            DateBound::From => "from",
            DateBound::To => "to",
        }
    }
}

impl std::fmt::Display for DateBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The message, naming the values the user sent as `name` spells them (a flag, a
    /// parameter) where the error is about one.
    pub(crate) fn worded(&self, name: impl Fn(DateBound, &str) -> String) -> String {
        match self {
            Error::Date { bound, text } => {
                format!("{}: not a date such as 2021-11-03", name(*bound, text))
            }
            Error::DateRange { from, to } => format!(
                "{} is after {}",
                name(DateBound::From, from),
                name(DateBound::To, to)
            ),
            other => other.to_string(),
        }
    }
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
