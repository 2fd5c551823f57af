//! picsim: a Monte Carlo simulator of what happens to Lync users' public-IM contacts when
//! messaging platforms migrate, federate and shut down.
//!
//! The pipeline runs one way: [`scenario`] (read and validate a TOML file) →
//! [`population`] and [`migration`] (build one replication's world) → [`engine`] (count every
//! metric on every day) → [`replicate`] (many replications in parallel, summaries) → [`report`]
//! (CSV, PNG, HTML, terminal). [`cli`] and `main.rs` wire it to the command line.

pub mod adding;
pub mod cli;
pub mod comm;
pub mod commands;
pub mod compare;
pub mod day;
pub mod distributed;
pub mod engine;
pub mod export;
pub mod memory;
pub mod migration;
pub mod population;
pub mod replicate;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sweep;
pub mod sys;
pub mod world;
