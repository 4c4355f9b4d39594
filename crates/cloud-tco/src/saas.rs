//! SaaS usage fees (guide §3.4 SaaS 이용여부 우선검토, §4.5.2 SaaS 이용료): a SaaS service is
//! priced by its own published figures, per service — never averaged across providers.
//!
//! # The SaaS catalog (CSV)
//!
//! A SaaS catalog is a CSV file of its own, separate from the IaaS price catalog
//! ([`crate::catalog`]). `data/catalogs/saas.csv` ships every service of the guide's §4.5.2 table
//! with its published figures and is embedded in the binary ([`SaasCatalog::embedded`]); a caller
//! may pass another one ([`crate::plan::plan_with`], the CLI's `--saas-catalog`).
//!
//! UTF-8 (a BOM is accepted), a header row, columns in any order, unknown columns ignored:
//!
//! | column | required | meaning |
//! | --- | --- | --- |
//! | `service` | yes | the service's name, e.g. `센스메일클라우드`; compared exactly |
//! | `plan` | when the service has several rows | the plan (요금제) key, e.g. `sms`, `premium` |
//! | `form` | yes | the pricing form, below |
//! | `price` | all forms but `setup_plus_operation` | decimal ≥ 0, won per `unit` per billing period (per use for `per_use`; the fee itself for `one_off`; the base price of the bundle for `bundle`) |
//! | `included_users` | `bundle` | whole number ≥ 1: the users (or nodes, …) the base price covers |
//! | `extra_user_price` | no (`bundle` only) | won per user beyond `included_users`, per billing period; empty when the source gives none |
//! | `setup_fee` | `setup_plus_operation`; optional for `fixed`, `per_user`, `bundle`, `per_use` | one-off set-up fee (초기 구축비, 가입비, 도입비) |
//! | `operation_pct` | `setup_plus_operation` | 0–100: the operation fee per billing period as a percentage of `setup_fee` |
//! | `unit` | yes | what one is counted in: `user`, `message`, `channel`, `service`, … (free text, shown in reports) |
//! | `billing_period` | yes | `month`, `year`, `once` (`one_off` only), `use` (`per_use` only) or `unstated` |
//! | `note`, `source` | no | free text; `source` says where the figures come from |
//!
//! Forms (`form`):
//!
//! - `fixed` — a fixed fee per billing period, times the entry's `quantity` (default 1:
//!   subscriptions, channels, monitored servers, …).
//! - `per_user` — `price` per user per billing period, times the entry's `users`.
//! - `bundle` — a base price covering `included_users`, plus `extra_user_price` per user beyond
//!   them: `price + extra_user_price × max(0, users − included_users)` per billing period. With
//!   no `extra_user_price`, more users than included is an error.
//! - `setup_plus_operation` — a set-up fee once plus an operation fee of `setup_fee ×
//!   operation_pct / 100` per billing period (the guide: "초기기본 구축비 4,400만, 운영비 연간
//!   구축비의 15%").
//! - `per_use` — `price` per unit used (SMS 10 won, LMS 30 won, MMS 80 won per message), times
//!   the entry's `volume` per month or `volume_per_year`.
//! - `one_off` — a one-off fee, times the entry's `quantity`.
//!
//! **`billing_period = unstated`.** Where the guide's table gives a figure without saying per
//! month or per year, the row says `unstated` and its note says so; the engine then **treats the
//! price as monthly**, the usual billing of SaaS subscriptions and the larger (more prudent)
//! budget figure. Each such line's JSON provenance repeats the assumption. Replace the row with a
//! quote that states the period before submitting a budget.
//!
//! Rules the loader enforces (an error names the file, the line and the column; all errors of
//! every file are reported together): required columns present and non-empty; a known `form` and
//! `billing_period`, and one that suits the form; decimals ≥ 0 (no thousands separators);
//! `included_users` a whole number ≥ 1; `operation_pct` within 0–100; a column that does not
//! apply to the row's form left empty (so a shifted column cannot go unnoticed); no
//! (`service`, `plan`) twice, also across files; every row of a service with several rows has a
//! `plan`.
//!
//! # Projects: `[[saas]]`
//!
//! ```toml
//! [[saas]]
//! name = "메일"                 # default: the service
//! service = "센스메일클라우드"   # the catalog's service
//! plan = "premium"             # when the service has several plans
//! users = 300                  # per_user, bundle
//! annual_growth = 20           # users, volume or quantity added each following year
//! # volume = 20000             # per_use: units per month …
//! # volume_per_year = 2        # … or per year
//! # quantity = 4               # fixed, one_off (default 1)
//! ```
//!
//! A key that the service's form does not use is an error (a misplaced count must not silently
//! drop a cost). `[[saas]]` entries are allowed in every project, whatever its
//! `service_model`; the service model only decides whether SW 구축비 may be entered (never for
//! `saas`, guide §3.6), and a `saas` project may also list IaaS resources.
//!
//! # Lines
//!
//! SaaS lines come after the IaaS lines and before the `[[costs]]` lines, in entry order, with
//! `budget_item = usage_fee` and `category = "saas"`. Per entry:
//!
//! - a **set-up line** when the row has a `setup_fee` (also `setup_plus_operation`): charged
//!   once, in the first service year — **not prorated and not escalated**, but the contract
//!   discount applies, as to every usage fee: `trunc(setup_fee × (1 − discount_pct/100))`. It
//!   lists every fiscal year of the usage window, with quantity 1 in the first and 0 after;
//! - a **one-off line** for `one_off`, the same way with quantity `quantity`;
//! - a **recurring line** for every other form, by SPEC §5 like any usage fee: for fiscal year
//!   `y`, `unit_price × quantity × (1 − discount_pct/100) × (1 + price_escalation_pct/100)^i ×
//!   months(y)` — divided by 12 when the price is per year — then truncated to whole won (R2).
//!   Users, volume and quantity grow by `annual_growth × i`. For `per_user` the quantity is the
//!   users and for `per_use` the volume; a `bundle` line has quantity 1 and its unit price is the
//!   bundle's charge for that year's users (as a traffic line carries the whole volume); the
//!   operation line of `setup_plus_operation` has quantity 1 and unit price `setup_fee ×
//!   operation_pct / 100`. Every unit price is rounded by R1.
//!
//! A SaaS line has no provider provenance: [`crate::plan::Line::saas`] holds the catalog row it
//! was priced by, and the JSON report shows it as
//! `[{"service": …, "plan": …, "form": …, "billing_period": …, "charged_per": …, "source": …}]`.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use arcstr::ArcStr;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::amount::{line_amount, Ratio};
use crate::catalog::Origin;
use crate::error::{CatalogError, Error, Location, Problem, ProjectError};
use crate::money::{parse_decimal, round_unit_price};
use crate::plan::{Line, PricedYears};
use crate::pricing::CombinedPrice;
use crate::project::{BudgetItem, Locator, Num, Project, ProjectFormat};

/// The SaaS catalog shipped in `data/catalogs/saas.csv` and embedded in the binary: every service
/// of the guide's §4.5.2 table with its published figures.
pub const EMBEDDED_SAAS_CATALOG_CSV: &str = include_str!("../../../data/catalogs/saas.csv");
/// The name the embedded SaaS catalog's errors and provenance carry.
pub const EMBEDDED_SAAS_CATALOG_NAME: &str = "data/catalogs/saas.csv (embedded)";

