//! Many replications of many scenarios: the (scenario, replication) jobs, shared over threads and
//! ranks, with progress.
//!
//! On one process, jobs run in batches of as many as there are threads, each parallel inside.
//! Over ranks, two ways to share the work, chosen by the number of jobs:
//! - as many jobs as ranks or more: each rank runs whole jobs (job `j` on rank `j mod size`), and
//!   rank 0 gathers their outputs;
//! - fewer jobs than ranks: every rank takes part in every job (`Partition::Split`): it
//!   generates every organisation (cheap), only the chunks of organisations it owns (about
//!   `1/size` of the users), and no persons; it computes each person it meets from the person's
//!   keyed draws.
//!
//! Results are gathered in scenario and replication order, so they do not depend on the thread
//! or rank count.

use super::replication::{replicate, replicate_on};
use super::reuse::{self, Cache, Reuse};
use super::summary::{RepOutput, RunResult, Timings, gather_results};
use crate::comm::{Comm, Partition};
use crate::scenario::Scenario;
use crate::world::pinned::World;
use crate::world::population::generate::generate_part;
use crate::world::population::{ImportedNames, Population};
use anyhow::{Context as _, Result, anyhow};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Reads the world each scenario replays (`population.world`), once for all its replications.
pub(crate) fn worlds_of(scenarios: &[Scenario]) -> Result<Vec<Option<Arc<World>>>> {
    scenarios
        .iter()
        .map(|s| Ok(World::of(s)?.map(Arc::new)))
        .collect()
}

/// What a run reports as it goes, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tick {
    /// The population of job `j` (an index into the jobs) is being generated, and those of the
    /// jobs run with it.
    Generating(usize),
    /// The share of the work done, 0 to 1 (the engine's chunks).
    Share(f64),
}

/// Progress callback.
pub type Progress<'a> = &'a (dyn Fn(Tick) + Sync);

/// Runs every replication of `s` on this process and summarises them. `threads` is recorded,
/// not set: callers run this inside the thread pool they want.
pub fn run(s: &Scenario, threads: usize, progress: Progress) -> Result<RunResult> {
    Ok(run_local(std::slice::from_ref(s), threads, progress)?.remove(0))
}

/// Runs every replication of every scenario (e.g. the points of a sweep) on this process, in one
/// pool.
pub fn run_local(
    scenarios: &[Scenario],
    threads: usize,
    progress: Progress,
) -> Result<Vec<RunResult>> {
    run_many(scenarios, threads, &crate::comm::Solo, progress)
        .map(|r| r.context("one process gets the results"))?
}

/// Whether a run of `jobs` (scenario, replication) jobs over `ranks` ranks splits each
/// replication over the ranks (fewer jobs than ranks), rather than giving each rank whole jobs.
/// The memory guard asks the same question, so it estimates the mode that will run.
pub(crate) fn splits(jobs: usize, ranks: usize) -> bool {
    ranks > 1 && jobs < ranks
}

/// Runs every replication of every scenario over the ranks of `comm`; rank 0 gets the results,
/// the other ranks `None`.
pub fn run_many(
    scenarios: &[Scenario],
    threads: usize,
    comm: &dyn Comm,
    progress: Progress,
) -> Result<Option<Vec<RunResult>>> {
    // Read here for the replications they start at, and again by `run_stream` (worlds are small
    // and rare; `commands::plan` reads them once).
    let jobs = jobs_of(scenarios, &worlds_of(scenarios)?);
    let mut outputs = Vec::with_capacity(jobs.len());
    let mut keep = |_: usize, out: RepOutput| {
        outputs.push(out);
        Ok(())
    };
    run_stream(scenarios, &jobs, threads, comm, progress, &mut keep)?;
    if comm.rank() != 0 {
        return Ok(None);
    }
    gather_results(scenarios, threads, outputs).map(Some)
}

/// Runs `jobs` ((scenario index, replication) pairs, in output order) over the ranks of `comm`;
/// on rank 0 calls `sink(job index, output)` in job order as outputs complete (other ranks never
/// call it). Memory is bounded: at most about `threads` worlds at once, outputs handed on, not
/// kept. Jobs whose scenarios generate the same population share it (`super::reuse`).
pub(crate) fn run_stream(
    scenarios: &[Scenario],
    jobs: &[(usize, u32)],
    threads: usize,
    comm: &dyn Comm,
    progress: Progress,
    sink: &mut dyn FnMut(usize, RepOutput) -> Result<()>,
) -> Result<()> {
    // The batches are as large as the pool the caller runs this in; `threads` is that pool's.
    debug_assert!(threads >= 1);
    let worlds = worlds_of(scenarios)?;
    run_stream_worlds(scenarios, &worlds, jobs, comm, progress, sink)
}

