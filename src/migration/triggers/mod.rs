//! The triggers, one module each, and their registry: the one place that maps a scenario's
//! `Trigger` to its implementation. A new trigger is a module here implementing `Assign`, plus
//! its `mod` line, one variant and one arm in each `match` of this file (and, outside
//! `migration`, the keys that write it in a scenario: `scenario/raw.rs`, the `Trigger` variant in
//! `scenario/model.rs`, its checks in `scenario/validate/migrations.rs`).
//!
//! An enum rather than `Box<dyn Assign>`: a person's days are drawn for every entry pointing at
//! them when a replication is split over ranks, and a `match` there is a jump the processor
//! predicts, where a virtual call per entry and migration is not inlined.

pub(crate) mod bass;
pub(crate) mod pinned;
pub(crate) mod scheduled;
pub(crate) mod sign_in;

use crate::day::Day;
use crate::migration::trigger::{Assign, AssignContext, Draw};
use crate::scenario::{Migration, Trigger};
use crate::world::population::Person;
use bass::Bass;
use pinned::Pinned;
use scheduled::Scheduled;
use sign_in::SignIn;

/// One migration's trigger.
pub(crate) enum Rule {
    /// `scheduled`.
    Scheduled(Scheduled),
    /// `sign_in`.
    SignIn(SignIn),
    /// `bass`.
    Bass(Bass),
    /// Days a world pins (no scenario trigger: a replay's stand-in).
    Pinned(Pinned),
}

impl Rule {
    /// The trigger of migration `m`.
    pub(crate) fn of(m: &Migration) -> Rule {
        match &m.trigger {
            Trigger::Scheduled { window } => Rule::Scheduled(Scheduled { window: *window }),
            Trigger::SignIn { rollout } => Rule::SignIn(SignIn { rollout: *rollout }),
            Trigger::Bass {
                from,
                p,
                q,
                initial,
            } => Rule::Bass(Bass {
                forced_by: m.forced_by,
                from: *from,
                p: *p,
                q: *q,
                initial: *initial,
            }),
        }
    }

    /// Every migration's trigger, by migration index.
    pub(crate) fn all(migrations: &[Migration]) -> Vec<Rule> {
        migrations.iter().map(Rule::of).collect()
    }

    fn get(&self) -> &dyn Assign {
        match self {
            Rule::Scheduled(t) => t,
            Rule::SignIn(t) => t,
            Rule::Bass(t) => t,
            Rule::Pinned(t) => t,
        }
    }
}

impl Assign for Rule {
    #[inline]
    fn day(&self, draw: &Draw, p: u32, person: Person, eligible: Day) -> Option<Day> {
        match self {
            Rule::Scheduled(t) => t.day(draw, p, person, eligible),
            Rule::SignIn(t) => t.day(draw, p, person, eligible),
            Rule::Bass(t) => t.day(draw, p, person, eligible),
            Rule::Pinned(t) => t.day(draw, p, person, eligible),
        }
    }

    fn coupled(&self) -> bool {
        self.get().coupled()
    }

    fn assign(&self, ctx: &AssignContext, out: &mut [Day]) {
        self.get().assign(ctx, out);
    }
}
