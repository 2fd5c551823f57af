//! Worlds replayed (`picsim run --world DIR`, docs/world.md): an exported replication replayed
//! at the same seed gives that replication's `series.csv` and `orgs.csv` rows byte for byte
//! (`sign_in`, `scheduled`, `bass`; behaviours on and off; one thread and two), and so does any
//! part of it (what a world leaves out is drawn as the scenario draws it); a world written by
//! hand shows on its days what it pins; and a world that does not fit is refused with its file,
//! line and column, writing nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PICSIM: &str = env!("CARGO_BIN_EXE_picsim");
const SEED: &str = "11";

/// Every file an export writes.
const WORLD_FILES: [&str; 8] = [
    "world.toml",
    "orgs.csv",
    "domains.csv",
    "users.csv",
    "persons.csv",
    "entries.csv",
    "migrations.csv",
    "graph.csv",
];

fn picsim(args: &[&str]) -> Output {
    Command::new(PICSIM)
        .args(args)
        .output()
        .expect("picsim runs")
}

fn ok(args: &[&str]) {
    let out = picsim(args);
    assert!(
        out.status.success(),
        "picsim {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn text(p: &Path) -> String {
    p.to_str().expect("temporary paths are UTF-8").to_string()
}

/// `--set` for each override.
fn sets(overrides: &[&str]) -> Vec<String> {
    overrides
        .iter()
        .flat_map(|o| ["--set".to_string(), o.to_string()])
        .collect()
}

/// The rows of replication `rep` in a run's `file`, without the replication column (a replay
/// numbers its own replications from 0).
pub(crate) fn rows(run: &Path, file: &str, rep: u32) -> Vec<String> {
    let body = std::fs::read_to_string(run.join(file)).expect("the run wrote the file");
    let rep = rep.to_string();
    body.lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .filter(|(r, _)| *r == rep)
        .map(|(_, rest)| rest.to_string())
        .collect()
}

/// `scenario` with `overrides` run (3 replications, two threads) into `dir/original`, and its
/// replication `r` exported into `dir/world`.
pub(crate) fn original_and_export(
    dir: &Path,
    scenario: &str,
    overrides: &[&str],
    r: u32,
) -> (PathBuf, PathBuf) {
    let original = dir.join("original");
    let world = dir.join("world");
    let set = sets(overrides);
    let mut args: Vec<String> = vec!["run".into(), scenario.into()];
    args.extend(set.clone());
    args.extend(
        [
            "--replications",
            "3",
            "--seed",
            SEED,
            "--threads",
            "2",
            "--quiet",
            "--out",
        ]
        .map(String::from),
    );
    args.push(text(&original));
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut args: Vec<String> = vec!["population".into(), scenario.into()];
    args.extend(set);
    args.extend(["--seed", SEED, "--threads", "1", "--replication"].map(String::from));
    args.push(r.to_string());
    args.push("--export".into());
    args.push(text(&world));
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    (original, world)
}

/// `scenario` with `overrides` replaying `world` with `threads` threads and `replications`
/// replications, into `out`.
pub(crate) fn replay(
    scenario: &str,
    overrides: &[&str],
    world: &Path,
    threads: &str,
    replications: &str,
    out: &Path,
) {
    let mut args: Vec<String> = vec!["run".into(), scenario.into()];
    args.extend(sets(overrides));
    args.extend(
        [
            "--replications",
            replications,
            "--seed",
            SEED,
            "--threads",
            threads,
            "--quiet",
            "--force",
            "--world",
        ]
        .map(String::from),
    );
    args.push(text(world));
    args.push("--out".into());
    args.push(text(out));
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
}

fn assert_same_rows(original: &Path, r: u32, replayed: &Path, what: &str) {
    for file in ["series.csv", "orgs.csv"] {
        let a = rows(original, file, r);
        let b = rows(replayed, file, 0);
        assert!(
            !a.is_empty(),
            "{what}: the original has no rows for replication {r}"
        );
        assert!(a == b, "{what}: {file} differs from replication {r}'s");
    }
}

const BEHAVIOURS_OFF: [&str; 2] = [
    "behaviours.contact_adding=[]",
    "behaviours.recovery.probability=0",
];

/// The round trip for one scenario, with behaviours on and off, one thread and two.
fn round_trip(scenario: &str, overrides: &[&str]) {
    for behaviours in [&[][..], &BEHAVIOURS_OFF[..]] {
        let all: Vec<&str> = overrides.iter().chain(behaviours).copied().collect();
        let dir = tempfile::tempdir().unwrap();
        let r = 2;
        let (original, world) = original_and_export(dir.path(), scenario, &all, r);
        for threads in ["1", "2"] {
            let out = dir.path().join(format!("replay-{threads}"));
            replay(scenario, &all, &world, threads, "1", &out);
            let what = format!("{scenario} {all:?}, {threads} thread(s)");
            assert_same_rows(&original, r, &out, &what);
        }
    }
}

#[test]
fn an_exported_sign_in_world_replays_byte_for_byte() {
    round_trip("scenarios/pic-2013.toml", &["orgs.count=30"]);
}

#[test]
fn an_exported_scheduled_world_replays_byte_for_byte() {
    round_trip(
        "scenarios/pic-2013.toml",
        &["orgs.count=30", "migrations.0.trigger=\"scheduled\""],
    );
}

#[test]
fn an_exported_bass_world_replays_byte_for_byte() {
    round_trip("scenarios/wlm-bass.toml", &["orgs.count=30"]);
}

/// Every file alone (with `world.toml`), and `orgs.csv` with only some of its columns: what the
/// world leaves out is drawn exactly as the scenario draws it, so each part replays the whole.
/// Two replications: the replay's first is the exported one.
#[test]
fn any_part_of_a_world_replays_the_whole() {
    let scenario = "scenarios/wlm-bass.toml";
    let overrides = ["orgs.count=30"];
    let dir = tempfile::tempdir().unwrap();
    let r = 1;
    let (original, world) = original_and_export(dir.path(), scenario, &overrides, r);
    // A file naming what another file would pin (users' domains, entries' persons, migrating or
    // connected persons) names it as replication r drew it: other replications draw other
    // layouts, so such a file alone replays one replication; with what it names, any number.
    let parts: [(&[&str], &str); 10] = [
        (&[], "2"),
        (&["orgs.csv"], "2"),
        (&["orgs.csv", "domains.csv"], "2"),
        (&["users.csv"], "1"),
        (&["users.csv", "domains.csv"], "2"),
        (&["persons.csv"], "2"),
        (&["entries.csv"], "1"),
        (&["migrations.csv"], "1"),
        (&["graph.csv"], "1"),
        (
            &[
                "users.csv",
                "domains.csv",
                "persons.csv",
                "entries.csv",
                "migrations.csv",
                "graph.csv",
            ],
            "2",
        ),
    ];
    for (k, (part, replications)) in parts.iter().enumerate() {
        let only = dir.path().join(format!("part-{k}"));
        std::fs::create_dir(&only).unwrap();
        for f in part.iter().chain(&["world.toml"]) {
            std::fs::copy(world.join(f), only.join(f)).unwrap();
        }
        let out = dir.path().join(format!("replay-{k}"));
        replay(scenario, &overrides, &only, "2", replications, &out);
        assert_same_rows(&original, r, &out, &format!("{part:?}"));
    }
    // orgs.csv with only the enable days (what an organisation would know of itself).
    let only = dir.path().join("enable-only");
    std::fs::create_dir(&only).unwrap();
    std::fs::copy(world.join("world.toml"), only.join("world.toml")).unwrap();
    let orgs = std::fs::read_to_string(world.join("orgs.csv")).unwrap();
    let header: Vec<&str> = orgs.lines().next().unwrap().split(',').collect();
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| header[i] == "org" || header[i].starts_with("enabled_"))
        .collect();
    let cut: String = orgs
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            keep.iter().map(|&i| cells[i]).collect::<Vec<_>>().join(",") + "\n"
        })
        .collect();
    std::fs::write(only.join("orgs.csv"), cut).unwrap();
    let out = dir.path().join("replay-enable");
    replay(scenario, &overrides, &only, "1", "1", &out);
    assert_same_rows(&original, r, &out, "orgs.csv with enable days only");
    // `population --world` completes the part: every file as the export of replication r.
    let completed = dir.path().join("completed");
    let mut args = vec!["population", scenario];
    let set = sets(&overrides);
    args.extend(set.iter().map(String::as_str));
    let (only, completed_text) = (text(&only), text(&completed));
    args.extend([
        "--seed",
        SEED,
        "--world",
        &only,
        "--export",
        &completed_text,
    ]);
    ok(&args);
    for f in WORLD_FILES {
        assert!(
            std::fs::read(world.join(f)).unwrap() == std::fs::read(completed.join(f)).unwrap(),
            "the completed {f} differs from the export's"
        );
    }
}

