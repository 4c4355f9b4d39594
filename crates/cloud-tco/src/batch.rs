//! Repricing many projects at once: a ministry's every system against a new price catalog.
//!
//! Projects are planned in parallel on all cores; [`run_jsonl`] streams one SPEC §4 project
//! (JSON) per line into a summary CSV with memory that does not grow with the number of
//! projects, keeps the input order, and never lets one bad project stop the others.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::{mpsc, Mutex, PoisonError};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::catalog::Catalog;
use crate::error::Error;
use crate::inventory::InventorySystem;
use crate::plan::{Plan, Planner, Totals};
use crate::pricing::PriceBasis;
use crate::project::{Project, ProjectFormat, ProjectKind};

/// The figures of one plan that a batch summary reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Project name.
    pub project: String,
    /// Project kind.
    pub kind: ProjectKind,
    /// Usage fees over the usage window, VAT excluded.
    pub usage_fee: Decimal,
    /// The mid-term plan's total, VAT excluded.
    pub midterm_total: Decimal,
    /// 총사업비, VAT excluded.
    pub project_total: Decimal,
    /// 총사업비 with VAT.
    pub project_total_with_vat: Decimal,
    /// Total (VAT excluded) of each reported fiscal year.
    pub by_year: Vec<(i32, Decimal)>,
}

impl Summary {
    /// The summary of a plan.
    pub fn of(plan: &Plan) -> Summary {
        Summary::of_totals(plan.project.clone(), plan.kind, &plan.totals)
    }

    /// The summary of a project's totals (see [`Planner::totals`]).
    pub fn of_totals(project: String, kind: ProjectKind, totals: &Totals) -> Summary {
        Summary {
            project,
            kind,
            usage_fee: totals.usage_window.usage_fee,
            midterm_total: totals.midterm.amounts.total,
            project_total: totals.project_total,
            project_total_with_vat: totals.project_total_with_vat,
            by_year: totals
                .by_year
                .iter()
                .map(|y| (y.year, y.amounts.total))
                .collect(),
        }
    }
}

/// Plans every project in parallel; results come back in input order.
///
/// ```
/// use cloud_tco::{batch::plan_many, Catalog, Project};
/// let text = "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n";
/// let projects = vec![Project::from_toml_str(text).unwrap(); 3];
/// let plans = plan_many(&projects, &Catalog::embedded(), None);
/// assert_eq!(plans.len(), 3);
/// assert!(plans.iter().all(|p| p.is_ok()));
/// ```
pub fn plan_many(
    projects: &[Project],
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
) -> Vec<Result<Plan, Error>> {
    let planners = PlannerPool::new(catalog, basis);
    projects
        .par_iter()
        .map(|p| planners.with(|planner| planner.plan(p)))
        .collect()
}

/// One [`Planner`] per thread of rayon's pool, for planning many projects in parallel: each
/// thread reuses the prices it has combined, without sharing them (or their reference
/// counts) with another thread. Each planner's lock is only ever taken by its own thread, so
/// it is never contended.
///
/// ```
/// use cloud_tco::batch::PlannerPool;
/// use cloud_tco::{Catalog, Project};
/// use rayon::prelude::*;
/// let text = "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n";
/// let projects = vec![Project::from_toml_str(text).unwrap(); 8];
/// let catalog = Catalog::embedded();
/// let pool = PlannerPool::new(&catalog, None);
/// let totals: Vec<_> = projects
///     .par_iter()
///     .map(|p| pool.with(|planner| planner.totals(p)))
///     .collect();
/// assert!(totals.iter().all(|t| t.as_ref().unwrap().project_total > cloud_tco::Decimal::ZERO));
/// ```
pub struct PlannerPool<'c> {
    /// One per pool thread, then one for a caller outside the pool.
    slots: Vec<Mutex<Planner<'c>>>,
}

impl<'c> PlannerPool<'c> {
    /// Planners over `catalog`; `basis` overrides each project's own (see
    /// [`Planner::with_basis`]).
    pub fn new(catalog: &'c Catalog, basis: Option<&PriceBasis>) -> PlannerPool<'c> {
        let slots = (0..=rayon::current_num_threads())
            .map(|_| Mutex::new(Planner::new(catalog).with_basis(basis.cloned())))
            .collect();
        PlannerPool { slots }
    }

    /// Runs `f` with the calling thread's planner (a caller outside the pool shares one).
    pub fn with<R>(&self, f: impl FnOnce(&mut Planner<'c>) -> R) -> R {
        let outside = self.slots.len() - 1;
        let slot = rayon::current_thread_index()
            .filter(|&i| i < outside)
            .unwrap_or(outside);
        // A plan that panicked leaves only whole prices behind: the planner stays usable.
        let mut planner = self.slots[slot]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut planner)
    }
}

/// The outcome of a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchStats {
    /// Projects read.
    pub projects: usize,
    /// Projects that could not be planned (their row carries the error).
    pub failed: usize,
}

