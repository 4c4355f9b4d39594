//! The TCO comparison against staying on premises: a hand-checked golden case, the project
//! rules of `[on_premises]`, the `cloud-tco tco` command, and the comparison's invariants.

use cloud_tco::project::{
    Energy, Facility, Hardware, OnPremises, OnPremisesCost, ProjectKind, ServerGroup, Software,
};
use cloud_tco::report::tco::{tco_csv, tco_json, tco_table, TCO_COLUMNS};
use cloud_tco::report::{Lang, MoneyUnit};
use cloud_tco::tco::{npv, OnPremisesItem, Tco};
use cloud_tco::{plan, tco, Catalog, Decimal, NaiveDate, Project, ProjectError};
use proptest::prelude::*;

use crate::support::{dec, root, run_cli, test_path};

fn fixture_catalog() -> Catalog {
    Catalog::from_paths(&[test_path("fixtures/tco/catalog.csv")]).unwrap()
}

fn golden() -> Tco {
    let project = Project::from_path(test_path("fixtures/tco/golden.toml")).unwrap();
    tco(&project, &fixture_catalog(), None, dec("4.5")).unwrap()
}

fn amounts(t: &Tco, item: OnPremisesItem) -> Vec<String> {
    t.years()
        .iter()
        .map(|y| t.item_amount(item, *y).to_string())
        .collect()
}

fn column(t: &Tco, get: fn(&cloud_tco::tco::TcoYear) -> Decimal) -> Vec<String> {
    t.by_year.iter().map(|y| get(y).to_string()).collect()
}

