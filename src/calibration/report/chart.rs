//! PNG charts of a calibration, drawn with the chart kit: per observed metric, the observations
//! over the posterior predictive band (`fit_<metric>.png`, the observed period shaded and the
//! forecast's start marked), and the posterior marginals of the fitted keys (`posterior.png`,
//! one weighted histogram per key over its prior range).

use crate::calibration::report::result::{Calibration, FittedKey, Point};
use crate::report::figure::axes::{TimeCoord, time_plot};
use crate::report::figure::canvas::{supersampled, write_png};
use crate::report::figure::frame::{HEADER_HEIGHT, PANEL_RIGHT, PANEL_X, header, plot_area};
use crate::report::figure::style::{AXIS, GRID, TEXT_MUTED, font, palette, plot_err, stroke, z};
use crate::report::figure::text::wrap;
use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The colour of the predictive band and median.
const MODEL: RGBColor = RGBColor(0, 114, 178);
/// The colour of the observations.
const OBSERVED: RGBColor = RGBColor(213, 94, 0);
/// The shade of the observed period.
const PERIOD: RGBColor = RGBColor(236, 236, 236);

/// Draws every chart of `c` into `dir`; returns `(caption, file)` per chart, in page order.
pub(crate) fn draw_all(c: &Calibration, dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut charts = Vec::new();
    for metric in c.metrics() {
        let path = dir.join(format!("fit_{metric}.png"));
        let pixels = supersampled(|root| fit(c, metric, root))
            .with_context(|| format!("could not draw chart '{}'", path.display()))?;
        write_png(&pixels, &path)?;
        charts.push((format!("{metric}: observed and forecast"), path));
    }
    let path = dir.join("posterior.png");
    let pixels = supersampled(|root| marginals(c, root))
        .with_context(|| format!("could not draw chart '{}'", path.display()))?;
    write_png(&pixels, &path)?;
    charts.push(("Posterior of the fitted keys".to_string(), path));
    Ok(charts)
}

/// What a fit chart draws of one metric, in the chart's unit (shares in percent).
struct Fit<'a> {
    /// The first reported date.
    origin: NaiveDate,
    /// The y axis's description.
    unit: &'a str,
    /// Per reported day: x, and the p05, median and p95 of the posterior draws.
    band: Vec<(i32, f64, f64, f64)>,
    /// The observations.
    points: Vec<Point>,
    /// The first and last observed days.
    observed: (NaiveDate, NaiveDate),
}

impl Fit<'_> {
    /// Days since the first reported date.
    fn x(&self, d: NaiveDate) -> i32 {
        (d - self.origin).num_days() as i32
    }
}

/// The numbers of `metric`'s fit chart.
fn fit_data<'a>(c: &Calibration, metric: &'a str) -> Result<Fit<'a>> {
    let origin = *c
        .dates
        .first()
        .ok_or_else(|| anyhow!("no reported days to chart"))?;
    let x = |d: NaiveDate| (d - origin).num_days() as i32;
    // Shares are drawn in percent, on the same count axis.
    let (k, unit) = if metric.contains("_share") {
        (100.0, "percent")
    } else {
        (1.0, metric)
    };
    let band: Vec<(i32, f64, f64, f64)> = c
        .dates
        .iter()
        .enumerate()
        .filter_map(|(row, d)| {
            c.stat(row, metric)
                .map(|s| (x(*d), k * s.p05, k * s.p50, k * s.p95))
        })
        .collect();
    let points: Vec<Point> = c
        .observations
        .iter()
        .filter(|o| o.metric == metric)
        .map(|o| Point {
            value: k * o.value,
            sem: o.sem.map(|s| k * s),
            ..o.clone()
        })
        .collect();
    let first_obs = points.iter().map(|o| o.date).min().unwrap_or(origin);
    let last_obs = points.iter().map(|o| o.date).max().unwrap_or(origin);
    Ok(Fit {
        origin,
        unit,
        band,
        points,
        observed: (first_obs, last_obs),
    })
}

/// Observations of `metric` over the posterior predictive median and p05–p95 band.
fn fit<DB: DrawingBackend>(
    c: &Calibration,
    metric: &str,
    root: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let f = fit_data(c, metric)?;
    header(
        root,
        &format!("{metric}: observed, and the posterior forecast"),
        &format!(
            "Scenario {} · {} · band p05–p95 and median of {} posterior draws",
            c.name,
            c.forecast_sentence(),
            c.particles.len()
        ),
    )?;
    let y_max = f
        .band
        .iter()
        .map(|b| b.3)
        .chain(f.points.iter().map(|o| o.value + o.sem.unwrap_or(0.0)))
        .fold(0.0f64, f64::max);
    let area = plot_area(root);
    let last = c.dates.last().map_or(0, |d| f.x(*d));
    // No key dates: the observed period and the forecast's start are what this chart marks.
    let (mut ctx, markers) = time_plot(root, &area, f.origin, last, y_max, f.unit, &[])?;
    draw_fit(&mut ctx, &f)?;
    markers.draw_tags(root)?;
    fit_legend(root)
}

