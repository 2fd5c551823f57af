//! First-passage (shortest-path) times from a virtual source over the persons' contact graph:
//! on one process by Δ-stepping over threads ([`first_passage`]), and over persons spread across
//! ranks by the same buckets ([`distributed_first_passage`]); both give the same times bit for bit
//! whatever the thread and rank counts.
//!
//! Times are `f32` days: four bytes per person, the only per-person state of the search on one
//! process besides opening times when some person opens late (its ulp at 4,096 days is 0.0005
//! days, far below the one-day resolution of migration days).
//! Non-negative `f32`s order like their bit patterns, so a person's time is an `AtomicU32` that
//! threads lower with `fetch_min`.
//!
//! Why the order of the search does not matter: every person's time is the least solution of
//! `time[v] = min(source[v], min over neighbours u of relax(time[u], open[v], w(u, v)))`, with
//! [`relax`] monotone in `time[u]`. Any search that relaxes every edge from its tail's final time
//! (and from earlier, larger times, which only offer larger candidates) ends on that solution,
//! computed with the same `f32` operations along each path, so the bits do not depend on which
//! thread or rank relaxed what first.

use crate::comm::{Comm, Records};
use crate::world::population::graph::Graph;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// Width of a bucket of the search, in days. Within a bucket, persons are relaxed in rounds until
/// no time in it changes; an edge almost always takes longer than a day (its mean waiting time is
/// ⟨k⟩/q years), so a person is rarely relaxed twice.
const DELTA: f32 = 1.0;
/// Buckets held at once, at first and at least (the window). Relaxations landing beyond them
/// only lower the time; the persons are found by a scan of all times when the search gets there,
/// so no queue entry is kept for them.
const WINDOW: u64 = 64;
/// The widest window, in buckets.
const MAX_WINDOW: u64 = 1 << 16;
/// The last bucket searched: about 45,000 years, the last whole window whose bucket starts are
/// exact in `f32` (below 2²⁴ days). Later times are lowered by the persons before them but not
/// passed on, in every search alike, so they are the same on any thread or rank count.
const LAST: u64 = (1 << 24) - MAX_WINDOW - 1;
/// Frontiers at least this long are relaxed in parallel, in chunks of [`CHUNK`] persons.
const PARALLEL: usize = 512;
/// See [`PARALLEL`].
const CHUNK: usize = 128;
/// Persons scanned per task when the window is filled.
const SCAN: usize = 1 << 16;

/// The bits of +∞ (not reached). A person who never adopts is a NaN, whose bits are above these
/// as a `u32`: it is kept out of every `fetch_min` by a check first, and never changes.
const UNREACHED: u32 = 0x7f80_0000;

/// The time at which `v`, opening at `open`, is reached over an edge of waiting time `w` from a
/// neighbour who adopted at `t`: the one formula of every search here.
#[inline]
pub(crate) fn relax(t: f32, open: f32, w: f32) -> f32 {
    t.max(open) + w
}

/// The bucket of a (finite, non-negative) time.
#[inline]
fn bucket(t: f32) -> u64 {
    (t / DELTA) as u64
}

/// What a search is asked: the graph, when each person can first adopt, and the edges' waiting
/// times.
pub(crate) struct Search<'a, W> {
    /// The persons' contact graph (rows of the persons searched).
    pub(crate) graph: &'a Graph,
    /// When each person can first adopt, in days (`None`: everybody from time 0). Persons who
    /// never can are NaN in the times given to the search instead.
    pub(crate) open: Option<&'a [f32]>,
    /// The waiting time on the edge `{u, v}`, in days: never negative (the search leaves a
    /// neighbour no later than `u` unrelaxed).
    pub(crate) edge_time: W,
    /// Times beyond this are not needed (a forced switch-over settles them): the search stops
    /// there and reports them as +∞. `f32::INFINITY` for none.
    pub(crate) horizon: f32,
}

