//! PNG charts of a run: the five pictures the README lists (`reachable_by_network.png`, …), each
//! 1600×900, drawn with plotters from the run's summaries (mean line, p05–p95 band).
//!
//! Every chart has the same frame: a title and a subtitle across the top, the plot on the left
//! with dates on the x axis and counts from 0 on the y axis, and a panel on the right holding the
//! legend and the list of key dates. Key dates are marked in the plot by a dashed vertical line
//! topped by a numbered badge; the number points into the panel's list (and into the key-date table
//! of `report.html`, which numbers them the same way). Full labels beside the lines were rejected:
//! the default scenario has several dates within days of each other and labels of 30–60
//! characters, which no rotation or staggering keeps legible.
//!
//! Colours are fixed: networks take [`palette`] by their index in the scenario, every other series
//! a colour chosen here, so a network looks the same in every chart and every run.
//!
//! plotters' bitmap backend does not anti-alias lines, and its thick polylines zig-zag on daily
//! data; each chart is therefore drawn at [`SUPERSAMPLE`] times its size and averaged down.
//!
//! This module does not decide which charts a run draws or where they go; it draws one chart into
//! one file. Text uses the DejaVu Sans font compiled into the binary (no system fonts are read).

use crate::run::summary::RunResult;
use crate::scenario::{Chart, KeyDate, Scenario};
use anyhow::{Context, anyhow};
use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordi32;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

/// Chart width, pixels.
pub const WIDTH: u32 = 1600;
/// Chart height, pixels.
pub const HEIGHT: u32 = 900;

/// Each chart is drawn at this multiple of its size, then averaged down (anti-aliasing).
pub(super) const SUPERSAMPLE: u32 = 2;

/// The font family name every text of a chart uses (registered from the `dejavu` crate).
const FAMILY: &str = "DejaVu Sans";

/// Left edge of the legend panel, pixels.
pub(super) const PANEL_X: i32 = 1185;
/// Right edge of the legend panel's text, pixels.
pub(super) const PANEL_RIGHT: i32 = WIDTH as i32 - 24;
/// Top of the area below the title, pixels.
pub(super) const HEADER_HEIGHT: i32 = 96;
/// Rows of staggered key-date badges above the plot.
pub(super) const BADGE_ROWS: usize = 3;
/// Badge radius, pixels.
pub(super) const BADGE_RADIUS: i32 = 13;
/// Vertical distance between badge rows, pixels.
pub(super) const BADGE_ROW_HEIGHT: i32 = 29;

pub(super) const TEXT: RGBColor = RGBColor(17, 24, 39);
pub(super) const TEXT_MUTED: RGBColor = RGBColor(95, 99, 110);
pub(super) const GRID: RGBColor = RGBColor(228, 230, 235);
pub(super) const AXIS: RGBColor = RGBColor(120, 124, 132);
pub(super) const MARKER: RGBColor = RGBColor(110, 110, 118);
const BADGE: RGBColor = RGBColor(55, 65, 81);
const REFERENCE: RGBColor = RGBColor(120, 120, 120);

/// Network colours, by network index: Tableau 10 without its grey (kept for reference lines), then
/// seven more, one per network up to `MAX_NETWORKS`.
const NETWORK_COLOURS: [RGBColor; crate::scenario::MAX_NETWORKS] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 128),
    RGBColor(128, 0, 0),
    RGBColor(0, 100, 80),
    RGBColor(204, 153, 0),
    RGBColor(90, 50, 140),
    RGBColor(160, 60, 100),
    RGBColor(200, 0, 160),
];

/// The colour of network `i` (its index in the scenario's network order) in every chart. Wraps
/// around past the palette's length.
pub fn palette(i: usize) -> RGBColor {
    NETWORK_COLOURS[i % NETWORK_COLOURS.len()]
}

/// One line of a chart.
struct Series {
    /// For people, in the legend.
    label: String,
    /// The metric column.
    column: String,
    colour: RGBColor,
    /// Line width, drawing pixels.
    width: u32,
    /// Dashed (a companion series, e.g. stranded persons beside migrated ones) or solid.
    dashed: bool,
    /// Whether to shade p05–p95 behind the line.
    band: bool,
    /// A reference line, drawn before (under) every other line.
    reference: bool,
}

impl Series {
    /// A solid line, 3 pixels wide, with a band.
    fn main(label: impl Into<String>, column: impl Into<String>, colour: RGBColor) -> Series {
        Series {
            label: label.into(),
            column: column.into(),
            colour,
            width: 3 * SUPERSAMPLE,
            dashed: false,
            band: true,
            reference: false,
        }
    }

    fn style(&self) -> ShapeStyle {
        ShapeStyle {
            color: self.colour.to_rgba(),
            filled: false,
            stroke_width: self.width,
        }
    }
}

/// What one chart shows.
struct Spec {
    title: String,
    /// Unit of the y axis.
    unit: &'static str,
    /// Series in drawing (and legend) order.
    series: Vec<Series>,
    /// Shown across the plot when there is nothing to draw.
    empty_note: Option<&'static str>,
}

