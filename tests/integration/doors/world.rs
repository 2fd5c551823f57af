//! The world-folder door: seeded mutations of two worlds (a small `wlm-bass` world exported by
//! `picsim population`, every file, and the hand-written world of `world.rs`, a few files), each
//! checked as `picsim validate` checks it (`picsim::run::check_world`: the memory guard on the
//! folder's extent, every file read, each replication's world built) under a 1 GiB limit, and
//! one accepted input in [`RUN_EVERY`] replayed whole (the engine too).
//!
//! Mutations: a file's bytes or lines (`fuzz/mutate.rs`), a cell replaced by a value world files
//! meet at their limits, a file dropped, a file added under a misspelt name; one to three a
//! world.

use super::{Door, assert_clean, at_a_line, long_run, pass};
use crate::fuzz::mutate::{self, Format, below};
use picsim::rng::Stream;
use picsim::scenario::{Override, Scenario, load_file};
use std::path::{Path, PathBuf};

/// Every file a world may have.
const FILES: [&str; 8] = [
    "world.toml",
    "orgs.csv",
    "domains.csv",
    "users.csv",
    "persons.csv",
    "entries.csv",
    "migrations.csv",
    "graph.csv",
];

/// Memory the check may use, bytes: crafted sizes are refused far below the 4 GiB the long
/// run's address space has.
const LIMIT: u64 = 1 << 30;

/// One accepted input in this many is replayed whole, engine included.
const RUN_EVERY: u64 = 16;

/// Values world files meet at their limits.
const CELLS: &[&str] = &[
    "",
    "-1",
    "0",
    "1",
    "3",
    "9999",
    "10000",
    "10001",
    "100000000",
    "4000000000",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "always",
    "never",
    "2012-12-01",
    "2013-01-01",
    "2013-02-30",
    "0001-01-01",
    "9999-12-31",
    "wlm",
    "skype",
    "aim",
    "wlm;skype;aim",
    "msn",
    "server",
    "online",
    "wlm_to_skype",
    "2013-05-01:online;2013-04-01:server",
    "\"",
    "someone@contoso.example",
];

/// A seed world: the scenario it replays and its files.
struct Seed {
    /// The scenario file, relative to the repository, or written into the space (`hand`).
    scenario: &'static str,
    overrides: Vec<String>,
    files: Vec<(String, Vec<u8>)>,
}

pub(crate) struct WorldDoor {
    seeds: Vec<Seed>,
}

/// One thread's folders: per seed, the scenario (its world in `w-<k>/`) loaded once.
pub(crate) struct Space {
    dir: tempfile::TempDir,
    scenarios: Vec<Scenario>,
}

impl WorldDoor {
    pub(crate) fn new() -> WorldDoor {
        let export = tempfile::tempdir().expect("a temporary folder");
        let world = export.path().join("w");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_picsim"))
            .args([
                "population",
                "scenarios/wlm-bass.toml",
                "--set",
                "orgs.count=4",
                "--export",
            ])
            .arg(&world)
            .output()
            .expect("picsim runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let files = FILES
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    std::fs::read(world.join(f)).expect("an exported file"),
                )
            })
            .collect();
        let hand = [
            ("world.toml", "replication = 2\n"),
            ("orgs.csv", "org,users,enabled_msn\n0,1,2013-03-01\n"),
            (
                "persons.csv",
                "person,home,accounts\n0,wlm,wlm\n1,wlm,wlm\n",
            ),
            ("entries.csv", "user,person\n0,0\n0,1\n"),
            (
                "migrations.csv",
                "person,migration,day\n0,wlm_to_skype,2013-05-01\n1,wlm_to_skype,never\n",
            ),
        ];
        WorldDoor {
            seeds: vec![
                Seed {
                    scenario: "scenarios/wlm-bass.toml",
                    overrides: vec!["orgs.count=4".into(), "scenario.replications=2".into()],
                    files,
                },
                Seed {
                    scenario: "hand",
                    overrides: vec![],
                    files: hand
                        .iter()
                        .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                        .collect(),
                },
            ],
        }
    }
}

fn pick<'a, T>(rng: &mut Stream, items: &'a [T]) -> &'a T {
    &items[below(rng, items.len())]
}

/// `text` with one cell of one of its rows replaced by a value of [`CELLS`].
fn replace_cell(rng: &mut Stream, text: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let l = below(rng, lines.len());
    let mut cells: Vec<Vec<u8>> = lines[l].split(|&b| b == b',').map(<[u8]>::to_vec).collect();
    let c = below(rng, cells.len());
    cells[c] = pick(rng, CELLS).as_bytes().to_vec();
    lines[l] = cells.join(&b',');
    lines.join(&b'\n')
}