impl<W: Fn(u32, u32) -> f32 + Sync> Search<'_, W> {
    /// The opening time of person `v` (by row).
    #[inline]
    fn open(&self, v: usize) -> f32 {
        self.open.map_or(0.0, |o| o[v])
    }

    /// Relaxes every edge of the frontier's persons whose entry is current (`time[u]` still its
    /// bits), lowering neighbours' times; returns the lowered ones that fall in the window of
    /// buckets `first..first + span` as `(bucket − first, person, bits)`.
    fn relax_frontier(
        &self,
        time: &[AtomicU32],
        frontier: &[(u32, u32)],
        first: u64,
        span: u64,
        out: &mut Vec<(u32, u32, u32)>,
    ) {
        let graph = self.graph;
        // Persons past the graph's rows (a graph over the first persons only) have no edges.
        let rows = graph.persons() as u32;
        for (i, &(u, bits)) in frontier.iter().enumerate() {
            // The search waits on memory (the graph and the times do not fit in cache): ask for
            // later persons' rows while this one's are relaxed.
            if let Some(&(w, _)) = frontier.get(i + 16).filter(|&&(w, _)| w < rows) {
                graph.prefetch_offset(w);
            }
            if let Some(&(w, _)) = frontier.get(i + 8).filter(|&&(w, _)| w < rows) {
                graph.prefetch_neighbours(w, 2);
            }
            if let Some(&(w, _)) = frontier.get(i + 4).filter(|&&(w, _)| w < rows) {
                for &v in graph.neighbours(w).iter().take(32) {
                    crate::sys::prefetch(&time[v as usize]);
                }
            }
            if u >= rows || time[u as usize].load(Relaxed) != bits {
                continue;
            }
            let t = f32::from_bits(bits);
            let neighbours = graph.neighbours(u);
            for (j, &v) in neighbours.iter().enumerate() {
                if let Some(&later) = neighbours.get(j + 32) {
                    crate::sys::prefetch(&time[later as usize]);
                }
                let cell = &time[v as usize];
                let current = cell.load(Relaxed);
                // A neighbour who never adopts, or whose time is already no later than `t`
                // (every candidate from `u` is at least `t`), is left before its edge's waiting
                // time is drawn: over a whole search, that is about half the relaxations (each
                // edge's from its later end).
                if current > UNREACHED || current <= bits {
                    continue;
                }
                let candidate = relax(t, self.open(v as usize), (self.edge_time)(u, v));
                let c = candidate.to_bits();
                if c < current && cell.fetch_min(c, Relaxed) > c {
                    let b = bucket(candidate);
                    if b < first + span {
                        out.push(((b - first) as u32, v, c));
                    }
                }
            }
        }
    }
}

/// The bits of the start of bucket `b`: times in buckets `a..b` are exactly those whose bits lie
/// in `start_bits(a)..start_bits(b)` (non-negative `f32`s order like their bits, and bucket
/// starts are whole numbers of days, exact in `f32` up to 2²⁴), so the scans compare integers.
#[inline]
fn start_bits(b: u64) -> u32 {
    ((b as f64 * f64::from(DELTA)) as f32).to_bits()
}

/// The first bucket at or after `from` holding a person's time (`u64::MAX`: none).
fn first_bucket(time: &[AtomicU32], from: u64) -> u64 {
    let low = start_bits(from);
    let earliest = time
        .par_chunks(SCAN)
        .map(|chunk| {
            chunk
                .iter()
                .map(|c| c.load(Relaxed))
                .filter(|&b| b >= low && b < UNREACHED)
                .min()
                .unwrap_or(UNREACHED)
        })
        .min()
        .unwrap_or(UNREACHED);
    if earliest == UNREACHED {
        u64::MAX
    } else {
        bucket(f32::from_bits(earliest)).max(from)
    }
}

/// Every person whose time falls in buckets `first..first + span`, by bucket.
fn fill(time: &[AtomicU32], first: u64, span: u64, buckets: &mut [Vec<(u32, u32)>]) -> usize {
    let (low, high) = (start_bits(first), start_bits(first + span));
    let found: Vec<Vec<(u32, u32)>> = time
        .par_chunks(SCAN)
        .enumerate()
        .map(|(c, chunk)| {
            let base = (c * SCAN) as u32;
            chunk
                .iter()
                .enumerate()
                .filter_map(|(i, cell)| {
                    let bits = cell.load(Relaxed);
                    (bits >= low && bits < high && bits < UNREACHED)
                        .then_some((base + i as u32, bits))
                })
                .collect()
        })
        .collect();
    let mut count = 0;
    for (v, bits) in found.into_iter().flatten() {
        // Bucket starts are exact up to `LAST`, past which nothing is filled; the check only
        // keeps a rounding there from indexing outside the window.
        if let Some(b) = bucket(f32::from_bits(bits))
            .checked_sub(first)
            .filter(|&b| b < span)
        {
            buckets[b as usize].push((v, bits));
            count += 1;
        }
    }
    count
}

