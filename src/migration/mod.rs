//! When each person moves: one day per person and migration, from the migration's trigger.
//!
//! A migration's population is every person holding an account on its `from` network at the start,
//! plus those who gain one through another migration (`docs/model.md`, fine print). Migrations are
//! computed in dependency order so that a chained migration (A→B, then B→C) knows when each person
//! gained B. Each trigger is an [`Assign`] implementation: it receives every person's eligibility
//! day and writes every person's migration day; the engine only ever sees the resulting days
//! ([`MigrationDays`]), so a new trigger plugs in here without touching it.
//!
//! This module also answers questions about one person's accounts on a day ([`PersonView`]):
//! which account an entry resolves to, whether it is active or Microsoft-account linked.

pub mod bass;

use crate::day::{ALWAYS, Day, FOREVER};
use crate::rng::{Keys, Kind, exponential, uniform_int};
use crate::scenario::{Migration, NetworkId, Scenario, Trigger};
use crate::world::population::{Person, Population};
use rayon::prelude::*;

pub use crate::scenario::MAX_MIGRATIONS;

/// Migration day of a person outside the migration's population.
pub const OUTSIDE: Day = FOREVER + 1;
/// Migration day of a person in the population who never migrates (dormant, no `forced_by`).
pub const NEVER: Day = FOREVER;

/// Every person's day for every migration (days may be before the scenario start: the migration
/// had already happened on day 0), stored with the person's attributes.
///
/// The engine reads a person's accounts and migration days for every entry pointing at them, in
/// an order unrelated to person ids; keeping both in one small record (16 bytes for up to two
/// migrations) costs one cache miss per entry instead of two, which is most of the engine's
/// time on large worlds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrationDays {
    /// Number of migrations.
    pub n: usize,
    stride: usize,
    /// Per person: `[accounts | linked << 16, home | class << 8, day of migration 0, …]`.
    records: Vec<i32>,
}

impl MigrationDays {
    /// Records for `persons` from their days, person-major (`days[p · n + i]`).
    pub fn from_days(persons: &[Person], n: usize, days: &[Day]) -> Self {
        Self::build(persons, n, |p, out| {
            out.copy_from_slice(&days[p * n..(p + 1) * n])
        })
    }

    /// Records for `persons`, `n` migrations each, with `days_of(p, out)` writing person `p`'s
    /// days into `out`; records are filled in parallel.
    fn build(persons: &[Person], n: usize, days_of: impl Fn(usize, &mut [Day]) + Sync) -> Self {
        let stride = match 2 + n {
            s if s <= 4 => 4,
            s if s <= 8 => 8,
            s => s,
        };
        // Zeroed memory comes from the system already zero (no write here); the pages are first
        // touched by the parallel fill below. Padding slots stay 0 and are never read.
        let mut records = vec![0; persons.len() * stride];
        records
            .par_chunks_mut(stride)
            .zip(persons.par_iter())
            .enumerate()
            .for_each(|(p, (r, person))| {
                r[0] = (u32::from(person.accounts) | u32::from(person.linked) << 16) as i32;
                r[1] = i32::from(person.home) | i32::from(person.class) << 8;
                days_of(p, &mut r[2..2 + n]);
            });
        MigrationDays { n, stride, records }
    }

    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        self.records.len() as u64 * 4
    }

    /// Person `p`'s days, one per migration.
    #[inline]
    pub fn of(&self, p: u32) -> &[Day] {
        let at = p as usize * self.stride + 2;
        &self.records[at..at + self.n]
    }

    /// Asks the processor to load person `p`'s record (a hint; no effect on results).
    #[inline]
    pub fn prefetch(&self, p: u32) {
        if let Some(r) = self.records.get(p as usize * self.stride) {
            crate::sys::prefetch(r);
        }
    }

    /// Person `p`'s attributes at the start.
    #[inline]
    pub fn person(&self, p: u32) -> Person {
        let r = &self.records[p as usize * self.stride..];
        Person {
            accounts: r[0] as u32 as u16,
            linked: (r[0] as u32 >> 16) as u16,
            home: r[1] as u8,
            class: (r[1] >> 8) as u8,
        }
    }

    /// Person `p`'s accounts as seen through `migrations`.
    #[inline]
    pub fn view<'a>(&self, p: u32, migrations: &'a [Migration]) -> PersonView<'a> {
        PersonView {
            person: self.person(p),
            days: padded(self.of(p)),
            migrations,
        }
    }

    /// Every person's days, in person order.
    pub fn rows(&self) -> impl Iterator<Item = &[Day]> + '_ {
        self.records
            .chunks_exact(self.stride.max(1))
            .map(move |r| &r[2..2 + self.n])
    }
}