/// The series of `chart` for `s`, in a fixed order.
fn spec(chart: Chart, s: &Scenario) -> Spec {
    match chart {
        Chart::ReachableByNetwork => Spec {
            title: "Reachable contact-list entries by network".into(),
            unit: "entries",
            series: s
                .networks
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    Series::main(n.name.clone(), format!("reachable_{}", n.id), palette(i))
                })
                .collect(),
            empty_note: None,
        },
        Chart::ReachableByModality => {
            let colours = [
                RGBColor(0, 114, 178),
                RGBColor(0, 158, 115),
                RGBColor(230, 159, 0),
                RGBColor(170, 51, 119),
            ];
            // Modalities often coincide (every network here carries IM and presence), so each
            // line is narrower than the one before and the coinciding ones show as nested stripes.
            let widths = [14, 10, 6, 3];
            let mut series: Vec<Series> = ["IM", "presence", "audio", "video"]
                .iter()
                .zip(crate::scenario::Modalities::NAMES)
                .zip(colours.into_iter().zip(widths))
                .map(|((label, id), (colour, width))| Series {
                    width,
                    ..Series::main(
                        format!("reachable for {label}"),
                        format!("reachable_{id}"),
                        colour,
                    )
                })
                .collect();
            series.push(Series {
                width: 2 * SUPERSAMPLE,
                band: false,
                reference: true,
                ..Series::main("all entries (reference)", "entries", REFERENCE)
            });
            Spec {
                title: "Reachable contact-list entries by modality".into(),
                unit: "entries",
                series,
                empty_note: None,
            }
        }
        Chart::Migration => {
            let mut series = Vec::new();
            let mut used = Vec::new();
            for (i, m) in s.migrations.iter().enumerate() {
                // The destination network's colour, unless an earlier migration already took it.
                let colour = if used.contains(&m.to) {
                    palette(s.networks.len() + i)
                } else {
                    used.push(m.to);
                    palette(m.to as usize)
                };
                let from = &s.networks[m.from as usize].name;
                let to = &s.networks[m.to as usize].name;
                series.push(Series::main(
                    format!("migrated {from} → {to}"),
                    format!("migrated_{}", m.label),
                    colour,
                ));
                series.push(Series {
                    dashed: true,
                    ..Series::main(
                        format!("stranded on {from} (not yet migrated)"),
                        format!("stranded_{}", m.label),
                        colour,
                    )
                });
            }
            Spec {
                title: "Persons migrated and stranded".into(),
                unit: "persons",
                series,
                empty_note: Some("no migrations in this scenario"),
            }
        }
        Chart::Users => {
            // Nested sets (isolated and lost-some users are among those with some contact not
            // reachable) often coincide: narrower lines on wider ones, as for modalities.
            let series = [
                (
                    "some contact not reachable",
                    "users_some_unreachable",
                    RGBColor(86, 180, 233),
                    12,
                ),
                (
                    "lost some contact",
                    "users_lost_some",
                    RGBColor(213, 94, 0),
                    7,
                ),
                (
                    "isolated (no contact reachable)",
                    "users_isolated",
                    RGBColor(40, 40, 40),
                    4,
                ),
            ];
            Spec {
                title: "Lync users affected".into(),
                unit: "users",
                series: series
                    .into_iter()
                    .map(|(label, column, colour, width)| Series {
                        width,
                        ..Series::main(label, column, colour)
                    })
                    .collect(),
                empty_note: None,
            }
        }
        Chart::Losses => Spec {
            title: "Unreachable contact-list entries by cause".into(),
            unit: "entries",
            series: vec![
                Series::main(
                    "never reachable",
                    "never_reachable",
                    RGBColor(204, 121, 167),
                ),
                Series::main(
                    "lost: account inactive",
                    "lost_account",
                    RGBColor(213, 94, 0),
                ),
                Series::main(
                    "lost: no provider serves it",
                    "lost_federation",
                    RGBColor(0, 114, 178),
                ),
            ],
            empty_note: None,
        },
    }
}

/// One series' numbers, x in days since the first reported date.
struct Data {
    mean: Vec<(i32, f64)>,
    p05: Vec<f64>,
    p95: Vec<f64>,
}

fn data(result: &RunResult, column: &str, xs: &[i32]) -> anyhow::Result<Data> {
    let col = result
        .column(column)
        .ok_or_else(|| anyhow!("the run has no metric column `{column}`"))?;
    let stats = (0..xs.len()).map(|row| result.stat(row, col));
    let mut d = Data {
        mean: Vec::with_capacity(xs.len()),
        p05: Vec::with_capacity(xs.len()),
        p95: Vec::with_capacity(xs.len()),
    };
    for (&x, st) in xs.iter().zip(stats) {
        d.mean.push((x, st.mean));
        d.p05.push(st.p05);
        d.p95.push(st.p95);
    }
    Ok(d)
}

/// Registers the DejaVu fonts under [`FAMILY`] once per process.
pub(super) fn register_fonts() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            for (style, bytes) in [
                (FontStyle::Normal, dejavu::sans::regular()),
                (FontStyle::Bold, dejavu::sans::bold()),
            ] {
                plotters::style::register_font(FAMILY, style, bytes).map_err(|_| {
                    format!(
                        "the embedded DejaVu Sans font ({}) could not be loaded",
                        style.as_str()
                    )
                })?;
            }
            Ok(())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

