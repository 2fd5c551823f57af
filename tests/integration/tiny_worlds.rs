//! Tiny worlds whose every series value is worked out by hand in the test (see each test's
//! comments). Each world isolates one rule of `model.md`.

use crate::support::{World, date, scenario};
use picsim::day::Day;
use picsim::migration::{MigrationDays, NEVER};

/// AOL PIC ends after 2014-06-30. One organisation (AOL enabled), one user, two AIM contacts.
/// Both are reachable through 06-30 and lost to federation from 07-01; the user is then isolated.
#[test]
fn provider_end() {
    let s = scenario(
        r#"
[scenario]
name = "provider-end"
start = 2014-06-25
end = 2014-07-05
[networks.aim]
capabilities = [{ modalities = ["im", "presence"] }]
[providers.aol]
until = 2014-06-30
reaches = [{ network = "aim", deployments = ["server"] }]
"#,
        "aim",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("aol", None)]);
    let a = w.person("aim", &[], &[]);
    let b = w.person("aim", &[], &[]);
    w.user(o, 0, &[a, b]);
    let c = w.run(None);
    c.constant("entries", 2);
    for col in ["reachable_im", "reachable_presence", "reachable_aim"] {
        c.expect(col, &[("2014-06-25", 2), ("2014-07-01", 0)]);
    }
    c.constant("reachable_audio", 0);
    c.constant("reachable_video", 0);
    c.constant("never_reachable", 0);
    c.constant("lost_account", 0);
    c.expect("lost_federation", &[("2014-06-25", 0), ("2014-07-01", 2)]);
    c.constant("users", 1);
    for col in [
        "users_some_unreachable",
        "users_lost_some",
        "users_isolated",
    ] {
        c.expect(col, &[("2014-06-25", 0), ("2014-07-01", 1)]);
    }
    c.expect("orgs_aol", &[("2014-06-25", 1), ("2014-07-01", 0)]);
    let org = &c.counts.orgs[0];
    assert_eq!(org.share_first, Some(1.0));
    assert_eq!(org.share_last, Some(0.0));
    assert_eq!(org.lowest, Some((0.0, w.day("2014-07-01"))));
    assert_eq!(org.last_served, vec![Some(w.day("2014-06-30"))]);
    // Both losses are permanent (a provider window ended), nothing to recover through.
    assert_eq!(c.counts.stats.permanent_losses, 2);
    assert_eq!(c.counts.stats.recoveries, 0);
}

/// Yahoo! PIC needs the PIC USL, sold through 2012-08-31.
/// - A: agreement from 2011-11-01, 1-year terms: the period covering 2012-08-31 runs to
///   2012-10-31; the renewal on 2012-11-01 began after the sale ended, so Yahoo! is lost then.
/// - B: agreement from 2012-07-01, 3-year terms: licensed through 2015-06-30, so served until the
///   provider ends (2014-06-30); credit = 10 × 2 users × 365 days / 365 = 20.
/// - C: enabled Yahoo! on 2012-09-15, after the sale ended: never licensed, never reachable.
#[test]
fn pic_usl_licence_lost_at_renewal_after_sale_end() {
    let s = scenario(
        r#"
[scenario]
name = "licence"
start = 2012-07-01
end = 2014-12-31
[networks.yahoo]
capabilities = [{ modalities = ["im", "presence"] }]
[providers.yahoo]
until = 2014-06-30
licence = "pic_usl"
sale_until = 2012-08-31
usl_price_per_user_year = 10.0
reaches = [{ network = "yahoo" }]
"#,
        "yahoo",
    );
    let mut w = World::new(s);
    let a = w.org("server", ("2011-11-01", 1), &[("yahoo", None)]);
    let b = w.org("server", ("2012-07-01", 3), &[("yahoo", None)]);
    let c_org = w.org(
        "server",
        ("2010-01-01", 3),
        &[("yahoo", Some("2012-09-15"))],
    );
    let pa = w.person("yahoo", &[], &[]);
    let pb = w.person("yahoo", &[], &[]);
    let pc = w.person("yahoo", &[], &[]);
    w.user(a, 0, &[pa]);
    w.user(b, 0, &[pb]);
    w.user(b, 0, &[]);
    w.user(c_org, 0, &[pc]);
    let c = w.run(None);
    c.constant("entries", 3);
    c.expect(
        "reachable_yahoo",
        &[("2012-07-01", 2), ("2012-11-01", 1), ("2014-07-01", 0)],
    );
    c.constant("never_reachable", 1);
    c.expect(
        "lost_federation",
        &[("2012-07-01", 0), ("2012-11-01", 1), ("2014-07-01", 2)],
    );
    c.expect(
        "orgs_yahoo",
        &[("2012-07-01", 2), ("2012-11-01", 1), ("2014-07-01", 0)],
    );
    c.constant("users", 4);
    c.expect(
        "users_isolated",
        &[("2012-07-01", 1), ("2012-11-01", 2), ("2014-07-01", 3)],
    );
    c.expect(
        "users_some_unreachable",
        &[("2012-07-01", 1), ("2012-11-01", 2), ("2014-07-01", 3)],
    );
    c.expect(
        "users_lost_some",
        &[("2012-07-01", 0), ("2012-11-01", 1), ("2014-07-01", 2)],
    );

    // orgs.csv figures: usl_until and usl_credit.
    let pop = w.build();
    let rows = picsim::run::summary::org_rows(&w.s, &w.s.calendar(), &pop.orgs, &c.counts.orgs);
    assert_eq!(rows[0].usl_until, vec![Some(date("2012-10-31"))]);
    assert_eq!(rows[1].usl_until, vec![Some(date("2015-06-30"))]);
    assert_eq!(rows[2].usl_until, vec![None]);
    assert_eq!(rows[0].usl_credit, vec![0.0]);
    assert!(
        (rows[1].usl_credit[0] - 20.0).abs() < 1e-9,
        "{:?}",
        rows[1].usl_credit
    );
    assert_eq!(rows[2].usl_credit, vec![0.0]);
    assert_eq!(
        c.counts.orgs[0].last_served,
        vec![Some(w.day("2012-10-31"))]
    );
    assert_eq!(
        c.counts.orgs[1].last_served,
        vec![Some(w.day("2014-06-30"))]
    );
    assert_eq!(c.counts.orgs[2].last_served, vec![None]);
}

