//! Project files: every rule of SPEC §4 is an error naming the file, the line and the field.

use cloud_tco::{Catalog, Project, ProjectError};

use crate::support::dec;

const HEAD: &str = "kind = \"conversion\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\n";

fn toml_err(body: &str) -> ProjectError {
    Project::from_toml_str(&format!("{HEAD}{body}")).unwrap_err()
}

/// Asserts a problem at `field` on `line` whose message mentions `words`.
fn assert_problem(err: &ProjectError, field: &str, line: Option<u64>, words: &str) {
    let p = err
        .problems
        .iter()
        .find(|p| p.location.field.as_deref() == Some(field))
        .unwrap_or_else(|| panic!("no problem at {field}: {err}"));
    assert_eq!(p.location.line, line, "{err}");
    assert!(
        p.message.contains(words),
        "{:?} should mention {words:?}",
        p.message
    );
}

#[test]
fn unknown_key_names_line_and_path() {
    let err = toml_err("[[servers]]\nvcpu = 2\nmemory_gb = 4\ncuont = 2\n");
    assert_problem(&err, "servers[0].cuont", Some(7), "unknown key `cuont`");
    let err = toml_err("usage_year = 7\n");
    assert!(err.to_string().contains("line 4"), "{err}");
    assert!(err.to_string().contains("usage_year"), "{err}");
}

#[test]
fn missing_and_mistyped_fields() {
    let err = Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\n").unwrap_err();
    assert!(err.to_string().contains("service_start"), "{err}");
    let err = toml_err("[[servers]]\nvcpu = \"two\"\nmemory_gb = 4\n");
    assert_problem(&err, "servers[0].vcpu", Some(5), "not usable as a number");
    let err = toml_err("[[storage]]\nclass = \"nas\"\ngb = [1]\n");
    assert!(err.to_string().contains("storage[0].gb"), "{err}");
}

#[test]
fn impossible_dates() {
    let err = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-02-30\"\n",
    )
    .unwrap_err();
    assert_problem(&err, "service_start", Some(3), "not a real date");
    let err = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"1/7/2027\"\n",
    )
    .unwrap_err();
    assert_problem(&err, "service_start", Some(3), "YYYY-MM-DD");
}

#[test]
fn toml_date_literals_are_accepted() {
    let p =
        Project::from_toml_str("kind = \"new\"\nbudget_year = 2027\nservice_start = 2027-07-15\n")
            .unwrap();
    assert_eq!(p.service_start.to_string(), "2027-07-15");
}

#[test]
fn negative_and_fractional_quantities() {
    let err = toml_err("[[servers]]\nvcpu = 2\nmemory_gb = 4\ncount = -1\n");
    assert_problem(&err, "servers[0].count", Some(7), "negative");
    let err = toml_err("[[servers]]\nvcpu = 2\nmemory_gb = 4\ncount = 1.5\n");
    assert_problem(&err, "servers[0].count", Some(7), "whole number");
    let err = toml_err("[[servers]]\nvcpu = 0\nmemory_gb = 4\n");
    assert_problem(&err, "servers[0].vcpu", Some(5), "at least 1");
    let err = toml_err("[[servers]]\nvcpu = 2\nmemory_gb = 0\n");
    assert_problem(&err, "servers[0].memory_gb", Some(6), "greater than 0");
    let err = toml_err("[[storage]]\nclass = \"nas\"\ngb = -5\n");
    assert_problem(&err, "storage[0].gb", Some(6), "negative");
    let err = toml_err("[network]\nvpn = -1\n");
    assert_problem(&err, "network.vpn", Some(5), "negative");
    let err = toml_err("[security]\nwaf = 1.5\n");
    assert_problem(&err, "security.waf", Some(5), "whole number");
    let err = toml_err("[[costs]]\nitem = \"conversion\"\nyear = 2027\namount = -1\n");
    assert_problem(&err, "costs[0].amount", Some(7), "negative");
}

