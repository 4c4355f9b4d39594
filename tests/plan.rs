//! Golden plans whose amounts were checked by hand, and the plan's rules at their edges.

use cloud_tco::project::{BackupUse, Cost, Options, ProjectKind, ServerGroup, StorageUse};
use cloud_tco::NaiveDate;
use cloud_tco::{plan, Catalog, Decimal, PriceBasis, Project};

use crate::support::{catalog, dec, root, test_path};

fn golden() -> (Project, Catalog) {
    (
        Project::from_path(test_path("fixtures/golden/project.toml")).unwrap(),
        Catalog::from_path(test_path("fixtures/golden/catalog.csv")).unwrap(),
    )
}

fn amounts(line: &cloud_tco::Line) -> Vec<String> {
    line.years
        .iter()
        .map(|y| format!("{}:{}", y.year, y.amount))
        .collect()
}

/// Window 2027-07-15 … 2029-07-14. Months used: 2027 = 17/31 + 5 = 172/31; 2028 = 12;
/// 2029 = 6 + 14/31 = 200/31. Discount 10 % → × 0.9.
#[test]
fn golden_plan_checked_by_hand() {
    let (project, catalog) = golden();
    let p = plan(&project, &catalog, None).unwrap();
    assert_eq!(p.years, [2027, 2028, 2029]);
    assert_eq!(p.window.end, NaiveDate::from_ymd_opt(2029, 7, 14).unwrap());

    // Server 2vCPU/4GB: A a-2c4g 52,000, B b-2c4g 58,000 (cheaper than nothing else fitting)
    // → 평균단가 55,000.00. × 2 servers × 0.9 = 99,000 a month.
    // 2027: 99,000 × 172/31 = 17,028,000/31 = 549,290.32 → 549,290
    // 2028: 99,000 × 12 = 1,188,000
    // 2029: 99,000 × 200/31 = 19,800,000/31 = 638,709.67 → 638,709
    let server = &p.lines[0];
    assert_eq!(server.item, "2vCPU/4GB");
    assert_eq!(server.years[0].unit_price(), Some(dec("55000.00")));
    let flavors: Vec<_> = server
        .price(&server.years[0])
        .unwrap()
        .providers
        .iter()
        .map(|c| c.flavor.clone().unwrap())
        .collect();
    assert_eq!(flavors, ["a-2c4g", "b-2c4g"]);
    assert_eq!(
        amounts(server),
        ["2027:549290", "2028:1188000", "2029:638709"]
    );

    // SSD: (160 + 150 + 155.5) / 3 = 155.1666… → 155.17 (R1, half-up).
    // 2027 (i=0) 1,000 GB: 155.17 × 1,000 × 0.9 × 172/31 = 24,020,316/31 = 774,848.9 → 774,848
    // 2028 (i=1) 1,500 GB: 155.17 × 1,500 × 0.9 × 12 = 2,513,754
    // 2029 (i=2) 2,000 GB: 155.17 × 2,000 × 0.9 × 200/31 = 55,861,200/31 = 1,801,974.19 → 1,801,974
    let ssd = &p.lines[1];
    assert_eq!(ssd.years[0].unit_price(), Some(dec("155.17")));
    assert_eq!(
        ssd.years
            .iter()
            .map(|y| y.quantity.unwrap())
            .collect::<Vec<_>>(),
        [dec("1000"), dec("1500"), dec("2000")]
    );
    assert_eq!(
        amounts(ssd),
        ["2027:774848", "2028:2513754", "2029:1801974"]
    );

    // Traffic 3,000 GB/month: A 100 × (3,000 − 1,000 × 2 VMs) = 100,000; B 120 × (3,000 − 2,000)
    // = 120,000 → 110,000.00 for the whole volume, quantity 1 → the same figures as the server.
    let traffic = &p.lines[2];
    assert_eq!(traffic.years[0].unit_price(), Some(dec("110000.00")));
    assert_eq!(
        amounts(traffic),
        ["2027:549290", "2028:1188000", "2029:638709"]
    );

    // Backup 1,500 GB: A 70,000 + 50 × 500 = 95,000; B includes 500 GB and has no additional
    // price → left out. 95,000 × 0.9 = 85,500 a month.
    // 2027: 85,500 × 172/31 = 474,387.09 → 474,387; 2028: 1,026,000; 2029: 551,612.90 → 551,612
    let backup = &p.lines[3];
    assert_eq!(backup.years[0].unit_price(), Some(dec("95000.00")));
    assert_eq!(backup.price(&backup.years[0]).unwrap().providers.len(), 1);
    // Every year of a line with one price shares it: one price kept for the line.
    assert_eq!(server.prices.len(), 1);
    assert!(server.years.iter().all(|y| y.price_index == Some(0)));
    assert_eq!(
        amounts(backup),
        ["2027:474387", "2028:1026000", "2029:551612"]
    );

    // Conversion 100,000,000.5 → 100,000,000 (R2).
    assert_eq!(amounts(&p.lines[4]), ["2027:100000000"]);

    let t = &p.totals;
    let y = |year| t.year(year).unwrap();
    assert_eq!(y(2027).usage_fee, dec("2347815"));
    assert_eq!(y(2027).total, dec("102347815"));
    assert_eq!(y(2027).vat, dec("10234781")); // 10,234,781.5 truncated
    assert_eq!(y(2028).usage_fee, dec("5915754"));
    assert_eq!(y(2028).vat, dec("591575"));
    assert_eq!(y(2029).usage_fee, dec("3631004"));
    assert_eq!(y(2029).vat, dec("363100"));
    assert_eq!((t.midterm.from, t.midterm.to), (2027, 2031));
    assert_eq!(t.midterm.amounts.usage_fee, dec("11894573"));
    assert_eq!(t.midterm.amounts.conversion, dec("100000000"));
    assert_eq!(t.midterm.amounts.vat, dec("11189456"));
    assert_eq!(t.midterm.amounts.total_with_vat, dec("123084029"));
    // Usage VAT: 234,781 + 591,575 + 363,100 = 1,189,456.
    assert_eq!(t.usage_window.usage_fee, dec("11894573"));
    assert_eq!(t.usage_window.usage_fee_with_vat, dec("13084029"));
    assert_eq!(t.project_total, dec("111894573"));
    assert_eq!(t.project_total_with_vat, dec("123084029"));
}

