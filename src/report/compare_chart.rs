//! Charts that compare runs: `compare_<metric>.png`, one mean line with its p05–p95 band per run of
//! a sweep or comparison, and `tornado_<figure>.png`, the bars of a sensitivity analysis.
//!
//! Both are 1600×900 and share the frame, fonts, axes and key-date markers of [`super::chart`], so
//! a comparison looks like the runs it compares. Runs take their colour from their index in the
//! comparison ([`run_colour`]), and the report's table shows the same colours.
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
//! This module draws one chart into one file; it does not choose which metrics or figures are
//! drawn, nor compute them.

use super::chart::{
    AXIS, GRID, HEADER_HEIGHT, HEIGHT, PANEL_RIGHT, PANEL_X, SUPERSAMPLE, TEXT, TEXT_MUTED, WIDTH,
    bold, ellipsize, font, header, key_date_legend, palette, plot_area, plot_err, stroke,
    supersampled, time_plot, wrap, write_png, z,
};
use super::headline::{Headline, Unit};
use crate::experiments::compare::{Comparison, RunSummary};
use crate::experiments::sweep::{Bar, Sensitivity};
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Up to this many runs, each has a colour of the categorical palette, a band and a legend
/// entry; more runs are drawn as thin lines coloured along a ramp, without bands.
pub const MAX_DISTINCT_RUNS: usize = 12;

/// Up to this many runs, each has a band; more bands overlap into one grey wash.
pub const MAX_BANDED_RUNS: usize = 6;

/// Rows of a tornado chart; beyond this the smallest swings are summarised in one row.
const MAX_TORNADO_ROWS: usize = 30;