/// The category key of SaaS lines in a plan.
pub const SAAS_CATEGORY: &str = "saas";

/// How a SaaS service is priced (the catalog's `form`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SaasForm {
    /// A fixed fee per billing period, times a quantity.
    Fixed,
    /// A price per user per billing period.
    PerUser,
    /// A base price for `included_users`, plus a price per extra user.
    Bundle,
    /// A set-up fee once, plus an operation fee of a percentage of it per billing period.
    SetupPlusOperation,
    /// A price per unit used (message, diagnosis, …).
    PerUse,
    /// A one-off fee.
    OneOff,
}

impl SaasForm {
    /// Every form.
    pub const ALL: [SaasForm; 6] = [
        SaasForm::Fixed,
        SaasForm::PerUser,
        SaasForm::Bundle,
        SaasForm::SetupPlusOperation,
        SaasForm::PerUse,
        SaasForm::OneOff,
    ];

    /// The key used in files.
    ///
    /// ```
    /// assert_eq!(cloud_tco::saas::SaasForm::SetupPlusOperation.key(), "setup_plus_operation");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            SaasForm::Fixed => "fixed",
            SaasForm::PerUser => "per_user",
            SaasForm::Bundle => "bundle",
            SaasForm::SetupPlusOperation => "setup_plus_operation",
            SaasForm::PerUse => "per_use",
            SaasForm::OneOff => "one_off",
        }
    }

    /// A short description for messages.
    fn describe(self) -> &'static str {
        match self {
            SaasForm::Fixed => "a fixed fee times a quantity",
            SaasForm::PerUser => "a price per user",
            SaasForm::Bundle => "a bundle of users plus a price per extra user",
            SaasForm::SetupPlusOperation => "a set-up fee and an operation fee",
            SaasForm::PerUse => "a price per use",
            SaasForm::OneOff => "a one-off fee",
        }
    }
}

impl fmt::Display for SaasForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for SaasForm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SaasForm::ALL
            .into_iter()
            .find(|f| f.key() == s)
            .ok_or_else(|| {
                format!(
                    "unknown form {s:?}; use one of: {}",
                    SaasForm::ALL.map(SaasForm::key).join(", ")
                )
            })
    }
}

/// The period a catalog price covers (the catalog's `billing_period`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BillingPeriod {
    /// Per month.
    Month,
    /// Per year.
    Year,
    /// Once (`one_off` rows).
    Once,
    /// Per unit used (`per_use` rows).
    Use,
    /// The source does not say; treated as per month.
    Unstated,
}

impl BillingPeriod {
    /// Every billing period.
    pub const ALL: [BillingPeriod; 5] = [
        BillingPeriod::Month,
        BillingPeriod::Year,
        BillingPeriod::Once,
        BillingPeriod::Use,
        BillingPeriod::Unstated,
    ];

    /// The key used in files.
    pub fn key(self) -> &'static str {
        match self {
            BillingPeriod::Month => "month",
            BillingPeriod::Year => "year",
            BillingPeriod::Once => "once",
            BillingPeriod::Use => "use",
            BillingPeriod::Unstated => "unstated",
        }
    }
}

impl fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for BillingPeriod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BillingPeriod::ALL
            .into_iter()
            .find(|p| p.key() == s)
            .ok_or_else(|| {
                format!(
                    "unknown billing_period {s:?}; use one of: {}",
                    BillingPeriod::ALL.map(BillingPeriod::key).join(", ")
                )
            })
    }
}

/// What `unit_price × quantity` of a SaaS line covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChargedPer {
    /// One month of use (prorated by days in partly used months).
    Month,
    /// One year of use (charged as twelfths per month of use).
    Year,
    /// Once, in the first service year.
    Once,
}

impl ChargedPer {
    /// The key used in reports.
    pub fn key(self) -> &'static str {
        match self {
            ChargedPer::Month => "month",
            ChargedPer::Year => "year",
            ChargedPer::Once => "once",
        }
    }
}

/// One SaaS catalog row: a service (and plan) with its published figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaasRow {
    /// Service name, e.g. `센스메일클라우드`.
    pub service: String,
    /// Plan key, when the service has several rows.
    pub plan: Option<String>,
    /// Pricing form.
    pub form: SaasForm,
    /// Won per unit per billing period (per use; the fee itself for `one_off`; the bundle's base
    /// price for `bundle`); `None` for `setup_plus_operation`.
    pub price: Option<Decimal>,
    /// `bundle`: the users the base price covers.
    pub included_users: Option<Decimal>,
    /// `bundle`: won per user beyond `included_users`, per billing period.
    pub extra_user_price: Option<Decimal>,
    /// One-off set-up fee.
    pub setup_fee: Option<Decimal>,
    /// `setup_plus_operation`: the operation fee per billing period, percent of `setup_fee`.
    pub operation_pct: Option<Decimal>,
    /// What one is counted in (`user`, `message`, …).
    pub unit: String,
    /// The period the price covers.
    pub billing_period: BillingPeriod,
    /// Free text.
    pub note: Option<String>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// File and line of the row.
    pub origin: Origin,
}

impl SaasRow {
    /// A row of `service` priced by `form` in `unit` per `billing_period`; set the figures with
    /// the `with_*` methods and validate with [`SaasCatalog::from_rows`].
    ///
    /// ```
    /// use cloud_tco::saas::{BillingPeriod, SaasCatalog, SaasForm, SaasRow};
    /// use cloud_tco::Decimal;
    /// let mail = SaasRow::new("메일", SaasForm::Bundle, "user", BillingPeriod::Month)
    ///     .with_price(Decimal::from(540_000))
    ///     .with_bundle(Decimal::from(50), Some(Decimal::from(1_420)));
    /// let catalog = SaasCatalog::from_rows(vec![mail]).unwrap();
    /// assert_eq!(catalog.services(), ["메일"]);
    /// ```
    pub fn new(
        service: impl Into<String>,
        form: SaasForm,
        unit: impl Into<String>,
        billing_period: BillingPeriod,
    ) -> Self {
        SaasRow {
            service: service.into(),
            plan: None,
            form,
            price: None,
            included_users: None,
            extra_user_price: None,
            setup_fee: None,
            operation_pct: None,
            unit: unit.into(),
            billing_period,
            note: None,
            source: None,
            origin: Origin::default(),
        }
    }

    /// Sets the plan key.
    pub fn with_plan(mut self, plan: impl Into<String>) -> Self {
        self.plan = Some(plan.into());
        self
    }

    /// Sets the price.
    pub fn with_price(mut self, price: Decimal) -> Self {
        self.price = Some(price);
        self
    }

    /// Sets a bundle's included users and price per extra user.
    pub fn with_bundle(
        mut self,
        included_users: Decimal,
        extra_user_price: Option<Decimal>,
    ) -> Self {
        self.included_users = Some(included_users);
        self.extra_user_price = extra_user_price;
        self
    }

    /// Sets the one-off set-up fee.
    pub fn with_setup_fee(mut self, setup_fee: Decimal) -> Self {
        self.setup_fee = Some(setup_fee);
        self
    }

    /// Sets the operation percentage (`setup_plus_operation`).
    pub fn with_operation_pct(mut self, pct: Decimal) -> Self {
        self.operation_pct = Some(pct);
        self
    }

