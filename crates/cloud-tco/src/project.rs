//! The project to be priced (SPEC §4): what is used, from when, for how long, and the one-off
//! and recurring amounts the analyst enters — read from TOML or JSON, or built in code.
//!
//! Reading is strict: an unknown key, a mistyped field or an impossible value is an error naming
//! the file, the line (TOML and JSON) and the field path, because a typo must not silently drop
//! a cost from a budget request.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::catalog::Category;
use crate::error::{Location, Problem, ProjectError};
use crate::money::parse_decimal;
use crate::pricing::PriceBasis;

/// Whether the project builds a new system, converts an existing one or rebuilds it (guide §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectKind {
    /// 신규구축: a new system.
    New,
    /// 전환: an existing system moved to the cloud as it is.
    Conversion,
    /// 재구축: an existing system rebuilt for the cloud.
    Rebuild,
}

impl ProjectKind {
    /// The key used in files.
    pub fn key(self) -> &'static str {
        match self {
            ProjectKind::New => "new",
            ProjectKind::Conversion => "conversion",
            ProjectKind::Rebuild => "rebuild",
        }
    }

    /// The guide's Korean name.
    pub fn korean(self) -> &'static str {
        match self {
            ProjectKind::New => "신규구축",
            ProjectKind::Conversion => "전환",
            ProjectKind::Rebuild => "재구축",
        }
    }
}

impl FromStr for ProjectKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(ProjectKind::New),
            "conversion" => Ok(ProjectKind::Conversion),
            "rebuild" => Ok(ProjectKind::Rebuild),
            _ => Err(format!(
                "unknown kind {s:?}; use new (신규구축), conversion (전환) or rebuild (재구축)"
            )),
        }
    }
}

impl fmt::Display for ProjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The cloud service model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ServiceModel {
    /// Infrastructure as a service.
    #[default]
    Iaas,
    /// Software as a service.
    Saas,
    /// Both.
    Mixed,
}

impl ServiceModel {
    /// The key used in files.
    pub fn key(self) -> &'static str {
        match self {
            ServiceModel::Iaas => "iaas",
            ServiceModel::Saas => "saas",
            ServiceModel::Mixed => "mixed",
        }
    }
}

impl FromStr for ServiceModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "iaas" => Ok(ServiceModel::Iaas),
            "saas" => Ok(ServiceModel::Saas),
            "mixed" => Ok(ServiceModel::Mixed),
            _ => Err(format!(
                "unknown service_model {s:?}; use iaas, saas or mixed"
            )),
        }
    }
}

/// Project-wide options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Price basis; the caller (e.g. the CLI's `--basis`) may override it.
    pub basis: Option<PriceBasis>,
    /// Contract discount on usage fees, percent (0–100).
    pub discount_pct: Decimal,
    /// Yearly change of usage fees, percent (> −100).
    pub price_escalation_pct: Decimal,
    /// VAT rate, percent.
    pub vat_pct: Decimal,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            basis: None,
            discount_pct: Decimal::ZERO,
            price_escalation_pct: Decimal::ZERO,
            vat_pct: Decimal::TEN,
        }
    }
}

/// A group of identical servers (서버).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerGroup {
    /// Name shown in reports.
    pub name: String,
    /// vCPU per server.
    pub vcpu: u32,
    /// Memory per server, GB.
    pub memory_gb: Decimal,
    /// Number of servers (= OS count).
    pub count: Decimal,
    /// Operating system; `linux` needs no licence line.
    pub os: String,
    /// Additional block storage per server, GB.
    pub extra_disk_gb: Decimal,
    /// Storage class of the additional disk.
    pub extra_disk_class: String,
}

/// Storage in actual use, with yearly growth (스토리지).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageUse {
    /// Name shown in reports.
    pub name: String,
    /// Storage class: `nas`, `block_hdd`, `block_ssd`, `object`.
    pub class: String,
    /// GB in the first service year.
    pub gb: Decimal,
    /// GB added each following year.
    pub annual_growth_gb: Decimal,
}

/// Network resources.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    /// Load balancers.
    pub load_balancers: Decimal,
    /// Public IPv4 addresses.
    pub public_ips: Decimal,
    /// IPsec VPN connections.
    pub vpn: Decimal,
    /// Outbound traffic, GB per month, in the first service year.
    pub outbound_gb_per_month: Decimal,
    /// GB per month added each following year.
    pub outbound_annual_growth_gb: Decimal,
}

/// Backup sets of one size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupUse {
    /// Name shown in reports.
    pub name: String,
    /// GB per set in the first service year.
    pub gb: Decimal,
    /// GB added each following year.
    pub annual_growth_gb: Decimal,
    /// Number of sets.
    pub count: Decimal,
}

/// How many of a security service: a number, or one per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityQuantity {
    /// A fixed number.
    Count(Decimal),
    /// The total server count.
    PerServer,
}

/// Security services (보안), each in the catalog's `security` category.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Security {
    /// (item key, quantity) in SPEC order.
    pub items: Vec<(String, SecurityQuantity)>,
}

/// The security item keys, in report order.
pub const SECURITY_ITEMS: [&str; 7] = [
    "waf",
    "ips_ids",
    "ddos",
    "db_access_control",
    "db_encryption",
    "server_access_control",
    "antivirus",
];

/// Any other catalog item, e.g. a managed service (MSP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// Name shown in reports.
    pub name: String,
    /// Catalog category.
    pub category: Category,
    /// Catalog item key (a flavor name for `server`).
    pub item: String,
    /// Quantity.
    pub quantity: Decimal,
}

/// The budget item (예산 항목) a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BudgetItem {
    /// 이용료: cloud usage fees.
    UsageFee,
    /// 전환비: conversion cost.
    Conversion,
    /// SW 구축비: software build cost.
    SwBuild,
    /// 기타: anything else.
    Other,
}

impl BudgetItem {
    /// Every budget item, in report order.
    pub const ALL: [BudgetItem; 4] = [
        BudgetItem::UsageFee,
        BudgetItem::Conversion,
        BudgetItem::SwBuild,
        BudgetItem::Other,
    ];

    /// The key used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            BudgetItem::UsageFee => "usage_fee",
            BudgetItem::Conversion => "conversion",
            BudgetItem::SwBuild => "sw_build",
            BudgetItem::Other => "other",
        }
    }

    /// The guide's Korean label.
    pub fn korean(self) -> &'static str {
        match self {
            BudgetItem::UsageFee => "이용료",
            BudgetItem::Conversion => "전환비",
            BudgetItem::SwBuild => "SW 구축비",
            BudgetItem::Other => "기타",
        }
    }

    /// The budget item of a `[[costs]]` entry's `item`.
    pub fn of_cost_item(item: &str) -> BudgetItem {
        match item {
            "conversion" => BudgetItem::Conversion,
            "sw_build" => BudgetItem::SwBuild,
            _ => BudgetItem::Other,
        }
    }
}

/// When a cost falls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostTiming {
    /// Once, in one fiscal year.
    Once {
        /// Fiscal year.
        year: i32,
        /// Amount, VAT excluded.
        amount: Decimal,
    },
    /// The same amount every year from `from` to `to`, inclusive.
    Yearly {
        /// First fiscal year.
        from: i32,
        /// Last fiscal year.
        to: i32,
        /// Amount per year, VAT excluded.
        per_year: Decimal,
    },
}

/// An amount entered by the analyst: 전환비, SW 구축비, maintenance, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    /// Name shown in reports.
    pub name: String,
    /// `conversion`, `sw_build`, or anything else (→ budget item `other`).
    pub item: String,
    /// When and how much.
    pub timing: CostTiming,
}

impl Cost {
    /// The budget item this cost belongs to.
    pub fn budget_item(&self) -> BudgetItem {
        BudgetItem::of_cost_item(&self.item)
    }
}

