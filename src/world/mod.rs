//! One replication's world before anything migrates: the generated or imported population
//! ([`population`]), what a world folder pins of it for replay ([`pinned`]) and each
//! organisation's federation state over time ([`profiles`]).

pub mod pinned;
pub mod population;
pub mod profiles;
