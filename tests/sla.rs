//! SLA evaluation (guide §5.5.2): the grade table at every boundary in both directions, the
//! composite score and grade, penalties, validation errors with file, line and field, and the
//! `cloud-tco sla` command.

use cloud_tco::report::sla::{sla_json, sla_table};
use cloud_tco::report::Lang;
use cloud_tco::sla::{
    evaluate, Direction, Grade, GradeBands, Indicator, SlaError, SlaEvaluation, SlaInput,
    WeightUnit,
};

use crate::support::{dec, root, run_cli, test_path};

fn eval_toml(text: &str) -> SlaEvaluation {
    evaluate(&SlaInput::from_toml_str(text).unwrap()).unwrap()
}

fn err_toml(text: &str) -> SlaError {
    SlaInput::from_toml_str(text).unwrap_err()
}

/// Asserts a problem at `field` on `line` whose message mentions `words`.
fn assert_problem(err: &SlaError, field: &str, line: Option<u64>, words: &str) {
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

fn one(direction: Direction, e: &str, m: &str, x: &str) -> Grade {
    Indicator {
        name: "x".into(),
        target_max: dec(e),
        target_min: dec(m),
        measured: dec(x),
        direction,
        weight: dec("1"),
    }
    .grade()
}

/// One indicator read from TOML (floats as written), evaluated through the whole pipeline.
fn one_from_file(direction: &str, e: &str, m: &str, x: &str) -> (Grade, String) {
    let r = eval_toml(&format!(
        "fee = 100\n[[indicators]]\nname = \"x\"\ntarget_max = {e}\ntarget_min = {m}\nmeasured = {x}\ndirection = \"{direction}\"\nweight = 1\n"
    ));
    (r.indicators[0].grade, r.composite.to_string())
}

// ---------------------------------------------------------------------------------------------
// The grade table, boundary by boundary
// ---------------------------------------------------------------------------------------------

#[test]
fn higher_is_better_every_boundary() {
    // E = 100, m = 90: A from 97, B from 93, C from 90.
    let cases = [
        ("100.5", Grade::S), // beyond E
        ("100", Grade::S),   // exactly E
        ("99.999", Grade::A),
        ("97", Grade::A), // exactly m + (E − m) × 0.7
        ("96.999", Grade::B),
        ("93", Grade::B), // exactly m + (E − m) × 0.3
        ("92.999", Grade::C),
        ("90", Grade::C), // exactly m
        ("89.999", Grade::F),
        ("0", Grade::F),
    ];
    for (x, grade) in cases {
        assert_eq!(
            one(Direction::Higher, "100", "90", x),
            grade,
            "measured {x}"
        );
    }
}

#[test]
fn lower_is_better_every_boundary_mirrored() {
    // E = 1 hour, m = 4 hours: A up to 4 − 3 × 0.7 = 1.9, B up to 4 − 3 × 0.3 = 3.1, C up to 4.
    let cases = [
        ("0.5", Grade::S), // better than E
        ("1", Grade::S),   // exactly E
        ("1.001", Grade::A),
        ("1.9", Grade::A), // exactly m − (m − E) × 0.7
        ("1.901", Grade::B),
        ("3.1", Grade::B), // exactly m − (m − E) × 0.3
        ("3.101", Grade::C),
        ("4", Grade::C), // exactly m
        ("4.001", Grade::F),
        ("100", Grade::F),
    ];
    for (x, grade) in cases {
        assert_eq!(one(Direction::Lower, "1", "4", x), grade, "measured {x}");
    }
}

#[test]
fn boundaries_hold_for_toml_floats_at_the_guides_availability_targets() {
    // E = 99.95, m = 99.5: a = 99.815, b = 99.635 — floats are read from their shortest text,
    // so 99.815 is exactly the limit and A.
    let cases = [
        ("99.95", Grade::S, "100"),
        ("99.9499", Grade::A, "90"),
        ("99.815", Grade::A, "90"),
        ("99.8149", Grade::B, "80"),
        ("99.635", Grade::B, "80"),
        ("99.6349", Grade::C, "70"),
        ("99.5", Grade::C, "70"),
        ("99.4999", Grade::F, "60"),
    ];
    for (x, grade, composite) in cases {
        let (g, c) = one_from_file("higher", "99.95", "99.5", x);
        assert_eq!((g, c.as_str()), (grade, composite), "measured {x}");
    }
    // Lower is better: response time E = 0.5 s, m = 3 s: a = 1.25, b = 2.25.
    let cases = [
        ("0.5", Grade::S),
        ("0.51", Grade::A),
        ("1.25", Grade::A),
        ("1.2501", Grade::B),
        ("2.25", Grade::B),
        ("2.2501", Grade::C),
        ("3", Grade::C),
        ("3.0001", Grade::F),
    ];
    for (x, grade) in cases {
        assert_eq!(
            one_from_file("lower", "0.5", "3", x).0,
            grade,
            "measured {x}"
        );
    }
}

#[test]
fn thresholds_are_reported_exactly() {
    let r = eval_toml(
        "fee = 0\n[[indicators]]\nname = \"x\"\ntarget_max = \"99.999\"\ntarget_min = \"99.9\"\nmeasured = 0\ndirection = \"higher\"\nweight = 1\n",
    );
    let t = r.indicators[0].thresholds;
    // 99.9 + 0.099 × 0.7 = 99.9693; 99.9 + 0.099 × 0.3 = 99.9297.
    assert_eq!(t.a.to_string(), "99.9693");
    assert_eq!(t.b.to_string(), "99.9297");
    assert_eq!(t.s.to_string(), "99.999");
    assert_eq!(t.c.to_string(), "99.9");
}

#[test]
fn equal_targets_are_a_pass_fail_indicator() {
    assert_eq!(one(Direction::Lower, "0", "0", "0"), Grade::S);
    assert_eq!(one(Direction::Lower, "0", "0", "1"), Grade::F);
    assert_eq!(one(Direction::Higher, "100", "100", "100"), Grade::S);
    assert_eq!(one(Direction::Higher, "100", "100", "99.99"), Grade::F);
}

// ---------------------------------------------------------------------------------------------
// Composite, grade bands, penalties
// ---------------------------------------------------------------------------------------------

#[test]
fn golden_example_file() {
    // Checked by hand in the comments of data/examples/sla.toml: 79.25 → C → 3 %.
    let input = SlaInput::from_path(root().join("data/examples/sla.toml")).unwrap();
    let r = evaluate(&input).unwrap();
    let grades: Vec<Grade> = r.indicators.iter().map(|i| i.grade).collect();
    assert_eq!(
        grades,
        [Grade::C, Grade::B, Grade::A, Grade::F, Grade::S, Grade::S]
    );
    assert_eq!(r.composite.to_string(), "79.25");
    assert_eq!(r.grade, Grade::C);
    assert_eq!(r.reduction_pct.to_string(), "3");
    assert_eq!(r.reduction.to_string(), "370370");
    assert_eq!(r.reduced_fee.to_string(), "11975300");
    assert_eq!(r.weight_unit, WeightUnit::Fraction);
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(test_path("fixtures/sla/example.expected.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(sla_json(&r), expected);
}

#[test]
fn golden_weights_in_percent() {
    let r =
        evaluate(&SlaInput::from_path(test_path("fixtures/sla/percent.toml")).unwrap()).unwrap();
    assert_eq!(r.weight_unit, WeightUnit::Percent);
    let got: Vec<(Grade, String)> = r
        .indicators
        .iter()
        .map(|i| (i.grade, i.weighted_score.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (Grade::A, "40.5".to_owned()),
            (Grade::B, "28".to_owned()),
            (Grade::F, "12".to_owned()),
        ]
    );
    assert_eq!(r.composite.to_string(), "80.5");
    assert_eq!(r.grade, Grade::B);
    assert_eq!(r.reduction.to_string(), "15000");
    assert_eq!(r.reduced_fee.to_string(), "2985001");
    let json = sla_json(&r);
    assert_eq!(json["weights"], "percent");
    assert_eq!(json["reduction_pct"], "0.5");
}

#[test]
fn composite_is_exact_with_many_decimals() {
    // Thirds written to 9 places: the composite keeps every digit, and a hair below 90 is B.
    let body = |weights: [&str; 3]| {
        let text = ["100", "97", "93"]
            .iter()
            .zip(weights)
            .map(|(x, w)| {
                format!("[[indicators]]\nname = \"x\"\ntarget_max = 100\ntarget_min = 90\nmeasured = {x}\ndirection = \"higher\"\nweight = \"{w}\"\n")
            })
            .collect::<String>();
        eval_toml(&format!("fee = 1000\n{text}"))
    };
    // 100 × 0.333333333 + 90 × 0.333333333 + 80 × 0.333333334 = 89.99999999 → B.
    let r = body(["0.333333333", "0.333333333", "0.333333334"]);
    assert_eq!(r.composite.to_string(), "89.99999999");
    assert_eq!(r.grade, Grade::B);
    // 100 × 0.333333334 + 90 × 0.333333333 + 80 × 0.333333333 = 90.00000001 → A.
    let r = body(["0.333333334", "0.333333333", "0.333333333"]);
    assert_eq!(r.composite.to_string(), "90.00000001");
    assert_eq!(r.grade, Grade::A);
}

#[test]
fn composite_grade_boundaries_default_and_own_bands() {
    let bands = GradeBands::default();
    for (score, grade) in [
        ("100", Grade::S),
        ("99.99", Grade::A),
        ("90", Grade::A),
        ("89.9999", Grade::B),
        ("80", Grade::B),
        ("79.5", Grade::C),
        ("70", Grade::C),
        ("69.999", Grade::F),
        ("60", Grade::F),
    ] {
        assert_eq!(bands.grade_of(dec(score)), grade, "composite {score}");
    }
    // The file's own bands: S from 95, A from 85, B from 75, C from 65.
    let head =
        "fee = 1000000\n[grades]\nS = 95\nA = 85\nB = 75\nC = 65\n[penalties]\nC = 3\nF = 10\n";
    let body = |x: &str| {
        format!("{head}[[indicators]]\nname = \"x\"\ntarget_max = 100\ntarget_min = 90\nmeasured = {x}\ndirection = \"higher\"\nweight = 1\n")
    };
    // A single indicator: composite = its score (90, 80, 70, 60).
    let cases = [
        ("97", Grade::A, "0"),
        ("93", Grade::B, "0"),
        ("90", Grade::C, "3"),
        ("89", Grade::F, "10"),
    ];
    for (x, grade, pct) in cases {
        let r = eval_toml(&body(x));
        assert_eq!(r.grade, grade, "measured {x}");
        assert_eq!(r.reduction_pct.to_string(), pct, "measured {x}");
    }
    let r = eval_toml(&body("90"));
    assert_eq!(sla_json(&r)["grade_bands"]["S"], "95");
}

#[test]
fn grades_without_a_penalty_reduce_nothing() {
    let text = "fee = 5000000\n[[indicators]]\nname = \"x\"\ntarget_max = 100\ntarget_min = 90\nmeasured = 95\ndirection = \"higher\"\nweight = 1\n[penalties]\nC = 3\nF = 10\n";
    let r = eval_toml(text);
    assert_eq!(r.grade, Grade::B);
    assert_eq!(r.reduction_pct.to_string(), "0");
    assert_eq!(r.reduction.to_string(), "0");
    assert_eq!(r.reduced_fee.to_string(), "5000000");
    // No [penalties] table at all.
    let r = eval_toml(&text.replace("[penalties]\nC = 3\nF = 10\n", ""));
    assert_eq!(r.reduced_fee.to_string(), "5000000");
}

#[test]
fn reduction_truncates_to_whole_won() {
    // 10 % of 999,999 = 99,999.9 → 99,999; 2.5 % of 999,999 = 24,999.975 → 24,999.
    for (pct, reduced) in [("10", "900000"), ("2.5", "975000"), ("100", "0")] {
        let r = eval_toml(&format!(
            "fee = 999999\n[[indicators]]\nname = \"x\"\ntarget_max = 100\ntarget_min = 90\nmeasured = 0\ndirection = \"higher\"\nweight = 1\n[penalties]\nF = \"{pct}\"\n"
        ));
        assert_eq!(r.reduced_fee.to_string(), reduced, "{pct} %");
    }
}

#[test]
fn builder_matches_the_file() {
    let d = dec;
    let input = SlaInput::builder(d("3000001"))
        .name("percent weights")
        .indicator(Indicator::higher(
            "서비스 가용률",
            d("99.9"),
            d("99.0"),
            d("99.63"),
            d("45"),
        ))
        .indicator(Indicator::lower(
            "장애 복구 시간",
            d("2"),
            d("6"),
            d("4.8"),
            d("35"),
        ))
        .indicator(Indicator::lower(
            "서비스 응대시간",
            d("1"),
            d("8"),
            d("8.5"),
            d("20"),
        ))
        .penalty(Grade::B, d("0.5"))
        .build()
        .unwrap();
    let from_file = SlaInput::from_path(test_path("fixtures/sla/percent.toml")).unwrap();
    assert_eq!(
        sla_json(&evaluate(&input).unwrap()),
        sla_json(&evaluate(&from_file).unwrap())
    );
}

// ---------------------------------------------------------------------------------------------
// Validation: file, line, field
// ---------------------------------------------------------------------------------------------

#[test]
fn weights_must_sum_to_one_or_one_hundred() {
    let err = SlaInput::from_path(test_path("fixtures/sla/bad_weights.toml")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bad_weights.toml"), "{text}");
    assert!(text.contains("sum to 0.9 (0.5 + 0.4)"), "{text}");
    assert_problem(
        &err,
        "indicators",
        Some(3),
        "exactly 1 (fractions) or exactly 100",
    );
    // Percent that do not reach 100.
    let err = err_toml("fee = 1\n[[indicators]]\nname = \"a\"\ntarget_max = 1\ntarget_min = 0\nmeasured = 1\ndirection = \"higher\"\nweight = 60\n[[indicators]]\nname = \"b\"\ntarget_max = 1\ntarget_min = 0\nmeasured = 1\ndirection = \"higher\"\nweight = 30\n");
    assert!(err.to_string().contains("sum to 90"), "{err}");
    // A weight of 0 or less.
    let err = err_toml("fee = 1\n[[indicators]]\nname = \"a\"\ntarget_max = 1\ntarget_min = 0\nmeasured = 1\ndirection = \"higher\"\nweight = 0\n");
    assert_problem(&err, "indicators[0].weight", Some(8), "greater than 0");
}

#[test]
fn unknown_keys_name_the_line() {
    let err = SlaInput::from_path(test_path("fixtures/sla/unknown_key.toml")).unwrap_err();
    assert_problem(
        &err,
        "indicators[0].wieght",
        Some(9),
        "unknown key `wieght`",
    );
    assert!(err.to_string().contains("unknown_key.toml"), "{err}");
    let err = err_toml("fee = 1\nfees = 2\n");
    assert_problem(&err, "fees", Some(2), "unknown key `fees`");
    // A grade that does not exist in the penalty table.
    let err = err_toml("fee = 1\n[penalties]\nC = 3\nD = 5\n");
    assert_problem(&err, "penalties.D", Some(4), "unknown key `D`");
    assert!(!err.to_string().contains("cost"), "{err}");
}

#[test]
fn missing_and_mistyped_keys() {
    let ind =
        "[[indicators]]\nname = \"a\"\ntarget_max = 1\ntarget_min = 0\nmeasured = 1\nweight = 1\n";
    let err = err_toml(&format!("fee = 1\n{ind}"));
    assert!(err.to_string().contains("`direction` is missing"), "{err}");
    let err = err_toml(&format!("{ind}direction = \"higher\"\n"));
    assert!(err.to_string().contains("`fee` is missing"), "{err}");
    let err = err_toml(&format!("fee = 1\n{ind}direction = \"up\"\n"));
    assert_problem(&err, "indicators[0].direction", Some(8), "use \"higher\"");
    let err = err_toml(
        &format!("fee = 1\n{ind}direction = \"higher\"\n")
            .replace("measured = 1", "measured = \"n/a\""),
    );
    assert_problem(
        &err,
        "indicators[0].measured",
        Some(6),
        "not usable as a number",
    );
}

#[test]
fn targets_must_be_ordered_by_direction() {
    let body = |dir: &str, e: &str, m: &str| {
        format!("fee = 1\n[[indicators]]\nname = \"a\"\ntarget_max = {e}\ntarget_min = {m}\nmeasured = 1\ndirection = \"{dir}\"\nweight = 1\n")
    };
    // A recovery time written with direction = higher: E (1) < m (4).
    let err = err_toml(&body("higher", "1", "4"));
    assert_problem(
        &err,
        "indicators[0].target_max",
        Some(4),
        "direction = \"lower\"",
    );
    let err = err_toml(&body("lower", "99.95", "99.5"));
    assert_problem(&err, "indicators[0].target_max", Some(4), "smaller");
    // E = m is allowed in both directions.
    assert!(SlaInput::from_toml_str(&body("lower", "0", "0")).is_ok());
    assert!(SlaInput::from_toml_str(&body("higher", "0", "0")).is_ok());
}

#[test]
fn other_value_rules() {
    let ind = "[[indicators]]\nname = \"a\"\ntarget_max = 1\ntarget_min = 0\nmeasured = 1\ndirection = \"higher\"\nweight = 1\n";
    let err = err_toml("fee = -1\n");
    assert!(err.to_string().contains("no indicators"), "{err}");
    assert_problem(&err, "fee", Some(1), "whole number of won");
    let err = err_toml(&format!("fee = 10.5\n{ind}"));
    assert_problem(&err, "fee", Some(1), "whole number of won");
    let err = err_toml(&format!(
        "fee = 1\n{ind}[grades]\nS = 95\nA = 85\nB = 85\nC = 65\n"
    ));
    assert_problem(&err, "grades.B", Some(12), "descend strictly");
    let err = err_toml(&format!(
        "fee = 1\n{ind}[grades]\nS = 105\nA = 85\nB = 75\nC = 65\n"
    ));
    assert_problem(&err, "grades.S", Some(10), "outside 0–100");
    let err = err_toml(&format!("fee = 1\n{ind}[grades]\nS = 95\nA = 85\nB = 75\n"));
    assert!(err.to_string().contains("`C` is missing"), "{err}");
    let err = err_toml(&format!("fee = 1\n{ind}[penalties]\nF = 120\n"));
    assert_problem(&err, "penalties.F", Some(10), "outside 0–100");
    let err = err_toml(&format!(
        "fee = 1\n{}",
        ind.replace("name = \"a\"", "name = \" \"")
    ));
    assert_problem(&err, "indicators[0].name", Some(3), "empty");
}

#[test]
fn all_problems_are_reported_together() {
    let err = err_toml("fee = -5\n[[indicators]]\nname = \"a\"\ntarget_max = 1\ntarget_min = 4\nmeasured = 1\ndirection = \"higher\"\nweight = 0.5\n[penalties]\nF = 101\n");
    let fields: Vec<_> = err
        .problems
        .iter()
        .filter_map(|p| p.location.field.clone())
        .collect();
    for f in [
        "fee",
        "indicators[0].target_max",
        "indicators",
        "penalties.F",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing in {err}");
    }
}

#[test]
fn json_input_reads_the_same_schema() {
    let input = SlaInput::from_json_str(
        r#"{"fee": 1000, "indicators": [{"name": "a", "target_max": 99.9, "target_min": "99", "measured": "99.27", "direction": "higher", "weight": 1}], "penalties": {"B": 2}}"#,
    )
    .unwrap();
    let r = evaluate(&input).unwrap();
    // b = 99 + 0.9 × 0.3 = 99.27 exactly: B → 2 %.
    assert_eq!(r.indicators[0].grade, Grade::B);
    assert_eq!(r.reduced_fee.to_string(), "980");
    let err =
        SlaInput::from_json_str(r#"{"fee": 1, "indicators": [], "penalty": {}}"#).unwrap_err();
    assert!(err.to_string().contains("unknown key `penalty`"), "{err}");
}

#[test]
fn tables_in_korean_and_english() {
    let r = evaluate(&SlaInput::from_path(root().join("data/examples/sla.toml")).unwrap()).unwrap();
    let ko = sla_table(&r, Lang::Ko);
    for label in [
        "지표",
        "최대목표(E)",
        "최소목표(m)",
        "측정값",
        "점수",
        "등급",
        "가중치",
        "종합점수",
        "종합등급",
        "감면율",
        "이용료",
        "감면 후 이용료",
        "미흡(C)",
        "79.25",
        "11,975,300",
        "낮을수록 우수",
    ] {
        assert!(ko.contains(label), "{label} missing:\n{ko}");
    }
    let en = sla_table(&r, Lang::En);
    for label in [
        "Indicator",
        "Max target (E)",
        "Composite grade",
        "C (insufficient)",
        "Fee after reduction",
    ] {
        assert!(en.contains(label), "{label} missing:\n{en}");
    }
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

#[test]
fn cli_sla_json_matches_the_library_and_table_is_the_default() {
    let out = run_cli(
        &root(),
        &["sla", "data/examples/sla.toml", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = sla_json(
        &evaluate(&SlaInput::from_path(root().join("data/examples/sla.toml")).unwrap()).unwrap(),
    );
    assert_eq!(actual, expected);
    assert_eq!(actual["reduced_fee"], "11975300");

    let out = run_cli(&root(), &["sla", "data/examples/sla.toml"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("종합등급"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("sla.json");
    let out = run_cli(
        &root(),
        &[
            "sla",
            "data/examples/sla.toml",
            "--format",
            "json",
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(written, expected);
}

#[test]
fn cli_bad_sla_file_exits_2_with_file_line_and_field() {
    let out = run_cli(&root(), &["sla", "tests/fixtures/sla/unknown_key.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown_key.toml"), "{err}");
    assert!(err.contains("line 9"), "{err}");
    assert!(err.contains("wieght"), "{err}");
    assert!(out.stdout.is_empty());

    let out = run_cli(&root(), &["sla", "tests/fixtures/sla/bad_weights.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sum to 0.9"));

    let out = run_cli(&root(), &["sla", "tests/fixtures/sla/no-such-file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

mod properties {
    use cloud_tco::sla::{Direction, Grade, Indicator, SlaInput};
    use cloud_tco::Decimal;
    use proptest::prelude::*;

    /// A value with up to 3 decimals in −1,000,000 ..= 1,000,000.
    fn value() -> impl Strategy<Value = Decimal> {
        (-1_000_000_000i64..=1_000_000_000).prop_map(|n| Decimal::new(n, 3))
    }

    fn indicator(direction: Direction, e: Decimal, m: Decimal, x: Decimal) -> Indicator {
        Indicator {
            name: "x".into(),
            target_max: e,
            target_min: m,
            measured: x,
            direction,
            weight: Decimal::ONE,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The grade agrees with the reported limits, and lower-is-better is the mirror image.
        #[test]
        fn grade_matches_thresholds_and_mirrors(a in value(), b in value(), x in value()) {
            let (e, m) = if a >= b { (a, b) } else { (b, a) };
            let high = indicator(Direction::Higher, e, m, x);
            let t = high.thresholds().unwrap();
            let expected = if x >= t.s {
                Grade::S
            } else if x >= t.a {
                Grade::A
            } else if x >= t.b {
                Grade::B
            } else if x >= t.c {
                Grade::C
            } else {
                Grade::F
            };
            prop_assert_eq!(high.grade(), expected);
            let low = indicator(Direction::Lower, -e, -m, -x);
            prop_assert_eq!(low.grade(), expected);
        }

        /// A better measurement never gets a worse grade.
        #[test]
        fn grade_is_monotonic(a in value(), b in value(), x in value(), y in value()) {
            let (e, m) = if a >= b { (a, b) } else { (b, a) };
            let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
            let score = |x| indicator(Direction::Higher, e, m, x).grade().score();
            prop_assert!(score(lo) <= score(hi));
            let score = |x| indicator(Direction::Lower, m, e, x).grade().score();
            prop_assert!(score(lo) >= score(hi));
        }

        /// Arbitrary text never panics the reader.
        #[test]
        fn arbitrary_text_never_panics(text in "(fee|\\[\\[indicators\\]\\]|name|target_max|target_min|measured|direction|weight|\\[penalties\\]|[SABCF]| |=|\"|\\n|-?[0-9]{1,30}(\\.[0-9]{1,30})?|higher|lower){0,40}") {
            if let Ok(input) = SlaInput::from_toml_str(&text) {
                let _ = input.evaluate();
            }
        }
    }
}
