//! Reports of a TCO comparison ([`Tco`]): JSON, CSV, a text table and an Excel workbook.
//!
//! Amounts are whole won, VAT excluded, exactly as [`tco`](crate::tco::tco()) computed them;
//! kWh have 2 decimals and trees 4 (see the rules in [`crate::tco`](mod@crate::tco)). In tables,
//! [`MoneyUnit`] divides money for display only, rounding each figure on its own half-up
//! (see [`display_amount`]); energy figures are never scaled.

use comfy_table::{presets::ASCII_FULL_CONDENSED, Cell, CellAlignment, Table};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::table::{basis_label, budget_item_label, display_amount, unit_caption, window_years};
use super::{Lang, MoneyUnit};
use crate::error::Error;
use crate::money::group_thousands;
use crate::project::BudgetItem;
use crate::tco::{OnPremisesItem, OnPremisesLine, Tco, TcoYear, TREES_PER_KWH};

/// A figure of one compared year.
type YearFigure = fn(&TcoYear) -> Decimal;

fn won(d: Decimal) -> Value {
    Value::String(d.to_string())
}

fn by_year(t: &Tco, get: impl Fn(&TcoYear) -> Decimal) -> Value {
    Value::Object(
        t.by_year
            .iter()
            .map(|y| (y.year.to_string(), Value::String(get(y).to_string())))
            .collect(),
    )
}

fn line_json(line: &OnPremisesLine) -> Value {
    json!({
        "item": line.item.key(),
        "name": line.name,
        "source": line.source,
        "amounts": Value::Object(
            line.amounts
                .iter()
                .map(|a| (a.year.to_string(), won(a.amount)))
                .collect(),
        ),
        "total": won(line.total()),
    })
}

