//! `batch`: many projects repriced at once into the summary of `cloud-tco batch`, as a DataFrame.
//!
//! The figures are the core's: a JSON Lines file goes through `cloud_tco::batch::summarize_jsonl`,
//! whose rows become the Python objects of the final columns chunk by chunk while the core plans
//! the next chunks; an inventory goes through `cloud_tco::batch::run_inventory` into a buffer
//! whose summary CSV is read back; a list of `Project` objects is planned on every core and
//! summarised with `cloud_tco::batch::Summary::of`. Rows are gathered column by column and handed
//! to pandas as whole columns.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use cloud_tco::batch::{PlannerPool, Summary, SummaryRow, SUMMARY_COLUMNS};
use cloud_tco::inventory::{read_inventory, InventorySystem};
use cloud_tco::{Catalog, Decimal, Error, Location, PriceBasis, Project, ProjectError};
use numpy::PyArray1;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict, PyList, PyString, PyType};
use rayon::prelude::*;

use crate::convert::{decimal_type, opt_str_arg, type_name};
use crate::errors::{detached, guarded, guarded_any, Fault, SLICE};
use crate::plan::{catalog_arg, parse_basis};

/// One money cell of a summary CSV: empty, a whole number of won (almost always), or other
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
}

/// The rows of a summary CSV (an inventory slice's), column by column; `None` and
/// [`Cell::Empty`] are empty cells.
#[derive(Default)]
struct Columns {
    project: Vec<String>,
    kind: Vec<Option<String>>,
    /// usage_fee, midterm_total, project_total, project_total_with_vat.
    money: [Vec<Cell>; 4],
    error: Vec<Option<String>>,
    /// Total of each fiscal year of the CSV's header, one cell per row.
    years: BTreeMap<i32, Vec<Cell>>,
}

impl Columns {
    fn len(&self) -> usize {
        self.project.len()
    }

    /// Appends the rows of a summary CSV written by the core (`cloud_tco::batch`).
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
}

/// `Decimal` objects of the whole numbers made last: an amount equal to one of the few before
/// it (the same total in two columns of a row, the same fee in consecutive years) shares its
/// (immutable) object for the cost of a few compares. 0, the most frequent amount, is always
/// the one shared object. Only a handful are kept: dropping an old entry touches its object,
/// which is cheap only while it is still in the processor's cache. It holds no GIL token, so
/// that it can wait in a closure that runs with the GIL released.
struct DecimalCache {
    decimal: Py<PyType>,
    /// `create_decimal` of a context with enough digits for any `i64`: the same `Decimal` as
    /// `Decimal(v)` (no rounding happens), made a little faster.
    create: Py<PyAny>,
    zero: Py<PyAny>,
    recent: [Option<(i64, Py<PyAny>)>; RECENT],
    /// The entry of `recent` to replace next.
    next: usize,
}

/// How many of the last `Decimal` objects [`DecimalCache`] keeps.
const RECENT: usize = 8;

impl DecimalCache {
    fn new(py: Python<'_>) -> PyResult<Self> {
        let decimal = decimal_type(py)?;
        let context = py
            .import("decimal")?
            .getattr("Context")?
            .call((), Some(&[("prec", 40)].into_py_dict(py)?))?;
        Ok(DecimalCache {
            decimal: decimal.clone().unbind(),
            create: context.getattr("create_decimal")?.unbind(),
            zero: decimal.call1((0,))?.unbind(),
            recent: Default::default(),
            next: 0,
        })
    }

    /// `Decimal(v)`.
    fn int(&mut self, py: Python<'_>, v: i64) -> PyResult<Py<PyAny>> {
        if v == 0 {
            return Ok(self.zero.clone_ref(py));
        }
        for (key, d) in self.recent.iter().flatten() {
            if *key == v {
                return Ok(d.clone_ref(py));
            }
        }
        let d = self.create.bind(py).call1((v,))?.unbind();
        self.recent[self.next] = Some((v, d.clone_ref(py)));
        self.next = (self.next + 1) % RECENT;
        Ok(d)
    }