/// The observed period (shaded, behind everything), the band, the median, the forecast's start,
/// and the observations with their error bars.
fn draw_fit<DB: DrawingBackend>(ctx: &mut ChartContext<'_, DB, TimeCoord>, f: &Fit) -> Result<()> {
    let top = ctx.y_range().end;
    let (first_obs, last_obs) = (f.x(f.observed.0), f.x(f.observed.1));
    ctx.draw_series(std::iter::once(Rectangle::new(
        [(first_obs, 0.0), (last_obs.max(first_obs + 1), top)],
        PERIOD.filled(),
    )))
    .map_err(plot_err("drawing the observed period"))?;
    let upper = f.band.iter().map(|b| (b.0, b.3));
    let lower = f.band.iter().rev().map(|b| (b.0, b.1));
    ctx.draw_series(std::iter::once(Polygon::new(
        upper.chain(lower).collect::<Vec<_>>(),
        MODEL.mix(0.22).filled(),
    )))
    .map_err(plot_err("drawing the band"))?;
    ctx.draw_series(LineSeries::new(
        f.band.iter().map(|b| (b.0, b.2)),
        stroke(MODEL, 3),
    ))
    .map_err(plot_err("drawing the median"))?;
    ctx.draw_series(std::iter::once(PathElement::new(
        vec![(last_obs, 0.0), (last_obs, top)],
        stroke(TEXT_MUTED, 2),
    )))
    .map_err(plot_err("drawing the forecast line"))?;
    for o in &f.points {
        if let Some(sem) = o.sem {
            ctx.draw_series(std::iter::once(PathElement::new(
                vec![(f.x(o.date), o.value - sem), (f.x(o.date), o.value + sem)],
                stroke(OBSERVED, 2),
            )))
            .map_err(plot_err("drawing an error bar"))?;
        }
    }
    ctx.draw_series(
        f.points
            .iter()
            .map(|o| Circle::new((f.x(o.date), o.value), z(5), OBSERVED.filled())),
    )
    .map_err(plot_err("drawing the observations"))?;
    Ok(())
}

/// The panel of a fit chart: what each mark is.
fn fit_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Result<()> {
    let err = || plot_err("drawing the legend");
    let (px, text_x) = (PANEL_X + 8, PANEL_X + 64);
    let mut y = HEADER_HEIGHT + 14;
    type Swatch<'a> = Box<dyn Fn(i32) -> Result<()> + 'a>;
    let entries: [(&str, Swatch); 4] = [
        (
            "observed (± sem where given)",
            Box::new(|mid| {
                root.draw(&Circle::new((z(px + 22), z(mid)), z(6), OBSERVED.filled()))
                    .map_err(err())
            }),
        ),
        (
            "posterior predictive median",
            Box::new(|mid| {
                root.draw(&PathElement::new(
                    vec![(z(px), z(mid)), (z(px + 44), z(mid))],
                    stroke(MODEL, 3),
                ))
                .map_err(err())
            }),
        ),
        (
            "p05–p95 of the draws",
            Box::new(|mid| {
                root.draw(&Rectangle::new(
                    [(z(px), z(mid - 9)), (z(px + 44), z(mid + 9))],
                    MODEL.mix(0.22).filled(),
                ))
                .map_err(err())
            }),
        ),
        (
            "observed period (grey); forecast after the line",
            Box::new(|mid| {
                root.draw(&Rectangle::new(
                    [(z(px), z(mid - 9)), (z(px + 44), z(mid + 9))],
                    PERIOD.filled(),
                ))
                .map_err(err())?;
                root.draw(&PathElement::new(
                    vec![(z(px + 44), z(mid - 12)), (z(px + 44), z(mid + 12))],
                    stroke(TEXT_MUTED, 2),
                ))
                .map_err(err())
            }),
        ),
    ];
    for (label, swatch) in entries {
        let width = z(PANEL_RIGHT - text_x);
        let lines = wrap(root, label, &font(18.0), width, width)?;
        swatch(y + 11)?;
        for (i, line) in lines.iter().enumerate() {
            root.draw_text(line, &font(18.0), (z(text_x), z(y + i as i32 * 22)))
                .map_err(err())?;
        }
        y += 22 * lines.len().max(1) as i32 + 16;
    }
    Ok(())
}

/// Bins of a marginal's histogram.
const BINS: usize = 24;

