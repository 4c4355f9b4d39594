//! The budget projection (SPEC §4.4–§6): lines, fiscal years, the mid-term financial plan
//! (중기재정계획), the usage window (7년 이용료 규모), the project total (총사업비) and VAT.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::amount::{line_amount, Ratio};
use crate::catalog::{Catalog, Category, Unit};
use crate::error::Error;
use crate::money::{percent_of, truncate_won};
use crate::pricing::{CombinedPrice, PriceBasis, Pricer};
use crate::project::{
    BudgetItem, CostTiming, Project, ProjectKind, SecurityQuantity, ServiceModel,
};
use crate::schedule::UsageWindow;

/// One fiscal year of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineYear {
    /// Fiscal year.
    pub year: i32,
    /// The combined unit price and its provenance (usage lines only).
    pub price: Option<Arc<CombinedPrice>>,
    /// Quantity in that year (usage lines only).
    pub quantity: Option<Decimal>,
    /// Amount in whole won (R2).
    pub amount: Decimal,
}

impl LineYear {
    /// The R1 unit price, for usage lines.
    pub fn unit_price(&self) -> Option<Decimal> {
        self.price.as_ref().map(|p| p.price)
    }
}

/// One line of the plan: a priced resource or an entered cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The budget item (이용료, 전환비, SW 구축비, 기타).
    pub budget_item: BudgetItem,
    /// Catalog category for usage lines; the cost's `item` for cost lines.
    pub category: String,
    /// Name from the project.
    pub name: String,
    /// Catalog item (or `8vCPU/16GB` for servers; the cost's item for costs).
    pub item: String,
    /// Unit of the catalog price, for usage lines.
    pub unit: Option<Unit>,
    /// The project field the line comes from, e.g. `servers[0]`.
    pub source: String,
    /// Fiscal years of the line with their amounts.
    pub years: Vec<LineYear>,
    /// For a SaaS line (category `saas`): the SaaS catalog row it was priced by and how it is
    /// charged, its provenance in place of provider charges; `None` for every other line.
    pub saas: Option<Arc<crate::saas::SaasProvenance>>,
}

impl Line {
    /// The amount in `year` (0 when the line has no such year).
    pub fn amount(&self, year: i32) -> Decimal {
        self.years
            .iter()
            .find(|y| y.year == year)
            .map_or(Decimal::ZERO, |y| y.amount)
    }

    /// The sum of the line's amounts.
    pub fn total(&self) -> Decimal {
        self.years.iter().map(|y| y.amount).sum()
    }
}

/// Amounts by budget item with total and VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amounts {
    /// 이용료.
    pub usage_fee: Decimal,
    /// 전환비.
    pub conversion: Decimal,
    /// SW 구축비.
    pub sw_build: Decimal,
    /// 기타.
    pub other: Decimal,
    /// Sum of the four.
    pub total: Decimal,
    /// VAT (R3; for several years, the sum of the yearly VAT).
    pub vat: Decimal,
    /// total + vat.
    pub total_with_vat: Decimal,
}

impl Amounts {
    /// The amount of one budget item.
    pub fn of(&self, item: BudgetItem) -> Decimal {
        match item {
            BudgetItem::UsageFee => self.usage_fee,
            BudgetItem::Conversion => self.conversion,
            BudgetItem::SwBuild => self.sw_build,
            BudgetItem::Other => self.other,
        }
    }

    fn slot(&mut self, item: BudgetItem) -> &mut Decimal {
        match item {
            BudgetItem::UsageFee => &mut self.usage_fee,
            BudgetItem::Conversion => &mut self.conversion,
            BudgetItem::SwBuild => &mut self.sw_build,
            BudgetItem::Other => &mut self.other,
        }
    }

