//! The budget projection (SPEC §4.4–§6): lines, fiscal years, the mid-term financial plan
//! (중기재정계획), the usage window (7년 이용료 규모), the project total (총사업비) and VAT.

use std::sync::Arc;

use arcstr::ArcStr;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::amount::{line_amount, won_decimal, Product, Ratio};
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
    /// Which of the line's [`Line::prices`] priced this year (usage lines only); see
    /// [`Line::price`].
    pub price_index: Option<usize>,
    /// Quantity in that year (usage lines only).
    pub quantity: Option<Decimal>,
    /// Amount in whole won (R2).
    pub amount: Decimal,
    /// The R1 unit price of that year's price.
    unit_price: Option<Decimal>,
}

impl LineYear {
    /// The R1 unit price, for usage lines.
    pub fn unit_price(&self) -> Option<Decimal> {
        self.unit_price
    }
}

/// One line of the plan: a priced resource or an entered cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The budget item (이용료, 전환비, SW 구축비, 기타).
    pub budget_item: BudgetItem,
    /// Catalog category for usage lines; the cost's `item` for cost lines.
    pub category: ArcStr,
    /// Name from the project.
    pub name: ArcStr,
    /// Catalog item (or `8vCPU/16GB` for servers; the cost's item for costs).
    pub item: ArcStr,
    /// Unit of the catalog price, for usage lines.
    pub unit: Option<Unit>,
    /// The project field the line comes from, e.g. `servers[0]`.
    pub source: ArcStr,
    /// Fiscal years of the line with their amounts.
    pub years: Vec<LineYear>,
    /// The combined prices of a usage line with their provenance, in the order its years
    /// first use them: one for most lines, one per priced volume for traffic and backup
    /// (repriced as the volume grows); empty for cost lines. Kept once per line rather than
    /// per year.
    pub prices: Vec<Arc<CombinedPrice>>,
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

    /// The combined price and its provenance that priced one of the line's years.
    pub fn price(&self, year: &LineYear) -> Option<&Arc<CombinedPrice>> {
        year.price_index.and_then(|i| self.prices.get(i))
    }
}

/// A usage line's years and distinct prices, built together.
#[derive(Default)]
pub(crate) struct PricedYears {
    pub(crate) years: Vec<LineYear>,
    pub(crate) prices: Vec<Arc<CombinedPrice>>,
}

impl PricedYears {
    pub(crate) fn with_capacity(years: usize) -> PricedYears {
        PricedYears {
            years: Vec::with_capacity(years),
            prices: Vec::with_capacity(usize::from(years > 0)),
        }
    }

    /// Adds a year priced by `price` (shared with the previous year when it is the same).
    #[inline]
    pub(crate) fn push(
        &mut self,
        year: i32,
        price: &Arc<CombinedPrice>,
        quantity: Decimal,
        amount: Decimal,
    ) {
        if !self.prices.last().is_some_and(|p| Arc::ptr_eq(p, price)) {
            self.prices.push(price.clone());
        }
        self.years.push(LineYear {
            year,
            price_index: Some(self.prices.len() - 1),
            quantity: Some(quantity),
            amount,
            unit_price: Some(price.price),
        });
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
/// The combined prices a plan computes depend only on the catalog, the basis and what is
/// priced, so the catalog keeps them for its next plans: repricing many projects on one
/// catalog combines each server size or item once. (A [`Planner`] does the same per thread.)
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
    let mut planner = Planner::new(catalog)
        .with_saas(saas)
        .with_basis(basis.cloned());
    // Prices combined by earlier plans on this catalog are reused, and this plan's are kept
    // for the next: they depend only on the catalog, the basis and what is priced.
    planner.memos = catalog.take_price_memos();
    let plan = planner.plan(project);
    catalog.keep_price_memos(planner.memos);
    plan
}

/// Plans many projects against one catalog, pricing each distinct resource once.
///
/// A combined price depends only on the catalog, the basis and what is priced (a server size,
/// an item, a traffic or backup volume), so a planner keeps the prices it has combined and
/// reuses them for every later project: repricing a ministry's systems combines each server
/// size once, not once per project. Plans are identical to [`plan_with`]'s. A planner is not
/// shared between threads; give each thread its own (see [`crate::batch::plan_many`]).
///
/// ```
/// use cloud_tco::{plan, Catalog, Planner, Project};
/// let catalog = Catalog::embedded();
/// let project = Project::from_toml_str(r#"
///     kind = "new"
///     budget_year = 2027
///     service_start = "2027-01-01"
///     [[servers]]
///     vcpu = 2
///     memory_gb = 4
///     count = 3
/// "#).unwrap();
/// let mut planner = Planner::new(&catalog);
/// let first = planner.plan(&project).unwrap();
/// let again = planner.plan(&project).unwrap(); // the 2 vCPU / 4 GB price is reused
/// assert_eq!(first, again);
/// assert_eq!(first, plan(&project, &catalog, None).unwrap());
/// ```
#[derive(Debug)]
pub struct Planner<'c> {
    catalog: &'c Catalog,
    saas: &'c crate::saas::SaasCatalog,
    basis: Option<PriceBasis>,
    /// Prices combined so far, per basis (projects may name their own basis).
    memos: PriceMemos,
}

