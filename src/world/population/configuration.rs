//! The configuration model of the contact graph: every person's degree drawn from a distribution,
//! the stubs paired by a uniform random perfect matching, self-loops and repeated edges erased.
//! The lists of any range of persons are built alone (a rank's share of a split replication),
//! equal to those rows of the whole graph, and nothing depends on the thread or rank count.
//!
//! How, without a table the size of the graph or a random read per stub:
//! - **Degrees by class.** The `n` degrees are `n` independent draws of the distribution: their
//!   histogram (a multinomial sample) is drawn once, and a keyed permutation of the persons
//!   (`π`) deals the degrees out: virtual person `v` has the `v`-th smallest degree, and person
//!   `π(v)` is given it. That is the law of independent draws, one per person (a multinomial
//!   count of each degree, dealt out by a uniform permutation). Virtual persons of a degree are
//!   consecutive, and so are their stubs (virtual person by virtual person), so a stub's virtual
//!   person is arithmetic on the few classes of degrees: the owner of any stub is computed, not
//!   looked up in an index of every person's first stub.
//! - **Stubs paired by a keyed matching** (`Pairing`): any stub's partner is computed too.
//! - **Filled in order.** Person `p`'s list is its stubs' partners' owners, so the lists are
//!   written in order, block by block in parallel: no random write, no random read, no buffer but
//!   the graph. The arithmetic (about 22 Feistel rounds a stub) runs on vector instructions where
//!   the processor has them.

use super::graph::{BLOCK_ROWS, Graph, NONE, Steps, by_blocks, compacted, dedup_rows};
use super::permutation::{Pairing, Permutation};
use crate::comm::Partition;
use crate::rng::{Keys, Kind};
use crate::scenario::Distribution;
use rayon::prelude::*;
use std::ops::Range;
use std::time::Instant;

/// Virtual persons whose degrees one stream draws (a fixed count, so that the draws do not
/// depend on the thread or rank count).
const DEGREE_CHUNK: u64 = 1 << 16;
/// Degrees below this are counted in an array while the histogram is drawn.
const SMALL_DEGREE: usize = 1 << 12;
/// The stubs' class table has about this many entries.
const STUB_TABLE: u64 = 1 << 14;
/// The virtual persons' class table has about this many entries: enough that the few classes
/// of high degrees (a few hundred persons each, at the top of the virtual persons) share an
/// entry with only a handful of others.
const PERSON_TABLE: u64 = 1 << 16;
/// Rows whose virtual persons are found together.
const ROW_LANES: usize = 64;
/// Stubs whose partners are found together: enough for four 16-lane vectors in flight, so that
/// one's chain of dependent rounds runs while the others wait.
const LANES: usize = 64;
/// Rows whose lists are filled and stripped together (their stubs listed first): a few
/// thousand cells, which stay in the core's cache.
const SUB_ROWS: usize = 256;
/// Salts of the keyed streams and permutations.
const DEGREES: u64 = 0xDE6;
const PERSONS: u64 = 0xC1;
const STUBS: u64 = 0xC0;

/// The lists of persons `rows` (row `i` is person `rows.start + i`) of an erased
/// configuration-model graph on `n` persons whose degrees are drawn from `degree`. `part` is the
/// share of the replication this process computes: a split replication's ranks draw the
/// histogram of degrees together (each its part of the draws) and each builds its own rows.
///
/// Memory: the rows' lists (4 bytes per drawn stub of the rows, 8 per row), nothing else that
/// grows with the graph.
pub(crate) fn configuration_rows(
    n: usize,
    degree: &Distribution,
    keys: &Keys,
    rows: Range<u32>,
    part: &Partition,
) -> Graph {
    debug_assert!(rows.end as usize <= n, "rows {rows:?} of {n} persons");
    let mut steps = Steps::default();
    let model = steps.time("graph.degrees", || {
        Configuration::new(n as u64, &histogram(n as u64, degree, keys, part), keys)
    });
    model.rows(rows, steps)
}

