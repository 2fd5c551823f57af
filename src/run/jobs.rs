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

use super::replication::replicate;
use super::summary::{RepOutput, RunResult, gather_results};
use crate::comm::{Comm, Partition};
use crate::scenario::Scenario;
use crate::world::pinned::World;
use anyhow::{Context as _, Result};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Reads the world each scenario replays (`population.world`), once for all its replications.
pub(crate) fn worlds_of(scenarios: &[Scenario]) -> Result<Vec<Option<Arc<World>>>> {
    scenarios
        .iter()
        .map(|s| Ok(World::of(s)?.map(Arc::new)))
        .collect()
}

/// Progress callback: the share of the work done, 0 to 1.
pub type Progress<'a> = &'a (dyn Fn(f64) + Sync);

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
    let worlds = worlds_of(scenarios)?;
    let outputs = run_jobs(scenarios, &worlds, &jobs_of(scenarios, &worlds), progress)?;
    gather_results(scenarios, threads, outputs)
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
    run_worlds(scenarios, &worlds_of(scenarios)?, threads, comm, progress)
}

/// [`run_many`] with the worlds the scenarios replay already read ([`worlds_of`]).
pub(crate) fn run_worlds(
    scenarios: &[Scenario],
    worlds: &[Option<Arc<World>>],
    threads: usize,
    comm: &dyn Comm,
    progress: Progress,
) -> Result<Option<Vec<RunResult>>> {
    let jobs = jobs_of(scenarios, worlds);
    let (rank, size) = (comm.rank(), comm.size());
    if size == 1 {
        let outputs = run_jobs(scenarios, worlds, &jobs, progress)?;
        return gather_results(scenarios, threads, outputs).map(Some);
    }
    let outputs = if !splits(jobs.len(), size) {
        whole_jobs_per_rank(scenarios, worlds, &jobs, comm, progress)?
    } else {
        let mut outputs = Vec::with_capacity(jobs.len());
        for (j, &(i, r)) in jobs.iter().enumerate() {
            let tick = |done: u64, total: u64| {
                progress((j as f64 + done as f64 / total.max(1) as f64) / jobs.len() as f64)
            };
            let world = worlds[i].as_deref();
            if let Some(out) = replicate(&scenarios[i], world, r, &Partition::Split(comm), &tick)? {
                outputs.push(out);
            }
        }
        (rank == 0).then_some(outputs)
    };
    match outputs {
        Some(outputs) => gather_results(scenarios, threads, outputs).map(Some),
        None => Ok(None),
    }
}

/// Every (scenario, replication) pair, in order. A scenario replaying a world exported from
/// replication `r` runs replications `r`, `r + 1`, …: its first one draws what the world leaves
/// out exactly as replication `r` did.
fn jobs_of(scenarios: &[Scenario], worlds: &[Option<Arc<World>>]) -> Vec<(usize, u32)> {
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

/// Job `j` on rank `j mod size`, whole; rank 0 gets every output in job order.
fn whole_jobs_per_rank(
    scenarios: &[Scenario],
    worlds: &[Option<Arc<World>>],
    jobs: &[(usize, u32)],
    comm: &dyn Comm,
    progress: Progress,
) -> Result<Option<Vec<RepOutput>>> {
    let (rank, size) = (comm.rank(), comm.size());
    let mine: Vec<(usize, u32)> = jobs
        .iter()
        .enumerate()
        .filter(|(j, _)| j % size == rank)
        .map(|(_, job)| *job)
        .collect();
    let outputs = run_jobs(scenarios, worlds, &mine, progress)?;
    // The same gather a split replication's rows take, here of each rank's whole outputs.
    let Some(gathered) = Partition::Split(comm).gather(outputs)? else {
        return Ok(None);
    };
    let mut per_rank: Vec<std::vec::IntoIter<RepOutput>> =
        gathered.into_iter().map(Vec::into_iter).collect();
    let mut all = Vec::with_capacity(jobs.len());
    for j in 0..jobs.len() {
        all.push(
            per_rank[j % size]
                .next()
                .context("a rank sent too few results")?,
        );
    }
    // Rank 0 read the imported names itself; every rank read the same file.
    let names = all.iter().find_map(|o| o.imported.clone());
    for o in &mut all {
        if o.imported.is_none() {
            o.imported.clone_from(&names);
        }
    }
    Ok(Some(all))
}

/// Runs the given jobs whole on this process and returns their outputs in the same order.
fn run_jobs(
    scenarios: &[Scenario],
    worlds: &[Option<Arc<World>>],
    jobs: &[(usize, u32)],
    progress: Progress,
) -> Result<Vec<RepOutput>> {
    use rayon::prelude::*;
    let tracker = Tracker {
        per_job: jobs.iter().map(|_| AtomicU64::new(0)).collect(),
        total: AtomicU64::new(0),
        report: progress,
    };
    // Jobs run in batches of as many as there are threads: inside a batch they run in parallel
    // (each parallel inside), and a thread that waits inside one job can only pick up work of
    // the same batch, so at most `threads` worlds are in memory at once (rayon alone would let a
    // waiting thread start yet another job, and another world).
    let batch = rayon::current_num_threads().max(1);
    let mut outputs: Vec<RepOutput> = Vec::with_capacity(jobs.len());
    for (b, chunk) in jobs.chunks(batch).enumerate() {
        let done: Vec<RepOutput> = chunk
            .par_iter()
            .enumerate()
            .map(|(k, &(i, r))| {
                let j = b * batch + k;
                let tick = |done, total| tracker.tick(j, done, total);
                replicate(
                    &scenarios[i],
                    worlds[i].as_deref(),
                    r,
                    &Partition::Whole,
                    &tick,
                )?
                .context("a whole replication has its output on its one process")
            })
            .collect::<Result<_>>()?;
        outputs.extend(done);
    }
    Ok(outputs)
}

/// Progress of many jobs, each reporting its own chunks: per job a share in thousandths, kept in
/// one running total so a tick costs O(1).
struct Tracker<'a> {
    per_job: Vec<AtomicU64>,
    total: AtomicU64,
    report: Progress<'a>,
}

impl Tracker<'_> {
    fn tick(&self, job: usize, done: u64, total: u64) {
        let now = done * 1000 / total.max(1);
        let before = self.per_job[job].swap(now, Relaxed);
        let sum = if now >= before {
            self.total.fetch_add(now - before, Relaxed) + (now - before)
        } else {
            self.total.fetch_sub(before - now, Relaxed) - (before - now)
        };
        (self.report)(sum as f64 / (1000.0 * self.per_job.len().max(1) as f64));
    }
}
