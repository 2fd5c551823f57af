//! Population reuse in sweeps: runs that differ only in keys generation does not read share
//! their replications' populations, and still write exactly what separate runs write.

use crate::cli::{picsim, run_small};
use std::path::Path;

/// Populations generated for a run folder's replications, from its manifest.
fn generated(run: &Path) -> u64 {
    let text = std::fs::read_to_string(run.join("manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["population"]["generated"]
        .as_u64()
        .unwrap_or_else(|| panic!("{}: no population.generated", run.display()))
}

/// Sweeps the default shrunk to 120 organisations and 2 replications over `vary` into `out`.
fn sweep(out: &Path, vary: &[&str]) {
    let mut cmd = picsim();
    cmd.args([
        "sweep",
        "scenarios/pic-2013.toml",
        "--set",
        "orgs.count=120",
        "--replications",
        "2",
        "--threads",
        "2",
        "--quiet",
        "--out",
    ])
    .arg(out);
    for v in vary {
        cmd.args(["--vary", v]);
    }
    cmd.assert().success();
}

/// Checks every run of the sweep in `dir` against a separate `picsim run --set` of its values
/// (`points[i]`: the `--set` options of run i + 1), CSV by CSV; returns each run's populations
/// generated.
fn check_against_separate_runs(dir: &Path, points: &[Vec<String>]) -> Vec<u64> {
    let mut counts = Vec::new();
    for (i, sets) in points.iter().enumerate() {
        let run = dir.join(format!("run-{:03}", i + 1));
        let single = dir.with_extension(format!("single-{i}"));
        let mut args = vec!["--replications", "2"];
        for s in sets {
            args.extend(["--set", s.as_str()]);
        }
        run_small(&single, 120, &args).success();
        for f in ["series.csv", "summary.csv", "orgs.csv"] {
            let a = std::fs::read(run.join(f)).unwrap();
            let b = std::fs::read(single.join(f)).unwrap();
            assert!(
                a == b,
                "{}/{f} differs from `picsim run --set {sets:?}`",
                run.display()
            );
        }
        counts.push(generated(&run));
    }
    counts
}

/// Every combination of the axes' `key=value` settings, the first axis slowest.
fn grid(axes: &[(&str, &[&str])]) -> Vec<Vec<String>> {
    let mut points = vec![Vec::new()];
    for (key, values) in axes {
        points = points
            .into_iter()
            .flat_map(|p: Vec<String>| {
                values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(format!("{key}={v}"));
                    q
                })
            })
            .collect();
    }
    points
}

#[test]
fn a_sweep_over_keys_generation_does_not_read_generates_each_replication_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let axes: [(&str, &[&str]); 4] = [
        ("providers.aol.until", &["2014-06-30", "2013-06-30"]),
        ("behaviours.recovery.probability", &["0.2", "0.8"]),
        (
            "population.activity.3.mean_days_between_sign_ins",
            &["90.0", "365.0"],
        ),
        ("migrations.0.window.until", &["2013-04-30", "2013-04-20"]),
    ];
    let vary: Vec<String> = axes
        .iter()
        .map(|(k, v)| format!("{k}={}", v.join(",")))
        .collect();
    sweep(&out, &vary.iter().map(String::as_str).collect::<Vec<_>>());
    let counts = check_against_separate_runs(&out, &grid(&axes));
    assert_eq!(counts.len(), 16);
    // One population per replication, for all 16 runs: 2 generated for 32 replication jobs.
    assert_eq!(
        counts.iter().sum::<u64>(),
        2,
        "populations generated per run: {counts:?}"
    );
    assert_eq!(counts[0], 2, "the first run generates: {counts:?}");
}

#[test]
fn runs_whose_populations_differ_generate_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    // AOL PIC for online organisations only: server organisations start with no AIM contacts
    // (initial contacts are on served networks), so the population differs though only a
    // provider changed; popularity changes who is on the lists.
    let axes: [(&str, &[&str]); 2] = [
        (
            "providers.aol.reaches.0.deployments",
            &["[\"server\"]", "[\"online\"]"],
        ),
        ("population.popularity_exponent", &["0.0", "0.8"]),
    ];
    sweep(
        &out,
        &[
            "providers.aol.reaches.0.deployments=[\"server\"],[\"online\"]",
            "population.popularity_exponent=0.0,0.8",
        ],
    );
    let counts = check_against_separate_runs(&out, &grid(&axes));
    assert_eq!(counts, vec![2, 2, 2, 2]);
}