/// A scenario whose every number is known by hand once a world pins it: one organisation that
/// enables `msn` on 2013-03-01, one user with two Messenger contacts; person 0 migrates to Skype
/// on 2013-05-01 (the entry follows to Skype, which `msn` does not reach: lost to federation),
/// person 1 never (the scenario's own trigger would move both in October).
pub(crate) const HAND: &str = r#"
[scenario]
name = "hand"
start = 2013-01-01
end = 2013-12-31
step_days = 1
replications = 1
[networks.wlm]
capabilities = [{ modalities = ["im", "presence"] }]
[networks.skype]
capabilities = [{ modalities = ["im", "presence"] }]
[providers.msn]
licence = "cal"
reaches = [{ network = "wlm", deployments = ["server"] }]
[[migrations]]
from = "wlm"
to = "skype"
trigger = "scheduled"
window = { from = 2013-10-01, until = 2013-10-31 }
[orgs]
count = 5
users = 3
deployments = { server = 1.0 }
agreement = { term_years = 1, start = { from = 2010-01-01, until = 2010-01-01 } }
[population]
contacts_per_user = 4
network_mix = { wlm = 1.0 }
world = "w"
"#;

/// Writes the hand scenario and its world (`files`: name and content) into `dir`.
fn hand_world(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let scenario = dir.join("hand.toml");
    std::fs::write(&scenario, HAND).unwrap();
    std::fs::create_dir_all(dir.join("w")).unwrap();
    for (name, body) in files {
        std::fs::write(dir.join("w").join(name), body).unwrap();
    }
    scenario
}