/// What a trigger needs to assign migration days.
pub struct AssignContext<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The replication's population.
    pub population: &'a Population,
    /// The replication's stream keys.
    pub keys: Keys,
    /// Index of the migration being assigned.
    pub index: usize,
    /// Per person, the first day the person holds the `from` account ([`ALWAYS`] if at the
    /// start) or [`OUTSIDE`] if never: the person is not in the population.
    pub eligible: &'a [Day],
}

/// A way of choosing each person's migration day.
pub trait Assign: Sync {
    /// Writes every person's day into `out` (same length as `ctx.eligible`): [`OUTSIDE`] for
    /// persons not eligible, [`NEVER`] for those who never migrate, else the day (≥ their
    /// eligibility day). `forced_by` is applied afterwards by the caller.
    fn assign(&self, ctx: &AssignContext, out: &mut [Day]);
}

/// `scheduled`: a day uniform over the window.
pub struct Scheduled {
    /// Days the migration happens on.
    pub window: crate::day::Window,
}

impl Scheduled {
    /// Person `p`'s day, eligible from `e` (not [`OUTSIDE`]).
    #[inline]
    pub fn day(&self, keys: &Keys, p: u32, index: usize, e: Day) -> Day {
        let mut rng = keys.stream(Kind::Migration, u64::from(p), index as u64);
        let d = uniform_int(
            &mut rng,
            i64::from(self.window.from),
            i64::from(self.window.until),
        ) as Day;
        d.max(e)
    }
}

impl Assign for Scheduled {
    fn assign(&self, ctx: &AssignContext, out: &mut [Day]) {
        out.par_iter_mut()
            .with_min_len(4096)
            .enumerate()
            .for_each(|(p, day)| {
                let e = ctx.eligible[p];
                *day = if e == OUTSIDE {
                    OUTSIDE
                } else {
                    self.day(&ctx.keys, p as u32, ctx.index, e)
                };
            });
    }
}

/// `sign_in`: the first sign-in on or after the person's rollout day.
pub struct SignIn {
    /// Rollout days.
    pub rollout: crate::day::Window,
}

impl SignIn {
    /// Person `p`'s day, eligible from `e` (not [`OUTSIDE`]), signing in at `rate` per day.
    #[inline]
    pub fn day(&self, keys: &Keys, p: u32, index: usize, rate: f64, e: Day) -> Day {
        let mut rng = keys.stream(Kind::Migration, u64::from(p), index as u64);
        let rollout = uniform_int(
            &mut rng,
            i64::from(self.rollout.from),
            i64::from(self.rollout.until),
        ) as Day;
        let wait = exponential(&mut rng, 1.0);
        if rate > 0.0 {
            // A waiting time T starting on day r takes effect on r + ⌈T⌉.
            rollout.max(e) + (wait / rate).ceil().min(f64::from(FOREVER / 2)) as Day
        } else {
            NEVER
        }
    }
}

impl Assign for SignIn {
    fn assign(&self, ctx: &AssignContext, out: &mut [Day]) {
        let classes = &ctx.scenario.population.activity;
        let persons = &ctx.population.persons;
        out.par_iter_mut()
            .with_min_len(4096)
            .enumerate()
            .for_each(|(p, day)| {
                let e = ctx.eligible[p];
                *day = if e == OUTSIDE {
                    OUTSIDE
                } else {
                    self.day(
                        &ctx.keys,
                        p as u32,
                        ctx.index,
                        classes[persons[p].class as usize].sign_in_rate,
                        e,
                    )
                };
            });
    }
}

