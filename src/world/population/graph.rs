//! The persons' contact graph: who talks to whom on the public networks, for contagion.
//!
//! Stored as an undirected CSR (each edge in both adjacency lists, `u32` person ids, lists
//! sorted): 8 bytes per undirected edge and 8 per person. Generators, each able to build the
//! lists of a range of persons alone (a rank's share of a split replication), equal to those
//! rows of the whole graph:
//! - Barabási–Albert (`super::barabasi_albert`) and an edge-list file (`a,b` per line, see
//!   `crate::scenario::import`; read whole, then cut) produce edges as a function of their
//!   index, which `Graph::from_edge_fn` places (`Placed`);
//! - the configuration model (`super::configuration`) fills each list in order from its stubs,
//!   with this module's sorting and compaction.
//!
//! **Placing edges by blocks of rows** (propagation blocking, Beamer, Asanović and Patterson,
//! IPDPS 2017): writing each edge end straight into its row's list is a random write into a
//! buffer of gigabytes, a cache and TLB miss per end. Instead the rows are cut into blocks of
//! `BLOCK_ROWS` whose lists fit in a core's cache: each end is written, in a batch of ends
//! bound for the same block, into the next free cells of its block's part of the lists, with its
//! row within the block in a 2-byte tag beside it; then each block, alone in cache, is sorted by
//! tag into its rows. Two passes over the edges (the blocks' sizes, then the ends), no atomic
//! operation per end, and the only buffer besides the graph is the tags (2 bytes an end).

use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Edges per parallel task when placing edges.
const EDGE_CHUNK: u64 = 1 << 16;
/// Edges a generator computes at a time (consecutive indices).
const EDGE_BATCH: usize = 64;
/// Persons per block of rows: the unit of parallel work when lists are filled and sorted, and
/// of placement (a row within a block fits the 2-byte tags).
pub(super) const BLOCK_ROWS: usize = 1 << 14;
/// A list cell that holds no neighbour (a stub matched with its own person, or left over).
/// Persons are fewer than `u32::MAX`, so no neighbour has this id.
pub(super) const NONE: u32 = u32::MAX;

/// Seconds spent on each step of building something (a graph), in the order first taken, for
/// the run's manifest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Steps(pub(crate) Vec<(&'static str, f64)>);

impl Steps {
    /// Runs `f`, adding its wall time to `step`.
    pub(crate) fn time<T>(&mut self, step: &'static str, f: impl FnOnce() -> T) -> T {
        let now = Instant::now();
        let out = f();
        self.add(step, now);
        out
    }

    /// Adds the time since `since` to `step`.
    pub(crate) fn add(&mut self, step: &'static str, since: Instant) {
        let secs = since.elapsed().as_secs_f64();
        match self.0.iter_mut().find(|(s, _)| *s == step) {
            Some((_, t)) => *t += secs,
            None => self.0.push((step, secs)),
        }
    }
}

/// An undirected graph over persons `0..n`.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// CSR offsets, one per person plus one.
    pub(crate) offsets: Vec<u64>,
    /// Neighbours, sorted within each list.
    pub(crate) targets: Vec<u32>,
    /// How long each step of building it took (not part of the graph: equal graphs may have
    /// taken different times).
    pub(crate) steps: Steps,
}

impl PartialEq for Graph {
    fn eq(&self, other: &Self) -> bool {
        self.offsets == other.offsets && self.targets == other.targets
    }
}

impl Eq for Graph {}

impl Graph {
    /// The graph of CSR `offsets` and `targets`.
    pub(super) fn new(offsets: Vec<u64>, targets: Vec<u32>) -> Graph {
        Graph {
            offsets,
            targets,
            steps: Steps::default(),
        }
    }