    /// `Decimal(text)`.
    fn text(&self, py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
        Ok(self.decimal.bind(py).call1((text,))?.unbind())
    }

    /// The `Decimal` of the core's text of a cell; `None` for an empty cell.
    fn cell(&mut self, py: Python<'_>, cell: &Cell) -> PyResult<Option<Py<PyAny>>> {
        Ok(match cell {
            Cell::Empty => None,
            Cell::Int(v) => Some(self.int(py, *v)?),
            Cell::Text(text) => Some(self.text(py, text)?),
        })
    }

    /// The `Decimal` with the value and exponent of `d` as the core writes it (`d.to_string()`
    /// in its CSV): whole numbers through the cache, anything else from that text.
    fn of(&mut self, py: Python<'_>, d: Decimal) -> PyResult<Py<PyAny>> {
        match i64::try_from(d.mantissa()) {
            Ok(v) if d.scale() == 0 && !(v == 0 && d.is_sign_negative()) => self.int(py, v),
            _ => self.text(py, &d.to_string()),
        }
    }
}

/// The summary as the Python objects of its final columns, made row by row under the GIL as
/// rows arrive; `None` is an empty cell. The year columns grow as rows report years;
/// [`Frame::finish`] joins them into one span, fills in the cells no row reported, and hands
/// every column to pandas as a NumPy array that takes over the column's vector: the objects are
/// not copied nor touched again (at the end of a large batch, walking them all would cost as
/// much again as making them, and serially).
struct Frame {
    project: Vec<Py<PyAny>>,
    kind: Vec<Option<Py<PyAny>>>,
    /// usage_fee, midterm_total, project_total, project_total_with_vat.
    money: [Vec<Option<Py<PyAny>>>; 4],
    error: Vec<Option<Py<PyAny>>>,
    /// Whether a year the row does not report reads 0 (a planned row) rather than nothing (a
    /// failed row).
    planned: Vec<bool>,
    /// The totals of each fiscal year from `first_year` on; a column stops at the last row that
    /// reports the year (a year no row reports yet has an empty column).
    years: VecDeque<Vec<Option<Py<PyAny>>>>,
    first_year: i32,
    decimals: DecimalCache,
    /// Short texts (kinds) as shared `str` objects.
    texts: HashMap<String, Py<PyAny>>,
    /// `cloud_tco._batch`, imported while the core plans the first chunks.
    module: Option<Py<PyModule>>,
}

impl Frame {
    fn new(py: Python<'_>) -> PyResult<Self> {
        Ok(Frame {
            project: Vec::new(),
            kind: Vec::new(),
            money: Default::default(),
            error: Vec::new(),
            planned: Vec::new(),
            years: VecDeque::new(),
            first_year: 0,
            decimals: DecimalCache::new(py)?,
            texts: HashMap::new(),
            module: None,
        })
    }

    /// `cloud_tco._batch`, imported on first use (the first import of a module takes a little
    /// while, better spent while the core plans).
    fn module<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyModule>> {
        if let Some(m) = &self.module {
            return Ok(m.bind(py).clone());
        }
        let m = py.import("cloud_tco._batch")?;
        self.module = Some(m.clone().unbind());
        Ok(m)
    }

    fn len(&self) -> usize {
        self.project.len()
    }

    /// A `str` shared by every equal short text.
    fn short_text(&mut self, py: Python<'_>, text: &str) -> Py<PyAny> {
        if let Some(s) = self.texts.get(text) {
            return s.clone_ref(py);
        }
        let s = PyString::new(py, text).into_any().unbind();
        self.texts.insert(text.to_owned(), s.clone_ref(py));
        s
    }

    /// Appends a row without its year totals (see [`Frame::set_year`]).
    fn push(
        &mut self,
        py: Python<'_>,
        project: &str,
        kind: Option<Py<PyAny>>,
        money: [Option<Py<PyAny>>; 4],
        error: Option<&str>,
    ) {
        self.project
            .push(PyString::new(py, project).into_any().unbind());
        self.kind.push(kind);
        for (col, v) in self.money.iter_mut().zip(money) {
            col.push(v);
        }
        self.planned.push(error.is_none());
        self.error
            .push(error.map(|e| PyString::new(py, e).into_any().unbind()));
    }

