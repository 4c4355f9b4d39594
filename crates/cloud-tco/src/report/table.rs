//! Text tables for a terminal: the mid-term financial plan form (중기재정계획, guide §3.6), the
//! guide's price table with its 평균단가 column (§4.5.1) and the provider comparison.
//!
//! Tables are drawn with ASCII borders (box-drawing characters are double-width in many East
//! Asian terminals) and aligned by display width, so Hangul labels, which take two columns
//! each, line up. Money is right-aligned with thousands separators.
//!
//! **Display units.** [`MoneyUnit::Thousand`] (천원) and [`MoneyUnit::Million`] (백만원) divide
//! each figure for display only and round it half-up (away from zero) to a whole number of
//! units; every cell — including every total — is rounded on its own from the exact amount, so
//! a displayed total is the rounded exact total, not the sum of rounded cells. A display unit
//! never changes a computed amount.

use chrono::{Datelike, NaiveDate};
use comfy_table::{presets::ASCII_FULL_CONDENSED, Cell, CellAlignment, Table};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Lang, MoneyUnit};
use crate::compare::{Comparison, Outcome};
use crate::money::group_thousands;
use crate::plan::{Amounts, Plan};
use crate::pricing::{PriceBasis, PriceTable};
use crate::project::BudgetItem;
use crate::schedule::UsageWindow;

/// The usage categories in the order of the plan form (서버, OS 라이선스, 스토리지, …).
pub const CATEGORY_ORDER: [&str; 12] = [
    "server",
    "os_license",
    "storage",
    "load_balancer",
    "public_ip",
    "vpn",
    "traffic",
    "backup",
    "security",
    "monitoring",
    "managed",
    "saas",
];