#[test]
fn provider_and_min_max_bases() {
    let (project, catalog) = golden();
    let a = plan(&project, &catalog, Some(&PriceBasis::Provider("A".into()))).unwrap();
    assert_eq!(a.lines[0].years[0].unit_price(), Some(dec("52000.00")));
    assert_eq!(a.lines[1].years[0].unit_price(), Some(dec("160.00")));
    let min = plan(&project, &catalog, Some(&PriceBasis::Min)).unwrap();
    assert_eq!(min.lines[1].years[0].unit_price(), Some(dec("150.00")));
    let max = plan(&project, &catalog, Some(&PriceBasis::Max)).unwrap();
    assert_eq!(max.lines[2].years[0].unit_price(), Some(dec("120000.00")));
    // C lists only storage: a plan under C alone cannot price the servers.
    let err = plan(&project, &catalog, Some(&PriceBasis::Provider("C".into()))).unwrap_err();
    assert!(err.to_string().contains("provider C is missing"), "{err}");
    let err = plan(&project, &catalog, Some(&PriceBasis::Provider("Z".into()))).unwrap_err();
    assert!(err.to_string().contains("\"Z\""), "{err}");
}

#[test]
fn costs_before_and_after_the_window_extend_the_years_without_gaps() {
    let c =
        catalog("provider,category,item,unit,price,vcpu,memory_gb\nA,server,a,vm_month,1000,1,1\n");
    let start = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
    let p = Project::builder(ProjectKind::Rebuild, 2026, start)
        .usage_years(1)
        .server(ServerGroup::new(1, dec("1")))
        .cost(Cost::once("sw_build", 2026, dec("5000000")))
        .cost(Cost::yearly("maintenance", 2030, 2031, dec("700")))
        .build()
        .unwrap();
    let p = plan(&p, &c, None).unwrap();
    assert_eq!(p.years, [2026, 2027, 2028, 2029, 2030, 2031]);
    assert_eq!(p.totals.year(2027).unwrap().total, Decimal::ZERO);
    assert_eq!(p.totals.year(2028).unwrap().usage_fee, dec("12000"));
    assert_eq!(p.totals.year(2030).unwrap().other, dec("700"));
    // Mid-term 2026–2030: 5,000,000 + 12,000 + 700.
    assert_eq!(p.totals.midterm.amounts.total, dec("5012700"));
    assert_eq!(p.totals.project_total, dec("5013400"));
}

