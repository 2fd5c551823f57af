//! The axes of a plot over time: days on x, labelled with dates; counts from 0 on y, with
//! thousands separators; the grid, and the key-date markers behind the data.

use super::markers::{BADGE_ROW_HEIGHT, BADGE_ROWS, Markers, key_date_markers};
use super::style::{AXIS, GRID, TEXT_MUTED, font, plot_err, stroke, z};
use super::ticks::{round_ticks, time_range, time_ticks, y_ticks};
use crate::report::number::thousands;
use crate::scenario::KeyDate;
use chrono::{NaiveDate, TimeDelta};
use plotters::coord::Shift;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordi32;
use plotters::prelude::*;
use std::ops::Range;

/// The y axis: counts from its first tick (0, unless a chart zooms to its data) to its last,
/// labelled only at those ticks. (plotters'
/// own `f64` axis picks fractional ticks for small counts and cannot take given ticks and still be
/// formatted.)
pub(crate) struct CountAxis {
    /// Tick values from the bottom of the axis up; the last is the top.
    pub(crate) ticks: Vec<f64>,
}

impl CountAxis {
    /// The top of the axis: its last tick when it lies above the first (else 1).
    pub(crate) fn top(&self) -> f64 {
        match (self.ticks.first(), self.ticks.last()) {
            (Some(&first), Some(&last)) if last > first => last,
            _ => 1.0,
        }
    }

    /// The y axis of counts up to `max` from 0: [`y_ticks`] with a little room above `max`, so a
    /// line at its highest does not run along the top of the plot. Every chart of counts from 0
    /// has it, the interactive charts of `report.html` too.
    pub(crate) fn from_zero(max: f64) -> CountAxis {
        CountAxis {
            ticks: y_ticks(max * 1.03),
        }
    }

    /// The y axis of differences from `lo` to `hi`, which may be negative: round ticks from
    /// just below the lower of `lo` and 0 to just above the higher of `hi` and 0, so the zero line
    /// (no difference) is always on the axis.
    pub(crate) fn around_zero(lo: f64, hi: f64) -> CountAxis {
        let (lo, hi) = (lo.min(0.0), hi.max(0.0));
        if !(lo.is_finite() && hi.is_finite()) || hi - lo < 1e-9 {
            return CountAxis {
                ticks: vec![-1.0, 0.0, 1.0],
            };
        }
        let margin = (hi - lo) * 0.05;
        // Whole steps: the labels are whole counts.
        let step = round_ticks(lo - margin, hi + margin, 6.0).1.max(1.0);
        let bottom = if lo < 0.0 {
            ((lo - margin) / step).floor() * step
        } else {
            0.0
        };
        let top = if hi > 0.0 {
            ((hi + margin) / step).ceil() * step
        } else {
            0.0
        };
        CountAxis::stepped(bottom, top, step)
    }

    /// The y axis of values from `lo` to `hi`: zoomed to them (round ticks from just below `lo` to
    /// just above `hi`) when that leaves out at least a quarter of the range from 0, so that runs a
    /// percentage point apart are told apart; else from 0, as every chart of counts. A zoomed axis's
    /// first tick is above 0, and the chart says so.
    pub(crate) fn zoomed(lo: f64, hi: f64) -> CountAxis {
        let from_zero = || CountAxis::from_zero(hi);
        if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi >= lo) {
            return from_zero();
        }
        let margin = ((hi - lo) * 0.08).max(hi * 0.005).max(0.5);
        let (_, step) = round_ticks(lo - margin, hi + margin, 6.0);
        let step = step.max(1.0);
        let bottom = ((lo - margin) / step).floor() * step;
        let top = ((hi + margin) / step).ceil() * step;
        if bottom < 0.25 * top || bottom <= 0.0 {
            return from_zero();
        }
        CountAxis::stepped(bottom, top, step)
    }

    /// Ticks every `step` from `bottom` to `top` (both on the step).
    fn stepped(bottom: f64, top: f64, step: f64) -> CountAxis {
        let n = ((top - bottom) / step).round() as usize;
        CountAxis {
            ticks: (0..=n).map(|i| bottom + i as f64 * step).collect(),
        }
    }

    /// The bottom of the axis: its first tick (0 when it has none).
    pub(crate) fn bottom(&self) -> f64 {
        self.ticks
            .first()
            .copied()
            .filter(|b| *b < self.top())
            .unwrap_or(0.0)
    }
}

impl Ranged for CountAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.bottom()) / (self.top() - self.bottom());
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.bottom()..self.top()
    }
}

/// The outline of a p05–p95 band around a line over time, as a polygon: along `p95` at the
/// line's days `mean`, then back along `p05`.
pub(crate) fn band_outline(mean: &[(i32, f64)], p05: &[f64], p95: &[f64]) -> Vec<(i32, f64)> {
    let upper = mean.iter().zip(p95).map(|((x, _), hi)| (*x, *hi));
    let lower = mean.iter().zip(p05).rev().map(|((x, _), lo)| (*x, *lo));
    upper.chain(lower).collect()
}