const HAND_FILES: [(&str, &str); 4] = [
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

/// The value of `column` on `date` in a one-replication run's series.
fn value(run: &Path, column: &str, date: &str) -> i64 {
    let body = std::fs::read_to_string(run.join("series.csv")).unwrap();
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let row = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[1] == date)
        .unwrap_or_else(|| panic!("no row for {date}"));
    row[c].parse().unwrap()
}

#[test]
fn a_hand_written_world_shows_what_it_pins_on_its_days() {
    let dir = tempfile::tempdir().unwrap();
    // `world = "w"` is resolved beside the scenario file, not in the working folder.
    let scenario = hand_world(dir.path(), &HAND_FILES);
    let out = dir.path().join("out");
    ok(&["run", &text(&scenario), "--quiet", "--out", &text(&out)]);
    let expect = |column: &str, pieces: &[(&str, i64)]| {
        for (date, v) in pieces {
            assert_eq!(value(&out, column, date), *v, "{column} on {date}");
        }
    };
    expect("entries", &[("2013-01-01", 2), ("2013-12-31", 2)]);
    expect("orgs_msn", &[("2013-02-28", 0), ("2013-03-01", 1)]);
    expect("never_reachable", &[("2013-02-28", 2), ("2013-03-01", 0)]);
    expect(
        "reachable_im",
        &[
            ("2013-02-28", 0),
            ("2013-03-01", 2),
            ("2013-04-30", 2),
            ("2013-05-01", 1),
            ("2013-12-31", 1),
        ],
    );
    expect("lost_account", &[("2013-12-31", 0)]);
    expect(
        "lost_federation",
        &[("2013-04-30", 0), ("2013-05-01", 1), ("2013-12-31", 1)],
    );
    expect(
        "migrated_wlm_to_skype",
        &[
            ("2013-04-30", 0),
            ("2013-05-01", 1),
            ("2013-11-01", 1),
            ("2013-12-31", 1),
        ],
    );
    expect("users", &[("2013-01-01", 1)]);
    expect("users_lost_some", &[("2013-04-30", 0), ("2013-05-01", 1)]);
}

