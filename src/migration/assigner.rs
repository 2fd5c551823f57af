//! The one migration-day assigner: migrations in dependency order, each person eligible from the
//! start or from the day another migration brought them onto its `from` network, the trigger's
//! day, then `forced_by`. It runs over the persons a call owns, so a whole replication and a
//! share of a split one are the same code; `person_days` is the same numbers one person at a
//! time, for triggers that draw each person alone.

use super::days::{MAX_MIGRATIONS, MigrationDays, NEVER, OUTSIDE};
use super::trigger::{Assign, AssignContext, Contacts, Draw};
use super::triggers::Rule;
use crate::comm::Partition;
use crate::day::{ALWAYS, Day};
use crate::rng::Keys;
use crate::scenario::{Migration, Scenario};
use crate::world::population::{Person, Population};
use rayon::prelude::*;
use std::ops::Range;

/// Whether every migration's days can be drawn person by person (no trigger couples persons).
pub(crate) fn per_person(s: &Scenario) -> bool {
    Rule::all(&s.migrations).iter().all(|r| !r.coupled())
}

/// When a person holding `person`'s accounts, with every migration's `days`, first holds
/// migration `m`'s `from` account ([`eligible_from`] once every day is known).
pub(crate) fn eligibility(s: &Scenario, m: usize, person: Person, days: &[Day]) -> Day {
    eligible_from(&s.migrations, &s.migrations[m], person, days)
}

/// When a person holding `person`'s accounts, with `days` so far (one per migration,
/// [`OUTSIDE`] where not yet assigned), first holds migration `m`'s `from` account:
/// [`ALWAYS`], the first day a migration into `from` brought them there, or [`OUTSIDE`].
#[inline]
fn eligible_from(migrations: &[Migration], m: &Migration, person: Person, days: &[Day]) -> Day {
    if person.has(m.from) {
        return ALWAYS;
    }
    migrations
        .iter()
        .zip(days)
        .filter(|(other, d)| other.to == m.from && **d < NEVER)
        .map(|(_, d)| *d)
        .min()
        .unwrap_or(OUTSIDE)
}

/// The trigger's day `day` of a person eligible from `e`, moved earlier by `forced_by`.
#[inline]
fn forced(m: &Migration, day: Day, e: Day) -> Day {
    match m.forced_by {
        Some(f) if e != OUTSIDE => day.min(f.max(e)),
        _ => day,
    }
}

/// Every migration day of person `p` (attributes `person`), when [`per_person`] holds, with the
/// triggers `rules` and migrations in dependency `order`.
#[inline]
pub(crate) fn person_days(
    s: &Scenario,
    keys: &Keys,
    rules: &[Rule],
    order: &[usize],
    p: u32,
    person: Person,
) -> [Day; MAX_MIGRATIONS] {
    let mut days = [OUTSIDE; MAX_MIGRATIONS];
    for &i in order {
        let m = &s.migrations[i];
        let e = eligible_from(&s.migrations, m, person, &days);
        if e == OUTSIDE {
            continue;
        }
        let draw = Draw {
            scenario: s,
            keys,
            index: i,
        };
        let d = rules[i].day(&draw, p, person, e).unwrap_or(NEVER);
        days[i] = forced(m, d, e);
    }
    days
}

/// The persons a call assigns days to, and what it needs of the rest of the world.
pub(crate) struct Owned<'a> {
    /// Their ids.
    pub(crate) ids: Range<u32>,
    /// Persons in the whole world.
    pub(crate) persons_total: u32,
    /// Their attributes, in id order.
    pub(crate) persons: &'a [Person],
    /// Their graph rows, when the scenario has a graph.
    pub(crate) contacts: Option<Contacts<'a>>,
    /// Which share of the replication this call computes.
    pub(crate) partition: &'a Partition<'a>,
}

/// Every owned person's days, person-major (`days[k · n + i]` for person `owned.ids.start + k`),
/// migration by migration in dependency order, by `rules` (one per migration).
pub(crate) fn assign_owned(s: &Scenario, rules: &[Rule], keys: &Keys, owned: Owned) -> Vec<Day> {
    let Owned {
        ids: owned,
        persons_total,
        persons,
        contacts,
        partition,
    } = owned;
    let n = s.migrations.len();
    let mut days = vec![OUTSIDE; persons.len() * n];
    let mut out = vec![OUTSIDE; persons.len()];
    for i in dependency_order(&s.migrations) {
        let m = &s.migrations[i];
        let eligible: Vec<Day> = persons
            .par_iter()
            .zip(days.par_chunks(n.max(1)))
            .with_min_len(4096)
            .map(|(&person, d)| eligible_from(&s.migrations, m, person, d))
            .collect();
        let ctx = AssignContext {
            draw: Draw {
                scenario: s,
                keys,
                index: i,
            },
            owned: owned.clone(),
            persons_total,
            persons,
            eligible: &eligible,
            contacts,
            partition,
        };
        out.fill(OUTSIDE);
        rules[i].assign(&ctx, &mut out);
        days.par_chunks_mut(n)
            .zip(out.par_iter().zip(eligible.par_iter()))
            .with_min_len(4096)
            .for_each(|(d, (&day, &e))| d[i] = forced(m, day, e));
    }
    days
}

/// Computes every person's migration days for replication `replication` of a world that holds
/// its persons.
pub fn compute(s: &Scenario, pop: &Population, replication: u32) -> MigrationDays {
    compute_by(s, &Rule::all(&s.migrations), pop, replication)
}

/// [`compute`] with `rules` (one per migration) in place of the scenario's triggers.
pub(crate) fn compute_by(
    s: &Scenario,
    rules: &[Rule],
    pop: &Population,
    replication: u32,
) -> MigrationDays {
    let n = s.migrations.len();
    let keys = Keys::new(s.seed, replication);
    if rules.iter().all(|r| !r.coupled()) {
        // No contagion: every person on their own, in one pass and without per-migration
        // vectors.
        let order = dependency_order(&s.migrations);
        return MigrationDays::build(&pop.persons, n, |p, out| {
            let days = person_days(s, &keys, rules, &order, p as u32, pop.persons[p]);
            out.copy_from_slice(&days[..n]);
        });
    }
    let contacts = pop.graph.as_ref().map(|graph| Contacts {
        graph,
        mean_degree: graph.mean_degree(),
    });
    let persons = pop.persons.len() as u32;
    let owned = Owned {
        ids: 0..persons,
        persons_total: persons,
        persons: &pop.persons,
        contacts,
        partition: &Partition::Whole,
    };
    let days = assign_owned(s, rules, &keys, owned);
    MigrationDays::from_day_vec(&pop.persons, n, days)
}

/// Migrations ordered so that every migration into a network comes before the one leaving it.
pub(crate) fn dependency_order(migrations: &[Migration]) -> Vec<usize> {
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
