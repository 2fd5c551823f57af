//! Which share of one replication a process computes: all of it, or one rank's share of a
//! replication split over ranks, with the reductions that put the shares back together.
//!
//! Generation, migration and the engine take a partition (or the ranges it owns) as a parameter
//! and never compute with rank numbers: a rank owns a contiguous run of organisation chunks (about
//! a `size`-th of the users) and a contiguous `size`-th of the persons by id. With one process
//! every reduction is the identity and costs nothing, so a whole replication and a split one run
//! the same code.

use super::collective::{Comm, Records, Wire};
use anyhow::Context as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::ops::Range;

/// The share of one replication this process computes.
#[derive(Clone, Copy)]
pub(crate) enum Partition<'a> {
    /// This process computes the whole replication alone.
    Whole,
    /// Every rank of the communicator computes its share; rank 0 gathers the results.
    Split(&'a dyn Comm),
}

impl Partition<'_> {
    /// Whether this process computes the whole replication.
    pub(crate) fn is_whole(&self) -> bool {
        matches!(self, Partition::Whole)
    }

    /// The communicator when the replication is split.
    pub(crate) fn comm(&self) -> Option<&dyn Comm> {
        match self {
            Partition::Whole => None,
            Partition::Split(comm) => Some(*comm),
        }
    }

    fn rank_size(&self) -> (usize, usize) {
        match self {
            Partition::Whole => (0, 1),
            Partition::Split(comm) => (comm.rank(), comm.size()),
        }
    }

    /// The persons this share owns among `persons` (their ids).
    pub(crate) fn owned_persons(&self, persons: u32) -> Range<u32> {
        let (rank, size) = self.rank_size();
        owned_persons(persons, rank, size)
    }

    /// Which share owns each person among `persons` (a rank), as a function that parallel code
    /// may share (the communicator may not be shared across threads).
    pub(crate) fn owners(&self, persons: u32) -> impl Fn(u32) -> usize + Sync + use<> {
        let size = self.rank_size().1;
        move |p| owner_of(p, persons, size)
    }

    /// The contiguous run of organisation chunks this share owns, given each chunk's user count.
    pub(crate) fn owned_chunks(&self, users: &[u64]) -> Range<usize> {
        match self {
            Partition::Whole => 0..users.len(),
            Partition::Split(comm) => owned_chunks(users, comm.rank(), comm.size()),
        }
    }

    /// Element-wise sum of every share's `data`, on every rank.
    pub(crate) fn sum_i64(&self, data: &mut [i64]) {
        if let Partition::Split(comm) = self {
            comm.sum_i64(data);
        }
    }

    /// Element-wise sum of every share's unsigned counters, on every rank.
    pub(crate) fn sum_u64(&self, data: &mut [u64]) {
        if let Partition::Split(comm) = self {
            comm.sum_u64(data);
        }
    }

    /// Every share's records, one share after another in rank order, on every rank.
    pub(crate) fn all_gather<T: Wire>(&self, records: &[T]) -> Vec<T> {
        match self {
            Partition::Whole => records.to_vec(),
            Partition::Split(comm) => comm.all_gather_flat_records(records),
        }
    }

    /// Every share's `value`, by rank, on rank 0 (`None` elsewhere). A whole replication's value
    /// is passed through, not encoded.
    pub(crate) fn gather<T: Serialize + DeserializeOwned>(
        &self,
        value: T,
    ) -> anyhow::Result<Option<Vec<T>>> {
        let Partition::Split(comm) = self else {
            return Ok(Some(vec![value]));
        };
        let bytes = serde_json::to_vec(&value).context("could not encode this rank's share")?;
        let Some(all) = comm.gather(bytes) else {
            return Ok(None);
        };
        all.iter()
            .map(|b| serde_json::from_slice(b).context("could not decode a rank's share"))
            .collect::<anyhow::Result<_>>()
            .map(Some)
    }
}

/// The persons rank `rank` of `size` owns among `persons`: a contiguous `size`-th.
pub fn owned_persons(persons: u32, rank: usize, size: usize) -> Range<u32> {
    let bound = |r: usize| (u64::from(persons) * r as u64 / size as u64) as u32;
    bound(rank)..bound(rank + 1)
}

/// The rank owning person `p` under [`owned_persons`].
pub fn owner_of(p: u32, persons: u32, size: usize) -> usize {
    let mut r = ((u64::from(p) * size as u64) / u64::from(persons.max(1))) as usize;
    while r + 1 < size && owned_persons(persons, r + 1, size).start <= p {
        r += 1;
    }
    while r > 0 && owned_persons(persons, r, size).start > p {
        r -= 1;
    }
    r
}

/// The contiguous run of chunks rank `rank` of `size` owns, given each chunk's user count: rank
/// `r` takes the chunks that start in its `size`-th of all users.
pub(crate) fn owned_chunks(users: &[u64], rank: usize, size: usize) -> Range<usize> {
    let total: u64 = users.iter().sum();
    let bound = |r: usize| -> usize {
        let target = total as u128 * r as u128 / size as u128;
        let mut acc = 0u64;
        users
            .iter()
            .position(|&u| {
                let start = acc;
                acc += u;
                u128::from(start) >= target
            })
            .unwrap_or(users.len())
    };
    bound(rank)..bound(rank + 1)
}
