//! Sweeps, comparisons, sensitivity analyses and the 2012–2025 scenario, end to end.

use crate::cli::{picsim, run_small};
use std::path::Path;

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|_| panic!("{} missing", p.display()))
}

#[test]
fn sweep_runs_match_separate_runs_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep");
    picsim()
        .args([
            "sweep",
            "scenarios/pic-2013.toml",
            "--vary",
            "behaviours.recovery.probability=0,0.5,1",
            "--set",
            "orgs.count=120",
            "--replications",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(&sweep)
        .assert()
        .success();
    for f in ["compare.csv", "runs.csv", "report.html"] {
        assert!(sweep.join(f).exists(), "{f} missing");
    }
    let runs = std::fs::read_to_string(sweep.join("runs.csv")).unwrap();
    assert_eq!(
        runs,
        "run,behaviours.recovery.probability\nrun-001,0\nrun-002,0.5\nrun-003,1\n"
    );
    let pngs = std::fs::read_dir(&sweep)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("compare_")
        })
        .count();
    assert!(pngs >= 3, "comparison charts: {pngs}");
    for (i, p) in ["0", "0.5", "1"].iter().enumerate() {
        let single = dir.path().join(format!("single-{i}"));
        run_small(
            &single,
            120,
            &[
                "--replications",
                "3",
                "--set",
                &format!("behaviours.recovery.probability={p}"),
            ],
        )
        .success();
        for f in ["series.csv", "summary.csv", "orgs.csv"] {
            let a = read(&sweep.join(format!("run-{:03}", i + 1)).join(f));
            let b = read(&single.join(f));
            assert!(
                a == b,
                "run-{:03}/{f} differs from the separate run with probability {p}",
                i + 1
            );
        }
    }
    // compare.csv: run, the swept key, then the summary columns; every run on every row date.
    let cmp = std::fs::read_to_string(sweep.join("compare.csv")).unwrap();
    assert!(cmp.starts_with("run,behaviours.recovery.probability,date,metric,mean,p05,p50,p95\nrun-001,0,2012-07-01,entries,"));
    // More recovery cannot leave fewer contacts reachable at the end (same seeds: common random
    // numbers make the runs comparable draw for draw).
    let end_reachable = |run: &str| -> f64 {
        cmp.lines()
            .filter(|l| l.starts_with(run) && l.contains(",2014-12-31,reachable_im,"))
            .map(|l| l.split(',').nth(4).unwrap().parse::<f64>().unwrap())
            .next()
            .unwrap()
    };
    assert!(
        end_reachable("run-001") <= end_reachable("run-002")
            && end_reachable("run-002") <= end_reachable("run-003")
    );
}

#[test]
fn a_sweep_needs_existing_keys() {
    let a = picsim()
        .args([
            "sweep",
            "scenarios/pic-2013.toml",
            "--vary",
            "behaviours.recovery.probabilty=0,1",
            "--quiet",
            "--out",
            "/tmp/never-written",
        ])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("probabilty") && err.contains("not a key"),
        "{err}"
    );
    assert!(!Path::new("/tmp/never-written").exists());
}

