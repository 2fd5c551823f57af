//! `picsim population`: one replication's world, exported as CSV files for other tools and for
//! `picsim run --world`.

use super::plan;
use crate::cli::PopulationArgs;
use crate::output::Staging;
use crate::scenario::validate::count;
use anyhow::Result;
use std::process::ExitCode;

/// Generates replication `--replication`'s world and writes it into `--export`. Replaying a
/// world (`--world`, `population.world`), its replication `k` is the one `run --world` draws as
/// its replication `k`: the world's own, plus `k`.
pub(crate) fn population(args: PopulationArgs) -> Result<ExitCode> {
    let mut scenario_args = crate::cli::ScenarioArgs {
        keys: args.keys.clone(),
        replications: None,
    };
    if let Some(dir) = &args.replay {
        scenario_args.keys.set.push(plan::world_override(dir)?);
    }
    let scenario = plan::load(&args.scenario, &scenario_args, None)?.scenario;
    let world = &args.world;
    let prepared = plan::prepare(&scenario, world, true)?;
    let addresses = prepared
        .options
        .addresses(scenario.population.import.is_some())?;
    // One replication's world, as `run` would hold it with one thread.
    let mut one = scenario.clone();
    one.replications = 1;
    plan::memory_guard(std::slice::from_ref(&one), 1, 1, &world.memory)?;
    let pinned = crate::world::pinned::World::of(&scenario)?;
    let first = pinned.as_ref().map_or(0, |w| w.replication);
    let replication = first.checked_add(args.replication).ok_or_else(|| {
        anyhow::anyhow!(
            "--replication {}: the world's replication {first} plus it passes the last replication number {}",
            args.replication,
            u32::MAX
        )
    })?;
    let export = crate::output::staging::Named::Option("--export".into());
    let inputs = plan::inputs_of([&scenario]);
    let force = world.folder.force;
    let staging = Staging::named(&args.export, &export, force, "population", &inputs)?;
    let population = crate::world::population::generate::generate_part(
        &scenario,
        pinned.as_ref(),
        replication,
        &crate::comm::Partition::Whole,
    )?;
    let pins = pinned.as_ref().and_then(|w| w.migrations.as_ref());
    let days = crate::migration::replay::days_of(&scenario, &population, replication, pins)?;
    let export = crate::world::pinned::export::Export {
        population: &population,
        days: &days,
        replication,
    };
    staging.fill(|dir| crate::world::pinned::export::write(&scenario, &export, addresses, dir))?;
    let target = staging.commit()?;
    let edges = population.graph.as_ref().map_or(0, |g| g.edges());
    println!(
        "{}: {}, {}, {}, {}, {} (replication {replication})",
        target.display(),
        count(
            population.orgs.len() as u64,
            "organisation",
            "organisations"
        ),
        count(population.user_count(), "user", "users"),
        count(population.persons.len() as u64, "person", "persons"),
        count(population.entry_count(), "entry", "entries"),
        count(edges as u64, "graph edge", "graph edges"),
    );
    Ok(ExitCode::SUCCESS)
}