/// AOL stopped provisioning domains after 2013-10-07 ("existing customers only").
/// Organisation X enabled AOL long ago; its domains: d0 (long ago), d1 (added 2013-11-01, after
/// the stop: not provisioned), d2 (added 2013-10-05: provisioned). Organisation Y enabled AOL on
/// 2013-12-01: max(add day, enable day) is after the stop, so not provisioned, although AOL serves
/// Y at organisation level from that day.
#[test]
fn domain_added_after_provisioning_stop() {
    let s = scenario(
        r#"
[scenario]
name = "provisioning"
start = 2013-10-01
end = 2013-12-31
[networks.aim]
capabilities = [{ modalities = ["im", "presence"] }]
[providers.aol]
provisioning_until = 2013-10-07
reaches = [{ network = "aim" }]
"#,
        "aim",
    );
    let mut w = World::new(s);
    let x = w.org("server", ("2010-01-01", 3), &[("aol", None)]);
    let d1 = w.domain(x, Some("2013-11-01"));
    let d2 = w.domain(x, Some("2013-10-05"));
    let y = w.org("server", ("2010-01-01", 3), &[("aol", Some("2013-12-01"))]);
    let p: Vec<u32> = (0..4).map(|_| w.person("aim", &[], &[])).collect();
    w.user(x, 0, &[p[0]]);
    w.user(x, d1, &[p[1]]);
    w.user(x, d2, &[p[2]]);
    w.user(y, 0, &[p[3]]);
    let c = w.run(None);
    c.constant("entries", 4);
    c.constant("reachable_im", 2);
    c.constant("never_reachable", 2);
    c.expect("orgs_aol", &[("2013-10-01", 1), ("2013-12-01", 2)]);
    c.constant("users_isolated", 2);
}

fn migration_world(follow: bool) -> World {
    let s = scenario(
        &format!(
            r#"
[scenario]
name = "migration"
start = 2013-04-01
end = 2013-04-20
[networks.a]
capabilities = [{{ modalities = ["im", "presence", "audio", "video"] }}]
[networks.b]
capabilities = [{{ modalities = ["im", "presence"] }}]
[providers.p]
reaches = [{{ network = "a" }}, {{ network = "b", requires_microsoft_account = true }}]
[[migrations]]
from = "a"
to = "b"
trigger = "scheduled"
at = 2013-04-10
contacts_follow = {follow}
"#
        ),
        "a",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("p", None)]);
    let p0 = w.person("a", &[], &[]);
    let p1 = w.person("a", &["b"], &[]);
    let p2 = w.person("b", &[], &[]);
    w.user(o, 0, &[p0, p1, p2]);
    w
}

/// a → b on 2013-04-10 with contacts following: entries on a resolve to the person's b account
/// from that day (created for p0, reused for p1), which becomes Microsoft-account linked, as b
/// requires. p2 (native b, not linked) is never reachable. b has no audio or video.
#[test]
fn migration_with_contacts_following() {
    let w = migration_world(true);
    let c = w.run(None);
    c.constant("entries", 3);
    c.constant("reachable_im", 2);
    c.constant("reachable_presence", 2);
    c.expect("reachable_audio", &[("2013-04-01", 2), ("2013-04-10", 0)]);
    c.expect("reachable_video", &[("2013-04-01", 2), ("2013-04-10", 0)]);
    c.expect("reachable_a", &[("2013-04-01", 2), ("2013-04-10", 0)]);
    c.expect("reachable_b", &[("2013-04-01", 0), ("2013-04-10", 2)]);
    c.constant("never_reachable", 1);
    c.constant("lost_account", 0);
    c.constant("lost_federation", 0);
    c.expect("migrated_a_to_b", &[("2013-04-01", 0), ("2013-04-10", 2)]);
    c.constant("stranded_a_to_b", 0);
    c.constant("users_some_unreachable", 1);
    c.constant("users_lost_some", 0);
    c.constant("users_isolated", 0);
}

