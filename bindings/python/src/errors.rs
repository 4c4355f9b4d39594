//! Core errors as Python exceptions, and the guard every call into the core goes through.
//!
//! One conversion maps every `cloud_tco::Error` variant to a real exception class (after polars'
//! `From<PyPolarsErr> for PyErr`), each carrying every problem with its file, line and field
//! (after pydantic-core's `ValidationError`). The classes are defined in Python
//! (`cloud_tco/_errors.py`) so that they can subclass both `CloudTcoError` and `ValueError`, pickle,
//! and be read by type checkers like any other Python class.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use cloud_tco::sla::SlaError;
use cloud_tco::{Error, PricingError, Problem};
use pyo3::prelude::*;
use pyo3::type_object::PyTypeInfo;
use pyo3::types::{PyDict, PyList};

/// The exception classes of `cloud_tco/_errors.py`.
mod exc {
    pyo3::import_exception!(cloud_tco._errors, CloudTcoError);
    pyo3::import_exception!(cloud_tco._errors, CatalogError);
    pyo3::import_exception!(cloud_tco._errors, ProjectError);
    pyo3::import_exception!(cloud_tco._errors, PricingError);
    pyo3::import_exception!(cloud_tco._errors, TooLargeError);
    pyo3::import_exception!(cloud_tco._errors, ReportError);
    pyo3::import_exception!(cloud_tco._errors, SlaError);
}

/// Why a call into the core failed.
pub(crate) enum Fault {
    /// The core reported an error.
    Core(Error),
    /// An SLA file is not valid (the core keeps this error apart from [`Error`]).
    Sla(SlaError),
    /// The core panicked; the text is the panic message.
    Panic(String),
}

impl From<Error> for Fault {
    fn from(e: Error) -> Self {
        Fault::Core(e)
    }
}

impl From<SlaError> for Fault {
    fn from(e: SlaError) -> Self {
        Fault::Sla(e)
    }
}

/// Runs `f`, turning a panic into [`Fault::Panic`] so that it can never cross into Python as a
/// `PanicException` (which derives from `BaseException` and escapes `except Exception`).
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Fault> {
    guarded_any(f)
}

/// [`guarded`] for a call whose error is any kind of [`Fault`] (e.g. the core's `SlaError`).
pub(crate) fn guarded_any<T, E: Into<Fault>>(f: impl FnOnce() -> Result<T, E>) -> Result<T, Fault> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(Into::into),
        Err(payload) => {
            let text = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "a panic without a message".to_owned()
            };
            Err(Fault::Panic(text))
        }
    }
}

/// Runs `f` on the core with the GIL released, then checks for Ctrl-C (after polars'
/// `utils.rs`): a `KeyboardInterrupt` raised while the core was working wins over its result.
pub(crate) fn detached<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> Result<T, Error> + Send,
{
    detached_any(py, f)
}

/// [`detached`] for a call whose error is any kind of [`Fault`].
pub(crate) fn detached_any<T, E, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    E: Into<Fault>,
    F: FnOnce() -> Result<T, E> + Send,
{
    let result = py.detach(|| guarded_any(f));
    py.check_signals()?;
    result.map_err(|fault| fault.into_pyerr(py))
}

/// How long the core works between two checks for Ctrl-C in the long calls (`plan_many`,
/// `batch`).
pub(crate) const SLICE: Duration = Duration::from_millis(50);

impl Fault {
    /// The Python exception for this fault.
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        self.into_pyerr_with(py, &|_| None)
    }

    /// As [`Fault::into_pyerr`], with `record_of` giving the 0-based record a problem's line
    /// belongs to (for catalogs built from records).
    pub(crate) fn into_pyerr_with(
        self,
        py: Python<'_>,
        record_of: &dyn Fn(&Problem) -> Option<usize>,
    ) -> PyErr {
        build(py, self, record_of).unwrap_or_else(|e| e)
    }
}

fn problem_dict<'py>(
    py: Python<'py>,
    p: &Problem,
    record: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("file", p.location.file.as_deref())?;
    d.set_item("line", p.location.line)?;
    d.set_item("field", p.location.field.as_deref())?;
    d.set_item("message", &p.message)?;
    d.set_item("record", record)?;
    Ok(d)
}

fn problem(field: Option<String>, message: String) -> Problem {
    Problem {
        location: cloud_tco::Location {
            file: None,
            line: None,
            field,
        },
        message,
    }
}