/// A validated project (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Project name.
    pub name: String,
    /// New build, conversion or rebuild.
    pub kind: ProjectKind,
    /// IaaS, SaaS or mixed.
    pub service_model: ServiceModel,
    /// The institution type (`institution = "central" | "metropolitan" | "local"`), for the
    /// pre-consultation check (정보화사업 사전협의, guide §4.3.1; see [`crate::consultation`]);
    /// `None`: no check.
    pub institution: Option<crate::consultation::Institution>,
    /// 예산요구연도: the first year of the mid-term plan.
    pub budget_year: i32,
    /// First day of cloud use.
    pub service_start: NaiveDate,
    /// Years of use (default 7, the 조달청 server useful life).
    pub usage_years: u32,
    /// Years of the mid-term plan (default 5, 중기재정계획).
    pub midterm_years: u32,
    /// Options.
    pub options: Options,
    /// Server groups.
    pub servers: Vec<ServerGroup>,
    /// Storage.
    pub storage: Vec<StorageUse>,
    /// Network.
    pub network: Network,
    /// Backup.
    pub backup: Vec<BackupUse>,
    /// Security services.
    pub security: Security,
    /// Other catalog items.
    pub extras: Vec<Extra>,
    /// Entered amounts.
    pub costs: Vec<Cost>,
    /// The cost of staying on premises (`[on_premises]`), for the TCO comparison
    /// ([`crate::tco::tco`]); `None` when the file has no such section.
    pub on_premises: Option<OnPremises>,
    /// SaaS services used (`[[saas]]`), priced per service from a SaaS catalog
    /// ([`crate::saas`]).
    pub saas: Vec<crate::saas::SaasUse>,
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// A number as written: a TOML/JSON integer, a float (read from its shortest decimal form) or a
/// string (every digit kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Num(pub(crate) Decimal);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number (integer, decimal, or a string of digits such as \"1234.50\")",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Num, E> {
                Decimal::try_from_i128_with_scale(v, 0)
                    .map(Num)
                    .map_err(|_| E::custom("the number is too large (at most 28 digits)"))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Num, E> {
                i128::try_from(v)
                    .map_err(|_| E::custom("the number is too large (at most 28 digits)"))
                    .and_then(|v| self.visit_i128(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if !v.is_finite() {
                    return Err(E::custom("the number must be finite (not nan or inf)"));
                }
                // Rust prints the shortest text that reads back as the same float: 0.1 → "0.1".
                let text = format!("{v}");
                // JSON and TOML readers hand over unquoted decimals as 64-bit floats, which
                // keep 15 significant digits exactly; a float that needs more may no longer be
                // the number written, so it is refused rather than changed.
                if significant_digits(&text) > 15 {
                    return Err(E::custom(format!(
                        "the number {text} has more significant digits than an unquoted number \
                         keeps exactly (15); write it in quotes, e.g. \"{text}\", with the digits \
                         you meant"
                    )));
                }
                parse_decimal(&text)
                    .map(Num)
                    .map_err(|e| E::custom(format!("the number {text} is not usable: {e}")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                parse_decimal(v)
                    .map(Num)
                    .map_err(|e| E::custom(format!("{v:?} is not usable as a number: {e}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// The significant digits of a plain decimal text (no leading or trailing zeros counted).
fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

/// A date written as `"2026-07-01"` or as a TOML date.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DateText(String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as \"2026-07-01\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateText, A::Error> {
                // toml hands its date literals to serde as a one-entry map.
                let mut text = None;
                while let Some((_, v)) = map.next_entry::<String, String>()? {
                    text = Some(v);
                }
                text.map(DateText)
                    .ok_or_else(|| de::Error::custom("expected a date"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A `[security]` value: a count, `"per_server"`, or `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SecurityValue(SecurityQuantity);

impl<'de> Deserialize<'de> for SecurityValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SecurityValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number, \"per_server\" or true")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(SecurityValue(if v {
                    SecurityQuantity::PerServer
                } else {
                    SecurityQuantity::Count(Decimal::ZERO)
                }))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(SecurityValue(SecurityQuantity::Count(Decimal::from(v))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(SecurityValue(SecurityQuantity::Count(Decimal::from(v))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Num::deserialize(de::value::F64Deserializer::new(v))
                    .map(|n| SecurityValue(SecurityQuantity::Count(n.0)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "per_server" {
                    return Ok(SecurityValue(SecurityQuantity::PerServer));
                }
                parse_decimal(v)
                    .map(|n| SecurityValue(SecurityQuantity::Count(n)))
                    .map_err(|_| {
                        E::custom(format!(
                            "{v:?} is neither a whole number nor \"per_server\""
                        ))
                    })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: Option<String>,
    kind: String,
    service_model: Option<String>,
    institution: Option<String>,
    budget_year: Num,
    service_start: DateText,
    usage_years: Option<Num>,
    midterm_years: Option<Num>,
    #[serde(default)]
    options: RawOptions,
    #[serde(default)]
    servers: Vec<RawServer>,
    #[serde(default)]
    storage: Vec<RawStorage>,
    #[serde(default)]
    network: RawNetwork,
    #[serde(default)]
    backup: Vec<RawBackup>,
    #[serde(default)]
    security: RawSecurity,
    #[serde(default)]
    extras: Vec<RawExtra>,
    #[serde(default)]
    costs: Vec<RawCost>,
    on_premises: Option<RawOnPremises>,
    #[serde(default)]
    saas: Vec<crate::saas::RawSaas>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    basis: Option<String>,
    discount_pct: Option<Num>,
    price_escalation_pct: Option<Num>,
    vat_pct: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    name: Option<String>,
    vcpu: Num,
    memory_gb: Num,
    count: Option<Num>,
    os: Option<String>,
    extra_disk_gb: Option<Num>,
    extra_disk_class: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStorage {
    name: Option<String>,
    class: String,
    gb: Num,
    annual_growth_gb: Option<Num>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    load_balancers: Option<Num>,
    public_ips: Option<Num>,
    vpn: Option<Num>,
    outbound_gb_per_month: Option<Num>,
    outbound_annual_growth_gb: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBackup {
    name: Option<String>,
    gb: Num,
    annual_growth_gb: Option<Num>,
    count: Option<Num>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    waf: Option<SecurityValue>,
    ips_ids: Option<SecurityValue>,
    ddos: Option<SecurityValue>,
    db_access_control: Option<SecurityValue>,
    db_encryption: Option<SecurityValue>,
    server_access_control: Option<SecurityValue>,
    antivirus: Option<SecurityValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtra {
    name: Option<String>,
    category: String,
    item: String,
    quantity: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCost {
    name: Option<String>,
    item: String,
    year: Option<Num>,
    amount: Option<Num>,
    from: Option<Num>,
    to: Option<Num>,
    per_year: Option<Num>,
}

/// The text format of a project file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectFormat {
    /// TOML (`.toml`).
    Toml,
    /// JSON (`.json`).
    Json,
}

impl Project {
    /// Reads a project from a TOML or JSON file (by extension; TOML otherwise).
    ///
    /// ```no_run
    /// let project = cloud_tco::Project::from_path("data/examples/conversion.toml").unwrap();
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Project, ProjectError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let at_file = |m: String| ProjectError::single(Location::new(Some(&file), None, None), m);
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => at_file("the project file does not exist".into()),
            _ => at_file(format!("cannot read the project file: {e}")),
        })?;
        if meta.is_dir() {
            return Err(at_file("this is a directory, not a project file".into()));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| at_file(format!("cannot read the project file: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            ProjectError::single(
                Location::new(Some(&file), Some(line as u64), None),
                "the file is not valid UTF-8; save it as UTF-8",
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => ProjectFormat::Json,
            _ => ProjectFormat::Toml,
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("project");
        Project::parse(text, format, Some(&file), stem)
    }

    /// Reads a project from TOML text.
    ///
    /// ```
    /// let p = cloud_tco::Project::from_toml_str(r#"
    ///     kind = "new"
    ///     budget_year = 2027
    ///     service_start = "2027-07-01"
    ///     [[servers]]
    ///     vcpu = 2
    ///     memory_gb = 4
    /// "#).unwrap();
    /// assert_eq!(p.servers[0].name, "2vCPU/4GB");
    /// assert_eq!(p.usage_years, 7);
    ///
    /// let err = cloud_tco::Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\nusage_year = 7\n").unwrap_err();
    /// assert!(err.to_string().contains("line 4"));
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Project, ProjectError> {
        Project::parse(text, ProjectFormat::Toml, None, "project")
    }

    /// Reads a project from JSON text (the same schema as TOML).
    pub fn from_json_str(text: &str) -> Result<Project, ProjectError> {
        Project::parse(text, ProjectFormat::Json, None, "project")
    }

    /// Reads a project from text; `file` names it in errors and `stem` is the default name.
    pub fn parse(
        text: &str,
        format: ProjectFormat,
        file: Option<&str>,
        stem: &str,
    ) -> Result<Project, ProjectError> {
        let raw: RawProject = match format {
            ProjectFormat::Toml => read_toml(text, file)?,
            ProjectFormat::Json => read_json(text, file)?,
        };
        let locator = Locator { text, format, file };
        convert(raw, stem, &locator)
    }
}

/// Reads JSON text into `T`, the whole text.
///
/// Tracking the field path for errors costs more than the parse itself, so a plain read runs
/// first; only when it fails is the text read again with the path tracked, which gives the
/// same error (message, line and field path) as a tracked read from the start.
pub(crate) fn read_json<T: DeserializeOwned>(
    text: &str,
    file: Option<&str>,
) -> Result<T, ProjectError> {
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(value) = T::deserialize(&mut de).and_then(|value| de.end().map(|()| value)) {
        return Ok(value);
    }
    read_json_tracked(text, file)
}

/// Reads JSON text into `T` with the field path tracked: the reference for every JSON error.
fn read_json_tracked<T: DeserializeOwned>(
    text: &str,
    file: Option<&str>,
) -> Result<T, ProjectError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = path_text(e.path());
        json_error(file, Some(path), e.inner())
    })?;
    de.end().map_err(|e| json_error(file, None, &e))?;
    Ok(value)
}

/// Reads TOML text into `T`; like [`read_json`], the field path is tracked only on a second
/// read after a failed plain one.
pub(crate) fn read_toml<T: DeserializeOwned>(
    text: &str,
    file: Option<&str>,
) -> Result<T, ProjectError> {
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, file, None, &e))?;
    if let Ok(value) = T::deserialize(de) {
        return Ok(value);
    }
    read_toml_tracked(text, file)
}

/// Reads TOML text into `T` with the field path tracked: the reference for every TOML error.
fn read_toml_tracked<T: DeserializeOwned>(
    text: &str,
    file: Option<&str>,
) -> Result<T, ProjectError> {
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, file, None, &e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = path_text(e.path());
        toml_error(text, file, Some(path), e.inner())
    })
}

pub(crate) fn path_text(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } => {
                if key.starts_with("$__toml") {
                    continue;
                }
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            serde_path_to_error::Segment::Enum { variant } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(variant);
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

fn line_of(text: &str, offset: usize) -> u64 {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

pub(crate) fn toml_error(
    text: &str,
    file: Option<&str>,
    path: Option<String>,
    e: &toml::de::Error,
) -> ProjectError {
    let line = e.span().map(|s| line_of(text, s.start));
    let path = path.filter(|p| !p.is_empty());
    let message = explain_serde_message(e.message());
    ProjectError::single(Location::new(file, line, path.as_deref()), message)
}

pub(crate) fn json_error(
    file: Option<&str>,
    path: Option<String>,
    e: &serde_json::Error,
) -> ProjectError {
    let line = (e.line() > 0).then_some(e.line() as u64);
    let path = path.filter(|p| !p.is_empty());
    let mut message = e.to_string();
    // serde_json appends " at line L column C"; the location already says it.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    ProjectError::single(
        Location::new(file, line, path.as_deref()),
        explain_serde_message(&message),
    )
}

fn explain_serde_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return format!(
            "unknown key {rest} (a misspelt key would silently drop a cost, so it is an error)"
        );
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("the required key {rest} is missing");
    }
    message.to_owned()
}

/// Finds the line of a field path in the source text, for errors found after reading.
pub(crate) struct Locator<'a> {
    pub(crate) text: &'a str,
    pub(crate) format: ProjectFormat,
    pub(crate) file: Option<&'a str>,
}

enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

fn parse_path(path: &str) -> Vec<Seg<'_>> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            segs.push(Seg::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                segs.push(Seg::Index(i));
            }
        }
    }
    segs
}

impl Locator<'_> {
    fn line(&self, path: &str) -> Option<u64> {
        let segs = parse_path(path);
        match self.format {
            ProjectFormat::Toml => {
                let doc = toml::de::DeTable::parse(self.text).ok()?;
                let mut span = doc.span();
                let mut table = Some(doc.get_ref());
                let mut array: Option<&toml::de::DeArray> = None;
                for seg in segs {
                    let value = match seg {
                        Seg::Key(k) => table?.get(k)?,
                        Seg::Index(i) => array?.get(i)?,
                    };
                    span = value.span();
                    table = value.get_ref().as_table();
                    array = value.get_ref().as_array();
                }
                Some(line_of(self.text, span.start))
            }
            ProjectFormat::Json => {
                // JSON: the line of the last key of the path, searched in order.
                let mut offset = 0;
                for seg in segs {
                    if let Seg::Key(k) = seg {
                        let needle = format!("\"{k}\"");
                        offset += self.text[offset..].find(&needle)?;
                    }
                }
                Some(line_of(self.text, offset))
            }
        }
    }

    pub(crate) fn problem(&self, path: &str, message: String) -> Problem {
        Problem {
            location: Location::new(self.file, self.line(path), Some(path)),
            message,
        }
    }
}

/// A field path such as `servers[3].vcpu` or `on_premises.hardware.warranty_years`, written out
/// only when a problem is reported: checking a valid project then formats no paths.
#[derive(Debug, Clone, Copy)]
struct FieldPath<'a> {
    /// The table or list: `servers`, `on_premises.hardware`.
    table: &'a str,
    /// The entry of a list.
    index: Option<usize>,
    /// The key; empty for a whole entry (`costs[2]`).
    key: &'a str,
}

impl<'a> FieldPath<'a> {
    /// `table.key`.
    fn key(table: &'a str, key: &'a str) -> Self {
        FieldPath {
            table,
            index: None,
            key,
        }
    }

    /// `list[index].key`, or `list[index]` when `key` is empty.
    fn item(list: &'a str, index: usize, key: &'a str) -> Self {
        FieldPath {
            table: list,
            index: Some(index),
            key,
        }
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.table)?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        if !self.key.is_empty() {
            if !self.table.is_empty() || self.index.is_some() {
                f.write_str(".")?;
            }
            f.write_str(self.key)?;
        }
        Ok(())
    }
}

/// Collects problems found while converting raw input.
///
/// Paths and explanations are taken as [`fmt::Display`] (a `&str`, a [`FieldPath`] or
/// `format_args!`) and written out only for a problem, as most input has none.
struct Checker<'a> {
    locator: &'a Locator<'a>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn bad(&mut self, path: impl fmt::Display, message: impl Into<String>) {
        let path = path.to_string();
        self.problems
            .push(self.locator.problem(&path, message.into()));
    }

    fn int_in(
        &mut self,
        path: impl fmt::Display,
        value: Num,
        min: i64,
        max: i64,
        what: impl fmt::Display,
    ) -> Option<i64> {
        let v = value.0;
        if !v.is_integer() {
            self.bad(path, format!("{v} is not a whole number; {what}"));
            return None;
        }
        match i64::try_from(v.trunc()) {
            Ok(i) if (min..=max).contains(&i) => Some(i),
            _ => {
                self.bad(path, format!("{v} is out of range; {what}"));
                None
            }
        }
    }

    fn year(&mut self, path: impl fmt::Display, value: Num) -> Option<i32> {
        self.int_in(
            path,
            value,
            MIN_YEAR.into(),
            MAX_YEAR.into(),
            "a fiscal year is a whole number such as 2027",
        )
        .map(|y| y as i32)
    }
}

/// The earliest fiscal year accepted.
pub const MIN_YEAR: i32 = 1900;
/// The latest fiscal year accepted.
pub const MAX_YEAR: i32 = 9999;
/// The longest usage or mid-term period accepted, in years.
pub const MAX_YEARS: u32 = 1000;

fn num_or(value: Option<Num>, default: Decimal) -> Decimal {
    value.map_or(default, |n| n.0)
}

