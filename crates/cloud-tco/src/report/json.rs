//! JSON reports exactly as SPEC §6: amounts as strings of whole won, unit prices as strings
//! with two decimals, each line with the provenance of its unit price.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::plan::{Amounts, Line, Plan};
use crate::pricing::{CombinedPrice, PriceTable};
use crate::project::BudgetItem;

fn won(d: Decimal) -> Value {
    Value::String(d.to_string())
}

fn quantity_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A unit price as text with exactly two decimals.
pub fn price_text(d: Decimal) -> String {
    let mut d = d;
    d.rescale(2);
    d.to_string()
}

fn amounts_json(a: &Amounts, map: &mut Map<String, Value>) {
    for item in BudgetItem::ALL {
        map.insert(item.key().into(), won(a.of(item)));
    }
    map.insert("total".into(), won(a.total));
    map.insert("vat".into(), won(a.vat));
    map.insert("total_with_vat".into(), won(a.total_with_vat));
}

fn provenance_json(p: &CombinedPrice) -> Value {
    Value::Array(
        p.providers
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("provider".into(), Value::String(c.provider.to_string()));
                if let Some(f) = &c.flavor {
                    m.insert("flavor".into(), Value::String(f.to_string()));
                }
                m.insert("charge".into(), Value::String(c.charge.to_string()));
                Value::Object(m)
            })
            .collect(),
    )
}

/// A value that is one text when constant over the years, else an object keyed by year.
fn by_year_or_constant<T: PartialEq>(
    line: &Line,
    get: impl Fn(&crate::plan::LineYear) -> Option<T>,
    show: impl Fn(&T) -> Value,
) -> Value {
    let values: Vec<(i32, T)> = line
        .years
        .iter()
        .filter_map(|y| get(y).map(|v| (y.year, v)))
        .collect();
    match values.first() {
        None => Value::Null,
        Some((_, first)) if values.iter().all(|(_, v)| v == first) => show(first),
        Some(_) => Value::Object(
            values
                .iter()
                .map(|(y, v)| (y.to_string(), show(v)))
                .collect(),
        ),
    }
}

/// One line as SPEC §6 shows it, with `unit`, `source` and `provenance` beside.
pub fn line_json(line: &Line) -> Value {
    let mut m = Map::new();
    m.insert(
        "budget_item".into(),
        Value::String(line.budget_item.key().into()),
    );
    m.insert("category".into(), Value::String(line.category.to_string()));
    m.insert("name".into(), Value::String(line.name.to_string()));
    m.insert("item".into(), Value::String(line.item.to_string()));
    let unit = match (line.unit, &line.saas) {
        (Some(u), _) => Value::String(u.key().into()),
        (None, Some(s)) => Value::String(s.unit.clone()),
        (None, None) => Value::Null,
    };
    m.insert("unit".into(), unit);
    m.insert(
        "unit_price".into(),
        by_year_or_constant(line, |y| y.unit_price(), |p| Value::String(price_text(*p))),
    );
    m.insert(
        "quantity".into(),
        by_year_or_constant(line, |y| y.quantity, |q| Value::String(quantity_text(*q))),
    );
    m.insert(
        "amounts".into(),
        Value::Object(
            line.years
                .iter()
                .map(|y| (y.year.to_string(), won(y.amount)))
                .collect(),
        ),
    );
    m.insert("source".into(), Value::String(line.source.to_string()));
    let provenance = match &line.saas {
        Some(s) => saas_provenance_json(s),
        None => by_year_or_constant(line, |y| line.price(y).cloned(), |p| provenance_json(p)),
    };
    m.insert("provenance".into(), provenance);
    Value::Object(m)
}

