//! Random streams keyed by entity, so that any range of users, persons or edges can be generated on
//! its own, by any thread or process, and give the same numbers.
//!
//! A stream is identified by `(seed, replication, kind, id, sub)`. The key is hashed with the
//! SplitMix64 finaliser into a 128-bit state for `rand_pcg::Pcg64Mcg` (PCG XSL-RR 128/64, MCG
//! variant), a small, fast, portable generator whose output `rand_pcg` documents as stable.
//! ChaCha8 was the alternative: equally portable, but seeding it per entity costs a 256-byte block
//! before the first draw, which at 10^8 entities is most of a run.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The generator every draw in picsim comes from.
pub type Stream = Pcg64Mcg;

/// Name of the generator, as recorded in `manifest.json`.
pub(crate) const ALGORITHM: &str =
    "PCG64-MCG (rand_pcg 0.10), one stream per (seed, replication, kind, id) via SplitMix64";

/// What an entity stream belongs to; part of every key, so that kinds never share a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Kind {
    /// An organisation's attributes.
    Org = 1,
    /// A Lync user's attributes and initial contact list.
    User = 2,
    /// A person's accounts, activity class and popularity.
    Person = 3,
    /// A person's draws for one migration (`sub` = migration index).
    Migration = 4,
    /// An entry's recovery draws (`sub` = loss number).
    Recovery = 5,
    /// A user's contact-adding process.
    Adding = 6,
    /// A contact edge of the persons' graph.
    Edge = 7,
    /// A whole-replication sequential stream (e.g. a graph generator).
    Replication = 8,
    /// A calibration's proposal (`id` = its slot; the replication is the generation).
    Calibration = 9,
}

#[inline]
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed and replication that every stream of one replication shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    base: u64,
}

impl Keys {
    /// Keys for replication `replication` of a scenario seeded with `seed`.
    pub fn new(seed: u64, replication: u32) -> Self {
        Keys {
            base: splitmix(
                splitmix(seed) ^ u64::from(replication).wrapping_mul(0xD6E8_FEB8_6659_FD93),
            ),
        }
    }

    /// The stream of entity `id` of `kind`, sub-stream `sub` (0 when an entity needs one stream).
    #[inline]
    pub(crate) fn stream(&self, kind: Kind, id: u64, sub: u64) -> Stream {
        let a = splitmix(self.base ^ (kind as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let b = splitmix(a ^ id);
        let hi = splitmix(b ^ sub.wrapping_mul(0xE703_7ED1_A0B4_28DB));
        let lo = splitmix(hi ^ 0x8EBC_6AF0_9C88_C6E3);
        Pcg64Mcg::new((u128::from(hi) << 64) | u128::from(lo))
    }

    /// A counter-based source of single draws for many entities of one kind: one uniform per
    /// `id`, from two hash rounds, for hot loops where building a [`Stream`] per entity costs
    /// too much (contact edges in contagion). Keyed like [`Keys::stream`] by (seed, replication,
    /// kind, sub), then by the id.
    pub(crate) fn draws(&self, kind: Kind, sub: u64) -> Draws {
        let a = splitmix(self.base ^ (kind as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        Draws {
            base: splitmix(a ^ sub.wrapping_mul(0xE703_7ED1_A0B4_28DB) ^ 0x5851_F42D_4C95_7F2D),
        }
    }
}

/// One uniform draw per id; see [`Keys::draws`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Draws {
    base: u64,
}

impl Draws {
    /// The draw of `id`, uniform in the open interval (0, 1): output `id` of SplitMix64 seeded
    /// with the key (a counter-based generator).
    #[inline]
    pub(crate) fn uniform(&self, id: u64) -> f64 {
        let h = splitmix(
            self.base
                .wrapping_add(id.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        );
        ((h >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
}

/// A uniform draw in the open interval (0, 1): never 0, so `ln` is always finite.
#[inline]
pub fn open01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// An exponential waiting time with the given mean (in whatever unit the mean is in).
#[inline]
pub(crate) fn exponential<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    -open01(rng).ln() * mean
}

/// A uniform integer in `lo..=hi` (`lo ≤ hi`), by Lemire's multiply-shift (bias < 2^-32 for the
/// ranges picsim uses, far below Monte Carlo noise).
#[inline]
pub fn uniform_int<R: Rng + ?Sized>(rng: &mut R, lo: i64, hi: i64) -> i64 {
    debug_assert!(lo <= hi);
    let span = (hi - lo) as u64 + 1;
    lo + ((u128::from(rng.next_u64()) * u128::from(span)) >> 64) as i64
}

/// Seeds a stream from a plain `u64`, for the few places with no entity (tests, calibration).
pub fn plain(seed: u64) -> Stream {
    Pcg64Mcg::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_depend_on_every_part_of_the_key() {
        let k = Keys::new(7, 0);
        let first = |mut s: Stream| s.next_u64();
        let base = first(k.stream(Kind::User, 5, 0));
        assert_eq!(base, first(Keys::new(7, 0).stream(Kind::User, 5, 0)));
        assert_ne!(base, first(k.stream(Kind::User, 6, 0)));
        assert_ne!(base, first(k.stream(Kind::Person, 5, 0)));
        assert_ne!(base, first(k.stream(Kind::User, 5, 1)));
        assert_ne!(base, first(Keys::new(7, 1).stream(Kind::User, 5, 0)));
        assert_ne!(base, first(Keys::new(8, 0).stream(Kind::User, 5, 0)));
    }

    #[test]
    fn draws_are_uniform_and_keyed() {
        let d = Keys::new(1, 0).draws(Kind::Edge, 0);
        assert_eq!(
            d.uniform(42),
            Keys::new(1, 0).draws(Kind::Edge, 0).uniform(42)
        );
        assert_ne!(
            d.uniform(42),
            Keys::new(1, 0).draws(Kind::Edge, 1).uniform(42)
        );
        assert_ne!(
            d.uniform(42),
            Keys::new(1, 1).draws(Kind::Edge, 0).uniform(42)
        );
        let n = 200_000u64;
        let mut buckets = [0u32; 10];
        for id in 0..n {
            let u = d.uniform(id);
            assert!(u > 0.0 && u < 1.0);
            buckets[(u * 10.0) as usize] += 1;
        }
        // Each bucket is Binomial(200000, 0.1): sd ≈ 134; allow 5 sd around 20000.
        assert!(
            buckets.iter().all(|&b| (i64::from(b) - 20_000).abs() < 670),
            "{buckets:?}"
        );
    }

    #[test]
    fn open01_mean_and_range() {
        let mut rng = plain(1);
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = open01(&mut rng);
            assert!(u > 0.0 && u < 1.0);
            sum += u;
        }
        // Var(U) = 1/12: the mean of n draws has sd 0.289/sqrt(n) ≈ 0.00065; allow 5 sd.
        assert!((sum / n as f64 - 0.5).abs() < 0.0033);
    }

    #[test]
    fn uniform_int_covers_its_range_evenly() {
        let mut rng = plain(2);
        let mut counts = [0u32; 5];
        for _ in 0..50_000 {
            counts[(uniform_int(&mut rng, 3, 7) - 3) as usize] += 1;
        }
        // Each count is Binomial(50000, 0.2): sd ≈ 89; allow 5 sd around 10000.
        assert!(
            counts.iter().all(|&c| (c as i64 - 10_000).abs() < 450),
            "{counts:?}"
        );
    }
}
