//! `persons.csv`, `migrations.csv` and `graph.csv`: what a world pins of the public-IM persons
//! (their layout by home network, accounts, Microsoft-account links, activity class), of when
//! each one migrates, and of their contact graph.

use super::error::{Problems, WorldError, WorldErrors};
use super::folder::Folder;
use super::table::{self, Column, Lined, Rows, Table, Words};
use crate::day::Day;
use crate::scenario::{NetworkId, Scenario};
use crate::world::population::graph::Graph;
use crate::world::population::model::Person;
use std::ops::Range;

/// What a world pins of each person.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PersonPins {
    /// Person id range of each home network's block (persons are listed by home network).
    pub(crate) blocks: Vec<Range<u32>>,
    /// Per person, the networks held at the start, when the file has `accounts`.
    pub(crate) accounts: Option<Vec<u16>>,
    /// Per person, the Microsoft-account linked networks, when the file has `microsoft_linked`.
    pub(crate) linked: Option<Vec<u16>>,
    /// Per person, the activity class, when the file has `activity`.
    pub(crate) class: Option<Vec<u8>>,
    /// Per person, the line of `persons.csv` that lists it.
    pub(crate) lines: Vec<u32>,
    /// `persons.csv`, as messages name it.
    pub(crate) file: String,
}

impl PersonPins {
    /// The problem `problem` with person `p`, in column `column`.
    pub(crate) fn error(&self, p: u32, column: &str, problem: String) -> WorldError {
        WorldError::new(
            &self.file,
            u64::from(self.lines[p as usize]),
            column,
            problem,
        )
    }
}

/// One row of `migrations.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MigrationPin {
    /// The person.
    pub(crate) person: u32,
    /// The migration's index in the scenario.
    pub(crate) migration: usize,
    /// The day the person migrates ([`crate::migration::NEVER`]: never).
    pub(crate) day: Day,
    /// Its line.
    pub(crate) line: u32,
}

impl Lined for MigrationPin {
    fn line(&self) -> u32 {
        self.line
    }
}

/// Every pinned migration day, in file order.
pub(crate) type MigrationPins = Rows<MigrationPin>;

/// One undirected edge of `graph.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EdgePin {
    /// One person.
    pub(crate) a: u32,
    /// The other.
    pub(crate) b: u32,
    /// Its line.
    pub(crate) line: u32,
}

impl Lined for EdgePin {
    fn line(&self) -> u32 {
        self.line
    }
}

/// The persons' contact graph.
pub(crate) type GraphPin = Rows<EdgePin>;

/// Reads `persons.csv` when present.
pub(crate) fn read_persons(
    s: &Scenario,
    folder: &Folder,
    problems: &mut Problems,
) -> Option<PersonPins> {
    // The columns, by their place in `columns`.
    const PERSON: usize = 0;
    const HOME: usize = 2;
    const ACCOUNTS: usize = 3;
    const LINKED: usize = 4;
    const ACTIVITY: usize = 5;
    let columns = [
        Column::required("person"),
        // Imported addresses (or their pseudonyms): a world of an import is not replayed.
        Column::optional("contact"),
        Column::required("home"),
        Column::optional("accounts"),
        Column::optional("microsoft_linked"),
        Column::optional("activity"),
    ];
    let t = problems
        .take(Table::open(folder, "persons.csv", &columns))
        .flatten()?;
    let classes: Vec<&str> = s
        .population
        .activity
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let mut pins = PersonPins {
        blocks: vec![0..0; s.networks.len()],
        accounts: t.has(ACCOUNTS).then(|| t.reserved()),
        linked: t.has(LINKED).then(|| t.reserved()),
        class: t.has(ACTIVITY).then(|| t.reserved()),
        lines: t.reserved(),
        file: t.file.clone(),
    };
    let mut last_home: NetworkId = 0;
    t.rows(problems, |row, problems| {
        let p = pins.lines.len() as u32;
        if let Some(id) = problems.take(row.need(PERSON, table::id)) {
            if id != p {
                problems.push(row.error(PERSON, format!("person {id} is listed where {p} was expected: list them in id order from 0")));
            }
        }
        let home = problems.take(row.need(HOME, |c| table::network(s, c)));
        let accounts = problems.take(row.parse(ACCOUNTS, |c| table::networks(s, c))).flatten();
        let linked = problems.take(row.parse(LINKED, |c| table::networks(s, c))).flatten();
        let class = problems
            .take(row.parse(ACTIVITY, |c| table::one_of(c, &classes, "an activity class")))
            .flatten();
        if let Some(home) = home {
            if home < last_home {
                problems.push(row.error(HOME, format!("person {p}'s home {} comes after {}: persons are listed in blocks by home network, in the scenario's network order", s.networks[home as usize].id, s.networks[last_home as usize].id)));
            } else {
                last_home = home;
                pins.blocks[home as usize].end = p + 1;
            }
            if accounts.is_some_and(|a| a & (1 << home) == 0) {
                problems.push(row.error(ACCOUNTS, format!("the accounts do not include the home network {}", s.networks[home as usize].id)));
            }
        }
        if let (Some(a), Some(l)) = (accounts, linked) {
            if l & !a != 0 {
                problems.push(row.error(LINKED, "a linked account must be one of the person's accounts"));
            }
        }
        pins.lines.push(row.line as u32);
        pins.accounts.iter_mut().for_each(|v| v.push(accounts.unwrap_or(0)));
        pins.linked.iter_mut().for_each(|v| v.push(linked.unwrap_or(0)));
        pins.class.iter_mut().for_each(|v| v.push(class.unwrap_or(0)));
    });
    // Blocks are contiguous: each starts where the one before it ends.
    let mut start = 0;
    for b in &mut pins.blocks {
        b.start = start;
        b.end = b.end.max(start);
        start = b.end;
    }
    Some(pins)
}