/// The provenance of a SaaS line: one object with the catalog row's `service`, `plan`, `form`,
/// `billing_period` (as the catalog gives it, `unstated` included), `charged_per` (`month`,
/// `year` or `once`: what unit price × quantity covers), `setup` (true for the line of a
/// set-up fee), the row's figures that apply (`price`, `included_users`, `extra_user_price`,
/// `setup_fee`, `operation_pct`), a bundle's `users` (one text, or an object keyed by year when
/// they grow), an `assumption` when the billing period is unstated, the row's `source` and the
/// `catalog` file and line.
fn saas_provenance_json(s: &crate::saas::SaasProvenance) -> Value {
    let row = &s.row;
    let mut m = Map::new();
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
    let num = |d: Decimal| Value::String(quantity_text(d));
    m.insert("service".into(), Value::String(row.service.clone()));
    m.insert("plan".into(), text(&row.plan));
    m.insert("form".into(), Value::String(row.form.key().into()));
    m.insert(
        "billing_period".into(),
        Value::String(row.billing_period.key().into()),
    );
    m.insert(
        "charged_per".into(),
        Value::String(s.charged_per.key().into()),
    );
    m.insert("setup".into(), Value::Bool(s.setup));
    for (key, value) in [
        ("price", row.price),
        ("included_users", row.included_users),
        ("extra_user_price", row.extra_user_price),
        ("setup_fee", row.setup_fee),
        ("operation_pct", row.operation_pct),
    ] {
        if let Some(v) = value {
            m.insert(key.into(), num(v));
        }
    }
    if !s.users.is_empty() {
        let users = match s.users.first() {
            Some((_, first)) if s.users.iter().all(|(_, u)| u == first) => num(*first),
            _ => Value::Object(
                s.users
                    .iter()
                    .map(|(y, u)| (y.to_string(), num(*u)))
                    .collect(),
            ),
        };
        m.insert("users".into(), users);
    }
    if let Some(a) = s.assumption() {
        m.insert("assumption".into(), Value::String(a.into()));
    }
    m.insert("source".into(), text(&row.source));
    m.insert("catalog".into(), Value::String(row.origin.to_string()));
    Value::Array(vec![Value::Object(m)])
}

/// The plan as SPEC §6 JSON.
///
/// ```
/// use cloud_tco::{plan, report::json::plan_json, Catalog, Project};
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n").unwrap();
/// let value = plan_json(&plan(&project, &Catalog::embedded(), None).unwrap());
/// assert_eq!(value["totals"]["midterm"]["from"], 2027);
/// assert_eq!(value["currency"], "KRW");
/// ```
pub fn plan_json(plan: &Plan) -> Value {
    let mut by_year = Map::new();
    for y in &plan.totals.by_year {
        let mut m = Map::new();
        amounts_json(&y.amounts, &mut m);
        by_year.insert(y.year.to_string(), Value::Object(m));
    }
    let mid = &plan.totals.midterm;
    let mut midterm = Map::new();
    midterm.insert("from".into(), json!(mid.from));
    midterm.insert("to".into(), json!(mid.to));
    amounts_json(&mid.amounts, &mut midterm);
    let uw = &plan.totals.usage_window;
    let mut value = json!({
        "project": plan.project,
        "kind": plan.kind.key(),
        "service_model": plan.service_model.key(),
        "basis": plan.basis.to_string(),
        "currency": "KRW",
        "budget_year": plan.budget_year,
        "vat_pct": plan.vat_pct.normalize().to_string(),
        "discount_pct": plan.discount_pct.normalize().to_string(),
        "price_escalation_pct": plan.price_escalation_pct.normalize().to_string(),
        "years": plan.years,
        "lines": plan.lines.iter().map(line_json).collect::<Vec<_>>(),
        "totals": {
            "by_year": by_year,
            "midterm": midterm,
            "usage_window": {
                "from": uw.from.format("%Y-%m-%d").to_string(),
                "to": uw.to.format("%Y-%m-%d").to_string(),
                "usage_fee": won(uw.usage_fee),
                "usage_fee_with_vat": won(uw.usage_fee_with_vat),
            },
            "project_total": won(plan.totals.project_total),
            "project_total_with_vat": won(plan.totals.project_total_with_vat),
        }
    });
    if let (Some(pc), Value::Object(map)) = (&plan.pre_consultation, &mut value) {
        map.insert("pre_consultation".into(), pre_consultation_json(pc));
    }
    value
}

/// The pre-consultation check (사전협의, guide §4.3.1) as JSON: `institution`, `threshold`,
/// `amount` (the largest yearly total with VAT), `amount_excl_vat`, `year`, `reaches_threshold`,
/// `required`, `reason` (`new_project`, `amount_at_or_above_threshold`,
/// `amount_below_threshold` or `exempt_conversion`) and a Korean `note`. Amounts are strings
/// of whole won.
///
/// ```
/// use cloud_tco::{plan, report::json::plan_json, Catalog, Project};
/// let project = Project::from_toml_str("kind = \"rebuild\"\ninstitution = \"metropolitan\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[costs]]\nitem = \"sw_build\"\nyear = 2027\namount = 90909090\n").unwrap();
/// let value = plan_json(&plan(&project, &Catalog::embedded(), None).unwrap());
/// let pc = &value["pre_consultation"];
/// // 90,909,090 + VAT 9,090,909 = 99,999,999: one won short of 100,000,000.
/// assert_eq!(pc["amount"], "99999999");
/// assert_eq!(pc["required"], false);
/// assert_eq!(pc["reason"], "amount_below_threshold");
/// ```
pub fn pre_consultation_json(pc: &crate::consultation::PreConsultation) -> Value {
    json!({
        "institution": pc.institution.key(),
        "threshold": won(pc.threshold),
        "amount": won(pc.amount),
        "amount_excl_vat": won(pc.amount_excl_vat),
        "year": pc.year,
        "reaches_threshold": pc.reaches_threshold,
        "required": pc.required,
        "reason": pc.reason.key(),
        "note": pc.note(super::Lang::Ko),
    })
}

