//! One replication's world before anything migrates: the generated or imported population
//! ([`population`]) and each organisation's federation state over time ([`profiles`]).

pub mod population;
pub mod profiles;
