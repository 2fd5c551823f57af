//! The persons' contact graph: who talks to whom on the public networks, for contagion.
//!
//! Stored as an undirected CSR (each edge in both adjacency lists, `u32` person ids, lists
//! sorted). Generators:
//! - `barabasi_albert` (m): preferential attachment, one sequential stream per replication (the
//!   process is inherently sequential); node `i` of the process is mapped to a person by a keyed
//!   pseudo-random permutation, so hubs are not tied to a network block or to id order;
//! - `configuration`: each person's degree from a distribution (keyed by person), stubs matched by
//!   sorting on keyed random numbers (the same result with any thread count), self-loops and
//!   repeated edges erased;
//! - an edge-list file (`a,b` per line), see `crate::scenario::import`.

use crate::rng::{Keys, Kind, open01, uniform_int};
use crate::scenario::Distribution;
use rayon::prelude::*;

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
    pub(crate) fn rows(&self, range: std::ops::Range<u32>) -> Graph {
        Graph {
            offsets: std::iter::once(0)
                .chain(range.clone().scan(0u64, |acc, p| {
                    *acc += self.neighbours(p).len() as u64;
                    Some(*acc)
                }))
                .collect(),
            targets: range
                .flat_map(|p| self.neighbours(p).iter().copied())
                .collect(),
        }
    }

    /// Builds the graph on `n` persons from undirected edges, dropping self-loops and repeats.
    pub fn from_edges(n: usize, edges: &[(u32, u32)]) -> Graph {
        let mut degree = vec![0u64; n + 1];
        for &(a, b) in edges {
            if a != b {
                degree[a as usize] += 1;
                degree[b as usize] += 1;
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut acc = 0u64;
        offsets.push(0);
        for d in &degree[..n] {
            acc += d;
            offsets.push(acc);
        }
        let mut fill: Vec<u64> = offsets[..n].to_vec();
        let mut targets = vec![0u32; acc as usize];
        for &(a, b) in edges {
            if a != b {
                targets[fill[a as usize] as usize] = b;
                fill[a as usize] += 1;
                targets[fill[b as usize] as usize] = a;
                fill[b as usize] += 1;
            }
        }
        // Sort and de-duplicate each list in parallel, then compact.
        let lists: Vec<Vec<u32>> = (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .map(|p| {
                let mut l = targets[offsets[p] as usize..offsets[p + 1] as usize].to_vec();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u64);
        let mut targets = Vec::with_capacity(acc as usize);
        for l in lists {
            targets.extend_from_slice(&l);
            offsets.push(targets.len() as u64);
        }
        Graph { offsets, targets }
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

    /// The image of `i` (`i < n`).
    pub(crate) fn apply(&self, i: u64) -> u64 {
        let mut x = self.round(i);
        while x >= self.n {
            x = self.round(x);
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
    if n == 0 || m == 0 {
        return Graph::from_edges(n, &[]);
    }
    let m = m.min(n.saturating_sub(1)).max(1);
    let mut rng = keys.stream(Kind::Replication, 0xBA, 0);
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * m);
    // `repeated` holds every edge's endpoints: a uniform draw from it is degree-proportional.
    let mut repeated: Vec<u32> = Vec::with_capacity(2 * n * m);
    for t in 1..=m.min(n - 1) {
        edges.push((0, t as u32));
        repeated.push(0);
        repeated.push(t as u32);
    }
    let mut targets: Vec<u32> = Vec::with_capacity(m);
    for source in (m + 1)..n {
        targets.clear();
        while targets.len() < m {
            let t = repeated[uniform_int(&mut rng, 0, repeated.len() as i64 - 1) as usize];
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        for &t in &targets {
            edges.push((source as u32, t));
            repeated.push(t);
            repeated.push(source as u32);
        }
    }
    drop(repeated);
    let perm = Permutation::new(n as u64, keys, 0xBA);
    edges.par_iter_mut().for_each(|(a, b)| {
        *a = perm.apply(u64::from(*a)) as u32;
        *b = perm.apply(u64::from(*b)) as u32;
    });
    Graph::from_edges(n, &edges)
}

/// An erased configuration-model graph: each person's degree is drawn from `degree` (its own
/// stream), stubs are matched in the order of keyed random numbers, and self-loops and repeated
/// edges are dropped (so realised degrees can be a little lower than drawn ones; the shortfall is
/// small when degrees are much smaller than `n`).
pub(crate) fn configuration(n: usize, degree: &Distribution, keys: &Keys) -> Graph {
    let degrees: Vec<u32> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|p| degree.sample_count(&mut keys.stream(Kind::Person, p as u64, 0x6D), 0))
        .collect();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut acc = 0u64;
    offsets.push(0u64);
    for d in &degrees {
        acc += u64::from(*d);
        offsets.push(acc);
    }
    // Stub s of person p gets a random key; sorting by key pairs consecutive stubs.
    let mut stubs: Vec<(u64, u32)> = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .flat_map_iter(|p| {
            let (first, last) = (offsets[p], offsets[p + 1]);
            (first..last).map(move |s| (s, p as u32))
        })
        .map(|(s, p)| {
            let mut rng = keys.stream(Kind::Edge, s, 0xC0);
            (
                (open01(&mut rng) * (u64::MAX as f64)) as u64 ^ s.rotate_left(17),
                p,
            )
        })
        .collect();
    stubs.par_sort_unstable();
    let edges: Vec<(u32, u32)> = stubs.chunks_exact(2).map(|c| (c[0].1, c[1].1)).collect();
    drop(stubs);
    Graph::from_edges(n, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn graphs_do_not_depend_on_the_thread_count() {
        let keys = Keys::new(5, 2);
        let d = Distribution {
            shape: crate::scenario::dist::Shape::PowerLaw {
                low: 2.0,
                exponent: 2.5,
                high: Some(200.0),
            },
            min: None,
            max: None,
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one.install(|| {
            (
                configuration(5000, &d, &keys),
                barabasi_albert(5000, 4, &keys),
            )
        });
        let b = two.install(|| {
            (
                configuration(5000, &d, &keys),
                barabasi_albert(5000, 4, &keys),
            )
        });
        assert_eq!(a, b);
    }

    #[test]
    fn configuration_model_realises_its_degree_mean() {
        let keys = Keys::new(9, 0);
        let d = Distribution::fixed(10.0);
        let g = configuration(20_000, &d, &keys);
        // 10 stubs each; erasing self-loops and repeats removes ~ (k²)/(2N)·… a handful of edges.
        assert!((g.mean_degree() - 10.0).abs() < 0.01, "{}", g.mean_degree());
        assert!(g.edge_list().all(|(a, b)| a < b));
    }
}
