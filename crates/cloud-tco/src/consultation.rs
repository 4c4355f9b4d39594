//! Pre-consultation check (정보화사업 사전협의, guide §4.3.1): does the project reach the amount at
//! which the institution must consult the Ministry of the Interior and Safety (or its
//! metropolitan government) before budgeting and ordering?
//!
//! The guide, §4.3.1 (대상사업):
//!
//! > 중앙행정기관은 사업금액이 10억원 이상인 계속사업, 광역자치단체는 사업금액이 1억원 이상인
//! > 계속사업, 기초자치단체는 사업금액이 5,000만원 이상인 계속사업을 대상으로 한다. 단, 기존
//! > 정보시스템의 클라우드 전환사업은 사전협의 절차를 생략할 수 있다. … 그리고 사업금액에
//! > 상관없이 당해연도에 신규로 정보화를 추진하는 사업을 대상으로 한다.
//!
//! The rule applied here:
//!
//! - **Threshold** by institution type (`institution` in the project file): `central`
//!   (중앙행정기관 and its agencies and public institutions) 1,000,000,000 won; `metropolitan`
//!   (광역자치단체 and its agencies and local public enterprises) 100,000,000 won; `local`
//!   (기초자치단체) 50,000,000 won. Reaching it counts (`이상`: amount ≥ threshold).
//! - **Amount (사업금액)**: a fiscal year's total of the plan **with VAT** — every budget item
//!   (이용료, 전환비, SW 구축비, 기타) plus VAT, as the budget requests it — and the **largest** of
//!   the plan's years. Pre-consultation is done for each year's budget and order (§4.3.2: 당해
//!   발주 예정인 사전협의 대상 사업, applied for at least 30 days before ordering), so a yearly
//!   amount is compared, not the multi-year 총사업비; the largest year tells whether any year
//!   of the plan will need it, and the report names that year. VAT is included because budget
//!   amounts are requested with VAT; the amount without VAT is reported beside it.
//! - **New build (`kind = "new"`)**: required whatever the amount (신규 정보화사업).
//! - **Conversion (`kind = "conversion"`)**: may be skipped (생략할 수 있다) — `required` is false
//!   and the reason is `exempt_conversion`; whether the amount reaches the threshold is still
//!   reported, since the institution may consult anyway.
//! - **Rebuild (`kind = "rebuild"`)**: decided by the amount. A rebuild builds new software
//!   (SW 구축비) and the exemption is worded for conversions (전환사업) only.
//!
//! The result is information for the analyst, never an error.
//!
//! ```
//! use cloud_tco::consultation::{pre_consultation, ConsultationReason, Institution};
//! use cloud_tco::{plan, Catalog, Project};
//! let project = Project::from_toml_str(r#"
//!     kind = "rebuild"
//!     institution = "local"
//!     budget_year = 2027
//!     service_start = "2027-01-01"
//!     [[costs]]
//!     item = "sw_build"
//!     year = 2027
//!     amount = 50000000
//! "#).unwrap();
//! let plan = plan(&project, &Catalog::embedded(), None).unwrap();
//! let check = plan.pre_consultation.unwrap();
//! // 50,000,000 + 10 % VAT = 55,000,000 ≥ 50,000,000 for a 기초자치단체.
//! assert_eq!(check.amount.to_string(), "55000000");
//! assert!(check.required);
//! assert_eq!(check.reason, ConsultationReason::AmountAtOrAboveThreshold);
//! assert_eq!(pre_consultation(&plan, None), None);
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::money::group_thousands;
use crate::plan::Plan;
use crate::project::ProjectKind;
use crate::report::Lang;

/// The type of institution, which sets the pre-consultation threshold (guide §4.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Institution {
    /// 중앙행정기관 (and its agencies and public institutions): 1,000,000,000 won.
    Central,
    /// 광역자치단체 (and its agencies and local public enterprises): 100,000,000 won.
    Metropolitan,
    /// 기초자치단체 (and its agencies and local public enterprises): 50,000,000 won.
    Local,
}

