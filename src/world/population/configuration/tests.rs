//! The configuration model's tests: its graphs against the plain matching of its stubs, the laws
//! of its degrees and pairings, and its independence of threads, ranks and rows.

use super::*;
use std::collections::BTreeMap;

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
    let mut g = configuration(n, d, keys);
    // Lists are in their stubs' order; the plain graph's are sorted.
    for p in 0..n {
        let (a, b) = (g.offsets[p] as usize, g.offsets[p + 1] as usize);
        g.targets[a..b].sort_unstable();
    }
    assert_eq!(g, Graph::from_edges(n, &edges));
}

#[test]
fn configuration_model_is_its_matching_of_stubs() {
    let keys = Keys::new(11, 3);
    // Small (tables), and large enough for both Feistel networks.
    check_against_the_plain_matching(4_000, &power_law(1.0, 2.2, 400.0), &keys);
    check_against_the_plain_matching(30_011, &power_law(1.0, 2.2, 400.0), &keys);
    // Persons without stubs among them.
    check_against_the_plain_matching(20_000, &choice(&[0.0, 1.0, 7.0], &[3.0, 1.0, 1.0]), &keys);
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
            let expected = low as f64 * (model.total() - low) as f64 / (model.total() - 1) as f64;
            cross as f64 / expected
        })
        .collect();
    let m = ratios.iter().sum::<f64>() / ratios.len() as f64;
    let var = ratios.iter().map(|r| (r - m).powi(2)).sum::<f64>() / (ratios.len() - 1) as f64;
    let z = (m - 1.0) / (var / ratios.len() as f64).sqrt();
    assert!(z.abs() < 4.5, "mean ratio {m:.5}, z {z:+.1}");
}

/// Division by a class's degree through its multiplier equals plain division at every
/// offset near a multiple of the degree and at the class's end, for degrees from 2 to the
/// largest `u32` and classes up to the largest the multiplier serves.
/// The class table finds every virtual person's class as a search over the classes' starts
/// does, over a heavy tail (many small classes at the top, sharing table entries).
#[test]
fn every_virtual_person_has_its_class() {
    let n = 300_000u64;
    let keys = Keys::new(8, 0);
    let hist = histogram(n, &power_law(5.2, 2.5, 600.0), &keys, &Partition::Whole);
    let model = Configuration::new(n, &hist, &keys);
    assert!(model.degree.len() > 100, "{} classes", model.degree.len());
    for v in 0..n {
        let want = model.first_person.partition_point(|&f| f <= v) - 1;
        assert_eq!(model.class_of_person(v), want, "virtual person {v}");
    }
}

#[test]
fn division_by_the_degree_is_exact() {
    let mut checked = 0;
    for d in [
        2u32,
        3,
        7,
        64,
        600,
        65_537,
        1 << 20,
        4_000_000_007,
        u32::MAX,
    ] {
        for count in [1u64, 1000, 1 << 31, u64::MAX / u64::from(d) / u64::from(d)] {
            let Some(m) = magic(d, count) else {
                assert!(u128::from(count) * u128::from(d) * u128::from(d) >= 1 << 64);
                continue;
            };
            let span = count * u64::from(d);
            for q in [0, 1, 2, count / 3, count / 2, count - 1] {
                for off in [q * u64::from(d), q * u64::from(d) + u64::from(d) - 1] {
                    if off < span {
                        assert_eq!(divide(off, d, Some(m)), off / u64::from(d), "{d} {off}");
                        checked += 1;
                    }
                }
            }
            assert_eq!(divide(span - 1, d, Some(m)), count - 1, "{d} {count}");
        }
    }
    assert!(checked > 150, "{checked}");
    assert_eq!(magic(1, 10), None);
    assert_eq!(divide(17, 1, None), 17);
}