/// The label of a usage category key (`server`, `os_license`, …); an unknown key is returned
/// as it is.
///
/// ```
/// use cloud_tco::report::{table::category_label, Lang};
/// assert_eq!(category_label("os_license", Lang::Ko), "OS 라이선스");
/// assert_eq!(category_label("managed", Lang::En), "Managed service (MSP)");
/// ```
pub fn category_label(key: &str, lang: Lang) -> String {
    let (ko, en) = match key {
        "server" => ("서버", "Server"),
        "os_license" => ("OS 라이선스", "OS license"),
        "storage" => ("스토리지", "Storage"),
        "load_balancer" => ("로드밸런서", "Load balancer"),
        "public_ip" => ("공인 IP", "Public IP"),
        "vpn" => ("VPN", "VPN"),
        "traffic" => ("네트워크 트래픽", "Network traffic"),
        "backup" => ("백업", "Backup"),
        "security" => ("보안", "Security"),
        "monitoring" => ("모니터링", "Monitoring"),
        "managed" => ("관리서비스(MSP)", "Managed service (MSP)"),
        "saas" => ("SaaS", "SaaS"),
        other => (other, other),
    };
    match lang {
        Lang::Ko => ko.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The label of a budget item (이용료, 전환비, SW 구축비, 기타).
///
/// ```
/// use cloud_tco::report::{table::budget_item_label, Lang};
/// use cloud_tco::BudgetItem;
/// assert_eq!(budget_item_label(BudgetItem::SwBuild, Lang::Ko), "SW 구축비");
/// assert_eq!(budget_item_label(BudgetItem::UsageFee, Lang::En), "Usage fee");
/// ```
pub fn budget_item_label(item: BudgetItem, lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => item.korean(),
        Lang::En => match item {
            BudgetItem::UsageFee => "Usage fee",
            BudgetItem::Conversion => "Conversion",
            BudgetItem::SwBuild => "SW build",
            BudgetItem::Other => "Other",
        },
    }
}

/// The name of a price basis as the guide writes it: 평균단가, 최저가, 최고가, 중앙값 or
/// `공급자 NAME` (English: Average, Min, Max, Median, `Provider NAME`).
///
/// ```
/// use cloud_tco::report::{table::basis_label, Lang};
/// use cloud_tco::PriceBasis;
/// assert_eq!(basis_label(&PriceBasis::Average, Lang::Ko), "평균단가");
/// assert_eq!(basis_label(&PriceBasis::Provider("B".into()), Lang::Ko), "공급자 B");
/// assert_eq!(basis_label(&PriceBasis::Median, Lang::En), "Median");
/// ```
pub fn basis_label(basis: &PriceBasis, lang: Lang) -> String {
    match (basis, lang) {
        (PriceBasis::Average, Lang::Ko) => "평균단가".into(),
        (PriceBasis::Min, Lang::Ko) => "최저가".into(),
        (PriceBasis::Max, Lang::Ko) => "최고가".into(),
        (PriceBasis::Median, Lang::Ko) => "중앙값".into(),
        (PriceBasis::Provider(p), Lang::Ko) => format!("공급자 {p}"),
        (PriceBasis::Average, Lang::En) => "Average".into(),
        (PriceBasis::Min, Lang::En) => "Min".into(),
        (PriceBasis::Max, Lang::En) => "Max".into(),
        (PriceBasis::Median, Lang::En) => "Median".into(),
        (PriceBasis::Provider(p), Lang::En) => format!("Provider {p}"),
    }
}

/// The title of the combined column of a price table: the basis label, or just the provider's
/// name for `provider:NAME`.
fn basis_column_title(basis: &PriceBasis, lang: Lang) -> String {
    match basis {
        PriceBasis::Provider(p) => p.clone(),
        other => basis_label(other, lang),
    }
}

/// The unit line of a table header: `(단위: 천원)` / `(unit: KRW thousand)`.
///
/// ```
/// use cloud_tco::report::{table::unit_caption, Lang, MoneyUnit};
/// assert_eq!(unit_caption(MoneyUnit::Thousand, Lang::Ko), "(단위: 천원)");
/// assert_eq!(unit_caption(MoneyUnit::Won, Lang::En), "(unit: KRW)");
/// ```
pub fn unit_caption(unit: MoneyUnit, lang: Lang) -> &'static str {
    match (unit, lang) {
        (MoneyUnit::Won, Lang::Ko) => "(단위: 원)",
        (MoneyUnit::Thousand, Lang::Ko) => "(단위: 천원)",
        (MoneyUnit::Million, Lang::Ko) => "(단위: 백만원)",
        (MoneyUnit::Won, Lang::En) => "(unit: KRW)",
        (MoneyUnit::Thousand, Lang::En) => "(unit: KRW thousand)",
        (MoneyUnit::Million, Lang::En) => "(unit: KRW million)",
    }
}

/// An amount of won as displayed in `unit`: divided by 1, 1,000 or 1,000,000, rounded half-up
/// (away from zero) to a whole number of units, with thousands separators.
///
/// The rounding is for display only: each figure is rounded on its own from its exact amount.
///
/// ```
/// use cloud_tco::report::{table::display_amount, MoneyUnit};
/// use cloud_tco::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(display_amount(d("1234567"), MoneyUnit::Won), "1,234,567");
/// assert_eq!(display_amount(d("10000500"), MoneyUnit::Thousand), "10,001"); // 10,000.5 → half-up
/// assert_eq!(display_amount(d("10000499"), MoneyUnit::Thousand), "10,000");
/// assert_eq!(display_amount(d("2500000"), MoneyUnit::Million), "3");
/// ```
pub fn display_amount(amount: Decimal, unit: MoneyUnit) -> String {
    let shift = match unit {
        MoneyUnit::Won => 0,
        MoneyUnit::Thousand => 3,
        MoneyUnit::Million => 6,
    };
    // Dividing by a power of ten only moves the decimal point: exact whenever the scale fits.
    let mut scaled = amount;
    let exact = scaled.scale() + shift <= 28 && scaled.set_scale(amount.scale() + shift).is_ok();
    if !exact {
        scaled = amount / Decimal::from(10u64.pow(shift));
    }
    let mut rounded = scaled.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(0);
    group_thousands(&rounded)
}

