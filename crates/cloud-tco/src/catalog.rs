//! Price catalogs (SPEC §2): provider unit prices for servers, storage, network, backup and
//! security, loaded from CSV files or built in code, validated as a whole.
//!
//! A catalog is the guide's provider tables (§4.5.1, "A사/B사/C사/D사"): one row per provider and
//! item. Validation reports every problem of every file at once, each with its file, line and
//! column, in words a budget analyst can act on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::error::{CatalogError, Location, Problem};
use crate::money::parse_decimal;

/// The catalog shipped in `data/catalogs/default.csv` and embedded in the binary.
pub const EMBEDDED_CATALOG_CSV: &str = include_str!("../../../data/catalogs/default.csv");
/// The name the embedded catalog's errors and provenance carry.
pub const EMBEDDED_CATALOG_NAME: &str = "data/catalogs/default.csv (embedded)";

/// What a catalog row prices (SPEC §2 `category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Virtual servers (서버), priced per flavor.
    Server,
    /// Block, file and object storage (스토리지).
    Storage,
    /// OS licences other than Linux.
    OsLicense,
    /// Load balancers.
    LoadBalancer,
    /// Public IP addresses.
    PublicIp,
    /// VPN connections.
    Vpn,
    /// Outbound network traffic (per GB, with a free allowance).
    Traffic,
    /// Backup (a base charge including some GB, plus additional GB).
    Backup,
    /// Security services (WAF, IPS/IDS, DDoS, DB access control, …).
    Security,
    /// Monitoring services.
    Monitoring,
    /// Managed services (MSP).
    Managed,
}

impl Category {
    /// Every category, in SPEC order.
    pub const ALL: [Category; 11] = [
        Category::Server,
        Category::Storage,
        Category::OsLicense,
        Category::LoadBalancer,
        Category::PublicIp,
        Category::Vpn,
        Category::Traffic,
        Category::Backup,
        Category::Security,
        Category::Monitoring,
        Category::Managed,
    ];

    /// The key used in files.
    ///
    /// ```
    /// assert_eq!(cloud_tco::Category::OsLicense.key(), "os_license");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Category::Server => "server",
            Category::Storage => "storage",
            Category::OsLicense => "os_license",
            Category::LoadBalancer => "load_balancer",
            Category::PublicIp => "public_ip",
            Category::Vpn => "vpn",
            Category::Traffic => "traffic",
            Category::Backup => "backup",
            Category::Security => "security",
            Category::Monitoring => "monitoring",
            Category::Managed => "managed",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.key() == s)
            .ok_or_else(|| {
                format!(
                    "unknown category {s:?}; use one of: {}",
                    Category::ALL.map(Category::key).join(", ")
                )
            })
    }
}

/// The unit a price is quoted in (SPEC §2 `unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Per virtual machine per month.
    VmMonth,
    /// Per GB per month.
    GbMonth,
    /// Per unit per month.
    EachMonth,
    /// Per GB of monthly volume (traffic).
    Gb,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 4] = [Unit::VmMonth, Unit::GbMonth, Unit::EachMonth, Unit::Gb];

    /// The key used in files.
    pub fn key(self) -> &'static str {
        match self {
            Unit::VmMonth => "vm_month",
            Unit::GbMonth => "gb_month",
            Unit::EachMonth => "each_month",
            Unit::Gb => "gb",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::ALL.into_iter().find(|u| u.key() == s).ok_or_else(|| {
            format!(
                "unknown unit {s:?}; use one of: {}",
                Unit::ALL.map(Unit::key).join(", ")
            )
        })
    }
}

/// Whom a traffic allowance is granted to (`included_per`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AllowanceScope {
    /// Once for the whole project (account).
    #[default]
    Project,
    /// Per virtual machine: the allowance is multiplied by the total server count.
    Vm,
}

/// A server flavor's specification.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerSpec {
    /// Virtual CPUs.
    pub vcpu: u32,
    /// Memory in GB.
    pub memory_gb: Decimal,
    /// Included boot disk in GB (0 when not stated).
    pub disk_gb: Decimal,
}

