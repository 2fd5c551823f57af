//! Worlds shared by the benches: the shipped default scenario at a chosen size, fixed seed.

#![allow(dead_code)]

use picsim::scenario::{Override, Scenario, load_file};
use std::path::Path;

/// The default scenario (`scenarios/pic-2013.toml`) with `orgs` organisations (about 118 users
/// each) and one replication.
pub fn default_world(orgs: u32) -> Scenario {
    let overrides = [
        Override::parse(&format!("orgs.count={orgs}")).expect("override"),
        Override::parse("scenario.replications=1").expect("override"),
        Override::parse("scenario.seed=2013").expect("override"),
    ];
    load_file(Path::new("scenarios/pic-2013.toml"), &overrides).expect("the default scenario loads")
}

/// The peer world of `benches/peers/ba-world.toml`: `persons` persons on a Barabási–Albert graph
/// (m = 5) and a `bass` migration with a per-contact rate of 0.03 per day.
pub fn ba_world(persons: u32) -> Scenario {
    let overrides = [
        Override::parse(&format!("population.persons_per_user.a={persons}")).expect("override"),
        Override::parse("migrations.0.q=109.5").expect("override"),
    ];
    load_file(Path::new("benches/peers/ba-world.toml"), &overrides).expect("the peer world loads")
}
