//! Pre-consultation check (정보화사업 사전협의, guide §4.3.1): each institution type at, below and
//! above its threshold; new builds, conversions and rebuilds; the plan's JSON and table.

use cloud_tco::consultation::{pre_consultation, ConsultationReason, Institution};
use cloud_tco::report::json::plan_json;
use cloud_tco::report::table::plan_table;
use cloud_tco::report::{Lang, MoneyUnit};
use cloud_tco::{plan, Catalog, Plan, Project, ProjectKind};

use crate::support::root;

/// A project of one cost in 2027, priced on the embedded catalog.
fn cost_plan(kind: &str, institution: Option<&str>, vat_pct: &str, amount: &str) -> Plan {
    let item = match kind {
        "new" => "sw_build",
        _ => "conversion",
    };
    let institution = institution
        .map(|i| format!("institution = \"{i}\"\n"))
        .unwrap_or_default();
    let project = Project::from_toml_str(&format!(
        "kind = \"{kind}\"\n{institution}budget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 1\n[options]\nvat_pct = {vat_pct}\n[[costs]]\nitem = \"{item}\"\nyear = 2027\namount = {amount}\n"
    ))
    .unwrap();
    plan(&project, &Catalog::embedded(), None).unwrap()
}

#[test]
fn each_institution_at_below_and_above_its_threshold() {
    for (inst, threshold, below, above) in [
        ("central", "1000000000", "999999999", "1000000001"),
        ("metropolitan", "100000000", "99999999", "100000001"),
        ("local", "50000000", "49999999", "50000001"),
    ] {
        for (amount, required) in [(below, false), (threshold, true), (above, true)] {
            let p = cost_plan("rebuild", Some(inst), "0", amount);
            let c = p.pre_consultation.unwrap();
            assert_eq!(c.institution.key(), inst);
            assert_eq!(c.threshold.to_string(), threshold);
            assert_eq!(c.amount.to_string(), amount);
            assert_eq!(c.required, required, "{inst} {amount}");
            assert_eq!(c.reaches_threshold, required, "{inst} {amount}");
            let reason = if required {
                ConsultationReason::AmountAtOrAboveThreshold
            } else {
                ConsultationReason::AmountBelowThreshold
            };
            assert_eq!(c.reason, reason, "{inst} {amount}");
        }
    }
}

#[test]
fn the_amount_includes_vat() {
    // 909,090,909 + VAT 90,909,090 = 999,999,999 < 10억; 909,090,910 + 90,909,091 = 1,000,000,001.
    let c = cost_plan("rebuild", Some("central"), "10", "909090909")
        .pre_consultation
        .unwrap();
    assert_eq!(c.amount.to_string(), "999999999");
    assert_eq!(c.amount_excl_vat.to_string(), "909090909");
    assert!(!c.required);
    let c = cost_plan("rebuild", Some("central"), "10", "909090910")
        .pre_consultation
        .unwrap();
    assert_eq!(c.amount.to_string(), "1000000001");
    assert!(c.required);
}

#[test]
fn a_new_project_is_subject_whatever_the_amount() {
    for amount in ["0", "1", "5000000000"] {
        let c = cost_plan("new", Some("central"), "10", amount)
            .pre_consultation
            .unwrap();
        assert!(c.required, "{amount}");
        assert_eq!(c.reason, ConsultationReason::NewProject);
    }
}

#[test]
fn a_conversion_may_skip_it_even_above_the_threshold() {
    let c = cost_plan("conversion", Some("local"), "10", "100000000")
        .pre_consultation
        .unwrap();
    assert!(!c.required);
    assert!(c.reaches_threshold);
    assert_eq!(c.reason, ConsultationReason::ExemptConversion);
    assert_eq!(c.status(Lang::Ko), "생략 가능");
    assert!(c.note(Lang::Ko).contains("이상"), "{}", c.note(Lang::Ko));
    let c = cost_plan("conversion", Some("local"), "10", "100")
        .pre_consultation
        .unwrap();
    assert!(!c.required);
    assert!(!c.reaches_threshold);
    assert!(c.note(Lang::Ko).contains("미만"), "{}", c.note(Lang::Ko));
}

