//! `Plan` and the functions that make plans: `plan` and `plan_many`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Datelike;
use cloud_tco::batch::PlannerPool;
use cloud_tco::report::{self, Lang, MoneyUnit};
use cloud_tco::{Catalog, Error, Plan, PriceBasis, Project};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use crate::catalog::PyCatalog;
use crate::convert::{
    bool_arg, class_arg, opt_str_arg, report_to_py, str_arg, type_name, PLAN_JSON,
};
use crate::errors::{detached, guarded, Fault, SLICE};
use crate::project::PyProject;
use crate::tables;

/// A priced budget plan: lines by fiscal year, the mid-term financial plan (중기재정계획), the
/// usage-fee scale over the usage window (7년 이용료 규모) and the project total (총사업비).
///
/// Money is `decimal.Decimal` in whole won (unit prices with two decimals), never `float`.
/// In Jupyter a plan shows itself as a table with Korean labels; `to_pandas()` gives the same
/// table as a DataFrame and `plot()` draws it.
#[pyclass(name = "Plan", module = "cloud_tco", frozen)]
pub struct PyPlan {
    pub(crate) inner: Plan,
}

/// The catalog of a call: the given one, or the embedded default.
pub(crate) enum CatalogArg<'a> {
    Given(&'a Catalog),
    Embedded(Catalog),
}

impl CatalogArg<'_> {
    pub(crate) fn get(&self) -> &Catalog {
        match self {
            CatalogArg::Given(c) => c,
            CatalogArg::Embedded(c) => c,
        }
    }
}

/// The `catalog` argument: a `Catalog`, or `None` for the embedded one.
pub(crate) fn catalog_arg<'a>(
    py: Python<'_>,
    catalog: Option<&'a Bound<'_, PyAny>>,
) -> PyResult<CatalogArg<'a>> {
    match catalog.filter(|c| !c.is_none()) {
        Some(c) => {
            let c = class_arg::<PyCatalog>(
                c,
                "catalog",
                "a cloud_tco.Catalog (Catalog.default(), from_csv, from_records or from_pandas) or None",
            )?;
            Ok(CatalogArg::Given(&c.get().inner))
        }
        None => PyCatalog::embedded()
            .map(CatalogArg::Embedded)
            .map_err(|f| f.into_pyerr(py)),
    }
}

/// The `project` argument.
pub(crate) fn project_arg<'a>(project: &'a Bound<'_, PyAny>) -> PyResult<&'a Project> {
    let p = class_arg::<PyProject>(
        project,
        "project",
        "a cloud_tco.Project (Project.from_toml, from_json or from_dict)",
    )?;
    Ok(&p.get().inner)
}

pub(crate) fn parse_basis(basis: Option<&str>) -> Result<Option<PriceBasis>, Error> {
    Ok(basis.map(str::parse::<PriceBasis>).transpose()?)
}

pub(crate) fn lang_arg(lang: Option<&Bound<'_, PyAny>>) -> PyResult<Lang> {
    lang_of(&str_arg(lang, "lang", "ko")?)
}

pub(crate) fn lang_of(lang: &str) -> PyResult<Lang> {
    match lang {
        "ko" => Ok(Lang::Ko),
        "en" => Ok(Lang::En),
        other => Err(PyValueError::new_err(format!(
            "lang must be \"ko\" or \"en\", not {other:?}"
        ))),
    }
}

pub(crate) fn unit_arg(unit: Option<&Bound<'_, PyAny>>, default: &str) -> PyResult<MoneyUnit> {
    unit_of(&str_arg(unit, "unit", default)?)
}

pub(crate) fn unit_of(unit: &str) -> PyResult<MoneyUnit> {
    match unit {
        "won" => Ok(MoneyUnit::Won),
        "thousand" => Ok(MoneyUnit::Thousand),
        "million" => Ok(MoneyUnit::Million),
        other => Err(PyValueError::new_err(format!(
            "unit must be \"won\", \"thousand\" (천원) or \"million\" (백만원), not {other:?}"
        ))),
    }
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so that a failure
/// never leaves a truncated or clobbered file (as the command line does).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".cloud-tco-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

impl PyPlan {
    /// The JSON report of the core (the same value `cloud-tco plan --format json` prints).
    fn json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        guarded(|| Ok(report::json::plan_json(&self.inner))).map_err(|f| f.into_pyerr(py))
    }

    fn json_part<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let value = self.json(py)?;
        report_to_py(
            py,
            value.get(key).unwrap_or(&serde_json::Value::Null),
            &PLAN_JSON,
        )
    }
}