/// The same without `contacts_follow`: entries stay on the inactive a accounts from 04-10
/// (lost_account; not a permanent loss, as network a is still available).
#[test]
fn migration_without_contacts_following() {
    let w = migration_world(false);
    let c = w.run(None);
    c.expect("reachable_im", &[("2013-04-01", 2), ("2013-04-10", 0)]);
    c.expect("reachable_a", &[("2013-04-01", 2), ("2013-04-10", 0)]);
    c.constant("reachable_b", 0);
    c.expect("lost_account", &[("2013-04-01", 0), ("2013-04-10", 2)]);
    c.constant("never_reachable", 1);
    c.expect("migrated_a_to_b", &[("2013-04-01", 0), ("2013-04-10", 2)]);
    c.expect("users_lost_some", &[("2013-04-01", 0), ("2013-04-10", 1)]);
    c.expect("users_isolated", &[("2013-04-01", 0), ("2013-04-10", 1)]);
    c.constant("users_some_unreachable", 1);
    assert_eq!(c.counts.stats.permanent_losses, 0);
}

fn stranded_world(recovery: &str) -> (World, MigrationDays) {
    let s = scenario(
        &format!(
            r#"
[scenario]
name = "stranded"
start = 2013-04-01
end = 2013-04-15
[networks.a]
until = 2013-04-05
capabilities = [{{ modalities = ["im", "presence"] }}]
[networks.b]
capabilities = [{{ modalities = ["im", "presence"] }}]
[providers.p]
reaches = [{{ network = "a" }}, {{ network = "b" }}]
[[migrations]]
from = "a"
to = "b"
trigger = "scheduled"
at = 2013-04-08
{recovery}
"#
        ),
        "a",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("p", None)]);
    let p0 = w.person("a", &[], &[]);
    let p1 = w.person("a", &["b"], &[]);
    w.user(o, 0, &[p0]);
    w.user(o, 0, &[p1]);
    // p0 signs in on 04-08, after a closed after 04-05; p1 never does (dormant).
    let days = MigrationDays::from_days(&w.build().persons, 1, &[w.day("2013-04-08"), NEVER]);
    (w, days)
}

/// Network a closes after 2013-04-05; p0 migrates on 04-08 (stranded 04-06 and 04-07), p1 never
/// (stranded to the end). p0's gap is temporary (a migration is due); p1's is a permanent loss, but
/// without recovery nothing happens.
#[test]
fn stranded_persons() {
    let (w, days) = stranded_world("");
    let c = w.run(Some(days));
    c.expect(
        "reachable_im",
        &[("2013-04-01", 2), ("2013-04-06", 0), ("2013-04-08", 1)],
    );
    c.expect("reachable_a", &[("2013-04-01", 2), ("2013-04-06", 0)]);
    c.expect("reachable_b", &[("2013-04-01", 0), ("2013-04-08", 1)]);
    c.expect(
        "lost_account",
        &[("2013-04-01", 0), ("2013-04-06", 2), ("2013-04-08", 1)],
    );
    c.expect(
        "stranded_a_to_b",
        &[("2013-04-01", 0), ("2013-04-06", 2), ("2013-04-08", 1)],
    );
    c.expect("migrated_a_to_b", &[("2013-04-01", 0), ("2013-04-08", 1)]);
    c.expect(
        "users_isolated",
        &[("2013-04-01", 0), ("2013-04-06", 2), ("2013-04-08", 1)],
    );
    assert_eq!(c.counts.stats.permanent_losses, 1);
    assert_eq!(c.counts.stats.recoveries, 0);
}

/// The same with recovery (probability 1, no delay): p1's permanent loss on 04-06 is re-pointed
/// the same day to p1's own b account, so p1's entry never shows as lost.
#[test]
fn stranded_dormant_person_recovered_through_another_account() {
    let (w, days) = stranded_world("[behaviours.recovery]\nprobability = 1.0\nmean_days = 0\n");
    let c = w.run(Some(days));
    c.expect(
        "reachable_im",
        &[("2013-04-01", 2), ("2013-04-06", 1), ("2013-04-08", 2)],
    );
    c.expect(
        "reachable_b",
        &[("2013-04-01", 0), ("2013-04-06", 1), ("2013-04-08", 2)],
    );
    c.expect(
        "lost_account",
        &[("2013-04-01", 0), ("2013-04-06", 1), ("2013-04-08", 0)],
    );
    // The person is still stranded: the entry moved, the person did not migrate.
    c.expect(
        "stranded_a_to_b",
        &[("2013-04-01", 0), ("2013-04-06", 2), ("2013-04-08", 1)],
    );
    assert_eq!(c.counts.stats.permanent_losses, 1);
    assert_eq!(c.counts.stats.recoveries, 1);
}

