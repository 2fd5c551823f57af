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

use super::graph::{Graph, NONE, compacted, sorted_lists};
use super::permutation::{LANES, Pairing, Permutation};
use crate::comm::Partition;
use crate::rng::{Keys, Kind};
use crate::scenario::Distribution;
use rayon::prelude::*;
use std::ops::Range;

/// Virtual persons whose degrees one stream draws (a fixed count, so that the draws do not
/// depend on the thread or rank count).
const DEGREE_CHUNK: u64 = 1 << 16;
/// Degrees below this are counted in an array while the histogram is drawn.
const SMALL_DEGREE: usize = 1 << 12;
/// The stubs' class table has about this many entries.
const STUB_TABLE: u64 = 1 << 14;
/// Rows whose virtual persons are found together.
const ROW_LANES: usize = LANES;
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
    let model = Configuration::new(n as u64, &histogram(n as u64, degree, keys, part), keys);
    model.rows(rows)
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
    /// Per class, `1 / degree` (0 for degree 0), to divide by the degree without a division.
    inverse: Vec<f64>,
    /// The class of stub `j << stub_shift`, for each `j`.
    by_stub: Vec<u32>,
    stub_shift: u32,
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
        let stub_shift = (64 - (total / STUB_TABLE).leading_zeros()).min(63);
        let mut by_stub = Vec::with_capacity((total >> stub_shift) as usize + 1);
        let mut c = 0;
        for j in 0..=(total >> stub_shift) {
            while c + 1 < degree.len() && first_stub[c + 1] <= j << stub_shift {
                c += 1;
            }
            by_stub.push(c as u32);
        }
        Configuration {
            inverse: degree
                .iter()
                .map(|&d| if d == 0 { 0.0 } else { 1.0 / f64::from(d) })
                .collect(),
            degree,
            first_person,
            first_stub,
            by_stub,
            stub_shift,
            persons: Permutation::new(n, keys, PERSONS),
            stubs: Pairing::new(total, keys, STUBS),
        }
    }

    /// Stubs of all persons.
    #[cfg(test)]
    fn total(&self) -> u64 {
        self.first_stub[self.first_stub.len() - 1]
    }

    /// The class of virtual person `v`.
    fn class_of_person(&self, v: u64) -> usize {
        self.first_person.partition_point(|&f| f <= v) - 1
    }

    /// Person `p`'s degree and first stub.
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

    /// The virtual person who owns stub `t` (`t` below [`Configuration::total`]).
    #[inline(always)]
    fn virtual_owner(&self, t: u64) -> u64 {
        let mut c = self.by_stub[(t >> self.stub_shift) as usize] as usize;
        while t >= self.first_stub[c + 1] {
            c += 1;
        }
        let off = t - self.first_stub[c];
        let d = u64::from(self.degree[c]);
        // Exact below 2^52 stubs, and corrected by one either way otherwise.
        let mut q = (off as f64 * self.inverse[c]) as u64;
        if q * d > off {
            q -= 1;
        } else if (q + 1) * d <= off {
            q += 1;
        }
        self.first_person[c] + q
    }

    /// The person who owns stub `t`.
    #[cfg(test)]
    fn owner(&self, t: u64) -> u32 {
        self.persons.apply(self.virtual_owner(t)) as u32
    }

    /// The lists of persons `rows`, built block by block in parallel.
    pub(crate) fn rows(&self, rows: Range<u32>) -> Graph {
        let count = rows.len();
        // Each row's degree at its end (offsets[i + 1]), then the offsets by a prefix sum.
        let mut offsets = vec![0u64; count + 1];
        offsets[1..]
            .par_chunks_mut(ROW_LANES * 64)
            .enumerate()
            .for_each(|(k, degrees)| {
                let first = rows.start + (k * ROW_LANES * 64) as u32;
                for (i, d) in degrees.iter_mut().enumerate() {
                    *d = u64::from(self.stubs_of(first + i as u32).0);
                }
            });
        for i in 1..=count {
            offsets[i] += offsets[i - 1];
        }
        let mut targets = vec![0u32; offsets[count] as usize];
        let mut kept = vec![0u32; count];
        sorted_lists(&offsets, &mut targets, &mut kept, |first, cells| {
            let block = first..(first + super::graph::BLOCK_ROWS).min(count);
            let base = offsets[first];
            let ends = &offsets[block.start + 1..=block.end];
            self.fill(rows.start + first as u32, base, ends, cells);
        });
        compacted(offsets, targets, &kept)
    }

    /// Writes the lists of the block of persons from `first` into `cells` (the list of the
    /// `i`-th ends at `ends[i] - base`), with the vector instructions this processor has.
    fn fill(&self, first: u32, base: u64, ends: &[u64], cells: &mut [u32]) {
        match crate::sys::vectors() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the processor has the instructions (detected just now).
            crate::sys::Vectors::Avx512 => unsafe { self.fill_avx512(first, base, ends, cells) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            crate::sys::Vectors::Avx2 => unsafe { self.fill_avx2(first, base, ends, cells) },
            _ => self.fill_lanes(first, base, ends, cells),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn fill_avx512(&self, first: u32, base: u64, ends: &[u64], cells: &mut [u32]) {
        self.fill_lanes(first, base, ends, cells);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn fill_avx2(&self, first: u32, base: u64, ends: &[u64], cells: &mut [u32]) {
        self.fill_lanes(first, base, ends, cells);
    }

    /// [`Configuration::fill`] in batches of [`LANES`] stubs (the rows' stubs one after another),
    /// each step done on the whole batch so that it compiles to vector instructions.
    #[inline(always)]
    fn fill_lanes(&self, first: u32, base: u64, ends: &[u64], cells: &mut [u32]) {
        let mut batch = Batch::default();
        let mut from = 0usize;
        for (rows, row_ends) in ends.chunks(ROW_LANES).enumerate() {
            let row0 = first + (rows * ROW_LANES) as u32;
            let mut virtuals = [0u64; ROW_LANES];
            for (i, v) in virtuals.iter_mut().enumerate().take(row_ends.len()) {
                *v = u64::from(row0) + i as u64;
            }
            self.persons.invert_lanes(&mut virtuals);
            for (i, &end) in row_ends.iter().enumerate() {
                let (_, stub) = self.stubs_of_virtual(virtuals[i]);
                let to = (end - base) as usize;
                for (k, cell) in (from..to).enumerate() {
                    batch.push(stub + k as u64, cell, row0 + i as u32);
                    if batch.len == LANES {
                        self.finish(&mut batch, cells);
                    }
                }
                from = to;
            }
        }
        if batch.len > 0 {
            self.finish(&mut batch, cells);
        }
    }

    /// Each stub of `batch` replaced by its partner's owner (NONE for itself or no partner),
    /// written to its cell; the batch emptied.
    #[inline(always)]
    fn finish(&self, batch: &mut Batch, cells: &mut [u32]) {
        let len = batch.len;
        // Unused lanes hold stub 0 (there is one when a batch is not empty).
        for t in &mut batch.stubs[len..] {
            *t = 0;
        }
        self.stubs.partner_lanes(&mut batch.stubs);
        let mut alone = [false; LANES];
        for (t, none) in batch.stubs.iter_mut().zip(&mut alone) {
            *none = *t == u64::MAX;
            *t = if *none { 0 } else { self.virtual_owner(*t) };
        }
        self.persons.apply_lanes(&mut batch.stubs);
        for i in 0..len {
            let q = batch.stubs[i] as u32;
            cells[batch.cells[i]] = if alone[i] || q == batch.rows[i] {
                NONE
            } else {
                q
            };
        }
        batch.len = 0;
    }
}

/// Stubs on their way to their cells.
struct Batch {
    stubs: [u64; LANES],
    cells: [usize; LANES],
    /// Each stub's person (a partner that is the person itself is a self-loop).
    rows: [u32; LANES],
    len: usize,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            stubs: [0; LANES],
            cells: [0; LANES],
            rows: [0; LANES],
            len: 0,
        }
    }
}

