//! One replication: every entry's history turned into per-day counts.
//!
//! Each entry is followed through the days on which its state can change: profile segment
//! boundaries of the account it resolves to (providers, licences, deployments, capabilities,
//! network windows), the person's migration days, and recovery re-points. Each stretch of constant
//! state adds +1 at its first day and −1 after its last to the counters it belongs to; a single
//! prefix sum over days then gives every metric on every day. The cost is linear in entries and
//! independent of the number of days simulated. Users' metrics come the same way from the
//! stretches of each user's entries, and per-organisation figures from per-organisation counters.
//!
//! Work is split over chunks of whole organisations with rayon; counters are integers, so their sum
//! does not depend on how chunks were split across threads. The engine reads the world and writes
//! counts; it knows nothing of files, charts or terminals.

pub mod adding;
pub(crate) mod columns;
mod context;
pub(crate) mod counts;
mod sink;
mod walk;

pub use columns::Columns;
pub use context::Context;
pub use counts::{EngineStats, EntryImpact, ImpactRow, LossCause, OrgOutcome, ReplicationCounts};

use sink::{Count, Sink, UserCounts};
use walk::{Entry, walk_entry};

use crate::day::{Day, Window};
use crate::engine::adding::{Drawer, addition_days};
use crate::migration::OUTSIDE;
use crate::rng::Kind;
use crate::scenario::NetworkId;
use crate::world::population::sampler::PersonSet;
use crate::world::population::{Chunk, Org};
use crate::world::profiles::OrgWorld;
use rayon::prelude::*;

/// Counts every metric on every day of one replication.
pub fn run(ctx: &Context, progress: &(dyn Fn() + Sync)) -> ReplicationCounts {
    let days = ctx.last as usize + 1;
    let stride = days + 1;
    let cols = ctx.columns.len();
    let acc = ctx
        .population
        .chunks
        .par_iter()
        .fold(
            || Accumulator::new(cols, stride),
            |mut acc, chunk| {
                run_chunk(ctx, chunk, &mut acc);
                progress();
                acc
            },
        )
        .reduce(|| Accumulator::new(cols, stride), Accumulator::merge);
    let mut acc = acc;
    let population = migration_deltas(ctx, &mut acc.deltas, stride);
    let mut daily = vec![0i64; cols * days];
    for c in 0..cols {
        let mut level = 0i64;
        for d in 0..days {
            level += acc.deltas[c * stride + d];
            daily[c * days + d] = level;
        }
    }
    // Stranded persons: the population not yet migrated, on days after the `from` network's end.
    for (i, m) in ctx.scenario.migrations.iter().enumerate() {
        let migrated = ctx.columns.migrated(i);
        let until = ctx.scenario.networks[m.from as usize].window.until;
        let population = population[i] as i64;
        for d in 0..days {
            if d as Day > until {
                daily[(migrated + 1) * days + d] = population - daily[migrated * days + d];
            }
        }
    }
    acc.orgs.sort_by_key(|(id, _)| *id);
    acc.impacts.sort_by_key(|r| (r.user, r.position));
    ReplicationCounts {
        daily,
        days,
        first_org: acc.orgs.first().map_or(0, |(id, _)| *id),
        orgs: acc.orgs.into_iter().map(|(_, o)| o).collect(),
        stats: acc.stats,
        impacts: acc.impacts,
    }
}

/// Per-thread partial sums.
struct Accumulator {
    deltas: Vec<i64>,
    orgs: Vec<(u32, OrgOutcome)>,
    stats: EngineStats,
    impacts: Vec<ImpactRow>,
}

impl Accumulator {
    fn new(cols: usize, stride: usize) -> Self {
        Accumulator {
            deltas: vec![0; cols * stride],
            orgs: Vec::new(),
            stats: EngineStats::default(),
            impacts: Vec::new(),
        }
    }

    fn merge(mut self, other: Accumulator) -> Accumulator {
        self.deltas
            .iter_mut()
            .zip(&other.deltas)
            .for_each(|(a, b)| *a += b);
        self.orgs.extend(other.orgs);
        self.impacts.extend(other.impacts);
        self.stats.add(&other.stats);
        self
    }
}

