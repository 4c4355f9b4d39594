//! Total cost of ownership against staying on premises (guide §3.1 checklist 4.1④
//! 비용효율성: "레거시 기준 7년 비용 비교"; §5.5.4 탄소 저감률).
//!
//! [`tco`] prices the cloud side with [`plan`](crate::plan()) and costs the project's
//! `[on_premises]` section over the same fiscal years, then compares them year by year: the
//! saving, the cumulative figures, the break-even year, the net present value of both sides and
//! of the saving, and the electricity no longer drawn with its tree-planting equivalent.
//!
//! # Rules
//!
//! **Years.** The compared fiscal years are the plan's reported years (SPEC §5): from the
//! earlier of the budget year and the first year of use to the last year of use, plus any year of
//! an entered cloud cost. The cloud cost of a year is the plan's `total` of that year (usage fees
//! and entered one-off and recurring costs), so the cloud column adds up to the plan's 총사업비.
//! Both sides exclude VAT (부가세 별도); VAT would scale both alike.
//!
//! **Amounts (R2).** Every on-premises line is computed exactly for each year — products first,
//! one division last — and truncated toward zero to whole won (SPEC §1 R2); yearly totals are sums
//! of truncated line amounts.
//!
//! **Proration.** A yearly amount (maintenance, electricity, floor space, staff, a `per_year`
//! cost) counts `amount × months ÷ 12` in a fiscal year, where `months` is the plan's months of use
//! in that year ([`UsageWindow::months_in_year`]: whole months count 1, a partly used month
//! `days ÷ days in month`). Outside the usage window it counts 0: the system runs on premises
//! exactly as long as it would run in the cloud.
//!
//! **Hardware.** Purchases fall in the purchase year and every `useful_life_years` before and
//! after it (the cycle `purchase_year + k × life` for every whole `k`; `purchase_year` defaults to
//! the budget year). A purchase counts in full, unprorated, when it falls in a compared year from
//! the earlier of the budget year and the first year of use to the last year of use; a purchase
//! before that span is hardware already owned, and none is made after the last year of use. No
//! residual value is credited for hardware whose life outlasts the window. Maintenance in a year
//! of use is `maintenance_pct` % of the purchase amount, prorated, once `warranty_years` have
//! passed since the purchase in service (the latest purchase of the cycle in or before that
//! year): with a warranty of 1 year, from the year after each purchase.
//!
//! **Software.** A perpetual licence, bought once in its purchase year (default the budget year)
//! and counted when that year falls in the same span as hardware purchases; an earlier year means
//! it is already owned. Maintenance is `maintenance_pct` % (default 11) of the licence amount,
//! prorated, from `purchase_year + warranty_years` on.
//!
//! **Facility.** Electricity is `power_kw × pue × hours_per_year × won_per_kwh` a year, prorated;
//! floor space or racks and operations staff are yearly amounts, prorated. A one-off
//! `[[on_premises.costs]]` amount counts in its year (which must lie in the span above); a
//! `per_year` one every year of use, prorated.
//!
//! **Saving, cumulative, break-even.** The saving of a year is on-premises − cloud (positive when
//! the cloud is cheaper). Cumulative figures are running sums from the first compared year. The
//! break-even year is the first year whose cumulative cloud cost is at most the cumulative
//! on-premises cost, skipping years in which neither side has spent anything yet; there is none
//! when that never happens. [`Tco::break_even_holds`] says whether the cumulative saving then
//! stays ≥ 0 to the end (a hardware cycle or growing usage can turn it back).
//!
//! **Net present value.** `NPV = Σ flow_y ÷ (1 + r/100)^(y − base_year)` with `base_year` = the
//! budget year (a year before it is compounded forward), computed exactly with big-integer
//! fractions and rounded once, half-up (away from zero), to whole won — an NPV is an analytic
//! figure, not a budget amount, so it is rounded rather than truncated. The NPV of the saving is
//! computed from the yearly savings, so it may differ by 1 won from the difference of the two
//! rounded NPVs. The rate must be greater than −100 and at most 100 ([`MAX_DISCOUNT_RATE_PCT`]);
//! the default 4.5 ([`DEFAULT_DISCOUNT_RATE_PCT`]) is the social discount rate of Korean
//! preliminary feasibility studies (기획재정부, 예비타당성조사 제도 개편, 2017: 5.5 % → 4.5 %).
//!
//! **Energy and carbon (guide §5.5.4).** The kWh saved in a year is `power_kw × hours_per_year ×
//! months ÷ 12`: the servers' own consumption, because the guide compares "서버 소요 전력량"
//! before and after and leaves network equipment, air conditioning (향온향습기), AVR and UPS out
//! of the count — so the PUE is *not* applied. The facility's whole draw (× PUE), which the
//! electricity cost uses, is reported beside it as `facility_kwh`. Both are computed exactly and
//! rounded half-up to 2 decimals. Trees = kWh saved (as reported, 2 decimals) × 0.07
//! ([`TREES_PER_KWH`]: "1kwh당 식재 효과는 0.07그루"), exact, so with 4 decimals.

