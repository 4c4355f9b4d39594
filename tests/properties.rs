//! Invariants, checked on generated catalogs and projects (proptest).

use cloud_tco::pricing::{combine, ProviderCharge, ServerRequest};
use cloud_tco::project::{BackupUse, Options, ProjectKind, ServerGroup, StorageUse};
use cloud_tco::{
    plan, price_table, Catalog, CatalogRow, Category, Decimal, NaiveDate, Planner, PriceBasis,
    Project, Unit,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    }
}

/// A price with up to 2 decimals: cents in 0 ..= 10,000,000.00 won.
fn price() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000).prop_map(|cents| Decimal::new(cents, 2))
}

fn charges() -> impl Strategy<Value = Vec<ProviderCharge>> {
    prop::collection::vec(price(), 1..7).prop_map(|prices| {
        prices
            .into_iter()
            .enumerate()
            .map(|(i, charge)| ProviderCharge {
                provider: format!("P{i}").into(),
                flavor: None,
                charge,
            })
            .collect()
    })
}

/// A catalog of `n` providers, each with a storage price and a few server flavors.
fn catalog_rows() -> impl Strategy<Value = Vec<CatalogRow>> {
    prop::collection::vec(
        (
            price(),
            prop::collection::vec((1u32..9, 1u32..33, price()), 1..5),
        ),
        1..5,
    )
    .prop_map(|providers| {
        let mut rows = Vec::new();
        for (p, (ssd, flavors)) in providers.into_iter().enumerate() {
            let name = format!("P{p}");
            rows.push(CatalogRow::new(
                &name,
                Category::Storage,
                "block_ssd",
                Unit::GbMonth,
                ssd,
            ));
            for (f, (vcpu, mem, price)) in flavors.into_iter().enumerate() {
                rows.push(
                    CatalogRow::new(
                        &name,
                        Category::Server,
                        format!("f{f}"),
                        Unit::VmMonth,
                        price,
                    )
                    .with_spec(vcpu, Decimal::from(mem), Decimal::ZERO),
                );
            }
        }
        rows
    })
}

fn big_flavors(provider: &str) -> Vec<CatalogRow> {
    vec![CatalogRow::new(
        provider,
        Category::Server,
        "xl",
        Unit::VmMonth,
        Decimal::from(900_000),
    )
    .with_spec(64, Decimal::from(512), Decimal::ZERO)]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2024i32..2031, 1u32..13, 1u32..29)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// A project with servers and SSD storage on the catalog above.
fn project(start: impl Strategy<Value = NaiveDate>) -> impl Strategy<Value = Project> {
    (
        start,
        1u32..9,
        prop::collection::vec((1u32..9, 1u32..33, 0i64..20), 1..4),
        0i64..100_000,
        0i64..5_000,
        0i64..1_000,
        0i64..1_000,
        prop::sample::select(vec![Decimal::ZERO, Decimal::TEN, Decimal::new(75, 1)]),
    )
        .prop_map(
            |(start, years, servers, gb, growth, discount, escalation, vat)| {
                let mut b = Project::builder(ProjectKind::Conversion, 2027, start)
                    .usage_years(years)
                    .options(Options {
                        basis: None,
                        discount_pct: Decimal::new(discount, 1),
                        price_escalation_pct: Decimal::new(escalation, 2),
                        vat_pct: vat,
                    });
                for (vcpu, mem, count) in servers {
                    b = b.server(
                        ServerGroup::new(vcpu, Decimal::from(mem)).count(Decimal::from(count)),
                    );
                }
                b.storage(
                    StorageUse::new("block_ssd", Decimal::from(gb)).growth(Decimal::from(growth)),
                )
                .build()
                .unwrap()
            },
        )
}