/// Where a row came from: file (or source name) and line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// Source name, usually the file path.
    pub source: Option<Arc<str>>,
    /// 1-based line in that source (0 when built in code).
    pub line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.source, self.line) {
            (Some(s), 0) => write!(f, "{s}"),
            (Some(s), l) => write!(f, "{s}, line {l}"),
            (None, 0) => write!(f, "(built in code)"),
            (None, l) => write!(f, "line {l}"),
        }
    }
}

/// One provider's price for one item (a catalog row).
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogRow {
    /// Provider name, e.g. `A` or `NaverCloud`.
    pub provider: String,
    /// What is priced.
    pub category: Category,
    /// Key within the category (flavor name for servers).
    pub item: String,
    /// Unit of the price.
    pub unit: Unit,
    /// KRW per unit per month, VAT excluded.
    pub price: Decimal,
    /// Flavor spec, for server rows.
    pub spec: Option<ServerSpec>,
    /// Free quantity: traffic GB per month, or GB included in a backup base charge.
    pub included_gb: Option<Decimal>,
    /// Traffic only: whether the allowance is per project or per VM.
    pub included_per: Option<AllowanceScope>,
    /// Free text.
    pub note: Option<String>,
    /// Where the price came from (a quote, a price list, …).
    pub source: Option<String>,
    /// File and line of the row.
    pub origin: Origin,
}

impl CatalogRow {
    /// A plain row; add a spec, allowance or source with the `with_*` methods.
    ///
    /// ```
    /// use cloud_tco::{Catalog, CatalogRow, Category, Unit};
    /// use rust_decimal::Decimal;
    /// let rows = vec![
    ///     CatalogRow::new("A", Category::Storage, "block_ssd", Unit::GbMonth, Decimal::new(160, 0)),
    ///     CatalogRow::new("A", Category::Server, "a-2c4g", Unit::VmMonth, Decimal::new(52000, 0))
    ///         .with_spec(2, Decimal::new(4, 0), Decimal::new(50, 0)),
    /// ];
    /// let catalog = Catalog::from_rows(rows).unwrap();
    /// assert_eq!(catalog.providers(), ["A"]);
    /// ```
    pub fn new(
        provider: impl Into<String>,
        category: Category,
        item: impl Into<String>,
        unit: Unit,
        price: Decimal,
    ) -> Self {
        CatalogRow {
            provider: provider.into(),
            category,
            item: item.into(),
            unit,
            price,
            spec: None,
            included_gb: None,
            included_per: None,
            note: None,
            source: None,
            origin: Origin::default(),
        }
    }

    /// Sets the server flavor spec.
    pub fn with_spec(mut self, vcpu: u32, memory_gb: Decimal, disk_gb: Decimal) -> Self {
        self.spec = Some(ServerSpec {
            vcpu,
            memory_gb,
            disk_gb,
        });
        self
    }

    /// Sets the free allowance (traffic, backup base).
    pub fn with_allowance(mut self, included_gb: Decimal, per: Option<AllowanceScope>) -> Self {
        self.included_gb = Some(included_gb);
        self.included_per = per;
        self
    }

    /// Sets where the price came from.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Sets a free-text note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Sets the origin (source name and line) reported in errors and provenance.
    pub fn with_origin(mut self, source: Option<&str>, line: u64) -> Self {
        self.origin = Origin {
            source: source.map(Arc::from),
            line,
        };
        self
    }
}

/// A validated, merged price catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    rows: Vec<CatalogRow>,
    /// (category, item) → row indices, providers in name order.
    items: BTreeMap<(Category, String), Vec<usize>>,
    /// provider → its server rows.
    servers: BTreeMap<String, Vec<usize>>,
    providers: Vec<String>,
}

const COLUMNS: [&str; 12] = [
    "provider",
    "category",
    "item",
    "unit",
    "price",
    "vcpu",
    "memory_gb",
    "disk_gb",
    "included_gb",
    "included_per",
    "note",
    "source",
];
const REQUIRED: [&str; 5] = ["provider", "category", "item", "unit", "price"];

