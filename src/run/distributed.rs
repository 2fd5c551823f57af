//! Runs spread over several processes (ranks), with results identical to one process.
//!
//! Two ways to share the work, chosen by the number of (scenario, replication) jobs:
//! - as many jobs as ranks or more: each rank runs whole jobs (job `j` on rank `j mod size`),
//!   and rank 0 gathers their outputs;
//! - fewer jobs than ranks: every rank takes part in every job. A rank generates every
//!   organisation (cheap), only the chunks of organisations it owns (about `1/size` of the users),
//!   and no persons: it computes each person it meets from the person's keyed draws. Persons are
//!   owned by id range, for the per-person counts (`migrated_*`, `stranded_*`, contact-adding
//!   pools). Per-day counters are summed on rank 0, which also gathers the per-organisation rows
//!   and writes every report. Contagion (`bass`) is the one step that needs more: first-passage
//!   times over the graph are computed by a distributed bucketed search
//!   ([`crate::migration::bass::distributed_first_passage`]), after which every rank receives every
//!   person's migration days.
//!
//! Every number is a sum of per-entity contributions keyed by entity, never by rank, so the CSVs
//! are byte-identical to a single-process run's, whatever the rank count.

use crate::comm::Comm;
use crate::day::{ALWAYS, Day};
use crate::engine;
use crate::migration::bass::{Bass, distributed_first_passage, edge_days, smallest};
use crate::migration::{self, Computed, NEVER, OUTSIDE, PersonSource, Stored};
use crate::rng::{Keys, Kind};
use crate::run::replicate::{self, Progress, RepOutput, RunResult, Timings};
use crate::scenario::{InitialAdopters, Scenario, Trigger};
use crate::world::population::graph::Graph;
use crate::world::population::{self, Population};
use crate::world::profiles::Profiles;
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use std::ops::Range;
use std::time::Instant;

/// Runs every replication of every scenario over the ranks of `comm`; rank 0 gets the results,
/// the other ranks `None`.
pub fn run_many(
    scenarios: &[Scenario],
    threads: usize,
    comm: &dyn Comm,
    progress: Progress,
) -> Result<Option<Vec<RunResult>>> {
    let jobs = replicate::jobs_of(scenarios);
    let (rank, size) = (comm.rank(), comm.size());
    if size == 1 {
        return replicate::run_many(scenarios, threads, progress).map(Some);
    }
    if jobs.len() >= size {
        // Whole jobs per rank.
        let mine: Vec<(usize, u32)> = jobs
            .iter()
            .enumerate()
            .filter(|(j, _)| j % size == rank)
            .map(|(_, job)| *job)
            .collect();
        let outputs = replicate::run_jobs(scenarios, &mine, progress)?;
        let bytes = serde_json::to_vec(&outputs).context("could not encode this rank's results")?;
        let Some(gathered) = comm.gather(bytes) else {
            return Ok(None);
        };
        let mut per_rank: Vec<std::vec::IntoIter<RepOutput>> = gathered
            .iter()
            .map(|b| serde_json::from_slice::<Vec<RepOutput>>(b).map(Vec::into_iter))
            .collect::<std::result::Result<_, _>>()
            .context("could not decode a rank's results")?;
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
        return replicate::gather_results(scenarios, threads, all).map(Some);
    }
    // Every rank in every job.
    let mut outputs = Vec::with_capacity(jobs.len());
    for (j, &(i, r)) in jobs.iter().enumerate() {
        let tick = |done: u64, total: u64| {
            progress((j as f64 + done as f64 / total.max(1) as f64) / jobs.len() as f64)
        };
        if let Some(out) = split_replication(&scenarios[i], r, comm, &tick)? {
            outputs.push(out);
        }
    }
    if rank == 0 {
        replicate::gather_results(scenarios, threads, outputs).map(Some)
    } else {
        Ok(None)
    }
}

/// The persons rank `rank` of `size` owns among `persons`: a contiguous `size`-th.
pub fn owned_persons(persons: u32, rank: usize, size: usize) -> Range<u32> {
    let bound = |r: usize| (u64::from(persons) * r as u64 / size as u64) as u32;
    bound(rank)..bound(rank + 1)
}

