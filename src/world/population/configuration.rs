//! The configuration model of the contact graph: each person's degree drawn from a distribution
//! (keyed by person), stub `2j` matched with stub `2j + 1` of a keyed permutation of all stubs
//! (computed, never stored), self-loops and repeated edges erased. The lists of any range of
//! persons can be built alone (a rank's share of a split replication), equal to those rows of
//! the whole graph, and the graph does not depend on the thread count.

use super::graph::{Graph, NONE, Permutation, compacted, sorted_lists};
use crate::rng::{Keys, Kind};
use crate::scenario::Distribution;
use rayon::prelude::*;
use std::ops::Range;

/// The lists of persons `rows` (row `i` is person `rows.start + i`) of an erased
/// configuration-model graph on `n` persons: each person's degree is drawn from `degree` (its
/// own stream), stubs are matched in the order of keyed random numbers, and self-loops and
/// repeated edges are dropped (so realised degrees can be a little lower than drawn ones; the
/// shortfall is small when degrees are much smaller than `n`). The rows do not depend on which
/// others are built: a rank builds its own persons' share of the same graph.
///
/// Stub `s` becomes cell `s` of its owner's list, holding the owner of the stub it is matched
/// with: the stub at the other place of the same pair of the permutation (`2j`, `2j + 1`). So the
/// lists are filled in order, one person after another, with one look-up per stub, and need no
/// buffer but the rows' own (4 bytes per drawn stub of the rows: 8 bytes per drawn edge for the
/// whole graph) and the stubs' index of every person (8 bytes each).
pub(crate) fn configuration_rows(
    n: usize,
    degree: &Distribution,
    keys: &Keys,
    rows: Range<u32>,
) -> Graph {
    debug_assert!(rows.end as usize <= n, "rows {rows:?} of {n} persons");
    // Person p's stubs are `stubs.first[p]..stubs.first[p + 1]`; degrees are drawn straight
    // into `first` (p's at p + 1), no array of degrees beside it.
    let mut first = vec![0u64; n + 1];
    first[1..]
        .par_iter_mut()
        .with_min_len(4096)
        .enumerate()
        .for_each(|(p, d)| {
            *d = u64::from(degree.sample_count(&mut keys.stream(Kind::Person, p as u64, 0x6D), 0));
        });
    let stubs = Stubs::from_counts(first);
    let total = stubs.total();
    let perm = Permutation::new(total.max(1), keys, 0xC0);
    let (a, b) = (rows.start as usize, rows.end as usize);
    // The rows' lists are their stubs, in order: offsets from the rows' first stub.
    let offsets = &stubs.first[a..=b];
    let base = offsets[0];
    let mut targets = vec![NONE; (offsets[b - a] - base) as usize];
    let mut kept = vec![0u32; b - a];
    sorted_lists(offsets, &mut targets, &mut kept, |i, list| {
        let p = a + i;
        let first = stubs.first[p];
        // Each owner look-up waits on memory at a random place: the partners of a batch of
        // stubs are computed first (arithmetic only) and their look-ups asked for, so that the
        // batch's cache misses overlap instead of following each other.
        let mut partners = [u64::MAX; OWNER_BATCH];
        for (k, cells) in list.chunks_mut(OWNER_BATCH).enumerate() {
            let from = first + (k * OWNER_BATCH) as u64;
            for (slot, s) in partners.iter_mut().zip(from..from + cells.len() as u64) {
                // An odd stub out (the last place of the permutation) is left unmatched.
                let partner = perm.invert(s) ^ 1;
                *slot = if partner < total {
                    let t = perm.apply(partner);
                    stubs.prefetch(t);
                    t
                } else {
                    u64::MAX
                };
            }
            // Then the persons' first stubs that the owners' searches will read (a second miss).
            for &t in &partners[..cells.len()] {
                if t != u64::MAX {
                    stubs.prefetch_search(t);
                }
            }
            for (cell, &t) in cells.iter_mut().zip(&partners) {
                if t != u64::MAX {
                    let q = stubs.owner(t);
                    if q as usize != p {
                        *cell = q;
                    }
                }
            }
        }
    });
    let offsets = if a == 0 && b == n {
        stubs.first
    } else {
        stubs.first[a..=b].iter().map(|f| f - base).collect()
    };
    compacted(offsets, targets, &kept)
}

