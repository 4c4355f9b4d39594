//! Service-level evaluation (서비스수준 평가, guide §5.3, §5.5.2 and §5.6.2): each indicator
//! of the service-level agreement (SLA) is scored against its targets, the weighted scores add up
//! to the month's composite score (종합점수) and grade (종합평가등급), and a penalty table turns
//! the grade into a reduction (감면) of that month's usage fee.
//!
//! # The grade table (guide §5.5.2, 〈서비스수준 평가등급(예시)〉)
//!
//! Every indicator has a maximum target `E` (최대목표수준, the demanding level), a minimum target
//! `m` (최소목표수준, the least acceptable level) and a measured value `x`. With the two band
//! limits `a = m + (E − m) × 0.7` and `b = m + (E − m) × 0.3`:
//!
//! | grade | score | higher is better (가용률, 준수율…) | lower is better (복구 시간, 응답 시간…) |
//! | --- | --- | --- | --- |
//! | 탁월 (S) | 100 | `x ≥ E` | `x ≤ E` |
//! | 우수 (A) | 90 | `a ≤ x < E` | `E < x ≤ a` |
//! | 보통 (B) | 80 | `b ≤ x < a` | `a < x ≤ b` |
//! | 미흡 (C) | 70 | `m ≤ x < b` | `b < x ≤ m` |
//! | 불량 (F) | 60 | `x < m` | `x > m` |
//!
//! Each band includes its lower limit exactly as the guide writes it (`이상` = at or above,
//! `미만` = below): the value `a` itself is A, `b` itself is B, `m` itself is C. When lower is
//! better, `E` is the smaller, better target and `m` the larger one; the same formulas give
//! `a = m − (m − E) × 0.7` and `b = m − (m − E) × 0.3`, and every comparison is mirrored.
//! `E` and `m` must be ordered accordingly (`E ≥ m` for `higher`, `E ≤ m` for `lower`);
//! `E = m` is allowed and makes a pass/fail indicator (e.g. 보안 침해 사고 0건): S when the
//! target is met, F otherwise. Every comparison is exact (integer arithmetic on the decimals).
//!
//! # Composite score, grade and reduction
//!
//! - 환산점수 = score × weight, 종합점수 = Σ 환산점수 (exact; with weights in percent the sum is
//!   divided by 100). Weights are all > 0 and sum to exactly 1 (fractions) or exactly 100
//!   (percent); any other sum is an error that names it.
//! - The composite grade uses the same bands — S ≥ 100, A ≥ 90, B ≥ 80, C ≥ 70, else F — unless
//!   the file gives its own minimum scores in `[grades]` (strictly descending S > A > B > C).
//! - `[penalties]` maps a composite grade to a reduction in percent of the month's fee (guide
//!   §5.6.2, 이용요금 감면); a grade without an entry reduces nothing.
//!   `reduction = trunc(fee × pct / 100)` to whole won, `reduced_fee = fee − reduction`.
//!
//! ```
//! use cloud_tco::sla::{evaluate, Grade, SlaInput};
//! let input = SlaInput::from_toml_str(r#"
//!     fee = 10000000
//!     [[indicators]]
//!     name = "서비스 가용률"
//!     target_max = 99.95
//!     target_min = 99.5
//!     measured = 99.7
//!     direction = "higher"
//!     weight = 0.6
//!     [[indicators]]
//!     name = "장애 복구 시간"
//!     target_max = 1
//!     target_min = 4
//!     measured = 5
//!     direction = "lower"
//!     weight = 0.4
//!     [penalties]
//!     C = 3
//!     F = 10
//! "#).unwrap();
//! let result = evaluate(&input).unwrap();
//! // 99.7 is in [99.635, 99.815): B (80); 5 hours is worse than m = 4: F (60).
//! assert_eq!(result.indicators[0].grade, Grade::B);
//! assert_eq!(result.indicators[1].grade, Grade::F);
//! // 80 × 0.6 + 60 × 0.4 = 72 → C → 3 % off the fee.
//! assert_eq!(result.composite.to_string(), "72");
//! assert_eq!(result.grade, Grade::C);
//! assert_eq!(result.reduced_fee.to_string(), "9700000");
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::{Error, Location, Problem, ProjectError};
use crate::project::{json_error, path_text, toml_error, Locator, Num, ProjectFormat};

// ---------------------------------------------------------------------------------------------
// Grades, directions, indicators
// ---------------------------------------------------------------------------------------------

/// An evaluation grade of the guide's table (§5.5.2): 탁월 (S), 우수 (A), 보통 (B), 미흡 (C),
/// 불량 (F).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grade {
    /// 탁월: at or beyond the maximum target; score 100.
    S,
    /// 우수: score 90.
    A,
    /// 보통: score 80.
    B,
    /// 미흡: score 70.
    C,
    /// 불량: short of the minimum target; score 60.
    F,
}

impl Grade {
    /// Every grade, best first.
    pub const ALL: [Grade; 5] = [Grade::S, Grade::A, Grade::B, Grade::C, Grade::F];

