//! Imported contact lists end to end: refusal of bad rows, `--skip-bad-rows`, `rejected.csv`,
//! `user_impact.csv`, pseudonyms, and the population export.

use crate::cli::{RUN_FILES, picsim};
use crate::support::{all_text, stderr_of};
use std::path::Path;

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
fn the_export_quotes_an_imported_name_as_rfc_4180_does() {
    // An organisation named with a comma and quotes must stay one field: quoted, its quotes
    // doubled (RFC 4180), so any CSV reader gets the name back whole.
    let dir = tempfile::tempdir().unwrap();
    let name = r#"Contoso, Ltd "EU""#;
    let contacts = "user,contact,org,domain,network\n\
         user1@contoso.example,a.sample@hotmail.com,\"Contoso, Ltd \"\"EU\"\"\",contoso.example,\n";
    let s = imported(dir.path(), "scenarios/my-org.toml", contacts, None);
    let out = dir.path().join("world");
    picsim()
        .args(["population"])
        .arg(&s)
        .arg("--export")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("orgs.csv")).unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(
        row.starts_with(r#"0,"Contoso, Ltd ""EU""",server,"#),
        "{row}"
    );
    let mut r = csv::Reader::from_path(out.join("orgs.csv")).unwrap();
    let headers = r.headers().unwrap().len();
    let record = r.records().next().unwrap().unwrap();
    assert_eq!((record.len(), &record[1]), (headers, name));
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

/// A scenario in `dir` importing `contacts` (extending `base`), with the edge list `edges` as its
/// graph when given; returns its path.
fn imported(dir: &Path, base: &str, contacts: &str, edges: Option<&[u8]>) -> std::path::PathBuf {
    let mut text =
        "[scenario]\nreplications = 1\n[population.import]\ncontacts = \"contacts.csv\"\n"
            .to_string();
    std::fs::write(dir.join("contacts.csv"), contacts).unwrap();
    if let Some(edges) = edges {
        std::fs::write(dir.join("edges.csv"), edges).unwrap();
        text.push_str("[population.graph]\nkind = \"file\"\nfile = \"edges.csv\"\n");
    }
    crate::support::extending(dir, base, &text)
}

/// `validate`'s stdout and stderr, and whether it succeeded.
fn validate(s: &Path) -> (bool, String) {
    let o = picsim().arg("validate").arg(s).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    (o.status.success(), text)
}

const GOOD: &str = "user,contact,org,domain,network\nu1@contoso.example,ann@hotmail.com,Contoso,contoso.example,\nu1@contoso.example,bob@hotmail.com,Contoso,contoso.example,\n";

#[test]
fn contact_list_header_and_cell_problems_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    // A repeated header column is an error on line 1, not a column silently dropped.
    let s = imported(
        dir.path(),
        "scenarios/my-org.toml",
        "user,user,contact\nu1@contoso.example,u2@contoso.example,ann@hotmail.com\n",
        None,
    );
    let (ok, text) = validate(&s);
    assert!(
        !ok && text.contains("line 1: column `user` is given twice (columns 1 and 2)"),
        "{text}"
    );
    // No header: the first line's addresses are not printed.
    std::fs::write(
        dir.path().join("contacts.csv"),
        "u1@contoso.example,ann@hotmail.com\n",
    )
    .unwrap();
    let (ok, text) = validate(&s);
    assert!(
        !ok && text.contains("line 1: the header must name the columns user and contact"),
        "{text}"
    );
    assert!(
        text.contains("no header row") && !text.contains("ann@"),
        "{text}"
    );
    // A NUL byte in an address and nothing before the @ are bad rows, with their lines.
    let list = format!(
        "{GOOD}u1@contoso.example,carol\0@hotmail.com,Contoso,contoso.example,\nu1@contoso.example,@hotmail.com,Contoso,contoso.example,\n"
    );
    std::fs::write(dir.path().join("contacts.csv"), list).unwrap();
    let (ok, text) = validate(&s);
    assert!(ok, "bad rows are a warning for validate: {text}");
    assert!(
        text.contains("contacts.csv:4: column `contact` holds a control character"),
        "{text}"
    );
    assert!(
        text.contains("contacts.csv:5: the contact is an address with nothing before the @"),
        "{text}"
    );
    let out = dir.path().join("out");
    picsim()
        .args(["run", "--skip-bad-rows", "--quiet", "--reveal-addresses"])
        .arg(&s)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let impact = std::fs::read_to_string(out.join("user_impact.csv")).unwrap();
    assert!(
        !impact.contains('\0') && !impact.contains(",@hotmail"),
        "{impact}"
    );
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(
        rejected.starts_with("line,reason,user,contact,org,domain,network\n4,"),
        "{rejected}"
    );
}

