//! Conversions between Python values and the core's text inputs and JSON outputs.
//!
//! Money never passes through `float` here: the core's amounts reach Python as
//! `decimal.Decimal(text)` built from the core's exact text, and Python numbers reach the core as
//! text (`Decimal` in plain notation, `int` as digits, `float` as its shortest decimal form — the
//! form the core itself reads a float from).

use cloud_tco::Decimal;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// `datetime.date`.
fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

/// An exact `decimal.Decimal` with the digits (and scale) of `d`.
pub(crate) fn decimal(py: Python<'_>, d: Decimal) -> PyResult<Bound<'_, PyAny>> {
    decimal_type(py)?.call1((d.to_string(),))
}

/// `decimal.Decimal(text)`; the text comes from the core and is a plain decimal.
pub(crate) fn decimal_from_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    decimal_type(py)?.call1((text,))
}

/// `datetime.date` from `YYYY-MM-DD`.
pub(crate) fn date_from_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    date_type(py)?.call_method1("fromisoformat", (text,))
}

/// The short name of a value's type, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Core JSON → Python
// ---------------------------------------------------------------------------------------------

/// How the strings and objects of one report's JSON become Python values: which keys hold exact
/// decimals, which objects are keyed by fiscal year, which strings are dates or whole numbers.
/// A key's meaning is the same wherever it appears in its report.
pub(crate) struct Schema {
    /// Keys whose string values are exact decimals (money, quantities, percentages, kWh…).
    decimal: &'static [&'static str],
    /// Keys whose objects are keyed by fiscal year (the keys become `int`).
    year_keyed: &'static [&'static str],
    /// Keys whose string values are dates (`YYYY-MM-DD`).
    dates: &'static [&'static str],
    /// Keys whose string values are whole numbers (`int`).
    ints: &'static [&'static str],
}

/// The plan report (SPEC §6, `cloud-tco plan --format json`), with its `pre_consultation`.
pub(crate) const PLAN_JSON: Schema = Schema {
    decimal: &[
        "amounts",
        "unit_price",
        "quantity",
        "charge",
        "price",
        "usage_fee",
        "conversion",
        "sw_build",
        "other",
        "total",
        "vat",
        "total_with_vat",
        "usage_fee_with_vat",
        "project_total",
        "project_total_with_vat",
        "vat_pct",
        "discount_pct",
        "price_escalation_pct",
        // pre_consultation
        "threshold",
        "amount",
        "amount_excl_vat",
        // the provenance of SaaS lines
        "included_users",
        "extra_user_price",
        "setup_fee",
        "operation_pct",
        "users",
    ],
    year_keyed: &[
        "amounts",
        "by_year",
        "unit_price",
        "quantity",
        "provenance",
        "users",
    ],
    dates: &["from", "to"],
    ints: &[],
};

/// The TCO report (`cloud-tco tco --format json`).
pub(crate) const TCO_JSON: Schema = Schema {
    decimal: &[
        "by_year",
        "cumulative",
        "total",
        "amounts",
        "cloud",
        "on_premises",
        "savings",
        "discount_rate_pct",
        "power_kw",
        "pue",
        "hours_per_year",
        "trees_per_kwh",
        "kwh_saved_by_year",
        "trees_by_year",
        "facility_kwh_by_year",
        "kwh_saved_total",
        "trees_total",
        "facility_kwh_total",
    ],
    year_keyed: &[
        "by_year",
        "cumulative",
        "amounts",
        "kwh_saved_by_year",
        "trees_by_year",
        "facility_kwh_by_year",
    ],
    dates: &["from", "to"],
    ints: &[],
};

/// The SLA report (`cloud-tco sla --format json`); the grade letters `S`, `A`, `B`, `C` key the
/// thresholds and the composite grade bands.
pub(crate) const SLA_JSON: Schema = Schema {
    decimal: &[
        "target_max",
        "target_min",
        "measured",
        "weight",
        "weighted_score",
        "composite",
        "reduction_pct",
        "fee",
        "reduction",
        "reduced_fee",
        "S",
        "A",
        "B",
        "C",
    ],
    year_keyed: &[],
    dates: &[],
    ints: &["score"],
};

/// Converts a report of the core to Python as `schema` says: exact decimals as `Decimal`, dates
/// as `datetime.date`, fiscal-year keys as `int`; otherwise the same shape.
pub(crate) fn report_to_py<'py>(
    py: Python<'py>,
    value: &Value,
    schema: &Schema,
) -> PyResult<Bound<'py, PyAny>> {
    json_to_py(py, value, None, schema)
}

