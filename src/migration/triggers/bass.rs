//! `trigger = "bass"`: SI contagion over the persons' contact graph, computed exactly as
//! first-passage times.
//!
//! From `window.from` (time 0), each eligible person adopts spontaneously after an Exp(p) waiting
//! time (p per year), and each contact who has adopted by the same migration passes it on after an
//! Exp(q / ⟨k⟩) waiting time on their shared edge. With exponential waiting times the adoption time
//! of every person is the length of the shortest path to it from a virtual source that has an
//! edge of weight Exp(p) to every person (0 to initial adopters) — so one shortest-path search
//! gives every adoption time, with no time steps. With `forced_by`, the search stops at the
//! forced day: every later adopter is switched over on it whatever its own time.
//!
//! Every random time is drawn from a stream keyed by the person or by the undirected edge (its two
//! endpoints), never by processing order: the times do not depend on how the graph is stored, split
//! or traversed, and a shortest-path length does not depend on the order paths are explored.
//! The search itself is [`crate::migration::first_passage`]'s, on one process or over the ranks of a split
//! replication.

use crate::comm::Partition;
use crate::day::Day;
use crate::migration::days::{NEVER, OUTSIDE};
use crate::migration::first_passage::{Search, distributed_first_passage, first_passage, smallest};
use crate::migration::trigger::{Assign, AssignContext, Draw};
use crate::rng::{Draws, Keys, Kind, exponential, open01};
use crate::scenario::InitialAdopters;
use crate::world::population::Person;
use rayon::prelude::*;

/// Days in a year, for rates given per year (`docs/model.md`).
pub(crate) const DAYS_PER_YEAR: f64 = 365.0;

/// The `bass` trigger of one migration.
pub(crate) struct Bass {
    /// The migration's `forced_by` day, after which no adoption time changes a day.
    pub(crate) forced_by: Option<Day>,
    /// First day of the contagion.
    pub(crate) from: Day,
    /// Spontaneous adoption rate, per year.
    pub(crate) p: f64,
    /// Bass imitation coefficient, per year (per contact: q / ⟨k⟩).
    pub(crate) q: f64,
    /// Persons adopting on `from`.
    pub(crate) initial: InitialAdopters,
}

/// The random waiting time on the undirected edge `{a, b}`, in days, for a per-contact rate of
/// `rate_per_day`: keyed by the two endpoints (in increasing order) through `draws`, which is
/// keyed by the seed, replication and migration.
#[inline]
pub(crate) fn edge_days(draws: &Draws, a: u32, b: u32, rate_per_day: f64) -> f32 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (-draws.uniform((u64::from(lo) << 32) | u64::from(hi)).ln() / rate_per_day) as f32
}

impl Bass {
    /// When a person eligible from day `e` who signs in at `sign_in_rate` can adopt, in days
    /// after `from`: never (infinite) outside the population or for dormant persons (they never
    /// sign in to adopt, and pass nothing on).
    #[inline]
    pub(crate) fn opening(&self, e: Day, sign_in_rate: f64) -> f64 {
        if e == OUTSIDE || sign_in_rate <= 0.0 {
            f64::INFINITY
        } else {
            f64::from((e.max(self.from) - self.from).max(0))
        }
    }

    /// Person `p`'s draws for migration `index`: a key for choosing initial adopters, then the
    /// spontaneous waiting time in days.
    #[inline]
    pub(crate) fn person_draws(&self, keys: &Keys, index: usize, p: u32) -> (f64, f64) {
        let mut rng = keys.stream(Kind::Migration, u64::from(p), index as u64);
        let key = open01(&mut rng);
        let spontaneous = if self.p > 0.0 {
            exponential(&mut rng, DAYS_PER_YEAR / self.p)
        } else {
            f64::INFINITY
        };
        (key, spontaneous)
    }

    /// The per-contact rate per day, q/⟨k⟩/365 (`None` without word of mouth).
    pub(crate) fn contact_rate(&self, mean_degree: f64) -> Option<f64> {
        (self.q > 0.0 && mean_degree > 0.0).then(|| self.q / mean_degree / DAYS_PER_YEAR)
    }

    /// The migration day of a person eligible from `e` who adopts `time` days after `from`.
    #[inline]
    pub(crate) fn day_of(&self, e: Day, time: f32) -> Day {
        if e == OUTSIDE {
            OUTSIDE
        } else if time.is_finite() && f64::from(time) < f64::from(NEVER / 2) {
            self.from + f64::from(time).ceil() as Day
        } else {
            NEVER
        }
    }

    /// The source time of a person: 0 for an initial adopter, else opening plus spontaneous
    /// waiting time (NaN for a person who can never adopt).
    #[inline]
    pub(crate) fn source(initial: bool, open: f64, spontaneous: f64) -> f32 {
        if !open.is_finite() {
            f32::NAN
        } else if initial {
            0.0
        } else {
            (open + spontaneous) as f32
        }
    }

    /// The search's horizon: days after `from` beyond which adoption times need not be known,
    /// because `forced_by` switches every person still waiting over by then. A person adopting
    /// later than `f − from` days would get a day after `f`, and the assigner's `forced_by` turns
    /// any such day into `max(f, eligibility)`, the same day whatever the time.
    pub(crate) fn horizon(&self) -> f32 {
        match self.forced_by {
            Some(f) => (f - self.from).max(0) as f32,
            None => f32::INFINITY,
        }
    }
}

impl Assign for Bass {
    fn day(&self, _: &Draw, _: u32, _: Person, _: Day) -> Option<Day> {
        None
    }

    fn coupled(&self) -> bool {
        true
    }