/// The stubs of a configuration model, numbered person by person, and who owns each.
struct Stubs {
    /// Person `p`'s first stub; one more entry than persons.
    first: Vec<u64>,
    /// Per block of `1 << BLOCK_BITS` stubs, the owner of its first stub: a lookup then searches
    /// only the persons that share the block.
    block_owner: Vec<u32>,
}

/// See [`Stubs::block_owner`].
const BLOCK_BITS: u32 = 8;
/// Stubs whose owners are looked up together (see [`configuration_rows`]).
const OWNER_BATCH: usize = 32;

impl Stubs {
    /// The stubs of persons whose degrees are `first[1..]` (`first[0]` is 0), summed in place
    /// into each person's first stub.
    fn from_counts(mut first: Vec<u64>) -> Stubs {
        for p in 1..first.len() {
            first[p] += first[p - 1];
        }
        let acc = first.last().copied().unwrap_or(0);
        let blocks = acc.div_ceil(1 << BLOCK_BITS);
        let mut block_owner = Vec::with_capacity(blocks as usize + 1);
        let mut p = 0usize;
        for b in 0..=blocks {
            let s = b << BLOCK_BITS;
            while p + 1 < first.len() - 1 && first[p + 1] <= s {
                p += 1;
            }
            block_owner.push(p as u32);
        }
        Stubs { first, block_owner }
    }

    fn total(&self) -> u64 {
        self.first.last().copied().unwrap_or(0)
    }

    /// Asks for the memory [`Stubs::owner`] of `s` reads first.
    #[inline]
    fn prefetch(&self, s: u64) {
        let b = (s >> BLOCK_BITS) as usize;
        crate::sys::prefetch(&self.block_owner[b]);
    }

    /// Asks for the memory [`Stubs::owner`] of `s` searches (once [`Stubs::prefetch`] has had
    /// its effect): the first stubs of the persons its block shares.
    #[inline]
    fn prefetch_search(&self, s: u64) {
        let b = (s >> BLOCK_BITS) as usize;
        let (lo, hi) = (
            self.block_owner[b] as usize,
            self.block_owner[b + 1] as usize,
        );
        // A cache line holds 8 first stubs. A block shared by many persons (low degrees, or
        // persons without stubs) is searched in a few steps: its middle line is the first read.
        if hi - lo <= 32 {
            for p in (lo..=hi).step_by(8) {
                crate::sys::prefetch(&self.first[p]);
            }
            crate::sys::prefetch(&self.first[hi]);
        } else {
            crate::sys::prefetch(&self.first[lo + (hi - lo) / 2]);
        }
    }

