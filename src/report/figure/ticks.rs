//! Where the ticks of an axis go: one round step (1, 2, 2.5 or 5 × 10^k) for counts from 0 and
//! for figures over any range, and the months of a time axis (for a PNG, at the spacing that
//! suits its width; for the interactive charts of `report.html`, at every spacing, since only the
//! page knows its width).

use chrono::{Datelike, Months, NaiveDate, TimeDelta};

/// The smallest round step (1, 2, 2.5 or 5 × 10^k) at or above `rough` (finite, above 0).
fn round_step(rough: f64) -> f64 {
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude)
}

/// Y axis ticks for values up to `max`: a round step (at least 1, since every metric is a count)
/// and ticks from 0 to the first multiple at or above `max`. The axis ends at a tick, so the ticks
/// cover `max` rather than stay inside it as [`round_ticks`] do.
pub(crate) fn y_ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let step = round_step(max / 6.0).max(1.0);
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Round ticks inside `lo..=hi`, about `count` of them, and their step.
pub(crate) fn round_ticks(lo: f64, hi: f64, count: f64) -> (Vec<f64>, f64) {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return (vec![lo], 1.0);
    }
    let step = round_step(span / count);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    (ticks, step)
}

/// The spacings, in months, a time axis may put between its ticks, densest first.
const MONTH_STEPS: [i32; 9] = [1, 2, 3, 6, 12, 24, 60, 120, 240];

/// At most this many month labels on a PNG chart's time axis.
const MAX_MONTH_LABELS: i32 = 14;

/// The x range of a plot over time whose last reported day is `last` days after its first: those
/// days, or a month around the one day when there is only one (a range of zero width has no
/// scale).
pub(crate) fn time_range(last: i32) -> (i32, i32) {
    if last > 0 { (0, last) } else { (-15, 15) }
}

/// The ticks of a time axis over `origin + lo ..= origin + hi` at one spacing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MonthTicks {
    /// Months between ticks.
    pub(crate) every: i32,
    /// Days since `origin` of the ticks, in order.
    pub(crate) days: Vec<i32>,
    /// The `strftime` format of their labels.
    pub(crate) format: &'static str,
}

impl MonthTicks {
    /// The labels of the ticks, dates `days` after `origin` in [`MonthTicks::format`].
    pub(crate) fn labels(&self, origin: NaiveDate) -> Vec<String> {
        self.days
            .iter()
            .map(|d| {
                (origin + TimeDelta::days(i64::from(*d)))
                    .format(self.format)
                    .to_string()
            })
            .collect()
    }
}

/// How many calendar months `origin + lo ..= origin + hi` touches (its first and last in full).
pub(crate) fn months_spanned(origin: NaiveDate, lo: i32, hi: i32) -> i32 {
    let first = origin + TimeDelta::days(i64::from(lo));
    let last = origin + TimeDelta::days(i64::from(hi));
    (last.year() - first.year()) * 12 + last.month0() as i32 - first.month0() as i32 + 1
}

