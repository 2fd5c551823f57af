//! A world folder, written by `picsim population --export` (`export`) and read for replay
//! (`picsim run --world DIR`), both by one schema of file names and columns (`schema`). Read:
//! which files it has (`folder`), how large they make a replication before anything is held
//! (`extent`, for the memory guard), what each file pins, checked against the scenario, with
//! every problem located at its file, line and column and no cell of it quoted.
//!
//! A world is what `picsim population --export` writes (`docs/world.md` documents every file and
//! column), or any part of it: each file, and each optional column of a file, pins what it holds;
//! what is absent is drawn from the scenario exactly as generation draws it, from the same keyed
//! streams, so a world that pins nothing generates the scenario's own world. Reading checks what
//! the files alone can tell (formats, ids in order, references between files); what depends on
//! drawn values too (an entry's person, a migration's population) is checked where the world is
//! built, with the same kind of message.

pub(crate) mod error;
pub(crate) mod export;
pub(crate) mod extent;
pub(crate) mod fit;
pub(crate) mod folder;
pub(crate) mod orgs;
pub(crate) mod persons;
pub(crate) mod schema;
pub(crate) mod table;
pub(crate) mod users;

pub use error::{WorldError, WorldErrors};
use folder::{Folder, MAX_ABOUT_BYTES};
use orgs::OrgPins;
use persons::{GraphPin, MigrationPins, PersonPins};
use std::io::Read;
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

impl World {
    /// Reads the world folder `dir` for `s`: every file present, checked; every problem found,
    /// in file order. Files that need no other are read in parallel (the large ones, persons,
    /// entries and migrations, are most of a world).
    pub fn read(s: &crate::scenario::Scenario, dir: &Path) -> Result<World, WorldErrors> {
        let folder = Folder::open(dir)?;
        let dir = &folder;
        let (((replication, orgs, users), first), ((persons, second), ((entries, third), rest))) =
            rayon::join(
                || {
                    checked(|p| {
                        let replication = read_about(s, dir, p);
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

    /// Whether a check of this world waits for it to be built (`fit`, and the migration days):
    /// it pins something that names or depends on what a replication draws (entries, migration
    /// days, graph edges, users' domains, Microsoft-account links). A world without any of those
    /// is checked in full when it is read.
    pub(crate) fn checked_when_built(&self) -> bool {
        self.entries.is_some()
            || self.migrations.is_some()
            || self.graph.is_some()
            || self.users.as_ref().is_some_and(|u| u.domain.is_some())
            || self.persons.as_ref().is_some_and(|p| p.linked.is_some())
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

/// `world.toml`'s replication (0 without the file): one whose replications `replication`,
/// `replication + 1`, … for the scenario's replications would pass the last 32-bit replication
/// number is refused (they would all be the last one, and the same).
fn read_about(
    s: &crate::scenario::Scenario,
    folder: &Folder,
    problems: &mut error::Problems,
) -> u32 {
    if !folder.has(schema::ABOUT) {
        return 0;
    }
    let path = folder.path(schema::ABOUT);
    let file = path.display().to_string();
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_ABOUT_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        let problem = format!("could not be read: {}", folder::io_text(&e));
        problems.push(WorldError::whole_file(file, problem));
        return 0;
    }
    if bytes.len() as u64 > MAX_ABOUT_BYTES {
        let problem = format!(
            "the file runs past {} MiB here; world.toml holds the keys replication, seed and scenario",
            MAX_ABOUT_BYTES >> 20
        );
        let line = line_at(&bytes, MAX_ABOUT_BYTES as usize);
        problems.push(WorldError::new(file, line, "", problem));
        return 0;
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = line_at(&bytes, e.valid_up_to());
            problems.push(WorldError::new(
                file,
                line,
                "",
                "not UTF-8 text (save the file as UTF-8)",
            ));
            return 0;
        }
    };
    let replication = match about(text) {
        Ok(replication) => replication,
        Err((line, column, problem)) => {
            problems.push(WorldError::new(file, line, column, problem));
            return 0;
        }
    };
    let last = u64::from(replication) + u64::from(s.replications.max(1)) - 1;
    if last > u64::from(u32::MAX) {
        let problem = format!(
            "its replications, {} from this one on, would pass the last replication number {}: give at most {}",
            s.replications,
            u32::MAX,
            u32::MAX - (s.replications.max(1) - 1)
        );
        problems.push(WorldError::new(
            file,
            key_line(text, "replication"),
            "replication",
            problem,
        ));
    }
    replication
}

/// The replication `world.toml` (`text`) records (0 when it has none), or the line, column and
/// problem of what is wrong. Its keys are checked here rather than by serde, whose messages
/// quote what they refuse (and a world file may hold anything).
fn about(text: &str) -> Result<u32, (u64, String, String)> {
    const KEYS: &str = "world.toml has the keys replication, seed and scenario";
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start.min(text.len()));
        let line = line_at(text.as_bytes(), at);
        // `get`: a span off a character's boundary gives column 1, not a panic.
        let column = text
            .get(..at)
            .unwrap_or("")
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            + 1;
        (
            line,
            format!("column {column}"),
            format!("not TOML picsim can read ({KEYS})"),
        )
    })?;
    let mut replication = 0;
    for (key, value) in &table {
        let wrong = |column: &str, problem: &str| {
            Err((key_line(text, key), column.to_string(), problem.to_string()))
        };
        match (key.as_str(), value) {
            ("replication", toml::Value::Integer(n)) if u32::try_from(*n).is_ok() => {
                replication = *n as u32;
            }
            ("replication", _) => {
                return wrong(
                    "replication",
                    "not a replication (a whole number from 0 to 4294967295)",
                );
            }
            ("seed", toml::Value::Integer(n)) if *n >= 0 => {}
            ("seed", _) => return wrong("seed", "not a seed (a whole number from 0)"),
            ("scenario", toml::Value::String(_)) => {}
            ("scenario", _) => return wrong("scenario", "not a scenario's name (a string)"),
            _ => return wrong("", &format!("an unknown key; {KEYS}")),
        }
    }
    Ok(replication)
}

/// The 1-based line of byte `at` of `bytes`: newlines before it, plus one.
fn line_at(bytes: &[u8], at: usize) -> u64 {
    memchr::memchr_iter(b'\n', &bytes[..at.min(bytes.len())]).count() as u64 + 1
}

/// The line of `text` (TOML) that sets `key` or opens it as a table, bare or quoted (1 when no
/// line does: the file as a whole).
fn key_line(text: &str, key: &str) -> u64 {
    let names = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix('[').unwrap_or(l).trim_start();
            names.iter().any(|n| {
                l.strip_prefix(n.as_str()).is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.starts_with('=') || rest.starts_with(']') || rest.starts_with('.')
                })
            })
        })
        .map_or(1, |i| i as u64 + 1)
}