/// Tornado bar colours: the figure with the parameter at its low and at its high value
/// (Okabe–Ito blue and vermillion, told apart with any colour vision).
const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(213, 94, 0);
/// The same, dark enough for text.
const LOW_TEXT: RGBColor = RGBColor(0, 84, 135);
const HIGH_TEXT: RGBColor = RGBColor(168, 68, 0);
/// Alternate rows of a tornado chart.
const STRIPE: RGBColor = RGBColor(246, 247, 249);

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
pub fn run_colour(i: usize, n: usize) -> RGBColor {
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

/// What `metric` counts, in words for a title, and the unit of its axis.
pub fn metric_title(metric: &str) -> (String, &'static str) {
    let fixed = match metric {
        "reachable_im" => Some(("Contact-list entries reachable for IM", "entries")),
        "entries" => Some(("Contact-list entries", "entries")),
        "users_lost_some" => Some(("Lync users who lost some contact", "users")),
        "users_isolated" => Some(("Lync users isolated (no contact reachable)", "users")),
        "users_some_unreachable" => Some(("Lync users with some contact not reachable", "users")),
        "lost_federation" => Some(("Entries lost: no provider serves them", "entries")),
        "lost_account" => Some(("Entries lost: the contact's account is inactive", "entries")),
        "never_reachable" => Some(("Entries never reachable", "entries")),
        _ => None,
    };
    if let Some((title, unit)) = fixed {
        return (title.to_string(), unit);
    }
    if let Some(m) = metric.strip_prefix("migrated_") {
        return (format!("Persons migrated ({m})"), "persons");
    }
    if let Some(m) = metric.strip_prefix("stranded_") {
        return (format!("Persons stranded ({m})"), "persons");
    }
    if let Some(x) = metric.strip_prefix("reachable_") {
        return if crate::scenario::Modalities::NAMES.contains(&x) {
            (format!("Contact-list entries reachable for {x}"), "entries")
        } else {
            (
                format!("Reachable contact-list entries on network {x}"),
                "entries",
            )
        };
    }
    (metric.to_string(), "count")
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
pub fn draw_compare(cmp: &Comparison, metric: &str, path: &Path) -> Result<()> {
    let pixels = run_lines(cmp, metric)
        .and_then(|(origin, lines)| {
            supersampled(|root| render_compare(cmp, metric, origin, &lines, root))
        })
        .with_context(|| format!("could not draw chart '{}'", path.display()))?;
    write_png(&pixels, path)
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

fn render_compare<DB: DrawingBackend>(
    cmp: &Comparison,
    metric: &str,
    origin: NaiveDate,
    lines: &[RunLine],
    root: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let n = lines.len();
    let many = n > MAX_DISTINCT_RUNS;
    let banded = |l: &RunLine| n <= MAX_BANDED_RUNS && l.replications > 1;
    let (title, unit) = metric_title(metric);
    let spread = if many {
        format!("{} · thin lines, no bands", replications_text(lines))
    } else if n > MAX_BANDED_RUNS {
        format!(
            "{} · no bands (too many to tell apart)",
            replications_text(lines)
        )
    } else if lines.iter().any(banded) {
        format!("{}, shaded band p05–p95", replications_text(lines))
    } else {
        replications_text(lines)
    };
    let nested = if (2..=4).contains(&n) {
        " · lines that coincide show nested"
    } else {
        ""
    };
    header(root, &title, &format!("{} · {spread}{nested}", cmp.title))?;

    let y_max = lines
        .iter()
        .flat_map(|l| {
            let band: &[f64] = if banded(l) { &l.p95 } else { &[] };
            l.mean.iter().map(|p| p.1).chain(band.iter().copied())
        })
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let last = lines
        .iter()
        .filter_map(|l| l.mean.last().map(|p| p.0))
        .max()
        .unwrap_or(0);
    let area = plot_area(root);
    let (mut ctx, markers) = time_plot(root, &area, origin, last, y_max, unit, &cmp.key_dates)?;

    // Bands under every line: a light fill, fainter the more runs overlap, and a thin edge in the
    // run's colour, so overlapping bands stay apart (fills alone blend into one muddy colour).
    let alpha = band_alpha(n);
    let bands: Vec<(usize, &RunLine)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            banded(l) && l.mean.len() > 1 && l.p05.iter().zip(&l.p95).any(|(lo, hi)| lo != hi)
        })
        .collect();
    for &(i, l) in &bands {
        let upper = l.mean.iter().zip(&l.p95).map(|((x, _), hi)| (*x, *hi));
        let lower = l
            .mean
            .iter()
            .zip(&l.p05)
            .rev()
            .map(|((x, _), lo)| (*x, *lo));
        ctx.draw_series(std::iter::once(Polygon::new(
            upper.chain(lower).collect::<Vec<_>>(),
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

    // Lines in run order; with many runs, the highest and lowest at the end again on top, wider.
    let emphasised = if many { extremes(lines) } else { Vec::new() };
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
        if width > 3 * SUPERSAMPLE / 2 && many {
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
    markers.draw_tags(root)?;

    let y = if many {
        ramp_legend(root, cmp, lines, &emphasised)?
    } else {
        run_legend(root, cmp, lines, banded)?
    };
    key_date_legend(root, &cmp.key_dates, &markers.marks, PANEL_X + 8, y + 10)
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
        &format!("{n} runs, coloured in run order"),
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

/// `value` with `decimals` decimals and thousands separators.
fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.split_once('.') {
        Some((int, frac)) => format!("{}.{frac}", super::group_thousands(int)),
        None => super::group_thousands(&text),
    }
}

/// Decimals that tell apart ticks `step` apart.
fn decimals_for(step: f64) -> usize {
    if step >= 1.0 || step <= 0.0 || !step.is_finite() {
        0
    } else {
        ((-step.log10()).ceil().max(0.0) as usize).min(4)
    }
}

/// An axis tick of a figure in `unit`, ticks `step` apart: shares as percentages (`42 %`, or
/// with decimals when ticks are closer), counts with separators, money with 2 decimals.
fn tick_text(value: f64, unit: Unit, step: f64) -> String {
    match unit {
        Unit::Share => format!("{} %", grouped(100.0 * value, decimals_for(100.0 * step))),
        Unit::Count => grouped(value, decimals_for(step)),
        Unit::Money => grouped(value, 2),
    }
}

/// Round ticks (1, 2, 2.5 or 5 × 10^k apart) inside `lo..=hi`, about `count` of them.
fn round_ticks(lo: f64, hi: f64, count: f64) -> (Vec<f64>, f64) {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return (vec![lo], 1.0);
    }
    let rough = span / count;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    (ticks, step)
}

/// What the x axis of a tornado chart measures.
fn figure_axis(base: &Headline) -> &'static str {
    let k = base.key.as_str();
    if k.starts_with("reachable_share") {
        "share of contact-list entries reachable for IM"
    } else if k.starts_with("migrated_") || k.starts_with("stranded_") {
        "persons"
    } else if k.starts_with("users_") {
        "Lync users"
    } else {
        match base.unit {
            Unit::Share => "share",
            Unit::Count => "count",
            Unit::Money => "amount (scenario currency)",
        }
    }
}

/// Draws the tornado chart of `figure` into the PNG file `path` (1600×900): per parameter (largest
/// swing on top) the figure with the parameter at its low value and at its high value, as bars
/// from a vertical line at the base run's value, each end labelled with the parameter's value.
///
/// # Errors
/// The base run has no figure `figure`, or the file cannot be written. Parameters whose runs lack
/// the figure are left out and named under the chart; no parameters at all give an empty chart
/// that says so.
pub fn draw_tornado(sens: &Sensitivity, figure: &str, path: &Path) -> Result<()> {
    let pixels = sens
        .base
        .headline(figure)
        .ok_or_else(|| anyhow!("the base run of the sensitivity analysis has no figure `{figure}`"))
        .and_then(|base| supersampled(|root| render_tornado(sens, base, root)))
        .with_context(|| format!("could not draw chart '{}'", path.display()))?;
    write_png(&pixels, path)
}

/// Which side of the base line a bar-end label goes, and where along the bar it is anchored.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
}

/// One parameter-value label of a tornado bar.
struct EndLabel {
    text: String,
    colour: RGBColor,
    /// The value the label sits beside (the end of its segment, or the base).
    at: f64,
    side: Side,
}

/// The labels of one bar: each end's parameter value beside the end of its segment, outwards.
/// When both ends lie on the same side of the base, the nearer one's label goes on the other
/// side, beside the base line (its colour says which end it is); an end at the base value is
/// marked "(= base)"; when the figure does not move at all, one muted label says so (the values
/// are in the report's table).
fn end_labels(b: &Bar, base: f64) -> Vec<EndLabel> {
    if b.at_low == base && b.at_high == base {
        return vec![EndLabel {
            text: "no change".into(),
            colour: TEXT_MUTED,
            at: base,
            side: Side::Right,
        }];
    }
    let side = |v: f64, other: f64| {
        if v > base || (v == base && other < base) {
            Side::Right
        } else {
            Side::Left
        }
    };
    // An end at the base has no bar to sit beside; say so.
    let text = |t: &str, v: f64| {
        if v == base {
            format!("{t} (= base)")
        } else {
            t.to_string()
        }
    };
    let mut low = EndLabel {
        text: text(&b.low_text, b.at_low),
        colour: LOW_TEXT,
        at: b.at_low,
        side: side(b.at_low, b.at_high),
    };
    let mut high = EndLabel {
        text: text(&b.high_text, b.at_high),
        colour: HIGH_TEXT,
        at: b.at_high,
        side: side(b.at_high, b.at_low),
    };
    if low.side == high.side {
        let flip = |l: &mut EndLabel| {
            l.side = if l.side == Side::Left {
                Side::Right
            } else {
                Side::Left
            };
            l.at = base;
        };
        if (b.at_low - base).abs() < (b.at_high - base).abs() {
            flip(&mut low);
        } else {
            flip(&mut high);
        }
    }
    vec![low, high]
}

fn render_tornado<DB: DrawingBackend>(
    sens: &Sensitivity,
    base: &Headline,
    root: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let err = |what| plot_err(what);
    let all = sens.bars(&base.key);
    let missing: Vec<&str> = sens
        .parameters
        .iter()
        .filter(|p| !all.iter().any(|b| b.key == p.key))
        .map(|p| p.key.as_str())
        .collect();
    let (bars, hidden) = if all.len() > MAX_TORNADO_ROWS {
        (
            &all[..MAX_TORNADO_ROWS - 1],
            all.len() - (MAX_TORNADO_ROWS - 1),
        )
    } else {
        (&all[..], 0)
    };
    let replications = match sens.base.replications {
        1 => "one replication per run".to_string(),
        n => format!("means of {n} replications per run"),
    };
    header(
        root,
        &base.label,
        &format!(
            "Scenario {} · each bar moves one parameter from its low to its high value, every other at its base value · {replications}",
            sens.name
        ),
    )?;

    // Frame, logical pixels.
    let rows = bars.len() + usize::from(hidden > 0);
    let plot_top = HEADER_HEIGHT + 44;
    let plot_bottom = HEIGHT as i32 - 112;
    let row_h = if rows == 0 {
        0
    } else {
        ((plot_bottom - plot_top) / rows as i32).min(64)
    };
    let plot_bottom = if rows == 0 {
        plot_bottom
    } else {
        plot_top + row_h * rows as i32
    };
    let text_size = (f64::from(row_h) * 0.62).clamp(12.0, 17.0);
    let key_style = font(text_size);
    let value_style = bold(text_size * 0.95);

    // Row labels, cut at the front when too long (the last segments of a key say most).
    let max_key_w = z(460);
    let mut keys = Vec::with_capacity(rows);
    let mut key_w = 0;
    for b in bars {
        let text = ellipsize_front(root, &b.key, &key_style, max_key_w)?;
        let (w, _) = root
            .estimate_text_size(&text, &key_style)
            .map_err(err("measuring text"))?;
        key_w = key_w.max(w as i32);
        keys.push(text);
    }
    let plot_left = 40 + (key_w / z(1)).max(120) + 20;
    let plot_right = WIDTH as i32 - 40;

    // Bar-end labels, and the room they need either side of the data.
    let max_label_w = z(240);
    let mut labels: Vec<Vec<EndLabel>> = Vec::with_capacity(bars.len());
    let (mut pad_left, mut pad_right) = (z(16), z(16));
    for b in bars {
        let mut row = end_labels(b, base.value);
        for l in &mut row {
            l.text = ellipsize(root, &l.text, &value_style, max_label_w)?;
            let (w, _) = root
                .estimate_text_size(&l.text, &value_style)
                .map_err(err("measuring text"))?;
            let need = w as i32 + z(14);
            match l.side {
                Side::Left => pad_left = pad_left.max(need),
                Side::Right => pad_right = pad_right.max(need),
            }
        }
        labels.push(row);
    }

    // The value range: every bar end and the base, widened when the figure does not move at all.
    let (mut lo, mut hi) = bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .chain(std::iter::once(base.value))
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = (0.0, 1.0);
    }
    let (data_lo, data_hi) = (lo, hi);
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let minimum = match base.unit {
            Unit::Share => 0.01,
            Unit::Count | Unit::Money => 1.0,
        };
        let delta = (0.1 * base.value.abs()).max(minimum);
        lo = if lo >= 0.0 {
            (lo - delta).max(0.0)
        } else {
            lo - delta
        };
        hi += delta;
    }
    let (inner_left, inner_right) = {
        let (l, r) = (z(plot_left) + pad_left, z(plot_right) - pad_right);
        if r - l < z(240) {
            // Labels too wide for the room: give the data at least 240 pixels, centred.
            let mid = (z(plot_left) + z(plot_right)) / 2;
            (mid - z(120), mid + z(120))
        } else {
            (l, r)
        }
    };
    let scale = f64::from(inner_right - inner_left) / (hi - lo);
    let px = |v: f64| inner_left + ((v - lo) * scale).round() as i32;
    let value_at = |x: i32| lo + f64::from(x - inner_left) / scale;

    // Stripes, grid and axis.
    for row in (0..rows).step_by(2) {
        let y0 = plot_top + row as i32 * row_h;
        root.draw(&Rectangle::new(
            [(z(24), z(y0)), (z(plot_right), z(y0 + row_h))],
            STRIPE.filled(),
        ))
        .map_err(err("drawing the rows"))?;
    }
    // Ticks across the whole width, but none below 0 (or above 100 %) unless a value is there:
    // the room kept for labels would otherwise show impossible values.
    let floor = if data_lo >= 0.0 {
        0.0
    } else {
        f64::NEG_INFINITY
    };
    let ceiling = if base.unit == Unit::Share && data_hi <= 1.0 {
        1.0
    } else {
        f64::INFINITY
    };
    let (ticks, step) = round_ticks(
        value_at(z(plot_left)).max(floor),
        value_at(z(plot_right)).min(ceiling),
        7.0,
    );
    let tick_style = font(17.0)
        .color(&TEXT_MUTED)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for t in &ticks {
        let x = px(*t);
        root.draw(&PathElement::new(
            vec![(x, z(plot_top)), (x, z(plot_bottom))],
            stroke(GRID, 1),
        ))
        .map_err(err("drawing the grid"))?;
        root.draw(&PathElement::new(
            vec![(x, z(plot_bottom)), (x, z(plot_bottom + 6))],
            stroke(AXIS, 1),
        ))
        .map_err(err("drawing the axis"))?;
        root.draw_text(
            &tick_text(*t, base.unit, step),
            &tick_style,
            (x, z(plot_bottom + 12)),
        )
        .map_err(err("drawing the axis"))?;
    }
    root.draw(&PathElement::new(
        vec![
            (z(plot_left), z(plot_bottom)),
            (z(plot_right), z(plot_bottom)),
        ],
        stroke(AXIS, 1),
    ))
    .map_err(err("drawing the axis"))?;
    root.draw_text(
        figure_axis(base),
        &font(20.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ((z(plot_left) + z(plot_right)) / 2, z(plot_bottom + 44)),
    )
    .map_err(err("drawing the axis"))?;

    // Bars: the longer segment first. A shorter one on the same side of the base is drawn over it
    // at half the thickness, so both show even when they are almost as long.
    let thickness = ((f64::from(row_h) * 0.6) as i32).clamp(4, 34);
    let base_x = px(base.value);
    let key_right = key_style.pos(Pos::new(HPos::Right, VPos::Center));
    for (row, (b, labels)) in bars.iter().zip(&labels).enumerate() {
        let mid = plot_top + row as i32 * row_h + row_h / 2;
        root.draw_text(&keys[row], &key_right, (z(plot_left - 16), z(mid)))
            .map_err(err("drawing a row label"))?;
        let mut segments = [(b.at_low, LOW), (b.at_high, HIGH)];
        segments.sort_by(|a, b| {
            (b.0 - base.value)
                .abs()
                .total_cmp(&(a.0 - base.value).abs())
        });
        let same_side = (b.at_low - base.value) * (b.at_high - base.value) > 0.0;
        for (k, (v, colour)) in segments.into_iter().enumerate() {
            let x = px(v);
            if x == base_x {
                continue;
            }
            let half = if k == 1 && same_side {
                z(thickness) / 4
            } else {
                z(thickness) / 2
            };
            let (y0, y1) = (z(mid) - half, z(mid) + half);
            root.draw(&Rectangle::new(
                [(base_x.min(x), y0), (base_x.max(x), y1)],
                colour.filled(),
            ))
            .map_err(err("drawing a bar"))?;
        }
        for l in labels {
            let (x, h) = match l.side {
                Side::Left => (px(l.at) - z(8), HPos::Right),
                Side::Right => (px(l.at) + z(8), HPos::Left),
            };
            let style = value_style
                .clone()
                .color(&l.colour)
                .pos(Pos::new(h, VPos::Center));
            root.draw_text(&l.text, &style, (x, z(mid)))
                .map_err(err("drawing a bar label"))?;
        }
    }
    // The base line over the bars, its value above.
    root.draw(&PathElement::new(
        vec![(base_x, z(plot_top - 6)), (base_x, z(plot_bottom))],
        stroke(TEXT, 2),
    ))
    .map_err(err("drawing the base line"))?;
    let base_text = format!("base {}", base.display());
    let (w, _) = root
        .estimate_text_size(&base_text, &bold(17.0))
        .map_err(err("measuring text"))?;
    let half = w as i32 / 2;
    let centre = base_x.clamp(z(plot_left) + half, z(plot_right) - half);
    root.draw_text(
        &base_text,
        &bold(17.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        (centre, z(plot_top - 10)),
    )
    .map_err(err("drawing the base line"))?;

    if hidden > 0 {
        let mid = plot_top + bars.len() as i32 * row_h + row_h / 2;
        let note =
            format!("… and {hidden} more parameters with smaller swings (all in sensitivity.csv)");
        let style = font(text_size)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Left, VPos::Center));
        note_on_white(root, &note, &style, (z(plot_left) + z(8), z(mid)))?;
    }

    if bars.is_empty() {
        let note = if sens.parameters.is_empty() {
            "The analysis has no parameters"
        } else {
            "No parameter's runs report this figure"
        };
        let style = font(28.0)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let centre = (
            (z(plot_left) + z(plot_right)) / 2,
            (z(plot_top) + z(plot_bottom)) / 2,
        );
        note_on_white(root, note, &style, centre)?;
    }

    tornado_legend(root, &missing)
}

/// `text` in `style` at `at` (drawing pixels, anchored as the style says) on a white box, so lines
/// behind it do not cross it.
fn note_on_white<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    at: (i32, i32),
) -> Result<()> {
    let (w, h) = root
        .estimate_text_size(text, style)
        .map_err(plot_err("measuring text"))?;
    let (w, h) = (w as i32, h as i32);
    let left = match style.pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let top = match style.pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    let pad = z(8);
    root.draw(&Rectangle::new(
        [
            (left - pad, top - pad / 2),
            (left + w + pad, top + h + pad / 2),
        ],
        WHITE.filled(),
    ))
    .map_err(plot_err("drawing a note"))?;
    root.draw_text(text, style, at)
        .map_err(plot_err("drawing a note"))
}

