//! `picsim calibrate`: parameters recovered from observations that picsim produced at known
//! values (one key, then three together: a sign-in rate, an enable share, a Bass q), a resumed
//! calibration ending as an uninterrupted one, and the command's refusals.
//!
//! The observations come from a run at the true values with another seed than the calibration's,
//! so the observed world is none of the worlds the particles meet, as a real one would be. The
//! checks read `posterior.csv` and compute the weighted quantiles here, independently of the
//! command's own summary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A small world: Messenger to Skype on sign-in (the weekly class's mean days between sign-ins
/// is fitted), an enable share of the provider that reaches both, and AIM to Skype by word of
/// mouth over a Barabási–Albert graph (Bass q).
const WORLD: &str = include_str!("calibration-world.toml");

fn picsim() -> Command {
    Command::cargo_bin("picsim").expect("the picsim binary is built")
}

/// Writes the world into `dir` and returns its path.
fn world(dir: &Path) -> PathBuf {
    let path = dir.join("world.toml");
    std::fs::write(&path, WORLD).unwrap();
    path
}

/// Observations from one replication of the world at its scenario values with seed 6: every
/// other day from 2013-04-01 to `until`, of the given `(metric, column, share)` (a share divides
/// the column by `entries`).
fn observe(dir: &Path, until: &str, metrics: &[(&str, &str, bool)]) -> PathBuf {
    let truth = dir.join("truth");
    picsim()
        .args([
            "run",
            "--seed",
            "6",
            "--replications",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(&truth)
        .arg(world(dir))
        .assert()
        .success();
    let text = std::fs::read_to_string(truth.join("series.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut out = String::from("date,metric,value\n");
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let date = cells[col("date")];
        if !("2013-04-01"..=until).contains(&date) || i % 2 != 0 {
            continue;
        }
        let entries: f64 = cells[col("entries")].parse().unwrap();
        for (metric, column, share) in metrics {
            let v: f64 = cells[col(column)].parse().unwrap();
            let v = if *share { v / entries } else { v };
            out.push_str(&format!("{date},{metric},{v}\n"));
        }
    }
    let path = dir.join("observed.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// Per fitted key of `posterior.csv`: its name and the weighted 5 %, 50 % and 95 % quantiles.
fn posterior(out: &Path) -> Vec<(String, [f64; 3])> {
    let text = std::fs::read_to_string(out.join("posterior.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let keys = header.len() - 2;
    assert_eq!(header[keys..], ["weight", "distance"]);
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    let total: f64 = rows.iter().map(|r| r[keys]).sum();
    assert!((total - 1.0).abs() < 1e-6, "weights sum to {total}");
    (0..keys)
        .map(|k| {
            let mut v: Vec<(f64, f64)> = rows.iter().map(|r| (r[k], r[keys])).collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            let q = |q: f64| {
                let mut sum = 0.0;
                v.iter()
                    .find(|(_, w)| {
                        sum += w;
                        sum >= q * (1.0 - 1e-9)
                    })
                    .map_or(v[v.len() - 1].0, |x| x.0)
            };
            (header[k].clone(), [q(0.05), q(0.5), q(0.95)])
        })
        .collect()
}

/// A prior range: its ends and whether it is log-uniform.
struct Prior(f64, f64, bool);

impl Prior {
    /// Where `x` sits in the range, 0 to 1, in the prior's own scale.
    fn unit(&self, x: f64) -> f64 {
        if self.2 {
            (x.ln() - self.0.ln()) / (self.1.ln() - self.0.ln())
        } else {
            (x - self.0) / (self.1 - self.0)
        }
    }
}

/// Checks that `truth` is recovered as a calibrated posterior recovers it: inside the 90 %
/// interval `q`, the median within two posterior standard deviations of it (the 90 % interval of
/// a normal is 3.29 of them wide), and the interval narrower than `narrow`, as a share of the
/// prior range in its own scale (so a narrow interval means the observations taught something).
/// Whether such intervals hold their truths as often as they say is the business of the check
/// (`picsim calibrate --check`, tested in `src/calibration/sbc/tests.rs`), not of one truth.
fn recovered(key: &str, q: [f64; 3], truth: f64, prior: Prior, narrow: f64) {
    assert!(
        q[0] <= truth && truth <= q[2],
        "{key}: {truth} outside {q:?}"
    );
    let width = prior.unit(q[2]) - prior.unit(q[0]);
    let off = (prior.unit(q[1]) - prior.unit(truth)).abs();
    assert!(
        off <= 2.0 * width / 3.29,
        "{key}: median {} is {off:.2} of the range from {truth}, more than two posterior sds",
        q[1]
    );
    assert!(
        width <= narrow,
        "{key}: interval {q:?} spans {width:.2} of the range"
    );
}

#[test]
fn a_sign_in_rate_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let observed = observe(
        dir.path(),
        "2013-05-30",
        &[("reachable_share_skype", "reachable_skype", true)],
    );
    let out = dir.path().join("cal");
    let assert = picsim()
        .args([
            "calibrate",
            "--quiet",
            "--particles",
            "40",
            "--max-simulations",
            "400",
        ])
        .args([
            "--fit",
            "population.activity.1.mean_days_between_sign_ins=1..30",
        ])
        .arg("--observed")
        .arg(&observed)
        .arg("--out")
        .arg(&out)
        .arg(world(dir.path()))
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stdout).trim(),
        out.join("report.html").display().to_string()
    );
    let p = posterior(&out);
    assert_eq!(p[0].0, "population.activity.1.mean_days_between_sign_ins");
    recovered(&p[0].0, p[0].1, 7.0, Prior(1.0, 30.0, false), 0.5);
    // Every file is there, and the forecast runs to the end of the window.
    for f in [
        "calibration.csv",
        "summary.csv",
        "report.html",
        "posterior.png",
        "fit_reachable_share_skype.png",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("2013-07-31,reachable_share_skype,"))
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let n = std::fs::read_to_string(&observed).unwrap().lines().count() - 1;
    let sentence = format!(
        "Fitted to {n} observations up to 2013-05-30; forecast from 2013-05-31 to 2013-07-31."
    );
    assert!(
        report.contains(&sentence),
        "{sentence} not in {:?}",
        report.lines().find(|l| l.contains("Fitted to"))
    );
    // The unfinished folder is gone once the folder is written.
    assert!(!dir.path().join("cal.partial").exists());
    assert!(!out.join(".finished").exists() && !out.join("experiment.json").exists());
}

#[test]
fn three_keys_are_recovered_together() {
    let dir = tempfile::tempdir().unwrap();
    // Three months observed: the word-of-mouth migration needs them to show its pace.
    let observed = observe(
        dir.path(),
        "2013-06-30",
        &[
            ("reachable_share_skype", "reachable_skype", true),
            ("reachable_share_aim", "reachable_aim", true),
            ("migrated_aim_to_skype", "migrated_aim_to_skype", false),
        ],
    );
    let out = dir.path().join("cal");
    let assert = picsim()
        .args([
            "calibrate",
            "--particles",
            "40",
            "--max-simulations",
            "4000",
            "--max-generations",
            "20",
        ])
        .args([
            "--fit",
            "population.activity.1.mean_days_between_sign_ins=log:2.0..30.0",
        ])
        .args(["--fit", "orgs.providers.msn.0.share=0.2..0.95"])
        .args(["--fit", "migrations.1.q=log:0.5..30.0"])
        .arg("--observed")
        .arg(&observed)
        .arg("--out")
        .arg(&out)
        .arg(world(dir.path()))
        .assert()
        .success();
    let p = posterior(&out);
    // Run until it converged: stopped by the budget, the posterior is wider and q's sits too low
    // (simulation-based calibration, docs/calibration.md).
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("(converged)"), "{stdout}");
    assert!(!stdout.contains("Not converged"), "{stdout}");
    // The sign-in rate acts only in the first two weeks of one metric, so fitted with the others
    // its interval stays wide (about 0.8 of its range); the enable share and q are pinned down.
    // The enable share's interval cannot be narrower than the noise of which of 150
    // organisations enable it: the realised share has sd sqrt(0.6 × 0.4 / 150) = 0.04, so a 90 %
    // interval of at least 0.13, 0.18 of the range.
    recovered(&p[0].0, p[0].1, 7.0, Prior(2.0, 30.0, true), 0.9);
    recovered(&p[1].0, p[1].1, 0.6, Prior(0.2, 0.95, false), 0.3);
    recovered(&p[2].0, p[2].1, 6.0, Prior(0.5, 30.0, true), 0.3);
    // The terminal gives each key's median and interval, as posterior.csv has them.
    let text = std::fs::read_to_string(&observed).unwrap();
    let last = text.lines().last().unwrap().split(',').next().unwrap();
    let n = text.lines().count() - 1;
    let sentence = format!("Fitted to {n} observations up to {last}");
    assert!(stdout.contains(&sentence), "{sentence} not in {stdout}");
    for (key, _) in &p {
        assert!(stdout.contains(key.as_str()), "{stdout}");
    }
    let generations = std::fs::read_to_string(out.join("calibration.csv")).unwrap();
    let rows: Vec<Vec<String>> = generations
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert!(rows.len() >= 3, "{generations}");
    assert_eq!(rows[0][1], "inf");
    // Every particle kept was within its generation's tolerance (the distance adapts from one
    // generation to the next, so tolerances need not fall).
    let last: f64 = rows[rows.len() - 1][1].parse().unwrap();
    let text = std::fs::read_to_string(out.join("posterior.csv")).unwrap();
    for line in text.lines().skip(1) {
        let d: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
        assert!(d <= last + 1e-6, "{d} > {last}");
    }
    for r in &rows {
        let acceptance: f64 = r[2].parse().unwrap();
        let ess: f64 = r[3].parse().unwrap();
        assert!(
            acceptance > 0.0 && acceptance <= 1.0 && ess <= 40.0 + 1e-9,
            "{generations}"
        );
    }
    let sims: usize = rows.iter().map(|r| r[4].parse::<usize>().unwrap()).sum();
    assert!(sims <= 4000);
}

/// The command line of the small calibration the resume test interrupts.
fn small(dir: &Path, observed: &Path, out: &Path, extra: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("picsim"));
    c.args([
        "calibrate",
        "--quiet",
        "--particles",
        "30",
        "--max-simulations",
        "450",
    ])
    .args([
        "--fit",
        "population.activity.1.mean_days_between_sign_ins=1.0..30.0",
    ])
    .args(extra)
    .arg("--observed")
    .arg(observed)
    .arg("--out")
    .arg(out)
    .arg(dir.join("world.toml"));
    c
}

#[test]
fn an_interrupted_calibration_resumes_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let observed = observe(
        dir.path(),
        "2013-05-30",
        &[("reachable_share_skype", "reachable_skype", true)],
    );
    let whole = dir.path().join("whole");
    assert!(
        small(dir.path(), &observed, &whole, &[])
            .output()
            .unwrap()
            .status
            .success()
    );

    let cut = dir.path().join("cut");
    let checkpoint = dir.path().join("cut.partial");
    let output = interrupt_after_generation_1(dir.path(), &observed, &cut);
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!cut.exists());
    assert!(checkpoint.join(".finished").join("state.json").is_file());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("run the same command with --resume to continue"),
        "{err}"
    );
    // Without --resume the unfinished calibration is not replaced unasked.
    let again = small(dir.path(), &observed, &cut, &[]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("holds an unfinished calibrate; continue it with --resume"),
        "{err}"
    );

    // Another calibration does not resume from it.
    let other = small(dir.path(), &observed, &cut, &["--resume", "--seed", "9"])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(
        err.contains("the unfinished experiment there is another one (it differs in: overrides"),
        "{err}"
    );

    let resumed = small(dir.path(), &observed, &cut, &["--resume"])
        .output()
        .unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    for f in ["posterior.csv", "calibration.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(cut.join(f)).unwrap(),
            "{f} differs after resuming"
        );
    }
    assert!(!checkpoint.exists());
}