fn with_big_flavors(mut rows: Vec<CatalogRow>) -> Catalog {
    rows.extend(big_flavors("P0"));
    Catalog::from_rows(rows).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn average_lies_between_min_and_max(charges in charges()) {
        let avg = combine(&PriceBasis::Average, charges.clone()).unwrap().price;
        let min = combine(&PriceBasis::Min, charges.clone()).unwrap().price;
        let max = combine(&PriceBasis::Max, charges.clone()).unwrap().price;
        let median = combine(&PriceBasis::Median, charges).unwrap().price;
        prop_assert!(min <= avg && avg <= max);
        prop_assert!(min <= median && median <= max);
    }

    #[test]
    fn provider_basis_returns_that_providers_own_price(charges in charges(), pick in any::<prop::sample::Index>()) {
        let chosen = &charges[pick.index(charges.len())];
        let p = combine(&PriceBasis::Provider(chosen.provider.to_string()), charges.clone()).unwrap();
        prop_assert_eq!(p.price, chosen.charge);
    }

    #[test]
    fn the_order_of_merged_catalogs_changes_nothing(rows in catalog_rows(), split in any::<prop::sample::Index>()) {
        let at = split.index(rows.len() + 1);
        let (a, b) = rows.split_at(at);
        let a = Catalog::from_rows(a.to_vec()).unwrap();
        let b = Catalog::from_rows(b.to_vec()).unwrap();
        let ab = Catalog::merge([&a, &b]).unwrap();
        let ba = Catalog::merge([&b, &a]).unwrap();
        let req = [ServerRequest { vcpu: 1, memory_gb: Decimal::ONE }];
        for basis in [PriceBasis::Average, PriceBasis::Min, PriceBasis::Median] {
            let t1 = price_table(&ab, &basis, Some(&req));
            let t2 = price_table(&ba, &basis, Some(&req));
            prop_assert_eq!(t1, t2);
        }
    }

    #[test]
    fn adding_a_provider_never_raises_min(rows in catalog_rows(), extra in price()) {
        let before = Catalog::from_rows(rows.clone()).unwrap();
        let mut more = rows;
        more.push(CatalogRow::new("Znew", Category::Storage, "block_ssd", Unit::GbMonth, extra));
        let after = Catalog::from_rows(more).unwrap();
        let p = |c: &Catalog| price_table(c, &PriceBasis::Min, Some(&[])).unwrap().items[0].price.price;
        prop_assert!(p(&after) <= p(&before));
    }

    #[test]
    fn totals_equal_the_sum_of_lines_and_midterm_is_a_slice(rows in catalog_rows(), project in project(date())) {
        let catalog = with_big_flavors(rows);
        let p = plan(&project, &catalog, None).unwrap();
        let mut grand = Decimal::ZERO;
        for y in &p.totals.by_year {
            let sum: Decimal = p.lines.iter().map(|l| l.amount(y.year)).sum();
            prop_assert_eq!(y.amounts.total, sum);
            prop_assert_eq!(y.amounts.total_with_vat, y.amounts.total + y.amounts.vat);
            grand += sum;
        }
        prop_assert_eq!(p.totals.project_total, grand);
        let m = &p.totals.midterm;
        let slice: Decimal = p.totals.by_year.iter().filter(|y| (m.from..=m.to).contains(&y.year)).map(|y| y.amounts.total).sum();
        let slice_vat: Decimal = p.totals.by_year.iter().filter(|y| (m.from..=m.to).contains(&y.year)).map(|y| y.amounts.vat).sum();
        prop_assert_eq!(m.amounts.total, slice);
        prop_assert_eq!(m.amounts.vat, slice_vat);
        prop_assert_eq!(p.years.len(), p.totals.by_year.len());
        prop_assert!(p.years.windows(2).all(|w| w[1] == w[0] + 1));
    }

    #[test]
    fn vat_of_a_year_is_within_one_won_of_ten_percent(rows in catalog_rows(), project in project(date())) {
        let mut project = project;
        project.options.vat_pct = Decimal::TEN;
        let p = plan(&project, &with_big_flavors(rows), None).unwrap();
        for y in &p.totals.by_year {
            let exact = y.amounts.total / Decimal::TEN;
            prop_assert!(exact - y.amounts.vat >= Decimal::ZERO && exact - y.amounts.vat < Decimal::ONE);
        }
    }

    #[test]
    fn a_window_starting_on_the_first_costs_exactly_whole_months(
        rows in catalog_rows(),
        y in 2024i32..2031, m in 1u32..13, years in 1u32..9, count in 0i64..20, gb in 0i64..100_000,
    ) {
        let catalog = with_big_flavors(rows);
        let start = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let project = Project::builder(ProjectKind::New, y, start)
            .usage_years(years)
            .server(ServerGroup::new(1, Decimal::ONE).count(Decimal::from(count)))
            .storage(StorageUse::new("block_ssd", Decimal::from(gb)))
            .build()
            .unwrap();
        let p = plan(&project, &catalog, None).unwrap();
        // Whole months per fiscal year: 13 − m in the first, 12 in between, m − 1 in the last.
        let months_in = |year: i32| -> i64 {
            let first = if year == y { 13 - m as i64 } else { 0 };
            let last = if year == y + years as i32 { m as i64 - 1 } else { 0 };
            if year > y && year < y + years as i32 { 12 } else { first + last }
        };
        for line in &p.lines {
            let unit = line.years[0].unit_price().unwrap();
            let qty = line.years[0].quantity.unwrap();
            let mut months = 0;
            for ly in &line.years {
                let k = months_in(ly.year);
                months += k;
                prop_assert_eq!(ly.amount, (unit * qty * Decimal::from(k)).trunc());
            }
            prop_assert_eq!(months, 12 * i64::from(years));
            if (unit * qty).fract().is_zero() {
                prop_assert_eq!(line.total(), unit * qty * Decimal::from(12 * years));
            }
        }
    }

    #[test]
    fn more_quantity_never_costs_less(rows in catalog_rows(), project in project(date()), extra in 1i64..10, extra_gb in 1i64..1000) {
        let catalog = with_big_flavors(rows);
        let base = plan(&project, &catalog, None).unwrap();
        let mut bigger = project.clone();
        bigger.servers[0].count += Decimal::from(extra);
        bigger.storage[0].gb += Decimal::from(extra_gb);
        let more = plan(&bigger, &catalog, None).unwrap();
        prop_assert!(more.totals.project_total >= base.totals.project_total);
        for (a, b) in base.lines.iter().zip(&more.lines) {
            for (ya, yb) in a.years.iter().zip(&b.years) {
                prop_assert!(yb.amount >= ya.amount);
            }
        }
    }

    /// A planner that reuses its combined prices across projects (and a totals-only plan)
    /// gives exactly what a fresh plan gives, errors included.
    #[test]
    fn a_planner_reusing_prices_equals_fresh_plans(
        projects in prop::collection::vec(
            (project(date()), 0i64..3_000, 0i64..500, 0i64..5_000, 0i64..800, any::<bool>()),
            1..6,
        ),
        basis in prop::sample::select(vec![None, Some(PriceBasis::Min), Some(PriceBasis::Median)]),
    ) {
        let catalog = Catalog::embedded();
        let mut planner = Planner::new(&catalog).with_basis(basis.clone());
        // Each project twice, so the second plan of it reuses every price.
        for (mut project, traffic, traffic_growth, backup_gb, backup_growth, with_backup) in
            projects.iter().cloned().chain(projects.iter().cloned())
        {
            project.network.outbound_gb_per_month = Decimal::from(traffic);
            project.network.outbound_annual_growth_gb = Decimal::from(traffic_growth);
            if with_backup {
                let mut backup = BackupUse::new(Decimal::from(backup_gb));
                backup.annual_growth_gb = Decimal::from(backup_growth);
                project.backup.push(backup);
            }
            let fresh = Planner::new(&catalog).with_basis(basis.clone()).plan(&project);
            let reused = planner.plan(&project);
            let totals = planner.totals(&project);
            // plan() reuses the prices its catalog keeps from earlier plans.
            let kept = plan(&project, &catalog, basis.as_ref());
            match fresh {
                Ok(fresh) => {
                    prop_assert_eq!(&reused.unwrap(), &fresh);
                    prop_assert_eq!(&kept.unwrap(), &fresh);
                    prop_assert_eq!(totals.unwrap(), fresh.totals);
                }
                Err(e) => {
                    prop_assert_eq!(reused.unwrap_err().to_string(), e.to_string());
                    prop_assert_eq!(kept.unwrap_err().to_string(), e.to_string());
                    prop_assert_eq!(totals.unwrap_err().to_string(), e.to_string());
                }
            }
        }
    }
}
