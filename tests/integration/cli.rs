//! The real binary, end to end, in temporary folders.

use assert_cmd::Command;
use std::path::Path;

/// Files every run writes.
pub const RUN_FILES: [&str; 10] = [
    "series.csv",
    "summary.csv",
    "orgs.csv",
    "manifest.json",
    "reachable_by_network.png",
    "reachable_by_modality.png",
    "migration.png",
    "users.png",
    "losses.png",
    "report.html",
];

pub fn picsim() -> Command {
    Command::cargo_bin("picsim").expect("the picsim binary is built")
}

/// Runs the default scenario shrunk to `orgs` organisations into `out` with extra arguments.
pub fn run_small(out: &Path, orgs: u32, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = picsim();
    cmd.args(["run", "scenarios/pic-2013.toml", "--quiet", "--set"])
        .arg(format!("orgs.count={orgs}"))
        .arg("--out")
        .arg(out)
        .args(extra);
    cmd.assert()
}

#[test]
fn validate_accepts_good_files_and_locates_errors_in_bad_ones() {
    let ok = picsim()
        .args([
            "validate",
            "scenarios/pic-2013.toml",
            "scenarios/aim-direct.toml",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&ok.get_output().stdout).to_string();
    assert!(
        stdout.contains("pic-2013.toml: valid") && stdout.contains("aim-direct.toml: valid"),
        "{stdout}"
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string("scenarios/pic-2013.toml")
        .unwrap()
        .replacen("probability = 0.5", "probabilty = 0.5", 1);
    std::fs::write(&bad, &text).unwrap();
    let line = text.lines().position(|l| l.contains("probabilty")).unwrap() + 1;
    let out = picsim()
        .args(["validate"])
        .arg(&bad)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "bad.toml:{line}:1: behaviours.recovery.probabilty"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `probability`?"), "{stderr}");
}

#[test]
fn run_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_small(&out, 60, &["--replications", "3"]).success();
    for f in RUN_FILES {
        let meta = std::fs::metadata(out.join(f)).unwrap_or_else(|_| panic!("{f} missing"));
        assert!(meta.len() > 0, "{f} is empty");
    }
    let series = std::fs::read_to_string(out.join("series.csv")).unwrap();
    let header = series.lines().next().unwrap();
    assert!(header.starts_with("replication,date,entries,reachable_im,reachable_presence,reachable_audio,reachable_video,reachable_wlm"), "{header}");
    // 3 replications × 914 days (2012-07-01..2014-12-31) + header.
    assert_eq!(series.lines().count(), 3 * 914 + 1);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("date,metric,mean,sem,p05,p50,p95\n"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["replications"], 3);
    assert_eq!(manifest["scenario"]["effective"]["orgs"]["count"], 60);
    assert_eq!(
        manifest["scenario"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    // Nothing is left beside the output folder.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("run")]);
}

#[test]
fn an_existing_output_folder_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("taken");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let assert = run_small(&out, 20, &["--replications", "1"]).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary folder is left"
    );
}

#[test]
fn an_output_folder_that_cannot_be_created_is_an_error_before_any_work() {
    let assert = run_small(
        Path::new("/proc/picsim-cannot/run"),
        20,
        &["--replications", "1"],
    )
    .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("could not create output folder '/proc/picsim-cannot/run' (--out)"),
        "{stderr}"
    );
}

#[test]
fn thread_count_does_not_change_any_csv() {
    let dir = tempfile::tempdir().unwrap();
    let runs = [("t1", "1"), ("t2", "2"), ("t2again", "2")];
    for (name, threads) in runs {
        run_small(
            &dir.path().join(name),
            150,
            &["--replications", "3", "--threads", threads],
        )
        .success();
    }
    for f in ["series.csv", "summary.csv", "orgs.csv"] {
        let a = std::fs::read(dir.path().join("t1").join(f)).unwrap();
        for (name, _) in &runs[1..] {
            let b = std::fs::read(dir.path().join(name).join(f)).unwrap();
            assert!(a == b, "{f} differs between --threads 1 and run {name}");
        }
    }
}

#[test]
fn a_different_seed_gives_different_numbers() {
    let dir = tempfile::tempdir().unwrap();
    run_small(
        &dir.path().join("a"),
        60,
        &["--replications", "1", "--seed", "1"],
    )
    .success();
    run_small(
        &dir.path().join("b"),
        60,
        &["--replications", "1", "--seed", "2"],
    )
    .success();
    let a = std::fs::read(dir.path().join("a/series.csv")).unwrap();
    let b = std::fs::read(dir.path().join("b/series.csv")).unwrap();
    assert!(a != b);
}

#[test]
fn quiet_prints_only_the_report_path_and_the_table_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q");
    let assert = run_small(&out, 20, &["--replications", "1"]).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert_eq!(stdout.trim(), out.join("report.html").display().to_string());
    let mut cmd = picsim();
    cmd.args([
        "run",
        "scenarios/pic-2013.toml",
        "--set",
        "orgs.count=20",
        "--replications",
        "1",
        "--out",
    ])
    .arg(dir.path().join("loud"));
    let stdout = String::from_utf8_lossy(&cmd.assert().success().get_output().stdout).to_string();
    assert!(
        stdout.contains("Contacts reachable on 2014-07-01") && stdout.contains("Report: "),
        "{stdout}"
    );
}

#[test]
fn the_memory_guard_refuses_an_oversize_run_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big");
    let a = run_small(
        &out,
        2500,
        &["--replications", "2", "--memory-limit", "20M"],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("needs about") && err.contains("more than the limit of 20.0 MiB"),
        "{err}"
    );
    assert!(
        err.contains("Lower orgs.count (now 2500)") && err.contains("--ignore-memory-limit"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
    // The same run goes ahead when told to, and records its estimate.
    run_small(
        &out,
        60,
        &[
            "--replications",
            "1",
            "--memory-limit",
            "20M",
            "--ignore-memory-limit",
        ],
    )
    .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["memory_estimate_bytes"].as_u64().unwrap() > 1 << 20);
}

#[test]
fn the_memory_guard_says_how_many_ranks_a_world_needs() {
    let dir = tempfile::tempdir().unwrap();
    let a = run_small(
        &dir.path().join("x"),
        2500,
        &[
            "--replications",
            "1",
            "--set",
            "output.charts=[]",
            "--memory-limit",
            "30M",
        ],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("it would fit with 2 ranks") && err.contains("mpirun -np 2"),
        "{err}"
    );
}

#[test]
fn a_bad_thread_count_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["0", "-1", "lots", "1000000"] {
        run_small(&dir.path().join("out"), 5, &["--threads", n]).code(2);
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_world_too_large_for_32_bit_ids_is_refused_even_ignoring_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_small(
        &dir.path().join("out"),
        1000,
        &[
            "--set",
            "orgs.users={dist=\"fixed\",value=1e7}",
            "--ignore-memory-limit",
        ],
    )
    .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("10,000,000,000 users") && stderr.contains("32-bit ids"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
}