#[test]
fn service_start_before_the_budget_year_falls_outside_the_midterm() {
    let c =
        catalog("provider,category,item,unit,price,vcpu,memory_gb\nA,server,a,vm_month,1000,1,1\n");
    let p = Project::builder(
        ProjectKind::Conversion,
        2027,
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
    )
    .server(ServerGroup::new(1, dec("1")))
    .build()
    .unwrap();
    let p = plan(&p, &c, None).unwrap();
    assert_eq!(p.years.first(), Some(&2025));
    assert_eq!(p.totals.midterm.amounts.usage_fee, dec("60000")); // 2027–2031, 5 × 12,000
    assert_eq!(p.totals.usage_window.usage_fee, dec("84000"));
}

#[test]
fn escalation_steps_on_the_first_of_january() {
    // Start on 31 December: one day of 2027 at the first year's price, then 2028 at +10 %.
    let c = catalog(
        "provider,category,item,unit,price,vcpu,memory_gb\nA,server,a,vm_month,31000,1,1\n",
    );
    let options = Options {
        price_escalation_pct: dec("10"),
        ..Options::default()
    };
    let p = Project::builder(
        ProjectKind::New,
        2027,
        NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
    )
    .usage_years(1)
    .options(options)
    .server(ServerGroup::new(1, dec("1")))
    .build()
    .unwrap();
    let p = plan(&p, &c, None).unwrap();
    // 2027: 31,000 × 1/31 = 1,000. 2028 (until 30 Dec): 34,100 × 371/31 = 12,651,100/31 = 408,100.
    assert_eq!(amounts(&p.lines[0]), ["2027:1000", "2028:408100"]);
}

#[test]
fn per_server_security_counts_every_server_and_zero_network_keys_need_no_price() {
    let c = catalog(
        "provider,category,item,unit,price,vcpu,memory_gb\n\
         A,server,a,vm_month,1000,1,1\n\
         A,security,antivirus,each_month,10,,\n",
    );
    let p = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 1\n\
         [[servers]]\nvcpu = 1\nmemory_gb = 1\ncount = 3\n[[servers]]\nvcpu = 1\nmemory_gb = 1\ncount = 2\n\
         [network]\nload_balancers = 0\n[security]\nantivirus = \"per_server\"\nwaf = 0\n",
    )
    .unwrap();
    let p = plan(&p, &c, None).unwrap();
    let av = p.lines.iter().find(|l| l.item == "antivirus").unwrap();
    assert_eq!(av.years[0].quantity, Some(dec("5")));
    assert_eq!(av.years[0].amount, dec("600")); // 10 × 5 × 12
    assert_eq!(p.lines.len(), 3);
}

#[test]
fn huge_inputs_are_too_large_errors_not_panics() {
    let c = catalog("provider,category,item,unit,price,vcpu,memory_gb\nA,server,a,vm_month,99999999999999999999,1,1\n");
    let options = Options {
        price_escalation_pct: dec("900"),
        ..Options::default()
    };
    let p = Project::builder(
        ProjectKind::New,
        2027,
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    )
    .usage_years(400)
    .options(options)
    .server(ServerGroup::new(1, dec("1")).count(dec("9223372036854775807")))
    .storage(StorageUse::new("nas", dec("1")))
    .backup(BackupUse::new(dec("1")))
    .build()
    .unwrap();
    let err = plan(&p, &c, None).unwrap_err();
    assert!(matches!(err, cloud_tco::Error::TooLarge(_)), "{err}");
}

/// Plans on one catalog from several threads at once (the catalog keeps combined prices
/// between plans) equal plans by fresh planners.
#[test]
fn concurrent_plans_on_one_catalog_equal_fresh_plans() {
    let catalog = Catalog::embedded();
    let names = ["new-build.toml", "conversion.toml", "rebuild.toml"];
    let projects: Vec<Project> = names
        .iter()
        .map(|n| Project::from_path(root().join("data/examples").join(n)).unwrap())
        .collect();
    let want: Vec<_> = projects
        .iter()
        .map(|p| cloud_tco::Planner::new(&catalog).plan(p).unwrap())
        .collect();
    std::thread::scope(|s| {
        for t in 0..4 {
            let (catalog, projects, want) = (&catalog, &projects, &want);
            s.spawn(move || {
                for round in 0..200 {
                    let i = (t + round) % projects.len();
                    assert_eq!(plan(&projects[i], catalog, None).unwrap(), want[i]);
                }
            });
        }
    });
}