/// tests/fixtures/tco/golden.toml worked out by hand.
///
/// Window 2027-07-16 … 2029-07-15; months of use: 2027 = 5 + 16/31 = 171/31, 2028 = 12,
/// 2029 = 6 + 15/31 = 201/31. A yearly amount A counts A × months ÷ 12, i.e. A × 171/372 in
/// 2027 and A × 201/372 in 2029, truncated to whole won.
#[test]
fn golden_case_computed_by_hand() {
    let t = golden();
    assert_eq!(t.years(), vec![2027, 2028, 2029]);

    // Cloud: one server at 100,000 a month (one provider, R1 100,000.00).
    //   2027: 100,000 × 171/31 = 551,612.90 → 551,612, plus 전환비 5,000,000 = 5,551,612
    //   2028: 100,000 × 12 = 1,200,000
    //   2029: 100,000 × 201/31 = 648,387.09 → 648,387
    assert_eq!(column(&t, |y| y.cloud), ["5551612", "1200000", "648387"]);

    // H/W: bought in 2027 (the budget year) and, with a life of 2 years, again in 2029 — a
    // purchase is never prorated. Maintenance 10 % of 2,000,000 = 200,000 a year from the year
    // after each purchase (warranty 1 year): only 2028 (12 months).
    assert_eq!(
        amounts(&t, OnPremisesItem::HardwarePurchase),
        ["2000000", "0", "2000000"]
    );
    assert_eq!(
        amounts(&t, OnPremisesItem::HardwareMaintenance),
        ["0", "200000", "0"]
    );
    // S/W bought in 2020 (already owned): no licence in the window; maintenance 11 % (default)
    // of 500,000 = 55,000 a year: 55,000 × 171/372 = 25,282.26 → 25,282; 55,000;
    // 55,000 × 201/372 = 29,717.74 → 29,717.
    assert_eq!(
        amounts(&t, OnPremisesItem::SoftwareLicense),
        ["0", "0", "0"]
    );
    assert_eq!(
        amounts(&t, OnPremisesItem::SoftwareMaintenance),
        ["25282", "55000", "29717"]
    );
    // Electricity: 2 kW × 1.5 PUE × 8,760 h × 100 won = 2,628,000 a year:
    // × 171/372 = 1,208,032.26 → 1,208,032; 2,628,000; × 201/372 = 1,419,967.74 → 1,419,967.
    assert_eq!(
        amounts(&t, OnPremisesItem::Electricity),
        ["1208032", "2628000", "1419967"]
    );
    // Floor space 120,000 a year: 55,161.29 → 55,161; 120,000; 64,838.70 → 64,838.
    assert_eq!(
        amounts(&t, OnPremisesItem::Space),
        ["55161", "120000", "64838"]
    );
    // Other: one-off 33,333.33 in 2028 → 33,333; yearly 10,000.50: × 171/372 = 4,597.004 →
    // 4,597; 10,000.50 → 10,000; × 201/372 = 5,403.496 → 5,403.
    assert_eq!(
        amounts(&t, OnPremisesItem::Other),
        ["4597", "43333", "5403"]
    );
    assert_eq!(amounts(&t, OnPremisesItem::Staff), ["0", "0", "0"]);

    // On premises by year:
    //   2027: 2,000,000 + 25,282 + 1,208,032 + 55,161 + 4,597             = 3,293,072
    //   2028: 200,000 + 55,000 + 2,628,000 + 120,000 + 33,333 + 10,000   = 3,046,333
    //   2029: 2,000,000 + 29,717 + 1,419,967 + 64,838 + 5,403             = 3,519,925
    assert_eq!(
        column(&t, |y| y.on_premises),
        ["3293072", "3046333", "3519925"]
    );
    // Savings (on premises − cloud): −2,258,540; 1,846,333; 2,871,538; cumulative −2,258,540;
    // −412,207; 2,459,331.
    assert_eq!(column(&t, |y| y.saving), ["-2258540", "1846333", "2871538"]);
    assert_eq!(
        column(&t, |y| y.saving_cumulative),
        ["-2258540", "-412207", "2459331"]
    );
    // Cumulative cloud 5,551,612 > 3,293,072; 6,751,612 > 6,339,405; 7,399,999 ≤ 9,859,330.
    assert_eq!(t.break_even_year, Some(2029));
    assert!(t.break_even_holds);
    assert_eq!(t.totals.cloud, dec("7399999"));
    assert_eq!(t.totals.on_premises, dec("9859330"));
    assert_eq!(t.totals.savings, dec("2459331"));

    // NPV at 4.5 % to 2027, factor 1/1.045 = 200/209:
    //   cloud = 5,551,612 + 1,200,000 × 200/209 + 648,387 × 40,000/43,681
    //         = 5,551,612 + 1,148,325.3589 + 593,747.3959 = 7,293,684.75 → 7,293,685
    //   on premises = 3,293,072 + 2,915,151.1962 + 3,223,300.7486 = 9,431,523.94 → 9,431,524
    //   savings = −2,258,540 + 1,766,825.8373 + 2,629,553.3527 = 2,137,839.19 → 2,137,839
    assert_eq!(t.npv.cloud, dec("7293685"));
    assert_eq!(t.npv.on_premises, dec("9431524"));
    assert_eq!(t.npv.savings, dec("2137839"));
    assert_eq!(t.npv.base_year, 2027);

    // Energy: the servers' 2 kW × 8,760 h = 17,520 kWh a year (no PUE, guide §5.5.4):
    //   2027: 17,520 × 171/372 = 8,053.5484 → 8,053.55 kWh → × 0.07 = 563.7485 trees
    //   2028: 17,520.00 → 1,226.4000;  2029: 9,466.4516 → 9,466.45 → 662.6515
    // The machine room (× 1.5): 12,080.32; 26,280.00; 14,199.68 kWh.
    assert_eq!(
        column(&t, |y| y.kwh_saved),
        ["8053.55", "17520.00", "9466.45"]
    );
    assert_eq!(
        column(&t, |y| y.trees),
        ["563.7485", "1226.4000", "662.6515"]
    );
    assert_eq!(
        column(&t, |y| y.facility_kwh),
        ["12080.32", "26280.00", "14199.68"]
    );
    assert_eq!(t.totals.kwh_saved, dec("35040.00"));
    assert_eq!(t.totals.trees.to_string(), "2452.8000");
}

