//! Exact money: strict decimal parsing and the guide's rounding rules (SPEC §1).
//!
//! Every amount is a [`Decimal`] parsed from its text — never through `f64` — and every
//! rounding says its strategy: R1 rounds a reference unit price half-up to 2 decimals, R2 and
//! R3 truncate to whole won (원 미만 절사).

use rust_decimal::{Decimal, RoundingStrategy};

/// Why a text is not an acceptable decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecimalTextError {
    /// Empty text.
    Empty,
    /// `NaN`, `inf`, scientific notation, thousands separators or other non-digits.
    NotADecimal,
    /// More digits than an exact 96-bit decimal can hold.
    TooLarge,
}

impl std::fmt::Display for DecimalTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecimalTextError::Empty => write!(f, "it is empty"),
            DecimalTextError::NotADecimal => write!(
                f,
                "it is not a plain decimal number (write digits with an optional '.', e.g. 1234.50; no thousands separators, exponents, NaN or inf)"
            ),
            DecimalTextError::TooLarge => {
                write!(f, "it has more digits than can be held exactly (at most 28 significant digits)")
            }
        }
    }
}

/// Parses a plain decimal number exactly: optional sign, digits, optional fraction.
///
/// Rejects `NaN`, `inf`, exponents (`1e5`), thousands separators and anything that would lose a
/// digit, so that `"256.30"` stays `256.30` and a 20-digit price keeps all of its digits.
///
/// ```
/// use cloud_tco::money::parse_decimal;
/// assert_eq!(parse_decimal("256.30").unwrap().to_string(), "256.30");
/// assert_eq!(parse_decimal("12345678901234567.89").unwrap().to_string(), "12345678901234567.89");
/// assert!(parse_decimal("1e5").is_err());
/// assert!(parse_decimal("NaN").is_err());
/// ```
pub fn parse_decimal(text: &str) -> Result<Decimal, DecimalTextError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DecimalTextError::Empty);
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut dots = 0;
    let mut digits = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return Err(DecimalTextError::NotADecimal),
        }
    }
    if digits == 0 || dots > 1 {
        return Err(DecimalTextError::NotADecimal);
    }
    let body = body.strip_prefix('+').unwrap_or(body);
    let normalized;
    let exact_text = if text.starts_with('+') {
        body
    } else if text.starts_with('-') {
        normalized = format!("-{body}");
        &normalized
    } else {
        text
    };
    Decimal::from_str_exact(exact_text).map_err(|_| DecimalTextError::TooLarge)
}

/// R1: a reference unit price, rounded half-up (away from zero) to 2 decimal places.
///
/// ```
/// use cloud_tco::money::{parse_decimal, round_unit_price};
/// assert_eq!(round_unit_price(parse_decimal("155.165").unwrap()).to_string(), "155.17");
/// assert_eq!(round_unit_price(parse_decimal("160").unwrap()).to_string(), "160.00");
/// ```
pub fn round_unit_price(price: Decimal) -> Decimal {
    let mut rounded = price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// R2/R3: truncation toward zero to whole won (원 미만 절사).
///
/// ```
/// use cloud_tco::money::{parse_decimal, truncate_won};
/// assert_eq!(truncate_won(parse_decimal("1575000.99").unwrap()).to_string(), "1575000");
/// ```
pub fn truncate_won(amount: Decimal) -> Decimal {
    let mut t = amount.trunc();
    t.rescale(0);
    t
}

/// `trunc(amount × pct / 100)` to whole won, as R3 computes VAT; `None` on overflow.
///
/// ```
/// use cloud_tco::money::{parse_decimal, percent_of};
/// let total = parse_decimal("263456457").unwrap();
/// assert_eq!(percent_of(total, parse_decimal("10").unwrap()).unwrap().to_string(), "26345645");
/// ```
pub fn percent_of(amount: Decimal, pct: Decimal) -> Option<Decimal> {
    // Exact: one product and one division in integers (big integers when needed), then
    // truncation — never a rounded intermediate.
    crate::amount::line_amount(amount, pct, &crate::amount::Ratio::small(1, 100)).ok()
}

/// The decimal digits of `n`, written into `buf` without the formatting machinery (hot paths
/// write many small integers).
pub(crate) fn digits(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).expect("ASCII digits")
}

/// Formats a whole-won amount with thousands separators: `1234567` → `1,234,567`.
///
/// ```
/// use cloud_tco::money::{group_thousands, parse_decimal};
/// assert_eq!(group_thousands(&parse_decimal("-1234567").unwrap()), "-1,234,567");
/// assert_eq!(group_thousands(&parse_decimal("1234.50").unwrap()), "1,234.50");
/// ```
pub fn group_thousands(amount: &Decimal) -> String {
    let text = amount.to_string();
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly_from_text() {
        assert_eq!(parse_decimal("0.1000").unwrap().to_string(), "0.1000");
        assert_eq!(parse_decimal("256.30").unwrap().to_string(), "256.30");
        assert_eq!(
            parse_decimal("12345678901234567890").unwrap().to_string(),
            "12345678901234567890"
        );
        assert_eq!(parse_decimal("+5").unwrap().to_string(), "5");
        assert_eq!(parse_decimal("-5.5").unwrap().to_string(), "-5.5");
        assert_eq!(parse_decimal(" 7 ").unwrap().to_string(), "7");
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        for bad in [
            "", "NaN", "nan", "inf", "-inf", "1e5", "1E5", "1,000", ".", "-", "1.2.3", "0x10", "１",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            parse_decimal("123456789012345678901234567890123").unwrap_err(),
            DecimalTextError::TooLarge
        );
    }

    #[test]
    fn r1_rounds_half_up_away_from_zero() {
        let d = |s| parse_decimal(s).unwrap();
        assert_eq!(round_unit_price(d("0.125")).to_string(), "0.13");
        assert_eq!(round_unit_price(d("0.135")).to_string(), "0.14");
        assert_eq!(round_unit_price(d("68483.3333333")).to_string(), "68483.33");
        assert_eq!(round_unit_price(d("-0.125")).to_string(), "-0.13");
    }

    #[test]
    fn truncation_is_toward_zero() {
        let d = |s| parse_decimal(s).unwrap();
        assert_eq!(truncate_won(d("9.999")).to_string(), "9");
        assert_eq!(truncate_won(d("-9.999")).to_string(), "-9");
        assert_eq!(
            percent_of(d("18437130.5"), d("10")).unwrap().to_string(),
            "1843713"
        );
    }
}
