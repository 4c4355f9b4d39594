//! Price catalogs (SPEC §2): provider unit prices for servers, storage, network, backup and
//! security, loaded from CSV files or built in code, validated as a whole.
//!
//! A catalog is the guide's provider tables (§4.5.1, "A사/B사/C사/D사"): one row per provider and
//! item. Validation reports every problem of every file at once, each with its file, line and
//! column, in words a budget analyst can act on.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use arcstr::ArcStr;
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
    /// Provider name, e.g. `A` or `NaverCloud` (shared by the provider's rows).
    pub provider: ArcStr,
    /// What is priced.
    pub category: Category,
    /// Key within the category (flavor name for servers).
    pub item: ArcStr,
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
        provider: impl Into<ArcStr>,
        category: Category,
        item: impl Into<ArcStr>,
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
///
/// Cloning is cheap: the validated rows and their indices are shared.
#[derive(Debug, Clone)]
pub struct Catalog {
    inner: Arc<CatalogInner>,
}

/// The rows of a catalog and the indices built over them once, at load time.
///
/// Row indices are `u32` (a catalog of 4 billion rows would not fit in memory anyway; loading
/// one is an error, see [`Catalog::assemble`]).
#[derive(Debug)]
struct CatalogInner {
    rows: Vec<CatalogRow>,
    /// Provider names, sorted.
    providers: Vec<String>,
    /// Row indices grouped by (category, item); within a group, providers in name order.
    by_item: Vec<u32>,
    /// The (category, item) groups, as ranges of `by_item`, in the order of `index`.
    groups: Vec<ItemGroup>,
    /// Lookup (category, item) → group, keyed by the rows' own strings (no copies).
    index: ItemIndex,
    /// Per provider, in `providers` order: its server rows in catalog order.
    servers: Vec<Vec<u32>>,
    /// The same, each sorted cheapest first ([`crate::pricing::flavor_order`]); built on the
    /// first server pricing, so that loading a large catalog does not pay for it.
    servers_by_price: std::sync::OnceLock<Vec<Vec<u32>>>,
    /// The groups sorted by (category key, item), for [`Catalog::item_keys`]; built on first use.
    groups_by_key: std::sync::OnceLock<Vec<u32>>,
    /// Prices combined by earlier [`crate::plan()`] calls on this catalog, for the next ones.
    price_memos: std::sync::Mutex<crate::plan::PriceMemos>,
}

/// One (category, item) of a catalog: `by_item[start .. start + len]`.
#[derive(Debug, Clone, Copy)]
struct ItemGroup {
    /// The group's first row in catalog order (its unit is the item's unit).
    first: u32,
    start: u32,
    len: u32,
}

/// The lookup from (category, item) to an [`ItemGroup`]: the groups are numbered in the order
/// of a 32-bit hash of their key, so a lookup is a binary search over `hashes` and a check of
/// the candidate groups' first rows. The hash is seeded per catalog from the standard
/// library's random state, so that no file can be crafted to make many keys collide.
#[derive(Debug, Clone, Default)]
struct ItemIndex {
    seed: u64,
    /// Per group, the upper 32 bits of its key's hash; ascending.
    hashes: Vec<u32>,
}

impl ItemIndex {
    fn new() -> ItemIndex {
        use std::hash::BuildHasher;
        ItemIndex {
            seed: std::collections::hash_map::RandomState::new().hash_one(0x5EED_u64),
            hashes: Vec::new(),
        }
    }

    /// A fast hash of (category, item): a multiply–rotate over 8-byte words (as FxHash),
    /// finished with MurmurHash3's 64-bit mixer so that the upper bits depend on every byte.
    fn hash(&self, category: Category, item: &str) -> u32 {
        #[cfg(test)]
        if tests::COLLIDE.with(std::cell::Cell::get) {
            return 7; // every key collides: exercises the collision paths
        }
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
        let bytes = item.as_bytes();
        let mut h = step(self.seed, category as u64);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            h = step(h, u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            h = step(h, u64::from_le_bytes(buf));
        }
        h = step(h, bytes.len() as u64);
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        ((h ^ (h >> 33)) >> 32) as u32
    }

