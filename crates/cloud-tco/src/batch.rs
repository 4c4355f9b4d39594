//! Repricing many projects at once: a ministry's every system against a new price catalog.
//!
//! Projects are planned in parallel on all cores; [`run_jsonl`] streams one SPEC §4 project
//! (JSON) per line into a summary CSV with memory that does not grow with the number of
//! projects, keeps the input order, and never lets one bad project stop the others.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::catalog::Catalog;
use crate::error::Error;
use crate::inventory::InventorySystem;
use crate::plan::{plan, Plan};
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
        Summary {
            project: plan.project.clone(),
            kind: plan.kind,
            usage_fee: plan.totals.usage_window.usage_fee,
            midterm_total: plan.totals.midterm.amounts.total,
            project_total: plan.totals.project_total,
            project_total_with_vat: plan.totals.project_total_with_vat,
            by_year: plan
                .totals
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
    projects
        .par_iter()
        .map(|p| plan(p, catalog, basis))
        .collect()
}

/// The outcome of a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchStats {
    /// Projects read.
    pub projects: usize,
    /// Projects that could not be planned (their row carries the error).
    pub failed: usize,
}

/// How many lines are planned together; bounds memory while keeping every core busy.
const CHUNK: usize = 4096;

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
/// header is written; memory stays bounded by one chunk of projects.
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
    let mut line_no = 0usize;
    let lines = BufReader::with_capacity(1 << 16, input)
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
        });
    run_items(
        lines,
        |(n, text)| plan_line(text, *n, source, catalog, basis),
        output,
    )
}

/// Plans the systems of an inventory (see [`crate::inventory`]) into a summary CSV like
/// [`run_jsonl`]'s; a system whose rows are invalid gets its message in `error`.
pub fn run_inventory<W: Write>(
    systems: Vec<InventorySystem>,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    output: W,
) -> Result<BatchStats, Error> {
    run_items(
        systems.into_iter().map(Ok),
        |s: &InventorySystem| match &s.project {
            Ok(project) => match plan(project, catalog, basis) {
                Ok(plan) => (project.name.clone(), Ok(Summary::of(&plan))),
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
    let io = |what: &str, e: std::io::Error| Error::Report(format!("{what}: {e}"));
    let mut spool = tempfile::tempfile().map_err(|e| io("cannot create a temporary file", e))?;
    let mut stats = BatchStats::default();
    let mut years: Option<(i32, i32)> = None;
    {
        let mut spool_csv = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(std::io::BufWriter::new(&mut spool));
        let mut items = items.peekable();
        while items.peek().is_some() {
            let chunk: Vec<T> = items.by_ref().take(CHUNK).collect::<Result<_, _>>()?;
            let results: Vec<(String, Result<Summary, String>)> =
                chunk.par_iter().map(&plan_one).collect();
            for (name, result) in results {
                stats.projects += 1;
                if result.is_err() {
                    stats.failed += 1;
                }
                let record = spool_record(&name, &result, &mut years);
                spool_csv
                    .write_record(&record)
                    .map_err(|e| Error::Report(format!("temporary file: {e}")))?;
            }
        }
        spool_csv.flush().map_err(|e| io("temporary file", e))?;
    }
    spool
        .seek(SeekFrom::Start(0))
        .map_err(|e| io("temporary file", e))?;
    write_summary(spool, years, output)?;
    Ok(stats)
}

fn plan_line(
    text: &str,
    line: usize,
    source: Option<&str>,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
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
    match plan(&project, catalog, basis) {
        Ok(plan) => (name, Ok(Summary::of(&plan))),
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

/// Spool row: name, kind, four amounts, error, then `year=total` pairs.
fn spool_record(
    name: &str,
    result: &Result<Summary, String>,
    years: &mut Option<(i32, i32)>,
) -> Vec<String> {
    match result {
        Ok(s) => {
            let mut r = vec![
                name.to_owned(),
                s.kind.key().to_owned(),
                s.usage_fee.to_string(),
                s.midterm_total.to_string(),
                s.project_total.to_string(),
                s.project_total_with_vat.to_string(),
                String::new(),
            ];
            for (y, total) in &s.by_year {
                *years = Some(years.map_or((*y, *y), |(lo, hi)| (lo.min(*y), hi.max(*y))));
                r.push(format!("{y}={total}"));
            }
            r
        }
        Err(e) => vec![
            name.to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            e.clone(),
        ],
    }
}

fn write_summary<R: Read, W: Write>(
    spool: R,
    years: Option<(i32, i32)>,
    output: W,
) -> Result<(), Error> {
    let report = |e: csv::Error| Error::Report(format!("summary: {e}"));
    let year_list: Vec<i32> = years.map_or_else(Vec::new, |(lo, hi)| (lo..=hi).collect());
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(output));
    let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
    header.extend(year_list.iter().map(i32::to_string));
    out.write_record(&header).map_err(report)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(spool));
    let mut record = csv::StringRecord::new();
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    while rdr.read_record(&mut record).map_err(report)? {
        row.clear();
        row.extend(record.iter().take(SUMMARY_COLUMNS.len()).map(str::to_owned));
        let totals: BTreeMap<i32, &str> = record
            .iter()
            .skip(SUMMARY_COLUMNS.len())
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
        out.write_record(&row).map_err(report)?;
    }
    out.flush()
        .map_err(|e| Error::Report(format!("summary: {e}")))?;
    Ok(())
}
