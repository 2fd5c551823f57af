//! Output folders: `--force` never destroys what picsim did not write; interrupted, killed and
//! failing runs leave nothing behind and never lose the report already in place.

use crate::cli::{picsim, run_small};
use crate::support::stderr_of;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The names in folder `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// A folder `name` in `dir` holding a user's `thesis.docx`.
fn foreign_folder(dir: &Path, name: &str) -> PathBuf {
    let target = dir.join(name);
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("thesis.docx"), "four years of work").unwrap();
    target
}

/// Checks that `command` (with `--force`) refused to replace `target`, naming it and the foreign
/// file, and left it and its parent as they were.
fn assert_refused(command: &str, a: &assert_cmd::assert::Assert, target: &Path, before: &[String]) {
    let err = stderr_of(a);
    assert!(
        err.contains(&target.display().to_string()) && err.contains("thesis.docx"),
        "{command}: {err}"
    );
    assert!(err.contains("did not write"), "{command}: {err}");
    assert_eq!(
        std::fs::read_to_string(target.join("thesis.docx")).unwrap(),
        "four years of work",
        "{command}"
    );
    assert_eq!(names(target), vec!["thesis.docx".to_string()], "{command}");
    assert_eq!(names(target.parent().unwrap()), before, "{command}");
}

#[test]
fn force_never_replaces_a_folder_picsim_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_small(&a, 20, &["--replications", "1"]).success();
    run_small(&b, 20, &["--replications", "1", "--seed", "2"]).success();
    let target = foreign_folder(dir.path(), "thesis");
    let before = names(dir.path());

    let refused = run_small(&target, 20, &["--replications", "1", "--force"]).code(1);
    assert_refused("run", &refused, &target, &before);
    // Each command with its arguments before and after the target folder.
    let small = |head: &[&'static str]| -> Vec<&'static str> {
        let tail = [
            "--set",
            "orgs.count=20",
            "--replications",
            "1",
            "--quiet",
            "--out",
        ];
        head.iter().chain(&tail).copied().collect()
    };
    let sweep = small(&[
        "sweep",
        "scenarios/pic-2013.toml",
        "--vary",
        "behaviours.recovery.probability=0,1",
    ]);
    let sensitivity = small(&["sensitivity", "scenarios/aim-direct.toml"]);
    let population = [
        "population",
        "scenarios/pic-2013.toml",
        "--set",
        "orgs.count=20",
        "--export",
    ];
    let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
    let commands: [(&[&str], &[&str]); 4] = [
        (&sweep, &[]),
        (&sensitivity, &[]),
        (&["compare", "--quiet", "--out"], &[&a, &b]),
        (&population, &[]),
    ];
    for (before_target, after_target) in commands {
        let refused = picsim()
            .args(before_target)
            .arg(&target)
            .args(after_target)
            .arg("--force")
            .assert()
            .code(1);
        assert_refused(before_target[0], &refused, &target, &before);
    }
}

#[test]
fn force_replaces_picsims_own_folders_but_not_with_a_foreign_file_inside() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_small(&out, 20, &["--replications", "1"]).success();
    run_small(&out, 20, &["--replications", "1", "--force"]).success();
    // A run folder written before folders carried a marker is known by its manifest.
    std::fs::remove_file(out.join(".picsim")).unwrap();
    run_small(&out, 20, &["--replications", "1", "--force"]).success();
    assert!(out.join(".picsim").exists());
    // A file of the user's among picsim's: refused, naming it.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let err = stderr_of(&run_small(&out, 20, &["--replications", "1", "--force"]).code(1));
    assert!(
        err.contains("notes.txt") && err.contains("did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.join("report.html").exists());
    // An empty folder is replaced; a file where the folder should be is refused.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    run_small(&empty, 20, &["--replications", "1", "--force"]).success();
    assert!(empty.join("report.html").exists());
    let file = dir.path().join("file");
    std::fs::write(&file, "mine").unwrap();
    let err = stderr_of(&run_small(&file, 20, &["--replications", "1", "--force"]).code(1));
    assert!(err.contains("is a file"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

/// Starts `picsim run` on a world big enough to take a while, into `out`.
fn start_long_run(out: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("picsim"))
        .args([
            "run",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=4000",
            "--replications",
            "40",
            "--threads",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The temporary folders beside `target` (`.NAME.partial-PID` and the like).
fn temporaries(target: &Path) -> Vec<String> {
    let prefix = format!(".{}.", target.file_name().unwrap().to_string_lossy());
    names(target.parent().unwrap())
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Waits until the run has made its temporary folder, then sends it `signal`.
fn interrupt(child: Child, target: &Path, signal: i32) -> Output {
    let started = Instant::now();
    while temporaries(target).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no temporary folder appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill only sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    child.wait_with_output().unwrap()
}

#[test]
fn an_interrupted_run_removes_its_temporary_folder_and_says_so() {
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let output = interrupt(start_long_run(&out), &out, signal);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "signal {signal}: {err}");
        assert_eq!(
            err.trim(),
            format!("interrupted: nothing written to {}", out.display()),
            "signal {signal}"
        );
        assert!(output.stdout.is_empty());
        assert_eq!(names(dir.path()), Vec::<String>::new(), "signal {signal}");
    }
}

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    child.wait().unwrap();
    child.id()
}

#[test]
fn a_killed_runs_temporary_folder_is_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let stale = dir.path().join(format!(".run.partial-{}", dead_pid()));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("series.csv"), "half a fil").unwrap();
    // A folder whose process is alive (this test) belongs to a run still going: kept.
    let live = dir
        .path()
        .join(format!(".run.partial-{}", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let err = stderr_of(&run_small(&out, 20, &["--replications", "1"]).success());
    assert!(
        err.contains("removed") && err.contains(&stale.display().to_string()),
        "{err}"
    );
    assert!(!stale.exists() && live.exists());
    assert!(out.join("report.html").exists());
}

#[test]
fn a_failing_write_names_the_file_asked_for_and_keeps_the_old_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_small(&out, 20, &["--replications", "1"]).success();
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();
    // Files larger than 64 blocks cannot be written (SIGXFSZ ignored, so writes fail with EFBIG
    // instead of killing the process): the charts are larger.
    let failed = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 64; exec "$0" "$@""#)
        .arg(assert_cmd::cargo::cargo_bin("picsim"))
        .args([
            "run",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=20",
            "--replications",
            "1",
            "--quiet",
            "--force",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&out.display().to_string()) && err.contains("File too large"),
        "{err}"
    );
    assert!(
        !err.contains("partial") && !err.contains("Error(") && !err.contains('{'),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), manifest);
    assert_eq!(names(dir.path()), vec!["run".to_string()]);
}

#[test]
fn validate_refuses_an_output_folder_on_a_read_only_file_system() {
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    // A read-only file system mounted in a mount namespace of the test's own (exit 99 where the
    // machine does not allow one: the test then has nothing to check).
    let script = r#"mount -t tmpfs -o ro tmpfs "$1" || exit 99; shift; exec "$@""#;
    let Ok(output) = Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(&ro)
        .arg(assert_cmd::cargo::cargo_bin("picsim"))
        .args(["validate", "scenarios/pic-2013.toml", "--set"])
        .arg(format!("output.dir={}", ro.join("run").display()))
        .output()
    else {
        eprintln!("skipped: no unshare(1) here");
        return;
    };
    if output.status.code() == Some(99) {
        eprintln!("skipped: cannot mount a read-only file system here");
        return;
    }
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&ro.display().to_string()) && err.contains("Read-only file system"),
        "{err}"
    );
}

/// Every file under `dir` and its bytes, symbolic links as links.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let t = std::fs::symlink_metadata(&p).unwrap().file_type();
            if t.is_dir() {
                todo.push(p);
            } else if t.is_symlink() {
                files.insert(
                    p.clone(),
                    std::fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                );
            } else {
                files.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

/// Checks that `args` (with `--force`) refused `target` as one of the command's inputs, and left
/// everything in `dir` as it was.
fn assert_input_kept(args: &[&str], target: &Path, what: &str, dir: &Path) {
    let before = snapshot(dir);
    let err = stderr_of(&picsim().args(args).arg("--force").assert().code(1));
    assert!(
        err.contains(&target.display().to_string())
            && err.contains(what)
            && err.contains("never replaces what its command reads, with --force or without"),
        "{args:?}: {err}"
    );
    assert!(snapshot(dir) == before, "{args:?} changed a file");
}

#[test]
fn force_never_replaces_a_folder_the_command_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A world folder (picsim's own, so --force alone would replace it) replayed into itself.
    let world = d.join("world");
    let world_text = world.display().to_string();
    picsim()
        .args([
            "population",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=20",
            "--export",
        ])
        .arg(&world)
        .assert()
        .success();
    let run = [
        "run",
        "scenarios/pic-2013.toml",
        "--replications",
        "1",
        "--quiet",
        "--world",
        &world_text,
        "--out",
        &world_text,
    ];
    assert_input_kept(&run, &world, "is the world folder", d);
    let population = [
        "population",
        "scenarios/pic-2013.toml",
        "--world",
        &world_text,
        "--export",
        &world_text,
    ];
    assert_input_kept(&population, &world, "is the world folder", d);
    // A sweep's run folders compared into the sweep's folder, which holds them.
    let sweep = d.join("sweep");
    picsim()
        .args([
            "sweep",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=20",
            "--replications",
            "1",
            "--quiet",
            "--vary",
            "behaviours.recovery.probability=0,1",
            "--out",
        ])
        .arg(&sweep)
        .assert()
        .success();
    let (a, b) = (sweep.join("run-001"), sweep.join("run-002"));
    let compare = [
        "compare",
        "--quiet",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        sweep.to_str().unwrap(),
    ];
    assert_input_kept(&compare, &sweep, "holds a run folder being compared", d);
    // Through a symbolic link to the world folder, and a spelling with `..`.
    std::os::unix::fs::symlink(&world, d.join("link")).unwrap();
    let via = d.join("sweep/../world");
    let via = via.to_str().unwrap();
    let link = d.join("link");
    let linked = [
        "run",
        "scenarios/pic-2013.toml",
        "--replications",
        "1",
        "--quiet",
        "--world",
        link.to_str().unwrap(),
        "--out",
        via,
    ];
    assert_input_kept(&linked, Path::new(via), "is the world folder", d);
}