use std::collections::BTreeMap;

use chrono::Datelike;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::amount::{line_amount, Ratio};
use crate::catalog::Catalog;
use crate::error::{Error, Location, Problem, ProjectError};
use crate::money::truncate_won;
use crate::plan::{plan, Plan};
use crate::pricing::PriceBasis;
use crate::project::{OnPremises, OnPremisesTiming, Project};
use crate::schedule::{Fraction, UsageWindow};

/// The default discount rate, percent: 4.5, the social discount rate of Korean preliminary
/// feasibility studies (예비타당성조사 사회적 할인율) since 2017.
pub const DEFAULT_DISCOUNT_RATE_PCT: Decimal = Decimal::from_parts(45, 0, 0, false, 1);

/// The highest discount rate accepted, percent.
pub const MAX_DISCOUNT_RATE_PCT: Decimal = Decimal::ONE_HUNDRED;

/// The farthest a flow may lie from the base year of an NPV, in years.
pub const MAX_NPV_YEARS: i64 = 10_000;

/// Trees planted per kWh saved (guide §5.5.4: "1kwh당 식재 효과는 0.07그루").
pub const TREES_PER_KWH: Decimal = Decimal::from_parts(7, 0, 0, false, 2);

/// What an on-premises line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OnPremisesItem {
    /// H/W 구매: hardware purchases.
    HardwarePurchase,
    /// H/W 유지보수: hardware maintenance.
    HardwareMaintenance,
    /// S/W 라이선스: software licence.
    SoftwareLicense,
    /// S/W 유지보수: software maintenance.
    SoftwareMaintenance,
    /// 전력비: electricity.
    Electricity,
    /// 상면·랙: floor space or racks.
    Space,
    /// 운영 인력: operations staff.
    Staff,
    /// 기타: another entered amount.
    Other,
}

impl OnPremisesItem {
    /// Every item, in report order.
    pub const ALL: [OnPremisesItem; 8] = [
        OnPremisesItem::HardwarePurchase,
        OnPremisesItem::HardwareMaintenance,
        OnPremisesItem::SoftwareLicense,
        OnPremisesItem::SoftwareMaintenance,
        OnPremisesItem::Electricity,
        OnPremisesItem::Space,
        OnPremisesItem::Staff,
        OnPremisesItem::Other,
    ];

    /// The key used in JSON and CSV.
    pub fn key(self) -> &'static str {
        match self {
            OnPremisesItem::HardwarePurchase => "hardware_purchase",
            OnPremisesItem::HardwareMaintenance => "hardware_maintenance",
            OnPremisesItem::SoftwareLicense => "software_license",
            OnPremisesItem::SoftwareMaintenance => "software_maintenance",
            OnPremisesItem::Electricity => "electricity",
            OnPremisesItem::Space => "space",
            OnPremisesItem::Staff => "staff",
            OnPremisesItem::Other => "other",
        }
    }

    /// The Korean label.
    pub fn korean(self) -> &'static str {
        match self {
            OnPremisesItem::HardwarePurchase => "H/W 구매",
            OnPremisesItem::HardwareMaintenance => "H/W 유지보수",
            OnPremisesItem::SoftwareLicense => "S/W 라이선스",
            OnPremisesItem::SoftwareMaintenance => "S/W 유지보수",
            OnPremisesItem::Electricity => "전력비",
            OnPremisesItem::Space => "상면·랙",
            OnPremisesItem::Staff => "운영 인력",
            OnPremisesItem::Other => "기타",
        }
    }

    /// The English label.
    pub fn english(self) -> &'static str {
        match self {
            OnPremisesItem::HardwarePurchase => "H/W purchase",
            OnPremisesItem::HardwareMaintenance => "H/W maintenance",
            OnPremisesItem::SoftwareLicense => "S/W licence",
            OnPremisesItem::SoftwareMaintenance => "S/W maintenance",
            OnPremisesItem::Electricity => "Electricity",
            OnPremisesItem::Space => "Floor space / racks",
            OnPremisesItem::Staff => "Operations staff",
            OnPremisesItem::Other => "Other",
        }
    }
}

/// An amount of one fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearAmount {
    /// Fiscal year.
    pub year: i32,
    /// Whole won (R2).
    pub amount: Decimal,
}