    fn checked_add(&self, other: &Amounts) -> Option<Amounts> {
        Some(Amounts {
            usage_fee: self.usage_fee.checked_add(other.usage_fee)?,
            conversion: self.conversion.checked_add(other.conversion)?,
            sw_build: self.sw_build.checked_add(other.sw_build)?,
            other: self.other.checked_add(other.other)?,
            total: self.total.checked_add(other.total)?,
            vat: self.vat.checked_add(other.vat)?,
            total_with_vat: self.total_with_vat.checked_add(other.total_with_vat)?,
        })
    }
}

/// Totals of one fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearTotals {
    /// Fiscal year.
    pub year: i32,
    /// Its amounts.
    pub amounts: Amounts,
}

/// The mid-term financial plan (중기재정계획): sums over its fiscal years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MidtermTotals {
    /// First fiscal year (the budget year).
    pub from: i32,
    /// Last fiscal year.
    pub to: i32,
    /// Sums.
    pub amounts: Amounts,
}

/// The usage-fee scale over the whole usage window (7년 이용료 규모).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageWindowTotals {
    /// First day of use.
    pub from: NaiveDate,
    /// Last day of use (inclusive).
    pub to: NaiveDate,
    /// Usage fees over the window.
    pub usage_fee: Decimal,
    /// Plus the yearly VAT on them.
    pub usage_fee_with_vat: Decimal,
}

/// All totals of a plan (SPEC §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Each reported fiscal year.
    pub by_year: Vec<YearTotals>,
    /// The mid-term plan.
    pub midterm: MidtermTotals,
    /// The usage window.
    pub usage_window: UsageWindowTotals,
    /// 총사업비 over all reported years, VAT excluded.
    pub project_total: Decimal,
    /// 총사업비 with VAT.
    pub project_total_with_vat: Decimal,
}

impl Totals {
    /// The totals of one fiscal year, if reported.
    pub fn year(&self, year: i32) -> Option<&Amounts> {
        self.by_year
            .iter()
            .find(|y| y.year == year)
            .map(|y| &y.amounts)
    }
}

/// A priced budget plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Project name.
    pub project: String,
    /// Project kind.
    pub kind: ProjectKind,
    /// Service model.
    pub service_model: ServiceModel,
    /// The basis the unit prices were combined by.
    pub basis: PriceBasis,
    /// The budget year (first year of the mid-term plan).
    pub budget_year: i32,
    /// The usage window.
    pub window: UsageWindow,
    /// VAT rate, percent.
    pub vat_pct: Decimal,
    /// Contract discount, percent.
    pub discount_pct: Decimal,
    /// Yearly escalation, percent.
    pub price_escalation_pct: Decimal,
    /// Reported fiscal years, without gaps.
    pub years: Vec<i32>,
    /// Lines, in SPEC §4.4 order.
    pub lines: Vec<Line>,
    /// Totals.
    pub totals: Totals,
    /// The pre-consultation check (사전협의, guide §4.3.1) when the project names its
    /// institution type; see [`crate::consultation`].
    pub pre_consultation: Option<crate::consultation::PreConsultation>,
}

/// Prices `project` from `catalog`. `basis` overrides the project's own `[options] basis`.
///
/// ```
/// use cloud_tco::{plan, Catalog, Project};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let project = Project::from_toml_str(r#"
///     kind = "new"
///     budget_year = 2027
///     service_start = "2027-07-01"
///     [[servers]]
///     vcpu = 2
///     memory_gb = 4
///     count = 2
/// "#).unwrap();
/// let plan = plan(&project, &catalog, None).unwrap();
/// // 평균단가 55,000 won × 2 servers × 6 months in 2027.
/// assert_eq!(plan.totals.year(2027).unwrap().usage_fee.to_string(), "660000");
/// // Seven years of use: 55,000 × 2 × 84 months.
/// assert_eq!(plan.totals.usage_window.usage_fee.to_string(), "9240000");
/// ```
///
/// `[[saas]]` entries are priced from the embedded SaaS catalog (the guide's §4.5.2 table,
/// [`crate::saas::SaasCatalog::embedded`]); [`plan_with`] takes another one.
pub fn plan(
    project: &Project,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
) -> Result<Plan, Error> {
    plan_with(
        project,
        catalog,
        crate::saas::SaasCatalog::embedded(),
        basis,
    )
}

