//! XLSX (stub).
use crate::error::Error;
use crate::plan::Plan;
/// Plan workbook.
pub fn plan_xlsx(_plan: &Plan) -> Result<Vec<u8>, Error> {
    Ok(Vec::new())
}
