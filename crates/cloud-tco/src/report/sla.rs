//! Reports of an SLA evaluation (서비스수준 평가, guide §5.5.2): JSON with every number as a
//! decimal string, and a text table with Korean (default) or English labels.

use comfy_table::{presets::ASCII_FULL_CONDENSED, Cell, CellAlignment, Table};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::Lang;
use crate::money::group_thousands;
use crate::sla::{Direction, Grade, SlaEvaluation, WeightUnit};

fn text(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

/// The evaluation as JSON. Every number is a decimal string without trailing zeros:
///
/// - `name`, `period` (only when given), `currency` (`KRW`), `weights` (`fraction` or `percent`);
/// - `indicators`: each with `name`, `direction`, `target_max`, `target_min`, `measured`,
///   `weight`, `thresholds` (where `S`, `A`, `B` and `C` begin), `score`, `grade` (`S`…`F`) and
///   `weighted_score` (환산점수);
/// - `composite` (종합점수), `grade` (종합평가등급), `grade_bands` (the minimum composite scores
///   of `S`, `A`, `B`, `C`), `reduction_pct` (감면율), `fee`, `reduction` (감면액) and
///   `reduced_fee` (감면 후 이용료), the last three in whole won.
///
/// ```
/// use cloud_tco::report::sla::sla_json;
/// use cloud_tco::sla::{evaluate, SlaInput};
/// let input = SlaInput::from_toml_str(r#"
///     fee = 10000000
///     [[indicators]]
///     name = "서비스 가용률"
///     target_max = 99.95
///     target_min = 99.5
///     measured = 99.7
///     direction = "higher"
///     weight = 1
///     [penalties]
///     B = 2.5
/// "#).unwrap();
/// let value = sla_json(&evaluate(&input).unwrap());
/// assert_eq!(value["indicators"][0]["score"], "80");
/// assert_eq!(value["indicators"][0]["grade"], "B");
/// assert_eq!(value["indicators"][0]["thresholds"]["A"], "99.815");
/// assert_eq!(value["composite"], "80");
/// assert_eq!(value["grade"], "B");
/// assert_eq!(value["reduction_pct"], "2.5");
/// assert_eq!(value["reduced_fee"], "9750000");
/// ```
pub fn sla_json(result: &SlaEvaluation) -> Value {
    let indicators: Vec<Value> = result
        .indicators
        .iter()
        .map(|r| {
            let i = &r.indicator;
            let t = &r.thresholds;
            json!({
                "name": i.name,
                "direction": i.direction.key(),
                "target_max": text(i.target_max),
                "target_min": text(i.target_min),
                "measured": text(i.measured),
                "weight": text(i.weight),
                "thresholds": {"S": text(t.s), "A": text(t.a), "B": text(t.b), "C": text(t.c)},
                "score": r.score.to_string(),
                "grade": r.grade.letter(),
                "weighted_score": text(r.weighted_score),
            })
        })
        .collect();
    let mut m = Map::new();
    m.insert("name".into(), Value::String(result.name.clone()));
    if let Some(p) = &result.period {
        m.insert("period".into(), Value::String(p.clone()));
    }
    m.insert("currency".into(), Value::String("KRW".into()));
    m.insert(
        "weights".into(),
        Value::String(result.weight_unit.key().into()),
    );
    m.insert("indicators".into(), Value::Array(indicators));
    m.insert("composite".into(), text(result.composite));
    m.insert("grade".into(), Value::String(result.grade.letter().into()));
    let g = &result.grades;
    m.insert(
        "grade_bands".into(),
        json!({"S": text(g.s), "A": text(g.a), "B": text(g.b), "C": text(g.c)}),
    );
    m.insert("reduction_pct".into(), text(result.reduction_pct));
    m.insert("fee".into(), text(result.fee));
    m.insert("reduction".into(), text(result.reduction));
    m.insert("reduced_fee".into(), text(result.reduced_fee));
    Value::Object(m)
}

/// A grade as a table shows it: `우수(A)`, or in English `A (excellent)`.
///
/// ```
/// use cloud_tco::report::{sla::grade_label, Lang};
/// use cloud_tco::sla::Grade;
/// assert_eq!(grade_label(Grade::S, Lang::Ko), "탁월(S)");
/// assert_eq!(grade_label(Grade::F, Lang::En), "F (unacceptable)");
/// ```
pub fn grade_label(grade: Grade, lang: Lang) -> String {
    match lang {
        Lang::Ko => format!("{}({})", grade.korean(), grade.letter()),
        Lang::En => format!("{} ({})", grade.letter(), grade.english()),
    }
}

fn number(d: Decimal) -> String {
    group_thousands(&d.normalize())
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn left(text: impl AsRef<str>) -> Cell {
    Cell::new(one_line(text.as_ref()))
}

fn right(text: impl Into<String>) -> Cell {
    Cell::new(text.into()).set_alignment(CellAlignment::Right)
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_style(ASCII_FULL_CONDENSED);
    t.force_no_tty();
    t
}

/// The evaluation as a text table: a header block (name, period, weight unit), one row per
/// indicator — 지표, 방향, 최대목표(E), 최소목표(m), 측정값, 점수, 등급, 가중치, 환산점수 — the
/// grade rule, and a summary: 종합점수, 종합등급, 감면율, 이용료, 감면액, 감면 후 이용료. With
/// [`Lang::En`] the labels are English. Money is in won with thousands separators.
///
/// ```
/// use cloud_tco::report::{sla::sla_table, Lang};
/// use cloud_tco::sla::{evaluate, SlaInput};
/// let input = SlaInput::from_toml_str(r#"
///     fee = 10000000
///     [[indicators]]
///     name = "장애 복구 시간"
///     target_max = 1
///     target_min = 4
///     measured = 1.5
///     direction = "lower"
///     weight = 1
/// "#).unwrap();
/// let result = evaluate(&input).unwrap();
/// let text = sla_table(&result, Lang::Ko);
/// assert!(text.contains("최대목표(E)"));
/// assert!(text.contains("우수(A)")); // 1.5 ≤ 4 − 3 × 0.7 = 1.9
/// assert!(text.contains("감면 후 이용료"));
/// assert!(text.contains("10,000,000"));
/// let text = sla_table(&result, Lang::En);
/// assert!(text.contains("Composite score"));
/// assert!(text.contains("lower"));
/// ```
pub fn sla_table(result: &SlaEvaluation, lang: Lang) -> String {
    let mut out = String::new();
    match lang {
        Lang::Ko => {
            out.push_str("서비스수준 평가 (SLA)\n");
            out.push_str(&format!("평가명: {}\n", one_line(&result.name)));
            if let Some(p) = &result.period {
                out.push_str(&format!("평가 기간: {}\n", one_line(p)));
            }
            out.push_str(match result.weight_unit {
                WeightUnit::Fraction => "가중치: 비율 (합계 1)\n",
                WeightUnit::Percent => "가중치: 백분율 (합계 100%)\n",
            });
        }
        Lang::En => {
            out.push_str("Service level evaluation (SLA)\n");
            out.push_str(&format!("Name: {}\n", one_line(&result.name)));
            if let Some(p) = &result.period {
                out.push_str(&format!("Period: {}\n", one_line(p)));
            }
            out.push_str(match result.weight_unit {
                WeightUnit::Fraction => "Weights: fractions (sum 1)\n",
                WeightUnit::Percent => "Weights: percent (sum 100)\n",
            });
        }
    }
    out.push('\n');

    let mut t = new_table();
    let titles: [&str; 9] = match lang {
        Lang::Ko => [
            "지표",
            "방향",
            "최대목표(E)",
            "최소목표(m)",
            "측정값",
            "점수",
            "등급",
            "가중치",
            "환산점수",
        ],
        Lang::En => [
            "Indicator",
            "Better",
            "Max target (E)",
            "Min target (m)",
            "Measured",
            "Score",
            "Grade",
            "Weight",
            "Weighted",
        ],
    };
    let mut header = vec![left(titles[0]), left(titles[1])];
    header.extend(titles[2..6].iter().map(|s| right(*s)));
    header.push(left(titles[6]));
    header.extend(titles[7..].iter().map(|s| right(*s)));
    t.set_header(header);
    for r in &result.indicators {
        let i = &r.indicator;
        let direction = match (i.direction, lang) {
            (Direction::Higher, Lang::Ko) => "높을수록 우수",
            (Direction::Lower, Lang::Ko) => "낮을수록 우수",
            (Direction::Higher, Lang::En) => "higher",
            (Direction::Lower, Lang::En) => "lower",
        };
        t.add_row(vec![
            left(&i.name),
            left(direction),
            right(number(i.target_max)),
            right(number(i.target_min)),
            right(number(i.measured)),
            right(r.score.to_string()),
            left(grade_label(r.grade, lang)),
            right(number(i.weight)),
            right(number(r.weighted_score)),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out.push_str(match lang {
        Lang::Ko => "등급 기준(안내서 §5.5.2): S ≥ E, A ≥ m+(E−m)×0.7, B ≥ m+(E−m)×0.3, C ≥ m, F < m (낮을수록 우수한 지표는 부등호 반대)\n",
        Lang::En => "Grades (guide §5.5.2): S ≥ E, A ≥ m+(E−m)×0.7, B ≥ m+(E−m)×0.3, C ≥ m, F < m (comparisons mirrored when lower is better)\n",
    });
    out.push('\n');

    let g = &result.grades;
    let bands = format!(
        "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}",
        number(g.s),
        number(g.a),
        number(g.b),
        number(g.c)
    );
    let rows: Vec<(&str, String)> = match lang {
        Lang::Ko => vec![
            ("종합점수", number(result.composite)),
            (
                "종합등급",
                format!("{} [{bands}]", grade_label(result.grade, lang)),
            ),
            ("감면율", format!("{}%", number(result.reduction_pct))),
            ("이용료", number(result.fee)),
            ("감면액", number(result.reduction)),
            ("감면 후 이용료", number(result.reduced_fee)),
        ],
        Lang::En => vec![
            ("Composite score", number(result.composite)),
            (
                "Composite grade",
                format!("{} [{bands}]", grade_label(result.grade, lang)),
            ),
            ("Reduction", format!("{}%", number(result.reduction_pct))),
            ("Usage fee (KRW)", number(result.fee)),
            ("Reduction (KRW)", number(result.reduction)),
            ("Fee after reduction (KRW)", number(result.reduced_fee)),
        ],
    };
    let mut t = new_table();
    for (k, v) in rows {
        t.add_row(vec![left(k), right(v)]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out
}
