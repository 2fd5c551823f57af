//! `compare_<metric>.png`: one mean line with its p05–p95 band per run of a sweep or comparison,
//! drawn with the chart kit (`crate::report::figure`), so a comparison looks like the runs it
//! compares. Runs take their colour from their index in the comparison ([`run_colour`]), and the
//! report's table shows the same colours.
//!
//! How runs are drawn depends on how many there are. Up to [`MAX_BANDED_RUNS`] each has its
//! p05–p95 band, a light fill with a thin edge in the run's colour (fills alone blend into one
//! muddy colour where they overlap); two to four get nested line widths, so lines that coincide
//! show as stripes. Up to [`MAX_DISTINCT_RUNS`] each keeps a colour of the run charts' categorical
//! palette and a legend entry (a small table of the swept values for sweeps), without bands:
//! twelve overlapping bands make a grey wash. Beyond that (a sweep of 100 points) categorical
//! colours are no longer told apart, so lines are thin, colours follow a ramp in run order, and
//! the legend shows the ramp with a few runs named along it, plus the runs highest and lowest at
//! the end, drawn wider. A legend entry per run was rejected there: 100 entries do not fit.
//!
//! `compare_<metric>_difference.png` draws each run's mean minus the first run's, day by day, on
//! an axis around 0. Runs whose levels lie within a line's width of each other (75.0 against
//! 76.0 % of a million entries, on an axis that must also hold the days before the change) are
//! told apart there. It has no bands: the spread of a difference would need the runs' paired
//! replications, and a comparison holds only each run's own percentiles.
//!
//! This module draws one chart into one file; it does not choose which metrics are drawn, nor
//! compute them.

use crate::experiments::compare::result::{CompareChart, Comparison, RunSummary, metric_title};
use crate::report::figure::axes::{CountAxis, TimeCoord, band_outline, time_plot_on};
use crate::report::figure::canvas::{supersampled, write_png};
use crate::report::figure::frame::{HEADER_HEIGHT, PANEL_RIGHT, PANEL_X, header, plot_area};
use crate::report::figure::markers::key_date_legend;
use crate::report::figure::style::{
    HEIGHT, SUPERSAMPLE, TEXT, TEXT_MUTED, bold, font, palette, plot_err, stroke, z,
};
use crate::report::figure::text::{ellipsize, wrap};
use crate::report::number::thousands;
use crate::scenario::validate::count;
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Up to this many runs, each has a colour of the categorical palette, a band and a legend
/// entry; more runs are drawn as thin lines coloured along a ramp, without bands.
pub(crate) const MAX_DISTINCT_RUNS: usize = 12;

/// Up to this many runs, each has a band; more bands overlap into one grey wash.
pub(crate) const MAX_BANDED_RUNS: usize = 6;

/// Viridis at eighths, from dark purple to yellow (the ramp of many runs).
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (72, 40, 120),
    (62, 73, 137),
    (49, 104, 142),
    (38, 130, 142),
    (31, 158, 137),
    (53, 183, 121),
    (110, 206, 88),
    (253, 231, 37),
];

/// The colour of run `i` of `n` in comparison charts and in the report's swatches: the run charts'
/// palette when `n` is at most [`MAX_DISTINCT_RUNS`], else a point on a ramp from the first run to
/// the last.
pub(crate) fn run_colour(i: usize, n: usize) -> RGBColor {
    if n <= MAX_DISTINCT_RUNS {
        palette(i)
    } else {
        ramp(i as f64 / (n.max(2) - 1) as f64)
    }
}

