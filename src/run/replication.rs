//! One replication end to end, over a partition: generate → migrate → profiles and pools →
//! engine → reductions → the replication's output. Whole, one process does everything and every
//! reduction is the identity; split over ranks, every rank computes its share of the same steps
//! (its organisations' chunks, its persons' per-person counts and migration days) and rank 0 gets
//! the output, exactly as one process would have it.
//!
//! Every number is a sum of per-entity contributions keyed by entity, never by rank, so the
//! output is byte-identical whatever the partition.

use super::summary::{RepOutput, Sizes, Timings, org_rows};
use crate::comm::Partition;
use crate::engine::adding::Pools;
use crate::engine::{self, Columns, OrgOutcome};
use crate::migration::{self, Computed, MigrationDays, PersonSource, Stored};
use crate::rng::Keys;
use crate::scenario::Scenario;
use crate::world::pinned::World;
use crate::world::population::generate::build_graph_rows;
use crate::world::population::graph::Steps;
use crate::world::population::{self, Population};
use crate::world::profiles::Profiles;
use anyhow::Result;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Runs replication `r` of `s` over `part` and keeps what its run's result needs; `tick(done,
/// total)` reports the engine's chunks. What `world` pins replaces what would be drawn. Rank 0
/// (or the one process) gets the output, the other ranks `None`.
pub(crate) fn replicate(
    s: &Scenario,
    world: Option<&World>,
    r: u32,
    part: &Partition,
    tick: &(dyn Fn(u64, u64) + Sync),
) -> Result<Option<RepOutput>> {
    let mut timings = Timings::default();
    let now = Instant::now();
    let pop = population::generate::generate_part(s, world, r, part)?;
    timings.add("generate", now);
    add_graph_steps(&mut timings, pop.graph.as_ref().map(|g| &g.steps));
    let out = replicate_on(s, world, r, part, &pop, timings, tick)?;
    Ok(out.map(|o| RepOutput {
        generated: true,
        ..o
    }))
}

/// [`replicate`] on the population `pop` of replication `r` (generated for `s`, or for a
/// scenario that generates the same: see `super::reuse`), with `timings` so far.
pub(crate) fn replicate_on(
    s: &Scenario,
    world: Option<&World>,
    r: u32,
    part: &Partition,
    pop: &Population,
    mut timings: Timings,
    tick: &(dyn Fn(u64, u64) + Sync),
) -> Result<Option<RepOutput>> {
    let persons = pop.blocks.last().map_or(0, |b| b.end);
    let owned = part.owned_persons(persons);

    let now = Instant::now();
    let world = Persons::of(s, world, r, pop, part)?;
    add_graph_steps(&mut timings, Some(&world.graph_steps));
    let stored;
    let source: &dyn PersonSource = match &world.source {
        Source::Stored(days) => {
            stored = Stored {
                days,
                migrations: &s.migrations,
            };
            &stored
        }
        Source::Computed(computed) => computed,
    };
    timings.add("migrate", now);

    let now = Instant::now();
    let profiles = Profiles::build(s, pop);
    let mut pool_counts = Pools::counts(s, source, owned.clone());
    part.sum_u64(&mut pool_counts);
    let pools = Pools::from_counts(s, &pool_counts);
    timings.add("profiles", now);

    let now = Instant::now();
    let ctx = engine::Context::new(s, pop, source, owned, &profiles, &pools, r);
    let total = pop.chunks.len() as u64;
    let done = AtomicU64::new(0);
    let progress = || tick(done.fetch_add(1, Ordering::Relaxed) + 1, total);
    let mut counts = engine::run(&ctx, &progress);
    timings.add("engine", now);

    // Whole, this is collecting rows; split, mostly waiting for the other ranks.
    let now = Instant::now();
    part.sum_i64(&mut counts.daily);
    let mut entries = pop.entry_count();
    sum_stats(part, &mut counts.stats, &mut entries);
    let orgs = part.gather((counts.first_org, std::mem::take(&mut counts.orgs)))?;
    let impacts = part.gather(std::mem::take(&mut counts.impacts))?;
    let (Some(orgs), Some(impacts)) = (orgs, impacts) else {
        return Ok(None);
    };
    counts.orgs = in_id_order(orgs, pop.orgs.len())?;
    counts.first_org = 0;
    let columns = Columns::new(s);
    let report_days = s.report_days();
    let mut rows = Vec::with_capacity(report_days.len() * columns.len());
    for &d in &report_days {
        rows.extend((0..columns.len()).map(|c| counts.get(c, d)));
    }
    let out = RepOutput {
        rows,
        orgs: org_rows(s, &s.calendar(), &pop.orgs, &counts.orgs),
        stats: counts.stats,
        sizes: Sizes {
            orgs: pop.orgs.len() as u64,
            users: pop.user_count(),
            persons: u64::from(persons),
            entries,
            graph_edges: world.graph_edges,
            population_bytes: pop.heap_bytes() + world.stored_bytes,
        },
        impacts: if pop.imported.is_some() {
            impacts.into_iter().flatten().collect()
        } else {
            Vec::new()
        },
        imported: pop.imported.clone(),
        timings: Timings::default(),
        generated: false,
    };
    timings.add(if part.is_whole() { "collect" } else { "gather" }, now);
    Ok(Some(RepOutput { timings, ..out }))
}