/// Network a gains audio and video on 2014-12-05. Organisation X reaches it through p (every
/// modality), Y through q, which carries only IM, presence and audio: Y's entry never gets video.
#[test]
fn capability_added_mid_run_and_provider_modalities() {
    let s = scenario(
        r#"
[scenario]
name = "capability"
start = 2014-12-01
end = 2014-12-10
[networks.a]
capabilities = [
  { modalities = ["im", "presence"] },
  { from = 2014-12-05, modalities = ["im", "presence", "audio", "video"] },
]
[providers.p]
reaches = [{ network = "a" }]
[providers.q]
modalities = ["im", "presence", "audio"]
reaches = [{ network = "a" }]
"#,
        "a",
    );
    let mut w = World::new(s);
    let x = w.org("server", ("2010-01-01", 3), &[("p", None)]);
    let y = w.org("server", ("2010-01-01", 3), &[("q", None)]);
    let p0 = w.person("a", &[], &[]);
    let p1 = w.person("a", &[], &[]);
    w.user(x, 0, &[p0]);
    w.user(y, 0, &[p1]);
    let c = w.run(None);
    c.constant("reachable_im", 2);
    c.constant("reachable_presence", 2);
    c.expect("reachable_audio", &[("2014-12-01", 0), ("2014-12-05", 2)]);
    c.expect("reachable_video", &[("2014-12-01", 0), ("2014-12-05", 1)]);
    c.constant("lost_federation", 0);
}

fn recovery_world(probability: f64) -> World {
    let s = scenario(
        &format!(
            r#"
[scenario]
name = "recovery"
start = 2014-06-25
end = 2014-07-05
[networks.aim]
capabilities = [{{ modalities = ["im", "presence"] }}]
[networks.wlm]
capabilities = [{{ modalities = ["im", "presence", "audio", "video"] }}]
[providers.aol]
until = 2014-06-30
reaches = [{{ network = "aim" }}]
[providers.msn]
reaches = [{{ network = "wlm" }}]
[behaviours.recovery]
probability = {probability}
mean_days = 0
"#
        ),
        "aim",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("aol", None), ("msn", None)]);
    let p0 = w.person("aim", &["wlm"], &[]);
    let p1 = w.person("aim", &[], &[]);
    w.user(o, 0, &[p0, p1]);
    w
}

/// AOL ends after 06-30. p0 also has a Messenger account: with recovery (probability 1, no delay)
/// the entry is re-pointed to it on 07-01 and stays reachable; p1 has no other account.
#[test]
fn recovery_through_another_account() {
    let c = recovery_world(1.0).run(None);
    c.expect("reachable_im", &[("2014-06-25", 2), ("2014-07-01", 1)]);
    c.expect("reachable_aim", &[("2014-06-25", 2), ("2014-07-01", 0)]);
    c.expect("reachable_wlm", &[("2014-06-25", 0), ("2014-07-01", 1)]);
    c.expect("reachable_video", &[("2014-06-25", 0), ("2014-07-01", 1)]);
    c.expect("lost_federation", &[("2014-06-25", 0), ("2014-07-01", 1)]);
    c.expect("users_lost_some", &[("2014-06-25", 0), ("2014-07-01", 1)]);
    c.constant("users_isolated", 0);
    assert_eq!(c.counts.stats.permanent_losses, 2);
    assert_eq!(c.counts.stats.recoveries, 1);
}

/// Probability 0: both entries are lost.
#[test]
fn no_recovery_with_probability_zero() {
    let c = recovery_world(0.0).run(None);
    c.expect("reachable_im", &[("2014-06-25", 2), ("2014-07-01", 0)]);
    c.expect("lost_federation", &[("2014-06-25", 0), ("2014-07-01", 2)]);
    assert_eq!(c.counts.stats.recoveries, 0);
}

/// Recovery delays: N persons on AIM with a Messenger account, AOL ends after 06-30; each loss is
/// re-pointed with probability p after ⌈Exp(mean)⌉ days, so k ≥ 1 days after the loss the
/// recovered share is p·(1 − e^(−k/mean)) (closed form). N = 20 000: the share's sd is below
/// 0.0036; we allow 5 sd.
#[test]
fn recovery_delays_follow_their_closed_form() {
    let (p, mean) = (0.5, 10.0);
    let s = scenario(
        &format!(
            r#"
[scenario]
name = "recovery-delays"
start = 2014-06-25
end = 2014-08-31
[networks.aim]
capabilities = [{{ modalities = ["im"] }}]
[networks.wlm]
capabilities = [{{ modalities = ["im"] }}]
[providers.aol]
until = 2014-06-30
reaches = [{{ network = "aim" }}]
[providers.msn]
reaches = [{{ network = "wlm" }}]
[behaviours.recovery]
probability = {p}
mean_days = {mean}
"#
        ),
        "aim",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("aol", None), ("msn", None)]);
    let n = 20_000;
    for _ in 0..n {
        let person = w.person("aim", &["wlm"], &[]);
        w.user(o, 0, &[person]);
    }
    let c = w.run(None);
    let wlm = c.series("reachable_wlm");
    let loss = w.day("2014-07-01");
    assert!(wlm[..=loss as usize].iter().all(|&v| v == 0));
    let sd = (0.25f64 / f64::from(n)).sqrt();
    for k in 1..=60 {
        let share = wlm[(loss + k) as usize] as f64 / f64::from(n);
        let expected = p * (1.0 - (-f64::from(k) / mean).exp());
        assert!(
            (share - expected).abs() < 5.0 * sd,
            "day +{k}: share {share}, closed form {expected}"
        );
    }
    // Every re-point is counted once: the entries on Messenger at the end.
    assert_eq!(c.counts.stats.recoveries, wlm[wlm.len() - 1] as u64);
    let _: Day = loss;
}

