//! The model the sampler calls: a particle's point turned into its scenario (the fitted keys set
//! as `--set` would set them, so every value is validated), and a batch of particles simulated,
//! each as one replication of the scenario, and compared with the observations.
//!
//! Common random numbers: particle `k` of any generation runs replication `k mod R` of the same
//! seed, where R is the scenario's replications, so every particle meets one of the same R worlds
//! and two particles differ by their parameters and which world, never by fresh noise; where the
//! fitted keys do not change the generated population, those worlds are the same persons and
//! contacts for every particle, generated once per batch (the run layer's population reuse).
//! Using R worlds rather than one keeps the world-to-world spread in the posterior (a single
//! shared world would fit that world, too narrowly).

use super::observed::Observed;
use super::smc::Proposal;
use crate::comm::Comm;
use crate::scenario::{Fit, KeyPath, Override, Scenario, load_file};
use anyhow::{Result, anyhow};
use std::path::Path;

/// What the command hears of the simulations, for its progress bar.
pub(crate) enum Progress {
    /// A batch of `size` simulations of generation `generation` starts.
    Batch { generation: usize, size: usize },
    /// One simulation finished.
    Done,
}

/// The model the sampler calls: particles simulated as one replication each, measured by the
/// observations' adaptive distance.
pub(crate) struct Simulator<'a> {
    /// The scenario file.
    pub(crate) path: &'a Path,
    /// The command line's overrides, before the fitted keys.
    pub(crate) base: &'a [Override],
    /// The fitted keys.
    pub(crate) fits: &'a [Fit],
    /// The observations.
    pub(crate) observed: &'a Observed,
    /// Worlds the particles share (the scenario's replications).
    pub(crate) worlds: u32,
    /// Values per reported rows of a simulation (rows × columns).
    pub(crate) columns: usize,
    /// The ranks that simulate.
    pub(crate) comm: &'a dyn Comm,
    /// Told of batches and finished simulations.
    pub(crate) progress: &'a (dyn Fn(Progress) + Sync),
    /// The distance's current scales, one per observation.
    pub(crate) scales: Vec<f64>,
}

impl Simulator<'_> {
    /// The values of point `u`, one per fitted key, as the scenario takes them.
    pub(crate) fn values(&self, u: &[f64]) -> Vec<f64> {
        self.fits.iter().zip(u).map(|(f, &u)| f.at(u)).collect()
    }

    /// The scenario of point `u`, with the fitted keys set and validated.
    pub(crate) fn scenario(&self, u: &[f64]) -> Result<Scenario> {
        let mut overrides = self.base.to_vec();
        for (f, x) in self.fits.iter().zip(self.values(u)) {
            let key = KeyPath::parse(&f.key).map_err(|e| anyhow!(e))?;
            overrides.push(Override::new(
                key,
                f.toml(x),
                format!("--fit {}={}", f.key, f.text(x)),
            ));
        }
        Ok(load_file(self.path, &overrides)?)
    }

    /// `values` computed on rank 0, given to every rank (a sum where the other ranks give 0).
    fn shared_from_rank_0(&self, values: Option<Vec<f64>>, len: usize) -> Result<Vec<f64>> {
        let mut bits: Vec<u64> = match values {
            Some(v) if self.comm.rank() == 0 => {
                anyhow::ensure!(v.len() == len, "a simulation's output went missing");
                v.iter().map(|x| x.to_bits()).collect()
            }
            _ => vec![0; len],
        };
        self.comm.sum_u64(&mut bits);
        Ok(bits.into_iter().map(f64::from_bits).collect())
    }
}

impl super::smc::Model for Simulator<'_> {
    /// A replication's reported rows (rank 0's; empty on the other ranks).
    type Data = Vec<i64>;

    fn simulate(&mut self, batch: &[Proposal]) -> Result<Vec<Vec<i64>>> {
        (self.progress)(Progress::Batch {
            generation: batch.first().map_or(0, |p| p.generation),
            size: batch.len(),
        });
        let scenarios: Vec<Scenario> = batch
            .iter()
            .map(|p| self.scenario(&p.u))
            .collect::<Result<_>>()?;
        let jobs: Vec<(usize, u32)> = batch
            .iter()
            .enumerate()
            .map(|(i, p)| (i, (p.slot % self.worlds.max(1) as usize) as u32))
            .collect();
        let mut out: Vec<Vec<i64>> = Vec::with_capacity(batch.len());
        let mut sink = |_: usize, rep: crate::run::summary::RepOutput| -> Result<()> {
            out.push(rep.rows);
            (self.progress)(Progress::Done);
            Ok(())
        };
        crate::run::jobs::run_stream(
            &scenarios,
            &jobs,
            rayon::current_num_threads(),
            self.comm,
            &|_| {},
            &mut sink,
        )?;
        if self.comm.rank() != 0 {
            return Ok(vec![Vec::new(); batch.len()]);
        }
        anyhow::ensure!(
            out.len() == batch.len(),
            "a simulation's output went missing"
        );
        Ok(out)
    }

    fn adapt(&mut self, kept: &[&Vec<i64>]) -> Result<()> {
        let sims: Vec<&[i64]> = kept.iter().map(|r| r.as_slice()).collect();
        let scales =
            (self.comm.rank() == 0).then(|| self.observed.adapted_scales(&sims, self.columns));
        self.scales = self.shared_from_rank_0(scales, self.observed.observations.len())?;
        Ok(())
    }

    fn distances(&self, data: &[&Vec<i64>]) -> Result<Vec<f64>> {
        let distances = (self.comm.rank() == 0).then(|| {
            data.iter()
                .map(|rows| self.observed.distance(rows, self.columns, &self.scales))
                .collect()
        });
        self.shared_from_rank_0(distances, data.len())
    }
}
