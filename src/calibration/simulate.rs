//! The model the sampler calls: a particle's point turned into its scenario (the fitted keys set
//! as `--set` would set them, so every value is validated), and a batch of particles simulated,
//! each as one replication of the scenario, and compared with the observations.
//!
//! Common random numbers: particle `k` of any generation runs replication `k mod R` of the same
//! seed, where R is the scenario's replications, so every particle meets one of the same R worlds
//! and two particles differ by their parameters and which world, never by fresh noise; where the
//! fitted keys do not change the generated population, those worlds are the same persons and
//! contacts for every particle. Using R worlds rather than one keeps the world-to-world spread in
//! the posterior (a single shared world would fit that world, too narrowly).

use super::observed::Observed;
use super::smc::Proposal;
use crate::comm::Comm;
use crate::run::jobs::Progress;
use crate::scenario::{Fit, KeyPath, Override, Scenario, load_file};
use anyhow::{Result, anyhow};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// What simulating a particle needs.
pub(crate) struct Model<'a> {
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
    /// The ranks that simulate.
    pub(crate) comm: &'a dyn Comm,
    /// Simulations run so far (for the progress bar).
    pub(crate) done: AtomicU64,
}

impl Model<'_> {
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

    /// Simulates `batch`: per proposal its distance and its replication's reported rows. Runs on
    /// every rank; the rows are rank 0's (other ranks get empty rows and distance 0, unused).
    pub(crate) fn simulate(
        &self,
        batch: &[Proposal],
        progress: Progress,
    ) -> Result<Vec<(f64, Vec<i64>)>> {
        let scenarios: Vec<Scenario> = batch
            .iter()
            .map(|p| self.scenario(&p.u))
            .collect::<Result<_>>()?;
        let jobs: Vec<(usize, u32)> = batch
            .iter()
            .enumerate()
            .map(|(i, p)| (i, (p.slot % self.worlds.max(1) as usize) as u32))
            .collect();
        let columns = crate::engine::Columns::new(&scenarios[0]).len();
        let mut out: Vec<(f64, Vec<i64>)> = Vec::with_capacity(batch.len());
        let done = &self.done;
        let mut sink = |_: usize, rep: crate::run::summary::RepOutput| -> Result<()> {
            let d = self.observed.distance(&rep.rows, columns);
            out.push((d, rep.rows));
            progress(done.fetch_add(1, Ordering::Relaxed) as f64 + 1.0);
            Ok(())
        };
        run_stream(&scenarios, &jobs, self.comm, &mut sink)?;
        // Every rank decides what to keep from the same distances: rank 0's, shared.
        let mut bits: Vec<u64> = if self.comm.rank() == 0 {
            anyhow::ensure!(
                out.len() == batch.len(),
                "a simulation's output went missing"
            );
            out.iter().map(|(d, _)| d.to_bits()).collect()
        } else {
            vec![0; batch.len()]
        };
        self.comm.sum_u64(&mut bits);
        if self.comm.rank() != 0 {
            return Ok(bits
                .into_iter()
                .map(|b| (f64::from_bits(b), Vec::new()))
                .collect());
        }
        Ok(out)
    }
}

/// Stand-in for the run layer's streaming runner while it lands: the jobs on this process, in
/// batches of as many as there are threads.
fn run_stream(
    scenarios: &[Scenario],
    jobs: &[(usize, u32)],
    comm: &dyn Comm,
    sink: &mut dyn FnMut(usize, crate::run::summary::RepOutput) -> Result<()>,
) -> Result<()> {
    use rayon::prelude::*;
    anyhow::ensure!(comm.size() == 1, "calibration over ranks is not ready yet");
    let batch = rayon::current_num_threads().max(1);
    for (b, chunk) in jobs.chunks(batch).enumerate() {
        let outs: Vec<_> = chunk
            .par_iter()
            .map(|&(i, r)| {
                crate::run::replication::replicate(
                    &scenarios[i],
                    None,
                    r,
                    &crate::comm::Partition::Whole,
                    &|_, _| {},
                )
            })
            .collect::<Result<_>>()?;
        for (k, o) in outs.into_iter().enumerate() {
            sink(b * batch + k, o.ok_or_else(|| anyhow!("no output"))?)?;
        }
    }
    Ok(())
}