/// Prices `project` from `catalog`, and its `[[saas]]` entries from `saas` (see
/// [`crate::saas`]). `basis` overrides the project's own `[options] basis`; it does not apply
/// to SaaS, which is priced per service.
///
/// ```
/// use cloud_tco::saas::SaasCatalog;
/// use cloud_tco::{plan_with, Catalog, Project};
/// let saas = SaasCatalog::from_reader(
///     "service,form,price,unit,billing_period\n메일,per_user,5000,user,month\n".as_bytes(),
///     Some("quotes.csv"),
/// ).unwrap();
/// let project = Project::from_toml_str(r#"
///     kind = "new"
///     service_model = "saas"
///     budget_year = 2027
///     service_start = "2027-07-01"
///     [[saas]]
///     service = "메일"
///     users = 100
///     annual_growth = 10
/// "#).unwrap();
/// let plan = plan_with(&project, &Catalog::embedded(), &saas, None).unwrap();
/// let line = &plan.lines[0];
/// assert_eq!(line.category, "saas");
/// // 5,000 won × 100 users × 6 months in 2027; × 110 users × 12 months in 2028.
/// assert_eq!(line.amount(2027).to_string(), "3000000");
/// assert_eq!(line.amount(2028).to_string(), "6600000");
/// ```
pub fn plan_with(
    project: &Project,
    catalog: &Catalog,
    saas: &crate::saas::SaasCatalog,
    basis: Option<&PriceBasis>,
) -> Result<Plan, Error> {
    let basis = basis
        .or(project.options.basis.as_ref())
        .cloned()
        .unwrap_or_default();
    let pricer = Pricer::new(catalog, &basis)?;
    let window = UsageWindow::new(project.service_start, project.usage_years)?;
    let schedule = YearFactors::new(project, &window);
    let mut builder = LineBuilder {
        pricer,
        schedule: &schedule,
        // At most: 3 lines per server group, 1 per storage, 3 network lines and traffic,
        // 1 per backup, security item, extra, cost and SaaS entry.
        lines: Vec::with_capacity(
            3 * project.servers.len()
                + project.storage.len()
                + 4
                + project.backup.len()
                + project.security.items.len()
                + project.extras.len()
                + project.costs.len()
                + project.saas.len(),
        ),
        server_prices: Vec::new(),
        item_prices: Vec::new(),
    };
    builder.usage_lines(project)?;
    let mut lines = builder.lines;
    lines.extend(crate::saas::saas_lines(project, saas, &schedule.years)?);
    lines.extend(cost_lines(project)?);

    let first_usage = window.start.year();
    let last_usage = window.end.year();
    let mut lo = project.budget_year.min(first_usage);
    let mut hi = project.budget_year.max(last_usage);
    for line in &lines {
        for y in &line.years {
            lo = lo.min(y.year);
            hi = hi.max(y.year);
        }
    }
    let years: Vec<i32> = (lo..=hi).collect();
    let totals = totals(project, &window, &years, &lines)?;
    let mut plan = Plan {
        project: project.name.clone(),
        kind: project.kind,
        service_model: project.service_model,
        basis,
        budget_year: project.budget_year,
        window,
        vat_pct: project.options.vat_pct,
        discount_pct: project.options.discount_pct,
        price_escalation_pct: project.options.price_escalation_pct,
        years,
        lines,
        totals,
        pre_consultation: None,
    };
    plan.pre_consultation = crate::consultation::pre_consultation(&plan, project.institution);
    Ok(plan)
}