    /// The letter: `S`, `A`, `B`, `C`, `F`.
    pub fn letter(self) -> &'static str {
        match self {
            Grade::S => "S",
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::F => "F",
        }
    }

    /// The indicator score of the grade (평가점수): 100, 90, 80, 70 or 60.
    ///
    /// ```
    /// use cloud_tco::sla::Grade;
    /// assert_eq!(Grade::A.score(), 90);
    /// assert_eq!(Grade::F.score(), 60);
    /// ```
    pub fn score(self) -> u32 {
        match self {
            Grade::S => 100,
            Grade::A => 90,
            Grade::B => 80,
            Grade::C => 70,
            Grade::F => 60,
        }
    }

    /// The guide's Korean name: 탁월, 우수, 보통, 미흡, 불량.
    pub fn korean(self) -> &'static str {
        match self {
            Grade::S => "탁월",
            Grade::A => "우수",
            Grade::B => "보통",
            Grade::C => "미흡",
            Grade::F => "불량",
        }
    }

    /// An English name: outstanding, excellent, average, insufficient, unacceptable.
    pub fn english(self) -> &'static str {
        match self {
            Grade::S => "outstanding",
            Grade::A => "excellent",
            Grade::B => "average",
            Grade::C => "insufficient",
            Grade::F => "unacceptable",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "S" => Ok(Grade::S),
            "A" => Ok(Grade::A),
            "B" => Ok(Grade::B),
            "C" => Ok(Grade::C),
            "F" => Ok(Grade::F),
            _ => Err(format!("unknown grade {s:?}; use S, A, B, C or F")),
        }
    }
}

/// Whether a larger or a smaller measured value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Higher is better (가용률, 백업 준수율, 보안 패치 적용률…): `target_max ≥ target_min`.
    Higher,
    /// Lower is better (장애 복구 시간, 응답 시간, 장애 건수…): `target_max ≤ target_min`.
    Lower,
}

impl Direction {
    /// The key used in files: `higher` or `lower`.
    pub fn key(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "higher" => Ok(Direction::Higher),
            "lower" => Ok(Direction::Lower),
            _ => Err(format!(
                "unknown direction {s:?}; use \"higher\" (higher is better, e.g. 가용률) or \"lower\" (lower is better, e.g. 장애 복구 시간)"
            )),
        }
    }
}

/// One service-level indicator (서비스수준 지표) with its targets, measured value and weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// Name shown in reports, e.g. `서비스 가용률`.
    pub name: String,
    /// `E`, 최대목표수준: the demanding target (the larger value when higher is better, the
    /// smaller when lower is better).
    pub target_max: Decimal,
    /// `m`, 최소목표수준: the least acceptable level.
    pub target_min: Decimal,
    /// The month's measured value.
    pub measured: Decimal,
    /// Whether higher or lower is better.
    pub direction: Direction,
    /// Weight (가중치): a fraction, or a percentage when all weights are in percent.
    pub weight: Decimal,
}

impl Indicator {
    /// An indicator where higher is better (`target_max ≥ target_min`).
    ///
    /// ```
    /// use cloud_tco::sla::{Direction, Indicator};
    /// let i = Indicator::higher("서비스 가용률", "99.95".parse().unwrap(), "99.5".parse().unwrap(), "99.7".parse().unwrap(), "0.4".parse().unwrap());
    /// assert_eq!(i.direction, Direction::Higher);
    /// ```
    pub fn higher(
        name: impl Into<String>,
        target_max: Decimal,
        target_min: Decimal,
        measured: Decimal,
        weight: Decimal,
    ) -> Self {
        Indicator {
            name: name.into(),
            target_max,
            target_min,
            measured,
            direction: Direction::Higher,
            weight,
        }
    }

    /// An indicator where lower is better (`target_max ≤ target_min`: `target_max` is the
    /// smaller, better level).
    pub fn lower(
        name: impl Into<String>,
        target_max: Decimal,
        target_min: Decimal,
        measured: Decimal,
        weight: Decimal,
    ) -> Self {
        Indicator {
            direction: Direction::Lower,
            ..Indicator::higher(name, target_max, target_min, measured, weight)
        }
    }

    /// The band limits of this indicator's targets: where S, A, B and C begin.
    ///
    /// `None` when a limit has more digits than an exact decimal can hold.
    ///
    /// ```
    /// use cloud_tco::sla::Indicator;
    /// let d = |s: &str| s.parse().unwrap();
    /// let t = Indicator::higher("가용률", d("99.95"), d("99.5"), d("99.7"), d("1")).thresholds().unwrap();
    /// assert_eq!((t.s.to_string(), t.a.to_string(), t.b.to_string(), t.c.to_string()),
    ///            ("99.95".into(), "99.815".into(), "99.635".into(), "99.5".into()));
    /// let t = Indicator::lower("복구 시간", d("1"), d("4"), d("2"), d("1")).thresholds().unwrap();
    /// assert_eq!((t.a.to_string(), t.b.to_string()), ("1.9".into(), "3.1".into()));
    /// ```
    pub fn thresholds(&self) -> Option<Thresholds> {
        let k = self.target_max.scale().max(self.target_min.scale());
        let e = scaled(self.target_max, k);
        let m = scaled(self.target_min, k);
        let a = BigInt::from(3) * &m + BigInt::from(7) * &e;
        let b = BigInt::from(7) * &m + BigInt::from(3) * &e;
        Some(Thresholds {
            s: exact_decimal(e, k)?,
            a: exact_decimal(a, k + 1)?,
            b: exact_decimal(b, k + 1)?,
            c: exact_decimal(m, k)?,
        })
    }