/// Adds `migrated_*` deltas (by migration day, clamped to day 0); returns each migration's
/// population size.
fn migration_deltas(ctx: &Context, deltas: &mut [i64], stride: usize) -> Vec<u64> {
    let n = ctx.scenario.migrations.len();
    if n == 0 {
        return Vec::new();
    }
    let last = ctx.last;
    let (hist, population) = ctx
        .owned_persons
        .clone()
        .into_par_iter()
        .with_min_len(4096)
        .fold(
            || (vec![0i64; n * stride], vec![0u64; n]),
            |(mut hist, mut pop), p| {
                let view = ctx.persons.view(p);
                for (i, &d) in view.days[..n].iter().enumerate() {
                    if d != OUTSIDE {
                        pop[i] += 1;
                        if d <= last {
                            hist[i * stride + d.max(0) as usize] += 1;
                        }
                    }
                }
                (hist, pop)
            },
        )
        .reduce(
            || (vec![0i64; n * stride], vec![0u64; n]),
            |(mut h, mut p), (h2, p2)| {
                h.iter_mut().zip(h2).for_each(|(a, b)| *a += b);
                p.iter_mut().zip(p2).for_each(|(a, b)| *a += b);
                (h, p)
            },
        );
    for i in 0..n {
        let col = ctx.columns.migrated(i);
        deltas[col * stride..col * stride + stride]
            .iter_mut()
            .zip(&hist[i * stride..(i + 1) * stride])
            .for_each(|(a, b)| *a += b);
    }
    population
}

/// Counts the organisations of one chunk into `acc`: per organisation its served days and
/// users, then each user's list, contact adding and entries, then its outcome.
fn run_chunk(ctx: &Context, chunk: &Chunk, acc: &mut Accumulator) {
    let mut run = ChunkRun::new(ctx, chunk);
    for o in chunk.orgs.clone() {
        let org = &ctx.population.orgs[o as usize];
        let world = OrgWorld::new(ctx.scenario, org);
        let last_served = run.start_org(org, &world, acc);
        for u in org.users.clone() {
            run.user(org, &world, u, acc);
        }
        let users = org.users.end - org.users.start;
        let (entries, reachable) = (&run.org_entries, &run.org_reachable);
        let outcome = org_outcome(entries, reachable, ctx.last, users, last_served);
        acc.orgs.push((o, outcome));
    }
}

/// One chunk's work ([`run_chunk`]): what it reads, and the buffers it reuses from one
/// organisation and user to the next.
struct ChunkRun<'c> {
    ctx: &'c Context<'c>,
    chunk: &'c Chunk,
    /// Draws the persons users add.
    drawer: Drawer<'c>,
    /// Days per column of the deltas, with the day after the last.
    stride: usize,
    /// The organisation's per-day deltas of its entries.
    org_entries: Vec<i64>,
    /// The organisation's per-day deltas of its reachable entries.
    org_reachable: Vec<i64>,
    /// The user's entries' events after day 0 ([`Sink`]).
    user_events: Vec<u64>,
    /// The persons on the user's list.
    seen: PersonSet,
    /// This user's planned additions, and the next user's (planned one user ahead so that the
    /// persons they will probably draw are already on their way from memory).
    scratch: Scratch,
    ahead: Scratch,
    /// Copies of the planned streams, for drawing the candidates to prefetch.
    probe: Vec<crate::rng::Stream>,
    /// The user's list: person, network and the day the entry was added.
    list: Vec<(u32, NetworkId, Day)>,
    /// Per contact-adding behaviour, the days the organisation's provider serves it.
    serving: Vec<Vec<Window>>,
}

impl<'c> ChunkRun<'c> {
    fn new(ctx: &'c Context<'c>, chunk: &'c Chunk) -> Self {
        let stride = ctx.last as usize + 2;
        ChunkRun {
            ctx,
            chunk,
            drawer: Drawer {
                scenario: ctx.scenario,
                population: ctx.population,
                persons: ctx.persons,
                pools: ctx.pools,
                sampler: &ctx.sampler,
            },
            stride,
            org_entries: vec![0; stride],
            org_reachable: vec![0; stride],
            user_events: Vec::new(),
            seen: PersonSet::default(),
            scratch: Scratch::default(),
            ahead: Scratch::default(),
            probe: Vec::new(),
            list: Vec::new(),
            serving: vec![Vec::new(); ctx.scenario.behaviours.contact_adding.len()],
        }
    }

    /// Starts organisation `org` (whose world is `world`): clears its counters, adds its users
    /// and the days each provider serves it to `acc`, and finds the days each contact-adding
    /// behaviour's provider serves it. Returns each provider's last day serving it.
    fn start_org(
        &mut self,
        org: &Org,
        world: &OrgWorld,
        acc: &mut Accumulator,
    ) -> Vec<Option<Day>> {
        let (s, columns, stride) = (self.ctx.scenario, &self.ctx.columns, self.stride);
        self.org_entries.iter_mut().for_each(|x| *x = 0);
        self.org_reachable.iter_mut().for_each(|x| *x = 0);
        // Organisations served per provider.
        let mut last_served = Vec::with_capacity(s.providers.len());
        for p in 0..s.providers.len() {
            let intervals = world.intervals(|d| world.serves_any(p, d));
            for w in &intervals {
                acc.deltas[columns.orgs(p) * stride + w.from as usize] += 1;
                acc.deltas[columns.orgs(p) * stride + w.until as usize + 1] -= 1;
            }
            last_served.push(intervals.last().map(|w| w.until));
        }
        for (b, behaviour) in s.behaviours.contact_adding.iter().enumerate() {
            let p = behaviour.provider as usize;
            // The behaviour's own window is cut out of the serving intervals afterwards: its
            // edges are not among the days where the organisation's world can change.
            self.serving[b] = world
                .intervals(|d| world.serves(p, behaviour.network, d))
                .into_iter()
                .map(|w| w.intersect(&behaviour.window))
                .filter(|w| !w.is_empty())
                .collect();
        }
        let users = i64::from(org.users.end - org.users.start);
        let users_col = columns.users();
        acc.deltas[users_col * stride] += users;
        acc.deltas[users_col * stride + stride - 1] -= users;
        last_served
    }