/// Per fiscal year of the window: the service-year index and the exact factor
/// discount × escalation^i × months used.
pub(crate) struct YearFactors {
    pub(crate) years: Vec<(i32, u32, Ratio)>,
}

impl YearFactors {
    fn new(project: &Project, window: &UsageWindow) -> YearFactors {
        let discount = Ratio::percent_factor(-project.options.discount_pct);
        let escalation = Ratio::percent_factor(project.options.price_escalation_pct);
        let first = window.start.year();
        let mut esc_i = Ratio::small(1, 1);
        let years = window
            .fiscal_years()
            .map(|year| {
                let i = (year - first) as u32;
                if i > 0 {
                    esc_i = esc_i.mul(&escalation);
                }
                let months = Ratio::from_fraction(window.months_in_year(year));
                (year, i, discount.mul(&esc_i).mul(&months))
            })
            .collect();
        YearFactors { years }
    }
}

struct LineBuilder<'a, 'p> {
    pricer: Pricer<'a>,
    schedule: &'a YearFactors,
    lines: Vec<Line>,
    /// Server prices of this plan by (vcpu, memory_gb), with the line item (`8vCPU/16GB`):
    /// lines of the same size share one combined price.
    server_prices: Vec<(u32, Decimal, Arc<CombinedPrice>, String)>,
    /// Plain item prices of this plan by (category, item), with the item's unit.
    item_prices: Vec<ItemPrice<'p>>,
}

/// A plain item's combined price and unit, computed once per plan.
struct ItemPrice<'p> {
    category: Category,
    item: &'p str,
    price: Arc<CombinedPrice>,
    unit: Option<Unit>,
}

/// How a usage line's unit price and quantity evolve over the service years.
enum Usage {
    /// One price, a quantity growing by `growth` a year.
    Growing {
        price: Arc<CombinedPrice>,
        base: Decimal,
        growth: Decimal,
    },
    /// Price recomputed per service year from a growing volume (traffic, backup).
    Repriced {
        base: Decimal,
        growth: Decimal,
        quantity: Decimal,
    },
}

struct LineHead<'h> {
    category: Category,
    name: &'h str,
    item: String,
    unit: Option<Unit>,
    source: String,
}

/// `prefix` + `i` + `suffix`, e.g. `servers[3]`, without the formatting machinery.
fn indexed(prefix: &str, i: usize, suffix: &str) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = i;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(prefix.len() + (digits.len() - at) + suffix.len());
    out.push_str(prefix);
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
    out.push_str(suffix);
    out
}

/// `a` + `b`.
fn concat(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + b.len());
    out.push_str(a);
    out.push_str(b);
    out
}