/// An organisation moving from `server` to `online` on 2013-06-01 loses Messenger (reached for
/// `server` only) and gains Skype (reached for both).
#[test]
fn deployment_change() {
    let s = scenario(
        r#"
[scenario]
name = "deployment"
start = 2013-05-25
end = 2013-06-05
[networks.wlm]
capabilities = [{ modalities = ["im"] }]
[networks.skype]
capabilities = [{ modalities = ["im"] }]
[providers.msn]
reaches = [{ network = "wlm", deployments = ["server"] }, { network = "skype", deployments = ["server", "online"] }]
"#,
        "wlm",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("msn", None)]);
    w.change_deployment(o, "2013-06-01", "online");
    let p0 = w.person("wlm", &[], &[]);
    let p1 = w.person("skype", &[], &[]);
    w.user(o, 0, &[p0, p1]);
    let c = w.run(None);
    c.expect("reachable_im", &[("2013-05-25", 2), ("2013-06-01", 1)]);
    c.expect("reachable_wlm", &[("2013-05-25", 1), ("2013-06-01", 0)]);
    c.constant("reachable_skype", 1);
    c.expect("lost_federation", &[("2013-05-25", 0), ("2013-06-01", 1)]);
    c.constant("orgs_msn", 1);
    assert_eq!(c.counts.stats.permanent_losses, 1);
}

/// Contact adding: N users of an organisation served for Skype from the start add contacts at
/// 2 per year; over the D − 1 days after the first served day each user's additions are Poisson
/// with mean 2·(D − 1)/365, so the total is Poisson with mean N·2·(D − 1)/365 (sd its square
/// root; we allow 5 sd). Every addition is a person with an active, Microsoft-linked Skype account.
#[test]
fn contact_adding_follows_its_rate() {
    let s = scenario(
        r#"
[scenario]
name = "adding"
start = 2013-06-01
end = 2014-05-31
[networks.skype]
capabilities = [{ modalities = ["im"] }]
[providers.msn]
reaches = [{ network = "skype", requires_microsoft_account = true }]
[[behaviours.contact_adding]]
provider = "msn"
network = "skype"
rate_per_user_year = 2.0
"#,
        "skype",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("msn", None)]);
    for _ in 0..2000 {
        w.person("skype", &[], &["skype"]);
    }
    for _ in 0..2000 {
        w.person("skype", &[], &[]);
    }
    let users = 3000;
    for _ in 0..users {
        w.user(o, 0, &[]);
    }
    let c = w.run(None);
    let days = w.day("2014-05-31") + 1;
    let mean = f64::from(users) * 2.0 * f64::from(days - 1) / 365.0;
    let added = c.counts.stats.entries_added as f64;
    assert!(
        (added - mean).abs() < 5.0 * mean.sqrt(),
        "{added} additions, expected {mean:.0}"
    );
    assert_eq!(c.counts.stats.additions_failed, 0);
    // All added entries are reachable (linked persons only) and appear in the counts.
    let entries = c.series("entries");
    assert_eq!(entries[0], 0);
    assert_eq!(entries[entries.len() - 1] as f64, added);
    assert_eq!(c.series("reachable_im"), entries);
}

/// An entry that was never reachable has nothing to lose: when its network closes, no recovery
/// re-points it, although the person has another, reachable account.
#[test]
fn never_reachable_entries_are_not_recovered() {
    let s = scenario(
        r#"
[scenario]
name = "never"
start = 2014-06-25
end = 2014-07-05
[networks.aim]
until = 2014-06-30
capabilities = [{ modalities = ["im"] }]
[networks.wlm]
capabilities = [{ modalities = ["im"] }]
[providers.aol]
reaches = [{ network = "aim" }]
[providers.msn]
reaches = [{ network = "wlm" }]
[behaviours.recovery]
probability = 1.0
mean_days = 0
"#,
        "aim",
    );
    let mut w = World::new(s);
    // The organisation never enabled AOL: the AIM entry is never reachable.
    let o = w.org("server", ("2010-01-01", 3), &[("msn", None)]);
    let p = w.person("aim", &["wlm"], &[]);
    w.user(o, 0, &[p]);
    let c = w.run(None);
    c.constant("reachable_im", 0);
    c.constant("never_reachable", 1);
    assert_eq!(c.counts.stats.permanent_losses, 0);
    assert_eq!(c.counts.stats.recoveries, 0);
}

