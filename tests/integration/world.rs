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
const HAND: &str = r#"
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

/// Runs the hand scenario with `files` changed from [`HAND_FILES`], expects a refusal whose
/// message has every one of `wanted`, and that nothing was written.
fn refused(changed: &[(&str, &str)], wanted: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(&str, &str)> = HAND_FILES.to_vec();
    for (name, body) in changed {
        files.retain(|(n, _)| n != name);
        files.push((name, body));
    }
    let scenario = hand_world(dir.path(), &files);
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
            "orgs.csv:2: enabled_msn: `2013-02-30` is not an ISO date (2013-04-08), always or never",
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
            "orgs.csv:1: enabeld_msn: unknown column",
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
            "world.toml:1: unknown field `replicaton`",
        ),
        (
            "orgs.csv",
            "org,deployment_changes\n0,2013-05-01:server;2013-04-01:server\n",
            "orgs.csv:2: deployment_changes: `2013-04-01` is not after the change before it",
        ),
        (
            "migrations.csv",
            "person,migration,day\n0,wlm_to_aim,2013-05-01\n",
            "migrations.csv:2: migration: `wlm_to_aim` is not a migration of the scenario (wlm_to_skype)",
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
                picsim::report::csv::write_series(r, &out.join("series.csv")).unwrap();
                picsim::report::csv::write_orgs(r, &out.join("orgs.csv")).unwrap();
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
        stderr.contains("migrations.csv:2: day: `banana` is not an ISO date"),
        "{stderr}"
    );
}
