//! What the chunks of one replication share ([`Context`]): the world, the persons' migration
//! days, the profiles and pools, the replication's keys, and the engine's settings derived from
//! the scenario. In its own file so that the entry walk (`walk`) can name it without reaching
//! back through the engine's façade.

use super::adding::Pools;
use super::columns::Columns;
use crate::day::Day;
use crate::migration::PersonSource;
use crate::rng::Keys;
use crate::scenario::Scenario;
use crate::world::population::Population;
use crate::world::population::sampler::ContactSampler;
use crate::world::profiles::Profiles;

/// Everything shared by the chunks of one replication.
pub struct Context<'a> {
    /// The scenario.
    pub(crate) scenario: &'a Scenario,
    /// The population.
    pub(crate) population: &'a Population,
    /// Persons and their migration days.
    pub(crate) persons: &'a dyn PersonSource,
    /// The persons this process counts for `migrated_*` and `stranded_*` (all of them unless the
    /// replication is spread over processes).
    pub(crate) owned_persons: std::ops::Range<u32>,
    /// Reachability profiles.
    pub(crate) profiles: &'a Profiles,
    /// Contact-adding pools.
    pub(crate) pools: &'a Pools,
    /// Stream keys of the replication.
    pub(crate) keys: Keys,
    pub(super) columns: Columns,
    pub(super) last: Day,
    pub(super) cap: u32,
    pub(super) track_impacts: bool,
    pub(super) sampler: ContactSampler,
}

impl<'a> Context<'a> {
    /// Prepares a replication's shared state.
    pub fn new(
        scenario: &'a Scenario,
        population: &'a Population,
        persons: &'a dyn PersonSource,
        owned_persons: std::ops::Range<u32>,
        profiles: &'a Profiles,
        pools: &'a Pools,
        replication: u32,
    ) -> Self {
        Context {
            scenario,
            population,
            persons,
            owned_persons,
            profiles,
            pools,
            keys: Keys::new(scenario.seed, replication),
            columns: Columns::new(scenario),
            last: scenario.last_day(),
            track_impacts: population.imported.is_some(),
            cap: scenario
                .population
                .contacts_per_user
                .max
                .map_or(u32::MAX, |m| m.max(0.0).min(f64::from(u32::MAX)) as u32),
            sampler: ContactSampler::new(scenario, &population.blocks),
        }
    }
}
