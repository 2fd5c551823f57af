//! What a trigger is: one implementation of `Assign` per trigger, each in its own module, over
//! the persons a call owns (every person of a whole replication, or one share of a split one).
//!
//! Eligibility (from the start, or from the day another migration brought the person onto the
//! `from` network), `forced_by` and the order of migrations are the assigner's business
//! (`compute`), not the trigger's: a trigger only says when an eligible person moves.

use crate::comm::Partition;
use crate::day::Day;
use crate::rng::Keys;
use crate::scenario::Scenario;
use crate::world::population::Person;
use crate::world::population::graph::Graph;
use std::ops::Range;

/// What every trigger's draws are keyed by.
#[derive(Clone, Copy)]
pub(crate) struct Draw<'a> {
    /// The scenario.
    pub(crate) scenario: &'a Scenario,
    /// The replication's stream keys.
    pub(crate) keys: &'a Keys,
    /// Index of the migration being assigned.
    pub(crate) index: usize,
}

/// The persons' contact graph as one call sees it.
#[derive(Clone, Copy)]
pub(crate) struct Contacts<'a> {
    /// The adjacency lists of the owned persons (row `k`: person `owned.start + k`), neighbours
    /// by global id.
    pub(crate) graph: &'a Graph,
    /// The whole graph's mean degree.
    pub(crate) mean_degree: f64,
}

/// What a trigger needs to assign the days of the persons a call owns.
pub(crate) struct AssignContext<'a> {
    /// Keys of the draws.
    pub(crate) draw: Draw<'a>,
    /// The persons assigned (ids); everything below is by position in this range.
    pub(crate) owned: Range<u32>,
    /// Persons in the whole world.
    pub(crate) persons_total: u32,
    /// The owned persons' attributes.
    pub(crate) persons: &'a [Person],
    /// Per owned person, the first day the person holds the `from` account
    /// ([`crate::day::ALWAYS`] if at the start) or [`super::days::OUTSIDE`] if never.
    pub(crate) eligible: &'a [Day],
    /// The contact graph, when the scenario has one.
    pub(crate) contacts: Option<Contacts<'a>>,
    /// Which share of the replication this call computes.
    pub(crate) partition: &'a Partition<'a>,
}

/// A way of choosing each person's migration day.
pub(crate) trait Assign: Sync {
    /// Person `p`'s day, eligible from `eligible` (not outside the population), when the trigger
    /// draws each person alone; `None` when persons are coupled (contagion), whose days only
    /// [`Assign::assign`] gives. [`super::days::NEVER`] for a person who never migrates.
    fn day(&self, draw: &Draw, p: u32, person: Person, eligible: Day) -> Option<Day>;

    /// Whether persons' days depend on each other's, so that [`Assign::day`] gives none.
    fn coupled(&self) -> bool {
        false
    }

    /// Writes every owned person's day into `out` (by position): [`super::days::OUTSIDE`] for
    /// persons not eligible, [`super::days::NEVER`] for those who never migrate, else the day
    /// (≥ their eligibility day). `forced_by` is applied afterwards by the caller.
    fn assign(&self, ctx: &AssignContext, out: &mut [Day]) {
        use super::days::{NEVER, OUTSIDE};
        use rayon::prelude::*;
        // The context's partition may not be shared across threads: borrow only what is.
        let (draw, first, persons, eligible) =
            (&ctx.draw, ctx.owned.start, ctx.persons, ctx.eligible);
        out.par_iter_mut()
            .with_min_len(4096)
            .enumerate()
            .for_each(|(k, day)| {
                let e = eligible[k];
                *day = if e == OUTSIDE {
                    OUTSIDE
                } else {
                    self.day(draw, first + k as u32, persons[k], e)
                        .unwrap_or(NEVER)
                };
            });
    }
}
