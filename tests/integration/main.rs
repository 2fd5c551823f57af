//! picsim's integration tests: one binary, a module per feature.

// The 100-line rule (clippy.toml, Cargo.toml's [lints]) is for the code, not for a test that
// walks one scenario from end to end.
#![allow(clippy::too_many_lines)]

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