/// `user_impact.csv` keeps an entry's first loss: lost when AOL ends (re-pointed the same day to
/// Messenger), lost again when Messenger's provider ends.
#[test]
fn the_first_loss_of_an_entry_is_kept() {
    let s = scenario(
        r#"
[scenario]
name = "twice"
start = 2014-06-25
end = 2014-07-15
[networks.aim]
capabilities = [{ modalities = ["im"] }]
[networks.wlm]
capabilities = [{ modalities = ["im"] }]
[providers.aol]
until = 2014-06-30
reaches = [{ network = "aim" }]
[providers.msn]
until = 2014-07-09
reaches = [{ network = "wlm" }]
[behaviours.recovery]
probability = 1.0
mean_days = 0
"#,
        "aim",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("aol", None), ("msn", None)]);
    let p = w.person("aim", &["wlm"], &[]);
    w.user(o, 0, &[p]);
    w.track_impacts = true;
    let c = w.run(None);
    c.expect("reachable_im", &[("2014-06-25", 1), ("2014-07-10", 0)]);
    c.expect("lost_federation", &[("2014-06-25", 0), ("2014-07-10", 1)]);
    let impact = c.counts.impacts[0].impact;
    assert_eq!(impact.first_lost, Some(w.day("2014-07-01")));
    assert_eq!(impact.recovered, Some(w.day("2014-07-01")));
    assert_eq!(
        impact.cause,
        Some(picsim::engine::LossCause::LostFederation)
    );
}

/// An organisation's shares on orgs.csv are reachable ÷ entries on the day. One organisation
/// with AOL and Yahoo! enabled, one user with two AIM contacts and one Yahoo! contact; AOL ends
/// after 2014-06-30, Yahoo! does not: 3/3 reachable at the start, 1/3 from 07-01 (the lowest,
/// first reached on 07-01) to the end. A second organisation whose only user has no contacts has
/// no share on any day (not 0, not NaN).
#[test]
fn organisation_shares_are_reachable_over_entries() {
    let s = scenario(
        r#"
[scenario]
name = "org-shares"
start = 2014-06-25
end = 2014-07-05
[networks.aim]
capabilities = [{ modalities = ["im", "presence"] }]
[networks.yahoo]
capabilities = [{ modalities = ["im", "presence"] }]
[providers.aol]
until = 2014-06-30
reaches = [{ network = "aim", deployments = ["server"] }]
[providers.yahoo]
reaches = [{ network = "yahoo", deployments = ["server"] }]
"#,
        "aim",
    );
    let mut w = World::new(s);
    let o = w.org(
        "server",
        ("2010-01-01", 3),
        &[("aol", None), ("yahoo", None)],
    );
    let a = w.person("aim", &[], &[]);
    let b = w.person("aim", &[], &[]);
    let y = w.person("yahoo", &[], &[]);
    w.user(o, 0, &[a, b, y]);
    let empty = w.org("server", ("2010-01-01", 3), &[("aol", None)]);
    w.user(empty, 0, &[]);
    let c = w.run(None);
    c.expect("reachable_im", &[("2014-06-25", 3), ("2014-07-01", 1)]);
    let org = &c.counts.orgs[0];
    assert_eq!(org.share_first, Some(1.0));
    assert_eq!(org.share_last, Some(1.0 / 3.0));
    assert_eq!(org.lowest, Some((1.0 / 3.0, w.day("2014-07-01"))));
    let none = &c.counts.orgs[1];
    assert_eq!(
        (none.share_first, none.share_last, none.lowest),
        (None, None, None)
    );
}