/// `files` with one mutation applied.
fn mutate_world(rng: &mut Stream, files: &mut Vec<(String, Vec<u8>)>, others: &[&[u8]]) {
    if files.is_empty() {
        return;
    }
    let f = below(rng, files.len());
    match below(rng, 20) {
        0..=8 => {
            let format = if files[f].0.ends_with(".toml") {
                Format::Toml
            } else {
                Format::Csv
            };
            files[f].1 = mutate::mutate(rng, &files[f].1, format, others);
        }
        9..=16 => files[f].1 = replace_cell(rng, &files[f].1),
        17 => {
            files.remove(f);
        }
        18 => {
            // Grown: every row again (ids out of order, persons listed twice).
            let copy = files[f].1.clone();
            let rows = copy
                .splitn(2, |&b| b == b'\n')
                .nth(1)
                .unwrap_or(&[])
                .to_vec();
            files[f].1.extend(rows);
        }
        _ => {
            let misspelt = pick(rng, &["org.csv", "Orgs.csv", "entries.CSV", "notes.txt"]);
            files.push((misspelt.to_string(), files[f].1.clone()));
        }
    }
}

impl Door for WorldDoor {
    type Space = Space;

    fn name(&self) -> &'static str {
        "world"
    }

    fn space(&self) -> Space {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let scenarios = self
            .seeds
            .iter()
            .enumerate()
            .map(|(k, seed)| {
                let world = dir.path().join(format!("w-{k}"));
                std::fs::create_dir_all(&world).expect("a world folder");
                let path = if seed.scenario == "hand" {
                    let p = dir.path().join("hand.toml");
                    let text = crate::world::HAND.replace("world = \"w\"", "world = \"w-1\"");
                    std::fs::write(&p, text).expect("the hand scenario");
                    p
                } else {
                    PathBuf::from(seed.scenario)
                };
                let mut sets = seed.overrides.clone();
                sets.push(format!(
                    "population.world={:?}",
                    world.display().to_string()
                ));
                let overrides: Vec<Override> = sets
                    .iter()
                    .map(|o| Override::parse(o).expect("an override"))
                    .collect();
                load_file(&path, &overrides).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        Space { dir, scenarios }
    }

    fn input(&self, seed: u64, i: u64) -> Vec<(String, Vec<u8>)> {
        let mut rng = picsim::rng::plain(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x77);
        let k = below(&mut rng, self.seeds.len());
        let mut files = self.seeds[k].files.clone();
        let others: Vec<Vec<u8>> = self
            .seeds
            .iter()
            .flat_map(|s| s.files.iter().map(|(_, b)| b.clone()))
            .collect();
        let others: Vec<&[u8]> = others.iter().map(Vec::as_slice).collect();
        for _ in 0..1 + below(&mut rng, 3) {
            mutate_world(&mut rng, &mut files, &others);
        }
        // Which seed: a file name no world has, never written.
        files.push((format!(".seed-{k}"), Vec::new()));
        files
    }

    fn check(&self, space: &mut Space, files: &[(String, Vec<u8>)]) -> Vec<String> {
        let k = files
            .iter()
            .find_map(|(n, _)| n.strip_prefix(".seed-")?.parse::<usize>().ok())
            .unwrap_or(0);
        let world = space.dir.path().join(format!("w-{k}"));
        write_world(&world, files);
        let s = &space.scenarios[k];
        let lines = |e: anyhow::Error| -> Vec<String> {
            let prefix = format!("{}/", space.dir.path().display());
            format!("{e:#}")
                .lines()
                .map(|l| l.replace(&prefix, ""))
                .collect()
        };
        match picsim::run::check_world(s, Some(LIMIT)) {
            Err(e) => lines(e),
            Ok(_) => {
                let seed = files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
                if seed % RUN_EVERY == 0 {
                    if let Err(e) = picsim::run::run_local(std::slice::from_ref(s), 1, &|_| {}) {
                        return lines(e);
                    }
                }
                Vec::new()
            }
        }
    }

    fn positioned(&self, line: &str) -> bool {
        let l = line.trim_start();
        l == "the world cannot be replayed:"
            || l.starts_with("… and ")
            || at_a_line(l, &FILES)
            || l.contains(": not a file of a world; ")
    }

    fn leaks(&self, line: &str) -> bool {
        line.contains("contoso") || line.contains("someone@")
    }
}

/// Empties `dir` and writes `files` into it (the seed marker aside).
fn write_world(dir: &Path, files: &[(String, Vec<u8>)]) {
    for e in std::fs::read_dir(dir).expect("the world folder") {
        let p = e.expect("an entry").path();
        let _ = std::fs::remove_file(&p);
    }
    for (name, bytes) in files.iter().filter(|(n, _)| !n.starts_with(".seed-")) {
        std::fs::write(dir.join(name), bytes).expect("a world file");
    }
}

/// The short pass's inputs.
const SHORT_INPUTS: u64 = 1_500;

#[test]
fn a_short_seeded_pass_over_world_folders_is_clean() {
    let door = WorldDoor::new();
    let tally = pass(&door, 1, SHORT_INPUTS, 2);
    assert_clean("world", &tally, SHORT_INPUTS);
}

#[test]
fn the_seed_worlds_are_accepted_unmutated() {
    let door = WorldDoor::new();
    let mut space = door.space();
    for (k, seed) in door.seeds.iter().enumerate() {
        let mut files = seed.files.clone();
        files.push((format!(".seed-{k}"), Vec::new()));
        assert_eq!(
            door.check(&mut space, &files),
            Vec::<String>::new(),
            "seed {k}"
        );
    }
}

#[test]
#[ignore = "long: run by fuzz/doors.sh"]
fn long_run_over_world_folders() {
    long_run(&WorldDoor::new());
}
