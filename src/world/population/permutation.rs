//! Keyed pseudo-random permutations and pairings of `0..n`, computed from a key, never stored:
//! any index maps to its image (and back) by arithmetic alone, so every thread and rank computes
//! the same images without a table or a message.
//!
//! Both are a Feistel network on a mixed-radix domain `Z_A × Z_B` (`B = 2^k`, `A·B ≥ n`, the
//! smallest such `A`): an index is its high part (below `A`) and its low `k` bits, and each round
//! adds a keyed hash of one part to the other, modulo that part's size. The domain exceeds `n` by
//! less than `B ≈ √n`, so the permutation's cycle walking (applying it again while the image is
//! past `n`) almost never walks, where a domain of a power of four can be four times `n` and walks
//! on most indices, with the branch mispredicted. The rounds work on `u32` halves with `u32`
//! multiplies, and the batch forms (`*_lanes`) are written so that they compile to vector
//! instructions where the caller enables them; every form gives the same bits.
//!
//! A Feistel network is far from uniform on a tiny domain (its round functions then have few
//! values to choose from: the 15 matchings of 6 elements came out 1 to 4.7 times as often as each
//! other with four rounds, 1 to 2.2 with six), so up to [`EXACT`] elements both are tables drawn
//! by a keyed Fisher–Yates shuffle, which is exactly uniform. Above, six rounds: with four, a
//! pairing's partners share their parity about `1/A` more often than a uniform matching's (the
//! tests measure it), because the round functions' collisions let a flipped bit through.
//!
//! Not owned here: which generator maps what (`super::configuration`, `super::barabasi_albert`).

use crate::rng::{Keys, Kind};

/// Rounds of the Feistel network (even: each round swaps the parts' roles).
const ROUNDS: usize = 6;
/// Up to this many elements, permutations and pairings are tables (4 to 8 bytes an element).
pub(crate) const EXACT: u64 = 1 << 14;

/// A 32-bit hash with good avalanche (Wellons' "lowbias32"): the round function's core.
#[inline(always)]
fn hash32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

/// `(u + v) mod m` for `u, v < m ≤ 2^31`, without a branch.
#[inline(always)]
fn add_mod(u: u32, v: u32, m: u32) -> u32 {
    let y = u + v;
    y.min(y.wrapping_sub(m))
}

/// `(u − v) mod m` for `u, v < m ≤ 2^31`, without a branch.
#[inline(always)]
fn sub_mod(u: u32, v: u32, m: u32) -> u32 {
    let y = u.wrapping_sub(v);
    y.min(y.wrapping_add(m))
}

/// What the Feistel network computes of an index.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// Its image.
    Apply,
    /// The index whose image it is.
    Invert,
    /// Its partner under the pairing ([`Pairing`]).
    Pair,
}

/// The Feistel network on `Z_A × Z_{2^k}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Feistel {
    /// `k`: the low part's bits.
    low_bits: u32,
    /// `A`: the size of the high part.
    high: u32,
    keys: [u32; ROUNDS],
}

impl Feistel {
    /// The network on the smallest mixed-radix domain of at least `n` elements (`n ≤ 2^62`).
    fn new(n: u64, keys: &Keys, salt: u64) -> Self {
        assert!(n <= 1 << 62, "a permutation of {n} elements");
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let low_bits = bits.div_ceil(2).max(1);
        let high = n.div_ceil(1 << low_bits).max(1) as u32;
        let mut rng = keys.stream(Kind::Replication, salt, 0x9e37);
        let keys = std::array::from_fn(|_| rand::Rng::next_u32(&mut rng));
        Feistel {
            low_bits,
            high,
            keys,
        }
    }

    /// `A · 2^k`, the domain's size.
    fn domain(&self) -> u64 {
        u64::from(self.high) << self.low_bits
    }

    fn low(&self) -> u32 {
        1 << self.low_bits
    }

    /// Round `i`'s keyed function of `w`, onto `0..m`.
    #[inline(always)]
    fn f(&self, i: usize, w: u32, m: u32) -> u32 {
        ((u64::from(hash32(w ^ self.keys[i])) * u64::from(m)) >> 32) as u32
    }

