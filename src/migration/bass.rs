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

use super::{Assign, AssignContext, NEVER, OUTSIDE};
use crate::day::Day;
use crate::population::graph::Graph;
use crate::rng::{Draws, Kind, exponential, open01};
use crate::scenario::InitialAdopters;
use rayon::prelude::*;

/// Days in a year, for rates given per year (`model.md`).
pub const DAYS_PER_YEAR: f64 = 365.0;

/// The `bass` trigger of one migration.
pub struct Bass {
    /// First day of the contagion.
    pub from: Day,
    /// Spontaneous adoption rate, per year.
    pub p: f64,
    /// Bass imitation coefficient, per year (per contact: q / ⟨k⟩).
    pub q: f64,
    /// Persons adopting on `from`.
    pub initial: InitialAdopters,
}

/// A min-priority queue for monotone keys (every key pushed is at least the last key popped):
/// items live in 65 buckets by the highest bit in which their key differs from the last popped key.
#[derive(Default)]
pub struct RadixHeap {
    last: u64,
    len: usize,
    buckets: Vec<Vec<(u64, u32)>>,
}

impl RadixHeap {
    /// An empty heap.
    pub fn new() -> Self {
        RadixHeap {
            last: 0,
            len: 0,
            buckets: (0..65).map(|_| Vec::new()).collect(),
        }
    }

    #[inline]
    fn bucket(x: u64) -> usize {
        (64 - x.leading_zeros()) as usize
    }

    /// Adds `value` with priority `key` (`key` ≥ the last key popped).
    #[inline]
    pub fn push(&mut self, key: u64, value: u32) {
        debug_assert!(key >= self.last, "radix heap keys must not decrease");
        self.buckets[Self::bucket(key ^ self.last)].push((key, value));
        self.len += 1;
    }

    /// Removes an item with the smallest key.
    pub fn pop(&mut self) -> Option<(u64, u32)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let i = self.buckets.iter().position(|b| !b.is_empty())?;
            let items = std::mem::take(&mut self.buckets[i]);
            self.last = items.iter().map(|(k, _)| *k).min().unwrap_or(self.last);
            for (k, v) in &items {
                self.buckets[Self::bucket(k ^ self.last)].push((*k, *v));
            }
            // Keep the emptied bucket's capacity for later redistributions.
            let mut items = items;
            items.clear();
            if self.buckets[i].is_empty() {
                self.buckets[i] = items;
            }
        }
        self.len -= 1;
        self.buckets[0].pop()
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the heap is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Shortest-path (first-passage) times from a virtual source.
///
/// `source[v]`: the weight of the source's edge to `v` (its spontaneous or initial time;
/// infinite for none). `open[v]`: the earliest time `v` can adopt at all (infinite: never, and it
/// never passes anything on). An edge is traversed from `u` (adopted at `t`) to `v` at
/// `max(t, open[v]) + edge_time(u, v)`. Returns every person's time (infinite if never).
pub fn first_passage(
    graph: &Graph,
    source: &[f64],
    open: &[f64],
    edge_time: impl Fn(u32, u32) -> f64,
) -> Vec<f64> {
    let n = source.len();
    // One f64 per person, so that the random accesses of the search touch half the memory a
    // (time, opening) pair would: persons who can never adopt are NaN (no comparison with NaN
    // succeeds, so they are never updated), and opening times are looked up only when some
    // person opens late.
    let mut time: Vec<f64> = source
        .iter()
        .zip(open)
        .map(|(&t, &o)| if o.is_finite() { t } else { f64::NAN })
        .collect();
    let late: Option<&[f64]> = open
        .iter()
        .any(|&o| o.is_finite() && o > 0.0)
        .then_some(open);
    let mut settled = vec![0u64; n.div_ceil(64)];
    let mut heap = RadixHeap::new();
    for (v, &t) in time.iter().enumerate() {
        if t.is_finite() {
            heap.push(t.to_bits(), v as u32);
        }
    }
    let persons = graph.persons();
    while let Some((key, u)) = heap.pop() {
        let ui = u as usize;
        let t = f64::from_bits(key);
        if settled[ui >> 6] & (1 << (ui & 63)) != 0 || t > time[ui] {
            continue;
        }
        settled[ui >> 6] |= 1 << (ui & 63);
        if ui >= persons {
            continue;
        }
        let neighbours = graph.neighbours(u);
        // Ask for every neighbour's time before reading any: the reads then overlap instead of
        // waiting on each other's cache misses (the search is bound by memory latency).
        for &v in neighbours {
            crate::sys::prefetch(&time[v as usize]);
        }
        for &v in neighbours {
            let vi = v as usize;
            let current = time[vi];
            if current.is_nan() || settled[vi >> 6] & (1 << (vi & 63)) != 0 {
                continue;
            }
            let from = match late {
                Some(open) => t.max(open[vi]),
                None => t,
            };
            let candidate = from + edge_time(u, v);
            if candidate < current {
                time[vi] = candidate;
                heap.push(candidate.to_bits(), v);
            }
        }
    }
    for t in &mut time {
        if t.is_nan() {
            *t = f64::INFINITY;
        }
    }
    time
}