/// One line of the on-premises side: an amount for every compared year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnPremisesLine {
    /// What it is for.
    pub item: OnPremisesItem,
    /// The name from the project (`hardware`, `software`, a cost's name, …).
    pub name: String,
    /// The project field it comes from, e.g. `on_premises.hardware.purchase_amount`.
    pub source: String,
    /// One amount per compared year, in order.
    pub amounts: Vec<YearAmount>,
}

impl OnPremisesLine {
    /// The amount in `year` (0 when not compared).
    pub fn amount(&self, year: i32) -> Decimal {
        // The amounts run over consecutive years: look the year up by its position first.
        let at = self.amounts.first().and_then(|first| {
            let i = usize::try_from(i64::from(year) - i64::from(first.year)).ok()?;
            self.amounts.get(i).filter(|a| a.year == year)
        });
        at.or_else(|| self.amounts.iter().find(|a| a.year == year))
            .map_or(Decimal::ZERO, |a| a.amount)
    }

    /// The sum over the compared years.
    pub fn total(&self) -> Decimal {
        self.amounts
            .iter()
            .fold(Decimal::ZERO, |s, a| s.saturating_add(a.amount))
    }
}

/// One compared fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcoYear {
    /// Fiscal year.
    pub year: i32,
    /// Months of use in the year (0 outside the usage window).
    pub months: Fraction,
    /// The plan's total of the year, VAT excluded.
    pub cloud: Decimal,
    /// The sum of the on-premises lines of the year.
    pub on_premises: Decimal,
    /// `on_premises − cloud`.
    pub saving: Decimal,
    /// Σ cloud up to and including this year.
    pub cloud_cumulative: Decimal,
    /// Σ on-premises up to and including this year.
    pub on_premises_cumulative: Decimal,
    /// Σ saving up to and including this year.
    pub saving_cumulative: Decimal,
    /// kWh of the servers no longer drawn (no PUE), 2 decimals.
    pub kwh_saved: Decimal,
    /// kWh of the whole machine room (× PUE), 2 decimals.
    pub facility_kwh: Decimal,
    /// `kwh_saved × 0.07` trees, exact.
    pub trees: Decimal,
}

/// Net present values, discounted to the budget year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Npv {
    /// The discount rate, percent.
    pub discount_rate_pct: Decimal,
    /// The year flows are discounted to (the budget year).
    pub base_year: i32,
    /// NPV of the cloud costs, whole won.
    pub cloud: Decimal,
    /// NPV of the on-premises costs, whole won.
    pub on_premises: Decimal,
    /// NPV of the savings, whole won.
    pub savings: Decimal,
}

/// Sums over the compared years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcoTotals {
    /// Σ cloud (= the plan's project total, VAT excluded).
    pub cloud: Decimal,
    /// Σ on-premises.
    pub on_premises: Decimal,
    /// Σ savings.
    pub savings: Decimal,
    /// Σ kWh saved.
    pub kwh_saved: Decimal,
    /// Σ facility kWh.
    pub facility_kwh: Decimal,
    /// Σ trees.
    pub trees: Decimal,
}

/// The TCO comparison of a project: the cloud plan against staying on premises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tco {
    /// Project name.
    pub project: String,
    /// The cloud side: the project's plan.
    pub plan: Plan,
    /// The on-premises model it was costed from.
    pub on_premises: OnPremises,
    /// One entry per compared fiscal year, in order.
    pub by_year: Vec<TcoYear>,
    /// The on-premises lines.
    pub lines: Vec<OnPremisesLine>,
    /// Sums.
    pub totals: TcoTotals,
    /// The first year whose cumulative cloud cost is at most the cumulative on-premises cost.
    pub break_even_year: Option<i32>,
    /// Whether the cumulative saving stays ≥ 0 from the break-even year to the end.
    pub break_even_holds: bool,
    /// Net present values.
    pub npv: Npv,
}

impl Tco {
    /// The compared fiscal years.
    pub fn years(&self) -> Vec<i32> {
        self.by_year.iter().map(|y| y.year).collect()
    }

    /// The sum of the on-premises lines of `item` in `year`.
    pub fn item_amount(&self, item: OnPremisesItem, year: i32) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.item == item)
            .fold(Decimal::ZERO, |s, l| s.saturating_add(l.amount(year)))
    }
}

fn too_large(what: &str) -> Error {
    Error::TooLarge(format!("the {what} exceeds the exact range"))
}

fn invalid(field: &str, message: String) -> Error {
    Error::Project(ProjectError::single(
        Location::new(None, None, Some(field)),
        message,
    ))
}

