//! One person's accounts as seen on a day ([`PersonView`]): which account an entry resolves to,
//! whether it is active or Microsoft-account linked; and where the engine finds persons
//! ([`PersonSource`]): a world's stored records ([`Stored`]) or persons computed on demand.

use super::days::{MAX_MIGRATIONS, MigrationDays, NEVER, padded};
use crate::day::{ALWAYS, Day, FOREVER};
use crate::scenario::{Migration, NetworkId};
use crate::world::population::Person;

/// One person's accounts as seen on a given day.
#[derive(Clone, Copy)]
pub struct PersonView<'a> {
    /// The person's attributes at the start.
    pub person: Person,
    /// The person's day for each migration (the first `migrations.len()` are used).
    pub days: [Day; MAX_MIGRATIONS],
    /// The scenario's migrations.
    pub(crate) migrations: &'a [Migration],
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
        PersonView {
            person: self.days.person(p),
            days: padded(self.days.of(p)),
            migrations: self.migrations,
        }
    }

    #[inline]
    fn prefetch(&self, p: u32) {
        self.days.prefetch(p);
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
    pub(crate) fn held(&self, network: NetworkId, day: Day) -> bool {
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
    pub(crate) fn linked(&self, network: NetworkId, day: Day) -> bool {
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
    pub(crate) fn resolve(&self, mut network: NetworkId, day: Day) -> NetworkId {
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
    pub(crate) fn follow_due_after(&self, network: NetworkId, day: Day) -> bool {
        self.migrations
            .iter()
            .zip(self.days.iter())
            .any(|(m, &d)| m.from == network && m.contacts_follow && d > day && d < NEVER)
    }

    /// The first of the person's migration days after `day` ([`FOREVER`] if none).
    #[inline]
    pub(crate) fn next_change_after(&self, day: Day) -> Day {
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
    use crate::migration::assigner::dependency_order;
    use crate::migration::days::OUTSIDE;
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
