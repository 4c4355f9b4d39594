//! `Catalog`: the price catalog (SPEC §2), from the embedded default, CSV files, records or a
//! pandas DataFrame. Records go through the core's own CSV reader, so every check — and every
//! error message — is the same as for a file.

use std::path::PathBuf;

use cloud_tco::catalog::AllowanceScope;
use cloud_tco::{Catalog, Problem};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString, PyTuple};

use crate::convert::{cell_text, decimal, str_arg, type_name};
use crate::errors::{detached, guarded, Fault};

/// A validated, merged price catalog: one row per provider and item (the guide's A/B/C/D tables).
///
/// Build one with `Catalog.default()`, `Catalog.from_csv(*paths)`, `Catalog.from_records(rows)`
/// or `Catalog.from_pandas(df)`.
#[pyclass(name = "Catalog", module = "cloud_tco", frozen)]
pub struct PyCatalog {
    pub(crate) inner: Catalog,
}

impl PyCatalog {
    /// The embedded catalog, when a function is called with `catalog=None`.
    pub(crate) fn embedded() -> Result<Catalog, Fault> {
        guarded(|| Ok(Catalog::embedded()))
    }
}

/// CSV text of records, with the line each record starts on.
struct RecordsCsv {
    text: Vec<u8>,
    /// Line of each record in `text` (the header is line 1).
    starts: Vec<u64>,
}

fn records_type_error(rows: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "rows must be a list of dicts (one per catalog row, keyed by the SPEC §2 column names), not {}",
        type_name(rows)
    ))
}

fn is_dataframe(obj: &Bound<'_, PyAny>) -> bool {
    let py = obj.py();
    py.import("pandas")
        .and_then(|pd| pd.getattr("DataFrame"))
        .and_then(|cls| obj.is_instance(&cls))
        .unwrap_or(false)
}

/// Writes records (mappings of column → value) as catalog CSV text.
fn records_csv(rows: &Bound<'_, PyAny>) -> PyResult<RecordsCsv> {
    if rows.is_instance_of::<PyString>() || rows.cast::<PyMapping>().is_ok() {
        return Err(records_type_error(rows));
    }
    if is_dataframe(rows) {
        return Err(PyTypeError::new_err(
            "rows must be a list of dicts; for a pandas DataFrame use Catalog.from_pandas(df)",
        ));
    }
    let iter = rows.try_iter().map_err(|_| records_type_error(rows))?;
    let mut columns: Vec<String> = Vec::new();
    let mut records: Vec<Vec<Option<String>>> = Vec::new();
    for (i, record) in iter.enumerate() {
        let record = record?;
        let Ok(mapping) = record.cast::<PyMapping>() else {
            return Err(PyTypeError::new_err(format!(
                "record {i} must be a dict of column → value, not {}",
                type_name(&record)
            )));
        };
        let mut cells: Vec<Option<String>> = vec![None; columns.len()];
        for item in mapping.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let Ok(key) = k.extract::<String>() else {
                return Err(PyTypeError::new_err(format!(
                    "record {i}: column names must be strings, not {} ({})",
                    type_name(&k),
                    k.repr()?
                )));
            };
            let text = cell_text(&v)?.map_err(|reason| {
                PyTypeError::new_err(format!("record {i}, column {key:?}: {reason}"))
            })?;
            let col = match columns.iter().position(|c| *c == key) {
                Some(c) => c,
                None => {
                    columns.push(key);
                    cells.push(None);
                    columns.len() - 1
                }
            };
            cells[col] = text;
        }
        records.push(cells);
    }
    if columns.is_empty() {
        // No record: an empty catalog, as from a CSV file with only its header.
        columns = ["provider", "category", "item", "unit", "price"]
            .map(str::to_owned)
            .to_vec();
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write_err = |e: csv::Error| PyValueError::new_err(format!("cannot write records: {e}"));
    writer.write_record(&columns).map_err(write_err)?;
    let mut starts = Vec::with_capacity(records.len());
    let mut line: u64 = 2;
    for cells in &records {
        let row: Vec<&str> = (0..columns.len())
            .map(|c| cells.get(c).and_then(|v| v.as_deref()).unwrap_or(""))
            .collect();
        starts.push(line);
        line += 1 + row
            .iter()
            .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u64)
            .sum::<u64>();
        writer.write_record(&row).map_err(write_err)?;
    }
    let text = writer
        .into_inner()
        .map_err(|e| PyValueError::new_err(format!("cannot write records: {e}")))?;
    Ok(RecordsCsv { text, starts })
}

/// Reads records through the core's CSV reader. Problems are reported at the line the record
/// would have in a CSV export with a header (record index + 2), and carry the record index.
fn from_records_csv(py: Python<'_>, csv: RecordsCsv, source: &str) -> PyResult<PyCatalog> {
    let RecordsCsv { text, starts } = csv;
    let result = py.detach(|| guarded(|| Ok(Catalog::from_reader(text.as_slice(), Some(source))?)));
    py.check_signals()?;
    match result {
        Ok(inner) => Ok(PyCatalog { inner }),
        Err(Fault::Core(cloud_tco::Error::Catalog(mut e))) => {
            for p in &mut e.problems {
                if p.location.file.as_deref() != Some(source) {
                    continue;
                }
                if let Some(line) = p.location.line {
                    if let Ok(i) = starts.binary_search(&line) {
                        p.location.line = Some(i as u64 + 2);
                    }
                }
            }
            let record_of = |p: &Problem| -> Option<usize> {
                (p.location.file.as_deref() == Some(source))
                    .then_some(p.location.line)
                    .flatten()
                    .filter(|&l| l >= 2)
                    .map(|l| (l - 2) as usize)
            };
            Err(Fault::Core(e.into()).into_pyerr_with(py, &record_of))
        }
        Err(other) => Err(other.into_pyerr(py)),
    }
}