/// Reads a date as chrono's `%Y-%m-%d` does. The usual ten-character form (`2027-07-01`) is
/// read directly, which spares parsing the format string for every project; anything else is
/// left to chrono.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0, |n: u32, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (number(&b[..4]), number(&b[5..7]), number(&b[8..])) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Converts the raw input structurally (keys, enums, dates, years); the value rules are then
/// checked by [`Project::validate`], the same rules a project built in code goes through.
fn convert(raw: RawProject, stem: &str, locator: &Locator<'_>) -> Result<Project, ProjectError> {
    let mut c = Checker {
        locator,
        problems: Vec::new(),
    };
    let kind = raw
        .kind
        .parse::<ProjectKind>()
        .map_err(|e| c.bad("kind", e))
        .ok();
    let service_model = match raw.service_model.as_deref() {
        None => ServiceModel::Iaas,
        Some(s) => s
            .parse()
            .map_err(|e| c.bad("service_model", e))
            .unwrap_or_default(),
    };
    let institution = raw.institution.as_deref().and_then(|s| {
        s.parse::<crate::consultation::Institution>()
            .map_err(|e| c.bad("institution", e))
            .ok()
    });
    let budget_year = c.year("budget_year", raw.budget_year);
    let service_start = match parse_date(raw.service_start.0.trim()) {
        Some(d) if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) => Some(d),
        _ => {
            c.bad(
                "service_start",
                format!(
                    "{:?} is not a real date; write it as YYYY-MM-DD, e.g. \"2027-07-01\"",
                    raw.service_start.0
                ),
            );
            None
        }
    };
    let years = |c: &mut Checker<'_>, field: &str, value: Option<Num>, default: u32| match value {
        None => Some(default),
        Some(n) => c
            .int_in(
                field,
                n,
                1,
                MAX_YEARS.into(),
                format_args!("{field} must be a whole number of years, at least 1"),
            )
            .map(|v| v as u32),
    };
    let usage_years = years(&mut c, "usage_years", raw.usage_years, 7);
    let midterm_years = years(&mut c, "midterm_years", raw.midterm_years, 5);

    let o = raw.options;
    let basis = o.basis.as_deref().and_then(|b| {
        b.parse::<PriceBasis>()
            .map_err(|e| c.bad("options.basis", e.to_string()))
            .ok()
    });
    let options = Options {
        basis,
        discount_pct: num_or(o.discount_pct, Decimal::ZERO),
        price_escalation_pct: num_or(o.price_escalation_pct, Decimal::ZERO),
        vat_pct: num_or(o.vat_pct, Decimal::TEN),
    };

    // Collected in place: the entries are read into the allocation of the raw ones.
    let servers = raw
        .servers
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let vcpu = c
                .int_in(
                    FieldPath::item("servers", i, "vcpu"),
                    s.vcpu,
                    1,
                    i64::from(u32::MAX),
                    "vcpu must be a whole number, at least 1",
                )
                .map_or(1, |v| v as u32);
            let memory_gb = s.memory_gb.0;
            ServerGroup {
                name: s
                    .name
                    .unwrap_or_else(|| ServerGroup::default_name(vcpu, memory_gb)),
                vcpu,
                memory_gb,
                count: num_or(s.count, Decimal::ONE),
                os: s.os.unwrap_or_else(|| "linux".into()),
                extra_disk_gb: num_or(s.extra_disk_gb, Decimal::ZERO),
                extra_disk_class: s.extra_disk_class.unwrap_or_else(|| "block_ssd".into()),
            }
        })
        .collect();
    let storage = raw
        .storage
        .into_iter()
        .map(|s| StorageUse {
            name: s.name.unwrap_or_else(|| s.class.clone()),
            class: s.class,
            gb: s.gb.0,
            annual_growth_gb: num_or(s.annual_growth_gb, Decimal::ZERO),
        })
        .collect();
    let n = raw.network;
    let network = Network {
        load_balancers: num_or(n.load_balancers, Decimal::ZERO),
        public_ips: num_or(n.public_ips, Decimal::ZERO),
        vpn: num_or(n.vpn, Decimal::ZERO),
        outbound_gb_per_month: num_or(n.outbound_gb_per_month, Decimal::ZERO),
        outbound_annual_growth_gb: num_or(n.outbound_annual_growth_gb, Decimal::ZERO),
    };
    let backup = raw
        .backup
        .into_iter()
        .map(|b| BackupUse {
            name: b.name.unwrap_or_else(|| "backup".into()),
            gb: b.gb.0,
            annual_growth_gb: num_or(b.annual_growth_gb, Decimal::ZERO),
            count: num_or(b.count, Decimal::ONE),
        })
        .collect();
    let s = raw.security;
    let values = [
        s.waf,
        s.ips_ids,
        s.ddos,
        s.db_access_control,
        s.db_encryption,
        s.server_access_control,
        s.antivirus,
    ];
    let security = Security {
        items: SECURITY_ITEMS
            .iter()
            .zip(values)
            .filter_map(|(key, v)| v.map(|SecurityValue(q)| ((*key).to_owned(), q)))
            .collect(),
    };
    let mut extras = Vec::new();
    for (i, e) in raw.extras.into_iter().enumerate() {
        let Ok(category) = e
            .category
            .parse::<Category>()
            .map_err(|m| c.bad(FieldPath::item("extras", i, "category"), m))
        else {
            continue;
        };
        extras.push(Extra {
            name: e.name.unwrap_or_else(|| e.item.clone()),
            category,
            item: e.item,
            quantity: num_or(e.quantity, Decimal::ONE),
        });
    }
    let mut costs = Vec::new();
    for (i, k) in raw.costs.into_iter().enumerate() {
        let p = |f| FieldPath::item("costs", i, f);
        let timing = match (k.year, k.amount, k.from, k.to, k.per_year) {
            (Some(year), Some(amount), None, None, None) => {
                c.year(p("year"), year).map(|year| CostTiming::Once {
                    year,
                    amount: amount.0,
                })
            }
            (None, None, Some(from), Some(to), Some(per_year)) => {
                match (c.year(p("from"), from), c.year(p("to"), to)) {
                    (Some(from), Some(to)) => Some(CostTiming::Yearly {
                        from,
                        to,
                        per_year: per_year.0,
                    }),
                    _ => None,
                }
            }
            _ => {
                c.bad(
                    p(""),
                    "a cost needs either year and amount (one-off) or from, to and per_year (recurring), not a mix",
                );
                None
            }
        };
        if let Some(timing) = timing {
            costs.push(Cost {
                name: k.name.unwrap_or_else(|| k.item.clone()),
                item: k.item,
                timing,
            });
        }
    }

    let on_premises = raw.on_premises.map(|o| convert_on_premises(o, &mut c));
    let saas = crate::saas::convert_entries(raw.saas, locator);

    let (
        Some(kind),
        Some(budget_year),
        Some(service_start),
        Some(usage_years),
        Some(midterm_years),
    ) = (kind, budget_year, service_start, usage_years, midterm_years)
    else {
        return Err(ProjectError {
            problems: c.problems,
        });
    };
    let project = Project {
        name: raw.name.unwrap_or_else(|| stem.to_owned()),
        kind,
        service_model,
        institution,
        budget_year,
        service_start,
        usage_years,
        midterm_years,
        options,
        servers,
        storage,
        network,
        backup,
        security,
        extras,
        costs,
        on_premises,
        saas,
    };
    for (path, message) in project.rule_violations() {
        c.bad(path, message);
    }
    if c.problems.is_empty() {
        Ok(project)
    } else {
        Err(ProjectError {
            problems: c.problems,
        })
    }
}

/// Whether `s` is empty or only whitespace, like `s.trim().is_empty()` but stopping at the first
/// other character instead of trimming both ends.
fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Checks the value rules of SPEC §4 and collects (field path, message) for each violation.
///
/// Like [`Checker`], it writes a path out only for a violation.
struct Rules {
    found: Vec<(String, String)>,
}

impl Rules {
    fn bad(&mut self, path: impl fmt::Display, message: String) {
        self.found.push((path.to_string(), message));
    }

    fn non_negative(&mut self, path: impl fmt::Display, v: Decimal) {
        if v < Decimal::ZERO {
            self.bad(path, format!("{v} is negative; it must be 0 or more"));
        }
    }

    fn whole(&mut self, path: impl fmt::Display, v: Decimal) {
        if v < Decimal::ZERO {
            self.bad(
                path,
                format!("{v} is negative; a count must be a whole number, 0 or more"),
            );
        } else if !v.is_integer() {
            self.bad(
                path,
                format!("{v} is not a whole number; a count must be 0, 1, 2, …"),
            );
        }
    }

    fn year(&mut self, path: impl fmt::Display, y: i32) {
        if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
            self.bad(
                path,
                format!("{y} is out of range; a fiscal year is a whole number such as 2027"),
            );
        }
    }
}

impl Project {
    /// Starts a project built in code; [`ProjectBuilder::build`] checks it by the same rules as
    /// a file.
    ///
    /// ```
    /// use chrono::{Datelike, NaiveDate};
    /// use cloud_tco::project::{Cost, Project, ProjectKind, ServerGroup};
    /// let project = Project::builder(ProjectKind::Conversion, 2027, NaiveDate::from_ymd_opt(2027, 7, 1).unwrap())
    ///     .name("민원포털")
    ///     .server(ServerGroup::new(8, 16.into()).named("db").os("windows").extra_disk(1000.into(), "block_ssd"))
    ///     .cost(Cost::once("conversion", 2027, 150_000_000.into()))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(project.servers[0].count, 1.into());
    ///
    /// let err = Project::builder(ProjectKind::New, 2027, NaiveDate::from_ymd_opt(2027, 7, 1).unwrap())
    ///     .cost(Cost::once("conversion", 2027, 1.into()))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("costs[0].item"));
    /// ```
    pub fn builder(
        kind: ProjectKind,
        budget_year: i32,
        service_start: NaiveDate,
    ) -> ProjectBuilder {
        ProjectBuilder {
            project: Project {
                name: "project".into(),
                kind,
                service_model: ServiceModel::Iaas,
                institution: None,
                budget_year,
                service_start,
                usage_years: 7,
                midterm_years: 5,
                options: Options::default(),
                servers: vec![],
                storage: vec![],
                network: Network::default(),
                backup: vec![],
                security: Security::default(),
                extras: vec![],
                costs: vec![],
                on_premises: None,
                saas: vec![],
            },
        }
    }

