//! `trigger = "bass"`: SI contagion over the persons' contact graph, computed exactly as
//! first-passage times.
//!
//! From `window.from` (time 0), each eligible person adopts spontaneously after an Exp(p) waiting
//! time (p per year), and each contact who has adopted by the same migration passes it on after an
//! Exp(q / ⟨k⟩) waiting time on their shared edge. With exponential waiting times the adoption time
//! of every person is the length of the shortest path to it from a virtual source that has an
//! edge of weight Exp(p) to every person (0 to initial adopters) — so one Dijkstra pass gives every
//! adoption time, with no time steps. The priority queue is a radix heap on the bit patterns of
//! non-negative `f64` times (which order like the times), so a pass costs O(E + N·log C).
//!
//! Every random time is drawn from a stream keyed by the person or by the undirected edge (its two
//! endpoints), never by processing order: the times do not depend on how the graph is stored, split
//! or traversed, and a shortest-path length does not depend on the order paths are explored.
//! The search itself is [`crate::migration::first_passage`]'s, on one process or over the ranks of a split
//! replication.

use crate::comm::Partition;
use crate::day::Day;
use crate::migration::days::{NEVER, OUTSIDE};
use crate::migration::first_passage::{distributed_first_passage, first_passage, smallest};
use crate::migration::trigger::{Assign, AssignContext, Draw};
use crate::rng::{Draws, Keys, Kind, exponential, open01};
use crate::scenario::InitialAdopters;
use crate::world::population::Person;
use rayon::prelude::*;

/// Days in a year, for rates given per year (`docs/model.md`).
pub(crate) const DAYS_PER_YEAR: f64 = 365.0;

/// The `bass` trigger of one migration.
pub(crate) struct Bass {
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
pub(crate) fn edge_days(draws: &Draws, a: u32, b: u32, rate_per_day: f64) -> f64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    -draws.uniform((u64::from(lo) << 32) | u64::from(hi)).ln() / rate_per_day
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
    pub(crate) fn day_of(&self, e: Day, time: f64) -> Day {
        if e == OUTSIDE {
            OUTSIDE
        } else if time.is_finite() && time < f64::from(NEVER / 2) {
            self.from + time.ceil() as Day
        } else {
            NEVER
        }
    }

    /// The source time of a person: 0 for an initial adopter, else opening plus spontaneous
    /// waiting time.
    #[inline]
    pub(crate) fn source(initial: bool, open: f64, spontaneous: f64) -> f64 {
        if initial { 0.0 } else { open + spontaneous }
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
        let open: Vec<f64> = (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .map(|k| self.opening(eligible[k], classes[persons[k].class as usize].sign_in_rate))
            .collect();
        let draws: Vec<(f64, f64)> = (0..n as u32)
            .into_par_iter()
            .with_min_len(4096)
            .map(|k| self.person_draws(keys, index, first + k))
            .collect();
        let initial = initial_adopters(ctx.partition, self.initial, &open, &draws, first);
        let source: Vec<f64> = (0..n)
            .map(|k| Self::source(initial[k], open[k], draws[k].1))
            .collect();
        let times = match ctx
            .contacts
            .and_then(|c| self.contact_rate(c.mean_degree).map(|rate| (c.graph, rate)))
        {
            Some((graph, rate)) => {
                let edge_draws = keys.draws(Kind::Edge, index as u64);
                let edge_time = |a: u32, b: u32| edge_days(&edge_draws, a, b, rate);
                match ctx.partition.comm() {
                    None => first_passage(graph, &source, &open, edge_time),
                    Some(comm) => {
                        let owner = ctx.partition.owners(ctx.persons_total);
                        distributed_first_passage(
                            comm,
                            ctx.owned.clone(),
                            &owner,
                            graph,
                            &source,
                            &open,
                            &edge_time,
                            1.0 / rate,
                        )
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

/// Which persons adopt on `from`: those eligible then (open at time 0), chosen by their keys —
/// every key below `share`, or the `count` smallest of every share of the replication — so the
/// choice depends neither on order nor on how persons are split. `first` is the id of the first
/// person of `open` and `draws`.
fn initial_adopters(
    part: &Partition,
    initial: InitialAdopters,
    open: &[f64],
    draws: &[(f64, f64)],
    first: u32,
) -> Vec<bool> {
    let n = open.len();
    match initial {
        InitialAdopters::Share(share) => (0..n)
            .map(|k| open[k] == 0.0 && draws[k].0 < share)
            .collect(),
        InitialAdopters::Count(count) => {
            let local: Vec<(u64, u32)> = (0..n)
                .filter(|&k| open[k] == 0.0)
                .map(|k| (draws[k].0.to_bits(), first + k as u32))
                .collect();
            let candidates = part.all_gather(&smallest(local, count as usize));
            let mut chosen = vec![false; n];
            for (_, p) in smallest(candidates, count as usize) {
                if p >= first && ((p - first) as usize) < n {
                    chosen[(p - first) as usize] = true;
                }
            }
            chosen
        }
    }
}