    /// Sets the note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Sets the source.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// `service` or `service (plan)`.
    ///
    /// ```
    /// use cloud_tco::saas::SaasCatalog;
    /// let sms = SaasCatalog::embedded().get("SMS Now", Some("lms")).unwrap();
    /// assert_eq!(sms.label(), "SMS Now (lms)");
    /// ```
    pub fn label(&self) -> String {
        match &self.plan {
            Some(p) => format!("{} ({p})", self.service),
            None => self.service.clone(),
        }
    }

    /// What a recurring line of this row is charged per: a year for `billing_period = year`,
    /// once for `one_off`, otherwise a month (also when the period is `unstated`, by assumption,
    /// and for `per_use` with a monthly volume).
    pub fn charged_per(&self) -> ChargedPer {
        match self.billing_period {
            BillingPeriod::Year => ChargedPer::Year,
            BillingPeriod::Once => ChargedPer::Once,
            _ => ChargedPer::Month,
        }
    }

    /// The R1 unit price of a recurring line for `count` users (bundles) per billing period:
    /// `price` (fixed, per_user, per_use), `price + extra_user_price × max(0, count −
    /// included_users)` (bundle) or `setup_fee × operation_pct / 100` (setup_plus_operation);
    /// `Ok(None)` when a bundle has more users than included and no price per extra user.
    ///
    /// ```
    /// use cloud_tco::saas::SaasCatalog;
    /// use cloud_tco::Decimal;
    /// let mail = SaasCatalog::embedded().get("센스메일클라우드", None).unwrap();
    /// // 540,000 + 1,420 × (300 − 50).
    /// assert_eq!(mail.unit_price(Decimal::from(300)).unwrap().unwrap().to_string(), "895000.00");
    /// let bot = SaasCatalog::embedded().get("현명한 앤써니", None).unwrap();
    /// // 44,000,000 × 15 / 100 a year.
    /// assert_eq!(bot.unit_price(Decimal::ZERO).unwrap().unwrap().to_string(), "6600000.00");
    /// ```
    pub fn unit_price(&self, count: Decimal) -> Result<Option<Decimal>, Error> {
        let too_large = || Error::TooLarge(format!("the charge of SaaS {}", self.label()));
        let value = match self.form {
            SaasForm::Bundle => {
                let base = self.price.unwrap_or_default();
                let included = self.included_users.unwrap_or_default();
                let extra_users = count.checked_sub(included).ok_or_else(too_large)?;
                if extra_users <= Decimal::ZERO {
                    base
                } else {
                    match self.extra_user_price {
                        None => return Ok(None),
                        Some(extra) => extra
                            .checked_mul(extra_users)
                            .and_then(|x| x.checked_add(base))
                            .ok_or_else(too_large)?,
                    }
                }
            }
            SaasForm::SetupPlusOperation => self
                .setup_fee
                .unwrap_or_default()
                .checked_mul(self.operation_pct.unwrap_or_default())
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                .ok_or_else(too_large)?,
            _ => self.price.unwrap_or_default(),
        };
        Ok(Some(round_unit_price(value)))
    }
}

/// The rules of one row as (column, message): the form decides which columns apply.
fn row_rules(row: &SaasRow) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let f = row.form;
    if row.service.trim().is_empty() {
        out.push((
            "service",
            "the service is empty; every row names its service".into(),
        ));
    }
    if row.plan.as_deref().is_some_and(|p| p.trim().is_empty()) {
        out.push(("plan", "the plan is blank; leave it out or name it".into()));
    }
    if row.unit.trim().is_empty() {
        out.push((
            "unit",
            "the unit is empty; say what one is counted in: user, message, service, …".into(),
        ));
    }
    match (f, row.billing_period) {
        (SaasForm::OneOff, BillingPeriod::Once) | (SaasForm::PerUse, BillingPeriod::Use) => {}
        (SaasForm::OneOff, p) => out.push((
            "billing_period",
            format!("a one_off fee is charged once: write once, not {p}"),
        )),
        (SaasForm::PerUse, p) => out.push((
            "billing_period",
            format!("a per_use price is per unit used: write use, not {p}"),
        )),
        (_, BillingPeriod::Once) => out.push((
            "billing_period",
            format!("once is only for one_off rows; a {f} row is billed per month, per year or unstated"),
        )),
        (_, BillingPeriod::Use) => out.push((
            "billing_period",
            format!("use is only for per_use rows; a {f} row is billed per month, per year or unstated"),
        )),
        _ => {}
    }
    let negative = |v: Decimal| v < Decimal::ZERO;
    match (f, row.price) {
        (SaasForm::SetupPlusOperation, Some(_)) => out.push((
            "price",
            "a setup_plus_operation row has no price: its operation fee is setup_fee × operation_pct / 100; leave price empty".into(),
        )),
        (SaasForm::SetupPlusOperation, None) => {}
        (_, None) => out.push(("price", format!("a {f} row needs its price (0 for a free service)"))),
        (_, Some(p)) if negative(p) => {
            out.push(("price", format!("the price {p} is negative; it must be 0 or more")))
        }
        _ => {}
    }
    match (f, row.included_users) {
        (SaasForm::Bundle, None) => out.push((
            "included_users",
            "a bundle row needs included_users: the number of users its price covers".into(),
        )),
        (SaasForm::Bundle, Some(n)) if n < Decimal::ONE || !n.fract().is_zero() => out.push((
            "included_users",
            format!("included_users {n} must be a whole number, at least 1"),
        )),
        (SaasForm::Bundle, _) | (_, None) => {}
        (_, Some(_)) => out.push((
            "included_users",
            format!("included_users applies only to bundle rows; this row is {f}: leave it empty"),
        )),
    }
    match (f, row.extra_user_price) {
        (SaasForm::Bundle, Some(p)) if negative(p) => out.push((
            "extra_user_price",
            format!("extra_user_price {p} is negative; it must be 0 or more"),
        )),
        (SaasForm::Bundle, _) | (_, None) => {}
        (_, Some(_)) => out.push((
            "extra_user_price",
            format!(
                "extra_user_price applies only to bundle rows; this row is {f}: leave it empty"
            ),
        )),
    }
    match (f, row.setup_fee) {
        (SaasForm::SetupPlusOperation, None) => out.push((
            "setup_fee",
            "a setup_plus_operation row needs its setup_fee (초기 구축비)".into(),
        )),
        (SaasForm::OneOff, Some(_)) => out.push((
            "setup_fee",
            "a one_off row is itself a one-off fee: give it as price and leave setup_fee empty"
                .into(),
        )),
        (_, Some(s)) if negative(s) => out.push((
            "setup_fee",
            format!("setup_fee {s} is negative; it must be 0 or more"),
        )),
        _ => {}
    }
    match (f, row.operation_pct) {
        (SaasForm::SetupPlusOperation, None) => out.push((
            "operation_pct",
            "a setup_plus_operation row needs operation_pct: the operation fee as a percentage of the set-up fee (15 for 15 %)".into(),
        )),
        (SaasForm::SetupPlusOperation, Some(p)) if negative(p) || p > Decimal::ONE_HUNDRED => {
            out.push((
                "operation_pct",
                format!("operation_pct {p} is outside 0–100; it is a percentage of the set-up fee"),
            ))
        }
        (SaasForm::SetupPlusOperation, _) | (_, None) => {}
        (_, Some(_)) => out.push((
            "operation_pct",
            format!("operation_pct applies only to setup_plus_operation rows; this row is {f}: leave it empty"),
        )),
    }
    out
}

