//! SaaS usage fees (guide §3.4, §4.5.2): the SaaS catalog, `[[saas]]` entries, every pricing
//! form in a golden plan checked by hand, errors with their file, line and field or column, and
//! the command line.

use cloud_tco::project::{Project, ProjectKind, ServiceModel};
use cloud_tco::report::json::plan_json;
use cloud_tco::report::{self, Lang, MoneyUnit};
use cloud_tco::saas::{BillingPeriod, SaasCatalog, SaasForm, SaasRow, SaasUse};
use cloud_tco::{plan, plan_with, Catalog, Error, Line, NaiveDate};

use crate::support::{dec, root, run_cli, test_path};

fn fixture(name: &str) -> std::path::PathBuf {
    test_path(&format!("fixtures/saas/{name}"))
}

fn saas_catalog() -> SaasCatalog {
    SaasCatalog::from_path(fixture("catalog.csv")).unwrap()
}

fn amounts(line: &Line) -> Vec<String> {
    line.years
        .iter()
        .map(|y| format!("{}:{}", y.year, y.amount))
        .collect()
}

fn quantities(line: &Line) -> Vec<String> {
    line.years
        .iter()
        .map(|y| y.quantity.unwrap().normalize().to_string())
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Window 2027-07-15 … 2029-07-14. Months used: 2027 = 17/31 + 5 = 172/31; 2028 = 12;
/// 2029 = 6 + 14/31 = 200/31. Discount 10 % (× 0.9), escalation 5 % a year (× 1.05^i), so the
/// factor of a monthly charge is 2027: 0.9 × 172/31 = 154.8/31; 2028: 0.9 × 1.05 × 12 = 11.34;
/// 2029: 0.9 × 1.1025 × 200/31 = 198.45/31. A yearly charge takes a twelfth of it.
#[test]
fn golden_plan_with_every_form_checked_by_hand() {
    let project = Project::from_path(fixture("golden.toml")).unwrap();
    let p = plan_with(&project, &Catalog::embedded(), &saas_catalog(), None).unwrap();
    assert_eq!(p.years, [2027, 2028, 2029]);
    let lines: Vec<&Line> = p.lines.iter().collect();
    assert_eq!(lines.len(), 10);
    for l in &lines {
        assert_eq!(l.category, "saas");
        assert_eq!(l.budget_item, cloud_tco::BudgetItem::UsageFee);
        assert!(l.saas.is_some());
        assert!(l
            .years
            .iter()
            .all(|y| l.price(y).is_some_and(|p| p.providers.is_empty())));
    }

    // fixed 100,000 a month × quantity 2, +1 a year → 2, 3, 4.
    // 2027: 100,000 × 2 × 154.8/31 = 30,960,000/31 = 998,709.67 → 998,709
    // 2028: 100,000 × 3 × 11.34 = 3,402,000
    // 2029: 100,000 × 4 × 198.45/31 = 79,380,000/31 = 2,560,645.16 → 2,560,645
    let fixed = lines[0];
    assert_eq!((fixed.name.as_str(), fixed.item.as_str()), ("고정", "고정"));
    assert_eq!(quantities(fixed), ["2", "3", "4"]);
    assert_eq!(
        amounts(fixed),
        ["2027:998709", "2028:3402000", "2029:2560645"]
    );

    // fixed 1,200,000 a year = 100,000 a month of use.
    // 2027: 100,000 × 154.8/31 = 15,480,000/31 = 499,354.83 → 499,354
    // 2028: 100,000 × 11.34 = 1,134,000
    // 2029: 100,000 × 198.45/31 = 19,845,000/31 = 640,161.29 → 640,161
    let yearly = lines[1];
    assert_eq!(yearly.years[0].unit_price(), Some(dec("1200000.00")));
    assert_eq!(
        amounts(yearly),
        ["2027:499354", "2028:1134000", "2029:640161"]
    );

    // per_user 5,000 (billing period unstated → monthly) with a set-up fee of 300,000.
    // Set-up: once in 2027, discounted, not prorated or escalated: 300,000 × 0.9 = 270,000.
    let setup = lines[2];
    assert_eq!(setup.source, "saas[2].setup_fee");
    assert_eq!(setup.item, "인당 set-up");
    assert_eq!(quantities(setup), ["1", "0", "0"]);
    assert_eq!(amounts(setup), ["2027:270000", "2028:0", "2029:0"]);
    // Users 100, 110, 120.
    // 2027: 5,000 × 100 × 154.8/31 = 77,400,000/31 = 2,496,774.19 → 2,496,774
    // 2028: 5,000 × 110 × 11.34 = 6,237,000
    // 2029: 5,000 × 120 × 198.45/31 = 119,070,000/31 = 3,840,967.74 → 3,840,967
    let per_user = lines[3];
    assert_eq!(per_user.name, "per user");
    assert_eq!(quantities(per_user), ["100", "110", "120"]);
    assert_eq!(
        amounts(per_user),
        ["2027:2496774", "2028:6237000", "2029:3840967"]
    );

    // bundle 500,000 for 50 users + 1,000 per extra user; users 40, 60, 80 → charges
    // 500,000; 510,000; 530,000 (quantity 1).
    // 2027: 500,000 × 154.8/31 = 77,400,000/31 = 2,496,774.19 → 2,496,774
    // 2028: 510,000 × 11.34 = 5,783,400
    // 2029: 530,000 × 198.45/31 = 105,178,500/31 = 3,392,854.83 → 3,392,854
    let bundle = lines[4];
    let prices: Vec<String> = bundle
        .years
        .iter()
        .map(|y| y.unit_price().unwrap().to_string())
        .collect();
    assert_eq!(prices, ["500000.00", "510000.00", "530000.00"]);
    assert_eq!(quantities(bundle), ["1", "1", "1"]);
    assert_eq!(
        amounts(bundle),
        ["2027:2496774", "2028:5783400", "2029:3392854"]
    );
    let users: Vec<String> = bundle
        .saas
        .as_ref()
        .unwrap()
        .users
        .iter()
        .map(|(y, u)| format!("{y}:{u}"))
        .collect();
    assert_eq!(users, ["2027:40", "2028:60", "2029:80"]);

    // setup_plus_operation: set-up 10,000,000 × 0.9 = 9,000,000 in 2027; operation 15 % of it,
    // 1,500,000 a year = 125,000 a month of use.
    // 2027: 125,000 × 154.8/31 = 19,350,000/31 = 624,193.54 → 624,193
    // 2028: 125,000 × 11.34 = 1,417,500
    // 2029: 125,000 × 198.45/31 = 24,806,250/31 = 800,201.61 → 800,201
    let bot_setup = lines[5];
    assert_eq!(amounts(bot_setup), ["2027:9000000", "2028:0", "2029:0"]);
    let operation = lines[6];
    assert_eq!(operation.years[0].unit_price(), Some(dec("1500000.00")));
    assert_eq!(
        amounts(operation),
        ["2027:624193", "2028:1417500", "2029:800201"]
    );

    // per_use SMS 10 won × 30,000 a month = 300,000 a month.
    // 2027: 300,000 × 154.8/31 = 46,440,000/31 = 1,498,064.51 → 1,498,064
    // 2028: 300,000 × 11.34 = 3,402,000
    // 2029: 300,000 × 198.45/31 = 59,535,000/31 = 1,920,483.87 → 1,920,483
    let sms = lines[7];
    assert_eq!(sms.item, "문자 (sms)");
    assert_eq!(
        amounts(sms),
        ["2027:1498064", "2028:3402000", "2029:1920483"]
    );

    // per_use MMS 80 won × 1,200 a year = 96,000 a year = 8,000 a month of use.
    // 2027: 8,000 × 154.8/31 = 1,238,400/31 = 39,948.38 → 39,948
    // 2028: 8,000 × 11.34 = 90,720
    // 2029: 8,000 × 198.45/31 = 1,587,600/31 = 51,212.90 → 51,212
    let mms = lines[8];
    assert_eq!(amounts(mms), ["2027:39948", "2028:90720", "2029:51212"]);

    // one_off 2,000,000 × 0.9 = 1,800,000 in the first service year.
    let one_off = lines[9];
    assert_eq!(one_off.source, "saas[7]");
    assert_eq!(amounts(one_off), ["2027:1800000", "2028:0", "2029:0"]);

    // 2027: 998,709 + 499,354 + 270,000 + 2,496,774 + 2,496,774 + 9,000,000 + 624,193
    //       + 1,498,064 + 39,948 + 1,800,000 = 19,723,816
    // 2028: 3,402,000 + 1,134,000 + 6,237,000 + 5,783,400 + 1,417,500 + 3,402,000 + 90,720
    //       = 21,466,620
    // 2029: 2,560,645 + 640,161 + 3,840,967 + 3,392,854 + 800,201 + 1,920,483 + 51,212
    //       = 13,206,523
    let t = &p.totals;
    assert_eq!(t.year(2027).unwrap().usage_fee, dec("19723816"));
    assert_eq!(t.year(2028).unwrap().usage_fee, dec("21466620"));
    assert_eq!(t.year(2029).unwrap().usage_fee, dec("13206523"));
    assert_eq!(t.usage_window.usage_fee, dec("54396959"));
    // VAT per year: 1,972,381 + 2,146,662 + 1,320,652 = 5,439,695.
    assert_eq!(t.project_total_with_vat, dec("59836654"));
}

/// The example project on the embedded catalog (the guide's §4.5.2 figures).
/// Window 2027-03-01 … 2034-02-28: 10 months in 2027, 12 a year to 2033, 2 in 2034.
#[test]
fn example_project_on_the_embedded_catalog() {
    let project = Project::from_path(root().join("data/examples/saas.toml")).unwrap();
    assert_eq!(project.service_model, ServiceModel::Saas);
    let p = plan(&project, &Catalog::embedded(), None).unwrap();
    assert!(p.lines.iter().all(|l| l.category == "saas"));
    // 센스메일클라우드: 540,000 for 50 users + 1,420 per extra user. 300 users in 2027:
    // 540,000 + 1,420 × 250 = 895,000 × 10 = 8,950,000; 320 users in 2028: 923,400 × 12 =
    // 11,080,800; 440 users in 2034: 1,093,800 × 2 = 2,187,600.
    let mail = &p.lines[0];
    assert_eq!(mail.amount(2027), dec("8950000"));
    assert_eq!(mail.amount(2028), dec("11080800"));
    assert_eq!(mail.amount(2034), dec("2187600"));
    // SMS Now sms: 10 won × 20,000 a month × 10 = 2,000,000; × 22,000 × 12 = 2,640,000.
    let sms = &p.lines[1];
    assert_eq!(sms.amount(2027), dec("2000000"));
    assert_eq!(sms.amount(2028), dec("2640000"));
    // 현명한 앤써니: set-up 44,000,000 in 2027; operation 15 % = 6,600,000 a year:
    // × 10/12 = 5,500,000 in 2027, × 2/12 = 1,100,000 in 2034.
    assert_eq!(p.lines[2].amount(2027), dec("44000000"));
    assert_eq!(p.lines[2].amount(2028), dec("0"));
    assert_eq!(p.lines[3].amount(2027), dec("5500000"));
    assert_eq!(p.lines[3].amount(2034), dec("1100000"));
    // 2027: 8,950,000 + 2,000,000 + 44,000,000 + 5,500,000.
    assert_eq!(p.totals.year(2027).unwrap().usage_fee, dec("60450000"));
    assert_eq!(p.totals.year(2027).unwrap().sw_build, dec("0"));
}

#[test]
fn embedded_catalog_has_the_guides_figures() {
    let c = SaasCatalog::embedded();
    let d = |s: &str| Some(dec(s));
    let bot = c.get("현명한 앤써니", None).unwrap();
    assert_eq!(bot.form, SaasForm::SetupPlusOperation);
    assert_eq!((bot.setup_fee, bot.operation_pct), (d("44000000"), d("15")));
    for (plan, price) in [("sms", "10"), ("lms", "30"), ("mms", "80")] {
        let row = c.get("SMS Now", Some(plan)).unwrap();
        assert_eq!((row.form, row.price), (SaasForm::PerUse, d(price)));
        assert_eq!(row.billing_period, BillingPeriod::Use);
    }
    let mail = c.get("센스메일클라우드", None).unwrap();
    assert_eq!(
        (mail.price, mail.included_users, mail.extra_user_price),
        (d("540000"), d("50"), d("1420"))
    );
    assert_eq!(mail.billing_period, BillingPeriod::Unstated);
    let dooray = c.get("Dooray", None).unwrap();
    assert_eq!(
        (dooray.price, dooray.included_users, dooray.extra_user_price),
        (d("25000000"), d("1000"), None)
    );
    let edu = c.get("KT 에듀 서비스", None).unwrap();
    assert_eq!(
        (edu.price, edu.billing_period),
        (d("120000"), BillingPeriod::Year)
    );
    let gate = c.get("스마트출입관리", None).unwrap();
    assert_eq!(gate.price, d("150000000"));
    assert_eq!(c.get("엔로비", None).unwrap().setup_fee, d("2620000"));
    assert_eq!(c.get("KT BizWorks", None).unwrap().setup_fee, d("11000000"));
    // Every row cites the guide; an unstated period is said in the row's note.
    for row in c.rows() {
        assert!(row.source.as_deref().unwrap().contains("§4.5.2"));
        if row.billing_period == BillingPeriod::Unstated {
            assert!(row.note.as_deref().unwrap().contains("과금 주기 미기재"));
        }
    }
}

#[test]
fn unknown_service_plan_and_misplaced_keys_name_file_line_and_field() {
    let project = Project::from_path(fixture("unknown-service.toml")).unwrap();
    let err = plan(&project, &Catalog::embedded(), None).unwrap_err();
    let Error::Project(e) = &err else {
        panic!("a project error, not {err:?}")
    };
    assert_eq!(e.problems.len(), 3, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("unknown-service.toml, line 13, `saas[1].service`"),
        "{text}"
    );
    assert!(text.contains("did you mean \"센스메일클라우드\""), "{text}");
    assert!(text.contains("line 17, `saas[2].plan`"), "{text}");
    assert!(text.contains("sms, lms, mms"), "{text}");
    assert!(text.contains("line 22, `saas[3].users`"), "{text}");
    assert!(text.contains("priced as fixed"), "{text}");
}

#[test]
fn a_bundle_without_a_price_per_extra_user_cannot_grow_past_it() {
    let project = Project::from_path(fixture("bundle-overflow.toml")).unwrap();
    let text = plan(&project, &Catalog::embedded(), None)
        .unwrap_err()
        .to_string();
    // 990 + 5 × 3 = 1,005 users in 2030, the fourth service year.
    assert!(
        text.contains("bundle-overflow.toml, line 9, `saas[0].users`"),
        "{text}"
    );
    assert!(text.contains("in 2030"), "{text}");
    assert!(text.contains("1005 users"), "{text}");
}

#[test]
fn entry_values_are_checked_when_read() {
    let text = Project::from_path(fixture("bad-entry.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("line 8, `saas[0].users`: -5 is negative"),
        "{text}"
    );
    assert!(text.contains("line 9, `saas[0].annual_growth`"), "{text}");
    assert!(
        text.contains("line 15, `saas[1].volume_per_year`"),
        "{text}"
    );

    let text = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[saas]]\nservice = \"구름EDU\"\nuser = 3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(text.contains("line 6"), "{text}");
    assert!(text.contains("unknown key"), "{text}");

    let text = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[saas]]\nservice = \"구름EDU\"\nusers = 2.5\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        text.contains("`saas[0].users`: 2.5 is not a whole number"),
        "{text}"
    );
}