/// The coordinates of a plot over time: days since the first reported date, and counts.
pub(crate) type TimeCoord = Cartesian2d<WithKeyPoints<RangedCoordi32>, CountAxis>;

/// Lays out a plot over time in `plot_area` (from [`super::frame::plot_area`]): x in days from `origin` to
/// `last` days later (a month around `origin` when `last` is 0), labelled with dates; y from 0 to
/// a round number above `y_max`, with thousands separators, described as `unit`. Draws the axes,
/// the grid and the markers of `key_dates` (whose tags go on `root`, above the plot), and returns
/// the chart context and the markers, whose tags are drawn after the data.
pub(crate) fn time_plot<'a, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot_area: &'a DrawingArea<DB, Shift>,
    origin: NaiveDate,
    last: i32,
    y_max: f64,
    unit: &str,
    key_dates: &[KeyDate],
) -> anyhow::Result<(ChartContext<'a, DB, TimeCoord>, Markers)> {
    let y_axis = CountAxis::from_zero(y_max);
    time_plot_on(root, plot_area, origin, last, y_axis, unit, key_dates)
}

/// [`time_plot`] on a given y axis (one that starts above 0, say).
pub(crate) fn time_plot_on<'a, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot_area: &'a DrawingArea<DB, Shift>,
    origin: NaiveDate,
    last: i32,
    y_axis: CountAxis,
    unit: &str,
    key_dates: &[KeyDate],
) -> anyhow::Result<(ChartContext<'a, DB, TimeCoord>, Markers)> {
    let bottom = y_axis.bottom();
    let (x_lo, x_hi) = time_range(last);
    let (x_key, x_format) = time_ticks(origin, last);
    let mut ctx = ChartBuilder::on(plot_area)
        .margin_top(z(BADGE_ROWS as i32 * BADGE_ROW_HEIGHT + 8))
        .margin_left(z(24))
        .margin_right(z(36))
        .margin_bottom(z(16))
        .x_label_area_size(z(64))
        .y_label_area_size(z(128))
        .build_cartesian_2d((x_lo..x_hi).with_key_points(x_key), y_axis)
        .map_err(plot_err("laying out the axes"))?;
    let fmt_x = |x: &i32| {
        (origin + TimeDelta::days(i64::from(*x)))
            .format(x_format)
            .to_string()
    };
    let fmt_y = |y: &f64| thousands(*y);
    ctx.configure_mesh()
        .x_desc("date")
        .y_desc(unit)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .label_style(font(18.0).color(&TEXT_MUTED))
        .axis_desc_style(font(20.0))
        .bold_line_style(stroke(GRID, 1))
        .light_line_style(TRANSPARENT)
        .axis_style(stroke(AXIS, 1))
        .set_all_tick_mark_size(z(6))
        .draw()
        .map_err(plot_err("drawing the axes"))?;

    // Key-date markers, behind the data.
    let (_, px_y) = ctx.plotting_area().get_pixel_range();
    let markers = key_date_markers(
        root,
        key_dates,
        origin + TimeDelta::days(i64::from(x_lo)),
        origin + TimeDelta::days(i64::from(x_hi)),
        |d| {
            ctx.backend_coord(&((d - origin).num_days() as i32, bottom))
                .0
        },
        px_y,
    )?;
    Ok((ctx, markers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_zooms_to_the_data_and_says_from_where() {
        // 75,000 to 76,900 of 100,000 entries: 75.0 % to 76.9 %.
        let a = CountAxis::zoomed(75_000.0, 76_900.0);
        let (bottom, top) = (a.ticks[0], *a.ticks.last().expect("ticks"));
        assert!(bottom > 70_000.0 && bottom <= 75_000.0, "{bottom}");
        assert!((76_900.0..80_000.0).contains(&top), "{top}");
        // Counts that start near 0 keep an axis from 0.
        assert_eq!(CountAxis::zoomed(12.0, 5_000.0).ticks[0], 0.0);
        assert_eq!(CountAxis::zoomed(0.0, 0.0).ticks[0], 0.0);
    }

    #[test]
    fn an_axis_of_differences_always_holds_zero() {
        for (lo, hi) in [
            (-3_400.0, 1_200.0),
            (250.0, 9_800.0),
            (-70.0, -2.0),
            (0.0, 0.0),
        ] {
            let a = CountAxis::around_zero(lo, hi);
            let (bottom, top) = (a.bottom(), a.top());
            assert!(
                bottom <= lo.min(0.0) && top >= hi.max(0.0),
                "{lo}..{hi}: {:?}",
                a.ticks
            );
            assert!(a.ticks.contains(&0.0), "{lo}..{hi}: {:?}", a.ticks);
            assert!(top > bottom);
            // Round, whole steps, and not too many.
            let step = a.ticks[1] - a.ticks[0];
            assert!(step >= 1.0 && step.fract() == 0.0, "{:?}", a.ticks);
            assert!((3..=12).contains(&a.ticks.len()), "{:?}", a.ticks);
        }
        // A tiny difference keeps whole-count ticks.
        let a = CountAxis::around_zero(-0.4, 2.6);
        assert!(a.ticks.iter().all(|t| t.fract() == 0.0), "{:?}", a.ticks);
    }
}
