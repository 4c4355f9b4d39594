//! `SlaResult`: a month's service-level evaluation (서비스수준 평가, guide §5.3, §5.5.2, §5.6.2),
//! and the function `sla` that makes one — `cloud-tco sla`.

use std::path::PathBuf;

use cloud_tco::project::ProjectFormat;
use cloud_tco::report::sla::grade_label;
use cloud_tco::report::{self, Lang};
use cloud_tco::sla::{Direction, Grade, SlaEvaluation, SlaInput};
use cloud_tco::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping};

use crate::convert::{decimal, opt_str_arg, py_to_json_of, report_to_py, type_name, SLA_JSON};
use crate::errors::{detached, detached_any, guarded, Fault};
use crate::plan::lang_arg;

/// The evaluation of one month of service levels: each indicator's grade (탁월 S … 불량 F) and
/// score, the composite score (종합점수) and grade (종합평가등급), and the month's fee after the
/// penalty's reduction (감면).
///
/// Scores, weights, targets and money are `decimal.Decimal`, never `float`. In Jupyter it shows
/// itself as the evaluation table with Korean labels; `to_pandas()` gives the indicators as a
/// DataFrame.
#[pyclass(name = "SlaResult", module = "cloud_tco", frozen)]
pub struct PySlaResult {
    pub(crate) inner: SlaEvaluation,
}

/// The columns of `SlaResult.to_pandas()`.
const INDICATOR_COLUMNS: [&str; 13] = [
    "name",
    "direction",
    "target_max",
    "target_min",
    "measured",
    "threshold_S",
    "threshold_A",
    "threshold_B",
    "threshold_C",
    "score",
    "grade",
    "weight",
    "weighted_score",
];

/// The Korean words of `cloud-tco sla` for grades and directions.
fn korean_labels(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let grades = PyDict::new(py);
    for g in Grade::ALL {
        grades.set_item(g.letter(), grade_label(g, Lang::Ko))?;
    }
    let directions = PyDict::new(py);
    directions.set_item(Direction::Higher.key(), "높을수록 우수")?;
    directions.set_item(Direction::Lower.key(), "낮을수록 우수")?;
    let d = PyDict::new(py);
    d.set_item("grades", grades)?;
    d.set_item("directions", directions)?;
    Ok(d)
}

impl PySlaResult {
    fn json(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        guarded(|| Ok(report::sla::sla_json(&self.inner))).map_err(|f| f.into_pyerr(py))
    }

    fn json_part<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let value = self.json(py)?;
        report_to_py(
            py,
            value.get(key).unwrap_or(&serde_json::Value::Null),
            &SLA_JSON,
        )
    }
}

#[pymethods]
impl PySlaResult {
    /// The evaluation's name (the file's `name`, else its stem, else `sla`).
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The evaluated period as written (e.g. `2026-07`), or `None`.
    #[getter]
    fn period(&self) -> Option<&str> {
        self.inner.period.as_deref()
    }

