//! Reports of plans, price tables and comparisons: JSON (SPEC §6), CSV, text tables and Excel
//! workbooks.
//!
//! Report functions are pure: they return text or bytes, and the caller decides where to write.

pub mod csv;
pub mod json;
pub mod sla;
pub mod table;
pub mod tco;
#[cfg(feature = "xlsx")]
pub mod xlsx;

/// The language of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Korean labels (the guide's terms) — the default.
    #[default]
    Ko,
    /// English labels.
    En,
}

/// The display unit of money in tables; it never changes a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MoneyUnit {
    /// 원.
    #[default]
    Won,
    /// 천원.
    Thousand,
    /// 백만원.
    Million,
}