#[test]
fn bad_calibrations_are_refused_with_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    let obs = dir.path().join("obs.csv");
    std::fs::write(
        &obs,
        "date,metric,value\n2013-04-10,reachable_share_skype,0.2\n2013-04-11,reachable_skyp,0.3\n",
    )
    .unwrap();
    let run = |args: &[&str], scenario: &Path| {
        let a = picsim()
            .arg("calibrate")
            .args(args)
            .arg(scenario)
            .assert()
            .failure();
        assert_eq!(a.get_output().status.code(), Some(1));
        String::from_utf8_lossy(&a.get_output().stderr).to_string()
    };
    let fit = "--fit=population.activity.1.mean_days_between_sign_ins=1.0..30.0";
    let obs_arg = format!("--observed={}", obs.display());
    let out_arg = format!("--out={}", dir.path().join("out").display());
    let e = run(&[&obs_arg, &out_arg], &w);
    assert!(e.contains("nothing to fit: give --fit KEY=LO..HI"), "{e}");
    let e = run(&[fit, &out_arg], &w);
    assert!(e.contains("no observations: give --observed"), "{e}");
    let e = run(&[fit, &obs_arg, &out_arg], &w);
    assert!(
        e.contains("obs.csv:3:2: not a metric of this scenario (did you mean `reachable_skype`?)"),
        "{e}"
    );
    std::fs::write(
        &obs,
        "date,metric,value\n2013-04-10,reachable_share_skype,0.2\n",
    )
    .unwrap();
    let e = run(
        &["--fit=population.activity.7.share=0..1", &obs_arg, &out_arg],
        &w,
    );
    assert!(e.contains("population.activity.7"), "{e}");
    // The [calibration] table is checked with the scenario, at its line.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!("{WORLD}\n[calibration]\nobserved = \"obs.csv\"\n\n[[calibration.fit]]\nkey = \"migrations.1.q\"\nlow = 1.0\nhigh = 10.0\nprior = \"normal\"\n"),
    )
    .unwrap();
    let e = run(&[&out_arg], &bad);
    assert!(
        e.contains("calibration.fit[0].prior") || e.contains("calibration.fit.0.prior"),
        "{e}"
    );
    assert!(e.contains("`normal` is not a prior"), "{e}");
    assert!(e.contains(&format!("{}:", bad.display())), "{e}");
    // Nothing was written.
    assert!(!dir.path().join("out").exists());
}