#[pymethods]
impl PyPlan {
    /// The project name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.project
    }

    /// `new` (신규구축), `conversion` (전환) or `rebuild` (재구축).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.key()
    }

    /// The price basis the unit prices were combined by, e.g. `average` (평균단가).
    #[getter]
    fn basis(&self) -> String {
        self.inner.basis.to_string()
    }

    /// 예산요구연도: the first year of the mid-term plan.
    #[getter]
    fn budget_year(&self) -> i32 {
        self.inner.budget_year
    }

    /// The reported fiscal years, without gaps.
    #[getter]
    fn years(&self) -> Vec<i32> {
        self.inner.years.clone()
    }

    /// The totals as in the JSON report (SPEC §6): `by_year`, `midterm`, `usage_window`,
    /// `project_total`, `project_total_with_vat`. Money is `decimal.Decimal`, year keys are
    /// `int`, the usage window's dates `datetime.date`.
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.json_part(py, "totals")
    }

    /// The lines as in the JSON report (SPEC §6), with `Decimal` money and `int` year keys.
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.json_part(py, "lines")
    }

    /// The whole JSON report (SPEC §6) as Python values: money as `decimal.Decimal`, year keys
    /// as `int`, dates as `datetime.date`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        report_to_py(py, &self.json(py)?, &PLAN_JSON)
    }

    /// The pre-consultation check (정보화사업 사전협의, guide §4.3.1) when the project names its
    /// `institution`, else `None`: a dict with `institution`, `threshold`, `amount` (the largest
    /// fiscal year's total with VAT), `amount_excl_vat` (`Decimal`), `year`, `reaches_threshold`,
    /// `required`, `reason` and a Korean `note` — the `pre_consultation` object of the JSON
    /// report. Information only, never an error.
    #[getter]
    fn pre_consultation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.inner.pre_consultation {
            None => Ok(py.None().into_bound(py)),
            Some(pc) => {
                let value = guarded(|| Ok(report::json::pre_consultation_json(pc)))
                    .map_err(|f| f.into_pyerr(py))?;
                report_to_py(py, &value, &PLAN_JSON)
            }
        }
    }

    /// The JSON report, exactly the text of `cloud-tco plan PROJECT --format json` (with its
    /// final newline).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let plan = &self.inner;
        detached(py, || {
            let value = report::json::plan_json(plan);
            let mut text = serde_json::to_string_pretty(&value)
                .map_err(|e| Error::Report(format!("cannot write the JSON report: {e}")))?;
            text.push('\n');
            Ok(text)
        })
    }

    /// Writes the Excel workbook of `cloud-tco plan --format xlsx` to `path`, atomically
    /// (a temporary file beside it, then a rename).
    fn to_excel(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let Ok(path) = path.extract::<PathBuf>() else {
            return Err(PyTypeError::new_err(format!(
                "path must be a str or os.PathLike, not {}",
                type_name(path)
            )));
        };
        let plan = &self.inner;
        let bytes = detached(py, || report::xlsx::plan_xlsx(plan))?;
        py.detach(|| write_atomically(&path, &bytes))?;
        Ok(())
    }

    /// The text table of `cloud-tco plan` (중기재정계획), with Korean (`ko`) or English (`en`)
    /// labels, in won, thousand (천원) or million (백만원).
    #[pyo3(signature = (lang = None, unit = None), text_signature = "($self, lang=\"ko\", unit=\"won\")")]
    fn to_string(
        &self,
        py: Python<'_>,
        lang: Option<&Bound<'_, PyAny>>,
        unit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (lang, unit) = (lang_arg(lang)?, unit_arg(unit, "won")?);
        let plan = &self.inner;
        detached(py, || Ok(report::table::plan_table(plan, lang, unit)))
    }

    /// The plan as a pandas DataFrame of `decimal.Decimal` in won.
    ///
    /// By default the wide 중기재정계획 table: one row per budget item (usage fees by category,
    /// their subtotal, 전환비, SW 구축비, 기타, 합계, 부가세, 합계(부가세 포함)) and one column per
    /// fiscal year plus 합계. `midterm=True` keeps the mid-term years only. `long=True` gives the
    /// tidy form instead: one row per line and fiscal year. `lang="en"` labels in English.
    #[pyo3(
        signature = (*, long = None, midterm = None, lang = None),
        text_signature = "($self, *, long=False, midterm=False, lang=\"ko\")"
    )]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        long: Option<&Bound<'py, PyAny>>,
        midterm: Option<&Bound<'py, PyAny>>,
        lang: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let long = bool_arg(long, "long", false)?;
        let midterm = bool_arg(midterm, "midterm", false)?;
        let lang = lang_arg(lang)?;
        if long {
            tables::plan_long_frame(py, &self.inner, midterm)
        } else {
            tables::plan_wide_frame(py, &self.inner, midterm, lang)
        }
    }

    /// Draws the plan as stacked bars by fiscal year and budget item (needs matplotlib:
    /// `pip install "cloud-tco[plot]"`). Returns the matplotlib Axes.
    ///
    /// `lang=None` uses Korean labels when a font with Hangul is installed, else English;
    /// `unit` is `won`, `thousand` (천원) or `million` (백만원, the default).
    #[pyo3(
        signature = (ax = None, *, lang = None, unit = None),
        text_signature = "($self, ax=None, *, lang=None, unit=\"million\")"
    )]
    fn plot<'py>(
        slf: &Bound<'py, Self>,
        ax: Option<&Bound<'py, PyAny>>,
        lang: Option<&Bound<'py, PyAny>>,
        unit: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        call_plot(slf.as_any(), "plot_plan", ax, lang, unit)
    }

    /// Korean labels of the plan's kind and basis, and the usage window's length in years, for
    /// the HTML of `_repr_html_` (the same words as `cloud-tco plan`).
    fn _labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.inner.kind.korean())?;
        d.set_item(
            "basis",
            report::table::basis_label(&self.inner.basis, Lang::Ko),
        )?;
        let w = &self.inner.window;
        let years = w.end.succ_opt().map(|next| next.year() - w.start.year());
        d.set_item("usage_years", years)?;
        if let Some(pc) = &self.inner.pre_consultation {
            let (status, note) = guarded(|| Ok((pc.status(Lang::Ko), pc.note(Lang::Ko))))
                .map_err(|f| f.into_pyerr(py))?;
            d.set_item("pre_consultation_status", status)?;
            d.set_item("pre_consultation_note", note)?;
        }
        Ok(d)
    }

    /// HTML for Jupyter: the 중기재정계획 table with Korean labels and thousands separators.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("cloud_tco._frames")?
            .call_method1("plan_html", (slf,))
    }

    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        self.to_string(py, None, None)
    }

    fn __repr__(&self) -> String {
        let mid = &self.inner.totals.midterm;
        format!(
            "Plan(name={:?}, basis={:?}, years={}–{}, midterm {}–{} total_with_vat={} KRW)",
            self.inner.project,
            self.inner.basis.to_string(),
            self.inner.years.first().copied().unwrap_or_default(),
            self.inner.years.last().copied().unwrap_or_default(),
            mid.from,
            mid.to,
            cloud_tco::money::group_thousands(&mid.amounts.total_with_vat)
        )
    }
}