/// The random waiting time on the undirected edge `{a, b}`, in days, for a per-contact rate of
/// `rate_per_day`: keyed by the two endpoints (in increasing order) through `draws`, which is
/// keyed by the seed, replication and migration.
#[inline]
pub fn edge_days(draws: &Draws, a: u32, b: u32, rate_per_day: f64) -> f64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    -draws.uniform((u64::from(lo) << 32) | u64::from(hi)).ln() / rate_per_day
}

impl Assign for Bass {
    fn assign(&self, ctx: &AssignContext, out: &mut [Day]) {
        let persons = &ctx.population.persons;
        let classes = &ctx.scenario.population.activity;
        let n = persons.len();
        let t0 = self.from;
        // When each person can adopt: from t0, or from the day they gain the `from` account;
        // never for persons outside the population or dormant (they never sign in to adopt).
        let open: Vec<f64> = (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .map(|p| {
                let e = ctx.eligible[p];
                let dormant = classes[persons[p].class as usize].sign_in_rate <= 0.0;
                if e == OUTSIDE || dormant {
                    f64::INFINITY
                } else {
                    f64::from((e.max(t0) - t0).max(0))
                }
            })
            .collect();
        // Per person: a key for choosing initial adopters, then the spontaneous waiting time.
        let draws: Vec<(f64, f64)> = (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .map(|p| {
                let mut rng = ctx.keys.stream(Kind::Migration, p as u64, ctx.index as u64);
                let key = open01(&mut rng);
                let spontaneous = if self.p > 0.0 {
                    exponential(&mut rng, DAYS_PER_YEAR / self.p)
                } else {
                    f64::INFINITY
                };
                (key, spontaneous)
            })
            .collect();
        let initial = initial_adopters(self.initial, &open, &draws);
        let source: Vec<f64> = (0..n)
            .map(|p| {
                if initial[p] {
                    0.0
                } else {
                    open[p] + draws[p].1
                }
            })
            .collect();
        let empty = Graph::default();
        let graph = ctx.population.graph.as_ref().unwrap_or(&empty);
        let mean_degree = graph.mean_degree();
        let times = if self.q > 0.0 && mean_degree > 0.0 {
            let rate = self.q / mean_degree / DAYS_PER_YEAR;
            let draws = ctx.keys.draws(Kind::Edge, ctx.index as u64);
            first_passage(graph, &source, &open, |a, b| edge_days(&draws, a, b, rate))
        } else {
            source
        };
        out.par_iter_mut().enumerate().for_each(|(p, d)| {
            *d = if ctx.eligible[p] == OUTSIDE {
                OUTSIDE
            } else if times[p].is_finite() && times[p] < f64::from(NEVER / 2) {
                t0 + times[p].ceil() as Day
            } else {
                NEVER
            };
        });
    }
}

/// Which persons adopt on `from`: those eligible then (open at time 0), chosen by their keys —
/// the `count` smallest keys, or every key below `share` — so the choice does not depend on order.
fn initial_adopters(initial: InitialAdopters, open: &[f64], draws: &[(f64, f64)]) -> Vec<bool> {
    let n = open.len();
    let mut chosen = vec![false; n];
    match initial {
        InitialAdopters::Share(s) => {
            for p in 0..n {
                chosen[p] = open[p] == 0.0 && draws[p].0 < s;
            }
        }
        InitialAdopters::Count(0) => {}
        InitialAdopters::Count(k) => {
            let mut candidates: Vec<(u64, u32)> = (0..n)
                .filter(|&p| open[p] == 0.0)
                .map(|p| (draws[p].0.to_bits(), p as u32))
                .collect();
            let k = (k as usize).min(candidates.len());
            if k > 0 {
                candidates.select_nth_unstable(k - 1);
                for &(_, p) in &candidates[..k] {
                    chosen[p as usize] = true;
                }
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_heap_pops_in_order() {
        let mut rng = crate::rng::plain(4);
        let mut h = RadixHeap::new();
        let mut reference = Vec::new();
        let mut last = 0.0f64;
        for round in 0..2000 {
            // Monotone use: push keys ≥ the last popped one.
            for _ in 0..3 {
                let k = last + exponential(&mut rng, 5.0);
                h.push(k.to_bits(), round);
                reference.push(k);
            }
            reference.sort_by(|a, b| b.total_cmp(a));
            let (k, _) = h.pop().unwrap();
            let expected = reference.pop().unwrap();
            assert_eq!(f64::from_bits(k), expected);
            last = expected;
        }
        assert_eq!(h.len(), reference.len());
    }

    /// A path 0 – 1 – 2 – 3 and a chord 0 – 3, with hand-set weights:
    /// w(0,1) = 1, w(1,2) = 2, w(2,3) = 1, w(0,3) = 5; person 0 adopts at 0.5, person 2 can adopt
    /// spontaneously at 10, others never spontaneously. Shortest paths: t0 = 0.5, t1 = 1.5,
    /// t2 = min(10, 3.5) = 3.5, t3 = min(0.5 + 5, 3.5 + 1) = 4.5.
    #[test]
    fn first_passage_equals_hand_computed_shortest_paths() {
        let g = Graph::from_edges(4, &[(0, 1), (1, 2), (2, 3), (0, 3)]);
        let w = |a: u32, b: u32| match (a.min(b), a.max(b)) {
            (0, 1) => 1.0,
            (1, 2) => 2.0,
            (2, 3) => 1.0,
            (0, 3) => 5.0,
            _ => unreachable!(),
        };
        let inf = f64::INFINITY;
        let t = first_passage(&g, &[0.5, inf, 10.0, inf], &[0.0; 4], w);
        assert_eq!(t, vec![0.5, 1.5, 3.5, 4.5]);
        // Person 1 cannot adopt until 4 (it gains the account late): 0 reaches it at
        // max(0.5, 4) + 1 = 5; 3 is now first reached over the chord, 0.5 + 5 = 5.5, and 2 from 3
        // at 5.5 + 1 = 6.5 (before 1's 5 + 2 = 7 and its own 10).
        let t = first_passage(&g, &[0.5, inf, 10.0, inf], &[0.0, 4.0, 0.0, 0.0], w);
        assert_eq!(t, vec![0.5, 5.0, 6.5, 5.5]);
        // Person 3 never adopts (dormant): it does not pass anything on.
        let t = first_passage(&g, &[0.5, inf, 10.0, inf], &[0.0, 0.0, 0.0, inf], w);
        assert_eq!(t, vec![0.5, 1.5, 3.5, inf]);
    }
}