/// A calibration of the small world to observations `body` (a CSV) with few particles: its
/// exit code and stderr.
fn calibrate_to(dir: &Path, body: &[u8]) -> (Option<i32>, String) {
    let obs = dir.join("obs.csv");
    std::fs::write(&obs, body).unwrap();
    let out = picsim()
        .arg("calibrate")
        .args(["--quiet", "--particles", "4", "--max-simulations", "4"])
        .arg("--fit=population.activity.1.mean_days_between_sign_ins=1.0..30.0")
        .arg(format!("--observed={}", obs.display()))
        .arg(format!("--out={}", dir.join("out").display()))
        .arg(world(dir))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// `--threads N` is the pool a calibration runs on, and its manifest says so: the sharing probe
/// that runs before the plan resolves uses rayon, and would build the pool with every core first
/// if the threads were not set before it. (On a machine with one core this cannot fail.)
#[test]
fn a_calibration_runs_on_the_threads_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("obs.csv");
    std::fs::write(
        &obs,
        "date,metric,value\n2013-04-10,reachable_share_skype,0.2\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    picsim()
        .arg("calibrate")
        .args(["--quiet", "--particles", "4", "--max-simulations", "4"])
        .args(["--threads", "1"])
        .arg("--fit=population.activity.1.mean_days_between_sign_ins=1.0..30.0")
        .arg(format!("--observed={}", obs.display()))
        .arg(format!("--out={}", out.display()))
        .arg(world(dir.path()))
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["threads"], 1, "{manifest}");
}