/// A SaaS catalog could not be read or is not valid. Holds every problem found, each with its
/// file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaasCatalogError {
    /// All problems, in file and line order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for SaasCatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "invalid SaaS catalog: {one}"),
            many => {
                write!(f, "invalid SaaS catalog: {} problems", many.len())?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SaasCatalogError {}

impl From<SaasCatalogError> for CatalogError {
    fn from(e: SaasCatalogError) -> Self {
        CatalogError {
            problems: e.problems,
        }
    }
}

impl From<SaasCatalogError> for Error {
    fn from(e: SaasCatalogError) -> Self {
        Error::Catalog(e.into())
    }
}

/// A validated SaaS catalog: rows indexed by service and plan.
#[derive(Debug, Clone)]
pub struct SaasCatalog {
    rows: Vec<SaasRow>,
    /// service → its rows, in file order.
    services: BTreeMap<String, Vec<usize>>,
}

const COLUMNS: [&str; 12] = [
    "service",
    "plan",
    "form",
    "price",
    "included_users",
    "extra_user_price",
    "setup_fee",
    "operation_pct",
    "unit",
    "billing_period",
    "note",
    "source",
];
const REQUIRED: [&str; 4] = ["service", "form", "unit", "billing_period"];

const C_SERVICE: usize = 0;
const C_PLAN: usize = 1;
const C_FORM: usize = 2;
const C_PRICE: usize = 3;
const C_INCLUDED: usize = 4;
const C_EXTRA: usize = 5;
const C_SETUP: usize = 6;
const C_OPERATION: usize = 7;
const C_UNIT: usize = 8;
const C_PERIOD: usize = 9;
const C_NOTE: usize = 10;
const C_SOURCE: usize = 11;

/// The problems of one row, with the columns that already have one.
struct RowReader<'a> {
    file: Option<&'a str>,
    line: u64,
    pos: &'a [Option<usize>; 12],
    problems: Vec<Problem>,
    bad_columns: Vec<usize>,
}

impl RowReader<'_> {
    fn problem(&mut self, col: usize, message: String) {
        self.bad_columns.push(col);
        self.problems.push(Problem {
            location: Location::new(self.file, Some(self.line), Some(COLUMNS[col])),
            message,
        });
    }

    fn text<'r>(&mut self, record: &'r csv::ByteRecord, col: usize) -> Option<&'r str> {
        let raw = self.pos[col].and_then(|p| record.get(p))?;
        match std::str::from_utf8(raw) {
            Ok(s) => {
                let s = s.trim();
                (!s.is_empty()).then_some(s)
            }
            Err(_) => {
                self.problem(
                    col,
                    "the text is not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)"
                        .into(),
                );
                None
            }
        }
    }

    fn required(&mut self, record: &csv::ByteRecord, col: usize) -> Option<String> {
        let text = self.text(record, col).map(str::to_owned);
        if text.is_none() && !self.bad_columns.contains(&col) {
            self.problem(
                col,
                format!("the {} is empty; every row needs one", COLUMNS[col]),
            );
        }
        text
    }

    fn decimal(&mut self, record: &csv::ByteRecord, col: usize) -> Option<Decimal> {
        let text = self.text(record, col)?;
        match parse_decimal(text) {
            Ok(d) if d < Decimal::ZERO => {
                self.problem(
                    col,
                    format!("{} {text} is negative; it must be 0 or more", COLUMNS[col]),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(col, format!("{} {text:?} is not usable: {e}", COLUMNS[col]));
                None
            }
        }
    }

    fn row(&mut self, record: &csv::ByteRecord, source: Option<&Arc<str>>) -> Option<SaasRow> {
        let service = self.required(record, C_SERVICE);
        let plan = self.text(record, C_PLAN).map(str::to_owned);
        let form = self.required(record, C_FORM).and_then(|f| {
            f.parse::<SaasForm>()
                .map_err(|e| self.problem(C_FORM, e))
                .ok()
        });
        let price = self.decimal(record, C_PRICE);
        let included_users = self.decimal(record, C_INCLUDED);
        let extra_user_price = self.decimal(record, C_EXTRA);
        let setup_fee = self.decimal(record, C_SETUP);
        let operation_pct = self.decimal(record, C_OPERATION);
        let unit = self.required(record, C_UNIT);
        let billing_period = self.required(record, C_PERIOD).and_then(|p| {
            p.parse::<BillingPeriod>()
                .map_err(|e| self.problem(C_PERIOD, e))
                .ok()
        });
        let note = self.text(record, C_NOTE).map(str::to_owned);
        let source_text = self.text(record, C_SOURCE).map(str::to_owned);
        let (service, form, unit, billing_period) = (service?, form?, unit?, billing_period?);
        let row = SaasRow {
            service,
            plan,
            form,
            price,
            included_users,
            extra_user_price,
            setup_fee,
            operation_pct,
            unit,
            billing_period,
            note,
            source: source_text,
            origin: Origin {
                source: source.cloned(),
                line: self.line,
            },
        };
        // A column whose text could not be read has said so already.
        for (column, message) in row_rules(&row) {
            if let Some(col) = COLUMNS.iter().position(|c| *c == column) {
                if !self.bad_columns.contains(&col) {
                    self.problem(col, message);
                }
            }
        }
        Some(row)
    }
}

/// The 1-based line of the record starting at byte `offset` (the csv crate reports the start of
/// a record after CRLF at the `\n`, so the byte at `offset` is counted too).
fn line_at(bytes: &[u8], counted: &mut (usize, u64), offset: u64) -> u64 {
    let end = usize::try_from(offset).map_or(bytes.len(), |o| o.saturating_add(1).min(bytes.len()));
    if end > counted.0 {
        counted.1 += memchr::memchr_iter(b'\n', &bytes[counted.0..end]).count() as u64;
        counted.0 = end;
    }
    counted.1 + 1
}

