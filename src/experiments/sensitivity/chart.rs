//! `tornado_<figure>.png`: the bars of a sensitivity analysis, one row per parameter (largest
//! swing on top), each from the base run's value to the figure at the parameter's low and high
//! value. Drawn with the chart kit (`crate::report::figure`) in the same frame and fonts as the
//! run charts.
//!
//! This module draws one chart into one file; it does not choose which figures are drawn, nor
//! compute them.

use crate::experiments::sensitivity::result::{Bar, Sensitivity};
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

fn render_tornado<DB: DrawingBackend>(
    sens: &Sensitivity,
    base: &Headline,
    root: &DrawingArea<DB, Shift>,
) -> Result<()> {
    let err = |what| plot_err(what);
    let all = sens.moving_bars(&base.key);
    let mut missing = Vec::new();
    let moved: Vec<&str> = sens
        .not_measured(&base.key)
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    if !moved.is_empty() {
        missing.push(format!(
            "Not measured, as it moves the day of this figure: {}",
            moved.join("; ")
        ));
    }
    let lacking: Vec<&str> = sens
        .missing(&base.key)
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    if !lacking.is_empty() {
        missing.push(format!(
            "Not shown (their runs lack this figure): {}",
            lacking.join("; ")
        ));
    }
    let still = sens.still(&base.key).len();
    if still > 0 {
        missing.push(format!(
            "{still} parameter{} leave{} it unchanged (listed in report.html)",
            if still == 1 { "" } else { "s" },
            if still == 1 { "s" } else { "" }
        ));
    }
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
        let text = ellipsize(root, &b.label, &key_style, max_key_w)?;
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
        &figure_axis(base, &sens.words),
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
mod tests {
    use super::*;
    use crate::experiments::fixtures;
    use crate::report::figure::canvas::assert_png_size;

    fn count(pixels: &[u8], c: RGBColor) -> usize {
        pixels
            .chunks_exact(3)
            .filter(|p| p == &[c.0, c.1, c.2])
            .count()
    }

    fn tornado(sens: &Sensitivity) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (figure, _) in sens.figures() {
            let path = dir
                .path()
                .join(crate::experiments::sensitivity::result::figure_file(
                    &figure,
                ));
            draw(sens, &figure, &path).unwrap_or_else(|e| panic!("{figure}: {e:#}"));
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
        assert_eq!(sens.missing("users_isolated@end").len(), 1);
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
        let err = draw(&sens, "nope", &dir.path().join("t.png")).expect_err("no figure");
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
            label: "K".into(),
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
    }
}