    /// Number of persons.
    pub(crate) fn persons(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of undirected edges.
    pub(crate) fn edges(&self) -> u64 {
        self.targets.len() as u64 / 2
    }

    /// Mean degree ⟨k⟩ = 2E / N (0 for an empty graph).
    pub(crate) fn mean_degree(&self) -> f64 {
        if self.persons() == 0 {
            0.0
        } else {
            self.targets.len() as f64 / self.persons() as f64
        }
    }

    /// Neighbours of `p`.
    #[inline]
    pub(crate) fn neighbours(&self, p: u32) -> &[u32] {
        &self.targets[self.offsets[p as usize] as usize..self.offsets[p as usize + 1] as usize]
    }

    /// Asks for the cache line of `p`'s offset, so that a later [`Graph::prefetch_neighbours`]
    /// or [`Graph::neighbours`] of `p` does not wait on it (`p` must be a person).
    #[inline]
    pub(crate) fn prefetch_offset(&self, p: u32) {
        crate::sys::prefetch(&self.offsets[p as usize + 1]);
    }

    /// Asks for the first cache lines of `p`'s adjacency list (up to `lines` of them: a long
    /// list is then read sequentially, which the hardware prefetcher follows on its own).
    #[inline]
    pub(crate) fn prefetch_neighbours(&self, p: u32, lines: usize) {
        let list = self.neighbours(p);
        // 16 ids of 4 bytes fill a 64-byte line.
        for i in (0..list.len()).step_by(16).take(lines) {
            crate::sys::prefetch(&list[i]);
        }
    }

    /// The adjacency lists of persons `range` alone (person `range.start + i` is row `i`;
    /// neighbours keep their global ids): the rows a share of a split replication owns.
    pub(crate) fn rows(&self, range: Range<u32>) -> Graph {
        let (a, b) = (range.start as usize, range.end as usize);
        if a == b {
            return Graph::from_edges(0, &[]);
        }
        let (from, to) = (self.offsets[a], self.offsets[b]);
        Graph::new(
            self.offsets[a..=b].iter().map(|o| o - from).collect(),
            self.targets[from as usize..to as usize].to_vec(),
        )
    }

    /// Builds the graph on `n` persons from undirected edges (ids below `n`), dropping self-loops
    /// and repeats.
    pub fn from_edges(n: usize, edges: &[(u32, u32)]) -> Graph {
        Graph::from_edge_fn(n, edges.len() as u64, |i| edges[i as usize])
    }

    /// Builds the graph on `n` persons from the `m` undirected edges `edge(0)`, …, `edge(m - 1)`,
    /// dropping self-loops and repeats. `edge` is called twice per index, from several threads
    /// (see [`Placed`]); the lists are sorted, so the graph does not depend on the thread count.
    pub(crate) fn from_edge_fn(n: usize, m: u64, edge: impl Fn(u64) -> (u32, u32) + Sync) -> Graph {
        let mut steps = Steps::default();
        let placed = Placed::rows(0..n as u32, m, one_at_a_time(edge), &mut steps);
        placed.finish(steps)
    }

    /// Every undirected edge once, as `(a, b)` with `a < b`, in order.
    pub(crate) fn edge_list(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        (0..self.persons() as u32).flat_map(move |a| {
            self.neighbours(a)
                .iter()
                .filter(move |&&b| b > a)
                .map(move |&b| (a, b))
        })
    }
}

/// Every edge end placed in its block of rows, with its row within the block in a tag: a graph
/// before [`Placed::finish`] sorts each block into its rows. Kept apart so that a generator can
/// free what its edges were computed from before the sort.
pub(super) struct Placed {
    /// Offsets of the rows (known once the blocks are sorted); here, each block's first cell.
    block_start: Vec<u64>,
    rows: usize,
    targets: Vec<u32>,
    /// Per cell, the row within its block of the end it holds.
    tags: Vec<u16>,
}

/// The ends of a task's edges that fall in the rows, as (block, row within block, neighbour).
type End = (u32, u16, u32);

impl Placed {
    /// The lists of persons `rows` (row `i` is person `rows.start + i`): only the ends of edges
    /// that fall in `rows` are placed, so a rank holds its own persons' share of the graph while
    /// every rank runs through the same edges. `edges(from, out)` writes edges
    /// `from..from + out.len()` into `out` (a batch of consecutive edges, so that a generator
    /// can compute once what neighbouring edges share); it is called twice per edge.
    pub(super) fn rows(
        rows: Range<u32>,
        m: u64,
        edges: impl Fn(u64, &mut [(u32, u32)]) + Sync,
        steps: &mut Steps,
    ) -> Placed {
        let n = rows.len();
        let blocks = n.div_ceil(BLOCK_ROWS);
        let chunks = m.div_ceil(EDGE_CHUNK);
        // The ends of chunk `c` that fall in the rows, as (block, row in block, neighbour).
        let ends_of = |c: u64, out: &mut Vec<End>| {
            out.clear();
            let mut batch = [(0u32, 0u32); EDGE_BATCH];
            let last = ((c + 1) * EDGE_CHUNK).min(m);
            let mut from = c * EDGE_CHUNK;
            while from < last {
                let to = (from + EDGE_BATCH as u64).min(last);
                let batch = &mut batch[..(to - from) as usize];
                edges(from, batch);
                for &(a, b) in batch.iter() {
                    if a == b {
                        continue;
                    }
                    for (p, q) in [(a, b), (b, a)] {
                        // Ids below the rows wrap past n.
                        let i = p.wrapping_sub(rows.start) as usize;
                        if i < n {
                            out.push(((i / BLOCK_ROWS) as u32, (i % BLOCK_ROWS) as u16, q));
                        }
                    }
                }
                from = to;
            }
        };
        // Pass 1: each block's count of ends, by a histogram per task added to shared counters
        // (an atomic operation per block and task, not per end).
        let counts: Vec<AtomicU64> = (0..blocks).map(|_| AtomicU64::new(0)).collect();
        steps.time("graph.count", || {
            (0..chunks).into_par_iter().for_each_init(
                || (Vec::new(), vec![0u32; blocks]),
                |(ends, hist), c| {
                    ends_of(c, ends);
                    for &(b, _, _) in ends.iter() {
                        hist[b as usize] += 1;
                    }
                    for (b, h) in hist.iter_mut().enumerate() {
                        if *h > 0 {
                            counts[b].fetch_add(u64::from(*h), Relaxed);
                            *h = 0;
                        }
                    }
                },
            );
        });
        let mut block_start = vec![0u64; blocks + 1];
        for b in 0..blocks {
            block_start[b + 1] = block_start[b] + counts[b].load(Relaxed);
        }
        let total = block_start[blocks] as usize;
        let mut targets = crate::sys::huge_zeroed::<u32>(total);
        let mut tags = crate::sys::huge_zeroed::<u16>(total);
        // Pass 2: each task sorts its ends by block (a counting sort in its own cache), reserves
        // room in each block it has ends for, and copies them there.
        steps.time("graph.place", || {
            let next: Vec<AtomicU64> = block_start[..blocks]
                .iter()
                .map(|&s| AtomicU64::new(s))
                .collect();
            let cells = crate::sys::as_atomic(&mut targets);
            let tag_cells = crate::sys::as_atomic_u16(&mut tags);
            (0..chunks).into_par_iter().for_each_init(
                || (Vec::new(), Vec::new(), vec![0u32; blocks + 1]),
                |(ends, sorted, hist), c| {
                    ends_of(c, ends);
                    by_block(ends, sorted, hist);
                    for b in 0..blocks {
                        let (from, to) = (hist[b] as usize, hist[b + 1] as usize);
                        if from == to {
                            continue;
                        }
                        let at = next[b].fetch_add((to - from) as u64, Relaxed) as usize;
                        for (k, &(_, row, q)) in sorted[from..to].iter().enumerate() {
                            cells[at + k].store(q, Relaxed);
                            tag_cells[at + k].store(row, Relaxed);
                        }
                    }
                },
            );
        });
        Placed {
            block_start,
            rows: n,
            targets,
            tags,
        }
    }

