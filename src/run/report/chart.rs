//! PNG charts of a run: the five pictures the README lists (`reachable_by_network.png`, …), each
//! drawn with the chart kit (`crate::report::figure`) from the run's summaries (mean line,
//! p05–p95 band), with a legend of its series and the key dates in the panel.
//!
//! Colours are fixed: networks take `palette` by their index in the scenario, every other series
//! a colour chosen here, so a network looks the same in every chart and every run.
//!
//! This module does not decide which charts a run draws or where they go; it draws one chart into
//! one file.

use crate::report::figure::axes::{CountAxis, TimeCoord, band_outline, time_plot_on};
use crate::report::figure::canvas::{supersampled, write_png};
use crate::report::figure::frame::{HEADER_HEIGHT, PANEL_RIGHT, PANEL_X, header, plot_area};
use crate::report::figure::markers::key_date_legend;
use crate::report::figure::style::{SUPERSAMPLE, TEXT_MUTED, font, palette, plot_err, z};
use crate::report::figure::text::wrap;
use crate::run::summary::RunResult;
use crate::scenario::{Chart, KeyDate, Scenario};
use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The grey of reference lines (all entries, behind the modalities).
const REFERENCE: RGBColor = RGBColor(120, 120, 120);

/// The opacity of a p05–p95 band over white (in the PNG and in the report's explorer).
pub(crate) const BAND_OPACITY: f64 = 0.18;

/// The dash and the gap of a dashed line, logical pixels of the 1600-pixel-wide chart.
pub(crate) const DASH: (i32, i32) = (14, 9);

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
        Chart::ReachableByNetwork => network_spec(s),
        Chart::ReachableByModality => modality_spec(),
        Chart::Migration => migration_spec(s),
        Chart::Users => users_spec(s),
        Chart::Losses => losses_spec(),
    }
}

/// Reachable entries per network, each in its network's colour.
fn network_spec(s: &Scenario) -> Spec {
    Spec {
        title: "Reachable contact-list entries by network".into(),
        unit: "entries",
        series: s
            .networks
            .iter()
            .enumerate()
            .map(|(i, n)| Series::main(n.name.clone(), format!("reachable_{}", n.id), palette(i)))
            .collect(),
        empty_note: None,
    }
}

