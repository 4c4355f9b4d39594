//! DataFrames: the price table (`prices`), the comparison (`compare`) and the two forms of a
//! plan. The figures come from the core; this module arranges them in rows and columns (the only
//! arithmetic is the exact, checked summing of line amounts into the wide table's rows), and
//! `cloud_tco._frames` turns them into pandas objects.

use cloud_tco::compare::Outcome;
use cloud_tco::plan::Amounts;
use cloud_tco::pricing::ServerRequest;
use cloud_tco::report::csv::PLAN_COLUMNS;
use cloud_tco::report::json::price_text;
use cloud_tco::report::table::{basis_label, budget_item_label, category_label, CATEGORY_ORDER};
use cloud_tco::report::Lang;
use cloud_tco::{BudgetItem, Decimal, Error, Plan, PriceBasis};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{cell_text, decimal, decimal_from_text, str_arg, type_name};
use crate::errors::detached;
use crate::plan::{catalog_arg, project_arg};

fn frames(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("cloud_tco._frames")
}

fn too_large(what: &str) -> Error {
    Error::TooLarge(format!("the sum of {what}"))
}

// ---------------------------------------------------------------------------------------------
// Plan: wide and long
// ---------------------------------------------------------------------------------------------

/// Reads one budget item (or total) from a year's amounts.
type AmountOf = fn(&Amounts) -> Decimal;

/// One row of the wide table.
struct WideRow {
    label: String,
    values: Vec<Decimal>,
}

/// The wide 중기재정계획 table: rows of budget items, columns of fiscal years then their sum.
fn wide_rows(plan: &Plan, midterm: bool, lang: Lang) -> Result<(Vec<i32>, Vec<WideRow>), Error> {
    let years: Vec<i32> = if midterm {
        (plan.totals.midterm.from..=plan.totals.midterm.to).collect()
    } else {
        plan.years.clone()
    };
    let usage = || {
        plan.lines
            .iter()
            .filter(|l| l.budget_item == BudgetItem::UsageFee)
    };
    // Usage categories present, in the order of the plan form (as `cloud-tco plan`).
    let mut categories: Vec<String> = CATEGORY_ORDER
        .iter()
        .map(|c| (*c).to_owned())
        .filter(|k| usage().any(|l| l.category == *k))
        .collect();
    for l in usage() {
        if !categories.iter().any(|c| *c == *l.category) {
            categories.push(l.category.to_string());
        }
    }
    let usage_label = budget_item_label(BudgetItem::UsageFee, lang);
    let mut rows = Vec::new();
    for cat in &categories {
        let mut values = Vec::with_capacity(years.len());
        for &y in &years {
            let mut sum = Decimal::ZERO;
            for l in usage().filter(|l| l.category == *cat) {
                sum = sum
                    .checked_add(l.amount(y))
                    .ok_or_else(|| too_large("usage fees"))?;
            }
            values.push(sum);
        }
        rows.push(WideRow {
            label: format!("{usage_label} - {}", category_label(cat, lang)),
            values,
        });
    }
    let zero = Amounts::default();
    let amounts: Vec<&Amounts> = years
        .iter()
        .map(|&y| plan.totals.year(y).unwrap_or(&zero))
        .collect();
    let subtotal = match lang {
        Lang::Ko => format!("{usage_label} 소계"),
        Lang::En => format!("{usage_label} subtotal"),
    };
    let (total, vat, with_vat) = match lang {
        Lang::Ko => ("합계", "부가세", "합계(부가세 포함)"),
        Lang::En => ("Total", "VAT", "Total incl. VAT"),
    };
    let item_rows: [(String, AmountOf); 7] = [
        (subtotal, |a| a.usage_fee),
        (
            budget_item_label(BudgetItem::Conversion, lang).to_owned(),
            |a| a.conversion,
        ),
        (
            budget_item_label(BudgetItem::SwBuild, lang).to_owned(),
            |a| a.sw_build,
        ),
        (budget_item_label(BudgetItem::Other, lang).to_owned(), |a| {
            a.other
        }),
        (total.to_owned(), |a| a.total),
        (vat.to_owned(), |a| a.vat),
        (with_vat.to_owned(), |a| a.total_with_vat),
    ];
    for (label, get) in item_rows {
        rows.push(WideRow {
            label,
            values: amounts.iter().map(|a| get(a)).collect(),
        });
    }
    for row in &mut rows {
        let mut sum = Decimal::ZERO;
        for v in &row.values {
            sum = sum.checked_add(*v).ok_or_else(|| too_large(&row.label))?;
        }
        row.values.push(sum);
    }
    Ok((years, rows))
}

