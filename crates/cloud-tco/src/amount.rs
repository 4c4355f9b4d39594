//! Exact line amounts: `price × quantity × factor`, truncated to whole won (R2).
//!
//! The factor of a fiscal year — discount × escalation^i × months used — is an exact fraction.
//! Products are formed first and divided last, in 128-bit integers when they fit and in big
//! integers when they do not, so a result is never one won short and never silently wrapped.

use num_bigint::BigInt;
use num_traits::{One, ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::error::Error;
use crate::schedule::{gcd, gcd_u64, Fraction};

/// An exact non-negative fraction, small or big.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ratio {
    /// Fits in 128-bit integers.
    Small {
        /// Numerator.
        num: i128,
        /// Denominator (> 0).
        den: i128,
    },
    /// Needs big integers.
    Big {
        /// Numerator.
        num: BigInt,
        /// Denominator (> 0).
        den: BigInt,
    },
}

fn decimal_parts(d: Decimal) -> (i128, u32) {
    (d.mantissa(), d.scale())
}

/// 10^0 … 10^38, every power of ten an i128 holds.
const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

fn big_pow10(exp: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), exp as usize)
}

impl Ratio {
    /// `(100 + pct) / 100` as a fraction: the factor of a percentage change.
    pub fn percent_factor(pct: Decimal) -> Ratio {
        let (m, s) = decimal_parts(pct);
        match pow10(s)
            .and_then(|p| p.checked_mul(100))
            .and_then(|den| Some((den.checked_add(m)?, den)))
        {
            Some((num, den)) => Ratio::small(num, den),
            None => {
                let den: BigInt = big_pow10(s) * BigInt::from(100);
                Ratio::big(den.clone() + BigInt::from(m), den)
            }
        }
    }

    /// A reduced small ratio.
    pub fn small(num: i128, den: i128) -> Ratio {
        let g = gcd(num.abs(), den.abs()).max(1);
        Ratio::Small {
            num: num / g,
            den: den / g,
        }
    }

    fn big(num: BigInt, den: BigInt) -> Ratio {
        let g = num::integer_gcd(&num, &den);
        let (num, den) = if g.is_zero() || g.is_one() {
            (num, den)
        } else {
            (num / &g, den / &g)
        };
        match (num.to_i128(), den.to_i128()) {
            (Some(num), Some(den)) => Ratio::Small { num, den },
            _ => Ratio::Big { num, den },
        }
    }

    fn to_big(&self) -> (BigInt, BigInt) {
        match self {
            Ratio::Small { num, den } => (BigInt::from(*num), BigInt::from(*den)),
            Ratio::Big { num, den } => (num.clone(), den.clone()),
        }
    }

    /// The product of two ratios, reduced.
    pub fn mul(&self, other: &Ratio) -> Ratio {
        if let (Ratio::Small { num: a, den: b }, Ratio::Small { num: c, den: d }) = (self, other) {
            // The usual factors (percentages, month fractions) are small and non-negative:
            // 64-bit remainders and divisions instead of 128-bit library calls.
            if let (Ok(a), Ok(b), Ok(c), Ok(d)) = (
                u64::try_from(*a),
                u64::try_from(*b),
                u64::try_from(*c),
                u64::try_from(*d),
            ) {
                let g1 = gcd_u64(a, d).max(1);
                let g2 = gcd_u64(c, b).max(1);
                let num = u128::from(a / g1) * u128::from(c / g2);
                let den = u128::from(b / g2) * u128::from(d / g1);
                if let (Ok(num), Ok(den)) = (i128::try_from(num), i128::try_from(den)) {
                    return Ratio::Small { num, den };
                }
            }
            // Cross-reduce first to keep the numbers small.
            let g1 = gcd(a.abs(), d.abs()).max(1);
            let g2 = gcd(c.abs(), b.abs()).max(1);
            if let (Some(num), Some(den)) =
                ((a / g1).checked_mul(c / g2), (b / g2).checked_mul(d / g1))
            {
                return Ratio::Small { num, den };
            }
        }
        let (a, b) = self.to_big();
        let (c, d) = other.to_big();
        Ratio::big(a * c, b * d)
    }

