//! A migration whose days a world pins (`migrations.csv`): each person moves on the world's day,
//! nothing drawn. Stands in for the scenario's trigger when a world is replayed.

use crate::day::Day;
use crate::migration::days::OUTSIDE;
use crate::migration::trigger::{Assign, Draw};
use crate::world::population::Person;
use std::sync::Arc;

/// The world's day of every person ([`OUTSIDE`] for a person it gives none).
pub(crate) struct Pinned {
    /// By person id.
    pub(crate) days: Arc<[Day]>,
}

impl Assign for Pinned {
    #[inline]
    fn day(&self, _: &Draw, p: u32, _: Person, _: Day) -> Option<Day> {
        Some(self.days.get(p as usize).copied().unwrap_or(OUTSIDE))
    }
}