    /// The value rules of SPEC §4 this project breaks, as (field path, message); empty when valid.
    pub fn rule_violations(&self) -> Vec<(String, String)> {
        let mut r = Rules { found: Vec::new() };
        r.year("budget_year", self.budget_year);
        if self.usage_years < 1 || self.usage_years > MAX_YEARS {
            r.bad(
                "usage_years",
                format!(
                    "{} is out of range; usage_years must be at least 1",
                    self.usage_years
                ),
            );
        }
        if self.midterm_years < 1 || self.midterm_years > MAX_YEARS {
            r.bad(
                "midterm_years",
                format!(
                    "{} is out of range; midterm_years must be at least 1",
                    self.midterm_years
                ),
            );
        }
        let o = &self.options;
        if o.discount_pct < Decimal::ZERO || o.discount_pct > Decimal::ONE_HUNDRED {
            r.bad(
                "options.discount_pct",
                format!(
                    "{} is outside 0–100; a discount is a percentage",
                    o.discount_pct
                ),
            );
        }
        if o.price_escalation_pct <= -Decimal::ONE_HUNDRED {
            r.bad(
                "options.price_escalation_pct",
                format!(
                    "{} would make prices zero or negative; it must be greater than -100",
                    o.price_escalation_pct
                ),
            );
        }
        if o.vat_pct < Decimal::ZERO || o.vat_pct > Decimal::ONE_HUNDRED {
            r.bad(
                "options.vat_pct",
                format!(
                    "{} is outside 0–100; VAT is a percentage (10 in Korea)",
                    o.vat_pct
                ),
            );
        }
        for (i, s) in self.servers.iter().enumerate() {
            let p = |f| FieldPath::item("servers", i, f);
            if s.vcpu == 0 {
                r.bad(p("vcpu"), "vcpu must be a whole number, at least 1".into());
            }
            if s.memory_gb <= Decimal::ZERO {
                r.bad(
                    p("memory_gb"),
                    format!("{} GB: memory must be greater than 0", s.memory_gb),
                );
            }
            r.whole(p("count"), s.count);
            r.non_negative(p("extra_disk_gb"), s.extra_disk_gb);
            if is_blank(&s.os) {
                r.bad(p("os"), "os is empty; write linux, windows, rhel, …".into());
            }
            if is_blank(&s.extra_disk_class) {
                r.bad(
                    p("extra_disk_class"),
                    "extra_disk_class is empty; use block_ssd, block_hdd, …".into(),
                );
            }
        }
        for (i, s) in self.storage.iter().enumerate() {
            if is_blank(&s.class) {
                r.bad(
                    FieldPath::item("storage", i, "class"),
                    "class is empty; use nas, block_hdd, block_ssd or object".into(),
                );
            }
            r.non_negative(FieldPath::item("storage", i, "gb"), s.gb);
            r.non_negative(
                FieldPath::item("storage", i, "annual_growth_gb"),
                s.annual_growth_gb,
            );
        }
        let n = &self.network;
        r.whole("network.load_balancers", n.load_balancers);
        r.whole("network.public_ips", n.public_ips);
        r.whole("network.vpn", n.vpn);
        r.non_negative("network.outbound_gb_per_month", n.outbound_gb_per_month);
        r.non_negative(
            "network.outbound_annual_growth_gb",
            n.outbound_annual_growth_gb,
        );
        for (i, b) in self.backup.iter().enumerate() {
            r.non_negative(FieldPath::item("backup", i, "gb"), b.gb);
            r.non_negative(
                FieldPath::item("backup", i, "annual_growth_gb"),
                b.annual_growth_gb,
            );
            r.whole(FieldPath::item("backup", i, "count"), b.count);
        }
        for (item, q) in &self.security.items {
            if !SECURITY_ITEMS.contains(&item.as_str()) {
                r.bad(
                    FieldPath::key("security", item),
                    format!(
                        "unknown security item; use one of {}",
                        SECURITY_ITEMS.join(", ")
                    ),
                );
            }
            if let SecurityQuantity::Count(v) = q {
                r.whole(FieldPath::key("security", item), *v);
            }
        }
        for (i, e) in self.extras.iter().enumerate() {
            if is_blank(&e.item) {
                r.bad(
                    FieldPath::item("extras", i, "item"),
                    "item is empty; name a catalog item key".into(),
                );
            }
            r.non_negative(FieldPath::item("extras", i, "quantity"), e.quantity);
        }
        for (i, k) in self.costs.iter().enumerate() {
            let p = |f| FieldPath::item("costs", i, f);
            if is_blank(&k.item) {
                r.bad(
                    p("item"),
                    "item is empty; use conversion, sw_build or a name of your own".into(),
                );
            }
            match k.timing {
                CostTiming::Once { year, amount } => {
                    r.year(p("year"), year);
                    r.non_negative(p("amount"), amount);
                }
                CostTiming::Yearly { from, to, per_year } => {
                    r.year(p("from"), from);
                    r.year(p("to"), to);
                    if to < from {
                        r.bad(p("to"), format!("to = {to} is before from = {from}"));
                    }
                    r.non_negative(p("per_year"), per_year);
                }
            }
            match (k.budget_item(), self.kind) {
                (BudgetItem::Conversion, ProjectKind::New) => r.bad(
                    p("item"),
                    "a conversion cost (전환비) applies only to conversion (전환) and rebuild (재구축) projects, and this project is new (신규구축)".into(),
                ),
                (BudgetItem::SwBuild, ProjectKind::Conversion) => r.bad(
                    p("item"),
                    "an SW build cost (SW 구축비) applies only to new (신규구축) and rebuild (재구축) projects, and this project is a conversion (전환)".into(),
                ),
                _ => {}
            }
            if k.budget_item() == BudgetItem::SwBuild && self.service_model == ServiceModel::Saas {
                r.bad(p("item"), "an SW build cost (SW 구축비) never applies to a SaaS project (service_model = \"saas\")".into());
            }
        }
        if let Some(on_premises) = &self.on_premises {
            let years = crate::schedule::UsageWindow::new(self.service_start, self.usage_years)
                .ok()
                .map(|w| (self.budget_year.min(w.start.year()), w.end.year()));
            on_premises.check(&mut r, years);
        }
        r.found
            .extend(crate::saas::entry_rule_violations(&self.saas));
        r.found
    }
}

/// Builds a [`Project`] in code. Defaults follow SPEC §4.
#[derive(Debug, Clone)]
pub struct ProjectBuilder {
    project: Project,
}

impl ProjectBuilder {
    /// Project name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.project.name = name.into();
        self
    }
    /// Service model.
    pub fn service_model(mut self, model: ServiceModel) -> Self {
        self.project.service_model = model;
        self
    }
    /// The institution type, for the pre-consultation check (사전협의).
    pub fn institution(mut self, institution: crate::consultation::Institution) -> Self {
        self.project.institution = Some(institution);
        self
    }
    /// Years of use.
    pub fn usage_years(mut self, years: u32) -> Self {
        self.project.usage_years = years;
        self
    }
    /// Years of the mid-term plan.
    pub fn midterm_years(mut self, years: u32) -> Self {
        self.project.midterm_years = years;
        self
    }
    /// Options (basis, discount, escalation, VAT).
    pub fn options(mut self, options: Options) -> Self {
        self.project.options = options;
        self
    }
    /// Adds a server group.
    pub fn server(mut self, server: ServerGroup) -> Self {
        self.project.servers.push(server);
        self
    }
    /// Adds storage.
    pub fn storage(mut self, storage: StorageUse) -> Self {
        self.project.storage.push(storage);
        self
    }
    /// Sets the network.
    pub fn network(mut self, network: Network) -> Self {
        self.project.network = network;
        self
    }
    /// Adds backup sets.
    pub fn backup(mut self, backup: BackupUse) -> Self {
        self.project.backup.push(backup);
        self
    }
    /// Adds a security service (`waf`, `antivirus`, …).
    pub fn security(mut self, item: &str, quantity: SecurityQuantity) -> Self {
        self.project
            .security
            .items
            .push((item.to_owned(), quantity));
        self
    }
    /// Adds another catalog item.
    pub fn extra(mut self, extra: Extra) -> Self {
        self.project.extras.push(extra);
        self
    }
    /// Adds an entered cost.
    pub fn cost(mut self, cost: Cost) -> Self {
        self.project.costs.push(cost);
        self
    }
    /// Adds a SaaS service (`[[saas]]`).
    pub fn saas(mut self, entry: crate::saas::SaasUse) -> Self {
        self.project.saas.push(entry);
        self
    }
    /// Sets the cost of staying on premises, for the TCO comparison.
    pub fn on_premises(mut self, on_premises: OnPremises) -> Self {
        self.project.on_premises = Some(on_premises);
        self
    }
    /// Checks the project by the rules of a project file.
    pub fn build(self) -> Result<Project, ProjectError> {
        let problems: Vec<Problem> = self
            .project
            .rule_violations()
            .into_iter()
            .map(|(path, message)| Problem {
                location: Location::new(None, None, Some(&path)),
                message,
            })
            .collect();
        if problems.is_empty() {
            Ok(self.project)
        } else {
            Err(ProjectError { problems })
        }
    }
}

impl ServerGroup {
    /// One server of `vcpu` and `memory_gb`, Linux, no extra disk.
    pub fn new(vcpu: u32, memory_gb: Decimal) -> Self {
        ServerGroup {
            name: ServerGroup::default_name(vcpu, memory_gb),
            vcpu,
            memory_gb,
            count: Decimal::ONE,
            os: "linux".into(),
            extra_disk_gb: Decimal::ZERO,
            extra_disk_class: "block_ssd".into(),
        }
    }
    /// The default name, e.g. `8vCPU/16GB`.
    pub fn default_name(vcpu: u32, memory_gb: Decimal) -> String {
        format!("{vcpu}vCPU/{}GB", memory_gb.normalize())
    }
    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Sets the number of servers.
    pub fn count(mut self, count: Decimal) -> Self {
        self.count = count;
        self
    }
    /// Sets the OS.
    pub fn os(mut self, os: impl Into<String>) -> Self {
        self.os = os.into();
        self
    }
    /// Adds block storage per server.
    pub fn extra_disk(mut self, gb: Decimal, class: impl Into<String>) -> Self {
        self.extra_disk_gb = gb;
        self.extra_disk_class = class.into();
        self
    }
}