pub(crate) fn plan_wide_frame<'py>(
    py: Python<'py>,
    plan: &Plan,
    midterm: bool,
    lang: Lang,
) -> PyResult<Bound<'py, PyAny>> {
    let (years, rows) = detached(py, || wide_rows(plan, midterm, lang))?;
    let columns = PyList::empty(py);
    for y in &years {
        columns.append(y)?;
    }
    columns.append(if lang == Lang::Ko { "합계" } else { "Total" })?;
    let index = PyList::empty(py);
    let values = PyList::empty(py);
    for row in &rows {
        index.append(&row.label)?;
        let cells = PyList::empty(py);
        for v in &row.values {
            cells.append(decimal(py, *v)?)?;
        }
        values.append(cells)?;
    }
    let index_name = if lang == Lang::Ko {
        "예산항목"
    } else {
        "budget item"
    };
    frames(py)?.call_method1("plan_wide_frame", (index, columns, values, index_name))
}

pub(crate) fn plan_long_frame<'py>(
    py: Python<'py>,
    plan: &Plan,
    midterm: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let mid = &plan.totals.midterm;
    let basis = plan.basis.to_string();
    let records = PyList::empty(py);
    for line in &plan.lines {
        for y in &line.years {
            if midterm && !(mid.from..=mid.to).contains(&y.year) {
                continue;
            }
            let d = PyDict::new(py);
            d.set_item("project", &plan.project)?;
            d.set_item("basis", &basis)?;
            d.set_item("budget_item", line.budget_item.key())?;
            d.set_item("category", line.category.as_str())?;
            d.set_item("name", line.name.as_str())?;
            d.set_item("item", line.item.as_str())?;
            d.set_item("unit", line.unit.map(|u| u.key()))?;
            d.set_item("source", line.source.as_str())?;
            d.set_item("year", y.year)?;
            let price = y
                .unit_price()
                .map(|p| decimal_from_text(py, &price_text(p)))
                .transpose()?;
            d.set_item("unit_price", price)?;
            d.set_item(
                "quantity",
                y.quantity.map(|q| decimal(py, q.normalize())).transpose()?,
            )?;
            d.set_item("amount", decimal(py, y.amount)?)?;
            records.append(d)?;
        }
    }
    frames(py)?.call_method1("plan_long_frame", (records, PLAN_COLUMNS.to_vec()))
}

// ---------------------------------------------------------------------------------------------
// prices
// ---------------------------------------------------------------------------------------------

