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
/// whole graph, with the rows' offsets) and the stubs' index (a byte per person and 4 bytes per
/// 256 stubs: see [`Stubs`]).
pub(crate) fn configuration_rows(
    n: usize,
    degree: &Distribution,
    keys: &Keys,
    rows: Range<u32>,
) -> Graph {
    debug_assert!(rows.end as usize <= n, "rows {rows:?} of {n} persons");
    let draw = |p: usize| {
        u64::from(degree.sample_count(&mut keys.stream(Kind::Person, p as u64, 0x6D), 0))
    };
    let (stubs, firsts) = Stubs::number(n, draw, rows.clone());
    let total = stubs.total;
    let perm = Permutation::new(total.max(1), keys, 0xC0);
    let a = rows.start as usize;
    // The rows' lists are their stubs, in order: offsets from the rows' first stub.
    let base = firsts[0];
    let mut targets = vec![NONE; (firsts[firsts.len() - 1] - base) as usize];
    let mut kept = vec![0u32; firsts.len() - 1];
    sorted_lists(&firsts, &mut targets, &mut kept, |i, list| {
        let p = a + i;
        let first = firsts[i];
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
            // Then the index bytes that the owners' searches will read (a second miss).
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
    let offsets = if base == 0 {
        firsts
    } else {
        firsts.iter().map(|f| f - base).collect()
    };
    compacted(offsets, targets, &kept)
}

/// Who owns each stub of a configuration model, whose stubs are numbered person by person
/// (person `p`'s are `first[p]..first[p + 1]`, in the numbering's terms), in 1 + degree/64 bytes
/// per person (a byte, and 4 per block of 256 stubs) instead of the 8 of every first stub.
///
/// Stubs fall in blocks of `1 << BLOCK_BITS`. The owner of stub `s` lies between the owners of
/// its block's first stub and of the next block's (`block_owner`), and every person after the
/// first of those, up to the second, has its first stub less one inside `s`'s block (its first
/// stub is past the block's start, and at most the next block's): so that person's offset in
/// the block (`low`, one byte) is all a search needs to compare with `s`'s.
struct Stubs {
    /// Per block, the owner of its first stub; one more entry (the last person).
    block_owner: Vec<u32>,
    /// Person `q`'s first stub less one, within its block (`q` ≥ 1; `low[0]` is never read).
    low: Vec<u8>,
    /// Stubs of all persons.
    total: u64,
}

/// See [`Stubs`].
const BLOCK_BITS: u32 = 8;
/// Stubs whose owners are looked up together (see [`configuration_rows`]).
const OWNER_BATCH: usize = 32;
/// Persons whose degrees are summed together while the stubs are numbered: a fixed count, so
/// that the work does not depend on the thread count.
const DEGREE_CHUNK: usize = 1 << 16;

impl Stubs {
    /// The stubs of `n` persons whose degrees are `degree(p)` (drawn anew when asked twice), and
    /// the first stubs of persons `rows.start..=rows.end` (one more than the rows, the last
    /// being the first stub after the rows).
    ///
    /// Twice over chunks of persons, in parallel: degrees summed per chunk (the rows' kept), then
    /// each chunk numbers its persons' stubs from the chunks' running sum and writes its part of
    /// the index (its persons' bytes, its stubs' blocks) and its rows' first stubs. Persons
    /// outside the rows have their degrees drawn twice, which costs less than the 8 bytes per
    /// person of keeping them.
    fn number(
        n: usize,
        degree: impl Fn(usize) -> u64 + Sync,
        rows: Range<u32>,
    ) -> (Stubs, Vec<u64>) {
        let (a, b) = (rows.start as usize, rows.end as usize);
        // The rows' degrees, then (in place) their first stubs; one more for the stub after.
        let mut firsts = vec![0u64; b - a + 1];
        let chunks: Vec<Range<usize>> = (0..n)
            .step_by(DEGREE_CHUNK)
            .map(|c| c..(c + DEGREE_CHUNK).min(n))
            .collect();
        let sums: Vec<u64> = chunks
            .par_iter()
            .zip(row_parts(&mut firsts, &chunks, a..b))
            .map(|(c, part)| {
                let mut sum = 0;
                for p in c.clone() {
                    let d = degree(p);
                    if (a..b).contains(&p) {
                        part[p - c.start.max(a)] = d;
                    }
                    sum += d;
                }
                sum
            })
            .collect();
        let starts: Vec<u64> = sums
            .iter()
            .scan(0u64, |acc, &s| {
                let start = *acc;
                *acc += s;
                Some(start)
            })
            .collect();
        let total: u64 = sums.iter().sum();
        let blocks = total.div_ceil(1 << BLOCK_BITS) as usize;
        let mut block_owner = vec![0u32; blocks + 1];
        block_owner[blocks] = n.saturating_sub(1) as u32;
        let mut low = vec![0u8; n];
        // Each chunk's blocks: those whose first stub is one of the chunk's.
        let first_block = |stub: u64| stub.div_ceil(1 << BLOCK_BITS) as usize;
        let owner_parts = split_at_lengths(
            &mut block_owner[..blocks],
            (0..chunks.len()).map(|i| {
                let end = starts.get(i + 1).map_or(blocks, |&s| first_block(s));
                end - first_block(starts[i])
            }),
        );
        let after_rows = chunks
            .par_iter()
            .zip(low.par_chunks_mut(DEGREE_CHUNK))
            .zip(owner_parts)
            .zip(row_parts(&mut firsts, &chunks, a..b))
            .zip(&starts)
            .map(|((((c, low), owners), part), &start)| {
                let block0 = first_block(start);
                let mut f = start;
                let mut after_rows = None;
                for p in c.clone() {
                    let d = if (a..b).contains(&p) {
                        let slot = &mut part[p - c.start.max(a)];
                        std::mem::replace(slot, f)
                    } else {
                        degree(p)
                    };
                    if p > 0 {
                        // f is 0 when every earlier person has no stub: such a person is at
                        // most block 0's owner, so its byte is never read, and wrapping is safe.
                        low[p - c.start] = (f.wrapping_sub(1) & ((1 << BLOCK_BITS) - 1)) as u8;
                    }
                    for block in first_block(f)..first_block(f + d) {
                        owners[block - block0] = p as u32;
                    }
                    f += d;
                    if a < b && p + 1 == b {
                        after_rows = Some(f);
                    }
                }
                after_rows
            })
            .reduce(|| None, |x, y| x.or(y));
        // The first stub after the rows; with no rows, the one entry is a base that the offsets
        // subtract again.
        firsts[b - a] = after_rows.unwrap_or(0);
        let stubs = Stubs {
            block_owner,
            low,
            total,
        };
        (stubs, firsts)
    }

    /// Asks for the memory [`Stubs::owner`] of `s` reads first.
    #[inline]
    fn prefetch(&self, s: u64) {
        let b = (s >> BLOCK_BITS) as usize;
        crate::sys::prefetch(&self.block_owner[b]);
    }

    /// Asks for the memory [`Stubs::owner`] of `s` searches (once [`Stubs::prefetch`] has had
    /// its effect): the index bytes of the persons its block shares.
    #[inline]
    fn prefetch_search(&self, s: u64) {
        let b = (s >> BLOCK_BITS) as usize;
        let (lo, hi) = (
            self.block_owner[b] as usize,
            self.block_owner[b + 1] as usize,
        );
        // A cache line holds 64 bytes. A block shared by very many persons (persons without
        // stubs) is searched in a few steps: its middle line is the first read.
        if hi > lo + 256 {
            crate::sys::prefetch(&self.low[lo + (hi - lo) / 2]);
        } else if hi > lo {
            for q in (lo + 1..=hi).step_by(64) {
                crate::sys::prefetch(&self.low[q]);
            }
            crate::sys::prefetch(&self.low[hi]);
        }
    }

    /// The person who owns stub `s` (`s` < [`Stubs::total`]).
    fn owner(&self, s: u64) -> u32 {
        let b = (s >> BLOCK_BITS) as usize;
        let (lo, hi) = (
            self.block_owner[b] as usize,
            self.block_owner[b + 1] as usize,
        );
        // The last of lo..=hi whose first stub is at most s: lo's always is, and each later
        // one's is iff its first stub less one is below s, both inside the block.
        let within = (s & ((1 << BLOCK_BITS) - 1)) as u8;
        (lo + self.low[lo + 1..=hi].partition_point(|&l| l < within)) as u32
    }
}

/// Each chunk of persons' share of the rows `rows`, as a slice of its own of `firsts` (one cell
/// per row).
fn row_parts<'f>(
    firsts: &'f mut [u64],
    chunks: &[Range<usize>],
    rows: Range<usize>,
) -> Vec<&'f mut [u64]> {
    let lengths = chunks
        .iter()
        .map(|c| c.end.min(rows.end).saturating_sub(c.start.max(rows.start)));
    split_at_lengths(&mut firsts[..rows.len()], lengths)
}

