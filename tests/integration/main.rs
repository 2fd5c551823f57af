//! picsim's integration tests: one binary, a module per feature.

mod bass;
mod bombs;
mod browser;
mod calibrate;
mod cli;
mod cli_messages;
mod default_scenario;
mod distributed;
mod doors;
mod experiments;
mod export;
mod fuzz;
mod import;
mod invariants;
mod layout;
#[cfg(feature = "mpi")]
mod mpi;
mod output_safety;
mod privacy;
mod resume;
mod reuse;
mod sign_in;
mod support;
mod tiny_worlds;
mod validation;
mod world;
