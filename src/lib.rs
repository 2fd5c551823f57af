//! picsim: a Monte Carlo simulator of what happens to Lync users' public-IM contacts when
//! messaging platforms migrate, federate and shut down.
//!
//! The pipeline runs one way: [`scenario`] (read and validate a TOML file) →
//! [`world`] and [`migration`] (build one replication's world) → [`engine`] (count every
//! metric on every day) → [`run`] (many replications in parallel, summaries, and what a run
//! writes) → [`experiments`] (sweeps, comparisons, sensitivity) and [`calibration`] (parameters
//! fitted to observations, and the forecast they make). Each feature writes its own CSV, PNG,
//! HTML and terminal outputs with the shared kit in [`report`], into a folder that [`output`]
//! makes safe. [`cli`] and [`commands`] wire it to the command line; [`comm`] carries a
//! replication split over ranks.

pub mod calibration;
pub mod cli;
pub mod comm;
pub mod commands;
pub mod day;
pub mod engine;
pub mod experiments;
pub mod migration;
pub mod output;
pub(crate) mod records;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sys;
pub mod world;