/// The key under a tornado chart: the two bar colours and the base line, then the parameters
/// left out because their runs lack the figure.
fn tornado_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    missing: &[&str],
) -> Result<()> {
    let err = || plot_err("drawing the legend");
    let y = HEIGHT as i32 - 26;
    let style = font(16.0).pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = 40;
    for (colour, text) in [
        (Some(LOW), "figure with the parameter at its low value"),
        (Some(HIGH), "… at its high value"),
        (None, "base: every parameter at its scenario value"),
    ] {
        match colour {
            Some(c) => root.draw(&Rectangle::new(
                [(z(x), z(y - 8)), (z(x + 24), z(y + 8))],
                c.filled(),
            )),
            None => root.draw(&PathElement::new(
                vec![(z(x + 12), z(y - 11)), (z(x + 12), z(y + 11))],
                stroke(TEXT, 2),
            )),
        }
        .map_err(err())?;
        root.draw_text(text, &style, (z(x + 32), z(y)))
            .map_err(err())?;
        let (w, _) = root
            .estimate_text_size(text, &style)
            .map_err(plot_err("measuring text"))?;
        x += 32 + w as i32 / z(1) + 28;
    }
    if !missing.is_empty() {
        let text = format!(
            "Not shown (their runs lack this figure): {}",
            missing.join(", ")
        );
        let muted = font(15.0)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let text = ellipsize(root, &text, &muted, z(WIDTH as i32 - 40 - x))?;
        root.draw_text(&text, &muted, (z(x), z(y))).map_err(err())?;
    }
    Ok(())
}

