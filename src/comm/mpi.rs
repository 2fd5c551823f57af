//! [`Comm`] over MPI (rsmpi), for `mpirun`/`srun` launches; built with the cargo feature `mpi`.
//!
//! Byte buffers travel as `MPI_BYTE` in two steps (counts, then the variable-size exchange);
//! sums use `MPI_Allreduce`. MPI is initialised with `MPI_THREAD_FUNNELED`: rayon threads compute,
//! the main thread communicates. Counts are 32-bit (MPI's), so one exchange moves less than
//! 2 GiB per pair of ranks.

use super::collective::Comm;
use mpi::Count;
use mpi::collective::SystemOperation;
use mpi::datatype::{Partition, PartitionMut};
use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// The world communicator of an MPI launch.
pub(crate) struct MpiComm {
    world: SimpleCommunicator,
    sent: AtomicU64,
    // Dropping the universe finalises MPI: kept for the life of the program.
    _universe: Universe,
}

impl MpiComm {
    /// Initialises MPI; `None` if it was already initialised or cannot be.
    pub(crate) fn init() -> Option<MpiComm> {
        let (universe, _threading) = mpi::initialize_with_threading(mpi::Threading::Funneled)?;
        let world = universe.world();
        Some(MpiComm {
            world,
            sent: AtomicU64::new(0),
            _universe: universe,
        })
    }

    /// Every rank's `data`, in rank order in one buffer, with each rank's byte count.
    fn gather_into_one(&self, data: Vec<u8>) -> (Vec<u8>, Vec<Count>) {
        let size = self.size();
        self.sent
            .fetch_add(((data.len() + 4) * (size - 1)) as u64, Ordering::Relaxed);
        let count = count_of(data.len());
        let mut counts = vec![0 as Count; size];
        self.world.all_gather_into(&count, &mut counts[..]);
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        let mut received = buffer_of(vec![0u8; total]);
        let data = buffer_of(data);
        {
            let displs = displacements(&counts);
            let mut recvbuf = PartitionMut::new(&mut received[..], &counts[..], &displs[..]);
            self.world.all_gather_varcount_into(&data[..], &mut recvbuf);
        }
        (received, counts)
    }
}

fn displacements(counts: &[Count]) -> Vec<Count> {
    counts
        .iter()
        .scan(0 as Count, |acc, &c| {
            let d = *acc;
            *acc += c;
            Some(d)
        })
        .collect()
}

fn split(buf: Vec<u8>, counts: &[Count]) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(counts.len());
    let mut at = 0usize;
    for &c in counts {
        out.push(buf[at..at + c as usize].to_vec());
        at += c as usize;
    }
    out
}

/// `v` with heap storage even when empty: an empty `Vec`'s pointer is the same dangling address
/// for every empty buffer, and Open MPI refuses a send buffer equal to the receive buffer.
fn buffer_of(mut v: Vec<u8>) -> Vec<u8> {
    v.reserve(1);
    v
}

fn count_of(len: usize) -> Count {
    Count::try_from(len)
        .unwrap_or_else(|_| panic!("an MPI message of {len} bytes is over MPI's 2 GiB count limit"))
}

impl Comm for MpiComm {
    fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    fn size(&self) -> usize {
        self.world.size() as usize
    }

    fn all_to_all(&self, send: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        let size = self.size();
        assert_eq!(send.len(), size, "all_to_all needs one buffer per rank");
        let counts: Vec<Count> = send.iter().map(|b| count_of(b.len())).collect();
        let me = self.rank();
        let bytes: usize = send
            .iter()
            .enumerate()
            .filter(|(r, _)| *r != me)
            .map(|(_, b)| b.len())
            .sum();
        self.sent
            .fetch_add((bytes + 4 * size) as u64, Ordering::Relaxed);
        let mut received_counts = vec![0 as Count; size];
        self.world
            .all_to_all_into(&counts[..], &mut received_counts[..]);
        let flat = buffer_of(send.concat());
        let total: usize = received_counts.iter().map(|&c| c as usize).sum();
        let mut received = buffer_of(vec![0u8; total]);
        {
            let send_displs = displacements(&counts);
            let recv_displs = displacements(&received_counts);
            let sendbuf = Partition::new(&flat[..], &counts[..], &send_displs[..]);
            let mut recvbuf =
                PartitionMut::new(&mut received[..], &received_counts[..], &recv_displs[..]);
            self.world.all_to_all_varcount_into(&sendbuf, &mut recvbuf);
        }
        split(received, &received_counts)
    }

    fn all_gather(&self, data: Vec<u8>) -> Vec<Vec<u8>> {
        let (received, counts) = self.gather_into_one(data);
        split(received, &counts)
    }

    fn all_gather_flat(&self, data: Vec<u8>) -> Vec<u8> {
        self.gather_into_one(data).0
    }

    fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    fn sum_i64(&self, data: &mut [i64]) {
        self.sent
            .fetch_add((data.len() * 8) as u64, Ordering::Relaxed);
        let send = data.to_vec();
        self.world
            .all_reduce_into(&send[..], data, SystemOperation::sum());
    }

    fn sum_u64(&self, data: &mut [u64]) {
        self.sent
            .fetch_add((data.len() * 8) as u64, Ordering::Relaxed);
        let send = data.to_vec();
        self.world
            .all_reduce_into(&send[..], data, SystemOperation::sum());
    }

    fn min_u64(&self, value: u64) -> u64 {
        self.sent.fetch_add(8, Ordering::Relaxed);
        let mut out = value;
        self.world
            .all_reduce_into(&value, &mut out, SystemOperation::min());
        out
    }

    fn any(&self, value: bool) -> bool {
        self.sent.fetch_add(4, Ordering::Relaxed);
        let v = i32::from(value);
        let mut out = 0i32;
        self.world
            .all_reduce_into(&v, &mut out, SystemOperation::max());
        out != 0
    }
}