/// A plotters error as an anyhow error (plotters' errors are not always `Send + Sync`).
pub(super) fn plot_err<E: std::fmt::Display>(
    what: &'static str,
) -> impl FnOnce(E) -> anyhow::Error {
    move |e| anyhow!("{what}: {e}")
}

/// Logical pixels to drawing pixels.
pub(super) fn z(v: i32) -> i32 {
    v * SUPERSAMPLE as i32
}

/// Regular text of `size` logical pixels.
pub(super) fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size * f64::from(SUPERSAMPLE)).into_font()).color(&TEXT)
}

/// Bold text of `size` logical pixels.
pub(super) fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size * f64::from(SUPERSAMPLE), FontStyle::Bold).into_font())
        .color(&TEXT)
}

/// A line `width` logical pixels wide.
pub(super) fn stroke(colour: RGBColor, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: colour.to_rgba(),
        filled: false,
        stroke_width: width * SUPERSAMPLE,
    }
}

/// Y axis ticks for values up to `max`: a round step (1, 2, 2.5 or 5 × 10^k, at least 1, since
/// every metric is a count) and ticks from 0 to the first multiple at or above `max`.
pub(super) fn y_ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let rough = max / 6.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// The y axis: counts from 0 to the last of its ticks, labelled only at those ticks. (plotters'
/// own `f64` axis picks fractional ticks for small counts and cannot take given ticks and still be
/// formatted.)
pub(super) struct CountAxis {
    /// Tick values from 0 up; the last is the top of the axis.
    pub(super) ticks: Vec<f64>,
}

impl CountAxis {
    /// The top of the axis: its last tick (at least 1).
    pub(super) fn top(&self) -> f64 {
        self.ticks
            .last()
            .copied()
            .filter(|t| *t > 0.0)
            .unwrap_or(1.0)
    }
}

impl Ranged for CountAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = value / self.top();
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
        0.0..self.top()
    }
}

/// X axis ticks: the first day of every k-th month inside `origin + lo ..= origin + hi`, with k
/// chosen for at most 14 labels, and the label format that goes with it.
pub(super) fn x_ticks(origin: NaiveDate, lo: i32, hi: i32) -> (Vec<i32>, &'static str) {
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

/// Greedy word wrap of `text` so that each line fits `first_width` (first line) or `width`
/// pixels.
pub(super) fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    first_width: i32,
    width: i32,
) -> anyhow::Result<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let limit = if lines.is_empty() { first_width } else { width };
        let (w, _) = area
            .estimate_text_size(&candidate, style)
            .map_err(plot_err("measuring text"))?;
        if w as i32 > limit && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Draws `chart` for `result` into the PNG file `path` ([`WIDTH`]×[`HEIGHT`]; the encoder picks
/// the format from the extension, so `path` should end in `.png`).
///
/// # Errors
/// A metric the chart needs is missing from `result`, the run has no reported days, or the file
/// cannot be written. Never panics on the values themselves (one replication, one row, all zeros).
pub fn draw(result: &RunResult, chart: Chart, path: &Path) -> anyhow::Result<()> {
    let pixels = render_rgb(result, chart)
        .with_context(|| format!("could not draw chart '{}'", path.display()))?;
    write_png(&pixels, path)
}

/// Writes `WIDTH × HEIGHT` RGB `pixels` (row by row) as the PNG file `path`.
///
/// Encoded in memory and written by the standard library rather than by plotters' backend, whose
/// errors wrap the operating system's in debug text (`ImageError(IoError(Custom { … }))`): a full
/// disk then reads "could not write chart '…': No space left on device". The bytes are the same
/// (the same encoder with the same settings).
pub(super) fn write_png(pixels: &[u8], path: &Path) -> anyhow::Result<()> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| anyhow!("could not encode chart '{}': {e}", path.display()))?;
    std::fs::write(path, png).with_context(|| format!("could not write chart '{}'", path.display()))
}

/// The drawing area `paint` draws a chart on: [`SUPERSAMPLE`] times the chart's size, so every
/// coordinate and size given to it is in drawing pixels ([`z`] of logical pixels).
pub(super) type Canvas<'a> = DrawingArea<BitMapBackend<'a, RGBPixel>, Shift>;

/// Registers the fonts, lets `paint` draw on a white supersampled canvas, and returns the
/// `WIDTH × HEIGHT` RGB pixels (averaged down), row by row.
pub(super) fn supersampled(
    paint: impl for<'a> FnOnce(&Canvas<'a>) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<u8>> {
    register_fonts()?;
    let (big_w, big_h) = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE);
    let mut big = vec![255u8; (big_w * big_h * 3) as usize];
    {
        let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut big, (big_w, big_h))
            .map_err(plot_err("allocating the picture"))?;
        let root = backend.into_drawing_area();
        root.fill(&WHITE)
            .map_err(plot_err("filling the background"))?;
        paint(&root)?;
        root.present().map_err(plot_err("finishing the picture"))?;
    }
    Ok(downsample(
        &big,
        WIDTH as usize,
        HEIGHT as usize,
        SUPERSAMPLE as usize,
    ))
}

