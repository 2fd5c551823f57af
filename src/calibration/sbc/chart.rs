//! `sbc_ecdf.png`: per fitted key, the ECDF of the truths' fractional ranks minus the uniform's,
//! inside its simultaneous 95 % band (the "ECDF difference" plot of Säilynoja, Bürkner and
//! Vehtari 2022). Near zero inside the band is calibrated; below zero throughout (few low ranks)
//! means the posteriors sit too low, above too high; above on the left and below on the right
//! (ranks at both ends) means too narrow, the reverse too wide.

use super::result::CheckResult;
use crate::report::figure::canvas::{supersampled, write_png};
use crate::report::figure::frame::{HEADER_HEIGHT, header};
use crate::report::figure::style::{AXIS, GRID, TEXT_MUTED, font, palette, plot_err, stroke, z};
use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The band's shade.
const BAND: RGBColor = RGBColor(200, 200, 200);

/// Draws the chart of `c` into `dir`; returns its caption and file.
pub(crate) fn draw(c: &CheckResult, dir: &Path) -> Result<(String, PathBuf)> {
    let path = dir.join("sbc_ecdf.png");
    let pixels = supersampled(|root| ecdf(c, root))
        .with_context(|| format!("could not draw chart '{}'", path.display()))?;
    write_png(&pixels, &path)?;
    Ok((
        "Rank ECDF minus uniform, with its simultaneous 95 % band".to_string(),
        path,
    ))
}

/// One panel per key: the band as a shade, the ECDF difference as a line.
fn ecdf<DB: DrawingBackend>(c: &CheckResult, root: &DrawingArea<DB, Shift>) -> Result<()> {
    header(
        root,
        "Simulation-based calibration: where the truths rank",
        &format!(
            "Scenario {} · {} repeats, truths from the prior, ranks among {} posterior draws · grey: simultaneous 95 % band of a calibrated posterior",
            c.name, c.repeats, c.draws
        ),
    )?;
    let (w, h) = root.dim_in_pixel();
    let below = root
        .clone()
        .shrink((0, z(HEADER_HEIGHT)), (w, h - z(HEADER_HEIGHT) as u32));
    let panels = below.split_evenly((1, c.keys.len().max(1)));
    let n = c.repeats.max(1) as f64;
    let band = &c.band;
    let half = band
        .upper
        .iter()
        .zip(&band.z)
        .map(|(&u, &z)| (u as f64 / n - z).abs())
        .chain(
            band.lower
                .iter()
                .zip(&band.z)
                .map(|(&l, &z)| (l as f64 / n - z).abs()),
        )
        .chain(c.keys.iter().flat_map(|k| {
            k.counts
                .iter()
                .zip(&band.z)
                .map(|(&k, &z)| (k as f64 / n - z).abs())
        }))
        .fold(0.01f64, f64::max)
        * 1.15;
    for (i, (k, panel)) in c.keys.iter().zip(panels.iter()).enumerate() {
        let mut ctx = ChartBuilder::on(panel)
            .margin(z(24))
            .caption(&k.key, font(18.0))
            .x_label_area_size(z(56))
            .y_label_area_size(z(64))
            .build_cartesian_2d(0.0..1.0f64, -half..half)
            .map_err(plot_err("laying out a panel"))?;
        ctx.configure_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|x| format!("{x:.1}"))
            .y_label_formatter(&|y| format!("{y:+.2}"))
            .label_style(font(15.0).color(&TEXT_MUTED))
            .bold_line_style(stroke(GRID, 1))
            .light_line_style(TRANSPARENT)
            .axis_style(stroke(AXIS, 1))
            .x_desc(format!(
                "fractional rank · {}",
                if k.in_band {
                    "inside the band"
                } else {
                    "OUTSIDE the band"
                }
            ))
            .axis_desc_style(font(16.0))
            .draw()
            .map_err(plot_err("drawing a panel's axes"))?;
        let upper = band
            .z
            .iter()
            .zip(&band.upper)
            .map(|(&z, &u)| (z, u as f64 / n - z));
        let lower = band
            .z
            .iter()
            .zip(&band.lower)
            .rev()
            .map(|(&z, &l)| (z, l as f64 / n - z));
        ctx.draw_series(std::iter::once(Polygon::new(
            upper.chain(lower).collect::<Vec<_>>(),
            BAND.mix(0.6).filled(),
        )))
        .map_err(plot_err("drawing the band"))?;
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (1.0, 0.0)],
            stroke(AXIS, 1),
        )))
        .map_err(plot_err("drawing the zero line"))?;
        let line: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
            .chain(
                band.z
                    .iter()
                    .zip(&k.counts)
                    .map(|(&z, &c)| (z, c as f64 / n - z)),
            )
            .chain(std::iter::once((1.0, 0.0)))
            .collect();
        ctx.draw_series(LineSeries::new(line, stroke(palette(i), 3)))
            .map_err(plot_err("drawing an ECDF"))?;
    }
    Ok(())
}
