//! From the raw mirror to a [`Scenario`]: names resolved to indices, dates to days, defaults
//! filled in, and every cross-field rule checked, each failure as a [`Problem`] at its key path.
//!
//! One file per section, checked in file order (a later section resolves the names an earlier
//! one defines); this file only composes them. Validation collects every problem it can find
//! rather than stopping at the first, so that a user fixing a file sees the whole list at once.

mod behaviours;
mod calibration;
mod check;
pub(super) mod experiments;
mod import;
mod meta;
mod migrations;
mod networks;
mod orgs;
mod output;
mod population;
mod providers;

use super::error::Problem;
use super::model::Scenario;
use super::raw::RawScenario;
use crate::day::Calendar;
use check::Validator;
pub(crate) use check::count;

/// Validates `raw` into a [`Scenario`], or returns every problem found.
pub(crate) fn validate(raw: RawScenario, effective: toml::Table) -> Result<Scenario, Vec<Problem>> {
    let meta = &raw.scenario;
    let v = &mut Validator {
        cal: Calendar::new(meta.start.0),
        problems: Vec::new(),
    };
    let checked = meta::meta(v, meta);
    let networks = networks::networks(v, &raw.networks);
    let network_names = networks::network_names(&networks);
    let deployments = orgs::deployments(v, &raw.orgs);
    let deployment_names = orgs::deployment_names(&deployments);
    let providers = providers::providers(
        v,
        &raw.providers,
        &network_names,
        &deployments,
        &deployment_names,
    );
    let provider_names = providers::provider_names(&providers);
    let (migrations, migration_items) = migrations::migrations(v, &raw.migrations, &network_names);
    let orgs = orgs::orgs(v, &raw.orgs, &deployment_names, &provider_names);
    let population = population::population(
        v,
        &raw.population,
        &networks,
        &network_names,
        &migrations,
        &migration_items,
    );
    let behaviours = behaviours::behaviours(
        v,
        &raw.behaviours,
        &providers,
        &provider_names,
        &network_names,
    );
    let output = output::output(&raw.output, &meta.name);
    let sweep = experiments::sweep(v, &raw.sweep);
    let sensitivity = experiments::sensitivity(v, &raw.sensitivity);
    let calibration = raw
        .calibration
        .as_ref()
        .map(|c| calibration::calibration(v, c));

    if !v.problems.is_empty() {
        return Err(std::mem::take(&mut v.problems));
    }
    Ok(Scenario {
        name: meta.name.clone(),
        description: meta.description.clone(),
        start: meta.start.0,
        end: meta.end.0,
        step_days: checked.step_days,
        seed: meta.seed.unwrap_or(1),
        replications: checked.replications,
        networks,
        deployments,
        providers,
        migrations,
        orgs,
        population,
        behaviours,
        output,
        sweep,
        sensitivity,
        calibration,
        origins: Default::default(),
        effective,
        files: Vec::new(),
    })
}