    /// The groups whose key hashes to `hash` (usually none or one).
    fn candidates(&self, hash: u32) -> std::ops::Range<usize> {
        let from = self.hashes.partition_point(|&h| h < hash);
        let to = from + self.hashes[from..].partition_point(|&h| h == hash);
        from..to
    }
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
    /// Provider names seen so far: a catalog has a handful of providers and many rows each,
    /// so rows share their provider's name.
    providers: Vec<ArcStr>,
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
        if raw.is_empty() {
            return None;
        }
        match std::str::from_utf8(raw) {
            Ok(s) => {
                let s = trim(s);
                (!s.is_empty()).then_some(s)
            }
            Err(_) => {
                self.problem(col, "the text is not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)".into());
                None
            }
        }
    }

    fn required<'r>(&mut self, record: &'r csv::ByteRecord, col: usize) -> Option<&'r str> {
        match self.text(record, col) {
            Some(s) => Some(s),
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
        if let Some(d) = self.header.get(record, col).and_then(plain_decimal) {
            return Some(d);
        }
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
        // Fast paths read the exact keys and plain numbers from the bytes; anything else takes
        // the general path, with its checks and messages in the same order.
        let category = match self.header.get(record, C_CATEGORY).and_then(category_key) {
            Some(c) => Some(c),
            None => self.required(record, C_CATEGORY).and_then(|c| {
                c.parse::<Category>()
                    .map_err(|e| self.problem(C_CATEGORY, e))
                    .ok()
            }),
        };
        let item = self.required(record, C_ITEM);
        let unit = match self.header.get(record, C_UNIT).and_then(unit_key) {
            Some(u) => Some(u),
            None => self
                .required(record, C_UNIT)
                .and_then(|u| u.parse::<Unit>().map_err(|e| self.problem(C_UNIT, e)).ok()),
        };
        let price = match self.header.get(record, C_PRICE).and_then(plain_decimal) {
            Some(p) => Some(p),
            None => {
                let price_present = self.text(record, C_PRICE).is_some();
                let price = self.decimal(record, C_PRICE, "price");
                if !price_present && self.header.get(record, C_PRICE).is_some() {
                    self.problem(
                        C_PRICE,
                        "the price is empty; every row needs one (0 for a free item)".into(),
                    );
                }
                price
            }
        };
        let vcpu_text = self.text(record, C_VCPU);
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
            let vcpu = match vcpu_text {
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
        let provider = self.provider_name(provider?);
        let mut row = CatalogRow::new(provider, category?, item?, unit?, price?);
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

    /// The shared name of `provider`.
    fn provider_name(&mut self, provider: &str) -> ArcStr {
        if let Some(known) = self.providers.iter().find(|p| p.as_str() == provider) {
            return known.clone();
        }
        let name = ArcStr::from(provider);
        if self.providers.len() < 64 {
            self.providers.push(name.clone());
        }
        name
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
        providers: Vec::new(),
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
    /// a record at the line ending before it (after CRLF, or when blank lines were skipped), so
    /// line endings at `offset` are passed over to reach the record's first byte.
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut start = usize::try_from(offset).map_or(bytes.len(), |o| o.min(bytes.len()));
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start > self.counted_upto {
            self.newlines +=
                memchr::memchr_iter(b'\n', &bytes[self.counted_upto..start]).count() as u64;
            self.counted_upto = start;
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
            append_rows(&mut rows, parsed.rows);
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
                    append_rows(&mut rows, parsed.rows);
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
            .flat_map(|c| c.inner.rows.iter().cloned())
            .collect();
        Catalog::assemble(rows, Vec::new())
    }

    /// Validates the rows as a whole (duplicates, units) and builds the indices.
    ///
    /// Rows are grouped by (category, item) by sorting their key hashes (cache-friendly, unlike
    /// a hash table of a million entries), checking equal hashes against the rows' own strings,
    /// so no key is copied. Each group is then ordered by provider name, where duplicates are
    /// adjacent. Problems are reported in row order, a row's duplicate before its unit.
    fn assemble(
        rows: Vec<CatalogRow>,
        mut problems: Vec<Problem>,
    ) -> Result<Catalog, CatalogError> {
        let n = rows.len();
        if u32::try_from(n).is_err() {
            problems.push(Problem {
                location: Location::new(None, None, None),
                message: format!("the catalogs have {n} rows; at most 4,294,967,295 are supported"),
            });
            return Err(CatalogError { problems });
        }

        // One pass over the rows: provider ids (in order of appearance; rows of one provider
        // usually come together), server rows per provider id, and sort keys
        // (hash << 32 | row), so that sorting puts equal hashes together, rows in order.
        let mut index = ItemIndex::new();
        let mut provider_ids: HashMap<&str, u32> = HashMap::new();
        let mut provider_names: Vec<&str> = Vec::new();
        let mut provider_of: Vec<u32> = Vec::with_capacity(n);
        let mut servers_of: Vec<Vec<u32>> = Vec::new();
        let mut keys: Vec<u64> = Vec::with_capacity(n);
        let mut last: Option<(&str, u32)> = None;
        for (i, row) in rows.iter().enumerate() {
            let name = row.provider.as_str();
            let id = match last {
                Some((last_name, id)) if last_name == name => id,
                _ => {
                    let id = *provider_ids.entry(name).or_insert_with(|| {
                        provider_names.push(name);
                        servers_of.push(Vec::new());
                        (provider_names.len() - 1) as u32
                    });
                    last = Some((name, id));
                    id
                }
            };
            provider_of.push(id);
            if row.category == Category::Server {
                servers_of[id as usize].push(i as u32);
            }
            keys.push(u64::from(index.hash(row.category, &row.item)) << 32 | i as u64);
        }
        drop(provider_ids);
        let mut by_name: Vec<u32> = (0..provider_names.len() as u32).collect();
        by_name.sort_unstable_by_key(|&id| provider_names[id as usize]);
        let mut rank = vec![0u32; provider_names.len()];
        for (r, &id) in by_name.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        keys.sort_unstable();

        // Runs of equal hashes → groups (a run holds more than one key only on a collision).
        // `late` collects (row, order within the row, problem) to report in row order.
        let mut late: Vec<(usize, u8, Problem)> = Vec::new();
        let mut groups: Vec<ItemGroup> = Vec::new();
        let mut hashes: Vec<u32> = Vec::new();
        let mut by_item: Vec<u32> = Vec::with_capacity(n);
        let same_key = |a: usize, b: usize| {
            let (a, b) = (&rows[a], &rows[b]);
            a.category == b.category && a.item == b.item
        };
        let mut run_start = 0;
        while run_start < n {
            let hash = (keys[run_start] >> 32) as u32;
            let mut run_end = run_start + 1;
            while run_end < n && (keys[run_end] >> 32) as u32 == hash {
                run_end += 1;
            }
            let row_at = |k: usize| (keys[k] & 0xFFFF_FFFF) as usize;
            let first = row_at(run_start);
            if (run_start + 1..run_end).all(|k| same_key(first, row_at(k))) {
                // One key (the usual case): the run is the group, rows in catalog order.
                by_item.extend((run_start..run_end).map(|k| row_at(k) as u32));
                groups.push(ItemGroup {
                    first: first as u32,
                    start: (by_item.len() - (run_end - run_start)) as u32,
                    len: (run_end - run_start) as u32,
                });
                hashes.push(hash);
            } else {
                // A hash collision: split the run by key, each key's rows in catalog order.
                let mut rest: Vec<usize> = (run_start..run_end).map(row_at).collect();
                while let Some(&first) = rest.first() {
                    let start = by_item.len();
                    let mut others = Vec::new();
                    for &r in &rest {
                        if same_key(first, r) {
                            by_item.push(r as u32);
                        } else {
                            others.push(r);
                        }
                    }
                    rest = others;
                    groups.push(ItemGroup {
                        first: first as u32,
                        start: start as u32,
                        len: (by_item.len() - start) as u32,
                    });
                    hashes.push(hash);
                }
            }
            run_start = run_end;
        }
        drop(keys);
        index.hashes = hashes;

        // Within each group: units against the first row, then providers in name order,
        // where a provider listing the item twice shows as two adjacent rows.
        for g in &groups {
            if g.len < 2 {
                continue;
            }
            let members = &mut by_item[g.start as usize..(g.start + g.len) as usize];
            let first = &rows[g.first as usize];
            for &r in members.iter() {
                let row = &rows[r as usize];
                if row.unit != first.unit {
                    late.push((r as usize, 1, row_problem(
                        row,
                        "unit",
                        format!(
                            "{}/{} is priced per {} here but per {} by provider {} at {}; one item must have one unit at every provider",
                            row.category, row.item, row.unit, first.unit, first.provider, first.origin
                        ),
                    )));
                }
            }
            members.sort_by_key(|&r| rank[provider_of[r as usize] as usize]);
            let mut run_first = members[0] as usize;
            for pair in members.windows(2) {
                let (a, b) = (pair[0] as usize, pair[1] as usize);
                if provider_of[a] != provider_of[b] {
                    run_first = b;
                    continue;
                }
                let row = &rows[b];
                late.push((b, 0, row_problem(
                    row,
                    "item",
                    format!(
                        "provider {} lists {}/{} twice: here and at {}; keep one price per provider and item",
                        row.provider, row.category, row.item, rows[run_first].origin
                    ),
                )));
            }
        }
        if !late.is_empty() {
            late.sort_by_key(|(row, order, _)| (*row, *order));
            problems.extend(late.into_iter().map(|(_, _, p)| p));
        }
        if !problems.is_empty() {
            return Err(CatalogError { problems });
        }

        let servers = by_name
            .iter()
            .map(|&id| std::mem::take(&mut servers_of[id as usize]))
            .collect();
        let providers = by_name
            .iter()
            .map(|&id| provider_names[id as usize].to_owned())
            .collect();
        Ok(Catalog {
            inner: Arc::new(CatalogInner {
                rows,
                providers,
                by_item,
                groups,
                index,
                servers,
                servers_by_price: std::sync::OnceLock::new(),
                groups_by_key: std::sync::OnceLock::new(),
                price_memos: std::sync::Mutex::default(),
            }),
        })
    }

    /// Takes the prices combined by earlier plans on this catalog (empty when another plan
    /// holds them: plans never wait on each other).
    pub(crate) fn take_price_memos(&self) -> crate::plan::PriceMemos {
        self.inner
            .price_memos
            .try_lock()
            .map(|mut memos| std::mem::take(&mut *memos))
            .unwrap_or_default()
    }

    /// Keeps `memos` for the next plans, unless another plan has returned its own meanwhile.
    pub(crate) fn keep_price_memos(&self, memos: crate::plan::PriceMemos) {
        if let Ok(mut kept) = self.inner.price_memos.try_lock() {
            if kept.is_empty() {
                *kept = memos;
            }
        }
    }

    /// All rows, in the order they were read.
    pub fn rows(&self) -> &[CatalogRow] {
        &self.inner.rows
    }

    /// Provider names, sorted.
    pub fn providers(&self) -> &[String] {
        &self.inner.providers
    }

    /// Whether the catalog lists `provider`.
    pub fn has_provider(&self, provider: &str) -> bool {
        self.provider_rank(provider).is_some()
    }

    fn provider_rank(&self, provider: &str) -> Option<usize> {
        self.inner
            .providers
            .binary_search_by(|p| p.as_str().cmp(provider))
            .ok()
    }

    /// The row indices of one (category, item), in provider order (empty when not listed).
    fn item_indices(&self, category: Category, item: &str) -> &[u32] {
        let inner = &*self.inner;
        for g in inner.index.candidates(inner.index.hash(category, item)) {
            let g = inner.groups[g];
            let first = &inner.rows[g.first as usize];
            if first.category == category && first.item == item {
                return &inner.by_item[g.start as usize..(g.start + g.len) as usize];
            }
        }
        &[]
    }

    /// The rows of one (category, item), one per provider, in provider order.
    pub fn item_rows(
        &self,
        category: Category,
        item: &str,
    ) -> impl Iterator<Item = &CatalogRow> + '_ {
        let rows = &self.inner.rows;
        self.item_indices(category, item)
            .iter()
            .map(move |&i| &rows[i as usize])
    }

    /// Every (category, item) of the catalog, sorted by category key then item.
    pub fn item_keys(&self) -> Vec<(Category, &str)> {
        let inner = &*self.inner;
        let key = |g: u32| {
            let row = &inner.rows[inner.groups[g as usize].first as usize];
            (row.category, row.item.as_str())
        };
        let order = inner.groups_by_key.get_or_init(|| {
            let mut order: Vec<u32> = (0..inner.groups.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| {
                let (a, b) = (key(a), key(b));
                (a.0.key(), a.1).cmp(&(b.0.key(), b.1))
            });
            order
        });
        order.iter().map(|&g| key(g)).collect()
    }

    /// The server rows of one provider, cheapest first ([`crate::pricing::flavor_order`]).
    pub(crate) fn servers_cheapest_first<'a>(
        &'a self,
        provider: &str,
    ) -> impl Iterator<Item = &'a CatalogRow> + 'a {
        let inner = &*self.inner;
        let sorted = inner.servers_by_price.get_or_init(|| {
            inner
                .servers
                .iter()
                .map(|list| {
                    let mut list = list.clone();
                    list.sort_by(|&a, &b| {
                        crate::pricing::flavor_order(
                            &inner.rows[a as usize],
                            &inner.rows[b as usize],
                        )
                    });
                    list
                })
                .collect()
        });
        let list: &[u32] = match self.provider_rank(provider) {
            Some(r) => &sorted[r],
            None => &[],
        };
        list.iter().map(move |&i| &inner.rows[i as usize])
    }

    /// The server rows of one provider.
    pub fn server_rows<'a>(&'a self, provider: &str) -> impl Iterator<Item = &'a CatalogRow> + 'a {
        let inner = &*self.inner;
        let list: &[u32] = match self.provider_rank(provider) {
            Some(r) => &inner.servers[r],
            None => &[],
        };
        list.iter().map(move |&i| &inner.rows[i as usize])
    }
}