impl StorageUse {
    /// `gb` of `class`, no growth.
    pub fn new(class: impl Into<String>, gb: Decimal) -> Self {
        let class = class.into();
        StorageUse {
            name: class.clone(),
            class,
            gb,
            annual_growth_gb: Decimal::ZERO,
        }
    }
    /// Sets the yearly growth.
    pub fn growth(mut self, gb_per_year: Decimal) -> Self {
        self.annual_growth_gb = gb_per_year;
        self
    }
}

impl BackupUse {
    /// One backup set of `gb`.
    pub fn new(gb: Decimal) -> Self {
        BackupUse {
            name: "backup".into(),
            gb,
            annual_growth_gb: Decimal::ZERO,
            count: Decimal::ONE,
        }
    }
}

impl Extra {
    /// `quantity` of a catalog item.
    pub fn new(category: Category, item: impl Into<String>, quantity: Decimal) -> Self {
        let item = item.into();
        Extra {
            name: item.clone(),
            category,
            item,
            quantity,
        }
    }
}

impl Cost {
    /// A one-off amount.
    pub fn once(item: impl Into<String>, year: i32, amount: Decimal) -> Self {
        let item = item.into();
        Cost {
            name: item.clone(),
            item,
            timing: CostTiming::Once { year, amount },
        }
    }
    /// A yearly amount from `from` to `to`.
    pub fn yearly(item: impl Into<String>, from: i32, to: i32, per_year: Decimal) -> Self {
        let item = item.into();
        Cost {
            name: item.clone(),
            item,
            timing: CostTiming::Yearly { from, to, per_year },
        }
    }
}

impl Project {
    /// Total number of servers (Σ count), used by `per_server` security and per-VM allowances.
    pub fn server_count(&self) -> Decimal {
        self.servers.iter().map(|s| s.count).sum()
    }
}

// ---------------------------------------------------------------------------------------------
// Staying on premises: the other side of the TCO comparison (`cloud_tco::tco`)
// ---------------------------------------------------------------------------------------------

/// Default useful life of on-premises hardware, in years: the Public Procurement Service's notice
/// on useful lives (조달청 「내용연수」 고시, 2024) gives 6 years for computer servers. The guide's
/// 7 years (§3.6.3) predates it and still sets the default `usage_years`.
pub const DEFAULT_HARDWARE_LIFE_YEARS: u32 = 6;

/// Default warranty of a purchase (무상 하자보수 기간), in years: maintenance is paid from the
/// year this many years after the purchase year.
pub const DEFAULT_WARRANTY_YEARS: u32 = 1;

/// Default yearly maintenance rate of commercial software, percent of the licence amount: public
/// institutions paid 11.2 % on average (과학기술정보통신부, 2021년도 공공소프트웨어사업 5대
/// 중점분야 점검 결과, 2022.5 — the rate of the 2022 national informatization plans), "between
/// the high 10s and low 11s for years".
pub const DEFAULT_SOFTWARE_MAINTENANCE_PCT: Decimal = Decimal::from_parts(11, 0, 0, false, 0);

/// Default hours of operation per year: 365 × 24 = 8,760 (a machine room runs around the clock).
pub const DEFAULT_HOURS_PER_YEAR: Decimal = Decimal::from_parts(8760, 0, 0, false, 0);

/// The most hours a fiscal year has: 366 × 24 = 8,784.
pub const MAX_HOURS_PER_YEAR: Decimal = Decimal::from_parts(8784, 0, 0, false, 0);

/// The cost of staying on premises (`[on_premises]`): what the institution would spend if it kept
/// the system in its own machine room, compared with the cloud plan by [`crate::tco::tco`].
/// Amounts exclude VAT, like every amount of a project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OnPremises {
    /// Servers, storage and network equipment, bought again at the end of each useful life.
    pub hardware: Option<Hardware>,
    /// Commercial software licences (perpetual) and their maintenance.
    pub software: Option<Software>,
    /// The machine room: electricity, floor space or racks, operations staff.
    pub facility: Facility,
    /// Any other one-off or yearly amounts.
    pub costs: Vec<OnPremisesCost>,
}

/// On-premises hardware (`[on_premises.hardware]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hardware {
    /// Name shown in reports (default `"hardware"`).
    pub name: String,
    /// Purchase amount of one generation of hardware, won, VAT excluded.
    pub purchase_amount: Decimal,
    /// A year in which the hardware is bought; `None` means the budget year. Purchases repeat
    /// every `useful_life_years`, before and after this year.
    pub purchase_year: Option<i32>,
    /// Years of use before the hardware is bought again (default 6,
    /// [`DEFAULT_HARDWARE_LIFE_YEARS`]).
    pub useful_life_years: u32,
    /// Yearly maintenance, percent of the purchase amount (유지보수 요율).
    pub maintenance_pct: Decimal,
    /// Years after each purchase before maintenance is paid (default 1,
    /// [`DEFAULT_WARRANTY_YEARS`]).
    pub warranty_years: u32,
}

/// On-premises commercial software (`[on_premises.software]`): a perpetual licence bought once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Software {
    /// Name shown in reports (default `"software"`).
    pub name: String,
    /// Licence amount, won, VAT excluded.
    pub license_amount: Decimal,
    /// The year the licence is bought; `None` means the budget year. A year before the usage
    /// window means the licence is already owned: only its maintenance is paid.
    pub purchase_year: Option<i32>,
    /// Yearly maintenance, percent of the licence amount (default 11,
    /// [`DEFAULT_SOFTWARE_MAINTENANCE_PCT`]).
    pub maintenance_pct: Decimal,
    /// Years after the purchase before maintenance is paid (default 1).
    pub warranty_years: u32,
}

/// The machine room (`[on_premises.facility]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facility {
    /// Electricity, when the power draw is known.
    pub energy: Option<Energy>,
    /// Floor space or racks (상면), won per year.
    pub space_per_year: Decimal,
    /// Operations staff (운영 인력), won per year.
    pub staff_per_year: Decimal,
}

/// The electricity of the machine room: `power_kw × pue × hours_per_year × won_per_kwh` a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Energy {
    /// Average power draw of the system's IT equipment (servers, storage), kW.
    pub power_kw: Decimal,
    /// Power usage effectiveness of the machine room: total facility power ÷ IT power (≥ 1).
    pub pue: Decimal,
    /// Electricity price, won per kWh, VAT excluded.
    pub won_per_kwh: Decimal,
    /// Hours of operation per year (default 8,760, [`DEFAULT_HOURS_PER_YEAR`]).
    pub hours_per_year: Decimal,
}

/// When an on-premises cost falls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnPremisesTiming {
    /// Once, in one fiscal year.
    Once {
        /// Fiscal year.
        year: i32,
        /// Amount, VAT excluded.
        amount: Decimal,
    },
    /// Every year of use, prorated by the months of use like the other yearly amounts.
    Yearly {
        /// Amount per full year, VAT excluded.
        per_year: Decimal,
    },
}

/// Another on-premises amount (`[[on_premises.costs]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnPremisesCost {
    /// Name shown in reports (default `"other"`).
    pub name: String,
    /// When and how much.
    pub timing: OnPremisesTiming,
}

impl OnPremises {
    /// An empty on-premises side; add what it costs with the other methods.
    ///
    /// ```
    /// use cloud_tco::project::{Energy, Facility, Hardware, OnPremises, OnPremisesCost, Software};
    /// let on_premises = OnPremises::new()
    ///     .hardware(Hardware::new(300_000_000.into(), 8.into()))
    ///     .software(Software::new(100_000_000.into()))
    ///     .facility(Facility::default()
    ///         .energy(Energy::new(5.into(), "1.8".parse().unwrap(), 150.into()))
    ///         .staff_per_year(60_000_000.into()))
    ///     .cost(OnPremisesCost::once("UPS 교체", 2029, 20_000_000.into()));
    /// assert_eq!(on_premises.hardware.unwrap().useful_life_years, 6);
    /// assert_eq!(on_premises.software.unwrap().maintenance_pct, 11.into());
    /// ```
    pub fn new() -> Self {
        OnPremises::default()
    }
    /// Sets the hardware.
    pub fn hardware(mut self, hardware: Hardware) -> Self {
        self.hardware = Some(hardware);
        self
    }
    /// Sets the software.
    pub fn software(mut self, software: Software) -> Self {
        self.software = Some(software);
        self
    }
    /// Sets the facility.
    pub fn facility(mut self, facility: Facility) -> Self {
        self.facility = facility;
        self
    }
    /// Adds another cost.
    pub fn cost(mut self, cost: OnPremisesCost) -> Self {
        self.costs.push(cost);
        self
    }
}

impl Hardware {
    /// Hardware of `purchase_amount` with yearly maintenance of `maintenance_pct` percent, bought
    /// in the budget year, useful life 6 years, warranty 1 year.
    pub fn new(purchase_amount: Decimal, maintenance_pct: Decimal) -> Self {
        Hardware {
            name: "hardware".into(),
            purchase_amount,
            purchase_year: None,
            useful_life_years: DEFAULT_HARDWARE_LIFE_YEARS,
            maintenance_pct,
            warranty_years: DEFAULT_WARRANTY_YEARS,
        }
    }
    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Sets a purchase year.
    pub fn purchase_year(mut self, year: i32) -> Self {
        self.purchase_year = Some(year);
        self
    }
    /// Sets the useful life.
    pub fn useful_life_years(mut self, years: u32) -> Self {
        self.useful_life_years = years;
        self
    }
    /// Sets the warranty.
    pub fn warranty_years(mut self, years: u32) -> Self {
        self.warranty_years = years;
        self
    }
}