#[test]
fn cloud_side_is_the_plan() {
    let project = Project::from_path(test_path("fixtures/tco/golden.toml")).unwrap();
    let catalog = fixture_catalog();
    let p = plan(&project, &catalog, None).unwrap();
    let t = tco(&project, &catalog, None, dec("4.5")).unwrap();
    assert_eq!(t.plan, p);
    assert_eq!(t.totals.cloud, p.totals.project_total);
    for y in &t.by_year {
        assert_eq!(y.cloud, p.totals.year(y.year).unwrap().total);
    }
}

#[test]
fn hardware_cycle_runs_before_and_after_its_purchase_year() {
    // Bought in 2023 with a life of 6: already owned in 2027–2028 (maintenance from 2024 on),
    // bought again in 2029, no maintenance that year (warranty 1), maintenance again in 2030.
    let project = Project::builder(
        ProjectKind::Conversion,
        2027,
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    )
    .usage_years(4)
    .on_premises(
        OnPremises::new().hardware(
            Hardware::new(dec("1000000"), dec("10"))
                .purchase_year(2023)
                .useful_life_years(6),
        ),
    )
    .build()
    .unwrap();
    let t = tco(&project, &Catalog::embedded(), None, dec("4.5")).unwrap();
    assert_eq!(
        amounts(&t, OnPremisesItem::HardwarePurchase),
        ["0", "0", "1000000", "0"]
    );
    assert_eq!(
        amounts(&t, OnPremisesItem::HardwareMaintenance),
        ["100000", "100000", "0", "100000"]
    );
}

#[test]
fn the_budget_year_before_the_service_start_is_compared_too() {
    // Budget 2027, use from 2028: the H/W bought in the budget year counts; yearly amounts
    // start with the use; the cloud's 전환비 in 2027 is in the comparison.
    let text = "kind = \"conversion\"\nbudget_year = 2027\nservice_start = \"2028-01-01\"\nusage_years = 1\n\
                [[costs]]\nitem = \"conversion\"\nyear = 2027\namount = 100\n\
                [on_premises.hardware]\npurchase_amount = 1000\nmaintenance_pct = 0\n\
                [on_premises.facility]\nstaff_per_year = 50\n";
    let project = Project::from_toml_str(text).unwrap();
    let t = tco(&project, &Catalog::embedded(), None, dec("0")).unwrap();
    assert_eq!(t.years(), vec![2027, 2028]);
    assert_eq!(column(&t, |y| y.cloud), ["100", "0"]);
    assert_eq!(column(&t, |y| y.on_premises), ["1000", "50"]);
    assert_eq!(t.break_even_year, Some(2027));
}

#[test]
fn never_breaking_even_is_none() {
    let text = "kind = \"conversion\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 2\n\
                [[costs]]\nitem = \"conversion\"\nyear = 2027\namount = 1000000\n\
                [on_premises.facility]\nstaff_per_year = 10\n";
    let t = tco(
        &Project::from_toml_str(text).unwrap(),
        &Catalog::embedded(),
        None,
        dec("4.5"),
    )
    .unwrap();
    assert_eq!(t.break_even_year, None);
    assert!(!t.break_even_holds);
    assert_eq!(tco_json(&t)["break_even_year"], serde_json::Value::Null);
    assert!(tco_table(&t, Lang::Ko, MoneyUnit::Won).contains("손익분기 연도: 없음"));
}