fn allowance_key(a: AllowanceScope) -> &'static str {
    match a {
        AllowanceScope::Project => "project",
        AllowanceScope::Vm => "vm",
    }
}

#[pymethods]
impl PyCatalog {
    /// The catalog shipped with the engine and embedded in it (illustrative prices of providers
    /// A–D, `data/catalogs/default.csv`).
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Self> {
        let inner = PyCatalog::embedded().map_err(|f| f.into_pyerr(py))?;
        Ok(PyCatalog { inner })
    }

    /// Reads, validates and merges catalog CSV files (SPEC §2). Every problem of every file is
    /// reported together in one `CatalogError`, each with its file, line and column.
    #[staticmethod]
    #[pyo3(signature = (*paths))]
    fn from_csv(py: Python<'_>, paths: &Bound<'_, PyTuple>) -> PyResult<Self> {
        if paths.is_empty() {
            return Err(PyValueError::new_err(
                "give at least one catalog CSV file, or use Catalog.default()",
            ));
        }
        let mut files: Vec<PathBuf> = Vec::with_capacity(paths.len());
        for (i, p) in paths.iter().enumerate() {
            match p.extract::<PathBuf>() {
                Ok(path) => files.push(path),
                Err(_) => {
                    return Err(PyTypeError::new_err(format!(
                        "paths[{i}] must be a str or os.PathLike, not {}",
                        type_name(&p)
                    )))
                }
            }
        }
        let inner = detached(py, || Ok(Catalog::from_paths(&files)?))?;
        Ok(PyCatalog { inner })
    }

    /// Builds a catalog from records: an iterable of dicts keyed by the SPEC §2 column names
    /// (`provider`, `category`, `item`, `unit`, `price`, `vcpu`, `memory_gb`, …).
    ///
    /// Values may be `str`, `int`, `decimal.Decimal` or `float` (read from its shortest decimal
    /// form); `None` and NaN are empty cells. The records are checked exactly like a CSV file
    /// named `source`: a problem's `line` is the record index + 2 (its line in a CSV export with
    /// a header) and its `record` is the 0-based index.
    #[staticmethod]
    #[pyo3(signature = (rows, source = None), text_signature = "(rows, source=\"records\")")]
    fn from_records(
        py: Python<'_>,
        rows: &Bound<'_, PyAny>,
        source: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let source = str_arg(source, "source", "records")?;
        let csv = records_csv(rows)?;
        from_records_csv(py, csv, &source)
    }

    /// Builds a catalog from a pandas DataFrame with the SPEC §2 columns (one row per provider
    /// and item), as `Catalog.from_records(df.to_dict("records"))`.
    ///
    /// `pandas.read_csv` reads prices as float64; a float is taken at its shortest decimal form
    /// (`256.3`), which is exact for prices typed with up to 15 significant digits. To keep every
    /// digit as written, read the CSV with `dtype=str`.
    #[staticmethod]
    #[pyo3(signature = (df, source = None), text_signature = "(df, source=\"DataFrame\")")]
    fn from_pandas(
        py: Python<'_>,
        df: &Bound<'_, PyAny>,
        source: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let source = str_arg(source, "source", "DataFrame")?;
        if !is_dataframe(df) {
            return Err(PyTypeError::new_err(format!(
                "df must be a pandas DataFrame, not {}; for a list of dicts use Catalog.from_records(rows)",
                type_name(df)
            )));
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("orient", "records")?;
        let records = df.call_method("to_dict", (), Some(&kwargs))?;
        let csv = records_csv(&records)?;
        from_records_csv(py, csv, &source)
    }

    /// Provider names, sorted.
    #[getter]
    fn providers(&self) -> Vec<String> {
        self.inner.providers().to_vec()
    }

    /// The rows as dicts keyed by the SPEC §2 columns, prices as `decimal.Decimal`, in the order
    /// they were read. `Catalog.from_records(catalog.to_records())` gives the same catalog.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for row in self.inner.rows() {
            let d = PyDict::new(py);
            d.set_item("provider", row.provider.as_str())?;
            d.set_item("category", row.category.key())?;
            d.set_item("item", row.item.as_str())?;
            d.set_item("unit", row.unit.key())?;
            d.set_item("price", decimal(py, row.price)?)?;
            let spec = row.spec.as_ref();
            d.set_item("vcpu", spec.map(|s| s.vcpu))?;
            d.set_item(
                "memory_gb",
                spec.map(|s| decimal(py, s.memory_gb)).transpose()?,
            )?;
            d.set_item("disk_gb", spec.map(|s| decimal(py, s.disk_gb)).transpose()?)?;
            d.set_item(
                "included_gb",
                row.included_gb.map(|g| decimal(py, g)).transpose()?,
            )?;
            d.set_item("included_per", row.included_per.map(allowance_key))?;
            d.set_item("note", row.note.as_deref())?;
            d.set_item("source", row.source.as_deref())?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The rows as a pandas DataFrame with the SPEC §2 columns (prices as `decimal.Decimal`).
    /// `Catalog.from_pandas(catalog.to_pandas())` gives the same catalog.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let records = self.to_records(py)?;
        py.import("cloud_tco._frames")?
            .call_method1("catalog_frame", (records,))
    }

    /// The number of rows.
    fn __len__(&self) -> usize {
        self.inner.rows().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Catalog(providers=[{}], rows={})",
            self.inner
                .providers()
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            self.inner.rows().len()
        )
    }
}
