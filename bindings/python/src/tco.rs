//! `Tco`: the total cost of ownership against staying on premises (레거시 기준 7년 비용 비교,
//! guide §3.1 checklist 4.1④), and the function `tco` that makes one — `cloud-tco tco`.

use std::path::PathBuf;

use chrono::Datelike;
use cloud_tco::report::table::{basis_label, budget_item_label};
use cloud_tco::report::tco::line_label;
use cloud_tco::report::{self, Lang};
use cloud_tco::tco::{Tco, TcoYear};
use cloud_tco::{BudgetItem, Decimal, Error, Location, ProjectError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::{decimal, number_text_arg, opt_str_arg, report_to_py, type_name, TCO_JSON};
use crate::errors::{detached, guarded};
use crate::plan::{
    catalog_arg, lang_arg, parse_basis, project_arg, unit_arg, write_atomically, PyPlan,
};

/// The TCO comparison of a project: the cloud plan against staying on premises over the same
/// fiscal years — the yearly costs, the saving, the cumulative figures, the break-even year
/// (손익분기 연도), the net present values (순현재가치) and the energy and trees saved.
///
/// Money is `decimal.Decimal` in whole won, VAT excluded on both sides. In Jupyter it shows
/// itself as the comparison form with Korean labels; `to_pandas()` gives the yearly table and
/// `plot()` the cumulative costs.
#[pyclass(name = "Tco", module = "cloud_tco", frozen)]
pub struct PyTco {
    pub(crate) inner: Tco,
}

/// Reads one figure of a compared year.
type YearFigure = fn(&TcoYear) -> Decimal;

/// The rows of the wide table: label and one figure per compared year.
fn wide_rows(lang: Lang) -> [(&'static str, YearFigure); 4] {
    let (cloud, on_prem, saving, cumulative) = match lang {
        Lang::Ko => (
            "클라우드",
            "온프레미스",
            "절감액 (온프레미스 - 클라우드)",
            "누적 절감액",
        ),
        Lang::En => (
            "Cloud",
            "On premises",
            "Saving (on premises - cloud)",
            "Cumulative saving",
        ),
    };
    [
        (cloud, |y| y.cloud),
        (on_prem, |y| y.on_premises),
        (saving, |y| y.saving),
        (cumulative, |y| y.saving_cumulative),
    ]
}

fn too_large(what: &str) -> Error {
    Error::TooLarge(format!("the sum of {what}"))
}

/// One row of the comparison form, as `cloud-tco tco` shows it: label, a figure per year, the
/// total (none for the cumulative rows) and how it is set (`sum` in bold, `rule` above).
struct FormRow {
    label: String,
    values: Vec<Decimal>,
    total: Option<Decimal>,
    style: &'static str,
}

/// The comparison form of `cloud-tco tco` in Korean: the cloud cost by budget item (those
/// present) and its total, each on-premises line that is not 0 in every year and its total, the
/// saving, and the three cumulative rows. The only arithmetic is the checked sum of a budget
/// item's yearly figures into its total.
fn form_rows(t: &Tco) -> Result<Vec<FormRow>, Error> {
    let years = t.years();
    let mut rows = Vec::new();
    for item in BudgetItem::ALL {
        let values: Vec<Decimal> = years
            .iter()
            .map(|y| t.plan.totals.year(*y).map_or(Decimal::ZERO, |a| a.of(item)))
            .collect();
        if values.iter().all(|v| v.is_zero()) {
            continue;
        }
        let mut total = Decimal::ZERO;
        for v in &values {
            total = total
                .checked_add(*v)
                .ok_or_else(|| too_large("a budget item"))?;
        }
        rows.push(FormRow {
            label: format!("클라우드 - {}", budget_item_label(item, Lang::Ko)),
            values,
            total: Some(total),
            style: "",
        });
    }
    rows.push(FormRow {
        label: "클라우드 합계".into(),
        values: t.by_year.iter().map(|y| y.cloud).collect(),
        total: Some(t.totals.cloud),
        style: "sum",
    });
    let mut first = true;
    for line in t
        .lines
        .iter()
        .filter(|l| l.amounts.iter().any(|a| !a.amount.is_zero()))
    {
        rows.push(FormRow {
            label: format!("온프레미스 - {}", line_label(line, Lang::Ko)),
            values: years.iter().map(|y| line.amount(*y)).collect(),
            total: Some(line.total()),
            style: if first { "rule" } else { "" },
        });
        first = false;
    }
    rows.push(FormRow {
        label: "온프레미스 합계".into(),
        values: t.by_year.iter().map(|y| y.on_premises).collect(),
        total: Some(t.totals.on_premises),
        style: if first { "rule sum" } else { "sum" },
    });
    rows.push(FormRow {
        label: "절감액 (온프레미스 - 클라우드)".into(),
        values: t.by_year.iter().map(|y| y.saving).collect(),
        total: Some(t.totals.savings),
        style: "rule sum",
    });
    let cumulative: [(&str, YearFigure, &'static str); 3] = [
        ("누적 클라우드", |y| y.cloud_cumulative, "rule"),
        ("누적 온프레미스", |y| y.on_premises_cumulative, ""),
        ("누적 절감액", |y| y.saving_cumulative, ""),
    ];
    for (label, get, style) in cumulative {
        rows.push(FormRow {
            label: label.into(),
            values: t.by_year.iter().map(get).collect(),
            total: None,
            style,
        });
    }
    Ok(rows)
}

impl PyTco {
    fn json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        guarded(|| Ok(report::tco::tco_json(&self.inner))).map_err(|f| f.into_pyerr(py))
    }

    fn json_part<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let value = self.json(py)?;
        report_to_py(
            py,
            value.get(key).unwrap_or(&serde_json::Value::Null),
            &TCO_JSON,
        )
    }
}

#[pymethods]
impl PyTco {
    /// The project name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.project
    }

    /// The price basis of the cloud side, e.g. `average` (평균단가).
    #[getter]
    fn basis(&self) -> String {
        self.inner.plan.basis.to_string()
    }

    /// The compared fiscal years (the plan's reported years).
    #[getter]
    fn years(&self) -> Vec<i32> {
        self.inner.years()
    }

    /// The cloud side: the project's `Plan`.
    #[getter]
    fn plan(&self) -> PyPlan {
        PyPlan {
            inner: self.inner.plan.clone(),
        }
    }

    /// The first fiscal year whose cumulative cloud cost is at most the cumulative on-premises
    /// cost (손익분기 연도), or `None` when the cloud never breaks even in the compared years.
    #[getter]
    fn break_even_year(&self) -> Option<i32> {
        self.inner.break_even_year
    }

    /// Whether the cumulative saving stays ≥ 0 from the break-even year to the end (a hardware
    /// cycle or growing usage can turn it back); `False` when there is no break-even year.
    #[getter]
    fn break_even_holds(&self) -> bool {
        self.inner.break_even_holds
    }

    /// Sums over the compared years: `cloud` (= the plan's 총사업비, VAT excluded),
    /// `on_premises`, `savings` in whole won, `kwh_saved`, `facility_kwh` and `trees`, all
    /// `Decimal`.
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner.totals;
        let d = PyDict::new(py);
        for (k, v) in [
            ("cloud", t.cloud),
            ("on_premises", t.on_premises),
            ("savings", t.savings),
            ("kwh_saved", t.kwh_saved),
            ("facility_kwh", t.facility_kwh),
            ("trees", t.trees),
        ] {
            d.set_item(k, decimal(py, v)?)?;
        }
        Ok(d)
    }

    /// The net present values (순현재가치) discounted to the budget year, as in the JSON report:
    /// `discount_rate_pct`, `base_year` (`int`), `cloud`, `on_premises` and `savings` in whole
    /// won (`Decimal`, rounded half-up once).
    #[getter]
    fn npv<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.json_part(py, "npv")
    }

    /// The electricity no longer drawn and its tree-planting equivalent (guide §5.5.4), as in the
    /// JSON report: the inputs `power_kw`, `pue`, `hours_per_year` (`None` without a power draw)
    /// and `trees_per_kwh`, the yearly `kwh_saved_by_year`, `trees_by_year`,
    /// `facility_kwh_by_year` (keyed by `int` year) and their totals, all `Decimal`.
    #[getter]
    fn energy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.json_part(py, "energy")
    }

    /// The whole JSON report (`cloud-tco tco --format json`) as Python values: money, kWh and
    /// trees as `decimal.Decimal`, year keys as `int`, the usage window's dates as
    /// `datetime.date`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        report_to_py(py, &self.json(py)?, &TCO_JSON)
    }

    /// The JSON report, exactly the text of `cloud-tco tco PROJECT --format json` (with its final
    /// newline).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let t = &self.inner;
        detached(py, || {
            let mut text = serde_json::to_string_pretty(&report::tco::tco_json(t))
                .map_err(|e| Error::Report(format!("cannot write the JSON report: {e}")))?;
            text.push('\n');
            Ok(text)
        })
    }

    /// The comparison as a pandas DataFrame of `decimal.Decimal` in won: one row each for the
    /// cloud cost, the on-premises cost, the saving (on premises − cloud) and the cumulative
    /// saving; one column per compared fiscal year (`int`). `lang="en"` labels in English.
    #[pyo3(signature = (*, lang = None), text_signature = "($self, *, lang=\"ko\")")]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        lang: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lang = lang_arg(lang)?;
        let columns = PyList::empty(py);
        for y in &self.inner.by_year {
            columns.append(y.year)?;
        }
        let index = PyList::empty(py);
        let values = PyList::empty(py);
        for (label, get) in wide_rows(lang) {
            index.append(label)?;
            let cells = PyList::empty(py);
            for y in &self.inner.by_year {
                cells.append(decimal(py, get(y))?)?;
            }
            values.append(cells)?;
        }
        let index_name = if lang == Lang::Ko { "구분" } else { "item" };
        py.import("cloud_tco._frames")?
            .call_method1("plan_wide_frame", (index, columns, values, index_name))
    }

    /// The text table of `cloud-tco tco`, with Korean (`ko`) or English (`en`) labels, in won,
    /// thousand (천원) or million (백만원).
    #[pyo3(signature = (lang = None, unit = None), text_signature = "($self, lang=\"ko\", unit=\"won\")")]
    fn to_string(
        &self,
        py: Python<'_>,
        lang: Option<&Bound<'_, PyAny>>,
        unit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (lang, unit) = (lang_arg(lang)?, unit_arg(unit, "won")?);
        let t = &self.inner;
        detached(py, || Ok(report::tco::tco_table(t, lang, unit)))
    }

    /// Writes the Excel workbook of `cloud-tco tco --format xlsx` to `path`, atomically (a
    /// temporary file beside it, then a rename).
    fn to_excel(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let Ok(path) = path.extract::<PathBuf>() else {
            return Err(PyTypeError::new_err(format!(
                "path must be a str or os.PathLike, not {}",
                type_name(path)
            )));
        };
        let t = &self.inner;
        let bytes = detached(py, || report::tco::tco_xlsx(t))?;
        py.detach(|| write_atomically(&path, &bytes))?;
        Ok(())
    }

    /// Draws the cumulative costs of the cloud and of staying on premises by fiscal year, with
    /// the break-even year marked (needs matplotlib: `pip install "cloud-tco[plot]"`). Returns
    /// the matplotlib Axes.
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
        crate::plan::call_plot(slf.as_any(), "plot_tco", ax, lang, unit)
    }

    /// The comparison form of `cloud-tco tco` in Korean and its captions, for the HTML of
    /// `_repr_html_`: `rows` of (label, figures by year, total or None, style), the basis label,
    /// the break-even sentence and the on-premises line labels.
    fn _form<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner;
        let (rows, basis, break_even, break_even_en) = detached(py, || {
            Ok((
                form_rows(t)?,
                basis_label(&t.plan.basis, Lang::Ko),
                cloud_tco::report::tco::break_even_text(t, Lang::Ko),
                cloud_tco::report::tco::break_even_text(t, Lang::En),
            ))
        })?;
        let list = PyList::empty(py);
        for row in rows {
            let values = PyList::empty(py);
            for v in &row.values {
                values.append(decimal(py, *v)?)?;
            }
            let total = row.total.map(|v| decimal(py, v)).transpose()?;
            list.append((row.label, values, total, row.style))?;
        }
        let d = PyDict::new(py);
        d.set_item("rows", list)?;
        d.set_item("basis", basis)?;
        d.set_item("kind", t.plan.kind.korean())?;
        d.set_item("break_even", break_even)?;
        d.set_item("break_even_en", break_even_en)?;
        let w = &t.plan.window;
        let years = w.end.succ_opt().map(|next| next.year() - w.start.year());
        d.set_item("usage_years", years)?;
        Ok(d)
    }

    /// HTML for Jupyter: the comparison form with Korean labels and thousands separators, the
    /// break-even year, the NPVs and the energy saved.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("cloud_tco._frames")?
            .call_method1("tco_html", (slf,))
    }

    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        self.to_string(py, None, None)
    }

    fn __repr__(&self) -> String {
        let t = &self.inner;
        format!(
            "Tco(name={:?}, years={}–{}, cloud={} KRW, on_premises={} KRW, break_even_year={}, npv_savings={} KRW)",
            t.project,
            t.by_year.first().map(|y| y.year).unwrap_or_default(),
            t.by_year.last().map(|y| y.year).unwrap_or_default(),
            cloud_tco::money::group_thousands(&t.totals.cloud),
            cloud_tco::money::group_thousands(&t.totals.on_premises),
            t.break_even_year
                .map_or_else(|| "None".to_owned(), |y| y.to_string()),
            cloud_tco::money::group_thousands(&t.npv.savings),
        )
    }
}