/// The trigger implementation for a migration.
pub fn trigger_of(m: &Migration) -> Box<dyn Assign> {
    match &m.trigger {
        Trigger::Scheduled { window } => Box::new(Scheduled { window: *window }),
        Trigger::SignIn { rollout } => Box::new(SignIn { rollout: *rollout }),
        Trigger::Bass {
            from,
            p,
            q,
            initial,
        } => Box::new(bass::Bass {
            from: *from,
            p: *p,
            q: *q,
            initial: *initial,
        }),
    }
}

/// Whether every migration's days can be drawn person by person (no `bass`: contagion couples
/// persons through the graph).
pub fn per_person(s: &Scenario) -> bool {
    !s.migrations
        .iter()
        .any(|m| matches!(m.trigger, Trigger::Bass { .. }))
}

/// A person's days (one per migration) padded with [`OUTSIDE`] to the fixed array a view holds.
/// Copied by cases of fixed length: a copy of run-time length is a call to `memmove`, which cost a
/// tenth of the whole 1 M-user run (perf) for the one or two days a scenario usually has.
#[inline(always)]
fn padded(days: &[Day]) -> [Day; MAX_MIGRATIONS] {
    let mut out = [OUTSIDE; MAX_MIGRATIONS];
    match *days {
        [] => {}
        [a] => out[0] = a,
        [a, b] => out[..2].copy_from_slice(&[a, b]),
        [a, b, c] => out[..3].copy_from_slice(&[a, b, c]),
        _ => out[..days.len()].copy_from_slice(days),
    }
    out
}

/// Every migration day of person `p` (attributes `person`), when [`per_person`] holds: each
/// migration in dependency order, eligible from the start or from the day the person gained the
/// `from` account, then `forced_by`. The same numbers as [`compute`], one person at a time.
pub fn person_days(
    s: &Scenario,
    keys: &Keys,
    order: &[usize],
    p: u32,
    person: Person,
) -> [Day; MAX_MIGRATIONS] {
    let mut days = [OUTSIDE; MAX_MIGRATIONS];
    for &i in order {
        let m = &s.migrations[i];
        let e = if person.has(m.from) {
            ALWAYS
        } else {
            s.migrations
                .iter()
                .zip(days.iter())
                .filter(|(other, d)| other.to == m.from && **d < NEVER)
                .map(|(_, d)| *d)
                .min()
                .unwrap_or(OUTSIDE)
        };
        if e == OUTSIDE {
            continue;
        }
        let mut d = match &m.trigger {
            Trigger::Scheduled { window } => Scheduled { window: *window }.day(keys, p, i, e),
            Trigger::SignIn { rollout } => {
                let rate = s.population.activity[person.class as usize].sign_in_rate;
                SignIn { rollout: *rollout }.day(keys, p, i, rate, e)
            }
            Trigger::Bass { .. } => NEVER,
        };
        if let Some(forced) = m.forced_by {
            d = d.min(forced.max(e));
        }
        days[i] = d;
    }
    days
}

