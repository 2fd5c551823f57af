//! Imported contact lists end to end: refusal of bad rows, `--skip-bad-rows`, `rejected.csv`,
//! `user_impact.csv`, pseudonyms, and the population export.

use crate::cli::{RUN_FILES, picsim};
use std::path::Path;

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

/// Every file under `dir`, as text (PNG bytes included, lossily).
fn all_text(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.unwrap().path()).unwrap()).to_string())
        .collect()
}

#[test]
fn bad_rows_are_refused_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let a = picsim()
        .args([
            "run",
            "scenarios/my-org.toml",
            "--replications",
            "1",
            "--out",
        ])
        .arg(dir.path().join("x"))
        .assert()
        .code(1);
    let err = stderr_of(&a);
    for line in [19, 60, 103, 152, 205, 262] {
        assert!(
            err.contains(&format!("contacts.csv:{line}:")),
            "line {line} not named:\n{err}"
        );
    }
    assert!(err.contains("--skip-bad-rows"), "{err}");
    assert!(
        !err.contains("sample@"),
        "no address in clear on the terminal:\n{err}"
    );
    assert!(!dir.path().join("x").exists());
}

#[test]
fn skipping_bad_rows_writes_rejected_and_user_impact_with_pseudonyms() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("my-org");
    picsim()
        .args([
            "run",
            "scenarios/my-org.toml",
            "--replications",
            "2",
            "--skip-bad-rows",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    for f in RUN_FILES.iter().chain(&["rejected.csv", "user_impact.csv"]) {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert_eq!(
        rejected.lines().count(),
        7,
        "header and six rejected rows:\n{rejected}"
    );
    assert!(rejected.starts_with("line,reason,user,contact,org,domain,network\n19,"));
    let impact = std::fs::read_to_string(out.join("user_impact.csv")).unwrap();
    let list = std::fs::read_to_string("scenarios/examples/contacts.csv").unwrap();
    let good_rows = list.lines().count() - 1 - 6;
    assert_eq!(impact.lines().count(), 1 + 2 * good_rows);
    assert!(impact.starts_with(
        "replication,user,contact,network,first_lost,cause,recovered\n0,user001@contoso.example,c"
    ));
    // Users' own ids stay; no contact address appears in any output.
    let everything = all_text(&out);
    assert!(
        !everything.contains(".sample@"),
        "an address leaked into the outputs"
    );
    assert!(
        !everything.contains("live:contact"),
        "a Skype name leaked into the outputs"
    );
    // Every cause is a contract name.
    for line in impact.lines().skip(1) {
        let cause = line.split(',').nth(5).unwrap();
        assert!(
            ["", "never_reachable", "lost_account", "lost_federation"].contains(&cause),
            "{line}"
        );
    }
}

#[test]
fn revealing_addresses_is_explicit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("revealed");
    picsim()
        .args([
            "run",
            "scenarios/my-org.toml",
            "--replications",
            "1",
            "--skip-bad-rows",
            "--reveal-addresses",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let impact = std::fs::read_to_string(out.join("user_impact.csv")).unwrap();
    assert!(impact.contains("contact0001.sample@hotmail.com"));
}

#[test]
fn population_export_writes_the_five_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("world");
    picsim()
        .args([
            "population",
            "scenarios/wlm-bass.toml",
            "--set",
            "orgs.count=100",
            "--export",
        ])
        .arg(&out)
        .assert()
        .success();
    let headers = [
        (
            "orgs.csv",
            "org,name,deployment,deployment_changes,agreement_start,agreement_term_years,users,domains,enabled_msn",
        ),
        ("users.csv", "user,name,org,domain,domain_added"),
        (
            "persons.csv",
            "person,contact,home,accounts,microsoft_linked,activity",
        ),
        ("entries.csv", "user,person,network,added"),
        ("graph.csv", "a,b"),
    ];
    for (f, header) in headers {
        let text = std::fs::read_to_string(out.join(f)).unwrap_or_else(|_| panic!("{f} missing"));
        assert!(
            text.starts_with(header),
            "{f}: {}",
            text.lines().next().unwrap_or("")
        );
        assert!(text.lines().count() > 1, "{f} has no rows");
    }
    // The graph's persons exist, and every edge appears once.
    let persons = std::fs::read_to_string(out.join("persons.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let graph = std::fs::read_to_string(out.join("graph.csv")).unwrap();
    let mut seen = std::collections::HashSet::new();
    for line in graph.lines().skip(1) {
        let (a, b) = line.split_once(',').unwrap();
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(a < b && b < persons);
        assert!(seen.insert((a, b)));
    }
    // The export is the world the run simulates: the same seed gives the same files.
    let again = dir.path().join("again");
    picsim()
        .args([
            "population",
            "scenarios/wlm-bass.toml",
            "--set",
            "orgs.count=100",
            "--threads",
            "1",
            "--export",
        ])
        .arg(&again)
        .assert()
        .success();
    for (f, _) in headers {
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(again.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn the_word_of_mouth_counterfactual_runs_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        picsim()
            .args([
                "run",
                "scenarios/wlm-bass.toml",
                "--set",
                "orgs.count=150",
                "--replications",
                "2",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path().join(threads))
            .assert()
            .success();
    }
    for f in ["series.csv", "summary.csv", "orgs.csv"] {
        assert!(
            std::fs::read(dir.path().join("1").join(f)).unwrap()
                == std::fs::read(dir.path().join("2").join(f)).unwrap(),
            "{f} differs"
        );
    }
    for f in RUN_FILES {
        assert!(dir.path().join("1").join(f).exists(), "{f} missing");
    }
}