#[test]
fn json_projects_locate_their_entries() {
    let json = "{\"kind\": \"new\",\n \"budget_year\": 2027,\n \"service_start\": \"2027-01-01\",\n \"saas\": [\n  {\"service\": \"구름EDU\", \"users\": 3},\n  {\"service\": \"없는 서비스\"}\n ]}";
    let project = Project::from_json_str(json).unwrap();
    let text = plan(&project, &Catalog::embedded(), None)
        .unwrap_err()
        .to_string();
    assert!(text.contains("line 6, `saas[1].service`"), "{text}");
}

#[test]
fn saas_projects_never_carry_sw_build_costs() {
    let text = Project::from_path(fixture("sw-build.toml"))
        .unwrap_err()
        .to_string();
    assert!(text.contains("`costs[0].item`"), "{text}");
    assert!(text.contains("never applies to a SaaS project"), "{text}");
}

#[test]
fn bad_catalog_rows_report_every_line_and_column() {
    let err = SaasCatalog::from_path(fixture("bad-catalog.csv")).unwrap_err();
    let at: Vec<String> = err
        .problems
        .iter()
        .map(|p| {
            format!(
                "{}:{}",
                p.location.line.unwrap(),
                p.location.field.as_deref().unwrap()
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            "2:form",
            "3:price",
            "4:included_users",
            "5:billing_period",
            "6:plan",
            "7:operation_pct",
            "8:operation_pct"
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid SaaS catalog: 7 problems"),
        "{text}"
    );
    assert!(text.contains("bad-catalog.csv, line 3, `price`"), "{text}");
    assert!(
        text.contains("bad-catalog.csv, line 6, `plan`: 문자 (sms) is listed twice: here and at"),
        "{text}"
    );

    let missing = SaasCatalog::from_reader(
        "service,form,price\n메일,fixed,1\n".as_bytes(),
        Some("x.csv"),
    )
    .unwrap_err()
    .to_string();
    assert!(missing.contains("x.csv, line 1"), "{missing}");
    assert!(missing.contains("unit, billing_period"), "{missing}");

    let several = "service,plan,form,price,unit,billing_period\n메일,,fixed,1,service,month\n메일,b,fixed,2,service,month\n";
    let text = SaasCatalog::from_reader(several.as_bytes(), Some("y.csv"))
        .unwrap_err()
        .to_string();
    assert!(text.contains("y.csv, line 2, `plan`"), "{text}");
}

#[test]
fn catalogs_merge_and_duplicates_across_files_name_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.csv");
    std::fs::write(
        &extra,
        "service,form,price,unit,billing_period\n고정,fixed,1,service,month\n새 서비스,fixed,1,service,month\n",
    )
    .unwrap();
    let err = SaasCatalog::from_paths(&[fixture("catalog.csv"), extra.clone()]).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    let text = err.to_string();
    assert!(text.contains("extra.csv, line 2, `plan`"), "{text}");
    assert!(text.contains("catalog.csv, line 2"), "{text}");
}

#[test]
fn rows_and_projects_built_in_code() {
    let row = SaasRow::new("메일", SaasForm::PerUser, "user", BillingPeriod::Month)
        .with_price(dec("5000"))
        .with_operation_pct(dec("10"));
    let err = SaasCatalog::from_rows(vec![row]).unwrap_err();
    assert_eq!(
        err.problems[0].location.field.as_deref(),
        Some("operation_pct")
    );

    let catalog = SaasCatalog::from_rows(vec![SaasRow::new(
        "메일",
        SaasForm::PerUser,
        "user",
        BillingPeriod::Month,
    )
    .with_price(dec("5000"))])
    .unwrap();
    let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let project = Project::builder(ProjectKind::New, 2027, start)
        .usage_years(1)
        .saas(SaasUse::new("메일").users(dec("10")))
        .build()
        .unwrap();
    // An IaaS project may use SaaS too: 5,000 × 10 × 12.
    let p = plan_with(&project, &Catalog::embedded(), &catalog, None).unwrap();
    assert_eq!(p.totals.usage_window.usage_fee, dec("600000"));

    let err = Project::builder(ProjectKind::New, 2027, start)
        .saas(SaasUse::new("메일").users(dec("-1")))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("saas[0].users"));
}

