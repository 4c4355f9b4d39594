//! The same project priced under each provider alone and under the combined basis, side by
//! side, so an institution sees how far the 평균단가 estimate is from any one provider.

use crate::catalog::Catalog;
use crate::error::Error;
use crate::plan::{plan_with, Plan};
use crate::pricing::PriceBasis;
use crate::project::Project;

/// The outcome under one basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The plan could be priced.
    Priced(Box<Plan>),
    /// It could not; the reason says what was missing.
    NotPriceable(String),
}

/// One column of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// `average` (or the project's own basis) or `provider:NAME`.
    pub basis: PriceBasis,
    /// The plan, or why there is none.
    pub outcome: Outcome,
}

/// The project under the combined basis and under each provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Project name.
    pub project: String,
    /// The combined basis first, then one per provider of the catalog.
    pub alternatives: Vec<Alternative>,
}

/// Prices `project` under the average (or the project's own basis when it names a combining
/// one) and under `provider:NAME` for every provider of the catalog.
///
/// ```
/// use cloud_tco::{compare::{compare, Outcome}, Catalog, Project};
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n").unwrap();
/// let c = compare(&project, &Catalog::embedded()).unwrap();
/// assert_eq!(c.alternatives.len(), 5); // average + A, B, C, D
/// assert!(matches!(c.alternatives[0].outcome, Outcome::Priced(_)));
/// ```
pub fn compare(project: &Project, catalog: &Catalog) -> Result<Comparison, Error> {
    compare_with(project, catalog, crate::saas::SaasCatalog::embedded())
}

/// [`compare`] with the project's `[[saas]]` entries priced from `saas` (the same in every
/// alternative: SaaS is priced per service, not per provider).
pub fn compare_with(
    project: &Project,
    catalog: &Catalog,
    saas: &crate::saas::SaasCatalog,
) -> Result<Comparison, Error> {
    let combined = match &project.options.basis {
        Some(b) if !matches!(b, PriceBasis::Provider(_)) => b.clone(),
        _ => PriceBasis::Average,
    };
    let mut alternatives = vec![Alternative {
        outcome: outcome(project, catalog, saas, &combined)?,
        basis: combined,
    }];
    for provider in catalog.providers() {
        let basis = PriceBasis::Provider(provider.clone());
        alternatives.push(Alternative {
            outcome: outcome(project, catalog, saas, &basis)?,
            basis,
        });
    }
    Ok(Comparison {
        project: project.name.clone(),
        alternatives,
    })
}

fn outcome(
    project: &Project,
    catalog: &Catalog,
    saas: &crate::saas::SaasCatalog,
    basis: &PriceBasis,
) -> Result<Outcome, Error> {
    match plan_with(project, catalog, saas, Some(basis)) {
        Ok(p) => Ok(Outcome::Priced(Box::new(p))),
        Err(Error::Pricing(e)) => Ok(Outcome::NotPriceable(e.to_string())),
        Err(other) => Err(other),
    }
}