/// Reads the rows of one CSV source, collecting every problem.
fn read_source<R: Read>(mut reader: R, name: Option<&str>) -> (Vec<SaasRow>, Vec<Problem>) {
    let source: Option<Arc<str>> = name.map(Arc::from);
    let at = |line: Option<u64>, message: String| Problem {
        location: Location::new(name, line, None),
        message,
    };
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return (vec![], vec![at(None, format!("cannot read the file: {e}"))]);
    }
    let mut counted = (0usize, 0u64);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut record = csv::ByteRecord::new();
    let csv_problem = |e: &csv::Error, counted: &mut (usize, u64)| {
        let line = e.position().map(|p| line_at(&bytes, counted, p.byte()));
        let message = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => {
                "the text is not valid UTF-8; save the file as UTF-8".into()
            }
            _ => format!("the CSV cannot be read: {e}"),
        };
        at(line, message)
    };
    let header = match rdr.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            return (
                vec![],
                vec![at(
                    None,
                    format!(
                        "the file is empty; a SaaS catalog starts with a header row such as {}",
                        COLUMNS.join(",")
                    ),
                )],
            )
        }
        Err(e) => return (vec![], vec![csv_problem(&e, &mut counted)]),
    };
    let mut problems = Vec::new();
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
                "the header row is not valid UTF-8; save the file as UTF-8".into(),
            ));
            continue;
        };
        let name = name.trim();
        if let Some(c) = COLUMNS.iter().position(|c| *c == name) {
            if pos[c].is_some() {
                problems.push(Problem {
                    location: Location::new(source.as_deref(), Some(1), Some(COLUMNS[c])),
                    message: format!("the column {name} appears twice in the header"),
                });
            }
            pos[c] = Some(i);
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| {
            COLUMNS
                .iter()
                .position(|x| x == *c)
                .is_some_and(|i| pos[i].is_none())
        })
        .copied()
        .collect();
    if !missing.is_empty() {
        problems.push(at(
            Some(1),
            format!(
                "the header row lacks the required column(s) {}; a SaaS catalog needs {} (and price, included_users, extra_user_price, setup_fee, operation_pct as its forms require)",
                missing.join(", "),
                REQUIRED.join(", ")
            ),
        ));
        return (vec![], problems);
    }
    let width = header.len();
    let mut rows = Vec::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .map_or(0, |p| line_at(&bytes, &mut counted, p.byte()));
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                if record.len() != width {
                    problems.push(at(
                        Some(line),
                        format!(
                            "the row has {} fields but the header has {width}; check for a missing or extra comma (quote text that contains commas)",
                            record.len()
                        ),
                    ));
                    continue;
                }
                let mut reader = RowReader {
                    file: name,
                    line,
                    pos: &pos,
                    problems: Vec::new(),
                    bad_columns: Vec::new(),
                };
                if let Some(row) = reader.row(&record, source.as_ref()) {
                    rows.push(row);
                }
                problems.append(&mut reader.problems);
            }
            Err(e) => {
                problems.push(csv_problem(&e, &mut counted));
                break;
            }
        }
    }
    (rows, problems)
}

fn open_file(path: &Path) -> Result<std::fs::File, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "the SaaS catalog file does not exist".to_owned(),
        _ => format!("cannot read the SaaS catalog file: {e}"),
    })?;
    if meta.is_dir() {
        return Err("this is a directory, not a SaaS catalog CSV file".into());
    }
    std::fs::File::open(path).map_err(|e| format!("cannot open the SaaS catalog file: {e}"))
}

fn row_problem(row: &SaasRow, field: &str, message: String) -> Problem {
    Problem {
        location: Location::new(
            row.origin.source.as_deref(),
            (row.origin.line > 0).then_some(row.origin.line),
            Some(field),
        ),
        message,
    }
}

