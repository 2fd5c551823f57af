//! Simulation-based calibration (SBC; Talts, Betancourt, Simpson, Vehtari and Gelman 2018): the
//! check that a calibration's posteriors are as wide as they say. Each repeat draws a truth from
//! the prior, simulates the observations a world at the truth gives (the days and metrics of the
//! user's observations file, in a world of its own seed), calibrates to them as the user's
//! calibration would (its own seed, so its worlds are never the truth's), and records where the
//! truth falls among the posterior's draws. If every posterior is the right one, that rank is
//! uniform and each credible interval holds the truth as often as its level says.
//!
//! This module owns the repeats and what is recorded of each ([`Ranked`]); `result` turns them
//! into the check's verdicts and files, `saved` keeps the finished repeats for `--resume`, and
//! `chart` and `page` draw and write them. The fitting itself is behind [`Fitter`], so that a
//! test can check the check with a deliberately wrong sampler.

pub(crate) mod chart;
pub(crate) mod page;
pub(crate) mod result;
pub(crate) mod saved;

use super::observed::Observed;
use super::outcome::resample;
use super::simulate::Simulator;
use super::smc::{self, Generation, Settings, State, Stats};
use crate::rng::{Keys, Kind, open01};
use crate::run::summary::weighted_quantile;
use anyhow::{Context, Result};
use rand::Rng;

/// Where the truth of one repeat fell, for one fitted key.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ranked {
    /// The repeat, from 0.
    pub(crate) repeat: usize,
    /// The fitted key's index.
    pub(crate) key: usize,
    /// The truth, in the prior's unit interval.
    pub(crate) truth: f64,
    /// How many of the posterior's draws lie below the truth (0 to `draws`).
    pub(crate) rank: usize,
    /// The posterior's draws the rank is among.
    pub(crate) draws: usize,
    /// Whether the central 50 % interval (25 % to 75 %) holds the truth.
    pub(crate) in_50: bool,
    /// Whether the central 90 % interval (5 % to 95 %) holds the truth.
    pub(crate) in_90: bool,
}

/// A posterior as the check reads it: points in the unit cube with their weights.
pub(crate) type Posterior = Vec<(Vec<f64>, f64)>;

/// What fits a repeat's observations: the calibration under test.
pub(crate) trait Fitter {
    /// The posterior of repeat `repeat`, fitted to the observations `observed` with the seed
    /// `seed`.
    fn fit(&mut self, repeat: usize, observed: &Observed, seed: u64) -> Result<Posterior>;
}

/// A 63-bit seed for repeat `repeat` of a check seeded `seed`, one per `purpose` (the truth's
/// world, the calibration's worlds and proposals, the draws a rank is counted among).
fn seed_of(seed: u64, repeat: usize, purpose: u64) -> u64 {
    let mut rng = Keys::new(seed, u32::MAX - 1).stream(Kind::Calibration, repeat as u64, purpose);
    rng.next_u64() >> 1
}

/// The seed of the world repeat `repeat` observes.
pub(crate) fn truth_seed(seed: u64, repeat: usize) -> u64 {
    seed_of(seed, repeat, 1)
}

/// The seed repeat `repeat` calibrates with.
pub(crate) fn fit_seed(seed: u64, repeat: usize) -> u64 {
    seed_of(seed, repeat, 2)
}

/// The truth of repeat `repeat`: a draw from the prior (uniform on the unit cube).
pub(crate) fn truth(seed: u64, repeat: usize, dims: usize) -> Vec<f64> {
    let mut rng = Keys::new(seed, u32::MAX - 1).stream(Kind::Calibration, repeat as u64, 3);
    (0..dims).map(|_| open01(&mut rng)).collect()
}

/// The observations a world at `truth` gives on the days and metrics of `observed` (the user's,
/// whose `sem`s are kept), as an observations file's text; `rows` is that world's reported rows.
pub(crate) fn observations(observed: &Observed, rows: &[i64], columns: usize) -> String {
    let mut text = String::from("date,metric,value,sem\n");
    for o in &observed.observations {
        let row = &rows[o.row * columns..(o.row + 1) * columns];
        let value = observed.metrics.values(row)[o.column];
        let sem = o.sem.map_or(String::new(), |s| s.to_string());
        text.push_str(&format!("{},{},{value},{sem}\n", o.date, o.metric));
    }
    text
}

/// Where `truth` (one key, in the unit interval) falls in `posterior` (that key's values with
/// their weights): its rank among `draws` (indices into `posterior`, equally weighted) and
/// whether the central 50 % and 90 % intervals of the weighted posterior hold it.
pub(crate) fn rank(truth: f64, posterior: &[(f64, f64)], draws: &[usize]) -> (usize, bool, bool) {
    let rank = draws.iter().filter(|&&i| posterior[i].0 < truth).count();
    let inside = |lo: f64, hi: f64| {
        weighted_quantile(posterior, lo) <= truth && truth <= weighted_quantile(posterior, hi)
    };
    (rank, inside(0.25, 0.75), inside(0.05, 0.95))
}