    /// Sets the total of `year` in the last row.
    fn set_year(&mut self, year: i32, total: Py<PyAny>) {
        let row = self.len() - 1;
        if self.years.is_empty() {
            self.first_year = year;
        }
        if year < self.first_year {
            for _ in year..self.first_year {
                self.years.push_front(Vec::new());
            }
            self.first_year = year;
        }
        let at = usize::try_from(i64::from(year) - i64::from(self.first_year))
            .expect("year is not before the first year");
        if at >= self.years.len() {
            self.years.resize_with(at + 1, Vec::new);
        }
        let col = &mut self.years[at];
        if col.len() < row {
            col.resize_with(row, || None);
        }
        if col.len() == row {
            col.push(Some(total));
        } else {
            // A year the summary lists twice: the last total wins, as in the CSV.
            col[row] = Some(total);
        }
    }

    /// A planned project under the name `project`.
    fn push_summary(&mut self, py: Python<'_>, project: &str, s: &Summary) -> PyResult<()> {
        let mut money: [Option<Py<PyAny>>; 4] = Default::default();
        let amounts = [
            s.usage_fee,
            s.midterm_total,
            s.project_total,
            s.project_total_with_vat,
        ];
        for (cell, amount) in money.iter_mut().zip(amounts) {
            *cell = Some(self.decimals.of(py, amount)?);
        }
        let kind = self.short_text(py, s.kind.key());
        self.push(py, project, Some(kind), money, None);
        for &(year, total) in &s.by_year {
            let total = self.decimals.of(py, total)?;
            self.set_year(year, total);
        }
        Ok(())
    }

    /// A project that could not be planned. An empty message is an empty cell, and the row then
    /// reads 0 in every year, as the CSV reads back.
    fn push_error(&mut self, py: Python<'_>, project: &str, error: &str) {
        let error = Some(error).filter(|e| !e.is_empty());
        self.push(py, project, None, Default::default(), error);
    }

    /// A row of the core's batch API.
    fn push_row(&mut self, py: Python<'_>, (project, result): &SummaryRow) -> PyResult<()> {
        match result {
            Ok(s) => self.push_summary(py, project, s),
            Err(e) => {
                self.push_error(py, project, e);
                Ok(())
            }
        }
    }

    /// The rows of a summary CSV read back.
    fn push_columns(&mut self, py: Python<'_>, c: &Columns) -> PyResult<()> {
        for i in 0..c.len() {
            let kind = c.kind[i].as_deref().map(|k| self.short_text(py, k));
            let mut money: [Option<Py<PyAny>>; 4] = Default::default();
            for (cell, col) in money.iter_mut().zip(&c.money) {
                *cell = self.decimals.cell(py, &col[i])?;
            }
            self.push(py, &c.project[i], kind, money, c.error[i].as_deref());
            for (&year, cells) in &c.years {
                if let Some(total) = self.decimals.cell(py, &cells[i])? {
                    self.set_year(year, total);
                }
            }
        }
        Ok(())
    }

    /// The DataFrame of `cloud_tco._batch.batch_frame`, with the year columns as
    /// `cloud-tco batch` writes them: every year from the first to the last that any row
    /// reports; a planned row has 0 where it reports nothing, a failed row nothing at all.
    fn finish(mut self, py: Python<'_>, failed: usize) -> PyResult<Bound<'_, PyAny>> {
        let module = self.module(py)?;
        let rows = self.len();
        let none = py.None();
        let array = |cells: Vec<Py<PyAny>>| PyArray1::from_vec(py, cells);
        let filled = |cells: Vec<Option<Py<PyAny>>>| {
            array(
                cells
                    .into_iter()
                    .map(|cell| cell.unwrap_or_else(|| none.clone_ref(py)))
                    .collect(),
            )
        };
        let data = PyList::empty(py);
        let names = PyList::new(py, SUMMARY_COLUMNS)?;
        data.append(array(self.project))?;
        data.append(filled(self.kind))?;
        for col in self.money {
            data.append(filled(col))?;
        }
        data.append(filled(self.error))?;
        let zero = &self.decimals.zero;
        for (year, mut col) in (self.first_year..).zip(self.years) {
            col.resize_with(rows, || None);
            let cells = col
                .into_iter()
                .zip(&self.planned)
                .map(|(cell, &planned)| match cell {
                    Some(total) => total,
                    None if planned => zero.clone_ref(py),
                    None => none.clone_ref(py),
                })
                .collect();
            names.append(year)?;
            data.append(array(cells))?;
        }
        let attrs = PyDict::new(py);
        attrs.set_item("projects", rows)?;
        attrs.set_item("failed", failed)?;
        module.call_method1("batch_frame", (data, names, attrs))
    }
}

/// A reader that fails once `stop` is set: the Python side stopped the run (Ctrl-C, or an error
/// while making its objects), and the core stops at its next read.
struct Stoppable<'a, R> {
    inner: R,
    stop: &'a AtomicBool,
}

