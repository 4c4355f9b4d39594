//! Report formats: the plan form (table), CSV, XLSX, price tables and comparisons, through the
//! library and the `cloud-tco` binary.
//!
//! The fixture `tests/fixtures/reports/project.toml` is priced from `catalog.csv` beside it; its
//! comment holds the hand computation. In short (won, VAT excluded):
//!
//! ```text
//! 평균단가: server 2x4 55,000.00 · block_ssd 110.00 · waf 300,000.00 (only A lists it)
//!               2027         2028        2029        합계
//! 서버          660,000    1,320,000     660,000   2,640,000
//! 스토리지      132,000      264,000     132,000     528,000
//! 보안        1,800,000    3,600,000   1,800,000   7,200,000
//! 이용료 소계 2,592,000    5,184,000   2,592,000  10,368,000
//! 전환비     10,000,500            0           0  10,000,500
//! 합계       12,592,500    5,184,000   2,592,000  20,368,500
//! 부가세      1,259,250      518,400     259,200   2,036,850
//! 부가세 포함 13,851,750   5,702,400   2,851,200  22,405,350
//! usage window 10,368,000 (with VAT 11,404,800); provider A alone 20,080,500 (−1.4 %);
//! provider B alone: not priceable (no security/waf).
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cloud_tco::compare::compare;
use cloud_tco::report::{self, Lang, MoneyUnit};
use cloud_tco::{plan, Catalog, Decimal, Project};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/reports")
        .join(name)
}

fn project_path() -> String {
    fixture("project.toml").display().to_string()
}

fn catalog_path() -> String {
    fixture("catalog.csv").display().to_string()
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloud-tco"))
        .args(args)
        .output()
        .expect("the cloud-tco binary runs")
}

fn stdout_of(args: &[&str]) -> String {
    let out = cli(args);
    assert!(
        out.status.success(),
        "cloud-tco {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `cloud-tco SUBCOMMAND [project] --catalog fixture EXTRA…`.
fn run_plan(sub: &str, extra: &[&str]) -> String {
    let (p, c) = (project_path(), catalog_path());
    let mut args = vec![sub];
    if sub != "prices" {
        args.push(&p);
    }
    args.extend(["--catalog", &c]);
    args.extend(extra);
    stdout_of(&args)
}

/// The cells of the table row whose first cell is `label`.
fn row(text: &str, label: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().map(String::as_str) == Some(label))
        .unwrap_or_else(|| panic!("no row {label:?} in\n{text}"))
}

/// Terminal display width: Hangul syllables take two columns.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn library_plan() -> cloud_tco::Plan {
    let project = Project::from_path(fixture("project.toml")).unwrap();
    let catalog = Catalog::from_path(fixture("catalog.csv")).unwrap();
    plan(&project, &catalog, None).unwrap()
}

