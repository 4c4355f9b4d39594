//! The plan as an Excel workbook (`.xlsx`), for the budget documents an institution submits.
//!
//! Sheet `중기재정계획` holds the mid-term plan form — the same rows and columns as
//! [`plan_table`](super::table::plan_table) in Korean, in won — followed by the mid-term and
//! usage-window summaries and the 총사업비. Sheet `단가` lists every usage line with its unit
//! price, quantity and provenance (each provider's flavor and charge) under the basis.
//!
//! **Numbers.** Excel stores every number as an IEEE-754 double. Amounts are converted to `f64`
//! only when written to a cell, through their decimal text, and only when the conversion is
//! exact: a whole-won amount below 2⁵³ (about 9 × 10¹⁵ won) is an exact double. A figure that
//! is not — a larger amount, or a unit price or quantity with more than 15 significant digits —
//! is written as text, so that the workbook never shows a figure the engine did not compute.
//! (A decimal of at most 15 significant digits is read back by Excel as the same decimal.)

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::table::{basis_label, budget_item_label, category_label, window_years, CATEGORY_ORDER};
use super::Lang;
use crate::error::Error;
use crate::money::group_thousands;
use crate::plan::{Amounts, Line, LineYear, Plan};
use crate::project::BudgetItem;

/// The name of the plan sheet.
pub const PLAN_SHEET: &str = "중기재정계획";
/// The name of the unit-price sheet.
pub const PRICES_SHEET: &str = "단가";

/// 2⁵³: whole numbers below it are exact doubles.
const EXACT_DOUBLE_LIMIT: i128 = 1i128 << 53;

fn report_error(e: XlsxError) -> Error {
    Error::Report(format!("cannot build the workbook: {e}"))
}

/// The double of `d` when it is exactly representable in Excel (see the module docs).
fn exact_double(d: Decimal) -> Option<f64> {
    let n = d.normalize();
    let exact = if n.scale() == 0 {
        n.mantissa().abs() < EXACT_DOUBLE_LIMIT
    } else {
        let digits = n.mantissa().unsigned_abs().to_string().len();
        digits <= 15
    };
    if !exact {
        return None;
    }
    // Parsing the decimal text gives the nearest double, which is the value itself for the
    // figures admitted above.
    n.to_string().parse::<f64>().ok()
}

struct Formats {
    bold: Format,
    header: Format,
    header_right: Format,
    won: Format,
    won_bold: Format,
    price: Format,
    text_right: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            header: Format::new().set_bold().set_background_color(0xD9E1F2),
            header_right: Format::new()
                .set_bold()
                .set_background_color(0xD9E1F2)
                .set_align(FormatAlign::Right),
            won: Format::new().set_num_format("#,##0"),
            won_bold: Format::new().set_num_format("#,##0").set_bold(),
            price: Format::new().set_num_format("#,##0.00"),
            text_right: Format::new().set_align(FormatAlign::Right),
        }
    }
}

/// A sheet writer that remembers the widest text of each column.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Vec<usize>,
}

/// An estimate of the display width: Hangul and other wide characters take two columns.
fn text_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

impl Sheet<'_> {
    fn note_width(&mut self, col: u16, width: usize) {
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 0);
        }
        self.widths[i] = self.widths[i].max(width);
    }

    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: Option<&Format>,
    ) -> Result<(), Error> {
        match format {
            Some(f) => self.ws.write_string_with_format(row, col, text, f),
            None => self.ws.write_string(row, col, text),
        }
        .map_err(report_error)?;
        self.note_width(col, text_width(text));
        Ok(())
    }

    /// A title cell: written without widening its column.
    fn title(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: Option<&Format>,
    ) -> Result<(), Error> {
        match format {
            Some(f) => self.ws.write_string_with_format(row, col, text, f),
            None => self.ws.write_string(row, col, text),
        }
        .map_err(report_error)?;
        Ok(())
    }

    /// A number in `format`, or its text (right-aligned) when no double holds it exactly.
    fn number(
        &mut self,
        row: u32,
        col: u16,
        value: Decimal,
        format: &Format,
        shown: String,
        formats: &Formats,
    ) -> Result<(), Error> {
        match exact_double(value) {
            Some(x) => {
                self.ws
                    .write_number_with_format(row, col, x, format)
                    .map_err(report_error)?;
            }
            None => {
                self.ws
                    .write_string_with_format(row, col, shown.as_str(), &formats.text_right)
                    .map_err(report_error)?;
            }
        }
        self.note_width(col, shown.len());
        Ok(())
    }

    fn won(
        &mut self,
        row: u32,
        col: u16,
        value: Decimal,
        f: &Formats,
        bold: bool,
    ) -> Result<(), Error> {
        let format = if bold { &f.won_bold } else { &f.won };
        self.number(row, col, value, format, group_thousands(&value), f)
    }

    fn finish(self) -> Result<(), Error> {
        for (i, w) in self.widths.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| Error::Report("too many columns".into()))?;
            let width = u16::try_from((*w).clamp(6, 60) + 2).unwrap_or(62);
            self.ws.set_column_width(col, width).map_err(report_error)?;
        }
        Ok(())
    }
}