/// X axis ticks every `every` months: the first day of every month inside
/// `origin + lo ..= origin + hi` whose number (counted from year 0) `every` divides, labelled by
/// year from a year's spacing up, else by month. A range holding no such day (shorter than the
/// spacing) gets one tick on `origin`, labelled with the whole date.
pub(crate) fn month_ticks(origin: NaiveDate, lo: i32, hi: i32, every: i32) -> MonthTicks {
    let first = origin + TimeDelta::days(i64::from(lo));
    let last = origin + TimeDelta::days(i64::from(hi));
    let format = if every >= 12 { "%Y" } else { "%Y-%m" };
    let mut days = Vec::new();
    let mut month = first.with_day(1).unwrap_or(first);
    while month <= last {
        let index = month.year() * 12 + month.month0() as i32;
        if month >= first && index.rem_euclid(every) == 0 {
            days.push((month - origin).num_days() as i32);
        }
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    if days.is_empty() {
        return day_tick(every);
    }
    MonthTicks {
        every,
        days,
        format,
    }
}

/// The one tick of a time axis with no month tick to show: the first reported day, labelled with
/// the whole date.
fn day_tick(every: i32) -> MonthTicks {
    MonthTicks {
        every,
        days: vec![0],
        format: "%Y-%m-%d",
    }
}

/// X axis ticks of a PNG chart: the first day of every k-th month inside
/// `origin + lo ..= origin + hi` ([`month_ticks`]), with k chosen for at most 14 labels, and the
/// label format that goes with it.
pub(crate) fn x_ticks(origin: NaiveDate, lo: i32, hi: i32) -> (Vec<i32>, &'static str) {
    let months = months_spanned(origin, lo, hi);
    let every = MONTH_STEPS
        .into_iter()
        .find(|k| months / k <= MAX_MONTH_LABELS)
        .unwrap_or(600);
    let t = month_ticks(origin, lo, hi, every);
    (t.days, t.format)
}

/// The x ticks of a PNG chart over time whose last reported day is `last` days after `origin`
/// (over [`time_range`]): [`x_ticks`], or the one reported day's.
pub(crate) fn time_ticks(origin: NaiveDate, last: i32) -> (Vec<i32>, &'static str) {
    if last > 0 {
        x_ticks(origin, 0, last)
    } else {
        let t = day_tick(1);
        (t.days, t.format)
    }
}

/// The ticks of a plot over time whose last reported day is `last` days after `origin`, at every
/// spacing it may take, densest first: for an axis whose width is known only when it is drawn
/// (the interactive charts of `report.html` pick one by the width of the window). With one
/// reported day, its one tick as a PNG chart labels it.
pub(crate) fn time_tick_choices(origin: NaiveDate, last: i32) -> Vec<MonthTicks> {
    let (lo, hi) = time_range(last);
    if last <= 0 {
        return vec![day_tick(1)];
    }
    MONTH_STEPS
        .into_iter()
        .map(|every| month_ticks(origin, lo, hi, every))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_ticks_start_at_zero_and_cover_the_maximum() {
        assert_eq!(y_ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(y_ticks(3.0), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(
            y_ticks(9500.0),
            vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0]
        );
    }

    #[test]
    fn round_ticks_stay_inside_their_range() {
        let (ticks, step) = round_ticks(0.37, 0.52, 7.0);
        assert_eq!(step, 0.025);
        assert_eq!(ticks.first().copied(), Some(0.375));
        assert_eq!(round_ticks(3.0, 3.0, 7.0).0, vec![3.0]);
    }

    #[test]
    fn month_ticks() {
        let origin = NaiveDate::from_ymd_opt(2012, 7, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2014, 12, 31).unwrap();
        let (t, f) = x_ticks(origin, 0, (end - origin).num_days() as i32);
        assert_eq!(f, "%Y-%m");
        let labels: Vec<String> = t
            .iter()
            .map(|d| {
                (origin + TimeDelta::days(i64::from(*d)))
                    .format(f)
                    .to_string()
            })
            .collect();
        assert_eq!(
            labels,
            [
                "2012-07", "2012-10", "2013-01", "2013-04", "2013-07", "2013-10", "2014-01",
                "2014-04", "2014-07", "2014-10"
            ]
        );
        assert_eq!(x_ticks(origin, 3, 20), (vec![0], "%Y-%m-%d"));
    }

    #[test]
    fn tick_choices_run_from_dense_to_sparse_and_hold_the_png_s() {
        let origin = NaiveDate::from_ymd_opt(2012, 7, 1).unwrap();
        let last = (NaiveDate::from_ymd_opt(2014, 12, 31).unwrap() - origin).num_days() as i32;
        let choices = time_tick_choices(origin, last);
        assert_eq!(choices.len(), MONTH_STEPS.len());
        assert_eq!(choices[0].days.len(), 30);
        assert!(
            choices
                .windows(2)
                .all(|w| w[0].days.len() >= w[1].days.len())
        );
        let (png, format) = time_ticks(origin, last);
        assert!(choices.iter().any(|c| c.days == png && c.format == format));
        // Every two years: 2014 only (2012-07 is past 2012's first month).
        assert_eq!(choices[5].labels(origin), ["2014"]);
        // One reported day: that day, labelled in full.
        let one = time_tick_choices(origin, 0);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].labels(origin), ["2012-07-01"]);
        assert_eq!(time_ticks(origin, 0), (vec![0], "%Y-%m-%d"));
    }
}
