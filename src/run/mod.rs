//! Many replications: one replication's pipeline over a partition (`replication`: whole, or
//! split over ranks), the jobs that share replications over threads and ranks (`jobs`), the
//! summaries and the run's result ([`summary`]), the memory a run will need (`memory`), a
//! replayed world checked as a run would check it (`replay`), and what a run writes, from its CSV
//! files to its page ([`report`]).

pub(crate) mod jobs;
pub(crate) mod memory;
pub(crate) mod replay;
pub(crate) mod replication;
pub mod report;
pub(crate) mod reuse;
pub mod summary;

pub use jobs::{run, run_local, run_many};
pub use replay::check_world;
