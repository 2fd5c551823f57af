//! The observations door: seeded mutations of an observations file for the calibration tests'
//! world (`calibration-world.toml`: daily rows from 2013-03-01), each checked as `picsim
//! calibrate --observed` checks it (`picsim::calibration::check_observations`).
//!
//! Mutations: bytes and lines (`fuzz/mutate.rs`, which also puts NUL and Latin-1 bytes, huge and
//! empty fields in cells), and a cell replaced by a value observations meet at their limits.

use super::{Door, assert_clean, at_a_line, long_run, pass};
use crate::fuzz::mutate::{self, Format, below};
use picsim::rng::Stream;
use picsim::scenario::{Scenario, load_file};
use std::path::Path;

/// Values observations meet at and past their limits.
const CELLS: &[&str] = &[
    "",
    "0",
    "1",
    "-0.5",
    "1.5",
    "-0",
    "1e308",
    "-1e308",
    "4294967296",
    "4294967297",
    "nan",
    "inf",
    "0x10",
    "2013-02-28",
    "2013-03-01",
    "2013-07-31",
    "2013-08-01",
    "2013-02-30",
    "entries",
    "reachable_share_skype",
    "users_isolated_share",
    "migrated_wlm_to_skype",
    "reachable_share_icq",
    "date",
    "sem",
];

/// The seed: a week apart, a count, a share and a count with a sem.
fn seed_file() -> Vec<u8> {
    let mut out = String::from("date,metric,value,sem\n");
    for week in 0..20 {
        let day =
            chrono::NaiveDate::from_ymd_opt(2013, 3, 1).unwrap() + chrono::Duration::days(7 * week);
        out.push_str(&format!("{day},entries,{},\n", 1000 + 3 * week));
        out.push_str(&format!(
            "{day},reachable_share_skype,{},\n",
            0.01 * week as f64
        ));
        out.push_str(&format!(
            "{day},migrated_wlm_to_skype,{},{}\n",
            40 * week,
            5 + week
        ));
    }
    out.into_bytes()
}

fn replace_cell(rng: &mut Stream, text: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let l = below(rng, lines.len());
    let mut cells: Vec<Vec<u8>> = lines[l].split(|&b| b == b',').map(<[u8]>::to_vec).collect();
    let c = below(rng, cells.len());
    cells[c] = CELLS[below(rng, CELLS.len())].as_bytes().to_vec();
    lines[l] = cells.join(&b',');
    lines.join(&b'\n')
}

pub(crate) struct ObservedDoor {
    scenario: Scenario,
    seed: Vec<u8>,
    /// Files to splice from.
    others: Vec<Vec<u8>>,
}

impl ObservedDoor {
    pub(crate) fn new() -> ObservedDoor {
        let path = Path::new("tests/integration/calibration-world.toml");
        let scenario = load_file(path, &[]).unwrap_or_else(|e| panic!("{e}"));
        let others = vec![
            std::fs::read(path).expect("the scenario"),
            std::fs::read("scenarios/examples/contacts.csv").expect("an example CSV"),
        ];
        ObservedDoor {
            scenario,
            seed: seed_file(),
            others,
        }
    }
}

impl Door for ObservedDoor {
    type Space = tempfile::TempDir;

    fn name(&self) -> &'static str {
        "observed"
    }

    fn space(&self) -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary folder")
    }

    fn input(&self, seed: u64, i: u64) -> Vec<(String, Vec<u8>)> {
        let mut rng = picsim::rng::plain(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x0b5);
        let others: Vec<&[u8]> = self.others.iter().map(Vec::as_slice).collect();
        let mut file = self.seed.clone();
        for _ in 0..1 + below(&mut rng, 3) {
            file = if below(&mut rng, 2) == 0 {
                mutate::mutate(&mut rng, &file, Format::Csv, &others)
            } else {
                replace_cell(&mut rng, &file)
            };
        }
        vec![("obs.csv".to_string(), file)]
    }

    fn check(&self, space: &mut tempfile::TempDir, files: &[(String, Vec<u8>)]) -> Vec<String> {
        let path = space.path().join("obs.csv");
        std::fs::write(&path, &files[0].1).expect("the observations");
        match picsim::calibration::check_observations(&self.scenario, &path) {
            Ok(_) => Vec::new(),
            Err(e) => {
                let prefix = format!("{}/", space.path().display());
                format!("{e:#}")
                    .lines()
                    .map(|l| l.replace(&prefix, ""))
                    .collect()
            }
        }
    }

    fn positioned(&self, line: &str) -> bool {
        at_a_line(line, &["obs.csv"])
    }
}

/// The short pass's inputs.
const SHORT_INPUTS: u64 = 6_000;

#[test]
fn a_short_seeded_pass_over_observations_is_clean() {
    let tally = pass(&ObservedDoor::new(), 1, SHORT_INPUTS, 2);
    assert_clean("observed", &tally, SHORT_INPUTS);
}

#[test]
fn the_seed_observations_are_accepted() {
    let door = ObservedDoor::new();
    let mut space = door.space();
    let files = vec![("obs.csv".to_string(), door.seed.clone())];
    assert_eq!(door.check(&mut space, &files), Vec::<String>::new());
}

#[test]
#[ignore = "long: run by fuzz/doors.sh"]
fn long_run_over_observations() {
    long_run(&ObservedDoor::new());
}
