//! `--resume`: a sweep or sensitivity analysis interrupted after some runs continues from them
//! and ends with exactly the CSVs of an uninterrupted one; resuming another experiment is refused.

use assert_cmd::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The command line of a small experiment (`sweep` or `sensitivity`) into `out`.
fn experiment(command: &str, scenario: &str, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("picsim").expect("the picsim binary is built");
    cmd.args([
        command,
        scenario,
        "--set",
        "orgs.count=60",
        "--replications",
        "2",
        "--threads",
        "2",
        "--quiet",
        "--out",
    ])
    .arg(out)
    .args(extra);
    cmd
}

/// Runs `cmd`, and once its unfinished folder `partial` records a finished run, stops it with
/// SIGINT; returns its stderr. Fails if it finished before.
fn interrupt_after_a_run(mut cmd: Command, partial: &Path) -> String {
    let child = cmd
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let finished = partial.join(".finished");
    let started = Instant::now();
    while std::fs::read_dir(&finished).map_or(true, |d| d.count() == 0) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no run finished"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill only sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(130), "not interrupted: {err}");
    err
}

/// Every CSV under `dir`, relative to it, sorted.
fn csvs(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else if p.extension().is_some_and(|x| x == "csv") {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Interrupts `command` after a run, resumes it, and compares every CSV with an uninterrupted
/// run of the same command; returns how many runs the interrupted one had finished.
fn resumed_matches_uninterrupted(command: &str, extra: &[&str]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("exp");
    let partial = dir.path().join("exp.partial");
    let scenario = "scenarios/pic-2013.toml";
    let err = interrupt_after_a_run(experiment(command, scenario, &out, extra), &partial);
    assert!(err.contains("--resume"), "{err}");
    assert!(!out.exists() && partial.join("experiment.json").exists());
    let kept = std::fs::read_dir(partial.join(".finished"))
        .unwrap()
        .count();
    assert!(kept >= 1);
    // Without --resume the unfinished folder is neither reused nor destroyed.
    let refused = experiment(command, scenario, &out, extra)
        .assert()
        .failure();
    let text = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(
        text.contains("--resume") && text.contains("exp.partial"),
        "{text}"
    );
    let mut args = extra.to_vec();
    args.push("--resume");
    experiment(command, scenario, &out, &args)
        .assert()
        .success();
    assert!(
        !partial.exists(),
        "the unfinished folder is moved into place"
    );
    let whole = dir.path().join("whole");
    experiment(command, scenario, &whole, extra)
        .assert()
        .success();
    let (a, b) = (csvs(&out), csvs(&whole));
    assert_eq!(a, b);
    assert!(!a.is_empty());
    for f in &a {
        let (x, y) = (
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(whole.join(f)).unwrap(),
        );
        assert!(x == y, "{} differs after resuming", f.display());
    }
    for hidden in ["experiment.json", ".finished"] {
        assert!(
            !out.join(hidden).exists(),
            "{hidden} left in the finished folder"
        );
    }
    kept
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_csvs() {
    let vary = [
        "--vary",
        "behaviours.recovery.probability=0,0.2,0.4,0.6,0.8,1",
    ];
    let kept = resumed_matches_uninterrupted("sweep", &vary);
    assert!(kept < 6, "the sweep finished before it was interrupted");
}

#[test]
fn an_interrupted_sensitivity_analysis_resumes_to_the_same_csvs() {
    let kept = resumed_matches_uninterrupted("sensitivity", &[]);
    assert!(kept < 51, "the analysis finished before it was interrupted");
}

#[test]
fn resuming_another_experiment_is_refused_and_destroys_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("exp");
    let partial = dir.path().join("exp.partial");
    let vary = [
        "--vary",
        "behaviours.recovery.probability=0,0.2,0.4,0.6,0.8,1",
    ];
    let cmd = experiment("sweep", "scenarios/pic-2013.toml", &out, &vary);
    interrupt_after_a_run(cmd, &partial);
    let before = csvs(&partial);
    for (scenario, values) in [
        ("scenarios/aim-direct.toml", vary[1]),
        (
            "scenarios/pic-2013.toml",
            "behaviours.recovery.probability=0,0.2",
        ),
    ] {
        let refused = experiment("sweep", scenario, &out, &["--vary", values, "--resume"])
            .assert()
            .code(1);
        let text = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
        let record = partial.join("experiment.json");
        assert!(
            text.contains(&record.display().to_string()) && text.contains("another one"),
            "{text}"
        );
        assert_eq!(csvs(&partial), before, "{scenario}");
        assert!(!out.exists());
    }
    // With nothing to resume, --resume just runs.
    let fresh = dir.path().join("fresh");
    let args = ["--vary", "behaviours.recovery.probability=0,1", "--resume"];
    experiment("sweep", "scenarios/pic-2013.toml", &fresh, &args)
        .assert()
        .success();
    assert!(fresh.join("run-002/series.csv").exists());
}

/// A finished run's summary kept in an unfinished sweep, damaged (a digit changed, its digest
/// kept) or crafted (fewer numbers than days and metrics, with a digest of its own): `--resume`
/// refuses it, naming the file, and changes nothing; never a different comparison or a panic.
#[test]
fn a_damaged_or_foreign_finished_run_is_refused_never_resumed() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let vary = ["--vary", "behaviours.recovery.probability=0,0.5,1"];
    let out = dir.path().join("exp");
    let partial = dir.path().join("exp.partial");
    let cmd = experiment("sweep", "scenarios/pic-2013.toml", &out, &vary);
    interrupt_after_a_run(cmd, &partial);
    // The first run finished (runs are numbered from run-001).
    let kept = partial.join(".finished").join("run-001.json");
    let good = std::fs::read_to_string(&kept).unwrap();
    let damaged = {
        // The first mean's first digit, changed.
        let at = good.find("\"mean\":").unwrap() + 7;
        let mut b = good.clone().into_bytes();
        b[at] = if b[at] == b'7' { b'8' } else { b'7' };
        String::from_utf8(b).unwrap()
    };
    let crafted = {
        let mut whole: serde_json::Value = serde_json::from_str(&good).unwrap();
        let sealed = whole.get("sha256").is_some();
        let summary = if sealed {
            &mut whole["summary"]
        } else {
            &mut whole
        };
        summary["summary"].as_array_mut().unwrap().truncate(3);
        if sealed {
            let members = format!("\"summary\":{}}}", whole["summary"]);
            let digest: String = sha2::Sha256::digest(members.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{{\"sha256\":\"{digest}\",\n{members}\n")
        } else {
            whole.to_string()
        }
    };
    for (body, wanted) in [
        (damaged, "run-001.json:1: sha256"),
        (crafted, "run-001.json:2: summary: not this run's"),
    ] {
        std::fs::write(&kept, &body).unwrap();
        let before = csvs(&partial);
        let refused = experiment(
            "sweep",
            "scenarios/pic-2013.toml",
            &out,
            &[vary[0], vary[1], "--resume"],
        )
        .output()
        .unwrap();
        let text = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{text}");
        assert!(
            text.contains(wanted) && text.contains("not resuming it"),
            "{text}"
        );
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), body);
        assert_eq!(csvs(&partial), before);
        assert!(!out.exists());
    }
    // Put back, it resumes.
    std::fs::write(&kept, &good).unwrap();
    experiment(
        "sweep",
        "scenarios/pic-2013.toml",
        &out,
        &[vary[0], vary[1], "--resume"],
    )
    .assert()
    .success();
}
