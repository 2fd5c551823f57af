//! Persons of a world that does not store them (a share of a split replication): attributes and
//! migration days computed from their keyed draws when the engine meets them ([`Computed`]), and,
//! when persons are coupled (contagion), every person's days computed once by the shares together
//! (`shared_days`).

use super::assigner::{assign_owned, dependency_order, person_days};
use super::days::padded;
use super::trigger::Contacts;
use super::triggers::Rule;
use super::view::{PersonSource, PersonView};
use crate::comm::Partition;
use crate::day::Day;
use crate::rng::Keys;
use crate::scenario::{NetworkId, Scenario};
use crate::world::population::{Person, Population};
use rayon::prelude::*;

/// Persons computed on demand from their keyed draws, as generation and [`super::assigner::compute`] would make
/// them: the attributes from `crate::world::population::persons::make_person` and the days from
/// `person_days`, or, for contagion, from days computed once for everybody (`shared_days`).
pub struct Computed<'a> {
    scenario: &'a Scenario,
    keys: Keys,
    blocks: Vec<std::ops::Range<u32>>,
    classes: Vec<f64>,
    rules: Vec<Rule>,
    order: Vec<usize>,
    /// Every person's days, person-major, when they cannot be drawn person by person.
    all_days: Option<Vec<Day>>,
}

impl<'a> Computed<'a> {
    /// Persons of replication `replication` laid out in `blocks` (by home network); `all_days`
    /// is required when the scenario has a `bass` migration.
    pub fn new(
        scenario: &'a Scenario,
        replication: u32,
        blocks: &[std::ops::Range<u32>],
        all_days: Option<Vec<Day>>,
    ) -> Self {
        let mut acc = 0.0;
        let classes = scenario
            .population
            .activity
            .iter()
            .map(|a| {
                acc += a.share;
                acc
            })
            .collect();
        Computed {
            scenario,
            keys: Keys::new(scenario.seed, replication),
            blocks: blocks.to_vec(),
            classes,
            rules: Rule::all(&scenario.migrations),
            order: dependency_order(&scenario.migrations),
            all_days,
        }
    }

    /// Person `p`'s attributes.
    #[inline]
    pub(crate) fn person(&self, p: u32) -> Person {
        let home = self.blocks.iter().position(|b| b.contains(&p)).unwrap_or(0) as NetworkId;
        crate::world::population::persons::make_person(
            self.scenario,
            &self.keys,
            p,
            home,
            &self.classes,
        )
    }
}

impl PersonSource for Computed<'_> {
    fn view(&self, p: u32) -> PersonView<'_> {
        let person = self.person(p);
        let n = self.scenario.migrations.len();
        let days = match &self.all_days {
            Some(all) => padded(&all[p as usize * n..(p as usize + 1) * n]),
            None => person_days(
                self.scenario,
                &self.keys,
                &self.rules,
                &self.order,
                p,
                person,
            ),
        };
        PersonView {
            person,
            days,
            migrations: &self.scenario.migrations,
        }
    }
}

/// Every person's migration days (person-major) for a share `part` of replication `replication`
/// whose persons are not stored: each share assigns the persons it owns (contagion by the
/// distributed search, over the contact graph's rows of those persons), then every share receives
/// everybody's. `contacts`: this share's rows of the contact graph (row `i` is the share's `i`th
/// person) and the whole graph's mean degree, when the scenario has a graph; they are dropped
/// once the search is done, before everybody's days arrive, so that a rank never holds both.
pub(crate) fn shared_days(
    s: &Scenario,
    replication: u32,
    pop: &Population,
    contacts: Option<(crate::world::population::graph::Graph, f64)>,
    part: &Partition,
) -> anyhow::Result<Vec<Day>> {
    let n = s.migrations.len();
    let persons = pop.blocks.last().map_or(0, |b| b.end);
    let owned = part.owned_persons(persons);
    let people = Computed::new(s, replication, &pop.blocks, None);
    let attributes: Vec<Person> = owned
        .clone()
        .into_par_iter()
        .map(|p| people.person(p))
        .collect();
    // (Not an error return: every share must reach the collectives below.)
    debug_assert!(
        contacts
            .as_ref()
            .is_none_or(|(rows, _)| rows.persons() == owned.len())
    );
    let keys = Keys::new(s.seed, replication);
    let rules = Rule::all(&s.migrations);
    let days = assign_owned(
        s,
        &rules,
        &keys,
        owned,
        persons,
        &attributes,
        contacts.as_ref().map(|(graph, mean_degree)| Contacts {
            graph,
            mean_degree: *mean_degree,
        }),
        part,
    );
    drop((contacts, attributes));
    let all = part.all_gather(&days);
    anyhow::ensure!(
        all.len() == persons as usize * n,
        "migration days did not add up across ranks"
    );
    Ok(all)
}