    /// Sorts each block into its rows, then each list, dropping repeats; closes the gaps the
    /// repeats left. `steps`: the times of the steps so far, which the graph keeps.
    pub(super) fn finish(mut self, mut steps: Steps) -> Graph {
        let n = self.rows;
        // Each row's length from the tags of its block, then the offsets.
        let mut offsets = crate::sys::huge_zeroed::<u64>(n + 1);
        offsets[1..]
            .par_chunks_mut(BLOCK_ROWS)
            .enumerate()
            .for_each(|(b, lengths)| {
                let (from, to) = (self.block_start[b], self.block_start[b + 1]);
                for &t in &self.tags[from as usize..to as usize] {
                    lengths[t as usize] += 1;
                }
            });
        for p in 0..n {
            offsets[p + 1] += offsets[p];
        }
        let tags = std::mem::take(&mut self.tags);
        let mut kept = crate::sys::huge_zeroed::<u32>(n);
        let sort = Instant::now();
        by_blocks(
            &offsets,
            &mut self.targets,
            &mut kept,
            |first, cells, kept| {
                let b = first / BLOCK_ROWS;
                let from = self.block_start[b] as usize;
                let tags = &tags[from..from + cells.len()];
                // A counting sort of the block's cells by row.
                let rows = (first + BLOCK_ROWS).min(n) - first;
                let mut next: Vec<usize> = (0..rows)
                    .map(|r| (offsets[first + r] - offsets[first]) as usize)
                    .collect();
                let unsorted = cells.to_vec();
                for (&q, &t) in unsorted.iter().zip(tags) {
                    cells[next[t as usize]] = q;
                    next[t as usize] += 1;
                }
                sort_rows(&offsets, first, cells, kept);
            },
        );
        drop(tags);
        steps.add("graph.sort", sort);
        let mut graph = steps.time("graph.compact", || compacted(offsets, self.targets, &kept));
        graph.steps = steps;
        graph
    }
}

/// `ends` sorted by block into `sorted` (stable), with `hist[b]` the first of block `b`'s and
/// `hist[blocks]` their number.
fn by_block(ends: &[End], sorted: &mut Vec<End>, hist: &mut [u32]) {
    hist.fill(0);
    for &(b, _, _) in ends {
        hist[b as usize + 1] += 1;
    }
    for b in 1..hist.len() {
        hist[b] += hist[b - 1];
    }
    sorted.clear();
    sorted.resize(ends.len(), (0, 0, 0));
    for &e in ends {
        let at = &mut hist[e.0 as usize];
        sorted[*at as usize] = e;
        *at += 1;
    }
    // Each entry now holds the next block's start: shift back by one.
    for b in (1..hist.len()).rev() {
        hist[b] = hist[b - 1];
    }
    hist[0] = 0;
}

/// A batch function for [`Placed::rows`] from a function of one edge's index.
fn one_at_a_time(
    edge: impl Fn(u64) -> (u32, u32) + Sync,
) -> impl Fn(u64, &mut [(u32, u32)]) + Sync {
    move |from, out| {
        for (e, o) in (from..).zip(out.iter_mut()) {
            *o = edge(e);
        }
    }
}

/// The graph of lists `offsets`/`targets` of which person `p` keeps the first `kept[p]` entries:
/// the kept entries moved together (nothing moves when every entry is kept).
pub(super) fn compacted(mut offsets: Vec<u64>, mut targets: Vec<u32>, kept: &[u32]) -> Graph {
    let n = kept.len();
    let total: u64 = kept.iter().map(|&d| u64::from(d)).sum();
    if total < targets.len() as u64 {
        let mut to = 0usize;
        for p in 0..n {
            let from = offsets[p] as usize;
            let len = kept[p] as usize;
            targets.copy_within(from..from + len, to);
            offsets[p] = to as u64;
            to += len;
        }
        offsets[n] = to as u64;
        targets.truncate(to);
        targets.shrink_to_fit();
    }
    Graph::new(offsets, targets)
}

/// Runs `work(first, cells, kept)` on each block of [`BLOCK_ROWS`] rows of the lists `targets`
/// (rows by `offsets`), in parallel: the rows from row `first`, their cells, and their slots of
/// `kept` (for the lengths they keep). Blocks are a fixed number of rows, so the work does not
/// depend on the thread count.
pub(super) fn by_blocks(
    offsets: &[u64],
    targets: &mut [u32],
    kept: &mut [u32],
    work: impl Fn(usize, &mut [u32], &mut [u32]) + Sync,
) {
    // Blocks of persons and their share of `targets`, split off one after another.
    let mut blocks = Vec::new();
    let mut rest = targets;
    let mut kept_rest = kept;
    let n = offsets.len() - 1;
    for first in (0..n).step_by(BLOCK_ROWS) {
        let last = (first + BLOCK_ROWS).min(n);
        let len = (offsets[last] - offsets[first]) as usize;
        let (block, after) = rest.split_at_mut(len);
        let (lengths, kept_after) = kept_rest.split_at_mut(last - first);
        blocks.push((first, block, lengths));
        rest = after;
        kept_rest = kept_after;
    }
    blocks
        .into_par_iter()
        .for_each(|(first, block, lengths)| work(first, block, lengths));
}

/// Sorts each list of a block of rows (from row `first`, cells `cells`) and drops its repeats
/// and [`NONE`] cells, writing the lengths kept into `kept`.
pub(super) fn sort_rows(offsets: &[u64], first: usize, cells: &mut [u32], kept: &mut [u32]) {
    let base = offsets[first];
    for (i, len) in kept.iter_mut().enumerate() {
        let (from, to) = (offsets[first + i] - base, offsets[first + i + 1] - base);
        let list = &mut cells[from as usize..to as usize];
        list.sort_unstable();
        let mut k = 0;
        for j in 0..list.len() {
            if list[j] == NONE {
                break; // sorted last
            }
            if j == 0 || list[j] != list[k - 1] {
                list[k] = list[j];
                k += 1;
            }
        }
        *len = k as u32;
    }
}

/// Drops the self-loops, repeats and [`NONE`] cells of each list of rows (`offsets`: the rows'
/// offsets and the next's; person `person0` is the first row; `cells` from the first row's
/// first), keeping the first of each neighbour in place, in order, and writes the lengths kept
/// into `kept`. A filter of the neighbours kept so far (a bit per hash) sends the rare one whose
/// bit is set to a scan of the list, so a list is not sorted to find its repeats. The filter is
/// one word for a short list; a long list's has 16 bits per cell, because a word would fill up
/// and send every later neighbour of a list of hundreds to a scan (its cost then grows as the
/// square of the list's length).
#[inline(always)]
pub(super) fn dedup_rows(offsets: &[u64], person0: u32, cells: &mut [u32], kept: &mut [u32]) {
    let base = offsets[0];
    let mut wide = Vec::new();
    for (i, len) in kept.iter_mut().enumerate() {
        let (from, to) = (offsets[i] - base, offsets[i + 1] - base);
        let list = &mut cells[from as usize..to as usize];
        let me = person0 + i as u32;
        *len = if list.len() <= SHORT_LIST {
            dedup_short(list, me)
        } else {
            dedup_long(list, me, &mut wide)
        } as u32;
    }
}

/// Lists up to this long are deduplicated with a one-word filter.
const SHORT_LIST: usize = 32;

/// [`dedup_rows`] of one list of person `me` up to [`SHORT_LIST`] long, with a one-word filter:
/// returns its length kept.
#[inline(always)]
fn dedup_short(list: &mut [u32], me: u32) -> usize {
    let mut filter = 0u64;
    dedup_with(list, me, |v| {
        let bit = 1u64 << (v.wrapping_mul(0x9E37_79B1) >> 26);
        let seen = filter & bit != 0;
        filter |= bit;
        seen
    })
}

/// [`dedup_rows`] of one longer list of person `me`, with a filter of 16 or more bits a cell in
/// `filter` (a buffer reused from list to list): returns its length kept.
#[inline(always)]
fn dedup_long(list: &mut [u32], me: u32, filter: &mut Vec<u64>) -> usize {
    let bits = (list.len() * 16).next_power_of_two();
    let shift = 32 - bits.trailing_zeros();
    filter.clear();
    filter.resize(bits / 64, 0);
    dedup_with(list, me, |v| {
        let h = (v.wrapping_mul(0x9E37_79B1) >> shift) as usize;
        let (word, bit) = (h / 64, 1u64 << (h % 64));
        let seen = filter[word] & bit != 0;
        filter[word] |= bit;
        seen
    })
}

/// Keeps the first of each neighbour of `list` (person `me`'s) in place, in order, dropping
/// [`NONE`] cells and `me`; `maybe_seen(v)` marks `v` in a filter and says whether its mark was
/// already set, and only then is the list scanned. Returns the length kept.
#[inline(always)]
fn dedup_with(list: &mut [u32], me: u32, mut maybe_seen: impl FnMut(u32) -> bool) -> usize {
    let mut k = 0;
    for j in 0..list.len() {
        let v = list[j];
        if v == NONE || v == me || (maybe_seen(v) && list[..k].contains(&v)) {
            continue;
        }
        list[k] = v;
        k += 1;
    }
    k
}

/// Cuts of 7,001 persons the tests build rows of: three ranks' shares, an empty range, and
/// ranges at both ends.
#[cfg(test)]
pub(super) const CUTS: [Range<u32>; 6] = [
    0..2_334,
    2_334..4_667,
    4_667..7_001,
    500..500,
    0..1,
    7_000..7_001,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Keys, Kind, uniform_int};

