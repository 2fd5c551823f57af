//! The persons' contact graph: who talks to whom on the public networks, for contagion.
//!
//! Stored as an undirected CSR (each edge in both adjacency lists, `u32` person ids, lists
//! sorted): 8 bytes per undirected edge and 8 per person. Graphs from edges (Barabási–Albert,
//! an edge-list file) are built by `Graph::from_edge_fn` and `Placed`: edges are produced by a
//! function of their index (in batches of consecutive indices), called once to count each
//! person's degree and once to place each edge, in parallel, straight into the CSR. The
//! configuration model fills each list from its stubs instead. Barabási–Albert and the
//! configuration model can also build the lists of a range of persons alone (a rank's share of a split replication), equal to those rows of the whole
//! graph; an edge-list file is built whole, then cut. Generators:
//! - `barabasi_albert` (m): preferential attachment, one sequential stream per replication (the
//!   process is inherently sequential); node `i` of the process is mapped to a person by a keyed
//!   pseudo-random permutation, so hubs are not tied to a network block or to id order. The
//!   node each edge chose (4 bytes per edge, which the process draws from) is its only other
//!   buffer, freed before the lists are sorted;
//! - the configuration model, in its own module (`super::configuration`), which fills the lists
//!   with this module's sorting and compaction and matches stubs by its `Permutation`;
//! - an edge-list file (`a,b` per line), see `crate::scenario::import`.

use crate::rng::{Keys, Kind, uniform_int};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;

/// Edges per parallel task when counting and placing edges.
const EDGE_CHUNK: u64 = 1 << 16;
/// Edges whose cells are asked for together when counting and placing edges.
const EDGE_BATCH: usize = 32;
/// Nodes of the Barabási–Albert process whose first draws are made at once: the node being
/// added and the 7 after it.
const AHEAD: usize = 8;
/// One end of an edge while it is placed: the row of the list it goes in, and the neighbour.
type End = (usize, u32);
/// Persons per parallel task when sorting adjacency lists.
const PERSON_CHUNK: usize = 1 << 14;
/// A list cell that holds no neighbour (a stub matched with its own person, or left over).
/// Persons are fewer than `u32::MAX`, so no neighbour has this id.
pub(super) const NONE: u32 = u32::MAX;

/// An undirected graph over persons `0..n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// CSR offsets, one per person plus one.
    pub(crate) offsets: Vec<u64>,
    /// Neighbours, sorted within each list.
    pub(crate) targets: Vec<u32>,
}