/// How many of `n` persons have each degree: `n` independent draws of `degree` (one keyed stream
/// per [`DEGREE_CHUNK`] virtual persons), counted; sorted by degree. Over a split replication,
/// each rank draws its share of the chunks and the counts are gathered.
fn histogram(n: u64, degree: &Distribution, keys: &Keys, part: &Partition) -> Vec<(u32, u64)> {
    let chunks = n.div_ceil(DEGREE_CHUNK);
    let mine = part.owned_persons(u32::try_from(chunks).unwrap_or(u32::MAX));
    let local = (u64::from(mine.start)..u64::from(mine.end))
        .into_par_iter()
        .map(|c| {
            let mut rng = keys.stream(Kind::Replication, DEGREES, c);
            let mut small = vec![0u64; SMALL_DEGREE];
            let mut large = std::collections::BTreeMap::new();
            for _ in c * DEGREE_CHUNK..((c + 1) * DEGREE_CHUNK).min(n) {
                let d = degree.sample_count(&mut rng, 0);
                match small.get_mut(d as usize) {
                    Some(count) => *count += 1,
                    None => *large.entry(d).or_insert(0u64) += 1,
                }
            }
            let mut counts: Vec<(u32, u64)> = (0..SMALL_DEGREE as u32)
                .zip(small)
                .filter(|&(_, c)| c > 0)
                .collect();
            counts.extend(large);
            counts
        })
        .reduce(Vec::new, |mut a, b| {
            a.extend(b);
            coalesced(a)
        });
    let flat: Vec<u64> = local.iter().flat_map(|&(d, c)| [u64::from(d), c]).collect();
    let all = part.all_gather(&flat);
    coalesced(
        all.chunks_exact(2)
            .map(|pair| (pair[0] as u32, pair[1]))
            .collect(),
    )
}

/// Counts of degrees sorted by degree, each degree once (its counts added).
fn coalesced(mut counts: Vec<(u32, u64)>) -> Vec<(u32, u64)> {
    counts.sort_unstable_by_key(|&(d, _)| d);
    let mut out: Vec<(u32, u64)> = Vec::with_capacity(counts.len());
    for (d, c) in counts {
        match out.last_mut() {
            Some(last) if last.0 == d => last.1 += c,
            _ => out.push((d, c)),
        }
    }
    out
}

/// A configuration model's degrees and matching: what any rank needs to build any rows.
pub(crate) struct Configuration {
    /// Per class of degree, ascending: the degree.
    degree: Vec<u32>,
    /// Per class, its first virtual person; one more entry, `n`.
    first_person: Vec<u64>,
    /// Per class, its first stub; one more entry, the number of stubs.
    first_stub: Vec<u64>,
    /// Per class, `⌈2^64 / degree⌉`, to divide by the degree with a multiplication, where that
    /// is exact for every stub of the class (not for degrees 0 and 1, nor classes of over
    /// 2^64 / degree² stubs).
    magic: Vec<Option<u64>>,
    /// The class of stub `j << stub_shift`, for each `j`.
    by_stub: Vec<u32>,
    stub_shift: u32,
    /// The class of virtual person `j << person_shift`, for each `j`: a row's class is a load
    /// and a step or two, where a binary search over the classes was a chain of ten dependent
    /// loads per row.
    by_person: Vec<u32>,
    person_shift: u32,
    /// Person `persons.apply(v)` is virtual person `v`.
    persons: Permutation,
    stubs: Pairing,
}

impl Configuration {
    /// The model on `n` persons with the degrees of `histogram` (counts adding up to `n`).
    pub(crate) fn new(n: u64, histogram: &[(u32, u64)], keys: &Keys) -> Self {
        debug_assert_eq!(histogram.iter().map(|h| h.1).sum::<u64>(), n);
        let degree: Vec<u32> = histogram.iter().map(|h| h.0).collect();
        let mut first_person = vec![0u64];
        let mut first_stub = vec![0u64];
        for &(d, count) in histogram {
            first_person.push(first_person[first_person.len() - 1] + count);
            first_stub.push(first_stub[first_stub.len() - 1] + count * u64::from(d));
        }
        let total = first_stub[first_stub.len() - 1];
        let (by_stub, stub_shift) = class_table(&first_stub, STUB_TABLE);
        let (by_person, person_shift) = class_table(&first_person, PERSON_TABLE);
        Configuration {
            magic: histogram
                .iter()
                .map(|&(d, count)| magic(d, count))
                .collect(),
            degree,
            first_person,
            first_stub,
            by_stub,
            stub_shift,
            by_person,
            person_shift,
            persons: Permutation::new(n, keys, PERSONS),
            stubs: Pairing::new(total, keys, STUBS),
        }
    }

