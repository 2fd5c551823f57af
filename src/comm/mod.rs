//! Communication between the processes of one run (ranks).
//!
//! The distributed algorithms (a replication split over ranks, the distributed first-passage
//! search of contagion) are written against the `Comm` trait, which offers the few collective
//! operations they need on byte buffers and integer arrays, and use them through `Records`, the
//! same collectives over fixed-size records (`Wire`), so that no caller packs bytes. Three
//! implementations: `Solo` (one
//! process, no communication), [`LocalRanks`] (ranks as threads of one process, for tests and for
//! checking the algorithms without MPI), and, with the cargo feature `mpi`, `mpi::MpiComm` over
//! MPI (Open MPI, MPICH, under `mpirun` or `srun`).
//!
//! Collectives are called by every rank in the same order, from the rank's main thread (never
//! from inside a rayon parallel section), as MPI requires. Every implementation counts the bytes
//! this rank sends, which runs report per rank. `Partition` turns ranks into the organisations
//! and persons a process owns, so that generation, migration and the engine take a share, not a
//! rank. Two places besides `comm/` and `run/` still use a communicator directly: the distributed
//! first-passage search (`migration/first_passage.rs`, a graph algorithm that needs the
//! exchanges between ranks) and the commands, where rank 0 alone prepares the output folder.

pub(crate) mod collective;
pub(crate) mod local;
#[cfg(feature = "mpi")]
pub(crate) mod mpi;
pub mod partition;

pub(crate) use collective::{Comm, Records, Solo};
pub use local::LocalRanks;
pub(crate) use partition::Partition;

use std::sync::atomic::{AtomicBool, Ordering};

static SECONDARY: AtomicBool = AtomicBool::new(false);

/// The communicator of this launch: MPI when picsim is built with the `mpi` feature (under
/// `mpirun`/`srun` it spans the launched processes; started alone it is one rank), else one
/// process.
pub(crate) fn launch() -> Box<dyn Comm> {
    #[cfg(feature = "mpi")]
    if let Some(c) = mpi::MpiComm::init() {
        SECONDARY.store(c.rank() != 0, Ordering::Relaxed);
        return Box::new(c);
    }
    Box::new(Solo)
}

/// Whether this process is a rank other than 0 of a distributed launch (which leaves messages
/// and files to rank 0).
pub fn is_secondary() -> bool {
    SECONDARY.load(Ordering::Relaxed)
}

/// This rank's bytes sent and peak memory, gathered on rank 0 (by rank).
pub(crate) fn rank_stats(comm: &dyn Comm) -> Option<Vec<(u64, u64)>> {
    let mine = (comm.bytes_sent(), crate::sys::peak_rss_bytes().unwrap_or(0));
    comm.gather_records(&[mine]).map(|all| {
        all.iter()
            .map(|share| share.first().copied().unwrap_or_default())
            .collect()
    })
}