    /// The person who owns stub `s` (`s` < [`Stubs::total`]).
    fn owner(&self, s: u64) -> u32 {
        let b = (s >> BLOCK_BITS) as usize;
        // The owner lies between the owners of this block's first stub and the next block's.
        let (lo, hi) = (
            self.block_owner[b] as usize,
            self.block_owner[b + 1] as usize,
        );
        // The last person in lo..=hi whose first stub is at most s.
        let within = self.first[lo..=hi].partition_point(|&f| f <= s);
        (lo + within - 1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole of [`configuration_rows`]'s graph.
    fn configuration(n: usize, degree: &Distribution, keys: &Keys) -> Graph {
        configuration_rows(n, degree, keys, 0..n as u32)
    }

    /// The stubs of persons with `degrees`.
    fn stubs_of(degrees: Vec<u32>) -> Stubs {
        Stubs::from_counts(
            std::iter::once(0)
                .chain(degrees.into_iter().map(u64::from))
                .collect(),
        )
    }

    /// Degrees from a power law from `low`, of `exponent`, at most `high`.
    fn power_law(low: f64, exponent: f64, high: f64) -> Distribution {
        Distribution {
            shape: crate::scenario::dist::Shape::PowerLaw {
                low,
                exponent,
                high: Some(high),
            },
            min: None,
            max: None,
        }
    }

    #[test]
    fn graphs_do_not_depend_on_the_thread_count() {
        let keys = Keys::new(5, 2);
        let d = power_law(2.0, 2.5, 200.0);
        let pool = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        };
        let a = pool(1).install(|| configuration(5000, &d, &keys));
        let b = pool(2).install(|| configuration(5000, &d, &keys));
        assert_eq!(a, b);
    }

    #[test]
    fn rows_built_alone_are_the_rows_of_the_whole_graph() {
        let keys = Keys::new(8, 1);
        let d = power_law(2.0, 2.5, 300.0);
        let n = 7_001usize;
        let whole = configuration(n, &d, &keys);
        for rows in super::super::graph::CUTS {
            let part = configuration_rows(n, &d, &keys, rows.clone());
            assert_eq!(part, whole.rows(rows.clone()), "{rows:?}");
        }
        // The shares' lists together are the whole graph's.
        let cells: usize = super::super::graph::CUTS[..3]
            .iter()
            .cloned()
            .map(|r| configuration_rows(n, &d, &keys, r).targets.len())
            .sum();
        assert_eq!(cells, whole.targets.len());
    }

    #[test]
    fn each_stub_has_its_owner_and_is_matched_once() {
        // Degrees with zeros (persons with no stub) among them, hand-checked owners.
        let stubs = stubs_of(vec![2, 0, 0, 3, 0, 1]);
        let owners: Vec<u32> = (0..stubs.total()).map(|s| stubs.owner(s)).collect();
        assert_eq!(owners, [0, 0, 3, 3, 3, 5]);
        // Many blocks: every stub's owner by a plain search.
        let keys = Keys::new(2, 0);
        let degrees: Vec<u32> = (0..5_000u64)
            .map(|p| {
                [0, 1, 7, 300, 2]
                    [(crate::rng::uniform_int(&mut keys.stream(Kind::Person, p, 1), 0, 4)) as usize]
            })
            .collect();
        let stubs = stubs_of(degrees.clone());
        let mut seen = vec![0u32; degrees.len()];
        let perm = Permutation::new(stubs.total(), &keys, 0xC0);
        for s in 0..stubs.total() {
            let plain = stubs.first.partition_point(|&f| f <= s) - 1;
            assert_eq!(stubs.owner(s) as usize, plain, "stub {s}");
            // The matching uses each stub once: each person's ends are its drawn degree.
            seen[stubs.owner(perm.apply(s)) as usize] += 1;
        }
        assert_eq!(seen, degrees);
    }

    #[test]
    fn configuration_model_is_its_matching_of_stubs() {
        // The same graph built plainly: the edge list of stub pairs (2j, 2j + 1) of the
        // permutation, through `from_edges`.
        let keys = Keys::new(11, 3);
        let d = power_law(1.0, 2.2, 400.0);
        let n = 4_000;
        let g = configuration(n, &d, &keys);
        let degrees: Vec<u32> = (0..n)
            .map(|p| d.sample_count(&mut keys.stream(Kind::Person, p as u64, 0x6D), 0))
            .collect();
        let stubs = stubs_of(degrees);
        let perm = Permutation::new(stubs.total(), &keys, 0xC0);
        let edges: Vec<(u32, u32)> = (0..stubs.total() / 2)
            .map(|j| {
                let a = stubs.owner(perm.apply(2 * j));
                (a, stubs.owner(perm.apply(2 * j + 1)))
            })
            .collect();
        assert_eq!(g, Graph::from_edges(n, &edges));
        assert!(g.edges() > 1_000);
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