fn json_to_py<'py>(
    py: Python<'py>,
    value: &Value,
    key: Option<&str>,
    schema: &Schema,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                // The core writes no fractional JSON numbers; keep the exact text if it ever does.
                decimal_from_text(py, &n.to_string())?
            }
        }
        Value::String(s) => match key {
            Some(k) if schema.decimal.contains(&k) => decimal_from_text(py, s)?,
            Some(k) if schema.dates.contains(&k) => date_from_text(py, s)?,
            Some(k) if schema.ints.contains(&k) => match s.parse::<i64>() {
                Ok(i) => i.into_pyobject(py)?.into_any(),
                Err(_) => PyString::new(py, s).into_any(),
            },
            _ => PyString::new(py, s).into_any(),
        },
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item, key, schema)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            let year_keyed = key.is_some_and(|k| schema.year_keyed.contains(&k));
            for (k, v) in map {
                match k.parse::<i32>() {
                    Ok(year) if year_keyed => {
                        dict.set_item(year, json_to_py(py, v, key, schema)?)?
                    }
                    _ => dict.set_item(k, json_to_py(py, v, Some(k), schema)?)?,
                }
            }
            dict.into_any()
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Python → project JSON (Project.from_dict)
// ---------------------------------------------------------------------------------------------

fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn shown<'a>(path: &'a str, root: &'a str) -> &'a str {
    if path.is_empty() {
        root
    } else {
        path
    }
}

/// Plain decimal text of a `decimal.Decimal` (no exponent): `format(d, "f")`.
fn plain_decimal_text(obj: &Bound<'_, PyAny>, path: &str, root: &str) -> PyResult<String> {
    let finite: bool = obj.call_method0("is_finite")?.extract()?;
    if !finite {
        return Err(PyValueError::new_err(format!(
            "{}: {} is not a finite number",
            shown(path, root),
            obj.str()?
        )));
    }
    let py = obj.py();
    let builtins = py.import("builtins")?;
    builtins.getattr("format")?.call1((obj, "f"))?.extract()
}

/// The shortest decimal text of a float — the text the core reads a float from.
pub(crate) fn float_text(v: f64) -> Option<String> {
    v.is_finite().then(|| format!("{v}"))
}

/// Converts a Python value to JSON for the project schema (SPEC §4). `path` names the field in
/// errors, e.g. `servers[0].vcpu`.
pub(crate) fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    to_json(obj, path, "the project")
}

/// [`py_to_json`] for another input than a project (e.g. an SLA evaluation); `root` names the
/// whole value in errors (`the SLA data`).
pub(crate) fn py_to_json_of(obj: &Bound<'_, PyAny>, root: &str) -> PyResult<Value> {
    to_json(obj, "", root)
}

fn to_json(obj: &Bound<'_, PyAny>, path: &str, root: &str) -> PyResult<Value> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Value::String(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return int_json(obj);
    }
    if obj.is_instance_of::<PyFloat>() {
        let v: f64 = obj.extract()?;
        return match Number::from_f64(v) {
            Some(n) if v.is_finite() => Ok(Value::Number(n)),
            _ => Err(PyValueError::new_err(format!(
                "{}: {v} is not a finite number",
                shown(path, root)
            ))),
        };
    }
    if obj.is_instance(decimal_type(py)?.as_any())? {
        return Ok(Value::String(plain_decimal_text(obj, path, root)?));
    }
    if obj.is_instance(date_type(py)?.as_any())? {
        return Ok(Value::String(obj.call_method0("isoformat")?.extract()?));
    }
    if let Ok(mapping) = obj.cast::<PyMapping>() {
        let mut map = Map::new();
        for item in mapping.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let Ok(key) = k.extract::<String>() else {
                return Err(PyTypeError::new_err(format!(
                    "{}: keys must be strings, not {} ({})",
                    shown(path, root),
                    type_name(&k),
                    k.repr()?
                )));
            };
            let value = to_json(&v, &child_path(path, &key), root)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(to_json(&item?, &format!("{path}[{i}]"), root)?);
        }
        return Ok(Value::Array(items));
    }
    if obj.hasattr("__index__")? {
        // numpy integers and other int-like scalars.
        let index = py.import("operator")?.call_method1("index", (obj,))?;
        return int_json(&index);
    }
    Err(PyTypeError::new_err(format!(
        "{}: a value of type {} cannot be used; use str, int, Decimal, float, bool, datetime.date, dict or list",
        shown(path, root),
        type_name(obj)
    )))
}