/// How many lines are planned together: enough to keep every core busy, few enough that the
/// first chunk is read quickly and memory stays small.
const CHUNK: usize = 1024;

/// The most items one pool task plans in a row: small tasks let an idle thread take work
/// from a busy one until the very end of a chunk, so no core waits on a long tail.
const TASK: usize = 8;

/// The fixed columns of a batch summary, before one column per fiscal year.
pub const SUMMARY_COLUMNS: [&str; 7] = [
    "project",
    "kind",
    "usage_fee",
    "midterm_total",
    "project_total",
    "project_total_with_vat",
    "error",
];

/// Reads one JSON project per line from `input` (blank lines are skipped), plans them in
/// parallel and writes the summary CSV to `output`: the [`SUMMARY_COLUMNS`], then one total
/// column per fiscal year that any project reports. A project with bad input gets its message
/// in `error`; the others still run. `source` names the input in messages (`file, line N`).
///
/// Rows are first spooled to a temporary file so the year columns can be known before the
/// header is written; memory stays bounded by a few chunks of projects.
///
/// ```
/// use cloud_tco::{batch::run_jsonl, Catalog};
/// let input = r#"{"name": "a", "kind": "new", "budget_year": 2027, "service_start": "2027-01-01", "servers": [{"vcpu": 2, "memory_gb": 4}]}
/// {"name": "b", "kind": "new", "budget_year": "soon", "service_start": "2027-01-01"}
/// "#;
/// let mut out = Vec::new();
/// let stats = run_jsonl(input.as_bytes(), Some("projects.jsonl"), &Catalog::embedded(), None, &mut out).unwrap();
/// assert_eq!((stats.projects, stats.failed), (2, 1));
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("project,kind,usage_fee,midterm_total,project_total,project_total_with_vat,error,2027,"));
/// assert!(text.contains("projects.jsonl, line 2"));
/// ```
pub fn run_jsonl<R: Read, W: Write>(
    input: R,
    source: Option<&str>,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    output: W,
) -> Result<BatchStats, Error> {
    let planners = PlannerPool::new(catalog, basis);
    run_items(
        jsonl_lines(input, source),
        |(n, text)| planners.with(|planner| plan_line(text, *n, source, planner)),
        output,
    )
}

/// The non-blank lines of `input` with their line numbers.
fn jsonl_lines<'a, R: Read + 'a>(
    input: R,
    source: Option<&'a str>,
) -> impl Iterator<Item = Result<(usize, String), Error>> + 'a {
    let mut line_no = 0usize;
    BufReader::with_capacity(1 << 16, input)
        .lines()
        .filter_map(move |line| {
            line_no += 1;
            match line {
                Ok(l) if l.trim().is_empty() => None,
                Ok(l) => Some(Ok((line_no, l))),
                Err(e) => Some(Err(Error::Report(format!(
                    "{}, line {line_no}: {e}",
                    source.unwrap_or("input")
                )))),
            }
        })
}

/// Plans the systems of an inventory (see [`crate::inventory`]) into a summary CSV like
/// [`run_jsonl`]'s; a system whose rows are invalid gets its message in `error`.
pub fn run_inventory<W: Write>(
    systems: Vec<InventorySystem>,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    output: W,
) -> Result<BatchStats, Error> {
    let planners = PlannerPool::new(catalog, basis);
    run_items(
        systems.into_iter().map(Ok),
        |s: &InventorySystem| match &s.project {
            Ok(project) => match planners.with(|planner| planner.totals(project)) {
                Ok(totals) => (
                    project.name.clone(),
                    Ok(Summary::of_totals(
                        project.name.clone(),
                        project.kind,
                        &totals,
                    )),
                ),
                Err(e) => (
                    project.name.clone(),
                    Err(format!("system {}: {e}", s.system)),
                ),
            },
            Err(e) => (s.system.clone(), Err(e.to_string())),
        },
        output,
    )
}

/// Plans items chunk by chunk in parallel and writes the summary CSV in input order.
fn run_items<T, I, F, W>(items: I, plan_one: F, output: W) -> Result<BatchStats, Error>
where
    T: Send + Sync,
    I: Iterator<Item = Result<T, Error>>,
    F: Fn(&T) -> (String, Result<Summary, String>) + Sync,
    W: Write,
{
    run_chunked(items, plan_one, output, CHUNK)
}