/// `N` when the window is exactly `N` years long (always, for a window built from
/// `usage_years`).
pub(crate) fn window_years(window: &UsageWindow) -> Option<u32> {
    let next = window.end.succ_opt()?;
    let n = u32::try_from(next.year().checked_sub(window.start.year())?).ok()?;
    match UsageWindow::new(window.start, n) {
        Ok(w) if w.end == window.end && n > 0 => Some(n),
        _ => None,
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Replaces line breaks so that every table row stays one line high.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn label(text: impl AsRef<str>) -> Cell {
    Cell::new(one_line(text.as_ref()))
}

fn money(amount: Decimal, unit: MoneyUnit) -> Cell {
    Cell::new(display_amount(amount, unit)).set_alignment(CellAlignment::Right)
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

/// Renders `table`, drawing a rule above each row whose index is in `rules` (0 = first body
/// row). Relies on every row being one line high (see [`one_line`]).
fn render(table: &Table, rules: &[usize]) -> String {
    let lines: Vec<String> = table.lines().collect();
    let has_header = table.header().is_some();
    let body_start = if has_header { 3 } else { 1 };
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

/// Sums without panicking; amounts of a plan are bounded by its checked totals.
fn sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, |s, v| s.saturating_add(v))
}

/// The rows of the plan form: label, one amount per reported year, and the row's sum.
struct FormRow {
    label: String,
    values: Vec<Decimal>,
    total: Decimal,
    rule_above: bool,
}

fn year_amounts(plan: &Plan, year: i32) -> Amounts {
    plan.totals.year(year).copied().unwrap_or_default()
}

fn form_rows(plan: &Plan, lang: Lang) -> Vec<FormRow> {
    let mut rows = Vec::new();
    let mut categories: Vec<&str> = CATEGORY_ORDER
        .iter()
        .copied()
        .filter(|c| {
            plan.lines
                .iter()
                .any(|l| l.budget_item == BudgetItem::UsageFee && l.category == *c)
        })
        .collect();
    // A category outside the form's list (none today) still gets its row, so the rows always
    // add up to the subtotal.
    for line in &plan.lines {
        if line.budget_item == BudgetItem::UsageFee && !categories.contains(&line.category.as_str())
        {
            categories.push(line.category.as_str());
        }
    }
    let usage = budget_item_label(BudgetItem::UsageFee, lang);
    for category in categories {
        let lines: Vec<_> = plan
            .lines
            .iter()
            .filter(|l| l.budget_item == BudgetItem::UsageFee && l.category == category)
            .collect();
        let values: Vec<Decimal> = plan
            .years
            .iter()
            .map(|y| sum(lines.iter().map(|l| l.amount(*y))))
            .collect();
        rows.push(FormRow {
            label: format!("{usage} - {}", category_label(category, lang)),
            total: sum(values.iter().copied()),
            values,
            rule_above: false,
        });
    }
    let item_row = |label: String, get: &dyn Fn(&Amounts) -> Decimal, rule_above: bool| {
        let values: Vec<Decimal> = plan
            .years
            .iter()
            .map(|y| get(&year_amounts(plan, *y)))
            .collect();
        FormRow {
            label,
            total: sum(values.iter().copied()),
            values,
            rule_above,
        }
    };
    let subtotal = match lang {
        Lang::Ko => format!("{usage} 소계"),
        Lang::En => format!("{usage} subtotal"),
    };
    rows.push(item_row(subtotal, &|a| a.usage_fee, true));
    for (i, item) in [
        BudgetItem::Conversion,
        BudgetItem::SwBuild,
        BudgetItem::Other,
    ]
    .into_iter()
    .enumerate()
    {
        rows.push(item_row(
            budget_item_label(item, lang).to_owned(),
            &move |a| a.of(item),
            i == 0,
        ));
    }
    let (total, vat, with_vat) = totals_labels(lang);
    rows.push(item_row(total.into(), &|a| a.total, true));
    rows.push(item_row(vat.into(), &|a| a.vat, false));
    rows.push(item_row(with_vat.into(), &|a| a.total_with_vat, false));
    rows
}

fn totals_labels(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Ko => ("합계", "부가세", "합계(부가세 포함)"),
        Lang::En => ("Total", "VAT", "Total incl. VAT"),
    }
}

fn key_value_table(rows: &[(String, Decimal)], unit: MoneyUnit) -> String {
    let mut t = new_table();
    for (k, v) in rows {
        t.add_row(vec![label(k), money(*v, unit)]);
    }
    render(&t, &[])
}

/// The mid-term financial plan form (중기재정계획) of a plan, as a text table.
///
/// A header block names the project, its kind (전환 …), the price basis (평균단가 …), the usage
/// window, the budget year, the pre-consultation status (사전협의 대상 여부, when the project
/// names its institution type; see [`crate::consultation`]) and the display unit. The form's
/// rows are the usage fee by category (서버, OS 라이선스, 스토리지, … — those present in the
/// plan), the 이용료 소계, then 전환비,
/// SW 구축비 and 기타 (entered costs), then 합계, 부가세 and 합계(부가세 포함); its columns are
/// the reported fiscal years and their 합계. Below it: the mid-term summary (중기재정계획
/// FROM~TO), the usage-window summary (N년 이용료 규모) and the 총사업비 with and without VAT.
///
/// `unit` divides for display only; each figure is rounded half-up to whole units on its own
/// (see [`display_amount`]), so a displayed total is never a sum of rounded figures.
///
/// ```
/// use cloud_tco::report::{table::plan_table, Lang, MoneyUnit};
/// use cloud_tco::{plan, Catalog, Project};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let project = Project::from_toml_str(r#"
///     name = "민원포털"
///     kind = "conversion"
///     budget_year = 2027
///     service_start = "2027-07-01"
///     [[servers]]
///     vcpu = 2
///     memory_gb = 4
///     count = 2
///     [[costs]]
///     item = "conversion"
///     year = 2027
///     amount = 10000500
/// "#).unwrap();
/// let plan = plan(&project, &catalog, None).unwrap();
/// let text = plan_table(&plan, Lang::Ko, MoneyUnit::Won);
/// // 평균단가 55,000 × 2 servers × 6 months in 2027.
/// assert!(text.contains("이용료 - 서버"));
/// assert!(text.contains("660,000"));
/// assert!(text.contains("단가 기준: 평균단가"));
/// // In thousands the conversion cost 10,000,500 shows as 10,001 (half-up).
/// let text = plan_table(&plan, Lang::En, MoneyUnit::Thousand);
/// assert!(text.contains("(unit: KRW thousand)"));
/// assert!(text.contains("10,001"));
/// assert!(text.contains("Total incl. VAT"));
/// ```
pub fn plan_table(plan: &Plan, lang: Lang, unit: MoneyUnit) -> String {
    let mut out = String::new();
    let w = &plan.window;
    let years_n = window_years(w);
    let (total_l, vat_l, with_vat_l) = totals_labels(lang);
    match lang {
        Lang::Ko => {
            out.push_str("중기재정계획 (클라우드컴퓨팅서비스)\n");
            out.push_str(&format!("사업명: {}\n", one_line(&plan.project)));
            out.push_str(&format!("사업 유형: {}\n", plan.kind.korean()));
            out.push_str(&format!("단가 기준: {}\n", basis_label(&plan.basis, lang)));
            out.push_str(&format!(
                "이용 기간: {} ~ {}{}\n",
                date(w.start),
                date(w.end),
                years_n.map(|n| format!(" ({n}년)")).unwrap_or_default()
            ));
            out.push_str(&format!("예산요구연도: {}\n", plan.budget_year));
            if let Some(pc) = &plan.pre_consultation {
                out.push_str(&format!(
                    "사전협의 대상 여부: {} — {}\n",
                    pc.status(lang),
                    one_line(&pc.note(lang))
                ));
            }
            out.push_str(unit_caption(unit, lang));
            out.push('\n');
        }
        Lang::En => {
            out.push_str("Mid-term financial plan (cloud computing service)\n");
            out.push_str(&format!("Project: {}\n", one_line(&plan.project)));
            out.push_str(&format!(
                "Kind: {} ({})\n",
                plan.kind.key(),
                plan.kind.korean()
            ));
            out.push_str(&format!(
                "Price basis: {}\n",
                basis_label(&plan.basis, lang)
            ));
            out.push_str(&format!(
                "Usage window: {} ~ {}{}\n",
                date(w.start),
                date(w.end),
                years_n.map(|n| format!(" ({n} years)")).unwrap_or_default()
            ));
            out.push_str(&format!("Budget year: {}\n", plan.budget_year));
            if let Some(pc) = &plan.pre_consultation {
                out.push_str(&format!(
                    "Pre-consultation (사전협의): {} — {}\n",
                    pc.status(lang),
                    one_line(&pc.note(lang))
                ));
            }
            out.push_str(unit_caption(unit, lang));
            out.push('\n');
        }
    }
    out.push('\n');

    let mut t = new_table();
    let mut header = vec![label(match lang {
        Lang::Ko => "구분",
        Lang::En => "Item",
    })];
    header.extend(plan.years.iter().map(|y| right(y.to_string())));
    header.push(right(match lang {
        Lang::Ko => "합계",
        Lang::En => "Total",
    }));
    t.set_header(header);
    let rows = form_rows(plan, lang);
    let mut rules = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.rule_above && i > 0 {
            rules.push(i);
        }
        let mut cells = vec![label(&row.label)];
        cells.extend(row.values.iter().map(|v| money(*v, unit)));
        cells.push(money(row.total, unit));
        t.add_row(cells);
    }
    out.push_str(&render(&t, &rules));

    let mid = &plan.totals.midterm;
    let span = mid.to.saturating_sub(mid.from).saturating_add(1);
    out.push('\n');
    out.push_str(&match lang {
        Lang::Ko => format!("중기재정계획 {}~{} ({span}년)\n", mid.from, mid.to),
        Lang::En => format!(
            "Mid-term financial plan {}~{} ({span} years)\n",
            mid.from, mid.to
        ),
    });
    let mut summary: Vec<(String, Decimal)> = BudgetItem::ALL
        .into_iter()
        .map(|item| {
            (
                budget_item_label(item, lang).to_owned(),
                mid.amounts.of(item),
            )
        })
        .collect();
    summary.push((total_l.into(), mid.amounts.total));
    summary.push((vat_l.into(), mid.amounts.vat));
    summary.push((with_vat_l.into(), mid.amounts.total_with_vat));
    out.push_str(&key_value_table(&summary, unit));

    let uw = &plan.totals.usage_window;
    out.push('\n');
    out.push_str(&match (lang, years_n) {
        (Lang::Ko, Some(n)) => format!("{n}년 이용료 규모 {} ~ {}\n", date(uw.from), date(uw.to)),
        (Lang::Ko, None) => format!("이용료 규모 {} ~ {}\n", date(uw.from), date(uw.to)),
        (Lang::En, Some(n)) => format!(
            "{n}-year usage fee scale {} ~ {}\n",
            date(uw.from),
            date(uw.to)
        ),
        (Lang::En, None) => format!("Usage fee scale {} ~ {}\n", date(uw.from), date(uw.to)),
    });
    let usage = budget_item_label(BudgetItem::UsageFee, lang);
    let usage_vat = match lang {
        Lang::Ko => format!("{usage}(부가세 포함)"),
        Lang::En => format!("{usage} incl. VAT"),
    };
    out.push_str(&key_value_table(
        &[
            (usage.to_owned(), uw.usage_fee),
            (usage_vat, uw.usage_fee_with_vat),
        ],
        unit,
    ));

    out.push('\n');
    let (first, last) = (
        plan.years.first().copied().unwrap_or(plan.budget_year),
        plan.years.last().copied().unwrap_or(plan.budget_year),
    );
    let (excl, incl) = match lang {
        Lang::Ko => {
            out.push_str(&format!("총사업비 {first}~{last}\n"));
            ("총사업비(부가세 별도)", "총사업비(부가세 포함)")
        }
        Lang::En => {
            out.push_str(&format!("Project total {first}~{last}\n"));
            ("Project total excl. VAT", "Project total incl. VAT")
        }
    };
    out.push_str(&key_value_table(
        &[
            (excl.to_owned(), plan.totals.project_total),
            (incl.to_owned(), plan.totals.project_total_with_vat),
        ],
        unit,
    ));
    out
}