/// Computes every person's migration days for replication `replication`.
pub fn compute(s: &Scenario, pop: &Population, replication: u32) -> MigrationDays {
    let n = s.migrations.len();
    let persons = pop.persons.len();
    let keys = Keys::new(s.seed, replication);
    if per_person(s) {
        // No contagion: every person on their own, in one pass and without per-migration
        // vectors.
        let order = dependency_order(&s.migrations);
        return MigrationDays::build(&pop.persons, n, |p, out| {
            let days = person_days(s, &keys, &order, p as u32, pop.persons[p]);
            out.copy_from_slice(&days[..n]);
        });
    }
    let mut per_migration: Vec<Vec<Day>> = vec![Vec::new(); n];
    for i in dependency_order(&s.migrations) {
        let m = &s.migrations[i];
        let eligible: Vec<Day> = (0..persons)
            .into_par_iter()
            .with_min_len(4096)
            .map(|p| {
                if pop.persons[p].has(m.from) {
                    return ALWAYS;
                }
                // Gained through a migration into `from` that the person made.
                s.migrations
                    .iter()
                    .enumerate()
                    .filter(|(_, other)| other.to == m.from)
                    .filter_map(|(j, _)| per_migration[j].get(p).copied())
                    .filter(|&d| d < NEVER)
                    .min()
                    .unwrap_or(OUTSIDE)
            })
            .collect();
        let mut out = vec![OUTSIDE; persons];
        let ctx = AssignContext {
            scenario: s,
            population: pop,
            keys,
            index: i,
            eligible: &eligible,
        };
        trigger_of(m).assign(&ctx, &mut out);
        if let Some(forced) = m.forced_by {
            out.par_iter_mut()
                .zip(eligible.par_iter())
                .for_each(|(d, &e)| {
                    if e != OUTSIDE {
                        *d = (*d).min(forced.max(e));
                    }
                });
        }
        per_migration[i] = out;
    }
    MigrationDays::build(&pop.persons, n, |p, out| {
        for (d, days) in out.iter_mut().zip(&per_migration) {
            *d = days[p];
        }
    })
}

/// Migrations ordered so that every migration into a network comes before the one leaving it.
pub fn dependency_order(migrations: &[Migration]) -> Vec<usize> {
    let mut order = Vec::with_capacity(migrations.len());
    let mut done = vec![false; migrations.len()];
    while order.len() < migrations.len() {
        let before = order.len();
        for (i, m) in migrations.iter().enumerate() {
            let ready = !done[i]
                && migrations
                    .iter()
                    .enumerate()
                    .all(|(j, other)| done[j] || other.to != m.from || j == i);
            if ready {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle (validation refuses them): take the rest in file order.
            order.extend((0..migrations.len()).filter(|&i| !done[i]));
            break;
        }
    }
    order
}

/// One person's accounts as seen on a given day.
#[derive(Clone, Copy)]
pub struct PersonView<'a> {
    /// The person's attributes at the start.
    pub person: Person,
    /// The person's day for each migration (the first `migrations.len()` are used).
    pub days: [Day; MAX_MIGRATIONS],
    /// The scenario's migrations.
    pub migrations: &'a [Migration],
}

/// Where the engine finds a person's attributes and migration days: a world's stored records, or
/// (on a process that holds no persons) computed from the person's keyed draws on demand.
pub trait PersonSource: Sync {
    /// Person `p` as seen through the scenario's migrations.
    fn view(&self, p: u32) -> PersonView<'_>;
    /// A hint that `p` will be needed soon.
    fn prefetch(&self, _p: u32) {}
}

/// A world's stored records.
pub struct Stored<'a> {
    /// The records.
    pub days: &'a MigrationDays,
    /// The scenario's migrations.
    pub migrations: &'a [Migration],
}

impl PersonSource for Stored<'_> {
    #[inline]
    fn view(&self, p: u32) -> PersonView<'_> {
        self.days.view(p, self.migrations)
    }

    #[inline]
    fn prefetch(&self, p: u32) {
        self.days.prefetch(p);
    }
}

/// Persons computed on demand from their keyed draws, as generation and [`compute`] would make
/// them: the attributes from [`crate::world::population::generate::make_person`] and the days from
/// [`person_days`], or, for contagion, from days computed once for everybody.
pub struct Computed<'a> {
    scenario: &'a Scenario,
    keys: Keys,
    blocks: Vec<std::ops::Range<u32>>,
    classes: Vec<f64>,
    order: Vec<usize>,
    /// Every person's days, person-major, when they cannot be drawn person by person.
    all_days: Option<Vec<Day>>,
}

impl<'a> Computed<'a> {
    /// Persons of replication `replication` laid out in `blocks` (by home network); `all_days`
    /// is required when the scenario has a `bass` migration.
    pub fn new(
        scenario: &'a Scenario,
        replication: u32,
        blocks: &[std::ops::Range<u32>],
        all_days: Option<Vec<Day>>,
    ) -> Self {
        let mut acc = 0.0;
        let classes = scenario
            .population
            .activity
            .iter()
            .map(|a| {
                acc += a.share;
                acc
            })
            .collect();
        Computed {
            scenario,
            keys: Keys::new(scenario.seed, replication),
            blocks: blocks.to_vec(),
            classes,
            order: dependency_order(&scenario.migrations),
            all_days,
        }
    }