/// Every perfect matching of `stubs` stubs (a phantom stub added when the count is odd: the
/// stub paired with it is the one left alone), each as its list of partners.
fn all_matchings(stubs: usize) -> Vec<Vec<usize>> {
    fn extend(partner: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        let Some(a) = partner.iter().position(|&p| p == usize::MAX) else {
            out.push(partner.clone());
            return;
        };
        for b in a + 1..partner.len() {
            if partner[b] == usize::MAX {
                (partner[a], partner[b]) = (b, a);
                extend(partner, out);
                (partner[a], partner[b]) = (usize::MAX, usize::MAX);
            }
        }
    }
    let mut out = Vec::new();
    extend(&mut vec![usize::MAX; stubs + stubs % 2], &mut out);
    out
}

/// The law of the erased graph on `n` persons of degree `d` under a uniform matching of the
/// stubs, by enumerating every matching (person `p` owns stubs `p·d` to `p·d + d − 1`; with
/// equal degrees the dealing of degrees to persons changes nothing): each graph as its
/// sorted edges, with its probability.
fn erased_graph_law(n: usize, d: usize) -> BTreeMap<Vec<(u32, u32)>, f64> {
    let matchings = all_matchings(n * d);
    let mut law = BTreeMap::new();
    for partner in &matchings {
        let mut edges: Vec<(u32, u32)> = (0..n * d)
            .filter(|&t| partner[t] < n * d)
            .map(|t| ((t / d) as u32, (partner[t] / d) as u32))
            .filter(|&(a, b)| a < b)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        *law.entry(edges).or_insert(0.0) += 1.0 / matchings.len() as f64;
    }
    law
}

/// Small graphs, built whole by the generator, come out with the law a uniform matching of
/// their stubs gives them, the law found by enumerating every matching (independently of the
/// generator's numbering of stubs and persons): 3 persons of degree 2 (15 matchings: the
/// triangle with probability 8/15), 4 of degree 1, 4 of degree 2 (105 matchings), 3 of
/// degree 3 (9 stubs, one left alone: 945 matchings). 20,000 keys each, chi-square at 0.1 %
/// over every graph (each expected at least 5 times).
#[test]
fn small_graphs_have_the_law_of_a_uniform_matching() {
    use crate::world::population::chi_square;
    let draws = 20_000u64;
    for (n, d) in [(3usize, 2usize), (4, 1), (4, 2), (3, 3)] {
        let law = erased_graph_law(n, d);
        let mut seen = BTreeMap::new();
        for seed in 0..draws {
            let g = configuration(n, &Distribution::fixed(d as f64), &Keys::new(seed, 7));
            let mut edges: Vec<(u32, u32)> = g.edge_list().collect();
            edges.sort_unstable();
            *seen.entry(edges).or_insert(0u64) += 1;
        }
        assert!(
            seen.keys().all(|k| law.contains_key(k)),
            "{n} persons of degree {d}: a graph no matching gives: {seen:?}"
        );
        let observed: Vec<u64> = law
            .keys()
            .map(|k| seen.get(k).copied().unwrap_or(0))
            .collect();
        let expected: Vec<f64> = law.values().map(|p| p * draws as f64).collect();
        assert!(expected.iter().all(|&e| e >= 5.0), "{expected:?}");
        chi_square::assert_fits(
            &format!("graphs of {n} persons of degree {d}"),
            &observed,
            &expected,
        );
    }
}

#[test]
fn the_enumerated_law_has_the_counts_done_by_hand() {
    // 3 persons of degree 2: the triangle in 8 matchings of 15, one loop and a double edge
    // (the other two persons joined once) in 2 for each looped person, three loops in 1.
    let law = erased_graph_law(3, 2);
    assert_eq!(law.len(), 5);
    assert!((law[&vec![(0, 1), (0, 2), (1, 2)]] - 8.0 / 15.0).abs() < 1e-12);
    assert!((law[&vec![(1, 2)]] - 2.0 / 15.0).abs() < 1e-12);
    assert!((law[&Vec::new()] - 1.0 / 15.0).abs() < 1e-12);
    assert_eq!(all_matchings(8).len(), 105);
    assert_eq!(all_matchings(9).len(), 945);
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