#[test]
fn plan_table_korean_in_won() {
    let text = run_plan("plan", &[]);
    for header in [
        "사업명: 보고서 시험",
        "사업 유형: 전환",
        "단가 기준: 평균단가",
        "이용 기간: 2027-07-01 ~ 2029-06-30 (2년)",
        "예산요구연도: 2027",
        "(단위: 원)",
    ] {
        assert!(text.contains(header), "missing {header:?} in\n{text}");
    }
    assert_eq!(row(&text, "구분"), ["구분", "2027", "2028", "2029", "합계"]);
    let expect = [
        (
            "이용료 - 서버",
            ["660,000", "1,320,000", "660,000", "2,640,000"],
        ),
        (
            "이용료 - 스토리지",
            ["132,000", "264,000", "132,000", "528,000"],
        ),
        (
            "이용료 - 보안",
            ["1,800,000", "3,600,000", "1,800,000", "7,200,000"],
        ),
        (
            "이용료 소계",
            ["2,592,000", "5,184,000", "2,592,000", "10,368,000"],
        ),
        ("전환비", ["10,000,500", "0", "0", "10,000,500"]),
        ("SW 구축비", ["0", "0", "0", "0"]),
        ("기타", ["0", "0", "0", "0"]),
        (
            "합계",
            ["12,592,500", "5,184,000", "2,592,000", "20,368,500"],
        ),
        ("부가세", ["1,259,250", "518,400", "259,200", "2,036,850"]),
        (
            "합계(부가세 포함)",
            ["13,851,750", "5,702,400", "2,851,200", "22,405,350"],
        ),
    ];
    for (label, cells) in expect {
        assert_eq!(row(&text, label)[1..], cells, "row {label}");
    }
    // Categories in the form's order; no row for a category the plan does not use.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(pos("이용료 - 서버") < pos("이용료 - 스토리지"));
    assert!(pos("이용료 - 스토리지") < pos("이용료 - 보안"));
    assert!(!text.contains("OS 라이선스"));
    // The summaries below the form.
    assert!(text.contains("중기재정계획 2027~2029 (3년)"));
    assert!(text.contains("2년 이용료 규모 2027-07-01 ~ 2029-06-30"));
    assert_eq!(row(&text, "이용료")[1], "10,368,000");
    assert_eq!(row(&text, "이용료(부가세 포함)")[1], "11,404,800");
    assert_eq!(row(&text, "총사업비(부가세 별도)")[1], "20,368,500");
    assert_eq!(row(&text, "총사업비(부가세 포함)")[1], "22,405,350");
    // Hangul labels are double-width: every line of the form has the same display width.
    let form: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with('+'))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(form.len() > 10);
    let width = display_width(form[0]);
    for line in &form {
        assert_eq!(display_width(line), width, "misaligned: {line}");
    }
    // Numbers are right-aligned.
    assert!(text.contains("|    660,000 | 1,320,000 |   660,000 |"));
    // The CLI prints exactly what the library renders.
    assert_eq!(
        text,
        report::table::plan_table(&library_plan(), Lang::Ko, MoneyUnit::Won)
    );
}

#[test]
fn plan_table_english_in_thousands_rounds_each_figure_half_up() {
    let text = run_plan("plan", &["--lang", "en", "--unit", "thousand"]);
    assert!(text.contains("(unit: KRW thousand)"));
    assert!(text.contains("Price basis: Average"));
    assert_eq!(
        row(&text, "Usage fee - Server")[1..],
        ["660", "1,320", "660", "2,640"]
    );
    assert_eq!(
        row(&text, "Usage fee subtotal")[1..],
        ["2,592", "5,184", "2,592", "10,368"]
    );
    // 10,000,500 won is 10,000.5 thousand: half-up gives 10,001 (truncation would give 10,000).
    assert_eq!(
        row(&text, "Conversion")[1..],
        ["10,001", "0", "0", "10,001"]
    );
    assert_eq!(
        row(&text, "Total")[1..],
        ["12,593", "5,184", "2,592", "20,369"]
    );
    // VAT 2,036,850 won → 2,037 thousand, although the rounded years add up to 2,036: each
    // figure is rounded from its exact amount, and no total changes.
    assert_eq!(row(&text, "VAT")[1..], ["1,259", "518", "259", "2,037"]);
    assert_eq!(
        row(&text, "Total incl. VAT")[1..],
        ["13,852", "5,702", "2,851", "22,405"]
    );
    assert!(text.contains("Mid-term financial plan 2027~2029 (3 years)"));
    assert!(text.contains("2-year usage fee scale 2027-07-01 ~ 2029-06-30"));
    assert_eq!(row(&text, "Project total incl. VAT")[1], "22,405");

    let millions = report::table::plan_table(&library_plan(), Lang::Ko, MoneyUnit::Million);
    assert!(millions.contains("(단위: 백만원)"));
    // 20,368,500 → 20.3685 million → 20.
    assert_eq!(row(&millions, "합계")[1..], ["13", "5", "3", "20"]);
}