    /// Person `p`'s attributes.
    #[inline]
    pub fn person(&self, p: u32) -> Person {
        let home = self.blocks.iter().position(|b| b.contains(&p)).unwrap_or(0) as NetworkId;
        crate::world::population::generate::make_person(
            self.scenario,
            &self.keys,
            p,
            home,
            &self.classes,
        )
    }
}

impl PersonSource for Computed<'_> {
    fn view(&self, p: u32) -> PersonView<'_> {
        let person = self.person(p);
        let n = self.scenario.migrations.len();
        let days = match &self.all_days {
            Some(all) => padded(&all[p as usize * n..(p as usize + 1) * n]),
            None => person_days(self.scenario, &self.keys, &self.order, p, person),
        };
        PersonView {
            person,
            days,
            migrations: &self.scenario.migrations,
        }
    }
}

impl<'a> PersonView<'a> {
    /// Whether the person holds an active `network` account on `day` (network availability
    /// aside). Activity is a set of intervals, not a one-way switch: the account is active from
    /// the start if the person has it, inactive from the day they migrate off it, and active
    /// again from the day a migration brings them onto it (reused if it exists, created
    /// otherwise), even after they left it. Within a day, migrations apply in the order the
    /// scenario lists them, so the later of an arrival and a departure on the same day decides.
    #[inline]
    pub fn held(&self, network: NetworkId, day: Day) -> bool {
        // The latest arrival and departure on or before `day`, as (day, migration index): holding
        // the account at the start is an arrival before everything. Each network has at most one
        // leaving migration, so this is a single pass with no sorting.
        let mut arrived = if self.person.has(network) {
            Some((ALWAYS, -1))
        } else {
            None
        };
        let mut left = None;
        for (k, (m, &d)) in self.migrations.iter().zip(self.days.iter()).enumerate() {
            if d <= day {
                let at = Some((d, k as i64));
                if m.to == network {
                    arrived = arrived.max(at);
                }
                if m.from == network {
                    left = left.max(at);
                }
            }
        }
        arrived > left
    }

    /// Whether the person's `network` account is Microsoft-account linked on `day`.
    #[inline]
    pub fn linked(&self, network: NetworkId, day: Day) -> bool {
        self.person.is_linked(network)
            || self
                .migrations
                .iter()
                .zip(self.days.iter())
                .any(|(m, &d)| m.to == network && m.contacts_follow && d <= day)
    }

    /// The account an entry pointing at the `network` account resolves to on `day`, following
    /// `contacts_follow` forwarding. A hop is followed only if it comes after the entry reached
    /// the account it leaves (in day and listed order): a person forwarded onto an account they
    /// had left earlier is found there, not sent on by the old departure.
    #[inline]
    pub fn resolve(&self, mut network: NetworkId, day: Day) -> NetworkId {
        // When the entry reached `network`: its own account counts as reached before everything.
        let mut reached = (ALWAYS, -1i64);
        // Each network has at most one leaving migration and there are no cycles, so this ends
        // within `migrations.len()` steps.
        for _ in 0..self.migrations.len() {
            let hop = self
                .migrations
                .iter()
                .zip(self.days.iter())
                .enumerate()
                .find(|&(k, (m, &d))| {
                    m.from == network && m.contacts_follow && d <= day && (d, k as i64) > reached
                });
            match hop {
                Some((k, (m, &d))) => {
                    network = m.to;
                    reached = (d, k as i64);
                }
                None => break,
            }
        }
        network
    }

    /// Whether a `contacts_follow` migration of the person off `network` is due after `day`.
    #[inline]
    pub fn follow_due_after(&self, network: NetworkId, day: Day) -> bool {
        self.migrations
            .iter()
            .zip(self.days.iter())
            .any(|(m, &d)| m.from == network && m.contacts_follow && d > day && d < NEVER)
    }

