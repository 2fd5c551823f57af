//! Sections more than one page holds: an embedded chart, the key dates (numbered as the charts'
//! markers) and the links to the data files beside the page.

use super::escape::{escape, url_path};
use crate::scenario::KeyDate;
use anyhow::{Context, Result};
use base64::Engine;
use plotters::style::RGBColor;
use std::fmt::Write as _;
use std::path::Path;

/// The PNG file `path` as a `data:` URI, for an `<img src>`.
fn png_data_uri(path: &Path) -> Result<String> {
    let png = std::fs::read(path)
        .with_context(|| format!("could not read chart '{}' for the report", path.display()))?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    ))
}

/// A square of colour `c`, as the charts draw a series, to put before its name.
pub(crate) fn swatch(c: RGBColor) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>",
        c.0, c.1, c.2
    )
}

/// The PNG file `path` as a figure: embedded, with `alt` as its alternative text and a caption of
/// `title` in bold, then `text` (HTML), then the file's name. `id` (if any) names the figure for
/// links.
pub(crate) fn write_figure(
    out: &mut String,
    id: Option<&str>,
    path: &Path,
    alt: &str,
    title: &str,
    text: &str,
) -> Result<()> {
    let uri = png_data_uri(path)?;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    match id {
        Some(id) => writeln!(out, "<figure id=\"{}\">", escape(id))?,
        None => writeln!(out, "<figure>")?,
    }
    writeln!(
        out,
        "<img src=\"{uri}\" width=\"1600\" height=\"900\" alt=\"{}\">",
        escape(alt)
    )?;
    writeln!(
        out,
        "<figcaption><strong>{}.</strong> {text} <span class=\"file\">({})</span></figcaption>",
        escape(title),
        escape(&file)
    )?;
    writeln!(out, "</figure>")?;
    Ok(())
}

/// The section listing `key_dates`, numbered as the charts' markers (each row's number also in
/// `data-key-date`, for the run page's explorer); `none` (plain text) when there are none.
pub(crate) fn write_key_dates(out: &mut String, key_dates: &[KeyDate], none: &str) -> Result<()> {
    writeln!(out, "<section id=\"key-dates\">")?;
    writeln!(out, "<h2>Key dates</h2>")?;
    if key_dates.is_empty() {
        writeln!(out, "<p>{}</p>", escape(none))?;
    } else {
        writeln!(out, "<table class=\"key-dates\">")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Date</th><th scope=\"col\">What happens</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for (i, k) in key_dates.iter().enumerate() {
            let what: Vec<String> = k.label.split("; ").map(escape).collect();
            writeln!(
                out,
                "<tr data-key-date=\"{}\"><td class=\"num\"><span class=\"badge\">{}</span></td><td class=\"date\">{}</td><td>{}</td></tr>",
                i + 1,
                i + 1,
                k.date,
                what.join("<br>")
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

/// What a known output file holds.
fn describe(file: &str) -> Option<&'static str> {
    match file {
        "series.csv" => Some("every metric per replication and reported day"),
        "summary.csv" => {
            Some("mean, standard error, p05, p50 and p95 of every metric per reported day")
        }
        "orgs.csv" => Some(
            "per organisation and replication: deployment, users, entries, shares, provider days, USL credit",
        ),
        "manifest.json" => {
            Some("versions, scenario file hash, effective scenario, seed, sizes and timings")
        }
        "compare.csv" => {
            Some("per run, reported day and metric: any swept values, mean, p05, p50 and p95")
        }
        "runs.csv" => Some("the id of every run of the sweep and its swept values"),
        "user_impact.csv" => Some(
            "per replication, user and imported contact (pseudonymised unless revealed): the first day it was lost, why, and any recovery",
        ),
        "rejected.csv" => Some(
            "the imported rows left out (--skip-bad-rows), with their position and reason, addresses pseudonymised unless revealed",
        ),
        "posterior.csv" => Some(
            "per particle of the last generation: each fitted key's value, its weight and its distance to the observations",
        ),
        "calibration.csv" => Some(
            "per generation: tolerance, acceptance rate, effective sample size, simulations and proposals screened on a small world first",
        ),
        "sbc.csv" => Some(
            "per repeat of the check and fitted key: the truth drawn from the prior, its rank among the posterior's draws, and whether the 50 % and 90 % intervals held it",
        ),
        "coverage.csv" => Some(
            "per fitted key: how many 50 % and 90 % intervals held their truth, the ranges a calibrated posterior gives 95 % of the time, the mean rank and whether the rank ECDF stayed in its band",
        ),
        "sensitivity.csv" => Some(
            "per parameter and figure: low and high values, the figure at base, at low and at high, and the swing",
        ),
        _ => None,
    }
}

/// Relative links to the files beside the report.
pub(crate) fn write_files(out: &mut String, files: &[&str]) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section id=\"data\">")?;
    writeln!(out, "<h2>Data files</h2>")?;
    writeln!(
        out,
        "<p class=\"note\">In the same folder as this page.</p>"
    )?;
    writeln!(out, "<ul class=\"files\">")?;
    for file in files {
        let what = describe(file)
            .map(|d| format!(" — {d}"))
            .unwrap_or_default();
        writeln!(
            out,
            "<li><a href=\"{}\"><code>{}</code></a>{what}</li>",
            escape(&url_path(file)),
            escape(file)
        )?;
    }
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}