/// Checks a discount rate: greater than −100 and at most [`MAX_DISCOUNT_RATE_PCT`].
///
/// ```
/// use cloud_tco::tco::check_discount_rate;
/// assert!(check_discount_rate("4.5".parse().unwrap()).is_ok());
/// assert!(check_discount_rate("-100".parse().unwrap()).is_err());
/// assert!(check_discount_rate("250".parse().unwrap()).is_err());
/// ```
pub fn check_discount_rate(pct: Decimal) -> Result<(), Error> {
    if pct <= -Decimal::ONE_HUNDRED || pct > MAX_DISCOUNT_RATE_PCT {
        return Err(invalid(
            "discount_rate_pct",
            format!("the discount rate {pct} % is out of range; it must be greater than -100 and at most {MAX_DISCOUNT_RATE_PCT} (default 4.5)"),
        ));
    }
    Ok(())
}

/// A decimal as an exact ratio.
fn dec_ratio(d: Decimal) -> Ratio {
    // 10^scale ≤ 10^28 fits an i128.
    let den = 10i128.pow(d.scale());
    Ratio::small(d.mantissa(), den)
}

fn big_parts(r: &Ratio) -> (BigInt, BigInt) {
    match r {
        Ratio::Small { num, den } => (BigInt::from(*num), BigInt::from(*den)),
        Ratio::Big { num, den } => (num.clone(), den.clone()),
    }
}

/// `num / den` (den > 0) rounded half away from zero to `dp` decimals.
fn round_half_up(num: &BigInt, den: &BigInt, dp: u32) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    let (num, den) = if den.is_negative() {
        (-num, -den)
    } else {
        (num.clone(), den.clone())
    };
    let scaled = num * num_traits::pow(BigInt::from(10), dp as usize);
    let twice = BigInt::from(2) * scaled.abs() + &den;
    let q = twice.div_floor(&(BigInt::from(2) * den));
    let q = if scaled.is_negative() { -q } else { q };
    Decimal::try_from_i128_with_scale(q.to_i128()?, dp).ok()
}

/// Σ `flow_y ÷ (1 + pct/100)^(y − base)`, exactly, rounded half-up to whole won. Flows of the
/// same year add up; a flow more than [`MAX_NPV_YEARS`] from the base year is
/// [`Error::TooLarge`].
///
/// ```
/// use cloud_tco::tco::npv;
/// use cloud_tco::Decimal;
/// let flows = [(2027, Decimal::from(1_000_000)), (2028, Decimal::from(1_045_000))];
/// // 1,000,000 + 1,045,000 ÷ 1.045 = 2,000,000.
/// assert_eq!(npv(&flows, 2027, "4.5".parse().unwrap()).unwrap(), Decimal::from(2_000_000));
/// // At 0 % the NPV is the plain sum.
/// assert_eq!(npv(&flows, 2027, Decimal::ZERO).unwrap(), Decimal::from(2_045_000));
/// ```
pub fn npv(
    flows: &[(i32, Decimal)],
    base_year: i32,
    discount_rate_pct: Decimal,
) -> Result<Decimal, Error> {
    check_discount_rate(discount_rate_pct)?;
    // The yearly growth factor (100 + r) / 100 = a / b, with a, b > 0; a flow of year t (t =
    // y − base) is worth F · (b/a)^t.
    let (a, b) = big_parts(&Ratio::percent_factor(discount_rate_pct));
    // Flows as integers at one decimal scale, summed by t.
    let scale = flows.iter().map(|(_, f)| f.scale()).max().unwrap_or(0);
    let mut by_t: BTreeMap<i64, BigInt> = BTreeMap::new();
    for (y, flow) in flows {
        let t = i64::from(*y) - i64::from(base_year);
        if t.abs() > MAX_NPV_YEARS {
            return Err(too_large(&format!(
                "discounting period of {t} years (at most {MAX_NPV_YEARS})"
            )));
        }
        let c = BigInt::from(flow.mantissa())
            * num_traits::pow(BigInt::from(10), (scale - flow.scale()) as usize);
        *by_t.entry(t).or_default() += c;
    }
    let (Some(&t_min), Some(&t_max)) = (by_t.keys().next(), by_t.keys().next_back()) else {
        return Ok(Decimal::ZERO);
    };
    // Horner's scheme from the last year down: S_t = S_(t+1) · b + c_t · a^(t_max − t), so that
    // S_(t_min) = Σ c_t · b^(t − t_min) · a^(t_max − t) — linear in the number of years.
    let mut sum = BigInt::zero();
    let mut a_pow = BigInt::one();
    for t in (t_min..=t_max).rev() {
        sum *= &b;
        if let Some(c) = by_t.get(&t) {
            sum += c * &a_pow;
        }
        if t > t_min {
            a_pow *= &a;
        }
    }
    // Σ c_t (b/a)^t = (b/a)^(t_min) · S / a^(t_max − t_min), over 10^scale.
    let exp = |e: i64| usize::try_from(e).map_err(|_| too_large("discounting period"));
    let mut den = a_pow * num_traits::pow(BigInt::from(10), scale as usize);
    if t_min >= 0 {
        sum *= num_traits::pow(b, exp(t_min)?);
        den *= num_traits::pow(a, exp(t_min)?);
    } else {
        sum *= num_traits::pow(a, exp(-t_min)?);
        den *= num_traits::pow(b, exp(-t_min)?);
    }
    let mut won = round_half_up(&sum, &den, 0).ok_or_else(|| too_large("net present value"))?;
    won.rescale(0);
    Ok(won)
}