fn server_request(item: &Bound<'_, PyAny>, i: usize) -> PyResult<ServerRequest> {
    let bad = |why: String| PyValueError::new_err(format!("servers[{i}]: {why}"));
    let text = if item.is_instance_of::<PyString>() {
        item.extract::<String>()?
    } else {
        let pair: Vec<Bound<'_, PyAny>> = item
            .extract()
            .ok()
            .filter(|v: &Vec<Bound<'_, PyAny>>| v.len() == 2)
            .ok_or_else(|| {
                PyTypeError::new_err(format!(
                    "servers[{i}] must be a (vcpu, memory_gb) pair or a \"VCPUxMEMORY_GB\" text such as \"4x16\", not {}",
                    type_name(item)
                ))
            })?;
        let mut parts = Vec::with_capacity(2);
        for (what, v) in ["vcpu", "memory_gb"].iter().zip(&pair) {
            match cell_text(v)? {
                Ok(Some(t)) => parts.push(t),
                Ok(None) => return Err(bad(format!("{what} is missing"))),
                Err(reason) => {
                    return Err(PyTypeError::new_err(format!(
                        "servers[{i}]: {what}: {reason}"
                    )))
                }
            }
        }
        format!("{}x{}", parts[0], parts[1])
    };
    text.parse::<ServerRequest>().map_err(bad)
}

/// The price table (SPEC §6 `prices`): every non-server item of the catalog and the requested
/// server sizes, with each provider's price and the combined price of the basis — the guide's
/// 평균단가 table for `basis="average"`.
///
/// Returns a pandas DataFrame with the columns `category`, `item`, `unit`, one column per provider
/// (its own price, `None` where it lists no such item) and one column named after the basis
/// (rounded half-up to two decimals, rule R1). Prices are `decimal.Decimal`, VAT excluded.
/// `servers` takes `(vcpu, memory_gb)` pairs or `"4x16"` texts; by default the guide's two
/// reference sizes 2×4 and 4×16 (left out if no provider fits them). The flavors matched for each
/// server size are in `df.attrs["flavors"]`. In Jupyter the table shows Korean labels.
#[pyfunction]
#[pyo3(
    signature = (catalog = None, basis = None, servers = None),
    text_signature = "(catalog=None, basis=\"average\", servers=None)"
)]
pub fn prices<'py>(
    py: Python<'py>,
    catalog: Option<&Bound<'py, PyAny>>,
    basis: Option<&Bound<'py, PyAny>>,
    servers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let basis = str_arg(basis, "basis", "average")?;
    let requests: Option<Vec<ServerRequest>> = match servers.filter(|s| !s.is_none()) {
        None => None,
        Some(list) => {
            if list.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(
                    "servers must be a list of (vcpu, memory_gb) pairs or texts such as \"4x16\", not a single str",
                ));
            }
            let iter = list.try_iter().map_err(|_| {
                PyTypeError::new_err(format!(
                    "servers must be a list of (vcpu, memory_gb) pairs, not {}",
                    type_name(list)
                ))
            })?;
            let mut out = Vec::new();
            for (i, item) in iter.enumerate() {
                out.push(server_request(&item?, i)?);
            }
            Some(out)
        }
    };
    let catalog = catalog_arg(py, catalog)?;
    let catalog = catalog.get();
    let table = detached(py, || {
        let basis: PriceBasis = basis.parse()?;
        cloud_tco::price_table(catalog, &basis, requests.as_deref())
    })?;

    let basis_name = table.basis.to_string();
    // Rows in the order of the guide's table (서버, OS 라이선스, 스토리지, …), as `cloud-tco prices`.
    let rank = |category: &str| {
        CATEGORY_ORDER
            .iter()
            .position(|c| *c == category)
            .unwrap_or(CATEGORY_ORDER.len())
    };
    let mut rows: Vec<(usize, Bound<'py, PyDict>)> = Vec::new();
    let flavors = PyDict::new(py);
    for s in &table.servers {
        let item = format!(
            "{}vCPU/{}GB",
            s.request.vcpu,
            s.request.memory_gb.normalize()
        );
        let d = PyDict::new(py);
        let matched = PyDict::new(py);
        d.set_item("category", "server")?;
        d.set_item("item", &item)?;
        d.set_item("unit", "vm_month")?;
        for c in &s.price.providers {
            d.set_item(c.provider.as_str(), decimal(py, c.charge)?)?;
            matched.set_item(c.provider.as_str(), c.flavor.as_deref())?;
        }
        d.set_item(
            &basis_name,
            decimal_from_text(py, &price_text(s.price.price))?,
        )?;
        rows.push((rank("server"), d));
        flavors.set_item(item, matched)?;
    }
    for p in &table.items {
        let d = PyDict::new(py);
        d.set_item("category", p.category.key())?;
        d.set_item("item", p.item.as_str())?;
        d.set_item("unit", p.unit.key())?;
        for c in &p.price.providers {
            d.set_item(c.provider.as_str(), decimal(py, c.charge)?)?;
        }
        d.set_item(
            &basis_name,
            decimal_from_text(py, &price_text(p.price.price))?,
        )?;
        rows.push((rank(p.category.key()), d));
    }
    rows.sort_by_key(|(r, _)| *r);
    let records = PyList::empty(py);
    for (_, d) in rows {
        records.append(d)?;
    }
    let mut columns: Vec<String> = ["category", "item", "unit"].map(str::to_owned).to_vec();
    columns.extend(table.providers.iter().cloned());
    columns.push(basis_name.clone());
    let labels = PyDict::new(py);
    let categories = PyDict::new(py);
    for c in CATEGORY_ORDER {
        categories.set_item(c, category_label(c, Lang::Ko))?;
    }
    labels.set_item("categories", categories)?;
    labels.set_item("basis", basis_label(&table.basis, Lang::Ko))?;
    frames(py)?.call_method1(
        "prices_frame",
        (
            records,
            columns,
            basis_name,
            table.providers.clone(),
            flavors,
            labels,
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------------------------

/// Money columns of the comparison, after `basis`, `provider` and `priced`.
const COMPARE_MONEY: [&str; 8] = [
    "midterm_usage_fee",
    "midterm_total",
    "midterm_vat",
    "midterm_total_with_vat",
    "usage_window_usage_fee",
    "usage_window_usage_fee_with_vat",
    "project_total",
    "project_total_with_vat",
];

/// The project priced under the combined basis (평균단가) and under each provider alone, side by
/// side, as `cloud-tco compare`.
///
/// Returns a pandas DataFrame with one row per basis (`average` first, then `provider:NAME`),
/// indexed by the basis, with the columns `provider`, `priced`, the mid-term plan's usage fee,
/// total, VAT and total with VAT, the usage window's usage fee with and without VAT, the project
/// total with and without VAT (`decimal.Decimal`), and `note` (why a provider could not price
/// the project; its money cells are then `None`).
#[pyfunction]
#[pyo3(signature = (project, catalog = None))]
pub fn compare<'py>(
    py: Python<'py>,
    project: &Bound<'py, PyAny>,
    catalog: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let project = project_arg(project)?;
    let catalog = catalog_arg(py, catalog)?;
    let catalog = catalog.get();
    let comparison = detached(py, || cloud_tco::compare::compare(project, catalog))?;
    let records = PyList::empty(py);
    for alt in &comparison.alternatives {
        let d = PyDict::new(py);
        d.set_item("basis", alt.basis.to_string())?;
        d.set_item(
            "provider",
            match &alt.basis {
                PriceBasis::Provider(p) => Some(p.as_str()),
                _ => None,
            },
        )?;
        match &alt.outcome {
            Outcome::Priced(plan) => {
                let t = &plan.totals;
                let mid = &t.midterm.amounts;
                let values = [
                    mid.usage_fee,
                    mid.total,
                    mid.vat,
                    mid.total_with_vat,
                    t.usage_window.usage_fee,
                    t.usage_window.usage_fee_with_vat,
                    t.project_total,
                    t.project_total_with_vat,
                ];
                d.set_item("priced", true)?;
                for (k, v) in COMPARE_MONEY.iter().zip(values) {
                    d.set_item(*k, decimal(py, v)?)?;
                }
                d.set_item("note", py.None())?;
            }
            Outcome::NotPriceable(reason) => {
                d.set_item("priced", false)?;
                for k in COMPARE_MONEY {
                    d.set_item(k, py.None())?;
                }
                d.set_item("note", reason)?;
            }
        }
        records.append(d)?;
    }
    let meta = PyDict::new(py);
    meta.set_item("project", &comparison.project)?;
    let labels = PyDict::new(py);
    for alt in &comparison.alternatives {
        labels.set_item(alt.basis.to_string(), basis_label(&alt.basis, Lang::Ko))?;
    }
    if let Some(plan) = comparison
        .alternatives
        .iter()
        .find_map(|a| match &a.outcome {
            Outcome::Priced(p) => Some(p),
            Outcome::NotPriceable(_) => None,
        })
    {
        meta.set_item("midterm_from", plan.totals.midterm.from)?;
        meta.set_item("midterm_to", plan.totals.midterm.to)?;
    }
    let mut columns: Vec<&str> = vec!["basis", "provider", "priced"];
    columns.extend(COMPARE_MONEY);
    columns.push("note");
    frames(py)?.call_method1("compare_frame", (records, columns, meta, labels))
}