/// Viridis at `t` in 0..=1, stopping short of its pale yellow end (too light on white).
fn ramp(t: f64) -> RGBColor {
    let at = t.clamp(0.0, 1.0) * 0.88 * (VIRIDIS.len() - 1) as f64;
    let i = (at.floor() as usize).min(VIRIDIS.len() - 2);
    let f = at - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// One run's numbers for one metric, x in days since the comparison's first reported date.
struct RunLine {
    mean: Vec<(i32, f64)>,
    p05: Vec<f64>,
    p95: Vec<f64>,
    replications: u32,
}

impl RunLine {
    fn end(&self) -> f64 {
        self.mean.last().map_or(0.0, |p| p.1)
    }
}

/// A run as error messages name it.
fn run_name(r: &RunSummary) -> String {
    if r.label == r.id {
        format!("run '{}'", r.id)
    } else {
        format!("run '{}' ({})", r.id, r.label)
    }
}

/// The first reported date of all runs and each run's line of `metric`.
fn run_lines(cmp: &Comparison, metric: &str) -> Result<(NaiveDate, Vec<RunLine>)> {
    if cmp.runs.is_empty() {
        bail!("nothing to compare: the comparison has no runs");
    }
    let origin = cmp
        .runs
        .iter()
        .filter_map(|r| r.dates.first())
        .min()
        .copied()
        .ok_or_else(|| anyhow!("the runs have no reported days to chart"))?;
    let lines = cmp
        .runs
        .iter()
        .map(|r| {
            if !r.columns.iter().any(|c| c == metric) {
                bail!("{} has no metric `{metric}`", run_name(r));
            }
            if r.dates.is_empty() {
                bail!("{} has no reported days", run_name(r));
            }
            let mut line = RunLine {
                mean: Vec::with_capacity(r.dates.len()),
                p05: Vec::with_capacity(r.dates.len()),
                p95: Vec::with_capacity(r.dates.len()),
                replications: r.replications,
            };
            for (row, date) in r.dates.iter().enumerate() {
                let st = r.stat(row, metric).ok_or_else(|| {
                    anyhow!("{} has no summary of `{metric}` on {date}", run_name(r))
                })?;
                line.mean
                    .push(((*date - origin).num_days() as i32, st.mean));
                line.p05.push(st.p05);
                line.p95.push(st.p95);
            }
            Ok(line)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((origin, lines))
}

/// Draws `metric` for every run of `cmp` into the PNG file `path` (1600×900): per run the mean
/// line with its p05–p95 band, one colour per run ([`run_colour`]), the legend labelled with each
/// run's label, and the key dates of `cmp` marked.
///
/// # Errors
/// The comparison has no runs, a run lacks `metric` (the error names the run and the metric) or has
/// no reported days, or the file cannot be written. Never panics on the values themselves.
pub(crate) fn draw(cmp: &Comparison, chart: CompareChart, path: &Path) -> Result<()> {
    let pixels = run_lines(cmp, chart.metric)
        .map(|(origin, lines)| {
            let lines = if chart.difference {
                differences(lines)
            } else {
                lines
            };
            (origin, lines)
        })
        .and_then(|(origin, lines)| {
            supersampled(|root| render_compare(cmp, chart, origin, &lines, root))
        })
        .with_context(|| format!("could not draw chart '{}'", path.display()))?;
    write_png(&pixels, path)
}

/// Each line's mean minus the first line's on the same day (the first becomes 0), without bands.
fn differences(lines: Vec<RunLine>) -> Vec<RunLine> {
    let base: std::collections::HashMap<i32, f64> = lines
        .first()
        .map(|l| l.mean.iter().copied().collect())
        .unwrap_or_default();
    lines
        .into_iter()
        .map(|l| {
            let mean: Vec<(i32, f64)> = l
                .mean
                .iter()
                .filter_map(|&(x, v)| base.get(&x).map(|b| (x, v - b)))
                .collect();
            let flat: Vec<f64> = mean.iter().map(|p| p.1).collect();
            RunLine {
                mean,
                p05: flat.clone(),
                p95: flat,
                replications: l.replications,
            }
        })
        .collect()
}

/// "mean of 4 replications", or the range when the runs differ.
fn replications_text(lines: &[RunLine]) -> String {
    let lo = lines.iter().map(|l| l.replications).min().unwrap_or(0);
    let hi = lines.iter().map(|l| l.replications).max().unwrap_or(0);
    match (lo, hi) {
        (1, 1) => "one replication per run".into(),
        (lo, hi) if lo == hi => format!("mean of {lo} replications per run"),
        (lo, hi) => format!("means of {lo}–{hi} replications per run"),
    }
}

/// How a comparison chart draws its `n` runs.
struct Look {
    n: usize,
    /// More than [`MAX_DISTINCT_RUNS`]: thin lines on a ramp.
    many: bool,
    /// Differences from the first run, not levels.
    difference: bool,
}

impl Look {
    /// Whether run `l` shows its p05–p95 band: levels, few runs, and replications to spread.
    fn banded(&self, l: &RunLine) -> bool {
        !self.difference && self.n <= MAX_BANDED_RUNS && l.replications > 1
    }
}

/// Draws `chart` of `cmp` from the runs' `lines` (x in days since `origin`): header, axes, bands,
/// lines, key dates and legend.
fn render_compare<DB: DrawingBackend>(
    cmp: &Comparison,
    chart: CompareChart,
    origin: NaiveDate,
    lines: &[RunLine],
    root: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let n = lines.len();
    let look = Look {
        n,
        many: n > MAX_DISTINCT_RUNS,
        difference: chart.difference,
    };
    let y_axis = y_axis(lines, &look);
    let (title, subtitle, unit) = texts(cmp, chart, lines, &look, &y_axis);
    header(root, &title, &subtitle)?;
    let last = lines
        .iter()
        .filter_map(|l| l.mean.last().map(|p| p.0))
        .max()
        .unwrap_or(0);
    let area = plot_area(root);
    let (mut ctx, markers) =
        time_plot_on(root, &area, origin, last, y_axis, &unit, &cmp.key_dates)?;
    draw_bands(&mut ctx, lines, &look)?;
    let emphasised = if look.many {
        extremes(lines)
    } else {
        Vec::new()
    };
    draw_lines(&mut ctx, lines, &look, &emphasised)?;
    markers.draw_tags(root)?;

    let y = if look.many {
        ramp_legend(root, cmp, lines, &emphasised)?
    } else {
        run_legend(root, cmp, lines, |l| look.banded(l))?
    };
    key_date_legend(root, &cmp.key_dates, &markers.marks, PANEL_X + 8, y + 10)
}

/// The y axis of everything drawn (means, and the bands of banded runs): around 0 for
/// differences, else zoomed to the data when that tells runs apart.
fn y_axis(lines: &[RunLine], look: &Look) -> CountAxis {
    let (y_min, y_max) = lines
        .iter()
        .flat_map(|l| {
            let band = if look.banded(l) {
                [&l.p05[..], &l.p95[..]].concat()
            } else {
                Vec::new()
            };
            l.mean.iter().map(|p| p.1).chain(band)
        })
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if look.difference {
        CountAxis::around_zero(y_min, y_max)
    } else {
        CountAxis::zoomed(y_min, y_max)
    }
}

/// The chart's title, its subtitle (where the axis starts when not at 0, the comparison, the
/// replications, what the bands and widths mean) and the y axis's description.
fn texts(
    cmp: &Comparison,
    chart: CompareChart,
    lines: &[RunLine],
    look: &Look,
    y_axis: &CountAxis,
) -> (String, String, String) {
    let (title, unit) = metric_title(chart.metric, &cmp.words);
    let first = cmp.runs.first().map_or("", |r| r.id.as_str());
    let spread = if look.difference {
        format!(
            "{}, minus {first}'s · no bands (a difference's spread needs paired replications)",
            replications_text(lines)
        )
    } else if look.many {
        format!("{} · thin lines, no bands", replications_text(lines))
    } else if look.n > MAX_BANDED_RUNS {
        format!(
            "{} · no bands (too many to tell apart)",
            replications_text(lines)
        )
    } else if lines.iter().any(|l| look.banded(l)) {
        format!("{}, shaded band p05–p95", replications_text(lines))
    } else {
        replications_text(lines)
    };
    let nested = if (2..=4).contains(&look.n) {
        " · lines that coincide show nested"
    } else {
        ""
    };
    let (zoom, unit) = match y_axis.ticks.first() {
        _ if look.difference => (String::new(), format!("{unit} more than {first}")),
        Some(&b) if b > 0.0 => (
            format!("y axis starts at {}, not 0 · ", thousands(b)),
            format!("{unit} (axis from {})", thousands(b)),
        ),
        _ => (String::new(), unit.to_string()),
    };
    let title = if look.difference {
        format!("{title}: difference from {first}")
    } else {
        title
    };
    let subtitle = format!("{zoom}{} · {spread}{nested}", cmp.title);
    (title, subtitle, unit)
}

/// Bands under every line: a light fill, fainter the more runs overlap, and a thin edge in the
/// run's colour, so overlapping bands stay apart (fills alone blend into one muddy colour).
fn draw_bands<DB: DrawingBackend>(
    ctx: &mut ChartContext<'_, DB, TimeCoord>,
    lines: &[RunLine],
    look: &Look,
) -> Result<()> {
    let n = look.n;
    let alpha = band_alpha(n);
    let bands: Vec<(usize, &RunLine)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            look.banded(l) && l.mean.len() > 1 && l.p05.iter().zip(&l.p95).any(|(lo, hi)| lo != hi)
        })
        .collect();
    for &(i, l) in &bands {
        ctx.draw_series(std::iter::once(Polygon::new(
            band_outline(&l.mean, &l.p05, &l.p95),
            run_colour(i, n).mix(alpha).filled(),
        )))
        .map_err(plot_err("drawing a band"))?;
    }
    if n > 1 {
        for &(i, l) in &bands {
            for bound in [&l.p05, &l.p95] {
                let points = l.mean.iter().zip(bound).map(|((x, _), v)| (*x, *v));
                let style = ShapeStyle {
                    color: run_colour(i, n).mix(0.55),
                    filled: false,
                    stroke_width: SUPERSAMPLE,
                };
                ctx.draw_series(LineSeries::new(points, style))
                    .map_err(plot_err("drawing a band"))?;
            }
        }
    }
    Ok(())
}

/// The lines in run order; with many runs, the `emphasised` ones (highest and lowest at the end)
/// again on top, wider and edged in white. A run of one reported day is a dot.
fn draw_lines<DB: DrawingBackend>(
    ctx: &mut ChartContext<'_, DB, TimeCoord>,
    lines: &[RunLine],
    look: &Look,
    emphasised: &[usize],
) -> Result<()> {
    let n = look.n;
    let order = (0..n)
        .map(|i| (i, line_width(i, n)))
        .chain(emphasised.iter().map(|&i| (i, 3 * SUPERSAMPLE)));
    for (i, width) in order {
        let l = &lines[i];
        let colour = run_colour(i, n);
        if l.mean.len() == 1 {
            ctx.draw_series(
                l.mean
                    .iter()
                    .map(|p| Circle::new(*p, width + 4 * SUPERSAMPLE, colour.filled())),
            )
            .map_err(plot_err("drawing a point"))?;
            continue;
        }
        if width > 3 * SUPERSAMPLE / 2 && look.many {
            // A white edge, so the emphasised line stands out of the bundle.
            ctx.draw_series(LineSeries::new(
                l.mean.iter().copied(),
                ShapeStyle {
                    color: WHITE.to_rgba(),
                    filled: false,
                    stroke_width: width + 3 * SUPERSAMPLE,
                },
            ))
            .map_err(plot_err("drawing a line"))?;
        }
        ctx.draw_series(LineSeries::new(
            l.mean.iter().copied(),
            ShapeStyle {
                color: colour.to_rgba(),
                filled: false,
                stroke_width: width,
            },
        ))
        .map_err(plot_err("drawing a line"))?;
    }
    Ok(())
}

/// The width of run `i`'s line of `n`, drawing pixels. Two to four runs get nested widths, the
/// first widest, so lines that coincide (often, before the swept value makes a difference) show
/// as nested stripes instead of the last hiding the others; more runs get thinner lines.
fn line_width(i: usize, n: usize) -> u32 {
    const NESTED: [[u32; 4]; 3] = [[10, 5, 0, 0], [13, 8, 4, 0], [14, 10, 6, 3]];
    match n {
        2..=4 => NESTED[n - 2][i.min(n - 1)],
        0..=MAX_DISTINCT_RUNS => 5 * SUPERSAMPLE / 2 + u32::from(n == 1) * SUPERSAMPLE / 2,
        _ => 3 * SUPERSAMPLE / 2,
    }
}

/// The opacity of a run's band among `n`: fainter the more bands overlap.
fn band_alpha(n: usize) -> f64 {
    match n {
        0..=2 => 0.15,
        3..=4 => 0.08,
        _ => 0.05,
    }
}

/// The runs highest and lowest at the end (highest first), when they differ.
fn extremes(lines: &[RunLine]) -> Vec<usize> {
    let by_end = |a: &(usize, &RunLine), b: &(usize, &RunLine)| a.1.end().total_cmp(&b.1.end());
    let hi = lines.iter().enumerate().max_by(by_end).map(|(i, _)| i);
    let lo = lines.iter().enumerate().min_by(by_end).map(|(i, _)| i);
    match (hi, lo) {
        (Some(h), Some(l)) if lines[h].end() > lines[l].end() => vec![h, l],
        _ => Vec::new(),
    }
}

/// The legend of a few runs: per run a line (and band) swatch and what tells it apart. Sweeps
/// whose values fit get a small table (id and one column per swept key, one line per run);
/// otherwise each run's label is wrapped, with its id below when there is room. Returns the
/// height below it (logical pixels).
fn run_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cmp: &Comparison,
    lines: &[RunLine],
    banded: impl Fn(&RunLine) -> bool,
) -> Result<i32> {
    let x = PANEL_X + 8;
    let text_x = x + 56;
    let bottom = HEIGHT as i32 - 60;
    let mut y = HEADER_HEIGHT + 14;
    let err = || plot_err("drawing the legend");
    let n = lines.len();
    let width = z(PANEL_RIGHT - text_x);
    let swatch =
        |i: usize, mid: i32, half: i32| swatch(root, (x, mid), half, i, n, banded(&lines[i]));
    if let Some(columns) = legend_table(root, cmp, width)? {
        let head = bold(14.0).color(&TEXT_MUTED);
        let cell = font(16.0);
        for (title, _, cx, _) in &columns {
            root.draw_text(title, &head, (z(text_x) + cx, z(y)))
                .map_err(err())?;
        }
        y += 24;
        for (i, r) in cmp.runs.iter().enumerate() {
            swatch(i, y + 8, 7)?;
            for (_, values, cx, is_id) in &columns {
                let (style, dy) = if *is_id {
                    (font(14.0).color(&TEXT_MUTED), 2)
                } else {
                    (cell.clone(), 0)
                };
                root.draw_text(&values(r), &style, (z(text_x) + cx, z(y + dy)))
                    .map_err(err())?;
            }
            y += 26;
        }
        return Ok(y + 12);
    }
    // Many entries get two lines each at most and no id line, so twelve fit with the key dates.
    let compact = n > MAX_BANDED_RUNS;
    let label_style = font(if compact { 16.0 } else { 17.0 });
    let id_style = font(13.0).color(&TEXT_MUTED);
    let max_lines = if compact { 2 } else { 3 };
    for (i, r) in cmp.runs.iter().enumerate() {
        let label = wrap(root, &r.label, &label_style, width, width)?;
        let shown = label.len().min(max_lines);
        let with_id = !compact && r.label != r.id;
        let height = shown as i32 * 21 + if with_id { 17 } else { 0 };
        if y + height > bottom && i + 1 < n {
            let rest = n - i;
            let more = format!("… and {rest} more runs (see report.html)");
            root.draw_text(&more, &font(15.0).color(&TEXT_MUTED), (z(x), z(y)))
                .map_err(err())?;
            return Ok(y + 24);
        }
        swatch(i, y + 11, 9)?;
        for (j, line) in label.iter().take(shown).enumerate() {
            let line = if j + 1 == shown && label.len() > shown {
                ellipsize(root, &format!("{line} …"), &label_style, width)?
            } else {
                line.to_string()
            };
            root.draw_text(&line, &label_style, (z(text_x), z(y)))
                .map_err(err())?;
            y += 21;
        }
        if with_id {
            root.draw_text(&r.id, &id_style, (z(text_x), z(y)))
                .map_err(err())?;
            y += 17;
        }
        y += if compact { 6 } else { 10 };
    }
    Ok(y)
}

