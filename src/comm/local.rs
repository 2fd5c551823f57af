//! Ranks as threads of one process ([`LocalRanks`]): the same collectives as MPI over a barrier
//! and shared mailboxes, for the tests of the distributed algorithms and for checking them without
//! MPI.

use super::collective::Comm;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};

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

    /// Payload bytes this rank has sent to other ranks so far (MPI's count adds the counts it
    /// exchanges first).
    pub fn sent_bytes(&self) -> u64 {
        self.bytes_sent()
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
    use crate::comm::collective::Solo;

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
