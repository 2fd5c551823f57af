//! The Barabási–Albert graph by preferential attachment, computed edge by edge: any edge's ends
//! follow from the key and the edge's index alone, so the edges are computed in parallel and a
//! rank places only the ends in its own rows, with no process run before and no list of the
//! nodes chosen (4 bytes an edge).
//!
//! The process (as Batagelj and Brandes, 2005): a star joins node 0 to nodes `1..=m`; then each
//! node `i > m` adds `m` edges, each to the node at a uniformly drawn place of the list of both
//! ends of every edge added before node `i`: a node is drawn with probability proportional to
//! its degree then (preferential attachment). The `m` draws of a node are independent, so a node
//! can draw the same one twice: that repeated edge is erased from the graph (networkx instead
//! draws again until the `m` are distinct). The process's degrees, repeats counted, follow
//! `p(k) = 2m(m+1) / (k(k+1)(k+2))` for large graphs; the tests compare them with it, and small
//! graphs with their exact law.
//!
//! How an edge is computed without the list (Sanders and Schulz's communication-free generator, as
//! in KaGen): edge `e`'s ends are list cells `2e` (its source node, a function of `e`) and
//! `2e + 1` (the node it drew). Its draw picks a cell from a keyed hash of `e`: an even cell is
//! an earlier edge's source, known at once; an odd cell is an earlier edge's drawn node, found by
//! the same rule from that edge. Each step halves the chance of going on: two draws an edge on
//! average. Nodes are mapped to persons by a keyed permutation, so hubs are not tied to a network
//! block or to id order.

use super::graph::{Graph, Placed, Steps};
use super::permutation::Permutation;
use crate::rng::{Keys, Kind};
use std::ops::Range;

/// Salt of the process's hash and of its permutation of nodes onto persons.
const SALT: u64 = 0xBA;

/// A Barabási–Albert graph on `n` persons with `m` edges per new node (see the module).
pub fn barabasi_albert(n: usize, m: usize, keys: &Keys) -> Graph {
    barabasi_albert_rows(n, m, keys, 0..n as u32)
}

/// The lists of persons `rows` of [`barabasi_albert`]`(n, m, keys)` (row `i` is person
/// `rows.start + i`): every edge is computed, and only the ends in `rows` are placed.
pub(crate) fn barabasi_albert_rows(n: usize, m: usize, keys: &Keys, rows: Range<u32>) -> Graph {
    debug_assert!(rows.end as usize <= n, "rows {rows:?} of {n} persons");
    let process = Process::new(n as u64, m as u64, keys);
    let persons = Permutation::new(n as u64, keys, SALT);
    let mut steps = Steps::default();
    let placed = Placed::rows(
        rows,
        process.edges(),
        |from, out| process.persons_of(&persons, from, out),
        &mut steps,
    );
    placed.finish(steps)
}

/// The preferential-attachment process on `n` nodes, edge by edge.
pub(crate) struct Process {
    n: u64,
    /// Edges per new node (and the star's edges).
    m: u64,
    /// `⌈2^64 / m⌉`, to divide edge indices by `m` with a multiplication (exact while the
    /// edges times `m` stay below 2^64; `None` otherwise, or for `m = 1`).
    magic: Option<u64>,
    /// The key of every edge's draw.
    key: u64,
}

/// Edges whose ends are computed together.
const LANES: usize = 64;

impl Process {
    /// The process on `n` nodes with `m` edges per new node (`m` at least 1 and less than `n`).
    pub(crate) fn new(n: u64, m: u64, keys: &Keys) -> Self {
        let mut rng = keys.stream(Kind::Replication, SALT, 1);
        let m = m.min(n.saturating_sub(1)).max(1);
        let edges = u128::from(n) * u128::from(m);
        Process {
            n,
            m,
            magic: (m > 1 && edges * u128::from(m) < 1 << 64).then(|| u64::MAX / m + 1),
            key: rand::Rng::next_u64(&mut rng),
        }
    }

    /// Edges of the process: the star's `m`, then `m` per node after it.
    pub(crate) fn edges(&self) -> u64 {
        if self.n <= self.m {
            // One node (m is clamped to n − 1 otherwise): no edge.
            return 0;
        }
        self.m + (self.n - self.m - 1) * self.m
    }

    /// `x / m`.
    #[inline(always)]
    fn by_m(&self, x: u64) -> u64 {
        match self.magic {
            Some(magic) => ((u128::from(x) * u128::from(magic)) >> 64) as u64,
            None => x / self.m,
        }
    }

    /// Edge `e`'s source node: the star's leaf `e + 1`, then the node that added it.
    #[inline(always)]
    pub(crate) fn source(&self, e: u64) -> u64 {
        if e < self.m {
            e + 1
        } else {
            self.m + 1 + self.by_m(e - self.m)
        }
    }

    /// The node edge `e` drew (node 0 for the star's edges).
    #[cfg(test)]
    pub(crate) fn target(&self, e: u64) -> u64 {
        let mut es = [e];
        self.targets(&mut es);
        es[0]
    }