/// Draws `chart` for `result` and returns its `WIDTH × HEIGHT` RGB pixels, row by row.
fn render_rgb(result: &RunResult, chart: Chart) -> anyhow::Result<Vec<u8>> {
    let spec = spec(chart, &result.scenario);
    let origin = *result
        .dates
        .first()
        .ok_or_else(|| anyhow!("the run has no reported days to chart"))?;
    let xs: Vec<i32> = result
        .dates
        .iter()
        .map(|d| (*d - origin).num_days() as i32)
        .collect();
    let series = spec
        .series
        .iter()
        .map(|s| data(result, &s.column, &xs))
        .collect::<anyhow::Result<Vec<Data>>>()?;
    supersampled(|root| render(result, chart, &spec, &series, origin, &xs, root))
}

/// The title and subtitle across the top of a chart. A title too long for the width is set
/// smaller (down to 24 pixels), then cut with an ellipsis, as is a subtitle too long.
pub(super) fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> anyhow::Result<()> {
    let width = z(WIDTH as i32 - 80);
    let (w, _) = root
        .estimate_text_size(title, &bold(34.0))
        .map_err(plot_err("measuring text"))?;
    let size = if w as i32 > width {
        (34.0 * f64::from(width) / f64::from(w)).max(24.0)
    } else {
        34.0
    };
    let title_style = bold(size);
    let title = ellipsize(root, title, &title_style, width)?;
    root.draw_text(
        &title,
        &title_style,
        (z(40), z(20) + z((34.0 - size) as i32 / 2)),
    )
    .map_err(plot_err("drawing the title"))?;
    let subtitle_style = font(19.0).color(&TEXT_MUTED);
    let subtitle = ellipsize(root, subtitle, &subtitle_style, width)?;
    root.draw_text(&subtitle, &subtitle_style, (z(42), z(64)))
        .map_err(plot_err("drawing the subtitle"))
}

/// `text`, cut at the end with "…" so that it fits `width` drawing pixels.
pub(super) fn ellipsize<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
) -> anyhow::Result<String> {
    let fits = |t: &str| -> anyhow::Result<bool> {
        let (w, _) = area
            .estimate_text_size(t, style)
            .map_err(plot_err("measuring text"))?;
        Ok(w as i32 <= width)
    };
    if fits(text)? {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the ellipsis (binary search; width grows with length).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if fits(&candidate)? {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…")
}

/// Averages each `f × f` block of the RGB picture `big` (`w·f × h·f`) into one pixel.
fn downsample(big: &[u8], w: usize, h: usize, f: usize) -> Vec<u8> {
    let big_w = w * f;
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..f {
                    let row = (y * f + dy) * big_w;
                    for dx in 0..f {
                        sum += u32::from(big[(row + x * f + dx) * 3 + c]);
                    }
                }
                let n = (f * f) as u32;
                out.push(((sum + n / 2) / n) as u8);
            }
        }
    }
    out
}

fn render<DB: DrawingBackend>(
    result: &RunResult,
    chart: Chart,
    spec: &Spec,
    series: &[Data],
    origin: NaiveDate,
    xs: &[i32],
    root: &DrawingArea<DB, Shift>,
) -> anyhow::Result<()> {
    let replications = result.series.len();
    let banded = replications > 1;
    let spread = if banded {
        format!("mean of {replications} replications, shaded band p05–p95")
    } else {
        "one replication".to_string()
    };
    let reachable_note = match chart {
        Chart::ReachableByNetwork | Chart::Losses => " · reachable means reachable for IM",
        Chart::ReachableByModality => " · lines that coincide show nested, IM widest",
        Chart::Users => " · lines that coincide show nested",
        Chart::Migration => "",
    };
    let subtitle = format!(
        "Scenario {} · {spread}{reachable_note}",
        result.scenario.name
    );
    header(root, &spec.title, &subtitle)?;

    let y_max = series
        .iter()
        .zip(&spec.series)
        .flat_map(|(d, s)| {
            let band = if s.band && banded {
                d.p95.as_slice()
            } else {
                &[]
            };
            d.mean.iter().map(|(_, m)| *m).chain(band.iter().copied())
        })
        .fold(0.0f64, f64::max);
    let plot_area = plot_area(root);
    let key_dates = result.scenario.key_dates();
    let (mut ctx, markers) = time_plot(
        root,
        &plot_area,
        origin,
        xs.last().copied().unwrap_or(0),
        y_max,
        spec.unit,
        &key_dates,
    )?;
    let (px_x, px_y) = ctx.plotting_area().get_pixel_range();

    // Bands, then reference lines, then the other lines, each in the spec's order, so every line
    // sits above every band and the data above the references.
    if banded {
        for (d, s) in series.iter().zip(&spec.series).filter(|(_, s)| s.band) {
            if d.mean.len() < 2 || d.p05.iter().zip(&d.p95).all(|(lo, hi)| lo == hi) {
                continue;
            }
            let upper = d.mean.iter().zip(&d.p95).map(|((x, _), hi)| (*x, *hi));
            let lower = d
                .mean
                .iter()
                .zip(&d.p05)
                .rev()
                .map(|((x, _), lo)| (*x, *lo));
            let points: Vec<(i32, f64)> = upper.chain(lower).collect();
            ctx.draw_series(std::iter::once(Polygon::new(
                points,
                s.colour.mix(0.18).filled(),
            )))
            .map_err(plot_err("drawing a band"))?;
        }
    }
    let (references, others): (Vec<_>, Vec<_>) = series
        .iter()
        .zip(&spec.series)
        .partition(|(_, s)| s.reference);
    for (d, s) in references.into_iter().chain(others) {
        if d.mean.len() == 1 {
            ctx.draw_series(
                d.mean
                    .iter()
                    .map(|p| Circle::new(*p, z(6), s.colour.filled())),
            )
            .map_err(plot_err("drawing a point"))?;
            continue;
        }
        if s.dashed {
            ctx.draw_series(DashedLineSeries::new(
                d.mean.iter().copied(),
                z(14),
                z(9),
                s.style(),
            ))
        } else {
            ctx.draw_series(LineSeries::new(d.mean.iter().copied(), s.style()))
        }
        .map_err(plot_err("drawing a line"))?;
    }
    if let (true, Some(note)) = (spec.series.is_empty(), spec.empty_note) {
        let centre = ((px_x.start + px_x.end) / 2, (px_y.start + px_y.end) / 2);
        let style = font(28.0)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text(note, &style, centre)
            .map_err(plot_err("drawing the note"))?;
    }

    // Tags above the plot, over the markers' tops.
    markers.draw_tags(root)?;

    legend(root, spec, banded, &key_dates, &markers.marks)
}