/// [`run_items`] with `chunk` items planned together, so tests can cross chunk boundaries.
fn run_chunked<T, I, F, W>(
    items: I,
    plan_one: F,
    output: W,
    chunk: usize,
) -> Result<BatchStats, Error>
where
    T: Send + Sync,
    I: Iterator<Item = Result<T, Error>>,
    F: Fn(&T) -> (String, Result<Summary, String>) + Sync,
    W: Write,
{
    let mut spool = tempfile::tempfile().map_err(|e| io("cannot create a temporary file", e))?;
    let mut tally = Tally::default();
    pipeline(
        items,
        |items: &[T]| encode_chunk(items, &plan_one),
        |encoded: EncodedChunk| {
            spool
                .write_all(&encoded.spool)
                .map_err(|e| io("temporary file", e))?;
            tally.add(&encoded.tally);
            Ok(())
        },
        chunk,
    )?;
    spool
        .seek(SeekFrom::Start(0))
        .map_err(|e| io("temporary file", e))?;
    write_summary(
        BufReader::with_capacity(1 << 16, spool),
        tally.years,
        output,
    )?;
    Ok(tally.stats)
}

/// Runs `work` on the pool over chunks of `items` and hands each chunk's result to `take` on
/// the calling thread, in input order.
///
/// The calling thread only reads and takes: it reads chunk N+1 and takes chunk N-1 while the
/// pool works on chunk N, so neither side waits for the other. At most two chunks are in the
/// pool and one is being taken, which bounds memory. `items` and `take` never leave the
/// calling thread, so they need not be `Send`.
fn pipeline<T, I, C, F, G>(mut items: I, work: F, mut take: G, chunk: usize) -> Result<(), Error>
where
    T: Send + Sync,
    I: Iterator<Item = Result<T, Error>>,
    C: Send,
    F: Fn(&[T]) -> C + Sync,
    G: FnMut(C) -> Result<(), Error>,
{
    debug_assert!(chunk > 0, "a chunk holds at least one item");
    let work = &work;
    rayon::in_place_scope(|scope| -> Result<(), Error> {
        let mut in_pool = VecDeque::with_capacity(2);
        loop {
            let items: Vec<T> = items.by_ref().take(chunk).collect::<Result<_, _>>()?;
            let done = items.is_empty();
            if !done {
                let (tx, rx) = mpsc::sync_channel(1);
                scope.spawn(move |_| {
                    // The receiver is gone only if this run has already failed.
                    let _ = tx.send(work(&items));
                });
                in_pool.push_back(rx);
            }
            // Take the oldest chunk once the next one is queued behind it, all at the end.
            while in_pool.len() > usize::from(!done) {
                let rx = in_pool.pop_front().expect("a chunk is in the pool");
                // A chunk is missing only if its work panicked; the scope re-raises that.
                let Some(result) = wait(&rx) else {
                    return Ok(());
                };
                take(result)?;
            }
            if done {
                return Ok(());
            }
        }
    })
}

/// One row of a batch summary: the project's name (or, when it cannot be read, `line N`)
/// and its figures or the message of what is wrong with it.
pub type SummaryRow = (String, Result<Summary, String>);

/// Plans one JSON project per line of `input` like [`run_jsonl`], and hands the rows to
/// `take` chunk by chunk, in input order, on the calling thread — while the pool plans the
/// next chunks. For callers that keep the figures rather than a CSV (the Python binding
/// builds its DataFrame columns as rows arrive). An error from `take` stops the run.
///
/// ```
/// use cloud_tco::{batch::summarize_jsonl, Catalog};
/// let input = r#"{"name": "a", "kind": "new", "budget_year": 2027, "service_start": "2027-01-01", "servers": [{"vcpu": 2, "memory_gb": 4}]}
/// {"name": "b", "kind": "new", "budget_year": "soon", "service_start": "2027-01-01"}
/// "#;
/// let mut rows = Vec::new();
/// let stats = summarize_jsonl(input.as_bytes(), Some("p.jsonl"), &Catalog::embedded(), None, |chunk| {
///     rows.extend(chunk);
///     Ok(())
/// }).unwrap();
/// assert_eq!((stats.projects, stats.failed), (2, 1));
/// assert_eq!(rows[0].0, "a");
/// assert!(rows[0].1.as_ref().unwrap().usage_fee > cloud_tco::Decimal::ZERO);
/// assert!(rows[1].1.as_ref().unwrap_err().contains("p.jsonl, line 2, `budget_year`"));
/// ```
pub fn summarize_jsonl<R: Read>(
    input: R,
    source: Option<&str>,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    mut take: impl FnMut(Vec<SummaryRow>) -> Result<(), Error>,
) -> Result<BatchStats, Error> {
    let planners = PlannerPool::new(catalog, basis);
    let mut stats = BatchStats::default();
    pipeline(
        jsonl_lines(input, source),
        |items: &[(usize, String)]| {
            items
                .par_iter()
                .with_max_len(TASK)
                .map(|(n, text)| planners.with(|planner| plan_line(text, *n, source, planner)))
                .collect::<Vec<SummaryRow>>()
        },
        |rows: Vec<SummaryRow>| {
            stats.projects += rows.len();
            stats.failed += rows.iter().filter(|(_, r)| r.is_err()).count();
            take(rows)
        },
        CHUNK,
    )?;
    Ok(stats)
}

