//! What a new user reads: `--help` of every command, and the messages of common mistakes (an
//! output path that is a file, a list given as a word, a missing table, counts of one), each
//! checked against text written here by hand.

use crate::cli::picsim;
use std::path::Path;

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).to_string()
}

fn help(command: &str) -> String {
    stdout_of(&picsim().args([command, "--help"]).assert().success())
}

const COMMANDS: [&str; 8] = [
    "run",
    "validate",
    "population",
    "sweep",
    "compare",
    "sensitivity",
    "calibrate",
    "import",
];

#[test]
fn no_help_says_its_default_twice() {
    for command in COMMANDS {
        let text = help(command);
        // clap's own `[default: …]` after a doc comment that already says "(default …)".
        for line in text.lines() {
            assert!(
                !(line.contains("(default") && line.contains("[default:")),
                "{command}: {line}"
            );
        }
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!joined.contains("(default 0) [default: 0]"), "{command}");
    }
}

#[test]
fn population_offers_replication_but_not_replications() {
    let text = help("population");
    assert!(text.contains("--replication <R>"), "{text}");
    assert!(!text.contains("--replications"), "{text}");
    assert!(text.contains("Replace the --export folder"), "{text}");
    // The commands that run replications keep it.
    for command in ["run", "sweep", "sensitivity", "calibrate", "validate"] {
        assert!(help(command).contains("--replications <N>"), "{command}");
    }
    let refused = picsim()
        .args(["population", "scenarios/pic-2013.toml", "--export", "x"])
        .args(["--replications", "2"])
        .assert()
        .code(2);
    assert!(
        stderr_of(&refused).contains("unexpected argument '--replications'"),
        "{}",
        stderr_of(&refused)
    );
}

#[test]
fn each_commands_out_says_its_own_default() {
    let out_line = |command: &str| -> String {
        let text = help(command);
        let at = text.find("--out <DIR>").expect("--out listed");
        text[at..]
            .split("\n      -")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        out_line("run")
            .contains("(default: output.dir of the scenario, else output/<scenario name>)")
    );
    assert!(out_line("sweep").contains("(default: output/<scenario name>-sweep)"));
    assert!(out_line("sensitivity").contains("(default: output/<scenario name>-sensitivity)"));
    assert!(out_line("calibrate").contains(
        "(default: output/<scenario name>-calibration, with --check output/<scenario name>-check)"
    ));
    for command in ["sweep", "sensitivity", "calibrate"] {
        assert!(!out_line(command).contains("for `run`"), "{command}");
    }
}