/// The area left of the panel and below the header, where [`time_plot`] lays out its plot.
pub(super) fn plot_area<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
) -> DrawingArea<DB, Shift> {
    root.clone().shrink(
        (0, z(HEADER_HEIGHT)),
        (
            z(PANEL_X) as u32,
            (HEIGHT * SUPERSAMPLE) - z(HEADER_HEIGHT) as u32,
        ),
    )
}

/// The coordinates of a plot over time: days since the first reported date, and counts.
pub(super) type TimeCoord = Cartesian2d<WithKeyPoints<RangedCoordi32>, CountAxis>;

/// Lays out a plot over time in `plot_area` (from [`plot_area`]): x in days from `origin` to
/// `last` days later (a month around `origin` when `last` is 0), labelled with dates; y from 0 to
/// a round number above `y_max`, with thousands separators, described as `unit`. Draws the axes,
/// the grid and the markers of `key_dates` (whose tags go on `root`, above the plot), and returns
/// the chart context and the markers, whose tags are drawn after the data.
pub(super) fn time_plot<'a, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot_area: &'a DrawingArea<DB, Shift>,
    origin: NaiveDate,
    last: i32,
    y_max: f64,
    unit: &str,
    key_dates: &[KeyDate],
) -> anyhow::Result<(ChartContext<'a, DB, TimeCoord>, Markers)> {
    let (x_lo, x_hi) = if last > 0 { (0, last) } else { (-15, 15) };
    let (x_key, x_format) = if last > 0 {
        x_ticks(origin, x_lo, x_hi)
    } else {
        (vec![0], "%Y-%m-%d")
    };
    let y_axis = CountAxis {
        ticks: y_ticks(y_max * 1.03),
    };
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
    let fmt_y = |y: &f64| super::thousands(*y);
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
        |d| ctx.backend_coord(&((d - origin).num_days() as i32, 0.0)).0,
        px_y,
    )?;
    Ok((ctx, markers))
}

/// The key-date markers of one plot: which dates are inside it and where their tags go.
pub(super) struct Markers {
    /// `(number, x)` of each key date inside the plot, numbered from 1 in the key-date list, x in
    /// drawing pixels.
    pub(super) marks: Vec<(usize, i32)>,
    tags: Vec<Tag>,
    /// Top of the plot, drawing pixels.
    top: i32,
}

impl Markers {
    /// The centre height of a tag in `row` (0 nearest the plot), drawing pixels.
    fn tag_y(&self, row: usize) -> i32 {
        self.top - z(6 + BADGE_RADIUS) - z(row as i32 * BADGE_ROW_HEIGHT)
    }

    /// Draws the numbered tags above the plot (after the data, so they sit over the lines' tops).
    pub(super) fn draw_tags<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> anyhow::Result<()> {
        for t in &self.tags {
            pill(
                root,
                &t.text,
                (t.x, self.tag_y(t.row)),
                t.half,
                BADGE_RADIUS,
            )?;
        }
        Ok(())
    }
}