/// Reads `migrations.csv` when present.
pub(crate) fn read_migrations(
    s: &Scenario,
    folder: &Folder,
    problems: &mut Problems,
) -> Option<MigrationPins> {
    // The columns, by their place in `columns`.
    const PERSON: usize = 0;
    const MIGRATION: usize = 1;
    const DAY: usize = 2;
    let columns = [
        Column::required("person"),
        Column::required("migration"),
        Column::required("day"),
    ];
    let t = problems
        .take(Table::open(folder, "migrations.csv", &columns))
        .flatten()?;
    let cal = s.calendar();
    let labels: Vec<&str> = s.migrations.iter().map(|m| m.label.as_str()).collect();
    let mut pins = MigrationPins {
        rows: t.reserved(),
        file: t.file.clone(),
    };
    t.rows(problems, |row, problems| {
        let person = problems.take(row.need(PERSON, table::id));
        let migration = problems.take(row.need(MIGRATION, |c| {
            table::one_of(c, &labels, "a migration").map(usize::from)
        }));
        let words = Words {
            always: true,
            never: true,
        };
        let day = problems.take(row.need(DAY, |c| table::day(c, &cal, words)));
        let (Some(person), Some(migration), Some(day)) = (person, migration, day) else {
            return;
        };
        pins.rows.push(MigrationPin {
            person,
            migration,
            day,
            line: row.line as u32,
        });
    });
    Some(pins)
}

/// Reads `graph.csv` when present.
pub(crate) fn read_graph(folder: &Folder, problems: &mut Problems) -> Option<GraphPin> {
    // The columns, by their place in `columns`.
    const A: usize = 0;
    const B: usize = 1;
    let columns = [Column::required("a"), Column::required("b")];
    let t = problems
        .take(Table::open(folder, "graph.csv", &columns))
        .flatten()?;
    let mut pin = GraphPin {
        rows: t.reserved(),
        file: t.file.clone(),
    };
    t.rows(problems, |row, problems| {
        let a = problems.take(row.need(A, table::id));
        let b = problems.take(row.need(B, table::id));
        if let (Some(a), Some(b)) = (a, b) {
            pin.rows.push(EdgePin {
                a,
                b,
                line: row.line as u32,
            });
        }
    });
    Some(pin)
}

impl PersonPins {
    /// Person `p` as drawn (`person`, over its pinned accounts), with its pinned links and class.
    pub(crate) fn apply(&self, p: u32, mut person: Person) -> Person {
        if let Some(linked) = &self.linked {
            person.linked = linked[p as usize];
        }
        if let Some(class) = &self.class {
            person.class = class[p as usize];
        }
        person
    }
}

impl Rows<EdgePin> {
    /// The graph over `persons` persons (none when the file has no edge and `s` no graph, as an
    /// export of a scenario without one writes); an edge naming a person that does not exist is
    /// a problem at its line.
    pub(crate) fn build(&self, s: &Scenario, persons: usize) -> Result<Option<Graph>, WorldErrors> {
        if self.rows.is_empty() && s.population.graph.is_none() {
            return Ok(None);
        }
        let mut problems = Problems::default();
        for e in &self.rows {
            for (column, p) in [("a", e.a), ("b", e.b)] {
                if p as usize >= persons {
                    problems.push(self.error(e, column, absent_person(p, persons)));
                }
            }
        }
        let edges: Vec<(u32, u32)> = self.rows.iter().map(|e| (e.a, e.b)).collect();
        problems
            .or(())
            .map(|()| Some(Graph::from_edges(persons, &edges)))
    }
}

/// Why person `p` cannot be named in a world of `persons` persons.
pub(crate) fn absent_person(p: u32, persons: usize) -> String {
    if persons == 0 {
        format!("person {p} does not exist (the world has no person)")
    } else {
        format!(
            "person {p} does not exist (persons are 0 to {})",
            persons - 1
        )
    }
}
