//! Errors with the position of the fault: file, line, and column or field.
//!
//! Catalog and project validation collect **every** problem of a file before failing, so an
//! analyst fixes a spreadsheet export in one pass instead of one error at a time.

use std::fmt;

/// Where a problem sits: the file (or source name), the line, and the column or field path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// File path or source name, when the input came from one.
    pub file: Option<String>,
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// Column name (catalog CSV) or field path (project, e.g. `servers[1].count`).
    pub field: Option<String>,
}

impl Location {
    /// A location in `file` at `line`, in `field`.
    pub fn new(file: Option<&str>, line: Option<u64>, field: Option<&str>) -> Self {
        Location {
            file: file.map(str::to_owned),
            line,
            field: field.map(str::to_owned),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(field) = &self.field {
            parts.push(format!("`{field}`"));
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// One problem found in an input, with its location and a sentence an analyst understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub location: Location,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{loc}: {}", self.message)
        }
    }
}

fn write_problems(f: &mut fmt::Formatter<'_>, what: &str, problems: &[Problem]) -> fmt::Result {
    match problems {
        [one] => write!(f, "{what}: {one}"),
        many => {
            write!(f, "{what}: {} problems", many.len())?;
            for p in many {
                write!(f, "\n  - {p}")?;
            }
            Ok(())
        }
    }
}

/// A price catalog could not be read or is not valid (SPEC §2). Holds every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogError {
    /// All problems, in file and line order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_problems(f, "invalid price catalog", &self.problems)
    }
}

/// A project file could not be read or is not valid (SPEC §4). Holds every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProjectError {
    /// All problems found.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_problems(f, "invalid project", &self.problems)
    }
}

impl ProjectError {
    /// A single problem.
    pub fn single(location: Location, message: impl Into<String>) -> Self {
        ProjectError {
            problems: vec![Problem {
                location,
                message: message.into(),
            }],
        }
    }
}

/// A line of a plan could not be priced from the catalog under the chosen basis (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// No provider lists the item.
    #[error("no provider in the catalog lists {category}/{item}, needed by {needed_by}")]
    NotListed {
        /// Catalog category.
        category: String,
        /// Item key.
        item: String,
        /// The project entry that needs it (field path and name).
        needed_by: String,
    },
    /// The basis names one provider, and that provider does not list the item.
    #[error("provider {provider} is missing {category}/{item}, needed by {needed_by} (price basis provider:{provider})")]
    ProviderMissing {
        /// The provider of the basis.
        provider: String,
        /// Catalog category.
        category: String,
        /// Item key.
        item: String,
        /// The project entry that needs it.
        needed_by: String,
    },
    /// No provider has a server flavor large enough.
    #[error("no provider has a server flavor with at least {vcpu} vCPU and {memory_gb} GB memory, needed by {needed_by}")]
    NoFittingFlavor {
        /// Requested vCPU.
        vcpu: u32,
        /// Requested memory in GB.
        memory_gb: String,
        /// The project entry that needs it.
        needed_by: String,
    },
    /// The providers listing the item cannot price this use of it (e.g. a backup size beyond the
    /// included size with no price for additional GB).
    #[error("no provider can price {category}/{item} as needed by {needed_by}: {reason}")]
    NotPriceable {
        /// Catalog category.
        category: String,
        /// Item key.
        item: String,
        /// The project entry that needs it.
        needed_by: String,
        /// Why each listing provider was left out.
        reason: String,
    },
    /// The price basis text is not one of the known forms.
    #[error("unknown price basis {0:?}: use average, min, max, median or provider:NAME")]
    UnknownBasis(String),
    /// The basis names a provider that is not in the catalog at all.
    #[error("the price basis names provider {0:?}, which the catalog does not list")]
    UnknownProvider(String),
}

/// Any failure of the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Bad price catalog.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Bad project.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// A needed price is not available.
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// An amount does not fit the exact arithmetic (about 7.9 × 10²⁸ won).
    #[error("amount too large to compute exactly: {0}")]
    TooLarge(String),
    /// A report could not be produced.
    #[error("report: {0}")]
    Report(String),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
