//! CSV reports in tidy form — one observation per row, plain numbers without thousands
//! separators — for spreadsheets and data tools. Amounts are whole won, unit prices have two
//! decimals (R1), quantities are written exactly; quoting is done by the `csv` writer.
//!
//! The text is UTF-8 without a byte-order mark.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use crate::compare::{Comparison, Outcome};
use crate::error::Error;
use crate::plan::Plan;
use crate::pricing::PriceTable;

use super::json::price_text;

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn write_row<I, T>(w: &mut ::csv::Writer<Vec<u8>>, row: I) -> Result<(), Error>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(row)
        .map_err(|e| Error::Report(format!("cannot write the CSV: {e}")))
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String, Error> {
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Report(format!("cannot write the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Report(format!("the CSV is not UTF-8: {e}")))
}

fn won(d: Decimal) -> String {
    d.to_string()
}

fn quantity(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The header of [`plan_csv`].
pub const PLAN_COLUMNS: [&str; 12] = [
    "project",
    "basis",
    "budget_item",
    "category",
    "name",
    "item",
    "unit",
    "source",
    "year",
    "unit_price",
    "quantity",
    "amount",
];

/// The plan as tidy CSV: one row per line per fiscal year of the line, with the columns
/// [`PLAN_COLUMNS`] (`project,basis,budget_item,category,name,item,unit,source,year,
/// unit_price,quantity,amount`). `unit_price` has two decimals and, like `unit` and
/// `quantity`, is empty for entered costs; `amount` is the line's R2 amount in whole won, so the
/// amounts add up to the project total.
///
/// ```
/// use cloud_tco::report::csv::plan_csv;
/// use cloud_tco::{plan, Catalog, Project};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let project = Project::from_toml_str(r#"
///     name = "민원포털"
///     kind = "new"
///     budget_year = 2027
///     service_start = "2027-07-01"
///     usage_years = 1
///     [[servers]]
///     name = "web"
///     vcpu = 2
///     memory_gb = 4
///     count = 2
/// "#).unwrap();
/// let text = plan_csv(&plan(&project, &catalog, None).unwrap()).unwrap();
/// let mut rows = text.lines();
/// assert_eq!(rows.next().unwrap(),
///     "project,basis,budget_item,category,name,item,unit,source,year,unit_price,quantity,amount");
/// // 55,000 × 2 servers × 6 months in each of 2027 and 2028.
/// assert_eq!(rows.next().unwrap(),
///     "민원포털,average,usage_fee,server,web,2vCPU/4GB,vm_month,servers[0],2027,55000.00,2,660000");
/// ```
pub fn plan_csv(plan: &Plan) -> Result<String, Error> {
    let mut w = writer();
    write_row(&mut w, PLAN_COLUMNS)?;
    let basis = plan.basis.to_string();
    for line in &plan.lines {
        for y in &line.years {
            let unit = match (line.unit, &line.saas) {
                (Some(u), _) => u.key(),
                (None, Some(s)) => s.unit.as_str(),
                (None, None) => "",
            };
            let price = y.unit_price().map(price_text).unwrap_or_default();
            let qty = y.quantity.map(quantity).unwrap_or_default();
            write_row(
                &mut w,
                [
                    plan.project.as_str(),
                    basis.as_str(),
                    line.budget_item.key(),
                    line.category.as_str(),
                    line.name.as_str(),
                    line.item.as_str(),
                    unit,
                    line.source.as_str(),
                    &y.year.to_string(),
                    &price,
                    &qty,
                    &won(y.amount),
                ],
            )?;
        }
    }
    finish(w)
}

/// The header of [`prices_csv`].
pub const PRICES_COLUMNS: [&str; 8] = [
    "category",
    "item",
    "unit",
    "provider",
    "flavor",
    "vcpu",
    "memory_gb",
    "price",
];

/// The price table as tidy CSV with the columns [`PRICES_COLUMNS`]
/// (`category,item,unit,provider,flavor,vcpu,memory_gb,price`): for every item, one row per
/// provider that lists it (its own price, as in the catalog) and then the combined row, whose
/// `provider` is `basis:` followed by the basis (`basis:average`, `basis:provider:B`) and whose
/// price has two decimals. The requested server sizes follow as `server` rows: `item` is the size
/// (`2vCPU/4GB`), `flavor` the provider's matched flavor (empty on the combined row), and `vcpu`
/// and `memory_gb` the requested size.
///
/// ```
/// use cloud_tco::report::csv::prices_csv;
/// use cloud_tco::{price_table, Catalog, PriceBasis};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n\
///            A,storage,nas,gb_month,100,,\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let text = prices_csv(&price_table(&catalog, &PriceBasis::Average, None).unwrap()).unwrap();
/// assert!(text.contains("storage,nas,gb_month,A,,,,100\n"));
/// assert!(text.contains("storage,nas,gb_month,basis:average,,,,100.00\n"));
/// assert!(text.contains("server,2vCPU/4GB,vm_month,B,b-2c4g,2,4,60000\n"));
/// assert!(text.contains("server,2vCPU/4GB,vm_month,basis:average,,2,4,55000.00\n"));
/// ```
pub fn prices_csv(table: &PriceTable) -> Result<String, Error> {
    let mut w = writer();
    write_row(&mut w, PRICES_COLUMNS)?;
    let combined = format!("basis:{}", table.basis);
    for item in &table.items {
        let (category, unit) = (item.category.key(), item.unit.key());
        for c in &item.price.providers {
            write_row(
                &mut w,
                [
                    category,
                    &item.item,
                    unit,
                    &c.provider,
                    c.flavor.as_deref().unwrap_or_default(),
                    "",
                    "",
                    &c.charge.to_string(),
                ],
            )?;
        }
        write_row(
            &mut w,
            [
                category,
                &item.item,
                unit,
                &combined,
                "",
                "",
                "",
                &price_text(item.price.price),
            ],
        )?;
    }
    for s in &table.servers {
        let memory = s.request.memory_gb.normalize().to_string();
        let vcpu = s.request.vcpu.to_string();
        let size = format!("{vcpu}vCPU/{memory}GB");
        let unit = crate::catalog::Unit::VmMonth.key();
        for c in &s.price.providers {
            write_row(
                &mut w,
                [
                    "server",
                    &size,
                    unit,
                    &c.provider,
                    c.flavor.as_deref().unwrap_or_default(),
                    &vcpu,
                    &memory,
                    &c.charge.to_string(),
                ],
            )?;
        }
        write_row(
            &mut w,
            [
                "server",
                &size,
                unit,
                &combined,
                "",
                &vcpu,
                &memory,
                &price_text(s.price.price),
            ],
        )?;
    }
    finish(w)
}

/// The fixed leading columns of [`compare_csv`]; one column per fiscal year follows.
pub const COMPARE_COLUMNS: [&str; 7] = [
    "basis",
    "status",
    "usage_fee",
    "midterm_total",
    "project_total",
    "project_total_with_vat",
    "reason",
];

/// The comparison as CSV: one row per alternative (the combined basis first, then
/// `provider:NAME` for each provider) with the columns [`COMPARE_COLUMNS`] — `status` is
/// `priced` or `not_priceable`, `usage_fee` the usage fee over the usage window, the totals in
/// whole won, VAT excluded unless named — then one column per fiscal year (the union of the
/// alternatives' years) holding that year's total, VAT excluded. A row that is not priceable
/// has empty amounts and its `reason`.
///
/// ```
/// use cloud_tco::report::csv::compare_csv;
/// use cloud_tco::{compare::compare, Catalog, Project};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 1\nmidterm_years = 1\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n").unwrap();
/// let text = compare_csv(&compare(&project, &catalog).unwrap()).unwrap();
/// let rows: Vec<&str> = text.lines().collect();
/// assert_eq!(rows[0], "basis,status,usage_fee,midterm_total,project_total,project_total_with_vat,reason,2027");
/// assert_eq!(rows[1], "average,priced,660000,660000,660000,726000,,660000");
/// assert_eq!(rows[2], "provider:A,priced,600000,600000,600000,660000,,600000");
/// ```
pub fn compare_csv(comparison: &Comparison) -> Result<String, Error> {
    let years: BTreeSet<i32> = comparison
        .alternatives
        .iter()
        .filter_map(|a| match &a.outcome {
            Outcome::Priced(p) => Some(p.years.iter().copied()),
            Outcome::NotPriceable(_) => None,
        })
        .flatten()
        .collect();
    let mut w = writer();
    let mut header: Vec<String> = COMPARE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    header.extend(years.iter().map(|y| y.to_string()));
    write_row(&mut w, &header)?;
    for alt in &comparison.alternatives {
        let mut row: Vec<String> = vec![alt.basis.to_string()];
        match &alt.outcome {
            Outcome::Priced(p) => {
                let t = &p.totals;
                row.extend([
                    "priced".to_owned(),
                    won(t.usage_window.usage_fee),
                    won(t.midterm.amounts.total),
                    won(t.project_total),
                    won(t.project_total_with_vat),
                    String::new(),
                ]);
                row.extend(years.iter().map(|y| {
                    t.year(*y)
                        .map(|a| won(a.total))
                        .unwrap_or_else(|| "0".to_owned())
                }));
            }
            Outcome::NotPriceable(reason) => {
                row.extend(["not_priceable".to_owned()]);
                row.extend(std::iter::repeat(String::new()).take(4));
                row.push(reason.clone());
                row.extend(years.iter().map(|_| String::new()));
            }
        }
        write_row(&mut w, &row)?;
    }
    finish(w)
}