    /// Counts user `u` of organisation `org`: the list, the contacts the user adds, each
    /// entry's walk, and the user's metrics.
    fn user(&mut self, org: &Org, world: &OrgWorld, u: u32, acc: &mut Accumulator) {
        let (ctx, chunk) = (self.ctx, self.chunk);
        let i = (u - chunk.users.start) as usize;
        let domain = chunk.user_domain[i];
        self.seen.clear();
        self.list.clear();
        let initial = chunk.entries_of(i).len();
        self.look_ahead(org, u, i);
        for &p in chunk.entries_of(i) {
            self.seen.insert(p);
            self.list.push((p, ctx.persons.view(p).person.home, 0));
        }
        add_contacts(
            ctx,
            &self.drawer,
            world,
            &mut self.scratch,
            &mut self.seen,
            &mut self.list,
            &mut acc.stats,
        );
        self.user_events.clear();
        let mut sink = Sink {
            deltas: &mut acc.deltas,
            stride: self.stride,
            columns: &ctx.columns,
            org_entries: &mut self.org_entries,
            org_reachable: &mut self.org_reachable,
            user_events: &mut self.user_events,
            user_start: UserCounts::default(),
            last: ctx.last,
            entry_standing: None,
        };
        for (k, &(person, network, added)) in self.list.iter().enumerate() {
            let key = (u64::from(u) << 20) | k as u64;
            let entry = Entry {
                domain,
                person,
                network,
                added,
                key,
            };
            let impact = walk_entry(ctx, &mut sink, entry, &mut acc.stats);
            if ctx.track_impacts && k < initial {
                acc.impacts.push(ImpactRow {
                    user: u,
                    position: k as u32,
                    person,
                    network,
                    impact,
                });
            }
        }
        let start = sink.user_start;
        let (deltas, columns) = (&mut acc.deltas, &ctx.columns);
        user_metrics(start, &mut self.user_events, deltas, self.stride, columns);
    }

    /// Readies user `u` (the chunk's `i`th) and asks for what the next user will read: this
    /// user's additions (planned already as the next user's, except for the organisation's
    /// first user), and the next user's persons and probable additions, so that their cache
    /// misses overlap this user's work (the engine is bound by memory latency).
    #[inline]
    fn look_ahead(&mut self, org: &Org, u: u32, i: usize) {
        let (ctx, chunk) = (self.ctx, self.chunk);
        if i + 1 < chunk.offsets.len() - 1 {
            for &p in chunk.entries_of(i + 1) {
                ctx.persons.prefetch(p);
            }
        }
        if u == org.users.start {
            plan_additions(ctx, u, &self.serving, &mut self.scratch);
        } else {
            std::mem::swap(&mut self.scratch, &mut self.ahead);
        }
        if u + 1 < org.users.end {
            plan_additions(ctx, u + 1, &self.serving, &mut self.ahead);
            prefetch_additions(ctx, &self.drawer, &self.ahead, &mut self.probe);
        }
    }
}

/// Buffers contact adding reuses from one user to the next.
#[derive(Default)]
struct Scratch {
    /// The user's addition days with their behaviour, in day order.
    additions: Vec<(Day, usize)>,
    /// One behaviour's addition days.
    days: Vec<Day>,
    /// One random stream per behaviour.
    streams: Vec<crate::rng::Stream>,
}

/// Plans `user`'s additions into `scratch`: every behaviour's addition days, merged in day order,
/// and each behaviour's stream as it stands after drawing them (where the person draws go on).
fn plan_additions(ctx: &Context, user: u32, serving: &[Vec<Window>], scratch: &mut Scratch) {
    let behaviours = &ctx.scenario.behaviours.contact_adding;
    let Scratch {
        additions,
        days,
        streams,
    } = scratch;
    additions.clear();
    streams.clear();
    streams.extend(
        (0..behaviours.len()).map(|b| ctx.keys.stream(Kind::Adding, u64::from(user), b as u64)),
    );
    for (b, behaviour) in behaviours.iter().enumerate() {
        days.clear();
        addition_days(
            &mut streams[b],
            behaviour.rate_per_user_year / 365.0,
            &serving[b],
            days,
        );
        additions.extend(days.iter().map(|&d| (d, b)));
    }
    if behaviours.len() > 1 {
        // Each behaviour's days are in order already; only several need merging.
        additions.sort_unstable();
    }
}