#[test]
fn an_output_path_that_is_a_file_is_named_as_the_user_gave_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let shown = file.display().to_string();
    let run = |extra: &[&str], scenario: &Path| {
        let mut cmd = picsim();
        cmd.arg("run").arg(scenario).arg("--quiet").args(extra);
        stderr_of(&cmd.assert().code(1))
    };
    let default = Path::new("scenarios/pic-2013.toml");
    for force in [&[][..], &["--force"][..]] {
        let stderr = run(&[&["--out", &shown][..], force].concat(), default);
        assert_eq!(
            stderr.trim(),
            format!(
                "error: output folder '{shown}' (--out) is a file, not a folder; give --out another folder"
            )
        );
    }
    let inside = format!("{shown}/run");
    let stderr = run(&["--out", &inside], default);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: could not create output folder '{inside}' (--out): '{shown}' is a file, not a folder"
        )
    );
    // From the scenario file: the key and its line (line 3 of the file written here).
    let child = dir.path().join("child.toml");
    let parent = std::fs::canonicalize(default).unwrap();
    std::fs::write(
        &child,
        format!(
            "extends = {:?}\n[output]\ndir = {shown:?}\n",
            parent.display().to_string()
        ),
    )
    .unwrap();
    let stderr = run(&[], &child);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: output folder '{shown}' (output.dir at {}:3:1) is a file, not a folder; set output.dir to another folder, or choose one with --out",
            child.display()
        )
    );
    let export = picsim()
        .args(["population", "scenarios/pic-2013.toml", "--export"])
        .arg(&file)
        .assert()
        .code(1);
    assert_eq!(
        stderr_of(&export).trim(),
        format!(
            "error: output folder '{shown}' (--export) is a file, not a folder; give --export another folder"
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

#[test]
fn validate_counts_one_in_the_singular() {
    // pic-2013 has one [[migrations]] item, lync-to-teams-2025 two (read from the files).
    let text = std::fs::read_to_string("scenarios/pic-2013.toml").unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("[[migrations]]"))
            .count(),
        1
    );
    let out = picsim()
        .args([
            "validate",
            "scenarios/pic-2013.toml",
            "scenarios/lync-to-teams-2025.toml",
        ])
        .assert()
        .success();
    let stdout = stdout_of(&out);
    assert!(
        stdout.contains(
            "pic-2013.toml: valid (4 networks, 4 providers, 1 migration, 2500 organisations)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("lync-to-teams-2025.toml: valid (5 networks, 5 providers, 2 migrations,"),
        "{stdout}"
    );
    let one = picsim()
        .args([
            "validate",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=1",
        ])
        .assert()
        .success();
    assert!(
        stdout_of(&one).contains(", 1 organisation)"),
        "{}",
        stdout_of(&one)
    );
    // An index past a one-item list.
    let past = picsim()
        .args([
            "validate",
            "scenarios/pic-2013.toml",
            "--set",
            "migrations.3.from=wlm",
        ])
        .assert()
        .code(1);
    assert!(
        stderr_of(&past).contains("the list has 1 item, indices from 0"),
        "{}",
        stderr_of(&past)
    );
}

#[test]
fn a_list_given_as_a_word_is_explained_with_an_example() {
    let out = picsim()
        .args([
            "validate",
            "scenarios/pic-2013.toml",
            "--set",
            "output.charts=x",
        ])
        .assert()
        .code(1);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("output.charts: invalid type: string \"x\", expected a list"),
        "{stderr}"
    );
    assert!(
        stderr.contains(r#"--set 'output.charts=["users","losses"]'"#),
        "{stderr}"
    );
    // The names the default scenario draws (its output.charts line).
    for chart in [
        "reachable_by_network",
        "reachable_by_modality",
        "migration",
        "users",
        "losses",
    ] {
        assert!(stderr.contains(chart), "{chart}: {stderr}");
    }
    // In a file, the example is the file's syntax.
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("child.toml");
    let parent = std::fs::canonicalize("scenarios/pic-2013.toml").unwrap();
    std::fs::write(
        &child,
        format!(
            "extends = {:?}\n[output]\ncharts = \"users\"\n",
            parent.display().to_string()
        ),
    )
    .unwrap();
    let out = picsim().arg("validate").arg(&child).assert().code(1);
    let stderr = stderr_of(&out);
    assert!(stderr.contains(":3:1: output.charts:"), "{stderr}");
    assert!(
        stderr.contains(r#"output.charts = ["users","losses"]"#),
        "{stderr}"
    );
}

#[test]
fn a_missing_table_or_key_says_which_and_how_to_add_it() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare.toml");
    // No [orgs] (and no [population]: serde stops at the first missing table).
    std::fs::write(
        &bare,
        "[scenario]\nname = \"x\"\nstart = 2013-01-01\nend = 2013-02-01\n",
    )
    .unwrap();
    let stderr = stderr_of(&picsim().arg("validate").arg(&bare).assert().code(1));
    assert_eq!(
        stderr.trim(),
        format!(
            "{}:1:1: orgs: the required table [orgs] is missing; add a line `[orgs]` and its keys to the file (scenarios/pic-2013.toml has one to start from)",
            bare.display()
        )
    );
    // A missing key, at the line of its table ([scenario] is line 2 here), with the default's
    // value as the example (pic-2013 ends on 2014-12-31).
    let no_end = dir.path().join("no-end.toml");
    std::fs::write(
        &no_end,
        "# a comment\n[scenario]\nname = \"x\"\nstart = 2013-01-01\n",
    )
    .unwrap();
    let stderr = stderr_of(&picsim().arg("validate").arg(&no_end).assert().code(1));
    assert!(
        stderr.starts_with(&format!(
            "{}:2:2: scenario.end: the required key `end` is missing; add a line `end = 2014-12-31` under [scenario]",
            no_end.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_name_with_nothing_defined_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/pic-2013.toml").unwrap();
    // The default without its [providers.*] tables: its orgs still name them.
    let mut kept = Vec::new();
    let mut skip = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skip = line.starts_with("[providers.");
        }
        if !skip {
            kept.push(line);
        }
    }
    let file = dir.path().join("no-providers.toml");
    std::fs::write(&file, kept.join("\n")).unwrap();
    let stderr = stderr_of(&picsim().arg("validate").arg(&file).assert().code(1));
    assert!(
        stderr.contains(
            "orgs.providers.msn: unknown provider `msn`; the scenario defines no provider"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("known: \n") && !stderr.contains("known: ;"),
        "{stderr}"
    );
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // Not --quiet: stderr is a pipe here, so nothing is drawn on it.
    let out = picsim()
        .args([
            "run",
            "scenarios/pic-2013.toml",
            "--set",
            "orgs.count=20",
            "--replications",
            "2",
        ])
        .arg("--out")
        .arg(dir.path().join("run"))
        .assert()
        .success();
    assert_eq!(stderr_of(&out), "");
}