/// The discount rate in percent, from the `discount_rate` argument (default 4.5), checked as the
/// command line checks `--discount-rate`; a bad value is a `ProjectError` on `discount_rate`.
fn parse_discount_rate(text: &str) -> Result<Decimal, Error> {
    let bad = |message: String| {
        Error::Project(ProjectError::single(
            Location::new(None, None, Some("discount_rate")),
            message,
        ))
    };
    let rate = cloud_tco::money::parse_decimal(text)
        .map_err(|e| bad(format!("{text:?} is not a percent: {e}")))?;
    cloud_tco::tco::check_discount_rate(rate).map_err(|_| {
        bad(format!(
            "{text} is out of range; a percent greater than -100 and at most 100 (default 4.5)"
        ))
    })?;
    Ok(rate)
}

/// The TCO comparison of a project against staying on premises, as `cloud-tco tco`: the cloud
/// side priced as `plan` does, the project's `[on_premises]` section costed over the same fiscal
/// years, and the net present values at `discount_rate` percent.
///
/// `catalog=None` uses the embedded catalog; `basis` overrides the project's own, `None` keeps
/// it. `discount_rate` (default 4.5, the social discount rate of Korean preliminary feasibility
/// studies; `None` means 4.5) takes a `Decimal`, `int`, `str` or `float` (read at its shortest
/// decimal form), and must be greater than -100 and at most 100. A project without
/// `[on_premises]` is a `ProjectError` on the field `on_premises`.
///
/// `cloud_tco.tco` is the Python function of `cloud_tco._api`, which shows the default rate as
/// `Decimal("4.5")` in its signature and calls this one.
#[pyfunction]
#[pyo3(signature = (project, catalog = None, basis = None, discount_rate = None))]
pub fn tco(
    py: Python<'_>,
    project: &Bound<'_, PyAny>,
    catalog: Option<&Bound<'_, PyAny>>,
    basis: Option<&Bound<'_, PyAny>>,
    discount_rate: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyTco> {
    let project = project_arg(project)?;
    let rate = match discount_rate.filter(|r| !r.is_none()) {
        Some(r) => number_text_arg(r, "discount_rate")?,
        None => cloud_tco::tco::DEFAULT_DISCOUNT_RATE_PCT.to_string(),
    };
    let catalog = catalog_arg(py, catalog)?;
    let catalog = catalog.get();
    let basis = opt_str_arg(basis, "basis")?;
    let inner = detached(py, || {
        let rate = parse_discount_rate(&rate)?;
        let basis = parse_basis(basis.as_deref())?;
        cloud_tco::tco(project, catalog, basis.as_ref(), rate)
    })?;
    Ok(PyTco { inner })
}