fn io(what: &str, e: std::io::Error) -> Error {
    Error::Report(format!("{what}: {e}"))
}

/// The result of a chunk sent back by the pool, blocking when called outside the pool.
///
/// A pool thread (a caller running inside `install`, say) instead helps with pending work:
/// blocking it could starve the very chunk it waits for.
fn wait<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
    loop {
        match rx.try_recv() {
            Ok(value) => return Some(value),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) => match rayon::yield_now() {
                None => return rx.recv().ok(),
                Some(rayon::Yield::Executed) => {}
                Some(rayon::Yield::Idle) => std::thread::yield_now(),
            },
        }
    }
}

fn plan_line(
    text: &str,
    line: usize,
    source: Option<&str>,
    planner: &mut Planner<'_>,
) -> (String, Result<Summary, String>) {
    let stem = format!("line {line}");
    let project = match Project::parse(text, ProjectFormat::Json, source, &stem) {
        Ok(p) => p,
        Err(mut e) => {
            for p in &mut e.problems {
                p.location.line = Some(line as u64);
            }
            return (name_hint(text).unwrap_or(stem), Err(e.to_string()));
        }
    };
    let name = project.name.clone();
    match planner.totals(&project) {
        Ok(totals) => (
            name.clone(),
            Ok(Summary::of_totals(name, project.kind, &totals)),
        ),
        Err(e) => {
            let at = source.map_or(format!("line {line}"), |s| format!("{s}, line {line}"));
            (name, Err(format!("{at}: {e}")))
        }
    }
}

/// The `name` of a project whose JSON is otherwise invalid, when it can be read.
fn name_hint(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Named {
        name: Option<String>,
    }
    serde_json::from_str::<Named>(text).ok()?.name
}

/// Counts and the span of fiscal years over the rows spooled so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    stats: BatchStats,
    /// The first and last fiscal year that any successful project reports.
    years: Option<(i32, i32)>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.stats.projects += other.stats.projects;
        self.stats.failed += other.stats.failed;
        if let Some((lo, hi)) = other.years {
            self.add_year(lo);
            self.add_year(hi);
        }
    }

    fn add_year(&mut self, y: i32) {
        self.years = Some(self.years.map_or((y, y), |(lo, hi)| (lo.min(y), hi.max(y))));
    }
}

/// A chunk's spool records, in input order, with their tally.
struct EncodedChunk {
    spool: Vec<u8>,
    tally: Tally,
}

/// Plans a chunk on the pool and encodes every row there too, so that the calling thread
/// only has bytes to copy.
fn encode_chunk<T, F>(items: &[T], plan_one: &F) -> EncodedChunk
where
    T: Sync,
    F: Fn(&T) -> (String, Result<Summary, String>) + Sync,
{
    let rows: Vec<(Vec<u8>, Tally)> = items
        .par_iter()
        .with_max_len(TASK)
        .map(|item| {
            let (name, result) = plan_one(item);
            let mut record = Vec::with_capacity(192);
            let tally = spool_record(&mut record, &name, &result);
            (record, tally)
        })
        .collect();
    let mut chunk = EncodedChunk {
        spool: Vec::with_capacity(rows.iter().map(|(r, _)| r.len()).sum()),
        tally: Tally::default(),
    };
    for (record, tally) in rows {
        chunk.spool.extend_from_slice(&record);
        chunk.tally.add(&tally);
    }
    chunk
}

// A spool record is private to one run, so it is framed for copying rather than parsing:
//
//   u32 LE  length of the rest of the record
//   u32 LE  length of the fixed columns' CSV text, then that text (no line terminator)
//   u8      1 if the years a row does not report are left empty (a failed row), 0 for "0"
//   then, per reported year, ascending: i32 LE year, u8 length, the total's decimal text