#[test]
fn plan_csv_rows_and_sum() {
    let text = run_plan("plan", &["--format", "csv"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "project,basis,budget_item,category,name,item,unit,source,year,unit_price,quantity,amount"
    );
    // Three usage lines × three years, and one cost line.
    assert_eq!(lines.len(), 1 + 3 * 3 + 1);
    assert!(lines.contains(
        &"보고서 시험,average,usage_fee,storage,web,block_ssd,gb_month,servers[0].extra_disk_gb,2028,110.00,200,264000"
    ));
    assert!(lines.contains(
        &"보고서 시험,average,usage_fee,server,web,2vCPU/4GB,vm_month,servers[0],2027,55000.00,2,660000"
    ));
    // A cost line has no unit, unit price or quantity.
    assert!(lines.contains(
        &"보고서 시험,average,conversion,conversion,DB 이관,conversion,,costs[0],2027,,,10000500"
    ));
    // The amounts add up to the JSON project total.
    let sum: Decimal = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap().parse::<Decimal>().unwrap())
        .sum();
    let json: serde_json::Value =
        serde_json::from_str(&run_plan("plan", &["--format", "json"])).unwrap();
    assert_eq!(json["totals"]["project_total"], sum.to_string());
    assert_eq!(sum.to_string(), "20368500");
}

#[test]
fn csv_fields_are_quoted() {
    let mut p = library_plan();
    p.project = "a, \"b\"".into();
    let text = report::csv::plan_csv(&p).unwrap();
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("\"a, \"\"b\"\"\",average,"));
}