impl Graph {
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
        Graph {
            offsets: self.offsets[a..=b].iter().map(|o| o - from).collect(),
            targets: self.targets[from as usize..to as usize].to_vec(),
        }
    }

    /// Builds the graph on `n` persons from undirected edges (ids below `n`), dropping self-loops
    /// and repeats.
    pub fn from_edges(n: usize, edges: &[(u32, u32)]) -> Graph {
        Graph::from_edge_fn(n, edges.len() as u64, |i| edges[i as usize])
    }

    /// Builds the graph on `n` persons from the `m` undirected edges `edge(0)`, …, `edge(m - 1)`,
    /// dropping self-loops and repeats. `edge` is called twice per index, from several threads:
    /// once to count degrees, once to place the edge in both lists. Lists are filled in whatever
    /// order threads reach them and then sorted, so the graph does not depend on the thread count.
    ///
    /// Memory: the graph itself (8 bytes per edge kept, 8 per person), plus 4 bytes per person
    /// while the lists are sorted; repeated edges hold their place until the lists are compacted.
    pub(crate) fn from_edge_fn(n: usize, m: u64, edge: impl Fn(u64) -> (u32, u32) + Sync) -> Graph {
        Placed::new(n, m, edge).finish()
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

/// Every edge placed in both of its ends' lists, unsorted and with repeats: a graph before
/// [`Placed::finish`]. Kept apart so that a generator can free what its edges were computed from
/// before the sort allocates its own buffer.
struct Placed {
    offsets: Vec<u64>,
    targets: Vec<u32>,
}

impl Placed {
    /// See [`Graph::from_edge_fn`].
    fn new(n: usize, m: u64, edge: impl Fn(u64) -> (u32, u32) + Sync) -> Placed {
        Placed::rows(0..n as u32, m, one_at_a_time(edge))
    }

    /// The lists of persons `rows` alone (row `i` is person `rows.start + i`): only the ends of
    /// edges that fall in `rows` are counted and placed, so a rank holds its own persons' share
    /// of the graph while every rank runs through the same edges. `edges(from, out)` writes
    /// edges `from..from + out.len()` into `out` (a batch of consecutive edges, so that a
    /// generator can compute once what neighbouring edges share).
    fn rows(rows: Range<u32>, m: u64, edges: impl Fn(u64, &mut [(u32, u32)]) + Sync) -> Placed {
        let n = rows.len();
        // The row of person p, if it is one of `rows` (ids below the start wrap past n).
        let row = |p: u32| {
            let i = p.wrapping_sub(rows.start) as usize;
            (i < n).then_some(i)
        };
        // Both ends of each edge that fall in `rows`, as (row, neighbour), a batch of edges at a
        // time: the cells a batch updates are asked for together, then updated, so that their
        // cache misses overlap instead of each locked update (a fence) waiting for the last.
        let chunks = m.div_ceil(EDGE_CHUNK);
        let over_ends = |f: &(dyn Fn(&[End]) + Sync)| {
            (0..chunks).into_par_iter().for_each(|c| {
                let mut ends = [(0usize, 0u32); 2 * EDGE_BATCH];
                let mut batch = [(0u32, 0u32); EDGE_BATCH];
                let last = ((c + 1) * EDGE_CHUNK).min(m);
                let mut from = c * EDGE_CHUNK;
                while from < last {
                    let to = (from + EDGE_BATCH as u64).min(last);
                    let batch = &mut batch[..(to - from) as usize];
                    edges(from, batch);
                    let mut len = 0;
                    for &(a, b) in batch.iter() {
                        if a == b {
                            continue;
                        }
                        for (p, q) in [(a, b), (b, a)] {
                            if let Some(i) = row(p) {
                                ends[len] = (i, q);
                                len += 1;
                            }
                        }
                    }
                    f(&ends[..len]);
                    from = to;
                }
            });
        };
        // Degrees (with repeats) counted straight into the offsets (person p's at p + 1), which
        // then become prefix sums: no array of degrees beside them.
        let mut offsets = vec![0u64; n + 1];
        {
            let counts = crate::sys::as_atomic_u64(&mut offsets);
            over_ends(&|ends| {
                for &(i, _) in ends {
                    crate::sys::prefetch(&counts[i + 1]);
                }
                for &(i, _) in ends {
                    counts[i + 1].fetch_add(1, Relaxed);
                }
            });
        }
        for p in 1..=n {
            offsets[p] += offsets[p - 1];
        }
        // Each edge takes the next free cell of both lists: `offsets[p]` counts up from p's first
        // cell to its last plus one, which is p + 1's first; shifting by one restores the offsets.
        let mut targets = vec![0u32; offsets[n] as usize];
        {
            let cells = crate::sys::as_atomic(&mut targets);
            let next = crate::sys::as_atomic_u64(&mut offsets);
            over_ends(&|ends| {
                for &(i, _) in ends {
                    crate::sys::prefetch(&next[i]);
                }
                let mut at = [0usize; 2 * EDGE_BATCH];
                for (k, &(i, _)) in at.iter_mut().zip(ends) {
                    *k = next[i].fetch_add(1, Relaxed) as usize;
                    crate::sys::prefetch(&cells[*k]);
                }
                for (&k, &(_, q)) in at.iter().zip(ends) {
                    cells[k].store(q, Relaxed);
                }
            });
        }
        if n > 0 {
            offsets.copy_within(0..n, 1);
            offsets[0] = 0;
        }
        Placed { offsets, targets }
    }

    /// Sorts and de-duplicates each list in place (its kept length into a buffer of 4 bytes per
    /// person), then closes the gaps the repeats left.
    fn finish(mut self) -> Graph {
        let mut kept = vec![0u32; self.offsets.len() - 1];
        sorted_lists(&self.offsets, &mut self.targets, &mut kept, |_, _| {});
        compacted(self.offsets, self.targets, &kept)
    }
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
    Graph { offsets, targets }
}

/// Fills each person's list of `targets` (rows by `offsets`) with `fill(p, list)`, sorts it and
/// drops repeats and [`NONE`] cells, in parallel over blocks of persons, writing each list's kept
/// length into `kept`.
pub(super) fn sorted_lists(
    offsets: &[u64],
    targets: &mut [u32],
    kept: &mut [u32],
    fill: impl Fn(usize, &mut [u32]) + Sync,
) {
    // Blocks of persons and their share of `targets`, split off one after another.
    let mut blocks = Vec::new();
    let mut rest = targets;
    let mut kept_rest = kept;
    let n = offsets.len() - 1;
    for first in (0..n).step_by(PERSON_CHUNK) {
        let last = (first + PERSON_CHUNK).min(n);
        let len = (offsets[last] - offsets[first]) as usize;
        let (block, after) = rest.split_at_mut(len);
        let (lengths, kept_after) = kept_rest.split_at_mut(last - first);
        blocks.push((first, block, lengths));
        rest = after;
        kept_rest = kept_after;
    }
    blocks.into_par_iter().for_each(|(first, block, lengths)| {
        let base = offsets[first];
        for (i, len) in lengths.iter_mut().enumerate() {
            let (from, to) = (offsets[first + i] - base, offsets[first + i + 1] - base);
            let list = &mut block[from as usize..to as usize];
            fill(first + i, list);
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
    });
}

/// A keyed pseudo-random permutation of `0..n` (a 4-round Feistel network on the next even power
/// of two, with cycle walking), so that any index maps to a person without building a table.
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    keys: [u64; 4],
}

impl Permutation {
    /// The permutation of `0..n` keyed by `keys` and `salt`.
    pub(crate) fn new(n: u64, keys: &Keys, salt: u64) -> Self {
        let bits = 64 - n.max(2).saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let mut rng = keys.stream(Kind::Replication, salt, 0x9e37);
        let k = [
            rng_u64(&mut rng),
            rng_u64(&mut rng),
            rng_u64(&mut rng),
            rng_u64(&mut rng),
        ];
        Permutation {
            n,
            half_bits,
            keys: k,
        }
    }

    fn round(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for k in self.keys {
            let f = mix(r ^ k) & mask;
            (l, r) = (r, l ^ f);
        }
        (l << self.half_bits) | r
    }

    /// The rounds of [`Permutation::round`] undone, last key first.
    fn unround(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for k in self.keys.iter().rev() {
            let f = mix(l ^ k) & mask;
            (l, r) = (r ^ f, l);
        }
        (l << self.half_bits) | r
    }

    /// The image of `i` (`i < n`).
    pub(crate) fn apply(&self, i: u64) -> u64 {
        let mut x = self.round(i);
        while x >= self.n {
            x = self.round(x);
        }
        x
    }

    /// The `i` whose image is `y` (`y < n`): the walk of [`Permutation::apply`] backwards.
    pub(crate) fn invert(&self, y: u64) -> u64 {
        let mut x = self.unround(y);
        while x >= self.n {
            x = self.unround(x);
        }
        x
    }
}

fn rng_u64(rng: &mut crate::rng::Stream) -> u64 {
    use rand::Rng;
    rng.next_u64()
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A Barabási–Albert graph on `n` persons: a star on the first `m + 1` nodes, then each new node
/// links to `m` distinct earlier nodes chosen with probability proportional to their degree (as
/// networkx's `barabasi_albert_graph`). Nodes are mapped to persons by a keyed permutation.
pub fn barabasi_albert(n: usize, m: usize, keys: &Keys) -> Graph {
    barabasi_albert_rows(n, m, keys, 0..n as u32)
}

/// The lists of persons `rows` of [`barabasi_albert`]`(n, m, keys)` (row `i` is person
/// `rows.start + i`). The process runs whole (it is sequential, and every edge may end in
/// `rows`); only the rows' lists are built.
pub(crate) fn barabasi_albert_rows(n: usize, m: usize, keys: &Keys, rows: Range<u32>) -> Graph {
    debug_assert!(rows.end as usize <= n, "rows {rows:?} of {n} persons");
    if n == 0 || m == 0 {
        return Graph::from_edges(rows.len(), &[]);
    }
    let m = m.min(n.saturating_sub(1)).max(1);
    let rng = keys.stream(Kind::Replication, 0xBA, 0);
    // The process draws uniformly from the list of every edge's two ends (edge `e`'s at cells
    // `2e` and `2e + 1`), which is degree-proportional. An edge's second end is its source node,
    // a function of `e` alone (the star's edge `e` joins node 0 to `e + 1`; node `m + 1 + k` adds
    // edges `m + k·m ..`), so only the first, the node chosen, is stored: 4 bytes per edge.
    let star = m.min(n - 1);
    let source = |e: usize| {
        if e < star {
            e as u32 + 1
        } else {
            (star + 1 + (e - star) / m) as u32
        }
    };
    let mut chosen: Vec<u32> = Vec::with_capacity(star + (n - star - 1) * m);
    chosen.resize(star, 0);
    let end = |chosen: &[u32], cell: usize| {
        if cell % 2 == 0 {
            chosen[cell / 2]
        } else {
            source(cell / 2)
        }
    };
    // A node's first m draws are made whatever they give (only repeats draw again), so they are
    // drawn together and their cells asked for before any is read: m cache misses at once
    // instead of one after another, and the same stream of draws as one at a time.
    // The last cell `node` draws from: every node after the star adds m edges.
    let last_cell = |node: usize| 2 * (star + (node - star - 1) * m) as i64 - 1;
    let first_draws =
        |rng: &mut crate::rng::Stream, node: usize, chosen: &[u32], cells: &mut Vec<usize>| {
            let last = last_cell(node);
            cells.clear();
            for _ in 0..m {
                let cell = uniform_int(rng, 0, last) as usize;
                // An odd cell's end is its edge's source and reads nothing, but a useless prefetch
                // costs less than a branch on a random bit. Cells of nodes not yet added are
                // written just before they are read, so in cache.
                if let Some(c) = chosen.get(cell / 2) {
                    crate::sys::prefetch(c);
                }
                cells.push(cell);
            }
        };
    // The next nodes' first draws are made ahead, from a copy of the stream, before this node's
    // are read, so that several nodes' misses overlap. They are the right draws unless a node
    // draws again for a repeat (rarely): then those ahead of it are made again.
    let mut slots: Vec<(crate::rng::Stream, Vec<usize>)> = (0..AHEAD)
        .map(|_| (rng.clone(), Vec::with_capacity(m)))
        .collect();
    let mut ahead = rng;
    let mut drawn = star + 1;
    let mut targets: Vec<u32> = Vec::with_capacity(m);
    for node in (star + 1)..n {
        while drawn < n && drawn < node + AHEAD {
            let (after, cells) = &mut slots[drawn % AHEAD];
            first_draws(&mut ahead, drawn, &chosen, cells);
            after.clone_from(&ahead);
            drawn += 1;
        }
        let (after, cells) = &mut slots[node % AHEAD];
        let last = last_cell(node);
        targets.clear();
        for &cell in cells.iter() {
            let t = end(&chosen, cell);
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        if targets.len() < m {
            // The stream as it is after this node's first draws: the nodes after draw anew.
            while targets.len() < m {
                let t = end(&chosen, uniform_int(after, 0, last) as usize);
                if !targets.contains(&t) {
                    targets.push(t);
                }
            }
            ahead.clone_from(after);
            drawn = node + 1;
        }
        chosen.extend_from_slice(&targets);
    }
    let perm = Permutation::new(n as u64, keys, 0xBA);
    let person = |node: u32| perm.apply(u64::from(node)) as u32;
    // Each edge's two ends are mapped once, not once per pass over the edges: the chosen nodes
    // in place, the source nodes once per node of a batch (a node's m edges are consecutive).
    chosen
        .par_iter_mut()
        .with_min_len(1 << 16)
        .for_each(|c| *c = person(*c));
    let placed = Placed::rows(rows, chosen.len() as u64, |from, out| {
        let mut last = (u32::MAX, 0);
        for (e, o) in (from as usize..).zip(out.iter_mut()) {
            let node = source(e);
            if node != last.0 {
                last = (node, person(node));
            }
            *o = (chosen[e], last.1);
        }
    });
    drop(chosen);
    placed.finish()
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

    #[test]
    fn permutation_is_a_bijection() {
        let keys = Keys::new(3, 0);
        for n in [1u64, 2, 3, 10, 1000, 4097] {
            let p = Permutation::new(n, &keys, 1);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i) as usize;
                assert!(!seen[j], "n = {n}: {j} hit twice");
                seen[j] = true;
                assert_eq!(p.invert(j as u64), i, "n = {n}");
            }
        }
    }

    #[test]
    fn barabasi_albert_has_m_edges_per_new_node_and_a_heavy_tail() {
        let (n, m) = (20_000, 3);
        let g = barabasi_albert(n, m, &Keys::new(1, 0));
        // m edges for the star plus m per node after the first m + 1.
        assert_eq!(g.edges(), (m + (n - m - 1) * m) as u64);
        let max = (0..n as u32).map(|p| g.neighbours(p).len()).max().unwrap();
        // BA's largest degree grows like m·sqrt(n) ≈ 420; a random graph of the same mean would
        // have its maximum near 20.
        assert!(max > 100, "max degree {max}");
        assert!((0..n as u32).all(|p| !g.neighbours(p).is_empty()));
    }

    /// The process written plainly, one draw at a time from the list of every edge's two ends
    /// (the generator's layout: each edge's chosen node, then its source), each edge's ends
    /// mapped to persons when the edge is made: the generator, which draws ahead, stores only the
    /// chosen nodes and maps them in batches, builds the same graph.
    #[test]
    fn barabasi_albert_is_the_plain_process() {
        let keys = Keys::new(6, 3);
        for (n, m) in [
            (3_000, 4),
            (3_000, 1),
            (500, 12),
            (2, 1),
            (5, 7),
            (6, 2),
            (10, 3),
        ] {
            let m_used = m.min(n - 1).max(1);
            let perm = Permutation::new(n as u64, &keys, 0xBA);
            let person = |node: u32| perm.apply(u64::from(node)) as u32;
            let mut rng = keys.stream(Kind::Replication, 0xBA, 0);
            let mut ends: Vec<u32> = Vec::new();
            let mut edges = Vec::new();
            let mut add = |ends: &mut Vec<u32>, a: u32, b: u32| {
                ends.extend([a, b]);
                edges.push((person(a), person(b)));
            };
            for i in 0..m_used {
                add(&mut ends, 0, i as u32 + 1);
            }
            let mut repeats = 0;
            for node in (m_used + 1)..n {
                let mut targets: Vec<u32> = Vec::new();
                while targets.len() < m_used {
                    let t = ends[uniform_int(&mut rng, 0, ends.len() as i64 - 1) as usize];
                    if targets.contains(&t) {
                        repeats += 1;
                    } else {
                        targets.push(t);
                    }
                }
                for t in targets {
                    add(&mut ends, t, node as u32);
                }
            }
            if m > 1 && n > 100 {
                // The draws ahead are thrown away and made again after a repeat.
                assert!(repeats > 10, "n {n}, m {m}: {repeats} repeats");
            }
            assert_eq!(
                barabasi_albert(n, m, &keys),
                Graph::from_edges(n, &edges),
                "n {n}, m {m}"
            );
        }
    }

    #[test]
    fn graphs_do_not_depend_on_the_thread_count() {
        let keys = Keys::new(5, 2);
        let pool = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| barabasi_albert(5000, 4, &keys));
        let b = pool(2).install(|| barabasi_albert(5000, 4, &keys));
        assert_eq!(a, b);
    }

    #[test]
    fn rows_built_alone_are_the_rows_of_the_whole_graph() {
        let keys = Keys::new(8, 1);
        let n = 7_001usize;
        let whole = barabasi_albert(n, 3, &keys);
        for rows in CUTS {
            let part = barabasi_albert_rows(n, 3, &keys, rows.clone());
            assert_eq!(part, whole.rows(rows.clone()), "{rows:?}");
        }
        // Tiny processes: one or two persons, m at or above n.
        for (n, m) in [(1, 1), (2, 1), (2, 5), (3, 7)] {
            let whole = barabasi_albert(n, m, &keys);
            for rows in [
                0..0,
                0..1,
                0..n as u32,
                n as u32 - 1..n as u32,
                n as u32..n as u32,
            ] {
                let part = barabasi_albert_rows(n, m, &keys, rows.clone());
                assert_eq!(part, whole.rows(rows.clone()), "n {n}, m {m}, {rows:?}");
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
            );
            assert_eq!(part.finish(), whole.rows(rows.clone()), "{rows:?}");
        }
    }

    #[test]
    fn built_lists_are_the_sorted_sets_of_neighbours() {
        // Random edges with self-loops and repeats, against sets built by hand.
        let n = 3_000usize;
        let edges = random_edges(Keys::new(4, 0), n, 40_000, 60);
        let mut sets = vec![std::collections::BTreeSet::new(); n];
        for &(a, b) in &edges {
            if a != b {
                sets[a as usize].insert(b);
                sets[b as usize].insert(a);
            }
        }
        let g = Graph::from_edges(n, &edges);
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
        assert_eq!(Graph::from_edges(0, &[]).persons(), 0);
    }
}