/// Appends the spool record of one project and returns its tally.
fn spool_record(out: &mut Vec<u8>, name: &str, result: &Result<Summary, String>) -> Tally {
    let start = out.len();
    out.extend_from_slice(&[0; 8]);
    push_field(out, name);
    let mut tally = Tally {
        stats: BatchStats {
            projects: 1,
            failed: usize::from(result.is_err()),
        },
        years: None,
    };
    match result {
        Ok(s) => {
            out.push(b',');
            push_field(out, s.kind.key());
            for amount in [
                s.usage_fee,
                s.midterm_total,
                s.project_total,
                s.project_total_with_vat,
            ] {
                out.push(b',');
                push_decimal(out, amount);
            }
            out.push(b',');
            let fixed = out.len() - start - 8;
            out.push(0);
            for (y, total) in sorted_years(&s.by_year).iter() {
                tally.add_year(*y);
                out.extend_from_slice(&y.to_le_bytes());
                let at = out.len();
                out.push(0);
                push_decimal(out, *total);
                out[at] = u8::try_from(out.len() - at - 1).expect("a decimal's text is short");
            }
            frame(out, start, fixed);
        }
        Err(e) => {
            out.extend_from_slice(b",,,,,,");
            push_field(out, e);
            let fixed = out.len() - start - 8;
            // As before, an empty message reads as success: the missing years show "0".
            out.push(u8::from(!e.is_empty()));
            frame(out, start, fixed);
        }
    }
    tally
}

/// Appends `amount` as `Display` writes it; whole won (almost every amount) without the
/// formatting machinery.
fn push_decimal(out: &mut Vec<u8>, amount: Decimal) {
    match u64::try_from(amount.mantissa()) {
        Ok(n) if amount.scale() == 0 && !amount.is_sign_negative() => {
            out.extend_from_slice(crate::money::digits(n, &mut [0; 20]).as_bytes());
        }
        _ => write!(out, "{amount}").expect("writing to a Vec cannot fail"),
    }
}

/// Fills in the two lengths at the head of the record that starts at `start`.
fn frame(out: &mut [u8], start: usize, fixed: usize) {
    let len = |n: usize| u32::try_from(n).expect("a summary row is under 4 GiB");
    let rest = len(out.len() - start - 4);
    out[start..start + 4].copy_from_slice(&rest.to_le_bytes());
    out[start + 4..start + 8].copy_from_slice(&len(fixed).to_le_bytes());
}

/// A summary's year totals in ascending years, the last total winning for a repeated year
/// (how the year columns have always read them). Plans already list them so.
fn sorted_years(by_year: &[(i32, Decimal)]) -> Cow<'_, [(i32, Decimal)]> {
    if by_year.windows(2).all(|w| w[0].0 < w[1].0) {
        return Cow::Borrowed(by_year);
    }
    let mut sorted = by_year.to_vec();
    sorted.sort_by_key(|&(y, _)| y);
    let mut unique: Vec<(i32, Decimal)> = Vec::with_capacity(sorted.len());
    for (y, total) in sorted {
        match unique.last_mut() {
            Some(last) if last.0 == y => last.1 = total,
            _ => unique.push((y, total)),
        }
    }
    Cow::Owned(unique)
}

/// Appends `field` as the csv crate's default writer does: quoted, with quotes doubled, when
/// it holds a comma, a quote or a line break (`QuoteStyle::Necessary`), as is otherwise.
fn push_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for part in bytes.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Writes the header, then every spooled row with one column per year of `years`.
fn write_summary<R: BufRead, W: Write>(
    mut spool: R,
    years: Option<(i32, i32)>,
    output: W,
) -> Result<(), Error> {
    let summary = |e: std::io::Error| io("summary", e);
    let corrupt = || Error::Report("temporary file: a truncated record".into());
    let years: Vec<i32> = years.map_or_else(Vec::new, |(lo, hi)| (lo..=hi).collect());
    let mut out = std::io::BufWriter::with_capacity(1 << 16, output);
    let mut line = Vec::with_capacity(1024);
    for (i, column) in SUMMARY_COLUMNS.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        push_field(&mut line, column);
    }
    for y in &years {
        write!(line, ",{y}").expect("writing to a Vec cannot fail");
    }
    line.push(b'\n');
    out.write_all(&line).map_err(summary)?;

    let mut record = Vec::with_capacity(256);
    let mut head = [0; 4];
    while !spool
        .fill_buf()
        .map_err(|e| io("temporary file", e))?
        .is_empty()
    {
        spool
            .read_exact(&mut head)
            .map_err(|e| io("temporary file", e))?;
        record.resize(u32::from_le_bytes(head) as usize, 0);
        spool
            .read_exact(&mut record)
            .map_err(|e| io("temporary file", e))?;
        let (fixed, rest) = take_u32(&record)
            .and_then(|(n, rest)| rest.split_at_checked(n as usize))
            .ok_or_else(corrupt)?;
        let (&blank, mut totals) = rest.split_first().ok_or_else(corrupt)?;
        let fill: &[u8] = if blank == 1 { b"" } else { b"0" };
        line.clear();
        line.extend_from_slice(fixed);
        let mut next = next_total(&mut totals).ok_or_else(corrupt)?;
        for &y in &years {
            line.push(b',');
            match next {
                Some((year, total)) if year == y => {
                    line.extend_from_slice(total);
                    next = next_total(&mut totals).ok_or_else(corrupt)?;
                }
                _ => line.extend_from_slice(fill),
            }
        }
        line.push(b'\n');
        out.write_all(&line).map_err(summary)?;
    }
    out.flush().map_err(summary)
}