/// Prices a project (SPEC §3–§6), as `cloud-tco plan`.
///
/// `catalog=None` uses the embedded catalog. `basis` (`average`, `min`, `max`, `median` or
/// `provider:NAME`) overrides the project's own `[options] basis`; `None` keeps it (default
/// `average`, the guide's 평균단가).
#[pyfunction]
#[pyo3(signature = (project, catalog = None, basis = None))]
pub fn plan(
    py: Python<'_>,
    project: &Bound<'_, PyAny>,
    catalog: Option<&Bound<'_, PyAny>>,
    basis: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let project = project_arg(project)?;
    let catalog = catalog_arg(py, catalog)?;
    let catalog = catalog.get();
    let basis = opt_str_arg(basis, "basis")?;
    let inner = detached(py, || {
        let basis = parse_basis(basis.as_deref())?;
        cloud_tco::plan(project, catalog, basis.as_ref())
    })?;
    Ok(PyPlan { inner })
}

/// Prices many projects against one catalog on every core with the GIL released, checking for
/// Ctrl-C every 50 ms or so (a `KeyboardInterrupt` stops the batch promptly); plans come back
/// in input order.
///
/// `errors="raise"` (default) raises the first project's error, noting its index;
/// `errors="collect"` returns the exception in that project's place instead.
#[pyfunction]
#[pyo3(
    signature = (projects, catalog = None, basis = None, errors = None),
    text_signature = "(projects, catalog=None, basis=None, errors=\"raise\")"
)]
pub fn plan_many<'py>(
    py: Python<'py>,
    projects: &Bound<'py, PyAny>,
    catalog: Option<&Bound<'py, PyAny>>,
    basis: Option<&Bound<'py, PyAny>>,
    errors: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let basis = opt_str_arg(basis, "basis")?;
    let collect = match str_arg(errors, "errors", "raise")?.as_str() {
        "raise" => false,
        "collect" => true,
        other => {
            return Err(PyValueError::new_err(format!(
                "errors must be \"raise\" or \"collect\", not {other:?}"
            )))
        }
    };
    // Extract every input while attached; the core then works on plain Rust data.
    let items = project_list(projects, "an iterable of Project")?;
    let inputs: Vec<&Project> = items.iter().map(|p| &p.get().inner).collect();
    let catalog = catalog_arg(py, catalog)?;
    let catalog = catalog.get();
    let basis = guarded(|| parse_basis(basis.as_deref())).map_err(|f| f.into_pyerr(py))?;

    let out = PyList::empty(py);
    // Every core, one planner per thread; slices sized to take about SLICE, between which
    // Ctrl-C is checked. A slice past a failure that raises is wasted work, nothing more.
    let pool = PlannerPool::new(catalog, basis.as_ref());
    let mut chunk = rayon::current_num_threads().max(1);
    let mut next = 0;
    while next < inputs.len() {
        let end = next.saturating_add(chunk).min(inputs.len());
        let started = Instant::now();
        let slice: Vec<Result<Plan, Fault>> = py.detach(|| {
            inputs[next..end]
                .par_iter()
                .map(|project| guarded(|| pool.with(|planner| planner.plan(project))))
                .collect()
        });
        let took = started.elapsed();
        py.check_signals()?;
        if took < SLICE / 2 {
            chunk = chunk.saturating_mul(2);
        } else if took > SLICE * 2 && chunk > 1 {
            chunk /= 2;
        }
        for result in slice {
            let index = next;
            next += 1;
            match result {
                Ok(inner) => out.append(Py::new(py, PyPlan { inner })?)?,
                Err(fault) => {
                    let err = fault.into_pyerr(py);
                    let value = err.value(py).clone();
                    if value.hasattr("add_note")? {
                        value.call_method1(
                            "add_note",
                            (format!(
                                "in plan_many: projects[{index}] ({:?})",
                                inputs[index].name
                            ),),
                        )?;
                    }
                    if collect {
                        out.append(value)?;
                    } else {
                        return Err(err);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Checks the `lang` and `unit` arguments of a `plot` method and calls `func` of
/// `cloud_tco._plot` with the object, the Axes and both arguments.
pub(crate) fn call_plot<'py>(
    obj: &Bound<'py, PyAny>,
    func: &str,
    ax: Option<&Bound<'py, PyAny>>,
    lang: Option<&Bound<'py, PyAny>>,
    unit: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let lang = opt_str_arg(lang, "lang")?;
    if let Some(l) = &lang {
        lang_of(l)?;
    }
    let unit = str_arg(unit, "unit", "million")?;
    unit_of(&unit)?;
    obj.py()
        .import("cloud_tco._plot")?
        .call_method1(func, (obj, ax, lang, unit))
}

/// The Projects of an iterable argument `projects`; `expected` says what it may be in the
/// `TypeError` when it is something else.
pub(crate) fn project_list<'py>(
    projects: &Bound<'py, PyAny>,
    expected: &str,
) -> PyResult<Vec<Bound<'py, PyProject>>> {
    let iter = projects.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "projects must be {expected}, not {}",
            type_name(projects)
        ))
    })?;
    let mut items = Vec::new();
    for (i, p) in iter.enumerate() {
        let p = p?;
        match p.cast::<PyProject>() {
            Ok(project) => items.push(project.clone()),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "projects[{i}] must be a Project, not {}",
                    type_name(&p)
                )))
            }
        }
    }
    Ok(items)
}