#[test]
fn the_largest_year_is_compared_and_named() {
    let project = Project::from_toml_str(
        "kind = \"rebuild\"\ninstitution = \"metropolitan\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\nusage_years = 1\n[options]\nvat_pct = 0\n[[costs]]\nitem = \"sw_build\"\nyear = 2027\namount = 60000000\n[[costs]]\nitem = \"maintenance\"\nfrom = 2028\nto = 2030\nper_year = 100000000\n",
    )
    .unwrap();
    let p = plan(&project, &Catalog::embedded(), None).unwrap();
    let c = p.pre_consultation.unwrap();
    // 2028, 2029 and 2030 tie at 100,000,000: the earliest is named.
    assert_eq!(c.year, 2028);
    assert_eq!(c.amount.to_string(), "100000000");
    assert!(c.required);
}

#[test]
fn no_institution_means_no_check_and_no_json_key() {
    let p = cost_plan("rebuild", None, "10", "2000000000");
    assert_eq!(p.pre_consultation, None);
    let value = plan_json(&p);
    assert!(value.get("pre_consultation").is_none());
    assert!(!plan_table(&p, Lang::Ko, MoneyUnit::Won).contains("사전협의"));
    // The function itself.
    assert_eq!(pre_consultation(&p, None), None);
    let c = pre_consultation(&p, Some(Institution::Central)).unwrap();
    assert!(c.required);
    assert_eq!(c.kind, ProjectKind::Rebuild);
}

#[test]
fn plan_json_and_table_show_the_check() {
    let p = cost_plan("rebuild", Some("metropolitan"), "10", "100000000");
    let value = plan_json(&p);
    let pc = &value["pre_consultation"];
    assert_eq!(pc["institution"], "metropolitan");
    assert_eq!(pc["threshold"], "100000000");
    assert_eq!(pc["amount"], "110000000");
    assert_eq!(pc["amount_excl_vat"], "100000000");
    assert_eq!(pc["year"], 2027);
    assert_eq!(pc["required"], true);
    assert_eq!(pc["reaches_threshold"], true);
    assert_eq!(pc["reason"], "amount_at_or_above_threshold");
    let ko = plan_table(&p, Lang::Ko, MoneyUnit::Won);
    assert!(
        ko.contains("사전협의 대상 여부: 대상 — 광역자치단체 계속사업 기준 100,000,000원 이상"),
        "{ko}"
    );
    let en = plan_table(&p, Lang::En, MoneyUnit::Won);
    assert!(en.contains("Pre-consultation (사전협의): required"), "{en}");
}

#[test]
fn the_institution_is_read_checked_and_buildable() {
    let err = Project::from_toml_str(
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\ninstitution = \"province\"\n",
    )
    .unwrap_err();
    let p = err
        .problems
        .iter()
        .find(|p| p.location.field.as_deref() == Some("institution"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(p.location.line, Some(4));
    assert!(p.message.contains("central"), "{}", p.message);
    let built = Project::builder(
        ProjectKind::New,
        2027,
        cloud_tco::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    )
    .institution(Institution::Local)
    .build()
    .unwrap();
    assert_eq!(built.institution, Some(Institution::Local));
    let json = Project::from_json_str(
        r#"{"kind": "new", "budget_year": 2027, "service_start": "2027-01-01", "institution": "central"}"#,
    )
    .unwrap();
    assert_eq!(json.institution, Some(Institution::Central));
}

#[test]
fn cli_plan_shows_the_check_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.toml");
    std::fs::write(
        &file,
        "kind = \"conversion\"\ninstitution = \"central\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[servers]]\nvcpu = 2\nmemory_gb = 4\n",
    )
    .unwrap();
    let out = crate::support::run_cli(
        &root(),
        &["plan", file.to_str().unwrap(), "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["pre_consultation"]["reason"], "exempt_conversion");
    assert_eq!(value["pre_consultation"]["required"], false);
}