#[test]
fn saas_lines_come_after_iaas_lines_and_before_costs() {
    let project = Project::from_toml_str(
        r#"
        kind = "new"
        service_model = "mixed"
        budget_year = 2027
        service_start = "2027-01-01"
        [[costs]]
        item = "sw_build"
        year = 2027
        amount = 1000
        [[saas]]
        service = "구름EDU"
        users = 1
        [[servers]]
        vcpu = 2
        memory_gb = 4
        "#,
    )
    .unwrap();
    let p = plan(&project, &Catalog::embedded(), None).unwrap();
    let order: Vec<&str> = p.lines.iter().map(|l| l.category.as_str()).collect();
    assert_eq!(order, ["server", "saas", "sw_build"]);
    // The IaaS line is unchanged by the SaaS entry.
    let without: Project = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n",
    )
    .unwrap();
    let q = plan(&without, &Catalog::embedded(), None).unwrap();
    assert_eq!(p.lines[0].years, q.lines[0].years);
    assert!(q.lines.iter().all(|l| l.saas.is_none()));
}

#[test]
fn reports_show_saas() {
    let project = Project::from_path(fixture("golden.toml")).unwrap();
    let p = plan_with(&project, &Catalog::embedded(), &saas_catalog(), None).unwrap();
    let ko = report::table::plan_table(&p, Lang::Ko, MoneyUnit::Won);
    assert!(ko.contains("이용료 - SaaS"), "{ko}");
    assert!(ko.contains("19,723,816"), "{ko}");
    let en = report::table::plan_table(&p, Lang::En, MoneyUnit::Won);
    assert!(en.contains("Usage fee - SaaS"), "{en}");

    let json = plan_json(&p);
    let bundle = &json["lines"][4];
    assert_eq!(bundle["unit"], "bundle");
    let prov = &bundle["provenance"][0];
    assert_eq!(prov["service"], "묶음");
    assert_eq!(prov["form"], "bundle");
    assert_eq!(prov["charged_per"], "month");
    assert_eq!(prov["users"]["2029"], "80");
    assert_eq!(prov["source"], "test figures");
    let per_user = &json["lines"][3];
    assert_eq!(per_user["provenance"][0]["billing_period"], "unstated");
    assert!(per_user["provenance"][0]["assumption"]
        .as_str()
        .unwrap()
        .contains("monthly"));
    assert_eq!(json["lines"][2]["provenance"][0]["setup"], true);
    assert_eq!(json["lines"][8]["provenance"][0]["charged_per"], "year");

    let csv = report::csv::plan_csv(&p).unwrap();
    assert!(
        csv.contains("SaaS golden,average,usage_fee,saas,SMS,문자 (sms),message,saas[5],2028,10.00,30000,3402000"),
        "{csv}"
    );
    assert!(report::xlsx::plan_xlsx(&p).unwrap().starts_with(b"PK"));
}