#[test]
fn plan_xlsx_needs_an_output_file() {
    let p = project_path();
    let c = catalog_path();
    let out = cli(&["plan", &p, "--catalog", &c, "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.xlsx");
    let f = file.display().to_string();
    let out = cli(&["plan", &p, "--catalog", &c, "--format", "xlsx", "-o", &f]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");

    let bytes = report::xlsx::plan_xlsx(&library_plan()).unwrap();
    assert!(bytes.starts_with(b"PK"));
    assert!(bytes.len() > 1000);
}

#[test]
fn output_file_is_replaced_only_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "kind = \"conversion\"\nbudget_year = 2027\nservice_start = \"2027-07-01\"\ntypo = 1\n",
    )
    .unwrap();
    let (p, c, b) = (project_path(), catalog_path(), bad.display().to_string());
    for (format, name) in [("csv", "out.csv"), ("xlsx", "out.xlsx")] {
        let file = dir.path().join(name);
        let f = file.display().to_string();
        std::fs::write(&file, "old report\n").unwrap();
        let out = cli(&["plan", &b, "--catalog", &c, "--format", format, "-o", &f]);
        assert_eq!(out.status.code(), Some(2), "a bad project is bad input");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old report\n");

        let out = cli(&["plan", &p, "--catalog", &c, "--format", format, "-o", &f]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        let bytes = std::fs::read(&file).unwrap();
        match format {
            "csv" => assert!(bytes.starts_with(b"project,basis,")),
            _ => assert!(bytes.starts_with(b"PK")),
        }
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn compare_json_lists_every_provider_and_the_average() {
    let json: serde_json::Value =
        serde_json::from_str(&run_plan("compare", &["--format", "json"])).unwrap();
    assert_eq!(json["project"], "보고서 시험");
    let alts = json["alternatives"].as_array().unwrap();
    let bases: Vec<&str> = alts.iter().map(|a| a["basis"].as_str().unwrap()).collect();
    assert_eq!(bases, ["average", "provider:A", "provider:B"]);

    assert_eq!(alts[0]["status"], "priced");
    assert_eq!(alts[0]["usage_fee"], "10368000");
    assert_eq!(alts[0]["midterm_total"], "20368500");
    assert_eq!(alts[0]["project_total"], "20368500");
    assert_eq!(alts[0]["project_total_with_vat"], "22405350");
    assert_eq!(
        alts[0]["by_year"],
        serde_json::json!({"2027": "12592500", "2028": "5184000", "2029": "2592000"})
    );
    assert_eq!(alts[1]["status"], "priced");
    assert_eq!(alts[1]["project_total"], "20080500");
    assert_eq!(alts[1]["project_total_with_vat"], "22088550");

    assert_eq!(alts[2]["status"], "not_priceable");
    let reason = alts[2]["reason"].as_str().unwrap();
    assert!(reason.contains("waf"), "{reason}");
    assert!(alts[2].get("project_total").is_none());
}

#[test]
fn compare_table_and_csv() {
    let text = run_plan("compare", &[]);
    assert_eq!(
        row(&text, "단가 기준"),
        [
            "단가 기준",
            "2년 이용료",
            "중기 합계",
            "총사업비",
            "총사업비(부가세 포함)",
            "차이"
        ]
    );
    assert_eq!(
        row(&text, "평균단가")[1..5],
        ["10,368,000", "20,368,500", "20,368,500", "22,405,350"]
    );
    // (20,080,500 − 20,368,500) ÷ 20,368,500 = −1.41 %.
    assert_eq!(
        row(&text, "공급자 A")[1..],
        [
            "10,080,000",
            "20,080,500",
            "20,080,500",
            "22,088,550",
            "-1.4%"
        ]
    );
    assert_eq!(row(&text, "공급자 B")[1], "산정 불가");
    assert!(text.contains("산정 불가: provider B is missing security/waf"));

    let en = run_plan("compare", &["--lang", "en", "--unit", "thousand"]);
    assert!(en.contains("not priceable: provider B is missing security/waf"));
    assert_eq!(row(&en, "Provider A")[4], "22,089");

    let csv = run_plan("compare", &["--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "basis,status,usage_fee,midterm_total,project_total,project_total_with_vat,reason,2027,2028,2029"
    );
    assert_eq!(
        lines[1],
        "average,priced,10368000,20368500,20368500,22405350,,12592500,5184000,2592000"
    );
    assert_eq!(
        lines[2],
        "provider:A,priced,10080000,20080500,20080500,22088550,,12520500,5040000,2520000"
    );
    assert!(
        lines[3].starts_with("provider:B,not_priceable,,,,,\"provider B is missing security/waf")
    );
    assert!(lines[3].ends_with("\",,,"));

    // The library gives the same comparison.
    let project = Project::from_path(fixture("project.toml")).unwrap();
    let catalog = Catalog::from_path(fixture("catalog.csv")).unwrap();
    let c = compare(&project, &catalog).unwrap();
    assert_eq!(report::csv::compare_csv(&c).unwrap(), csv);
}

#[test]
fn prices_table_and_csv() {
    let text = run_plan("prices", &[]);
    assert!(text.contains("단가 기준: 평균단가"));
    assert_eq!(
        row(&text, "구분"),
        ["구분", "항목", "단위", "A", "B", "평균단가"]
    );
    assert_eq!(
        row(&text, "스토리지"),
        ["스토리지", "block_ssd", "GB/월", "100", "120", "110.00"]
    );
    // B does not list waf: its cell is blank.
    assert_eq!(
        row(&text, "보안"),
        ["보안", "waf", "개/월", "300,000", "", "300,000.00"]
    );
    assert_eq!(
        row(&text, "2 vCPU / 4 GB"),
        [
            "2 vCPU / 4 GB",
            "a-2c4g 50,000",
            "b-2c4g 60,000",
            "55,000.00"
        ]
    );

    let min = run_plan("prices", &["--basis", "min", "--lang", "en"]);
    assert_eq!(row(&min, "Size"), ["Size", "A", "B", "Min"]);
    assert_eq!(row(&min, "2 vCPU / 4 GB")[3], "50,000.00");

    let csv = run_plan("prices", &["--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "category,item,unit,provider,flavor,vcpu,memory_gb,price"
    );
    for expected in [
        "storage,block_ssd,gb_month,A,,,,100",
        "storage,block_ssd,gb_month,B,,,,120",
        "storage,block_ssd,gb_month,basis:average,,,,110.00",
        "security,waf,each_month,A,,,,300000",
        "security,waf,each_month,basis:average,,,,300000.00",
        "server,2vCPU/4GB,vm_month,A,a-2c4g,2,4,50000",
        "server,2vCPU/4GB,vm_month,B,b-2c4g,2,4,60000",
        "server,2vCPU/4GB,vm_month,basis:average,,2,4,55000.00",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{csv}");
    }
    assert!(!csv.contains("security,waf,each_month,B"));
}