/// The position of a category in [`CATEGORY_ORDER`] (unknown keys last).
fn category_rank(key: &str) -> usize {
    CATEGORY_ORDER
        .iter()
        .position(|c| *c == key)
        .unwrap_or(CATEGORY_ORDER.len())
}

fn unit_label(unit: crate::catalog::Unit, lang: Lang) -> &'static str {
    use crate::catalog::Unit;
    match (unit, lang) {
        (Unit::VmMonth, Lang::Ko) => "대/월",
        (Unit::GbMonth, Lang::Ko) => "GB/월",
        (Unit::EachMonth, Lang::Ko) => "개/월",
        (Unit::Gb, Lang::Ko) => "GB",
        (Unit::VmMonth, Lang::En) => "VM/month",
        (Unit::GbMonth, Lang::En) => "GB/month",
        (Unit::EachMonth, Lang::En) => "each/month",
        (Unit::Gb, Lang::En) => "GB",
    }
}

/// A unit price with two decimals and thousands separators.
fn price2(d: Decimal) -> String {
    let mut d = d;
    d.rescale(2);
    group_thousands(&d)
}

/// The guide's price table (§4.5.1) as text: one row per catalog item (category, item key and
/// unit) with each provider's own price — blank when the provider does not list the item — and
/// the combined column titled by the basis (평균단가, 최저가, 최고가, 중앙값, or the provider's
/// name; English Average, Min, Max, Median). A second block prices the requested server sizes:
/// one row per size (`2 vCPU / 4 GB`), each provider's cell showing its matched flavor and
/// price, then the combined price. Prices are in won, VAT excluded.
///
/// ```
/// use cloud_tco::report::{table::prices_table, Lang};
/// use cloud_tco::{price_table, Catalog, PriceBasis};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n\
///            A,storage,nas,gb_month,100,,\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let table = price_table(&catalog, &PriceBasis::Average, None).unwrap();
/// let text = prices_table(&table, Lang::Ko);
/// assert!(text.contains("평균단가"));
/// assert!(text.contains("2 vCPU / 4 GB"));
/// assert!(text.contains("a-2c4g 50,000"));
/// assert!(text.contains("55,000.00"));
/// ```
pub fn prices_table(table: &PriceTable, lang: Lang) -> String {
    let mut out = String::new();
    let basis_title = basis_column_title(&table.basis, lang);
    match lang {
        Lang::Ko => {
            out.push_str("이용료 단가표 (단위: 원, 부가세 별도)\n");
            out.push_str(&format!("단가 기준: {}\n", basis_label(&table.basis, lang)));
        }
        Lang::En => {
            out.push_str("Unit prices (unit: KRW, VAT excluded)\n");
            out.push_str(&format!(
                "Price basis: {}\n",
                basis_label(&table.basis, lang)
            ));
        }
    }
    out.push('\n');
    let mut t = new_table();
    let mut header = match lang {
        Lang::Ko => vec![label("구분"), label("항목"), label("단위")],
        Lang::En => vec![label("Category"), label("Item"), label("Unit")],
    };
    header.extend(table.providers.iter().map(|p| right(one_line(p))));
    header.push(right(one_line(&basis_title)));
    t.set_header(header);
    // The guide's order of categories (서버, OS, 스토리지, …); items keep their order within.
    let mut items: Vec<_> = table.items.iter().collect();
    items.sort_by_key(|i| category_rank(i.category.key()));
    for item in items {
        let mut cells = vec![
            label(category_label(item.category.key(), lang)),
            label(&item.item),
            label(unit_label(item.unit, lang)),
        ];
        for p in &table.providers {
            let own = item.price.providers.iter().find(|c| &c.provider == p);
            cells.push(right(
                own.map(|c| group_thousands(&c.charge)).unwrap_or_default(),
            ));
        }
        cells.push(right(price2(item.price.price)));
        t.add_row(cells);
    }
    out.push_str(&render(&t, &[]));

    if !table.servers.is_empty() {
        out.push('\n');
        out.push_str(match lang {
            Lang::Ko => "서버 (대/월, 요청 사양 이상 최저가 flavor)\n",
            Lang::En => "Servers (per VM-month, cheapest flavor at least the requested size)\n",
        });
        let mut t = new_table();
        let mut header = vec![label(match lang {
            Lang::Ko => "사양",
            Lang::En => "Size",
        })];
        header.extend(table.providers.iter().map(|p| right(one_line(p))));
        header.push(right(one_line(&basis_title)));
        t.set_header(header);
        for s in &table.servers {
            let mut cells = vec![label(format!(
                "{} vCPU / {} GB",
                s.request.vcpu,
                s.request.memory_gb.normalize()
            ))];
            for p in &table.providers {
                let own = s.price.providers.iter().find(|c| &c.provider == p);
                cells.push(right(
                    own.map(|c| {
                        let price = group_thousands(&c.charge);
                        match &c.flavor {
                            Some(f) => format!("{} {price}", one_line(f)),
                            None => price,
                        }
                    })
                    .unwrap_or_default(),
                ));
            }
            cells.push(right(price2(s.price.price)));
            t.add_row(cells);
        }
        out.push_str(&render(&t, &[]));
    }
    out
}