/// The rank owning person `p` under [`owned_persons`].
pub fn owner_of(p: u32, persons: u32, size: usize) -> usize {
    let mut r = ((u64::from(p) * size as u64) / u64::from(persons.max(1))) as usize;
    while r + 1 < size && owned_persons(persons, r + 1, size).start <= p {
        r += 1;
    }
    while r > 0 && owned_persons(persons, r, size).start > p {
        r -= 1;
    }
    r
}

/// One replication with every rank taking part; rank 0 gets its output.
pub fn split_replication(
    s: &Scenario,
    r: u32,
    comm: &dyn Comm,
    tick: &(dyn Fn(u64, u64) + Sync),
) -> Result<Option<RepOutput>> {
    let (rank, size) = (comm.rank(), comm.size());
    let mut timings = Timings::default();
    let now = Instant::now();
    let pop = population::generate_part(s, r, rank, size)?;
    let persons = pop.blocks.last().map_or(0, |b| b.end);
    let owned = owned_persons(persons, rank, size);
    timings.add("generate", now);
    let now = Instant::now();
    // Imported worlds are whole on every rank (they are small): their records are stored.
    let stored_days: migration::MigrationDays;
    let stored: Stored;
    let computed: Computed;
    let source: &dyn PersonSource = if pop.imported.is_some() {
        stored_days = migration::compute(s, &pop, r);
        stored = Stored {
            days: &stored_days,
            migrations: &s.migrations,
        };
        &stored
    } else {
        let all_days = if migration::per_person(s) {
            None
        } else {
            Some(distributed_days(s, r, &pop, comm, owned.clone())?)
        };
        computed = Computed::new(s, r, &pop.blocks, all_days);
        &computed
    };
    timings.add("migrate", now);
    let now = Instant::now();
    let profiles = Profiles::build(s, &pop);
    let mut pool_counts = crate::engine::adding::Pools::counts(s, source, owned.clone());
    comm.sum_u64(&mut pool_counts);
    let pools = crate::engine::adding::Pools::from_counts(s, &pool_counts);
    timings.add("profiles", now);
    let now = Instant::now();
    let ctx = engine::Context::new(s, &pop, source, owned, &profiles, &pools, r);
    let total = pop.chunks.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let progress = || {
        tick(
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            total,
        )
    };
    let mut counts = engine::run(&ctx, &progress);
    timings.add("engine", now);
    let now = Instant::now();
    comm.sum_i64(&mut counts.daily);
    let mut stats = [
        counts.stats.entries_added,
        counts.stats.additions_failed,
        counts.stats.permanent_losses,
        counts.stats.recoveries,
        pop.entry_count(),
    ];
    comm.sum_u64(&mut stats);
    let orgs = comm.gather(serde_json::to_vec(&(counts.first_org, &counts.orgs))?);
    let impacts = comm.gather(serde_json::to_vec(&counts.impacts)?);
    timings.add("gather", now);
    let (Some(orgs), Some(impacts)) = (orgs, impacts) else {
        return Ok(None);
    };
    // Rank 0: the full replication, exactly as one process would have it.
    let mut outcomes = Vec::with_capacity(pop.orgs.len());
    for buf in orgs {
        let (first, part): (u32, Vec<engine::OrgOutcome>) = serde_json::from_slice(&buf)?;
        anyhow::ensure!(
            part.is_empty() || first as usize == outcomes.len(),
            "organisation rows arrived out of order"
        );
        outcomes.extend(part);
    }
    let mut all_impacts = Vec::new();
    for buf in impacts {
        all_impacts.extend(serde_json::from_slice::<Vec<engine::ImpactRow>>(&buf)?);
    }
    counts.orgs = outcomes;
    counts.first_org = 0;
    counts.impacts = all_impacts;
    counts.stats = engine::EngineStats {
        entries_added: stats[0],
        additions_failed: stats[1],
        permanent_losses: stats[2],
        recoveries: stats[3],
    };
    let columns = engine::Columns::new(s);
    let report_days = s.report_days();
    let mut rows = Vec::with_capacity(report_days.len() * columns.len());
    for &d in &report_days {
        rows.extend((0..columns.len()).map(|c| counts.get(c, d)));
    }
    let graph_edges = graph_edges(s, &pop)?;
    Ok(Some(RepOutput {
        rows,
        orgs: replicate::org_rows(s, &s.calendar(), &pop.orgs, &counts.orgs),
        stats: counts.stats,
        sizes: replicate::Sizes {
            orgs: pop.orgs.len() as u64,
            users: pop.user_count(),
            persons: u64::from(persons),
            entries: stats[4],
            graph_edges,
            population_bytes: pop.heap_bytes(),
        },
        impacts: counts.impacts,
        imported: pop.imported.clone(),
        timings,
    }))
}