/// An account migrated onto again is active again. skype → yahoo without contacts following on
/// 2013-01-05, then aim → skype with contacts following on 2013-01-10, which reuses a skype
/// account the person left on 01-05. Person P (home skype, also aim) is on the list through
/// skype, Q (home aim, also skype) through aim; both migrate both times.
/// - P's entry: reachable 01-01..01-04; the skype account is inactive 01-05..01-09
///   (lost_account); active again from 01-10, so reachable again.
/// - Q's entry: reachable on aim 01-01..01-09; from 01-10 it resolves to skype, active again:
///   reachable (the chained case: Q's B → C day comes before the A → B day).
///
/// So reachable_im = 2, 1 (from 01-05), 2 (from 01-10); reachable_skype = 1, 0, 2;
/// reachable_aim = 1, then 0 from 01-10; lost_account = 0, 1, 0.
#[test]
fn an_account_migrated_onto_again_is_active_again() {
    let s = scenario(
        r#"
[scenario]
name = "back-again"
start = 2013-01-01
end = 2013-01-20
[networks.skype]
capabilities = [{ modalities = ["im"] }]
[networks.aim]
capabilities = [{ modalities = ["im"] }]
[networks.yahoo]
capabilities = [{ modalities = ["im"] }]
[providers.p]
reaches = [{ network = "skype" }, { network = "aim" }, { network = "yahoo" }]
[[migrations]]
from = "skype"
to = "yahoo"
trigger = "scheduled"
at = 2013-01-05
contacts_follow = false
[[migrations]]
from = "aim"
to = "skype"
trigger = "scheduled"
at = 2013-01-10
contacts_follow = true
"#,
        "skype",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("p", None)]);
    let p = w.person("skype", &["aim"], &[]);
    let q = w.person("aim", &["skype"], &[]);
    w.user(o, 0, &[p, q]);
    let c = w.run(None);
    c.constant("entries", 2);
    c.expect(
        "reachable_im",
        &[("2013-01-01", 2), ("2013-01-05", 1), ("2013-01-10", 2)],
    );
    c.expect(
        "reachable_skype",
        &[("2013-01-01", 1), ("2013-01-05", 0), ("2013-01-10", 2)],
    );
    c.expect("reachable_aim", &[("2013-01-01", 1), ("2013-01-10", 0)]);
    c.expect(
        "lost_account",
        &[("2013-01-01", 0), ("2013-01-05", 1), ("2013-01-10", 0)],
    );
    c.constant("lost_federation", 0);
    c.expect(
        "users_lost_some",
        &[("2013-01-01", 0), ("2013-01-05", 1), ("2013-01-10", 0)],
    );
    c.expect(
        "migrated_skype_to_yahoo",
        &[("2013-01-01", 0), ("2013-01-05", 2)],
    );
    c.expect(
        "migrated_aim_to_skype",
        &[("2013-01-01", 0), ("2013-01-10", 2)],
    );
}

/// A `pic_usl` provider without `sale_until` (always on sale), ending after 2013-01-10, at 36.5
/// per user-year; the filler's organisation enables it (hand-built worlds choose their own).
const USL_ALWAYS_ON_SALE: &str = r#"
[scenario]
name = "usl-always-on-sale"
start = 2012-12-01
end = 2013-01-31
[networks.yahoo]
capabilities = [{ modalities = ["im"] }]
[providers.yahoo]
until = 2013-01-10
licence = "pic_usl"
usl_price_per_user_year = 36.5
reaches = [{ network = "yahoo" }]
[orgs.providers]
yahoo = [{ share = 1.0 }]
"#;

/// `usl_credit` of a `pic_usl` provider without `sale_until`: always on sale, so the
/// organisation holds the licence on the provider's `until` (2013-01-10). Agreement from
/// 2012-01-01, 1-year terms: the period covering 2013-01-10 is 2013-01-01..=2013-12-31, 355 days
/// after `until`. One user at 36.5 per user-year: 36.5 × 1 × 355 / 365 = 35.50. `usl_until` stays
/// empty (no `sale_until`). An organisation whose agreement starts after `until` does not hold
/// the licence on that day: credit 0.
#[test]
fn usl_credit_without_sale_until() {
    let s = scenario(USL_ALWAYS_ON_SALE, "yahoo");
    let mut w = World::new(s);
    let o = w.org("server", ("2012-01-01", 1), &[("yahoo", None)]);
    let late = w.org("server", ("2013-01-11", 1), &[("yahoo", None)]);
    let p = w.person("yahoo", &[], &[]);
    w.user(o, 0, &[p]);
    w.user(late, 0, &[]);
    let c = w.run(None);
    c.expect("reachable_im", &[("2012-12-01", 1), ("2013-01-11", 0)]);
    let pop = w.build();
    let rows = picsim::run::summary::org_rows(&w.s, &w.s.calendar(), &pop.orgs, &c.counts.orgs);
    assert_eq!(rows[0].usl_until, vec![None]);
    assert!(
        (rows[0].usl_credit[0] - 35.5).abs() < 1e-9,
        "{:?}",
        rows[0].usl_credit
    );
    assert_eq!(rows[1].usl_credit, vec![0.0]);
}

/// The headline total of `usl_credit` covers a `pic_usl` provider without `sale_until` too. The
/// filler's one organisation (one user, agreement from 2010-01-01 in 1-year terms) enables the
/// provider: the period covering `until` = 2013-01-10 ends 2013-12-31, so the total is
/// 36.5 × 1 × 355 / 365 = 35.50.
#[test]
fn usl_credit_headline_without_sale_until() {
    let s = scenario(USL_ALWAYS_ON_SALE, "yahoo");
    let r = match picsim::run::run(&s, 1, &|_| {}) {
        Ok(r) => r,
        Err(e) => panic!("{e:#}"),
    };
    let total = picsim::run::report::headlines(&r)
        .into_iter()
        .find(|h| h.key == "usl_credit_yahoo")
        .map(|h| h.value);
    assert!(total.is_some_and(|v| (v - 35.5).abs() < 1e-9), "{total:?}");
}