impl<'c> Planner<'c> {
    /// A planner over `catalog`, with the embedded SaaS catalog and each project's own basis.
    pub fn new(catalog: &'c Catalog) -> Planner<'c> {
        Planner {
            catalog,
            saas: crate::saas::SaasCatalog::embedded(),
            basis: None,
            memos: PriceMemos::default(),
        }
    }

    /// Prices `[[saas]]` entries from `saas` instead of the embedded SaaS catalog.
    pub fn with_saas(mut self, saas: &'c crate::saas::SaasCatalog) -> Planner<'c> {
        self.saas = saas;
        self
    }

    /// Overrides every project's `[options] basis` with `basis` (`None`: the project's own).
    pub fn with_basis(mut self, basis: Option<PriceBasis>) -> Planner<'c> {
        self.basis = basis;
        self
    }

    /// The catalog prices come from.
    pub fn catalog(&self) -> &'c Catalog {
        self.catalog
    }

    /// Prices one project, as [`plan_with`] does.
    pub fn plan(&mut self, project: &Project) -> Result<Plan, Error> {
        let priced = self.price(project, true)?;
        finish_plan(project, priced)
    }

    /// The totals of `project`'s plan without its lines: what a batch summary reports, without
    /// the cost of keeping every line and year with its price. Equal to `plan(project)?.totals`,
    /// and fails where [`Planner::plan`] fails, with the same error.
    ///
    /// ```
    /// use cloud_tco::{Catalog, Planner, Project};
    /// let catalog = Catalog::embedded();
    /// let project = Project::from_toml_str(r#"
    ///     kind = "new"
    ///     budget_year = 2027
    ///     service_start = "2027-03-15"
    ///     [[servers]]
    ///     vcpu = 4
    ///     memory_gb = 16
    ///     count = 2
    /// "#).unwrap();
    /// let mut planner = Planner::new(&catalog);
    /// assert_eq!(planner.totals(&project).unwrap(), planner.plan(&project).unwrap().totals);
    /// ```
    pub fn totals(&mut self, project: &Project) -> Result<Totals, Error> {
        let priced = self.price(project, false)?;
        let (years, sums) = year_sums(project, &priced);
        totals(project, &priced.window, &years, sums)
    }

    /// Prices every line of `project`; with `keep_lines` false, usage lines are only summed.
    fn price(&mut self, project: &Project, keep_lines: bool) -> Result<Priced, Error> {
        let basis = self
            .basis
            .as_ref()
            .or(project.options.basis.as_ref())
            .cloned()
            .unwrap_or_default();
        let pricer = Pricer::new(self.catalog, &basis)?;
        let window = UsageWindow::new(project.service_start, project.usage_years)?;
        let schedule = YearFactors::new(project, &window);
        let memo = self.memos.of(&basis);
        let mut builder = LineBuilder {
            pricer,
            schedule: &schedule,
            // At most: 3 lines per server group, 1 per storage, 3 network lines and traffic,
            // 1 per backup, security item, extra, cost and SaaS entry.
            lines: Vec::with_capacity(if keep_lines {
                3 * project.servers.len()
                    + project.storage.len()
                    + 4
                    + project.backup.len()
                    + project.security.items.len()
                    + project.extras.len()
                    + project.costs.len()
                    + project.saas.len()
            } else {
                project.costs.len() + project.saas.len()
            }),
            keep_lines,
            usage_sums: vec![0; schedule.years.len()],
            memo,
            source: String::new(),
        };
        builder.usage_lines(project)?;
        let (mut lines, usage_sums) = (builder.lines, builder.usage_sums);
        let usage_lines = lines.len();
        lines.extend(crate::saas::saas_lines(
            project,
            self.saas,
            &schedule.years,
        )?);
        lines.extend(cost_lines(project)?);
        let years = schedule.years.iter().map(|(year, ..)| *year);
        Ok(Priced {
            basis,
            window,
            lines,
            usage_lines,
            usage_sums: years.zip(usage_sums).collect(),
        })
    }
}

