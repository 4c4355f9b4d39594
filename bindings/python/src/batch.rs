//! `batch`: many projects repriced at once into the summary of `cloud-tco batch`, as a DataFrame.
//!
//! The figures are the core's: a JSON Lines file goes through `cloud_tco::batch::run_jsonl` and
//! an inventory through `cloud_tco::batch::run_inventory`, each into a buffer whose summary CSV
//! is read back; a list of `Project` objects is planned on every core and summarised with
//! `cloud_tco::batch::Summary::of`. Rows are gathered column by column in Rust and handed to
//! pandas as whole columns: no Python object per row.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cloud_tco::batch::{Summary, SUMMARY_COLUMNS};
use cloud_tco::inventory::{read_inventory, InventorySystem};
use cloud_tco::{Catalog, Decimal, Error, Location, PriceBasis, Project, ProjectError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyType};

use crate::convert::{decimal_type, opt_str_arg, type_name};
use crate::errors::{detached, detached_map, guarded, Fault, SLICE};
use crate::plan::{catalog_arg, parse_basis};

/// One money cell of the summary: empty, a whole number of won (almost always), or other
/// decimal text as the core wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Empty,
    Int(i64),
    Text(Box<str>),
}

impl Cell {
    /// The cell of the core's text; digits without a sign other than `-`, without leading zeros
    /// and of at most 18 digits are kept as an integer (the same `Decimal` value and exponent).
    fn of(text: &str) -> Cell {
        if text.is_empty() {
            return Cell::Empty;
        }
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let plain = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && !(negative && digits == "0");
        if plain {
            let mut v: i64 = 0;
            for b in digits.bytes() {
                v = v * 10 + i64::from(b - b'0');
            }
            Cell::Int(if negative { -v } else { v })
        } else {
            Cell::Text(text.into())
        }
    }

    fn of_decimal(d: Decimal) -> Cell {
        match i64::try_from(d.mantissa()) {
            Ok(v) if d.scale() == 0 && !(v == 0 && d.is_sign_negative()) => Cell::Int(v),
            _ => Cell::Text(d.to_string().into()),
        }
    }
}

/// The summary rows, column by column; `None` and [`Cell::Empty`] are empty cells.
#[derive(Default)]
struct Columns {
    project: Vec<String>,
    kind: Vec<Option<String>>,
    /// usage_fee, midterm_total, project_total, project_total_with_vat.
    money: [Vec<Cell>; 4],
    error: Vec<Option<String>>,
    /// Total of each fiscal year; [`Cell::Empty`] where the row has none (yet).
    years: BTreeMap<i32, Vec<Cell>>,
}

impl Columns {
    fn len(&self) -> usize {
        self.project.len()
    }

    /// Appends a row; `by_year` holds the totals it reports.
    fn push(
        &mut self,
        project: String,
        kind: Option<String>,
        money: [Cell; 4],
        error: Option<String>,
        by_year: impl IntoIterator<Item = (i32, Cell)>,
    ) {
        let row = self.len();
        self.project.push(project);
        self.kind.push(kind);
        for (col, v) in self.money.iter_mut().zip(money) {
            col.push(v);
        }
        self.error.push(error);
        for (year, total) in by_year {
            let col = self.years.entry(year).or_default();
            col.resize(row, Cell::Empty);
            col.push(total);
        }
    }

    fn push_summary(&mut self, s: Summary) {
        let money = [
            s.usage_fee,
            s.midterm_total,
            s.project_total,
            s.project_total_with_vat,
        ]
        .map(Cell::of_decimal);
        self.push(
            s.project,
            Some(s.kind.key().to_owned()),
            money,
            None,
            s.by_year.into_iter().map(|(y, t)| (y, Cell::of_decimal(t))),
        );
    }

    fn push_error(&mut self, project: String, error: String) {
        let empty = [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty];
        self.push(project, None, empty, Some(error), []);
    }

