//! What a calibration's report shows: the fitted keys with their posterior medians and 90 %
//! intervals, the generations, the observations, and the posterior predictive summaries over the
//! whole window (the forecast past the last observed day). Its charts, page, CSV files and
//! terminal lines all read a [`Calibration`]; `crate::calibration::outcome` builds one.

use crate::report::csv::{f6, writer};
use crate::run::summary::Stat;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::path::Path;

/// One fitted key as the report shows it.
#[derive(Debug, Clone)]
pub(crate) struct FittedKey {
    /// The key path.
    pub(crate) key: String,
    /// The prior, for people (`uniform from 2 to 20`).
    pub(crate) prior: String,
    /// The prior's ends, as numbers (dates as days since 1970-01-01).
    pub(crate) range: (f64, f64),
    /// Whether the prior is uniform in the logarithm.
    pub(crate) log: bool,
    /// Whether the values are dates.
    pub(crate) date: bool,
    /// Posterior 5 %, 50 % and 95 % quantiles, as text.
    pub(crate) quantiles: [String; 3],
}

/// One generation, as `calibration.csv` lists it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GenerationRow {
    /// Its number (0: draws from the prior).
    pub(crate) generation: usize,
    /// The tolerance (infinite for generation 0).
    pub(crate) tolerance: f64,
    /// Share of its simulations kept.
    pub(crate) acceptance: f64,
    /// Effective sample size of its weights.
    pub(crate) ess: f64,
    /// Simulations it ran.
    pub(crate) simulations: usize,
    /// Proposals it screened on a small world first (0 without screening).
    pub(crate) screened: usize,
}

/// One observation.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    /// The day.
    pub(crate) date: NaiveDate,
    /// The metric.
    pub(crate) metric: String,
    /// The value.
    pub(crate) value: f64,
    /// Its standard error, if given.
    pub(crate) sem: Option<f64>,
}

/// A finished calibration.
#[derive(Debug, Clone)]
pub(crate) struct Calibration {
    /// The scenario's name.
    pub(crate) name: String,
    /// Its description.
    pub(crate) description: String,
    /// The observations' file, as given.
    pub(crate) observed_file: String,
    /// The observations that counted.
    pub(crate) observations: Vec<Point>,
    /// The fitted keys.
    pub(crate) fitted: Vec<FittedKey>,
    /// Per particle of the last generation: its values (as `posterior.csv` writes them), weight
    /// and distance.
    pub(crate) particles: Vec<(Vec<String>, f64, f64)>,
    /// Per particle, its values as numbers (for the marginal charts).
    pub(crate) values: Vec<Vec<f64>>,
    /// Every generation.
    pub(crate) generations: Vec<GenerationRow>,
    /// Why the sampler stopped.
    pub(crate) stop: String,
    /// Whether it stopped because it converged (not for want of generations or simulations).
    pub(crate) converged: bool,
    /// Worlds (replications) the particles shared.
    pub(crate) worlds: u32,
    /// The scenario's seed.
    pub(crate) seed: u64,
    /// Reported dates of the predictive summaries.
    pub(crate) dates: Vec<NaiveDate>,
    /// Their metrics.
    pub(crate) columns: Vec<String>,
    /// `dates × columns` posterior predictive summaries, row-major.
    pub(crate) predictive: Vec<Stat>,
}

impl Calibration {
    /// The last day observed.
    pub(crate) fn last_observed(&self) -> NaiveDate {
        self.observations
            .iter()
            .map(|o| o.date)
            .max()
            .unwrap_or_default()
    }

    /// Simulations run in all.
    pub(crate) fn simulations(&self) -> usize {
        self.generations.iter().map(|g| g.simulations).sum()
    }

    /// The observed metrics, in order of first appearance.
    pub(crate) fn metrics(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for o in &self.observations {
            if !out.contains(&o.metric.as_str()) {
                out.push(&o.metric);
            }
        }
        out
    }

    /// The predictive summary of `metric` on reported row `row`.
    pub(crate) fn stat(&self, row: usize, metric: &str) -> Option<&Stat> {
        let col = self.columns.iter().position(|c| c == metric)?;
        self.predictive.get(row * self.columns.len() + col)
    }

    /// What the fit rests on and where the forecast starts, in one sentence.
    pub(crate) fn forecast_sentence(&self) -> String {
        let last = self.last_observed();
        let end = self.dates.last().copied().unwrap_or(last);
        let n = self.observations.len();
        let forecast = if end > last {
            format!(
                "; forecast from {} to {end}",
                last + chrono::Duration::days(1)
            )
        } else {
            String::new()
        };
        format!(
            "Fitted to {n} observation{} up to {last}{forecast}.",
            if n == 1 { "" } else { "s" }
        )
    }

    /// Writes `posterior.csv`: per particle, one column per fitted key, then weight and distance.
    pub(crate) fn write_posterior(&self, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        let mut header: Vec<&str> = self.fitted.iter().map(|f| f.key.as_str()).collect();
        header.extend(["weight", "distance"]);
        w.write_record(&header)?;
        for (values, weight, distance) in &self.particles {
            let mut rec = values.clone();
            rec.push(format!("{weight:.9}"));
            rec.push(f6(*distance));
            w.write_record(&rec)?;
        }
        flush(w, path)
    }

    /// Writes `calibration.csv`: per generation its tolerance, acceptance rate, effective sample
    /// size, simulations and proposals screened on a small world.
    pub(crate) fn write_generations(&self, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        w.write_record([
            "generation",
            "tolerance",
            "acceptance_rate",
            "effective_sample_size",
            "simulations",
            "screened",
        ])?;
        for g in &self.generations {
            w.write_record([
                g.generation.to_string(),
                if g.tolerance.is_finite() {
                    f6(g.tolerance)
                } else {
                    "inf".into()
                },
                f6(g.acceptance),
                format!("{:.2}", g.ess),
                g.simulations.to_string(),
                g.screened.to_string(),
            ])?;
        }
        flush(w, path)
    }

    /// The terminal's summary: the forecast sentence, each key's median and 90 % interval, and
    /// how the sampler went.
    pub(crate) fn terminal(&self, report: &Path) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} calibration. {}",
            self.name,
            self.forecast_sentence()
        );
        let width = self
            .fitted
            .iter()
            .map(|f| f.key.len())
            .max()
            .unwrap_or(3)
            .max(3);
        let _ = writeln!(out, "  {:<width$}  median      90 % interval", "key");
        for f in &self.fitted {
            let [lo, mid, hi] = &f.quantiles;
            let _ = writeln!(out, "  {:<width$}  {mid:<10}  {lo} to {hi}", f.key);
        }
        let last = self.generations.last();
        let _ = writeln!(
            out,
            "  {} simulations in {} generations; last tolerance {}, {} particles (effective {:.0}); stopped because {}.",
            self.simulations(),
            self.generations.len(),
            last.map_or("-".into(), |g| f6(g.tolerance)),
            self.particles.len(),
            last.map_or(0.0, |g| g.ess),
            self.stop
        );
        if !self.converged {
            let _ = writeln!(out, "  {}", NOT_CONVERGED);
        }
        let _ = writeln!(out, "  report: {}", report.display());
        out
    }
}

/// What a calibration that stopped before converging says.
pub(crate) const NOT_CONVERGED: &str = "Not converged: the sampler stopped before its posterior settled, so the intervals are wider than the data allow and may be shifted (simulation-based calibration found them so); give it more simulations (--max-simulations) or generations (--max-generations).";

fn flush(mut w: csv::Writer<std::io::BufWriter<std::fs::File>>, path: &Path) -> Result<()> {
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}