/// Column positions of one CSV header.
struct Header {
    pos: [Option<usize>; 12],
}

impl Header {
    fn get<'r>(&self, record: &'r csv::ByteRecord, col: usize) -> Option<&'r [u8]> {
        self.pos[col].and_then(|p| record.get(p))
    }
}

const C_PROVIDER: usize = 0;
const C_CATEGORY: usize = 1;
const C_ITEM: usize = 2;
const C_UNIT: usize = 3;
const C_PRICE: usize = 4;
const C_VCPU: usize = 5;
const C_MEMORY: usize = 6;
const C_DISK: usize = 7;
const C_INCLUDED: usize = 8;
const C_INCLUDED_PER: usize = 9;
const C_NOTE: usize = 10;
const C_SOURCE: usize = 11;

/// Rows read from one source, with the problems found in them.
struct ParsedSource {
    rows: Vec<CatalogRow>,
    problems: Vec<Problem>,
}

struct RowParser<'a> {
    source: Option<Arc<str>>,
    header: &'a Header,
    line: u64,
    problems: &'a mut Vec<Problem>,
    last_source_text: Option<(Vec<u8>, String)>,
}

impl RowParser<'_> {
    fn problem(&mut self, col: usize, message: String) {
        self.problems.push(Problem {
            location: Location {
                file: self.source.as_deref().map(str::to_owned),
                line: Some(self.line),
                field: Some(COLUMNS[col].to_owned()),
            },
            message,
        });
    }

    fn text<'r>(&mut self, record: &'r csv::ByteRecord, col: usize) -> Option<&'r str> {
        let raw = self.header.get(record, col)?;
        match std::str::from_utf8(raw) {
            Ok(s) => {
                let s = s.trim();
                (!s.is_empty()).then_some(s)
            }
            Err(_) => {
                self.problem(col, "the text is not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)".into());
                None
            }
        }
    }

    fn required(&mut self, record: &csv::ByteRecord, col: usize) -> Option<String> {
        match self.text(record, col) {
            Some(s) => Some(s.to_owned()),
            None => {
                if self
                    .header
                    .get(record, col)
                    .is_some_and(|r| std::str::from_utf8(r).is_ok())
                {
                    self.problem(
                        col,
                        format!("the {} is empty; every row needs one", COLUMNS[col]),
                    );
                }
                None
            }
        }
    }

    fn decimal(&mut self, record: &csv::ByteRecord, col: usize, what: &str) -> Option<Decimal> {
        let text = self.text(record, col)?;
        match parse_decimal(text) {
            Ok(d) if d.is_sign_negative() && !d.is_zero() => {
                self.problem(
                    col,
                    format!("the {what} {text} is negative; it must be 0 or more"),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(col, format!("the {what} {text:?} is not usable: {e}"));
                None
            }
        }
    }

    fn parse(&mut self, record: &csv::ByteRecord) -> Option<CatalogRow> {
        let provider = self.required(record, C_PROVIDER);
        let category = self.required(record, C_CATEGORY).and_then(|c| {
            c.parse::<Category>()
                .map_err(|e| self.problem(C_CATEGORY, e))
                .ok()
        });
        let item = self.required(record, C_ITEM);
        let unit = self
            .required(record, C_UNIT)
            .and_then(|u| u.parse::<Unit>().map_err(|e| self.problem(C_UNIT, e)).ok());
        let price_present = self.text(record, C_PRICE).is_some();
        let price = self.decimal(record, C_PRICE, "price");
        if !price_present && self.header.get(record, C_PRICE).is_some() {
            self.problem(
                C_PRICE,
                "the price is empty; every row needs one (0 for a free item)".into(),
            );
        }
        let vcpu_text = self.text(record, C_VCPU).map(str::to_owned);
        let memory = self.decimal(record, C_MEMORY, "memory_gb");
        let disk = self.decimal(record, C_DISK, "disk_gb");
        let included_gb = self.decimal(record, C_INCLUDED, "included_gb");
        let included_per = match self.text(record, C_INCLUDED_PER) {
            None => None,
            Some("project") => Some(AllowanceScope::Project),
            Some("vm") => Some(AllowanceScope::Vm),
            Some(other) => {
                let other = other.to_owned();
                self.problem(
                    C_INCLUDED_PER,
                    format!("included_per {other:?} is not known; use project or vm"),
                );
                None
            }
        };
        let note = self.text(record, C_NOTE).map(str::to_owned);
        let source = self.source_text(record);

        let mut spec = None;
        if category == Some(Category::Server) {
            let vcpu = match vcpu_text.as_deref() {
                None => {
                    self.problem(
                        C_VCPU,
                        "a server row needs its vcpu (a whole number > 0)".into(),
                    );
                    None
                }
                Some(t) => match t.parse::<u32>() {
                    Ok(v) if v > 0 => Some(v),
                    _ => {
                        self.problem(
                            C_VCPU,
                            format!("vcpu {t:?} must be a whole number greater than 0"),
                        );
                        None
                    }
                },
            };
            let memory = match memory {
                Some(m) if m > Decimal::ZERO => Some(m),
                Some(_) => {
                    self.problem(
                        C_MEMORY,
                        "memory_gb must be greater than 0 for a server".into(),
                    );
                    None
                }
                None => {
                    if self.text(record, C_MEMORY).is_none() {
                        self.problem(
                            C_MEMORY,
                            "a server row needs its memory_gb (greater than 0)".into(),
                        );
                    }
                    None
                }
            };
            spec = Some((vcpu?, memory?, disk.unwrap_or(Decimal::ZERO)));
        }
        let mut row = CatalogRow::new(provider?, category?, item?, unit?, price?);
        if let Some((vcpu, memory_gb, disk_gb)) = spec {
            row.spec = Some(ServerSpec {
                vcpu,
                memory_gb,
                disk_gb,
            });
        }
        row.included_gb = included_gb;
        row.included_per = included_per;
        row.note = note;
        row.source = source;
        row.origin = Origin {
            source: self.source.clone(),
            line: self.line,
        };
        Some(row)
    }

    /// `source` texts repeat on every row; reuse the last allocation's text when equal.
    fn source_text(&mut self, record: &csv::ByteRecord) -> Option<String> {
        let raw = self.header.get(record, C_SOURCE)?;
        if let Some((bytes, text)) = &self.last_source_text {
            if bytes.as_slice() == raw {
                return (!text.is_empty()).then(|| text.clone());
            }
        }
        let text = self.text(record, C_SOURCE).map(str::to_owned);
        self.last_source_text = Some((raw.to_vec(), text.clone().unwrap_or_default()));
        text
    }
}

