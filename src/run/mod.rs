//! Many replications: one replication's pipeline over a partition (`replication`: whole, or
//! split over ranks), the jobs that share replications over threads and ranks (`jobs`), the
//! summaries and the run's result ([`summary`]), and the memory a run will need (`memory`).

pub(crate) mod jobs;
pub(crate) mod memory;
pub(crate) mod replication;
pub(crate) mod reuse;
pub mod summary;

pub use jobs::{run, run_local, run_many};