    /// `count` random edges from any of `n` persons to one of the first `few`: many repeats,
    /// and self-loops among them.
    fn random_edges(keys: Keys, n: usize, count: usize, few: i64) -> Vec<(u32, u32)> {
        let mut rng = keys.stream(Kind::Replication, 1, 2);
        (0..count)
            .map(|_| {
                let a = uniform_int(&mut rng, 0, n as i64 - 1) as u32;
                (a, uniform_int(&mut rng, 0, few - 1) as u32)
            })
            .collect()
    }

    /// Short and long lists (a one-word filter, and filters of 16 bits a cell) keep the first
    /// of each neighbour in order, as a plain scan of the list does.
    #[test]
    fn dedup_keeps_each_first_neighbour_in_order() {
        let mut rng = Keys::new(5, 0).stream(Kind::Replication, 3, 4);
        let some = [0usize, 1, 2, 31, 32, 33, 64, 65, 200, 600, 1_500];
        // Each length twice: with few distinct values, so that the list repeats itself, then
        // with many, so that distinct values share filter bits.
        let lengths: Vec<usize> = some.iter().chain(&some).copied().collect();
        let mut offsets = vec![0u64];
        let mut cells = Vec::new();
        for (i, &len) in lengths.iter().enumerate() {
            // Some cells are the row's own person (10 + i) or no one; the rest are drawn from
            // `distinct` random ids (consecutive ones would never share a filter bit).
            let distinct = if i < some.len() { len / 3 } else { 2 * len }.max(2) as i64;
            let ids: Vec<u32> = (0..distinct)
                .map(|_| uniform_int(&mut rng, 100, 1 << 30) as u32)
                .collect();
            for _ in 0..len {
                cells.push(match uniform_int(&mut rng, -2, distinct - 1) {
                    -2 => NONE,
                    -1 => 10 + i as u32,
                    v => ids[v as usize],
                });
            }
            offsets.push(cells.len() as u64);
        }
        let want: Vec<Vec<u32>> = (0..lengths.len())
            .map(|i| {
                let list = &cells[offsets[i] as usize..offsets[i + 1] as usize];
                let mut firsts = Vec::new();
                for &v in list {
                    if v != NONE && v != 10 + i as u32 && !firsts.contains(&v) {
                        firsts.push(v);
                    }
                }
                firsts
            })
            .collect();
        let mut kept = vec![0u32; lengths.len()];
        dedup_rows(&offsets, 10, &mut cells, &mut kept);
        for (i, firsts) in want.iter().enumerate() {
            let from = offsets[i] as usize;
            assert_eq!(
                &cells[from..from + kept[i] as usize],
                &firsts[..],
                "row {i}"
            );
            if i < some.len() {
                assert!(
                    lengths[i] < 200 || firsts.len() < lengths[i] / 2,
                    "row {i} repeats"
                );
            }
        }
    }