fn parse_source<R: Read>(reader: R, source: Option<&str>) -> ParsedSource {
    let source: Option<Arc<str>> = source.map(Arc::from);
    let file = source.as_deref().map(str::to_owned);
    let at = |line: Option<u64>, field: Option<&str>, message: String| Problem {
        location: Location {
            file: file.clone(),
            line,
            field: field.map(str::to_owned),
        },
        message,
    };
    let mut problems = Vec::new();
    // The whole source is read first: line numbers are counted from byte offsets, because the
    // csv crate's own line counter is one short after CRLF line endings.
    let mut bytes = Vec::new();
    let mut reader = reader;
    if let Err(e) = reader.read_to_end(&mut bytes) {
        problems.push(at(None, None, format!("cannot read the file: {e}")));
        return ParsedSource {
            rows: vec![],
            problems,
        };
    }
    let mut lines = LineCounter::default();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut record = csv::ByteRecord::new();
    let header = match rdr.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            problems.push(at(
                None,
                None,
                format!(
                    "the file is empty; a catalog starts with a header row such as {}",
                    REQUIRED.join(",")
                ),
            ));
            return ParsedSource {
                rows: vec![],
                problems,
            };
        }
        Err(e) => {
            problems.push(at(
                e.position().map(|p| lines.line_at(&bytes, p.byte())),
                None,
                csv_error_text(&e),
            ));
            return ParsedSource {
                rows: vec![],
                problems,
            };
        }
    };
    let mut pos = [None; 12];
    for (i, raw) in header.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let Ok(name) = std::str::from_utf8(raw) else {
            problems.push(at(
                Some(1),
                None,
                "the header row is not valid UTF-8; save the file as UTF-8".into(),
            ));
            continue;
        };
        let name = name.trim();
        if let Some(c) = COLUMNS.iter().position(|c| *c == name) {
            if pos[c].is_some() {
                problems.push(at(
                    Some(1),
                    Some(name),
                    format!("the column {name} appears twice in the header"),
                ));
            }
            pos[c] = Some(i);
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .enumerate()
        .filter(|(i, _)| pos[*i].is_none())
        .map(|(_, c)| *c)
        .collect();
    if !missing.is_empty() {
        problems.push(at(
            Some(1),
            None,
            format!(
                "the header row lacks the required column(s) {}; a catalog needs {}",
                missing.join(", "),
                REQUIRED.join(", ")
            ),
        ));
        return ParsedSource {
            rows: vec![],
            problems,
        };
    }
    let width = header.len();
    let header = Header { pos };
    let mut rows = Vec::new();
    let mut parser = RowParser {
        source: source.clone(),
        header: &header,
        line: 1,
        problems: &mut problems,
        last_source_text: None,
    };
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .map_or(0, |p| lines.line_at(&bytes, p.byte()));
                parser.line = line;
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                if record.len() != width {
                    parser.problems.push(at(
                        Some(line),
                        None,
                        format!(
                            "the row has {} fields but the header has {width}; check for a missing or extra comma (quote text that contains commas)",
                            record.len()
                        ),
                    ));
                    continue;
                }
                if let Some(row) = parser.parse(&record) {
                    rows.push(row);
                }
            }
            Err(e) => {
                parser.problems.push(at(
                    e.position().map(|p| lines.line_at(&bytes, p.byte())),
                    None,
                    csv_error_text(&e),
                ));
                break;
            }
        }
    }
    ParsedSource { rows, problems }
}

