//! One entry's history: from the day it is on the list to the end, the stretches of days over
//! which its state is constant, each added to a [`Sink`]. The walk steps from one day the
//! entry's state can change to the next (a profile segment's end, the person's next migration or
//! account change, a re-point due), so its cost is the number of changes, not of days. Losses
//! and recoveries are decided here: a permanent loss draws, from the entry's own stream, whether
//! and when the user re-points it to another of the person's accounts.

use super::columns::Columns;
use super::context::Context;
use super::counts::{EngineStats, EntryImpact, LossCause};
use super::sink::{Class, Sink, Stretch};
use crate::day::Day;
use crate::migration::PersonView;
use crate::rng::{Kind, exponential, open01};
use crate::scenario::{Modalities, NetworkId};
use crate::world::profiles::{segment_at, state};

/// One entry of a user's contact list, as [`walk_entry`] follows it.
pub(super) struct Entry {
    /// The user's organisation's federation domain.
    pub(super) domain: u32,
    /// The contact.
    pub(super) person: u32,
    /// The network the entry was added on.
    pub(super) network: NetworkId,
    /// The day it was added (before the start for the initial list).
    pub(super) added: Day,
    /// The entry's key for its own random draws: the user above bit 20, the entry's position below.
    pub(super) key: u64,
}

/// Follows one entry from its first day to the end, adding its stretches to `sink`; returns
/// what happened to it. It steps from one day its state can change to the next (see the
/// module's notes); each step is a [`Walk`] method, so that the loop reads as the steps.
pub(super) fn walk_entry(
    ctx: &Context,
    sink: &mut Sink,
    entry: Entry,
    stats: &mut EngineStats,
) -> EntryImpact {
    let last = ctx.last;
    let first = entry.added.max(0);
    if first > last {
        return EntryImpact::default();
    }
    let mut walk = Walk::new(ctx, &entry);
    sink.span(Columns::ENTRIES, first, last + 1);
    // Entries exist to the end: no closing delta (organisations' counters are read to `last`).
    sink.org_entries[first as usize] += 1;
    let mut d = first;
    while d <= last {
        walk.repoint_due(d, stats);
        let today = walk.today(d);
        if walk.lost_for_good(&today, d) {
            stats.permanent_losses += 1;
            if walk.recover(&today, d, stats) {
                // Re-pointed on the day of the loss itself: evaluate the day again through the
                // new account (re-points come first).
                continue;
            }
            walk.losses += 1;
        }
        walk.record(sink, &today, d);
        d = walk.next_day(&today, d);
    }
    walk.finish(sink)
}

/// One entry's walk through its days ([`walk_entry`]): whom it points at, what is pending, and
/// what it has been so far.
struct Walk<'c> {
    ctx: &'c Context<'c>,
    /// The contact, through the scenario's migrations.
    view: PersonView<'c>,
    /// The user's organisation's federation domain.
    domain: u32,
    /// The entry's key for its own random draws ([`Entry::key`]).
    key: u64,
    /// The network whose account the entry points at (its own, until a recovery re-points it).
    pointer: NetworkId,
    /// Re-points scheduled and not yet due, earliest first. Each loss re-points on its own, so a
    /// second loss before the first re-point is due adds to the list; almost always it holds at
    /// most one, and an empty `Vec` costs no allocation.
    pending: Vec<(Day, NetworkId)>,
    /// Permanent losses so far (each draws its recovery from its own stream).
    losses: u64,
    /// Whether the entry has been reachable for `im`.
    ever: bool,
    /// On the day before: reachable for `im`, and the network the pointer resolved to.
    prev: Option<(bool, NetworkId)>,
    /// The open stretch and its first day.
    run: Option<(Stretch, Day)>,
    /// What happened to the entry so far.
    impact: EntryImpact,
}

/// An entry on one day, through the account its pointer resolves to.
struct Today {
    /// The network of that account.
    resolved: NetworkId,
    /// The profile's state bits (`state::*`) for the user's domain and that account.
    st: u8,
    /// The last day of the profile's segment, plus one.
    segment_end: Day,
    /// Whether the account is held and available.
    active: bool,
    /// The modalities the entry reaches (none when not active).
    mask: u8,
    /// Whether it reaches the person for `im`.
    reachable: bool,
}

/// When a user re-points an entry after a permanent loss, to which network.
enum Repoint {
    /// On the day of the loss.
    Now(NetworkId),
    /// On a later day within the simulation.
    On(Day, NetworkId),
    /// Not within the simulation, or not at all.
    Never,
}

impl<'c> Walk<'c> {
    #[inline]
    fn new(ctx: &'c Context<'c>, entry: &Entry) -> Self {
        Walk {
            ctx,
            view: ctx.persons.view(entry.person),
            domain: entry.domain,
            key: entry.key,
            pointer: entry.network,
            pending: Vec::new(),
            losses: 0,
            ever: false,
            prev: None,
            run: None,
            impact: EntryImpact::default(),
        }
    }

    /// Applies the re-points due on day `d`, in the order of their losses.
    #[inline]
    fn repoint_due(&mut self, d: Day, stats: &mut EngineStats) {
        while let Some(&(day, target)) = self.pending.first() {
            if day != d {
                break;
            }
            self.pointer = target;
            self.pending.remove(0);
            stats.recoveries += 1;
            if self.impact.first_lost.is_some() && self.impact.recovered.is_none() {
                self.impact.recovered = Some(d);
            }
        }
    }