impl<R: Read> Read for Stoppable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("stopped by the Python side"));
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

/// JSON Lines: `summarize_jsonl` with the GIL released, on a thread of its own that reads the
/// file and hands the rows over chunk by chunk, while this thread turns each chunk into the
/// Python objects of the final columns (taking the GIL for that chunk only) and the pool plans
/// the next chunks. The core never waits for Python: it reads and queues the next chunk at
/// once. This thread checks for Ctrl-C with every chunk and at least every [`SLICE`].
fn from_jsonl(
    py: Python<'_>,
    path: &Path,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    frame: &mut Frame,
) -> PyResult<usize> {
    let source = path.display().to_string();
    let file = detached(py, || open(path, "projects"))?;
    let stop = AtomicBool::new(false);
    // Why this side stopped the run: Ctrl-C, or a failure to make a Python object.
    let mut stopped: Option<PyErr> = None;
    // The guard turns a panic on either thread into `CloudTcoError`, never a `PanicException`.
    let result = py.detach(|| {
        guarded_any(|| {
            std::thread::scope(|scope| {
                // Two chunks may wait here: the core goes on while a chunk is being converted,
                // and memory stays bounded.
                let (tx, rx) = mpsc::sync_channel::<Vec<SummaryRow>>(2);
                let reader = Stoppable {
                    inner: file,
                    stop: &stop,
                };
                let source = &source;
                let core = scope.spawn(move || {
                    guarded(|| {
                        let take = |rows| {
                            tx.send(rows)
                                .map_err(|_| Error::Report("stopped by the Python side".into()))
                        };
                        cloud_tco::batch::summarize_jsonl(
                            reader,
                            Some(source),
                            catalog,
                            basis,
                            take,
                        )
                    })
                });
                stopped = take_chunks(rx, &stop, |py, rows| {
                    frame.module(py)?;
                    rows.iter().try_for_each(|row| frame.push_row(py, row))
                });
                core.join().unwrap_or_else(|_| {
                    Err(Fault::Panic("the batch thread stopped unexpectedly".into()))
                })
            })
        })
    });
    if let Some(e) = stopped {
        return Err(e);
    }
    py.check_signals()?;
    let stats = result.map_err(|f| f.into_pyerr(py))?;
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
    frame: &mut Frame,
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
        let (stats, columns) = detached(py, || {
            let mut out = Vec::new();
            let stats = cloud_tco::batch::run_inventory(slice, catalog, basis, &mut out)?;
            let mut columns = Columns::default();
            columns.read_csv(&out)?;
            Ok((stats, columns))
        })?;
        frame.push_columns(py, &columns)?;
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
    frame: &mut Frame,
) -> PyResult<usize> {
    let items = crate::plan::project_list(
        projects,
        "a list of Project, or the path of a JSON Lines file",
    )?;
    let inputs: Vec<&Project> = items.iter().map(|p| &p.get().inner).collect();
    // One planner per thread: each reuses the prices it has combined, and only totals are made.
    let pool = PlannerPool::new(catalog, basis);
    let stop = AtomicBool::new(false);
    // Why this side stopped the run: Ctrl-C, or a failure to make a Python object.
    let mut stopped: Option<PyErr> = None;
    let mut failed = 0;
    // As for JSON Lines: the core plans chunk after chunk on its own thread while this one makes
    // the Python objects of the chunks it has finished.
    let result = py.detach(|| {
        guarded_any(|| {
            std::thread::scope(|scope| {
                let (tx, rx) = mpsc::sync_channel::<Vec<Result<Summary, Fault>>>(2);
                let (inputs, pool, stop) = (&inputs, &pool, &stop);
                let core = scope.spawn(move || {
                    for chunk in inputs.chunks(PROJECT_CHUNK) {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let rows = chunk
                            .par_iter()
                            .map(|project| {
                                guarded(|| {
                                    let totals = pool.with(|planner| planner.totals(project))?;
                                    let name = project.name.clone();
                                    Ok(Summary::of_totals(name, project.kind, &totals))
                                })
                            })
                            .collect();
                        if tx.send(rows).is_err() {
                            break;
                        }
                    }
                });
                let mut index = 0;
                stopped = take_chunks(rx, stop, |py, rows| {
                    frame.module(py)?;
                    for row in rows {
                        match row {
                            Ok(summary) => frame.push_summary(py, &summary.project, &summary)?,
                            Err(fault) => {
                                failed += 1;
                                let message = fault_message(fault);
                                let project = &inputs[index].name;
                                frame.push_error(
                                    py,
                                    project,
                                    &format!("projects[{index}]: {message}"),
                                );
                            }
                        }
                        index += 1;
                    }
                    Ok(())
                });
                core.join()
                    .map_err(|_| Fault::Panic("the batch thread stopped unexpectedly".into()))
            })
        })
    });
    if let Some(e) = stopped {
        return Err(e);
    }
    py.check_signals()?;
    result.map_err(|f| f.into_pyerr(py))?;
    Ok(failed)
}