/// Adds the times of the `steps` that built a graph (part of the phase that built it: generation,
/// or, for a split replication's rows, migration), named `graph.*`.
pub(crate) fn add_graph_steps(timings: &mut Timings, steps: Option<&Steps>) {
    for (step, secs) in steps.map_or(&[][..], |s| &s.0) {
        timings.add_secs(step, *secs);
    }
}

/// Sums the engine's tallies and the entry count over the shares, in one reduction.
fn sum_stats(part: &Partition, stats: &mut engine::EngineStats, entries: &mut u64) {
    let mut all: Vec<u64> = stats.tallies().into_iter().chain([*entries]).collect();
    part.sum_u64(&mut all);
    for (tally, sum) in stats.tallies_mut().into_iter().zip(&all) {
        *tally = *sum;
    }
    *entries = all[all.len() - 1];
}

/// Every share's organisation outcomes (each from its first organisation's id), in id order.
fn in_id_order(parts: Vec<(u32, Vec<OrgOutcome>)>, orgs: usize) -> Result<Vec<OrgOutcome>> {
    let mut outcomes = Vec::with_capacity(orgs);
    for (first, part) in parts {
        anyhow::ensure!(
            part.is_empty() || first as usize == outcomes.len(),
            "organisation rows arrived out of order"
        );
        outcomes.extend(part);
    }
    Ok(outcomes)
}

/// Where a replication's persons and their migration days come from.
enum Source<'a> {
    /// Stored records: a world that holds its persons (whole, or imported and so whole on every
    /// rank).
    Stored(MigrationDays),
    /// Persons computed as the engine meets them.
    Computed(Computed<'a>),
}

/// A replication's persons, with what its sizes need to know about them.
struct Persons<'a> {
    source: Source<'a>,
    /// Edges of the contact graph, as one process would count them.
    graph_edges: u64,
    /// The times of the steps that built the share's rows of the graph, when it built them.
    graph_steps: Steps,
    /// Bytes of stored migration records, counted in the population's size only when whole (a
    /// split run's manifest has always reported the population alone).
    stored_bytes: u64,
}

impl<'a> Persons<'a> {
    /// The persons of share `part` of replication `r`, whose world is `pop` (replaying `world`,
    /// if given): stored when the world holds them, else computed (with every person's days
    /// computed once by all shares together when a trigger couples persons).
    fn of(
        s: &'a Scenario,
        world: Option<&World>,
        r: u32,
        pop: &Population,
        part: &Partition,
    ) -> Result<Self> {
        if part.is_whole() || pop.imported.is_some() || world.is_some() {
            let pins = world.and_then(|w| w.migrations.as_ref());
            let days = migration::replay::days_of(s, pop, r, pins)?;
            return Ok(Persons {
                graph_edges: pop.graph.as_ref().map_or(0, |g| g.edges()),
                graph_steps: Steps::default(),
                stored_bytes: if part.is_whole() { days.bytes() } else { 0 },
                source: Source::Stored(days),
            });
        }
        // No persons held: the share's rows of the graph (every rank runs the generator's
        // draws, and keeps the lists of the persons it owns) are built here for contagion and
        // for the graph's size, and dropped once the search is done (or now, without one).
        let persons = pop.blocks.last().map_or(0, |b| b.end);
        let owned = part.owned_persons(persons);
        let rows = build_graph_rows(
            s,
            &Keys::new(s.seed, r),
            persons as usize,
            None,
            owned,
            part,
        )?;
        let graph_steps = rows.as_ref().map(|g| g.steps.clone()).unwrap_or_default();
        // Every share has rows or none (the scenario decides), so all take part in the sum.
        let cells = rows.as_ref().map(|g| {
            let mut cells = [g.targets.len() as u64];
            part.sum_u64(&mut cells);
            cells[0]
        });
        let shared = if migration::per_person(s) {
            None
        } else {
            let mean_degree = cells.map_or(0.0, |c| c as f64 / f64::from(persons.max(1)));
            Some(migration::on_demand::shared_days(
                s,
                r,
                pop,
                rows.map(|g| (g, mean_degree)),
                part,
            )?)
        };
        Ok(Persons {
            graph_edges: cells.map_or(0, |c| c / 2),
            graph_steps,
            stored_bytes: 0,
            source: Source::Computed(Computed::sharing(s, r, &pop.blocks, shared)),
        })
    }
}