#[test]
fn builder_and_file_give_the_same_project() {
    let text = "kind = \"conversion\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\n\
                [[servers]]\nvcpu = 2\nmemory_gb = 4\n\
                [on_premises.hardware]\npurchase_amount = 300000000\nmaintenance_pct = 8\n\
                [on_premises.software]\nlicense_amount = 100000000\n\
                [on_premises.facility]\npower_kw = 5\npue = 1.8\nwon_per_kwh = 150\nstaff_per_year = 60000000\n\
                [[on_premises.costs]]\nname = \"UPS 교체\"\nyear = 2029\namount = 20000000\n";
    let from_file = Project::from_toml_str(text).unwrap();
    let built = Project::builder(
        ProjectKind::Conversion,
        2027,
        NaiveDate::from_ymd_opt(2027, 7, 1).unwrap(),
    )
    .name("project")
    .server(ServerGroup::new(2, dec("4")))
    .on_premises(
        OnPremises::new()
            .hardware(Hardware::new(dec("300000000"), dec("8")))
            .software(Software::new(dec("100000000")))
            .facility(
                Facility::default()
                    .energy(Energy::new(dec("5"), dec("1.8"), dec("150")))
                    .staff_per_year(dec("60000000")),
            )
            .cost(OnPremisesCost::once("UPS 교체", 2029, dec("20000000"))),
    )
    .build()
    .unwrap();
    assert_eq!(from_file, built);
    // The same section in JSON.
    let json = r#"{"kind": "conversion", "budget_year": 2027, "service_start": "2027-07-01",
        "servers": [{"vcpu": 2, "memory_gb": 4}],
        "on_premises": {"hardware": {"purchase_amount": 300000000, "maintenance_pct": 8},
                        "software": {"license_amount": "100000000"},
                        "facility": {"power_kw": 5, "pue": 1.8, "won_per_kwh": 150, "staff_per_year": 60000000},
                        "costs": [{"name": "UPS 교체", "year": 2029, "amount": 20000000}]}}"#;
    assert_eq!(Project::from_json_str(json).unwrap(), built);
}

fn toml_err(body: &str) -> ProjectError {
    Project::from_toml_str(&format!(
        "kind = \"conversion\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n{body}"
    ))
    .unwrap_err()
}

fn problem<'e>(err: &'e ProjectError, field: &str) -> &'e cloud_tco::Problem {
    err.problems
        .iter()
        .find(|p| p.location.field.as_deref() == Some(field))
        .unwrap_or_else(|| panic!("no problem at {field}: {err}"))
}

#[test]
fn on_premises_values_are_checked_with_line_and_field() {
    let err = toml_err(
        "[on_premises.hardware]\npurchase_amount = -1\nuseful_life_years = 0\nmaintenance_pct = 120\nwarranty_years = 1.5\n\
         [on_premises.software]\nlicense_amount = 10\nmaintenance_pct = -1\n\
         [on_premises.facility]\npower_kw = -2\npue = 0.9\nwon_per_kwh = -3\nhours_per_year = 9000\nspace_per_year = -4\nstaff_per_year = -5\n\
         [[on_premises.costs]]\nyear = 2040\namount = -6\n[[on_premises.costs]]\nper_year = -7\n",
    );
    let at = |field: &str, line: u64, words: &str| {
        let p = problem(&err, field);
        assert_eq!(p.location.line, Some(line), "{field}: {err}");
        assert!(p.message.contains(words), "{field}: {:?}", p.message);
    };
    at("on_premises.hardware.purchase_amount", 5, "negative");
    at("on_premises.hardware.useful_life_years", 6, "out of range");
    at("on_premises.hardware.maintenance_pct", 7, "0–100");
    at(
        "on_premises.hardware.warranty_years",
        8,
        "not a whole number",
    );
    at("on_premises.software.maintenance_pct", 11, "0–100");
    at("on_premises.facility.power_kw", 13, "negative");
    at("on_premises.facility.pue", 14, "below 1");
    at("on_premises.facility.won_per_kwh", 15, "negative");
    at("on_premises.facility.hours_per_year", 16, "8,784");
    at("on_premises.facility.space_per_year", 17, "negative");
    at("on_premises.facility.staff_per_year", 18, "negative");
    at(
        "on_premises.costs[0].year",
        20,
        "outside the compared years 2027–2033",
    );
    at("on_premises.costs[0].amount", 21, "negative");
    at("on_premises.costs[1].per_year", 23, "negative");
}

