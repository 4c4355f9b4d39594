//! `Project`: a project (SPEC §4) from a TOML or JSON file, JSON text, or a Python dict.

use std::path::PathBuf;

use cloud_tco::project::ProjectFormat;
use cloud_tco::Project;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyMapping;

use crate::convert::{date_from_text, py_to_json, type_name};
use crate::errors::{detached, guarded};

/// A validated project: its servers, storage, network, backup, security, extras and entered
/// costs (SPEC §4).
///
/// Build one with `Project.from_toml(path)`, `Project.from_toml_str(text)`,
/// `Project.from_json(text)` or `Project.from_dict(d)`.
#[pyclass(name = "Project", module = "cloud_tco", frozen)]
pub struct PyProject {
    pub(crate) inner: Project,
}

#[pymethods]
impl PyProject {
    /// Reads a project file. The format follows the extension, as in the command line: `.json`
    /// is JSON, anything else TOML. Errors name the file, the line and the field.
    #[staticmethod]
    fn from_toml(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let Ok(path) = path.extract::<PathBuf>() else {
            return Err(PyTypeError::new_err(format!(
                "path must be a str or os.PathLike, not {}",
                type_name(path)
            )));
        };
        let inner = detached(py, || Ok(Project::from_path(&path)?))?;
        Ok(PyProject { inner })
    }

    /// Reads a project from TOML text; `name` defaults to "project".
    #[staticmethod]
    fn from_toml_str(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = text_arg(text, "text")?;
        let inner = detached(py, || Ok(Project::from_toml_str(&text)?))?;
        Ok(PyProject { inner })
    }

    /// Reads a project from JSON text (the same schema as TOML).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = text_arg(text, "text")?;
        let inner = detached(py, || Ok(Project::from_json_str(&text)?))?;
        Ok(PyProject { inner })
    }

    /// Builds a project from a dict with the keys of the project file (SPEC §4).
    ///
    /// Money and quantities pass exactly: `decimal.Decimal` and `int` keep every digit, a `float`
    /// is read from its shortest decimal form (`0.1` is exactly 0.1), as in a TOML file. Dates
    /// may be `datetime.date` or `"YYYY-MM-DD"`. Errors name the field, e.g. `servers[0].vcpu`.
    #[staticmethod]
    fn from_dict(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<Self> {
        if d.cast::<PyMapping>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "d must be a dict with the keys of a project file, not {}",
                type_name(d)
            )));
        }
        let value = py_to_json(d, "")?;
        let text = value.to_string();
        let result = py.detach(|| {
            guarded(|| {
                Project::parse(&text, ProjectFormat::Json, None, "project").map_err(|mut e| {
                    // Lines of the generated JSON text mean nothing to the caller; the field does.
                    for p in &mut e.problems {
                        p.location.line = None;
                    }
                    e.into()
                })
            })
        });
        py.check_signals()?;
        let inner = result.map_err(|f| f.into_pyerr(py))?;
        Ok(PyProject { inner })
    }

    /// The project name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// `new` (신규구축), `conversion` (전환) or `rebuild` (재구축).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.key()
    }

    /// `iaas`, `saas` or `mixed`.
    #[getter]
    fn service_model(&self) -> &'static str {
        self.inner.service_model.key()
    }

    /// 예산요구연도: the first year of the mid-term plan.
    #[getter]
    fn budget_year(&self) -> i32 {
        self.inner.budget_year
    }

    /// The first day of cloud use.
    #[getter]
    fn service_start<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        date_from_text(py, &self.inner.service_start.format("%Y-%m-%d").to_string())
    }

    /// Years of use (default 7).
    #[getter]
    fn usage_years(&self) -> u32 {
        self.inner.usage_years
    }

    /// Years of the mid-term plan (default 5).
    #[getter]
    fn midterm_years(&self) -> u32 {
        self.inner.midterm_years
    }

    /// The project's own price basis (`[options] basis`), if it names one.
    #[getter]
    fn basis(&self) -> Option<String> {
        self.inner.options.basis.as_ref().map(ToString::to_string)
    }

    fn __repr__(&self) -> String {
        format!(
            "Project(name={:?}, kind={:?}, budget_year={}, service_start={})",
            self.inner.name,
            self.inner.kind.key(),
            self.inner.budget_year,
            self.inner.service_start.format("%Y-%m-%d")
        )
    }
}

fn text_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if obj.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a str, not None"
        )));
    }
    crate::convert::str_arg(Some(obj), name, "")
}