/// The number of graph edges a single process would report.
fn graph_edges(s: &Scenario, pop: &Population) -> Result<u64> {
    if let Some(g) = &pop.graph {
        return Ok(g.edges());
    }
    Ok(match &s.population.graph {
        None => 0,
        Some(_) => {
            let persons = pop.blocks.last().map_or(0, |b| b.end) as usize;
            let keys = Keys::new(s.seed, 0);
            population::generate::build_graph(s, &keys, persons, None)?.map_or(0, |g| g.edges())
        }
    })
}

/// Every person's migration days (person-major), when a migration is `bass`: each rank computes
/// the days of the persons it owns, migration by migration in dependency order (contagion by
/// the distributed search), then every rank receives everybody's.
fn distributed_days(
    s: &Scenario,
    r: u32,
    pop: &Population,
    comm: &dyn Comm,
    owned: Range<u32>,
) -> Result<Vec<Day>> {
    let n = s.migrations.len();
    let persons = pop.blocks.last().map_or(0, |b| b.end);
    let size = comm.size();
    let keys = Keys::new(s.seed, r);
    let people = Computed::new(s, r, &pop.blocks, None);
    let attributes: Vec<population::Person> = owned
        .clone()
        .into_par_iter()
        .map(|p| people.person(p))
        .collect();
    let count = owned.len();
    let mut days = vec![OUTSIDE; count * n];
    // The contact graph: generated whole (Barabási–Albert is sequential), then only this rank's
    // persons' lists are kept.
    let mut graph: Option<(Graph, f64)> = None;
    for i in migration::dependency_order(&s.migrations) {
        let m = &s.migrations[i];
        let eligible: Vec<Day> = (0..count)
            .map(|k| {
                if attributes[k].has(m.from) {
                    return ALWAYS;
                }
                s.migrations
                    .iter()
                    .enumerate()
                    .filter(|(_, other)| other.to == m.from)
                    .map(|(j, _)| days[k * n + j])
                    .filter(|&d| d < NEVER)
                    .min()
                    .unwrap_or(OUTSIDE)
            })
            .collect();
        let column: Vec<Day> = match &m.trigger {
            Trigger::Scheduled { window } => {
                let t = migration::Scheduled { window: *window };
                (0..count)
                    .map(|k| {
                        if eligible[k] == OUTSIDE {
                            OUTSIDE
                        } else {
                            t.day(&keys, owned.start + k as u32, i, eligible[k])
                        }
                    })
                    .collect()
            }
            Trigger::SignIn { rollout } => {
                let t = migration::SignIn { rollout: *rollout };
                (0..count)
                    .map(|k| {
                        let rate = s.population.activity[attributes[k].class as usize].sign_in_rate;
                        if eligible[k] == OUTSIDE {
                            OUTSIDE
                        } else {
                            t.day(&keys, owned.start + k as u32, i, rate, eligible[k])
                        }
                    })
                    .collect()
            }
            Trigger::Bass {
                from,
                p,
                q,
                initial,
            } => {
                let bass = Bass {
                    from: *from,
                    p: *p,
                    q: *q,
                    initial: *initial,
                };
                let open: Vec<f64> = (0..count)
                    .map(|k| {
                        bass.opening(
                            eligible[k],
                            s.population.activity[attributes[k].class as usize].sign_in_rate,
                        )
                    })
                    .collect();
                let draws: Vec<(f64, f64)> = (0..count)
                    .into_par_iter()
                    .map(|k| bass.person_draws(&keys, i, owned.start + k as u32))
                    .collect();
                let chosen = initial_adopters(comm, bass.initial, &open, &draws, owned.start);
                let source: Vec<f64> = (0..count)
                    .map(|k| Bass::source(chosen[k], open[k], draws[k].1))
                    .collect();
                if graph.is_none() && s.population.graph.is_some() {
                    let full = population::generate::build_graph(s, &keys, persons as usize, None)?
                        .unwrap_or_default();
                    let mean = full.mean_degree();
                    let local = Graph {
                        offsets: std::iter::once(0)
                            .chain(owned.clone().scan(0u64, |acc, p| {
                                *acc += full.neighbours(p).len() as u64;
                                Some(*acc)
                            }))
                            .collect(),
                        targets: owned
                            .clone()
                            .flat_map(|p| full.neighbours(p).iter().copied())
                            .collect(),
                    };
                    graph = Some((local, mean));
                }
                let times = match graph
                    .as_ref()
                    .and_then(|(g, mean)| bass.contact_rate(*mean).map(|rate| (g, rate)))
                {
                    Some((g, rate)) => {
                        let edge_draws = keys.draws(Kind::Edge, i as u64);
                        let edge_time = |a: u32, b: u32| edge_days(&edge_draws, a, b, rate);
                        let owner = |p: u32| owner_of(p, persons, size);
                        distributed_first_passage(
                            comm,
                            owned.clone(),
                            &owner,
                            g,
                            &source,
                            &open,
                            &edge_time,
                            1.0 / rate,
                        )
                    }
                    None => source,
                };
                (0..count)
                    .map(|k| bass.day_of(eligible[k], times[k]))
                    .collect()
            }
        };
        for k in 0..count {
            let mut d = column[k];
            if let Some(forced) = m.forced_by {
                if eligible[k] != OUTSIDE {
                    d = d.min(forced.max(eligible[k]));
                }
            }
            days[k * n + i] = d;
        }
    }
    let encoded: Vec<u8> = days.iter().flat_map(|d| d.to_le_bytes()).collect();
    let mut all = Vec::with_capacity(persons as usize * n);
    for buf in comm.all_gather(encoded) {
        all.extend(
            buf.chunks_exact(4)
                .map(|c| Day::from_le_bytes(c.try_into().unwrap_or_default())),
        );
    }
    anyhow::ensure!(
        all.len() == persons as usize * n,
        "migration days did not add up across ranks"
    );
    Ok(all)
}