    /// The grade of the measured value (guide §5.5.2), computed exactly.
    ///
    /// ```
    /// use cloud_tco::sla::{Grade, Indicator};
    /// let d = |s: &str| s.parse().unwrap();
    /// // a = 99.5 + 0.45 × 0.7 = 99.815 is itself A; just below it is B.
    /// assert_eq!(Indicator::higher("가용률", d("99.95"), d("99.5"), d("99.815"), d("1")).grade(), Grade::A);
    /// assert_eq!(Indicator::higher("가용률", d("99.95"), d("99.5"), d("99.8149"), d("1")).grade(), Grade::B);
    /// // Lower is better: 4 hours (= m) is C, 4.01 is F.
    /// assert_eq!(Indicator::lower("복구 시간", d("1"), d("4"), d("4"), d("1")).grade(), Grade::C);
    /// assert_eq!(Indicator::lower("복구 시간", d("1"), d("4"), d("4.01"), d("1")).grade(), Grade::F);
    /// ```
    pub fn grade(&self) -> Grade {
        // Compare 10·x with 10·E, 3m + 7E (= 10·a), 7m + 3E (= 10·b) and 10·m, all at one scale.
        let k = self
            .target_max
            .scale()
            .max(self.target_min.scale())
            .max(self.measured.scale());
        let ten = BigInt::from(10);
        let x = scaled(self.measured, k) * &ten;
        let e = scaled(self.target_max, k);
        let m = scaled(self.target_min, k);
        let limits = [
            (Grade::S, &e * &ten),
            (Grade::A, BigInt::from(3) * &m + BigInt::from(7) * &e),
            (Grade::B, BigInt::from(7) * &m + BigInt::from(3) * &e),
            (Grade::C, &m * &ten),
        ];
        let good = match self.direction {
            Direction::Higher => Ordering::Greater,
            Direction::Lower => Ordering::Less,
        };
        for (grade, limit) in limits {
            let ord = x.cmp(&limit);
            if ord == Ordering::Equal || ord == good {
                return grade;
            }
        }
        Grade::F
    }
}

/// Where each grade of one indicator begins: S at `s` (= E), A at `a` = m + (E − m) × 0.7,
/// B at `b` = m + (E − m) × 0.3, C at `c` (= m); below (or, when lower is better, above) `c`
/// is F.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// E: the limit of S.
    pub s: Decimal,
    /// m + (E − m) × 0.7: the limit of A.
    pub a: Decimal,
    /// m + (E − m) × 0.3: the limit of B.
    pub b: Decimal,
    /// m: the limit of C.
    pub c: Decimal,
}

/// The minimum composite scores of the composite grades S, A, B and C; below `c` is F.
/// The default is the guide's table: 100, 90, 80, 70.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeBands {
    /// Minimum composite score of S.
    pub s: Decimal,
    /// Minimum composite score of A.
    pub a: Decimal,
    /// Minimum composite score of B.
    pub b: Decimal,
    /// Minimum composite score of C.
    pub c: Decimal,
}

impl Default for GradeBands {
    fn default() -> Self {
        GradeBands {
            s: Decimal::ONE_HUNDRED,
            a: Decimal::from(90),
            b: Decimal::from(80),
            c: Decimal::from(70),
        }
    }
}

impl GradeBands {
    /// The minimum composite score of `grade` (`None` for F, which has none).
    pub fn minimum(&self, grade: Grade) -> Option<Decimal> {
        match grade {
            Grade::S => Some(self.s),
            Grade::A => Some(self.a),
            Grade::B => Some(self.b),
            Grade::C => Some(self.c),
            Grade::F => None,
        }
    }

    /// The composite grade of a composite score: the best grade whose minimum it reaches.
    ///
    /// ```
    /// use cloud_tco::sla::{Grade, GradeBands};
    /// let bands = GradeBands::default();
    /// assert_eq!(bands.grade_of(90.into()), Grade::A);
    /// assert_eq!(bands.grade_of("89.99".parse().unwrap()), Grade::B);
    /// assert_eq!(bands.grade_of(60.into()), Grade::F);
    /// ```
    pub fn grade_of(&self, composite: Decimal) -> Grade {
        for grade in [Grade::S, Grade::A, Grade::B, Grade::C] {
            if let Some(min) = self.minimum(grade) {
                if cmp_exact(composite, min) != Ordering::Less {
                    return grade;
                }
            }
        }
        Grade::F
    }
}

/// The fee reduction (감면율, percent) of each composite grade; a grade without an entry is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Penalties {
    /// Reductions in percent, indexed in [`Grade::ALL`] order (S, A, B, C, F).
    pub by_grade: [Decimal; 5],
}

impl Penalties {
    /// The reduction in percent for `grade`.
    pub fn of(&self, grade: Grade) -> Decimal {
        self.by_grade[grade_index(grade)]
    }