/// The category whose key is exactly `raw` (the common case, without decoding or trimming).
fn category_key(raw: &[u8]) -> Option<Category> {
    Category::ALL
        .into_iter()
        .find(|c| c.key().as_bytes() == raw)
}

/// The unit whose key is exactly `raw`.
fn unit_key(raw: &[u8]) -> Option<Unit> {
    Unit::ALL.into_iter().find(|u| u.key().as_bytes() == raw)
}

/// `s.trim()`, answered without decoding when both ends are printable ASCII (the usual case).
fn trim(s: &str) -> &str {
    let printable = |b: &u8| (b'!'..=b'~').contains(b);
    match s.as_bytes() {
        [first, .., last] if printable(first) && printable(last) => s,
        [only] if printable(only) => s,
        _ => s.trim(),
    }
}

/// `rows.extend(more)`, but without copying when `rows` is still empty (a single source).
fn append_rows(rows: &mut Vec<CatalogRow>, more: Vec<CatalogRow>) {
    if rows.is_empty() {
        *rows = more;
    } else {
        rows.extend(more);
    }
}

/// The common plain forms of a catalog number — digits with an optional fraction, at most 19
/// characters, no sign — parsed in one pass. Gives exactly what [`parse_decimal`] gives for
/// them (same value and scale: `256.30` keeps its two decimals); `None` for anything else,
/// which then goes to [`parse_decimal`] with its checks and messages.
fn plain_decimal(bytes: &[u8]) -> Option<Decimal> {
    if bytes.is_empty() || bytes.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut scale: Option<u32> = None;
    for &b in bytes {
        match b {
            b'0'..=b'9' => {
                // At most 19 digits: < 10^19 < 2^64.
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() && digits > 0 => scale = Some(0),
            _ => return None,
        }
    }
    match scale {
        Some(0) => None, // "5." — left to parse_decimal
        scale => Some(Decimal::from_i128_with_scale(
            i128::from(mantissa),
            scale.unwrap_or(0),
        )),
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

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Makes every (category, item) hash to the same value, in this test thread.
        pub(super) static COLLIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// With every key colliding, grouping, lookups and the duplicate and unit checks still
    /// give what they give with a good hash.
    #[test]
    fn colliding_hashes_change_nothing() {
        let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
                   B,storage,nas,gb_month,100,,\n\
                   A,storage,nas,gb_month,110,,\n\
                   A,storage,object,gb_month,1,,\n\
                   C,server,c-1,vm_month,5,2,4\n\
                   A,storage,nas,gb_month,120,,\n\
                   B,security,waf,each_month,3,,\n\
                   C,storage,nas,each_month,130,,\n\
                   A,security,waf,each_month,4,,\n";
        let run = |collide: bool| {
            COLLIDE.with(|c| c.set(collide));
            let result = Catalog::from_reader(csv.as_bytes(), Some("c.csv"));
            COLLIDE.with(|c| c.set(false));
            result.unwrap_err().to_string()
        };
        assert_eq!(run(true), run(false));
        let good = "provider,category,item,unit,price,vcpu,memory_gb\n\
                    B,storage,nas,gb_month,100,,\n\
                    A,storage,nas,gb_month,110,,\n\
                    A,storage,object,gb_month,1,,\n\
                    C,server,c-1,vm_month,5,2,4\n\
                    C,storage,nas,gb_month,130,,\n\
                    B,security,waf,each_month,3,,\n\
                    A,security,waf,each_month,4,,\n";
        COLLIDE.with(|c| c.set(true));
        let catalog = Catalog::from_reader(good.as_bytes(), None).unwrap();
        let providers = |c: Category, i: &str| -> Vec<String> {
            catalog
                .item_rows(c, i)
                .map(|r| r.provider.to_string())
                .collect()
        };
        assert_eq!(providers(Category::Storage, "nas"), ["A", "B", "C"]);
        assert_eq!(providers(Category::Storage, "object"), ["A"]);
        assert_eq!(providers(Category::Security, "waf"), ["A", "B"]);
        assert_eq!(providers(Category::Server, "c-1"), ["C"]);
        assert!(providers(Category::Security, "nas").is_empty());
        assert_eq!(catalog.item_keys().len(), 4);
        COLLIDE.with(|c| c.set(false));
    }

    /// The one-pass parser gives bit-for-bit what `parse_decimal` gives, whenever it answers.
    #[test]
    fn plain_decimal_agrees_with_parse_decimal() {
        let mut cases: Vec<String> = [
            "0",
            "00",
            "0.0",
            "0.10",
            "256.30",
            "7",
            "0007.250",
            "1234567890.123456789",
            "9999999999999999999",
            "999999999999999999.9",
            "0.000000000000000001",
            "5.",
            ".5",
            "1.2.3",
            "+5",
            "-5",
            "-0",
            "",
            "1e5",
            " 1",
            "１",
            "10000000000000000000",
        ]
        .map(String::from)
        .to_vec();
        let mut x: u64 = 1;
        for _ in 0..50_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = 1 + (x >> 58) as usize % 22;
            let mut y = x;
            let text: String = (0..len)
                .map(|k| {
                    y = y.rotate_left(7) ^ k as u64;
                    match y % 13 {
                        10 => '.',
                        11 | 12 => '0',
                        d => char::from(b'0' + d as u8),
                    }
                })
                .collect();
            cases.push(text);
        }
        let mut fast = 0;
        for text in &cases {
            if let Some(d) = plain_decimal(text.as_bytes()) {
                fast += 1;
                let slow = parse_decimal(text)
                    .unwrap_or_else(|e| panic!("{text:?}: accepted, but parse_decimal says {e}"));
                assert_eq!(d.serialize(), slow.serialize(), "{text:?}");
            }
        }
        assert!(fast > 20_000, "the fast path answered only {fast} times");
    }

    /// The hash index finds every (category, item) and nothing else.
    #[test]
    fn item_index_finds_every_item() {
        let mut rows = Vec::new();
        for i in 0..3000 {
            for p in ["B", "A", "C"] {
                if (i + p.len()) % 3 != 0 || p == "A" {
                    rows.push(CatalogRow::new(
                        p,
                        Category::Monitoring,
                        format!("m{i}"),
                        Unit::EachMonth,
                        Decimal::from(i),
                    ));
                }
            }
            rows.push(CatalogRow::new(
                "A",
                Category::Managed,
                format!("m{i}"),
                Unit::EachMonth,
                Decimal::ONE,
            ));
        }
        let catalog = Catalog::from_rows(rows.clone()).unwrap();
        for i in 0..3000 {
            let item = format!("m{i}");
            let got: Vec<&str> = catalog
                .item_rows(Category::Monitoring, &item)
                .map(|r| r.provider.as_str())
                .collect();
            let mut want: Vec<&str> = rows
                .iter()
                .filter(|r| r.category == Category::Monitoring && r.item == item)
                .map(|r| r.provider.as_str())
                .collect();
            want.sort_unstable();
            assert_eq!(got, want, "{item}");
            assert_eq!(catalog.item_rows(Category::Managed, &item).count(), 1);
            assert_eq!(catalog.item_rows(Category::Security, &item).count(), 0);
        }
        assert_eq!(catalog.item_rows(Category::Monitoring, "m3000").count(), 0);
        assert_eq!(catalog.item_keys().len(), 6000);
        assert_eq!(catalog.providers(), ["A", "B", "C"]);
    }
}