/// `text`, cut at the front with "…" so that it fits `width` drawing pixels.
fn ellipsize_front<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
) -> Result<String> {
    let reversed: String = text.chars().rev().collect();
    // Measuring the reversed text is exact enough: widths do not depend on order.
    let cut = ellipsize(area, &reversed, style, width)?;
    Ok(cut.chars().rev().collect())
}

/// Hand-made comparisons and sensitivity analyses for the tests here and in `compare_html`.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::experiments::compare::{Comparison, RunSummary};
    use crate::experiments::sweep::{Parameter, Sensitivity};
    use crate::report::headline::{Headline, Unit};
    use crate::run::summary::Stat;
    use crate::scenario::KeyDate;
    use chrono::NaiveDate;

    /// The metrics of every fixture run.
    pub const METRICS: [&str; 7] = [
        "entries",
        "reachable_im",
        "users_lost_some",
        "users_isolated",
        "lost_federation",
        "lost_account",
        "never_reachable",
    ];

    fn date(d: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 1, 1).unwrap_or_default() + chrono::TimeDelta::days(d)
    }

    /// A run over `days` reported days (weekly) whose metrics grow with `scale`.
    pub fn run(id: &str, label: &str, values: Vec<String>, days: usize, scale: f64) -> RunSummary {
        let dates: Vec<NaiveDate> = (0..days).map(|d| date(7 * d as i64)).collect();
        let mut summary = Vec::new();
        for row in 0..days {
            for (c, _) in METRICS.iter().enumerate() {
                let mean = scale * (1000.0 + 37.0 * (row * (c + 1)) as f64);
                summary.push(Stat {
                    mean,
                    sem: Some(1.0),
                    p05: 0.9 * mean,
                    p50: mean,
                    p95: 1.1 * mean,
                });
            }
        }
        RunSummary {
            id: id.to_string(),
            label: label.to_string(),
            values,
            dates,
            columns: METRICS.iter().map(|m| m.to_string()).collect(),
            summary,
            headlines: vec![
                Headline {
                    key: "reachable_share@2014-07-01".into(),
                    label: "Contacts reachable on 2014-07-01, first day without <AOL> & Yahoo!"
                        .into(),
                    value: (0.4 + 0.1 * scale).min(1.0),
                    unit: Unit::Share,
                },
                Headline {
                    key: "users_isolated@end".into(),
                    label: "Users with no reachable contact, at the end".into(),
                    value: 1234.0 * scale,
                    unit: Unit::Count,
                },
                Headline {
                    key: "usl_credit_aol".into(),
                    label: "Total USL credit owed for AOL (all organisations)".into(),
                    value: 98765.4321 * scale,
                    unit: Unit::Money,
                },
            ],
            link: Some(format!("{id}/report.html")),
            replications: 4,
        }
    }

    /// A sweep of `n` runs over one key, each `days` reported days long.
    pub fn sweep(n: usize, days: usize) -> Comparison {
        let runs = (0..n)
            .map(|i| {
                let v = format!("{:.2}", i as f64 / n.max(2) as f64);
                run(
                    &format!("run-{:03}", i + 1),
                    &format!("recovery.probability={v}"),
                    vec![v],
                    days,
                    0.5 + i as f64 / n as f64,
                )
            })
            .collect();
        Comparison {
            title: "pic-2013: sweep of <runs> & more".into(),
            description: "A \"sweep\" for <tests>.".into(),
            keys: vec!["behaviours.recovery.probability".into()],
            runs,
            key_dates: vec![
                KeyDate {
                    date: date(30),
                    label: "Messenger gone".into(),
                },
                KeyDate {
                    date: date(200),
                    label: "AOL PIC ends; Yahoo! PIC ends".into(),
                },
            ],
        }
    }

    /// A sensitivity analysis with `n` parameters: parameter `i` moves the figures by `i`-sized
    /// steps, the first in the opposite direction, the second not at all.
    pub fn sensitivity(n: usize) -> Sensitivity {
        let base = run("base", "base", Vec::new(), 3, 1.0);
        let parameters = (0..n)
            .map(|i| {
                let (lo, hi) = match i {
                    0 => (1.3, 0.8),
                    1 => (1.0, 1.0),
                    2 => (1.2, 1.4),
                    _ => (1.0 - 0.01 * i as f64, 1.0 + 0.02 * i as f64),
                };
                let key = format!("behaviours.parameter_{i}.probability");
                Parameter {
                    key: key.clone(),
                    low_text: format!("{:.2}", 0.1 * i as f64),
                    high_text: format!("{:.2}", 0.1 * i as f64 + 0.5),
                    low: run(&format!("{key}=low"), "low", Vec::new(), 3, lo),
                    high: run(&format!("{key}=high"), "high", Vec::new(), 3, hi),
                }
            })
            .collect();
        Sensitivity {
            name: "pic-2013 <sens>".into(),
            base,
            parameters,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::assert_png_size;

    fn compare_png(cmp: &Comparison, metric: &str) -> Vec<u8> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(format!("compare_{metric}.png"));
        draw_compare(cmp, metric, &path).unwrap_or_else(|e| panic!("{metric}: {e:#}"));
        assert_png_size(&path);
        std::fs::read(&path).expect("chart reads")
    }

    /// The RGB pixels of a chart, decoded with the renderer's own pipeline (no PNG decoder).
    fn compare_pixels(cmp: &Comparison, metric: &str) -> Vec<u8> {
        let (origin, lines) = run_lines(cmp, metric).expect("lines");
        supersampled(|root| render_compare(cmp, metric, origin, &lines, root)).expect("renders")
    }

    fn count(pixels: &[u8], c: RGBColor) -> usize {
        pixels
            .chunks_exact(3)
            .filter(|p| p == &[c.0, c.1, c.2])
            .count()
    }

    #[test]
    fn compares_one_run() {
        let cmp = fixtures::sweep(1, 40);
        for m in crate::experiments::compare::CHART_METRICS {
            compare_png(&cmp, m);
        }
    }

    #[test]
    fn compares_a_few_runs_each_in_its_colour() {
        let cmp = fixtures::sweep(5, 40);
        compare_png(&cmp, "reachable_im");
        let pixels = compare_pixels(&cmp, "reachable_im");
        for i in 0..5 {
            assert!(
                count(&pixels, run_colour(i, 5)) > 300,
                "run {i}'s colour barely drawn"
            );
        }
        assert_eq!(count(&pixels, run_colour(5, 6)), 0, "an unused colour");
    }

    #[test]
    fn compares_sixty_runs_along_a_ramp() {
        let cmp = fixtures::sweep(60, 40);
        compare_png(&cmp, "users_isolated");
        assert_ne!(run_colour(0, 60), run_colour(59, 60));
        assert_eq!(run_colour(0, 60), ramp(0.0));
        let pixels = compare_pixels(&cmp, "users_isolated");
        // The ramp in the legend and the emphasised lines, at least.
        assert!(count(&pixels, run_colour(0, 60)) > 100);
        assert!(count(&pixels, run_colour(59, 60)) > 100);
    }

    #[test]
    fn compares_one_date_and_all_zeros() {
        let mut cmp = fixtures::sweep(3, 1);
        for r in &mut cmp.runs {
            for s in &mut r.summary {
                *s = crate::run::summary::Stat::of(&mut [0.0]);
            }
            r.replications = 1;
        }
        compare_png(&cmp, "reachable_im");
    }

    #[test]
    fn missing_metric_is_an_error_naming_it_and_the_run() {
        let mut cmp = fixtures::sweep(3, 5);
        cmp.runs[1].columns[1] = "something_else".into();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("compare_reachable_im.png");
        let err = draw_compare(&cmp, "reachable_im", &path).expect_err("metric missing");
        let text = format!("{err:#}");
        assert!(
            text.contains("run-002") && text.contains("reachable_im"),
            "{text}"
        );
        assert!(!path.exists());
        let empty = Comparison {
            runs: Vec::new(),
            ..fixtures::sweep(0, 1)
        };
        assert!(draw_compare(&empty, "reachable_im", &path).is_err());
    }

    fn tornado(sens: &Sensitivity) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (figure, _) in sens.figures() {
            let path = dir
                .path()
                .join(crate::experiments::sweep::figure_file(&figure));
            draw_tornado(sens, &figure, &path).unwrap_or_else(|e| panic!("{figure}: {e:#}"));
            assert_png_size(&path);
        }
    }

    #[test]
    fn tornado_without_parameters() {
        tornado(&fixtures::sensitivity(0));
    }

    #[test]
    fn tornado_with_thirty_and_forty_parameters() {
        tornado(&fixtures::sensitivity(30));
        tornado(&fixtures::sensitivity(40));
    }

    #[test]
    fn tornado_with_a_figure_missing_from_some_runs() {
        let mut sens = fixtures::sensitivity(4);
        sens.parameters[2].high.headlines.clear();
        assert_eq!(sens.bars("users_isolated@end").len(), 3);
        tornado(&sens);
        sens.parameters
            .iter_mut()
            .for_each(|p| p.low.headlines.clear());
        tornado(&sens);
    }

    #[test]
    fn tornado_of_a_figure_the_base_lacks_is_an_error() {
        let sens = fixtures::sensitivity(2);
        let dir = tempfile::tempdir().expect("temp dir");
        let err = draw_tornado(&sens, "nope", &dir.path().join("t.png")).expect_err("no figure");
        assert!(format!("{err:#}").contains("nope"));
    }

    #[test]
    fn tornado_bars_are_drawn_in_both_colours() {
        let sens = fixtures::sensitivity(5);
        let base = sens
            .base
            .headline("users_isolated@end")
            .expect("figure")
            .clone();
        let pixels = supersampled(|root| render_tornado(&sens, &base, root)).expect("renders");
        assert!(count(&pixels, LOW) > 2000, "low bars");
        assert!(count(&pixels, HIGH) > 2000, "high bars");
    }

    #[test]
    fn end_labels_go_outwards() {
        let bar = |at_low, at_high| Bar {
            key: "k".into(),
            low_text: "lo".into(),
            high_text: "hi".into(),
            at_low,
            at_high,
        };
        let sides = |b: &Bar| -> Vec<(String, bool, f64)> {
            end_labels(b, 10.0)
                .into_iter()
                .map(|l| (l.text, l.side == Side::Right, l.at))
                .collect()
        };
        assert_eq!(
            sides(&bar(8.0, 12.0)),
            [("lo".into(), false, 8.0), ("hi".into(), true, 12.0)]
        );
        // Both above the base: the nearer one's label moves beside the base line, on the left.
        assert_eq!(
            sides(&bar(11.0, 14.0)),
            [("lo".into(), false, 10.0), ("hi".into(), true, 14.0)]
        );
        assert_eq!(sides(&bar(10.0, 10.0)).len(), 1);
        assert_eq!(
            sides(&bar(10.0, 7.0)),
            [
                ("lo (= base)".into(), true, 10.0),
                ("hi".into(), false, 7.0)
            ]
        );
    }

    #[test]
    fn tick_texts_follow_the_unit() {
        assert_eq!(tick_text(0.42, Unit::Share, 0.05), "42 %");
        assert_eq!(tick_text(0.425, Unit::Share, 0.005), "42.5 %");
        assert_eq!(tick_text(12500.0, Unit::Count, 2500.0), "12,500");
        assert_eq!(tick_text(0.5, Unit::Count, 0.5), "0.5");
        assert_eq!(tick_text(-1234.5, Unit::Money, 500.0), "-1,234.50");
        let (ticks, step) = round_ticks(0.37, 0.52, 7.0);
        assert_eq!(step, 0.025);
        assert_eq!(ticks.first().copied(), Some(0.375));
        assert_eq!(round_ticks(3.0, 3.0, 7.0).0, vec![3.0]);
    }

    #[test]
    fn metric_titles() {
        assert_eq!(metric_title("reachable_im").1, "entries");
        assert_eq!(metric_title("users_isolated").1, "users");
        assert_eq!(
            metric_title("migrated_wlm_skype").0,
            "Persons migrated (wlm_skype)"
        );
        assert_eq!(
            metric_title("reachable_video").0,
            "Contact-list entries reachable for video"
        );
        assert_eq!(metric_title("odd").0, "odd");
    }
}