/// Initial adopters among this rank's persons (ids from `first`), chosen as one process would:
/// every key below the share, or the `count` smallest keys of all ranks.
fn initial_adopters(
    comm: &dyn Comm,
    initial: InitialAdopters,
    open: &[f64],
    draws: &[(f64, f64)],
    first: u32,
) -> Vec<bool> {
    let n = open.len();
    match initial {
        InitialAdopters::Share(share) => (0..n)
            .map(|k| open[k] == 0.0 && draws[k].0 < share)
            .collect(),
        InitialAdopters::Count(count) => {
            let local: Vec<(u64, u32)> = (0..n)
                .filter(|&k| open[k] == 0.0)
                .map(|k| (draws[k].0.to_bits(), first + k as u32))
                .collect();
            let best = smallest(local, count as usize);
            let encoded: Vec<u8> = best
                .iter()
                .flat_map(|(key, p)| key.to_le_bytes().into_iter().chain(p.to_le_bytes()))
                .collect();
            let candidates: Vec<(u64, u32)> = comm
                .all_gather(encoded)
                .iter()
                .flat_map(|b| {
                    b.chunks_exact(12)
                        .map(|c| {
                            (
                                u64::from_le_bytes(c[0..8].try_into().unwrap_or_default()),
                                u32::from_le_bytes(c[8..12].try_into().unwrap_or_default()),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            let mut chosen = vec![false; n];
            for (_, p) in smallest(candidates, count as usize) {
                if p >= first && ((p - first) as usize) < n {
                    chosen[(p - first) as usize] = true;
                }
            }
            chosen
        }
    }
}