/// Counts lines up to increasing byte offsets in one pass over the bytes.
#[derive(Default)]
struct LineCounter {
    counted_upto: usize,
    newlines: u64,
}

impl LineCounter {
    /// The 1-based line of the record starting at `offset`. The csv crate reports the start of
    /// a record after CRLF at the `\n`, so the byte at `offset` is counted too.
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let end = usize::try_from(offset).map_or(bytes.len(), |o| (o + 1).min(bytes.len()));
        if end > self.counted_upto {
            self.newlines +=
                memchr::memchr_iter(b'\n', &bytes[self.counted_upto..end]).count() as u64;
            self.counted_upto = end;
        }
        self.newlines + 1
    }
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8; save the file as UTF-8".into(),
        _ => format!("the CSV cannot be read: {e}"),
    }
}

impl Catalog {
    /// Reads and validates a catalog CSV from any reader; `source` names it in errors.
    ///
    /// ```
    /// use cloud_tco::Catalog;
    /// let csv = "provider,category,item,unit,price\nA,storage,nas,gb_month,100\nB,storage,nas,gb_month,120\n";
    /// let catalog = Catalog::from_reader(csv.as_bytes(), Some("quotes.csv")).unwrap();
    /// assert_eq!(catalog.rows().len(), 2);
    ///
    /// let bad = "provider,category,item,unit,price\nA,storage,nas,gb_month,12.5.0\n";
    /// let err = Catalog::from_reader(bad.as_bytes(), Some("quotes.csv")).unwrap_err();
    /// assert!(err.to_string().contains("quotes.csv, line 2, `price`"));
    /// ```
    pub fn from_reader<R: Read>(reader: R, source: Option<&str>) -> Result<Catalog, CatalogError> {
        Catalog::from_sources(vec![(
            source.map(str::to_owned),
            Box::new(reader) as Box<dyn Read>,
        )])
    }