    /// `self^exp`.
    pub fn pow(&self, exp: u32) -> Ratio {
        let mut result = Ratio::Small { num: 1, den: 1 };
        let mut base = self.clone();
        let mut e = exp;
        while e > 0 {
            if e & 1 == 1 {
                result = result.mul(&base);
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
            }
        }
        result
    }

    /// From a month fraction.
    pub fn from_fraction(f: Fraction) -> Ratio {
        Ratio::small(f.num, f.den)
    }

    /// Whether the ratio is zero.
    pub fn is_zero(&self) -> bool {
        match self {
            Ratio::Small { num, .. } => *num == 0,
            Ratio::Big { num, .. } => num.is_zero(),
        }
    }
}

mod num {
    use num_bigint::BigInt;
    use num_integer::Integer;

    pub fn integer_gcd(a: &BigInt, b: &BigInt) -> BigInt {
        a.gcd(b)
    }
}

/// `trunc(price × quantity × factor)` exactly, as whole won (R2).
///
/// ```
/// use cloud_tco::amount::{line_amount, Ratio};
/// use rust_decimal::Decimal;
/// // 315,000.00 won × 1 × 5/31 of a month → 50,806 won (50,806.45… truncated).
/// let a = line_amount(Decimal::new(31500000, 2), Decimal::ONE, &Ratio::small(5, 31)).unwrap();
/// assert_eq!(a.to_string(), "50806");
/// ```
#[inline]
pub fn line_amount(price: Decimal, quantity: Decimal, factor: &Ratio) -> Result<Decimal, Error> {
    if let Ratio::Small { num, den } = factor {
        if let Some(amount) = small_amount(price, quantity, *num, *den) {
            return Ok(amount);
        }
    }
    general_amount(price, quantity, factor)
}

/// The usual case of [`line_amount`]: non-negative operands of at most 64 bits each, whose
/// product and divisor fit in 128 bits. `None` sends the caller to the general path.
#[inline]
fn small_amount(price: Decimal, quantity: Decimal, num: i128, den: i128) -> Option<Decimal> {
    let num = u64::try_from(num).ok()?;
    let den = u64::try_from(den).ok().filter(|&d| d > 0)?;
    Product::new(price, quantity)?
        .times(num, den)
        .map(won_decimal)
}

/// A whole number of won below 2^96 as a decimal of scale 0.
#[inline]
pub(crate) fn won_decimal(won: u128) -> Decimal {
    Decimal::from_parts(won as u32, (won >> 32) as u32, (won >> 64) as u32, false, 0)
}

/// `price × quantity` as an unsigned integer over a power of ten: the part of a line's amount
/// that is the same in every year, so that each year costs one multiplication and one
/// division (a few instructions, kept inline in the callers' loops).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Product {
    n: u128,
    scale: u64,
}

impl Product {
    /// The product of non-negative operands of at most 64 bits each; `None` otherwise.
    #[inline]
    pub(crate) fn new(price: Decimal, quantity: Decimal) -> Option<Product> {
        let p = u64::try_from(price.mantissa()).ok()?;
        let q = u64::try_from(quantity.mantissa()).ok()?;
        let scale = u64::try_from(*POW10.get((price.scale() + quantity.scale()) as usize)?).ok()?;
        Some(Product {
            n: u128::from(p) * u128::from(q),
            scale,
        })
    }

    /// `trunc(price × quantity × num / den)` in whole won (`den > 0`), exactly as
    /// [`line_amount`] computes it; `None` when the numbers leave 128 bits or the result
    /// exceeds a decimal (2^96). [`won_decimal`] makes it a decimal.
    #[inline]
    pub(crate) fn times(&self, num: u64, den: u64) -> Option<u128> {
        let n = if self.n >> 64 == 0 {
            u128::from(self.n as u64) * u128::from(num)
        } else {
            self.n.checked_mul(u128::from(num))?
        };
        let d = u128::from(self.scale) * u128::from(den);
        let quotient = if (n | d) >> 64 == 0 {
            // One hardware division instead of a 128-bit routine.
            u128::from(n as u64 / d as u64)
        } else {
            n / d
        };
        (quotient >> 96 == 0).then_some(quotient)
    }
}

impl Ratio {
    /// The ratio as `(num, den)` of at most 64 bits each with `num >= 0` and `den > 0`, the
    /// form [`Product::times`] takes.
    pub(crate) fn small_u64(&self) -> Option<(u64, u64)> {
        match self {
            Ratio::Small { num, den } => Some((
                u64::try_from(*num).ok()?,
                u64::try_from(*den).ok().filter(|&d| d > 0)?,
            )),
            Ratio::Big { .. } => None,
        }
    }
}