    /// The entry on day `d`.
    #[inline]
    fn today(&self, d: Day) -> Today {
        let view = &self.view;
        let resolved = view.resolve(self.pointer, d);
        let linked = view.linked(resolved, d);
        let (st, segment_end) = segment_at(self.ctx.profiles.get(self.domain, resolved, linked), d);
        let active = view.held(resolved, d) && st & state::AVAILABLE != 0;
        let mask = if active { st & state::MODALITIES } else { 0 };
        Today {
            resolved,
            st,
            segment_end,
            active,
            mask,
            reachable: mask & Modalities::IM.0 != 0,
        }
    }

    /// Whether the entry is lost on day `d` for good: reachable the day before through the same
    /// account, not now, and nothing due to bring it back (never on the history's first day).
    #[inline]
    fn lost_for_good(&self, today: &Today, d: Day) -> bool {
        let Some((was_reachable, was_network)) = self.prev else {
            return false;
        };
        if !(was_reachable && !today.reachable && was_network == today.resolved) {
            return false;
        }
        if today.st & state::AVAILABLE == 0 {
            !self.view.follow_due_after(today.resolved, d)
        } else {
            today.active && today.st & state::SERVED_IM == 0
        }
    }

    /// Draws the recovery of a permanent loss on day `d` and applies it: scheduled when it
    /// comes later, made at once when it comes the same day (then `true`: the day is evaluated
    /// again, and the loss counted here).
    #[inline]
    fn recover(&mut self, today: &Today, d: Day, stats: &mut EngineStats) -> bool {
        match self.draw_repoint(today.resolved, d) {
            Repoint::Now(target) => {
                self.pointer = target;
                stats.recoveries += 1;
                self.losses += 1;
                if self.impact.first_lost.is_none() {
                    self.impact.first_lost = Some(d);
                    self.impact.cause = Some(if today.active {
                        LossCause::LostFederation
                    } else {
                        LossCause::LostAccount
                    });
                    self.impact.recovered = Some(d);
                }
                true
            }
            Repoint::On(due, target) => {
                // After every re-point due the same day or earlier: two due on one day apply in
                // the order of their losses.
                let at = self.pending.partition_point(|&(day, _)| day <= due);
                self.pending.insert(at, (due, target));
                false
            }
            Repoint::Never => false,
        }
    }

    /// Whether and when the user re-points the entry lost on day `d` through `lost`: with the
    /// scenario's recovery behaviour, to the first other account that reaches the person, with
    /// the probability and after the delay drawn from the loss's own stream.
    #[inline]
    fn draw_repoint(&self, lost: NetworkId, d: Day) -> Repoint {
        let ctx = self.ctx;
        let Some(rec) = ctx.scenario.behaviours.recovery else {
            return Repoint::Never;
        };
        let Some(target) = recovery_target(ctx, &self.view, self.domain, lost, d) else {
            return Repoint::Never;
        };
        let mut rng = ctx.keys.stream(Kind::Recovery, self.key, self.losses);
        let u = open01(&mut rng);
        let delay = exponential(&mut rng, rec.mean_days).ceil();
        if u < rec.probability {
            if delay == 0.0 {
                return Repoint::Now(target);
            }
            if delay <= f64::from(ctx.last - d) {
                return Repoint::On(d + delay as Day, target);
            }
        }
        Repoint::Never
    }

    /// Classifies the entry on day `d`, notes its first loss, and adds the stretch that ends
    /// here to `sink` when its state changed.
    #[inline]
    fn record(&mut self, sink: &mut Sink, today: &Today, d: Day) {
        if today.reachable {
            self.ever = true;
        }
        let class = if today.reachable {
            Class::Reachable
        } else if !self.ever {
            Class::Never
        } else if !today.active {
            Class::LostAccount
        } else {
            Class::LostFederation
        };
        if self.impact.first_lost.is_none()
            && matches!(class, Class::LostAccount | Class::LostFederation)
        {
            self.impact.first_lost = Some(d);
            self.impact.cause = Some(if class == Class::LostAccount {
                LossCause::LostAccount
            } else {
                LossCause::LostFederation
            });
        }
        let stretch = Stretch {
            mask: today.mask,
            class,
            network: if today.reachable { today.resolved } else { 0 },
        };
        match self.run {
            Some((current, _)) if current == stretch => {}
            Some((current, from)) => {
                sink.stretch(current, from, d);
                self.run = Some((stretch, d));
            }
            None => self.run = Some((stretch, d)),
        }
        self.prev = Some((today.reachable, today.resolved));
    }

    /// The next day after `d` on which the entry's state can change: the end of the profile's
    /// segment, the person's next change, or the next re-point due.
    #[inline]
    fn next_day(&self, today: &Today, d: Day) -> Day {
        let ends = today.segment_end.min(self.view.next_change_after(d));
        let mut next = ends.min(self.ctx.last + 1);
        if let Some(&(day, _)) = self.pending.first() {
            next = next.min(day);
        }
        next.max(d + 1)
    }

    /// Closes the open stretch at the end and returns what happened to the entry.
    #[inline]
    fn finish(self, sink: &mut Sink) -> EntryImpact {
        let end = self.ctx.last + 1;
        if let Some((current, from)) = self.run {
            sink.stretch(current, from, end);
        }
        sink.end_entry(end);
        let mut impact = self.impact;
        if !self.ever && impact.first_lost.is_none() {
            impact.cause = Some(LossCause::NeverReachable);
        }
        impact
    }
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