/// Shortest-path (first-passage) times from a virtual source.
///
/// `time[v]` on entry: the weight of the source's edge to `v` (its spontaneous or initial time;
/// +∞ for none), or NaN for a person who can never adopt (and never passes anything on). An edge
/// is traversed from `u` (adopted at `t`) to `v` at [`relax`]`(t, open[v], edge_time(u, v))`.
/// Returns every person's time: +∞ if never reached or later than the horizon, NaN as given.
///
/// Δ-stepping with buckets of [`DELTA`] days, a window of them at a time: the persons of the
/// earliest bucket are relaxed together, over the threads of the current pool, in rounds until
/// the bucket is empty; a lowered time is queued in its bucket if that is in the window, else
/// found when the window reaches it. Every time below the current bucket is final, so nothing
/// marks settled persons.
pub(crate) fn first_passage<W: Fn(u32, u32) -> f32 + Sync>(
    search: &Search<W>,
    time: Vec<f32>,
) -> Vec<f32> {
    let mut bits: Vec<u32> = time.into_iter().map(f32::to_bits).collect();
    let time = crate::sys::as_atomic(&mut bits);
    let last = if search.horizon.is_finite() {
        bucket(search.horizon.max(0.0)).min(LAST)
    } else {
        LAST
    };
    let n = time.len();
    let mut span = WINDOW;
    let mut buckets: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut from = 0;
    loop {
        let first = first_bucket(time, from);
        if first > last {
            break;
        }
        buckets.resize_with(span as usize, Vec::new);
        let mut held = fill(time, first, span, &mut buckets);
        for b in 0..span.min(last - first + 1) {
            while !buckets[b as usize].is_empty() {
                let frontier = std::mem::take(&mut buckets[b as usize]);
                let lowered: Vec<Vec<(u32, u32, u32)>> = if frontier.len() < PARALLEL {
                    let mut out = Vec::new();
                    search.relax_frontier(time, &frontier, first, span, &mut out);
                    vec![out]
                } else {
                    frontier
                        .par_chunks(CHUNK)
                        .map(|part| {
                            let mut out = Vec::new();
                            search.relax_frontier(time, part, first, span, &mut out);
                            out
                        })
                        .collect()
                };
                for (to, v, c) in lowered.into_iter().flatten() {
                    buckets[to as usize].push((v, c));
                    held += 1;
                }
                // Keep the frontier's capacity for the bucket's next round.
                let mut frontier = frontier;
                frontier.clear();
                if buckets[b as usize].is_empty() {
                    buckets[b as usize] = frontier;
                }
            }
        }
        for b in &mut buckets {
            b.clear();
        }
        from = first + span;
        // Each window costs a scan of every time: widen it while it holds few entries (the start
        // and tail of an outbreak), narrow it again when it holds many (its entries are the
        // search's only memory beyond the times).
        if held < n / 64 {
            span = (span * 2).min(MAX_WINDOW);
        } else if held > n / 8 {
            span = (span / 2).max(WINDOW);
        }
        buckets.truncate(span as usize);
        buckets.shrink_to(span as usize);
    }
    beyond_horizon(bits, search.horizon)
}

/// The times as reported: those later than `horizon` (not final) become +∞.
fn beyond_horizon(bits: Vec<u32>, horizon: f32) -> Vec<f32> {
    // In place (same size and alignment), so the search never holds two copies of the times.
    bits.into_iter()
        .map(|b| {
            let t = f32::from_bits(b);
            if t > horizon { f32::INFINITY } else { t }
        })
        .collect()
}

/// The `k` smallest `(key bits, person)` pairs (pairs are unique, so the result does not depend
/// on their order), in increasing order.
pub(crate) fn smallest(mut candidates: Vec<(u64, u32)>, k: usize) -> Vec<(u64, u32)> {
    let k = k.min(candidates.len());
    if k == 0 {
        return Vec::new();
    }
    candidates.select_nth_unstable(k - 1);
    candidates.truncate(k);
    candidates.sort_unstable();
    candidates
}

