//! `trigger = "sign_in"`: each person moves at their first sign-in on or after their rollout day.

use crate::day::{Day, FOREVER, Window};
use crate::migration::days::NEVER;
use crate::migration::trigger::{Assign, Draw};
use crate::rng::{Kind, exponential, uniform_int};
use crate::world::population::Person;

/// `sign_in`: the first sign-in on or after the person's rollout day.
pub(crate) struct SignIn {
    /// Rollout days.
    pub(crate) rollout: Window,
}

impl Assign for SignIn {
    #[inline]
    fn day(&self, draw: &Draw, p: u32, person: Person, eligible: Day) -> Option<Day> {
        let rate = draw.scenario.population.activity[person.class as usize].sign_in_rate;
        let mut rng = draw
            .keys
            .stream(Kind::Migration, u64::from(p), draw.index as u64);
        let rollout = uniform_int(
            &mut rng,
            i64::from(self.rollout.from),
            i64::from(self.rollout.until),
        ) as Day;
        let wait = exponential(&mut rng, 1.0);
        Some(if rate > 0.0 {
            // A waiting time T starting on day r takes effect on r + ⌈T⌉.
            rollout.max(eligible) + (wait / rate).ceil().min(f64::from(FOREVER / 2)) as Day
        } else {
            NEVER
        })
    }
}
