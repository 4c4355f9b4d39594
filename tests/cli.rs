//! The `cloud-tco` command line: exit statuses, messages on stderr, and parity with the library.

use cloud_tco::report::json::{plan_json, prices_json};
use cloud_tco::{plan, price_table, Catalog, PriceBasis, Project};

use crate::support::{root, run_cli, test_path};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn main_job_plans_an_example_on_the_embedded_catalog() {
    let out = run_cli(
        &root(),
        &[
            "plan",
            "data/examples/guide-conversion.toml",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let project = Project::from_path(root().join("data/examples/guide-conversion.toml")).unwrap();
    let expected = plan_json(&plan(&project, &Catalog::embedded(), None).unwrap());
    assert_eq!(actual, expected);
}

#[test]
fn prices_json_matches_the_library() {
    let out = run_cli(&root(), &["prices", "--format", "json", "--server", "8x32"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let req = ["8x32".parse().unwrap()];
    let expected =
        prices_json(&price_table(&Catalog::embedded(), &PriceBasis::Average, Some(&req)).unwrap());
    assert_eq!(actual, expected);
    assert_eq!(actual["servers"][0]["vcpu"], 8);
}

#[test]
fn default_prices_table_prints_the_average_column() {
    let out = run_cli(&root(), &["prices"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("평균단가"), "{text}");
}

#[test]
fn bad_input_exits_with_status_2_and_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad_catalog = dir.path().join("bad.csv");
    std::fs::write(
        &bad_catalog,
        "provider,category,item,unit,price\nA,storage,nas,gb_month,1.2.3\n",
    )
    .unwrap();
    let unpriceable = dir.path().join("unpriceable.toml");
    std::fs::write(
        &unpriceable,
        "kind = \"new\"\nbudget_year = 2027\nservice_start = \"2027-01-01\"\n[[extras]]\ncategory = \"managed\"\nitem = \"quantum_ops\"\n",
    )
    .unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["prices".into(), "--basis".into(), "mean".into()],
            "unknown price basis",
        ),
        (
            vec!["prices".into(), "--basis".into(), "provider:Nobody".into()],
            "Nobody",
        ),
        (
            vec!["prices".into(), "--server".into(), "4by16".into()],
            "VCPUxMEMORY_GB",
        ),
        (
            vec!["prices".into(), "--server".into(), "512x4096".into()],
            "no provider has a server flavor",
        ),
        (
            vec![
                "prices".into(),
                "--catalog".into(),
                bad_catalog.display().to_string(),
            ],
            "line 2, `price`",
        ),
        (
            vec!["prices".into(), "--catalog".into(), "missing.csv".into()],
            "missing.csv: the catalog file does not exist",
        ),
        (
            vec!["plan".into(), "missing.toml".into()],
            "missing.toml: the project file does not exist",
        ),
        (
            vec![
                "plan".into(),
                test_path("fixtures/golden/project.toml")
                    .display()
                    .to_string(),
                "--basis".into(),
                "provider:Z".into(),
            ],
            "\"Z\"",
        ),
        (
            vec!["plan".into(), unpriceable.display().to_string()],
            "no provider in the catalog lists managed/quantum_ops, needed by extras[0]",
        ),
        (
            vec![
                "plan".into(),
                test_path("fixtures/golden/project.toml")
                    .display()
                    .to_string(),
                "--format".into(),
                "xlsx".into(),
            ],
            "-o",
        ),
    ];
    for (args, words) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_cli(dir.path(), &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(words),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn plan_with_a_catalog_and_basis_from_the_command_line() {
    let out = run_cli(
        &test_path("fixtures/golden"),
        &[
            "plan",
            "project.toml",
            "--catalog",
            "catalog.csv",
            "--basis",
            "provider:A",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["basis"], "provider:A");
    assert_eq!(v["lines"][0]["unit_price"], "52000.00");
    assert_eq!(v["lines"][0]["provenance"][0]["flavor"], "a-2c4g");
    // SSD grows every year, so its quantity is keyed by year.
    assert_eq!(v["lines"][1]["quantity"]["2028"], "1500");
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("plan.json");
    std::fs::write(&out_path, "previous report").unwrap();
    let golden = test_path("fixtures/golden");
    let args = |project: &str| {
        vec![
            "plan".to_owned(),
            golden.join(project).display().to_string(),
            "--catalog".into(),
            golden.join("catalog.csv").display().to_string(),
            "--format".into(),
            "json".into(),
            "-o".into(),
            out_path.display().to_string(),
        ]
    };
    let failing = args("no-such-project.toml");
    let out = run_cli(
        dir.path(),
        &failing.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        "previous report"
    );
    let ok = args("project.toml");
    let out = run_cli(
        dir.path(),
        &ok.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(v["totals"]["project_total"], "111894573");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}