/// Reachable entries per modality, over all entries as a grey reference.
fn modality_spec() -> Spec {
    let colours = [
        RGBColor(0, 114, 178),
        RGBColor(0, 158, 115),
        RGBColor(230, 159, 0),
        RGBColor(170, 51, 119),
    ];
    // Modalities often coincide (every network here carries IM and presence): identical
    // ones are drawn as one line and named together, lines that meet dashed (see
    // `coincide`), all at one width.
    let widths = [3 * SUPERSAMPLE; 4];
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

/// Per migration, the persons migrated and, dashed in the same colour, those stranded.
fn migration_spec(s: &Scenario) -> Spec {
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

/// Users with some contact not reachable, with losses, and isolated.
fn users_spec(s: &Scenario) -> Spec {
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
        title: format!("{} affected", s.output.words.users_title()),
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

/// Unreachable entries by cause.
fn losses_spec() -> Spec {
    Spec {
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
    }
}

/// One series of a chart as the report's explorer draws it: the same definition as the PNG's
/// (from [`spec`]), so the page's interactive chart cannot drift from the picture.
pub(crate) struct SeriesOutline {
    pub(crate) label: String,
    /// The metric column.
    pub(crate) column: String,
    pub(crate) colour: RGBColor,
    /// Line width in pixels of the 1600-pixel-wide chart.
    pub(crate) width: f64,
    pub(crate) dashed: bool,
    /// Whether the chart shades p05–p95 behind the line (a run of several replications, a series
    /// with a band, on more than one day, whose band is not flat).
    pub(crate) shaded: bool,
    /// A reference line, drawn under every other line.
    pub(crate) reference: bool,
}

/// One chart as the PNG draws it, for the report's explorer to draw again.
pub(crate) struct Outline {
    pub(crate) title: String,
    /// The unit of the y axis.
    pub(crate) unit: &'static str,
    /// The series in legend order, as the PNG draws them (coinciding series merged or dashed,
    /// see [`coincide`]).
    pub(crate) series: Vec<SeriesOutline>,
    /// Indices into `series` in drawing order: reference lines first.
    pub(crate) layers: Vec<usize>,
    /// The y axis.
    pub(crate) y_axis: CountAxis,
    /// Shown when the chart has no series.
    pub(crate) empty_note: Option<&'static str>,
}

/// What `chart` shows for `result`, as its PNG draws it.
///
/// # Errors
/// As [`draw`]: a metric the chart needs is missing, or the run has no reported days.
pub(crate) fn outline(chart: Chart, result: &RunResult) -> anyhow::Result<Outline> {
    let d = drawn(result, chart)?;
    let y_axis = d.y_axis();
    let layers = d.layers();
    let shaded: Vec<bool> = (0..d.spec.series.len()).map(|i| d.shaded(i)).collect();
    let series = d
        .spec
        .series
        .into_iter()
        .zip(shaded)
        .map(|(se, shaded)| SeriesOutline {
            label: se.label,
            column: se.column,
            colour: se.colour,
            width: f64::from(se.width) / f64::from(SUPERSAMPLE),
            dashed: se.dashed,
            shaded,
            reference: se.reference,
        })
        .collect();
    Ok(Outline {
        title: d.spec.title,
        unit: d.spec.unit,
        series,
        layers,
        y_axis,
        empty_note: d.spec.empty_note,
    })
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

/// Draws `chart` for `result` into the PNG file `path` (1600×900; the encoder picks
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

/// Draws `chart` for `result` and returns its `WIDTH × HEIGHT` RGB pixels, row by row.
fn render_rgb(result: &RunResult, chart: Chart) -> anyhow::Result<Vec<u8>> {
    let d = drawn(result, chart)?;
    supersampled(|root| render(result, chart, &d, root))
}

/// What one chart draws: its series after [`coincide`], their numbers, the first reported date
/// and each reported day's x.
struct Drawn {
    spec: Spec,
    /// The numbers of each of `spec.series`.
    data: Vec<Data>,
    /// The first reported date.
    origin: NaiveDate,
    /// Each reported day, in days since `origin`.
    xs: Vec<i32>,
    /// More than one replication: series with a band show it.
    banded: bool,
}

impl Drawn {
    /// The y axis: from 0 to above every mean and every band drawn.
    fn y_axis(&self) -> CountAxis {
        let y_max = self
            .data
            .iter()
            .zip(&self.spec.series)
            .flat_map(|(d, s)| {
                let band = if s.band && self.banded {
                    d.p95.as_slice()
                } else {
                    &[]
                };
                d.mean.iter().map(|(_, m)| *m).chain(band.iter().copied())
            })
            .fold(0.0f64, f64::max);
        CountAxis::from_zero(y_max)
    }

    /// Whether series `i` is shaded p05–p95: it has a band, there are replications to spread,
    /// days to join, and a spread to show.
    fn shaded(&self, i: usize) -> bool {
        let (s, d) = (&self.spec.series[i], &self.data[i]);
        self.banded
            && s.band
            && d.mean.len() >= 2
            && d.p05.iter().zip(&d.p95).any(|(lo, hi)| lo != hi)
    }

    /// The series in drawing order, each in the spec's order: reference lines, then the others,
    /// so the data sits above the references.
    fn layers(&self) -> Vec<usize> {
        let (references, others): (Vec<usize>, Vec<usize>) =
            (0..self.spec.series.len()).partition(|&i| self.spec.series[i].reference);
        references.into_iter().chain(others).collect()
    }
}

/// What `chart` draws for `result` (see [`Drawn`]).
fn drawn(result: &RunResult, chart: Chart) -> anyhow::Result<Drawn> {
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
    let (spec, data) = coincide(spec, series);
    Ok(Drawn {
        spec,
        data,
        origin,
        xs,
        banded: result.series.len() > 1,
    })
}

/// Keeps every line identifiable where lines coincide, which blended colours would not: a
/// series identical to an earlier one on every day (mean and band) is drawn once, as the earlier
/// one, whose legend entry names both ("reachable for IM = presence"); a series that meets an
/// earlier drawn one on some days (equal means) is drawn dashed and without a band, so the line
/// under it shows between its dashes and no shade matches no swatch. Reference lines are left
/// as they are.
fn coincide(mut spec: Spec, data: Vec<Data>) -> (Spec, Vec<Data>) {
    let same = |a: &Data, b: &Data| a.mean == b.mean && a.p05 == b.p05 && a.p95 == b.p95;
    let mut kept: Vec<(Series, Data)> = Vec::new();
    for (se, d) in std::mem::take(&mut spec.series).into_iter().zip(data) {
        if se.reference {
            kept.push((se, d));
            continue;
        }
        if let Some((first, _)) = kept.iter_mut().find(|(k, kd)| !k.reference && same(kd, &d)) {
            // "reachable for presence" beside "reachable for IM" is "presence".
            let common = first
                .label
                .split(' ')
                .zip(se.label.split(' '))
                .take_while(|(a, b)| a == b)
                .count();
            let short: Vec<&str> = se.label.split(' ').skip(common).collect();
            let short = if short.is_empty() {
                se.label.clone()
            } else {
                short.join(" ")
            };
            first.label = format!("{} = {short}", first.label);
            continue;
        }
        // Days on which this line meets one already drawn.
        let met = kept
            .iter()
            .filter(|(k, _)| !k.reference)
            .map(|(_, kd)| {
                kd.mean
                    .iter()
                    .zip(&d.mean)
                    .filter(|(a, b)| a.1 == b.1)
                    .count()
            })
            .max()
            .unwrap_or(0);
        let se = if met > 0 {
            Series {
                dashed: true,
                // A band over a tenth of the days or more would blend with the other's.
                band: se.band && 10 * met < d.mean.len(),
                ..se
            }
        } else {
            se
        };
        kept.push((se, d));
    }
    let (series, data): (Vec<Series>, Vec<Data>) = kept.into_iter().unzip();
    spec.series = series;
    (spec, data)
}

/// Draws chart `chart` of `result`, whose series and numbers are `d`: header, axes, bands, lines,
/// key dates and legend.
fn render<DB: DrawingBackend>(
    result: &RunResult,
    chart: Chart,
    d: &Drawn,
    root: &DrawingArea<DB, Shift>,
) -> anyhow::Result<()> {
    header(root, &d.spec.title, &subtitle(result, chart))?;
    let plot_area = plot_area(root);
    let key_dates = result.scenario.key_dates();
    let (mut ctx, markers) = time_plot_on(
        root,
        &plot_area,
        d.origin,
        d.xs.last().copied().unwrap_or(0),
        d.y_axis(),
        d.spec.unit,
        &key_dates,
    )?;
    let (px_x, px_y) = ctx.plotting_area().get_pixel_range();
    draw_bands(&mut ctx, d)?;
    draw_lines(&mut ctx, d)?;
    if let (true, Some(note)) = (d.spec.series.is_empty(), d.spec.empty_note) {
        let centre = ((px_x.start + px_x.end) / 2, (px_y.start + px_y.end) / 2);
        let style = font(28.0)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text(note, &style, centre)
            .map_err(plot_err("drawing the note"))?;
    }

    // Tags above the plot, over the markers' tops.
    markers.draw_tags(root)?;

    legend(root, &d.spec, d.banded, &key_dates, &markers.marks)
}

/// The subtitle of `chart`: the scenario, the replications, and what the chart's lines mean.
fn subtitle(result: &RunResult, chart: Chart) -> String {
    let replications = result.series.len();
    let spread = if replications > 1 {
        format!("mean of {replications} replications, shaded band p05–p95")
    } else {
        "one replication".to_string()
    };
    let reachable_note = match chart {
        Chart::ReachableByNetwork | Chart::Losses => " · reachable means reachable for IM",
        Chart::ReachableByModality | Chart::Users => {
            " · identical lines drawn once (named together), lines that meet another dashed"
        }
        Chart::Migration => "",
    };
    format!(
        "Scenario {} · {spread}{reachable_note}",
        result.scenario.name
    )
}

/// The p05–p95 bands of the shaded series ([`Drawn::shaded`]), in the spec's order, before any
/// line, so every line sits above every band.
fn draw_bands<DB: DrawingBackend>(
    ctx: &mut ChartContext<'_, DB, TimeCoord>,
    d: &Drawn,
) -> anyhow::Result<()> {
    for (i, (data, s)) in d.data.iter().zip(&d.spec.series).enumerate() {
        if !d.shaded(i) {
            continue;
        }
        ctx.draw_series(std::iter::once(Polygon::new(
            band_outline(&data.mean, &data.p05, &data.p95),
            s.colour.mix(BAND_OPACITY).filled(),
        )))
        .map_err(plot_err("drawing a band"))?;
    }
    Ok(())
}

/// The mean lines in drawing order ([`Drawn::layers`]); a single reported day as a dot.
fn draw_lines<DB: DrawingBackend>(
    ctx: &mut ChartContext<'_, DB, TimeCoord>,
    d: &Drawn,
) -> anyhow::Result<()> {
    for i in d.layers() {
        let (data, s) = (&d.data[i], &d.spec.series[i]);
        if data.mean.len() == 1 {
            ctx.draw_series(
                data.mean
                    .iter()
                    .map(|p| Circle::new(*p, z(6), s.colour.filled())),
            )
            .map_err(plot_err("drawing a point"))?;
            continue;
        }
        if s.dashed {
            ctx.draw_series(DashedLineSeries::new(
                data.mean.iter().copied(),
                z(DASH.0),
                z(DASH.1),
                s.style(),
            ))
        } else {
            ctx.draw_series(LineSeries::new(data.mean.iter().copied(), s.style()))
        }
        .map_err(plot_err("drawing a line"))?;
    }
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
            root.draw(&Rectangle::new(
                swatch,
                se.colour.mix(BAND_OPACITY).filled(),
            ))
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

#[cfg(test)]
mod tests;
