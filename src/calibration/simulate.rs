//! The model the sampler calls: a particle's point turned into its scenario (the fitted keys set
//! as `--set` would set them, so every value is validated), and a batch of particles simulated,
//! each as one replication of the scenario, and compared with the observations.
//!
//! Worlds: every simulation runs in a world of its own (a replication number no other simulation
//! of the calibration uses: [`world`]), so two particles differ by their values and by fresh
//! noise, as the ABC likelihood asks: a particle is kept with the probability that a world drawn
//! at its values lands within the tolerance. The alternative this replaced, every particle
//! meeting one of the scenario's R replications (common random numbers), fitted those R worlds'
//! quirks: simulation-based calibration (`super::sbc`) found the posteriors of an enable share
//! and of a Bass q shifted the same way in every repeat. When no fitted key reaches the generated
//! world (sign-in rates, a contagion's pace), a few consecutive proposals share each fresh world
//! ([`WORLD_GROUP`]), so that its population is generated once for them.
//!
//! While fitting, a simulation runs only to the last observed day (`until`): nothing after it
//! changes a day before it (every draw is keyed by entity, and the engine's days run forward),
//! so the distances are those of the whole window. The forecast then runs each final particle
//! once over the whole window in the same world ([`Simulator::forecast`]), and checks that the
//! days both runs cover came out identical.

use super::observed::Observed;
use super::smc::{Generation, Proposal};
use crate::comm::Comm;
use crate::scenario::{Fit, KeyPath, Override, Scenario, load_file};
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use std::path::Path;

/// Bits of a world's number that hold the proposal's slot: a generation may make up to 2^20
/// proposals (`smc::MAX_PROPOSALS`), and 2^12 generations fit in a `u32` replication number.
const SLOT_BITS: u32 = 20;
/// Most simulations in one generation.
pub(crate) const MAX_SLOTS: usize = 1 << SLOT_BITS;
const _: () = assert!(MAX_SLOTS == super::smc::MAX_PROPOSALS);
/// Most generations (the prior's included).
pub(crate) const MAX_GENERATIONS: usize = 1 << (32 - SLOT_BITS);

/// Proposals that share a world when no fitted key reaches the generated world: the run layer
/// then generates its population once for all of them (`crate::run::reuse`).
pub(crate) const WORLD_GROUP: usize = 4;

/// The world (replication number of the calibration's seed) that proposal `slot` of generation
/// `generation` runs in, when `share` consecutive proposals share one: each group of proposals
/// its own, never another group's. Generation 0's are replications 0, 1, 2, … of the seed, the
/// worlds `picsim run` would draw.
pub(crate) fn world(generation: usize, slot: usize, share: usize) -> u32 {
    debug_assert!(slot < MAX_SLOTS && generation < MAX_GENERATIONS);
    ((generation as u32) << SLOT_BITS) | (slot / share.max(1)) as u32
}

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
    /// The seed of the worlds (the scenario's; a check's repeat has its own).
    pub(crate) seed: u64,
    /// While fitting, the last day simulated (`None`: the whole window).
    pub(crate) until: Option<NaiveDate>,
    /// Values per reported row of a simulation.
    pub(crate) columns: usize,
    /// The ranks that simulate.
    pub(crate) comm: &'a dyn Comm,
    /// Told of batches and finished simulations.
    pub(crate) progress: &'a (dyn Fn(Progress) + Sync),
    /// The distance's current scales, one per observation.
    pub(crate) scales: Vec<f64>,
    /// Consecutive proposals sharing a world ([`Simulator::sharing`]).
    pub(crate) share: usize,
}

impl<'a> Simulator<'a> {
    /// This simulator fitting `observed` instead, with worlds and proposals of `seed` (a
    /// check's repeat).
    pub(crate) fn refitting<'o>(&'o self, observed: &'o Observed, seed: u64) -> Simulator<'o>
    where
        'a: 'o,
    {
        Simulator {
            path: self.path,
            base: self.base,
            fits: self.fits,
            observed,
            seed,
            until: self.until,
            columns: self.columns,
            comm: self.comm,
            progress: self.progress,
            scales: observed.initial_scales(),
            share: self.share,
        }
    }

