//! `sign_in` migration against its closed form.
//!
//! A person of activity class λ whose rollout day is r migrates on r + ⌈T⌉, T ~ Exp(λ), so
//! P(migrated by day d) = 1 − e^(−λ(d − r)) for r ≤ d and 0 before. With rollout days uniform over
//! the window and classes in their shares, the migrated share on day d is the mean over classes and
//! rollout days r ≤ d of 1 − e^(−λ(d − r)). Each day's simulated share of N persons is a binomial
//! proportion with sd sqrt(F(1 − F)/N); we allow 5 sd (plus 1e-9), over every day of the run.

use picsim::scenario::load_str;

const SCENARIO: &str = r#"
[scenario]
name = "sign-in"
start = 2013-04-01
end = 2013-08-31
seed = 77
replications = 1

[networks.wlm]
until = 2013-04-30
capabilities = [{ modalities = ["im"] }]

[networks.skype]
capabilities = [{ modalities = ["im"] }]

[[migrations]]
from = "wlm"
to = "skype"
trigger = "sign_in"
window = { from = 2013-04-08, until = 2013-04-17 }

[orgs]
count = 100
users = 100
deployments = { server = 1.0 }
agreement = { term_years = 1, start = { from = 2010-01-01, until = 2010-01-01 } }

[population]
contacts_per_user = 0
network_mix = { wlm = 1.0 }
persons_per_user = { wlm = 20.0, skype = 0.0 }

[[population.activity]]
class = "daily"
share = 0.4
mean_days_between_sign_ins = 1.0

[[population.activity]]
class = "weekly"
share = 0.3
mean_days_between_sign_ins = 7.0

[[population.activity]]
class = "monthly"
share = 0.2
mean_days_between_sign_ins = 30.0

[[population.activity]]
class = "dormant"
share = 0.1
dormant = true
"#;

#[test]
fn migrated_share_matches_the_closed_form() {
    let s = load_str(SCENARIO, "sign-in.toml", &[], None).unwrap_or_else(|e| panic!("{e}"));
    let r = picsim::run::run(&s, 1, &|_| {}).unwrap();
    let n = r.sizes.persons as f64;
    assert_eq!(r.sizes.persons, 200_000);
    let migrated = r.column("migrated_wlm_to_skype").unwrap();
    let stranded = r.column("stranded_wlm_to_skype").unwrap();
    let cal = s.calendar();
    let (r0, r1) = (
        cal.day(chrono::NaiveDate::from_ymd_opt(2013, 4, 8).unwrap()),
        cal.day(chrono::NaiveDate::from_ymd_opt(2013, 4, 17).unwrap()),
    );
    let classes: Vec<(f64, f64)> = s
        .population
        .activity
        .iter()
        .map(|a| (a.share, a.sign_in_rate))
        .collect();
    let until = s.networks[0].window.until;
    for (row, &d) in r.report_days.iter().enumerate() {
        let closed: f64 = classes
            .iter()
            .map(|&(share, lambda)| {
                let per_rollout: f64 = (r0..=r1)
                    .filter(|&rd| rd <= d)
                    .map(|rd| 1.0 - (-lambda * f64::from(d - rd)).exp())
                    .sum();
                share * per_rollout / f64::from(r1 - r0 + 1)
            })
            .sum();
        let simulated = r.series[0][row * r.columns.len() + migrated] as f64 / n;
        let sd = (closed * (1.0 - closed) / n).sqrt();
        assert!(
            (simulated - closed).abs() <= 5.0 * sd + 1e-9,
            "{}: migrated share {simulated:.5}, closed form {closed:.5} (5 sd = {:.5})",
            r.dates[row],
            5.0 * sd
        );
        // Stranded: the rest of the population, once Messenger is gone.
        let st = r.series[0][row * r.columns.len() + stranded] as f64;
        let expected = if d > until { n - simulated * n } else { 0.0 };
        assert!(
            (st - expected).abs() < 0.5,
            "{}: stranded {st}, expected {expected}",
            r.dates[row]
        );
    }
    // Dormant persons never migrate: at the end about 10 % remain, and the rest nearly all went.
    let last = r.series[0][(r.dates.len() - 1) * r.columns.len() + migrated] as f64 / n;
    assert!(last < 0.9 + 5.0 * (0.09 / n).sqrt());
}