#[test]
fn validate_refuses_every_edge_list_line_run_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let edges = b"ann@hotmail.com,bob@hotmail.com\n0,-1\n0,1.5\n0,0x10\n0\0,1\n0,11111111111111111111\n0,1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111\n";
    let s = imported(dir.path(), "scenarios/wlm-bass.toml", GOOD, Some(edges));
    let (ok, text) = validate(&s);
    assert!(!ok, "{text}");
    for line in 2..=7 {
        assert!(
            text.contains(&format!("edges.csv:{line}:")),
            "line {line} not named:\n{text}"
        );
    }
    assert!(
        text.contains("edges.csv:2: field 2: not a person id"),
        "{text}"
    );
    assert!(!text.contains("add [population.graph]"), "{text}");
    // Lines that read well but name persons the population does not have.
    std::fs::write(
        dir.path().join("edges.csv"),
        "ann@hotmail.com,bob@hotmail.com\n0,70\ncarol@hotmail.com,0\n",
    )
    .unwrap();
    let (ok, text) = validate(&s);
    assert!(!ok, "{text}");
    assert!(
        text.contains("edges.csv:2: person 70 does not exist (persons are 0 to 3)"),
        "{text}"
    );
    assert!(
        text.contains("edges.csv:3: the address is not a contact"),
        "{text}"
    );
    // The graph is there: no second error asking for one.
    assert!(!text.contains("add [population.graph]"), "{text}");
    assert!(!text.contains("carol@"), "{text}");
    // A Latin-1 line is named.
    std::fs::write(dir.path().join("edges.csv"), b"0,1\nb\xe9a@hotmail.com,0\n").unwrap();
    let (ok, text) = validate(&s);
    assert!(
        !ok && text.contains("edges.csv:2: not valid UTF-8"),
        "{text}"
    );
    // A generated population has no addresses: refused by validate, with the line.
    // (It replaces the imported scenario, which is not used again.)
    let generated = crate::support::extending(
        dir.path(),
        "scenarios/wlm-bass.toml",
        "[orgs]\ncount = 5\n[population.graph]\nkind = \"file\"\nfile = \"edges.csv\"\n",
    );
    std::fs::write(dir.path().join("edges.csv"), "0,1\nann@hotmail.com,2\n").unwrap();
    let (ok, text) = validate(&generated);
    assert!(
        !ok && text.contains("edges.csv:2: persons are named by address"),
        "{text}"
    );
}

#[test]
fn a_word_of_mouth_graph_with_no_edge_is_refused() {
    for edges in [
        &b""[..],
        b"source,target\n",
        b"0,0\nann@hotmail.com,ann@hotmail.com\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let s = imported(dir.path(), "scenarios/wlm-bass.toml", GOOD, Some(edges));
        let (ok, text) = validate(&s);
        assert!(!ok && text.contains("no contagion can happen"), "{text}");
        assert!(text.contains("migrations.0.q"), "{text}");
    }
}

/// Runs `picsim import FILE --to TO --force` in `dir` (relative paths are `dir`'s).
fn import_to(dir: &Path, file: &str, to: &str) -> assert_cmd::assert::Assert {
    picsim()
        .current_dir(dir)
        .args(["import", file, "--to", to, "--force"])
        .assert()
}

#[test]
fn import_to_never_replaces_the_file_it_reads_however_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    let list = "user,contact\nu1@contoso.example,ann.secret@hotmail.com\n";
    std::fs::write(d.join("in.csv"), list).unwrap();
    std::os::unix::fs::symlink(d.join("in.csv"), d.join("link.csv")).unwrap();
    std::fs::hard_link(d.join("in.csv"), d.join("hard.csv")).unwrap();
    let absolute = d.join("in.csv").display().to_string();
    for to in [
        "in.csv",
        "sub/../in.csv",
        &absolute,
        "link.csv",
        "hard.csv",
        ".",
    ] {
        let err = stderr_of(&import_to(d, "in.csv", to).code(1));
        assert!(
            err.contains(&format!("'{to}' (--to)"))
                && err.contains("the file being imported")
                && err.contains("with --force or without"),
            "{to}: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("in.csv")).unwrap(),
            list,
            "{to}"
        );
    }
    // Nor a file of the scenario it is classified by.
    let s = crate::support::extending(d, "scenarios/pic-2013.toml", "");
    let err = stderr_of(
        &picsim()
            .current_dir(d)
            .args(["import", "in.csv", "--force", "--scenario"])
            .arg(&s)
            .arg("--to")
            .arg(&s)
            .assert()
            .code(1),
    );
    assert!(err.contains("is the scenario"), "{err}");
    // Elsewhere it is written, and with --force replaced.
    import_to(d, "in.csv", "sub/out.csv").success();
    import_to(d, "in.csv", "sub/out.csv").success();
    assert!(
        std::fs::read_to_string(d.join("sub/out.csv"))
            .unwrap()
            .starts_with("user,contact,network,org,domain\nu1@contoso.example,c")
    );
}
