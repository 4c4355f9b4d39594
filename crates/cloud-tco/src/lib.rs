//! # cloud-tco
//!
//! Exact cloud cost estimation for Korean public institutions, following the government guide
//! 「행정·공공기관 클라우드컴퓨팅서비스 이용안내서」: provider unit prices are combined into a
//! reference price (평균단가), multiplied by quantity and months (prorated by days, 일할계산),
//! and laid out by fiscal year as the mid-term financial plan (중기재정계획) and the 7-year
//! usage-fee scale, with the one-off costs of new builds, conversions and rebuilds.
//!
//! Money is [`rust_decimal::Decimal`] from end to end, parsed from text and never from `f64`;
//! line amounts are exact products truncated to whole won.
//!
//! ```
//! use cloud_tco::{plan, Catalog, Project};
//! let project = Project::from_toml_str(r#"
//!     name = "민원포털"
//!     kind = "conversion"
//!     budget_year = 2027
//!     service_start = "2027-01-01"
//!     [[servers]]
//!     vcpu = 2
//!     memory_gb = 4
//!     [[costs]]
//!     item = "conversion"
//!     year = 2027
//!     amount = 150000000
//! "#).unwrap();
//! let plan = plan(&project, &Catalog::embedded(), None).unwrap();
//! assert_eq!(plan.totals.midterm.from, 2027);
//! assert_eq!(plan.totals.midterm.to, 2031);
//! ```

pub mod amount;
pub mod batch;
pub mod catalog;
pub mod compare;
pub mod consultation;
pub mod error;
pub mod inventory;
pub mod money;
pub mod plan;
pub mod pricing;
pub mod project;
pub mod report;
pub mod saas;
pub mod schedule;
pub mod sla;
pub mod tco;

pub use arcstr::ArcStr;
pub use catalog::{Catalog, CatalogRow, Category, Unit};
pub use chrono::NaiveDate;
pub use error::{CatalogError, Error, Location, PricingError, Problem, ProjectError, Result};
pub use plan::{plan, plan_with, Amounts, Line, LineYear, Plan, Planner, Totals};
pub use pricing::{price_table, PriceBasis, PriceTable, ServerRequest};
pub use project::{BudgetItem, Project, ProjectKind, ServiceModel};
pub use rust_decimal::Decimal;
pub use saas::{SaasCatalog, SaasUse};
pub use tco::{tco, Tco};

/// The README's Rust examples, compiled as documentation tests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