#[test]
fn years_and_rates_out_of_range() {
    let err = toml_err("usage_years = 0\n");
    assert_problem(&err, "usage_years", Some(4), "at least 1");
    let err = toml_err("[options]\ndiscount_pct = 101\n");
    assert_problem(&err, "options.discount_pct", Some(5), "0–100");
    let err = toml_err("[options]\ndiscount_pct = -1\n");
    assert_problem(&err, "options.discount_pct", Some(5), "0–100");
    let err = toml_err("[options]\nprice_escalation_pct = -100\n");
    assert_problem(
        &err,
        "options.price_escalation_pct",
        Some(5),
        "greater than -100",
    );
    let err = toml_err("[options]\nbasis = \"mean\"\n");
    assert!(err.to_string().contains("options.basis"), "{err}");
}

#[test]
fn costs_that_do_not_apply_to_the_kind_say_which_kinds_they_apply_to() {
    let new = "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\n";
    let err = Project::from_toml_str(&format!(
        "{new}[[costs]]\nitem = \"conversion\"\nyear = 2027\namount = 1\n"
    ))
    .unwrap_err();
    assert_problem(
        &err,
        "costs[0].item",
        Some(5),
        "conversion (전환) and rebuild (재구축)",
    );
    let err = toml_err("[[costs]]\nitem = \"sw_build\"\nyear = 2027\namount = 1\n");
    assert_problem(
        &err,
        "costs[0].item",
        Some(5),
        "new (신규구축) and rebuild (재구축)",
    );
    let saas = "kind = \"rebuild\"\nservice_model = \"saas\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\n";
    let err = Project::from_toml_str(&format!(
        "{saas}[[costs]]\nitem = \"sw_build\"\nyear = 2027\namount = 1\n"
    ))
    .unwrap_err();
    assert_problem(&err, "costs[0].item", Some(6), "SaaS");
    let err = toml_err("[[costs]]\nitem = \"maintenance\"\nyear = 2027\nfrom = 2027\n");
    assert!(err.to_string().contains("costs[0]"), "{err}");
}

#[test]
fn every_problem_is_reported_together() {
    let err = toml_err(
        "[[servers]]\nvcpu = 2\nmemory_gb = 4\ncount = -1\n[options]\ndiscount_pct = 150\n",
    );
    assert_eq!(err.problems.len(), 2, "{err}");
}

#[test]
fn a_catalog_item_no_provider_lists_names_the_entry() {
    let p = Project::from_toml_str(&format!(
        "{HEAD}[[extras]]\ncategory = \"managed\"\nitem = \"quantum_ops\"\n"
    ))
    .unwrap();
    let err = cloud_tco::plan(&p, &Catalog::embedded(), None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("managed/quantum_ops") && text.contains("extras[0]"),
        "{text}"
    );
}

#[test]
fn numbers_as_integers_floats_or_strings_are_exact() {
    let p = Project::from_toml_str(&format!(
        "{HEAD}[options]\ndiscount_pct = 0.1\nprice_escalation_pct = \"2.123456789012345678\"\n[[storage]]\nclass = \"nas\"\ngb = 9223372036854775807\n"
    ))
    .unwrap();
    assert_eq!(p.options.discount_pct, dec("0.1"));
    assert_eq!(
        p.options.price_escalation_pct.to_string(),
        "2.123456789012345678"
    );
    assert_eq!(p.storage[0].gb.to_string(), "9223372036854775807");
}

#[test]
fn json_has_the_same_schema_and_locates_errors() {
    let p = Project::from_json_str(
        r#"{"kind": "rebuild", "budget_year": 2027, "service_start": "2027-07-01",
            "servers": [{"vcpu": 2, "memory_gb": 4, "count": 3}],
            "costs": [{"item": "sw_build", "year": 2027, "amount": "100000000"}]}"#,
    )
    .unwrap();
    assert_eq!(p.servers[0].count, dec("3"));
    let err = Project::from_json_str("{\"kind\": \"new\",\n\"budget_year\": 2027,\n\"service_start\": \"2027-07-01\",\n\"colour\": 1}").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line 4") && text.contains("colour"), "{text}");
    let err = Project::from_json_str("{\"kind\": \"new\",\n\"budget_year\": 2027,\n\"service_start\": \"2027-07-01\",\n\"servers\": [{\"vcpu\": 2, \"memory_gb\": 4, \"count\": -2}]}").unwrap_err();
    assert_problem(&err, "servers[0].count", Some(4), "negative");
}