    #[test]
    fn rows_placed_alone_drop_loops_and_repeats_as_the_whole_graph_does() {
        let n = 500usize;
        let edges = random_edges(Keys::new(9, 0), n, 6_000, 41);
        let whole = Graph::from_edges(n, &edges);
        for rows in [0..0, 0..1, 0..41, 20..300, 300..500, 499..500, 500..500] {
            let part = Placed::rows(
                rows.clone(),
                edges.len() as u64,
                one_at_a_time(|i| edges[i as usize]),
                &mut Steps::default(),
            );
            assert_eq!(
                part.finish(Steps::default()),
                whole.rows(rows.clone()),
                "{rows:?}"
            );
        }
    }

    /// Lists against sets built by hand, over several blocks of rows and edge chunks, with
    /// self-loops and repeats, on 1 and 2 threads.
    #[test]
    fn built_lists_are_the_sorted_sets_of_neighbours() {
        for (n, count, few) in [
            (3_000usize, 40_000, 60),
            (3 * BLOCK_ROWS + 17, 300_000, 40_000),
        ] {
            let edges = random_edges(Keys::new(4, 0), n, count, few);
            let mut sets = vec![std::collections::BTreeSet::new(); n];
            for &(a, b) in &edges {
                if a != b {
                    sets[a as usize].insert(b);
                    sets[b as usize].insert(a);
                }
            }
            let pool = |t| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .build()
                    .unwrap()
            };
            let g = pool(2).install(|| Graph::from_edges(n, &edges));
            assert_eq!(g, pool(1).install(|| Graph::from_edges(n, &edges)));
            assert_eq!(g.persons(), n);
            for (p, set) in sets.iter().enumerate() {
                let want: Vec<u32> = set.iter().copied().collect();
                assert_eq!(g.neighbours(p as u32), &want[..], "person {p}");
            }
            let kept: usize = sets.iter().map(|s| s.len()).sum();
            assert_eq!(g.targets.len(), kept);
            // No repeats to drop: nothing to compact, the same lists.
            let simple: Vec<(u32, u32)> = g.edge_list().collect();
            assert_eq!(Graph::from_edges(n, &simple), g);
        }
        assert_eq!(Graph::from_edges(0, &[]).persons(), 0);
    }
}
