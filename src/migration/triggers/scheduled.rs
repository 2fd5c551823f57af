//! `trigger = "scheduled"`: each person moves on a day drawn uniformly over the window.

use crate::day::{Day, Window};
use crate::migration::trigger::{Assign, Draw};
use crate::rng::{Kind, uniform_int};
use crate::world::population::Person;

/// `scheduled`: a day uniform over the window.
pub(crate) struct Scheduled {
    /// Days the migration happens on.
    pub(crate) window: Window,
}

impl Assign for Scheduled {
    #[inline]
    fn day(&self, draw: &Draw, p: u32, _: Person, eligible: Day) -> Option<Day> {
        let mut rng = draw
            .keys
            .stream(Kind::Migration, u64::from(p), draw.index as u64);
        let d = uniform_int(
            &mut rng,
            i64::from(self.window.from),
            i64::from(self.window.until),
        ) as Day;
        Some(d.max(eligible))
    }
}