/// The per-year context of the on-premises costing.
struct Years<'a> {
    years: &'a [i32],
    months: Vec<Ratio>,
    /// The span in which purchases and one-off costs count.
    span: (i32, i32),
}

impl Years<'_> {
    /// `amount × quantity × months ÷ (12 × divisor)` of each year, exactly, truncated (R2).
    fn prorated(
        &self,
        amount: Decimal,
        quantity: Decimal,
        divisor: i128,
    ) -> Result<Vec<YearAmount>, Error> {
        self.years
            .iter()
            .zip(&self.months)
            .map(|(year, months)| {
                let amount = if months.is_zero() {
                    Decimal::ZERO
                } else {
                    let factor = months.mul(&Ratio::small(1, 12 * divisor));
                    line_amount(amount, quantity, &factor)?
                };
                Ok(YearAmount {
                    year: *year,
                    amount,
                })
            })
            .collect()
    }

    /// A yearly amount, prorated by the months of use.
    fn yearly(&self, amount: Decimal) -> Result<Vec<YearAmount>, Error> {
        self.prorated(amount, Decimal::ONE, 1)
    }

    /// `pct` % of `base` a year, prorated, in the years `applies` accepts.
    fn percent_yearly(
        &self,
        base: Decimal,
        pct: Decimal,
        applies: impl Fn(i32) -> bool,
    ) -> Result<Vec<YearAmount>, Error> {
        let mut amounts = self.prorated(base, pct, 100)?;
        for a in &mut amounts {
            if !applies(a.year) {
                a.amount = Decimal::ZERO;
            }
        }
        Ok(amounts)
    }

    /// A one-off amount (truncated to whole won) in the years `hit` accepts.
    fn once(&self, amount: Decimal, hit: impl Fn(i32) -> bool) -> Vec<YearAmount> {
        self.years
            .iter()
            .map(|year| YearAmount {
                year: *year,
                amount: if hit(*year) {
                    truncate_won(amount)
                } else {
                    Decimal::ZERO
                },
            })
            .collect()
    }

    fn in_span(&self, year: i32) -> bool {
        (self.span.0..=self.span.1).contains(&year)
    }
}