#[test]
fn compare_works_on_matching_runs_and_refuses_mismatched_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (base, nosk, short) = (
        dir.path().join("base"),
        dir.path().join("nosk"),
        dir.path().join("short"),
    );
    run_small(&base, 100, &["--replications", "2"]).success();
    picsim()
        .args([
            "run",
            "scenarios/no-skype-connectivity.toml",
            "--set",
            "orgs.count=100",
            "--replications",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&nosk)
        .assert()
        .success();
    let out = dir.path().join("cmp");
    picsim()
        .args(["compare"])
        .arg(&base)
        .arg(&nosk)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let cmp = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(
        cmp.starts_with("run,date,metric,mean,p05,p50,p95\nbase,2012-07-01,entries,"),
        "{}",
        &cmp[..80]
    );
    assert!(
        cmp.contains("\nnosk,2014-12-31,reachable_skype,0.000000,"),
        "no Skype contact is reachable without connectivity"
    );
    assert!(out.join("report.html").exists() && out.join("compare_reachable_im.png").exists());
    // A run over another period is refused, naming both runs and their dates.
    run_small(
        &short,
        50,
        &["--replications", "1", "--set", "scenario.end=2013-12-31"],
    )
    .success();
    let err = compare_refused(&base, &short, &dir.path().join("bad"));
    assert!(
        err.contains("different dates")
            && err.contains("'base'")
            && err.contains("'short'")
            && err.contains("2013-12-31"),
        "{err}"
    );
    // A run with other metrics (another network) is refused too.
    let teams = dir.path().join("teams");
    picsim()
        .args([
            "run",
            "scenarios/lync-to-teams-2025.toml",
            "--set",
            "orgs.count=30",
            "--set",
            "scenario.end=2014-12-31",
            "--replications",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(&teams)
        .assert()
        .success();
    let err = compare_refused(&base, &teams, &dir.path().join("bad2"));
    assert!(
        err.contains("different metrics") && err.contains("reachable_teams_free"),
        "{err}"
    );
    assert!(!dir.path().join("bad").exists() && !dir.path().join("bad2").exists());
}

/// Runs `picsim compare A B --out OUT`, expects it to refuse (exit 1), and returns its stderr.
fn compare_refused(a: &std::path::Path, b: &std::path::Path, out: &std::path::Path) -> String {
    let refused = picsim()
        .arg("compare")
        .arg(a)
        .arg(b)
        .arg("--out")
        .arg(out)
        .assert()
        .code(1);
    String::from_utf8_lossy(&refused.get_output().stderr).to_string()
}

#[test]
fn sensitivity_writes_a_table_and_tornado_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sens");
    picsim()
        .args([
            "sensitivity",
            "scenarios/aim-direct.toml",
            "--set",
            "orgs.count=60",
            "--replications",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("parameter,low,high,figure,base,at_low,at_high,swing,label\n"));
    // Every parameter of the scenario appears for the end-of-run reachable share.
    let s = picsim::scenario::load_file(Path::new("scenarios/aim-direct.toml"), &[]).unwrap();
    for k in s.sensitivity.iter().map(|e| &e.key) {
        assert!(
            csv.contains(&format!("{k},")),
            "{k} missing from sensitivity.csv"
        );
    }
    // The share of AOL customers buying direct federation moves the share reachable after AOL
    // PIC ends, in the expected direction.
    let row = csv
        .lines()
        .find(|l| {
            l.starts_with("orgs.providers.aim_direct.0.share,")
                && l.contains(",reachable_share@2014-07-01,")
        })
        .expect("a row for aim_direct's share");
    let f: Vec<f64> = row
        .split(',')
        .skip(4)
        .take(4)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(f[1] < f[2], "more adopters keep more contacts: {row}");
    let tornadoes = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("tornado_")
        })
        .count();
    assert!(tornadoes >= 3, "{tornadoes} tornado charts");
    assert!(out.join("report.html").exists());
}

#[test]
fn the_2012_to_2025_scenario_shows_each_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("teams");
    picsim()
        .args([
            "run",
            "scenarios/lync-to-teams-2025.toml",
            "--set",
            "orgs.count=300",
            "--replications",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let mut mean = std::collections::HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        mean.insert(
            (rec[0].to_string(), rec[1].to_string()),
            rec[2].parse::<f64>().unwrap(),
        );
    }
    let m = |d: &str, metric: &str| {
        *mean
            .get(&(d.to_string(), metric.to_string()))
            .unwrap_or_else(|| panic!("{d} {metric}"))
    };
    // Messenger → Skype (2013), AOL and Yahoo! PIC (2014), AIM gone (2017).
    assert!(m("2013-04-07", "reachable_wlm") > 0.0 && m("2013-05-01", "reachable_wlm") == 0.0);
    assert!(m("2014-06-30", "reachable_aim") > 0.0 && m("2014-07-01", "reachable_yahoo") == 0.0);
    assert!(m("2017-12-16", "reachable_aim") == 0.0);
    // Skype video from 2014-12-05.
    assert!(m("2014-12-04", "reachable_video") < m("2014-12-05", "reachable_video"));
    // Teams interop from about June 2020: organisations served through it.
    assert!(
        m("2020-05-31", "orgs_teams_consumer") == 0.0
            && m("2021-06-01", "orgs_teams_consumer") > 0.0
    );
    // Skype for Business Online retired: no organisation reaches Skype through msn as Online.
    // Consumer Skype retired on 2025-05-05: its contacts move to Teams (free).
    assert!(m("2025-05-04", "reachable_skype") > 0.0 && m("2025-05-05", "reachable_skype") == 0.0);
    assert!(m("2025-05-05", "reachable_teams_free") > 0.0);
    assert!(m("2025-12-31", "migrated_skype_to_teams_free") > 0.0);
    for f in crate::cli::RUN_FILES {
        assert!(out.join(f).exists(), "{f} missing");
    }
}