/// First-passage times over persons spread across ranks: [`first_passage`]'s buckets, one
/// all-to-all per round.
///
/// This rank owns the persons `owned` (a contiguous id range), with their times on entry in
/// `time` (as for [`first_passage`]) and their adjacency lists in `search.graph` (by position in
/// `owned`, neighbours by global id; `search.open` by position too); `owner_of` names the rank
/// owning any person. In each round of a bucket every rank relaxes the edges of its persons whose
/// time fell in the bucket; relaxations of other ranks' persons (the only ones sent) travel in one
/// all-to-all; rounds repeat until no rank's bucket changes, then every rank moves to the earliest
/// bucket of any rank. Each time is the same minimum over paths, computed with the same `f32`
/// operations, as [`first_passage`]'s, so the results are identical. Returns this rank's times,
/// by position in `owned`.
pub(crate) fn distributed_first_passage<W: Fn(u32, u32) -> f32 + Sync>(
    comm: &dyn Comm,
    owned: std::ops::Range<u32>,
    owner_of: &(dyn Fn(u32) -> usize + Sync),
    search: &Search<W>,
    mut time: Vec<f32>,
) -> Vec<f32> {
    use std::collections::BTreeMap;
    let local = |v: u32| (v - owned.start) as usize;
    // The time at which each person last passed its edges on (NaN: never).
    let mut passed = vec![f32::NAN; time.len()];
    let mut buckets: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (i, &t) in time.iter().enumerate() {
        if t.is_finite() {
            buckets
                .entry(bucket(t))
                .or_default()
                .push(owned.start + i as u32);
        }
    }
    let last = if search.horizon.is_finite() {
        bucket(search.horizon.max(0.0)).min(LAST)
    } else {
        LAST
    };
    let size = comm.size();
    loop {
        let mine = buckets.keys().next().copied().unwrap_or(u64::MAX);
        let current = comm.min_u64(mine);
        if current > last {
            break;
        }
        loop {
            let frontier = buckets.remove(&current).unwrap_or_default();
            let mut outgoing: Vec<Vec<(u32, f32, f32)>> = vec![Vec::new(); size];
            let mut relax_local: Vec<(u32, f32, f32)> = Vec::new();
            for u in frontier {
                let i = local(u);
                let t = time[i];
                // Pass on once per time: a person queued twice, or since improved, is skipped.
                if !t.is_finite() || bucket(t) != current || passed[i] == t {
                    continue;
                }
                passed[i] = t;
                for &v in search.graph.neighbours(i as u32) {
                    let w = (search.edge_time)(u, v);
                    let to = owner_of(v);
                    if to == comm.rank() {
                        relax_local.push((v, t, w));
                    } else {
                        outgoing[to].push((v, t, w));
                    }
                }
            }
            let remote = comm.all_to_all_records(&outgoing).into_iter().flatten();
            for (v, t, w) in relax_local.into_iter().chain(remote) {
                let i = local(v);
                if time[i].is_nan() {
                    continue;
                }
                let candidate = relax(t, search.open(i), w);
                if candidate < time[i] {
                    time[i] = candidate;
                    buckets.entry(bucket(candidate)).or_default().push(v);
                }
            }
            let again = buckets.get(&current).is_some_and(|b| !b.is_empty());
            if !comm.any(again) {
                buckets.remove(&current);
                break;
            }
        }
    }
    let horizon = search.horizon;
    time.into_iter()
        .map(|t| if t > horizon { f32::INFINITY } else { t })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::exponential;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// A plain Dijkstra (binary heap, one thread), the reference for the searches.
    fn plain_first_passage(
        graph: &Graph,
        source: &[f32],
        open: Option<&[f32]>,
        edge_time: impl Fn(u32, u32) -> f32,
    ) -> Vec<f32> {
        let mut time = source.to_vec();
        let mut done = vec![false; time.len()];
        let mut heap: BinaryHeap<Reverse<(u32, u32)>> = (0..time.len())
            .filter(|&v| time[v].is_finite())
            .map(|v| Reverse((time[v].to_bits(), v as u32)))
            .collect();
        while let Some(Reverse((key, u))) = heap.pop() {
            if done[u as usize] {
                continue;
            }
            done[u as usize] = true;
            let t = f32::from_bits(key);
            for &v in graph.neighbours(u) {
                let vi = v as usize;
                if done[vi] || time[vi].is_nan() {
                    continue;
                }
                let candidate = relax(t, open.map_or(0.0, |o| o[vi]), edge_time(u, v));
                if candidate < time[vi] {
                    time[vi] = candidate;
                    heap.push(Reverse((candidate.to_bits(), v)));
                }
            }
        }
        time
    }

    fn bits(t: &[f32]) -> Vec<u32> {
        t.iter().map(|x| x.to_bits()).collect()
    }

    /// The most persons whose times share one bucket.
    fn fullest_bucket(t: &[f32]) -> usize {
        let mut counts = std::collections::HashMap::new();
        for &x in t.iter().filter(|x| x.is_finite()) {
            *counts.entry(bucket(x)).or_insert(0usize) += 1;
        }
        counts.into_values().max().unwrap_or(0)
    }

    /// A heavy-tailed graph, and per round: persons who never adopt, persons opening late,
    /// spontaneous times, a few initial adopters, and edges of 2, 20 or 200 days on average
    /// (the first give light edges, relaxed again within their bucket; the last, with no initial
    /// adopters, spread times over many windows).
    struct Case {
        graph: Graph,
        rounds: Vec<(Vec<f32>, Option<Vec<f32>>, f64)>,
    }

    fn case() -> Case {
        let keys = crate::rng::Keys::new(11, 0);
        let n = 40_000;
        let graph = crate::world::population::barabasi_albert::barabasi_albert(n, 4, &keys);
        let mut rng = crate::rng::plain(3);
        let rounds = (0..4)
            .map(|round| {
                let never: Vec<bool> = (0..n)
                    .map(|_| crate::rng::uniform_int(&mut rng, 0, 19) == 0)
                    .collect();
                let open: Vec<f32> = (0..n)
                    .map(|_| match crate::rng::uniform_int(&mut rng, 0, 4) {
                        0 if round % 2 == 1 => exponential(&mut rng, 30.0) as f32,
                        _ => 0.0,
                    })
                    .collect();
                let source: Vec<f32> = (0..n)
                    .map(|v| match crate::rng::uniform_int(&mut rng, 0, 2999) {
                        _ if never[v] => f32::NAN,
                        0 if round < 3 => 0.0,
                        _ if round >= 2 => {
                            (f64::from(open[v]) + exponential(&mut rng, 900.0)) as f32
                        }
                        _ => f32::INFINITY,
                    })
                    .collect();
                let rate = [0.5, 0.05, 0.5, 0.005][round];
                (source, (round % 2 == 1).then_some(open), rate)
            })
            .collect();
        Case { graph, rounds }
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    }

    /// On one thread and on two, with frontiers relaxed in parallel and windows refilled, the
    /// search gives a plain Dijkstra's times bit for bit.
    #[test]
    fn first_passage_equals_a_plain_dijkstra_bit_for_bit() {
        let c = case();
        let draws = crate::rng::Keys::new(11, 0).draws(crate::rng::Kind::Edge, 0);
        for (round, (source, open, rate)) in c.rounds.iter().enumerate() {
            let w =
                |a: u32, b: u32| crate::migration::triggers::bass::edge_days(&draws, a, b, *rate);
            let plain = plain_first_passage(&c.graph, source, open.as_deref(), w);
            let reached = plain.iter().filter(|t| t.is_finite()).count();
            assert!(reached > c.graph.persons() / 2, "round {round}: {reached}");
            if *rate > 0.1 {
                // The case reaches the parallel path.
                assert!(fullest_bucket(&plain) > PARALLEL, "round {round}");
            }
            if round == 3 {
                // Spontaneous times and slow edges span several windows.
                let latest = plain
                    .iter()
                    .filter(|t| t.is_finite())
                    .fold(0f32, |a, &b| a.max(b));
                assert!(
                    latest > 3.0 * WINDOW as f32 * DELTA,
                    "round {round}: {latest}"
                );
            }
            let search = Search {
                graph: &c.graph,
                open: open.as_deref(),
                edge_time: w,
                horizon: f32::INFINITY,
            };
            for threads in [1, 2] {
                let ours = pool(threads).install(|| first_passage(&search, source.clone()));
                assert_eq!(
                    bits(&ours),
                    bits(&plain),
                    "round {round}, {threads} threads"
                );
            }
        }
    }

    /// With a horizon, times up to it are the plain search's and later ones +∞.
    #[test]
    fn times_beyond_the_horizon_are_left_out() {
        let c = case();
        let draws = crate::rng::Keys::new(11, 0).draws(crate::rng::Kind::Edge, 0);
        let (source, open, rate) = &c.rounds[3];
        let w = |a: u32, b: u32| crate::migration::triggers::bass::edge_days(&draws, a, b, *rate);
        let plain = plain_first_passage(&c.graph, source, open.as_deref(), w);
        let horizon = 300.0;
        let search = Search {
            graph: &c.graph,
            open: open.as_deref(),
            edge_time: w,
            horizon,
        };
        let ours = pool(2).install(|| first_passage(&search, source.clone()));
        let expected: Vec<f32> = plain
            .iter()
            .map(|&t| if t > horizon { f32::INFINITY } else { t })
            .collect();
        assert_eq!(bits(&ours), bits(&expected));
        let (before, after) = plain
            .iter()
            .filter(|t| t.is_finite())
            .partition::<Vec<f32>, _>(|&&t| t <= horizon);
        assert!(!before.is_empty() && !after.is_empty());
    }

    /// Split over 3 ranks (threads standing in for processes), each holding only its rows, the
    /// distributed search gives the one-process times bit for bit, with and without a horizon.
    #[test]
    fn distributed_first_passage_equals_one_process() {
        let c = case();
        let draws = crate::rng::Keys::new(11, 0).draws(crate::rng::Kind::Edge, 0);
        let n = c.graph.persons() as u32;
        let ranks = 3;
        let starts: Vec<u32> = (0..=ranks).map(|r| n / ranks as u32 * r as u32).collect();
        let range = |r: usize| starts[r]..if r + 1 == ranks { n } else { starts[r + 1] };
        let owner_of = |v: u32| (0..ranks).find(|&r| range(r).contains(&v)).unwrap_or(0);
        for (round, (source, open, rate)) in c.rounds.iter().enumerate().skip(1) {
            let w =
                |a: u32, b: u32| crate::migration::triggers::bass::edge_days(&draws, a, b, *rate);
            for horizon in [f32::INFINITY, 250.0] {
                let whole = first_passage(
                    &Search {
                        graph: &c.graph,
                        open: open.as_deref(),
                        edge_time: w,
                        horizon,
                    },
                    source.clone(),
                );
                let parts = crate::comm::LocalRanks::run(ranks, |comm| {
                    let owned = range(comm.rank());
                    let (lo, hi) = (owned.start as usize, owned.end as usize);
                    let rows = c.graph.rows(owned.clone());
                    let open = open.as_ref().map(|o| o[lo..hi].to_vec());
                    let search = Search {
                        graph: &rows,
                        open: open.as_deref(),
                        edge_time: w,
                        horizon,
                    };
                    distributed_first_passage(
                        comm,
                        owned,
                        &owner_of,
                        &search,
                        source[lo..hi].to_vec(),
                    )
                });
                assert_eq!(
                    bits(&parts.concat()),
                    bits(&whole),
                    "round {round}, {horizon}"
                );
            }
        }
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
        let inf = f32::INFINITY;
        let search = |open: Option<&'static [f32]>| Search {
            graph: &g,
            open,
            edge_time: w,
            horizon: inf,
        };
        let t = first_passage(&search(None), vec![0.5, inf, 10.0, inf]);
        assert_eq!(t, vec![0.5, 1.5, 3.5, 4.5]);
        // Person 1 cannot adopt until 4 (it gains the account late): 0 reaches it at
        // max(0.5, 4) + 1 = 5; 3 is now first reached over the chord, 0.5 + 5 = 5.5, and 2 from 3
        // at 5.5 + 1 = 6.5 (before 1's 5 + 2 = 7 and its own 10).
        let t = first_passage(
            &search(Some(&[0.0, 4.0, 0.0, 0.0])),
            vec![0.5, inf, 10.0, inf],
        );
        assert_eq!(t, vec![0.5, 5.0, 6.5, 5.5]);
        // Person 3 never adopts (dormant): it does not pass anything on.
        let t = first_passage(&search(None), vec![0.5, inf, 10.0, f32::NAN]);
        assert_eq!(bits(&t), bits(&[0.5, 1.5, 3.5, f32::NAN]));
        // With a horizon of 4 days, person 3 (4.5) is left out.
        let t = first_passage(
            &Search {
                horizon: 4.0,
                ..search(None)
            },
            vec![0.5, inf, 10.0, inf],
        );
        assert_eq!(t, vec![0.5, 1.5, 3.5, inf]);
        // Persons past the graph's rows (4 and 5) keep their own times: they have no edges.
        // From 2 alone: t1 = 10 + 2, t3 = 10 + 1, t0 = min(12 + 1, 11 + 5) = 13.
        let t = first_passage(&search(None), vec![inf, inf, 10.0, inf, 0.0, inf]);
        assert_eq!(t, vec![13.0, 12.0, 10.0, 11.0, 0.0, inf]);
    }
}