#[test]
fn on_premises_structure_is_checked() {
    // A misspelt key is an error, not a silently dropped cost.
    let err =
        toml_err("[on_premises.hardware]\npurchase_amount = 1\nmaintenance_pct = 1\nlife = 7\n");
    let p = problem(&err, "on_premises.hardware.life");
    assert_eq!(p.location.line, Some(7));
    assert!(p.message.contains("unknown key"), "{err}");
    // H/W maintenance has no default; PUE and the price of electricity neither.
    let err = toml_err("[on_premises.hardware]\npurchase_amount = 1\n");
    assert!(problem(&err, "on_premises.hardware.maintenance_pct")
        .message
        .contains("0 if there is none"));
    let err = toml_err("[on_premises.facility]\npower_kw = 3\n");
    let p = problem(&err, "on_premises.facility.pue");
    assert_eq!(p.location.line, Some(4), "{err}");
    problem(&err, "on_premises.facility.won_per_kwh");
    let err = toml_err("[on_premises.facility]\npue = 1.5\nwon_per_kwh = 100\n");
    problem(&err, "on_premises.facility.power_kw");
    // A cost is one-off or yearly, not both.
    let err = toml_err("[[on_premises.costs]]\nyear = 2027\namount = 1\nper_year = 1\n");
    assert!(problem(&err, "on_premises.costs[0]")
        .message
        .contains("not a mix"));
    // An empty section compares nothing.
    let err = toml_err("[on_premises]\n");
    assert!(problem(&err, "on_premises")
        .message
        .contains("nothing to compare"));
}

#[test]
fn tco_without_on_premises_or_with_a_bad_rate_is_an_error() {
    let project = Project::from_path(test_path("fixtures/tco/no-on-premises.toml")).unwrap();
    let err = tco(&project, &Catalog::embedded(), None, dec("4.5")).unwrap_err();
    assert!(err.to_string().contains("[on_premises]"), "{err}");
    let project = Project::from_path(test_path("fixtures/tco/golden.toml")).unwrap();
    for bad in ["-100", "-250", "100.5"] {
        let err = tco(&project, &fixture_catalog(), None, dec(bad)).unwrap_err();
        assert!(err.to_string().contains("discount rate"), "{err}");
    }
    assert!(tco(&project, &fixture_catalog(), None, dec("100")).is_ok());
    assert!(tco(&project, &fixture_catalog(), None, dec("-99.9")).is_ok());
}

