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
pub(crate) mod counts;
mod sink;

pub use columns::Columns;
pub use counts::{EngineStats, EntryImpact, ImpactRow, LossCause, OrgOutcome, ReplicationCounts};

use sink::{Class, Count, Sink, Stretch, UserCounts};

use crate::day::{Day, Window};
use crate::engine::adding::{Drawer, Pools, addition_days};
use crate::migration::{OUTSIDE, PersonSource, PersonView};
use crate::rng::{Keys, Kind, exponential, open01};
use crate::scenario::{Modalities, NetworkId, Scenario};
use crate::world::population::sampler::{ContactSampler, PersonSet};
use crate::world::population::{Chunk, Population};
use crate::world::profiles::{OrgWorld, Profiles, segment_at, state};
use rayon::prelude::*;

/// Everything shared by the chunks of one replication.
pub struct Context<'a> {
    /// The scenario.
    pub(crate) scenario: &'a Scenario,
    /// The population.
    pub(crate) population: &'a Population,
    /// Persons and their migration days.
    pub(crate) persons: &'a dyn PersonSource,
    /// The persons this process counts for `migrated_*` and `stranded_*` (all of them unless the
    /// replication is spread over processes).
    pub(crate) owned_persons: std::ops::Range<u32>,
    /// Reachability profiles.
    pub(crate) profiles: &'a Profiles,
    /// Contact-adding pools.
    pub(crate) pools: &'a Pools,
    /// Stream keys of the replication.
    pub(crate) keys: Keys,
    columns: Columns,
    last: Day,
    cap: u32,
    track_impacts: bool,
    sampler: ContactSampler,
}

impl<'a> Context<'a> {
    /// Prepares a replication's shared state.
    pub fn new(
        scenario: &'a Scenario,
        population: &'a Population,
        persons: &'a dyn PersonSource,
        owned_persons: std::ops::Range<u32>,
        profiles: &'a Profiles,
        pools: &'a Pools,
        replication: u32,
    ) -> Self {
        Context {
            scenario,
            population,
            persons,
            owned_persons,
            profiles,
            pools,
            keys: Keys::new(scenario.seed, replication),
            columns: Columns::new(scenario),
            last: scenario.last_day(),
            track_impacts: population.imported.is_some(),
            cap: scenario
                .population
                .contacts_per_user
                .max
                .map_or(u32::MAX, |m| m.max(0.0).min(f64::from(u32::MAX)) as u32),
            sampler: ContactSampler::new(scenario, &population.blocks),
        }
    }
}

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

