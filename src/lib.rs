//! picsim: a Monte Carlo simulator of what happens to Lync users' public-IM contacts when
//! messaging platforms migrate, federate and shut down.
//!
//! The pipeline runs one way: [`scenario`] (read and validate a TOML file) →
//! [`population`] and [`migration`] (build one replication's world) → [`engine`] (count every
//! metric on every day) → [`replicate`] (many replications in parallel, summaries) → [`report`]
//! (CSV, PNG, HTML, terminal). [`cli`] and `main.rs` wire it to the command line.

pub mod day;
pub mod rng;
pub mod scenario;
pub mod adding;
pub mod engine;
pub mod migration;
pub mod population;
pub mod world;
pub mod replicate;
pub mod report;
pub mod sys;
pub mod cli;
pub mod commands;
