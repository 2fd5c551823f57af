//! Contact adding: users adding entries for persons on a network through a provider, while the
//! provider serves their organisation for that network.
//!
//! Additions are a Poisson process per user and behaviour, run in continuous time over the days the
//! provider serves the organisation (and the behaviour's own window). The person added is drawn
//! from everyone who ever holds an account on the network: a home-network block is chosen in
//! proportion to how many of its persons ever hold one, then a person of that block by popularity
//! rank; draws are retried until the person has an active account that day (Microsoft-account
//! linked where the serving `reaches` item requires it) and is not already on the list.

use crate::day::{Day, Window};
use crate::migration::{NEVER, PersonSource};
use crate::rng::{Stream, exponential, open01};
use crate::scenario::{NetworkId, Scenario};
use crate::world::population::Population;
use crate::world::population::sampler::{ContactSampler, PersonSet};
use rayon::prelude::*;

/// Draws tried for one addition before it is given up (counted in the run's statistics).
pub(crate) const MAX_ATTEMPTS: u32 = 64;

/// Per network, how the persons who ever hold an account on it spread over home blocks.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    /// `cumulative[network]`: cumulative share of the pool per home block (empty: no pool).
    pub(crate) cumulative: Vec<Vec<f64>>,
}

impl Pools {
    /// Counts, for every network a behaviour adds on, who ever holds an account there.
    pub fn build(s: &Scenario, persons: &dyn PersonSource, range: std::ops::Range<u32>) -> Pools {
        Self::from_counts(s, &Self::counts(s, persons, range))
    }

    /// Per (network, home block), how many persons of `range` ever hold an account on the network
    /// (networks no behaviour adds on are not counted). Counts of disjoint ranges add up.
    pub(crate) fn counts(
        s: &Scenario,
        persons: &dyn PersonSource,
        range: std::ops::Range<u32>,
    ) -> Vec<u64> {
        let nets = s.networks.len();
        let wanted: Vec<bool> = (0..nets)
            .map(|n| {
                s.behaviours
                    .contact_adding
                    .iter()
                    .any(|b| b.network as usize == n)
            })
            .collect();
        if !wanted.iter().any(|w| *w) {
            return vec![0; nets * nets];
        }
        range
            .into_par_iter()
            .with_min_len(8192)
            .fold(
                || vec![0u64; nets * nets],
                |mut acc, p| {
                    let view = persons.view(p);
                    let gained: u16 = view
                        .migrations
                        .iter()
                        .zip(view.days.iter())
                        .filter(|(_, d)| **d < NEVER)
                        .fold(0, |g, (m, _)| g | 1 << m.to);
                    let ever = view.person.accounts | gained;
                    for (n, w) in wanted.iter().enumerate() {
                        if *w && ever & (1 << n) != 0 {
                            acc[n * nets + view.person.home as usize] += 1;
                        }
                    }
                    acc
                },
            )
            .reduce(
                || vec![0u64; nets * nets],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            )
    }

    /// The pools from their counts.
    pub(crate) fn from_counts(s: &Scenario, counts: &[u64]) -> Pools {
        let nets = s.networks.len();
        let cumulative = (0..nets)
            .map(|n| {
                let row = &counts[n * nets..(n + 1) * nets];
                let total: u64 = row.iter().sum();
                if total == 0 {
                    return Vec::new();
                }
                let mut acc = 0u64;
                row.iter()
                    .map(|c| {
                        acc += c;
                        acc as f64 / total as f64
                    })
                    .collect()
            })
            .collect();
        Pools { cumulative }
    }
}

/// Appends the days of one user's additions for one behaviour to `out`: a Poisson process of
/// `rate_per_day` run over the `serving` intervals (the continuous clock restarts at each
/// interval's first day; a waiting time x from day r takes effect on r + ⌈x⌉).
pub(crate) fn addition_days(
    rng: &mut Stream,
    rate_per_day: f64,
    serving: &[Window],
    out: &mut Vec<Day>,
) {
    if rate_per_day <= 0.0 {
        return;
    }
    let mean = 1.0 / rate_per_day;
    for w in serving {
        let mut x = 0.0;
        loop {
            x += exponential(rng, mean);
            let offset = x.ceil();
            if offset > f64::from(w.until - w.from) {
                break;
            }
            out.push(w.from + offset as Day);
        }
    }
}

/// Everything needed to draw the person behind an addition.
pub(crate) struct Drawer<'a> {
    /// The scenario.
    pub(crate) scenario: &'a Scenario,
    /// The population.
    pub(crate) population: &'a Population,
    /// Persons and their migration days.
    pub(crate) persons: &'a dyn PersonSource,
    /// Pools per network.
    pub(crate) pools: &'a Pools,
    /// Popularity sampler.
    pub(crate) sampler: &'a ContactSampler,
}

impl Drawer<'_> {
    /// One attempt's candidate: `None` if nobody can be drawn on `network` on `day` at all,
    /// `Some(None)` if this attempt drew nobody (an empty block).
    #[inline]
    fn attempt(&self, rng: &mut Stream, network: NetworkId, day: Day) -> Option<Option<u32>> {
        let cumulative = self.pools.cumulative.get(network as usize)?;
        if cumulative.is_empty()
            || !self.scenario.networks[network as usize]
                .window
                .contains(day)
        {
            return None;
        }
        let u = open01(rng);
        let block = cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(cumulative.len() - 1);
        Some(self.sampler.in_block(rng, &self.population.blocks[block]))
    }

    /// The person a first attempt would draw (for prefetching; no checks).
    #[inline]
    pub(crate) fn candidate(&self, rng: &mut Stream, network: NetworkId, day: Day) -> Option<u32> {
        self.attempt(rng, network, day).flatten()
    }

    /// A person with an active `network` account on `day` (linked if `needs_link`), not in
    /// `seen`; `None` after [`MAX_ATTEMPTS`] misses.
    pub(crate) fn draw(
        &self,
        rng: &mut Stream,
        network: NetworkId,
        day: Day,
        needs_link: bool,
        seen: &PersonSet,
    ) -> Option<u32> {
        for _ in 0..MAX_ATTEMPTS {
            let p = match self.attempt(rng, network, day)? {
                Some(p) => p,
                None => continue,
            };
            let view = self.persons.view(p);
            if view.held(network, day)
                && (!needs_link || view.linked(network, day))
                && !seen.contains(p)
            {
                return Some(p);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn additions_follow_a_poisson_process_over_serving_days() {
        let mut rng = crate::rng::plain(11);
        let serving = [Window::new(0, 99), Window::new(200, 299)];
        let mut total = 0usize;
        let runs = 2000;
        let mut out = Vec::new();
        for _ in 0..runs {
            out.clear();
            addition_days(&mut rng, 0.05, &serving, &mut out);
            assert!(out.iter().all(|d| serving.iter().any(|w| w.contains(*d))));
            // Days are not sorted across intervals only if an interval is revisited: they are.
            assert!(out.windows(2).all(|w| w[0] <= w[1]));
            total += out.len();
        }
        // Events in (0, 99] days from each interval start: Poisson mean 0.05·99 per interval, two
        // intervals: 9.9 per run; sd of the mean over 2000 runs ≈ sqrt(9.9/2000) ≈ 0.07.
        let mean = total as f64 / f64::from(runs);
        assert!((mean - 9.9).abs() < 0.35, "{mean}");
    }
}
