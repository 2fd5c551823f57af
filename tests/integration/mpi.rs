//! Under `mpirun`, every output file equals a single-process run's (built with `--features mpi`;
//! CI runs these). CSVs and charts byte for byte; `report.html` and `manifest.json` apart from the
//! lines that record timings, threads, ranks and how many populations were generated.

use std::path::Path;
use std::process::Command;

const PICSIM: &str = env!("CARGO_BIN_EXE_picsim");

fn run(np: Option<usize>, args: &[&str], out: &Path) {
    let mut cmd = match np {
        Some(n) => {
            let mut c = Command::new("mpirun");
            c.args([
                "--allow-run-as-root",
                "--oversubscribe",
                "-np",
                &n.to_string(),
                PICSIM,
            ]);
            c
        }
        None => Command::new(PICSIM),
    };
    cmd.args(args)
        .args(["--quiet", "--force", "--out"])
        .arg(out);
    let output = cmd.output().expect("mpirun and picsim run");
    assert!(
        output.status.success(),
        "{:?} failed:\n{}",
        cmd,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir` (recursively), relative path → bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// What must match between runs with different process and thread counts.
fn comparable(name: &str, bytes: &[u8]) -> Vec<u8> {
    if name.ends_with("manifest.json") {
        let mut m: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        for k in [
            "timings_seconds",
            "wall_seconds",
            "peak_rss_bytes",
            "created",
            "command_line",
            "threads",
            "ranks",
            "per_rank",
            "memory_estimate_bytes",
        ] {
            m.as_object_mut().unwrap().remove(k);
        }
        if let Some(p) = m
            .as_object_mut()
            .unwrap()
            .get_mut("population")
            .and_then(|p| p.as_object_mut())
        {
            // How many populations a run generated depends on how its jobs were scheduled over
            // the ranks (reuse is within a batch), as its timings do; its rows do not.
            for k in ["bytes", "generated", "generated_note"] {
                p.remove(k);
            }
        }
        // The output folders differ between the two runs compared.
        m["scenario"]["effective"]
            .as_object_mut()
            .map(|e| e.remove("output"));
        return serde_json::to_vec(&m).unwrap();
    }
    if name.ends_with(".html") {
        let text = String::from_utf8_lossy(bytes);
        return text
            .lines()
            .filter(|l| !l.contains("Computing time") && !l.to_lowercase().contains("thread"))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes();
    }
    bytes.to_vec()
}

fn assert_same(one: &Path, many: &Path, np: usize) {
    let (a, b) = (files(one), files(many));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (name, bytes) in &a {
        assert!(
            comparable(name, bytes) == comparable(name, &b[name]),
            "{name} differs under mpirun -np {np}"
        );
    }
}

#[test]
fn sign_in_runs_under_mpirun_equal_one_process() {
    let dir = tempfile::tempdir().unwrap();
    for (label, reps) in [("split", "1"), ("shared", "3")] {
        let args = [
            "run",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=120",
            "--replications",
            reps,
        ];
        let one = dir.path().join(format!("{label}-1"));
        run(None, &args, &one);
        let two = dir.path().join(format!("{label}-2"));
        run(Some(2), &args, &two);
        assert_same(&one, &two, 2);
    }
}

#[test]
fn contagion_runs_under_mpirun_equal_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "scenarios/wlm-bass.toml",
        "--set",
        "orgs.count=120",
        "--replications",
        "1",
    ];
    let one = dir.path().join("one");
    run(None, &args, &one);
    let two = dir.path().join("two");
    run(Some(2), &args, &two);
    assert_same(&one, &two, 2);
}

#[test]
fn a_sweep_under_mpirun_equals_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "scenarios/pic-2013.toml",
        "--vary",
        "behaviours.recovery.probability=0,1",
        "--set",
        "orgs.count=60",
        "--replications",
        "2",
    ];
    let one = dir.path().join("one");
    run(None, &args, &one);
    let two = dir.path().join("two");
    run(Some(2), &args, &two);
    assert_same(&one, &two, 2);
}

/// An exported world replayed under `mpirun` (split, and shared by whole replications) gives
/// the files of one process replaying it, and the exported replication's rows.
#[test]
fn a_replayed_world_under_mpirun_equals_one_process() {
    let dir = tempfile::tempdir().unwrap();
    for scenario in ["scenarios/pic-2013.toml", "scenarios/wlm-bass.toml"] {
        let name = scenario.trim_start_matches("scenarios/");
        let here = dir.path().join(name);
        let (original, world) =
            crate::world::original_and_export(&here, scenario, &["orgs.count=60"], 2);
        for (label, reps) in [("split", "1"), ("shared", "3")] {
            let world = world.display().to_string();
            let args = [
                "run",
                scenario,
                "--set",
                "orgs.count=60",
                "--seed",
                "11",
                "--replications",
                reps,
                "--world",
                &world,
            ];
            let one = here.join(format!("{label}-1"));
            run(None, &args, &one);
            let two = here.join(format!("{label}-2"));
            run(Some(2), &args, &two);
            assert_same(&one, &two, 2);
            for file in ["series.csv", "orgs.csv"] {
                assert!(
                    crate::world::rows(&original, file, 2) == crate::world::rows(&two, file, 0),
                    "{scenario} ({label}): {file} under mpirun differs from replication 2's"
                );
            }
        }
    }
}

/// A calibration under `mpirun` (the batches' simulations spread over the ranks, rank 0 measuring
/// them for all) writes what one process writes, with 1 thread or 2.
#[test]
fn a_calibration_under_mpirun_equals_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let observed = dir.path().join("observed.csv");
    let mut text = String::from("date,metric,value\n");
    for (day, share) in [(9, 0.01), (12, 0.08), (15, 0.16), (20, 0.26), (25, 0.31)] {
        text.push_str(&format!("2013-04-{day:02},reachable_share_skype,{share}\n"));
    }
    std::fs::write(&observed, text).unwrap();
    let observed = observed.display().to_string();
    let args = [
        "calibrate",
        "tests/integration/calibration-world.toml",
        "--observed",
        &observed,
        "--fit",
        "population.activity.1.mean_days_between_sign_ins=1.0..30.0",
        "--particles",
        "12",
        "--max-simulations",
        "60",
        "--set",
        "orgs.count=40",
    ];
    let one = dir.path().join("one");
    run(None, &args, &one);
    let two = dir.path().join("two");
    run(Some(2), &args, &two);
    assert_same(&one, &two, 2);
    let threads = dir.path().join("threads");
    let mut with_threads = args.to_vec();
    with_threads.extend(["--threads", "1"]);
    run(Some(3), &with_threads, &threads);
    assert_same(&one, &threads, 3);
}
