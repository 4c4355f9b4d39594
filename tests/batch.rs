//! Batch repricing: order, isolation of bad projects, parity with single plans.

use cloud_tco::batch::{plan_many, run_jsonl};
use cloud_tco::report::json::plan_json;
use cloud_tco::{plan, Catalog, Project};

use crate::support::{root, run_cli};

fn example_json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("data/examples").join(name)).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(value).unwrap()
}

fn jsonl(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let mut v = example_json(["conversion.toml", "new-build.toml", "rebuild.toml"][i % 3]);
        v["name"] = serde_json::Value::String(format!("system {i}"));
        if i % 7 == 3 {
            v["budget_year"] = serde_json::Value::String("soon".into());
        }
        out.push_str(&serde_json::to_string(&v).unwrap());
        out.push('\n');
    }
    out
}

#[test]
fn summary_rows_follow_input_order_and_match_single_plans() {
    let input = jsonl(40);
    let mut out = Vec::new();
    let catalog = Catalog::embedded();
    let stats = run_jsonl(
        input.as_bytes(),
        Some("systems.jsonl"),
        &catalog,
        None,
        &mut out,
    )
    .unwrap();
    assert_eq!(stats.projects, 40);
    assert_eq!(stats.failed, 6); // i = 3, 10, 17, 24, 31, 38
    let mut rdr = csv::Reader::from_reader(out.as_slice());
    let header = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40);
    for (i, (row, line)) in rows.iter().zip(input.lines()).enumerate() {
        assert_eq!(&row[0], format!("system {i}"));
        if i % 7 == 3 {
            assert!(
                row[6].contains(&format!("systems.jsonl, line {}", i + 1)),
                "{}",
                &row[6]
            );
            assert!(row[6].contains("budget_year"), "{}", &row[6]);
            continue;
        }
        let p = plan(&Project::from_json_str(line).unwrap(), &catalog, None).unwrap();
        let json = plan_json(&p);
        assert_eq!(
            &row[2],
            json["totals"]["usage_window"]["usage_fee"]
                .as_str()
                .unwrap()
        );
        assert_eq!(
            &row[3],
            json["totals"]["midterm"]["total"].as_str().unwrap()
        );
        assert_eq!(&row[4], json["totals"]["project_total"].as_str().unwrap());
        assert_eq!(
            &row[5],
            json["totals"]["project_total_with_vat"].as_str().unwrap()
        );
        for (col, name) in header.iter().enumerate().skip(7) {
            let want = json["totals"]["by_year"][name]["total"]
                .as_str()
                .unwrap_or("0");
            assert_eq!(&row[col], want, "system {i} year {name}");
        }
    }
}

#[test]
fn plan_many_equals_one_by_one() {
    let projects: Vec<Project> = jsonl(9)
        .lines()
        .filter_map(|l| Project::from_json_str(l).ok())
        .collect();
    let catalog = Catalog::embedded();
    let many = plan_many(&projects, &catalog, None);
    for (p, got) in projects.iter().zip(many) {
        assert_eq!(got.unwrap(), plan(p, &catalog, None).unwrap());
    }
}

#[test]
fn cli_batch_writes_the_summary_and_reports_failures() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("systems.jsonl");
    std::fs::write(&input, jsonl(5)).unwrap();
    let out = run_cli(
        dir.path(),
        &["batch", "--projects", "systems.jsonl", "-o", "summary.csv"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 5 projects"));
    let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 6);
    let missing = run_cli(dir.path(), &["batch", "--projects", "none.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn inventory_systems_become_projects_and_problems_name_the_csv_line() {
    use cloud_tco::inventory::read_inventory;
    let dir = root().join("data/examples/inventory");
    let systems = std::fs::read(dir.join("systems.csv")).unwrap();
    let resources = std::fs::read(dir.join("resources.csv")).unwrap();
    let inv = read_inventory(
        systems.as_slice(),
        "systems.csv",
        resources.as_slice(),
        "resources.csv",
    )
    .unwrap();
    assert_eq!(inv.len(), 3);
    let s01 = inv[0].project.as_ref().unwrap();
    assert_eq!(s01.name, "민원포털");
    assert_eq!(s01.servers.len(), 2);
    assert_eq!(
        s01.network.outbound_gb_per_month,
        crate::support::dec("1500")
    );
    assert_eq!(s01.security.items.len(), 2);

    let bad = "system,resource,name,vcpu,memory_gb,count\nS01,server,web,2,4,-2\nS02,gpu,x,1,1,1\n";
    let err = read_inventory(
        systems.as_slice(),
        "systems.csv",
        bad.as_bytes(),
        "resources.csv",
    )
    .unwrap();
    let s01 = inv_error(&err[0]);
    assert!(
        s01.contains("resources.csv, line 2, `servers[0].count`"),
        "{s01}"
    );
    let s02 = inv_error(&err[1]);
    assert!(s02.contains("resources.csv, line 3, `resource`"), "{s02}");

    let orphan = "system,resource,name,vcpu,memory_gb\nS99,server,web,2,4\n";
    let err = read_inventory(
        systems.as_slice(),
        "systems.csv",
        orphan.as_bytes(),
        "resources.csv",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("resources.csv, line 2, `system`"),
        "{err}"
    );
}

fn inv_error(s: &cloud_tco::inventory::InventorySystem) -> String {
    s.project.as_ref().unwrap_err().to_string()
}

#[test]
fn cli_batch_accepts_an_inventory() {
    let dir = root().join("data/examples/inventory");
    let out = run_cli(
        &dir,
        &[
            "batch",
            "--systems",
            "systems.csv",
            "--resources",
            "resources.csv",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("민원포털,conversion,"));
}

#[test]
fn summarized_rows_are_those_of_single_plans_in_input_order() {
    use cloud_tco::batch::{summarize_jsonl, Summary};
    let input = jsonl(5000);
    let catalog = Catalog::embedded();
    let mut rows = Vec::new();
    let mut chunks = 0;
    let stats = summarize_jsonl(input.as_bytes(), Some("s.jsonl"), &catalog, None, |chunk| {
        chunks += 1;
        rows.extend(chunk);
        Ok(())
    })
    .unwrap();
    assert!(chunks > 1, "5,000 projects take several chunks");
    assert_eq!((stats.projects, stats.failed), (5000, 714));
    for (i, ((name, result), line)) in rows.iter().zip(input.lines()).enumerate() {
        assert_eq!(name, &format!("system {i}"));
        match Project::from_json_str(line) {
            Ok(project) => {
                let want = Summary::of(&plan(&project, &catalog, None).unwrap());
                assert_eq!(result.as_ref().unwrap(), &want, "system {i}");
            }
            Err(_) => assert!(result
                .as_ref()
                .unwrap_err()
                .contains(&format!("s.jsonl, line {}", i + 1))),
        }
    }
}

#[test]
fn an_error_from_the_taker_stops_the_run() {
    use cloud_tco::batch::summarize_jsonl;
    let input = jsonl(3000);
    let mut taken = 0;
    let err = summarize_jsonl(
        input.as_bytes(),
        None,
        &Catalog::embedded(),
        None,
        |chunk| {
            taken += chunk.len();
            Err(cloud_tco::Error::Report("disk full".into()))
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        cloud_tco::Error::Report("disk full".into()).to_string()
    );
    assert!(taken < 3000);
}