/// The price table as SPEC §6 `prices` JSON.
///
/// ```
/// use cloud_tco::{price_table, report::json::prices_json, Catalog, PriceBasis};
/// let table = price_table(&Catalog::embedded(), &PriceBasis::Average, None).unwrap();
/// let value = prices_json(&table);
/// assert_eq!(value["servers"][0]["vcpu"], 2);
/// ```
pub fn prices_json(table: &PriceTable) -> Value {
    let prices: Vec<Value> = table
        .items
        .iter()
        .map(|p| {
            let providers: Map<String, Value> = p
                .price
                .providers
                .iter()
                .map(|c| (c.provider.to_string(), Value::String(c.charge.to_string())))
                .collect();
            json!({
                "category": p.category.key(),
                "item": p.item,
                "unit": p.unit.key(),
                "price": price_text(p.price.price),
                "providers": providers,
            })
        })
        .collect();
    let servers: Vec<Value> = table
        .servers
        .iter()
        .map(|s| {
            let providers: Map<String, Value> = s
                .price
                .providers
                .iter()
                .map(|c| {
                    (
                        c.provider.to_string(),
                        json!({"flavor": c.flavor.as_deref().unwrap_or_default(), "price": c.charge.to_string()}),
                    )
                })
                .collect();
            let memory: Value = match u64::try_from(s.request.memory_gb.normalize()) {
                Ok(m) if s.request.memory_gb.fract().is_zero() => json!(m),
                _ => Value::String(s.request.memory_gb.normalize().to_string()),
            };
            json!({
                "vcpu": s.request.vcpu,
                "memory_gb": memory,
                "price": price_text(s.price.price),
                "providers": providers,
            })
        })
        .collect();
    json!({"basis": table.basis.to_string(), "prices": prices, "servers": servers})
}

/// The comparison as JSON: the project and one alternative per basis — the combined basis
/// first, then `provider:NAME` for each provider. A priced alternative has `"status":
/// "priced"`, the usage fee over the usage window, the mid-term total, the project total with
/// and without VAT, and `by_year` (each fiscal year's total, VAT excluded), all as strings of
/// whole won; one that is not has `"status": "not_priceable"` and the `reason`.
///
/// ```
/// use cloud_tco::{compare::compare, report::json::compare_json, Catalog, Project};
/// let csv = "provider,category,item,unit,price,vcpu,memory_gb\n\
///            A,server,a-2c4g,vm_month,50000,2,4\n\
///            B,server,b-2c4g,vm_month,60000,2,4\n\
///            A,storage,nas,gb_month,100,,\n";
/// let catalog = Catalog::from_reader(csv.as_bytes(), None).unwrap();
/// let project = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 1\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n[[storage]]\nclass = \"nas\"\ngb = 10\n").unwrap();
/// let value = compare_json(&compare(&project, &catalog).unwrap());
/// let alts = value["alternatives"].as_array().unwrap();
/// assert_eq!(alts.len(), 3);
/// assert_eq!(alts[0]["basis"], "average");
/// // (55,000 + 100 × 10) × 12 months.
/// assert_eq!(alts[0]["project_total"], "672000");
/// assert_eq!(alts[0]["by_year"]["2027"], "672000");
/// assert_eq!(alts[2]["status"], "not_priceable");
/// assert!(alts[2]["reason"].as_str().unwrap().contains("storage/nas"));
/// ```
pub fn compare_json(c: &crate::compare::Comparison) -> Value {
    use crate::compare::Outcome;
    let alternatives: Vec<Value> = c
        .alternatives
        .iter()
        .map(|alt| match &alt.outcome {
            Outcome::Priced(plan) => {
                let t = &plan.totals;
                let by_year: Map<String, Value> = t
                    .by_year
                    .iter()
                    .map(|y| (y.year.to_string(), won(y.amounts.total)))
                    .collect();
                json!({
                    "basis": alt.basis.to_string(),
                    "status": "priced",
                    "usage_fee": won(t.usage_window.usage_fee),
                    "midterm_total": won(t.midterm.amounts.total),
                    "project_total": won(t.project_total),
                    "project_total_with_vat": won(t.project_total_with_vat),
                    "by_year": by_year,
                })
            }
            Outcome::NotPriceable(reason) => json!({
                "basis": alt.basis.to_string(),
                "status": "not_priceable",
                "reason": reason,
            }),
        })
        .collect();
    json!({"project": c.project, "alternatives": alternatives})
}