impl<'p> LineBuilder<'_, 'p> {
    fn push(
        &mut self,
        head: LineHead<'_>,
        usage: Usage,
        reprice: &dyn Fn(&Pricer<'_>, Decimal) -> Result<CombinedPrice, Error>,
    ) -> Result<(), Error> {
        let mut years = Vec::with_capacity(self.schedule.years.len());
        let mut last: Option<(Decimal, Arc<CombinedPrice>)> = None;
        // Without growth, `growth × i + base` is the same decimal (value and scale) every
        // year, and cannot overflow: it is computed once.
        let mut steady: Option<Decimal> = None;
        for (year, i, factor) in &self.schedule.years {
            let step = Decimal::from(*i);
            let mut grown = |base: Decimal, growth: Decimal| -> Result<Decimal, Error> {
                if let Some(q) = steady {
                    return Ok(q);
                }
                let q = growth
                    .checked_mul(step)
                    .and_then(|g| g.checked_add(base))
                    .ok_or_else(|| {
                        Error::TooLarge(format!("the grown quantity of {}", head.source))
                    })?;
                if growth.is_zero() {
                    steady = Some(q);
                }
                Ok(q)
            };
            let (price, quantity) = match &usage {
                Usage::Growing {
                    price,
                    base,
                    growth,
                } => (price.clone(), grown(*base, *growth)?),
                Usage::Repriced {
                    base,
                    growth,
                    quantity,
                } => {
                    let volume = grown(*base, *growth)?;
                    let price = match &last {
                        Some((v, p)) if *v == volume => p.clone(),
                        _ => Arc::new(reprice(&self.pricer, volume)?),
                    };
                    last = Some((volume, price.clone()));
                    (price, *quantity)
                }
            };
            let amount = if factor.is_zero() {
                Decimal::ZERO
            } else {
                line_amount(price.price, quantity, factor)?
            };
            years.push(LineYear {
                year: *year,
                price: Some(price),
                quantity: Some(quantity),
                amount,
            });
        }
        self.lines.push(Line {
            budget_item: BudgetItem::UsageFee,
            category: head.category.key().to_owned(),
            name: head.name.to_owned(),
            item: head.item,
            unit: head.unit,
            source: head.source,
            years,
            saas: None,
        });
        Ok(())
    }

    fn fixed(
        &mut self,
        head: LineHead<'_>,
        price: Arc<CombinedPrice>,
        quantity: Decimal,
    ) -> Result<(), Error> {
        let usage = Usage::Growing {
            price,
            base: quantity,
            growth: Decimal::ZERO,
        };
        self.push(head, usage, &no_reprice)
    }

    /// The combined price and unit of a plain item, computed once per plan.
    fn item_price(
        &mut self,
        category: Category,
        item: &'p str,
        needed_by: &dyn Fn() -> String,
    ) -> Result<(Arc<CombinedPrice>, Option<Unit>), Error> {
        if let Some(known) = self
            .item_prices
            .iter()
            .find(|p| p.category == category && p.item == item)
        {
            return Ok((known.price.clone(), known.unit));
        }
        let (price, unit) = self.pricer.item_unit_for(category, item, needed_by)?;
        let price = Arc::new(price);
        self.item_prices.push(ItemPrice {
            category,
            item,
            price: price.clone(),
            unit,
        });
        Ok((price, unit))
    }

    /// The combined price of a server size and its line item (`8vCPU/16GB`), once per plan.
    fn server_price(
        &mut self,
        vcpu: u32,
        memory_gb: Decimal,
        needed_by: &dyn Fn() -> String,
    ) -> Result<(Arc<CombinedPrice>, String), Error> {
        if let Some((.., price, spec)) = self
            .server_prices
            .iter()
            .find(|(v, m, ..)| *v == vcpu && *m == memory_gb)
        {
            return Ok((price.clone(), spec.clone()));
        }
        let spec = format!("{vcpu}vCPU/{}GB", memory_gb.normalize());
        let price = Arc::new(self.pricer.server_for(vcpu, memory_gb, needed_by)?);
        self.server_prices
            .push((vcpu, memory_gb, price.clone(), spec.clone()));
        Ok((price, spec))
    }

    fn plain(
        &mut self,
        category: Category,
        item: &'p str,
        name: &str,
        source: String,
        quantity: Decimal,
    ) -> Result<(), Error> {
        let needed_by = || {
            if name == item || name.is_empty() {
                source.clone()
            } else {
                format!("{source} ({name})")
            }
        };
        let (price, unit) = self.item_price(category, item, &needed_by)?;
        let head = LineHead {
            category,
            name,
            item: item.to_owned(),
            unit,
            source,
        };
        self.fixed(head, price, quantity)
    }

    fn usage_lines(&mut self, project: &'p Project) -> Result<(), Error> {
        for (i, s) in project.servers.iter().enumerate() {
            let source = indexed("servers[", i, "]");
            let (price, spec) =
                self.server_price(s.vcpu, s.memory_gb, &|| format!("{source} ({})", s.name))?;
            let os_source = (s.os != "linux").then(|| concat(&source, ".os"));
            let disk_source =
                (s.extra_disk_gb > Decimal::ZERO).then(|| concat(&source, ".extra_disk_gb"));
            let head = LineHead {
                category: Category::Server,
                name: &s.name,
                item: spec,
                unit: Some(Unit::VmMonth),
                source,
            };
            self.fixed(head, price, s.count)?;
            if let Some(os_source) = os_source {
                self.plain(Category::OsLicense, &s.os, &s.name, os_source, s.count)?;
            }
            if let Some(disk_source) = disk_source {
                let gb = s.extra_disk_gb.checked_mul(s.count).ok_or_else(|| {
                    Error::TooLarge(format!("servers[{i}].extra_disk_gb × count"))
                })?;
                self.plain(
                    Category::Storage,
                    &s.extra_disk_class,
                    &s.name,
                    disk_source,
                    gb,
                )?;
            }
        }
        for (i, s) in project.storage.iter().enumerate() {
            let source = indexed("storage[", i, "]");
            let (price, unit) = self.item_price(Category::Storage, &s.class, &|| {
                format!("{source} ({})", s.name)
            })?;
            let head = LineHead {
                category: Category::Storage,
                name: &s.name,
                item: s.class.clone(),
                unit,
                source,
            };
            self.push(
                head,
                Usage::Growing {
                    price,
                    base: s.gb,
                    growth: s.annual_growth_gb,
                },
                &no_reprice,
            )?;
        }
        let n = &project.network;
        for (qty, category, item, field) in [
            (
                n.load_balancers,
                Category::LoadBalancer,
                "standard",
                "network.load_balancers",
            ),
            (
                n.public_ips,
                Category::PublicIp,
                "ipv4",
                "network.public_ips",
            ),
            (n.vpn, Category::Vpn, "ipsec", "network.vpn"),
        ] {
            if qty > Decimal::ZERO {
                self.plain(category, item, item, field.to_owned(), qty)?;
            }
        }
        if n.outbound_gb_per_month > Decimal::ZERO || n.outbound_annual_growth_gb > Decimal::ZERO {
            let servers = project.server_count();
            let source = "network.outbound_gb_per_month".to_owned();
            let head = LineHead {
                category: Category::Traffic,
                name: "outbound",
                item: "outbound".into(),
                unit: Some(Unit::Gb),
                source,
            };
            let reprice = move |p: &Pricer<'_>, volume: Decimal| {
                p.traffic(volume, servers, "network.outbound_gb_per_month")
            };
            let usage = Usage::Repriced {
                base: n.outbound_gb_per_month,
                growth: n.outbound_annual_growth_gb,
                quantity: Decimal::ONE,
            };
            self.push(head, usage, &reprice)?;
        }
        for (i, b) in project.backup.iter().enumerate() {
            let source = indexed("backup[", i, "]");
            let needed_by = || format!("backup[{i}] ({})", b.name);
            let head = LineHead {
                category: Category::Backup,
                name: &b.name,
                item: "base".into(),
                unit: Some(Unit::EachMonth),
                source,
            };
            let reprice = |p: &Pricer<'_>, gb: Decimal| p.backup_for(gb, &needed_by);
            let usage = Usage::Repriced {
                base: b.gb,
                growth: b.annual_growth_gb,
                quantity: b.count,
            };
            self.push(head, usage, &reprice)?;
        }
        for (item, q) in &project.security.items {
            let qty = match q {
                SecurityQuantity::Count(n) => *n,
                SecurityQuantity::PerServer => project.server_count(),
            };
            if qty > Decimal::ZERO {
                self.plain(
                    Category::Security,
                    item,
                    item,
                    concat("security.", item),
                    qty,
                )?;
            }
        }
        for (i, e) in project.extras.iter().enumerate() {
            self.plain(
                e.category,
                &e.item,
                &e.name,
                indexed("extras[", i, "]"),
                e.quantity,
            )?;
        }
        Ok(())
    }
}