/// One weighted histogram per fitted key, side by side, each over its prior range, the median
/// and 90 % interval marked.
fn marginals<DB: DrawingBackend>(c: &Calibration, root: &DrawingArea<DB, Shift>) -> Result<()> {
    header(
        root,
        "Posterior of the fitted keys",
        &format!(
            "Scenario {} · weighted histograms of the last generation's {} particles over each prior range · dashed: median, dotted: 90 % interval",
            c.name,
            c.particles.len()
        ),
    )?;
    let below = root.clone().shrink(
        (0, z(HEADER_HEIGHT)),
        (
            root.dim_in_pixel().0,
            root.dim_in_pixel().1 - z(HEADER_HEIGHT) as u32,
        ),
    );
    let panels = below.split_evenly((1, c.fitted.len().max(1)));
    for (k, (f, panel)) in c.fitted.iter().zip(panels.iter()).enumerate() {
        marginal(c, k, f, panel)?;
    }
    Ok(())
}

/// Where `v` lies in the prior range of `f`, from 0 to 1 (in the logarithm for a log prior).
fn prior_position(f: &FittedKey, v: f64) -> f64 {
    let (lo, hi) = f.range;
    if f.log {
        (v.ln() - lo.ln()) / (hi.ln() - lo.ln())
    } else {
        (v - lo) / (hi - lo)
    }
}

/// The value at position `u` (0 to 1) of the prior range of `f`, for an axis label: a date, or a
/// number with three significant digits.
fn prior_label(f: &FittedKey, u: f64) -> String {
    let (lo, hi) = f.range;
    let v = if f.log {
        (lo.ln() + u * (hi.ln() - lo.ln())).exp()
    } else {
        lo + u * (hi - lo)
    };
    if f.date {
        // A date range: the value is days since 1970-01-01.
        (NaiveDate::default() + chrono::Duration::days(v.round() as i64))
            .format("%Y-%m-%d")
            .to_string()
    } else {
        let magnitude = if v == 0.0 {
            0
        } else {
            v.abs().log10().floor() as i32
        };
        format!("{v:.*}", (2 - magnitude).clamp(0, 6) as usize)
    }
}

/// The marginal of fitted key `k` (`f`) in `panel`: its weighted histogram over the prior range,
/// the median dashed and the 90 % interval dotted.
fn marginal<DB: DrawingBackend>(
    c: &Calibration,
    k: usize,
    f: &FittedKey,
    panel: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let mut bins = [0.0f64; BINS];
    for (values, (_, weight, _)) in c.values.iter().zip(&c.particles) {
        let b = ((prior_position(f, values[k]) * BINS as f64) as usize).min(BINS - 1);
        bins[b] += weight;
    }
    let peak = bins.iter().copied().fold(0.0, f64::max).max(1e-9);
    let mut ctx = ChartBuilder::on(panel)
        .margin(z(24))
        .caption(&f.key, font(18.0))
        .x_label_area_size(z(56))
        .y_label_area_size(z(56))
        .build_cartesian_2d(0.0..1.0f64, 0.0..peak * 1.1)
        .map_err(plot_err("laying out a marginal"))?;
    let ends = [f.quantiles[0].clone(), f.quantiles[2].clone()];
    let label = |u: &f64| prior_label(f, *u);
    ctx.configure_mesh()
        .x_labels(5)
        .y_labels(4)
        .x_label_formatter(&label)
        .y_label_formatter(&|w| format!("{:.0} %", 100.0 * w))
        .label_style(font(15.0).color(&TEXT_MUTED))
        .bold_line_style(stroke(GRID, 1))
        .light_line_style(TRANSPARENT)
        .axis_style(stroke(AXIS, 1))
        .x_desc(format!("90 %: {} to {}", ends[0], ends[1]))
        .axis_desc_style(font(16.0))
        .draw()
        .map_err(plot_err("drawing a marginal's axes"))?;
    let colour = palette(k);
    ctx.draw_series(bins.iter().enumerate().map(|(b, &w)| {
        let x0 = b as f64 / BINS as f64;
        Rectangle::new(
            [(x0, 0.0), (x0 + 1.0 / BINS as f64, w)],
            colour.mix(0.7).filled(),
        )
    }))
    .map_err(plot_err("drawing a histogram"))?;
    let weighted: Vec<(f64, f64)> = c
        .values
        .iter()
        .zip(&c.particles)
        .map(|(v, p)| (prior_position(f, v[k]), p.1))
        .collect();
    for (q, dash) in [(0.05, z(4)), (0.5, z(12)), (0.95, z(4))] {
        let at = crate::run::summary::weighted_quantile(&weighted, q);
        ctx.draw_series(std::iter::once(DashedPathElement::new(
            vec![(at, 0.0), (at, peak * 1.1)],
            dash,
            dash,
            stroke(RGBColor(40, 40, 40), 2),
        )))
        .map_err(plot_err("drawing a quantile"))?;
    }
    Ok(())
}