fn col(i: usize) -> Result<u16, Error> {
    u16::try_from(i).map_err(|_| Error::Report("too many columns for a worksheet".into()))
}

fn sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, |s, v| s.saturating_add(v))
}

fn year_amounts(plan: &Plan, year: i32) -> Amounts {
    plan.totals.year(year).copied().unwrap_or_default()
}

/// The rows of the form: label, yearly values, bold.
fn form_rows(plan: &Plan) -> Vec<(String, Vec<Decimal>, bool)> {
    let usage: Vec<&Line> = plan
        .lines
        .iter()
        .filter(|l| l.budget_item == BudgetItem::UsageFee)
        .collect();
    let mut categories: Vec<&str> = CATEGORY_ORDER
        .iter()
        .copied()
        .filter(|c| usage.iter().any(|l| l.category == *c))
        .collect();
    for l in &usage {
        if !categories.contains(&l.category.as_str()) {
            categories.push(l.category.as_str());
        }
    }
    let mut rows = Vec::new();
    for c in categories {
        let values = plan
            .years
            .iter()
            .map(|y| {
                sum(usage
                    .iter()
                    .filter(|l| l.category == c)
                    .map(|l| l.amount(*y)))
            })
            .collect();
        rows.push((
            format!("이용료 - {}", category_label(c, Lang::Ko)),
            values,
            false,
        ));
    }
    let item = |get: &dyn Fn(&Amounts) -> Decimal| -> Vec<Decimal> {
        plan.years
            .iter()
            .map(|y| get(&year_amounts(plan, *y)))
            .collect()
    };
    rows.push(("이용료 소계".into(), item(&|a| a.usage_fee), true));
    for b in [
        BudgetItem::Conversion,
        BudgetItem::SwBuild,
        BudgetItem::Other,
    ] {
        rows.push((
            budget_item_label(b, Lang::Ko).into(),
            item(&move |a| a.of(b)),
            false,
        ));
    }
    rows.push(("합계".into(), item(&|a| a.total), true));
    rows.push(("부가세".into(), item(&|a| a.vat), false));
    rows.push((
        "합계(부가세 포함)".into(),
        item(&|a| a.total_with_vat),
        true,
    ));
    rows
}

