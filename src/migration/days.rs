//! Every person's migration days, stored with the person's attributes in one small record per
//! person ([`MigrationDays`]), and the markers for persons outside a migration or never migrating.

use crate::day::{Day, FOREVER};
use crate::world::population::Person;
use rayon::prelude::*;

// A person's days are kept in a fixed-size record, as long as the most migrations validation
// lets a scenario have.
pub(crate) use crate::scenario::MAX_MIGRATIONS;

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
    pub(crate) n: usize,
    stride: usize,
    /// Per person: `[accounts | linked << 16, home | class << 8, day of migration 0, …]`.
    records: Vec<i32>,
}

/// Slots per person's record: its two header slots and its days, rounded up to 4 or 8 so that
/// a record never straddles a cache line when it can help it.
fn stride_of(n: usize) -> usize {
    match 2 + n {
        s if s <= 4 => 4,
        s if s <= 8 => 8,
        s => s,
    }
}

/// A record's first two slots: the person's accounts and links, home and activity class.
#[inline]
fn header(person: &Person) -> [i32; 2] {
    [
        (u32::from(person.accounts) | u32::from(person.linked) << 16) as i32,
        i32::from(person.home) | i32::from(person.class) << 8,
    ]
}

impl MigrationDays {
    /// Records for `persons` from their days, person-major (`days[p · n + i]`).
    pub fn from_days(persons: &[Person], n: usize, days: &[Day]) -> Self {
        Self::build(persons, n, |p, out| {
            out.copy_from_slice(&days[p * n..(p + 1) * n])
        })
    }

    /// [`MigrationDays::from_days`] in the memory of `days`: it grows in place (glibc remaps a
    /// large block rather than copying it; other allocators may copy) and each person's days
    /// move into their record, so the days and the records are never held side by side (4 bytes
    /// per person and migration less at the peak of a contagion run).
    pub(crate) fn from_day_vec(persons: &[Person], n: usize, mut days: Vec<Day>) -> Self {
        assert_eq!(
            days.len(),
            persons.len() * n,
            "one day per person and migration"
        );
        let stride = stride_of(n);
        let len = persons.len() * stride;
        days.reserve_exact(len - days.len());
        days.resize(len, 0);
        // From the last person back: person p's record starts at or after the end of every
        // earlier person's days (p·stride ≥ p·n), so nothing is overwritten before it has moved.
        for (p, person) in persons.iter().enumerate().rev() {
            let record = p * stride;
            days.copy_within(p * n..(p + 1) * n, record + 2);
            days[record..record + 2].copy_from_slice(&header(person));
            days[record + 2 + n..record + stride].fill(0);
        }
        MigrationDays {
            n,
            stride,
            records: days,
        }
    }

    /// Records for `persons`, `n` migrations each, with `days_of(p, out)` writing person `p`'s
    /// days into `out`; records are filled in parallel.
    pub(crate) fn build(
        persons: &[Person],
        n: usize,
        days_of: impl Fn(usize, &mut [Day]) + Sync,
    ) -> Self {
        let stride = stride_of(n);
        // Zeroed memory comes from the system already zero (no write here); the pages are first
        // touched by the parallel fill below. Padding slots stay 0 and are never read.
        let mut records = vec![0; persons.len() * stride];
        records
            .par_chunks_mut(stride)
            .zip(persons.par_iter())
            .enumerate()
            .for_each(|(p, (r, person))| {
                r[..2].copy_from_slice(&header(person));
                days_of(p, &mut r[2..2 + n]);
            });
        MigrationDays { n, stride, records }
    }

    /// Bytes held.
    pub(crate) fn bytes(&self) -> u64 {
        self.records.len() as u64 * 4
    }

    /// Person `p`'s days, one per migration.
    #[inline]
    pub(crate) fn of(&self, p: u32) -> &[Day] {
        let at = p as usize * self.stride + 2;
        &self.records[at..at + self.n]
    }

    /// Asks the processor to load person `p`'s record (a hint; no effect on results).
    #[inline]
    pub(crate) fn prefetch(&self, p: u32) {
        if let Some(r) = self.records.get(p as usize * self.stride) {
            crate::sys::prefetch(r);
        }
    }

    /// Person `p`'s attributes at the start.
    #[inline]
    pub(crate) fn person(&self, p: u32) -> Person {
        let r = &self.records[p as usize * self.stride..];
        Person {
            accounts: r[0] as u32 as u16,
            linked: (r[0] as u32 >> 16) as u16,
            home: r[1] as u8,
            class: (r[1] >> 8) as u8,
        }
    }

    /// Every person's days, in person order.
    pub fn rows(&self) -> impl Iterator<Item = &[Day]> + '_ {
        self.records
            .chunks_exact(self.stride.max(1))
            .map(move |r| &r[2..2 + self.n])
    }
}

/// A person's days (one per migration) padded with [`OUTSIDE`] to the fixed array a view holds.
/// Copied by cases of fixed length: a copy of run-time length is a call to `memmove`, which cost a
/// tenth of the whole 1 M-user run (perf) for the one or two days a scenario usually has.
#[inline(always)]
pub(crate) fn padded(days: &[Day]) -> [Day; MAX_MIGRATIONS] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_packed_in_place_equal_records_copied() {
        // Persons with distinct attributes, and days that name their person and migration, so
        // that a day moved to the wrong record or slot shows.
        let persons: Vec<Person> = (0..1000u16)
            .map(|p| Person {
                accounts: p | 1,
                linked: p >> 3,
                home: (p % 7) as u8,
                class: (p % 3) as u8,
            })
            .collect();
        for n in [0, 1, 2, 3, 6, 7] {
            let days: Vec<Day> = (0..persons.len() * n)
                .map(|i| (i / n.max(1) * 10 + i % n.max(1)) as Day)
                .collect();
            let copied = MigrationDays::from_days(&persons, n, &days);
            let packed = MigrationDays::from_day_vec(&persons, n, days);
            assert_eq!(packed, copied, "{n} migrations");
            assert_eq!(
                packed.of(999),
                &(0..n).map(|i| 9990 + i as Day).collect::<Vec<_>>()[..]
            );
        }
    }
}