/// `cells` cut into consecutive slices of `lengths` (which add up to at most its length).
fn split_at_lengths<T>(mut cells: &mut [T], lengths: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    lengths
        .map(|len| {
            let (part, after) = std::mem::take(&mut cells).split_at_mut(len);
            cells = after;
            part
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole of [`configuration_rows`]'s graph.
    fn configuration(n: usize, degree: &Distribution, keys: &Keys) -> Graph {
        configuration_rows(n, degree, keys, 0..n as u32)
    }

    /// The stubs of persons with `degrees`, and every person's first stub counted plainly.
    fn stubs_of(degrees: &[u32]) -> (Stubs, Vec<u64>) {
        let n = degrees.len();
        let (stubs, firsts) = Stubs::number(n, |p| u64::from(degrees[p]), 0..n as u32);
        let plain: Vec<u64> = std::iter::once(0)
            .chain(degrees.iter().scan(0u64, |acc, &d| {
                *acc += u64::from(d);
                Some(*acc)
            }))
            .collect();
        assert_eq!(firsts, plain);
        (stubs, plain)
    }

    /// The owner of stub `s` by a plain search of every person's first stub.
    fn plain_owner(first: &[u64], s: u64) -> u32 {
        (first.partition_point(|&f| f <= s) - 1) as u32
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
        let (stubs, _) = stubs_of(&[2, 0, 0, 3, 0, 1]);
        let owners: Vec<u32> = (0..stubs.total).map(|s| stubs.owner(s)).collect();
        assert_eq!(owners, [0, 0, 3, 3, 3, 5]);
        // Many blocks: every stub's owner by a plain search.
        let keys = Keys::new(2, 0);
        let degrees: Vec<u32> = (0..5_000u64)
            .map(|p| {
                [0, 1, 7, 300, 2]
                    [(crate::rng::uniform_int(&mut keys.stream(Kind::Person, p, 1), 0, 4)) as usize]
            })
            .collect();
        let (stubs, first) = stubs_of(&degrees);
        let mut seen = vec![0u32; degrees.len()];
        let perm = Permutation::new(stubs.total, &keys, 0xC0);
        for s in 0..stubs.total {
            assert_eq!(stubs.owner(s), plain_owner(&first, s), "stub {s}");
            // The matching uses each stub once: each person's ends are its drawn degree.
            seen[stubs.owner(perm.apply(s)) as usize] += 1;
        }
        assert_eq!(seen, degrees);
    }

    #[test]
    fn the_index_holds_at_block_and_chunk_edges() {
        // Over three chunks of numbering: runs of persons without stubs longer than a block
        // (hundreds of persons sharing one), degrees of exactly a block and of several, and a
        // last person without stubs; every owner and several cuts of rows against plain sums.
        let n = 2 * DEGREE_CHUNK + 1_234;
        let block = 1u32 << BLOCK_BITS;
        let degrees: Vec<u32> = (0..n)
            .map(|p| match p % 1_000 {
                _ if p == n - 1 => 0,
                0..300 => 0,
                300 | 301 => block,
                302 => 3 * block + 1,
                q => (q % 5) as u32,
            })
            .collect();
        let (stubs, first) = stubs_of(&degrees);
        for s in 0..stubs.total {
            assert_eq!(stubs.owner(s), plain_owner(&first, s), "stub {s}");
        }
        let c = DEGREE_CHUNK as u32;
        let n32 = n as u32;
        for rows in [
            0..0,
            5..5,
            0..1,
            c - 1..c + 1,
            17..2 * c + 3,
            n32 - 1..n32,
            0..n32,
        ] {
            let (_, firsts) = Stubs::number(n, |p| u64::from(degrees[p]), rows.clone());
            let (a, b) = (rows.start as usize, rows.end as usize);
            if a < b {
                assert_eq!(firsts, first[a..=b], "{rows:?}");
            } else {
                assert_eq!(firsts, [0], "{rows:?}");
            }
        }
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
        let (stubs, first) = stubs_of(&degrees);
        let perm = Permutation::new(stubs.total, &keys, 0xC0);
        let edges: Vec<(u32, u32)> = (0..stubs.total / 2)
            .map(|j| {
                let a = plain_owner(&first, perm.apply(2 * j));
                (a, plain_owner(&first, perm.apply(2 * j + 1)))
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
