//! Days as the engine sees them: `i32` offsets from the scenario's `start`, and the calendar that
//! turns them back into dates.
//!
//! Everything inside the simulator works on [`Day`]s; `chrono::NaiveDate` appears only where a
//! scenario is read or a report is written. Unbounded ends are represented by the sentinels
//! [`ALWAYS`] and [`FOREVER`], chosen far enough from `i32`'s limits that `day + 1` and `day - 1`
//! never overflow.

use chrono::{Datelike, NaiveDate};

/// A day, counted from the scenario's `start` (day 0). Negative days are before the start.
pub type Day = i32;

/// "Since forever": a lower bound that every day is after.
pub const ALWAYS: Day = i32::MIN / 4;
/// "Never" / "for ever": an upper bound that every day is before.
pub const FOREVER: Day = i32::MAX / 4;

/// An inclusive range of days, `from..=until`; an absent bound is [`ALWAYS`] or [`FOREVER`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// First day inside the window.
    pub from: Day,
    /// Last day inside the window.
    pub until: Day,
}

impl Window {
    /// The window that contains every day.
    pub(crate) const ALL: Window = Window {
        from: ALWAYS,
        until: FOREVER,
    };

    /// A window from `from` to `until`, both inclusive.
    pub(crate) fn new(from: Day, until: Day) -> Self {
        Window { from, until }
    }

    /// Whether `day` is inside the window.
    #[inline]
    pub(crate) fn contains(&self, day: Day) -> bool {
        self.from <= day && day <= self.until
    }

    /// The days in both windows (possibly empty: `from > until`).
    pub(crate) fn intersect(&self, other: &Window) -> Window {
        Window {
            from: self.from.max(other.from),
            until: self.until.min(other.until),
        }
    }

    /// Whether the window holds no day.
    pub(crate) fn is_empty(&self) -> bool {
        self.from > self.until
    }

    /// The days on which membership can change: `from` and `until + 1` when they are bounded.
    pub(crate) fn edges(&self) -> impl Iterator<Item = Day> {
        let from = (self.from != ALWAYS).then_some(self.from);
        let after = (self.until != FOREVER).then_some(self.until + 1);
        from.into_iter().chain(after)
    }
}

/// Converts between calendar dates and [`Day`] offsets for one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// The scenario's first day (day 0).
    pub(crate) start: NaiveDate,
}

impl Calendar {
    /// A calendar whose day 0 is `start`.
    pub(crate) fn new(start: NaiveDate) -> Self {
        Calendar { start }
    }

    /// The offset of `date` from the start.
    pub fn day(&self, date: NaiveDate) -> Day {
        (date - self.start).num_days() as Day
    }

    /// The date of `day`. Sentinels have no date; callers check for them first.
    pub fn date(&self, day: Day) -> NaiveDate {
        debug_assert!(day != ALWAYS && day != FOREVER);
        self.start + chrono::Duration::days(i64::from(day))
    }
}

/// `date` moved by `years` calendar years; 29 February becomes 28 February in a year without it.
pub(crate) fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), date.day() - 1))
        .unwrap_or(date)
}

/// An agreement renewed back to back: periods `[start + k·term, start + (k+1)·term − 1 day]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    /// First day of period 0.
    pub start: NaiveDate,
    /// Length of each period in whole calendar years (≥ 1).
    pub term_years: u32,
}

impl Agreement {
    /// First day of period `k` (any integer `k`), computed from `start`.
    pub(crate) fn period_start(&self, k: i64) -> NaiveDate {
        add_years(self.start, (k * i64::from(self.term_years)) as i32)
    }

    /// The index `k` of the period covering `date`.
    pub(crate) fn period_index(&self, date: NaiveDate) -> i64 {
        let years = i64::from(self.term_years);
        let mut k = (i64::from(date.year()) - i64::from(self.start.year())).div_euclid(years);
        while self.period_start(k) > date {
            k -= 1;
        }
        while self.period_start(k + 1) <= date {
            k += 1;
        }
        k
    }

    /// `(first day, last day)` of the period covering `date`.
    pub fn period_covering(&self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let k = self.period_index(date);
        let next = self.period_start(k + 1);
        (self.period_start(k), next - chrono::Duration::days(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn leap_day_becomes_28_february() {
        assert_eq!(add_years(ymd(2012, 2, 29), 1), ymd(2013, 2, 28));
        assert_eq!(add_years(ymd(2012, 2, 29), 4), ymd(2016, 2, 29));
    }

    #[test]
    fn agreement_periods_are_back_to_back_and_computed_from_start() {
        let a = Agreement {
            start: ymd(2012, 2, 29),
            term_years: 1,
        };
        // Period 1 starts 2013-02-28 (no 29th), period 4 on 2016-02-29 again: from start, not chained.
        assert_eq!(a.period_start(1), ymd(2013, 2, 28));
        assert_eq!(a.period_start(4), ymd(2016, 2, 29));
        assert_eq!(
            a.period_covering(ymd(2013, 2, 27)),
            (ymd(2012, 2, 29), ymd(2013, 2, 27))
        );
        assert_eq!(
            a.period_covering(ymd(2013, 2, 28)),
            (ymd(2013, 2, 28), ymd(2014, 2, 27))
        );
        // Periods before the start exist too (k < 0).
        assert_eq!(
            a.period_covering(ymd(2011, 6, 1)),
            (ymd(2011, 2, 28), ymd(2012, 2, 28))
        );
    }

    #[test]
    fn three_year_terms() {
        let a = Agreement {
            start: ymd(2010, 11, 1),
            term_years: 3,
        };
        assert_eq!(
            a.period_covering(ymd(2012, 8, 31)),
            (ymd(2010, 11, 1), ymd(2013, 10, 31))
        );
        assert_eq!(
            a.period_covering(ymd(2013, 11, 1)),
            (ymd(2013, 11, 1), ymd(2016, 10, 31))
        );
        assert_eq!(a.period_index(ymd(2007, 10, 31)), -2);
    }

    #[test]
    fn window_edges_skip_unbounded_ends() {
        assert_eq!(Window::ALL.edges().count(), 0);
        assert_eq!(Window::new(3, 9).edges().collect::<Vec<_>>(), vec![3, 10]);
        assert!(Window::new(3, 2).is_empty());
    }
}