fn no_reprice(_: &Pricer<'_>, _: Decimal) -> Result<CombinedPrice, Error> {
    Err(Error::Report(
        "internal: a fixed-price line was repriced".into(),
    ))
}

fn cost_lines(project: &Project) -> Result<Vec<Line>, Error> {
    let mut lines = Vec::with_capacity(project.costs.len());
    for (i, cost) in project.costs.iter().enumerate() {
        let years = match cost.timing {
            CostTiming::Once { year, amount } => vec![(year, amount)],
            CostTiming::Yearly { from, to, per_year } => {
                (from..=to).map(|y| (y, per_year)).collect()
            }
        };
        lines.push(Line {
            budget_item: cost.budget_item(),
            category: cost.item.clone(),
            name: cost.name.clone(),
            item: cost.item.clone(),
            unit: None,
            source: format!("costs[{i}]"),
            years: years
                .into_iter()
                .map(|(year, amount)| LineYear {
                    year,
                    price: None,
                    quantity: None,
                    amount: truncate_won(amount),
                })
                .collect(),
            saas: None,
        });
    }
    Ok(lines)
}

fn overflow(what: &str) -> Error {
    Error::TooLarge(format!("the {what} exceeds the exact range"))
}

fn totals(
    project: &Project,
    window: &UsageWindow,
    years: &[i32],
    lines: &[Line],
) -> Result<Totals, Error> {
    let vat_pct = project.options.vat_pct;
    let mut by_year: BTreeMap<i32, Amounts> =
        years.iter().map(|y| (*y, Amounts::default())).collect();
    for line in lines {
        for ly in &line.years {
            let slot = by_year.entry(ly.year).or_default().slot(line.budget_item);
            *slot = slot
                .checked_add(ly.amount)
                .ok_or_else(|| overflow("yearly total"))?;
        }
    }
    let mut usage_fee = Decimal::ZERO;
    let mut usage_vat = Decimal::ZERO;
    for a in by_year.values_mut() {
        a.total = [a.usage_fee, a.conversion, a.sw_build, a.other]
            .into_iter()
            .try_fold(Decimal::ZERO, |s, x| s.checked_add(x))
            .ok_or_else(|| overflow("yearly total"))?;
        a.vat = percent_of(a.total, vat_pct).ok_or_else(|| overflow("VAT"))?;
        a.total_with_vat = a
            .total
            .checked_add(a.vat)
            .ok_or_else(|| overflow("total with VAT"))?;
        usage_fee = usage_fee
            .checked_add(a.usage_fee)
            .ok_or_else(|| overflow("usage fee"))?;
        let vat = percent_of(a.usage_fee, vat_pct).ok_or_else(|| overflow("VAT"))?;
        usage_vat = usage_vat.checked_add(vat).ok_or_else(|| overflow("VAT"))?;
    }
    let from = project.budget_year;
    let to = from
        .checked_add(project.midterm_years as i32 - 1)
        .ok_or_else(|| overflow("mid-term window"))?;
    let mut midterm = Amounts::default();
    let mut all = Amounts::default();
    for (year, a) in &by_year {
        if (from..=to).contains(year) {
            midterm = midterm
                .checked_add(a)
                .ok_or_else(|| overflow("mid-term total"))?;
        }
        all = all
            .checked_add(a)
            .ok_or_else(|| overflow("project total"))?;
    }
    Ok(Totals {
        by_year: by_year
            .into_iter()
            .map(|(year, amounts)| YearTotals { year, amounts })
            .collect(),
        midterm: MidtermTotals {
            from,
            to,
            amounts: midterm,
        },
        usage_window: UsageWindowTotals {
            from: window.start,
            to: window.end,
            usage_fee,
            usage_fee_with_vat: usage_fee
                .checked_add(usage_vat)
                .ok_or_else(|| overflow("usage fee with VAT"))?,
        },
        project_total: all.total,
        project_total_with_vat: all.total_with_vat,
    })
}