/// A contact-adding behaviour's own window bounds its additions even where nothing else changes
/// on its edges. Both providers serve for the whole run; skype contacts are added only from
/// 2013-09-01, wlm contacts only through 2013-06-30, each at 2 per user-year. Additions come
/// ⌈x⌉ ≥ 1 days after an interval's first day, so skype's run over the 272 days 09-02..05-31:
/// Poisson with mean N·2·272/365, and wlm's over the 29 days 06-02..06-30: mean N·2·29/365
/// (5 sd allowed). None falls outside the windows.
#[test]
fn contact_adding_keeps_to_its_window() {
    let s = scenario(
        r#"
[scenario]
name = "adding-window"
start = 2013-06-01
end = 2014-05-31
[networks.skype]
capabilities = [{ modalities = ["im"] }]
[networks.wlm]
capabilities = [{ modalities = ["im"] }]
[providers.msn]
reaches = [{ network = "skype" }, { network = "wlm" }]
[[behaviours.contact_adding]]
provider = "msn"
network = "skype"
rate_per_user_year = 2.0
from = 2013-09-01
[[behaviours.contact_adding]]
provider = "msn"
network = "wlm"
rate_per_user_year = 2.0
until = 2013-06-30
"#,
        "skype",
    );
    let mut w = World::new(s);
    let o = w.org("server", ("2010-01-01", 3), &[("msn", None)]);
    for _ in 0..2000 {
        w.person("skype", &[], &[]);
    }
    for _ in 0..2000 {
        w.person("wlm", &[], &[]);
    }
    let users = 3000;
    for _ in 0..users {
        w.user(o, 0, &[]);
    }
    let c = w.run(None);
    let skype = c.series("reachable_skype");
    let wlm = c.series("reachable_wlm");
    let (from, until) = (w.day("2013-09-01") as usize, w.day("2013-06-30") as usize);
    assert!(
        skype[..=from].iter().all(|&v| v == 0),
        "skype before its window"
    );
    assert!(
        wlm[until..].iter().all(|&v| v == wlm[until]),
        "wlm after its window"
    );
    for (added, days) in [(skype[skype.len() - 1], 272.0), (wlm[until], 29.0)] {
        let mean = f64::from(users) * 2.0 * days / 365.0;
        assert!(
            (added as f64 - mean).abs() < 5.0 * mean.sqrt(),
            "{added} additions, expected {mean:.0}"
        );
    }
}

/// Each permanent loss re-points on its own: a second loss before the first loss's re-point is due
/// does not cancel it. 2,000 entries on aim (each person also on yahoo) lose aol's service on
/// 01-11 (loss 1), are served again 01-13 to 01-15 unless re-pointed by then, and lose it again
/// on 01-16 (loss 2); recovery always re-points to yahoo after ⌈Exp(10 days)⌉. An entry is not on
/// yahoo on a day t ≥ 01-16 only if neither re-point is due by t: with P(⌈Exp(m)⌉ > k) = e^(−k/m),
/// that is e^(−(t − 01-11)/10) · e^(−(t − 01-16)/10); on 01-26, e^(−1.5) · e^(−1) = e^(−2.5).
/// (Dropping the first re-point at the second loss would give e^(−0.4) · e^(−1) = e^(−1.4).)
#[test]
fn every_loss_re_points_on_its_own() {
    let s = scenario(
        r#"
[scenario]
name = "two-losses"
start = 2013-01-01
end = 2013-02-15
[networks.aim]
capabilities = [{ modalities = ["im"] }]
[networks.yahoo]
capabilities = [{ modalities = ["im"] }]
[providers.aol]
reaches = [{ network = "aim", until = 2013-01-10 }, { network = "aim", from = 2013-01-13, until = 2013-01-15 }]
[providers.yahoo]
reaches = [{ network = "yahoo" }]
[behaviours.recovery]
probability = 1.0
mean_days = 10
"#,
        "aim",
    );
    let mut w = World::new(s);
    let o = w.org(
        "server",
        ("2010-01-01", 3),
        &[("aol", None), ("yahoo", None)],
    );
    let n = 2000;
    for _ in 0..20 {
        let persons: Vec<u32> = (0..n / 20)
            .map(|_| w.person("aim", &["yahoo"], &[]))
            .collect();
        w.user(o, 0, &persons);
    }
    let c = w.run(None);
    let yahoo = c.series("reachable_yahoo");
    let on_yahoo = |day: &str| yahoo[w.day(day) as usize] as f64;
    let expected = |t: f64| f64::from(n) * (1.0 - (-(2.0 * t + 5.0) / 10.0).exp());
    for (day, t) in [
        ("2013-01-16", 0.0),
        ("2013-01-26", 10.0),
        ("2013-02-05", 20.0),
    ] {
        let mean = expected(t);
        let sd = (mean * (1.0 - mean / f64::from(n))).sqrt();
        let got = on_yahoo(day);
        assert!(
            (got - mean).abs() <= 5.0 * sd.max(1.0),
            "{day}: {got} on yahoo, expected {mean:.0} ± {sd:.0}"
        );
    }
}