/// A case- and space-insensitive key, for suggestions.
fn loose(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

impl SaasCatalog {
    /// Reads and validates a SaaS catalog CSV from any reader; `source` names it in errors.
    ///
    /// ```
    /// use cloud_tco::saas::SaasCatalog;
    /// let csv = "service,plan,form,price,unit,billing_period\n\
    ///            문자,sms,per_use,9,message,use\n\
    ///            문자,lms,per_use,27,message,use\n";
    /// let catalog = SaasCatalog::from_reader(csv.as_bytes(), Some("quotes.csv")).unwrap();
    /// assert_eq!(catalog.rows().len(), 2);
    ///
    /// let bad = "service,form,price,unit,billing_period\n메일,per_user,5800원,user,month\n";
    /// let err = SaasCatalog::from_reader(bad.as_bytes(), Some("quotes.csv")).unwrap_err();
    /// assert!(err.to_string().contains("quotes.csv, line 2, `price`"));
    /// ```
    pub fn from_reader<R: Read>(
        reader: R,
        source: Option<&str>,
    ) -> Result<SaasCatalog, SaasCatalogError> {
        let (rows, problems) = read_source(reader, source);
        SaasCatalog::assemble(rows, problems)
    }

    /// Reads, merges and validates SaaS catalog files; a (service, plan) in two of them is an
    /// error naming both places.
    ///
    /// ```no_run
    /// let catalog = cloud_tco::saas::SaasCatalog::from_paths(&["saas-quotes.csv"]).unwrap();
    /// ```
    pub fn from_paths<P: AsRef<Path>>(paths: &[P]) -> Result<SaasCatalog, SaasCatalogError> {
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let name = path.display().to_string();
            match open_file(path) {
                Ok(file) => {
                    let (mut r, mut p) = read_source(std::io::BufReader::new(file), Some(&name));
                    rows.append(&mut r);
                    problems.append(&mut p);
                }
                Err(message) => problems.push(Problem {
                    location: Location::new(Some(&name), None, None),
                    message,
                }),
            }
        }
        SaasCatalog::assemble(rows, problems)
    }

    /// Reads and validates one SaaS catalog file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<SaasCatalog, SaasCatalogError> {
        SaasCatalog::from_paths(&[path.as_ref()])
    }

    /// Validates rows built in code by the rules of a file.
    pub fn from_rows(rows: Vec<SaasRow>) -> Result<SaasCatalog, SaasCatalogError> {
        let mut problems = Vec::new();
        for row in &rows {
            for (column, message) in row_rules(row) {
                problems.push(row_problem(row, column, message));
            }
        }
        SaasCatalog::assemble(rows, problems)
    }

    /// The SaaS catalog shipped with the engine: the guide's §4.5.2 table
    /// (`data/catalogs/saas.csv`).
    ///
    /// ```
    /// let catalog = cloud_tco::saas::SaasCatalog::embedded();
    /// assert!(catalog.services().contains(&"SMS Now"));
    /// assert_eq!(catalog.plans("SMS Now"), [Some("sms"), Some("lms"), Some("mms")]);
    /// ```
    pub fn embedded() -> &'static SaasCatalog {
        static EMBEDDED: OnceLock<SaasCatalog> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            SaasCatalog::from_reader(
                EMBEDDED_SAAS_CATALOG_CSV.as_bytes(),
                Some(EMBEDDED_SAAS_CATALOG_NAME),
            )
            .unwrap_or_else(|e| panic!("the embedded SaaS catalog is invalid: {e}"))
        })
    }

    fn assemble(
        rows: Vec<SaasRow>,
        mut problems: Vec<Problem>,
    ) -> Result<SaasCatalog, SaasCatalogError> {
        let mut services: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            let list = services.entry(row.service.clone()).or_default();
            if let Some(&first) = list.iter().find(|&&j| rows[j].plan == row.plan) {
                problems.push(row_problem(
                    row,
                    "plan",
                    format!(
                        "{} is listed twice: here and at {}; keep one row per service and plan",
                        row.label(),
                        rows[first].origin
                    ),
                ));
                continue;
            }
            list.push(i);
        }
        for list in services.values() {
            if list.len() > 1 {
                for &i in list {
                    if rows[i].plan.is_none() {
                        problems.push(row_problem(
                            &rows[i],
                            "plan",
                            format!(
                                "the service {} has {} rows, and this one has no plan; name every plan so that a project can choose one",
                                rows[i].service,
                                list.len()
                            ),
                        ));
                    }
                }
            }
        }
        if !problems.is_empty() {
            problems.sort_by(|a, b| {
                (&a.location.file, a.location.line).cmp(&(&b.location.file, b.location.line))
            });
            return Err(SaasCatalogError { problems });
        }
        Ok(SaasCatalog { rows, services })
    }

    /// All rows, in the order they were read.
    pub fn rows(&self) -> &[SaasRow] {
        &self.rows
    }

    /// The service names, sorted.
    pub fn services(&self) -> Vec<&str> {
        self.services.keys().map(String::as_str).collect()
    }

    /// The plans of a service, in file order (`None` for a row without a plan).
    pub fn plans(&self, service: &str) -> Vec<Option<&str>> {
        self.services
            .get(service)
            .into_iter()
            .flatten()
            .map(|&i| self.rows[i].plan.as_deref())
            .collect()
    }

    /// The row of `service` and `plan`; without a plan, the service's only row.
    ///
    /// ```
    /// use cloud_tco::saas::{SaasCatalog, SaasForm};
    /// let catalog = SaasCatalog::embedded();
    /// assert_eq!(catalog.get("센스메일클라우드", None).unwrap().form, SaasForm::Bundle);
    /// assert!(catalog.get("SMS Now", None).is_none()); // three plans: name one
    /// ```
    pub fn get(&self, service: &str, plan: Option<&str>) -> Option<&SaasRow> {
        self.lookup(service, plan).ok()
    }

    /// The row, or which field is wrong and why.
    fn lookup(
        &self,
        service: &str,
        plan: Option<&str>,
    ) -> Result<&SaasRow, (&'static str, String)> {
        let Some(list) = self.services.get(service) else {
            let wanted = loose(service);
            let close: Vec<&str> = self
                .services
                .keys()
                .filter(|s| loose(s) == wanted)
                .map(String::as_str)
                .collect();
            let hint = match close.first() {
                Some(s) => format!("did you mean {s:?}?"),
                None => format!(
                    "the services are: {}",
                    self.services
                        .keys()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            return Err((
                "service",
                format!("the SaaS catalog has no service {service:?}; {hint}"),
            ));
        };
        let rows: Vec<&SaasRow> = list.iter().map(|&i| &self.rows[i]).collect();
        let plan_names = || {
            rows.iter()
                .filter_map(|r| r.plan.as_deref())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match plan {
            None => match rows.as_slice() {
                [one] => Ok(one),
                _ => Err((
                    "plan",
                    format!(
                        "{service} has several plans ({}); name one with plan = \"…\"",
                        plan_names()
                    ),
                )),
            },
            Some(p) => rows
                .iter()
                .find(|r| r.plan.as_deref() == Some(p))
                .copied()
                .ok_or_else(|| {
                    let names = plan_names();
                    (
                        "plan",
                        if names.is_empty() {
                            format!("{service} has no plans; leave plan out")
                        } else {
                            format!("{service} has no plan {p:?}; its plans are {names}")
                        },
                    )
                }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Projects: [[saas]]
// ---------------------------------------------------------------------------------------------

/// Where a `[[saas]]` entry was read from: the file and the lines of the entry and of its keys,
/// for errors found when the entry is priced.
#[derive(Debug, Clone, Default)]
pub struct EntryOrigin {
    /// File the project was read from.
    pub file: Option<String>,
    /// Line of the entry (its `service` key).
    pub line: Option<u64>,
    /// Lines of the keys given.
    pub key_lines: Vec<(String, u64)>,
}

impl EntryOrigin {
    fn location(&self, path: &str, key: Option<&str>) -> Location {
        let line = key
            .and_then(|k| self.key_lines.iter().find(|(n, _)| n == k).map(|(_, l)| *l))
            .or(self.line);
        Location::new(self.file.as_deref(), line, Some(path))
    }
}

/// A SaaS service used by the project (`[[saas]]`).
///
/// Equality ignores [`SaasUse::origin`]: the same entry read from two files is the same entry.
#[derive(Debug, Clone)]
pub struct SaasUse {
    /// Name shown in reports (default: the service).
    pub name: String,
    /// The catalog's service.
    pub service: String,
    /// The catalog's plan, when the service has several.
    pub plan: Option<String>,
    /// Users in the first service year (`per_user`, `bundle`).
    pub users: Option<Decimal>,
    /// Units used per month in the first service year (`per_use`).
    pub volume: Option<Decimal>,
    /// Units used per year in the first service year (`per_use`), instead of `volume`.
    pub volume_per_year: Option<Decimal>,
    /// Quantity (`fixed`, `one_off`; default 1).
    pub quantity: Option<Decimal>,
    /// Users, volume or quantity added each following service year.
    pub annual_growth: Decimal,
    /// Where the entry was read from.
    pub origin: EntryOrigin,
}

impl PartialEq for SaasUse {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.service == other.service
            && self.plan == other.plan
            && self.users == other.users
            && self.volume == other.volume
            && self.volume_per_year == other.volume_per_year
            && self.quantity == other.quantity
            && self.annual_growth == other.annual_growth
    }
}

impl Eq for SaasUse {}

impl SaasUse {
    /// A use of `service`; set the plan and counts with the other methods.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cloud_tco::project::{Project, ProjectKind, ServiceModel};
    /// use cloud_tco::saas::SaasUse;
    /// use cloud_tco::{plan, Catalog};
    /// let project = Project::builder(ProjectKind::New, 2027, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
    ///     .service_model(ServiceModel::Saas)
    ///     .usage_years(1)
    ///     .saas(SaasUse::new("구름EDU").users(40.into()))
    ///     .build()
    ///     .unwrap();
    /// let plan = plan(&project, &Catalog::embedded(), None).unwrap();
    /// // 15,000 won × 40 users × 12 months.
    /// assert_eq!(plan.totals.year(2027).unwrap().usage_fee.to_string(), "7200000");
    /// ```
    pub fn new(service: impl Into<String>) -> Self {
        let service = service.into();
        SaasUse {
            name: service.clone(),
            service,
            plan: None,
            users: None,
            volume: None,
            volume_per_year: None,
            quantity: None,
            annual_growth: Decimal::ZERO,
            origin: EntryOrigin::default(),
        }
    }
    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Sets the plan.
    pub fn plan(mut self, plan: impl Into<String>) -> Self {
        self.plan = Some(plan.into());
        self
    }
    /// Sets the users.
    pub fn users(mut self, users: Decimal) -> Self {
        self.users = Some(users);
        self
    }
    /// Sets the volume per month.
    pub fn volume(mut self, per_month: Decimal) -> Self {
        self.volume = Some(per_month);
        self
    }
    /// Sets the volume per year.
    pub fn volume_per_year(mut self, per_year: Decimal) -> Self {
        self.volume_per_year = Some(per_year);
        self
    }
    /// Sets the quantity.
    pub fn quantity(mut self, quantity: Decimal) -> Self {
        self.quantity = Some(quantity);
        self
    }
    /// Sets the yearly growth of users, volume or quantity.
    pub fn growth(mut self, per_year: Decimal) -> Self {
        self.annual_growth = per_year;
        self
    }
}

/// A `[[saas]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSaas {
    name: Option<String>,
    service: String,
    plan: Option<String>,
    users: Option<Num>,
    volume: Option<Num>,
    volume_per_year: Option<Num>,
    quantity: Option<Num>,
    annual_growth: Option<Num>,
}

const ENTRY_KEYS: [&str; 8] = [
    "name",
    "service",
    "plan",
    "users",
    "volume",
    "volume_per_year",
    "quantity",
    "annual_growth",
];

fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() as u64
}

/// The line of each entry and of its keys, read in one pass over the source.
fn entry_origins(locator: &Locator<'_>, n: usize) -> Vec<EntryOrigin> {
    let text = locator.text;
    let origin = EntryOrigin {
        file: locator.file.map(str::to_owned),
        ..EntryOrigin::default()
    };
    let mut out = vec![origin; n];
    match locator.format {
        ProjectFormat::Toml => {
            let Ok(doc) = toml::de::DeTable::parse(text) else {
                return out;
            };
            let Some(array) = doc
                .get_ref()
                .get("saas")
                .and_then(|v| v.get_ref().as_array())
            else {
                return out;
            };
            for (i, slot) in out.iter_mut().enumerate() {
                let Some(entry) = array.get(i) else { break };
                slot.line = Some(line_of(text, entry.span().start));
                if let Some(table) = entry.get_ref().as_table() {
                    for key in ENTRY_KEYS {
                        if let Some(v) = table.get(key) {
                            slot.key_lines
                                .push((key.to_owned(), line_of(text, v.span().start)));
                        }
                    }
                }
                if let Some((_, l)) = slot.key_lines.iter().find(|(k, _)| k == "service") {
                    slot.line = Some(*l);
                }
            }
        }
        ProjectFormat::Json => {
            // The n-th "service" key after "saas" starts the n-th entry.
            let Some(mut offset) = text.find("\"saas\"") else {
                return out;
            };
            for slot in &mut out {
                let Some(at) = text[offset..].find("\"service\"") else {
                    break;
                };
                offset += at + 1;
                slot.line = Some(line_of(text, offset));
            }
        }
    }
    out
}

/// Converts the `[[saas]]` entries of a project file; the value rules are checked by
/// [`Project::rule_violations`].
pub(crate) fn convert_entries(raw: Vec<RawSaas>, locator: &Locator<'_>) -> Vec<SaasUse> {
    if raw.is_empty() {
        return Vec::new();
    }
    let origins = entry_origins(locator, raw.len());
    raw.into_iter()
        .zip(origins)
        .map(|(r, origin)| SaasUse {
            name: r.name.unwrap_or_else(|| r.service.clone()),
            service: r.service,
            plan: r.plan,
            users: r.users.map(|n| n.0),
            volume: r.volume.map(|n| n.0),
            volume_per_year: r.volume_per_year.map(|n| n.0),
            quantity: r.quantity.map(|n| n.0),
            annual_growth: r.annual_growth.map_or(Decimal::ZERO, |n| n.0),
            origin,
        })
        .collect()
}

/// The value rules of `[[saas]]` that need no catalog, as (field path, message).
pub(crate) fn entry_rule_violations(entries: &[SaasUse]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let p = |f: &str| format!("saas[{i}].{f}");
        if e.service.trim().is_empty() {
            found.push((
                p("service"),
                "service is empty; name a service of the SaaS catalog".into(),
            ));
        }
        if e.plan.as_deref().is_some_and(|s| s.trim().is_empty()) {
            found.push((
                p("plan"),
                "plan is empty; leave it out or name a plan of the service".into(),
            ));
        }
        if let Some(u) = e.users {
            if u < Decimal::ZERO {
                found.push((
                    p("users"),
                    format!("{u} is negative; users must be a whole number, 0 or more"),
                ));
            } else if !u.fract().is_zero() {
                found.push((
                    p("users"),
                    format!("{u} is not a whole number; users are counted 0, 1, 2, …"),
                ));
            }
        }
        for (key, v) in [
            ("volume", e.volume),
            ("volume_per_year", e.volume_per_year),
            ("quantity", e.quantity),
            ("annual_growth", Some(e.annual_growth)),
        ] {
            if let Some(v) = v.filter(|v| *v < Decimal::ZERO) {
                found.push((p(key), format!("{v} is negative; it must be 0 or more")));
            }
        }
        if e.volume.is_some() && e.volume_per_year.is_some() {
            found.push((
                p("volume_per_year"),
                "give volume (per month) or volume_per_year, not both".into(),
            ));
        }
    }
    found
}

/// The catalog row of a SaaS line and how the line was charged: the line's provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaasProvenance {
    /// The catalog row.
    pub row: SaasRow,
    /// Whether the line is the one-off set-up fee of the row (`setup_fee`).
    pub setup: bool,
    /// What `unit_price × quantity` covers.
    pub charged_per: ChargedPer,
    /// The unit shown for the line: the row's unit; `bundle` for a bundle (whose unit price is
    /// the whole bundle's charge); `setup` for a set-up fee.
    pub unit: String,
    /// `bundle`: the users in each fiscal year.
    pub users: Vec<(i32, Decimal)>,
}

impl SaasProvenance {
    /// The assumption made for the row's billing period, if any.
    pub fn assumption(&self) -> Option<&'static str> {
        (self.row.billing_period == BillingPeriod::Unstated && !self.setup).then_some(
            "the source does not state the billing period; the price is taken as monthly",
        )
    }
}