/// Draws a dashed vertical line at each of `key_dates` between `first` and `last` (x in drawing
/// pixels from `x_px`), from its tag's row above the plot down to the bottom of `plot_y` (the
/// plot's vertical pixel range), and returns the markers, whose tags are drawn later with
/// [`Markers::draw_tags`]. Draw it before the data, so lines pass behind it.
pub(super) fn key_date_markers<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    key_dates: &[KeyDate],
    first: NaiveDate,
    last: NaiveDate,
    x_px: impl Fn(NaiveDate) -> i32,
    plot_y: Range<i32>,
) -> anyhow::Result<Markers> {
    let marks: Vec<(usize, i32)> = key_dates
        .iter()
        .enumerate()
        .filter(|(_, k)| (first..=last).contains(&k.date))
        .map(|(i, k)| (i + 1, x_px(k.date)))
        .collect();
    let markers = Markers {
        tags: tags(root, &marks)?,
        marks,
        top: plot_y.start,
    };
    // Each line runs from its tag down. Dates a few pixels apart share one line (two dashed lines
    // side by side read as one wavy line), starting at the highest of their tags.
    let mut tops: Vec<(i32, i32)> = markers
        .tags
        .iter()
        .flat_map(|t| {
            let top = markers.tag_y(t.row);
            markers.marks[t.marks.clone()]
                .iter()
                .map(move |&(_, x)| (x, top))
        })
        .collect();
    tops.sort_unstable();
    let mut lines: Vec<(i32, i32)> = Vec::new();
    for (x, top) in tops {
        match lines.last_mut() {
            Some((lx, ltop)) if x - *lx <= z(4) => *ltop = (*ltop).min(top),
            _ => lines.push((x, top)),
        }
    }
    for (x, top) in lines {
        let line = vec![(x, top), (x, plot_y.end)];
        let style = ShapeStyle {
            color: MARKER.to_rgba(),
            filled: false,
            stroke_width: 3,
        };
        root.draw(&DashedPathElement::new(line, z(7), z(5), style))
            .map_err(plot_err("drawing a key-date marker"))?;
    }
    Ok(markers)
}

/// A label above the plot: one key date's number, or one label for a run of key dates too close
/// together for a badge each ("4–9").
struct Tag {
    text: String,
    /// Centre, drawing pixels.
    x: i32,
    /// Half the width, drawing pixels.
    half: i32,
    /// Row, 0 nearest the plot.
    row: usize,
    /// The marks it labels (indices).
    marks: Range<usize>,
}

/// The tags of `marks` (`(number, x)` in drawing pixels, sorted by x), each in a row where it does
/// not touch its neighbours when there is one: the lowest row whose last tag ends far enough to the
/// left, else the row whose last tag ends furthest left. Runs of close dates get a badge each,
/// stacked, while they fit in [`BADGE_ROWS`]; longer runs get one label with the range of numbers.
fn tags<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    marks: &[(usize, i32)],
) -> anyhow::Result<Vec<Tag>> {
    let gap = z(4);
    let step = z(2 * BADGE_RADIUS) + gap;
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, &(_, x)) in marks.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if x - marks[i - 1].1 < step && x - marks[run.start].1 <= 3 * step => {
                run.end = i + 1
            }
            _ => runs.push(i..i + 1),
        }
    }
    let mut tags = Vec::with_capacity(marks.len());
    for run in runs {
        if run.len() <= BADGE_ROWS {
            tags.extend(run.map(|i| Tag {
                text: marks[i].0.to_string(),
                x: marks[i].1,
                half: z(BADGE_RADIUS),
                row: 0,
                marks: i..i + 1,
            }));
        } else {
            let (first, last) = (marks[run.start], marks[run.end - 1]);
            let text = format!("{}–{}", first.0, last.0);
            let (w, _) = root
                .estimate_text_size(&text, &tag_style(&text, BADGE_RADIUS))
                .map_err(plot_err("measuring text"))?;
            tags.push(Tag {
                text,
                x: (first.1 + last.1) / 2,
                half: (w as i32 / 2 + z(8)).max(z(BADGE_RADIUS)),
                row: 0,
                marks: run,
            });
        }
    }
    let mut right = [i32::MIN / 2; BADGE_ROWS];
    for t in &mut tags {
        t.row = (0..BADGE_ROWS)
            .find(|&r| right[r] + gap <= t.x - t.half)
            .unwrap_or_else(|| (0..BADGE_ROWS).min_by_key(|&r| right[r]).unwrap_or(0));
        right[t.row] = t.x + t.half;
    }
    Ok(tags)
}

/// The text style of a tag `r` logical pixels high (radius): one digit larger than more.
fn tag_style(text: &str, r: i32) -> TextStyle<'static> {
    let size = if text.chars().count() == 1 { 1.2 } else { 1.0 };
    bold(f64::from(r) * size)
        .color(&WHITE)
        .pos(Pos::new(HPos::Center, VPos::Center))
}

/// White `text` on a dark pill of radius `r` logical pixels, `half` drawing pixels half-wide (a
/// disc when `half` is `r`), centred on `centre` (drawing pixels).
fn pill<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    centre: (i32, i32),
    half: i32,
    r: i32,
) -> anyhow::Result<()> {
    let (x, y) = centre;
    let inner = (half - z(r)).max(0);
    let err = || plot_err("drawing a key-date tag");
    for cx in [x - inner, x + inner] {
        root.draw(&Circle::new((cx, y), z(r), BADGE.filled()))
            .map_err(err())?;
    }
    if inner > 0 {
        root.draw(&Rectangle::new(
            [(x - inner, y - z(r)), (x + inner, y + z(r))],
            BADGE.filled(),
        ))
        .map_err(err())?;
    }
    root.draw_text(text, &tag_style(text, r), (x, y + z(1)))
        .map_err(err())?;
    Ok(())
}