#[test]
fn observations_beyond_their_metrics_range_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let head = "date,metric,value,sem\n2013-04-10,reachable_share_skype,0.2,\n";
    for (row, wanted) in [
        (
            "2013-04-11,reachable_share_skype,-0.5,",
            "obs.csv:3:3: out of range: a share is from 0 to 1",
        ),
        (
            "2013-04-11,reachable_share_skype,1.5,",
            "obs.csv:3:3: out of range: a share is from 0 to 1",
        ),
        (
            "2013-04-11,entries,1e308,",
            "obs.csv:3:3: out of range: a count is from 0 to 4294967296",
        ),
        (
            "2013-04-11,entries,-3,",
            "obs.csv:3:3: out of range: a count is from 0 to 4294967296",
        ),
        (
            "2013-04-11,entries,30,1e308",
            "obs.csv:3:4: a sem must be from a trillionth of the metric's range to all of it",
        ),
        (
            "2013-04-11,reachable_share_skype,0.5,2",
            "obs.csv:3:4: a sem must be from a trillionth of the metric's range to all of it",
        ),
        (
            // So small that every distance would be infinite.
            "2013-04-11,reachable_share_skype,0.5,1e-200",
            "obs.csv:3:4: a sem must be from a trillionth of the metric's range to all of it",
        ),
    ] {
        let (code, err) = calibrate_to(dir.path(), format!("{head}{row}\n").as_bytes());
        assert_eq!(code, Some(1), "{row}: {err}");
        assert!(err.contains(wanted), "{row}: {err}");
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn observations_that_are_not_utf8_are_refused_at_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    // Latin-1 `é` in the metric of line 4 (after a blank line), its 10th character.
    let mut body =
        b"date,metric,value\n2013-04-10,entries,20\n\n2013-04-11,reachable\xe9,3\n".to_vec();
    let (code, err) = calibrate_to(dir.path(), &body);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("obs.csv:4:2: not UTF-8 text (from its character 10"),
        "{err}"
    );
    // In the header.
    body = b"date,m\xe9tric,value\n2013-04-10,entries,20\n".to_vec();
    let (code, err) = calibrate_to(dir.path(), &body);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("obs.csv:1:2: not UTF-8 text (from its character 2"),
        "{err}"
    );
}

