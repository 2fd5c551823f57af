//! The checkpoint door: seeded mutations of a calibration's checkpoint (`state.json` and its
//! rows file, written here from the format `docs/calibration.md` documents, independently of
//! picsim's writer), each checked as `picsim calibrate --resume` checks it
//! (`picsim::calibration::check_checkpoint`).
//!
//! Mutations: bytes of either file (damage: the digests kept), a JSON value replaced by one at
//! or past its limits, an array element dropped or repeated, a rows value replaced, a file cut
//! or removed; a value mutation is sealed with digests of its own (a crafted checkpoint) three
//! times in four. A damaged checkpoint must be refused: one accepted is reported as a finding.

use super::{Door, assert_clean, at_a_line, long_run, pass};
use crate::fuzz::mutate::{self, Format, below};
use picsim::calibration::{CheckpointShape, check_checkpoint};
use picsim::rng::Stream;
use serde_json::{Value, json};
use sha2::Digest;

const SHAPE: CheckpointShape = CheckpointShape {
    particles: 8,
    dims: 2,
    row_len: 12,
    max_generations: 4,
    max_simulations: 200,
};

/// The name of the marker an input carries when its bytes were changed without new digests.
const DAMAGED: &str = ".damaged";

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `state.json` for `state`, sealed: its first line the SHA-256 of the rest.
fn seal(state: &Value) -> Vec<u8> {
    let members = format!("\"state\":{state}}}");
    format!(
        "{{\"sha256\":\"{}\",\n{members}\n",
        sha256(members.as_bytes())
    )
    .into_bytes()
}

/// The state of generation 2 of a calibration of [`SHAPE`], as the sampler can leave it, and
/// its rows.
fn seed_state() -> (Value, Vec<u8>) {
    let n = SHAPE.particles;
    let raw: Vec<f64> = (0..n).map(|i| 1.0 + (i * 7 % 5) as f64).collect();
    let total: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
    let ess = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
    let particles: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "u": [(i as f64 + 0.5) / n as f64, 1.0 - (i as f64 + 0.25) / n as f64],
                "weight": weights[i],
                "distance": 0.2 + 0.05 * i as f64,
                "slot": 2 * i,
            })
        })
        .collect();
    let mut rows = Vec::new();
    for i in 0..n * SHAPE.row_len {
        rows.extend((i as i64 * 37 % 1000).to_le_bytes());
    }
    let state = json!({
        "history": [
            {"generation": 0, "tolerance": null, "simulations": 8, "screened": 0, "acceptance": 1.0, "ess": 8.0, "settled": false},
            {"generation": 1, "tolerance": 1.5, "simulations": 20, "screened": 0, "acceptance": 8.0 / 20.0, "ess": 6.5, "settled": false},
            {"generation": 2, "tolerance": 0.6, "simulations": 16, "screened": 40, "acceptance": 10.0 / 40.0, "ess": ess, "settled": false},
        ],
        "particles": particles,
        "row_len": SHAPE.row_len,
        "rows_sha256": sha256(&rows),
    });
    (state, rows)
}

/// Values a checkpoint's numbers meet at and past their limits.
fn extreme(rng: &mut Stream) -> Value {
    let values = [
        json!(0),
        json!(-1),
        json!(1),
        json!(2),
        json!(0.5),
        json!(1.0000001),
        json!(-0.0),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(4294967296u64),
        json!(u64::MAX),
        json!(null),
        json!("x"),
        json!([]),
        json!({}),
    ];
    values[below(rng, values.len())].clone()
}

/// Every number or array in `v`, by its path of keys and indices.
fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(json!(k));
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            out.push(path.clone());
            for (i, x) in a.iter().enumerate() {
                path.push(json!(i));
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'v>(v: &'v mut Value, path: &[Value]) -> &'v mut Value {
    path.iter().fold(v, |v, k| match k {
        Value::String(k) => &mut v[k.as_str()],
        k => &mut v[k.as_u64().unwrap_or(0) as usize],
    })
}

/// One value mutation of `state`.
fn mutate_value(rng: &mut Stream, state: &mut Value) {
    let mut all = Vec::new();
    leaves(state, &mut Vec::new(), &mut all);
    let path = all[below(rng, all.len())].clone();
    let v = at(state, &path);
    match (v.as_array_mut(), below(rng, 3)) {
        (Some(a), 0) if !a.is_empty() => {
            a.remove(below(rng, a.len()));
        }
        (Some(a), 1) if !a.is_empty() => {
            let copy = a[below(rng, a.len())].clone();
            a.push(copy);
        }
        _ => *v = extreme(rng),
    }
}

pub(crate) struct CheckpointDoor;