/// Why an entry could not be priced: problems of the project, or a hard failure.
enum EntryFailure {
    Problems(Vec<Problem>),
    Fatal(Error),
}

impl From<Error> for EntryFailure {
    fn from(e: Error) -> Self {
        EntryFailure::Fatal(e)
    }
}

/// The SaaS lines of `project`, priced from `catalog`; `years` holds each fiscal year of the
/// usage window with its service-year index and factor discount × escalation^i × months.
pub(crate) fn saas_lines(
    project: &Project,
    catalog: &SaasCatalog,
    years: &[(i32, u32, Ratio)],
) -> Result<Vec<Line>, Error> {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let discount = Ratio::percent_factor(-project.options.discount_pct);
    for (i, entry) in project.saas.iter().enumerate() {
        match entry_lines_of(i, entry, catalog, years, &discount) {
            Ok(mut l) => lines.append(&mut l),
            Err(EntryFailure::Problems(mut p)) => problems.append(&mut p),
            Err(EntryFailure::Fatal(e)) => return Err(e),
        }
    }
    if problems.is_empty() {
        Ok(lines)
    } else {
        Err(ProjectError { problems }.into())
    }
}

fn entry_lines_of(
    i: usize,
    entry: &SaasUse,
    catalog: &SaasCatalog,
    years: &[(i32, u32, Ratio)],
    discount: &Ratio,
) -> Result<Vec<Line>, EntryFailure> {
    let source = format!("saas[{i}]");
    let problem = |key: &str, message: String| Problem {
        location: entry.origin.location(&format!("{source}.{key}"), Some(key)),
        message,
    };
    let row = catalog
        .lookup(&entry.service, entry.plan.as_deref())
        .map_err(|(key, message)| EntryFailure::Problems(vec![problem(key, message)]))?;
    let form = row.form;
    let label = row.label();
    // Which counting key the form uses, and whether it is required.
    let mut problems = Vec::new();
    let not_for = |key: &str| {
        problem(
            key,
            format!(
                "{key} does not apply to {label}, priced as {form} ({}); remove it",
                form.describe()
            ),
        )
    };
    let given = |key: &str| match key {
        "users" => entry.users.is_some(),
        "volume" => entry.volume.is_some(),
        "volume_per_year" => entry.volume_per_year.is_some(),
        "quantity" => entry.quantity.is_some(),
        _ => false,
    };
    let allowed: &[&str] = match form {
        SaasForm::Fixed | SaasForm::OneOff => &["quantity"],
        SaasForm::PerUser | SaasForm::Bundle => &["users"],
        SaasForm::PerUse => &["volume", "volume_per_year"],
        SaasForm::SetupPlusOperation => &[],
    };
    for key in ["users", "volume", "volume_per_year", "quantity"] {
        if given(key) && !allowed.contains(&key) {
            problems.push(not_for(key));
        }
    }
    if matches!(form, SaasForm::PerUser | SaasForm::Bundle) && entry.users.is_none() {
        problems.push(problem(
            "users",
            format!("{label} is priced per user ({form}); give users = the number of users"),
        ));
    }
    if form == SaasForm::PerUse && entry.volume.is_none() && entry.volume_per_year.is_none() {
        problems.push(problem(
            "volume",
            format!(
                "{label} is priced per {} used; give volume (per month) or volume_per_year",
                row.unit
            ),
        ));
    }
    if matches!(form, SaasForm::OneOff | SaasForm::SetupPlusOperation)
        && !entry.annual_growth.is_zero()
    {
        problems.push(problem(
            "annual_growth",
            format!("annual_growth does not apply to {label}, priced as {form}: nothing of it is counted; remove it"),
        ));
    }
    if !problems.is_empty() {
        return Err(EntryFailure::Problems(problems));
    }

    let item = label.clone();
    let Some(&(first_year, _, _)) = years.first() else {
        return Ok(Vec::new());
    };
    let mut lines = Vec::new();
    let one_off =
        |fee: Decimal, quantity: Decimal, setup: bool, source: String| -> Result<Line, Error> {
            let price = Arc::new(CombinedPrice {
                price: round_unit_price(fee),
                providers: Vec::new(),
            });
            let mut out = PricedYears::with_capacity(years.len());
            for (year, _, _) in years {
                let q = if *year == first_year {
                    quantity
                } else {
                    Decimal::ZERO
                };
                out.push(*year, &price, q, line_amount(price.price, q, discount)?);
            }
            Ok(Line {
                budget_item: BudgetItem::UsageFee,
                category: arcstr::literal!("saas"),
                name: ArcStr::from(entry.name.as_str()),
                item: if setup {
                    ArcStr::from(format!("{item} set-up"))
                } else {
                    ArcStr::from(item.as_str())
                },
                unit: None,
                source: ArcStr::from(source),
                years: out.years,
                prices: out.prices,
                saas: Some(Arc::new(SaasProvenance {
                    row: row.clone(),
                    setup,
                    charged_per: ChargedPer::Once,
                    unit: if setup {
                        "setup".into()
                    } else {
                        row.unit.clone()
                    },
                    users: Vec::new(),
                })),
            })
        };
    if let Some(fee) = row.setup_fee {
        lines.push(one_off(
            fee,
            Decimal::ONE,
            true,
            format!("{source}.setup_fee"),
        )?);
    }
    if form == SaasForm::OneOff {
        let fee = row.price.unwrap_or_default();
        lines.push(one_off(
            fee,
            entry.quantity.unwrap_or(Decimal::ONE),
            false,
            source,
        )?);
        return Ok(lines);
    }

    // The recurring line.
    let (base, count_key) = match form {
        SaasForm::Fixed => (entry.quantity.unwrap_or(Decimal::ONE), "quantity"),
        SaasForm::PerUser | SaasForm::Bundle => (entry.users.unwrap_or_default(), "users"),
        SaasForm::PerUse => match (entry.volume, entry.volume_per_year) {
            (Some(v), _) => (v, "volume"),
            (None, v) => (v.unwrap_or_default(), "volume_per_year"),
        },
        SaasForm::SetupPlusOperation | SaasForm::OneOff => (Decimal::ZERO, ""),
    };
    let charged_per = match (form, count_key) {
        (SaasForm::PerUse, "volume_per_year") => ChargedPer::Year,
        (SaasForm::PerUse, _) => ChargedPer::Month,
        _ => row.charged_per(),
    };
    let twelfth = Ratio::small(1, 12);
    let mut out = PricedYears::with_capacity(years.len());
    let mut users = Vec::new();
    let mut last: Option<Arc<CombinedPrice>> = None;
    for (year, i, factor) in years {
        let too_large = || Error::TooLarge(format!("the grown {count_key} of {source}"));
        let count = entry
            .annual_growth
            .checked_mul(Decimal::from(*i))
            .and_then(|g| g.checked_add(base))
            .ok_or_else(too_large)?;
        let Some(price) = row.unit_price(count)? else {
            return Err(EntryFailure::Problems(vec![problem(
                "users",
                format!(
                    "in {year} the entry counts {} users, more than the {} that {label} covers, and the catalog gives no price per extra user; ask the provider for a quote and add extra_user_price to a SaaS catalog, or split the users over several entries",
                    count.normalize(),
                    row.included_users.unwrap_or_default().normalize()
                ),
            )]));
        };
        let price = match &last {
            Some(p) if p.price == price => p.clone(),
            _ => Arc::new(CombinedPrice {
                price,
                providers: Vec::new(),
            }),
        };
        last = Some(price.clone());
        let quantity = match form {
            SaasForm::Bundle | SaasForm::SetupPlusOperation => Decimal::ONE,
            _ => count,
        };
        if form == SaasForm::Bundle {
            users.push((*year, count));
        }
        let factor = match charged_per {
            ChargedPer::Year => factor.mul(&twelfth),
            _ => factor.clone(),
        };
        let amount = if factor.is_zero() {
            Decimal::ZERO
        } else {
            line_amount(price.price, quantity, &factor)?
        };
        out.push(*year, &price, quantity, amount);
    }
    lines.push(Line {
        budget_item: BudgetItem::UsageFee,
        category: arcstr::literal!("saas"),
        name: ArcStr::from(entry.name.as_str()),
        item: ArcStr::from(item),
        unit: None,
        source: ArcStr::from(source),
        years: out.years,
        prices: out.prices,
        saas: Some(Arc::new(SaasProvenance {
            row: row.clone(),
            setup: false,
            charged_per,
            unit: if form == SaasForm::Bundle {
                "bundle".into()
            } else {
                row.unit.clone()
            },
            users,
        })),
    });
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_is_valid_and_complete() {
        let c = SaasCatalog::embedded();
        // The 29 services of the guide's §4.5.2 table.
        assert_eq!(c.services().len(), 29);
        for row in c.rows() {
            assert_eq!(
                row.source.as_deref(),
                Some("행정·공공기관 클라우드컴퓨팅서비스 이용안내서(2022.6) §4.5.2")
            );
            if row.billing_period == BillingPeriod::Unstated {
                assert!(
                    row.note
                        .as_deref()
                        .is_some_and(|n| n.contains("과금 주기 미기재")),
                    "{}",
                    row.label()
                );
            }
        }
    }

    #[test]
    fn bundle_charge_counts_only_extra_users() {
        let row = SaasRow::new("m", SaasForm::Bundle, "user", BillingPeriod::Month)
            .with_price(Decimal::from(540_000))
            .with_bundle(Decimal::from(50), Some(Decimal::from(1_420)));
        assert_eq!(
            row.unit_price(Decimal::from(40)).unwrap(),
            Some(Decimal::new(54_000_000, 2))
        );
        assert_eq!(
            row.unit_price(Decimal::from(51)).unwrap(),
            Some(Decimal::new(54_142_000, 2))
        );
        let capped = SaasRow::new("d", SaasForm::Bundle, "user", BillingPeriod::Month)
            .with_price(Decimal::from(1))
            .with_bundle(Decimal::from(10), None);
        assert_eq!(capped.unit_price(Decimal::from(11)).unwrap(), None);
    }
}