impl Institution {
    /// The key used in files: `central`, `metropolitan` or `local`.
    pub fn key(self) -> &'static str {
        match self {
            Institution::Central => "central",
            Institution::Metropolitan => "metropolitan",
            Institution::Local => "local",
        }
    }

    /// The guide's Korean name: 중앙행정기관, 광역자치단체, 기초자치단체.
    pub fn korean(self) -> &'static str {
        match self {
            Institution::Central => "중앙행정기관",
            Institution::Metropolitan => "광역자치단체",
            Institution::Local => "기초자치단체",
        }
    }

    /// The amount (사업금액) from which a continuing project needs pre-consultation, in won.
    ///
    /// ```
    /// use cloud_tco::consultation::Institution;
    /// assert_eq!(Institution::Central.threshold().to_string(), "1000000000");
    /// assert_eq!(Institution::Metropolitan.threshold().to_string(), "100000000");
    /// assert_eq!(Institution::Local.threshold().to_string(), "50000000");
    /// ```
    pub fn threshold(self) -> Decimal {
        Decimal::from(match self {
            Institution::Central => 1_000_000_000u64,
            Institution::Metropolitan => 100_000_000,
            Institution::Local => 50_000_000,
        })
    }
}

impl fmt::Display for Institution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Institution {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "central" => Ok(Institution::Central),
            "metropolitan" => Ok(Institution::Metropolitan),
            "local" => Ok(Institution::Local),
            _ => Err(format!(
                "unknown institution {s:?}; use central (중앙행정기관), metropolitan (광역자치단체) or local (기초자치단체)"
            )),
        }
    }
}

/// Why pre-consultation is or is not required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsultationReason {
    /// A new informatization project: required whatever the amount.
    NewProject,
    /// The largest yearly amount reaches the institution's threshold.
    AmountAtOrAboveThreshold,
    /// Every yearly amount is below the institution's threshold.
    AmountBelowThreshold,
    /// A conversion of an existing system to the cloud: the procedure may be skipped.
    ExemptConversion,
}

impl ConsultationReason {
    /// The key used in JSON: `new_project`, `amount_at_or_above_threshold`,
    /// `amount_below_threshold` or `exempt_conversion`.
    pub fn key(self) -> &'static str {
        match self {
            ConsultationReason::NewProject => "new_project",
            ConsultationReason::AmountAtOrAboveThreshold => "amount_at_or_above_threshold",
            ConsultationReason::AmountBelowThreshold => "amount_below_threshold",
            ConsultationReason::ExemptConversion => "exempt_conversion",
        }
    }
}

/// The outcome of the pre-consultation check of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreConsultation {
    /// The institution type.
    pub institution: Institution,
    /// The project kind the rule was applied to.
    pub kind: ProjectKind,
    /// The institution's threshold, won.
    pub threshold: Decimal,
    /// The fiscal year with the largest amount (the earliest, on a tie).
    pub year: i32,
    /// 사업금액: that year's total with VAT, whole won.
    pub amount: Decimal,
    /// That year's total without VAT.
    pub amount_excl_vat: Decimal,
    /// `amount ≥ threshold`.
    pub reaches_threshold: bool,
    /// Whether pre-consultation is required (false for a conversion, which may skip it).
    pub required: bool,
    /// Why.
    pub reason: ConsultationReason,
}