/// The right-hand panel: one entry per series, then the numbered key dates. Key dates that do not
/// fit are summarised in one line.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &Spec,
    banded: bool,
    key_dates: &[KeyDate],
    marks: &[(usize, i32)],
) -> anyhow::Result<()> {
    let x = PANEL_X + 8;
    let text_x = x + 56;
    let mut y = HEADER_HEIGHT + 14;
    let label = font(18.0);
    let metric = font(14.0).color(&TEXT_MUTED);
    let err = || plot_err("drawing the legend");
    for se in &spec.series {
        let mid = y + 11;
        if se.band && banded {
            let swatch = [(z(x), z(mid - 9)), (z(x + 44), z(mid + 9))];
            root.draw(&Rectangle::new(swatch, se.colour.mix(0.18).filled()))
                .map_err(err())?;
        }
        let swatch = vec![(z(x), z(mid)), (z(x + 44), z(mid))];
        if se.dashed {
            root.draw(&DashedPathElement::new(swatch, z(10), z(6), se.style()))
        } else {
            root.draw(&PathElement::new(swatch, se.style()))
        }
        .map_err(err())?;
        let width = z(PANEL_RIGHT - text_x);
        for line in wrap(root, &se.label, &label, width, width)? {
            root.draw_text(&line, &label, (z(text_x), z(y)))
                .map_err(err())?;
            y += 22;
        }
        root.draw_text(&se.column, &metric, (z(text_x), z(y)))
            .map_err(err())?;
        y += 30;
    }
    key_date_legend(root, key_dates, marks, x, y + 10)
}

/// The numbered list of the key dates in `marks` (numbers into `key_dates`), under a "Key dates"
/// heading at `x`, `y` (logical pixels) in the right-hand panel. Dates that do not fit above the
/// bottom of the chart are summarised in one line.
pub(super) fn key_date_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    key_dates: &[KeyDate],
    marks: &[(usize, i32)],
    x: i32,
    mut y: i32,
) -> anyhow::Result<()> {
    if marks.is_empty() {
        return Ok(());
    }
    let err = || plot_err("drawing the key dates");
    let bottom = HEIGHT as i32 - 16;
    root.draw_text("Key dates", &bold(18.0), (z(x), z(y)))
        .map_err(err())?;
    y += 30;
    let date_style = bold(15.0);
    let text = font(15.0);
    let text_x = x + 30;
    for (i, &(number, _)) in marks.iter().enumerate() {
        let Some(k) = key_dates.get(number - 1) else {
            continue;
        };
        let date = k.date.format("%Y-%m-%d").to_string();
        let (date_w, _) = root
            .estimate_text_size(&date, &date_style)
            .map_err(plot_err("measuring text"))?;
        let date_w = date_w as i32 + z(8);
        let width = z(PANEL_RIGHT - text_x);
        let lines = wrap(root, &k.label, &text, width - date_w, width)?;
        let height = lines.len() as i32 * 19 + 6;
        if y + height > bottom {
            let rest = marks.len() - i;
            let more = format!(
                "… {rest} more key date{} in report.html",
                if rest == 1 { "" } else { "s" }
            );
            root.draw_text(&more, &text.color(&TEXT_MUTED), (z(x), z(y)))
                .map_err(err())?;
            break;
        }
        pill(root, &number.to_string(), (z(x + 11), z(y + 8)), z(11), 11)?;
        root.draw_text(&date, &date_style, (z(text_x), z(y)))
            .map_err(err())?;
        for (j, line) in lines.iter().enumerate() {
            let lx = if j == 0 {
                z(text_x) + date_w
            } else {
                z(text_x)
            };
            root.draw_text(line, &text, (lx, z(y))).map_err(err())?;
            y += 19;
        }
        y += 6;
    }
    Ok(())
}