    /// Appends the rows of a summary CSV written by the core (`cloud_tco::batch`). The year
    /// columns of the CSV are filled alongside and joined to the others once, at the end.
    fn read_csv(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let bad = |e: csv::Error| Error::Report(format!("cannot read the batch summary: {e}"));
        let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
        let header = rdr.byte_headers().map_err(bad)?.clone();
        let fixed = SUMMARY_COLUMNS.len();
        if header.len() < fixed
            || header
                .iter()
                .zip(SUMMARY_COLUMNS)
                .any(|(h, c)| h != c.as_bytes())
        {
            return Err(Error::Report(format!(
                "the batch summary has an unexpected header: {}",
                String::from_utf8_lossy(header.as_slice())
            )));
        }
        let years: Vec<i32> = header
            .iter()
            .skip(fixed)
            .map(|y| {
                std::str::from_utf8(y)
                    .ok()
                    .and_then(|y| y.parse().ok())
                    .ok_or_else(|| {
                        Error::Report(format!(
                            "the batch summary has a column {:?}",
                            String::from_utf8_lossy(y)
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        let text = |v: &[u8]| -> Result<String, Error> {
            String::from_utf8(v.to_vec())
                .map_err(|e| Error::Report(format!("the batch summary is not UTF-8: {e}")))
        };
        let optional = |v: &[u8]| -> Result<Option<String>, Error> {
            if v.is_empty() {
                Ok(None)
            } else {
                text(v).map(Some)
            }
        };
        let cell = |v: &[u8]| match std::str::from_utf8(v) {
            Ok(t) => Cell::of(t),
            Err(_) => Cell::Text(String::from_utf8_lossy(v).into()),
        };
        let start = self.len();
        let mut year_cells: Vec<Vec<Cell>> = years.iter().map(|_| Vec::new()).collect();
        let mut record = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut record).map_err(bad)? {
            self.project.push(text(&record[0])?);
            self.kind.push(optional(&record[1])?);
            for (col, i) in self.money.iter_mut().zip(2..6) {
                col.push(cell(&record[i]));
            }
            self.error.push(optional(&record[6])?);
            for (col, v) in year_cells.iter_mut().zip(record.iter().skip(fixed)) {
                col.push(cell(v));
            }
        }
        for (year, cells) in years.into_iter().zip(year_cells) {
            let col = self.years.entry(year).or_default();
            col.resize(start, Cell::Empty);
            col.extend(cells);
        }
        Ok(())
    }

    /// The year columns as `cloud-tco batch` writes them: every year from the first to the last
    /// that any row reports; a row that was planned has 0 where it reports nothing, a failed row
    /// nothing at all.
    fn finish_years(&mut self) {
        let (Some(&lo), Some(&hi)) = (self.years.keys().next(), self.years.keys().next_back())
        else {
            return;
        };
        let rows = self.len();
        for year in lo..=hi {
            let col = self.years.entry(year).or_default();
            col.resize(rows, Cell::Empty);
            for (cell, error) in col.iter_mut().zip(&self.error) {
                if *cell == Cell::Empty && error.is_none() {
                    *cell = Cell::Int(0);
                }
            }
        }
    }
}

/// A cheap hasher for the `i64` keys of [`DecimalCache`] (a multiplicative mix).
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_i64(&mut self, v: i64) {
        self.0 = (v as u64 ^ (v as u64 >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// `Decimal` objects of whole numbers already made: equal cells share one (immutable) object,
/// which saves most of the conversion where amounts repeat (0 in every year outside a window).
struct DecimalCache<'py> {
    py: Python<'py>,
    decimal: Bound<'py, PyType>,
    by_int: HashMap<i64, Py<PyAny>, BuildHasherDefault<IntHasher>>,
}

/// At most this many cached `Decimal` objects.
const CACHE_LIMIT: usize = 1 << 16;

impl<'py> DecimalCache<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        Ok(DecimalCache {
            py,
            decimal: decimal_type(py)?.clone(),
            by_int: HashMap::default(),
        })
    }

    fn get(&mut self, cell: &Cell) -> PyResult<Py<PyAny>> {
        let py = self.py;
        Ok(match cell {
            Cell::Empty => py.None(),
            Cell::Text(text) => self.decimal.call1((&**text,))?.unbind(),
            Cell::Int(v) => match self.by_int.get(v) {
                Some(d) => d.clone_ref(py),
                None => {
                    let d = self.decimal.call1((*v,))?.unbind();
                    if self.by_int.len() < CACHE_LIMIT {
                        self.by_int.insert(*v, d.clone_ref(py));
                    }
                    d
                }
            },
        })
    }

    fn column(&mut self, cells: &[Cell]) -> PyResult<Bound<'py, PyList>> {
        let mut out: Vec<Py<PyAny>> = Vec::with_capacity(cells.len());
        for cell in cells {
            out.push(self.get(cell)?);
        }
        PyList::new(self.py, out)
    }
}

/// A text column; equal texts share one `str` object (kinds repeat, errors are mostly empty).
fn text_column<'py>(py: Python<'py>, cells: &[Option<String>]) -> PyResult<Bound<'py, PyList>> {
    let mut shared: HashMap<&str, Py<PyAny>> = HashMap::new();
    let mut out: Vec<Py<PyAny>> = Vec::with_capacity(cells.len());
    for cell in cells {
        out.push(match cell.as_deref() {
            None => py.None(),
            Some(t) if t.len() <= 16 => shared
                .entry(t)
                .or_insert_with(|| PyString::new(py, t).into_any().unbind())
                .clone_ref(py),
            Some(t) => PyString::new(py, t).into_any().unbind(),
        });
    }
    PyList::new(py, out)
}