    /// Stubs of all persons.
    #[cfg(test)]
    fn total(&self) -> u64 {
        self.first_stub[self.first_stub.len() - 1]
    }

    /// The class of virtual person `v` (below `n`).
    #[inline(always)]
    fn class_of_person(&self, v: u64) -> usize {
        let mut c = self.by_person[(v >> self.person_shift) as usize] as usize;
        while v >= self.first_person[c + 1] {
            c += 1;
        }
        c
    }

    /// Person `p`'s degree and first stub.
    #[cfg(test)]
    fn stubs_of(&self, p: u32) -> (u32, u64) {
        self.stubs_of_virtual(self.persons.invert(u64::from(p)))
    }

    /// Virtual person `v`'s degree and first stub.
    #[inline(always)]
    fn stubs_of_virtual(&self, v: u64) -> (u32, u64) {
        let c = self.class_of_person(v);
        let d = self.degree[c];
        (
            d,
            self.first_stub[c] + (v - self.first_person[c]) * u64::from(d),
        )
    }

    /// The virtual person who owns stub `t` (`t` below [`Configuration::total`]), without a
    /// branch in the common case (so that a batch's lanes overlap).
    #[cfg(test)]
    fn virtual_owner(&self, t: u64) -> u64 {
        let mut c = self.by_stub[(t >> self.stub_shift) as usize] as usize;
        // The table gives the class at the start of t's bucket; a bucket rarely holds the start
        // of a class, and more than one only among the rare high degrees.
        c += usize::from(t >= self.first_stub[c + 1]);
        while t >= self.first_stub[c + 1] {
            c += 1;
        }
        self.first_person[c] + self.divide(c, t - self.first_stub[c])
    }

    /// `off / d`, `d` the degree of class `c` and `off` below its stubs.
    #[inline(always)]
    fn divide(&self, c: usize, off: u64) -> u64 {
        divide(off, self.degree[c], self.magic[c])
    }

    /// The virtual person who owns each of `ts`, step by step over all lanes, so that
    /// the lanes' chains of dependent loads overlap.
    #[inline(always)]
    fn virtual_owners<const L: usize>(&self, ts: &mut [u64; L]) {
        let mut class = [0usize; L];
        for (c, &t) in class.iter_mut().zip(ts.iter()) {
            *c = self.by_stub[(t >> self.stub_shift) as usize] as usize;
        }
        for (c, &t) in class.iter_mut().zip(ts.iter()) {
            *c += usize::from(t >= self.first_stub[*c + 1]);
        }
        for (c, &t) in class.iter_mut().zip(ts.iter()) {
            while t >= self.first_stub[*c + 1] {
                *c += 1;
            }
        }
        for (&c, t) in class.iter().zip(ts.iter_mut()) {
            *t = self.first_person[c] + self.divide(c, *t - self.first_stub[c]);
        }
    }

    /// The person who owns stub `t`.
    #[cfg(test)]
    fn owner(&self, t: u64) -> u32 {
        self.persons.apply(self.virtual_owner(t)) as u32
    }