fn plan_sheet(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), Error> {
    ws.set_name(PLAN_SHEET).map_err(report_error)?;
    let mut s = Sheet {
        ws,
        widths: Vec::new(),
    };
    let w = &plan.window;
    let years_n = window_years(w);
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    s.title(0, 0, "중기재정계획 (클라우드컴퓨팅서비스)", Some(&f.bold))?;
    let info = [
        ("사업명", plan.project.clone()),
        ("사업 유형", plan.kind.korean().to_owned()),
        ("단가 기준", basis_label(&plan.basis, Lang::Ko)),
        (
            "이용 기간",
            format!(
                "{} ~ {}{}",
                date(w.start),
                date(w.end),
                years_n.map(|n| format!(" ({n}년)")).unwrap_or_default()
            ),
        ),
        ("예산요구연도", plan.budget_year.to_string()),
        ("단위", "원".to_owned()),
    ];
    let mut row: u32 = 1;
    for (k, v) in &info {
        s.text(row, 0, k, Some(&f.bold))?;
        s.title(row, 1, v, None)?;
        row += 1;
    }
    row += 1;

    // The form.
    s.text(row, 0, "구분", Some(&f.header))?;
    for (i, y) in plan.years.iter().enumerate() {
        s.ws.write_number_with_format(row, col(i + 1)?, *y, &f.header_right)
            .map_err(report_error)?;
        s.note_width(col(i + 1)?, y.to_string().len());
    }
    let total_col = col(plan.years.len() + 1)?;
    s.text(row, total_col, "합계", Some(&f.header_right))?;
    let header_row = row;
    row += 1;
    for (label, values, bold) in form_rows(plan) {
        s.text(row, 0, &label, if bold { Some(&f.bold) } else { None })?;
        for (i, v) in values.iter().enumerate() {
            s.won(row, col(i + 1)?, *v, f, bold)?;
        }
        s.won(row, total_col, sum(values), f, bold)?;
        row += 1;
    }
    s.ws.set_freeze_panes(header_row + 1, 1)
        .map_err(report_error)?;
    row += 1;

    // The mid-term summary.
    let mid = &plan.totals.midterm;
    let span = mid.to.saturating_sub(mid.from).saturating_add(1);
    s.title(
        row,
        0,
        &format!("중기재정계획 {}~{} ({span}년)", mid.from, mid.to),
        Some(&f.bold),
    )?;
    row += 1;
    let mut summary: Vec<(String, Decimal, bool)> = BudgetItem::ALL
        .into_iter()
        .map(|b| {
            (
                budget_item_label(b, Lang::Ko).to_owned(),
                mid.amounts.of(b),
                false,
            )
        })
        .collect();
    summary.push(("합계".into(), mid.amounts.total, true));
    summary.push(("부가세".into(), mid.amounts.vat, false));
    summary.push(("합계(부가세 포함)".into(), mid.amounts.total_with_vat, true));
    for (k, v, bold) in &summary {
        s.text(row, 0, k, if *bold { Some(&f.bold) } else { None })?;
        s.won(row, 1, *v, f, *bold)?;
        row += 1;
    }
    row += 1;

    // The usage window and the project total.
    let uw = &plan.totals.usage_window;
    let title = match years_n {
        Some(n) => format!("{n}년 이용료 규모 {} ~ {}", date(uw.from), date(uw.to)),
        None => format!("이용료 규모 {} ~ {}", date(uw.from), date(uw.to)),
    };
    s.title(row, 0, &title, Some(&f.bold))?;
    row += 1;
    for (k, v) in [
        ("이용료", uw.usage_fee),
        ("이용료(부가세 포함)", uw.usage_fee_with_vat),
    ] {
        s.text(row, 0, k, None)?;
        s.won(row, 1, v, f, false)?;
        row += 1;
    }
    row += 1;
    let (first, last) = (
        plan.years.first().copied().unwrap_or(plan.budget_year),
        plan.years.last().copied().unwrap_or(plan.budget_year),
    );
    s.title(row, 0, &format!("총사업비 {first}~{last}"), Some(&f.bold))?;
    row += 1;
    for (k, v) in [
        ("총사업비(부가세 별도)", plan.totals.project_total),
        ("총사업비(부가세 포함)", plan.totals.project_total_with_vat),
    ] {
        s.text(row, 0, k, Some(&f.bold))?;
        s.won(row, 1, v, f, true)?;
        row += 1;
    }
    s.finish()
}

/// Consecutive years of a line with the same unit price and quantity.
fn runs(line: &Line) -> Vec<(i32, i32, &LineYear)> {
    let mut out: Vec<(i32, i32, &LineYear)> = Vec::new();
    for y in &line.years {
        match out.last_mut() {
            Some((_, to, first))
                if first.unit_price() == y.unit_price()
                    && first.quantity == y.quantity
                    && line.price(first).map(|p| &p.providers)
                        == line.price(y).map(|p| &p.providers) =>
            {
                *to = y.year;
            }
            _ => out.push((y.year, y.year, y)),
        }
    }
    out
}

