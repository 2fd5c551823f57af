//! A generated world's persons: their layout in blocks by home network (sized from the expected
//! entries on each network) and each one's attributes from its own keyed draws, so that any person
//! can be made alone (a share of a split replication makes the persons it meets).

use super::model::Person;
use super::sampler::cumulative;
use crate::rng::{Keys, Kind};
use crate::scenario::{NetworkId, Scenario};
use crate::world::pinned::persons::PersonPins;
use rayon::prelude::*;
use std::ops::Range;

/// Person id ranges per home network: sized from the expected entries on each network, or from
/// `persons_per_user` where the scenario gives it.
pub(crate) fn person_blocks(s: &Scenario, users: u64, expected_entries: &[f64]) -> Vec<Range<u32>> {
    let pop = &s.population;
    let users = users as f64;
    let mut next = 0u64;
    s.networks
        .iter()
        .enumerate()
        .map(|(n, _)| {
            let size = match pop.persons_per_user[n] {
                Some(per_user) => (users * per_user).round(),
                None => {
                    let expected = expected_entries[n] / pop.entries_per_person;
                    if expected > 0.0 {
                        expected.round().max(1.0)
                    } else {
                        0.0
                    }
                }
            };
            let start = next;
            next = (next + size as u64).min(u64::from(u32::MAX));
            start as u32..next as u32
        })
        .collect()
}

/// Every person of a generated world, by id, with what `pins` pins in place of its draws.
pub(crate) fn generate_persons(
    s: &Scenario,
    keys: &Keys,
    blocks: &[Range<u32>],
    pins: Option<&PersonPins>,
) -> Vec<Person> {
    let classes = cumulative(s.population.activity.iter().map(|a| a.share));
    let total = blocks.last().map_or(0, |b| b.end);
    (0..total)
        .into_par_iter()
        .with_min_len(4096)
        .map(|p| {
            let home = blocks.iter().position(|b| b.contains(&p)).unwrap_or(0) as NetworkId;
            match pins {
                None => make_person(s, keys, p, home, &classes),
                Some(pins) => {
                    let accounts = pins.accounts.as_ref().map(|a| a[p as usize]);
                    pins.apply(p, person_with(s, keys, p, home, &classes, accounts))
                }
            }
        })
        .collect()
}

/// The person with id `p` and home network `home`, from its own stream.
#[inline]
pub(crate) fn make_person(
    s: &Scenario,
    keys: &Keys,
    p: u32,
    home: NetworkId,
    classes: &[f64],
) -> Person {
    person_with(s, keys, p, home, classes, None)
}

/// The person with id `p` and home network `home`, holding `accounts` when pinned (their links
/// are then drawn over those accounts).
#[inline(always)]
fn person_with(
    s: &Scenario,
    keys: &Keys,
    p: u32,
    home: NetworkId,
    classes: &[f64],
    accounts: Option<u16>,
) -> Person {
    let pop = &s.population;
    // Counter-based draws (draw k of person p), not a stream per person: generating tens of
    // millions of persons is then a few hash rounds each. Draw k has a fixed meaning (class, then
    // one per multi-homing rule, then one per network), so changing one share leaves every other
    // attribute of every person as it was.
    let draws = keys.draws(Kind::Person, 0);
    let draw = |k: usize| draws.uniform((u64::from(p) << 12) | k as u64);
    let class =
        super::sampler::pick(classes, draw(0)).unwrap_or(classes.len().saturating_sub(1)) as u8;
    let accounts_pinned = accounts;
    let mut accounts = 1u16 << home;
    for (r, mh) in pop.multi_homing.iter().enumerate() {
        if mh.home == home && draw(1 + r) < mh.share {
            accounts |= 1 << mh.extra;
        }
    }
    let accounts = accounts_pinned.unwrap_or(accounts);
    let mut linked = 0u16;
    let first = 1 + pop.multi_homing.len();
    for (n, share) in pop.microsoft_account_share.iter().enumerate() {
        if accounts & (1 << n) != 0 && draw(first + n) < *share {
            linked |= 1 << n;
        }
    }
    Person {
        accounts,
        linked,
        home,
        class,
    }
}