fn take_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let (head, rest) = bytes.split_first_chunk::<4>()?;
    Some((u32::from_le_bytes(*head), rest))
}

/// The next `(year, total text)` of a record's totals: `Some(None)` at their end, `None` if
/// the record is cut short.
fn next_total<'a>(totals: &mut &'a [u8]) -> Option<Option<(i32, &'a [u8])>> {
    if totals.is_empty() {
        return Some(None);
    }
    let (year, rest) = totals.split_first_chunk::<4>()?;
    let (&len, rest) = rest.split_first()?;
    let (total, rest) = rest.split_at_checked(usize::from(len))?;
    *totals = rest;
    Some(Some((i32::from_le_bytes(*year), total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for text in [
            "0",
            "-0",
            "7",
            "1234567890123456789",
            "18446744073709551615",
            "18446744073709551616",
            "79228162514264337593543950335",
            "-5",
            "12.50",
            "0.001",
        ] {
            let d: Decimal = text.parse().unwrap();
            let mut out = Vec::new();
            push_decimal(&mut out, d);
            assert_eq!(String::from_utf8(out).unwrap(), d.to_string(), "{text}");
        }
        let mut negative_zero = Decimal::ZERO;
        negative_zero.set_sign_negative(true);
        let mut out = Vec::new();
        push_decimal(&mut out, negative_zero);
        assert_eq!(String::from_utf8(out).unwrap(), negative_zero.to_string());
    }
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The straightforward implementation this module replaced, kept as the reference output:
    /// CSV spool rows with `year=total` pairs, re-parsed and rewritten by the csv crate.
    fn oracle<T, I, F>(items: I, plan_one: F, chunk: usize) -> Result<(BatchStats, Vec<u8>), Error>
    where
        T: Send + Sync,
        I: Iterator<Item = Result<T, Error>>,
        F: Fn(&T) -> (String, Result<Summary, String>) + Sync,
    {
        let mut stats = BatchStats::default();
        let mut years: Option<(i32, i32)> = None;
        let mut spool = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let mut items = items.peekable();
        while items.peek().is_some() {
            let chunk: Vec<T> = items.by_ref().take(chunk).collect::<Result<_, _>>()?;
            let results: Vec<(String, Result<Summary, String>)> =
                chunk.par_iter().map(&plan_one).collect();
            for (name, result) in results {
                stats.projects += 1;
                if result.is_err() {
                    stats.failed += 1;
                }
                let record = match &result {
                    Ok(s) => {
                        let mut r = vec![
                            name.clone(),
                            s.kind.key().to_owned(),
                            s.usage_fee.to_string(),
                            s.midterm_total.to_string(),
                            s.project_total.to_string(),
                            s.project_total_with_vat.to_string(),
                            String::new(),
                        ];
                        for (y, total) in &s.by_year {
                            years =
                                Some(years.map_or((*y, *y), |(lo, hi)| (lo.min(*y), hi.max(*y))));
                            r.push(format!("{y}={total}"));
                        }
                        r
                    }
                    Err(e) => {
                        let mut r = vec![name.clone()];
                        r.extend(std::iter::repeat_n(String::new(), 5));
                        r.push(e.clone());
                        r
                    }
                };
                spool.write_record(&record).unwrap();
            }
        }
        let spool = spool.into_inner().unwrap();

        let year_list: Vec<i32> = years.map_or_else(Vec::new, |(lo, hi)| (lo..=hi).collect());
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
        header.extend(year_list.iter().map(i32::to_string));
        out.write_record(&header).unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(spool.as_slice());
        for record in rdr.records() {
            let record = record.unwrap();
            let mut row: Vec<String> = record.iter().take(7).map(str::to_owned).collect();
            let totals: BTreeMap<i32, &str> = record
                .iter()
                .skip(7)
                .filter_map(|pair| {
                    pair.split_once('=')
                        .and_then(|(y, t)| Some((y.parse().ok()?, t)))
                })
                .collect();
            let failed = !row[6].is_empty();
            for y in &year_list {
                row.push(match totals.get(y) {
                    Some(t) => (*t).to_owned(),
                    None if failed => String::new(),
                    None => "0".to_owned(),
                });
            }
            out.write_record(&row).unwrap();
        }
        Ok((stats, out.into_inner().unwrap()))
    }

    fn project(name: &str, kind: &str, year: i32, servers: usize) -> String {
        let servers = vec![serde_json::json!({"vcpu": 2, "memory_gb": 4}); servers];
        serde_json::json!({
            "name": name,
            "kind": kind,
            "budget_year": year,
            "service_start": format!("{year}-03-01"),
            "servers": servers,
        })
        .to_string()
    }

    /// Projects over different fiscal years, names that need quoting, and failures among them.
    fn mixed_jsonl() -> String {
        let names = [
            "plain",
            "comma, inside",
            "a \"quoted\" name",
            "line\nbreak",
            "carriage\rreturn",
            "민원포털",
            "",
            " spaced ",
        ];
        let mut lines = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let year = 2025 + (i as i32 * 2) % 7;
            let kind = ["new", "conversion", "rebuild"][i % 3];
            lines.push(project(name, kind, year, 1 + i % 3));
            if i == 3 {
                lines.push(r#"{"name": "bad, \"year\"", "kind": "new", "budget_year": "soon", "service_start": "2027-01-01"}"#.into());
                lines.push(String::new());
                lines.push("{not json".into());
                lines.push(r#"{"name": "짧은 이름", "kind": "sideways"}"#.into());
            }
        }
        lines.join("\n") + "\n"
    }

    fn run(jsonl: &str, chunk: usize) -> (BatchStats, Vec<u8>) {
        let catalog = Catalog::embedded();
        let planners = PlannerPool::new(&catalog, None);
        let plan_one = |(n, text): &(usize, String)| {
            planners.with(|planner| plan_line(text, *n, Some("a.jsonl"), planner))
        };
        let mut out = Vec::new();
        let stats = run_chunked(
            jsonl_lines(jsonl.as_bytes(), Some("a.jsonl")),
            plan_one,
            &mut out,
            chunk,
        )
        .unwrap();
        (stats, out)
    }

    #[test]
    fn jsonl_output_matches_the_reference_for_every_chunk_size() {
        let jsonl = mixed_jsonl();
        let catalog = Catalog::embedded();
        let planners = PlannerPool::new(&catalog, None);
        let plan_one = |(n, text): &(usize, String)| {
            planners.with(|planner| plan_line(text, *n, Some("a.jsonl"), planner))
        };
        let (want_stats, want) = oracle(
            jsonl_lines(jsonl.as_bytes(), Some("a.jsonl")),
            plan_one,
            CHUNK,
        )
        .unwrap();
        assert_eq!((want_stats.projects, want_stats.failed), (11, 3));
        let text = String::from_utf8(want.clone()).unwrap();
        // The year columns are a union: some rows report "0", failed rows stay empty.
        assert!(text.contains(",0,"), "{text}");
        assert!(
            text.contains(",,,,,,\"invalid project: a.jsonl, line 5"),
            "{text}"
        );
        for chunk in [1, 2, 3, 5, 11, 12, CHUNK] {
            let (stats, got) = run(&jsonl, chunk);
            assert_eq!(stats, want_stats, "chunk {chunk}");
            assert_eq!(String::from_utf8(got).unwrap(), text, "chunk {chunk}");
        }
    }

    fn summary(name: &str, by_year: &[(i32, i64)]) -> Summary {
        Summary {
            project: name.into(),
            kind: ProjectKind::Rebuild,
            usage_fee: Decimal::new(12345, 2),
            midterm_total: Decimal::new(-5, 1),
            project_total: Decimal::from(1_000_000),
            project_total_with_vat: Decimal::new(11_000_005, 1),
            by_year: by_year
                .iter()
                .map(|&(y, t)| (y, Decimal::new(t, 1)))
                .collect(),
        }
    }

    /// Hand-made rows, including summaries no plan produces: gaps, unsorted and repeated years.
    fn odd_rows() -> Vec<(String, Result<Summary, String>)> {
        vec![
            (
                "a,b".into(),
                Ok(summary("ignored", &[(2027, 10), (2029, 30)])),
            ),
            (
                "x\"y\"".into(),
                Err("line 2: bad \"kind\",\nsee the guide".into()),
            ),
            (
                "민원\r\n포털".into(),
                Ok(summary("", &[(2030, 5), (2026, 7), (2030, 9)])),
            ),
            ("empty error".into(), Err(String::new())),
            (String::new(), Ok(summary("", &[]))),
        ]
    }

    #[test]
    fn hand_made_rows_give_the_exact_csv() {
        let rows = odd_rows();
        let want = "project,kind,usage_fee,midterm_total,project_total,project_total_with_vat,error,2026,2027,2028,2029,2030\n\
            \"a,b\",rebuild,123.45,-0.5,1000000,1100000.5,,0,1.0,0,3.0,0\n\
            \"x\"\"y\"\"\",,,,,,\"line 2: bad \"\"kind\"\",\nsee the guide\",,,,,\n\
            \"민원\r\n포털\",rebuild,123.45,-0.5,1000000,1100000.5,,0.7,0,0,0,0.9\n\
            empty error,,,,,,,0,0,0,0,0\n\
            ,rebuild,123.45,-0.5,1000000,1100000.5,,0,0,0,0,0\n";
        for chunk in [1, 2, 4, 5, CHUNK] {
            let mut out = Vec::new();
            let stats =
                run_chunked(rows.iter().map(Ok), |r| (*r).clone(), &mut out, chunk).unwrap();
            assert_eq!((stats.projects, stats.failed), (5, 2));
            assert_eq!(String::from_utf8(out).unwrap(), want, "chunk {chunk}");
        }
        let (stats, reference) = oracle(rows.iter().map(Ok), |r| (*r).clone(), 2).unwrap();
        assert_eq!((stats.projects, stats.failed), (5, 2));
        assert_eq!(String::from_utf8(reference).unwrap(), want);
    }

    #[test]
    fn no_rows_or_only_failures_give_no_year_columns() {
        let header =
            "project,kind,usage_fee,midterm_total,project_total,project_total_with_vat,error\n";
        let mut out = Vec::new();
        let stats = run_jsonl(&b"\n \n"[..], None, &Catalog::embedded(), None, &mut out).unwrap();
        assert_eq!(stats, BatchStats::default());
        assert_eq!(String::from_utf8(out).unwrap(), header);

        let rows: Vec<(String, Result<Summary, String>)> = vec![
            ("a".into(), Err("no".into())),
            ("b".into(), Err("never".into())),
        ];
        let mut out = Vec::new();
        let stats = run_chunked(rows.iter().map(Ok), |r| (*r).clone(), &mut out, 1).unwrap();
        assert_eq!((stats.projects, stats.failed), (2, 2));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{header}a,,,,,,no\nb,,,,,,never\n")
        );
    }

    #[test]
    fn an_unreadable_input_stops_the_run_and_writes_nothing() {
        let items = (0..10).map(|i| {
            if i == 7 {
                Err(Error::Report(
                    "input, line 8: stream did not contain valid UTF-8".into(),
                ))
            } else {
                Ok(("p".to_owned(), Err::<Summary, String>("x".into())))
            }
        });
        let mut out = Vec::new();
        let err = run_chunked(items, |r| r.clone(), &mut out, 3).unwrap_err();
        assert!(err.to_string().contains("line 8"), "{err}");
        assert!(out.is_empty());
    }

    #[test]
    fn a_caller_inside_a_one_thread_pool_does_not_wait_forever() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let jsonl = mixed_jsonl();
        let (stats, out) = pool.install(|| run(&jsonl, 2));
        assert_eq!(stats.projects, 11);
        assert_eq!(out, run(&jsonl, CHUNK).1);
    }

    #[test]
    fn a_panic_while_planning_reaches_the_caller() {
        let items = (0..10).map(Ok::<usize, Error>);
        let result = std::panic::catch_unwind(|| {
            run_chunked(
                items,
                |&i| {
                    assert_ne!(i, 4, "planner bug");
                    (i.to_string(), Err("x".to_owned()))
                },
                Vec::new(),
                3,
            )
        });
        assert!(result.is_err());
    }

    proptest! {
        #[test]
        fn fields_are_quoted_like_the_csv_crate(
            fields in proptest::collection::vec("[a-z,\"\r\n 한#'\t]{0,6}", 2..5)
        ) {
            let mut want = csv::Writer::from_writer(Vec::new());
            want.write_record(&fields).unwrap();
            let mut got = Vec::new();
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    got.push(b',');
                }
                push_field(&mut got, f);
            }
            got.push(b'\n');
            prop_assert_eq!(got, want.into_inner().unwrap());
        }
    }
}