/// [`run_stream`] with the worlds the scenarios replay already read ([`worlds_of`]).
pub(crate) fn run_stream_worlds(
    scenarios: &[Scenario],
    worlds: &[Option<Arc<World>>],
    jobs: &[(usize, u32)],
    comm: &dyn Comm,
    progress: Progress,
    sink: &mut dyn FnMut(usize, RepOutput) -> Result<()>,
) -> Result<()> {
    let (rank, size) = (comm.rank(), comm.size());
    if splits(jobs.len(), size) {
        for (j, &(i, r)) in jobs.iter().enumerate() {
            let tick = |done: u64, total: u64| {
                let share = (j as f64 + done as f64 / total.max(1) as f64) / jobs.len() as f64;
                progress(Tick::Share(share))
            };
            progress(Tick::Generating(j));
            let world = worlds[i].as_deref();
            if let Some(out) = replicate(&scenarios[i], world, r, &Partition::Split(comm), &tick)? {
                sink(j, out)?;
            }
        }
        return Ok(());
    }
    let reuse = Reuse::of(scenarios, worlds, jobs);
    let order = reuse.schedule(jobs, reuse::span(scenarios));
    // Jobs run in batches of as many as there are threads: inside a batch they run in parallel
    // (each parallel inside), and a thread that waits inside one job can only pick up work of
    // the same batch, so at most `threads` worlds are in memory at once (rayon alone would let a
    // waiting thread start yet another job, and another world).
    let threads = rayon::current_num_threads().max(1) as u64;
    // Over ranks, batches go round the ranks, in rounds: every rank agrees on their size.
    let batch = if size == 1 {
        threads
    } else {
        comm.min_u64(threads)
    } as usize;
    let batches: Vec<&[usize]> = order.chunks(batch.max(1)).collect();
    let mine: Vec<&[usize]> = batches.iter().skip(rank).step_by(size).copied().collect();
    let runner = Runner {
        scenarios,
        worlds,
        jobs,
        reuse: &reuse,
        tracker: Tracker::new(jobs.len(), mine.iter().map(|b| b.len()).sum(), progress),
    };
    let mut in_order = InOrder {
        next: 0,
        waiting: BTreeMap::new(),
        sink,
    };
    if size == 1 {
        let mut cache = Cache::default();
        for (b, batch) in mine.iter().enumerate() {
            let outputs = runner.batch(batch, &mut cache)?;
            cache.keep_for(&reuse, mine.get(b + 1).copied().unwrap_or(&[]));
            for out in outputs {
                in_order.push(out)?;
            }
        }
        return in_order.finish(jobs.len());
    }
    runner.rounds(comm, batches.len().div_ceil(size), &mine, &mut in_order)?;
    if rank == 0 {
        in_order.finish(jobs.len())
    } else {
        Ok(())
    }
}

/// Every (scenario, replication) pair, in order. A scenario replaying a world exported from
/// replication `r` runs replications `r`, `r + 1`, …: its first one draws what the world leaves
/// out exactly as replication `r` did.
pub(crate) fn jobs_of(scenarios: &[Scenario], worlds: &[Option<Arc<World>>]) -> Vec<(usize, u32)> {
    scenarios
        .iter()
        .zip(worlds)
        .enumerate()
        .flat_map(|(i, (s, w))| {
            let first = w.as_ref().map_or(0, |w| w.replication);
            (0..s.replications).map(move |r| (i, first.saturating_add(r)))
        })
        .collect()
}

/// Outputs handed to a sink in job order: each kept only until the jobs before it are done.
struct InOrder<'s> {
    next: usize,
    waiting: BTreeMap<usize, RepOutput>,
    sink: &'s mut dyn FnMut(usize, RepOutput) -> Result<()>,
}

impl InOrder<'_> {
    /// Takes job `j`'s output and hands on every output that no longer waits.
    fn push(&mut self, (j, out): (usize, RepOutput)) -> Result<()> {
        self.waiting.insert(j, out);
        while let Some(out) = self.waiting.remove(&self.next) {
            (self.sink)(self.next, out)?;
            self.next += 1;
        }
        Ok(())
    }

    /// Checks that all `jobs` outputs were handed on.
    fn finish(&self, jobs: usize) -> Result<()> {
        anyhow::ensure!(
            self.next == jobs && self.waiting.is_empty(),
            "{} of {jobs} replications finished",
            self.next
        );
        Ok(())
    }
}

/// What every batch of jobs needs.
struct Runner<'a> {
    scenarios: &'a [Scenario],
    worlds: &'a [Option<Arc<World>>],
    jobs: &'a [(usize, u32)],
    reuse: &'a Reuse,
    tracker: Tracker<'a>,
}

