//! Communication between the processes of one run (ranks).
//!
//! The distributed algorithms of [`crate::run::distributed`] are written against the [`Comm`] trait,
//! which offers the few collective operations they need on byte buffers and integer arrays. Three
//! implementations: [`Solo`] (one process, no communication), [`LocalRanks`] (ranks as threads
//! of one process, for tests and for checking the algorithms without MPI), and, with the cargo
//! feature `mpi`, [`mpi::MpiComm`] over MPI (Open MPI, MPICH, under `mpirun` or `srun`).
//!
//! Collectives are called by every rank in the same order, from the rank's main thread (never
//! from inside a rayon parallel section), as MPI requires. Every implementation counts the bytes
//! this rank sends, which runs report per rank.

#[cfg(feature = "mpi")]
pub mod mpi;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};

static SECONDARY: AtomicBool = AtomicBool::new(false);

/// The communicator of this launch: MPI when picsim is built with the `mpi` feature (under
/// `mpirun`/`srun` it spans the launched processes; started alone it is one rank), else one
/// process.
pub fn launch() -> Box<dyn Comm> {
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
pub fn rank_stats(comm: &dyn Comm) -> Option<Vec<(u64, u64)>> {
    let mine = [comm.bytes_sent(), crate::sys::peak_rss_bytes().unwrap_or(0)];
    let bytes: Vec<u8> = mine.iter().flat_map(|x| x.to_le_bytes()).collect();
    comm.gather(bytes).map(|all| {
        all.iter()
            .map(|b| {
                let v: Vec<u64> = b
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
                    .collect();
                (
                    v.first().copied().unwrap_or(0),
                    v.get(1).copied().unwrap_or(0),
                )
            })
            .collect()
    })
}

/// The collective operations the distributed algorithms use.
pub trait Comm {
    /// This process's rank, `0..size`.
    fn rank(&self) -> usize;
    /// Number of ranks.
    fn size(&self) -> usize;
    /// Sends `send[r]` to rank `r` (for every `r`) and returns what every rank sent to this one,
    /// by source rank.
    fn all_to_all(&self, send: Vec<Vec<u8>>) -> Vec<Vec<u8>>;
    /// Every rank's buffer, by rank, on every rank.
    fn all_gather(&self, data: Vec<u8>) -> Vec<Vec<u8>>;
    /// Bytes this rank has sent so far.
    fn bytes_sent(&self) -> u64;

    /// Every rank's buffer, by rank, on rank 0 (`None` elsewhere).
    fn gather(&self, data: Vec<u8>) -> Option<Vec<Vec<u8>>> {
        let size = self.size();
        let mut send = vec![Vec::new(); size];
        send[0] = data;
        let received = self.all_to_all(send);
        (self.rank() == 0).then_some(received)
    }

    /// Element-wise sum of every rank's `data`, on every rank.
    fn sum_i64(&self, data: &mut [i64]) {
        let all = self.all_gather(encode_i64(data));
        data.iter_mut().for_each(|x| *x = 0);
        for buf in all {
            for (x, v) in data.iter_mut().zip(decode_i64(&buf)) {
                *x += v;
            }
        }
    }

    /// Element-wise sum of unsigned counters.
    fn sum_u64(&self, data: &mut [u64]) {
        let mut signed: Vec<i64> = data.iter().map(|&x| x as i64).collect();
        self.sum_i64(&mut signed);
        data.iter_mut().zip(signed).for_each(|(x, v)| *x = v as u64);
    }

    /// The smallest of every rank's value.
    fn min_u64(&self, value: u64) -> u64 {
        self.all_gather(value.to_le_bytes().to_vec())
            .iter()
            .map(|b| u64::from_le_bytes(b[..8].try_into().unwrap_or([0xff; 8])))
            .min()
            .unwrap_or(value)
    }

    /// Whether any rank's value is true.
    fn any(&self, value: bool) -> bool {
        self.all_gather(vec![u8::from(value)])
            .iter()
            .any(|b| b.first() == Some(&1))
    }
}

/// Little-endian bytes of `i64`s.
pub fn encode_i64(data: &[i64]) -> Vec<u8> {
    data.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The `i64`s of [`encode_i64`]'s bytes.
pub fn decode_i64(bytes: &[u8]) -> impl Iterator<Item = i64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
}

/// One process: every collective is the identity.
#[derive(Debug, Default)]
pub struct Solo;

impl Comm for Solo {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn all_to_all(&self, mut send: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        vec![send.pop().unwrap_or_default()]
    }
    fn all_gather(&self, data: Vec<u8>) -> Vec<Vec<u8>> {
        vec![data]
    }
    fn bytes_sent(&self) -> u64 {
        0
    }
}

/// Shared state of ranks that are threads of one process.
struct Exchange {
    size: usize,
    barrier: Barrier,
    /// `slots[from][to]`: what rank `from` sends to rank `to` in the current collective.
    slots: Mutex<Vec<Vec<Vec<u8>>>>,
}

/// One rank of a group of threads standing in for processes: the same collectives as MPI,
/// implemented with a barrier and shared mailboxes. Used by the tests of the distributed
/// algorithms.
pub struct LocalRanks {
    rank: usize,
    shared: Arc<Exchange>,
    sent: AtomicU64,
}

impl LocalRanks {
    /// Runs `body` on `size` ranks (threads), each with its communicator; returns their results
    /// by rank.
    pub fn run<T: Send>(size: usize, body: impl Fn(&LocalRanks) -> T + Sync) -> Vec<T> {
        let shared = Arc::new(Exchange {
            size,
            barrier: Barrier::new(size),
            slots: Mutex::new(vec![vec![Vec::new(); size]; size]),
        });
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..size)
                .map(|rank| {
                    let comm = LocalRanks {
                        rank,
                        shared: Arc::clone(&shared),
                        sent: AtomicU64::new(0),
                    };
                    let body = &body;
                    scope.spawn(move || body(&comm))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a rank panicked"))
                .collect()
        })
    }
}