/// A project's priced lines.
struct Priced {
    basis: PriceBasis,
    window: UsageWindow,
    /// Every line; without the usage lines when only totals are wanted.
    lines: Vec<Line>,
    /// How many of `lines` are usage lines (they come first).
    usage_lines: usize,
    /// The usage lines' sums by fiscal year in whole won.
    usage_sums: Vec<(i32, i128)>,
}

/// The reported fiscal years — from the budget year or the first year of use, whichever is
/// earlier, to the last year of use or of any line — and each year's sums by budget item.
fn year_sums(project: &Project, priced: &Priced) -> (Vec<i32>, Vec<WonSums>) {
    let window = &priced.window;
    let mut lo = project.budget_year.min(window.start.year());
    let mut hi = project.budget_year.max(window.end.year());
    for line in &priced.lines {
        for y in &line.years {
            lo = lo.min(y.year);
            hi = hi.max(y.year);
        }
    }
    let years: Vec<i32> = (lo..=hi).collect();
    let mut sums = vec![WonSums::default(); years.len()];
    // Every year added lies within lo..=hi, which was derived from these very years.
    let mut add = |year: i32, item: usize, amount: i128| {
        let slot = &mut sums[(year - lo) as usize].items[item];
        *slot = slot.saturating_add(amount);
    };
    // The usage lines were summed as they were priced.
    for line in &priced.lines[priced.usage_lines..] {
        let item = item_index(line.budget_item);
        for ly in &line.years {
            add(ly.year, item, won_of(ly.amount));
        }
    }
    for &(year, amount) in &priced.usage_sums {
        add(year, item_index(BudgetItem::UsageFee), amount);
    }
    (years, sums)
}

/// Years, totals and the pre-consultation check of a plan whose lines are priced.
fn finish_plan(project: &Project, priced: Priced) -> Result<Plan, Error> {
    let (years, sums) = year_sums(project, &priced);
    let totals = totals(project, &priced.window, &years, sums)?;
    let mut plan = Plan {
        project: project.name.clone(),
        kind: project.kind,
        service_model: project.service_model,
        basis: priced.basis,
        budget_year: project.budget_year,
        window: priced.window,
        vat_pct: project.options.vat_pct,
        discount_pct: project.options.discount_pct,
        price_escalation_pct: project.options.price_escalation_pct,
        years,
        lines: priced.lines,
        totals,
        pre_consultation: None,
    };
    plan.pre_consultation = crate::consultation::pre_consultation(&plan, project.institution);
    Ok(plan)
}

/// A plain item's combined price and the unit of its first catalog row.
type KnownItem = (Arc<CombinedPrice>, Option<Unit>);

/// Combined prices per basis (projects may name their own basis), kept by a [`Planner`] or,
/// between calls of [`plan()`], by the catalog.
#[derive(Debug, Default)]
pub(crate) struct PriceMemos(Vec<(PriceBasis, PriceMemo)>);

impl PriceMemos {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The memo of `basis`, bounded in size.
    fn of(&mut self, basis: &PriceBasis) -> &mut PriceMemo {
        let i = match self.0.iter().position(|(b, _)| b == basis) {
            Some(i) => i,
            None => {
                self.0.push((basis.clone(), PriceMemo::default()));
                self.0.len() - 1
            }
        };
        let memo = &mut self.0[i].1;
        memo.bound();
        memo
    }
}

type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// Combined prices under one basis, kept across the plans of a [`Planner`]. Only successes
/// are kept: an error names the line that needed the price, so it is made again each time.
#[derive(Debug, Default)]
struct PriceMemo {
    /// By (vcpu, memory_gb): the price and the line item (`8vCPU/16GB`).
    servers: FastMap<(u32, Decimal), (Arc<CombinedPrice>, ArcStr)>,
    /// By category, then catalog item: the price and the unit of the item's first row.
    items: [FastMap<ArcStr, KnownItem>; Category::ALL.len()],
    /// By (monthly volume, server count).
    traffic: FastMap<(Decimal, Decimal), Arc<CombinedPrice>>,
    /// By backup set size in GB.
    backup: FastMap<Decimal, Arc<CombinedPrice>>,
}

impl PriceMemo {
    /// Most entries kept: traffic and backup volumes differ from project to project, and a
    /// long batch must not grow without bound.
    const MAX_ENTRIES: usize = 1 << 16;

