//! What a finished calibration says: the last generation's particles as values, each key's
//! weighted quantiles, and the posterior predictive summaries, as the report's
//! [`Calibration`] data.
//!
//! The predictive summaries come from the last generation's simulations, resampled by weight
//! (systematic resampling from one keyed uniform) into equally weighted draws and summarised as a
//! run's replications are: each draw is a particle's parameters with its world, so the band holds
//! both what the observations leave unknown and the world-to-world spread.

use super::observed::Observed;
use super::smc::{Generation, Stats, Stop};
use crate::calibration::report::result::{Calibration, FittedKey, GenerationRow, Point};
use crate::rng::{Keys, Kind, open01};
use crate::run::summary::weighted_quantile;
use crate::scenario::{Fit, FitKind, Scenario};

/// The report data of a calibration of `s` that fitted `fits` to `observed` and ended with
/// `last` (whose particles keep their simulations' reported rows) after `history`.
pub(crate) fn outcome(
    s: &Scenario,
    fits: &[Fit],
    observed: &Observed,
    last: &Generation<Vec<i64>>,
    history: &[Stats],
    stop: Stop,
) -> Calibration {
    let values: Vec<Vec<f64>> = last
        .particles
        .iter()
        .map(|p| fits.iter().zip(&p.u).map(|(f, &u)| f.at(u)).collect())
        .collect();
    let fitted = fits
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let weighted: Vec<(f64, f64)> = values
                .iter()
                .zip(&last.particles)
                .map(|(v, p)| (v[k], p.weight))
                .collect();
            FittedKey {
                key: f.key.clone(),
                prior: prior_text(f),
                range: (f.low, f.high),
                log: f.log,
                date: f.kind == FitKind::Date,
                quantiles: [0.05, 0.5, 0.95].map(|q| f.text(weighted_quantile(&weighted, q))),
            }
        })
        .collect();
    let particles = values
        .iter()
        .zip(&last.particles)
        .map(|(v, p)| {
            let text = fits.iter().zip(v).map(|(f, &x)| csv_value(f, x)).collect();
            (text, p.weight, p.distance)
        })
        .collect();
    let cal = s.calendar();
    let dates: Vec<_> = s.report_days().iter().map(|&d| cal.date(d)).collect();
    let draws = resample(
        s.seed,
        &last.particles.iter().map(|p| p.weight).collect::<Vec<_>>(),
    );
    let predictive = predictive(observed, &draws, last, dates.len());
    Calibration {
        name: s.name.clone(),
        description: s.description.clone(),
        observed_file: observed.path.display().to_string(),
        observations: observed
            .observations
            .iter()
            .map(|o| Point {
                date: o.date,
                metric: o.metric.clone(),
                value: o.value,
                sem: o.sem,
            })
            .collect(),
        fitted,
        particles,
        values,
        generations: history
            .iter()
            .map(|h| GenerationRow {
                generation: h.generation,
                tolerance: h.tolerance,
                acceptance: h.acceptance,
                ess: h.ess,
                simulations: h.simulations,
                screened: h.screened,
            })
            .collect(),
        stop: stop.text().to_string(),
        converged: stop.converged(),
        worlds: s.replications,
        seed: s.seed,
        dates,
        columns: observed.metrics.names.clone(),
        predictive,
    }
}

/// The summaries, per reported row and metric (counts and shares), of the `draws` (indices of
/// `last`'s particles) over the `rows` reported days.
fn predictive(
    observed: &Observed,
    draws: &[usize],
    last: &Generation<Vec<i64>>,
    rows: usize,
) -> Vec<crate::run::summary::Stat> {
    let values: Vec<Vec<f64>> = draws
        .iter()
        .map(|&i| {
            let data = &last.particles[i].data;
            let width = data.len() / rows.max(1);
            data.chunks(width.max(1))
                .flat_map(|row| observed.metrics.values(row))
                .collect()
        })
        .collect();
    let cells = values.first().map_or(0, Vec::len);
    let mut buf = Vec::with_capacity(values.len());
    (0..cells)
        .map(|cell| {
            buf.clear();
            buf.extend(values.iter().map(|v| v[cell]));
            crate::run::summary::Stat::of(&mut buf)
        })
        .collect()
}

/// `n` indices drawn by `weights` (normalised), by systematic resampling: one uniform, keyed by
/// the seed, places `n` evenly spaced points on the cumulative weights.
pub(crate) fn resample(seed: u64, weights: &[f64]) -> Vec<usize> {
    let n = weights.len();
    let mut rng = Keys::new(seed, u32::MAX).stream(Kind::Calibration, u64::MAX, 1);
    let start = open01(&mut rng) / n as f64;
    let total: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(n);
    let (mut i, mut cumulative) = (0usize, weights.first().copied().unwrap_or(0.0) / total);
    for k in 0..n {
        let point = start + k as f64 / n as f64;
        while cumulative < point && i + 1 < n {
            i += 1;
            cumulative += weights[i] / total;
        }
        out.push(i);
    }
    out
}

/// The prior, for people.
fn prior_text(f: &Fit) -> String {
    format!(
        "{} from {} to {}",
        if f.log { "log-uniform" } else { "uniform" },
        f.text(f.low),
        f.text(f.high)
    )
}

/// A value as `posterior.csv` writes it: a real number in full (the shortest text that reads
/// back the same), a whole number, or a date.
fn csv_value(f: &Fit, x: f64) -> String {
    match f.kind {
        FitKind::Real => format!("{x}"),
        FitKind::Whole | FitKind::Date => f.text(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systematic_resampling_gives_each_particle_its_share_of_copies() {
        // Systematic resampling gives particle i the floor or the ceiling of n·w_i copies.
        let raw: Vec<f64> = (1..=100).map(|i| f64::from((i * 37) % 11 + 1)).collect();
        let total: f64 = raw.iter().sum();
        let draws = resample(3, &raw);
        assert_eq!(draws.len(), 100);
        let mut counts = vec![0usize; 100];
        for d in draws {
            counts[d] += 1;
        }
        for (i, c) in counts.iter().enumerate() {
            let expected = 100.0 * raw[i] / total;
            assert!(
                (*c as f64 - expected).abs() < 1.0,
                "particle {i}: {c} copies for a share of {expected}"
            );
        }
        assert_eq!(resample(1, &[0.0, 1.0, 0.0]), vec![1, 1, 1]);
    }
}