/// Writes the hand scenario and its world, [`HAND_FILES`] with `changed` (name and content) in
/// place of or beside them, into `dir`.
fn hand_world_changed(dir: &Path, changed: &[(&str, &str)]) -> PathBuf {
    let mut files: Vec<(&str, &str)> = HAND_FILES.to_vec();
    for (name, body) in changed {
        files.retain(|(n, _)| n != name);
        files.push((name, body));
    }
    hand_world(dir, &files)
}

/// Runs the hand scenario with `files` changed from [`HAND_FILES`], expects a refusal whose
/// message has every one of `wanted`, and that nothing was written.
fn refused(changed: &[(&str, &str)], wanted: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = hand_world_changed(dir.path(), changed);
    let out_dir = dir.path().join("out");
    let out = picsim(&["run", &text(&scenario), "--quiet", "--out", &text(&out_dir)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for w in wanted {
        assert!(stderr.contains(w), "`{w}` not in:\n{stderr}");
    }
    assert!(
        !out_dir.exists(),
        "a refused world wrote {}",
        out_dir.display()
    );
}

#[test]
fn an_entry_on_an_account_its_person_does_not_hold_is_refused() {
    refused(
        &[("entries.csv", "user,person,network\n0,0,wlm\n0,1,skype\n")],
        &["entries.csv:3: network: person 1 holds no skype account"],
    );
}

#[test]
fn a_migration_day_outside_the_migrations_population_is_refused() {
    refused(
        &[
            (
                "persons.csv",
                "person,home,accounts\n0,wlm,wlm\n1,skype,skype\n",
            ),
            (
                "migrations.csv",
                "person,migration,day\n0,wlm_to_skype,2013-05-01\n1,wlm_to_skype,2013-06-01\n",
            ),
        ],
        &["migrations.csv:3: person: person 1 is not in wlm_to_skype's population"],
    );
}

#[test]
fn a_user_on_a_domain_its_organisation_lacks_is_refused() {
    refused(
        &[
            ("domains.csv", "domain,org,added\n0,0,always\n"),
            ("users.csv", "user,org,domain\n0,0,1\n"),
        ],
        &["users.csv:2: domain: domain 1 is not one of organisation 0's (0 to 0"],
    );
}

#[test]
fn unknown_ids_bad_dates_and_missing_columns_are_refused_with_their_place() {
    // (file, its content, what the message must say)
    let cases = [
        (
            "orgs.csv",
            "org,users,enabled_msn\n0,1,2013-02-30\n",
            "orgs.csv:2: enabled_msn: not an ISO date (2013-04-08), always or never",
        ),
        (
            "entries.csv",
            "user,person\n0,0\n0,7\n",
            "entries.csv:3: person: person 7 does not exist (persons are 0 to 1)",
        ),
        (
            "users.csv",
            "user,org\n0,3\n",
            "users.csv:2: org: organisation 3 does not exist (organisations are 0 to 0)",
        ),
        (
            "entries.csv",
            "user\n0\n",
            "entries.csv:1: person: a required column is missing",
        ),
        (
            "orgs.csv",
            "org,users,enabeld_msn\n0,1,2013-03-01\n",
            "orgs.csv:1: column 3: not a column of orgs.csv",
        ),
        (
            "entries.csv",
            "user,person\n0,0\n0,1\n0,0\n",
            "entries.csv:4: person: person 0 is on user 0's list twice",
        ),
        (
            "migrations.csv",
            "person,migration,day\n0,wlm_to_skype,2013-05-01\n1,wlm_to_skype,never\n0,wlm_to_skype,never\n",
            "migrations.csv:4: person: person 0 has two days for wlm_to_skype",
        ),
        (
            "world.toml",
            "replicaton = 1\n",
            "world.toml:1: an unknown key; world.toml has the keys replication, seed and scenario",
        ),
        (
            "orgs.csv",
            "org,deployment_changes\n0,2013-05-01:server;2013-04-01:server\n",
            "orgs.csv:2: deployment_changes: change 2's day is not after the change before it",
        ),
        (
            "migrations.csv",
            "person,migration,day\n0,wlm_to_aim,2013-05-01\n",
            "migrations.csv:2: migration: not a migration of the scenario (wlm_to_skype)",
        ),
    ];
    for (file, body, wanted) in cases {
        refused(&[(file, body)], &[wanted]);
    }
}

#[test]
fn a_world_that_is_not_a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let out = picsim(&[
        "run",
        "scenarios/pic-2013.toml",
        "--world",
        &text(&missing),
        "--quiet",
        "--out",
        &text(&dir.path().join("out")),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("population.world: ") && stderr.contains("is not a folder"),
        "{stderr}"
    );
}

#[test]
fn a_world_cannot_replay_an_imported_contact_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = picsim(&[
        "run",
        "scenarios/my-org.toml",
        "--world",
        &text(dir.path()),
        "--quiet",
        "--out",
        &text(&dir.path().join("out")),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("population.world: a world replays a generated population; it cannot be combined with [population.import]"), "{stderr}");
}

/// A replayed world split over ranks (ranks as threads: each rank generates its share of the
/// users and every pinned person) or shared by whole replications gives one process's CSVs.
#[test]
fn a_replayed_world_over_ranks_matches_one_process() {
    use picsim::comm::LocalRanks;
    use picsim::scenario::{Override, load_file};
    let dir = tempfile::tempdir().unwrap();
    for scenario in ["scenarios/pic-2013.toml", "scenarios/wlm-bass.toml"] {
        let (original, world) = original_and_export(dir.path(), scenario, &["orgs.count=30"], 1);
        for replications in [1, 3] {
            let overrides: Vec<Override> = [
                "orgs.count=30".to_string(),
                format!("scenario.seed={SEED}"),
                format!("scenario.replications={replications}"),
                format!("population.world={:?}", text(&world)),
            ]
            .iter()
            .map(|o| Override::parse(o).unwrap())
            .collect();
            let s = load_file(Path::new(scenario), &overrides).unwrap_or_else(|e| panic!("{e}"));
            let scenarios = [s];
            let one = picsim::run::run_local(&scenarios, 1, &|_| {}).unwrap();
            let many = LocalRanks::run(2, |c| {
                picsim::run::run_many(&scenarios, 1, c, &|_| {}).unwrap()
            });
            let spread = many[0].as_ref().expect("rank 0 has the results");
            let write = |r: &picsim::run::summary::RunResult, name: &str| {
                let out = dir.path().join(name);
                std::fs::create_dir_all(&out).unwrap();
                picsim::run::report::csv::write_series(r, &out.join("series.csv")).unwrap();
                picsim::run::report::csv::write_orgs(r, &out.join("orgs.csv")).unwrap();
                out
            };
            let a = write(&one[0], "one");
            let b = write(&spread[0], "ranks");
            for file in ["series.csv", "orgs.csv"] {
                let what = format!("{scenario}, {replications} replication(s): {file}");
                assert!(
                    std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
                    "{what} differs over ranks"
                );
            }
            assert_same_rows(&original, 1, &a, scenario);
        }
        std::fs::remove_dir_all(dir.path().join("original")).unwrap();
        std::fs::remove_dir_all(&world).unwrap();
    }
}

/// Seeded mutations of a small exported world (bytes changed, lines dropped, repeated or swapped,
/// cells replaced by extreme or malformed values, columns dropped): each is replayed or refused,
/// never a panic, and every refusal names a file of the world.
#[test]
fn mutated_worlds_are_replayed_or_refused_never_a_panic() {
    use picsim::scenario::{Override, load_file};
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    ok(&[
        "population",
        "scenarios/wlm-bass.toml",
        "--set",
        "orgs.count=4",
        "--export",
        &text(&world),
    ]);
    let files = WORLD_FILES;
    let cells = [
        "",
        "-1",
        "4294967296",
        "4000000000",
        "99999",
        "never",
        "always",
        "2013-02-30",
        "9999-12-31",
        "wlm;skype;aim",
        "\"",
        "nobody",
        "0",
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut replayed, mut refused) = (0, 0);
    for case in 0..120 {
        let m = dir.path().join(format!("m{case}"));
        std::fs::create_dir(&m).unwrap();
        for f in files {
            std::fs::copy(world.join(f), m.join(f)).unwrap();
        }
        let f = files[next(files.len())];
        let body = std::fs::read_to_string(m.join(f)).unwrap();
        let mut lines: Vec<String> = body.lines().map(String::from).collect();
        let l = next(lines.len());
        match next(5) {
            0 => {
                let mut bytes = lines[l].clone().into_bytes();
                if !bytes.is_empty() {
                    let at = next(bytes.len());
                    bytes[at] = b",;:x9-\"\n "[next(9)];
                }
                lines[l] = String::from_utf8_lossy(&bytes).into_owned();
            }
            1 => {
                lines.remove(l);
            }
            2 => {
                let line = lines[l].clone();
                lines.insert(next(lines.len() + 1), line);
            }
            3 => {
                let mut row: Vec<String> = lines[l].split(',').map(String::from).collect();
                let c = next(row.len());
                row[c] = cells[next(cells.len())].to_string();
                lines[l] = row.join(",");
            }
            _ => {
                let width = lines[0].split(',').count();
                let c = next(width);
                for line in &mut lines {
                    let mut row: Vec<&str> = line.split(',').collect();
                    if c < row.len() {
                        row.remove(c);
                    }
                    *line = row.join(",");
                }
            }
        }
        std::fs::write(m.join(f), lines.join("\n") + "\n").unwrap();
        let overrides = [
            "orgs.count=4".to_string(),
            "scenario.replications=1".to_string(),
            format!("population.world={:?}", text(&m)),
        ]
        .map(|o| Override::parse(&o).unwrap());
        let s = load_file(Path::new("scenarios/wlm-bass.toml"), &overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        let run = std::panic::catch_unwind(|| picsim::run::run_local(&[s], 1, &|_| {}));
        let Ok(result) = run else {
            panic!("case {case} ({f}) panicked");
        };
        match result {
            Ok(_) => replayed += 1,
            Err(e) => {
                refused += 1;
                let message = format!("{e:#}");
                assert!(
                    message.contains(&text(&m)),
                    "case {case} ({f}): a refusal that names no world file:\n{message}"
                );
            }
        }
    }
    // Both kinds happen: the mutations reach the checks, and not every change is refused.
    assert!(
        replayed > 10 && refused > 10,
        "{replayed} replayed, {refused} refused"
    );
}

#[test]
fn validate_reads_the_world_a_scenario_names() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = hand_world(dir.path(), &HAND_FILES);
    let out = picsim(&["validate", &text(&scenario)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("the world in"),
        "{said}"
    );
    let mut files = HAND_FILES.to_vec();
    files.retain(|(n, _)| *n != "migrations.csv");
    files.push((
        "migrations.csv",
        "person,migration,day\n0,wlm_to_skype,banana\n",
    ));
    let dir = tempfile::tempdir().unwrap();
    let scenario = hand_world(dir.path(), &files);
    let out = picsim(&["validate", &text(&scenario)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("migrations.csv:2: day: not an ISO date"),
        "{stderr}"
    );
}

/// Runs `picsim validate` on the hand scenario with `files` changed from [`HAND_FILES`] (and
/// `links`: a name in the world and what it links to), and `picsim run` on it; each must refuse
/// with exit 1 and a message with every one of `wanted` and none of `hidden`, and `run` must
/// write nothing.
fn both_refuse(
    changed: &[(&str, &str)],
    links: &[(&str, &Path)],
    wanted: &[&str],
    hidden: &[&str],
) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = hand_world_changed(dir.path(), changed);
    for (name, target) in links {
        let _ = std::fs::remove_file(dir.path().join("w").join(name));
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, dir.path().join("w").join(name)).unwrap();
    }
    let out_dir = dir.path().join("out");
    for args in [
        vec!["validate", &text(&scenario)],
        vec!["run", &text(&scenario), "--quiet", "--out", &text(&out_dir)],
    ] {
        let out = picsim(&args.iter().map(|a| a.as_ref()).collect::<Vec<&str>>());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", args[0]);
        for w in wanted {
            assert!(stderr.contains(w), "{}: `{w}` not in:\n{stderr}", args[0]);
        }
        for h in hidden {
            assert!(
                !stderr.contains(h),
                "{}: `{h}` shown in:\n{stderr}",
                args[0]
            );
        }
        // Every problem names its file, and a line unless it is about the file as a whole.
        for line in stderr.lines().filter(|l| l.starts_with("  ")) {
            let at_line = line.contains(".csv:") || line.contains(".toml:");
            assert!(
                !line.contains(".csv:0:") && !line.contains(".toml:0:"),
                "{line}"
            );
            assert!(at_line || line.contains("/w/"), "{line}");
        }
    }
    assert!(!out_dir.exists(), "a refused world wrote its run");
}

#[test]
fn validate_refuses_what_run_refuses_when_the_world_is_built() {
    // Without persons.csv the persons are drawn: person 999999999 is found missing only once
    // they are, and validate builds the world to find it, as run does.
    let dir = tempfile::tempdir().unwrap();
    let files = [("entries.csv", "user,person\n0,999999999\n")];
    let scenario = hand_world(dir.path(), &files);
    let out = picsim(&["validate", &text(&scenario)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("entries.csv:2: person: person 999999999 does not exist"),
        "{stderr}"
    );
}

#[test]
fn no_cell_of_a_world_file_is_quoted() {
    let address = "someone@contoso.example";
    let users = format!("user,org\n{address},0\n0,{address}\n");
    both_refuse(
        &[("users.csv", &users)],
        &[],
        &[
            "users.csv:2: user: not an id",
            "users.csv:3: org: not an id",
        ],
        &["contoso", "someone"],
    );
    // A header cell that is no column is named by its place, not its text.
    let header = format!("org,{address}\n0,1\n");
    both_refuse(
        &[("orgs.csv", &header)],
        &[],
        &["orgs.csv:1: column 2: not a column of orgs.csv"],
        &["contoso"],
    );
}

#[test]
fn a_world_file_linked_to_another_file_shows_none_of_it() {
    let passwd = Path::new("/etc/passwd");
    if !passwd.is_file() {
        return;
    }
    let first = std::fs::read_to_string(passwd).unwrap_or_default();
    let first = first.lines().next().unwrap_or("").to_string();
    both_refuse(
        &[],
        &[("users.csv", passwd)],
        &["users.csv:1: column 1: not a column of users.csv"],
        &[&first, "root:"],
    );
}

#[test]
fn a_dangling_link_an_unreadable_file_and_an_unknown_name_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere");
    both_refuse(
        &[],
        &[("graph.csv", &nowhere)],
        &["/w/graph.csv: a link that leads to no file picsim can read"],
        &[],
    );
    both_refuse(
        &[("org.csv", "org,users\n0,1\n")],
        &[],
        &["/w/org.csv: not a file of a world; did you mean orgs.csv?"],
        &[],
    );
    // Unreadable whoever reads it (root reads files whatever their permissions): the process's
    // own memory at offset 0.
    let mem = Path::new("/proc/self/mem");
    if mem.exists() {
        both_refuse(
            &[],
            &[("domains.csv", mem)],
            &["/w/domains.csv: could not be read"],
            &[],
        );
    }
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    both_refuse(
        &[],
        &[("users.csv", &folder)],
        &["/w/users.csv: not a regular file"],
        &[],
    );
}

#[test]
fn problems_found_across_files_are_placed_at_a_line() {
    // Users pinned in orgs.csv that users.csv contradicts: at the organisation's row.
    both_refuse(
        &[
            ("orgs.csv", "org,users,enabled_msn\n0,5,2013-03-01\n"),
            ("users.csv", "user,org\n0,0\n"),
        ],
        &[],
        &["orgs.csv:2: users: organisation 0 has 5 users, but users.csv lists 1"],
        &[],
    );
    both_refuse(
        &[
            ("orgs.csv", "org,domains\n0,2\n1,1\n"),
            ("domains.csv", "domain,org,added\n0,0,always\n1,1,always\n"),
        ],
        &[],
        &["orgs.csv:2: domains: organisation 0 has 2 domains, but domains.csv lists 1"],
        &[],
    );
    both_refuse(
        &[
            ("orgs.csv", "org\n0\n1\n2\n"),
            ("domains.csv", "domain,org,added\n0,0,always\n1,2,always\n"),
        ],
        &[],
        &["domains.csv:3: org: organisation 1 has no domain"],
        &[],
    );
    // A person of a pinned migration's population without a row: at the migration's first row.
    both_refuse(
        &[(
            "migrations.csv",
            "person,migration,day\n0,wlm_to_skype,2013-05-01\n",
        )],
        &[],
        &["migrations.csv:2: migration: wlm_to_skype pins days from this line on, but person 1"],
        &[],
    );
    // Blank lines count: the bad row is on line 5.
    both_refuse(
        &[("orgs.csv", "org,users\n0,1\n\n\nx,1\n")],
        &[],
        &["orgs.csv:5: org: not an id"],
        &[],
    );
    both_refuse(
        &[("orgs.csv", "org,users\r\n0,1\r\n\r\nx,1\r\n")],
        &[],
        &["orgs.csv:4: org: not an id"],
        &[],
    );
}

#[test]
fn replications_past_the_last_number_are_refused() {
    // Replications 4294967295, 4294967296, … would all be 4294967295: the same world and draws.
    let dir = tempfile::tempdir().unwrap();
    let scenario = hand_world(dir.path(), &[("world.toml", "replication = 4294967294\n")]);
    let out_dir = text(&dir.path().join("o"));
    for args in [
        vec!["validate", &text(&scenario), "--replications", "3"],
        vec![
            "run",
            &text(&scenario),
            "--quiet",
            "--replications",
            "3",
            "--out",
            &out_dir,
        ],
    ] {
        let out = picsim(&args.iter().map(|a| a.as_ref()).collect::<Vec<&str>>());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("world.toml:1: replication: its replications, 3 from this one on, would pass the last replication number 4294967295: give at most 4294967293"),
            "{stderr}"
        );
    }
    // Two replications from 4294967294 fit.
    ok(&[
        "run",
        &text(&scenario),
        "--quiet",
        "--replications",
        "2",
        "--out",
        &text(&dir.path().join("o2")),
    ]);
}

#[test]
fn a_world_too_large_for_memory_is_refused_before_it_is_built() {
    // One organisation pinned at 100,000,000 users: about 50 GiB with the default scenario's
    // contacts. Refused by the memory guard, naming the line that pins it, by validate and run
    // alike, well under the address-space limit run's child has.
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w");
    std::fs::create_dir(&w).unwrap();
    std::fs::write(w.join("orgs.csv"), "org,users\n0,100000000\n").unwrap();
    let world = format!("population.world={:?}", text(&w));
    let out_dir = dir.path().join("out");
    let limited = |args: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v 4194304; exec {PICSIM} {args}"))
            .output()
            .expect("sh runs")
    };
    for args in [
        format!("validate scenarios/pic-2013.toml --set '{world}' --memory-limit 3G"),
        format!(
            "run scenarios/pic-2013.toml --set '{world}' --memory-limit 3G --quiet --out {}",
            text(&out_dir)
        ),
    ] {
        let out = limited(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args}: {stderr}");
        assert!(
            stderr.contains("more than the limit of 3.0 GiB")
                && stderr.contains("about 100.0 M users")
                && stderr.contains("orgs.csv:2 pins the most"),
            "{args}: {stderr}"
        );
    }
    assert!(!out_dir.exists());
}

#[test]
fn an_enable_day_pinned_before_the_start_is_reported_as_before_the_start() {
    // README: `enabled_before_start_<p>` is `true` when the provider was enabled before the
    // start, and `enabled_<p>` then empty, whatever day before the start it was.
    let dir = tempfile::tempdir().unwrap();
    let orgs = [("orgs.csv", "org,users,enabled_msn\n0,1,2012-12-01\n")];
    let scenario = hand_world_changed(dir.path(), &orgs);
    let out = dir.path().join("out");
    ok(&["run", &text(&scenario), "--quiet", "--out", &text(&out)]);
    let body = std::fs::read_to_string(out.join("orgs.csv")).unwrap();
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (cell("enabled_msn"), cell("enabled_before_start_msn")),
        ("", "true"),
        "{body}"
    );
    // Reachable from the first day, as a provider enabled before the start is.
    assert_eq!(value(&out, "never_reachable", "2013-01-01"), 0);
}
