//! Invariants over random scenarios (proptest, fixed seed): whatever the parameters, counts obey
//! the identities and orderings `model.md` implies.

use picsim::scenario::{Override, Scenario, load_file};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use std::path::Path;

/// The default scenario, shrunk to a few dozen organisations, with the given overrides.
pub fn small_default(extra: &[String]) -> Scenario {
    let mut overrides = vec![
        Override::parse("orgs.count=40").unwrap(),
        Override::parse("scenario.replications=1").unwrap(),
    ];
    overrides.extend(extra.iter().map(|o| Override::parse(o).unwrap()));
    load_file(Path::new("scenarios/pic-2013.toml"), &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn check_invariants(s: &Scenario) -> Result<(), TestCaseError> {
    let r = picsim::run::run(s, 1, &|_| {}).unwrap();
    // Entries never disappear, so the entries added by contact adding (the engine's own tally)
    // are the growth of the `entries` series (the counters).
    {
        let entries = r.column("entries").unwrap();
        let first = r.series[0][entries];
        let last = r.series[0][(r.dates.len() - 1) * r.columns.len() + entries];
        prop_assert_eq!(
            (last - first) as u64,
            r.stats.entries_added,
            "entries added"
        );
    }
    let col = |name: &str| r.column(name).unwrap_or_else(|| panic!("column {name}"));
    let rows = r.dates.len();
    let v = |row: usize, name: &str| r.series[0][row * r.columns.len() + col(name)];
    let nets: Vec<String> = s
        .networks
        .iter()
        .map(|n| format!("reachable_{}", n.id))
        .collect();
    for row in 0..rows {
        let date = r.dates[row];
        let entries = v(row, "entries");
        let im = v(row, "reachable_im");
        let presence = v(row, "reachable_presence");
        let audio = v(row, "reachable_audio");
        let video = v(row, "reachable_video");
        prop_assert!(
            0 <= video && video <= audio && audio <= presence && presence <= im && im <= entries,
            "{date}: video {video} ≤ audio {audio} ≤ presence {presence} ≤ im {im} ≤ entries {entries}"
        );
        let by_network: i64 = nets.iter().map(|n| v(row, n)).sum();
        prop_assert_eq!(
            by_network,
            im,
            "{}: reachable per network sums to reachable_im",
            date
        );
        let buckets =
            im + v(row, "never_reachable") + v(row, "lost_account") + v(row, "lost_federation");
        prop_assert_eq!(
            buckets,
            entries,
            "{}: entries = reachable + never + lost_account + lost_federation",
            date
        );
        let users = v(row, "users");
        let some = v(row, "users_some_unreachable");
        let isolated = v(row, "users_isolated");
        let lost = v(row, "users_lost_some");
        prop_assert!(
            0 <= isolated && isolated <= some && some <= users,
            "{date}: isolated {isolated} ≤ some unreachable {some} ≤ users {users}"
        );
        prop_assert!(
            0 <= lost && lost <= some,
            "{date}: users_lost_some {lost} ≤ users_some_unreachable {some}"
        );
        for p in &s.providers {
            let orgs = v(row, &format!("orgs_{}", p.id));
            prop_assert!(0 <= orgs && orgs <= i64::from(s.orgs.count));
        }
        for m in &s.migrations {
            let stranded = v(row, &format!("stranded_{}", m.label));
            prop_assert!(stranded >= 0, "{date}: stranded {stranded}");
            if row > 0 {
                let now = v(row, &format!("migrated_{}", m.label));
                let before = v(row - 1, &format!("migrated_{}", m.label));
                prop_assert!(
                    now >= before,
                    "{date}: migrated fell from {before} to {now}"
                );
            }
        }
        if row > 0 {
            prop_assert!(
                entries >= v(row - 1, "entries"),
                "{date}: entries never disappear"
            );
        }
    }
    Ok(())
}

fn config() -> Config {
    Config {
        cases: 24,
        rng_seed: RngSeed::Fixed(20130408),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn counts_obey_the_model_identities(
        seed in 0u64..1_000_000,
        recovery in 0.0f64..=1.0,
        recovery_days in 0.0f64..60.0,
        follow in any::<bool>(),
        window_start in 0i64..400,
        window_len in 0i64..60,
        wlm_end in 0i64..600,
        aol_end in 100i64..900,
        adding_rate in 0.0f64..6.0,
        skype_ms in 0.0f64..=1.0,
        popularity in 0.0f64..0.9,
        all_networks in any::<bool>(),
        multi in 0.0f64..=1.0,
    ) {
        let day = |offset: i64| (chrono::NaiveDate::from_ymd_opt(2012, 7, 1).unwrap() + chrono::Duration::days(offset)).to_string();
        let overrides = vec![
            format!("scenario.seed={seed}"),
            format!("scenario.step_days=7"),
            format!("behaviours.recovery.probability={recovery}"),
            format!("behaviours.recovery.mean_days={recovery_days}"),
            format!("migrations.0.contacts_follow={follow}"),
            format!("migrations.0.window.from={}", day(window_start)),
            format!("migrations.0.window.until={}", day(window_start + window_len)),
            format!("networks.wlm.until={}", day(wlm_end)),
            format!("providers.aol.until={}", day(aol_end)),
            format!("behaviours.contact_adding.0.rate_per_user_year={adding_rate}"),
            format!("population.microsoft_account_share.skype={skype_ms}"),
            format!("population.popularity_exponent={popularity}"),
            format!("population.initial_contacts=\"{}\"", if all_networks { "all" } else { "served" }),
            format!("population.multi_homing.0.share={multi}"),
        ];
        check_invariants(&small_default(&overrides))?;
    }
}

/// The shipped default itself (shrunk) obeys them too.
#[test]
fn default_scenario_obeys_the_identities() {
    check_invariants(&small_default(&[])).unwrap();
}
