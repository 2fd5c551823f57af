//! Migration days of a replayed world (`migrations.csv`): a migration the world gives days for
//! takes them (its trigger draws nothing); the others are drawn as always, after and before it in
//! dependency order, so that a chained migration sees the pinned days. Then every pinned day is
//! checked against the population it belongs to, which only the finished days tell.

use super::assigner::{compute, compute_by, eligibility};
use super::days::{MigrationDays, NEVER, OUTSIDE};
use super::triggers::Rule;
use super::triggers::pinned::Pinned;
use crate::day::{ALWAYS, Day};
use crate::scenario::Scenario;
use crate::world::pinned::error::{Problems, WorldError, WorldErrors};
use crate::world::pinned::persons::{MigrationPins, absent_person};
use crate::world::population::Population;

/// Every person's migration days for replication `replication` of `pop`, a world that holds its
/// persons: with the days `pins` gives, when a world gives some, else as [`compute`] draws them.
pub(crate) fn days_of(
    s: &Scenario,
    pop: &Population,
    replication: u32,
    pins: Option<&MigrationPins>,
) -> Result<MigrationDays, WorldErrors> {
    match pins {
        Some(pins) => compute_pinned(s, pop, replication, pins),
        None => Ok(compute(s, pop, replication)),
    }
}

/// Every person's migration days for replication `replication` of `pop`, with the days `pins`
/// gives in place of their migrations' triggers.
fn compute_pinned(
    s: &Scenario,
    pop: &Population,
    replication: u32,
    pins: &MigrationPins,
) -> Result<MigrationDays, WorldErrors> {
    let persons = pop.persons.len();
    let mut problems = Problems::default();
    let mut dense: Vec<Option<Vec<Day>>> = vec![None; s.migrations.len()];
    for r in &pins.rows {
        if r.person as usize >= persons {
            problems.push(pins.error(r, "person", absent_person(r.person, persons)));
        } else {
            let day = &mut dense[r.migration].get_or_insert_with(|| vec![OUTSIDE; persons])
                [r.person as usize];
            if *day != OUTSIDE {
                let label = &s.migrations[r.migration].label;
                let problem = format!("person {} has two days for {label}", r.person);
                problems.push(pins.error(r, "person", problem));
            }
            *day = r.day;
        }
    }
    let mut rules = Rule::all(&s.migrations);
    for (rule, days) in rules.iter_mut().zip(&dense) {
        if let Some(days) = days {
            *rule = Rule::Pinned(Pinned {
                days: days.clone().into(),
            });
        }
    }
    let days = compute_by(s, &rules, pop, replication);
    let cal = s.calendar();
    let date = |d: Day| match d {
        ALWAYS => "the start".to_string(),
        d => cal.date(d).to_string(),
    };
    for r in pins.rows.iter().filter(|r| (r.person as usize) < persons) {
        let m = &s.migrations[r.migration];
        let from = &s.networks[m.from as usize].id;
        let e = eligibility(
            s,
            r.migration,
            pop.persons[r.person as usize],
            days.of(r.person),
        );
        if e == OUTSIDE {
            let problem = format!(
                "person {} is not in {}'s population: it holds no {from} account, and no migration brings one",
                r.person, m.label
            );
            problems.push(pins.error(r, "person", problem));
        } else if r.day != NEVER && r.day < e && e != ALWAYS {
            let problem = format!(
                "person {} would move on {} but only holds a {from} account from {}",
                r.person,
                date(r.day),
                date(e)
            );
            problems.push(pins.error(r, "day", problem));
        }
    }
    for (i, pinned) in dense.iter().enumerate() {
        let Some(pinned) = pinned else { continue };
        let m = &s.migrations[i];
        // A missing row has no line: the problem is placed at the migration's first row.
        let first = pins
            .rows
            .iter()
            .find(|r| r.migration == i)
            .map_or(1, |r| r.line);
        for (p, &day) in pinned.iter().enumerate() {
            if day == OUTSIDE && eligibility(s, i, pop.persons[p], days.of(p as u32)) != OUTSIDE {
                problems.push(WorldError::new(
                    &pins.file,
                    u64::from(first),
                    "migration",
                    format!(
                        "{} pins days from this line on, but person {p}, in its population, has no row (give its day, or never)",
                        m.label
                    ),
                ));
            }
        }
    }
    problems.or(days)
}
