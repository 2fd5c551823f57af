//! Where the ticks of an axis go: one round step (1, 2, 2.5 or 5 × 10^k) for counts from 0 and
//! for figures over any range, and the months of a time axis.

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

/// X axis ticks: the first day of every k-th month inside `origin + lo ..= origin + hi`, with k
/// chosen for at most 14 labels, and the label format that goes with it.
pub(crate) fn x_ticks(origin: NaiveDate, lo: i32, hi: i32) -> (Vec<i32>, &'static str) {
    let first = origin + TimeDelta::days(i64::from(lo));
    let last = origin + TimeDelta::days(i64::from(hi));
    let months =
        (last.year() - first.year()) * 12 + last.month0() as i32 - first.month0() as i32 + 1;
    let every = [1, 2, 3, 6, 12, 24, 60, 120, 240]
        .into_iter()
        .find(|k| months / k <= 14)
        .unwrap_or(600);
    let format = if every >= 12 { "%Y" } else { "%Y-%m" };
    let mut ticks = Vec::new();
    let mut month = first.with_day(1).unwrap_or(first);
    while month <= last {
        let index = month.year() * 12 + month.month0() as i32;
        if month >= first && index.rem_euclid(every) == 0 {
            ticks.push((month - origin).num_days() as i32);
        }
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    if ticks.is_empty() {
        // A range shorter than the tick spacing (one reported day): label the data's own day.
        return (vec![0], "%Y-%m-%d");
    }
    (ticks, format)
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
}