    /// Sets the reduction in percent for `grade`.
    pub fn set(&mut self, grade: Grade, pct: Decimal) {
        self.by_grade[grade_index(grade)] = pct;
    }
}

fn grade_index(grade: Grade) -> usize {
    match grade {
        Grade::S => 0,
        Grade::A => 1,
        Grade::B => 2,
        Grade::C => 3,
        Grade::F => 4,
    }
}

/// How the weights are written: fractions summing to 1, or percentages summing to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightUnit {
    /// Fractions in (0, 1], summing to exactly 1.
    Fraction,
    /// Percentages in (0, 100], summing to exactly 100.
    Percent,
}

impl WeightUnit {
    /// The key used in JSON: `fraction` or `percent`.
    pub fn key(self) -> &'static str {
        match self {
            WeightUnit::Fraction => "fraction",
            WeightUnit::Percent => "percent",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The validated input
// ---------------------------------------------------------------------------------------------

/// An SLA file could not be read or is not valid. Holds every problem found, each naming the
/// file, the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SlaError {
    /// All problems found.
    pub problems: Vec<Problem>,
}

impl fmt::Display for SlaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "invalid SLA evaluation: {one}"),
            many => {
                write!(f, "invalid SLA evaluation: {} problems", many.len())?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl SlaError {
    /// The problems of the reader shared with project files.
    fn from_shared(e: ProjectError) -> Self {
        SlaError {
            problems: e
                .problems
                .into_iter()
                .map(|mut p| {
                    // The shared reader explains unknown keys in terms of costs.
                    p.message = p
                        .message
                        .replace("would silently drop a cost", "would silently drop a value");
                    p
                })
                .collect(),
        }
    }
}

/// A validated month of service-level measurements: the fee, the indicators, the composite
/// grade bands and the penalty table. Built by reading a file ([`SlaInput::from_path`]) or in
/// code ([`SlaInput::builder`]); both check the same rules, so every `SlaInput` is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaInput {
    name: String,
    period: Option<String>,
    fee: Decimal,
    indicators: Vec<Indicator>,
    grades: GradeBands,
    penalties: Penalties,
    weight_unit: WeightUnit,
}

impl SlaInput {
    /// Name shown in reports (default: the file's stem, or `sla`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The evaluated period as written (e.g. `2026-07`), if given.
    pub fn period(&self) -> Option<&str> {
        self.period.as_deref()
    }
    /// The month's usage fee in whole won.
    pub fn fee(&self) -> Decimal {
        self.fee
    }
    /// The indicators, in file order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }
    /// The composite grade bands.
    pub fn grades(&self) -> &GradeBands {
        &self.grades
    }
    /// The penalty table.
    pub fn penalties(&self) -> &Penalties {
        &self.penalties
    }
    /// Whether the weights are fractions or percentages.
    pub fn weight_unit(&self) -> WeightUnit {
        self.weight_unit
    }

    /// Starts an evaluation built in code; [`SlaBuilder::build`] checks it by the rules of a
    /// file.
    ///
    /// ```
    /// use cloud_tco::sla::{evaluate, Grade, Indicator, SlaInput};
    /// let d = |s: &str| s.parse().unwrap();
    /// let input = SlaInput::builder(d("5000000"))
    ///     .indicator(Indicator::higher("가용률", d("99.9"), d("99"), d("99.95"), d("60")))
    ///     .indicator(Indicator::lower("응답 시간", d("1"), d("3"), d("2"), d("40")))
    ///     .penalty(Grade::B, d("2"))
    ///     .build()
    ///     .unwrap();
    /// // Percent weights: (100 × 60 + 80 × 40) / 100 = 92 → A, no penalty for A.
    /// let result = evaluate(&input).unwrap();
    /// assert_eq!(result.composite.to_string(), "92");
    /// assert_eq!(result.reduced_fee.to_string(), "5000000");
    ///
    /// let err = SlaInput::builder(d("1")).indicator(Indicator::higher("x", d("1"), d("0"), d("1"), d("0.5"))).build().unwrap_err();
    /// assert!(err.to_string().contains("sum to 0.5"));
    /// ```
    pub fn builder(fee: Decimal) -> SlaBuilder {
        SlaBuilder {
            name: "sla".into(),
            period: None,
            fee,
            indicators: Vec::new(),
            grades: GradeBands::default(),
            penalties: Penalties::default(),
        }
    }

