//! The look every chart shares: its size, the supersampling factor, the colours of text, grid and
//! axes, the network palette, and the font (DejaVu Sans, compiled into the binary: no system
//! fonts are read).
//!
//! Sizes given to the kit are in logical pixels (the chart's own); [`z`] turns them into drawing
//! pixels of the supersampled canvas.

use anyhow::anyhow;
use plotters::prelude::*;
use std::sync::OnceLock;

/// Chart width, pixels.
pub(crate) const WIDTH: u32 = 1600;
/// Chart height, pixels.
pub(crate) const HEIGHT: u32 = 900;

/// Each chart is drawn at this multiple of its size, then averaged down (anti-aliasing).
pub(crate) const SUPERSAMPLE: u32 = 2;

/// The font family name every text of a chart uses (registered from the `dejavu` crate).
const FAMILY: &str = "DejaVu Sans";

/// Text.
pub(crate) const TEXT: RGBColor = RGBColor(17, 24, 39);
/// Secondary text: subtitles, axis labels, notes.
pub(crate) const TEXT_MUTED: RGBColor = RGBColor(95, 99, 110);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(228, 230, 235);
/// Axis lines and tick marks.
pub(crate) const AXIS: RGBColor = RGBColor(120, 124, 132);

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
pub(crate) fn palette(i: usize) -> RGBColor {
    NETWORK_COLOURS[i % NETWORK_COLOURS.len()]
}

/// Registers the DejaVu fonts under [`FAMILY`] once per process.
pub(crate) fn register_fonts() -> anyhow::Result<()> {
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
pub(crate) fn plot_err<E: std::fmt::Display>(
    what: &'static str,
) -> impl FnOnce(E) -> anyhow::Error {
    move |e| anyhow!("{what}: {e}")
}

/// Logical pixels to drawing pixels.
pub(crate) fn z(v: i32) -> i32 {
    v * SUPERSAMPLE as i32
}

/// Regular text of `size` logical pixels.
pub(crate) fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size * f64::from(SUPERSAMPLE)).into_font()).color(&TEXT)
}

/// Bold text of `size` logical pixels.
pub(crate) fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size * f64::from(SUPERSAMPLE), FontStyle::Bold).into_font())
        .color(&TEXT)
}

/// A line `width` logical pixels wide.
pub(crate) fn stroke(colour: RGBColor, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: colour.to_rgba(),
        filled: false,
        stroke_width: width * SUPERSAMPLE,
    }
}