/// Takes the chunks the core thread sends, in order, and hands each to `each` with the GIL
/// held (Ctrl-C is checked at least every [`SLICE`]). On an error — Ctrl-C, or a failure to
/// make a Python object — it raises `stop` and returns the error; `rx` is dropped on return,
/// so the core's next send fails, which stops it.
fn take_chunks<T>(
    rx: mpsc::Receiver<T>,
    stop: &AtomicBool,
    mut each: impl FnMut(Python<'_>, T) -> PyResult<()>,
) -> Option<PyErr> {
    loop {
        let outcome = match rx.recv_timeout(SLICE) {
            Ok(chunk) => Python::attach(|py| {
                py.check_signals()?;
                each(py, chunk)
            }),
            Err(RecvTimeoutError::Timeout) => Python::attach(|py| py.check_signals()),
            Err(RecvTimeoutError::Disconnected) => return None,
        };
        if let Err(e) = outcome {
            stop.store(true, Ordering::Relaxed);
            return Some(e);
        }
    }
}

/// Projects planned together by [`from_projects`] before their rows are made.
const PROJECT_CHUNK: usize = 1024;

/// The message of a project that could not be planned, as its `error` cell shows it.
fn fault_message(fault: Fault) -> String {
    match fault {
        Fault::Core(e) => e.to_string(),
        Fault::Sla(e) => e.to_string(),
        Fault::Panic(text) => format!(
            "internal error in cloud-tco ({text}); this is a bug, please report it with the input that caused it"
        ),
    }
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
    let mut frame = Frame::new(py)?;
    let failed = match (projects, systems, resources) {
        (Some(p), None, None) => {
            let is_path = p.is_instance_of::<PyString>()
                || p.is_instance(&py.import("os")?.getattr("PathLike")?)?;
            if is_path {
                let path = path_arg(p, "projects")?;
                from_jsonl(py, &path, catalog, basis, &mut frame)?
            } else {
                from_projects(py, p, catalog, basis, &mut frame)?
            }
        }
        (None, Some(s), Some(r)) => {
            let (s, r) = (path_arg(s, "systems")?, path_arg(r, "resources")?);
            from_inventory(py, &s, &r, catalog, basis, &mut frame)?
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
    frame.finish(py, failed)
}