    /// Reads an SLA file, TOML or JSON (by extension; TOML otherwise).
    ///
    /// ```no_run
    /// let input = cloud_tco::sla::SlaInput::from_path("data/examples/sla.toml").unwrap();
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<SlaInput, SlaError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let at_file = |m: String| SlaError {
            problems: vec![Problem {
                location: Location::new(Some(&file), None, None),
                message: m,
            }],
        };
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => at_file("the SLA file does not exist".into()),
            _ => at_file(format!("cannot read the SLA file: {e}")),
        })?;
        if meta.is_dir() {
            return Err(at_file("this is a directory, not an SLA file".into()));
        }
        let bytes =
            std::fs::read(path).map_err(|e| at_file(format!("cannot read the SLA file: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            SlaError {
                problems: vec![Problem {
                    location: Location::new(Some(&file), Some(line as u64), None),
                    message: "the file is not valid UTF-8; save it as UTF-8".into(),
                }],
            }
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => ProjectFormat::Json,
            _ => ProjectFormat::Toml,
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("sla");
        SlaInput::parse(text, format, Some(&file), stem)
    }

    /// Reads an SLA file from TOML text.
    ///
    /// ```
    /// let err = cloud_tco::sla::SlaInput::from_toml_str("fee = 1\nfees = 2\n").unwrap_err();
    /// assert!(err.to_string().contains("line 2"));
    /// assert!(err.to_string().contains("fees"));
    /// ```
    pub fn from_toml_str(text: &str) -> Result<SlaInput, SlaError> {
        SlaInput::parse(text, ProjectFormat::Toml, None, "sla")
    }

    /// Reads an SLA file from JSON text (the same schema as TOML).
    ///
    /// ```
    /// let input = cloud_tco::sla::SlaInput::from_json_str(r#"{"fee": "1000",
    ///   "indicators": [{"name": "가용률", "target_max": "99.9", "target_min": "99",
    ///                   "measured": "99.9", "direction": "higher", "weight": 1}]}"#).unwrap();
    /// assert_eq!(input.indicators().len(), 1);
    /// ```
    pub fn from_json_str(text: &str) -> Result<SlaInput, SlaError> {
        SlaInput::parse(text, ProjectFormat::Json, None, "sla")
    }

    /// Reads an SLA file from text; `file` names it in errors and `stem` is the default name.
    pub fn parse(
        text: &str,
        format: ProjectFormat,
        file: Option<&str>,
        stem: &str,
    ) -> Result<SlaInput, SlaError> {
        let raw: RawSla = match format {
            ProjectFormat::Toml => {
                let de = toml::Deserializer::parse(text)
                    .map_err(|e| SlaError::from_shared(toml_error(text, file, None, &e)))?;
                serde_path_to_error::deserialize(de).map_err(|e| {
                    let path = path_text(e.path());
                    SlaError::from_shared(toml_error(text, file, Some(path), e.inner()))
                })?
            }
            ProjectFormat::Json => {
                let mut de = serde_json::Deserializer::from_str(text);
                let raw = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                    let path = path_text(e.path());
                    SlaError::from_shared(json_error(file, Some(path), e.inner()))
                })?;
                de.end()
                    .map_err(|e| SlaError::from_shared(json_error(file, None, &e)))?;
                raw
            }
        };
        let locator = Locator { text, format, file };
        convert(raw, stem, &locator)
    }

    /// Evaluates the month: see [`evaluate`].
    pub fn evaluate(&self) -> Result<SlaEvaluation, Error> {
        evaluate(self)
    }
}

/// Builds an [`SlaInput`] in code.
#[derive(Debug, Clone)]
pub struct SlaBuilder {
    name: String,
    period: Option<String>,
    fee: Decimal,
    indicators: Vec<Indicator>,
    grades: GradeBands,
    penalties: Penalties,
}