/// The small calibration (see [`small`]) into `out`, interrupted (SIGINT) once its checkpoint
/// of generation 1 is saved in `<out>.partial`: its output.
fn interrupt_after_generation_1(dir: &Path, observed: &Path, out: &Path) -> std::process::Output {
    let checkpoint = PathBuf::from(format!("{}.partial", out.display()));
    interrupt_once(
        small(dir, observed, out, &[]),
        &checkpoint.join(".finished").join("rows-1.bin"),
    )
}

/// Runs `command` until `marker` appears, then interrupts it (SIGINT) and returns its output.
fn interrupt_once(mut command: std::process::Command, marker: &Path) -> std::process::Output {
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(started.elapsed().as_secs() < 120, "no checkpoint appeared");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill only sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    child.wait_with_output().unwrap()
}

/// An interrupted small calibration: its observations, and its unfinished folder `cut.partial`
/// holding the checkpoint of generation 1 or later.
fn interrupted(dir: &Path) -> (PathBuf, PathBuf) {
    let observed = observe(
        dir,
        "2013-05-30",
        &[("reachable_share_skype", "reachable_skype", true)],
    );
    interrupt_after_generation_1(dir, &observed, &dir.join("cut"));
    (observed, dir.join("cut.partial"))
}

/// Every file under `dir` with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `state.json` with `edit` applied to its state; `reseal`: with a digest recomputed for the
/// new content, as a crafted file would have (`docs/calibration.md` documents the format), else
/// with the old digest kept (a damaged file).
fn edit_state(file: &Path, reseal: bool, edit: impl FnOnce(&mut serde_json::Value)) {
    use sha2::Digest;
    let text = std::fs::read_to_string(file).unwrap();
    let mut whole: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sealed = whole.get("sha256").is_some();
    let state = if sealed {
        &mut whole["state"]
    } else {
        &mut whole
    };
    edit(state);
    if !sealed {
        std::fs::write(file, serde_json::to_vec(&whole).unwrap()).unwrap();
        return;
    }
    let members = format!(
        "\"state\":{}}}",
        serde_json::to_string(&whole["state"]).unwrap()
    );
    let digest: String = if reseal {
        sha2::Sha256::digest(members.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    } else {
        whole["sha256"].as_str().unwrap().to_string()
    };
    std::fs::write(file, format!("{{\"sha256\":\"{digest}\",\n{members}\n")).unwrap();
}

/// Resumes the calibration whose unfinished folder is `partial` (a copy of the interrupted one,
/// for the output folder `out`) and expects a refusal naming `wanted`, within a minute, with
/// the folder untouched.
fn resume_refused(dir: &Path, observed: &Path, out: &Path, wanted: &str) {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let before = snapshot(&partial);
    let mut child = small(dir, observed, out, &["--resume"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 60 {
            let _ = child.kill();
            panic!("{}: --resume still running after a minute", out.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{}: {err}", out.display());
    assert!(
        err.contains(wanted),
        "{}: `{wanted}` not in {err}",
        out.display()
    );
    assert!(err.contains("not resuming it"), "{err}");
    assert!(!out.exists());
    assert!(snapshot(&partial) == before, "the checkpoint was changed");
}

#[test]
fn a_damaged_or_impossible_checkpoint_is_refused_never_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let (observed, checkpoint) = interrupted(dir.path());
    let copy = |k: usize| -> (PathBuf, PathBuf) {
        let out = dir.path().join(format!("case-{k}"));
        let partial = dir.path().join(format!("case-{k}.partial"));
        std::process::Command::new("cp")
            .arg("-r")
            .arg(&checkpoint)
            .arg(&partial)
            .status()
            .unwrap();
        let kept = partial.join(".finished");
        (out, kept)
    };
    let rows_of = |kept: &Path| -> PathBuf {
        let mut rows: Vec<PathBuf> = std::fs::read_dir(kept)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".bin"))
            .collect();
        rows.sort();
        rows.pop().unwrap()
    };
    // A flipped byte in the rows: the digest.
    let (out, kept) = copy(0);
    let rows = rows_of(&kept);
    let mut bytes = std::fs::read(&rows).unwrap();
    bytes[3] ^= 0x10;
    std::fs::write(&rows, bytes).unwrap();
    resume_refused(dir.path(), &observed, &out, "is damaged");
    // A point outside the cube, a weight of 1e308 (the sampler spun on it), a zero weight, a
    // point with a coordinate missing (a panic in the report): each damaged (the old digest
    // kept) and crafted (a digest of its own).
    type Edit = fn(&mut serde_json::Value);
    let edits: [(Edit, &str); 4] = [
        (
            |s| s["particles"][0]["u"][0] = 1.5.into(),
            "particles[0].u[0]: outside [0, 1]",
        ),
        (
            |s| s["particles"][1]["weight"] = 1e308.into(),
            "particles[1].weight: not a weight",
        ),
        (
            |s| s["particles"][2]["weight"] = 0.0.into(),
            "particles[2].weight: not a weight",
        ),
        (
            |s| s["particles"][0]["u"] = serde_json::json!([]),
            "particles[0].u: 0 coordinates for 1 fitted keys",
        ),
    ];
    for (k, (edit, wanted)) in edits.into_iter().enumerate() {
        for reseal in [false, true] {
            let (out, kept) = copy(10 + 2 * k + usize::from(reseal));
            edit_state(&kept.join("state.json"), reseal, edit);
            let wanted = if reseal {
                wanted
            } else {
                "state.json:1: sha256"
            };
            resume_refused(dir.path(), &observed, &out, wanted);
        }
    }
    // A history that does not add up, and rows that are not counts, crafted.
    let (out, kept) = copy(30);
    edit_state(&kept.join("state.json"), true, |s| {
        s["history"][0]["simulations"] = 3.into();
    });
    resume_refused(dir.path(), &observed, &out, "history[0].simulations");
    // The untouched checkpoint still resumes.
    let (out, _) = copy(40);
    let resumed = small(dir.path(), &observed, &out, &["--resume"])
        .output()
        .unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
}

/// The command line of a small check (`calibrate --check 3` of one key on the world at 40
/// organisations).
fn small_check(dir: &Path, observed: &Path, out: &Path, extra: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("picsim"));
    c.args([
        "calibrate",
        "--quiet",
        "--check",
        "3",
        "--set",
        "orgs.count=40",
    ])
    .args(["--particles", "10", "--max-simulations", "60"])
    .args([
        "--fit",
        "population.activity.1.mean_days_between_sign_ins=1.0..30.0",
    ])
    .args(extra)
    .arg("--observed")
    .arg(observed)
    .arg("--out")
    .arg(out)
    .arg(dir.join("world.toml"));
    c
}

/// `calibrate --check` writes its files (one row of `sbc.csv` per repeat and key, coverage per
/// key), and one interrupted after its first repeat and resumed writes the same `sbc.csv` and
/// `coverage.csv` as one run whole.
#[test]
fn a_check_writes_its_files_and_an_interrupted_one_resumes_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let observed = observe(
        dir.path(),
        "2013-05-30",
        &[("reachable_share_skype", "reachable_skype", true)],
    );
    let whole = dir.path().join("whole");
    let out = small_check(dir.path(), &observed, &whole, &[])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sbc = std::fs::read_to_string(whole.join("sbc.csv")).unwrap();
    let lines: Vec<&str> = sbc.lines().collect();
    assert_eq!(lines[0], "repeat,key,truth,rank,draws,in_50,in_90");
    assert_eq!(lines.len(), 4, "{sbc}");
    for (i, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], i.to_string());
        assert_eq!(cells[1], "population.activity.1.mean_days_between_sign_ins");
        let truth: f64 = cells[2].parse().unwrap();
        assert!((1.0..=30.0).contains(&truth), "{line}");
        let (rank, draws): (usize, usize) = (cells[3].parse().unwrap(), cells[4].parse().unwrap());
        assert!(rank <= draws && draws > 0, "{line}");
    }
    let coverage = std::fs::read_to_string(whole.join("coverage.csv")).unwrap();
    assert_eq!(coverage.lines().count(), 2, "{coverage}");
    for f in ["sbc_ecdf.png", "report.html"] {
        assert!(whole.join(f).is_file(), "{f}");
    }

    let cut = dir.path().join("cut");
    let checkpoint = dir.path().join("cut.partial");
    let output = interrupt_once(
        small_check(dir.path(), &observed, &cut, &[]),
        &checkpoint.join(".finished").join("check.json"),
    );
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!cut.exists());
    let resumed = small_check(dir.path(), &observed, &cut, &["--resume"])
        .output()
        .unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    for f in ["sbc.csv", "coverage.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(cut.join(f)).unwrap(),
            "{f} differs after resuming"
        );
    }
    assert!(!checkpoint.exists());
}