/// Checks that `path` is a PNG of [`WIDTH`]×[`HEIGHT`] (used by tests here and in `html`).
#[cfg(test)]
pub(crate) fn assert_png_size(path: &Path) {
    let bytes = std::fs::read(path).expect("chart file exists");
    assert!(
        bytes.len() > 24,
        "{} is too short for a PNG",
        path.display()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert_eq!((width, height), (WIDTH, HEIGHT));
}

/// Runs shared by the report tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::run::summary::RunResult;
    use crate::scenario::Override;
    use std::path::Path;
    use std::sync::OnceLock;

    fn run(overrides: &[&str]) -> RunResult {
        let overrides: Vec<Override> = overrides
            .iter()
            .map(|o| Override::parse(o).expect("override parses"))
            .collect();
        let s = crate::scenario::load_file(Path::new("scenarios/pic-2013.toml"), &overrides)
            .expect("scenario loads");
        crate::run::run(&s, 1, &|_| {}).expect("small run")
    }

    /// The default scenario with 50 organisations and 3 replications.
    pub fn small() -> &'static RunResult {
        static RUN: OnceLock<RunResult> = OnceLock::new();
        RUN.get_or_init(|| run(&["orgs.count=50", "scenario.replications=3"]))
    }

    /// The default scenario with 20 organisations and one replication.
    pub fn single() -> &'static RunResult {
        static RUN: OnceLock<RunResult> = OnceLock::new();
        RUN.get_or_init(|| run(&["orgs.count=20", "scenario.replications=1"]))
    }

    /// A tiny scenario without migrations, and with `description` as its description.
    pub fn no_migrations(description: &str) -> RunResult {
        let text = format!(
            r#"
[scenario]
name = "tiny"
description = {description:?}
start = 2020-01-01
end = 2020-12-31
step_days = 7
seed = 7
replications = 2

[networks.chat]
name = "Chat"
until = 2020-06-30
capabilities = [{{ modalities = ["im", "presence"] }}]

[providers.gateway]
name = "Chat gateway"
licence = "cal"
reaches = [{{ network = "chat", deployments = ["server"] }}]

[orgs]
count = 5
users = {{ dist = "fixed", value = 10 }}
deployments = {{ server = 1.0 }}

[orgs.agreement]
term_years = {{ dist = "fixed", value = 3 }}
start = {{ from = 2019-01-01, until = 2019-12-31 }}

[orgs.providers]
gateway = [{{ share = 1.0 }}]

[population]
contacts_per_user = {{ dist = "fixed", value = 4 }}
network_mix = {{ chat = 1.0 }}

[[population.activity]]
class = "daily"
share = 1.0
mean_days_between_sign_ins = 1.0
"#
        );
        let s = match crate::scenario::load_str(&text, "tiny.toml", &[], None) {
            Ok(s) => s,
            Err(e) => panic!("tiny scenario does not load: {e}"),
        };
        crate::run::run(&s, 1, &|_| {}).expect("small run")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw_all(result: &RunResult) {
        let dir = tempfile::tempdir().expect("temp dir");
        for chart in Chart::ALL {
            let path = dir.path().join(format!("{}.png", chart.stem()));
            draw(result, chart, &path).unwrap_or_else(|e| panic!("{chart:?}: {e:#}"));
            assert_png_size(&path);
        }
    }

    #[test]
    fn draws_every_chart() {
        draw_all(fixtures::small());
    }

    #[test]
    fn draws_one_replication() {
        draw_all(fixtures::single());
    }

    #[test]
    fn draws_without_migrations() {
        let r = fixtures::no_migrations("no migrations here");
        assert!(r.scenario.migrations.is_empty());
        draw_all(&r);
    }

    #[test]
    fn draws_a_single_reported_row_and_zero_series() {
        let mut r = fixtures::small().clone();
        let cols = r.columns.len();
        r.dates.truncate(1);
        r.report_days.truncate(1);
        r.summary.truncate(cols);
        for rep in &mut r.series {
            rep.truncate(cols);
        }
        for st in &mut r.summary {
            *st = crate::run::summary::Stat::of(&mut [0.0]);
        }
        draw_all(&r);
    }

    #[test]
    fn unwritable_path_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing").join("users.png");
        let err = draw(fixtures::small(), Chart::Users, &path).expect_err("no such directory");
        assert!(format!("{err:#}").contains("users.png"), "{err:#}");
    }

    #[test]
    fn network_colours_follow_network_order() {
        let s = &fixtures::small().scenario;
        let spec = spec(Chart::ReachableByNetwork, s);
        for (i, se) in spec.series.iter().enumerate() {
            assert_eq!(se.colour, palette(i));
            assert_eq!(se.column, format!("reachable_{}", s.networks[i].id));
        }
    }

    #[test]
    fn each_network_is_drawn_in_its_colour() {
        let r = fixtures::small();
        let pixels = render_rgb(r, Chart::ReachableByNetwork).expect("chart renders");
        assert_eq!(pixels.len(), (WIDTH * HEIGHT * 3) as usize);
        let count = |c: RGBColor| {
            pixels
                .chunks_exact(3)
                .filter(|p| p == &[c.0, c.1, c.2])
                .count()
        };
        for i in 0..r.scenario.networks.len() {
            // The line and the legend swatch, at least; a colour used by nothing else.
            assert!(
                count(palette(i)) > 200,
                "network {i} colour barely drawn: {}",
                count(palette(i))
            );
        }
        assert_eq!(
            count(palette(r.scenario.networks.len())),
            0,
            "an unused network colour appears"
        );
    }

    #[test]
    fn ticks() {
        assert_eq!(super::super::thousands(1234567.0), "1,234,567");
        assert_eq!(super::super::thousands(0.0), "0");
        assert_eq!(super::super::thousands(999.0), "999");
        assert_eq!(y_ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(y_ticks(3.0), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(
            y_ticks(9500.0),
            vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0]
        );
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
    fn a_chart_that_cannot_be_written_says_why_in_words() {
        let pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
        let path = Path::new("/nonexistent-picsim-folder/users.png");
        let err = format!("{:#}", write_png(&pixels, path).unwrap_err());
        assert_eq!(
            err,
            "could not write chart '/nonexistent-picsim-folder/users.png': No such file or directory (os error 2)"
        );
    }
}
