//! Key dates in a chart: a dashed vertical line per date, topped by a numbered badge, and the
//! numbered list in the right-hand panel. The number points into the panel's list (and into the
//! key-date table of `report.html`, which numbers them the same way). Full labels beside the lines
//! were rejected: the default scenario has several dates within days of each other and labels of
//! 30–60 characters, which no rotation or staggering keeps legible.

use super::frame::PANEL_RIGHT;
use super::style::{HEIGHT, TEXT_MUTED, bold, font, plot_err, z};
use super::text::wrap;
use crate::scenario::KeyDate;
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Rows of staggered key-date badges above the plot.
pub(crate) const BADGE_ROWS: usize = 3;
/// Badge radius, pixels.
const BADGE_RADIUS: i32 = 13;
/// Vertical distance between badge rows, pixels.
pub(crate) const BADGE_ROW_HEIGHT: i32 = 29;

/// Key-date lines.
const MARKER: RGBColor = RGBColor(110, 110, 118);
/// Badges behind key-date numbers.
const BADGE: RGBColor = RGBColor(55, 65, 81);

/// The key-date markers of one plot: which dates are inside it and where their tags go.
pub(crate) struct Markers {
    /// `(number, x)` of each key date inside the plot, numbered from 1 in the key-date list, x in
    /// drawing pixels.
    pub(crate) marks: Vec<(usize, i32)>,
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
    pub(crate) fn draw_tags<DB: DrawingBackend>(
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
pub(crate) fn key_date_markers<DB: DrawingBackend>(
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

/// The numbered list of the key dates in `marks` (numbers into `key_dates`), under a "Key dates"
/// heading at `x`, `y` (logical pixels) in the right-hand panel. Dates that do not fit above the
/// bottom of the chart are summarised in one line.
pub(crate) fn key_date_legend<DB: DrawingBackend>(
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