/// The DataFrame of `cloud_tco._frames.batch_frame` from the columns.
fn frame<'py>(py: Python<'py>, mut c: Columns, failed: usize) -> PyResult<Bound<'py, PyAny>> {
    c.finish_years();
    let data = PyList::empty(py);
    let mut cache = DecimalCache::new(py)?;
    data.append(PyList::new(py, &c.project)?)?;
    data.append(text_column(py, &c.kind)?)?;
    for col in &c.money {
        data.append(cache.column(col)?)?;
    }
    data.append(text_column(py, &c.error)?)?;
    let names = PyList::empty(py);
    for name in SUMMARY_COLUMNS {
        names.append(name)?;
    }
    for (year, col) in &c.years {
        names.append(*year)?;
        data.append(cache.column(col)?)?;
    }
    let attrs = PyDict::new(py);
    attrs.set_item("projects", c.len())?;
    attrs.set_item("failed", failed)?;
    py.import("cloud_tco._frames")?
        .call_method1("batch_frame", (data, names, attrs))
}

/// A reader that checks for Ctrl-C every [`SLICE`] while the core reads its input with the GIL
/// released: a `KeyboardInterrupt` makes the next read fail, which stops the core.
struct Interruptible<R> {
    inner: R,
    checked: Instant,
    interrupt: Option<PyErr>,
}

impl<R: Read> Read for Interruptible<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.interrupt.is_none() && self.checked.elapsed() >= SLICE {
            self.checked = Instant::now();
            self.interrupt = Python::attach(|py| py.check_signals().err());
        }
        if self.interrupt.is_some() {
            return Err(std::io::Error::other("interrupted (KeyboardInterrupt)"));
        }
        self.inner.read(buf)
    }
}

/// Opens an input file of a batch; a missing file is a `ProjectError` naming it, as the command
/// line reports it.
fn open(path: &Path, what: &str) -> Result<File, Error> {
    let name = path.display().to_string();
    let fail = |m: String| {
        Error::Project(ProjectError::single(
            Location::new(Some(&name), None, None),
            m,
        ))
    };
    match std::fs::metadata(path) {
        Err(_) => Err(fail(format!("the {what} file does not exist"))),
        Ok(m) if m.is_dir() => Err(fail("this is a directory, not a file".into())),
        Ok(_) => File::open(path).map_err(|e| fail(format!("cannot open: {e}"))),
    }
}

fn path_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<PathBuf> {
    obj.extract::<PathBuf>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a str or os.PathLike, not {}",
            type_name(obj)
        ))
    })
}

/// JSON Lines: `run_jsonl` into a buffer, read back.
fn from_jsonl(
    py: Python<'_>,
    path: &Path,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    columns: &mut Columns,
) -> PyResult<usize> {
    let source = path.display().to_string();
    let file = detached(py, || open(path, "projects"))?;
    let mut reader = Interruptible {
        inner: file,
        checked: Instant::now(),
        interrupt: None,
    };
    let result = py.detach(|| {
        guarded(|| {
            let mut out = Vec::new();
            let stats =
                cloud_tco::batch::run_jsonl(&mut reader, Some(&source), catalog, basis, &mut out)?;
            let mut parsed = Columns::default();
            parsed.read_csv(&out)?;
            Ok((stats, parsed))
        })
    });
    if let Some(interrupt) = reader.interrupt.take() {
        return Err(interrupt);
    }
    py.check_signals()?;
    let (stats, parsed) = result.map_err(|f| f.into_pyerr(py))?;
    *columns = parsed;
    Ok(stats.failed)
}

/// An inventory: `run_inventory` slice by slice (Ctrl-C is checked between slices), each into a
/// buffer read back.
fn from_inventory(
    py: Python<'_>,
    systems: &Path,
    resources: &Path,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    columns: &mut Columns,
) -> PyResult<usize> {
    let inventory: Vec<InventorySystem> = detached(py, || {
        let s = open(systems, "systems")?;
        let r = open(resources, "resources")?;
        Ok(read_inventory(
            s,
            &systems.display().to_string(),
            r,
            &resources.display().to_string(),
        )?)
    })?;
    let mut failed = 0;
    let mut chunk = rayon::current_num_threads().max(1);
    let mut rest = inventory.into_iter().peekable();
    while rest.peek().is_some() {
        let slice: Vec<InventorySystem> = rest.by_ref().take(chunk).collect();
        let started = Instant::now();
        let stats = detached(py, || {
            let mut out = Vec::new();
            let stats = cloud_tco::batch::run_inventory(slice, catalog, basis, &mut out)?;
            columns.read_csv(&out)?;
            Ok(stats)
        })?;
        failed += stats.failed;
        let took = started.elapsed();
        if took < SLICE / 2 {
            chunk = chunk.saturating_mul(2);
        } else if took > SLICE * 2 && chunk > 1 {
            chunk /= 2;
        }
    }
    Ok(failed)
}