    /// Reads, merges and validates several catalog CSVs; duplicates across them are errors.
    pub fn from_sources(
        sources: Vec<(Option<String>, Box<dyn Read + '_>)>,
    ) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for (name, reader) in sources {
            let parsed = read_source(reader, name.as_deref());
            problems.extend(parsed.problems);
            rows.extend(parsed.rows);
        }
        Catalog::assemble(rows, problems)
    }

    /// Reads, merges and validates catalog files.
    ///
    /// ```no_run
    /// let catalog = cloud_tco::Catalog::from_paths(&["quotes-a.csv", "quotes-b.csv"]).unwrap();
    /// ```
    pub fn from_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let name = path.display().to_string();
            match open_catalog_file(path) {
                Ok(file) => {
                    let parsed = read_source(
                        std::io::BufReader::with_capacity(1 << 16, file),
                        Some(&name),
                    );
                    problems.extend(parsed.problems);
                    rows.extend(parsed.rows);
                }
                Err(message) => problems.push(Problem {
                    location: Location::new(Some(&name), None, None),
                    message,
                }),
            }
        }
        Catalog::assemble(rows, problems)
    }

    /// Reads and validates one catalog file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Catalog, CatalogError> {
        Catalog::from_paths(&[path.as_ref()])
    }

    /// The default catalog shipped with the engine (illustrative prices for providers A–D).
    ///
    /// ```
    /// let catalog = cloud_tco::Catalog::embedded();
    /// assert_eq!(catalog.providers(), ["A", "B", "C", "D"]);
    /// ```
    pub fn embedded() -> Catalog {
        static EMBEDDED: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                Catalog::from_reader(EMBEDDED_CATALOG_CSV.as_bytes(), Some(EMBEDDED_CATALOG_NAME))
                    .unwrap_or_else(|e| panic!("the embedded catalog is invalid: {e}"))
            })
            .clone()
    }

    /// Validates rows built in code (a typed builder; see [`CatalogRow::new`]).
    pub fn from_rows(rows: Vec<CatalogRow>) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();
        for row in &rows {
            check_row(row, &mut problems);
        }
        Catalog::assemble(rows, problems)
    }

    /// Merges catalogs; a (provider, category, item) present in two of them is an error.
    pub fn merge<'a>(
        catalogs: impl IntoIterator<Item = &'a Catalog>,
    ) -> Result<Catalog, CatalogError> {
        let rows = catalogs
            .into_iter()
            .flat_map(|c| c.rows.iter().cloned())
            .collect();
        Catalog::assemble(rows, Vec::new())
    }

    fn assemble(
        rows: Vec<CatalogRow>,
        mut problems: Vec<Problem>,
    ) -> Result<Catalog, CatalogError> {
        let mut seen: HashMap<(&str, Category, &str), usize> = HashMap::with_capacity(rows.len());
        let mut units: HashMap<(Category, &str), usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let key = (row.provider.as_str(), row.category, row.item.as_str());
            if let Some(&first) = seen.get(&key) {
                problems.push(row_problem(
                    row,
                    "item",
                    format!(
                        "provider {} lists {}/{} twice: here and at {}; keep one price per provider and item",
                        row.provider, row.category, row.item, rows[first].origin
                    ),
                ));
            } else {
                seen.insert(key, i);
            }
            match units.get(&(row.category, row.item.as_str())) {
                Some(&first) if rows[first].unit != row.unit => problems.push(row_problem(
                    row,
                    "unit",
                    format!(
                        "{}/{} is priced per {} here but per {} by provider {} at {}; one item must have one unit at every provider",
                        row.category, row.item, row.unit, rows[first].unit, rows[first].provider, rows[first].origin
                    ),
                )),
                Some(_) => {}
                None => {
                    units.insert((row.category, row.item.as_str()), i);
                }
            }
        }
        drop(seen);
        drop(units);
        if !problems.is_empty() {
            return Err(CatalogError { problems });
        }
        let mut items: BTreeMap<(Category, String), Vec<usize>> = BTreeMap::new();
        let mut servers: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut providers = BTreeSet::new();
        for (i, row) in rows.iter().enumerate() {
            items
                .entry((row.category, row.item.clone()))
                .or_default()
                .push(i);
            if row.category == Category::Server {
                servers.entry(row.provider.clone()).or_default().push(i);
            }
            if !providers.contains(row.provider.as_str()) {
                providers.insert(row.provider.clone());
            }
        }
        for list in items.values_mut() {
            list.sort_by(|&a, &b| rows[a].provider.cmp(&rows[b].provider));
        }
        Ok(Catalog {
            rows,
            items,
            servers,
            providers: providers.into_iter().collect(),
        })
    }

    /// All rows, in the order they were read.
    pub fn rows(&self) -> &[CatalogRow] {
        &self.rows
    }

    /// Provider names, sorted.
    pub fn providers(&self) -> &[String] {
        &self.providers
    }

    /// Whether the catalog lists `provider`.
    pub fn has_provider(&self, provider: &str) -> bool {
        self.providers.iter().any(|p| p == provider)
    }

    /// The rows of one (category, item), one per provider, in provider order.
    pub fn item_rows(
        &self,
        category: Category,
        item: &str,
    ) -> impl Iterator<Item = &CatalogRow> + '_ {
        self.items
            .get(&(category, item.to_owned()))
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i])
    }

    /// Every (category, item) of the catalog, sorted by category key then item.
    pub fn item_keys(&self) -> Vec<(Category, &str)> {
        let mut keys: Vec<(Category, &str)> =
            self.items.keys().map(|(c, i)| (*c, i.as_str())).collect();
        keys.sort_by(|a, b| (a.0.key(), a.1).cmp(&(b.0.key(), b.1)));
        keys
    }

    /// The server rows of one provider.
    pub fn server_rows<'a>(&'a self, provider: &str) -> impl Iterator<Item = &'a CatalogRow> + 'a {
        self.servers
            .get(provider)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i])
    }
}

