//! First-passage (shortest-path) times from a virtual source over the persons' contact graph:
//! on one process with a radix heap ([`first_passage`]), and over persons spread across ranks by
//! Δ-stepping ([`distributed_first_passage`]), which gives the same times bit for bit.

use crate::comm::{Comm, Records};
use crate::world::population::graph::Graph;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A min-priority queue for monotone keys (every key pushed is at least the last key popped):
/// items live in 65 buckets by the highest bit in which their key differs from the last popped key.
#[derive(Default)]
pub(crate) struct RadixHeap {
    last: u64,
    len: usize,
    buckets: Vec<Vec<(u64, u32)>>,
}

impl RadixHeap {
    /// An empty heap.
    pub(crate) fn new() -> Self {
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
    pub(crate) fn push(&mut self, key: u64, value: u32) {
        debug_assert!(key >= self.last, "radix heap keys must not decrease");
        self.buckets[Self::bucket(key ^ self.last)].push((key, value));
        self.len += 1;
    }

    /// Removes an item with the smallest key.
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
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

    /// Number of items (for the tests' checks of the heap's bookkeeping).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// How many queued persons the search holds popped ahead of the one it relaxes, and at which
/// place in that line it asks for each one's data: its offset on entering the line, its
/// adjacency list at [`ROW_AT`], its neighbours' times at [`TIMES_AT`]. The search is bound by
/// memory latency (the graph and the times do not fit in cache), and which person comes next is
/// known only from the queue: reading ahead in the queue's order lets these dependent reads
/// (offset → list → neighbours' times) of several persons overlap instead of following each other.
const AHEAD: usize = 16;
/// See [`AHEAD`].
const ROW_AT: usize = 8;
/// See [`AHEAD`].
const TIMES_AT: usize = 2;
/// How many items the heap must hold for the search to read [`AHEAD`] of them ahead.
const DENSE: usize = 64 * AHEAD;
/// How many of a person's neighbours' times are asked for before its relaxations start; in a
/// longer list (a hub's) each later neighbour's is asked for this many neighbours ahead.
const TIMES_FIRST: usize = 32;

/// Shortest-path (first-passage) times from a virtual source.
///
/// `source[v]`: the weight of the source's edge to `v` (its spontaneous or initial time;
/// infinite for none). `open[v]`: the earliest time `v` can adopt at all (infinite: never, and it
/// never passes anything on). An edge is traversed from `u` (adopted at `t`) to `v` at
/// `max(t, open[v]) + edge_time(u, v)`. Returns every person's time (infinite if never).
///
/// Persons are settled in increasing time (Dijkstra): a radix heap, of which the next
/// [`AHEAD`] items are held popped in `ahead` (sorted, every one no later than anything still in
/// the heap) so that their data can be asked for in advance. A relaxation earlier than the heap's
/// last popped key goes into a second, binary heap (`early`), and the next person settled is the
/// earlier of the two heads. The settled times are the same minimum over paths whatever the order in which
/// equal times are settled, so the result is that of a plain Dijkstra bit for bit.
pub(crate) fn first_passage(
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
    let is_settled = |settled: &[u64], i: usize| settled[i >> 6] & (1 << (i & 63)) != 0;
    let mut heap = RadixHeap::new();
    for (v, &t) in time.iter().enumerate() {
        if t.is_finite() {
            heap.push(t.to_bits(), v as u32);
        }
    }
    let persons = graph.persons();
    let mut ahead: std::collections::VecDeque<(u64, u32)> =
        std::collections::VecDeque::with_capacity(AHEAD);
    // Relaxations earlier than the heap's last popped key, in a binary heap: few once the
    // search has spread (they must fall between two consecutive queued times), many while the
    // queue is short and its next `AHEAD` items span a wide interval.
    let mut early: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
    loop {
        // Read ahead only while the heap is dense: its next items then lie close together, and
        // a relaxation rarely lands before the last of them. While it is sparse (the first and
        // last steps of an outbreak) the next items can be far apart, most relaxations would
        // land before them, and the binary heap would do the radix heap's work.
        while ahead.is_empty() || (ahead.len() < AHEAD && heap.len > DENSE) {
            let Some((key, u)) = heap.pop() else { break };
            // A person settled already is a superseded entry: drop it before asking for its data.
            if is_settled(&settled, u as usize) {
                continue;
            }
            if (u as usize) < persons {
                graph.prefetch_offset(u);
            }
            ahead.push_back((key, u));
        }
        let first_early = match (early.peek(), ahead.front()) {
            (Some(Reverse(e)), Some(a)) => e.0 < a.0,
            (e, _) => e.is_some(),
        };
        let (key, u) = if first_early {
            early.pop().map(|Reverse(e)| e)
        } else {
            let next = ahead.pop_front();
            if let Some(&(_, w)) = ahead
                .get(ROW_AT - 1)
                .filter(|&&(_, w)| (w as usize) < persons)
            {
                graph.prefetch_neighbours(w, 4);
            }
            if let Some(&(_, w)) = ahead
                .get(TIMES_AT - 1)
                .filter(|&&(_, w)| (w as usize) < persons)
            {
                for &v in graph.neighbours(w).iter().take(TIMES_FIRST) {
                    crate::sys::prefetch(&time[v as usize]);
                    if let Some(open) = late {
                        crate::sys::prefetch(&open[v as usize]);
                    }
                }
            }
            next
        }
        .unwrap_or((u64::MAX, u32::MAX));
        if key == u64::MAX {
            break;
        }
        let ui = u as usize;
        // Every entry of a person is popped in increasing key order, so the first one not yet
        // settled carries its final time (a later push would have to be earlier than it).
        if is_settled(&settled, ui) {
            continue;
        }
        settled[ui >> 6] |= 1 << (ui & 63);
        if ui >= persons {
            continue;
        }
        let t = f64::from_bits(key);
        debug_assert_eq!(t.to_bits(), time[ui].to_bits());
        let neighbours = graph.neighbours(u);
        for (i, &v) in neighbours.iter().enumerate() {
            if let Some(&later) = neighbours.get(i + TIMES_FIRST) {
                crate::sys::prefetch(&time[later as usize]);
            }
            let vi = v as usize;
            let current = time[vi];
            if current.is_nan() || is_settled(&settled, vi) {
                continue;
            }
            let from = match late {
                Some(open) => t.max(open[vi]),
                None => t,
            };
            let candidate = from + edge_time(u, v);
            if candidate < current {
                time[vi] = candidate;
                let bits = candidate.to_bits();
                if bits < heap.last {
                    early.push(Reverse((bits, v)));
                } else {
                    heap.push(bits, v);
                }
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

/// First-passage times over persons spread across ranks (Δ-stepping).
///
/// This rank owns the persons `owned` (a contiguous id range), with their `source` and `open`
/// times and their adjacency lists in `graph` (indexed by position in `owned`, neighbours by
/// global id; `owner_of` names the rank owning any person). Times are settled bucket by bucket,
/// each `delta` days wide, in increasing order: within a bucket, every rank relaxes the edges of
/// its persons whose time fell in the bucket, relaxations of other ranks' persons are exchanged
/// in one all-to-all, and this repeats until no rank's bucket changes; then every rank moves to
/// the next non-empty bucket of any rank. Each time is the same minimum over paths, computed with
/// the same floating-point operations, as [`first_passage`] on one process, so the results are
/// identical. Returns this rank's times, by position in `owned`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn distributed_first_passage(
    comm: &dyn Comm,
    owned: std::ops::Range<u32>,
    owner_of: &(dyn Fn(u32) -> usize + Sync),
    graph: &Graph,
    source: &[f64],
    open: &[f64],
    edge_time: &(dyn Fn(u32, u32) -> f64 + Sync),
    delta: f64,
) -> Vec<f64> {
    use std::collections::BTreeMap;
    let local = |v: u32| (v - owned.start) as usize;
    let mut time: Vec<f64> = source
        .iter()
        .zip(open)
        .map(|(&t, &o)| if o.is_finite() { t } else { f64::NAN })
        .collect();
    // The time at which each person last passed its edges on (NaN: never).
    let mut passed = vec![f64::NAN; time.len()];
    let bucket_of = |t: f64| (t / delta) as u64;
    let mut buckets: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (i, &t) in time.iter().enumerate() {
        if t.is_finite() {
            buckets
                .entry(bucket_of(t))
                .or_default()
                .push(owned.start + i as u32);
        }
    }
    let size = comm.size();
    loop {
        let mine = buckets.keys().next().copied().unwrap_or(u64::MAX);
        let current = comm.min_u64(mine);
        if current == u64::MAX {
            break;
        }
        loop {
            let frontier = buckets.remove(&current).unwrap_or_default();
            let mut outgoing: Vec<Vec<(u32, f64, f64)>> = vec![Vec::new(); size];
            let mut relax_local: Vec<(u32, f64, f64)> = Vec::new();
            for u in frontier {
                let i = local(u);
                let t = time[i];
                // Pass on once per time: a person queued twice, or since improved, is skipped.
                if !t.is_finite() || bucket_of(t) != current || passed[i] == t {
                    continue;
                }
                passed[i] = t;
                for &v in graph.neighbours(i as u32) {
                    let w = edge_time(u, v);
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
                let candidate = t.max(open[i]) + w;
                if candidate < time[i] {
                    time[i] = candidate;
                    buckets.entry(bucket_of(candidate)).or_default().push(v);
                }
            }
            let again = buckets.get(&current).is_some_and(|b| !b.is_empty());
            if !comm.any(again) {
                buckets.remove(&current);
                break;
            }
        }
    }
    time.into_iter()
        .map(|t| if t.is_nan() { f64::INFINITY } else { t })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::exponential;

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

    /// A plain Dijkstra (binary heap, no reading ahead), the reference for the search's order.
    fn plain_first_passage(
        graph: &Graph,
        source: &[f64],
        open: &[f64],
        edge_time: impl Fn(u32, u32) -> f64,
    ) -> Vec<f64> {
        let mut time = source.to_vec();
        let mut done = vec![false; time.len()];
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = (0..time.len())
            .filter(|&v| open[v].is_finite() && time[v].is_finite())
            .map(|v| Reverse((time[v].to_bits(), v as u32)))
            .collect();
        while let Some(Reverse((key, u))) = heap.pop() {
            if done[u as usize] {
                continue;
            }
            done[u as usize] = true;
            let t = f64::from_bits(key);
            for &v in graph.neighbours(u) {
                let vi = v as usize;
                if done[vi] || !open[vi].is_finite() {
                    continue;
                }
                let candidate = t.max(open[vi]) + edge_time(u, v);
                if candidate < time[vi] {
                    time[vi] = candidate;
                    heap.push(Reverse((candidate.to_bits(), v)));
                }
            }
        }
        (0..time.len())
            .map(|v| {
                if open[v].is_finite() {
                    time[v]
                } else {
                    f64::INFINITY
                }
            })
            .collect()
    }

    /// On a heavy-tailed graph with late and dormant persons, spontaneous times and a few
    /// initial adopters, reading ahead in the queue changes no time by a single bit (the sparse
    /// start, the dense middle and the relaxations landing among the items read ahead included).
    #[test]
    fn first_passage_equals_a_plain_dijkstra_bit_for_bit() {
        let keys = crate::rng::Keys::new(11, 0);
        let n = 30_000;
        let g = crate::world::population::graph::barabasi_albert(n, 4, &keys);
        let draws = keys.draws(crate::rng::Kind::Edge, 0);
        let w = |a: u32, b: u32| crate::migration::triggers::bass::edge_days(&draws, a, b, 0.05);
        let mut rng = crate::rng::plain(3);
        for round in 0..3 {
            let open: Vec<f64> = (0..n)
                .map(|_| match crate::rng::uniform_int(&mut rng, 0, 19) {
                    0 => f64::INFINITY,
                    1 if round > 0 => exponential(&mut rng, 30.0),
                    _ => 0.0,
                })
                .collect();
            let source: Vec<f64> = (0..n)
                .map(|v| match crate::rng::uniform_int(&mut rng, 0, 2999) {
                    0 => 0.0,
                    _ if round == 2 => open[v] + exponential(&mut rng, 400.0),
                    _ => f64::INFINITY,
                })
                .collect();
            let ours = first_passage(&g, &source, &open, w);
            let plain = plain_first_passage(&g, &source, &open, w);
            let bits = |t: &[f64]| t.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&ours), bits(&plain), "round {round}");
            assert!(ours.iter().filter(|t| t.is_finite()).count() > n / 2);
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
