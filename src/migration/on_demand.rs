//! Persons of a world that does not store them (a share of a split replication): attributes and
//! migration days computed from their keyed draws when the engine meets them ([`Computed`]), and,
//! when persons are coupled (contagion), every person's days computed once by the shares together
//! and delivered to the shares whose engines meet them (`shared_days`).

use super::assigner::{Owned, assign_owned, dependency_order, person_days};
use super::days::padded;
use super::trigger::Contacts;
use super::triggers::Rule;
use super::view::{PersonSource, PersonView};
use crate::comm::{Partition, Records};
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
    /// The days computed once by all shares, when they cannot be drawn person by person.
    shared: Option<SharedDays>,
}

/// Migration days computed once by the shares together (contagion), as one share holds them.
pub(crate) enum SharedDays {
    /// Every person's, person-major.
    All(Vec<Day>),
    /// Only those of the persons this share's engine meets: its own persons' (person-major
    /// from `owned.start`) and those of the others on its users' lists (`others`, ascending,
    /// with `others_days` in the same order).
    Met {
        owned: std::ops::Range<u32>,
        owned_days: Vec<Day>,
        others: Vec<u32>,
        others_days: Vec<Day>,
    },
}

impl SharedDays {
    /// Person `p`'s `n` days, if this share holds them.
    fn of(&self, p: u32, n: usize) -> Option<&[Day]> {
        let (days, i) = match self {
            SharedDays::All(all) => (all, p as usize),
            SharedDays::Met {
                owned,
                owned_days,
                others,
                others_days,
            } => {
                if owned.contains(&p) {
                    (owned_days, (p - owned.start) as usize)
                } else {
                    (others_days, others.binary_search(&p).ok()?)
                }
            }
        };
        days.get(i * n..(i + 1) * n)
    }
}

impl<'a> Computed<'a> {
    /// Persons of replication `replication` laid out in `blocks` (by home network); `all_days`
    /// (every person's, person-major) is required when the scenario has a `bass` migration.
    pub fn new(
        scenario: &'a Scenario,
        replication: u32,
        blocks: &[std::ops::Range<u32>],
        all_days: Option<Vec<Day>>,
    ) -> Self {
        Self::sharing(scenario, replication, blocks, all_days.map(SharedDays::All))
    }

    /// [`Computed::new`] with the days the shares computed together, whole or in part.
    pub(crate) fn sharing(
        scenario: &'a Scenario,
        replication: u32,
        blocks: &[std::ops::Range<u32>],
        shared: Option<SharedDays>,
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
            shared,
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
        let days = match &self.shared {
            // A share is given the days of every person its engine can meet; any other person's
            // would be a bug, which the runs' comparison with one process would show.
            Some(shared) => {
                let days = shared.of(p, n);
                debug_assert!(days.is_some(), "person {p}'s days are not held here");
                padded(days.unwrap_or(&[]))
            }
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

/// The migration days of replication `replication`'s persons for a share `part` whose persons
/// are not stored: each share assigns the persons it owns (contagion by the distributed search,
/// over the contact graph's rows of those persons), then receives the days its engine needs.
/// That is everybody's when users add contacts (a draw can meet anyone); otherwise its own
/// persons' and those on its users' lists, asked of their owners. `contacts`: this share's rows
/// of the contact graph (row `i` is the share's `i`th person) and the whole graph's mean degree,
/// when the scenario has a graph; they are dropped once the search is done, before the days
/// travel, so that a rank never holds both.
pub(crate) fn shared_days(
    s: &Scenario,
    replication: u32,
    pop: &Population,
    contacts: Option<(crate::world::population::graph::Graph, f64)>,
    part: &Partition,
) -> anyhow::Result<SharedDays> {
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
    let assigned = Owned {
        ids: owned.clone(),
        persons_total: persons,
        persons: &attributes,
        contacts: contacts.as_ref().map(|(graph, mean_degree)| Contacts {
            graph,
            mean_degree: *mean_degree,
        }),
        partition: part,
    };
    let days = assign_owned(s, &rules, &keys, assigned);
    drop((contacts, attributes));
    let Some(comm) = part
        .comm()
        .filter(|_| s.behaviours.contact_adding.is_empty())
    else {
        let all = part.all_gather(&days);
        anyhow::ensure!(
            all.len() == persons as usize * n,
            "migration days did not add up across ranks"
        );
        return Ok(SharedDays::All(all));
    };
    // The persons on this share's lists that others own, ascending, asked of their owners
    // (owners hold contiguous ranges in rank order, so the answers arrive in the same order).
    let mut others: Vec<u32> = pop
        .chunks
        .iter()
        .flat_map(|c| c.entries.iter().copied())
        .filter(|p| !owned.contains(p))
        .collect();
    others.par_sort_unstable();
    others.dedup();
    let owner = part.owners(persons);
    let mut asks = vec![Vec::new(); comm.size()];
    for &p in &others {
        asks[owner(p)].push(p);
    }
    let asked = comm.all_to_all_records(&asks);
    drop(asks);
    let answers: Vec<Vec<Day>> = asked
        .iter()
        .map(|ids| {
            ids.iter()
                .flat_map(|&p| {
                    let i = p.wrapping_sub(owned.start) as usize;
                    days.get(i * n..(i + 1) * n).unwrap_or(&[])
                })
                .copied()
                .collect()
        })
        .collect();
    drop(asked);
    let others_days = comm.all_to_all_records(&answers).concat();
    anyhow::ensure!(
        others_days.len() == others.len() * n,
        "migration days asked of other ranks did not all arrive"
    );
    Ok(SharedDays::Met {
        owned,
        owned_days: days,
        others,
        others_days,
    })
}