    /// How the weights were written: `fraction` (summing to 1) or `percent` (summing to 100).
    #[getter]
    fn weights(&self) -> &'static str {
        self.inner.weight_unit.key()
    }

    /// 종합점수: Σ score × weight, exact (`Decimal`, no trailing zeros).
    #[getter]
    fn composite<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, self.inner.composite)
    }

    /// 종합평가등급: `S`, `A`, `B`, `C` or `F`.
    #[getter]
    fn grade(&self) -> &'static str {
        self.inner.grade.letter()
    }

    /// The minimum composite score of each grade `S`, `A`, `B`, `C` (`Decimal`).
    #[getter]
    fn grade_bands<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.json_part(py, "grade_bands")
    }

    /// 감면율: the penalty of the composite grade, percent of the fee (`Decimal`; 0 when the
    /// grade has no entry).
    #[getter]
    fn reduction_pct<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, self.inner.reduction_pct.normalize())
    }

    /// The month's usage fee, whole won (`Decimal`).
    #[getter]
    fn fee<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, self.inner.fee.normalize())
    }

    /// 감면액: trunc(fee × reduction_pct / 100), whole won (`Decimal`).
    #[getter]
    fn reduction<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, self.inner.reduction.normalize())
    }

    /// 감면 후 이용료: fee − reduction, whole won (`Decimal`).
    #[getter]
    fn reduced_fee<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, self.inner.reduced_fee.normalize())
    }

    /// The indicators as in the JSON report: each a dict with `name`, `direction`,
    /// `target_max`, `target_min`, `measured`, `weight`, `thresholds` (where `S`, `A`, `B` and
    /// `C` begin), `score` (`int`), `grade` and `weighted_score` (환산점수); numbers are
    /// `Decimal`. `to_pandas()` gives them as a DataFrame.
    #[getter]
    fn indicators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.json_part(py, "indicators")
    }

    /// The whole JSON report (`cloud-tco sla --format json`) as Python values: every number as
    /// `decimal.Decimal`, except the indicators' `score` (`int`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        report_to_py(py, &self.json(py)?, &SLA_JSON)
    }

    /// The JSON report, exactly the text of `cloud-tco sla FILE --format json` (with its final
    /// newline).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let r = &self.inner;
        detached(py, || {
            let mut text = serde_json::to_string_pretty(&report::sla::sla_json(r))
                .map_err(|e| Error::Report(format!("cannot write the JSON report: {e}")))?;
            text.push('\n');
            Ok(text)
        })
    }

    /// The indicators as a pandas DataFrame, one row each in input order: `name`, `direction`
    /// (`higher` or `lower`), `target_max` (E), `target_min` (m), `measured`, `threshold_S` …
    /// `threshold_C` (where each grade begins), `score` (60–100), `grade` (`S`…`F`), `weight`
    /// and `weighted_score` (환산점수). Numbers are `decimal.Decimal`, the score an integer.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let columns: Vec<Bound<'py, PyList>> = INDICATOR_COLUMNS
            .iter()
            .map(|_| PyList::empty(py))
            .collect();
        for r in &self.inner.indicators {
            let i = &r.indicator;
            let t = &r.thresholds;
            columns[0].append(&i.name)?;
            columns[1].append(i.direction.key())?;
            for (col, v) in [
                (2, i.target_max),
                (3, i.target_min),
                (4, i.measured),
                (5, t.s),
                (6, t.a),
                (7, t.b),
                (8, t.c),
            ] {
                columns[col].append(decimal(py, v.normalize())?)?;
            }
            columns[9].append(r.score)?;
            columns[10].append(r.grade.letter())?;
            columns[11].append(decimal(py, i.weight.normalize())?)?;
            columns[12].append(decimal(py, r.weighted_score.normalize())?)?;
        }
        let data = PyDict::new(py);
        for (name, values) in INDICATOR_COLUMNS.iter().zip(columns) {
            data.set_item(*name, values)?;
        }
        py.import("cloud_tco._frames")?.call_method1(
            "sla_frame",
            (data, INDICATOR_COLUMNS.to_vec(), korean_labels(py)?),
        )
    }

    /// The text table of `cloud-tco sla`, with Korean (`ko`) or English (`en`) labels.
    #[pyo3(signature = (lang = None), text_signature = "($self, lang=\"ko\")")]
    fn to_string(&self, py: Python<'_>, lang: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let lang = lang_arg(lang)?;
        let r = &self.inner;
        detached(py, || Ok(report::sla::sla_table(r, lang)))
    }

    /// Korean labels for the HTML of `_repr_html_` (the words of `cloud-tco sla`): `grades`
    /// (letter → 탁월(S) …) and `directions` (`higher` → 높을수록 우수 …).
    fn _labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        korean_labels(py)
    }

    /// HTML for Jupyter: the indicators and the summary with Korean labels and thousands
    /// separators.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("cloud_tco._frames")?
            .call_method1("sla_html", (slf,))
    }

    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        self.to_string(py, None)
    }

    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "SlaResult(name={:?}, composite={}, grade={:?}, reduction_pct={}, reduced_fee={} KRW)",
            r.name,
            r.composite.normalize(),
            r.grade.letter(),
            r.reduction_pct.normalize(),
            cloud_tco::money::group_thousands(&r.reduced_fee.normalize()),
        )
    }
}

