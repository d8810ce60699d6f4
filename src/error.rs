//! The library's error type. Every message says what went wrong, where, and what to do; the
//! command line and the HTTP API word the errors in what their users sent (flags, parameters)
//! where the library's words would not do.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

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
    /// The index's folder cannot be written: it can be searched, not indexed.
    #[error(
        "index {} is read-only: searching works, indexing needs a folder that can be written \
         (copy the index to one, or index into another with --index DIR)",
        .0.display()
    )]
    ReadOnly(PathBuf),
    /// The index was made by another version or analyzer configuration.
    #[error("{0}")]
    Incompatible(String),
    /// A file of the index is missing, cut short or corrupted.
    #[error(
        "index {} is damaged: {}\n  `gonghui check --index {}` lists what is wrong; restore \
         the index from a backup, or rebuild it with `gonghui index --rebuild --index {} \
         PATH...`\n  (tantivy: {})",
        .index.display(), .what, .index.display(), .index.display(), .detail
    )]
    Damaged {
        /// The index.
        index: PathBuf,
        /// What is wrong, in words.
        what: String,
        /// tantivy's words.
        detail: String,
    },
    /// gonghui failed on an index whose files are sound: a bug.
    #[error(
        "internal error: {0}; the index's files are sound, so this is a bug in gonghui: please report it"
    )]
    Internal(String),
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

    /// The error as said of the index in `dir`: a failure to read one of its files that
    /// shows the file damaged becomes [`Error::Damaged`].
    pub(crate) fn of_index(self, dir: &Path) -> Error {
        match self {
            Error::Tantivy(error) => match damage(&error) {
                Some(what) => Error::Damaged {
                    index: dir.to_path_buf(),
                    what,
                    // tantivy quotes a damaged meta.json whole.
                    detail: error.to_string().chars().take(DETAIL_CHARS).collect(),
                },
                None => Error::Tantivy(error),
            },
            other => other,
        }
    }

    /// The message, naming the values the user sent as `name` spells them (a flag, a
    /// parameter) where the error is about one.
    pub fn worded(&self, name: impl Fn(DateBound, &str) -> String) -> String {
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

/// How much of tantivy's words a damaged index's message quotes.
const DETAIL_CHARS: usize = 400;

/// What is wrong with the index, when tantivy failed because one of its files is missing,
/// cut short or corrupted (rather than for want of memory, a lock or a permission).
fn damage(error: &tantivy::TantivyError) -> Option<String> {
    use std::io::ErrorKind::{InvalidData, UnexpectedEof};
    use tantivy::directory::error::OpenReadError;
    let damaged_io = |io: &std::io::Error| matches!(io.kind(), InvalidData | UnexpectedEof);
    match error {
        tantivy::TantivyError::DataCorruption(corruption) => {
            Some(match format!("{corruption:?}").contains("meta.json") {
                true => "its list of segments (meta.json) cannot be read".to_string(),
                false => "one of its files is corrupted".to_string(),
            })
        }
        tantivy::TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => {
            Some(format!("its file {} is missing", file.display()))
        }
        tantivy::TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
            if damaged_io(io_error) =>
        {
            Some(format!(
                "its file {} is cut short or corrupted",
                filepath.display()
            ))
        }
        tantivy::TantivyError::IoError(io) if damaged_io(io) => {
            Some("one of its files is cut short or corrupted".to_string())
        }
        _ => None,
    }
}

/// Reads going on under [`reading`], whose panics are reported as errors, not printed.
static READING: AtomicUsize = AtomicUsize::new(0);
/// The message of the last panic under [`reading`].
static PANIC_MESSAGE: Mutex<String> = Mutex::new(String::new());

/// Runs `read`, which reads the index in `dir`. tantivy trusts its files and may panic on a
/// corrupted one: such a panic becomes [`Error::Damaged`] naming the files that fail their
/// checksum (or [`Error::Internal`] when every file is sound); errors that show a damaged
/// file become [`Error::Damaged`] too.
pub(crate) fn reading<T>(dir: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match READING.load(Ordering::SeqCst) {
            0 => report(info),
            _ => {
                let mut message = PANIC_MESSAGE.lock().unwrap_or_else(|e| e.into_inner());
                // The payload alone: where in tantivy's sources it panicked helps no reader.
                let payload = info.payload();
                let said = payload.downcast_ref::<&str>().map(|s| s.to_string());
                *message = said
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| info.to_string());
            }
        }));
    });
    READING.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    READING.fetch_sub(1, Ordering::SeqCst);
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => match error.of_index(dir) {
            // An error of tantivy's that does not show damage may still come of it (a block
            // that does not decompress): the files' checksums tell.
            Error::Tantivy(error) => {
                Err(damaged_files(dir, error.to_string()).unwrap_or(Error::Tantivy(error)))
            }
            other => Err(other),
        },
        Err(_) => {
            let message = PANIC_MESSAGE
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            Err(damaged_files(dir, message.clone()).unwrap_or(Error::Internal(message)))
        }
    }
}

/// [`Error::Damaged`] naming the files of the index in `dir` that `gonghui check` finds
/// wrong, or `None` when it finds none.
fn damaged_files(dir: &Path, detail: String) -> Option<Error> {
    let problems = crate::index::check::file_problems(dir);
    if problems.is_empty() {
        return None;
    }
    let what = problems
        .iter()
        .map(|p| format!("{} {}", p.file, p.problem).trim().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    Some(Error::Damaged {
        index: dir.to_path_buf(),
        what,
        detail,
    })
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
