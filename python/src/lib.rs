//! The Python package `gonghui`: the library's indexing, search and hits as Python objects.
//! `gonghui/__init__.py` re-exports this module (`gonghui._gonghui`) and adds what is plain
//! Python (`to_pandas`).

mod errors;
mod hits;
mod html;
mod index;

use pyo3::prelude::*;

#[pymodule]
mod _gonghui {
    #[pymodule_export]
    use crate::errors::{
        Error, FileError, IndexDamaged, IndexIncompatible, IndexLocked, IndexNotFound,
        IndexReadOnly, InternalError, QueryError, UsageError,
    };
    #[pymodule_export]
    use crate::hits::{Article, Hit, HitIter, Reprint, Results};
    #[pymodule_export]
    use crate::index::{Index, IndexReport, index, plan_shards};

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
