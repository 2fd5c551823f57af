//! The frame of every chart: a title and a subtitle across the top, the plot on the left, and a
//! panel on the right for the legend and the key dates.

use super::style::{HEIGHT, SUPERSAMPLE, TEXT_MUTED, WIDTH, bold, font, plot_err, z};
use super::text::ellipsize;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Left edge of the legend panel, pixels.
pub(crate) const PANEL_X: i32 = 1185;
/// Right edge of the legend panel's text, pixels.
pub(crate) const PANEL_RIGHT: i32 = WIDTH as i32 - 24;
/// Top of the area below the title, pixels.
pub(crate) const HEADER_HEIGHT: i32 = 96;

/// The title and subtitle across the top of a chart. A title too long for the width is set
/// smaller (down to 24 pixels), then cut with an ellipsis, as is a subtitle too long.
pub(crate) fn header<DB: DrawingBackend>(
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

/// The area left of the panel and below the header, where [`super::axes::time_plot`] lays out its plot.
pub(crate) fn plot_area<DB: DrawingBackend>(
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