/// [`line_amount`] for any operands: signed, in 128-bit integers when the products fit and in
/// big integers when they do not.
#[cold]
#[inline(never)]
fn general_amount(price: Decimal, quantity: Decimal, factor: &Ratio) -> Result<Decimal, Error> {
    let (pm, ps) = decimal_parts(price);
    let (qm, qs) = decimal_parts(quantity);
    if let Ratio::Small { num, den } = factor {
        let small = pm
            .checked_mul(qm)
            .and_then(|x| x.checked_mul(*num))
            .zip(pow10(ps + qs).and_then(|p| p.checked_mul(*den)));
        if let Some((n, d)) = small {
            return whole_won(n / d);
        }
    }
    let (num, den) = factor.to_big();
    let n = BigInt::from(pm) * BigInt::from(qm) * num;
    let d = big_pow10(ps + qs) * den;
    let q = n / d; // BigInt division truncates toward zero.
    match q.to_i128() {
        Some(q) => whole_won(q),
        None => Err(too_large()),
    }
}

fn whole_won(q: i128) -> Result<Decimal, Error> {
    Decimal::try_from_i128_with_scale(q, 0).map_err(|_| too_large())
}

fn too_large() -> Error {
    Error::TooLarge("a line amount exceeds 79,228,162,514,264,337,593,543,950,335 won".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_product_is_not_truncated_one_won_short() {
        // 0.1 × 3 × 10/3 = 1 exactly; a float or early division would give 0.999… → 0.
        let a = line_amount(Decimal::new(1, 1), Decimal::from(3), &Ratio::small(10, 3)).unwrap();
        assert_eq!(a, Decimal::ONE);
    }

    #[test]
    fn escalation_factor_is_exact() {
        let g = Ratio::percent_factor(Decimal::new(25, 1)); // 2.5 % → 41/40
        assert_eq!(g, Ratio::Small { num: 41, den: 40 });
        assert_eq!(
            g.pow(3),
            Ratio::Small {
                num: 68921,
                den: 64000
            }
        );
        let d = Ratio::percent_factor(Decimal::new(-75, 1)); // −7.5 % → 37/40
        assert_eq!(d, Ratio::Small { num: 37, den: 40 });
    }

    #[test]
    fn big_powers_fall_back_to_big_integers() {
        let g = Ratio::percent_factor(Decimal::new(3, 0)).pow(60); // 1.03^60 ≈ 5.89
        assert!(matches!(g, Ratio::Big { .. }));
        let a = line_amount(Decimal::from(1_000_000), Decimal::ONE, &g).unwrap();
        assert_eq!(a.to_string(), "5891603");
    }

    /// The 64- and 128-bit fast paths give what exact big-integer arithmetic gives.
    #[test]
    fn fast_paths_agree_with_big_integers() {
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 11) % m
        };
        for _ in 0..20_000 {
            let (pb, qb, nb, db) = (10 + next(40), 1 + next(30), 1 + next(60), 1 + next(50));
            let price = Decimal::new(next(1 << pb) as i64, next(5) as u32);
            let quantity = Decimal::new(next(1 << qb) as i64, next(4) as u32);
            let factor = Ratio::small(1 + next(1 << nb) as i128, 1 + next(1 << db) as i128);
            let (num, den) = factor.to_big();
            let n = BigInt::from(price.mantissa()) * BigInt::from(quantity.mantissa()) * num;
            let d = big_pow10(price.scale() + quantity.scale()) * den;
            let want = (n / d).to_i128().unwrap();
            match line_amount(price, quantity, &factor) {
                Ok(got) => assert_eq!(
                    got,
                    Decimal::from(want),
                    "{price} × {quantity} × {factor:?}"
                ),
                Err(_) => assert!(Decimal::try_from_i128_with_scale(want, 0).is_err()),
            }
        }
    }

    #[test]
    fn too_large_is_an_error() {
        let g = Ratio::percent_factor(Decimal::from(900)).pow(400);
        assert!(matches!(
            line_amount(Decimal::ONE, Decimal::ONE, &g),
            Err(Error::TooLarge(_))
        ));
    }
}