    /// What `way` gives of each of `xs` (below the domain), lane by lane in the same steps, so
    /// that the loops become vector instructions where the caller enables them.
    ///
    /// Round `i` takes the state `(u, w)`, whose parts have sizes `(mu, mw)`, to
    /// `(w, u + f_i(w) mod mu)`: the sizes swap each round, and after an even number of rounds
    /// the state is (high part, low part) again. The pairing is `apply⁻¹ ∘ flip ∘ apply`, where
    /// `flip` moves the output's low part by half its range; the last round adds to that low
    /// part alone, so it commutes with `flip` and cancels: the partner is `ROUNDS − 1` rounds
    /// forward, a flip of the top bit of the state's first part (of size `2^k` after an odd
    /// number of rounds), and those rounds back.
    #[inline(always)]
    fn lanes<const L: usize>(&self, xs: &mut [u64; L], way: Way) {
        let mut u = [0u32; L];
        let mut w = [0u32; L];
        for i in 0..L {
            u[i] = (xs[i] >> self.low_bits) as u32;
            w[i] = (xs[i] as u32) & (self.low() - 1);
        }
        let (mut mu, mut mw) = (self.high, self.low());
        let forward = match way {
            Way::Apply => ROUNDS,
            Way::Invert => 0,
            Way::Pair => ROUNDS - 1,
        };
        for r in 0..forward {
            for i in 0..L {
                let y = add_mod(u[i], self.f(r, w[i], mu), mu);
                u[i] = w[i];
                w[i] = y;
            }
            std::mem::swap(&mut mu, &mut mw);
        }
        if way == Way::Pair {
            for x in &mut u {
                *x ^= self.low() >> 1;
            }
        }
        let backward = match way {
            Way::Apply => 0,
            Way::Invert => ROUNDS,
            Way::Pair => ROUNDS - 1,
        };
        for r in (0..backward).rev() {
            // The state (u, w) came from (w − f_r(u) mod mw, u).
            for i in 0..L {
                let x = sub_mod(w[i], self.f(r, u[i], mw), mw);
                w[i] = u[i];
                u[i] = x;
            }
            std::mem::swap(&mut mu, &mut mw);
        }
        for i in 0..L {
            xs[i] = (u64::from(u[i]) << self.low_bits) | u64::from(w[i]);
        }
    }

    /// What `way` gives of one index.
    #[inline(always)]
    fn one(&self, x: u64, way: Way) -> u64 {
        let mut xs = [x];
        self.lanes(&mut xs, way);
        xs[0]
    }
}

/// A keyed shuffle of `0..n` (Fisher–Yates on a keyed stream): exactly uniform.
fn shuffled(n: u64, keys: &Keys, salt: u64) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut rng = keys.stream(Kind::Replication, salt, 0x0e9a);
    for i in (1..order.len()).rev() {
        let j = crate::rng::uniform_int(&mut rng, 0, i as i64) as usize;
        order.swap(i, j);
    }
    order
}

/// How a permutation is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Map {
    /// The Feistel network with cycle walking.
    Feistel(Feistel),
    /// Images and preimages (up to [`EXACT`] elements).
    Table {
        images: Vec<u32>,
        preimages: Vec<u32>,
    },
}

/// A keyed pseudo-random permutation of `0..n`: the Feistel network, applied again while the
/// image is `n` or more (cycle walking, which stays inside `0..n` and keeps a bijection); a table
/// for small `n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permutation {
    n: u64,
    map: Map,
}

impl Permutation {
    /// The permutation of `0..n` keyed by `keys` and `salt`.
    pub(crate) fn new(n: u64, keys: &Keys, salt: u64) -> Self {
        let map = if n <= EXACT {
            let images = shuffled(n, keys, salt);
            let mut preimages = vec![0u32; images.len()];
            for (i, &y) in images.iter().enumerate() {
                preimages[y as usize] = i as u32;
            }
            Map::Table { images, preimages }
        } else {
            Map::Feistel(Feistel::new(n, keys, salt))
        };
        Permutation { n, map }
    }

    /// The image of `i` (`i < n`).
    #[cfg(test)]
    pub(crate) fn apply(&self, i: u64) -> u64 {
        self.one(i, Way::Apply)
    }

