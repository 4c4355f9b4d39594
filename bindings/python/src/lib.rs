//! The Python binding of cloud-tco: the same engine as the command line, for budget analysts who
//! work in Jupyter.
//!
//! This crate is a thin layer. It converts Python values into the core's inputs (project JSON
//! text, catalog CSV text), calls the core, and converts the results back: money as
//! `decimal.Decimal` built from the core's exact text, never as `float`. It has no estimation
//! logic of its own; the only arithmetic here is the exact, checked summing of line amounts into
//! the rows of the wide 중기재정계획 table and of a budget item's yearly figures in the TCO form.
//!
//! Layout (after huggingface/tokenizers' `bindings/python`): one Rust module per Python class,
//! wrappers named `PyCatalog`, `PyProject`, `PyPlan`, `PyTco`, `PySlaResult` that Python sees as
//! `Catalog`, `Project`, `Plan`, `Tco`, `SlaResult`; `batch` has its own module. DataFrames, HTML and charts are built by the private Python modules of the package
//! (`cloud_tco._frames`, `cloud_tco._batch`, `cloud_tco._plot`) from data this crate hands over.
//!
//! Every entry point runs the core inside `errors::guarded`: core errors become the exception
//! classes of `cloud_tco._errors`, and a panic becomes `CloudTcoError` ("internal error"), never a
//! `PanicException`. Long work releases the GIL and turns Ctrl-C into `KeyboardInterrupt`.

mod batch;
mod catalog;
mod convert;
mod errors;
mod plan;
mod project;
mod sla;
mod tables;
mod tco;

use pyo3::prelude::*;

/// mimalloc, as in the command line: a plan allocates many small strings and vectors, and the
/// engine runs markedly faster on it than on glibc's allocator. Only the extension's own Rust
/// allocations use it; Python objects keep Python's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The compiled core of the `cloud_tco` package. Import `cloud_tco`, not this module.
#[pymodule(name = "_cloud_tco")]
mod cloud_tco_module {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::batch::batch;
    #[pymodule_export]
    use crate::catalog::PyCatalog;
    #[pymodule_export]
    use crate::plan::{plan, plan_many, PyPlan};
    #[pymodule_export]
    use crate::project::PyProject;
    #[pymodule_export]
    use crate::sla::{sla, PySlaResult};
    #[pymodule_export]
    use crate::tables::{compare, prices};
    #[pymodule_export]
    use crate::tco::{tco, PyTco};

    #[pymodule_export]
    use crate::errors::internal_error_for_tests;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