    /// Forgets everything once the memo holds more than [`PriceMemo::MAX_ENTRIES`].
    fn bound(&mut self) {
        let held = self.servers.len()
            + self.items.iter().map(FastMap::len).sum::<usize>()
            + self.traffic.len()
            + self.backup.len();
        if held > Self::MAX_ENTRIES {
            *self = PriceMemo::default();
        }
    }
}

/// The category key as shared text (a static string: cloning it touches no counter).
fn category_text(category: Category) -> ArcStr {
    match category {
        Category::Server => arcstr::literal!("server"),
        Category::Storage => arcstr::literal!("storage"),
        Category::OsLicense => arcstr::literal!("os_license"),
        Category::LoadBalancer => arcstr::literal!("load_balancer"),
        Category::PublicIp => arcstr::literal!("public_ip"),
        Category::Vpn => arcstr::literal!("vpn"),
        Category::Traffic => arcstr::literal!("traffic"),
        Category::Backup => arcstr::literal!("backup"),
        Category::Security => arcstr::literal!("security"),
        Category::Monitoring => arcstr::literal!("monitoring"),
        Category::Managed => arcstr::literal!("managed"),
    }
}

/// Per fiscal year of the window: the service-year index and the exact factor
/// discount × escalation^i × months used.
pub(crate) struct YearFactors {
    pub(crate) years: Vec<(i32, u32, Ratio)>,
    /// Each year's factor in the 64-bit form of [`Product::times`], when it has one.
    small: Vec<Option<(u64, u64)>>,
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
            .collect::<Vec<_>>();
        let small = years.iter().map(|(.., f)| f.small_u64()).collect();
        YearFactors { years, small }
    }
}

struct LineBuilder<'a> {
    pricer: Pricer<'a>,
    schedule: &'a YearFactors,
    lines: Vec<Line>,
    /// Whether usage lines are kept (a plan) or only summed (totals).
    keep_lines: bool,
    /// The usage lines' sums in whole won per year of the schedule.
    usage_sums: Vec<i128>,
    memo: &'a mut PriceMemo,
    /// Scratch space for field paths such as `servers[3].os`.
    source: String,
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
        volume: Volume,
    },
}

/// What a repriced line's volume prices.
#[derive(Clone, Copy)]
enum Volume {
    /// Outbound traffic, with the project's server count (allowances may be per VM).
    Traffic { servers: Decimal },
    /// One backup set; the index names it in messages.
    Backup { index: usize },
}

struct LineHead<'h> {
    category: Category,
    name: Text<'h>,
    item: Text<'h>,
    unit: Option<Unit>,
    source: Text<'h>,
}

/// A line's text, made into shared text only for a line that is kept: a plan for totals only
/// (and the success path of every message) formats nothing.
#[derive(Clone)]
enum Text<'h> {
    Shared(ArcStr),
    Borrowed(&'h str),
    /// `prefix` + index + `suffix`, e.g. `servers[3].os`.
    Indexed(&'static str, usize, &'static str),
    /// `prefix` + text, e.g. `security.waf`.
    Prefixed(&'static str, &'h str),
}

impl Text<'_> {
    /// The text as shared text, written through `scratch`.
    fn shared(&self, scratch: &mut String) -> ArcStr {
        match self {
            Text::Shared(text) => text.clone(),
            Text::Borrowed(text) => ArcStr::from(*text),
            Text::Indexed(prefix, i, suffix) => {
                write_indexed(scratch, prefix, *i, suffix);
                ArcStr::from(scratch.as_str())
            }
            Text::Prefixed(prefix, text) => {
                scratch.clear();
                scratch.push_str(prefix);
                scratch.push_str(text);
                ArcStr::from(scratch.as_str())
            }
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Text::Shared(text) => text.is_empty(),
            Text::Borrowed(text) => text.is_empty(),
            Text::Indexed(..) => false,
            Text::Prefixed(prefix, text) => prefix.is_empty() && text.is_empty(),
        }
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        match self {
            Text::Shared(text) => text.as_str() == other,
            Text::Borrowed(text) => *text == other,
            Text::Indexed(prefix, i, suffix) => other
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .is_some_and(|digits| {
                    (digits == "0" || !digits.starts_with('0')) && digits.parse() == Ok(*i)
                }),
            Text::Prefixed(prefix, text) => other.strip_prefix(prefix) == Some(*text),
        }
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Text::Shared(text) => f.write_str(text),
            Text::Borrowed(text) => f.write_str(text),
            Text::Indexed(prefix, i, suffix) => write!(f, "{prefix}{i}{suffix}"),
            Text::Prefixed(prefix, text) => write!(f, "{prefix}{text}"),
        }
    }
}

