//! Hostile input, through the CLI: every case loads correctly or exits with status 2 and a
//! message on stderr that names the position of the fault — never a panic.

use crate::support::{run_cli, test_path};

struct Case {
    catalog: &'static str,
    project: &'static str,
    /// `None`: must succeed; `Some(words)`: exit 2 with all of these on stderr.
    error: Option<&'static [&'static str]>,
}

const CASES: &[Case] = &[
    Case {
        catalog: "empty.csv",
        project: "nas.toml",
        error: Some(&["empty.csv", "the file is empty"]),
    },
    // A header-only file is an empty catalog: the project's item is then not listed.
    Case {
        catalog: "header-only.csv",
        project: "nas.toml",
        error: Some(&["no provider in the catalog lists storage/nas"]),
    },
    Case {
        catalog: "non-utf8.csv",
        project: "nas.toml",
        error: Some(&["non-utf8.csv, line 2, `item`", "UTF-8"]),
    },
    Case {
        catalog: "ragged.csv",
        project: "nas.toml",
        error: Some(&["ragged.csv, line 2", "4 fields but the header has 5"]),
    },
    Case {
        catalog: "bom-crlf.csv",
        project: "nas.toml",
        error: None,
    },
    Case {
        catalog: "quoted-korean.csv",
        project: "nas.toml",
        error: Some(&["quoted-korean.csv, line 3, `price`", "\"1,200\""]),
    },
    Case {
        catalog: "nan-inf-sci.csv",
        project: "nas.toml",
        error: Some(&[
            "line 2, `price`",
            "line 3, `price`",
            "line 4, `price`",
            "NaN",
        ]),
    },
    Case {
        catalog: "price-35-digits.csv",
        project: "nas.toml",
        error: Some(&["line 2, `price`", "28 significant digits"]),
    },
    Case {
        catalog: "missing.csv",
        project: "nas.toml",
        error: Some(&["missing.csv: the catalog file does not exist"]),
    },
    Case {
        catalog: ".",
        project: "nas.toml",
        error: Some(&["directory"]),
    },
    Case {
        catalog: "bom-crlf.csv",
        project: "too-large.toml",
        error: Some(&["too large"]),
    },
    Case {
        catalog: "bom-crlf.csv",
        project: "missing.toml",
        error: Some(&["missing.toml: the project file does not exist"]),
    },
    Case {
        catalog: "bom-crlf.csv",
        project: "empty.csv",
        error: Some(&["kind"]),
    },
];

#[test]
fn cli_matrix_of_hostile_files() {
    let dir = test_path("fixtures/hostile");
    for case in CASES {
        let out = run_cli(
            &dir,
            &[
                "plan",
                case.project,
                "--catalog",
                case.catalog,
                "--format",
                "json",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.catalog);
        match case.error {
            None => {
                assert!(
                    out.status.success(),
                    "{} + {}: {stderr}",
                    case.catalog,
                    case.project
                );
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                // BOM and CRLF read correctly: (100 + 120) / 2 = 110 won/GB-month.
                assert_eq!(v["lines"][0]["unit_price"], "110.00");
            }
            Some(words) => {
                assert_eq!(
                    out.status.code(),
                    Some(2),
                    "{} + {}: {stderr}",
                    case.catalog,
                    case.project
                );
                assert!(out.stdout.is_empty());
                for w in words {
                    assert!(
                        stderr.contains(w),
                        "{} + {}: {w:?} not in {stderr}",
                        case.catalog,
                        case.project
                    );
                }
            }
        }
    }
}

#[test]
fn quoted_fields_with_commas_and_korean_text_load() {
    let catalog = cloud_tco::Catalog::from_reader(
        "provider,category,item,unit,price,note\nA,storage,nas,gb_month,100,\"NAS, 파일 스토리지 (월)\"\n".as_bytes(),
        None,
    )
    .unwrap();
    assert_eq!(
        catalog.rows()[0].note.as_deref(),
        Some("NAS, 파일 스토리지 (월)")
    );
}