    /// The lists of persons `rows`, built block by block in parallel. `steps`: the times of the
    /// steps so far, which the graph keeps.
    pub(crate) fn rows(&self, rows: Range<u32>, mut steps: Steps) -> Graph {
        let count = rows.len();
        let now = Instant::now();
        // Each row's degree at its end (offsets[i + 1]), then the offsets by a prefix sum.
        let mut offsets = crate::sys::huge_zeroed::<u64>(count + 1);
        offsets[1..]
            .par_chunks_mut(BLOCK_ROWS)
            .enumerate()
            .for_each(|(k, degrees)| {
                let first = rows.start as usize + k * BLOCK_ROWS;
                self.degrees(first as u32, degrees);
            });
        for i in 1..=count {
            offsets[i] += offsets[i - 1];
        }
        steps.add("graph.offsets", now);
        let mut targets = crate::sys::huge_zeroed::<u32>(offsets[count] as usize);
        let mut kept = crate::sys::huge_zeroed::<u32>(count);
        steps.time("graph.fill", || {
            by_blocks(&offsets, &mut targets, &mut kept, |first, cells, kept| {
                self.fill(&offsets, rows.start, first, cells, kept);
            });
        });
        let mut graph = steps.time("graph.compact", || compacted(offsets, targets, &kept));
        graph.steps = steps;
        graph
    }

    /// The degrees of persons `first..first + degrees.len()`, [`ROW_LANES`] at a time.
    fn degrees(&self, first: u32, degrees: &mut [u64]) {
        for (k, chunk) in degrees.chunks_mut(ROW_LANES).enumerate() {
            let virtuals = self.virtuals(first + (k * ROW_LANES) as u32, chunk.len());
            for (d, &v) in chunk.iter_mut().zip(&virtuals) {
                *d = u64::from(self.stubs_of_virtual(v).0);
            }
        }
    }