fn on_premises_lines(
    on_premises: &OnPremises,
    budget_year: i32,
    ctx: &Years<'_>,
) -> Result<Vec<OnPremisesLine>, Error> {
    let mut lines = Vec::new();
    let mut push = |item, name: &str, source: &str, amounts| {
        lines.push(OnPremisesLine {
            item,
            name: name.to_owned(),
            source: source.to_owned(),
            amounts,
        })
    };
    if let Some(h) = &on_premises.hardware {
        let p0 = i64::from(h.purchase_year.unwrap_or(budget_year));
        let life = i64::from(h.useful_life_years.max(1));
        let warranty = i64::from(h.warranty_years);
        // Whole years since the purchase in service (the latest purchase of the cycle ≤ y).
        let age = |y: i32| (i64::from(y) - p0).rem_euclid(life);
        if h.purchase_amount > Decimal::ZERO {
            push(
                OnPremisesItem::HardwarePurchase,
                &h.name,
                "on_premises.hardware.purchase_amount",
                ctx.once(h.purchase_amount, |y| ctx.in_span(y) && age(y) == 0),
            );
            if h.maintenance_pct > Decimal::ZERO {
                push(
                    OnPremisesItem::HardwareMaintenance,
                    &h.name,
                    "on_premises.hardware.maintenance_pct",
                    ctx.percent_yearly(h.purchase_amount, h.maintenance_pct, |y| {
                        age(y) >= warranty
                    })?,
                );
            }
        }
    }
    if let Some(s) = &on_premises.software {
        let p = s.purchase_year.unwrap_or(budget_year);
        if s.license_amount > Decimal::ZERO {
            push(
                OnPremisesItem::SoftwareLicense,
                &s.name,
                "on_premises.software.license_amount",
                ctx.once(s.license_amount, |y| ctx.in_span(y) && y == p),
            );
            if s.maintenance_pct > Decimal::ZERO {
                let from = i64::from(p) + i64::from(s.warranty_years);
                push(
                    OnPremisesItem::SoftwareMaintenance,
                    &s.name,
                    "on_premises.software.maintenance_pct",
                    ctx.percent_yearly(s.license_amount, s.maintenance_pct, |y| {
                        i64::from(y) >= from
                    })?,
                );
            }
        }
    }
    let f = &on_premises.facility;
    if let Some(e) = &f.energy {
        // power × PUE × (hours × won/kWh) × months/12: one exact product, one truncation.
        let per_kw = dec_ratio(e.hours_per_year).mul(&dec_ratio(e.won_per_kwh));
        let amounts = ctx
            .years
            .iter()
            .zip(&ctx.months)
            .map(|(year, months)| {
                let factor = per_kw.mul(months).mul(&Ratio::small(1, 12));
                let amount = if factor.is_zero() {
                    Decimal::ZERO
                } else {
                    line_amount(e.power_kw, e.pue, &factor)?
                };
                Ok(YearAmount {
                    year: *year,
                    amount,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        push(
            OnPremisesItem::Electricity,
            "electricity",
            "on_premises.facility.power_kw",
            amounts,
        );
    }
    if f.space_per_year > Decimal::ZERO {
        push(
            OnPremisesItem::Space,
            "space",
            "on_premises.facility.space_per_year",
            ctx.yearly(f.space_per_year)?,
        );
    }
    if f.staff_per_year > Decimal::ZERO {
        push(
            OnPremisesItem::Staff,
            "staff",
            "on_premises.facility.staff_per_year",
            ctx.yearly(f.staff_per_year)?,
        );
    }
    for (i, cost) in on_premises.costs.iter().enumerate() {
        let source = format!("on_premises.costs[{i}]");
        let amounts = match cost.timing {
            OnPremisesTiming::Once { year, amount } => ctx.once(amount, |y| y == year),
            OnPremisesTiming::Yearly { per_year } => ctx.yearly(per_year)?,
        };
        push(OnPremisesItem::Other, &cost.name, &source, amounts);
    }
    Ok(lines)
}

/// kWh of `kw` over the months of use of a year: `kw × hours × months ÷ 12`, rounded half-up to
/// 2 decimals.
fn kwh(kw: &Ratio, hours: Decimal, months: &Ratio) -> Result<Decimal, Error> {
    let exact = kw
        .mul(&dec_ratio(hours))
        .mul(months)
        .mul(&Ratio::small(1, 12));
    let (num, den) = big_parts(&exact);
    let mut kwh = round_half_up(&num, &den, 2).ok_or_else(|| too_large("energy figure"))?;
    kwh.rescale(2);
    Ok(kwh)
}

fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_add(b).ok_or_else(|| too_large(what))
}

/// The TCO comparison of `project` (SPEC §4 with its `[on_premises]` section): the cloud side
/// priced from `catalog` (`basis` overrides the project's own basis, as for
/// [`plan`](crate::plan())), the on-premises side costed over the same fiscal years, and the
/// NPVs at `discount_rate_pct` percent (default [`DEFAULT_DISCOUNT_RATE_PCT`]). The rules are in
/// the [module documentation](self).
///
/// Errors: the project has no `[on_premises]` section or breaks a project rule, the discount
/// rate is out of range ([`Error::Project`]), a price is missing ([`Error::Pricing`]), or an
/// amount exceeds the exact range ([`Error::TooLarge`]).
///
/// ```
/// use cloud_tco::{tco::tco, Catalog, Decimal, Project};
/// let catalog = Catalog::from_reader(
///     "provider,category,item,unit,price,vcpu,memory_gb\nA,server,a-2c4g,vm_month,100000,2,4\n".as_bytes(),
///     None,
/// ).unwrap();
/// let project = Project::from_toml_str(r#"
///     kind = "conversion"
///     budget_year = 2027
///     service_start = "2027-01-01"
///     usage_years = 2
///     [[servers]]
///     vcpu = 2
///     memory_gb = 4
///     [on_premises.hardware]
///     purchase_amount = 3000000
///     maintenance_pct = 10
///     [on_premises.facility]
///     staff_per_year = 600000
/// "#).unwrap();
/// let t = tco(&project, &catalog, None, "4.5".parse().unwrap()).unwrap();
/// // Cloud: 100,000 × 12 months a year.
/// assert_eq!(t.by_year[0].cloud, Decimal::from(1_200_000));
/// // On premises: 3,000,000 purchase + 600,000 staff; then 300,000 maintenance + 600,000 staff.
/// assert_eq!(t.by_year[0].on_premises, Decimal::from(3_600_000));
/// assert_eq!(t.by_year[1].on_premises, Decimal::from(900_000));
/// assert_eq!(t.break_even_year, Some(2027));
/// // NPV of the savings: 2,400,000 − 300,000 ÷ 1.045 = 2,112,918.66… → 2,112,919.
/// assert_eq!(t.npv.savings, Decimal::from(2_112_919));
/// ```
pub fn tco(
    project: &Project,
    catalog: &Catalog,
    basis: Option<&PriceBasis>,
    discount_rate_pct: Decimal,
) -> Result<Tco, Error> {
    check_discount_rate(discount_rate_pct)?;
    let Some(on_premises) = &project.on_premises else {
        return Err(invalid(
            "on_premises",
            "the project has no [on_premises] section: the TCO comparison needs the cost of staying on premises".into(),
        ));
    };
    let problems: Vec<Problem> = project
        .rule_violations()
        .into_iter()
        .map(|(path, message)| Problem {
            location: Location::new(None, None, Some(&path)),
            message,
        })
        .collect();
    if !problems.is_empty() {
        return Err(Error::Project(ProjectError { problems }));
    }
    let plan = plan(project, catalog, basis)?;
    let window: UsageWindow = plan.window;
    let years = plan.years.clone();
    let fractions: Vec<Fraction> = years.iter().map(|y| window.months_in_year(*y)).collect();
    let ctx = Years {
        years: &years,
        months: fractions.iter().map(|f| Ratio::from_fraction(*f)).collect(),
        span: (
            project.budget_year.min(window.start.year()),
            window.end.year(),
        ),
    };
    let lines = on_premises_lines(on_premises, project.budget_year, &ctx)?;

    let energy = on_premises.facility.energy.as_ref();
    let it_kw = energy.map(|e| dec_ratio(e.power_kw));
    let facility_kw = energy.map(|e| dec_ratio(e.power_kw).mul(&dec_ratio(e.pue)));
    let hours = energy.map_or(Decimal::ZERO, |e| e.hours_per_year);

    let mut by_year = Vec::with_capacity(years.len());
    let mut totals = TcoTotals {
        cloud: Decimal::ZERO,
        on_premises: Decimal::ZERO,
        savings: Decimal::ZERO,
        kwh_saved: Decimal::ZERO,
        facility_kwh: Decimal::ZERO,
        trees: Decimal::ZERO,
    };
    for ((year, months), fraction) in years.iter().zip(&ctx.months).zip(&fractions) {
        let cloud = plan.totals.year(*year).map_or(Decimal::ZERO, |a| a.total);
        let on_prem = lines.iter().try_fold(Decimal::ZERO, |s, l| {
            add(s, l.amount(*year), "on-premises total")
        })?;
        let saving = on_prem
            .checked_sub(cloud)
            .ok_or_else(|| too_large("saving"))?;
        let (kwh_saved, facility_kwh) = match (&it_kw, &facility_kw) {
            (Some(it), Some(fac)) => (kwh(it, hours, months)?, kwh(fac, hours, months)?),
            _ => (Decimal::new(0, 2), Decimal::new(0, 2)),
        };
        let mut trees = kwh_saved
            .checked_mul(TREES_PER_KWH)
            .ok_or_else(|| too_large("tree figure"))?;
        trees.rescale(4);
        totals.cloud = add(totals.cloud, cloud, "cloud total")?;
        totals.on_premises = add(totals.on_premises, on_prem, "on-premises total")?;
        totals.savings = add(totals.savings, saving, "savings total")?;
        totals.kwh_saved = add(totals.kwh_saved, kwh_saved, "energy total")?;
        totals.facility_kwh = add(totals.facility_kwh, facility_kwh, "energy total")?;
        totals.trees = add(totals.trees, trees, "tree total")?;
        by_year.push(TcoYear {
            year: *year,
            months: *fraction,
            cloud,
            on_premises: on_prem,
            saving,
            cloud_cumulative: totals.cloud,
            on_premises_cumulative: totals.on_premises,
            saving_cumulative: totals.savings,
            kwh_saved,
            facility_kwh,
            trees,
        });
    }
    let break_even = break_even(&by_year);
    let break_even_holds = break_even.is_some_and(|b| {
        by_year
            .iter()
            .filter(|y| y.year >= b)
            .all(|y| y.saving_cumulative >= Decimal::ZERO)
    });
    let flows = |get: fn(&TcoYear) -> Decimal| -> Vec<(i32, Decimal)> {
        by_year.iter().map(|y| (y.year, get(y))).collect()
    };
    let base_year = project.budget_year;
    let npv = Npv {
        discount_rate_pct,
        base_year,
        cloud: npv(&flows(|y| y.cloud), base_year, discount_rate_pct)?,
        on_premises: npv(&flows(|y| y.on_premises), base_year, discount_rate_pct)?,
        savings: npv(&flows(|y| y.saving), base_year, discount_rate_pct)?,
    };
    Ok(Tco {
        project: project.name.clone(),
        plan,
        on_premises: on_premises.clone(),
        by_year,
        lines,
        totals,
        break_even_year: break_even,
        break_even_holds,
        npv,
    })
}

/// The first year whose cumulative cloud cost is at most the cumulative on-premises cost, once
/// either side has spent something.
fn break_even(years: &[TcoYear]) -> Option<i32> {
    years
        .iter()
        .find(|y| {
            y.cloud_cumulative <= y.on_premises_cumulative
                && !(y.cloud_cumulative.is_zero() && y.on_premises_cumulative.is_zero())
        })
        .map(|y| y.year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let r = |n: i64, m: i64| round_half_up(&BigInt::from(n), &BigInt::from(m), 0).unwrap();
        assert_eq!(r(5, 2), d("3"));
        assert_eq!(r(-5, 2), d("-3"));
        assert_eq!(r(7, 3), d("2"));
        assert_eq!(r(-7, 3), d("-2"));
        assert_eq!(r(5, -2), d("-3"));
        assert_eq!(
            round_half_up(&BigInt::from(1), &BigInt::from(8), 2).unwrap(),
            d("0.13")
        );
    }

    #[test]
    fn years_before_the_base_are_compounded_forward() {
        let flows = [(2026, d("1000000")), (2027, d("0"))];
        assert_eq!(npv(&flows, 2027, d("4.5")).unwrap(), d("1045000"));
        assert_eq!(npv(&flows, 2027, d("-50")).unwrap(), d("500000"));
    }

    #[test]
    fn npv_is_exact_over_long_horizons() {
        // 1,000 years of 1 won at 100 %: Σ 2^-t → 2 − 2^-999, rounds to 2.
        let flows: Vec<(i32, Decimal)> = (2000..3000).map(|y| (y, Decimal::ONE)).collect();
        assert_eq!(npv(&flows, 2000, d("100")).unwrap(), d("2"));
        // Fractional flows keep their digits.
        assert_eq!(npv(&[(2027, d("0.5"))], 2027, d("0")).unwrap(), d("1"));
        assert_eq!(npv(&[(2027, d("-0.5"))], 2027, d("0")).unwrap(), d("-1"));
    }

    /// The NPV term by term, each with its own powers: the definition, slowly.
    fn npv_by_definition(flows: &[(i32, Decimal)], base: i32, pct: Decimal) -> Decimal {
        let (a, b) = big_parts(&Ratio::percent_factor(pct));
        let (mut num, mut den) = (BigInt::zero(), BigInt::one());
        for (y, f) in flows {
            let t = i64::from(*y) - i64::from(base);
            let (fm, fs) = (
                BigInt::from(f.mantissa()),
                num_traits::pow(BigInt::from(10), f.scale() as usize),
            );
            let (n, d) = if t >= 0 {
                (
                    fm * num_traits::pow(b.clone(), t as usize),
                    fs * num_traits::pow(a.clone(), t as usize),
                )
            } else {
                (
                    fm * num_traits::pow(a.clone(), (-t) as usize),
                    fs * num_traits::pow(b.clone(), (-t) as usize),
                )
            };
            num = num * &d + n * &den;
            den *= d;
        }
        round_half_up(&num, &den, 0).unwrap()
    }

    #[test]
    fn horner_agrees_with_the_definition() {
        let flows = [
            (2025, d("123456789")),
            (2027, d("-5551612.5")),
            (2027, d("1")),
            (2029, d("0.01")),
            (2030, d("648387")),
            (2036, d("99999999999")),
        ];
        for pct in ["0", "4.5", "7.25", "-3", "-50", "100", "0.001"] {
            assert_eq!(
                npv(&flows, 2027, d(pct)).unwrap(),
                npv_by_definition(&flows, 2027, d(pct)),
                "{pct}"
            );
        }
        assert_eq!(npv(&flows[3..4], 2027, d("4.5")).unwrap(), d("0"));
    }

    #[test]
    fn far_flows_are_too_large_not_slow() {
        assert!(matches!(
            npv(&[(i32::MAX, Decimal::ONE)], i32::MIN, d("4.5")),
            Err(Error::TooLarge(_))
        ));
        // The widest span of a project (years 1900–9999) stays fast.
        let flows: Vec<(i32, Decimal)> = (1900..=9999).map(|y| (y, d("1000000"))).collect();
        let started = std::time::Instant::now();
        assert!(npv(&flows, 1900, d("4.5")).is_ok());
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn rates_out_of_range_are_errors() {
        assert!(npv(&[], 2027, d("-100")).is_err());
        assert!(npv(&[], 2027, d("100.01")).is_err());
        assert_eq!(npv(&[], 2027, d("-99.99")).unwrap(), Decimal::ZERO);
    }
}