/// `prefix` + `i` + `suffix` into `out`, e.g. `servers[3].os`, without the formatting
/// machinery.
fn write_indexed(out: &mut String, prefix: &str, i: usize, suffix: &str) {
    out.clear();
    out.push_str(prefix);
    out.push_str(crate::money::digits(i as u64, &mut [0; 20]));
    out.push_str(suffix);
}

impl LineBuilder<'_> {
    fn push(&mut self, head: LineHead<'_>, usage: Usage) -> Result<(), Error> {
        if let Usage::Growing {
            price,
            base,
            growth,
        } = &usage
        {
            if growth.is_zero() {
                return self.push_steady(head, price, *base, *growth);
            }
        }
        let keep = self.keep_lines;
        let mut years =
            PricedYears::with_capacity(if keep { self.schedule.years.len() } else { 0 });
        let mut last: Option<(Decimal, Arc<CombinedPrice>)> = None;
        // Without growth, `growth × i + base` is the same decimal (value and scale) every
        // year, and cannot overflow: it is computed once.
        let mut steady: Option<Decimal> = None;
        for (k, &(_, i, _)) in self.schedule.years.iter().enumerate() {
            let step = Decimal::from(i);
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
                } => (price, grown(*base, *growth)?),
                Usage::Repriced {
                    base,
                    growth,
                    quantity,
                    volume,
                } => {
                    let amount = grown(*base, *growth)?;
                    if !matches!(&last, Some((v, _)) if *v == amount) {
                        last = Some((amount, self.volume_price(*volume, amount, &head)?));
                    }
                    let (_, price) = last.as_ref().expect("priced just above");
                    (price, *quantity)
                }
            };
            self.price_year(k, &mut years, price, quantity, None)?;
        }
        self.finish_line(head, years);
        Ok(())
    }

    /// Prices year `k` of the schedule for a usage line: its amount is added to the year's
    /// sum, and the year kept when lines are kept.
    // Inlined into the per-year loops: a call would pass the decimals through memory.
    #[inline(always)]
    fn price_year(
        &mut self,
        k: usize,
        years: &mut PricedYears,
        price: &Arc<CombinedPrice>,
        quantity: Decimal,
        product: Option<Product>,
    ) -> Result<(), Error> {
        let (year, _, factor) = &self.schedule.years[k];
        let fast = match (product, self.schedule.small[k]) {
            (Some(product), Some((num, den))) => product.times(num, den),
            _ => None,
        };
        // The sum takes the integer as it is: a decimal read back from memory would cost a
        // stall on every line-year.
        let (won_amount, amount) = match fast {
            Some(won) => (won as i128, None),
            None if factor.is_zero() => (0, Some(Decimal::ZERO)),
            None => {
                let amount = line_amount(price.price, quantity, factor)?;
                (won_of(amount), Some(amount))
            }
        };
        // Amounts are below 2^96: saturation stands for an overflow the totals report.
        self.usage_sums[k] = self.usage_sums[k].saturating_add(won_amount);
        if self.keep_lines {
            let amount = amount.unwrap_or_else(|| won_decimal(won_amount as u128));
            years.push(*year, price, quantity, amount);
        }
        Ok(())
    }

    /// A line whose price and quantity stay the same every year (most lines): the quantity
    /// is computed once and each year costs one amount.
    fn push_steady(
        &mut self,
        head: LineHead<'_>,
        price: &Arc<CombinedPrice>,
        base: Decimal,
        growth: Decimal,
    ) -> Result<(), Error> {
        let keep = self.keep_lines;
        let mut years =
            PricedYears::with_capacity(if keep { self.schedule.years.len() } else { 0 });
        if let Some(&(_, first, _)) = self.schedule.years.first() {
            // `growth × i + base` with zero growth: the same decimal (value and scale) as in
            // every other year.
            let quantity = growth
                .checked_mul(Decimal::from(first))
                .and_then(|g| g.checked_add(base))
                .ok_or_else(|| Error::TooLarge(format!("the grown quantity of {}", head.source)))?;
            let product = Product::new(price.price, quantity);
            for k in 0..self.schedule.years.len() {
                self.price_year(k, &mut years, price, quantity, product)?;
            }
        }
        self.finish_line(head, years);
        Ok(())
    }

    /// Keeps the line when lines are kept.
    fn finish_line(&mut self, head: LineHead<'_>, years: PricedYears) {
        if self.keep_lines {
            let scratch = &mut self.source;
            let line = Line {
                budget_item: BudgetItem::UsageFee,
                category: category_text(head.category),
                name: head.name.shared(scratch),
                item: head.item.shared(scratch),
                unit: head.unit,
                source: head.source.shared(scratch),
                years: years.years,
                prices: years.prices,
                saas: None,
            };
            self.lines.push(line);
        }
    }

    /// The price of a traffic or backup volume, combined once per planner.
    fn volume_price(
        &mut self,
        volume: Volume,
        amount: Decimal,
        head: &LineHead<'_>,
    ) -> Result<Arc<CombinedPrice>, Error> {
        match volume {
            Volume::Traffic { servers } => {
                if let Some(p) = self.memo.traffic.get(&(amount, servers)) {
                    return Ok(p.clone());
                }
                let source = head.source.to_string();
                let price = Arc::new(self.pricer.traffic(amount, servers, &source)?);
                self.memo.traffic.insert((amount, servers), price.clone());
                Ok(price)
            }
            Volume::Backup { index } => {
                if let Some(p) = self.memo.backup.get(&amount) {
                    return Ok(p.clone());
                }
                let needed_by = || format!("backup[{index}] ({})", head.name);
                let price = Arc::new(self.pricer.backup_for(amount, &needed_by)?);
                self.memo.backup.insert(amount, price.clone());
                Ok(price)
            }
        }
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
        self.push(head, usage)
    }

    /// The combined price, unit and item text of a plain item, combined once per planner.
    fn item_price(
        &mut self,
        category: Category,
        item: &str,
        needed_by: &dyn Fn() -> String,
    ) -> Result<(Arc<CombinedPrice>, Option<Unit>, ArcStr), Error> {
        let known = &mut self.memo.items[category as usize];
        if let Some((key, (price, unit))) = known.get_key_value(item) {
            return Ok((price.clone(), *unit, key.clone()));
        }
        let (price, unit) = self.pricer.item_unit_for(category, item, needed_by)?;
        let price = Arc::new(price);
        let key = ArcStr::from(item);
        known.insert(key.clone(), (price.clone(), unit));
        Ok((price, unit, key))
    }

    /// The combined price of a server size and its line item (`8vCPU/16GB`), once per
    /// planner.
    fn server_price(
        &mut self,
        vcpu: u32,
        memory_gb: Decimal,
        needed_by: &dyn Fn() -> String,
    ) -> Result<(Arc<CombinedPrice>, ArcStr), Error> {
        if let Some((price, spec)) = self.memo.servers.get(&(vcpu, memory_gb)) {
            return Ok((price.clone(), spec.clone()));
        }
        let spec = ArcStr::from(format!("{vcpu}vCPU/{}GB", memory_gb.normalize()));
        let price = Arc::new(self.pricer.server_for(vcpu, memory_gb, needed_by)?);
        self.memo
            .servers
            .insert((vcpu, memory_gb), (price.clone(), spec.clone()));
        Ok((price, spec))
    }

    fn plain(
        &mut self,
        category: Category,
        item: &str,
        name: Text<'_>,
        source: Text<'_>,
        quantity: Decimal,
    ) -> Result<(), Error> {
        let needed_by = || {
            if name == *item || name.is_empty() {
                source.to_string()
            } else {
                format!("{source} ({name})")
            }
        };
        let (price, unit, item) = self.item_price(category, item, &needed_by)?;
        let head = LineHead {
            category,
            name,
            item: Text::Shared(item),
            unit,
            source,
        };
        self.fixed(head, price, quantity)
    }

    /// A project text for the lines of one entry: shared once when the lines are kept.
    fn entry_text<'t>(&self, text: &'t str) -> Text<'t> {
        if self.keep_lines {
            Text::Shared(ArcStr::from(text))
        } else {
            Text::Borrowed(text)
        }
    }

    fn usage_lines(&mut self, project: &Project) -> Result<(), Error> {
        for (i, s) in project.servers.iter().enumerate() {
            let source = Text::Indexed("servers[", i, "]");
            let name = self.entry_text(&s.name);
            let (price, spec) =
                self.server_price(s.vcpu, s.memory_gb, &|| format!("{source} ({})", s.name))?;
            let head = LineHead {
                category: Category::Server,
                name: name.clone(),
                item: Text::Shared(spec),
                unit: Some(Unit::VmMonth),
                source,
            };
            self.fixed(head, price, s.count)?;
            if s.os != "linux" {
                let os_source = Text::Indexed("servers[", i, "].os");
                self.plain(Category::OsLicense, &s.os, name.clone(), os_source, s.count)?;
            }
            if s.extra_disk_gb > Decimal::ZERO {
                let disk_source = Text::Indexed("servers[", i, "].extra_disk_gb");
                let gb = s.extra_disk_gb.checked_mul(s.count).ok_or_else(|| {
                    Error::TooLarge(format!("servers[{i}].extra_disk_gb × count"))
                })?;
                self.plain(
                    Category::Storage,
                    &s.extra_disk_class,
                    name,
                    disk_source,
                    gb,
                )?;
            }
        }
        for (i, s) in project.storage.iter().enumerate() {
            let source = Text::Indexed("storage[", i, "]");
            let (price, unit, item) = self.item_price(Category::Storage, &s.class, &|| {
                format!("{source} ({})", s.name)
            })?;
            let head = LineHead {
                category: Category::Storage,
                name: Text::Borrowed(&s.name),
                item: Text::Shared(item),
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
            )?;
        }
        let n = &project.network;
        for (qty, category, item, field) in [
            (
                n.load_balancers,
                Category::LoadBalancer,
                "standard",
                arcstr::literal!("network.load_balancers"),
            ),
            (
                n.public_ips,
                Category::PublicIp,
                "ipv4",
                arcstr::literal!("network.public_ips"),
            ),
            (
                n.vpn,
                Category::Vpn,
                "ipsec",
                arcstr::literal!("network.vpn"),
            ),
        ] {
            if qty > Decimal::ZERO {
                let (name, source) = (Text::Borrowed(item), Text::Shared(field));
                self.plain(category, item, name, source, qty)?;
            }
        }
        if n.outbound_gb_per_month > Decimal::ZERO || n.outbound_annual_growth_gb > Decimal::ZERO {
            let head = LineHead {
                category: Category::Traffic,
                name: Text::Shared(arcstr::literal!("outbound")),
                item: Text::Shared(arcstr::literal!("outbound")),
                unit: Some(Unit::Gb),
                source: Text::Shared(arcstr::literal!("network.outbound_gb_per_month")),
            };
            let usage = Usage::Repriced {
                base: n.outbound_gb_per_month,
                growth: n.outbound_annual_growth_gb,
                quantity: Decimal::ONE,
                volume: Volume::Traffic {
                    servers: project.server_count(),
                },
            };
            self.push(head, usage)?;
        }
        for (i, b) in project.backup.iter().enumerate() {
            let head = LineHead {
                category: Category::Backup,
                name: Text::Borrowed(&b.name),
                item: Text::Shared(arcstr::literal!("base")),
                unit: Some(Unit::EachMonth),
                source: Text::Indexed("backup[", i, "]"),
            };
            let usage = Usage::Repriced {
                base: b.gb,
                growth: b.annual_growth_gb,
                quantity: b.count,
                volume: Volume::Backup { index: i },
            };
            self.push(head, usage)?;
        }
        for (item, q) in &project.security.items {
            let qty = match q {
                SecurityQuantity::Count(n) => *n,
                SecurityQuantity::PerServer => project.server_count(),
            };
            if qty > Decimal::ZERO {
                let (name, source) = (Text::Borrowed(item), Text::Prefixed("security.", item));
                self.plain(Category::Security, item, name, source, qty)?;
            }
        }
        for (i, e) in project.extras.iter().enumerate() {
            let (name, source) = (Text::Borrowed(&e.name), Text::Indexed("extras[", i, "]"));
            self.plain(e.category, &e.item, name, source, e.quantity)?;
        }
        Ok(())
    }
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
            category: ArcStr::from(cost.item.as_str()),
            name: ArcStr::from(cost.name.as_str()),
            item: ArcStr::from(cost.item.as_str()),
            unit: None,
            source: ArcStr::from(format!("costs[{i}]")),
            years: years
                .into_iter()
                .map(|(year, amount)| LineYear {
                    year,
                    price_index: None,
                    quantity: None,
                    amount: truncate_won(amount),
                    unit_price: None,
                })
                .collect(),
            prices: Vec::new(),
            saas: None,
        });
    }
    Ok(lines)
}