    /// The `i` whose image is `y` (`y < n`): the walk of [`Permutation::apply`] backwards.
    #[cfg(test)]
    pub(crate) fn invert(&self, y: u64) -> u64 {
        self.one(y, Way::Invert)
    }

    #[cfg(test)]
    fn one(&self, x: u64, way: Way) -> u64 {
        let mut xs = [x];
        self.lanes(&mut xs, way);
        xs[0]
    }

    /// Each of `xs` (all below `n`) replaced by its image, lanes at once.
    #[inline(always)]
    pub(crate) fn apply_lanes<const L: usize>(&self, xs: &mut [u64; L]) {
        self.lanes(xs, Way::Apply);
    }

    /// Each of `ys` (all below `n`) replaced by its preimage, lanes at once.
    #[inline(always)]
    pub(crate) fn invert_lanes<const L: usize>(&self, ys: &mut [u64; L]) {
        self.lanes(ys, Way::Invert);
    }

    #[inline(always)]
    fn lanes<const L: usize>(&self, xs: &mut [u64; L], way: Way) {
        match &self.map {
            Map::Feistel(f) => {
                f.lanes(xs, way);
                for x in xs.iter_mut() {
                    // Rare (the domain exceeds n by less than √n): the walk goes on one lane
                    // at a time.
                    while *x >= self.n {
                        *x = f.one(*x, way);
                    }
                }
            }
            Map::Table { images, preimages } => {
                let table = if way == Way::Apply { images } else { preimages };
                for x in xs.iter_mut() {
                    *x = u64::from(table[*x as usize]);
                }
            }
        }
    }
}

/// How a pairing is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pairs {
    /// The Feistel network's pairing, with each orphan and its partner (`u64::MAX` for the one
    /// left alone), sorted by orphan.
    Feistel {
        feistel: Feistel,
        orphans: Vec<(u64, u64)>,
    },
    /// Each element's partner (`u32::MAX`: alone), up to [`EXACT`] elements.
    Table(Vec<u32>),
}

/// A keyed pseudo-random perfect matching of `0..n` (one element left alone when `n` is odd):
/// the Feistel network's pairing on its whole domain, where an element paired with one past `n`
/// (an orphan: fewer than `2·√n` of them) is paired again, among the orphans, by a keyed
/// shuffle; for small `n`, consecutive elements of a keyed shuffle.
///
/// Uniform if the network is a uniform permutation: the pairing on the domain is then a uniform
/// perfect matching, and re-pairing the orphans uniformly keeps the matching's law invariant
/// under every permutation of `0..n`, which only the uniform law on matchings is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pairing {
    n: u64,
    pairs: Pairs,
}

impl Pairing {
    /// The pairing of `0..n` keyed by `keys` and `salt`.
    pub(crate) fn new(n: u64, keys: &Keys, salt: u64) -> Self {
        let pairs = if n <= EXACT {
            let order = shuffled(n, keys, salt);
            let mut partner = vec![u32::MAX; order.len()];
            for pair in order.chunks_exact(2) {
                partner[pair[0] as usize] = pair[1];
                partner[pair[1] as usize] = pair[0];
            }
            Pairs::Table(partner)
        } else {
            let feistel = Feistel::new(n, keys, salt);
            let found: Vec<u64> = (n..feistel.domain())
                .map(|x| feistel.one(x, Way::Pair))
                .filter(|&t| t < n)
                .collect();
            let mut orphans = Vec::with_capacity(found.len());
            let order = shuffled(found.len() as u64, keys, salt ^ 0x0e9a);
            let mut found: Vec<u64> = order.iter().map(|&i| found[i as usize]).collect();
            for pair in found.chunks(2) {
                match *pair {
                    [a, b] => orphans.extend([(a, b), (b, a)]),
                    [a] => orphans.push((a, u64::MAX)),
                    _ => {}
                }
            }
            found.clear();
            orphans.sort_unstable();
            Pairs::Feistel { feistel, orphans }
        };
        Pairing { n, pairs }
    }

    /// The element paired with `t` (`t < n`), `None` for the one left alone.
    #[cfg(test)]
    pub(crate) fn partner(&self, t: u64) -> Option<u64> {
        let mut ts = [t];
        self.partner_lanes(&mut ts);
        (ts[0] != u64::MAX).then_some(ts[0])
    }

