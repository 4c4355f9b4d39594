//! Text tables (stub, replaced by the full 중기재정계획 layout).
use super::{Lang, MoneyUnit};
use crate::compare::Comparison;
use crate::plan::Plan;
use crate::pricing::PriceTable;
/// Plan table.
pub fn plan_table(plan: &Plan, _lang: Lang, _unit: MoneyUnit) -> String {
    format!("{:?}\n", plan.totals)
}
/// Price table.
pub fn prices_table(table: &PriceTable, _lang: Lang) -> String {
    format!("{:?}\n", table.items.len())
}
/// Comparison table.
pub fn compare_table(c: &Comparison, _lang: Lang, _unit: MoneyUnit) -> String {
    format!("{:?}\n", c.alternatives.len())
}