impl Runner<'_> {
    /// Over ranks: runs this rank's batches `mine`, one a round for `rounds` rounds, and
    /// gathers every rank's outputs of each round on rank 0, which hands them to `in_order`.
    /// Every rank stops together when one fails.
    fn rounds(
        &self,
        comm: &dyn Comm,
        rounds: usize,
        mine: &[&[usize]],
        in_order: &mut InOrder,
    ) -> Result<()> {
        let mut cache = Cache::default();
        let mut names: HashMap<usize, Option<Arc<ImportedNames>>> = HashMap::new();
        for round in 0..rounds {
            let outputs = match mine.get(round) {
                Some(batch) => {
                    let outputs = self.batch(batch, &mut cache);
                    cache.keep_for(self.reuse, mine.get(round + 1).copied().unwrap_or(&[]));
                    outputs
                }
                None => Ok(Vec::new()),
            };
            // Every rank stops together when one fails, rather than waiting for it in the gather.
            if comm.any(outputs.is_err()) {
                return Err(outputs
                    .err()
                    .unwrap_or_else(|| anyhow!("another rank's replication failed")));
            }
            let Some(gathered) = Partition::Split(comm).gather(outputs?)? else {
                continue;
            };
            for (j, mut out) in gathered.into_iter().flatten() {
                self.name_imported(j, &mut out, &mut names)?;
                in_order.push((j, out))?;
            }
        }
        Ok(())
    }

    /// Gives job `j`'s output, gathered from another rank, its imported list's names: names do
    /// not travel, so rank 0 reads the imported file itself, once per scenario (`names`).
    fn name_imported(
        &self,
        j: usize,
        out: &mut RepOutput,
        names: &mut HashMap<usize, Option<Arc<ImportedNames>>>,
    ) -> Result<()> {
        let i = self
            .jobs
            .get(j)
            .context("a rank sent a job that does not exist")?
            .0;
        if out.imported.is_some() || self.scenarios[i].population.import.is_none() {
            return Ok(());
        }
        out.imported = match names.get(&i) {
            Some(n) => n.clone(),
            None => {
                let world = self.worlds[i].as_deref();
                let pop =
                    generate_part(&self.scenarios[i], world, self.jobs[j].1, &Partition::Whole)?;
                names.entry(i).or_insert(pop.imported).clone()
            }
        };
        Ok(())
    }

    /// Runs the jobs `batch` (job indices) whole on this process, in parallel, and returns their
    /// outputs with their job indices. The populations they use and `cache` lacks are generated
    /// first, each once (the time goes to the first job using it).
    fn batch(&self, batch: &[usize], cache: &mut Cache) -> Result<Vec<(usize, RepOutput)>> {
        use rayon::prelude::*;
        let mut missing: Vec<(usize, usize)> = Vec::new();
        for &j in batch {
            let key = self.reuse.key[j];
            if cache.get(key).is_none() && !missing.iter().any(|&(k, _)| k == key) {
                missing.push((key, j));
            }
        }
        if let Some(&(_, j)) = missing.first() {
            (self.tracker.report)(Tick::Generating(j));
        }
        let made: Vec<(usize, usize, Population, f64)> = missing
            .par_iter()
            .map(|&(key, j)| {
                let (i, r) = self.jobs[j];
                let now = Instant::now();
                let world = self.worlds[i].as_deref();
                let pop = generate_part(&self.scenarios[i], world, r, &Partition::Whole)?;
                Ok((key, j, pop, now.elapsed().as_secs_f64()))
            })
            .collect::<Result<_>>()?;
        let mut generated_by: HashMap<usize, f64> = HashMap::new();
        for (key, j, pop, secs) in made {
            cache.put(key, Arc::new(pop));
            generated_by.insert(j, secs);
        }
        let cache = &*cache;
        batch
            .par_iter()
            .map(|&j| {
                let (i, r) = self.jobs[j];
                let pop = cache
                    .get(self.reuse.key[j])
                    .context("a batch's population was generated before it ran")?;
                let mut timings = Timings::default();
                let generated = generated_by.get(&j);
                timings.add_secs("generate", generated.copied().unwrap_or(0.0));
                if generated.is_some() {
                    super::replication::add_graph_steps(
                        &mut timings,
                        pop.graph.as_ref().map(|g| &g.steps),
                    );
                }
                let tick = |done, total| self.tracker.tick(j, done, total);
                let world = self.worlds[i].as_deref();
                let s = &self.scenarios[i];
                let out = replicate_on(s, world, r, &Partition::Whole, &pop, timings, &tick)?
                    .context("a whole replication has its output on its one process")?;
                Ok((
                    j,
                    RepOutput {
                        generated: generated.is_some(),
                        ..out
                    },
                ))
            })
            .collect()
    }
}

/// Progress of many jobs, each reporting its own chunks: per job a share in thousandths, kept in
/// one running total so a tick costs O(1).
struct Tracker<'a> {
    per_job: Vec<AtomicU64>,
    /// The jobs this process runs (the share is of these).
    mine: usize,
    total: AtomicU64,
    report: Progress<'a>,
}

impl<'a> Tracker<'a> {
    /// A tracker of `mine` of `jobs` jobs.
    fn new(jobs: usize, mine: usize, report: Progress<'a>) -> Self {
        Tracker {
            per_job: (0..jobs).map(|_| AtomicU64::new(0)).collect(),
            mine,
            total: AtomicU64::new(0),
            report,
        }
    }

    /// Job `job` has done `done` of its `total` chunks.
    fn tick(&self, job: usize, done: u64, total: u64) {
        let now = done * 1000 / total.max(1);
        let before = self.per_job[job].swap(now, Relaxed);
        let sum = if now >= before {
            self.total.fetch_add(now - before, Relaxed) + (now - before)
        } else {
            self.total.fetch_sub(before - now, Relaxed) - (before - now)
        };
        (self.report)(Tick::Share(sum as f64 / (1000.0 * self.mine.max(1) as f64)));
    }
}