    /// The virtual persons of persons `first..first + count` (`count` at most [`ROW_LANES`];
    /// the lanes after them hold those of `first`), with the vector instructions this processor
    /// has.
    fn virtuals(&self, first: u32, count: usize) -> [u64; ROW_LANES] {
        let mut virtuals = [u64::from(first); ROW_LANES];
        for (i, v) in virtuals.iter_mut().enumerate().take(count) {
            *v += i as u64;
        }
        match crate::sys::vectors() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the processor has the instructions (detected just now).
            crate::sys::Vectors::Avx512 => unsafe { invert_avx512(&self.persons, &mut virtuals) },
            _ => self.persons.invert_lanes(&mut virtuals),
        }
        virtuals
    }

    /// Writes the lists of the block of rows from row `first` (person `rows_start + first`)
    /// into `cells` and strips them of self-loops and repeats (their kept lengths into `kept`),
    /// with the vector instructions this processor has. `offsets`: all rows' offsets.
    fn fill(
        &self,
        offsets: &[u64],
        rows_start: u32,
        first: usize,
        cells: &mut [u32],
        kept: &mut [u32],
    ) {
        match crate::sys::vectors() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the processor has the instructions (detected just now).
            crate::sys::Vectors::Avx512 => unsafe {
                self.fill_avx512(offsets, rows_start, first, cells, kept)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            crate::sys::Vectors::Avx2 => unsafe {
                self.fill_avx2(offsets, rows_start, first, cells, kept)
            },
            _ => self.fill_lanes(offsets, rows_start, first, cells, kept),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn fill_avx512(
        &self,
        offsets: &[u64],
        rows_start: u32,
        first: usize,
        cells: &mut [u32],
        kept: &mut [u32],
    ) {
        self.fill_lanes(offsets, rows_start, first, cells, kept);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn fill_avx2(
        &self,
        offsets: &[u64],
        rows_start: u32,
        first: usize,
        cells: &mut [u32],
        kept: &mut [u32],
    ) {
        self.fill_lanes(offsets, rows_start, first, cells, kept);
    }

    /// [`Configuration::fill`] a few hundred rows at a time: their stubs listed (their first
    /// stubs found [`ROW_LANES`] rows at once), then turned into their partners' owners
    /// [`LANES`] at a time, each step done on all lanes so that it compiles to vector
    /// instructions; then the rows stripped of self-loops and repeats.
    #[inline(always)]
    fn fill_lanes(
        &self,
        offsets: &[u64],
        rows_start: u32,
        first: usize,
        cells: &mut [u32],
        kept: &mut [u32],
    ) {
        let base = offsets[first];
        let mut stubs: Vec<u64> = Vec::new();
        for sub in (0..kept.len()).step_by(SUB_ROWS) {
            let end = (sub + SUB_ROWS).min(kept.len());
            let (from, to) = (
                (offsets[first + sub] - base) as usize,
                (offsets[first + end] - base) as usize,
            );
            stubs.clear();
            for row0 in (sub..end).step_by(ROW_LANES) {
                let count = (end - row0).min(ROW_LANES);
                let person0 = rows_start + (first + row0) as u32;
                let mut virtuals = [u64::from(person0); ROW_LANES];
                for (i, v) in virtuals.iter_mut().enumerate().take(count) {
                    *v += i as u64;
                }
                self.persons.invert_lanes(&mut virtuals);
                for &v in &virtuals[..count] {
                    let (d, stub) = self.stubs_of_virtual(v);
                    let at = stubs.len();
                    stubs.resize(at + d as usize, stub);
                    for (k, t) in stubs[at..].iter_mut().enumerate() {
                        *t += k as u64;
                    }
                }
            }
            for (out, stubs) in cells[from..to].chunks_mut(LANES).zip(stubs.chunks(LANES)) {
                let mut lanes = [0u64; LANES];
                lanes[..stubs.len()].copy_from_slice(stubs);
                self.partners_owners(&mut lanes);
                for (cell, &q) in out.iter_mut().zip(&lanes) {
                    *cell = q as u32;
                }
            }
            let person0 = rows_start + (first + sub) as u32;
            dedup_rows(
                &offsets[first + sub..=first + end],
                person0,
                &mut cells[from..to],
                &mut kept[sub..end],
            );
        }
    }

    /// Each of `ts` (stubs) replaced by its partner's owner ([`NONE`] for no partner).
    #[inline(always)]
    fn partners_owners(&self, ts: &mut [u64; LANES]) {
        self.stubs.partner_lanes(ts);
        let mut alone = [false; LANES];
        for (t, none) in ts.iter_mut().zip(&mut alone) {
            *none = *t == u64::MAX;
            if *none {
                *t = 0;
            }
        }
        self.virtual_owners(ts);
        self.persons.apply_lanes(ts);
        for (t, &none) in ts.iter_mut().zip(&alone) {
            if none {
                *t = u64::from(NONE);
            }
        }
    }
}

/// A table of about `size` entries of the classes of a sequence cut by `first` (per class, its
/// first element; one more entry, the total): entry `j` is the class of element `j << shift`
/// (the last class that starts at or before it, so empty classes are skipped). Returns the table
/// and `shift`.
fn class_table(first: &[u64], size: u64) -> (Vec<u32>, u32) {
    let classes = first.len() - 1;
    let total = first[classes];
    let shift = (64 - (total / size).leading_zeros()).min(63);
    let mut table = Vec::with_capacity((total >> shift) as usize + 1);
    let mut c = 0;
    for j in 0..=(total >> shift) {
        while c + 1 < classes && first[c + 1] <= j << shift {
            c += 1;
        }
        table.push(c as u32);
    }
    (table, shift)
}

/// `⌈2^64 / d⌉` for a class of `count` persons of degree `d`, when [`divide`] by it is exact for
/// every stub of the class: `⌊off · ⌈2^64 / d⌉ / 2^64⌋` errs by less than `off / 2^64`, which
/// stays below `1 / d` while `off · d < 2^64`. (Not for degrees 0 and 1.)
fn magic(d: u32, count: u64) -> Option<u64> {
    let d = u64::from(d);
    let span = u128::from(count) * u128::from(d);
    (d > 1 && span * u128::from(d) < 1 << 64).then(|| (u64::MAX / d) + 1)
}

/// `off / d`, by the class's [`magic`] multiplier where it has one.
#[inline(always)]
fn divide(off: u64, d: u32, magic: Option<u64>) -> u64 {
    match magic {
        Some(m) => ((u128::from(off) * u128::from(m)) >> 64) as u64,
        None => off / u64::from(d),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn invert_avx512(persons: &Permutation, virtuals: &mut [u64; ROW_LANES]) {
    persons.invert_lanes(virtuals);
}

#[cfg(test)]
mod tests;