impl Batch {
    #[inline(always)]
    fn push(&mut self, stub: u64, cell: usize, row: u32) {
        self.stubs[self.len] = stub;
        self.cells[self.len] = cell;
        self.rows[self.len] = row;
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole of [`configuration_rows`]'s graph on one process.
    fn configuration(n: usize, degree: &Distribution, keys: &Keys) -> Graph {
        configuration_rows(n, degree, keys, 0..n as u32, &Partition::Whole)
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

    /// Degrees `values` with probabilities `weights`.
    fn choice(values: &[f64], weights: &[f64]) -> Distribution {
        let total: f64 = weights.iter().sum();
        let cumulative = weights
            .iter()
            .scan(0.0, |acc, w| {
                *acc += w / total;
                Some(*acc)
            })
            .collect();
        Distribution {
            shape: crate::scenario::dist::Shape::Choice {
                values: values.to_vec(),
                cumulative,
            },
            min: None,
            max: None,
        }
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn graphs_do_not_depend_on_the_thread_count() {
        let keys = Keys::new(5, 2);
        let d = power_law(2.0, 2.5, 200.0);
        // 5,000 persons: a table permutation, about 17,000 stubs: the Feistel pairing; 40,000
        // persons: both Feistel networks.
        for n in [5_000, 40_000] {
            let a = pool(1).install(|| configuration(n, &d, &keys));
            let b = pool(2).install(|| configuration(n, &d, &keys));
            assert_eq!(a, b, "n {n}");
        }
    }

    #[test]
    fn rows_built_alone_are_the_rows_of_the_whole_graph() {
        let keys = Keys::new(8, 1);
        let d = power_law(2.0, 2.5, 300.0);
        let n = 7_001usize;
        let whole = configuration(n, &d, &keys);
        for rows in super::super::graph::CUTS {
            let part = configuration_rows(n, &d, &keys, rows.clone(), &Partition::Whole);
            assert_eq!(part, whole.rows(rows.clone()), "{rows:?}");
        }
    }

    #[test]
    fn ranks_build_the_rows_of_one_process() {
        let keys = Keys::new(3, 4);
        let d = power_law(1.0, 2.2, 400.0);
        // Above DEGREE_CHUNK persons, so that the ranks draw different chunks of degrees.
        let n = 2 * DEGREE_CHUNK as usize + 777;
        let whole = configuration(n, &d, &keys);
        for ranks in [2, 3] {
            let parts = crate::comm::LocalRanks::run(ranks, |comm| {
                let part = Partition::Split(comm);
                let rows = part.owned_persons(n as u32);
                (rows.clone(), configuration_rows(n, &d, &keys, rows, &part))
            });
            for (rows, part) in parts {
                assert_eq!(part, whole.rows(rows.clone()), "{ranks} ranks, {rows:?}");
            }
        }
    }

    /// The model's stubs, persons and partners by plain loops over every stub, against its
    /// graph: the erased multigraph of the stubs' pairs.
    fn check_against_the_plain_matching(n: usize, d: &Distribution, keys: &Keys) {
        let hist = histogram(n as u64, d, keys, &Partition::Whole);
        let model = Configuration::new(n as u64, &hist, keys);
        // Degree sequence exact: every person owns exactly its drawn degree of stubs.
        let mut owned = vec![0u32; n];
        for t in 0..model.total() {
            owned[model.owner(t) as usize] += 1;
        }
        for (p, &count) in owned.iter().enumerate() {
            assert_eq!(count, model.stubs_of(p as u32).0, "person {p}");
        }
        // The degrees, over persons, are the histogram drawn.
        let mut degrees: Vec<u32> = owned.clone();
        degrees.sort_unstable();
        let mut counted = Vec::new();
        for d in degrees {
            match counted.last_mut() {
                Some((e, c)) if *e == d => *c += 1,
                _ => counted.push((d, 1u64)),
            }
        }
        assert_eq!(counted, hist);
        let edges: Vec<(u32, u32)> = (0..model.total())
            .filter_map(|t| {
                let u = model.stubs.partner(t)?;
                (t < u).then(|| (model.owner(t), model.owner(u)))
            })
            .collect();
        assert_eq!(configuration(n, d, keys), Graph::from_edges(n, &edges));
    }

    #[test]
    fn configuration_model_is_its_matching_of_stubs() {
        let keys = Keys::new(11, 3);
        // Small (tables), and large enough for both Feistel networks.
        check_against_the_plain_matching(4_000, &power_law(1.0, 2.2, 400.0), &keys);
        check_against_the_plain_matching(30_011, &power_law(1.0, 2.2, 400.0), &keys);
        // Persons without stubs among them.
        check_against_the_plain_matching(
            20_000,
            &choice(&[0.0, 1.0, 7.0], &[3.0, 1.0, 1.0]),
            &keys,
        );
    }

    /// Degrees follow their law and are dealt out at random: over 60,000 persons with degrees
    /// 1, 2, 5 or 9 (probabilities 0.2, 0.3, 0.4, 0.1), the counts of each degree against the
    /// law, and the counts by degree and by sixth of the ids against independence (chi-square,
    /// 0.1 %: a degree tied to id order, as a permutation that left ids in place would give,
    /// fails the second).
    #[test]
    fn degrees_follow_their_law_and_are_dealt_at_random() {
        use crate::world::population::chi_square;
        let (values, law) = ([1.0, 2.0, 5.0, 9.0], [0.2, 0.3, 0.4, 0.1]);
        let d = choice(&values, &law);
        let n = 60_000u64;
        let keys = Keys::new(21, 0);
        let model = Configuration::new(n, &histogram(n, &d, &keys, &Partition::Whole), &keys);
        let mut table = [[0u64; 4]; 6];
        for p in 0..n as u32 {
            let degree = f64::from(model.stubs_of(p).0);
            let class = values.iter().position(|&v| v == degree).unwrap();
            table[p as usize * 6 / n as usize][class] += 1;
        }
        let by_degree: Vec<u64> = (0..4).map(|c| table.iter().map(|r| r[c]).sum()).collect();
        let expected: Vec<f64> = law.iter().map(|p| p * n as f64).collect();
        chi_square::assert_fits("degrees against their law", &by_degree, &expected);
        let observed: Vec<u64> = table.iter().flatten().copied().collect();
        let expected: Vec<f64> = table
            .iter()
            .flat_map(|r| {
                let row: u64 = r.iter().sum();
                by_degree
                    .iter()
                    .map(move |&c| row as f64 * c as f64 / n as f64)
            })
            .collect();
        // (6 − 1)(4 − 1) = 15 degrees of freedom: the 24 cells less the margins fitted.
        let chi = chi_square::statistic(&observed, &expected);
        assert!(
            chi < chi_square::critical(15),
            "degree by id: chi-square {chi:.1}"
        );
    }

    /// Seen through the graph's persons, the stubs' matching is uniform: 4 persons of degree 3
    /// (12 stubs, a table), person 0's first stub is paired with one of its own 2 other stubs
    /// with probability 2/11 and with each other person's 3 with 3/11 (30,000 keys, chi-square,
    /// 0.1 %).
    #[test]
    fn the_first_stub_meets_each_person_in_proportion_to_its_stubs() {
        use crate::world::population::chi_square;
        let draws = 30_000u64;
        let mut met = [0u64; 4];
        for seed in 0..draws {
            let keys = Keys::new(seed, 5);
            let hist = histogram(4, &Distribution::fixed(3.0), &keys, &Partition::Whole);
            let model = Configuration::new(4, &hist, &keys);
            let (_, first) = model.stubs_of(0);
            let partner = model.stubs.partner(first).unwrap();
            met[model.owner(partner) as usize] += 1;
        }
        let expected: Vec<f64> = [2.0, 3.0, 3.0, 3.0]
            .iter()
            .map(|w| w / 11.0 * draws as f64)
            .collect();
        chi_square::assert_fits("partner of person 0's first stub", &met, &expected);
    }

    /// Where the matching is the Feistel network's: stubs of low and of high degree meet as
    /// often as a uniform matching has them meet (each of the `S₂` stubs of degree-2 persons is
    /// paired with one of the `S₁₀` of degree-10 persons with probability `S₁₀ / (S − 1)`). The
    /// classes' stubs are two contiguous runs of the numbering, so a matching that paired near
    /// indices would fall short. 20,000 persons, 60 keys, the mean ratio within 4.5 standard
    /// errors of 1.
    #[test]
    fn stubs_of_low_and_high_degree_meet_as_in_a_uniform_matching() {
        let d = choice(&[2.0, 10.0], &[1.0, 1.0]);
        let n = 20_000u64;
        let ratios: Vec<f64> = (0..60)
            .map(|seed| {
                let keys = Keys::new(seed, 9);
                let hist = histogram(n, &d, &keys, &Partition::Whole);
                let model = Configuration::new(n, &hist, &keys);
                assert!(model.total() > crate::world::population::permutation::EXACT);
                let low = hist[0].1 * 2;
                let cross = (0..low)
                    .filter(|&t| model.stubs.partner(t).is_some_and(|u| u >= low))
                    .count();
                let expected =
                    low as f64 * (model.total() - low) as f64 / (model.total() - 1) as f64;
                cross as f64 / expected
            })
            .collect();
        let m = ratios.iter().sum::<f64>() / ratios.len() as f64;
        let var = ratios.iter().map(|r| (r - m).powi(2)).sum::<f64>() / (ratios.len() - 1) as f64;
        let z = (m - 1.0) / (var / ratios.len() as f64).sqrt();
        assert!(z.abs() < 4.5, "mean ratio {m:.5}, z {z:+.1}");
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