/// `A: a-2c4g 52,000 · B: b-2c4g 60,000`.
fn provenance(line: &Line, y: &LineYear) -> String {
    line.price(y)
        .map(|p| {
            p.providers
                .iter()
                .map(|c| match &c.flavor {
                    Some(f) => format!("{}: {f} {}", c.provider, group_thousands(&c.charge)),
                    None => format!("{}: {}", c.provider, group_thousands(&c.charge)),
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

fn unit_text(line: &Line) -> &str {
    match (line.unit, &line.saas) {
        (Some(u), _) => u.key(),
        (None, Some(s)) => s.unit.as_str(),
        (None, None) => "",
    }
}

/// A SaaS line's provenance: `SaaS: service (plan), form, billing period; source`.
fn saas_provenance(s: &crate::saas::SaasProvenance) -> String {
    let mut text = format!(
        "SaaS: {}, {}, {}",
        s.row.label(),
        s.row.form.key(),
        s.row.billing_period.key()
    );
    if let Some(source) = &s.row.source {
        text.push_str("; ");
        text.push_str(source);
    }
    text
}

fn prices_sheet(ws: &mut Worksheet, plan: &Plan, f: &Formats) -> Result<(), Error> {
    ws.set_name(PRICES_SHEET).map_err(report_error)?;
    let mut s = Sheet {
        ws,
        widths: Vec::new(),
    };
    let basis = basis_label(&plan.basis, Lang::Ko);
    s.title(
        0,
        0,
        &format!("이용 항목별 단가 (단위: 원, 부가세 별도, 단가 기준: {basis})"),
        Some(&f.bold),
    )?;
    let headers = [
        "구분",
        "이름",
        "항목",
        "단위",
        "적용연도",
        "단가",
        "수량",
        "산출 근거",
        "단가 기준",
    ];
    for (i, h) in headers.iter().enumerate() {
        let format = if matches!(i, 5 | 6) {
            &f.header_right
        } else {
            &f.header
        };
        s.text(2, col(i)?, h, Some(format))?;
    }
    let mut row: u32 = 3;
    for line in plan
        .lines
        .iter()
        .filter(|l| l.budget_item == BudgetItem::UsageFee)
    {
        for (from, to, y) in runs(line) {
            s.text(row, 0, &category_label(&line.category, Lang::Ko), None)?;
            s.text(row, 1, &line.name, None)?;
            s.text(row, 2, &line.item, None)?;
            s.text(row, 3, unit_text(line), None)?;
            let years = if from == to {
                from.to_string()
            } else {
                format!("{from}~{to}")
            };
            s.text(row, 4, &years, None)?;
            if let Some(p) = y.unit_price() {
                let mut shown = p;
                shown.rescale(2);
                let shown = group_thousands(&shown);
                s.number(row, 5, p, &f.price, shown, f)?;
            }
            if let Some(q) = y.quantity {
                let q = q.normalize();
                s.number(row, 6, q, &Format::new(), q.to_string(), f)?;
            }
            let origin = match &line.saas {
                Some(saas) => saas_provenance(saas),
                None => provenance(line, y),
            };
            s.text(row, 7, &origin, None)?;
            s.text(row, 8, &basis, None)?;
            row += 1;
        }
    }
    s.ws.set_freeze_panes(3, 0).map_err(report_error)?;
    s.finish()
}

/// The plan as an Excel workbook: sheet `중기재정계획` (the plan form by fiscal year with its
/// 합계 column, then the mid-term summary, the usage-window summary and the 총사업비) and sheet
/// `단가` (each usage line: category, name, item, unit, the years it applies to, unit price,
/// quantity, the providers' flavors and charges it came from, and the basis). Amounts are
/// numbers in won with the format `#,##0`, unit prices `#,##0.00`; see the module docs for why
/// the conversion to Excel's doubles is exact. Returns the bytes of the `.xlsx` file; a failure
/// is [`Error::Report`].
///
/// ```
/// use cloud_tco::report::xlsx::plan_xlsx;
/// use cloud_tco::{plan, Catalog, Project};
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n").unwrap();
/// let bytes = plan_xlsx(&plan(&project, &Catalog::embedded(), None).unwrap()).unwrap();
/// assert!(bytes.starts_with(b"PK")); // a zip archive
/// ```
pub fn plan_xlsx(plan: &Plan) -> Result<Vec<u8>, Error> {
    let f = Formats::new();
    let mut workbook = Workbook::new();
    plan_sheet(workbook.add_worksheet(), plan, &f)?;
    prices_sheet(workbook.add_worksheet(), plan, &f)?;
    workbook.save_to_buffer().map_err(report_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_only_when_exact() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            exact_double(d("9007199254740991")),
            Some(9007199254740991.0)
        );
        assert_eq!(exact_double(d("9007199254740992")), None);
        assert_eq!(exact_double(d("155.17")), Some(155.17));
        assert_eq!(exact_double(d("1234567890123.45")), Some(1234567890123.45));
        assert_eq!(exact_double(d("12345678901234.56")), None);
        assert_eq!(exact_double(d("300.000")), Some(300.0));
    }
}
