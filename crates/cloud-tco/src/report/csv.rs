//! CSV reports (stub).
use crate::compare::Comparison;
use crate::error::Error;
use crate::plan::Plan;
use crate::pricing::PriceTable;
/// Plan CSV.
pub fn plan_csv(_plan: &Plan) -> Result<String, Error> {
    Ok(String::new())
}
/// Prices CSV.
pub fn prices_csv(_t: &PriceTable) -> Result<String, Error> {
    Ok(String::new())
}
/// Compare CSV.
pub fn compare_csv(_c: &Comparison) -> Result<String, Error> {
    Ok(String::new())
}