/// What every repeat shares: the truth's simulator and the user's observations.
pub(crate) struct Check<'a> {
    /// Builds and runs the truths' scenarios (its seed is replaced per repeat).
    pub(crate) simulator: Simulator<'a>,
    /// The check's seed (the scenario's).
    pub(crate) seed: u64,
    /// The scenario's reported dates (where observations are placed).
    pub(crate) dates: &'a [chrono::NaiveDate],
    /// The scenario's run columns (what observations may name, with their shares).
    pub(crate) columns: &'a [String],
}

impl Check<'_> {
    /// Repeat `repeat`: its truth, observations, posterior and ranks (one per key).
    pub(crate) fn repeat(&mut self, repeat: usize, fitter: &mut dyn Fitter) -> Result<Vec<Ranked>> {
        let dims = self.simulator.fits.len();
        let truth = truth(self.seed, repeat, dims);
        self.simulator.seed = truth_seed(self.seed, repeat);
        let rows = self
            .simulator
            .run(&[(truth.as_slice(), 0)], self.simulator.until)?;
        // Rank 0 holds the rows: it writes the observations and tells the other ranks.
        let text = match rows.first() {
            Some(r) if self.simulator.comm.rank() == 0 => {
                observations(self.simulator.observed, r, self.simulator.columns)
            }
            _ => String::new(),
        };
        let text = self
            .simulator
            .comm
            .all_gather(text.into_bytes())
            .swap_remove(0);
        let observed = Observed::parse(
            &self.simulator.observed.path,
            &text,
            self.dates,
            self.columns,
            &[],
            None,
        )
        .context("the check's simulated observations")?;
        let posterior = fitter.fit(repeat, &observed, fit_seed(self.seed, repeat))?;
        let draws = resample(
            seed_of(self.seed, repeat, 4),
            &posterior.iter().map(|p| p.1).collect::<Vec<_>>(),
        );
        Ok((0..dims)
            .map(|key| {
                let values: Vec<(f64, f64)> = posterior.iter().map(|p| (p.0[key], p.1)).collect();
                let (rank, in_50, in_90) = rank(truth[key], &values, &draws);
                Ranked {
                    repeat,
                    key,
                    truth: truth[key],
                    rank,
                    draws: draws.len(),
                    in_50,
                    in_90,
                }
            })
            .collect())
    }
}

/// Told of each finished generation of a repeat (to save it, or show it).
pub(crate) type Told<'h> = dyn FnMut(usize, &Generation<Vec<i64>>, &[Stats]) -> Result<()> + 'h;

/// The calibration under check: the ABC-SMC sampler as `picsim calibrate` runs it, each repeat
/// with its own seed and observations.
pub(crate) struct Sampler<'a, 'h> {
    /// The user's calibration's model (its observations and seed are replaced per repeat).
    pub(crate) simulator: &'a Simulator<'a>,
    /// The small world's model proposals are screened on, if any, and the probability of going
    /// on with a proposal it rejects.
    pub(crate) screen: Option<(&'a Simulator<'a>, f64)>,
    /// The sampler's settings (the seed is replaced per repeat).
    pub(crate) settings: Settings,
    /// Where repeat `r` starts: the generations an interrupted check finished of it, if any.
    pub(crate) start: &'h mut dyn FnMut(usize) -> Result<Option<State<Vec<i64>>>>,
    /// Told of each finished generation of each repeat (to save it, or show it).
    pub(crate) finished: &'h mut Told<'h>,
}

impl Fitter for Sampler<'_, '_> {
    fn fit(&mut self, repeat: usize, observed: &Observed, seed: u64) -> Result<Posterior> {
        let mut model = self.simulator.refitting(observed, seed);
        let settings = Settings {
            seed,
            ..self.settings
        };
        let done = (self.start)(repeat)?;
        let finished = &mut *self.finished;
        let mut told = |g: &Generation<Vec<i64>>, h: &[Stats]| finished(repeat, g, h);
        let dims = self.simulator.fits.len();
        let mut small = self.screen.map(|(s, _)| s.refitting(observed, seed));
        let screen = small.as_mut().map(|model| smc::Screen {
            model,
            continuation: self.screen.map_or(1.0, |s| s.1),
            kept: None,
        });
        let (last, _, _) = smc::sample(&settings, dims, done, &mut model, screen, &mut told)?;
        Ok(last
            .particles
            .into_iter()
            .map(|p| (p.u, p.weight))
            .collect())
    }
}

#[cfg(test)]
mod tests;
