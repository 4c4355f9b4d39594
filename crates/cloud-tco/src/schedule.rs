//! The usage window and its fiscal years (SPEC §5): which days of which months are used, and
//! the month fractions of partly used months (일할계산, guide §5.6.1).

use chrono::{Datelike, NaiveDate};

use crate::error::Error;

/// An exact fraction `num / den` with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator.
    pub num: i128,
    /// Denominator (> 0).
    pub den: i128,
}

impl Fraction {
    /// `num / den`, reduced.
    pub fn new(num: i128, den: i128) -> Fraction {
        let g = gcd(num.abs(), den.abs()).max(1);
        Fraction {
            num: num / g,
            den: den / g,
        }
    }
}

/// Greatest common divisor of two non-negative numbers.
pub(crate) fn gcd(mut a: i128, mut b: i128) -> i128 {
    // The usual case fits in 64 bits, where the remainder is one instruction rather than a
    // 128-bit library call; the result is the same number.
    if let (Ok(a64), Ok(b64)) = (u64::try_from(a), u64::try_from(b)) {
        return i128::from(gcd_u64(a64, b64));
    }
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

pub(crate) fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The period of cloud use: from the first day to the last day of use, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageWindow {
    /// First day of use (`service_start`).
    pub start: NaiveDate,
    /// Last day of use (inclusive).
    pub end: NaiveDate,
}

impl UsageWindow {
    /// The window of `years` years from `start`: the last day of use is the day before the same
    /// date `years` later, or — when that date does not exist (29 February) — the last day of
    /// that month, as the Civil Act counts periods in years.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cloud_tco::schedule::UsageWindow;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(UsageWindow::new(d(2026, 7, 1), 7).unwrap().end, d(2033, 6, 30));
    /// assert_eq!(UsageWindow::new(d(2024, 2, 29), 1).unwrap().end, d(2025, 2, 28));
    /// assert_eq!(UsageWindow::new(d(2025, 3, 1), 7).unwrap().end, d(2032, 2, 29));
    /// ```
    pub fn new(start: NaiveDate, years: u32) -> Result<UsageWindow, Error> {
        let too_large = || Error::TooLarge(format!("a usage period of {years} years from {start}"));
        let target_year = i32::try_from(years)
            .ok()
            .and_then(|y| start.year().checked_add(y))
            .ok_or_else(too_large)?;
        let end = match NaiveDate::from_ymd_opt(target_year, start.month(), start.day()) {
            Some(same_date) => same_date.pred_opt().ok_or_else(too_large)?,
            None => last_day_of_month(target_year, start.month()).ok_or_else(too_large)?,
        };
        Ok(UsageWindow { start, end })
    }

    /// The fiscal (calendar) years the window overlaps.
    pub fn fiscal_years(&self) -> std::ops::RangeInclusive<i32> {
        self.start.year()..=self.end.year()
    }

    /// Σ over the months of `year` of the covered fraction of each month: whole months count 1,
    /// partly covered months `days ÷ days_in_month`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cloud_tco::schedule::{UsageWindow, Fraction};
    /// let w = UsageWindow::new(NaiveDate::from_ymd_opt(2026, 7, 15).unwrap(), 7).unwrap();
    /// // 17 of 31 days of July, then five whole months.
    /// assert_eq!(w.months_in_year(2026), Fraction::new(5 * 31 + 17, 31));
    /// assert_eq!(w.months_in_year(2027), Fraction::new(12, 1));
    /// ```
    pub fn months_in_year(&self, year: i32) -> Fraction {
        if year < self.start.year() || year > self.end.year() {
            return Fraction::new(0, 1);
        }
        if year > self.start.year() && year < self.end.year() {
            // A year strictly inside the window is used in full: twelve whole months.
            return Fraction::new(12, 1);
        }
        let mut whole: i128 = 0;
        let mut acc = Fraction::new(0, 1);
        for month in 1..=12u32 {
            let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
                continue;
            };
            let Some(last) = last_day_of_month(year, month) else {
                continue;
            };
            let from = first.max(self.start);
            let to = last.min(self.end);
            if from > to {
                continue;
            }
            let days = i128::from((to - from).num_days() + 1);
            let dim = i128::from(last.day());
            if days == dim {
                whole += 1;
            } else {
                acc = Fraction::new(acc.num * dim + days * acc.den, acc.den * dim);
            }
        }
        Fraction::new(whole * acc.den + acc.num, acc.den)
    }
}

/// The last day of `month` in `year`.
pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn window_starting_on_the_first_has_whole_months() {
        let w = UsageWindow::new(d(2026, 7, 1), 7).unwrap();
        assert_eq!(w.months_in_year(2026), Fraction::new(6, 1));
        assert_eq!(w.months_in_year(2033), Fraction::new(6, 1));
        assert_eq!(w.months_in_year(2034), Fraction::new(0, 1));
        assert_eq!(w.fiscal_years(), 2026..=2033);
    }

    #[test]
    fn start_on_the_31st_of_december_counts_one_day() {
        let w = UsageWindow::new(d(2026, 12, 31), 1).unwrap();
        assert_eq!(w.end, d(2027, 12, 30));
        assert_eq!(w.months_in_year(2026), Fraction::new(1, 31));
        assert_eq!(w.months_in_year(2027), Fraction::new(11 * 31 + 30, 31));
    }

    #[test]
    fn leap_day_start_ends_on_the_last_day_of_february() {
        let w = UsageWindow::new(d(2024, 2, 29), 7).unwrap();
        assert_eq!(w.end, d(2031, 2, 28));
        // 2024: 1 day of 29 in February, then 10 whole months.
        assert_eq!(w.months_in_year(2024), Fraction::new(10 * 29 + 1, 29));
        assert_eq!(w.months_in_year(2031), Fraction::new(2, 1));
    }

    #[test]
    fn mid_month_start_and_end() {
        let w = UsageWindow::new(d(2026, 7, 15), 1).unwrap();
        assert_eq!(w.end, d(2027, 7, 14));
        assert_eq!(w.months_in_year(2027), Fraction::new(6 * 31 + 14, 31));
    }
}