/// A list of `Project`: planned on every core with the GIL released, summarised by the core.
fn from_projects(
    py: Python<'_>,
    projects: &Bound<'_, PyAny>,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    columns: &mut Columns,
) -> PyResult<usize> {
    let items = crate::plan::project_list(
        projects,
        "a list of Project, or the path of a JSON Lines file",
    )?;
    let inputs: Vec<&Project> = items.iter().map(|p| &p.get().inner).collect();
    let results: Vec<Result<Summary, Fault>> = detached_map(py, &inputs, |project| {
        guarded(|| cloud_tco::plan(project, catalog, basis).map(|plan| Summary::of(&plan)))
    })?;
    let mut failed = 0;
    for (i, (result, project)) in results.into_iter().zip(&inputs).enumerate() {
        match result {
            Ok(summary) => columns.push_summary(summary),
            Err(fault) => {
                failed += 1;
                let message = match fault {
                    Fault::Core(e) => e.to_string(),
                    Fault::Sla(e) => e.to_string(),
                    Fault::Panic(text) => format!(
                        "internal error in cloud-tco ({text}); this is a bug, please report it with the input that caused it"
                    ),
                };
                columns.push_error(project.name.clone(), format!("projects[{i}]: {message}"));
            }
        }
    }
    Ok(failed)
}

/// Reprices many projects into the summary of `cloud-tco batch`, on every core with the GIL
/// released (Ctrl-C stops it promptly with `KeyboardInterrupt`).
///
/// `projects` is a list of `Project`, or the path of a JSON Lines file (one SPEC §4 project in
/// JSON per line); or give an inventory instead, `systems=` and `resources=` (the two CSV
/// exports of a 시스템현황분석서). `catalog=None` uses the embedded catalog; `basis` overrides
/// each project's own.
///
/// Returns a DataFrame with exactly the columns of the command line's summary CSV: `project`,
/// `kind`, `usage_fee`, `midterm_total`, `project_total`, `project_total_with_vat`, `error`, then
/// one column per fiscal year (`int`) with that year's total, VAT excluded. Money is
/// `decimal.Decimal`; an empty cell is `None`. A project that cannot be planned gets its message
/// in `error` and the others still run; `df.attrs["failed"]` counts them.
#[pyfunction]
#[pyo3(signature = (projects = None, catalog = None, basis = None, *, systems = None, resources = None))]
pub fn batch<'py>(
    py: Python<'py>,
    projects: Option<&Bound<'py, PyAny>>,
    catalog: Option<&Bound<'py, PyAny>>,
    basis: Option<&Bound<'py, PyAny>>,
    systems: Option<&Bound<'py, PyAny>>,
    resources: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    fn given<'a, 'py>(o: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
        o.filter(|o| !o.is_none())
    }
    let (projects, systems, resources) = (given(projects), given(systems), given(resources));
    let basis = opt_str_arg(basis, "basis")?;
    let catalog = catalog_arg(py, catalog)?;
    let catalog = catalog.get();
    let basis = guarded(|| parse_basis(basis.as_deref())).map_err(|f| f.into_pyerr(py))?;
    let basis = basis.as_ref();
    let mut columns = Columns::default();
    let failed = match (projects, systems, resources) {
        (Some(p), None, None) => {
            let is_path = p.is_instance_of::<PyString>()
                || p.is_instance(&py.import("os")?.getattr("PathLike")?)?;
            if is_path {
                let path = path_arg(p, "projects")?;
                from_jsonl(py, &path, catalog, basis, &mut columns)?
            } else {
                from_projects(py, p, catalog, basis, &mut columns)?
            }
        }
        (None, Some(s), Some(r)) => {
            let (s, r) = (path_arg(s, "systems")?, path_arg(r, "resources")?);
            from_inventory(py, &s, &r, catalog, basis, &mut columns)?
        }
        (None, None, None) => {
            return Err(PyTypeError::new_err(
                "batch() needs projects (a list of Project or a JSON Lines path), or systems= and resources=",
            ))
        }
        (Some(_), ..) => {
            return Err(PyValueError::new_err(
                "give either projects or an inventory (systems= and resources=), not both",
            ))
        }
        (None, ..) => {
            return Err(PyValueError::new_err(
                "an inventory needs both systems= and resources=",
            ))
        }
    };
    frame(py, columns, failed)
}