fn run_chunk(ctx: &Context, chunk: &Chunk, acc: &mut Accumulator) {
    let s = ctx.scenario;
    let stride = ctx.last as usize + 2;
    let mut org_entries = vec![0i64; stride];
    let mut org_reachable = vec![0i64; stride];
    let mut user_events: Vec<u64> = Vec::new();
    let mut seen = PersonSet::default();
    // This user's planned additions, and the next user's (planned one user ahead so that the
    // persons they will probably draw are already on their way from memory).
    let mut scratch = Scratch::default();
    let mut ahead = Scratch::default();
    // Copies of the planned streams, for drawing the candidates to prefetch.
    let mut probe = Vec::new();
    let mut list: Vec<(u32, NetworkId, Day)> = Vec::new();
    let mut serving: Vec<Vec<Window>> = vec![Vec::new(); s.behaviours.contact_adding.len()];
    let drawer = Drawer {
        scenario: s,
        population: ctx.population,
        persons: ctx.persons,
        pools: ctx.pools,
        sampler: &ctx.sampler,
    };
    let users_col = ctx.columns.users();
    for o in chunk.orgs.clone() {
        let org = &ctx.population.orgs[o as usize];
        let world = OrgWorld::new(s, org);
        org_entries.iter_mut().for_each(|x| *x = 0);
        org_reachable.iter_mut().for_each(|x| *x = 0);
        // Organisations served per provider.
        let mut last_served = Vec::with_capacity(s.providers.len());
        for p in 0..s.providers.len() {
            let intervals = world.intervals(|d| world.serves_any(p, d));
            for w in &intervals {
                acc.deltas[ctx.columns.orgs(p) * stride + w.from as usize] += 1;
                acc.deltas[ctx.columns.orgs(p) * stride + w.until as usize + 1] -= 1;
            }
            last_served.push(intervals.last().map(|w| w.until));
        }
        for (b, behaviour) in s.behaviours.contact_adding.iter().enumerate() {
            let p = behaviour.provider as usize;
            // The behaviour's own window is cut out of the serving intervals afterwards: its
            // edges are not among the days where the organisation's world can change.
            serving[b] = world
                .intervals(|d| world.serves(p, behaviour.network, d))
                .into_iter()
                .map(|w| w.intersect(&behaviour.window))
                .filter(|w| !w.is_empty())
                .collect();
        }
        let users = org.users.end - org.users.start;
        acc.deltas[users_col * stride] += i64::from(users);
        acc.deltas[users_col * stride + stride - 1] -= i64::from(users);
        for u in org.users.clone() {
            let i = (u - chunk.users.start) as usize;
            let domain = chunk.user_domain[i];
            seen.clear();
            list.clear();
            let initial = chunk.entries_of(i).len();
            // The next user's persons are read soon: ask for them now, so that their cache
            // misses overlap this user's work (the engine is bound by memory latency).
            if i + 1 < chunk.offsets.len() - 1 {
                for &p in chunk.entries_of(i + 1) {
                    ctx.persons.prefetch(p);
                }
            }
            // The same for the persons the next user of this organisation will add: plan their
            // additions now and prefetch each one's first candidate.
            if u == org.users.start {
                plan_additions(ctx, u, &serving, &mut scratch);
            } else {
                std::mem::swap(&mut scratch, &mut ahead);
            }
            if u + 1 < org.users.end {
                plan_additions(ctx, u + 1, &serving, &mut ahead);
                prefetch_additions(ctx, &drawer, &ahead, &mut probe);
            }
            for &p in chunk.entries_of(i) {
                seen.insert(p);
                list.push((p, ctx.persons.view(p).person.home, 0));
            }
            add_contacts(
                ctx,
                &drawer,
                &world,
                &mut scratch,
                &mut seen,
                &mut list,
                &mut acc.stats,
            );
            user_events.clear();
            let mut sink = Sink {
                deltas: &mut acc.deltas,
                stride,
                columns: &ctx.columns,
                org_entries: &mut org_entries,
                org_reachable: &mut org_reachable,
                user_events: &mut user_events,
                user_start: UserCounts::default(),
                last: ctx.last,
                entry_standing: None,
            };
            for (k, &(person, network, added)) in list.iter().enumerate() {
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
            user_metrics(
                start,
                &mut user_events,
                &mut acc.deltas,
                stride,
                &ctx.columns,
            );
        }
        acc.orgs.push((
            o,
            org_outcome(&org_entries, &org_reachable, ctx.last, users, last_served),
        ));
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

/// One entry of a user's contact list, as [`walk_entry`] follows it.
struct Entry {
    /// The user's organisation's federation domain.
    domain: u32,
    /// The contact.
    person: u32,
    /// The network the entry was added on.
    network: NetworkId,
    /// The day it was added (before the start for the initial list).
    added: Day,
    /// The entry's key for its own random draws: the user above bit 20, the entry's position below.
    key: u64,
}

/// Follows one entry from its first day to the end, adding its stretches to `sink`; returns
/// what happened to it.
fn walk_entry(
    ctx: &Context,
    sink: &mut Sink,
    entry: Entry,
    stats: &mut EngineStats,
) -> EntryImpact {
    let Entry {
        domain,
        person,
        network,
        added,
        key,
    } = entry;
    let last = ctx.last;
    let first = added.max(0);
    let mut impact = EntryImpact::default();
    if first > last {
        return impact;
    }
    let view = ctx.persons.view(person);
    sink.span(Columns::ENTRIES, first, last + 1);
    // Entries exist to the end: no closing delta (organisations' counters are read to `last`).
    sink.org_entries[first as usize] += 1;

    let recovery = ctx.scenario.behaviours.recovery;
    let mut pointer = network;
    // Re-points scheduled and not yet due, earliest first. Each loss re-points on its own, so a
    // second loss before the first re-point is due adds to the list; almost always it holds at
    // most one, and an empty `Vec` costs no allocation.
    let mut pending: Vec<(Day, NetworkId)> = Vec::new();
    let mut losses = 0u64;
    let mut ever = false;
    let mut prev: Option<(bool, NetworkId)> = None; // (reachable for im, resolved network) on d − 1
    let mut run: Option<(Stretch, Day)> = None;
    let mut d = first;
    while d <= last {
        while let Some(&(day, target)) = pending.first() {
            if day != d {
                break;
            }
            pointer = target;
            pending.remove(0);
            stats.recoveries += 1;
            if impact.first_lost.is_some() && impact.recovered.is_none() {
                impact.recovered = Some(d);
            }
        }
        let resolved = view.resolve(pointer, d);
        let linked = view.linked(resolved, d);
        let (st, segment_end) = segment_at(ctx.profiles.get(domain, resolved, linked), d);
        let active = view.held(resolved, d) && st & state::AVAILABLE != 0;
        let mask = if active { st & state::MODALITIES } else { 0 };
        let reachable = mask & Modalities::IM.0 != 0;

        // Loss detection (never on the history's first day).
        if let Some((was_reachable, was_network)) = prev {
            if was_reachable && !reachable && was_network == resolved {
                let permanent = if st & state::AVAILABLE == 0 {
                    !view.follow_due_after(resolved, d)
                } else {
                    active && st & state::SERVED_IM == 0
                };
                if permanent {
                    stats.permanent_losses += 1;
                    if let Some(rec) = recovery {
                        if let Some(target) = recovery_target(ctx, &view, domain, resolved, d) {
                            let mut rng = ctx.keys.stream(Kind::Recovery, key, losses);
                            let u = open01(&mut rng);
                            let delay = exponential(&mut rng, rec.mean_days).ceil();
                            if u < rec.probability {
                                if delay == 0.0 {
                                    // Re-pointed on the day of the loss itself: evaluate the day
                                    // again through the new account (re-points come first).
                                    pointer = target;
                                    stats.recoveries += 1;
                                    losses += 1;
                                    if impact.first_lost.is_none() {
                                        impact.first_lost = Some(d);
                                        impact.cause = Some(if active {
                                            LossCause::LostFederation
                                        } else {
                                            LossCause::LostAccount
                                        });
                                        impact.recovered = Some(d);
                                    }
                                    continue;
                                }
                                if delay <= f64::from(last - d) {
                                    let due = d + delay as Day;
                                    // After every re-point due the same day or earlier: two due
                                    // on one day apply in the order of their losses.
                                    let at = pending.partition_point(|&(day, _)| day <= due);
                                    pending.insert(at, (due, target));
                                }
                            }
                        }
                    }
                    losses += 1;
                }
            }
        }
        if reachable {
            ever = true;
        }
        let class = if reachable {
            Class::Reachable
        } else if !ever {
            Class::Never
        } else if !active {
            Class::LostAccount
        } else {
            Class::LostFederation
        };
        if impact.first_lost.is_none()
            && matches!(class, Class::LostAccount | Class::LostFederation)
        {
            impact.first_lost = Some(d);
            impact.cause = Some(if class == Class::LostAccount {
                LossCause::LostAccount
            } else {
                LossCause::LostFederation
            });
        }
        let stretch = Stretch {
            mask,
            class,
            network: if reachable { resolved } else { 0 },
        };
        match run {
            Some((current, _)) if current == stretch => {}
            Some((current, from)) => {
                sink.stretch(current, from, d);
                run = Some((stretch, d));
            }
            None => run = Some((stretch, d)),
        }
        prev = Some((reachable, resolved));
        let mut next = segment_end.min(view.next_change_after(d)).min(last + 1);
        if let Some(&(day, _)) = pending.first() {
            next = next.min(day);
        }
        d = next.max(d + 1);
    }
    if let Some((current, from)) = run {
        sink.stretch(current, from, last + 1);
    }
    sink.end_entry(last + 1);
    if !ever && impact.first_lost.is_none() {
        impact.cause = Some(LossCause::NeverReachable);
    }
    impact
}

/// The first other account of the person, in network order, that is active and reachable for
/// `im` for this user on `day`.
fn recovery_target(
    ctx: &Context,
    view: &PersonView,
    domain: u32,
    lost: NetworkId,
    day: Day,
) -> Option<NetworkId> {
    (0..ctx.scenario.networks.len() as NetworkId).find(|&n| {
        n != lost && view.held(n, day) && {
            let (st, _) = segment_at(ctx.profiles.get(domain, n, view.linked(n, day)), day);
            st & state::AVAILABLE != 0 && st & Modalities::IM.0 != 0
        }
    })
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