    /// The nodes the edges `es` drew, in place: each round draws for every lane whose node is
    /// not found yet, and keeps those still open in a list (written whether or not the lane
    /// stays, its length advanced by whether it does), so that no branch depends on a draw's
    /// parity and no draw is made twice.
    #[inline(always)]
    fn targets<const L: usize>(&self, es: &mut [u64; L]) {
        let m = self.m;
        let mut node = [0u64; L];
        let mut open: [usize; L] = std::array::from_fn(|i| i);
        let mut count = L;
        while count > 0 {
            let mut still = 0;
            for j in 0..count {
                let i = open[j];
                let e = es[i];
                let star = e < m;
                // The list before e's node: the cells of every edge before its first.
                let first = m + self.by_m(e.saturating_sub(m)) * m;
                let cell = self.draw(e, 2 * first);
                let found = star || cell % 2 == 0;
                node[i] = if star { 0 } else { self.source(cell / 2) };
                es[i] = cell / 2;
                open[still] = i;
                still += usize::from(!found);
            }
            count = still;
        }
        *es = node;
    }

    /// Edge `e`'s draw: a cell uniform in `0..cells`, from keyed hashes of `e` (Lemire's
    /// multiply-shift, the rare biased product rejected and hashed again, so exactly uniform).
    #[inline(always)]
    pub(crate) fn draw(&self, e: u64, cells: u64) -> u64 {
        let mut attempt = 0u64;
        loop {
            let h = mix(self.key.wrapping_add(e.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                ^ attempt.wrapping_mul(0xD1B5_4A32_D192_ED03));
            let product = u128::from(h) * u128::from(cells);
            let low = product as u64;
            if low < cells && low < cells.wrapping_neg() % cells {
                attempt += 1;
                continue;
            }
            return (product >> 64) as u64;
        }
    }

    /// Edges `from..from + out.len()` as pairs of persons (`persons` maps nodes onto persons).
    fn persons_of(&self, persons: &Permutation, from: u64, out: &mut [(u32, u32)]) {
        match crate::sys::vectors() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the processor has the instructions (detected just now).
            crate::sys::Vectors::Avx512 => unsafe { self.persons_avx512(persons, from, out) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            crate::sys::Vectors::Avx2 => unsafe { self.persons_avx2(persons, from, out) },
            _ => self.persons_lanes(persons, from, out),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn persons_avx512(&self, persons: &Permutation, from: u64, out: &mut [(u32, u32)]) {
        self.persons_lanes(persons, from, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn persons_avx2(&self, persons: &Permutation, from: u64, out: &mut [(u32, u32)]) {
        self.persons_lanes(persons, from, out);
    }

    /// [`Process::persons_of`], [`LANES`] edges at a time: the nodes drawn, then their persons
    /// through the permutation's lanes (vector instructions where the caller enables them); the
    /// sources' persons once per node (a node's `m` edges are consecutive).
    #[inline(always)]
    fn persons_lanes(&self, persons: &Permutation, from: u64, out: &mut [(u32, u32)]) {
        for (k, chunk) in out.chunks_mut(LANES).enumerate() {
            let first = from + (k * LANES) as u64;
            // Lanes past the chunk repeat its last edge.
            let mut targets: [u64; LANES] =
                std::array::from_fn(|i| first + i.min(chunk.len() - 1) as u64);
            self.targets(&mut targets);
            persons.apply_lanes(&mut targets);
            // The chunk's sources are consecutive nodes from the first edge's.
            let node0 = self.source(first);
            let mut sources: [u64; LANES] =
                std::array::from_fn(|i| (node0 + i as u64).min(self.n - 1));
            let last = self.source(first + chunk.len() as u64 - 1);
            if last - node0 < LANES as u64 {
                persons.apply_lanes(&mut sources);
                for (i, o) in chunk.iter_mut().enumerate() {
                    let s = sources[(self.source(first + i as u64) - node0) as usize];
                    *o = (s as u32, targets[i] as u32);
                }
            } else {
                // m = 1 at the star's end: more nodes than lanes.
                for (i, o) in chunk.iter_mut().enumerate() {
                    let mut s = [self.source(first + i as u64)];
                    persons.apply_lanes(&mut s);
                    *o = (s[0] as u32, targets[i] as u32);
                }
            }
        }
    }
}

/// SplitMix64's output function.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::population::graph::CUTS;

    #[test]
    fn barabasi_albert_has_m_edges_per_new_node_less_repeats_and_a_heavy_tail() {
        let (n, m) = (20_000, 3);
        let g = barabasi_albert(n, m, &Keys::new(1, 0));
        // m edges for the star plus m per node after the first m + 1, less the few repeated.
        let drawn = (m + (n - m - 1) * m) as u64;
        assert!(
            g.edges() <= drawn && g.edges() > drawn * 99 / 100,
            "{}",
            g.edges()
        );
        let max = (0..n as u32).map(|p| g.neighbours(p).len()).max().unwrap();
        // BA's largest degree grows like m·sqrt(n) ≈ 420; a random graph of the same mean would
        // have its maximum near 20.
        assert!(max > 100, "max degree {max}");
        assert!((0..n as u32).all(|p| !g.neighbours(p).is_empty()));
    }

    /// The process written plainly: the list of both ends of every edge, grown edge by edge,
    /// each new edge's node read at its drawn cell of the list as it stands before its node
    /// (the same draws). The generator, which never builds the list, builds the same graph.
    #[test]
    fn barabasi_albert_is_the_plain_process() {
        let keys = Keys::new(6, 3);
        for (n, m) in [
            (3_000u64, 4u64),
            (3_000, 1),
            (500, 12),
            (1, 1),
            (2, 1),
            (5, 7),
            (6, 2),
        ] {
            let process = Process::new(n, m, &keys);
            let m = process.m;
            let perm = Permutation::new(n, &keys, SALT);
            let person = |node: u64| perm.apply(node) as u32;
            let mut list: Vec<u64> = Vec::new();
            let mut edges = Vec::new();
            for e in 0..process.edges() {
                let source = if e < m { e + 1 } else { m + 1 + (e - m) / m };
                let drawn = if e < m {
                    0
                } else {
                    let before_node = 2 * (m + (source - m - 1) * m);
                    list[process.draw(e, before_node) as usize]
                };
                list.extend([source, drawn]);
                edges.push((person(source), person(drawn)));
            }
            assert_eq!(
                barabasi_albert(n as usize, m as usize, &keys),
                Graph::from_edges(n as usize, &edges),
                "n {n}, m {m}"
            );
        }
    }

    /// On 5 nodes with m = 2, the process's every outcome (the nodes drawn by edges 2 to 5) has
    /// the probability preferential attachment gives it: edges 2 and 3 (node 3's) each draw a
    /// place of the star's list [1, 0, 2, 0], edges 4 and 5 (node 4's) a place of
    /// [1, 0, 2, 0, 3, t2, 3, t3]. Enumerated exactly, against 40,000 keys (chi-square, 0.1 %).
    #[test]
    fn small_processes_have_the_law_of_preferential_attachment() {
        use crate::world::population::chi_square;
        let mut exact = std::collections::BTreeMap::new();
        let star = [1u64, 0, 2, 0];
        for &t2 in &star {
            for &t3 in &star {
                let list = [1u64, 0, 2, 0, 3, t2, 3, t3];
                for &t4 in &list {
                    for &t5 in &list {
                        *exact.entry([t2, t3, t4, t5]).or_insert(0.0) += 1.0 / 1024.0;
                    }
                }
            }
        }
        let draws = 40_000u64;
        let mut seen = std::collections::BTreeMap::new();
        for seed in 0..draws {
            let p = Process::new(5, 2, &Keys::new(seed, 2));
            assert_eq!(p.edges(), 6);
            let outcome = [p.target(2), p.target(3), p.target(4), p.target(5)];
            *seen.entry(outcome).or_insert(0u64) += 1;
        }
        assert!(seen.keys().all(|k| exact.contains_key(k)), "{seen:?}");
        let observed: Vec<u64> = exact
            .keys()
            .map(|k| seen.get(k).copied().unwrap_or(0))
            .collect();
        let expected: Vec<f64> = exact.values().map(|p| p * draws as f64).collect();
        assert!(expected.iter().all(|&e| e >= 5.0));
        chi_square::assert_fits("outcomes of 5 nodes, m = 2", &observed, &expected);
    }

    /// The degrees of a large process (repeated edges counted) follow the closed form
    /// p(k) = 2m(m+1) / (k(k+1)(k+2)): 200,000 nodes, m = 1 and 3, chi-square at 0.1 % over
    /// each degree from m (the star's leaves, which start below m, with it) up to where 20
    /// persons are expected, the rest pooled (its share: m(m+1) / (K(K+1)) from K on).
    #[test]
    fn degrees_follow_the_closed_form() {
        use crate::world::population::chi_square;
        let n = 200_000u64;
        for (m, seed) in [(1u64, 1u64), (3, 2)] {
            let p = Process::new(n, m, &Keys::new(seed, 0));
            let mut degree = vec![0u64; n as usize];
            for e in 0..p.edges() {
                degree[p.source(e) as usize] += 1;
                degree[p.target(e) as usize] += 1;
            }
            let law = |k: u64| 2.0 * (m * (m + 1)) as f64 / (k * (k + 1) * (k + 2)) as f64;
            let top = (m..).find(|&k| n as f64 * law(k) < 20.0).unwrap_or(m + 1);
            let mut observed = vec![0u64; (top - m + 1) as usize];
            for &d in &degree {
                observed[(d.clamp(m, top) - m) as usize] += 1;
            }
            let mut expected: Vec<f64> = (m..top).map(|k| n as f64 * law(k)).collect();
            expected.push(n as f64 * (m * (m + 1)) as f64 / (top * (top + 1)) as f64);
            chi_square::assert_fits(&format!("degrees, m = {m}"), &observed, &expected);
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
        for n in [5_000, 40_000] {
            let a = pool(1).install(|| barabasi_albert(n, 4, &keys));
            let b = pool(2).install(|| barabasi_albert(n, 4, &keys));
            assert_eq!(a, b);
        }
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
}
