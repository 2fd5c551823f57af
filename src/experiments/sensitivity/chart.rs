//! `tornado_<figure>.png`: the bars of a sensitivity analysis, one row per parameter (largest
//! swing on top), each from the base run's value to the figure at the parameter's low and high
//! value. Drawn with the chart kit (`crate::report::figure`) in the same frame and fonts as the
//! run charts.
//!
//! This module draws one chart into one file; it does not choose which figures are drawn, nor
//! compute them.

use crate::experiments::sensitivity::result::{Bar, Parameter, Sensitivity};
use crate::report::figure::canvas::{supersampled, write_png};
use crate::report::figure::frame::{HEADER_HEIGHT, header};
use crate::report::figure::style::{
    AXIS, GRID, HEIGHT, TEXT, TEXT_MUTED, WIDTH, bold, font, plot_err, stroke, z,
};
use crate::report::figure::text::ellipsize;
use crate::report::figure::ticks::round_ticks;
use crate::report::number::grouped;
use crate::run::report::headline::{Headline, Unit};
use crate::scenario::Words;
use anyhow::{Context, Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

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

/// What the x axis of a tornado chart measures, users and currency named as the scenario names
/// them.
fn figure_axis(base: &Headline, words: &Words) -> String {
    let k = base.key.as_str();
    if k.starts_with("reachable_share") {
        "share of contact-list entries reachable for IM".into()
    } else if k.starts_with("migrated_") || k.starts_with("stranded_") {
        "persons".into()
    } else if k.starts_with("users_") {
        words.users.clone()
    } else {
        match base.unit {
            Unit::Share => "share".into(),
            Unit::Count => "count".into(),
            Unit::Money => format!("amount ({})", words.currency()),
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
pub(crate) fn draw(sens: &Sensitivity, figure: &str, path: &Path) -> Result<()> {
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

/// Draws the tornado chart of figure `base` of `sens`: header, rows, axis, bars, base line,
/// notes and key.
fn render_tornado<DB: DrawingBackend>(
    sens: &Sensitivity,
    base: &Headline,
    root: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let all = sens.moving_bars(&base.key);
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
    let layout = Layout::new(root, bars, hidden, base)?;
    let scale = Scale::new(bars, base, &layout);
    draw_axis(root, &layout, &scale, base, &sens.words)?;
    draw_bars(root, &layout, &scale, bars, base)?;
    draw_base_line(root, &layout, &scale, base)?;
    draw_notes(root, &layout, sens, bars.is_empty(), hidden)?;
    tornado_legend(root, &left_out(sens, &base.key))
}

/// What the key under the chart says of the parameters it does not draw: those not measured
/// (they move the figure's day), those whose runs lack the figure, and how many leave it
/// unchanged.
fn left_out(sens: &Sensitivity, key: &str) -> Vec<String> {
    let names = |ps: Vec<&Parameter>| {
        let labels: Vec<&str> = ps.iter().map(|p| p.label.as_str()).collect();
        (!labels.is_empty()).then(|| labels.join("; "))
    };
    let mut notes = Vec::new();
    if let Some(moved) = names(sens.not_measured(key)) {
        notes.push(format!(
            "Not measured, as it moves the day of this figure: {moved}"
        ));
    }
    if let Some(lacking) = names(sens.missing(key)) {
        notes.push(format!(
            "Not shown (their runs lack this figure): {lacking}"
        ));
    }
    let still = sens.still(key).len();
    if still > 0 {
        notes.push(format!(
            "{still} parameter{} leave{} it unchanged (listed in report.html)",
            if still == 1 { "" } else { "s" },
            if still == 1 { "s" } else { "" }
        ));
    }
    notes
}

/// Where the parts of a tornado chart go (logical pixels unless said) and the texts that fit.
struct Layout {
    /// Rows: one per bar, and one for the bars summarised.
    rows: usize,
    /// Height of a row.
    row_h: i32,
    plot_top: i32,
    plot_bottom: i32,
    /// Left edge of the bars' area (right of the row labels).
    plot_left: i32,
    plot_right: i32,
    /// Size of the rows' text.
    text_size: f64,
    /// Each bar's row label, cut to fit.
    keys: Vec<String>,
    /// Each bar's end labels, cut to fit.
    labels: Vec<Vec<EndLabel>>,
    /// The room the end labels need left and right of the data, drawing pixels.
    pad: (i32, i32),
}

impl Layout {
    /// The layout of `bars` of figure `base`, with a summary row when `hidden` are left out.
    fn new<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        bars: &[Bar],
        hidden: usize,
        base: &Headline,
    ) -> Result<Layout> {
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
        let (keys, key_w) = row_labels(root, bars, &font(text_size))?;
        let (labels, pad) = bar_labels(root, bars, base.value, &bold(text_size * 0.95))?;
        Ok(Layout {
            rows,
            row_h,
            plot_top,
            plot_bottom,
            plot_left: 40 + (key_w / z(1)).max(120) + 20,
            plot_right: WIDTH as i32 - 40,
            text_size,
            keys,
            labels,
            pad,
        })
    }

    /// The middle of row `row`.
    fn mid(&self, row: usize) -> i32 {
        self.plot_top + row as i32 * self.row_h + self.row_h / 2
    }
}

/// The row labels of `bars` in `style`, cut at the front when too long (the last segments of a
/// key say most), and the width of the widest (drawing pixels).
fn row_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bars: &[Bar],
    style: &TextStyle,
) -> Result<(Vec<String>, i32)> {
    let mut keys = Vec::with_capacity(bars.len());
    let mut key_w = 0;
    for b in bars {
        let text = ellipsize(root, &b.label, style, z(460))?;
        let (w, _) = root
            .estimate_text_size(&text, style)
            .map_err(plot_err("measuring text"))?;
        key_w = key_w.max(w as i32);
        keys.push(text);
    }
    Ok((keys, key_w))
}

/// Each bar's end labels, and the room they need left and right of the data (drawing pixels).
type BarLabels = (Vec<Vec<EndLabel>>, (i32, i32));

/// The end labels of `bars` around the base value `base` in `style`, cut to fit, and the room
/// they need left and right of the data (drawing pixels).
fn bar_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bars: &[Bar],
    base: f64,
    style: &TextStyle,
) -> Result<BarLabels> {
    let mut labels: Vec<Vec<EndLabel>> = Vec::with_capacity(bars.len());
    let (mut pad_left, mut pad_right) = (z(16), z(16));
    for b in bars {
        let mut row = end_labels(b, base);
        for l in &mut row {
            l.text = ellipsize(root, &l.text, style, z(240))?;
            let (w, _) = root
                .estimate_text_size(&l.text, style)
                .map_err(plot_err("measuring text"))?;
            let need = w as i32 + z(14);
            match l.side {
                Side::Left => pad_left = pad_left.max(need),
                Side::Right => pad_right = pad_right.max(need),
            }
        }
        labels.push(row);
    }
    Ok((labels, (pad_left, pad_right)))
}

/// The value axis of a tornado chart: values to drawing pixels and back.
struct Scale {
    /// The value at `inner_left`.
    lo: f64,
    /// Where the data's room starts, drawing pixels.
    inner_left: i32,
    /// Drawing pixels per unit of value.
    scale: f64,
    /// The lowest and highest value drawn (bar ends and base).
    data: (f64, f64),
}

impl Scale {
    /// The scale that fits every bar end of `bars` and the base value between the room the
    /// layout keeps for labels. A figure that does not move at all is given some room around it.
    fn new(bars: &[Bar], base: &Headline, layout: &Layout) -> Scale {
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
        let data = (lo, hi);
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
            let (l, r) = (
                z(layout.plot_left) + layout.pad.0,
                z(layout.plot_right) - layout.pad.1,
            );
            if r - l < z(240) {
                // Labels too wide for the room: give the data at least 240 pixels, centred.
                let mid = (z(layout.plot_left) + z(layout.plot_right)) / 2;
                (mid - z(120), mid + z(120))
            } else {
                (l, r)
            }
        };
        Scale {
            lo,
            inner_left,
            scale: f64::from(inner_right - inner_left) / (hi - lo),
            data,
        }
    }

    /// The drawing x of value `v`.
    fn px(&self, v: f64) -> i32 {
        self.inner_left + ((v - self.lo) * self.scale).round() as i32
    }

    /// The value at drawing x `x`.
    fn value_at(&self, x: i32) -> f64 {
        self.lo + f64::from(x - self.inner_left) / self.scale
    }
}

/// The striped rows, the grid, the value axis with its ticks, and what it measures.
fn draw_axis<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    scale: &Scale,
    base: &Headline,
    words: &Words,
) -> Result<()> {
    let err = |what| plot_err(what);
    let (top, bottom, left, right) = (
        layout.plot_top,
        layout.plot_bottom,
        layout.plot_left,
        layout.plot_right,
    );
    for row in (0..layout.rows).step_by(2) {
        let y0 = top + row as i32 * layout.row_h;
        root.draw(&Rectangle::new(
            [(z(24), z(y0)), (z(right), z(y0 + layout.row_h))],
            STRIPE.filled(),
        ))
        .map_err(err("drawing the rows"))?;
    }
    // Ticks across the whole width, but none below 0 (or above 100 %) unless a value is there:
    // the room kept for labels would otherwise show impossible values.
    let floor = if scale.data.0 >= 0.0 {
        0.0
    } else {
        f64::NEG_INFINITY
    };
    let ceiling = if base.unit == Unit::Share && scale.data.1 <= 1.0 {
        1.0
    } else {
        f64::INFINITY
    };
    let (ticks, step) = round_ticks(
        scale.value_at(z(left)).max(floor),
        scale.value_at(z(right)).min(ceiling),
        7.0,
    );
    let tick_style = font(17.0)
        .color(&TEXT_MUTED)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for t in &ticks {
        let x = scale.px(*t);
        root.draw(&PathElement::new(
            vec![(x, z(top)), (x, z(bottom))],
            stroke(GRID, 1),
        ))
        .map_err(err("drawing the grid"))?;
        root.draw(&PathElement::new(
            vec![(x, z(bottom)), (x, z(bottom + 6))],
            stroke(AXIS, 1),
        ))
        .map_err(err("drawing the axis"))?;
        root.draw_text(
            &tick_text(*t, base.unit, step),
            &tick_style,
            (x, z(bottom + 12)),
        )
        .map_err(err("drawing the axis"))?;
    }
    root.draw(&PathElement::new(
        vec![(z(left), z(bottom)), (z(right), z(bottom))],
        stroke(AXIS, 1),
    ))
    .map_err(err("drawing the axis"))?;
    root.draw_text(
        &figure_axis(base, words),
        &font(20.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ((z(left) + z(right)) / 2, z(bottom + 44)),
    )
    .map_err(err("drawing the axis"))
}

/// Per bar: its row label, its two segments from the base (the longer first; a shorter one on
/// the same side of the base drawn over it at half the thickness, so both show even when they
/// are almost as long), and its end labels.
fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    scale: &Scale,
    bars: &[Bar],
    base: &Headline,
) -> Result<()> {
    let err = |what| plot_err(what);
    let thickness = ((f64::from(layout.row_h) * 0.6) as i32).clamp(4, 34);
    let base_x = scale.px(base.value);
    let key_right = font(layout.text_size).pos(Pos::new(HPos::Right, VPos::Center));
    let value_style = bold(layout.text_size * 0.95);
    for (row, (b, labels)) in bars.iter().zip(&layout.labels).enumerate() {
        let mid = layout.mid(row);
        root.draw_text(
            &layout.keys[row],
            &key_right,
            (z(layout.plot_left - 16), z(mid)),
        )
        .map_err(err("drawing a row label"))?;
        let mut segments = [(b.at_low, LOW), (b.at_high, HIGH)];
        segments.sort_by(|a, b| {
            (b.0 - base.value)
                .abs()
                .total_cmp(&(a.0 - base.value).abs())
        });
        let same_side = (b.at_low - base.value) * (b.at_high - base.value) > 0.0;
        for (k, (v, colour)) in segments.into_iter().enumerate() {
            let x = scale.px(v);
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
                Side::Left => (scale.px(l.at) - z(8), HPos::Right),
                Side::Right => (scale.px(l.at) + z(8), HPos::Left),
            };
            let style = value_style
                .clone()
                .color(&l.colour)
                .pos(Pos::new(h, VPos::Center));
            root.draw_text(&l.text, &style, (x, z(mid)))
                .map_err(err("drawing a bar label"))?;
        }
    }
    Ok(())
}

