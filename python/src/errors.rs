//! The library's errors as Python exceptions: one base, `gonghui.Error`, and a subclass for
//! each kind a script handles differently, carrying the command line's messages.

use pyo3::PyErr;
use pyo3::create_exception;
use pyo3::exceptions::PyException;

create_exception!(
    gonghui,
    Error,
    PyException,
    "Base of every error gonghui raises; its message says what went wrong and what to do."
);
create_exception!(
    gonghui,
    QueryError,
    Error,
    "The query is not valid query syntax."
);
create_exception!(
    gonghui,
    UsageError,
    Error,
    "An argument is not usable: a date that is not a date, an unknown order, a bad synonyms \
     or dictionary file."
);
create_exception!(
    gonghui,
    IndexNotFound,
    Error,
    "There is no index at the path given."
);
create_exception!(
    gonghui,
    IndexLocked,
    Error,
    "Another indexing run holds the index's writer lock."
);
create_exception!(
    gonghui,
    IndexReadOnly,
    Error,
    "The index's folder cannot be written: it can be searched, not indexed."
);
create_exception!(
    gonghui,
    IndexIncompatible,
    Error,
    "The index was made by another version of gonghui or another analyzer configuration: \
     rebuild it."
);
create_exception!(
    gonghui,
    IndexDamaged,
    Error,
    "A file of the index is missing, cut short or corrupted: `gonghui check` lists what."
);
create_exception!(
    gonghui,
    FileError,
    Error,
    "A file could not be read or written (the message names it)."
);
create_exception!(
    gonghui,
    InternalError,
    Error,
    "gonghui failed on sound input: a bug to report."
);

/// The exception for a library error, with its message in Python's words: a date filter is
/// named by its keyword argument.
pub fn raised(error: gonghui::Error) -> PyErr {
    use gonghui::Error as E;
    let message = error.worded(|bound, text| format!("date_{}={text:?}", bound.name()));
    match error {
        E::Query(_) => QueryError::new_err(message),
        E::Date { .. } | E::DateRange { .. } | E::Usage(_) => UsageError::new_err(message),
        E::NoIndex(_) => IndexNotFound::new_err(message),
        E::Locked(_) => IndexLocked::new_err(message),
        E::ReadOnly(_) => IndexReadOnly::new_err(message),
        E::Incompatible(_) => IndexIncompatible::new_err(message),
        E::Damaged { .. } => IndexDamaged::new_err(message),
        E::Io { .. } => FileError::new_err(message),
        E::Internal(_) | E::Server(_) | E::Tantivy(_) => InternalError::new_err(message),
    }
}

/// The exception for an argument the library would refuse.
pub fn usage(message: impl Into<String>) -> PyErr {
    UsageError::new_err(message.into())
}