#[test]
fn files_name_the_path_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("민원포털.toml");
    std::fs::write(
        &path,
        format!("{HEAD}[[servers]]\nvcpu = 2\nmemory_gb = 4\ncount = -1\n"),
    )
    .unwrap();
    let text = Project::from_path(&path).unwrap_err().to_string();
    assert!(
        text.contains(&format!("{}, line 7, `servers[0].count`", path.display())),
        "{text}"
    );
    std::fs::write(&path, HEAD).unwrap();
    assert_eq!(Project::from_path(&path).unwrap().name, "민원포털");
    assert!(Project::from_path(dir.path())
        .unwrap_err()
        .to_string()
        .contains("directory"));
    assert!(Project::from_path(dir.path().join("none.toml"))
        .unwrap_err()
        .to_string()
        .contains("does not exist"));
    std::fs::write(&path, b"kind = \"new\"\n\xff\n").unwrap();
    assert!(Project::from_path(&path)
        .unwrap_err()
        .to_string()
        .contains("UTF-8"));
}

#[test]
fn every_example_project_is_valid_and_priced_by_the_embedded_catalog() {
    let dir = crate::support::root().join("data/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // data/examples/sla.toml is an SLA evaluation (tests/sla.rs), not a project.
        if path.file_stem().is_some_and(|s| s == "sla") {
            continue;
        }
        if path.extension().is_some_and(|e| e == "toml" || e == "json") {
            let project = Project::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
            cloud_tco::plan(&project, &Catalog::embedded(), None)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            seen += 1;
        }
    }
    assert!(seen >= 4);
}

/// Unquoted decimals reach the reader as 64-bit floats: up to 15 significant digits they are
/// exact; beyond, the float may not be the number written, so it is refused, not changed.
#[test]
fn unquoted_numbers_beyond_fifteen_digits_are_refused_not_changed() {
    let json = |amount: &str| {
        format!(
            r#"{{"kind": "conversion", "budget_year": 2027, "service_start": "2027-01-01",
                "costs": [{{"item": "conversion", "year": 2027, "amount": {amount}}}]}}"#
        )
    };
    let amount = |p: Project| match p.costs[0].timing {
        cloud_tco::project::CostTiming::Once { amount, .. } => amount,
        _ => unreachable!("a one-off cost"),
    };
    // 15 significant digits, and short decimals, are read exactly.
    assert_eq!(
        amount(Project::from_json_str(&json("123456789012.345")).unwrap()),
        dec("123456789012.345")
    );
    assert_eq!(
        amount(Project::from_json_str(&json("0.1")).unwrap()),
        dec("0.1")
    );
    assert_eq!(
        amount(Project::from_json_str(&json("1e3")).unwrap()),
        dec("1000")
    );
    // More: refused with the field and the way out; quoted, every digit is kept.
    let err = Project::from_json_str(&json("12345678901234567.5")).unwrap_err();
    assert_problem(&err, "costs[0].amount", Some(2), "write it in quotes");
    assert_eq!(
        amount(Project::from_json_str(&json("\"12345678901234567.5\"")).unwrap()),
        dec("12345678901234567.5")
    );
    // TOML floats are read the same way.
    let toml = format!(
        "{HEAD}[[costs]]\nitem = \"conversion\"\nyear = 2027\namount = 0.30000000000000004\n"
    );
    let err = Project::from_toml_str(&toml).unwrap_err();
    assert!(err.to_string().contains("write it in quotes"), "{err}");
}