#[test]
fn cli_plan_json_has_saas_lines() {
    let out = run_cli(
        &root(),
        &["plan", "data/examples/saas.toml", "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = actual["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l["category"] == "saas"));
    let project = Project::from_path(root().join("data/examples/saas.toml")).unwrap();
    let expected = plan_json(&plan(&project, &Catalog::embedded(), None).unwrap());
    assert_eq!(actual, expected);
}

#[test]
fn cli_takes_a_saas_catalog_and_reports_its_errors() {
    let dir = test_path("fixtures/saas");
    let out = run_cli(
        &dir,
        &[
            "plan",
            "golden.toml",
            "--saas-catalog",
            "catalog.csv",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["totals"]["usage_window"]["usage_fee"], "54396959");

    // Without it, the embedded catalog has none of the fixture's services.
    let out = run_cli(&dir, &["plan", "golden.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("golden.toml, line 16, `saas[0].service`"),
        "{}",
        stderr(&out)
    );

    let out = run_cli(
        &dir,
        &["plan", "golden.toml", "--saas-catalog", "bad-catalog.csv"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad-catalog.csv, line 2, `form`"),
        "{}",
        stderr(&out)
    );

    let out = run_cli(
        &dir,
        &[
            "compare",
            "golden.toml",
            "--saas-catalog",
            "catalog.csv",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // SaaS is priced per service: the same under every basis.
    for alt in v["alternatives"].as_array().unwrap() {
        assert_eq!(alt["project_total"], "54396959", "{alt}");
    }
}