/// `(value − base) ÷ base × 100`, rounded half-up to one decimal, computed exactly in
/// integers; `None` when the base is zero or the figures are not whole won.
pub(crate) fn percent_difference(value: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    let (v, b) = (value.normalize(), base.normalize());
    if v.scale() != 0 || b.scale() != 0 {
        let pct = value.checked_sub(base)?.checked_mul(Decimal::ONE_HUNDRED)?;
        return Some(
            pct.checked_div(base)?
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero),
        );
    }
    // percent × 10 = (v − b) × 1000 / b, rounded half away from zero.
    let num = v.mantissa().checked_sub(b.mantissa())?.checked_mul(1000)?;
    let den = b.mantissa();
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let q = num / den;
    let r = num % den;
    let q = if r.checked_mul(2)?.abs() >= den {
        q + num.signum()
    } else {
        q
    };
    Decimal::try_from_i128_with_scale(q, 1).ok()
}

/// The comparison as a text table: one row per alternative — the combined basis first, then
/// each provider alone — with the usage fee over the usage window (N년 이용료), the mid-term
/// total (중기 합계), the project total (총사업비) with and without VAT, and the difference of
/// the project total from the combined basis in percent (one decimal, half-up, computed
/// exactly). An alternative that cannot price the project shows `산정 불가` in its row and
/// `산정 불가: <reason>` (English `not priceable: <reason>`) below the table.
///
/// ```
/// use cloud_tco::report::{table::compare_table, Lang, MoneyUnit};
/// use cloud_tco::{compare::compare, Catalog, Project};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n").unwrap();
/// let text = compare_table(&compare(&project, &catalog).unwrap(), Lang::Ko, MoneyUnit::Won);
/// // A: 50,000 vs the average 55,000 → −9.1 %; B: 60,000 → +9.1 %.
/// assert!(text.contains("-9.1%"));
/// assert!(text.contains("+9.1%"));
/// assert!(text.contains("공급자 A"));
/// ```
pub fn compare_table(comparison: &Comparison, lang: Lang, unit: MoneyUnit) -> String {
    let mut out = String::new();
    let plans: Vec<&Plan> = comparison
        .alternatives
        .iter()
        .filter_map(|a| match &a.outcome {
            Outcome::Priced(p) => Some(p.as_ref()),
            Outcome::NotPriceable(_) => None,
        })
        .collect();
    let years_n = plans.first().and_then(|p| window_years(&p.window));
    let base_total = comparison
        .alternatives
        .first()
        .and_then(|a| match &a.outcome {
            Outcome::Priced(p) => Some(p.totals.project_total),
            Outcome::NotPriceable(_) => None,
        });
    match lang {
        Lang::Ko => {
            out.push_str("공급자별 비교\n");
            out.push_str(&format!("사업명: {}\n", one_line(&comparison.project)));
        }
        Lang::En => {
            out.push_str("Comparison by provider\n");
            out.push_str(&format!("Project: {}\n", one_line(&comparison.project)));
        }
    }
    if let Some(p) = plans.first() {
        let mid = &p.totals.midterm;
        out.push_str(&match lang {
            Lang::Ko => format!(
                "이용 기간: {} ~ {}, 중기재정계획: {}~{}\n",
                date(p.window.start),
                date(p.window.end),
                mid.from,
                mid.to
            ),
            Lang::En => format!(
                "Usage window: {} ~ {}; mid-term plan: {}~{}\n",
                date(p.window.start),
                date(p.window.end),
                mid.from,
                mid.to
            ),
        });
    }
    out.push_str(unit_caption(unit, lang));
    out.push('\n');
    out.push('\n');

    let mut t = new_table();
    let usage_title = match (lang, years_n) {
        (Lang::Ko, Some(n)) => format!("{n}년 이용료"),
        (Lang::Ko, None) => "이용료".to_owned(),
        (Lang::En, Some(n)) => format!("{n}-year usage fee"),
        (Lang::En, None) => "Usage fee".to_owned(),
    };
    let titles: [String; 5] = match lang {
        Lang::Ko => [
            "중기 합계".into(),
            "총사업비".into(),
            "총사업비(부가세 포함)".into(),
            "차이".into(),
            "단가 기준".into(),
        ],
        Lang::En => [
            "Mid-term total".into(),
            "Project total".into(),
            "Project total incl. VAT".into(),
            "Difference".into(),
            "Basis".into(),
        ],
    };
    t.set_header(vec![
        label(&titles[4]),
        right(usage_title),
        right(titles[0].clone()),
        right(titles[1].clone()),
        right(titles[2].clone()),
        right(titles[3].clone()),
    ]);
    let mut reasons = Vec::new();
    for (i, alt) in comparison.alternatives.iter().enumerate() {
        let name = basis_label(&alt.basis, lang);
        match &alt.outcome {
            Outcome::Priced(p) => {
                let diff = if i == 0 {
                    match lang {
                        Lang::Ko => "(기준)".to_owned(),
                        Lang::En => "(base)".to_owned(),
                    }
                } else {
                    base_total
                        .and_then(|b| percent_difference(p.totals.project_total, b))
                        .map(|d| {
                            if d > Decimal::ZERO {
                                format!("+{d}%")
                            } else {
                                format!("{d}%")
                            }
                        })
                        .unwrap_or_else(|| "-".into())
                };
                t.add_row(vec![
                    label(&name),
                    money(p.totals.usage_window.usage_fee, unit),
                    money(p.totals.midterm.amounts.total, unit),
                    money(p.totals.project_total, unit),
                    money(p.totals.project_total_with_vat, unit),
                    right(diff),
                ]);
            }
            Outcome::NotPriceable(reason) => {
                let short = match lang {
                    Lang::Ko => "산정 불가",
                    Lang::En => "not priceable",
                };
                t.add_row(vec![
                    label(&name),
                    right(short),
                    right(""),
                    right(""),
                    right(""),
                    right(""),
                ]);
                reasons.push(format!("{name} — {short}: {}", one_line(reason)));
            }
        }
    }
    out.push_str(&render(&t, &[]));
    for r in reasons {
        out.push_str(&r);
        out.push('\n');
    }
    out
}
