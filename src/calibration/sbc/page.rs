//! `report.html` of a check, in the frame every page shares: the verdict, each key's coverage and
//! rank ECDF against what a calibrated posterior gives, the chart, how to read it, and the data
//! files. It draws and computes nothing; every text from a scenario or a file is escaped.

use super::result::CheckResult;
use crate::report::page::escape::escape;
use crate::report::page::frame::Frame;
use crate::report::page::sections::{write_figure, write_files};
use anyhow::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes the page of `c` to `path`, embedding `chart` and linking `files` (beside `path`).
pub(crate) fn write(
    c: &CheckResult,
    chart: &(String, PathBuf),
    files: &[&str],
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(&render(c, chart, files)?, path)
}

fn render(c: &CheckResult, chart: &(String, PathBuf), files: &[&str]) -> Result<String> {
    let description = format!(
        "Simulation-based calibration of the fit of {} key{}: {} repeats, each a truth drawn from the prior, observed on the {} days and metrics of <code>{}</code> in a world of its own, and calibrated as the scenario's calibration would be ({}). {}",
        c.fits.len(),
        if c.fits.len() == 1 { "" } else { "s" },
        c.repeats,
        c.observations,
        escape(&c.observed_file),
        escape(&c.settings),
        escape(&c.verdict())
    );
    let frame = Frame {
        title: format!("{} — picsim calibration check", c.name),
        kicker: "picsim calibration check",
        heading: &c.name,
        description: Some(description),
        contents: vec![
            ("verdict", "Coverage"),
            ("ranks", "Ranks"),
            ("how-to-read", "How to read"),
            ("data", "Data files"),
        ],
        subject: format!("the calibration check of {}", c.name),
    };
    frame.render(|out| {
        write_table(out, c)?;
        writeln!(out, "<section id=\"ranks\">")?;
        writeln!(out, "<h2>Ranks</h2>")?;
        write_figure(out, None, &chart.1, &chart.0, &chart.0, "")?;
        writeln!(out, "</section>")?;
        write_how_to_read(out, c)?;
        write_files(out, files)
    })
}

fn write_table(out: &mut String, c: &CheckResult) -> Result<()> {
    writeln!(out, "<section id=\"verdict\">")?;
    writeln!(out, "<h2>Coverage</h2>")?;
    writeln!(
        out,
        "<p class=\"note\">How many of the {} repeats' intervals held their truth, against the range a calibrated posterior gives 95 % of the time (the central 95 % of the binomial distribution): 50 % intervals {} to {}, 90 % intervals {} to {}. The mean rank is 0.5 when calibrated.</p>",
        c.repeats, c.range_50.0, c.range_50.1, c.range_90.0, c.range_90.1
    )?;
    writeln!(out, "<table class=\"parameters\">")?;
    writeln!(
        out,
        "<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">50 % intervals</th><th scope=\"col\">90 % intervals</th><th scope=\"col\">Mean rank</th><th scope=\"col\">Rank ECDF</th></tr></thead><tbody>"
    )?;
    let mark = |c: usize, (lo, hi): (usize, usize)| {
        if lo <= c && c <= hi {
            format!("{c}")
        } else {
            format!("<strong>{c} (outside {lo}–{hi})</strong>")
        }
    };
    for k in &c.keys {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{:.3}</td><td>{}</td></tr>",
            escape(&k.key),
            mark(k.covered_50, c.range_50),
            mark(k.covered_90, c.range_90),
            k.mean_rank,
            if k.in_band {
                "inside the band"
            } else {
                "<strong>outside the band</strong>"
            }
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_how_to_read(out: &mut String, c: &CheckResult) -> Result<()> {
    writeln!(out, "<section id=\"how-to-read\">")?;
    writeln!(out, "<h2>How to read a calibration check</h2>")?;
    writeln!(out, "<ul>")?;
    writeln!(
        out,
        "<li>Each repeat draws a truth from the prior, simulates what a world at the truth shows \
         on the observed days, and calibrates to that. If the calibration's posteriors are right, \
         the truth is just another draw from its posterior: its rank among the {} posterior draws \
         is uniform, and a 90 % interval holds it in 90 % of the repeats.</li>",
        c.draws
    )?;
    writeln!(
        out,
        "<li>The chart shows, per key, the share of repeats whose fractional rank is at most x, \
         minus x. A calibrated posterior stays inside the grey band (95 % of the time, the whole \
         curve at once). Below zero throughout (a ∪): few low ranks, the truths sit high in their \
         posteriors, which are too low; above zero throughout (a ∩): too high. Above zero on the \
         left and below on the right: ranks piled at both ends, posteriors too narrow; below then \
         above: ranks piled in the middle, posteriors too wide.</li>"
    )?;
    writeln!(
        out,
        "<li>Each judgement is a 95 % test on its own, so with several keys one of them outside \
         now and then is chance. Run more repeats (<code>--resume</code> continues an \
         interrupted check) before concluding; a key that stays outside is miscalibrated.</li>"
    )?;
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}
