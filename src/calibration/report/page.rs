//! `report.html` of a calibration, in the frame every page shares: what the fit rests on and
//! where the forecast starts, the fitted keys with their posterior medians and 90 % intervals,
//! the charts (observations over the predictive band, posterior marginals), the generations, how
//! to read it, and the data files. It draws nothing and computes nothing; every text that comes
//! from a scenario or a file is escaped.

use crate::calibration::report::result::Calibration;
use crate::report::page::escape::escape;
use crate::report::page::frame::Frame;
use crate::report::page::sections::{write_figure, write_files};
use anyhow::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes the page of `c` to `path`, embedding `charts` (`(caption, PNG file)`) and linking
/// `files` (beside `path`).
pub(crate) fn write(
    c: &Calibration,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(&render(c, charts, files)?, path)
}

fn render(c: &Calibration, charts: &[(String, PathBuf)], files: &[&str]) -> Result<String> {
    let description = format!(
        "{} The keys below were fitted by approximate Bayesian computation to the observations in <code>{}</code>. {}",
        escape(&c.forecast_sentence()),
        escape(&c.observed_file),
        escape(&c.description)
    );
    let frame = Frame {
        title: format!("{} — picsim calibration", c.name),
        kicker: "picsim calibration",
        heading: &c.name,
        description: Some(description),
        contents: vec![
            ("fitted", "Fitted keys"),
            ("charts", "Forecast"),
            ("generations", "Generations"),
            ("how-to-read", "How to read"),
            ("data", "Data files"),
        ],
        subject: format!("the calibration of {}", c.name),
    };
    frame.render(|out| {
        write_fitted(out, c)?;
        writeln!(out, "<section id=\"charts\">")?;
        writeln!(out, "<h2>Forecast</h2>")?;
        for (caption, file) in charts {
            write_figure(out, None, file, caption, caption, "")?;
        }
        writeln!(out, "</section>")?;
        write_generations(out, c)?;
        write_how_to_read(out, c)?;
        write_files(out, files)
    })
}

fn write_fitted(out: &mut String, c: &Calibration) -> Result<()> {
    writeln!(out, "<section id=\"fitted\">")?;
    writeln!(out, "<h2>Fitted keys</h2>")?;
    writeln!(
        out,
        "<p class=\"note\">Posterior median and 90 % credible interval (5 % to 95 %) of each key, from the last generation's {} weighted particles.</p>",
        c.particles.len()
    )?;
    writeln!(out, "<table class=\"parameters\">")?;
    writeln!(
        out,
        "<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Median</th><th scope=\"col\">90 % interval</th><th scope=\"col\">Prior</th></tr></thead><tbody>"
    )?;
    for f in &c.fitted {
        let [lo, mid, hi] = &f.quantiles;
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{} to {}</td><td>{}</td></tr>",
            escape(&f.key),
            escape(mid),
            escape(lo),
            escape(hi),
            escape(&f.prior)
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_generations(out: &mut String, c: &Calibration) -> Result<()> {
    writeln!(out, "<section id=\"generations\">")?;
    writeln!(out, "<h2>Generations</h2>")?;
    writeln!(
        out,
        "<p class=\"note\">{} simulations in all; the sampler stopped because {}.</p>",
        c.simulations(),
        escape(&c.stop)
    )?;
    if !c.converged {
        writeln!(
            out,
            "<p class=\"note\"><strong>{}</strong></p>",
            escape(crate::calibration::report::result::NOT_CONVERGED)
        )?;
    }
    writeln!(out, "<table class=\"parameters\">")?;
    writeln!(
        out,
        "<thead><tr><th scope=\"col\">Generation</th><th scope=\"col\">Tolerance</th><th scope=\"col\">Simulations</th><th scope=\"col\">Kept</th><th scope=\"col\">Effective sample size</th></tr></thead><tbody>"
    )?;
    for g in &c.generations {
        let tolerance = if g.tolerance.is_finite() {
            format!("{:.4}", g.tolerance)
        } else {
            "none (draws from the prior)".into()
        };
        writeln!(
            out,
            "<tr><td>{}</td><td>{tolerance}</td><td>{}</td><td>{:.0} %</td><td>{:.0}</td></tr>",
            g.generation,
            g.simulations,
            100.0 * g.acceptance,
            g.ess
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_how_to_read(out: &mut String, c: &Calibration) -> Result<()> {
    writeln!(out, "<section id=\"how-to-read\">")?;
    writeln!(out, "<h2>How to read a calibration</h2>")?;
    writeln!(out, "<ul>")?;
    writeln!(
        out,
        "<li>Each particle is one set of values of the fitted keys, simulated on one of the \
         scenario's {} worlds (replications of seed {}). The distance of a simulation to the \
         observations is the root mean square of their differences, each divided by how much \
         that observation varied among the previous generation's simulations (combined with its \
         standard error where the file gives one), so that an observation the model reproduces \
         precisely counts for more than a noisy one. Each generation keeps only particles closer \
         than its tolerance; as the scales adapt to each generation, tolerances are not \
         comparable from one generation to the next.</li>",
        c.worlds, c.seed
    )?;
    writeln!(
        out,
        "<li>The interval of a key is what the observations leave possible given the prior range: \
         a wide one means the observations say little about that key. An interval pressed against \
         an end of its prior range means the data would like values beyond it: widen the range.</li>"
    )?;
    writeln!(
        out,
        "<li>The forecast band is the spread of the last generation's particles, resampled by \
         weight and each run over the whole window. Up to the last observed day it shows how well \
         the fit reproduces the observations; after it, what the fitted model expects. It holds \
         the uncertainty of the fitted keys and the spread between worlds, not the uncertainty of \
         the keys that were not fitted.</li>"
    )?;
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}