impl SlaBuilder {
    /// Name shown in reports.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// The evaluated period, e.g. `2026-07` (free text).
    pub fn period(mut self, period: impl Into<String>) -> Self {
        self.period = Some(period.into());
        self
    }
    /// Adds an indicator.
    pub fn indicator(mut self, indicator: Indicator) -> Self {
        self.indicators.push(indicator);
        self
    }
    /// The composite grade bands (default 100, 90, 80, 70).
    pub fn grades(mut self, grades: GradeBands) -> Self {
        self.grades = grades;
        self
    }
    /// The reduction in percent for a composite grade.
    pub fn penalty(mut self, grade: Grade, pct: Decimal) -> Self {
        self.penalties.set(grade, pct);
        self
    }
    /// Checks the evaluation by the rules of an SLA file.
    pub fn build(self) -> Result<SlaInput, SlaError> {
        let check = Check::run(self.fee, &self.indicators, &self.grades, &self.penalties);
        match check {
            Ok(weight_unit) => Ok(SlaInput {
                name: self.name,
                period: self.period,
                fee: self.fee,
                indicators: self.indicators,
                grades: self.grades,
                penalties: self.penalties,
                weight_unit,
            }),
            Err(found) => Err(SlaError {
                problems: found
                    .into_iter()
                    .map(|(path, message)| Problem {
                        location: Location::new(None, None, Some(&path)),
                        message,
                    })
                    .collect(),
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSla {
    name: Option<String>,
    period: Option<String>,
    fee: Num,
    #[serde(default)]
    indicators: Vec<RawIndicator>,
    grades: Option<RawGrades>,
    #[serde(default)]
    penalties: RawPenalties,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    name: String,
    target_max: Num,
    target_min: Num,
    measured: Num,
    direction: String,
    weight: Num,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrades {
    #[serde(rename = "S")]
    s: Num,
    #[serde(rename = "A")]
    a: Num,
    #[serde(rename = "B")]
    b: Num,
    #[serde(rename = "C")]
    c: Num,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPenalties {
    #[serde(rename = "S")]
    s: Option<Num>,
    #[serde(rename = "A")]
    a: Option<Num>,
    #[serde(rename = "B")]
    b: Option<Num>,
    #[serde(rename = "C")]
    c: Option<Num>,
    #[serde(rename = "F")]
    f: Option<Num>,
}

fn convert(raw: RawSla, stem: &str, locator: &Locator<'_>) -> Result<SlaInput, SlaError> {
    let mut problems = Vec::new();
    let mut indicators = Vec::with_capacity(raw.indicators.len());
    for (i, r) in raw.indicators.into_iter().enumerate() {
        let direction = match r.direction.parse::<Direction>() {
            Ok(d) => d,
            Err(m) => {
                problems.push(locator.problem(&format!("indicators[{i}].direction"), m));
                Direction::Higher
            }
        };
        indicators.push(Indicator {
            name: r.name,
            target_max: r.target_max.0,
            target_min: r.target_min.0,
            measured: r.measured.0,
            direction,
            weight: r.weight.0,
        });
    }
    let grades = raw.grades.map_or_else(GradeBands::default, |g| GradeBands {
        s: g.s.0,
        a: g.a.0,
        b: g.b.0,
        c: g.c.0,
    });
    let p = raw.penalties;
    let mut penalties = Penalties::default();
    for (grade, value) in Grade::ALL.into_iter().zip([p.s, p.a, p.b, p.c, p.f]) {
        if let Some(v) = value {
            penalties.set(grade, v.0);
        }
    }
    let fee = raw.fee.0;
    let checked = Check::run(fee, &indicators, &grades, &penalties);
    let weight_unit = match checked {
        Ok(unit) => Some(unit),
        Err(found) => {
            for (path, message) in found {
                problems.push(locator.problem(&path, message));
            }
            None
        }
    };
    match weight_unit {
        Some(weight_unit) if problems.is_empty() => Ok(SlaInput {
            name: raw.name.unwrap_or_else(|| stem.to_owned()),
            period: raw.period,
            fee,
            indicators,
            grades,
            penalties,
            weight_unit,
        }),
        _ => Err(SlaError { problems }),
    }
}

/// The value rules of an SLA evaluation, as (field path, message).
struct Check {
    found: Vec<(String, String)>,
}

impl Check {
    fn bad(&mut self, path: String, message: String) {
        self.found.push((path, message));
    }

    fn run(
        fee: Decimal,
        indicators: &[Indicator],
        grades: &GradeBands,
        penalties: &Penalties,
    ) -> Result<WeightUnit, Vec<(String, String)>> {
        let mut c = Check { found: Vec::new() };
        if fee < Decimal::ZERO || !fee.fract().is_zero() {
            c.bad(
                "fee".into(),
                format!("{fee} is not a whole number of won, 0 or more; the fee is the month's usage fee in won"),
            );
        }
        if indicators.is_empty() {
            c.bad(
                "indicators".into(),
                "no indicators; add at least one [[indicators]] entry".into(),
            );
        }
        for (i, ind) in indicators.iter().enumerate() {
            let p = |f: &str| format!("indicators[{i}].{f}");
            if ind.name.trim().is_empty() {
                c.bad(
                    p("name"),
                    "name is empty; name the indicator, e.g. \"서비스 가용률\"".into(),
                );
            }
            let (e, m) = (ind.target_max, ind.target_min);
            match ind.direction {
                Direction::Higher if e < m => c.bad(
                    p("target_max"),
                    format!(
                        "target_max (E = {e}) is below target_min (m = {m}); when higher is better E is the larger, demanding target — if lower is better (e.g. a recovery time), write direction = \"lower\""
                    ),
                ),
                Direction::Lower if e > m => c.bad(
                    p("target_max"),
                    format!(
                        "target_max (E = {e}) is above target_min (m = {m}); when lower is better E is the smaller, demanding target (e.g. 1 hour) and m the largest acceptable value (e.g. 4 hours)"
                    ),
                ),
                _ => {}
            }
            if ind.weight <= Decimal::ZERO {
                c.bad(
                    p("weight"),
                    format!(
                        "{} is not a weight; a weight must be greater than 0",
                        ind.weight
                    ),
                );
            }
        }
        let unit = if indicators.is_empty() || indicators.iter().any(|i| i.weight <= Decimal::ZERO)
        {
            None
        } else {
            let k = indicators
                .iter()
                .map(|i| i.weight.scale())
                .max()
                .unwrap_or(0);
            let sum: BigInt = indicators.iter().map(|i| scaled(i.weight, k)).sum();
            let one = ten_pow(k);
            if sum == one {
                Some(WeightUnit::Fraction)
            } else if sum == &one * BigInt::from(100) {
                Some(WeightUnit::Percent)
            } else {
                let terms: Vec<String> = indicators
                    .iter()
                    .map(|i| i.weight.normalize().to_string())
                    .collect();
                c.bad(
                    "indicators".into(),
                    format!(
                        "the weights sum to {} ({}); they must sum to exactly 1 (fractions) or exactly 100 (percent)",
                        exact_text(&sum, k),
                        terms.join(" + ")
                    ),
                );
                None
            }
        };
        {
            let named = [
                ("S", grades.s),
                ("A", grades.a),
                ("B", grades.b),
                ("C", grades.c),
            ];
            for (key, v) in named {
                if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                    c.bad(
                        format!("grades.{key}"),
                        format!("{v} is outside 0–100; a grade's minimum is a composite score"),
                    );
                }
            }
            for pair in named.windows(2) {
                let ((hi_key, hi), (lo_key, lo)) = (pair[0], pair[1]);
                if lo >= hi {
                    c.bad(
                        format!("grades.{lo_key}"),
                        format!(
                            "{lo_key} = {lo} is not below {hi_key} = {hi}; the minimum scores must descend strictly: S > A > B > C"
                        ),
                    );
                }
            }
        }
        for grade in Grade::ALL {
            let pct = penalties.of(grade);
            if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
                c.bad(
                    format!("penalties.{grade}"),
                    format!("{pct} is outside 0–100; a reduction is a percentage of the fee"),
                );
            }
        }
        match unit {
            Some(u) if c.found.is_empty() => Ok(u),
            _ => Err(c.found),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorResult {
    /// The indicator as given.
    pub indicator: Indicator,
    /// Where each grade begins.
    pub thresholds: Thresholds,
    /// Its grade.
    pub grade: Grade,
    /// Its score (평가점수): 100, 90, 80, 70 or 60.
    pub score: u32,
    /// score × weight (환산점수; ÷ 100 when the weights are in percent), exact.
    pub weighted_score: Decimal,
}

/// The month's evaluation: each indicator, the composite score and grade, and the reduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaEvaluation {
    /// Name shown in reports.
    pub name: String,
    /// The evaluated period, if given.
    pub period: Option<String>,
    /// Whether the weights were fractions or percentages.
    pub weight_unit: WeightUnit,
    /// Each indicator, in input order.
    pub indicators: Vec<IndicatorResult>,
    /// 종합점수 = Σ 환산점수, exact and normalized (no trailing zeros).
    pub composite: Decimal,
    /// 종합평가등급.
    pub grade: Grade,
    /// The composite grade bands used.
    pub grades: GradeBands,
    /// 감면율: the penalty of the grade, percent (0 when the grade has no entry).
    pub reduction_pct: Decimal,
    /// The month's usage fee, whole won.
    pub fee: Decimal,
    /// trunc(fee × reduction_pct / 100), whole won.
    pub reduction: Decimal,
    /// fee − reduction (감면 후 이용료).
    pub reduced_fee: Decimal,
}

/// Evaluates a month of service levels: each indicator's grade and score (guide §5.5.2), the
/// composite score Σ score × weight and its grade, and the fee after the penalty's reduction.
///
/// Fails only with [`Error::TooLarge`] when a figure has more digits than an exact decimal can
/// hold (e.g. targets of 28 digits with 28 decimals).
///
/// ```
/// use cloud_tco::sla::{evaluate, Grade, SlaInput};
/// let input = SlaInput::from_toml_str(r#"
///     fee = 12345679
///     [[indicators]]
///     name = "보안 패치 적용률"
///     target_max = 100
///     target_min = 90
///     measured = 96
///     direction = "higher"
///     weight = 100
///     [grades]
///     S = 95
///     A = 85
///     B = 75
///     C = 65
///     [penalties]
///     B = 1.5
/// "#).unwrap();
/// let r = evaluate(&input).unwrap();
/// // 96 is at least 90 + 10 × 0.3 = 93 and below 90 + 10 × 0.7 = 97: B, score 80. With one
/// // weight of 100 % the composite is 80, which the file's own bands (B from 75) grade B.
/// assert_eq!(r.indicators[0].grade, Grade::B);
/// assert_eq!(r.grade, Grade::B);
/// // 1.5 % of 12,345,679 is 185,185.185 → 185,185 won (truncated).
/// assert_eq!(r.reduction.to_string(), "185185");
/// assert_eq!(r.reduced_fee.to_string(), "12160494");
/// ```
pub fn evaluate(input: &SlaInput) -> Result<SlaEvaluation, Error> {
    let too_large = |what: &str| Error::TooLarge(format!("{what} of the SLA evaluation"));
    let percent = input.weight_unit == WeightUnit::Percent;
    let extra_scale = if percent { 2 } else { 0 };
    let k = input
        .indicators
        .iter()
        .map(|i| i.weight.scale())
        .max()
        .unwrap_or(0);
    let mut total = BigInt::zero();
    let mut indicators = Vec::with_capacity(input.indicators.len());
    for (i, ind) in input.indicators.iter().enumerate() {
        let thresholds = ind
            .thresholds()
            .ok_or_else(|| too_large(&format!("the grade limits of indicators[{i}]")))?;
        let grade = ind.grade();
        let score = grade.score();
        let weighted = BigInt::from(score) * scaled(ind.weight, ind.weight.scale());
        let weighted_score = exact_decimal(weighted, ind.weight.scale() + extra_scale)
            .ok_or_else(|| too_large(&format!("the weighted score of indicators[{i}]")))?;
        total += BigInt::from(score) * scaled(ind.weight, k);
        indicators.push(IndicatorResult {
            indicator: ind.clone(),
            thresholds,
            grade,
            score,
            weighted_score,
        });
    }
    let composite =
        exact_decimal(total, k + extra_scale).ok_or_else(|| too_large("the composite score"))?;
    let grade = input.grades.grade_of(composite);
    let reduction_pct = input.penalties.of(grade).normalize();
    let fee = crate::money::truncate_won(input.fee);
    // trunc(fee × pct / 100) in integers, so that no digit of a long fee or percentage is
    // rounded away before the truncation (both are ≥ 0, and BigInt division truncates).
    let reduction = exact_decimal(
        scaled(fee, 0) * scaled(reduction_pct, reduction_pct.scale())
            / (BigInt::from(100) * ten_pow(reduction_pct.scale())),
        0,
    )
    .ok_or_else(|| too_large("the reduction"))?;
    let reduced_fee = fee
        .checked_sub(reduction)
        .ok_or_else(|| too_large("the reduced fee"))?;
    Ok(SlaEvaluation {
        name: input.name.clone(),
        period: input.period.clone(),
        weight_unit: input.weight_unit,
        indicators,
        composite,
        grade,
        grades: input.grades,
        reduction_pct,
        fee,
        reduction,
        reduced_fee,
    })
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic on decimals as scaled integers
// ---------------------------------------------------------------------------------------------

fn ten_pow(exp: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), exp as usize)
}

/// `d × 10^scale` as an integer; `scale` is at least `d.scale()`.
fn scaled(d: Decimal, scale: u32) -> BigInt {
    BigInt::from(d.mantissa()) * ten_pow(scale.saturating_sub(d.scale()))
}

/// `n / 10^scale` as a normalized decimal, if it fits exactly.
fn exact_decimal(mut n: BigInt, mut scale: u32) -> Option<Decimal> {
    let ten = BigInt::from(10);
    while scale > 0 && (&n % &ten).is_zero() {
        n /= &ten;
        scale -= 1;
    }
    if n.is_zero() {
        return Some(Decimal::ZERO);
    }
    let m = n.to_i128()?;
    Decimal::try_from_i128_with_scale(m, scale).ok()
}

/// `n / 10^scale` as plain decimal text without trailing zeros, whatever its size.
fn exact_text(n: &BigInt, scale: u32) -> String {
    let negative = n.sign() == num_bigint::Sign::Minus;
    let digits = n.magnitude().to_string();
    let scale = scale as usize;
    let (int, frac) = if digits.len() > scale {
        let (i, f) = digits.split_at(digits.len() - scale);
        (i.to_owned(), f.to_owned())
    } else {
        ("0".to_owned(), format!("{digits:0>scale$}"))
    };
    let frac = frac.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// Exact comparison of two decimals.
fn cmp_exact(a: Decimal, b: Decimal) -> Ordering {
    let k = a.scale().max(b.scale());
    scaled(a, k).cmp(&scaled(b, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn exact_helpers() {
        assert_eq!(exact_text(&BigInt::from(12345), 2), "123.45");
        assert_eq!(exact_text(&BigInt::from(5), 3), "0.005");
        assert_eq!(exact_text(&BigInt::from(-1200), 2), "-12");
        assert_eq!(exact_decimal(BigInt::from(99815), 3), Some(d("99.815")));
        assert_eq!(exact_decimal(ten_pow(40), 0), None);
        assert_eq!(cmp_exact(d("1.50"), d("1.5")), Ordering::Equal);
    }

    #[test]
    fn equal_targets_make_a_pass_fail_indicator() {
        let i = Indicator::lower("보안 침해 사고", d("0"), d("0"), d("0"), d("1"));
        assert_eq!(i.grade(), Grade::S);
        let i = Indicator::lower("보안 침해 사고", d("0"), d("0"), d("1"), d("1"));
        assert_eq!(i.grade(), Grade::F);
        let i = Indicator::higher("관제", d("1"), d("1"), d("1"), d("1"));
        assert_eq!(i.grade(), Grade::S);
    }

    #[test]
    fn reduction_of_a_28_digit_fee_is_exact() {
        let input = SlaInput::builder(d("7922816251426433759354395033"))
            .indicator(Indicator::higher("x", d("1"), d("0"), d("0"), d("1")))
            .penalty(Grade::C, d("33.333333333"))
            .build()
            .unwrap();
        let r = evaluate(&input).unwrap();
        assert_eq!(r.grade, Grade::C);
        assert_eq!(r.reduction.to_string(), "2640938750449068532280043565");
        assert_eq!(
            r.reduced_fee,
            d("7922816251426433759354395033") - d("2640938750449068532280043565")
        );
    }

    #[test]
    fn extreme_digits_do_not_panic() {
        let big = Decimal::MAX;
        let i = Indicator::higher("x", big, Decimal::MIN, d("0"), d("1"));
        assert_eq!(i.grade(), Grade::B);
        let tiny = d("0.0000000000000000000000000001");
        let i = Indicator::higher("x", big, tiny, d("0"), d("1"));
        assert_eq!(i.thresholds(), None);
        let input = SlaInput::builder(d("1")).indicator(i).build().unwrap();
        assert!(matches!(evaluate(&input), Err(Error::TooLarge(_))));
    }
}