impl Software {
    /// A licence of `license_amount`, bought in the budget year, maintenance 11 % a year from the
    /// year after.
    pub fn new(license_amount: Decimal) -> Self {
        Software {
            name: "software".into(),
            license_amount,
            purchase_year: None,
            maintenance_pct: DEFAULT_SOFTWARE_MAINTENANCE_PCT,
            warranty_years: DEFAULT_WARRANTY_YEARS,
        }
    }
    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Sets the purchase year (a year before the usage window: already owned).
    pub fn purchase_year(mut self, year: i32) -> Self {
        self.purchase_year = Some(year);
        self
    }
    /// Sets the maintenance rate.
    pub fn maintenance_pct(mut self, pct: Decimal) -> Self {
        self.maintenance_pct = pct;
        self
    }
    /// Sets the warranty.
    pub fn warranty_years(mut self, years: u32) -> Self {
        self.warranty_years = years;
        self
    }
}

impl Facility {
    /// Sets the electricity.
    pub fn energy(mut self, energy: Energy) -> Self {
        self.energy = Some(energy);
        self
    }
    /// Sets the floor space or racks cost per year.
    pub fn space_per_year(mut self, amount: Decimal) -> Self {
        self.space_per_year = amount;
        self
    }
    /// Sets the operations staff cost per year.
    pub fn staff_per_year(mut self, amount: Decimal) -> Self {
        self.staff_per_year = amount;
        self
    }
}

impl Energy {
    /// `power_kw` of IT equipment in a room of `pue`, at `won_per_kwh`, 8,760 hours a year.
    pub fn new(power_kw: Decimal, pue: Decimal, won_per_kwh: Decimal) -> Self {
        Energy {
            power_kw,
            pue,
            won_per_kwh,
            hours_per_year: DEFAULT_HOURS_PER_YEAR,
        }
    }
    /// Sets the hours of operation per year.
    pub fn hours_per_year(mut self, hours: Decimal) -> Self {
        self.hours_per_year = hours;
        self
    }
}