    /// How many consecutive proposals may share a world: [`WORLD_GROUP`] when no fitted key
    /// reaches the generated world (tried at each end of each key's range), so that its
    /// population is generated once for the group; else 1, since particles sharing a world would
    /// only share its noise. Sharing is sound either way (each group's world is fresh and drawn
    /// independently of its proposals, so every particle is still kept with the probability
    /// the ABC likelihood gives); it only decides whether generation is repeated.
    pub(crate) fn sharing(&self) -> Result<usize> {
        let dims = self.fits.len();
        let mut points = vec![vec![0.5; dims]];
        for k in 0..dims {
            for end in [0.0, 1.0] {
                let mut u = vec![0.5; dims];
                u[k] = end;
                points.push(u);
            }
        }
        let scenarios: Vec<Scenario> = points
            .iter()
            .map(|u| self.scenario(u, None))
            .collect::<Result<_>>()?;
        let worlds = crate::run::jobs::worlds_of(&scenarios)?;
        let jobs: Vec<(usize, u32)> = (0..scenarios.len()).map(|i| (i, 0)).collect();
        let keys = crate::run::reuse::Reuse::of(&scenarios, &worlds, &jobs).key;
        Ok(if keys.iter().all(|&k| k == keys[0]) {
            WORLD_GROUP
        } else {
            1
        })
    }

    /// The values of point `u`, one per fitted key, as the scenario takes them.
    pub(crate) fn values(&self, u: &[f64]) -> Vec<f64> {
        self.fits.iter().zip(u).map(|(f, &u)| f.at(u)).collect()
    }

    /// The scenario of point `u`, with the fitted keys set and validated, seeded with the
    /// calibration's seed, and ending on `until` when given.
    pub(crate) fn scenario(&self, u: &[f64], until: Option<NaiveDate>) -> Result<Scenario> {
        let mut overrides = self.base.to_vec();
        for (f, x) in self.fits.iter().zip(self.values(u)) {
            let key = KeyPath::parse(&f.key).map_err(|e| anyhow!(e))?;
            overrides.push(Override::new(
                key,
                f.toml(x),
                format!("--fit {}={}", f.key, f.text(x)),
            ));
        }
        let mut s = load_file(self.path, &overrides)?;
        s.seed = self.seed;
        if let Some(until) = until.filter(|&d| d < s.end && d >= s.start) {
            s.end = until;
        }
        Ok(s)
    }

    /// Simulates `(point, world)` pairs, each ending on `until`; their reported rows on rank 0
    /// (empty on the other ranks).
    pub(crate) fn run(
        &self,
        points: &[(&[f64], u32)],
        until: Option<NaiveDate>,
    ) -> Result<Vec<Vec<i64>>> {
        let scenarios: Vec<Scenario> = points
            .iter()
            .map(|(u, _)| self.scenario(u, until))
            .collect::<Result<_>>()?;
        let jobs: Vec<(usize, u32)> = points
            .iter()
            .enumerate()
            .map(|(i, &(_, w))| (i, w))
            .collect();
        let mut out: Vec<Vec<i64>> = Vec::with_capacity(points.len());
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
            return Ok(vec![Vec::new(); points.len()]);
        }
        anyhow::ensure!(
            out.len() == points.len(),
            "a simulation's output went missing"
        );
        Ok(out)
    }

    /// `last` with each particle's simulation run again over the whole window, in the same
    /// world, for the forecast; refused if a day both runs cover differs (the fit would then
    /// have measured another simulation than the one the forecast shows).
    pub(crate) fn forecast(&self, mut last: Generation<Vec<i64>>) -> Result<Generation<Vec<i64>>> {
        if self.until.is_none() {
            return Ok(last);
        }
        let t = last.stats.generation;
        (self.progress)(Progress::Batch {
            generation: t,
            size: last.particles.len(),
        });
        let points: Vec<(&[f64], u32)> = last
            .particles
            .iter()
            .map(|p| (p.u.as_slice(), world(t, p.slot, self.share)))
            .collect();
        let whole = self.run(&points, None)?;
        for (p, rows) in last.particles.iter_mut().zip(whole) {
            anyhow::ensure!(
                rows.len() >= p.data.len() && rows[..p.data.len()] == p.data[..],
                "the forecast's run of a particle differs from its fit's before {} (a scenario \
                 whose early days depend on its end cannot be fitted to a shorter window)",
                self.until.unwrap_or_default()
            );
            p.data = rows;
        }
        Ok(last)
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
    /// A replication's reported rows up to `until` (rank 0's; empty on the other ranks).
    type Data = Vec<i64>;

    fn simulate(&mut self, batch: &[Proposal]) -> Result<Vec<Vec<i64>>> {
        (self.progress)(Progress::Batch {
            generation: batch.first().map_or(0, |p| p.generation),
            size: batch.len(),
        });
        let points: Vec<(&[f64], u32)> = batch
            .iter()
            .map(|p| (p.u.as_slice(), world(p.generation, p.slot, self.share)))
            .collect();
        self.run(&points, self.until)
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