/// Scenarios that differ only in which organisations enable one provider share every other
/// draw (common random numbers), so that a comparison shows the change, not sampling noise.
#[test]
fn scenarios_differing_in_one_provider_share_their_population() {
    let load = |file: &str| {
        let overrides = [
            picsim::scenario::Override::parse("orgs.count=300").unwrap(),
            picsim::scenario::Override::parse("scenario.replications=1").unwrap(),
        ];
        picsim::scenario::load_file(Path::new(file), &overrides).unwrap()
    };
    let base = load("scenarios/pic-2013.toml");
    let counterfactual = load("scenarios/no-skype-connectivity.toml");
    assert_ne!(base.orgs.enable, counterfactual.orgs.enable);
    let a = picsim::world::population::generate(&base, 0).unwrap();
    let b = picsim::world::population::generate(&counterfactual, 0).unwrap();
    assert_eq!(a.persons, b.persons);
    assert_eq!(a.chunks, b.chunks);
    let msn = base.providers.iter().position(|p| p.id == "msn").unwrap();
    let mut differ = 0;
    for (x, y) in a.orgs.iter().zip(&b.orgs) {
        assert_eq!(x.deployments, y.deployments);
        assert_eq!(x.agreement, y.agreement);
        for p in 0..base.providers.len() {
            if p != msn {
                assert_eq!(x.enable[p], y.enable[p], "provider {p} moved");
            }
        }
        differ += usize::from(x.enable[msn] != y.enable[msn]);
    }
    // The late Skype-connectivity cohort (10 % of organisations) exists only in the base.
    assert!((10..=60).contains(&differ), "{differ} organisations differ");
}

/// The 2012–2025 story marks each of its steps on the charts, including the ones that are not a
/// provider or network window: a `reaches` item ending (Skype for Business Online's retirement)
/// and organisations starting to move to Teams.
#[test]
fn lync_to_teams_marks_each_step() {
    let s = picsim::scenario::load_file(
        std::path::Path::new("scenarios/lync-to-teams-2025.toml"),
        &[],
    )
    .unwrap();
    let dates = s.key_dates();
    let at = |d: &str| {
        dates
            .iter()
            .find(|k| k.date.to_string() == d)
            .map(|k| k.label.clone())
            .unwrap_or_default()
    };
    for (date, needle) in [
        ("2013-04-08", "Windows Live Messenger → Skype begins"),
        ("2013-05-29", "reaches Skype (online)"),
        ("2014-07-01", "AOL PIC ends"),
        ("2014-12-05", "Skype +video"),
        ("2017-12-16", "AOL Instant Messenger gone"),
        ("2018-07-18", "Yahoo! Messenger gone"),
        ("2020-06-01", "Teams consumer interop opens"),
        ("2021-08-01", "no longer reaches Skype (online)"),
    ] {
        assert!(at(date).contains(needle), "{date}: {:?}", at(date));
    }
    assert!(
        dates
            .iter()
            .any(|k| k.label.contains("organisations start moving")),
        "{dates:?}"
    );
}

/// The lines of a command's table wider than `width` columns (the report's path may be).
fn wider_than(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("Report: ") && l.chars().count() > width)
        .map(str::to_string)
        .collect()
}

#[test]
fn compare_refuses_a_folder_given_twice_and_writes_to_a_default_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (base, other) = (dir.path().join("base"), dir.path().join("other"));
    run_small(&base, 40, &["--replications", "1"]).success();
    run_small(
        &other,
        40,
        &[
            "--replications",
            "1",
            "--set",
            "behaviours.recovery.probability=1",
        ],
    )
    .success();
    // The same folder, spelled two ways.
    let refused = picsim()
        .current_dir(dir.path())
        .args(["compare", "base", "./other/../base", "--quiet"])
        .assert()
        .code(1);
    let err = crate::support::stderr_of(&refused);
    assert!(
        err.contains("'base' and './other/../base' are the same folder") && err.contains("once"),
        "{err}"
    );
    assert!(!dir.path().join("output").exists());
    // No --out: output/compare-<first>-<last>, as sweeps write output/<name>-sweep.
    let done = picsim()
        .current_dir(dir.path())
        .env("COLUMNS", "80")
        .args(["compare", "base", "other"])
        .assert()
        .success();
    let out = dir.path().join("output/compare-base-other");
    assert!(out.join("report.html").exists() && out.join("compare.csv").exists());
    let table = crate::support::stdout_of(&done);
    assert!(wider_than(&table, 80).is_empty(), "{table}");
    // The share at the start is the same in both runs: listed once, not a column.
    assert!(
        table.contains(
            "The same in every run:\n  Contacts reachable on 2012-07-01 (start): 100.0 %"
        ),
        "{table}"
    );
}