/// A column of the legend table: its title, its text for a run, its left edge (drawing pixels
/// from the text's start), and whether it is the id column (set smaller and muted).
type LegendColumn = (String, fn(&RunSummary) -> String, i32, bool);

/// The columns of a sweep's legend table (id, then each swept key), when every run has a value
/// per key and they fit in `width` drawing pixels. Keys are named by their last two segments, as
/// in the runs' labels, or by their last one when that is what fits; the id column goes when
/// nothing else fits. `None` for comparisons and when no variant fits.
fn legend_table<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cmp: &Comparison,
    width: i32,
) -> Result<Option<Vec<LegendColumn>>> {
    let keys = cmp.keys.len();
    if keys == 0 || keys > 3 || cmp.runs.iter().any(|r| r.values.len() != keys) {
        return Ok(None);
    }
    let value_at: [fn(&RunSummary) -> String; 3] = [
        |r| r.values[0].clone(),
        |r| r.values[1].clone(),
        |r| r.values[2].clone(),
    ];
    let id: fn(&RunSummary) -> String = |r| r.id.clone();
    let measure = |text: &str, style: &TextStyle| -> Result<i32> {
        let (w, _) = root
            .estimate_text_size(text, style)
            .map_err(plot_err("measuring text"))?;
        Ok(w as i32)
    };
    let cell_width = |values: fn(&RunSummary) -> String, style: &TextStyle| -> Result<i32> {
        let mut w = 0;
        for r in &cmp.runs {
            w = w.max(measure(&values(r), style)?);
        }
        Ok(w)
    };
    let title = |key: &str, segments: usize| {
        let parts: Vec<&str> = key.rsplit('.').take(segments).collect();
        parts.into_iter().rev().collect::<Vec<_>>().join(".")
    };
    let head = bold(14.0);
    let id_width = cell_width(id, &font(14.0))?.max(measure("run", &head)?);
    let value_widths: Vec<i32> = (0..keys)
        .map(|k| cell_width(value_at[k], &font(16.0)))
        .collect::<Result<_>>()?;
    let gap = z(18);
    for (segments, with_id) in [(2, true), (1, true), (2, false), (1, false)] {
        let titles: Vec<String> = cmp.keys.iter().map(|k| title(k, segments)).collect();
        if titles
            .iter()
            .enumerate()
            .any(|(i, t)| titles[..i].contains(t))
        {
            continue;
        }
        let mut columns: Vec<LegendColumn> = Vec::new();
        let mut left = 0;
        if with_id {
            columns.push(("run".into(), id, 0, true));
            left = id_width + gap;
        }
        for (k, t) in titles.into_iter().enumerate() {
            let w = measure(&t, &head)?.max(value_widths[k]);
            columns.push((t, value_at[k], left, false));
            left += w + gap;
        }
        if left - gap <= width {
            return Ok(Some(columns));
        }
    }
    Ok(None)
}