/// The base line over the bars, its value above it (kept inside the plot).
fn draw_base_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    scale: &Scale,
    base: &Headline,
) -> Result<()> {
    let err = |what| plot_err(what);
    let base_x = scale.px(base.value);
    root.draw(&PathElement::new(
        vec![
            (base_x, z(layout.plot_top - 6)),
            (base_x, z(layout.plot_bottom)),
        ],
        stroke(TEXT, 2),
    ))
    .map_err(err("drawing the base line"))?;
    let base_text = format!("base {}", base.display());
    let (w, _) = root
        .estimate_text_size(&base_text, &bold(17.0))
        .map_err(err("measuring text"))?;
    let half = w as i32 / 2;
    let centre = base_x.clamp(z(layout.plot_left) + half, z(layout.plot_right) - half);
    root.draw_text(
        &base_text,
        &bold(17.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        (centre, z(layout.plot_top - 10)),
    )
    .map_err(err("drawing the base line"))
}

/// The row summarising the `hidden` bars left out, and the note of a chart with no bar (`empty`).
fn draw_notes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    sens: &Sensitivity,
    empty: bool,
    hidden: usize,
) -> Result<()> {
    if hidden > 0 {
        let mid = layout.mid(layout.rows - 1);
        let note =
            format!("… and {hidden} more parameters with smaller swings (all in sensitivity.csv)");
        let style = font(layout.text_size)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Left, VPos::Center));
        note_on_white(root, &note, &style, (z(layout.plot_left) + z(8), z(mid)))?;
    }
    if empty {
        let note = if sens.parameters.is_empty() {
            "The analysis has no parameters"
        } else {
            "No parameter's runs report this figure"
        };
        let style = font(28.0)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let centre = (
            (z(layout.plot_left) + z(layout.plot_right)) / 2,
            (z(layout.plot_top) + z(layout.plot_bottom)) / 2,
        );
        note_on_white(root, note, &style, centre)?;
    }
    Ok(())
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
    missing: &[String],
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
        let text = missing.join(" · ");
        let muted = font(15.0)
            .color(&TEXT_MUTED)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let text = ellipsize(root, &text, &muted, z(WIDTH as i32 - 40 - x))?;
        root.draw_text(&text, &muted, (z(x), z(y))).map_err(err())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