fn read_source<R: Read>(reader: R, name: Option<&str>) -> ParsedSource {
    parse_source(reader, name)
}

fn open_catalog_file(path: &Path) -> Result<std::fs::File, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "the catalog file does not exist".to_owned(),
        _ => format!("cannot read the catalog file: {e}"),
    })?;
    if meta.is_dir() {
        return Err("this is a directory, not a catalog CSV file".into());
    }
    std::fs::File::open(path).map_err(|e| format!("cannot open the catalog file: {e}"))
}

fn row_problem(row: &CatalogRow, field: &str, message: String) -> Problem {
    Problem {
        location: Location {
            file: row.origin.source.as_deref().map(str::to_owned),
            line: (row.origin.line > 0).then_some(row.origin.line),
            field: Some(field.to_owned()),
        },
        message,
    }
}

/// Checks a row built in code against the rules the CSV reader enforces.
fn check_row(row: &CatalogRow, problems: &mut Vec<Problem>) {
    let mut bad = |field: &str, message: String| problems.push(row_problem(row, field, message));
    if row.provider.trim().is_empty() {
        bad("provider", "the provider is empty".into());
    }
    if row.item.trim().is_empty() {
        bad("item", "the item is empty".into());
    }
    if row.price.is_sign_negative() && !row.price.is_zero() {
        bad(
            "price",
            format!("the price {} is negative; it must be 0 or more", row.price),
        );
    }
    if row.category == Category::Server {
        match &row.spec {
            None => bad("vcpu", "a server row needs its vcpu and memory_gb".into()),
            Some(s) => {
                if s.vcpu == 0 {
                    bad("vcpu", "vcpu must be greater than 0".into());
                }
                if s.memory_gb <= Decimal::ZERO {
                    bad("memory_gb", "memory_gb must be greater than 0".into());
                }
                if s.disk_gb.is_sign_negative() && !s.disk_gb.is_zero() {
                    bad("disk_gb", "disk_gb must be 0 or more".into());
                }
            }
        }
    }
    if let Some(g) = row.included_gb {
        if g.is_sign_negative() && !g.is_zero() {
            bad("included_gb", "included_gb must be 0 or more".into());
        }
    }
}