#[test]
fn every_example_with_on_premises_compares() {
    for name in ["conversion.toml", "guide-conversion.toml"] {
        let project = Project::from_path(root().join("data/examples").join(name)).unwrap();
        assert!(project.on_premises.is_some(), "{name}");
        let t = tco(&project, &Catalog::embedded(), None, dec("4.5")).unwrap();
        assert!(t.totals.on_premises > Decimal::ZERO, "{name}");
        assert!(t.totals.kwh_saved > Decimal::ZERO, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn cli_json_has_the_documented_keys_and_matches_the_library() {
    let out = run_cli(
        &root(),
        &[
            "tco",
            "tests/fixtures/tco/golden.toml",
            "--catalog",
            "tests/fixtures/tco/catalog.csv",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, tco_json(&golden()));
    assert_eq!(v["years"], serde_json::json!([2027, 2028, 2029]));
    assert_eq!(v["cloud"]["by_year"]["2027"], "5551612");
    assert_eq!(v["on_premises"]["by_year"]["2029"], "3519925");
    assert_eq!(v["on_premises"]["lines"][0]["item"], "hardware_purchase");
    assert_eq!(v["savings"]["by_year"]["2028"], "1846333");
    assert_eq!(v["savings"]["cumulative"]["2029"], "2459331");
    assert_eq!(v["break_even_year"], 2029);
    let npv = &v["npv"];
    assert_eq!(npv["discount_rate_pct"], "4.5");
    assert_eq!(npv["base_year"], 2027);
    assert_eq!(npv["cloud"], "7293685");
    assert_eq!(npv["on_premises"], "9431524");
    assert_eq!(npv["savings"], "2137839");
    assert_eq!(v["energy"]["kwh_saved_by_year"]["2028"], "17520.00");
    assert_eq!(v["energy"]["trees_by_year"]["2028"], "1226.4000");
}

#[test]
fn cli_discount_rate_and_formats() {
    let args = |extra: &[&str]| {
        let mut a = vec![
            "tco",
            "tests/fixtures/tco/golden.toml",
            "--catalog",
            "tests/fixtures/tco/catalog.csv",
        ];
        a.extend_from_slice(extra);
        run_cli(&root(), &a)
    };
    let out = args(&["--discount-rate", "0", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["npv"]["cloud"], "7399999");
    assert_eq!(v["npv"]["discount_rate_pct"], "0");
    let out = args(&["--discount-rate", "-2", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for bad in ["abc", "1e2", "-100", "101"] {
        let out = args(&["--discount-rate", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--discount-rate"), "{}", stderr(&out));
    }
    let out = args(&["--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().next().unwrap(), TCO_COLUMNS.join(","));
    assert_eq!(text, tco_csv(&golden()).unwrap());
    let out = args(&["--lang", "en", "--unit", "thousand"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Break-even year: 2029"), "{text}");
    assert!(text.contains("7,294"), "{text}"); // NPV of the cloud in thousands
    let out = args(&["--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("tco.xlsx");
    let out = args(&["--format", "xlsx", "-o", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}

#[test]
fn cli_bad_on_premises_values_exit_2_with_file_line_and_field() {
    let out = run_cli(&root(), &["tco", "tests/fixtures/tco/bad.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("tests/fixtures/tco/bad.toml"), "{err}");
    assert!(
        err.contains("line 7, `on_premises.hardware.purchase_amount`"),
        "{err}"
    );
    assert!(err.contains("line 13, `on_premises.facility.pue`"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let out = run_cli(&root(), &["tco", "tests/fixtures/tco/no-on-premises.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-on-premises.toml"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("[on_premises]"), "{}", stderr(&out));
}

#[test]
fn cli_tco_of_the_conversion_example_runs_on_the_embedded_catalog() {
    let out = run_cli(&root(), &["tco", "data/examples/conversion.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("순현재가치"), "{text}");
    assert!(text.contains("식재 효과"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    }
}

fn won(max: i64) -> impl Strategy<Value = Decimal> {
    (0..=max).prop_map(Decimal::from)
}

fn pct() -> impl Strategy<Value = Decimal> {
    (0i64..=3000).prop_map(|c| Decimal::new(c, 2)) // 0.00 ..= 30.00
}

prop_compose! {
    /// A project starting in or after its budget year, so that no year is before the NPV's
    /// base year.
    fn project()(
        start_year in 2027i32..=2029,
        month in 1u32..=12,
        day in 1u32..=28,
        usage_years in 1u32..=8,
        servers in 0u32..=3,
        conversion in won(500_000_000),
        purchase in won(2_000_000_000),
        hw_year in 2020i32..=2032,
        life in 1u32..=8,
        hw_pct in pct(),
        warranty in 0u32..=2,
        license in won(500_000_000),
        sw_year in 2020i32..=2030,
        sw_pct in pct(),
        power_tenths in 0i64..=500,
        pue_hundredths in 100i64..=300,
        won_per_kwh in 50i64..=300,
        staff in won(100_000_000),
        other_per_year in won(10_000_000),
    ) -> Project {
        let start = NaiveDate::from_ymd_opt(start_year, month, day).unwrap();
        let mut b = Project::builder(ProjectKind::Conversion, 2027, start)
            .usage_years(usage_years)
            .cost(cloud_tco::project::Cost::once("conversion", 2027, conversion));
        if servers > 0 {
            b = b.server(ServerGroup::new(2, dec("4")).count(servers.into()));
        }
        b.on_premises(
            OnPremises::new()
                .hardware(
                    Hardware::new(purchase, hw_pct)
                        .purchase_year(hw_year)
                        .useful_life_years(life)
                        .warranty_years(warranty),
                )
                .software(Software::new(license).purchase_year(sw_year).maintenance_pct(sw_pct))
                .facility(
                    Facility::default()
                        .energy(Energy::new(
                            Decimal::new(power_tenths, 1),
                            Decimal::new(pue_hundredths, 2),
                            won_per_kwh.into(),
                        ))
                        .staff_per_year(staff),
                )
                .cost(OnPremisesCost::yearly("other", other_per_year))
                .cost(OnPremisesCost::once("move", 2027, conversion)),
        )
        .build()
        .unwrap()
    }
}

fn catalog() -> Catalog {
    crate::support::catalog(
        "provider,category,item,unit,price,vcpu,memory_gb\nA,server,a,vm_month,98765.43,2,4\nB,server,b,vm_month,123456.78,2,8\n",
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn saving_is_on_premises_minus_cloud(p in project()) {
        let t = tco(&p, &catalog(), None, dec("4.5")).unwrap();
        let (mut c, mut o, mut s) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for y in &t.by_year {
            prop_assert_eq!(y.saving, y.on_premises - y.cloud);
            let lines: Decimal = t.lines.iter().map(|l| l.amount(y.year)).sum();
            prop_assert_eq!(y.on_premises, lines);
            c += y.cloud;
            o += y.on_premises;
            s += y.saving;
            prop_assert_eq!(y.cloud_cumulative, c);
            prop_assert_eq!(y.on_premises_cumulative, o);
            prop_assert_eq!(y.saving_cumulative, s);
            prop_assert_eq!(y.trees, y.kwh_saved * dec("0.07"));
        }
        prop_assert_eq!(t.totals.savings, t.totals.on_premises - t.totals.cloud);
        prop_assert_eq!(t.totals.cloud, t.plan.totals.project_total);
    }

    #[test]
    fn npv_at_zero_is_the_plain_sum(p in project()) {
        let t = tco(&p, &catalog(), None, Decimal::ZERO).unwrap();
        prop_assert_eq!(t.npv.cloud, t.totals.cloud);
        prop_assert_eq!(t.npv.on_premises, t.totals.on_premises);
        prop_assert_eq!(t.npv.savings, t.totals.savings);
    }

    #[test]
    fn a_higher_rate_never_raises_the_npv_of_positive_flows(
        p in project(),
        r1 in 0i64..=2000,
        step in 1i64..=2000,
    ) {
        let (r1, r2) = (Decimal::new(r1, 2), Decimal::new(r1 + step, 2));
        let low = tco(&p, &catalog(), None, r1).unwrap();
        let high = tco(&p, &catalog(), None, r2).unwrap();
        prop_assert!(high.npv.cloud <= low.npv.cloud);
        prop_assert!(high.npv.on_premises <= low.npv.on_premises);
        // The same on the bare function, with flows of any non-negative size.
        let flows: Vec<(i32, Decimal)> = low.by_year.iter().map(|y| (y.year, y.on_premises + Decimal::ONE)).collect();
        prop_assert!(npv(&flows, 2027, r2).unwrap() <= npv(&flows, 2027, r1).unwrap());
    }

    #[test]
    fn break_even_is_consistent_with_the_cumulative_figures(p in project()) {
        let t = tco(&p, &catalog(), None, dec("4.5")).unwrap();
        let reached = |y: &cloud_tco::tco::TcoYear| {
            y.cloud_cumulative <= y.on_premises_cumulative
                && !(y.cloud_cumulative.is_zero() && y.on_premises_cumulative.is_zero())
        };
        match t.break_even_year {
            Some(b) => {
                for y in &t.by_year {
                    if y.year < b {
                        prop_assert!(!reached(y), "{} reached before {}", y.year, b);
                    }
                    if y.year == b {
                        prop_assert!(reached(y));
                        prop_assert!(y.saving_cumulative >= Decimal::ZERO);
                    }
                }
                let holds = t.by_year.iter().filter(|y| y.year >= b).all(|y| y.saving_cumulative >= Decimal::ZERO);
                prop_assert_eq!(t.break_even_holds, holds);
            }
            None => {
                prop_assert!(t.by_year.iter().all(|y| !reached(y)));
                prop_assert!(!t.break_even_holds);
            }
        }
    }
}