    /// The first of the person's migration days after `day` ([`FOREVER`] if none).
    #[inline]
    pub fn next_change_after(&self, day: Day) -> Day {
        self.days[..self.migrations.len()]
            .iter()
            .copied()
            .filter(|&d| d > day)
            .min()
            .unwrap_or(FOREVER)
            .min(FOREVER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Trigger;

    fn mig(from: u8, to: u8, follow: bool) -> Migration {
        Migration {
            from,
            to,
            trigger: Trigger::Scheduled {
                window: crate::day::Window::new(0, 0),
            },
            forced_by: None,
            contacts_follow: follow,
            label: String::new(),
        }
    }

    /// A home-network-0 person holding the `accounts` bit set, with the two migrations' `days`.
    fn view(migrations: &[Migration], accounts: u16, days: [Day; 2]) -> PersonView<'_> {
        let mut padded = [OUTSIDE; MAX_MIGRATIONS];
        padded[..2].copy_from_slice(&days);
        PersonView {
            person: Person {
                accounts,
                linked: 0,
                home: 0,
                class: 0,
            },
            days: padded,
            migrations,
        }
    }

    #[test]
    fn chained_forwarding_and_activity() {
        let migrations = vec![mig(1, 2, true), mig(0, 1, true)];
        // 0 → 1 on day 10, then 1 → 2 on day 20.
        let v = view(&migrations, 1, [20, 10]);
        assert_eq!(v.resolve(0, 9), 0);
        assert_eq!(v.resolve(0, 10), 1);
        assert_eq!(v.resolve(0, 20), 2);
        assert!(v.held(0, 9) && !v.held(0, 10));
        assert!(!v.held(1, 9) && v.held(1, 10) && !v.held(1, 20));
        assert!(v.linked(1, 10) && !v.linked(2, 19) && v.linked(2, 20));
        assert!(v.follow_due_after(0, 5) && !v.follow_due_after(0, 10));
        assert_eq!(v.next_change_after(10), 20);
        assert_eq!(v.next_change_after(20), FOREVER);
        assert_eq!(dependency_order(&migrations), vec![1, 0]);
    }

    #[test]
    fn an_account_left_and_migrated_onto_again_is_active_again() {
        // Networks 0 skype, 1 aim, 2 yahoo: skype → yahoo on day 4, aim → skype on day 9.
        let migrations = vec![mig(0, 2, false), mig(1, 0, true)];
        let v = view(&migrations, 0b011, [4, 9]);
        assert!(v.held(0, 3) && !v.held(0, 4) && !v.held(0, 8) && v.held(0, 9));
        assert!(v.held(1, 8) && !v.held(1, 9));
        assert!(!v.held(2, 3) && v.held(2, 4) && v.held(2, 9));
        // Leaving and arriving on skype the same day: in the listed order, so the arrival
        // (listed second) decides here and the departure in the reverse listing.
        let v = view(&migrations, 0b011, [9, 9]);
        assert!(v.held(0, 8) && v.held(0, 9) && v.held(2, 9));
        // Forwarded onto an account left earlier: found there, not sent on by the departure.
        let both_follow = vec![mig(0, 2, true), mig(1, 0, true)];
        let v = view(&both_follow, 0b011, [4, 9]);
        assert_eq!(v.resolve(1, 8), 1);
        assert_eq!(v.resolve(1, 9), 0);
        assert_eq!(
            v.resolve(0, 9),
            2,
            "an entry on skype followed its owner on day 4"
        );
        // Forwarding before the departure (aim → skype on day 4, skype → yahoo on day 9) chains.
        let v = view(&both_follow, 0b011, [9, 4]);
        assert_eq!(v.resolve(1, 4), 0);
        assert_eq!(v.resolve(1, 9), 2);
        let reversed = vec![mig(1, 0, true), mig(0, 2, false)];
        let v = view(&reversed, 0b011, [9, 9]);
        assert!(v.held(0, 8) && !v.held(0, 9) && v.held(2, 9));
    }
}
