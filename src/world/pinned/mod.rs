//! A world folder read for replay (`picsim run --world DIR`): what each file pins, checked
//! against the scenario, with every problem located at its file, line and column.
//!
//! A world is what `picsim population --export` writes (`docs/world.md` documents every file and
//! column), or any part of it: each file, and each optional column of a file, pins what it holds;
//! what is absent is drawn from the scenario exactly as generation draws it, from the same keyed
//! streams, so a world that pins nothing generates the scenario's own world. Reading checks what
//! the files alone can tell (formats, ids in order, references between files); what depends on
//! drawn values too (an entry's person, a migration's population) is checked where the world is
//! built, with the same kind of message.

pub(crate) mod error;
pub(crate) mod fit;
pub(crate) mod orgs;
pub(crate) mod persons;
pub(crate) mod table;
pub(crate) mod users;

pub use error::{WorldError, WorldErrors};
use orgs::OrgPins;
use persons::{GraphPin, MigrationPins, PersonPins};
use std::path::Path;
use users::{EntryPins, UserPins};

/// What a world folder pins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    /// The replication the world was exported from (`world.toml`; 0 without one): a replay's
    /// replication `k` draws what the world leaves out as replication `replication + k` would.
    pub(crate) replication: u32,
    /// `orgs.csv`, `domains.csv`, and the user counts of `users.csv`.
    pub(crate) orgs: OrgPins,
    /// `users.csv`.
    pub(crate) users: Option<UserPins>,
    /// `persons.csv`.
    pub(crate) persons: Option<PersonPins>,
    /// `entries.csv`.
    pub(crate) entries: Option<EntryPins>,
    /// `migrations.csv`.
    pub(crate) migrations: Option<MigrationPins>,
    /// `graph.csv`.
    pub(crate) graph: Option<GraphPin>,
}

/// `world.toml`: where the world comes from.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct About {
    /// The replication exported.
    replication: Option<u32>,
    /// The scenario's seed then: for readers (a replay takes the run's seed).
    #[serde(rename = "seed")]
    _seed: Option<u64>,
    /// The scenario's name then: for readers.
    #[serde(rename = "scenario")]
    _scenario: Option<String>,
}

impl World {
    /// Reads the world folder `dir` for `s`: every file present, checked; every problem found,
    /// in file order. Files that need no other are read in parallel (the large ones, persons,
    /// entries and migrations, are most of a world).
    pub fn read(s: &crate::scenario::Scenario, dir: &Path) -> Result<World, WorldErrors> {
        let (((replication, orgs, users), first), ((persons, second), ((entries, third), rest))) =
            rayon::join(
                || {
                    checked(|p| {
                        let replication = read_about(dir, p);
                        let mut orgs = orgs::read(s, dir, p);
                        let users = users::read_users(s, dir, &mut orgs, p);
                        (replication, orgs, users)
                    })
                },
                || {
                    rayon::join(
                        || checked(|p| persons::read_persons(s, dir, p)),
                        || {
                            rayon::join(
                                || checked(|p| users::read_entries(s, dir, p)),
                                || {
                                    checked(|p| {
                                        let migrations = persons::read_migrations(s, dir, p);
                                        (migrations, persons::read_graph(dir, p))
                                    })
                                },
                            )
                        },
                    )
                },
            );
        let ((migrations, graph), fourth) = rest;
        let mut problems = first;
        for more in [second, third, fourth] {
            problems.append(more);
        }
        problems.or(World {
            replication,
            orgs,
            users,
            persons,
            entries,
            migrations,
            graph,
        })
    }

    /// Reads the world `s` names (`population.world`), if any.
    pub fn of(s: &crate::scenario::Scenario) -> Result<Option<World>, WorldErrors> {
        s.population
            .world
            .as_deref()
            .map(|dir| World::read(s, dir))
            .transpose()
    }
}

/// What `read` returns, with the problems it found.
fn checked<T>(read: impl FnOnce(&mut error::Problems) -> T) -> (T, error::Problems) {
    let mut problems = error::Problems::default();
    let value = read(&mut problems);
    (value, problems)
}

fn read_about(dir: &Path, problems: &mut error::Problems) -> u32 {
    let path = dir.join("world.toml");
    let file = path.display().to_string();
    if !path.exists() {
        return 0;
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            problems.push(WorldError::new(
                file,
                0,
                "",
                format!("could not be read: {e}"),
            ));
            return 0;
        }
    };
    match toml::from_str::<About>(&text) {
        Ok(about) => about.replication.unwrap_or(0),
        Err(e) => {
            // The 1-based line of the problem: newlines before it, plus one.
            let before = e.span().map_or(0, |s| s.start.min(text.len()));
            let line = text.as_bytes()[..before]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            let problem = e.message().trim().to_string();
            problems.push(WorldError::new(file, line as u64, "", problem));
            0
        }
    }
}