#[test]
fn a_sweep_table_fits_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let done = picsim()
        .env("COLUMNS", "80")
        .args([
            "sweep",
            "scenarios/pic-2013.toml",
            "--vary",
            "behaviours.recovery.probability=0,1",
            "--set",
            "orgs.count=40",
            "--replications",
            "1",
            "--out",
        ])
        .arg(dir.path().join("sweep"))
        .assert()
        .success();
    let table = crate::support::stdout_of(&done);
    assert!(
        table.contains("run-001") && table.contains("run-002"),
        "{table}"
    );
    assert!(wider_than(&table, 80).is_empty(), "{table}");
    let html = std::fs::read_to_string(dir.path().join("sweep/report.html")).unwrap();
    // Columns are the figures that differ; the start share (100 % in both) is not one.
    let head = &html[html.find("<table class=\"runs\">").unwrap()..];
    let head = &head[..head.find("</thead>").unwrap()];
    assert!(!head.contains("(start)"), "{head}");
}

/// pic-2013 with its `[sensitivity]` table replaced by `table`.
fn with_sensitivity(dir: &Path, table: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string("scenarios/pic-2013.toml").unwrap();
    let at = text
        .find("\n[sensitivity]\n")
        .expect("pic-2013 has a [sensitivity] table");
    let path = dir.join("sens.toml");
    std::fs::write(&path, format!("{}\n[sensitivity]\n{table}", &text[..at])).unwrap();
    path
}

#[test]
fn sensitivity_labels_differing_fields_and_days_a_key_moves() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_sensitivity(
        dir.path(),
        r#""providers.aol.until" = { low = 2014-06-29, high = 2014-06-30, label = "Last day of AOL PIC" }
"orgs.providers.msn.0.share" = [0.5, 0.9]
"population.contacts_per_user" = [
  { dist = "negative_binomial", mean = 6, dispersion = 0.7, max = 600 },
  { dist = "negative_binomial", mean = 32, dispersion = 10, max = 400 },
]
"#,
    );
    let out = dir.path().join("sens");
    let done = picsim()
        .env("COLUMNS", "80")
        .arg("sensitivity")
        .arg(&file)
        .args(["--set", "orgs.count=40", "--replications", "1", "--out"])
        .arg(&out)
        .assert()
        .success();
    let table = crate::support::stdout_of(&done);
    assert!(wider_than(&table, 80).is_empty(), "{table}");
    // 2014-06-30 is AOL PIC's last day in the base run and its first day without it at the low
    // value: not measured there, and said so under that figure.
    let section = &table[table.find("Contacts reachable on 2014-06-30").unwrap()..];
    let section = &section[..section.find("\nContacts reachable on 2014-07-01").unwrap()];
    assert!(
        section.contains("(not measured for Last day of AOL PIC: it moves this day)"),
        "{table}"
    );
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("parameter,low,high,figure,base,at_low,at_high,swing,label\n"));
    let rows = |key: &str, figure: &str| {
        csv.lines()
            .filter(|l| l.starts_with(&format!("{key},")) && l.contains(&format!(",{figure},")))
            .count()
    };
    assert_eq!(
        rows("providers.aol.until", "reachable_share@2014-06-30"),
        0,
        "{csv}"
    );
    assert_eq!(
        rows("providers.aol.until", "reachable_share@2014-12-31"),
        1,
        "{csv}"
    );
    assert_eq!(
        rows("orgs.providers.msn.0.share", "reachable_share@2014-06-30"),
        1,
        "{csv}"
    );
    // Labels: the file's, and one derived from the key with the provider's display name.
    assert!(csv.contains(",Last day of AOL PIC\n"), "{csv}");
    assert!(csv.contains(
        ",\"Microsoft (Messenger, then Skype): share of organisations enabling it, cohort 1\"\n"
    ));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Not measured: Last day of AOL PIC. This key moves the day"));
    // Of the two distributions, only the fields that differ from the scenario's (mean 32,
    // dispersion 0.25, at most 400).
    assert!(
        html.contains("<code>mean 6, dispersion 0.7, max 600</code>"),
        "low value"
    );
    assert!(html.contains("<code>dispersion 10</code>"), "high value");
}

#[test]
fn a_labelled_sensitivity_entry_is_checked_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_sensitivity(
        dir.path(),
        "\"orgs.providers.msn.0.share\" = [0.5, 0.9]\n\"providers.aol.until\" = { low = 2014-06-29, hihg = 2014-06-30 }\n",
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().position(|l| l.contains("hihg")).unwrap() + 1;
    let refused = picsim().arg("validate").arg(&file).assert().code(1);
    let err = crate::support::stderr_of(&refused);
    assert!(
        err.contains(&format!("sens.toml:{line}"))
            && err.contains("providers.aol.until")
            && err.contains("unknown field `hihg`"),
        "{err}"
    );
}