/// Asks for the records of the persons a planned user's additions will most likely draw: the
/// first candidate of each, from copies of the streams (a hint only: the draws themselves are
/// made again, with their checks, by [`add_contacts`]).
fn prefetch_additions(
    ctx: &Context,
    drawer: &Drawer,
    scratch: &Scratch,
    probe: &mut Vec<crate::rng::Stream>,
) {
    probe.clear();
    probe.extend_from_slice(&scratch.streams);
    for &(day, b) in scratch.additions.iter().take(16) {
        let network = ctx.scenario.behaviours.contact_adding[b].network;
        if let Some(p) = drawer.candidate(&mut probe[b], network, day) {
            ctx.persons.prefetch(p);
        }
    }
}

/// Contact adding for one user, whose additions `scratch` holds ([`plan_additions`]): in day
/// order, each draws a person until the list reaches its cap.
fn add_contacts(
    ctx: &Context,
    drawer: &Drawer,
    world: &OrgWorld,
    scratch: &mut Scratch,
    seen: &mut PersonSet,
    list: &mut Vec<(u32, NetworkId, Day)>,
    stats: &mut EngineStats,
) {
    let behaviours = &ctx.scenario.behaviours.contact_adding;
    if behaviours.is_empty() {
        return;
    }
    let Scratch {
        additions, streams, ..
    } = scratch;
    for &(day, b) in additions.iter() {
        if list.len() as u32 >= ctx.cap {
            break;
        }
        let behaviour = &behaviours[b];
        // The Microsoft-account link is needed if no serving item of the provider waives it.
        let needs_link =
            !world.serves_as(behaviour.provider as usize, behaviour.network, day, false);
        match drawer.draw(&mut streams[b], behaviour.network, day, needs_link, seen) {
            Some(p) => {
                seen.insert(p);
                list.push((p, behaviour.network, day));
                stats.entries_added += 1;
            }
            None => stats.additions_failed += 1,
        }
    }
}

/// Turns one user's entry events into the users' metrics.
fn user_metrics(
    start: UserCounts,
    events: &mut [u64],
    deltas: &mut [i64],
    stride: usize,
    columns: &Columns,
) {
    let base = columns.users_some_unreachable();
    let mut counts = start;
    let mut flags = [false; 3]; // some unreachable, lost some, isolated
    let mut update = |counts: &UserCounts, day: usize, deltas: &mut [i64]| {
        let now = [
            counts.unreachable > 0,
            counts.lost > 0,
            counts.unreachable > 0 && counts.reachable == 0,
        ];
        for k in 0..3 {
            if now[k] != flags[k] {
                deltas[(base + k) * stride + day] += if now[k] { 1 } else { -1 };
                flags[k] = now[k];
            }
        }
    };
    update(&counts, 0, deltas);
    events.sort_unstable();
    let mut i = 0;
    while i < events.len() {
        let day = (events[i] >> 3) as usize;
        while i < events.len() && (events[i] >> 3) as usize == day {
            counts.add(Count::unpack(events[i]), events[i] & 1 == 1);
            i += 1;
        }
        update(&counts, day, deltas);
    }
}

/// The organisation's shares from its per-day entry and reachable counters.
fn org_outcome(
    entries: &[i64],
    reachable: &[i64],
    last: Day,
    users: u32,
    last_served: Vec<Option<Day>>,
) -> OrgOutcome {
    let (mut e, mut r) = (0i64, 0i64);
    let mut first = None;
    let mut lowest: Option<(i64, i64, Day)> = None;
    let mut at_last = (0, 0);
    for d in 0..=last as usize {
        e += entries[d];
        r += reachable[d];
        if d == 0 && e > 0 {
            first = Some(r as f64 / e as f64);
        }
        if e > 0 {
            // Compare r/e exactly by cross-multiplying; keep the first day of the lowest.
            let lower = lowest
                .is_none_or(|(lr, le, _)| (r as i128) * (le as i128) < (lr as i128) * (e as i128));
            if lower {
                lowest = Some((r, e, d as Day));
            }
        }
        at_last = (r, e);
    }
    OrgOutcome {
        users,
        entries: at_last.1 as u64,
        share_first: first,
        share_last: (at_last.1 > 0).then(|| at_last.0 as f64 / at_last.1 as f64),
        lowest: lowest.map(|(r, e, d)| (r as f64 / e as f64, d)),
        last_served,
    }
}