fn overflow(what: &str) -> Error {
    Error::TooLarge(format!("the {what} exceeds the exact range"))
}

/// One fiscal year's sums in whole won, as integers while summing.
///
/// Every amount is whole won below 2^96, so no realistic number of lines can overflow i128;
/// the sums are checked against the decimal range once, when they become [`Amounts`].
#[derive(Clone, Copy, Default)]
struct WonSums {
    /// By budget item, in [`BudgetItem::ALL`] order.
    items: [i128; 4],
    total: i128,
    vat: i128,
}

impl WonSums {
    fn add(&mut self, other: &WonSums) -> Option<()> {
        for (a, b) in self.items.iter_mut().zip(other.items) {
            *a = a.checked_add(b)?;
        }
        self.total = self.total.checked_add(other.total)?;
        self.vat = self.vat.checked_add(other.vat)?;
        Some(())
    }

    fn amounts(&self, what: &str) -> Result<Amounts, Error> {
        let won = |x: i128| Decimal::try_from_i128_with_scale(x, 0).map_err(|_| overflow(what));
        let [usage_fee, conversion, sw_build, other] = self.items;
        Ok(Amounts {
            usage_fee: won(usage_fee)?,
            conversion: won(conversion)?,
            sw_build: won(sw_build)?,
            other: won(other)?,
            total: won(self.total)?,
            vat: won(self.vat)?,
            total_with_vat: won(self
                .total
                .checked_add(self.vat)
                .ok_or_else(|| overflow(what))?)?,
        })
    }
}