/// The comparison as JSON. Amounts are strings of whole won (VAT excluded), kWh strings with 2
/// decimals, trees strings with 4; maps are keyed by fiscal year.
///
/// ```json
/// {"project": "…", "basis": "average", "currency": "KRW", "budget_year": 2027,
///  "usage_window": {"from": "2027-10-01", "to": "2034-09-30"},
///  "years": [2027, …],
///  "cloud": {"by_year": {"2027": "…"}, "cumulative": {…}, "total": "…"},
///  "on_premises": {"by_year": {…}, "cumulative": {…}, "total": "…",
///                  "lines": [{"item": "hardware_purchase", "name": "hardware",
///                             "source": "on_premises.hardware.purchase_amount",
///                             "amounts": {"2027": "…"}, "total": "…"}]},
///  "savings": {"by_year": {…}, "cumulative": {…}, "total": "…"},
///  "break_even_year": 2029, "break_even_holds": true,
///  "npv": {"discount_rate_pct": "4.5", "base_year": 2027,
///          "cloud": "…", "on_premises": "…", "savings": "…"},
///  "energy": {"power_kw": "6.5", "pue": "2", "hours_per_year": "8760", "trees_per_kwh": "0.07",
///             "kwh_saved_by_year": {…}, "trees_by_year": {…}, "facility_kwh_by_year": {…},
///             "kwh_saved_total": "…", "trees_total": "…", "facility_kwh_total": "…"}}
/// ```
///
/// `break_even_year` is `null` when the cloud never breaks even; the `energy` inputs are `null`
/// when the project gives no power draw (the figures are then 0).
///
/// ```
/// use cloud_tco::report::tco::tco_json;
/// use cloud_tco::{tco, Catalog, Project};
/// let project = Project::from_toml_str(r#"
///     kind = "conversion"
///     budget_year = 2027
///     service_start = "2027-01-01"
///     [[servers]]
///     vcpu = 2
///     memory_gb = 4
///     [on_premises.facility]
///     power_kw = 1
///     pue = 2
///     won_per_kwh = 100
/// "#).unwrap();
/// let value = tco_json(&tco(&project, &Catalog::embedded(), None, 0.into()).unwrap());
/// // 1 kW × 8,760 h × 2 (PUE) × 100 won.
/// assert_eq!(value["on_premises"]["by_year"]["2027"], "1752000");
/// // The servers' own 8,760 kWh × 0.07 = 613.2 trees.
/// assert_eq!(value["energy"]["kwh_saved_by_year"]["2027"], "8760.00");
/// assert_eq!(value["energy"]["trees_by_year"]["2027"], "613.2000");
/// ```
pub fn tco_json(t: &Tco) -> Value {
    let energy = t.on_premises.facility.energy.as_ref();
    let text =
        |d: Option<Decimal>| d.map_or(Value::Null, |d| Value::String(d.normalize().to_string()));
    let window = &t.plan.window;
    json!({
        "project": t.project,
        "kind": t.plan.kind.key(),
        "basis": t.plan.basis.to_string(),
        "currency": "KRW",
        "vat": "excluded",
        "budget_year": t.plan.budget_year,
        "usage_window": {
            "from": window.start.format("%Y-%m-%d").to_string(),
            "to": window.end.format("%Y-%m-%d").to_string(),
        },
        "years": t.years(),
        "cloud": {
            "by_year": by_year(t, |y| y.cloud),
            "cumulative": by_year(t, |y| y.cloud_cumulative),
            "total": won(t.totals.cloud),
        },
        "on_premises": {
            "by_year": by_year(t, |y| y.on_premises),
            "cumulative": by_year(t, |y| y.on_premises_cumulative),
            "total": won(t.totals.on_premises),
            "lines": t.lines.iter().map(line_json).collect::<Vec<_>>(),
        },
        "savings": {
            "by_year": by_year(t, |y| y.saving),
            "cumulative": by_year(t, |y| y.saving_cumulative),
            "total": won(t.totals.savings),
        },
        "break_even_year": t.break_even_year,
        "break_even_holds": t.break_even_holds,
        "npv": {
            "discount_rate_pct": t.npv.discount_rate_pct.normalize().to_string(),
            "base_year": t.npv.base_year,
            "cloud": won(t.npv.cloud),
            "on_premises": won(t.npv.on_premises),
            "savings": won(t.npv.savings),
        },
        "energy": {
            "power_kw": text(energy.map(|e| e.power_kw)),
            "pue": text(energy.map(|e| e.pue)),
            "hours_per_year": text(energy.map(|e| e.hours_per_year)),
            "trees_per_kwh": TREES_PER_KWH.to_string(),
            "kwh_saved_by_year": by_year(t, |y| y.kwh_saved),
            "trees_by_year": by_year(t, |y| y.trees),
            "facility_kwh_by_year": by_year(t, |y| y.facility_kwh),
            "kwh_saved_total": t.totals.kwh_saved.to_string(),
            "trees_total": t.totals.trees.to_string(),
            "facility_kwh_total": t.totals.facility_kwh.to_string(),
        },
    })
}

/// The header of [`tco_csv`].
pub const TCO_COLUMNS: [&str; 18] = [
    "year",
    "cloud",
    "on_premises",
    "saving",
    "cloud_cumulative",
    "on_premises_cumulative",
    "saving_cumulative",
    "hardware_purchase",
    "hardware_maintenance",
    "software_license",
    "software_maintenance",
    "electricity",
    "space",
    "staff",
    "other",
    "kwh_saved",
    "facility_kwh",
    "trees",
];

