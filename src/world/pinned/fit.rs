//! Whether a world's pins fit the world built from them: what no file alone can tell, because it
//! depends on what was drawn (how many users and persons there are, which accounts a drawn
//! person holds, which domains a drawn organisation has). Checked over the whole world, never one
//! share of it, so that every rank of a split replication finds the same problems.

use super::World;
use super::error::{Problems, WorldError, WorldErrors};
use super::persons::absent_person;
use super::users::HOME;
use crate::scenario::Scenario;
use crate::world::population::model::Population;

/// Every way the world's pins do not fit `pop`, the world built from them.
pub(crate) fn check(s: &Scenario, world: &World, pop: &Population) -> Result<(), WorldErrors> {
    let mut problems = Problems::default();
    let users = pop.user_count();
    let persons = pop.persons.len();
    let net = |n: u8| s.networks[n as usize].id.as_str();
    if let Some(pins) = &world.persons {
        for (p, person) in pop.persons.iter().enumerate() {
            if person.linked & !person.accounts != 0 {
                problems.push(pins.error(
                    p as u32,
                    "microsoft_linked",
                    "a linked account must be one of the person's accounts (the accounts are drawn: pin them too)".into(),
                ));
            }
        }
    }
    if let Some(pins) = &world.users {
        if let Some(domains) = &pins.domain {
            for (o, org) in pop.orgs.iter().enumerate() {
                for u in org.users.clone() {
                    let d = domains[u as usize];
                    if !org.domains.contains(&d) {
                        let problem = format!(
                            "domain {d} is not one of organisation {o}'s ({} to {})",
                            org.domains.start,
                            org.domains.end.saturating_sub(1)
                        );
                        let line = u64::from(pins.lines[u as usize]);
                        problems.push(WorldError::new(&pins.file, line, "domain", problem));
                    }
                }
            }
        }
    }
    if let Some(entries) = &world.entries {
        for e in &entries.rows {
            if u64::from(e.user) >= users {
                let problem = format!(
                    "user {} does not exist (users are 0 to {})",
                    e.user,
                    users.saturating_sub(1)
                );
                problems.push(entries.error(e, "user", problem));
            } else if e.person as usize >= persons {
                problems.push(entries.error(e, "person", absent_person(e.person, persons)));
            } else {
                let person = pop.persons[e.person as usize];
                if e.network != HOME && !person.has(e.network) {
                    let problem =
                        format!("person {} holds no {} account", e.person, net(e.network));
                    problems.push(entries.error(e, "network", problem));
                } else if e.network != HOME && e.network != person.home {
                    let problem = format!(
                        "an entry points at its person's home account on the first day ({} for person {}); an entry on another account is not supported",
                        net(person.home),
                        e.person
                    );
                    problems.push(entries.error(e, "network", problem));
                }
            }
        }
    }
    problems.or(())
}
