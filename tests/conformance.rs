//! The worked cases of `tests/conformance/` (copied from the contract's conformance suite):
//! every figure must match to the won.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{run_cli, test_path};

fn run_case(name: &str) {
    let dir = test_path(&format!("conformance/{name}"));
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let command = expected["command"].as_str().unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = run_cli(&dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match &expected["expect"] {
        Value::String(s) if s.starts_with("error") => {
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name}: expected exit status 2; stderr: {stderr}"
            );
            assert!(
                out.stdout.is_empty(),
                "{name}: nothing on stdout for an error"
            );
            assert!(stderr.starts_with("error: "), "{name}: {stderr}");
            // e.g. "error (exit status 2): provider B missing"
            if let Some(what) = s.split("): ").nth(1) {
                for word in what.split_whitespace() {
                    assert!(
                        stderr.contains(word),
                        "{name}: stderr lacks {word:?}: {stderr}"
                    );
                }
            }
        }
        Value::String(s) if s == "success" => {
            assert!(out.status.success(), "{name}: {stderr}");
            let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                actual["totals"], expected["totals"],
                "{name}: totals differ"
            );
            let mut by_category: BTreeMap<String, i128> = BTreeMap::new();
            for line in actual["lines"].as_array().unwrap() {
                if line["budget_item"] != "usage_fee" {
                    continue;
                }
                for (year, amount) in line["amounts"].as_object().unwrap() {
                    let key = format!("{}/{}", line["category"].as_str().unwrap(), year);
                    *by_category.entry(key).or_default() +=
                        amount.as_str().unwrap().parse::<i128>().unwrap();
                }
            }
            let want = expected["usage_fee_by_category_and_year"]
                .as_object()
                .unwrap();
            for (key, amount) in want {
                assert_eq!(
                    by_category.get(key).map(|a| a.to_string()).as_deref(),
                    amount.as_str(),
                    "{name}: usage fee {key}"
                );
            }
            for (key, amount) in &by_category {
                assert!(
                    want.contains_key(key) || *amount == 0,
                    "{name}: unexpected usage fee {key} = {amount}"
                );
            }
        }
        Value::Object(want) => {
            assert!(out.status.success(), "{name}: {stderr}");
            let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(actual["basis"], want["basis"]);
            for key in ["prices", "servers"] {
                let got = actual[key].as_array().unwrap();
                let exp = want[key].as_array().unwrap();
                assert_eq!(got.len(), exp.len(), "{name}: number of {key}");
                for (g, e) in got.iter().zip(exp) {
                    for (field, value) in e.as_object().unwrap() {
                        assert_eq!(&g[field], value, "{name}: {key} entry {e}");
                    }
                }
            }
        }
        other => panic!("{name}: unknown expectation {other}"),
    }
}

macro_rules! cases {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            run_case(stringify!($name));
        }
    )*};
}

cases!(
    case01, case02, case03, case04, case05, case06, case07, case08, case09, case10, case11, case12,
    prices01
);