impl OnPremisesCost {
    /// A one-off amount in `year`.
    pub fn once(name: impl Into<String>, year: i32, amount: Decimal) -> Self {
        OnPremisesCost {
            name: name.into(),
            timing: OnPremisesTiming::Once { year, amount },
        }
    }
    /// An amount every year of use, prorated by the months of use.
    pub fn yearly(name: impl Into<String>, per_year: Decimal) -> Self {
        OnPremisesCost {
            name: name.into(),
            timing: OnPremisesTiming::Yearly { per_year },
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOnPremises {
    hardware: Option<RawHardware>,
    software: Option<RawSoftware>,
    facility: Option<RawFacility>,
    #[serde(default)]
    costs: Vec<RawOnPremisesCost>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHardware {
    name: Option<String>,
    purchase_amount: Num,
    purchase_year: Option<Num>,
    useful_life_years: Option<Num>,
    maintenance_pct: Option<Num>,
    warranty_years: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoftware {
    name: Option<String>,
    license_amount: Num,
    purchase_year: Option<Num>,
    maintenance_pct: Option<Num>,
    warranty_years: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFacility {
    power_kw: Option<Num>,
    pue: Option<Num>,
    won_per_kwh: Option<Num>,
    hours_per_year: Option<Num>,
    space_per_year: Option<Num>,
    staff_per_year: Option<Num>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOnPremisesCost {
    name: Option<String>,
    year: Option<Num>,
    amount: Option<Num>,
    per_year: Option<Num>,
}

/// A key that must be given: reported at the line of its table, with the key's own path.
fn missing_key(c: &mut Checker<'_>, table: &str, key: &str, message: String) {
    let line = c.locator.line(table);
    c.problems.push(Problem {
        location: Location::new(c.locator.file, line, Some(&format!("{table}.{key}"))),
        message,
    });
}

/// Converts `[on_premises]` structurally (presence of keys, whole years); the value rules are
/// checked by [`Project::rule_violations`].
fn convert_on_premises(raw: RawOnPremises, c: &mut Checker<'_>) -> OnPremises {
    let whole_years =
        |c: &mut Checker<'_>, path: FieldPath<'_>, v: Option<Num>, min: i64, default: u32| {
            v.map_or(default, |n| {
                c.int_in(
                    path,
                    n,
                    min,
                    MAX_YEARS.into(),
                    format_args!("a number of years, at least {min}"),
                )
                .map_or(default, |y| y as u32)
            })
        };
    let hardware = raw.hardware.map(|h| {
        const T: &str = "on_premises.hardware";
        let maintenance_pct = match h.maintenance_pct {
            Some(n) => n.0,
            None => {
                missing_key(
                    c,
                    T,
                    "maintenance_pct",
                    "maintenance_pct is missing: give the yearly H/W maintenance as a percent of the purchase amount (0 if there is none)".into(),
                );
                Decimal::ZERO
            }
        };
        Hardware {
            name: h.name.unwrap_or_else(|| "hardware".into()),
            purchase_amount: h.purchase_amount.0,
            purchase_year: h.purchase_year.and_then(|y| c.year(FieldPath::key(T, "purchase_year"), y)),
            useful_life_years: whole_years(
                c,
                FieldPath::key(T, "useful_life_years"),
                h.useful_life_years,
                1,
                DEFAULT_HARDWARE_LIFE_YEARS,
            ),
            maintenance_pct,
            warranty_years: whole_years(
                c,
                FieldPath::key(T, "warranty_years"),
                h.warranty_years,
                0,
                DEFAULT_WARRANTY_YEARS,
            ),
        }
    });
    let software = raw.software.map(|s| {
        const T: &str = "on_premises.software";
        Software {
            name: s.name.unwrap_or_else(|| "software".into()),
            license_amount: s.license_amount.0,
            purchase_year: s
                .purchase_year
                .and_then(|y| c.year(FieldPath::key(T, "purchase_year"), y)),
            maintenance_pct: num_or(s.maintenance_pct, DEFAULT_SOFTWARE_MAINTENANCE_PCT),
            warranty_years: whole_years(
                c,
                FieldPath::key(T, "warranty_years"),
                s.warranty_years,
                0,
                DEFAULT_WARRANTY_YEARS,
            ),
        }
    });
    let facility = match raw.facility {
        None => Facility::default(),
        Some(f) => {
            const T: &str = "on_premises.facility";
            let energy_given = f.power_kw.is_some()
                || f.pue.is_some()
                || f.won_per_kwh.is_some()
                || f.hours_per_year.is_some();
            let energy = if energy_given {
                let mut need = |v: Option<Num>, key: &str, what: &str| match v {
                    Some(n) => Some(n.0),
                    None => {
                        missing_key(c, T, key, format!("{key} is missing: {what}"));
                        None
                    }
                };
                let power_kw = need(
                    f.power_kw,
                    "power_kw",
                    "give the average power draw of the system's IT equipment in kW, or leave out pue, won_per_kwh and hours_per_year",
                );
                let pue = need(
                    f.pue,
                    "pue",
                    "give the machine room's PUE (total facility power ÷ IT power, e.g. 1.8); it has no default",
                );
                let won_per_kwh = need(
                    f.won_per_kwh,
                    "won_per_kwh",
                    "give the electricity price in won per kWh, VAT excluded; it has no default",
                );
                match (power_kw, pue, won_per_kwh) {
                    (Some(power_kw), Some(pue), Some(won_per_kwh)) => Some(Energy {
                        power_kw,
                        pue,
                        won_per_kwh,
                        hours_per_year: num_or(f.hours_per_year, DEFAULT_HOURS_PER_YEAR),
                    }),
                    _ => None,
                }
            } else {
                None
            };
            Facility {
                energy,
                space_per_year: num_or(f.space_per_year, Decimal::ZERO),
                staff_per_year: num_or(f.staff_per_year, Decimal::ZERO),
            }
        }
    };
    let mut costs = Vec::new();
    for (i, k) in raw.costs.into_iter().enumerate() {
        let path = |key| FieldPath::item("on_premises.costs", i, key);
        let timing = match (k.year, k.amount, k.per_year) {
            (Some(year), Some(amount), None) => {
                c.year(path("year"), year)
                    .map(|year| OnPremisesTiming::Once {
                        year,
                        amount: amount.0,
                    })
            }
            (None, None, Some(per_year)) => Some(OnPremisesTiming::Yearly {
                per_year: per_year.0,
            }),
            _ => {
                c.bad(
                    path(""),
                    "an on-premises cost needs either year and amount (one-off) or per_year (every year of use), not a mix",
                );
                None
            }
        };
        if let Some(timing) = timing {
            costs.push(OnPremisesCost {
                name: k.name.unwrap_or_else(|| "other".into()),
                timing,
            });
        }
    }
    OnPremises {
        hardware,
        software,
        facility,
        costs,
    }
}

impl OnPremises {
    /// Whether nothing is costed: no hardware, software, energy, space, staff or other cost.
    pub fn is_empty(&self) -> bool {
        self.hardware.is_none()
            && self.software.is_none()
            && self.facility.energy.is_none()
            && self.facility.space_per_year.is_zero()
            && self.facility.staff_per_year.is_zero()
            && self.costs.is_empty()
    }

    /// The value rules of `[on_premises]`; `years` is the span a one-off cost must fall in.
    fn check(&self, r: &mut Rules, years: Option<(i32, i32)>) {
        const P: &str = "on_premises";
        if self.is_empty() {
            r.bad(
                P,
                "nothing to compare: give [on_premises.hardware], [on_premises.software], [on_premises.facility] or [[on_premises.costs]]".into(),
            );
        }
        let pct = |r: &mut Rules, path: FieldPath<'_>, v: Decimal| {
            if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                r.bad(
                    path,
                    format!("{v} is outside 0–100; a yearly maintenance rate is a percentage"),
                );
            }
        };
        let life = |r: &mut Rules, path: FieldPath<'_>, v: u32, min: u32| {
            if v < min || v > MAX_YEARS {
                r.bad(
                    path,
                    format!("{v} is out of range; a number of years, at least {min}"),
                );
            }
        };
        if let Some(h) = &self.hardware {
            let p = |f| FieldPath::key("on_premises.hardware", f);
            r.non_negative(p("purchase_amount"), h.purchase_amount);
            if let Some(y) = h.purchase_year {
                r.year(p("purchase_year"), y);
            }
            life(r, p("useful_life_years"), h.useful_life_years, 1);
            pct(r, p("maintenance_pct"), h.maintenance_pct);
            life(r, p("warranty_years"), h.warranty_years, 0);
        }
        if let Some(s) = &self.software {
            let p = |f| FieldPath::key("on_premises.software", f);
            r.non_negative(p("license_amount"), s.license_amount);
            if let Some(y) = s.purchase_year {
                r.year(p("purchase_year"), y);
            }
            pct(r, p("maintenance_pct"), s.maintenance_pct);
            life(r, p("warranty_years"), s.warranty_years, 0);
        }
        let f = &self.facility;
        let p = |k| FieldPath::key("on_premises.facility", k);
        if let Some(e) = &f.energy {
            r.non_negative(p("power_kw"), e.power_kw);
            if e.pue < Decimal::ONE {
                r.bad(
                    p("pue"),
                    format!(
                        "{} is below 1; PUE is total facility power ÷ IT power, at least 1 (e.g. 1.8)",
                        e.pue
                    ),
                );
            }
            r.non_negative(p("won_per_kwh"), e.won_per_kwh);
            if e.hours_per_year < Decimal::ZERO || e.hours_per_year > MAX_HOURS_PER_YEAR {
                r.bad(
                    p("hours_per_year"),
                    format!(
                        "{} is outside 0–8784; a year has at most 8,784 hours (8,760 in a common year)",
                        e.hours_per_year
                    ),
                );
            }
        }
        r.non_negative(p("space_per_year"), f.space_per_year);
        r.non_negative(p("staff_per_year"), f.staff_per_year);
        for (i, k) in self.costs.iter().enumerate() {
            let p = |f| FieldPath::item("on_premises.costs", i, f);
            match k.timing {
                OnPremisesTiming::Once { year, amount } => {
                    r.year(p("year"), year);
                    r.non_negative(p("amount"), amount);
                    if let Some((from, to)) = years {
                        if (MIN_YEAR..=MAX_YEAR).contains(&year) && !(from..=to).contains(&year) {
                            r.bad(
                                p("year"),
                                format!("{year} is outside the compared years {from}–{to} (from the budget year or the first year of use, whichever is earlier, to the last year of use)"),
                            );
                        }
                    }
                }
                OnPremisesTiming::Yearly { per_year } => r.non_negative(p("per_year"), per_year),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "{\"kind\": \"new\",\n\"budget_year\": 2027,\n\"service_start\": \"2027-07-01\"";

    /// A project with four server groups, the last one given by `last`.
    fn four_servers(last: &str) -> String {
        format!(
            "{HEAD},\n\"servers\": [\n{{\"vcpu\": 2, \"memory_gb\": 4}},\n{{\"vcpu\": 4, \"memory_gb\": 8}},\n{{\"vcpu\": 8, \"memory_gb\": 16}},\n{last}\n]}}"
        )
    }

    /// The error of the fast path (a plain read, then a tracked one) and of a tracked read
    /// from the start, which must be the same.
    fn json_errors(text: &str) -> (ProjectError, ProjectError) {
        let fast = read_json::<RawProject>(text, Some("p.json")).err().unwrap();
        let tracked = read_json_tracked::<RawProject>(text, Some("p.json"))
            .err()
            .unwrap();
        (fast, tracked)
    }

    #[test]
    fn json_errors_are_those_of_a_tracked_read() {
        let cases = [
            (
                format!("{HEAD},\n\"colour\": 1}}"),
                "invalid project: p.json, line 4, `colour`: unknown key `colour`, expected one of `name`, `kind`, `service_model`, `institution`, `budget_year`, `service_start`, `usage_years`, `midterm_years`, `options`, `servers`, `storage`, `network`, `backup`, `security`, `extras`, `costs`, `on_premises`, `saas` (a misspelt key would silently drop a cost, so it is an error)",
            ),
            (
                four_servers("{\"vcpu\": 2, \"memory_gb\": true}"),
                "invalid project: p.json, line 8, `servers[3].memory_gb`: invalid type: boolean `true`, expected a number (integer, decimal, or a string of digits such as \"1234.50\")",
            ),
            (
                four_servers("{\"vcpu\": 2, \"memory_gb\": 4, \"cpu\": 1}"),
                "invalid project: p.json, line 8, `servers[3].cpu`: unknown key `cpu`, expected one of `name`, `vcpu`, `memory_gb`, `count`, `os`, `extra_disk_gb`, `extra_disk_class` (a misspelt key would silently drop a cost, so it is an error)",
            ),
            (
                four_servers("{\"vcpu\": 2, \"memory_gb\": \"4,5\"}"),
                "invalid project: p.json, line 8, `servers[3].memory_gb`: \"4,5\" is not usable as a number: it is not a plain decimal number (write digits with an optional '.', e.g. 1234.50; no thousands separators, exponents, NaN or inf)",
            ),
            (
                four_servers("{\"memory_gb\": 4}"),
                "invalid project: p.json, line 8, `servers[3]`: the required key `vcpu` is missing",
            ),
            (
                format!("{HEAD}}} x"),
                "invalid project: p.json, line 3: trailing characters",
            ),
            (
                format!("{HEAD},\n\"servers\": [{{\"vcpu\": 2,"),
                "invalid project: p.json, line 4, `servers[0]`: EOF while parsing a value",
            ),
        ];
        for (text, expected) in cases {
            let (fast, tracked) = json_errors(&text);
            assert_eq!(fast, tracked, "{text}");
            let parsed = Project::parse(&text, ProjectFormat::Json, Some("p.json"), "p");
            assert_eq!(parsed.unwrap_err(), fast, "{text}");
            assert_eq!(fast.to_string(), expected, "{text}");
        }
    }

    #[test]
    fn toml_errors_are_those_of_a_tracked_read() {
        let head = "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\n";
        for text in [
            format!("{head}colour = 1\n"),
            format!("{head}[[servers]]\nvcpu = 2\nmemory_gb = 4\n[[servers]]\nvcpu = 2\nmemory_gb = true\n"),
            format!("{head}[[servers]]\nvcpu = 2\nmemory_gb = \"4,5\"\n"),
            format!("{head}[[servers]]\nmemory_gb = 4\n"),
            format!("{head}[options\n"),
        ] {
            let fast = read_toml::<RawProject>(&text, Some("p.toml")).err().unwrap();
            let tracked = read_toml_tracked::<RawProject>(&text, Some("p.toml"))
                .err()
                .unwrap();
            assert_eq!(fast, tracked, "{text}");
        }
    }

    #[test]
    fn field_paths_read_as_before() {
        assert_eq!(
            FieldPath::item("servers", 3, "vcpu").to_string(),
            "servers[3].vcpu"
        );
        assert_eq!(FieldPath::item("costs", 0, "").to_string(), "costs[0]");
        assert_eq!(
            FieldPath::item("on_premises.costs", 2, "year").to_string(),
            "on_premises.costs[2].year"
        );
        assert_eq!(
            FieldPath::key("on_premises.hardware", "warranty_years").to_string(),
            "on_premises.hardware.warranty_years"
        );
        assert_eq!(
            FieldPath::key("security", "waf").to_string(),
            "security.waf"
        );
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        for text in [
            "2027-07-01",
            "2024-02-29",
            "2027-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "0000-01-01",
            "9999-12-31",
            "2027-7-1",
            "2027/07/01",
            "+2027-07-01",
            "-2027-07-01",
            "20270-07-01",
            "2027-07-0a",
            "２０２７-07-01",
            "",
        ] {
            assert_eq!(
                parse_date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
    }
}