impl PreConsultation {
    /// A one-line status: 대상 / 비대상 / 생략 가능 (English: required / not required / may be
    /// skipped).
    pub fn status(&self, lang: Lang) -> &'static str {
        match (self.reason, lang) {
            (ConsultationReason::ExemptConversion, Lang::Ko) => "생략 가능",
            (ConsultationReason::ExemptConversion, Lang::En) => "may be skipped",
            (_, Lang::Ko) if self.required => "대상",
            (_, Lang::En) if self.required => "required",
            (_, Lang::Ko) => "비대상",
            (_, Lang::En) => "not required",
        }
    }

    /// A sentence explaining the outcome with the figures compared.
    ///
    /// ```
    /// use cloud_tco::{plan, Catalog, Project};
    /// use cloud_tco::report::Lang;
    /// let project = Project::from_toml_str("kind = \"conversion\"\ninstitution = \"central\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[costs]]\nitem = \"conversion\"\nyear = 2027\namount = 1000000000\n").unwrap();
    /// let check = cloud_tco::plan(&project, &Catalog::embedded(), None).unwrap().pre_consultation.unwrap();
    /// assert!(!check.required);
    /// assert!(check.note(Lang::Ko).contains("생략할 수 있음"));
    /// assert!(check.note(Lang::En).contains("may be skipped"));
    /// ```
    pub fn note(&self, lang: Lang) -> String {
        let threshold = group_thousands(&self.threshold);
        let amount = group_thousands(&self.amount);
        let year = self.year;
        let inst = self.institution.korean();
        match lang {
            Lang::Ko => {
                let by_amount = if self.reaches_threshold {
                    format!("{inst} 계속사업 기준 {threshold}원 이상: {year}년 사업금액 {amount}원(부가세 포함)")
                } else {
                    format!("{inst} 계속사업 기준 {threshold}원 미만: 연도별 최대 사업금액 {amount}원({year}년, 부가세 포함)")
                };
                match self.reason {
                    ConsultationReason::NewProject => format!(
                        "신규 정보화사업은 사업금액과 상관없이 대상 ({year}년 사업금액 {amount}원, 부가세 포함)"
                    ),
                    ConsultationReason::ExemptConversion => format!(
                        "기존 정보시스템의 클라우드 전환사업은 사전협의 절차를 생략할 수 있음 (금액 기준으로는 {by_amount})"
                    ),
                    _ => by_amount,
                }
            }
            Lang::En => {
                let inst = format!("{} ({inst})", self.institution.key());
                let by_amount = if self.reaches_threshold {
                    format!("{year} amount {amount} won incl. VAT reaches the {inst} threshold of {threshold} won")
                } else {
                    format!("the largest yearly amount, {amount} won incl. VAT in {year}, is below the {inst} threshold of {threshold} won")
                };
                match self.reason {
                    ConsultationReason::NewProject => format!(
                        "a new informatization project needs it whatever the amount ({year} amount {amount} won incl. VAT)"
                    ),
                    ConsultationReason::ExemptConversion => format!(
                        "the procedure may be skipped for the conversion of an existing system to the cloud (by amount: {by_amount})"
                    ),
                    _ => by_amount,
                }
            }
        }
    }
}

/// The pre-consultation check of `plan` for `institution` (guide §4.3.1, see the module
/// documentation for the rule); `None` when no institution is given.
///
/// ```
/// use cloud_tco::consultation::{pre_consultation, ConsultationReason, Institution};
/// use cloud_tco::{plan, Catalog, Project};
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 1\n").unwrap();
/// let plan = plan(&project, &Catalog::embedded(), None).unwrap();
/// let check = pre_consultation(&plan, Some(Institution::Central)).unwrap();
/// assert!(check.required); // new: whatever the amount, here 0
/// assert_eq!(check.reason, ConsultationReason::NewProject);
/// assert_eq!(check.amount.to_string(), "0");
/// ```
pub fn pre_consultation(plan: &Plan, institution: Option<Institution>) -> Option<PreConsultation> {
    let institution = institution?;
    let threshold = institution.threshold();
    let mut best: Option<(i32, Decimal, Decimal)> = None;
    for y in &plan.totals.by_year {
        let a = &y.amounts;
        let larger = match best {
            None => true,
            Some((_, amount, _)) => a.total_with_vat > amount,
        };
        if larger {
            best = Some((y.year, a.total_with_vat, a.total));
        }
    }
    let (year, amount, amount_excl_vat) =
        best.unwrap_or((plan.budget_year, Decimal::ZERO, Decimal::ZERO));
    let reaches_threshold = amount >= threshold;
    let (required, reason) = match plan.kind {
        ProjectKind::New => (true, ConsultationReason::NewProject),
        ProjectKind::Conversion => (false, ConsultationReason::ExemptConversion),
        ProjectKind::Rebuild if reaches_threshold => {
            (true, ConsultationReason::AmountAtOrAboveThreshold)
        }
        ProjectKind::Rebuild => (false, ConsultationReason::AmountBelowThreshold),
    };
    Some(PreConsultation {
        institution,
        kind: plan.kind,
        threshold,
        year,
        amount,
        amount_excl_vat,
        reaches_threshold,
        required,
        reason,
    })
}