/// Where the SLA evaluation comes from.
enum Source {
    Path(PathBuf),
    Toml(String),
    Json(String),
    /// JSON text made from a dict; its lines mean nothing to the caller.
    Data(String),
}

fn text_of(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    opt_str_arg(Some(obj), name)?
        .ok_or_else(|| PyTypeError::new_err(format!("{name} must be a str, not None")))
}

/// Evaluates one month of service levels (서비스수준 평가), as `cloud-tco sla`: each indicator
/// graded by the guide's table (§5.5.2), the composite score and grade, and the fee after the
/// penalty's reduction.
///
/// Give exactly one source: `path`, an SLA file (TOML, or JSON by its `.json` extension; the
/// name defaults to the file's stem); `toml=` or `json=`, its text; or `data=`, a dict with the
/// keys of the file (numbers as `Decimal`, `int`, `str` or `float`, read at its shortest decimal
/// form). A bad file is an `SlaError` naming the file, the line and the field of every problem.
#[pyfunction]
#[pyo3(signature = (path = None, *, toml = None, json = None, data = None))]
pub fn sla(
    py: Python<'_>,
    path: Option<&Bound<'_, PyAny>>,
    toml: Option<&Bound<'_, PyAny>>,
    json: Option<&Bound<'_, PyAny>>,
    data: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySlaResult> {
    let given: Vec<&str> = [
        ("path", path),
        ("toml", toml),
        ("json", json),
        ("data", data),
    ]
    .iter()
    .filter(|(_, v)| v.is_some_and(|v| !v.is_none()))
    .map(|(k, _)| *k)
    .collect();
    if given.len() != 1 {
        return Err(PyTypeError::new_err(format!(
            "sla() takes exactly one source: a path, toml=TEXT, json=TEXT or data=DICT ({})",
            if given.is_empty() {
                "none was given".to_owned()
            } else {
                format!("got {}", given.join(", "))
            }
        )));
    }
    let source = match (given[0], path, toml, json, data) {
        ("path", Some(p), ..) => match p.extract::<PathBuf>() {
            Ok(path) => Source::Path(path),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "path must be a str or os.PathLike, not {}; for the text of a file use toml= or json=",
                    type_name(p)
                )))
            }
        },
        ("toml", _, Some(t), ..) => Source::Toml(text_of(t, "toml")?),
        ("json", _, _, Some(j), _) => Source::Json(text_of(j, "json")?),
        (.., Some(d)) => {
            if d.cast::<PyMapping>().is_err() {
                return Err(PyTypeError::new_err(format!(
                    "data must be a dict with the keys of an SLA file, not {}",
                    type_name(d)
                )));
            }
            Source::Data(py_to_json_of(d, "the SLA data")?.to_string())
        }
        _ => return Err(PyTypeError::new_err("sla() takes exactly one source")),
    };
    let inner = detached_any(py, || -> Result<SlaEvaluation, Fault> {
        let input = match &source {
            Source::Path(path) => SlaInput::from_path(path)?,
            Source::Toml(text) => SlaInput::from_toml_str(text)?,
            Source::Json(text) => SlaInput::from_json_str(text)?,
            Source::Data(text) => {
                SlaInput::parse(text, ProjectFormat::Json, None, "sla").map_err(|mut e| {
                    for p in &mut e.problems {
                        p.location.line = None;
                    }
                    e
                })?
            }
        };
        Ok(cloud_tco::sla::evaluate(&input)?)
    })?;
    Ok(PySlaResult { inner })
}
