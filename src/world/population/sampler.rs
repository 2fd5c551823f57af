//! Drawing persons for contact lists: by network mix, then by popularity inside a network's block
//! ([`ContactSampler`]), without the same person twice on one list ([`PersonSet`]). Generation
//! draws users' initial lists with it and the engine draws contact additions, so both meet persons
//! with the same popularity law.

use crate::rng::{Stream, open01};
use crate::scenario::Scenario;
use std::ops::Range;

/// Running sums of `shares`: the cumulative shares [`pick`] chooses among.
pub(crate) fn cumulative(shares: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    shares
        .map(|s| {
            acc += s;
            acc
        })
        .collect()
}

/// Index of the first cumulative share above `u` (`None` past the last: "none of them").
pub(crate) fn pick(cumulative: &[f64], u: f64) -> Option<usize> {
    cumulative.iter().position(|&c| u < c)
}

/// Draws the person behind a new contact: network by a mix, then a person of that network's
/// block by popularity rank.
pub(crate) struct ContactSampler {
    blocks: Vec<Range<u32>>,
    /// `1 / (1 − s)` for popularity exponent `s`: rank = ⌊n·U^γ⌋ gives P(rank) ∝ rank^−s.
    gamma: f64,
}

impl ContactSampler {
    /// A sampler for `s`'s network mix over the given blocks.
    pub(crate) fn new(s: &Scenario, blocks: &[Range<u32>]) -> Self {
        ContactSampler {
            blocks: blocks.to_vec(),
            gamma: 1.0 / (1.0 - s.population.popularity_exponent),
        }
    }

    /// A person of `block` drawn by popularity rank.
    #[inline]
    pub(crate) fn in_block(&self, rng: &mut Stream, block: &Range<u32>) -> Option<u32> {
        let n = block.end - block.start;
        if n == 0 {
            return None;
        }
        let u = open01(rng);
        // Exponents 0 and 0.5 are common: spare them `powf`.
        let x = if self.gamma == 1.0 {
            u
        } else if self.gamma == 2.0 {
            u * u
        } else {
            u.powf(self.gamma)
        };
        Some(block.start + ((f64::from(n) * x) as u32).min(n - 1))
    }

    /// A person drawn by network from the cumulative `mix`, then by popularity.
    #[inline]
    pub(crate) fn draw(&self, rng: &mut Stream, mix: &[f64]) -> Option<u32> {
        let net = pick(mix, open01(rng)).unwrap_or(mix.len().checked_sub(1)?);
        self.in_block(rng, &self.blocks[net])
    }
}

/// A small reusable set of person ids (open addressing), for "never the same person twice on
/// one list" without a heap allocation per user.
#[derive(Default)]
pub(crate) struct PersonSet {
    slots: Vec<u32>,
    used: Vec<usize>,
}

impl PersonSet {
    const EMPTY: u32 = u32::MAX;

    /// Empties the set, keeping its memory.
    pub(crate) fn clear(&mut self) {
        for &i in &self.used {
            self.slots[i] = Self::EMPTY;
        }
        self.used.clear();
    }

    /// Inserts `p`; `false` if it was already there.
    pub(crate) fn insert(&mut self, p: u32) -> bool {
        if (self.used.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (p.wrapping_mul(0x9E37_79B9) as usize) & mask;
        loop {
            match self.slots[i] {
                Self::EMPTY => {
                    self.slots[i] = p;
                    self.used.push(i);
                    return true;
                }
                q if q == p => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Whether `p` is in the set.
    pub(crate) fn contains(&self, p: u32) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut i = (p.wrapping_mul(0x9E37_79B9) as usize) & mask;
        loop {
            match self.slots[i] {
                Self::EMPTY => return false,
                q if q == p => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let items: Vec<u32> = self.used.iter().map(|&i| self.slots[i]).collect();
        let size = (self.slots.len() * 2).max(64);
        self.slots = vec![Self::EMPTY; size];
        self.used.clear();
        for p in items {
            self.insert(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_set_rejects_duplicates_and_clears() {
        let mut s = PersonSet::default();
        for p in 0..1000 {
            assert!(s.insert(p * 7));
        }
        assert!(!s.insert(14));
        assert!(s.contains(21) && !s.contains(22));
        s.clear();
        assert!(!s.contains(21));
        assert!(s.insert(21));
    }
}