impl Comm for LocalRanks {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.shared.size
    }
    fn all_to_all(&self, send: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        assert_eq!(
            send.len(),
            self.shared.size,
            "all_to_all needs one buffer per rank"
        );
        let bytes: usize = send
            .iter()
            .enumerate()
            .filter(|(r, _)| *r != self.rank)
            .map(|(_, b)| b.len())
            .sum();
        self.sent.fetch_add(bytes as u64, Ordering::Relaxed);
        {
            let mut slots = self.shared.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots[self.rank] = send;
        }
        self.shared.barrier.wait();
        let received = {
            let mut slots = self.shared.slots.lock().unwrap_or_else(|e| e.into_inner());
            (0..self.shared.size)
                .map(|from| std::mem::take(&mut slots[from][self.rank]))
                .collect()
        };
        self.shared.barrier.wait();
        received
    }
    fn all_gather(&self, data: Vec<u8>) -> Vec<Vec<u8>> {
        let send = vec![data; self.shared.size];
        self.all_to_all(send)
    }
    fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_ranks_exchange_and_reduce() {
        let out = LocalRanks::run(3, |c| {
            let send: Vec<Vec<u8>> = (0..c.size())
                .map(|to| vec![c.rank() as u8, to as u8])
                .collect();
            let got = c.all_to_all(send);
            let mut sums = vec![c.rank() as i64, 10];
            c.sum_i64(&mut sums);
            let gathered = c.gather(vec![c.rank() as u8 * 2]);
            (
                got,
                sums,
                gathered,
                c.min_u64(5 + c.rank() as u64),
                c.any(c.rank() == 2),
            )
        });
        for (rank, (got, sums, gathered, min, any)) in out.iter().enumerate() {
            assert_eq!(
                got,
                &(0..3)
                    .map(|from| vec![from as u8, rank as u8])
                    .collect::<Vec<_>>()
            );
            assert_eq!(sums, &vec![3, 30]);
            assert_eq!(gathered.is_some(), rank == 0);
            assert_eq!(*min, 5);
            assert!(*any);
        }
        assert_eq!(out[0].2, Some(vec![vec![0], vec![2], vec![4]]));
        assert_eq!(Solo.all_to_all(vec![vec![7]]), vec![vec![7]]);
    }
}