/// The comparison as CSV: one row per compared fiscal year with the columns [`TCO_COLUMNS`] —
/// the cloud cost, the on-premises cost and the saving with their cumulative sums, the
/// on-premises cost by item (the sum of its lines), the kWh saved, the machine room's kWh and the
/// trees. Amounts are whole won without separators; the NPV and the break-even year are in the
/// JSON, table and workbook reports.
///
/// ```
/// use cloud_tco::report::tco::tco_csv;
/// use cloud_tco::{tco, Catalog, Project};
/// let project = Project::from_toml_str(r#"
///     kind = "conversion"
///     budget_year = 2027
///     service_start = "2027-01-01"
///     usage_years = 1
///     [on_premises.facility]
///     staff_per_year = 50000000
/// "#).unwrap();
/// let text = tco_csv(&tco(&project, &Catalog::embedded(), None, "4.5".parse().unwrap()).unwrap()).unwrap();
/// let rows: Vec<&str> = text.lines().collect();
/// assert!(rows[0].starts_with("year,cloud,on_premises,saving,"));
/// assert_eq!(rows[1], "2027,0,50000000,50000000,0,50000000,50000000,0,0,0,0,0,0,50000000,0,0.00,0.00,0.0000");
/// ```
pub fn tco_csv(t: &Tco) -> Result<String, Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let fail = |e: ::csv::Error| Error::Report(format!("cannot write the CSV: {e}"));
    w.write_record(TCO_COLUMNS).map_err(fail)?;
    for y in &t.by_year {
        let mut row: Vec<String> = vec![
            y.year.to_string(),
            y.cloud.to_string(),
            y.on_premises.to_string(),
            y.saving.to_string(),
            y.cloud_cumulative.to_string(),
            y.on_premises_cumulative.to_string(),
            y.saving_cumulative.to_string(),
        ];
        row.extend(
            OnPremisesItem::ALL
                .iter()
                .map(|item| t.item_amount(*item, y.year).to_string()),
        );
        row.push(y.kwh_saved.to_string());
        row.push(y.facility_kwh.to_string());
        row.push(y.trees.to_string());
        w.write_record(&row).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Report(format!("cannot write the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Report(format!("the CSV is not UTF-8: {e}")))
}

/// The label of an on-premises line: the item, and the project's name when it is not the default.
///
/// ```
/// use cloud_tco::report::{tco::line_label, Lang};
/// use cloud_tco::tco::{OnPremisesItem, OnPremisesLine};
/// let line = |item, name: &str| OnPremisesLine { item, name: name.into(), source: String::new(), amounts: vec![] };
/// assert_eq!(line_label(&line(OnPremisesItem::HardwarePurchase, "hardware"), Lang::Ko), "H/W 구매");
/// assert_eq!(line_label(&line(OnPremisesItem::Other, "UPS 교체"), Lang::Ko), "기타 (UPS 교체)");
/// assert_eq!(line_label(&line(OnPremisesItem::Staff, "staff"), Lang::En), "Operations staff");
/// ```
pub fn line_label(line: &OnPremisesLine, lang: Lang) -> String {
    let item = match lang {
        Lang::Ko => line.item.korean(),
        Lang::En => line.item.english(),
    };
    let default = matches!(
        line.name.as_str(),
        "hardware" | "software" | "electricity" | "space" | "staff" | "other" | ""
    );
    if default {
        item.to_owned()
    } else {
        format!("{item} ({})", one_line(&line.name))
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn label(text: impl AsRef<str>) -> Cell {
    Cell::new(one_line(text.as_ref()))
}

fn right(text: impl Into<String>) -> Cell {
    Cell::new(text.into()).set_alignment(CellAlignment::Right)
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_style(ASCII_FULL_CONDENSED);
    t.force_no_tty();
    t
}

/// Renders `table` with a rule above each body row whose index is in `rules`.
fn render(table: &Table, rules: &[usize]) -> String {
    let lines: Vec<String> = table.lines().collect();
    let body_start = if table.header().is_some() { 3 } else { 1 };
    let rule = lines.first().cloned().unwrap_or_default();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i >= body_start && rules.contains(&(i - body_start)) && i + 1 < lines.len() {
            out.push_str(&rule);
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One row of the comparison form: label, a value per year, the total (None: left blank).
struct Row {
    label: String,
    values: Vec<Decimal>,
    total: Option<Decimal>,
    rule_above: bool,
    bold: bool,
}

struct Labels {
    cloud: &'static str,
    cloud_total: &'static str,
    on_prem: &'static str,
    on_prem_total: &'static str,
    saving: &'static str,
    cum_cloud: &'static str,
    cum_on_prem: &'static str,
    cum_saving: &'static str,
    total: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Ko => Labels {
            cloud: "클라우드",
            cloud_total: "클라우드 합계",
            on_prem: "온프레미스",
            on_prem_total: "온프레미스 합계",
            saving: "절감액 (온프레미스 - 클라우드)",
            cum_cloud: "누적 클라우드",
            cum_on_prem: "누적 온프레미스",
            cum_saving: "누적 절감액",
            total: "합계",
        },
        Lang::En => Labels {
            cloud: "Cloud",
            cloud_total: "Cloud total",
            on_prem: "On premises",
            on_prem_total: "On-premises total",
            saving: "Saving (on premises - cloud)",
            cum_cloud: "Cumulative cloud",
            cum_on_prem: "Cumulative on premises",
            cum_saving: "Cumulative saving",
            total: "Total",
        },
    }
}

fn form_rows(t: &Tco, lang: Lang) -> Vec<Row> {
    let l = labels(lang);
    let years = t.years();
    let mut rows = Vec::new();
    for item in BudgetItem::ALL {
        let values: Vec<Decimal> = years
            .iter()
            .map(|y| t.plan.totals.year(*y).map_or(Decimal::ZERO, |a| a.of(item)))
            .collect();
        if values.iter().all(|v| v.is_zero()) {
            continue;
        }
        rows.push(Row {
            label: format!("{} - {}", l.cloud, budget_item_label(item, lang)),
            total: Some(sum(&values)),
            values,
            rule_above: false,
            bold: false,
        });
    }
    rows.push(Row {
        label: l.cloud_total.into(),
        values: t.by_year.iter().map(|y| y.cloud).collect(),
        total: Some(t.totals.cloud),
        rule_above: false,
        bold: true,
    });
    // A line that is 0 in every year (e.g. a licence already owned) is left out of the form; it
    // stays in the JSON.
    let shown: Vec<&OnPremisesLine> = t
        .lines
        .iter()
        .filter(|l| l.amounts.iter().any(|a| !a.amount.is_zero()))
        .collect();
    for (i, line) in shown.iter().enumerate() {
        let values: Vec<Decimal> = line.amounts.iter().map(|a| a.amount).collect();
        rows.push(Row {
            label: format!("{} - {}", l.on_prem, line_label(line, lang)),
            total: Some(line.total()),
            values,
            rule_above: i == 0,
            bold: false,
        });
    }
    rows.push(Row {
        label: l.on_prem_total.into(),
        values: t.by_year.iter().map(|y| y.on_premises).collect(),
        total: Some(t.totals.on_premises),
        rule_above: shown.is_empty(),
        bold: true,
    });
    rows.push(Row {
        label: l.saving.into(),
        values: t.by_year.iter().map(|y| y.saving).collect(),
        total: Some(t.totals.savings),
        rule_above: true,
        bold: true,
    });
    for (label, get, rule) in [
        (
            l.cum_cloud,
            (|y: &TcoYear| y.cloud_cumulative) as fn(&TcoYear) -> Decimal,
            true,
        ),
        (l.cum_on_prem, |y: &TcoYear| y.on_premises_cumulative, false),
        (l.cum_saving, |y: &TcoYear| y.saving_cumulative, false),
    ] {
        rows.push(Row {
            label: label.into(),
            values: t.by_year.iter().map(get).collect(),
            total: None,
            rule_above: rule,
            bold: false,
        });
    }
    rows
}

fn sum(values: &[Decimal]) -> Decimal {
    values
        .iter()
        .fold(Decimal::ZERO, |s, v| s.saturating_add(*v))
}

fn pct_text(d: Decimal) -> String {
    format!("{}%", d.normalize())
}

/// The break-even sentence of the TCO report (손익분기 연도), in `lang`.
pub fn break_even_text(t: &Tco, lang: Lang) -> String {
    match (t.break_even_year, t.break_even_holds, lang) {
        (Some(y), true, Lang::Ko) => format!("손익분기 연도: {y}"),
        (Some(y), false, Lang::Ko) => {
            format!("손익분기 연도: {y} (이후 누적 절감액이 다시 음수가 되는 해가 있음)")
        }
        (None, _, Lang::Ko) => {
            "손익분기 연도: 없음 (비교 기간 내 누적 클라우드 비용이 온프레미스보다 큼)".into()
        }
        (Some(y), true, Lang::En) => format!("Break-even year: {y}"),
        (Some(y), false, Lang::En) => {
            format!("Break-even year: {y} (the cumulative saving turns negative again later)")
        }
        (None, _, Lang::En) => {
            "Break-even year: none (the cumulative cloud cost stays above on premises)".into()
        }
    }
}

/// The comparison as a text table. A header block names the project, the price basis, the usage
/// window, the discount rate and the display unit. The form's columns are the compared fiscal
/// years and their total; its rows are the cloud cost by budget item (이용료, 전환비, … — those
/// present) and its total, each on-premises line (H/W 구매, H/W 유지보수, S/W 라이선스, S/W
/// 유지보수, 전력비, 상면·랙, 운영 인력, 기타; a line that is 0 in every year is left out) and
/// its total, the saving (온프레미스 − 클라우드)
/// and the three cumulative rows (no total). Below: the break-even year (손익분기 연도), the NPVs
/// (순현재가치) and the energy and carbon rows — kWh saved, the trees (식재 효과) and the machine
/// room's kWh with its PUE.
///
/// ```
/// use cloud_tco::report::{tco::tco_table, Lang, MoneyUnit};
/// use cloud_tco::{tco, Catalog, Project};
/// let project = Project::from_toml_str(r#"
///     kind = "conversion"
///     budget_year = 2027
///     service_start = "2027-01-01"
///     usage_years = 2
///     [[servers]]
///     vcpu = 2
///     memory_gb = 4
///     [on_premises.hardware]
///     purchase_amount = 30000000
///     maintenance_pct = 8
/// "#).unwrap();
/// let t = tco(&project, &Catalog::embedded(), None, "4.5".parse().unwrap()).unwrap();
/// let text = tco_table(&t, Lang::Ko, MoneyUnit::Won);
/// assert!(text.contains("온프레미스 - H/W 구매"));
/// assert!(text.contains("30,000,000"));
/// assert!(text.contains("손익분기 연도: 2027"));
/// assert!(text.contains("순현재가치"));
/// let text = tco_table(&t, Lang::En, MoneyUnit::Thousand);
/// assert!(text.contains("H/W maintenance"));
/// assert!(text.contains("2,400")); // 8 % of 30,000,000 in 2028, in thousands
/// ```
pub fn tco_table(t: &Tco, lang: Lang, unit: MoneyUnit) -> String {
    let mut out = String::new();
    let w = &t.plan.window;
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let n = window_years(w);
    let l = labels(lang);
    match lang {
        Lang::Ko => {
            out.push_str(&format!(
                "{}년 TCO 비교: 클라우드 대 온프레미스 유지 (비용효율성, 레거시 기준)\n",
                n.map_or("-".to_owned(), |n| n.to_string())
            ));
            out.push_str(&format!("사업명: {}\n", one_line(&t.project)));
            out.push_str(&format!(
                "단가 기준: {}\n",
                basis_label(&t.plan.basis, lang)
            ));
            out.push_str(&format!("이용 기간: {} ~ {}\n", date(w.start), date(w.end)));
            out.push_str(&format!(
                "할인율: {} (기준연도 {})\n",
                pct_text(t.npv.discount_rate_pct),
                t.npv.base_year
            ));
            out.push_str(&format!(
                "{}, 부가세 별도)\n",
                unit_caption(unit, lang).trim_end_matches(')')
            ));
        }
        Lang::En => {
            out.push_str(&format!(
                "{}-year TCO: cloud against staying on premises\n",
                n.map_or("-".to_owned(), |n| n.to_string())
            ));
            out.push_str(&format!("Project: {}\n", one_line(&t.project)));
            out.push_str(&format!(
                "Price basis: {}\n",
                basis_label(&t.plan.basis, lang)
            ));
            out.push_str(&format!(
                "Usage window: {} ~ {}\n",
                date(w.start),
                date(w.end)
            ));
            out.push_str(&format!(
                "Discount rate: {} (base year {})\n",
                pct_text(t.npv.discount_rate_pct),
                t.npv.base_year
            ));
            out.push_str(&format!(
                "{}, VAT excluded)\n",
                unit_caption(unit, lang).trim_end_matches(')')
            ));
        }
    }
    out.push('\n');
    let mut table = new_table();
    let mut header = vec![label(match lang {
        Lang::Ko => "구분",
        Lang::En => "Item",
    })];
    header.extend(t.by_year.iter().map(|y| right(y.year.to_string())));
    header.push(right(l.total));
    table.set_header(header);
    let mut rules = Vec::new();
    for (i, row) in form_rows(t, lang).into_iter().enumerate() {
        if row.rule_above {
            rules.push(i);
        }
        let mut cells = vec![label(&row.label)];
        cells.extend(row.values.iter().map(|v| right(display_amount(*v, unit))));
        cells.push(right(
            row.total
                .map(|v| display_amount(v, unit))
                .unwrap_or_default(),
        ));
        table.add_row(cells);
    }
    out.push_str(&render(&table, &rules));

    out.push('\n');
    out.push_str(&break_even_text(t, lang));
    out.push('\n');

    out.push('\n');
    out.push_str(&match lang {
        Lang::Ko => format!(
            "순현재가치 (NPV, 할인율 {}, {}년 기준)\n",
            pct_text(t.npv.discount_rate_pct),
            t.npv.base_year
        ),
        Lang::En => format!(
            "Net present value (discount rate {}, base year {})\n",
            pct_text(t.npv.discount_rate_pct),
            t.npv.base_year
        ),
    });
    let mut npv = new_table();
    for (k, v) in [
        (l.cloud, t.npv.cloud),
        (l.on_prem, t.npv.on_premises),
        (
            match lang {
                Lang::Ko => "절감액",
                Lang::En => "Saving",
            },
            t.npv.savings,
        ),
    ] {
        npv.add_row(vec![label(k), right(display_amount(v, unit))]);
    }
    out.push_str(&render(&npv, &[]));

    out.push('\n');
    let energy = t.on_premises.facility.energy.as_ref();
    out.push_str(&match lang {
        Lang::Ko => {
            "에너지·탄소 저감 (안내서 §5.5.4: 서버 전력 기준, 1kWh당 0.07그루)\n".to_owned()
        }
        Lang::En => {
            "Energy and carbon (guide §5.5.4: servers' own power, 0.07 trees per kWh)\n".to_owned()
        }
    });
    if energy.is_none() {
        out.push_str(match lang {
            Lang::Ko => "전력 사용량(power_kw)이 없어 산정하지 않음\n",
            Lang::En => "not computed: the project gives no power draw (power_kw)\n",
        });
        return out;
    }
    let mut e = new_table();
    let mut header = vec![label(match lang {
        Lang::Ko => "구분",
        Lang::En => "Item",
    })];
    header.extend(t.by_year.iter().map(|y| right(y.year.to_string())));
    header.push(right(l.total));
    e.set_header(header);
    let pue = energy.map_or(Decimal::ONE, |e| e.pue).normalize();
    let rows: [(String, YearFigure, Decimal); 3] = match lang {
        Lang::Ko => [
            (
                "절감 전력량 (kWh)".into(),
                |y| y.kwh_saved,
                t.totals.kwh_saved,
            ),
            ("식재 효과 (그루)".into(), |y| y.trees, t.totals.trees),
            (
                format!("전산실 전력량 (kWh, PUE {pue})"),
                |y| y.facility_kwh,
                t.totals.facility_kwh,
            ),
        ],
        Lang::En => [
            ("kWh saved".into(), |y| y.kwh_saved, t.totals.kwh_saved),
            ("Trees planted".into(), |y| y.trees, t.totals.trees),
            (
                format!("Machine room kWh (PUE {pue})"),
                |y| y.facility_kwh,
                t.totals.facility_kwh,
            ),
        ],
    };
    for (name, get, total) in rows {
        let mut cells = vec![label(name)];
        cells.extend(t.by_year.iter().map(|y| right(group_thousands(&get(y)))));
        cells.push(right(group_thousands(&total)));
        e.add_row(cells);
    }
    out.push_str(&render(&e, &[]));
    out
}

#[cfg(feature = "xlsx")]
mod workbook {
    use rust_decimal::Decimal;
    use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

    use super::{break_even_text, form_rows, labels, pct_text, YearFigure};
    use crate::error::Error;
    use crate::money::group_thousands;
    use crate::report::table::basis_label;
    use crate::report::Lang;
    use crate::tco::Tco;

    /// The name of the comparison sheet.
    pub const TCO_SHEET: &str = "TCO 비교";

    fn fail(e: XlsxError) -> Error {
        Error::Report(format!("cannot build the workbook: {e}"))
    }

    /// The double of `d` when Excel holds it exactly: a whole number below 2⁵³, or at most 15
    /// significant digits.
    fn exact_double(d: Decimal) -> Option<f64> {
        let n = d.normalize();
        let exact = if n.scale() == 0 {
            n.mantissa().abs() < (1i128 << 53)
        } else {
            n.mantissa().unsigned_abs().to_string().len() <= 15
        };
        if !exact {
            return None;
        }
        n.to_string().parse::<f64>().ok()
    }

    struct Sheet<'a> {
        ws: &'a mut Worksheet,
        text_right: Format,
        widths: Vec<usize>,
    }

    impl Sheet<'_> {
        fn width(&mut self, col: u16, text: &str) {
            let i = usize::from(col);
            if self.widths.len() <= i {
                self.widths.resize(i + 1, 0);
            }
            let w = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            self.widths[i] = self.widths[i].max(w);
        }

        fn text(&mut self, row: u32, col: u16, text: &str, f: &Format) -> Result<(), Error> {
            self.ws
                .write_string_with_format(row, col, text, f)
                .map_err(fail)?;
            self.width(col, text);
            Ok(())
        }

        fn title(&mut self, row: u32, text: &str, f: &Format) -> Result<(), Error> {
            self.ws
                .write_string_with_format(row, 0, text, f)
                .map_err(fail)?;
            Ok(())
        }

        fn number(&mut self, row: u32, col: u16, v: Decimal, f: &Format) -> Result<(), Error> {
            let shown = group_thousands(&v);
            match exact_double(v) {
                Some(x) => self.ws.write_number_with_format(row, col, x, f),
                None => {
                    self.ws
                        .write_string_with_format(row, col, shown.as_str(), &self.text_right)
                }
            }
            .map_err(fail)?;
            self.width(col, &shown);
            Ok(())
        }

        fn finish(self) -> Result<(), Error> {
            for (i, w) in self.widths.iter().enumerate() {
                let col = u16::try_from(i).map_err(|_| Error::Report("too many columns".into()))?;
                let width = u16::try_from((*w).clamp(6, 60) + 2).unwrap_or(62);
                self.ws.set_column_width(col, width).map_err(fail)?;
            }
            Ok(())
        }
    }

    fn col(i: usize) -> Result<u16, Error> {
        u16::try_from(i).map_err(|_| Error::Report("too many columns for a worksheet".into()))
    }

    /// The comparison as an Excel workbook with one sheet, `TCO 비교`: the header block, the
    /// comparison form of [`tco_table`](super::tco_table) in Korean (amounts as numbers in won,
    /// format `#,##0`), the break-even year, the NPVs and the energy rows (kWh `#,##0.00`, trees
    /// `#,##0.0000`). A figure that Excel's doubles cannot hold exactly is written as text, as
    /// in the plan workbook. A failure is [`Error::Report`].
    ///
    /// ```
    /// use cloud_tco::report::tco::tco_xlsx;
    /// use cloud_tco::{tco, Catalog, Project};
    /// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[on_premises.facility]\nstaff_per_year = 1000\n").unwrap();
    /// let bytes = tco_xlsx(&tco(&project, &Catalog::embedded(), None, 0.into()).unwrap()).unwrap();
    /// assert!(bytes.starts_with(b"PK"));
    /// ```
    pub fn tco_xlsx(t: &Tco) -> Result<Vec<u8>, Error> {
        let bold = Format::new().set_bold();
        let header = Format::new().set_bold().set_background_color(0xD9E1F2);
        let header_right = header.clone().set_align(FormatAlign::Right);
        let won = Format::new().set_num_format("#,##0");
        let won_bold = won.clone().set_bold();
        let kwh = Format::new().set_num_format("#,##0.00");
        let trees = Format::new().set_num_format("#,##0.0000");
        let plain = Format::new();
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.set_name(TCO_SHEET).map_err(fail)?;
        let mut s = Sheet {
            ws,
            text_right: Format::new().set_align(FormatAlign::Right),
            widths: Vec::new(),
        };
        let w = &t.plan.window;
        let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        s.title(
            0,
            "TCO 비교: 클라우드 대 온프레미스 유지 (부가세 별도)",
            &bold,
        )?;
        let info = [
            ("사업명", t.project.clone()),
            ("단가 기준", basis_label(&t.plan.basis, Lang::Ko)),
            ("이용 기간", format!("{} ~ {}", date(w.start), date(w.end))),
            (
                "할인율",
                format!(
                    "{} (기준연도 {})",
                    pct_text(t.npv.discount_rate_pct),
                    t.npv.base_year
                ),
            ),
            ("단위", "원".to_owned()),
        ];
        let mut row: u32 = 1;
        for (k, v) in &info {
            s.text(row, 0, k, &bold)?;
            s.ws.write_string(row, 1, v.as_str()).map_err(fail)?;
            row += 1;
        }
        row += 1;
        let l = labels(Lang::Ko);
        s.text(row, 0, "구분", &header)?;
        for (i, y) in t.by_year.iter().enumerate() {
            s.ws.write_number_with_format(row, col(i + 1)?, y.year, &header_right)
                .map_err(fail)?;
        }
        let total_col = col(t.by_year.len() + 1)?;
        s.text(row, total_col, l.total, &header_right)?;
        let header_row = row;
        row += 1;
        for r in form_rows(t, Lang::Ko) {
            let (lf, nf) = if r.bold {
                (&bold, &won_bold)
            } else {
                (&plain, &won)
            };
            s.text(row, 0, &r.label, lf)?;
            for (i, v) in r.values.iter().enumerate() {
                s.number(row, col(i + 1)?, *v, nf)?;
            }
            if let Some(total) = r.total {
                s.number(row, total_col, total, nf)?;
            }
            row += 1;
        }
        s.ws.set_freeze_panes(header_row + 1, 1).map_err(fail)?;
        row += 1;
        s.title(row, &break_even_text(t, Lang::Ko), &bold)?;
        row += 2;
        s.title(
            row,
            &format!(
                "순현재가치 (NPV, 할인율 {}, {}년 기준)",
                pct_text(t.npv.discount_rate_pct),
                t.npv.base_year
            ),
            &bold,
        )?;
        row += 1;
        for (k, v) in [
            (l.cloud, t.npv.cloud),
            (l.on_prem, t.npv.on_premises),
            ("절감액", t.npv.savings),
        ] {
            s.text(row, 0, k, &plain)?;
            s.number(row, 1, v, &won)?;
            row += 1;
        }
        row += 1;
        s.title(
            row,
            "에너지·탄소 저감 (안내서 §5.5.4: 서버 전력 기준, 1kWh당 0.07그루)",
            &bold,
        )?;
        row += 1;
        let pue = t
            .on_premises
            .facility
            .energy
            .as_ref()
            .map_or(Decimal::ONE, |e| e.pue)
            .normalize();
        let rows: [(String, YearFigure, Decimal, &Format); 3] = [
            (
                "절감 전력량 (kWh)".into(),
                |y| y.kwh_saved,
                t.totals.kwh_saved,
                &kwh,
            ),
            (
                "식재 효과 (그루)".into(),
                |y| y.trees,
                t.totals.trees,
                &trees,
            ),
            (
                format!("전산실 전력량 (kWh, PUE {pue})"),
                |y| y.facility_kwh,
                t.totals.facility_kwh,
                &kwh,
            ),
        ];
        for (name, get, total, f) in rows {
            s.text(row, 0, &name, &plain)?;
            for (i, y) in t.by_year.iter().enumerate() {
                s.number(row, col(i + 1)?, get(y), f)?;
            }
            s.number(row, total_col, total, f)?;
            row += 1;
        }
        s.finish()?;
        workbook.save_to_buffer().map_err(fail)
    }
}

#[cfg(feature = "xlsx")]
pub use workbook::{tco_xlsx, TCO_SHEET};