/// The project field a pricing error points at: the leading field path of `needed_by`
/// (`servers[1] (db)` → `servers[1]`), none for the price table's own requests.
fn needed_by_field(needed_by: &str) -> Option<String> {
    let head = needed_by.split(" (").next().unwrap_or_default().trim();
    let looks_like_path = head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !head.contains(char::is_whitespace);
    looks_like_path.then(|| head.to_owned())
}

/// Machine-readable details of a pricing error: its kind and the named parts of the message.
fn pricing_details(e: &PricingError) -> (&'static str, Vec<(&'static str, String)>) {
    match e {
        PricingError::NotListed {
            category,
            item,
            needed_by,
        } => (
            "not_listed",
            vec![
                ("category", category.clone()),
                ("item", item.clone()),
                ("needed_by", needed_by.clone()),
            ],
        ),
        PricingError::ProviderMissing {
            provider,
            category,
            item,
            needed_by,
        } => (
            "provider_missing",
            vec![
                ("provider", provider.clone()),
                ("category", category.clone()),
                ("item", item.clone()),
                ("needed_by", needed_by.clone()),
            ],
        ),
        PricingError::NoFittingFlavor {
            vcpu,
            memory_gb,
            needed_by,
        } => (
            "no_fitting_flavor",
            vec![
                ("vcpu", vcpu.to_string()),
                ("memory_gb", memory_gb.clone()),
                ("needed_by", needed_by.clone()),
            ],
        ),
        PricingError::NotPriceable {
            category,
            item,
            needed_by,
            reason,
        } => (
            "not_priceable",
            vec![
                ("category", category.clone()),
                ("item", item.clone()),
                ("needed_by", needed_by.clone()),
                ("reason", reason.clone()),
            ],
        ),
        PricingError::UnknownBasis(text) => ("unknown_basis", vec![("basis", text.clone())]),
        PricingError::UnknownProvider(name) => {
            ("unknown_provider", vec![("provider", name.clone())])
        }
    }
}

fn build(
    py: Python<'_>,
    fault: Fault,
    record_of: &dyn Fn(&Problem) -> Option<usize>,
) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    let (class, message, problems) = match fault {
        Fault::Core(Error::Catalog(e)) => (
            exc::CatalogError::type_object(py),
            e.to_string(),
            e.problems,
        ),
        Fault::Core(Error::Project(e)) => (
            exc::ProjectError::type_object(py),
            e.to_string(),
            e.problems,
        ),
        Fault::Core(Error::Pricing(e)) => {
            let (kind, details) = pricing_details(&e);
            let field = details
                .iter()
                .find(|(k, _)| *k == "needed_by")
                .and_then(|(_, v)| needed_by_field(v));
            let message = e.to_string();
            let info = PyDict::new(py);
            for (k, v) in details {
                info.set_item(k, v)?;
            }
            kwargs.set_item("kind", kind)?;
            kwargs.set_item("details", info)?;
            (
                exc::PricingError::type_object(py),
                message.clone(),
                vec![problem(field, message)],
            )
        }
        Fault::Core(e @ Error::TooLarge(_)) => {
            let message = e.to_string();
            (
                exc::TooLargeError::type_object(py),
                message.clone(),
                vec![problem(None, message)],
            )
        }
        Fault::Sla(e) => (exc::SlaError::type_object(py), e.to_string(), e.problems),
        Fault::Core(e @ Error::Report(_)) => {
            let message = e.to_string();
            (
                exc::ReportError::type_object(py),
                message.clone(),
                vec![problem(None, message)],
            )
        }
        Fault::Panic(text) => {
            let message = format!(
                "internal error in cloud-tco ({text}); this is a bug, please report it with the input that caused it"
            );
            (
                exc::CloudTcoError::type_object(py),
                message.clone(),
                vec![problem(None, message)],
            )
        }
    };
    let list = PyList::empty(py);
    for p in &problems {
        list.append(problem_dict(py, p, record_of(p))?)?;
    }
    let exc = class.call((message, list), Some(&kwargs))?;
    Ok(PyErr::from_value(exc))
}

/// Panics inside the guard, so that tests can prove a panic surfaces as `CloudTcoError`.
#[pyfunction]
#[pyo3(name = "_internal_error_for_tests")]
pub(crate) fn internal_error_for_tests(py: Python<'_>) -> PyResult<()> {
    detached(py, || -> Result<(), Error> {
        panic!("deliberate panic for the test suite")
    })
}
