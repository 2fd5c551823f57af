//! `picsim population`: one replication's world, exported as CSV files for other tools and for
//! `picsim run --world`.

use super::plan;
use crate::cli::PopulationArgs;
use crate::report::{self, Staging};
use anyhow::Result;
use std::process::ExitCode;

/// Generates replication `--replication`'s world and writes it into `--export`.
pub(crate) fn population(args: PopulationArgs) -> Result<ExitCode> {
    let scenario = plan::load(&args.scenario, &args.scenario_args, None)?.scenario;
    let world = &args.world;
    let prepared = plan::prepare(&scenario, world, true)?;
    let addresses = prepared
        .options
        .addresses(scenario.population.import.is_some())?;
    // One replication's world, as `run` would hold it with one thread.
    let mut one = scenario.clone();
    one.replications = 1;
    plan::memory_guard(std::slice::from_ref(&one), 1, 1, &world.memory)?;
    let staging = Staging::new(&args.export, world.folder.force, "population")?;
    let population = crate::world::population::generate(&scenario, args.replication)?;
    let days = crate::migration::compute(&scenario, &population, args.replication);
    let export = report::export::Export {
        population: &population,
        days: &days,
        replication: args.replication,
    };
    staging.fill(|dir| report::export::write(&scenario, &export, addresses, dir))?;
    let target = staging.commit()?;
    println!(
        "{}: {} organisations, {} users, {} persons, {} entries, {} graph edges (replication {})",
        target.display(),
        population.orgs.len(),
        population.user_count(),
        population.persons.len(),
        population.entry_count(),
        population.graph.as_ref().map_or(0, |g| g.edges()),
        args.replication
    );
    Ok(ExitCode::SUCCESS)
}