    /// Each of `ts` (all below `n`) replaced by its partner, `u64::MAX` for none.
    #[inline(always)]
    pub(crate) fn partner_lanes<const L: usize>(&self, ts: &mut [u64; L]) {
        match &self.pairs {
            Pairs::Feistel { feistel, orphans } => {
                let kept = *ts;
                feistel.lanes(ts, Way::Pair);
                for (x, t) in ts.iter_mut().zip(kept) {
                    if *x >= self.n {
                        *x = orphan(orphans, t);
                    }
                }
            }
            Pairs::Table(partner) => {
                for t in ts.iter_mut() {
                    let p = partner[*t as usize];
                    *t = if p == u32::MAX {
                        u64::MAX
                    } else {
                        u64::from(p)
                    };
                }
            }
        }
    }
}

/// The partner of orphan `t` (`u64::MAX`: alone).
#[cold]
fn orphan(orphans: &[(u64, u64)], t: u64) -> u64 {
    let i = orphans.partition_point(|&(o, _)| o < t);
    debug_assert_eq!(orphans[i].0, t);
    orphans[i].1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lanes of the tests of the batch forms.
    const LANES: usize = 16;

    /// Sizes on both sides of [`EXACT`], with domains that exceed them by little and by much.
    const SIZES: [u64; 9] = [1, 2, 3, 10, 1000, EXACT, EXACT + 1, 70_001, 131_072];

    #[test]
    fn permutation_is_a_bijection_and_its_batch_form_agrees() {
        let keys = Keys::new(3, 0);
        for n in SIZES {
            let p = Permutation::new(n, &keys, 1);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i) as usize;
                assert!(!seen[j], "n = {n}: {j} hit twice");
                seen[j] = true;
                assert_eq!(p.invert(j as u64), i, "n = {n}");
            }
            let mut lanes: [u64; LANES] = std::array::from_fn(|i| (i as u64 * 7919) % n);
            let want = lanes.map(|x| p.apply(x));
            p.apply_lanes(&mut lanes);
            assert_eq!(lanes, want, "n = {n}");
            p.invert_lanes(&mut lanes);
            assert_eq!(lanes, want.map(|y| p.invert(y)), "n = {n}");
        }
    }

    #[test]
    fn the_domain_exceeds_n_by_less_than_its_low_part() {
        for n in [
            2u64,
            5,
            64,
            65,
            1 << 20,
            (1 << 20) + 1,
            189_808_000,
            2_687_000_000,
        ] {
            let f = Feistel::new(n, &Keys::new(1, 0), 0);
            assert!(
                f.domain() >= n && f.domain() - n < u64::from(f.low()),
                "n = {n}"
            );
        }
    }

    #[test]
    fn pairing_is_a_perfect_matching() {
        let keys = Keys::new(4, 1);
        for n in SIZES {
            let p = Pairing::new(n, &keys, 9);
            let mut alone = 0;
            for t in 0..n {
                match p.partner(t) {
                    Some(u) => {
                        assert!(u < n && u != t, "n = {n}: {t} ↔ {u}");
                        assert_eq!(p.partner(u), Some(t), "n = {n}");
                    }
                    None => alone += 1,
                }
            }
            assert_eq!(alone, n % 2, "n = {n}");
            let mut lanes: [u64; LANES] = std::array::from_fn(|i| (i as u64 * 7919) % n);
            let want = lanes.map(|t| p.partner(t).unwrap_or(u64::MAX));
            p.partner_lanes(&mut lanes);
            assert_eq!(lanes, want, "n = {n}");
        }
    }

    /// The chi-square statistic of `counts` against equal expected counts.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum()
    }

    /// Over many keys, each of the 15 perfect matchings of 6 elements comes out equally often, and
    /// element 0 of 9 (an odd count: one left alone) is paired with each other one, or left alone,
    /// equally often. Chi-square at the 0.1 % level (14 and 8 degrees of freedom: 36.1 and 26.1),
    /// fixed keys. (The Feistel network fails the first by far: see the module's notes.)
    #[test]
    fn pairings_are_uniform_on_small_sets() {
        let draws = 30_000u64;
        let mut matchings = std::collections::BTreeMap::new();
        let mut of_zero = [0u64; 9];
        for seed in 0..draws {
            let keys = Keys::new(seed, 7);
            let p = Pairing::new(6, &keys, 3);
            let m: Vec<u64> = (0..6).map(|t| p.partner(t).unwrap_or(99)).collect();
            *matchings.entry(m).or_insert(0u64) += 1;
            let q = Pairing::new(9, &keys, 4);
            of_zero[q.partner(0).map_or(0, |u| u as usize)] += 1;
        }
        assert_eq!(matchings.len(), 15, "{matchings:?}");
        let counts: Vec<u64> = matchings.values().copied().collect();
        let chi = chi_square(&counts);
        assert!(
            chi < 36.1,
            "matchings of 6: chi-square {chi:.1}, {counts:?}"
        );
        let chi = chi_square(&of_zero);
        assert!(
            chi < 26.1,
            "partner of 0 among 9: chi-square {chi:.1}, {of_zero:?}"
        );
    }

    /// The Feistel network's pairing just above [`EXACT`] looks like a uniform matching in what
    /// its structure could give away: how often partners share their high part, their low part,
    /// their parity, and how close the partners of consecutive elements are, averaged over 400
    /// keys, each within 4.5 standard errors (measured over the keys) of its value for a uniform
    /// matching. With four rounds the parity was 11.7 standard errors off at this size.
    #[test]
    fn feistel_pairings_show_no_structure() {
        let n = EXACT + 4_001;
        let keys_count = 400;
        let mut stats: [Vec<f64>; 4] = Default::default();
        let mut expect = [0.0; 4];
        for seed in 0..keys_count {
            let p = Pairing::new(n, &Keys::new(seed, 1), 5);
            let Pairs::Feistel { feistel: f, .. } = &p.pairs else {
                panic!("a table above EXACT")
            };
            let (b, k) = (u64::from(f.low()), f.low_bits);
            let mut counts = [0u64; 4];
            let partners: Vec<u64> = (0..n).map(|t| p.partner(t).unwrap_or(t)).collect();
            for t in 0..n {
                let u = partners[t as usize];
                if u == t {
                    continue;
                }
                counts[0] += u64::from(u >> k == t >> k);
                counts[1] += u64::from(u % b == t % b);
                counts[2] += u64::from(u % 2 == t % 2);
                if t + 1 < n {
                    counts[3] += u64::from(u.abs_diff(partners[t as usize + 1]) < n / 16);
                }
            }
            let nn = n as f64;
            for (s, c) in stats.iter_mut().zip(counts) {
                s.push(c as f64 / nn);
            }
            // Same high part: the other elements of t's row (all rows full but the last).
            let full = (n / b) as f64;
            let last = (n % b) as f64;
            let same_high = (full * b as f64 * (b as f64 - 1.0) + last * (last - 1.0)) / nn;
            let same_low = (0..b)
                .map(|l| {
                    let c = ((n - l).div_ceil(b)) as f64;
                    c * (c - 1.0)
                })
                .sum::<f64>()
                / nn;
            let evens = nn.div_euclid(2.0) + nn.rem_euclid(2.0);
            let odds = nn - evens;
            let same_parity = (evens * (evens - 1.0) + odds * (odds - 1.0)) / nn;
            // Two independent uniform partners closer than n/16: 2w/n − (w/n)², w = n/16.
            let w = (n / 16) as f64 / nn;
            expect = [
                same_high / (nn - 1.0),
                same_low / (nn - 1.0),
                same_parity / (nn - 1.0),
                (2.0 * w - w * w) * (nn - 1.0) / nn,
            ];
        }
        for (i, (s, e)) in stats.iter().zip(expect).enumerate() {
            let m = s.iter().sum::<f64>() / s.len() as f64;
            let var = s.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (s.len() as f64 - 1.0);
            let z = (m - e) / (var / s.len() as f64).sqrt();
            assert!(
                z.abs() < 4.5,
                "statistic {i}: {m:.6} against {e:.6} (z {z:+.1})"
            );
        }
    }
}
