//! Scenario validation: every error names the file, line and column, the key, the problem and
//! what would be accepted.

use picsim::scenario::{Override, load_file, load_str};
use std::path::Path;

fn default_text() -> String {
    std::fs::read_to_string("scenarios/pic-2013.toml").expect("the default scenario is readable")
}

/// Loads the default scenario with `from` replaced by `to` (exactly once) and returns the error.
fn error_after(from: &str, to: &str) -> String {
    let text = default_text();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in pic-2013.toml"
    );
    let broken = text.replacen(from, to, 1);
    match load_str(&broken, "broken.toml", &[], Some(Path::new("scenarios"))) {
        Ok(_) => panic!("`{to}` should not validate"),
        Err(e) => e.to_string(),
    }
}

/// The 1-based line of the first line containing `needle` in the edited default.
fn line_of(from: &str, to: &str, needle: &str) -> usize {
    default_text()
        .replacen(from, to, 1)
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn the_shipped_scenarios_validate() {
    for f in [
        "pic-2013.toml",
        "no-skype-connectivity.toml",
        "aim-direct.toml",
    ] {
        load_file(&Path::new("scenarios").join(f), &[]).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

#[test]
fn unknown_key_is_located_and_the_nearest_key_suggested() {
    let e = error_after("mean_days = 30", "mean_dayz = 30");
    let line = line_of("mean_days = 30", "mean_dayz = 30", "mean_dayz");
    assert!(e.starts_with(&format!("broken.toml:{line}:")), "{e}");
    assert!(e.contains("behaviours.recovery.mean_dayz"), "{e}");
    assert!(e.contains("did you mean `mean_days`?"), "{e}");
}

#[test]
fn unknown_trigger_suggests_the_right_one() {
    let e = error_after("trigger = \"sign_in\"", "trigger = \"signin\"");
    assert!(e.contains("migrations.0.trigger"), "{e}");
    assert!(e.contains("did you mean `sign_in`?"), "{e}");
}

#[test]
fn wrong_type() {
    let e = error_after("count = 2500", "count = \"many\"");
    assert!(e.contains("orgs.count"), "{e}");
    assert!(e.contains("invalid type"), "{e}");
}

#[test]
fn date_that_does_not_parse() {
    let e = error_after("sale_until = 2012-08-31", "sale_until = \"2012-08-32\"");
    let line = line_of(
        "sale_until = 2012-08-31",
        "sale_until = \"2012-08-32\"",
        "sale_until",
    );
    assert!(e.starts_with(&format!("broken.toml:{line}:")), "{e}");
    assert!(
        e.contains("providers.yahoo.sale_until") && e.contains("YYYY-MM-DD"),
        "{e}"
    );
}

#[test]
fn window_from_after_until() {
    let e = error_after(
        "window = { from = 2013-04-08, until = 2013-04-30 }",
        "window = { from = 2013-05-08, until = 2013-04-30 }",
    );
    assert!(e.contains("migrations.0.window.from"), "{e}");
    assert!(e.contains("after until"), "{e}");
}

#[test]
fn share_outside_0_1_and_mix_not_summing_to_one() {
    let e = error_after("probability = 0.5", "probability = 1.5");
    assert!(
        e.contains("behaviours.recovery.probability") && e.contains("from 0 to 1"),
        "{e}"
    );
    let e = error_after("yahoo = 0.20 }", "yahoo = 0.25 }");
    assert!(
        e.contains("population.network_mix") && e.contains("sum to 1.05"),
        "{e}"
    );
}

#[test]
fn unknown_network_in_a_migration_or_mix() {
    let e = error_after("to = \"skype\"", "to = \"skyp\"");
    assert!(
        e.contains("migrations.0.to")
            && e.contains("unknown network `skyp`")
            && e.contains("did you mean `skype`?"),
        "{e}"
    );
    let line = line_of("to = \"skype\"", "to = \"skyp\"", "to = \"skyp\"");
    assert!(e.contains(&format!(":{line}:")), "{e}");
}

#[test]
fn end_before_start_and_zero_replications() {
    let e = error_after("end = 2014-12-31", "end = 2011-12-31");
    assert!(
        e.contains("scenario.end") && e.contains("before start"),
        "{e}"
    );
    let e = error_after("replications = 12", "replications = 0");
    assert!(e.contains("scenario.replications"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = default_text()
        .replacen("probability = 0.5", "probability = 2", 1)
        .replacen("mean_days = 30", "mean_days = -3", 1);
    let e = load_str(&text, "two.toml", &[], Some(Path::new("scenarios"))).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
}

#[test]
fn overrides_are_validated_and_named() {
    let e = load_file(
        Path::new("scenarios/pic-2013.toml"),
        &[Override::parse("behaviours.recovery.probability=3").unwrap()],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("set by --set behaviours.recovery.probability=3"),
        "{e}"
    );
    let e = load_file(
        Path::new("scenarios/pic-2013.toml"),
        &[Override::parse("migrations.4.trigger=sign_in").unwrap()],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("out of range"), "{e}");
    // A valid override changes the scenario.
    let s = load_file(
        Path::new("scenarios/pic-2013.toml"),
        &[Override::parse("migrations.0.window.from=2013-04-10").unwrap()],
    )
    .unwrap();
    assert_eq!(
        s.effective["migrations"][0]["window"]["from"].to_string(),
        "2013-04-10"
    );
}

#[test]
fn errors_in_an_extended_file_point_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("child.toml");
    let parent = std::fs::canonicalize("scenarios/pic-2013.toml").unwrap();
    std::fs::write(&child, format!("extends = {:?}\n[scenario]\nname = \"child\"\n[behaviours.recovery]\nprobability = 7\n", parent.display().to_string())).unwrap();
    let e = load_file(&child, &[]).unwrap_err().to_string();
    assert!(
        e.contains("child.toml:5:1: behaviours.recovery.probability"),
        "{e}"
    );
    // A key only the parent has is located in the parent.
    std::fs::write(
        &child,
        format!(
            "extends = {:?}\n[scenario]\nname = \"child\"\nend = 2011-01-01\n",
            parent.display().to_string()
        ),
    )
    .unwrap();
    let e = load_file(&child, &[]).unwrap_err().to_string();
    assert!(e.contains("child.toml:4:1: scenario.end"), "{e}");
}

#[test]
fn bad_toml_syntax_is_located() {
    let e = load_str(
        "[scenario]\nname = \"x\nstart = 2012-01-01\n",
        "syntax.toml",
        &[],
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("syntax.toml:2:") && e.contains("not valid TOML"),
        "{e}"
    );
}

fn child_of_default(dir: &Path, body: &str) -> std::path::PathBuf {
    let child = dir.join("child.toml");
    let parent = std::fs::canonicalize("scenarios/pic-2013.toml").unwrap();
    std::fs::write(
        &child,
        format!(
            "extends = {:?}\n[scenario]\nname = \"child\"\n{body}",
            parent.display().to_string()
        ),
    )
    .unwrap();
    child
}

#[test]
fn a_child_file_replaces_values_whole_and_merges_sections() {
    let dir = tempfile::tempdir().unwrap();
    // A distribution of another kind replaces the parent's (no leftover `median`).
    let child = child_of_default(
        dir.path(),
        "[orgs]\nusers = { dist = \"uniform\", low = 5, high = 10 }\n",
    );
    let s = load_file(&child, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.orgs.count, 2500, "the rest of [orgs] is inherited");
    assert!(matches!(
        s.orgs.users.shape,
        picsim::scenario::dist::Shape::Uniform { .. }
    ));
    // A mix replaces the parent's mix (shares must sum to 1 on their own).
    let child = child_of_default(dir.path(), "[population]\nnetwork_mix = { wlm = 1.0 }\n");
    let s = load_file(&child, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.population.network_mix, vec![1.0, 0.0, 0.0, 0.0]);
    // A window replaces the parent's window: `until` is not inherited.
    let child = child_of_default(
        dir.path(),
        "[[migrations]]\nfrom = \"wlm\"\nto = \"skype\"\ntrigger = \"sign_in\"\nwindow = { from = 2013-04-08 }\n",
    );
    let s = load_file(&child, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.migrations.len(), 1);
    let picsim::scenario::Trigger::SignIn { rollout } = s.migrations[0].trigger else {
        panic!()
    };
    assert_eq!(rollout.from, rollout.until);
    // A section (a network) merges key by key: only `until` changes.
    let child = child_of_default(dir.path(), "[networks.wlm]\nuntil = 2013-05-31\n");
    let s = load_file(&child, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.networks[0].domains.len(), 6);
    assert_eq!(
        s.calendar().date(s.networks[0].window.until).to_string(),
        "2013-05-31"
    );
}

#[test]
fn an_error_in_a_list_the_child_replaced_points_into_the_child() {
    let dir = tempfile::tempdir().unwrap();
    let child = child_of_default(
        dir.path(),
        "[orgs.providers]\nmsn = [{ share = 0.5 }, { share = 0.7, from = 2013-06-01 }]\n",
    );
    let e = load_file(&child, &[]).unwrap_err().to_string();
    assert!(
        e.contains("child.toml:") && e.contains("orgs.providers.msn"),
        "{e}"
    );
}

#[test]
fn a_malformed_override_is_a_usage_error() {
    let out = crate::cli::picsim()
        .args(["validate", "scenarios/pic-2013.toml", "--set", "nonsense"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("key.path=value"), "{stderr}");
}

#[test]
fn extends_loops_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("self.toml");
    std::fs::write(&f, "extends = \"./self.toml\"\n").unwrap();
    let e = load_file(&f, &[]).unwrap_err().to_string();
    assert!(e.contains("makes a loop"), "{e}");
}

#[test]
fn sensitivity_and_sweep_keys_are_one_key_however_spelled() {
    let dir = tempfile::tempdir().unwrap();
    // A child's nested table drops and replaces the parent's quoted keys, and keeps the others.
    let child = child_of_default(
        dir.path(),
        "[sensitivity.providers.aol]\nuntil = []\n[sensitivity.orgs.agreement]\nterm_years = [2, 4]\n",
    );
    let s = load_file(&child, &[]).unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<&str> = s.sensitivity.iter().map(|e| e.key.as_str()).collect();
    assert!(!keys.contains(&"providers.aol.until"), "{keys:?}");
    assert!(keys.contains(&"providers.yahoo.until"), "{keys:?}");
    let term = s
        .sensitivity
        .iter()
        .find(|e| e.key == "orgs.agreement.term_years")
        .unwrap();
    assert_eq!(
        (term.low.as_integer(), term.high.as_integer()),
        (Some(2), Some(4))
    );
    assert_eq!(
        keys.len(),
        load_file(Path::new("scenarios/pic-2013.toml"), &[])
            .unwrap()
            .sensitivity
            .len()
            - 1
    );
    // One file spelling a key twice is refused, naming the file and the key.
    let twice = dir.path().join("twice.toml");
    let default = std::fs::read_to_string("scenarios/pic-2013.toml").unwrap();
    std::fs::write(
        &twice,
        format!("{default}\n[sweep]\n\"orgs.count\" = [10, 20]\norgs.count = [30]\n"),
    )
    .unwrap();
    let e = load_file(&twice, &[]).unwrap_err().to_string();
    assert!(
        e.contains("twice.toml") && e.contains("sweep.orgs.count") && e.contains("given twice"),
        "{e}"
    );
}

/// Runs `picsim validate FILE`, expects it to refuse the file, and returns its stderr.
fn validate_refuses(file: &Path) -> String {
    let out = crate::cli::picsim()
        .arg("validate")
        .arg(file)
        .assert()
        .code(1);
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

#[test]
fn validate_checks_sweep_and_sensitivity_entries_as_the_commands_would() {
    let dir = tempfile::tempdir().unwrap();
    let typo = child_of_default(dir.path(), "[sweep]\n\"orgs.cuont\" = [10, 20]\n");
    let stderr = validate_refuses(&typo);
    assert!(
        stderr.contains("child.toml") && stderr.contains("orgs.cuont"),
        "{stderr}"
    );
    // A value that is only invalid once set: a recovery probability of 2.
    let bad = child_of_default(
        dir.path(),
        "[sensitivity]\n\"behaviours.recovery.probability\" = [0.1, 2.0]\n",
    );
    let stderr = validate_refuses(&bad);
    assert!(
        stderr.contains("behaviours.recovery.probability") && stderr.contains("[sensitivity]"),
        "{stderr}"
    );
    // The same file with a good high value passes.
    let good = child_of_default(
        dir.path(),
        "[sensitivity]\n\"behaviours.recovery.probability\" = [0.1, 0.9]\n",
    );
    crate::cli::picsim()
        .arg("validate")
        .arg(&good)
        .assert()
        .code(0);
}

#[test]
fn an_override_of_a_sweep_key_replaces_the_files_entry() {
    let dir = tempfile::tempdir().unwrap();
    let child = child_of_default(dir.path(), "[sweep]\n\"orgs.count\" = [10, 20]\n");
    let set = Override::parse("sweep.orgs.count=[30]").unwrap();
    let s = load_file(&child, &[set]).unwrap_or_else(|e| panic!("{e}"));
    let counts: Vec<_> = s.sweep.iter().filter(|(k, _)| k == "orgs.count").collect();
    assert_eq!(counts.len(), 1, "{:?}", s.sweep);
    assert_eq!(counts[0].1, vec![toml::Value::Integer(30)]);
}

/// Loads the default scenario with one `--set` override and returns the error.
fn error_with(set: &str) -> String {
    let o = Override::parse(set).unwrap();
    match load_file(Path::new("scenarios/pic-2013.toml"), &[o]) {
        Ok(_) => panic!("--set {set} should not validate"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn integers_are_checked_against_their_real_range_before_narrowing() {
    // 2^32 and 2^32 + 1 used to become a step of 0 (a panic in run) and of 1.
    for step in ["4294967296", "4294967297", "0", "-3"] {
        let e = error_with(&format!("scenario.step_days={step}"));
        assert!(
            e.contains("scenario.step_days") && e.contains("must be from 1 to 73000"),
            "{e}"
        );
    }
    let e = error_with("orgs.count=10000000000");
    assert!(e.contains("must be from 1 to 4294967295"), "{e}");
    let e = error_with("scenario.replications=4294967296");
    assert!(e.contains("must be from 1 to 1000000"), "{e}");
}

#[test]
fn nan_and_infinity_are_refused_at_their_line_wherever_they_are() {
    let dir = tempfile::tempdir().unwrap();
    // Each body line 4 of child.toml holds the non-finite number.
    for (body, key) in [
        (
            "[orgs.domains]\nper_org = { dist = \"choice\", values = [1, nan], weights = [1, 1] }\n",
            "orgs.domains.per_org.values.1",
        ),
        (
            "[orgs.domains]\nper_org = { dist = \"choice\", values = [1, 2], weights = [inf, 1] }\n",
            "orgs.domains.per_org.weights.0",
        ),
        (
            "[orgs.agreement]\nterm_years = inf\n",
            "orgs.agreement.term_years",
        ),
        ("[orgs.domains]\nper_org = -inf\n", "orgs.domains.per_org"),
        (
            "[sensitivity]\n\"orgs.agreement.term_years\" = [1, nan]\n",
            "sensitivity.orgs.agreement.term_years.1",
        ),
    ] {
        let child = child_of_default(dir.path(), body);
        let e = load_file(&child, &[]).unwrap_err().to_string();
        assert!(
            e.contains("child.toml:5:") && e.contains(key) && e.contains("finite"),
            "{body}: {e}"
        );
    }
    // From the command line too.
    let e = error_with("providers.yahoo.usl_price_per_user_year=nan");
    assert!(e.contains("finite"), "{e}");
}

#[test]
fn numbers_too_large_to_mean_anything_are_refused() {
    // A term of 1e300 years made renewal dates unrepresentable (a run that never ended).
    let e = error_with("orgs.agreement.term_years=1e300");
    assert!(e.contains("terms are from 1 to 10000 years"), "{e}");
    assert!(e.contains("1e300"), "huge numbers are shown short: {e}");
    let e = error_with(
        "orgs.agreement.term_years={dist=\"choice\",values=[1,2],weights=[1e308,1e308]}",
    );
    assert!(e.contains("sum to a finite number"), "{e}");
    let e = error_with("providers.yahoo.usl_price_per_user_year=1e308");
    assert!(e.contains("give at most 1e12"), "{e}");
}

#[test]
fn several_errors_are_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let child = child_of_default(
        dir.path(),
        "step_dayz = 2\n[orgs]\ncuont = 3\n[providers.msn]\nuntil = \"soon\"\n",
    );
    let e = load_file(&child, &[]).unwrap_err().to_string();
    for (line, key) in [
        (4, "scenario.step_dayz"),
        (6, "orgs.cuont"),
        (8, "providers.msn.until"),
    ] {
        assert!(
            e.lines()
                .any(|l| l.starts_with(&format!("{}:{line}:", child.display())) && l.contains(key)),
            "{key} at line {line}: {e}"
        );
    }
    assert_eq!(e.lines().count(), 3, "{e}");
}

#[test]
fn a_missing_table_is_reported_with_a_position() {
    // A complete [scenario] and nothing else: the missing tables are not in the file at all.
    let text = "[scenario]\nname = \"x\"\nstart = 2013-01-01\nend = 2013-02-01\n";
    let e = match load_str(text, "bare.toml", &[], None) {
        Ok(_) => panic!("a file without networks should not validate"),
        Err(e) => e.to_string(),
    };
    assert!(e.starts_with("bare.toml:"), "{e}");
    assert!(
        e.split(':')
            .nth(1)
            .is_some_and(|l| l.parse::<usize>().is_ok()),
        "a line number: {e}"
    );
}

#[test]
fn experiment_errors_point_at_the_entry_that_set_the_value() {
    let dir = tempfile::tempdir().unwrap();
    // Line 5: the entry whose high value (2) is not a share, in a file named once.
    let bad = child_of_default(
        dir.path(),
        "[sensitivity]\n\"behaviours.recovery.probability\" = [0.1, 2.0]\n",
    );
    let stderr = validate_refuses(&bad);
    let name = bad.display().to_string();
    assert!(stderr.contains(&format!("{name}:5:")), "{stderr}");
    assert_eq!(stderr.matches("child.toml").count(), 1, "{stderr}");
    // A key that names nothing: at its line; every such key listed, not only the first.
    let typo = child_of_default(
        dir.path(),
        "[sensitivity]\n\"providers.msn.reaches.7.from\" = [2013-01-01, 2013-02-01]\norgs.cuont = [1, 2]\n",
    );
    let stderr = validate_refuses(&typo);
    assert!(
        stderr.contains(&format!("{}:5:", typo.display())) && stderr.contains("no item 7"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:6:", typo.display())) && stderr.contains("orgs.cuont"),
        "{stderr}"
    );
    // A sweep: every bad value, each at its own position in the list.
    let sweep = child_of_default(
        dir.path(),
        "[sweep]\n\"behaviours.recovery.probability\" = [0.5, 3, 4]\n",
    );
    let stderr = validate_refuses(&sweep);
    for col in [43, 46] {
        assert!(
            stderr.contains(&format!("{}:5:{col}:", sweep.display())),
            "value at column {col}: {stderr}"
        );
    }
}

#[test]
fn unreadable_files_and_bad_extends_are_reported_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    // Latin-1 "é" on line 3, column 6.
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"[scenario]\nname = \"x\"\n# caf\xe9\n").unwrap();
    let e = load_file(&latin1, &[]).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{}:3:6:", latin1.display())) && e.contains("UTF-8"),
        "{e}"
    );
    for (text, problem) in [
        ("\n\nextends = 3\n", "must be a file path"),
        ("\n\nextends = \"missing.toml\"\n", "missing.toml"),
        ("\n\nextends = \"self.toml\"\n", "makes a loop"),
    ] {
        let f = dir.path().join("self.toml");
        std::fs::write(&f, text).unwrap();
        let e = load_file(&f, &[]).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}:3:1: extends:", f.display())) && e.contains(problem),
            "{e}"
        );
    }
}

#[test]
fn an_output_folder_that_cannot_be_made_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let child = child_of_default(
        dir.path(),
        &format!(
            "[output]\ndir = {:?}\n",
            file.join("out").display().to_string()
        ),
    );
    let stderr = validate_refuses(&child);
    assert!(
        stderr.contains(&format!("{}:5:1: output.dir:", child.display()))
            && stderr.contains("is not a folder"),
        "{stderr}"
    );
}

#[test]
fn a_contact_list_with_no_usable_row_lists_its_refused_rows_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("c.csv");
    std::fs::write(
        &list,
        "user,contact\nu1@contoso.example,\nu2@contoso.example,x,y\n",
    )
    .unwrap();
    let s = crate::support::extending(
        dir.path(),
        "scenarios/my-org.toml",
        "[population.import]\ncontacts = \"c.csv\"\n",
    );
    let stderr = validate_refuses(&s);
    let name = list.display().to_string();
    assert!(
        stderr.contains("has no usable row (2 refused)")
            && stderr.contains(&format!("{name}:2:"))
            && stderr.contains(&format!("{name}:3:")),
        "{stderr}"
    );
}