/// A legend swatch of run `i` of `n` from `x`, centred on `mid` (logical pixels): its line, over
/// its band (`half` pixels either side) when it has one.
fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, mid): (i32, i32),
    half: i32,
    i: usize,
    n: usize,
    banded: bool,
) -> Result<()> {
    let err = || plot_err("drawing the legend");
    let colour = run_colour(i, n);
    if banded {
        let area = [(z(x), z(mid - half)), (z(x + 44), z(mid + half))];
        root.draw(&Rectangle::new(area, colour.mix(band_alpha(n)).filled()))
            .map_err(err())?;
        if n > 1 {
            for edge in [mid - half, mid + half] {
                root.draw(&PathElement::new(
                    vec![(z(x), z(edge)), (z(x + 44), z(edge))],
                    ShapeStyle {
                        color: colour.mix(0.55),
                        filled: false,
                        stroke_width: SUPERSAMPLE,
                    },
                ))
                .map_err(err())?;
            }
        }
    }
    root.draw(&PathElement::new(
        vec![(z(x), z(mid)), (z(x + 44), z(mid))],
        ShapeStyle {
            color: colour.to_rgba(),
            filled: false,
            stroke_width: line_width(i, n),
        },
    ))
    .map_err(err())?;
    Ok(())
}

/// The legend of many runs: the colour ramp with a few runs named along it, then the runs highest
/// and lowest at the end. Returns the height below it (logical pixels).
fn ramp_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cmp: &Comparison,
    lines: &[RunLine],
    emphasised: &[usize],
) -> Result<i32> {
    let err = || plot_err("drawing the legend");
    let n = lines.len();
    let x = PANEL_X + 8;
    let mut y = HEADER_HEIGHT + 10;
    root.draw_text(
        &format!("{}, coloured in run order", count(n as u64, "run", "runs")),
        &bold(17.0),
        (z(x), z(y)),
    )
    .map_err(err())?;
    y += 30;

    // The ramp, one stripe per run, and ticks at evenly spaced runs.
    let samples = 6.min(n);
    let spacing = 54;
    let (top, height) = (y + 4, spacing * (samples as i32 - 1));
    for i in 0..n {
        let y0 = top + height * i as i32 / n as i32;
        let y1 = top + height * (i as i32 + 1) / n as i32;
        root.draw(&Rectangle::new(
            [(z(x), z(y0)), (z(x + 18), z(y1.max(y0 + 1)))],
            run_colour(i, n).filled(),
        ))
        .map_err(err())?;
    }
    let text_x = x + 34;
    let width = z(PANEL_RIGHT - text_x);
    let id_style = bold(14.0).pos(Pos::new(HPos::Left, VPos::Center));
    let label_style = font(14.0).color(&TEXT_MUTED);
    for s in 0..samples {
        let i = (s * (n - 1) + (samples - 1) / 2) / (samples - 1).max(1);
        let at = top + height * (2 * i as i32 + 1) / (2 * n as i32);
        root.draw(&PathElement::new(
            vec![(z(x + 18), z(at)), (z(x + 28), z(at))],
            stroke(TEXT, 1),
        ))
        .map_err(err())?;
        let r = &cmp.runs[i];
        root.draw_text(&r.id, &id_style, (z(text_x), z(at)))
            .map_err(err())?;
        if r.label != r.id {
            let label = ellipsize(root, &r.label, &label_style, width)?;
            root.draw_text(&label, &label_style, (z(text_x), z(at + 10)))
                .map_err(err())?;
        }
    }
    y = top + height + 34;

    for (&i, what) in emphasised
        .iter()
        .zip(["Highest at the end", "Lowest at the end"])
    {
        root.draw_text(what, &bold(15.0), (z(x), z(y)))
            .map_err(err())?;
        y += 24;
        let mid = y + 9;
        root.draw(&PathElement::new(
            vec![(z(x), z(mid)), (z(x + 44), z(mid))],
            stroke(run_colour(i, n), 3),
        ))
        .map_err(err())?;
        let r = &cmp.runs[i];
        let text_x = x + 56;
        let width = z(PANEL_RIGHT - text_x);
        root.draw_text(&r.id, &bold(14.0), (z(text_x), z(y)))
            .map_err(err())?;
        y += 19;
        if r.label != r.id {
            for line in wrap(root, &r.label, &font(14.0), width, width)?
                .iter()
                .take(2)
            {
                root.draw_text(line, &font(14.0), (z(text_x), z(y)))
                    .map_err(err())?;
                y += 18;
            }
        }
        y += 10;
    }
    Ok(y)
}

#[cfg(test)]
mod tests;