fn item_index(item: BudgetItem) -> usize {
    match item {
        BudgetItem::UsageFee => 0,
        BudgetItem::Conversion => 1,
        BudgetItem::SwBuild => 2,
        BudgetItem::Other => 3,
    }
}

/// A whole-won amount as an integer.
fn won_of(amount: Decimal) -> i128 {
    if amount.scale() == 0 {
        amount.mantissa()
    } else {
        truncate_won(amount).mantissa()
    }
}

/// The totals of a plan from its sums by fiscal year (`sums[i]` is the year `years[i]`).
fn totals(
    project: &Project,
    window: &UsageWindow,
    years: &[i32],
    mut sums: Vec<WonSums>,
) -> Result<Totals, Error> {
    let vat_pct = project.options.vat_pct;
    let mut by_year = Vec::with_capacity(years.len());
    let mut usage_fee: i128 = 0;
    let mut usage_vat: i128 = 0;
    let from = project.budget_year;
    let to = from
        .checked_add(project.midterm_years as i32 - 1)
        .ok_or_else(|| overflow("mid-term window"))?;
    let mut midterm = WonSums::default();
    let mut all = WonSums::default();
    for (&year, s) in years.iter().zip(&mut sums) {
        s.total = s
            .items
            .iter()
            .try_fold(0i128, |t, x| t.checked_add(*x))
            .ok_or_else(|| overflow("yearly total"))?;
        // Items are never negative, so they fit whenever their total does.
        let total =
            Decimal::try_from_i128_with_scale(s.total, 0).map_err(|_| overflow("yearly total"))?;
        let vat = percent_of(total, vat_pct).ok_or_else(|| overflow("VAT"))?;
        s.vat = won_of(vat);
        let amounts = s.amounts("total with VAT")?;
        usage_fee = usage_fee
            .checked_add(s.items[0])
            .ok_or_else(|| overflow("usage fee"))?;
        let vat = percent_of(amounts.usage_fee, vat_pct).ok_or_else(|| overflow("VAT"))?;
        usage_vat = usage_vat
            .checked_add(won_of(vat))
            .ok_or_else(|| overflow("VAT"))?;
        if (from..=to).contains(&year) {
            midterm.add(s).ok_or_else(|| overflow("mid-term total"))?;
        }
        all.add(s).ok_or_else(|| overflow("project total"))?;
        by_year.push(YearTotals { year, amounts });
    }
    let whole =
        |x: i128, what: &str| Decimal::try_from_i128_with_scale(x, 0).map_err(|_| overflow(what));
    let all = all.amounts("project total")?;
    Ok(Totals {
        by_year,
        midterm: MidtermTotals {
            from,
            to,
            amounts: midterm.amounts("mid-term total")?,
        },
        usage_window: UsageWindowTotals {
            from: window.start,
            to: window.end,
            usage_fee: whole(usage_fee, "usage fee")?,
            usage_fee_with_vat: whole(
                usage_fee
                    .checked_add(usage_vat)
                    .ok_or_else(|| overflow("usage fee with VAT"))?,
                "usage fee with VAT",
            )?,
        },
        project_total: all.total,
        project_total_with_vat: all.total_with_vat,
    })
}