/// An int as a JSON number, or as a string of digits when it does not fit 64 bits (the core then
/// reads every digit, or says the number is too large).
fn int_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Value::from(i));
    }
    if let Ok(u) = obj.extract::<u64>() {
        return Ok(Value::from(u));
    }
    Ok(Value::String(obj.str()?.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Python → catalog CSV cells (Catalog.from_records)
// ---------------------------------------------------------------------------------------------

/// The CSV text of one catalog cell, `None` for a missing value (None, NaN, pandas NA).
/// `Err` carries the reason a value of this type cannot be a cell.
pub(crate) fn cell_text(obj: &Bound<'_, PyAny>) -> PyResult<Result<Option<String>, String>> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Ok(None));
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Err(format!(
            "{} is a bool; catalog cells are text or numbers",
            obj.repr()?
        )));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Ok(Some(obj.extract()?)));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Ok(Some(obj.str()?.to_string())));
    }
    if obj.is_instance_of::<PyFloat>() {
        let v: f64 = obj.extract()?;
        if v.is_nan() {
            // pandas writes a missing value as NaN.
            return Ok(Ok(None));
        }
        // Infinity has no decimal text; hand the core its name so that it reports the cell.
        return Ok(Ok(Some(float_text(v).unwrap_or_else(|| format!("{v}")))));
    }
    if obj.is_instance(decimal_type(py)?.as_any())? {
        let finite: bool = obj.call_method0("is_finite")?.extract()?;
        if !finite {
            return Ok(Ok(Some(obj.str()?.to_string())));
        }
        let text: String = py
            .import("builtins")?
            .getattr("format")?
            .call1((obj, "f"))?
            .extract()?;
        return Ok(Ok(Some(text)));
    }
    if obj.hasattr("__index__")? {
        let index = py.import("operator")?.call_method1("index", (obj,))?;
        return Ok(Ok(Some(index.str()?.to_string())));
    }
    // pandas.NA, pandas.NaT and friends: missing values of the nullable dtypes.
    if let Ok(pandas) = py.import("pandas") {
        if let Ok(missing) = pandas.call_method1("isna", (obj,)) {
            // A scalar answers with a (numpy) bool; a container with an array, which is no cell.
            let name = type_name(&missing);
            if (name == "bool" || name == "bool_") && missing.is_truthy()? {
                return Ok(Ok(None));
            }
        }
    }
    Ok(Err(format!(
        "a value of type {} cannot be a catalog cell; use str, int, Decimal or float",
        type_name(obj)
    )))
}

// ---------------------------------------------------------------------------------------------
// Arguments: a wrong type is a TypeError that names the argument
// ---------------------------------------------------------------------------------------------

/// A `str` argument (`None` or absent gives `default`).
pub(crate) fn str_arg(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
    default: &str,
) -> PyResult<String> {
    Ok(opt_str_arg(obj, name)?.unwrap_or_else(|| default.to_owned()))
}

/// An optional `str` argument.
pub(crate) fn opt_str_arg(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => o.extract::<String>().map(Some).map_err(|_| {
            PyTypeError::new_err(format!("{name} must be a str, not {}", type_name(o)))
        }),
    }
}

/// A `bool` argument (absent gives `default`).
pub(crate) fn bool_arg(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
    default: bool,
) -> PyResult<bool> {
    match obj {
        None => Ok(default),
        Some(o) if o.is_instance_of::<PyBool>() => o.extract(),
        Some(o) => Err(PyTypeError::new_err(format!(
            "{name} must be True or False, not {}",
            type_name(o)
        ))),
    }
}

/// An argument that must be an instance of the class `T`; `what` says how to get one.
pub(crate) fn class_arg<'a, 'py, T: pyo3::type_object::PyTypeCheck>(
    obj: &'a Bound<'py, PyAny>,
    name: &str,
    what: &str,
) -> PyResult<&'a Bound<'py, T>> {
    obj.cast::<T>()
        .map_err(|_| PyTypeError::new_err(format!("{name} must be {what}, not {}", type_name(obj))))
}

/// The decimal text of a number argument (e.g. a rate in percent): a `Decimal` in plain
/// notation, an `int` as its digits, a `str` as written, a `float` at its shortest decimal form
/// (`4.5` is exactly 4.5, as `Project.from_dict` reads floats). Any other type, `bool` included,
/// is a `TypeError` that names the argument; NaN and infinities are a `ValueError`.
pub(crate) fn number_text_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    let py = obj.py();
    let not_finite = || {
        PyValueError::new_err(format!(
            "{name} must be a finite number, not {}",
            obj.repr().map(|r| r.to_string()).unwrap_or_default()
        ))
    };
    if obj.is_instance_of::<PyBool>() {
        // A bool is an int to Python, but True is no rate.
    } else if obj.is_instance_of::<PyString>() {
        return obj.extract();
    } else if obj.is_instance_of::<PyInt>() {
        return Ok(obj.str()?.to_string());
    } else if obj.is_instance_of::<PyFloat>() {
        return float_text(obj.extract()?).ok_or_else(not_finite);
    } else if obj.is_instance(decimal_type(py)?.as_any())? {
        let finite: bool = obj.call_method0("is_finite")?.extract()?;
        if !finite {
            return Err(not_finite());
        }
        return py
            .import("builtins")?
            .getattr("format")?
            .call1((obj, "f"))?
            .extract();
    } else if obj.hasattr("__index__")? {
        // numpy integers and other int-like scalars.
        let index = py.import("operator")?.call_method1("index", (obj,))?;
        return Ok(index.str()?.to_string());
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a Decimal, int, str or float, not {}",
        type_name(obj)
    )))
}