impl Door for CheckpointDoor {
    type Space = tempfile::TempDir;

    fn name(&self) -> &'static str {
        "checkpoint"
    }

    fn space(&self) -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary folder")
    }

    fn input(&self, seed: u64, i: u64) -> Vec<(String, Vec<u8>)> {
        let mut rng = picsim::rng::plain(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xc4);
        let (mut state, mut rows) = seed_state();
        let mut damaged = false;
        let mut sealed_anew = true;
        let mut rows_name = "rows-2.bin".to_string();
        for _ in 0..1 + below(&mut rng, 2) {
            match below(&mut rng, 10) {
                0..=4 => mutate_value(&mut rng, &mut state),
                5 if rows.len() >= 8 => {
                    let k = below(&mut rng, rows.len() / 8) * 8;
                    let v: i64 = [-1, i64::MIN, i64::MAX, 0, 1 << 40][below(&mut rng, 5)];
                    rows[k..k + 8].copy_from_slice(&v.to_le_bytes());
                    state["rows_sha256"] = json!(sha256(&rows));
                }
                6 => {
                    rows.truncate(below(&mut rng, rows.len()));
                    state["rows_sha256"] = json!(sha256(&rows));
                }
                7 => rows_name = format!("rows-{}.bin", below(&mut rng, 4)),
                _ => sealed_anew = false,
            }
        }
        let mut file = if sealed_anew || below(&mut rng, 4) == 0 {
            seal(&state)
        } else {
            // The seed's digest over another state (if the mutations changed it).
            damaged = state != seed_state().0;
            let good = seal(&seed_state().0);
            let (first, _) = good.split_at(good.iter().position(|&b| b == b'\n').unwrap_or(0) + 1);
            let mut f = first.to_vec();
            f.extend(format!("\"state\":{state}}}\n").bytes());
            f
        };
        if below(&mut rng, 4) == 0 {
            // Damage to the bytes themselves, in either file.
            let before = (file.clone(), rows.clone());
            if below(&mut rng, 2) == 0 {
                file = mutate::mutate(&mut rng, &file, Format::Csv, &[&rows]);
            } else {
                rows = mutate::mutate(&mut rng, &rows, Format::Csv, &[&file]);
            }
            damaged |= (file.clone(), rows.clone()) != before;
        }
        let mut files = vec![("state.json".to_string(), file), (rows_name, rows)];
        if damaged {
            files.push((DAMAGED.to_string(), Vec::new()));
        }
        files
    }

    fn check(&self, space: &mut tempfile::TempDir, files: &[(String, Vec<u8>)]) -> Vec<String> {
        let dir = space.path();
        for e in std::fs::read_dir(dir).expect("the space") {
            let _ = std::fs::remove_file(e.expect("an entry").path());
        }
        for (name, bytes) in files.iter().filter(|(n, _)| n != DAMAGED) {
            std::fs::write(dir.join(name), bytes).expect("a checkpoint file");
        }
        let damaged = files.iter().any(|(n, _)| n == DAMAGED);
        match check_checkpoint(dir, &SHAPE) {
            Ok(_) if damaged => vec!["a damaged checkpoint was accepted".into()],
            Ok(_) => Vec::new(),
            Err(e) => {
                let prefix = format!("{}/", dir.display());
                format!("{e:#}")
                    .lines()
                    .map(|l| l.replace(&prefix, ""))
                    .collect()
            }
        }
    }

    fn positioned(&self, line: &str) -> bool {
        at_a_line(line, &["state.json"])
            || (line.contains(".bin: ") || line.contains("state.json: "))
                && (line.contains("larger than") || line.contains("not a regular file"))
    }
}

/// The short pass's inputs.
const SHORT_INPUTS: u64 = 4_000;

#[test]
fn a_short_seeded_pass_over_checkpoints_is_clean() {
    let tally = pass(&CheckpointDoor, 1, SHORT_INPUTS, 2);
    assert_clean("checkpoint", &tally, SHORT_INPUTS);
}

#[test]
fn the_seed_checkpoint_is_accepted_as_written_here() {
    let (state, rows) = seed_state();
    let files = vec![
        ("state.json".to_string(), seal(&state)),
        ("rows-2.bin".to_string(), rows),
    ];
    let door = CheckpointDoor;
    let mut space = door.space();
    assert_eq!(door.check(&mut space, &files), Vec::<String>::new());
    assert_eq!(check_checkpoint(space.path(), &SHAPE).unwrap(), Some(3));
}

#[test]
#[ignore = "long: run by fuzz/doors.sh"]
fn long_run_over_checkpoints() {
    long_run(&CheckpointDoor);
}