    fn assign(&self, ctx: &AssignContext, out: &mut [Day]) {
        let classes = &ctx.draw.scenario.population.activity;
        let (keys, index, first) = (ctx.draw.keys, ctx.draw.index, ctx.owned.start);
        // The context's partition may not be shared across threads: borrow only what is.
        let (eligible, persons) = (ctx.eligible, ctx.persons);
        let n = persons.len();
        let opening =
            |k: usize| self.opening(eligible[k], classes[persons[k].class as usize].sign_in_rate);
        // Opening times are held only when some person opens late; otherwise every person who
        // can adopt at all can from time 0. Everything else is drawn again when needed rather
        // than kept: the search's times are the only array per person.
        let late = (0..n).into_par_iter().with_min_len(4096).any(|k| {
            let o = opening(k);
            o.is_finite() && o > 0.0
        });
        // Both arrays are read at random by the search: huge pages (see `huge_zeroed`).
        let open: Option<Vec<f32>> = late.then(|| {
            let mut open = crate::sys::huge_zeroed::<f32>(n);
            open.par_iter_mut()
                .enumerate()
                .with_min_len(4096)
                .for_each(|(k, o)| *o = opening(k) as f32);
            open
        });
        let key = |k: usize| self.person_draws(keys, index, first + k as u32).0;
        let initial = initial_adopters(ctx.partition, self.initial, n, &opening, &key, first);
        let mut source = crate::sys::huge_zeroed::<f32>(n);
        source
            .par_iter_mut()
            .enumerate()
            .with_min_len(4096)
            .for_each(|(k, s)| {
                let o = opening(k);
                let (key, spontaneous) = self.person_draws(keys, index, first + k as u32);
                *s = Self::source(initial.contains(k, o, key), o, spontaneous);
            });
        let times = match ctx
            .contacts
            .and_then(|c| self.contact_rate(c.mean_degree).map(|rate| (c.graph, rate)))
        {
            Some((graph, rate)) => {
                let edge_draws = keys.draws(Kind::Edge, index as u64);
                let search = Search {
                    graph,
                    open: open.as_deref(),
                    edge_time: |a: u32, b: u32| edge_days(&edge_draws, a, b, rate),
                    horizon: self.horizon(),
                };
                match ctx.partition.comm() {
                    None => first_passage(&search, source),
                    Some(comm) => {
                        let owner = ctx.partition.owners(ctx.persons_total);
                        distributed_first_passage(comm, ctx.owned.clone(), &owner, &search, source)
                    }
                }
            }
            None => source,
        };
        out.par_iter_mut()
            .enumerate()
            .for_each(|(k, d)| *d = self.day_of(eligible[k], times[k]));
    }
}

/// Who adopts on `from`.
enum Initial {
    /// Every person whose key is below the share.
    Share(f64),
    /// These persons (by position), sorted.
    Chosen(Vec<u32>),
}

impl Initial {
    /// Whether the person at position `k`, opening at `open` with key `key`, adopts on `from`:
    /// only persons open at time 0 can.
    fn contains(&self, k: usize, open: f64, key: f64) -> bool {
        open == 0.0
            && match self {
                Initial::Share(share) => key < *share,
                Initial::Chosen(chosen) => chosen.binary_search(&(k as u32)).is_ok(),
            }
    }
}

/// Which persons adopt on `from`: those eligible then (open at time 0), chosen by their keys —
/// every key below `share`, or the `count` smallest of every share of the replication — so the
/// choice depends neither on order nor on how persons are split. `n` persons, the first with id
/// `first`; `open` and `key` give a person's opening time and key by position.
fn initial_adopters(
    part: &Partition,
    initial: InitialAdopters,
    n: usize,
    open: &(impl Fn(usize) -> f64 + Sync),
    key: &(impl Fn(usize) -> f64 + Sync),
    first: u32,
) -> Initial {
    match initial {
        InitialAdopters::Share(share) => Initial::Share(share),
        InitialAdopters::Count(count) => {
            let count = count as usize;
            // The smallest keys of each block of persons, then of those: never a list of all.
            let local: Vec<(u64, u32)> = (0..n)
                .into_par_iter()
                .with_min_len(1 << 16)
                .fold(Vec::new, |mut kept: Vec<(u64, u32)>, k| {
                    if open(k) == 0.0 {
                        kept.push((key(k).to_bits(), first + k as u32));
                        if kept.len() >= 2 * count.max(512) {
                            kept = smallest(kept, count);
                        }
                    }
                    kept
                })
                .map(|kept| smallest(kept, count))
                .reduce(Vec::new, |mut a, b| {
                    a.extend(b);
                    smallest(a, count)
                });
            let candidates = part.all_gather(&local);
            let mut chosen: Vec<u32> = smallest(candidates, count)
                .into_iter()
                .filter(|&(_, p)| p >= first && ((p - first) as usize) < n)
                .map(|(_, p)| p - first)
                .collect();
            chosen.sort_unstable();
            Initial::Chosen(chosen)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A person who opens late is never an initial adopter, whatever its key; among persons open
    /// at time 0, a share takes keys below it and a count the chosen positions.
    #[test]
    fn only_persons_open_at_the_start_adopt_first() {
        let share = Initial::Share(0.5);
        assert!(share.contains(3, 0.0, 0.2));
        assert!(!share.contains(3, 0.0, 0.7));
        assert!(!share.contains(3, 4.0, 0.2));
        assert!(!share.contains(3, f64::INFINITY, 0.2));
        let chosen = Initial::Chosen(vec![1, 3]);
        assert!(chosen.contains(3, 0.0, 0.9) && !chosen.contains(2, 0.0, 0.0));
        assert!(!chosen.contains(3, 4.0, 0.9));
        // A late opener's source is its opening plus its own waiting time, not 0.
        assert_eq!(Bass::source(share.contains(3, 4.0, 0.2), 4.0, 1.5), 5.5);
    }
}
