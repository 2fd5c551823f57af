//! `[orgs]`: how organisations are generated: count, users, the deployment mix and deployment
//! changes, agreements, domains, and the cohorts that enable each provider.

use super::super::dist::Distribution;
use super::super::model::{
    Cohort, DeploymentChange, DeploymentId, MAX_DEPLOYMENTS, OrgSpec, ProviderId,
};
use super::super::raw::RawOrgs;
use super::check::{SUM_TOLERANCE, Validator, kp, number};

/// Longest agreement term, in years: longer than any scenario can be from any agreement start
/// (dates are years 0 to 9999), and short enough that renewal dates stay representable.
const MAX_TERM_YEARS: f64 = 10_000.0;

/// The deployment kinds: the initial mix, then the targets of deployment changes, in order of
/// first mention. Checked before `[providers]`, whose `reaches` items name them.
pub(super) fn deployments(v: &mut Validator, o: &RawOrgs) -> Vec<String> {
    let mut deployments: Vec<String> = Vec::new();
    for id in o.deployments.keys() {
        v.identifier(kp!("orgs", "deployments", id), id, "deployment");
        deployments.push(id.clone());
    }
    for (i, c) in o.deployment_changes.iter().enumerate() {
        if !deployments.contains(&c.to) {
            v.identifier(
                kp!("orgs", "deployment_changes", i, "to"),
                &c.to,
                "deployment",
            );
            deployments.push(c.to.clone());
        }
    }
    if deployments.len() > MAX_DEPLOYMENTS {
        v.err(
            kp!("orgs", "deployments"),
            format!("at most {MAX_DEPLOYMENTS} deployment kinds are supported"),
        );
    }
    deployments
}

/// Each deployment kind's name and index, for names to be resolved against.
pub(super) fn deployment_names(deployments: &[String]) -> Vec<(String, DeploymentId)> {
    deployments
        .iter()
        .enumerate()
        .map(|(i, d)| (d.clone(), i as DeploymentId))
        .collect()
}

/// Checks the rest of `[orgs]`, against the deployment kinds and the providers.
pub(super) fn orgs(
    v: &mut Validator,
    o: &RawOrgs,
    deployment_names: &[(String, DeploymentId)],
    provider_names: &[(String, ProviderId)],
) -> OrgSpec {
    if !(1..=u32::MAX as i64).contains(&o.count) {
        v.err(
            kp!("orgs", "count"),
            format!("count {} must be from 1 to {}", o.count, u32::MAX),
        );
    }
    let users = v.dist(kp!("orgs", "users"), &o.users, "users per organisation");
    let mut deployment_mix = Vec::new();
    for (id, share) in &o.deployments {
        let s = v.share(kp!("orgs", "deployments", id), *share);
        if let Some(d) = deployment_names.iter().find(|(n, _)| n == id) {
            deployment_mix.push((d.1, s));
        }
    }
    if o.deployments.is_empty() {
        v.err(
            kp!("orgs", "deployments"),
            "give the deployment mix, e.g. deployments = { server = 0.9, online = 0.1 }",
        );
    } else {
        v.sums_to_one(
            kp!("orgs", "deployments"),
            o.deployments.values().copied(),
            "deployment",
        );
    }
    let mut agreement_term_years = v.dist(
        kp!("orgs", "agreement", "term_years"),
        &o.agreement.term_years,
        "agreement term",
    );
    let longest = agreement_term_years.largest();
    if longest.is_finite() && longest.round() > MAX_TERM_YEARS {
        v.err(
            kp!("orgs", "agreement", "term_years"),
            format!(
                "a term of {} years is too long; terms are from 1 to {MAX_TERM_YEARS} years",
                number(longest)
            ),
        );
    }
    // An unbounded distribution's rare long draws are capped: a term past the last day of any
    // scenario renews nothing, whatever its length.
    agreement_term_years.max = Some(
        agreement_term_years
            .max
            .map_or(MAX_TERM_YEARS, |m| m.min(MAX_TERM_YEARS)),
    );
    let apath = kp!("orgs", "agreement", "start");
    if o.agreement.start.from.is_none() || o.agreement.start.until.is_none() {
        v.err(
            apath.clone(),
            "give both `from` and `until`: agreement starts are drawn uniformly between them",
        );
    }
    let agreement_start = v.draw_window(
        &apath,
        o.agreement.start.from,
        o.agreement.start.until,
        "agreement.start",
    );
    let dpath = kp!("orgs", "domains");
    let domains_per_org = match &o.domains.per_org {
        Some(d) => v.dist(dpath.join("per_org".into()), d, "domains per organisation"),
        None => Distribution::fixed(1.0),
    };
    let first = o.domains.first_added.unwrap_or_default();
    let first_domain_added = v.draw_window(
        &dpath.join("first_added".into()),
        first.from,
        first.until,
        "first_added",
    );
    let extra_domains_added = match o.domains.extra_added {
        Some(w) => v.draw_window(
            &dpath.join("extra_added".into()),
            w.from,
            w.until,
            "extra_added",
        ),
        None => first_domain_added,
    };
    let mut enable = vec![Vec::new(); provider_names.len()];
    for (pid, cohorts) in &o.providers {
        let ppath = kp!("orgs", "providers", pid);
        let Some(pi) = v.lookup(ppath.clone(), pid, "provider", provider_names) else {
            continue;
        };
        let mut total = 0.0;
        for (i, c) in cohorts.iter().enumerate() {
            let cpath = ppath.join(i.into());
            let share = v.share(cpath.join("share".into()), c.share);
            total += share;
            let window = v.draw_window(&cpath, c.from, c.until, "an enable cohort");
            let among = match &c.among {
                Some(a) => {
                    let found = v.lookup(cpath.join("among".into()), a, "provider", provider_names);
                    if found == Some(pi) {
                        v.err(
                            cpath.join("among".into()),
                            "a cohort cannot be among the organisations of its own provider",
                        );
                    }
                    found
                }
                None => None,
            };
            enable[pi as usize].push(Cohort {
                share,
                among,
                window,
            });
        }
        if total > 1.0 + SUM_TOLERANCE {
            v.err(
                ppath,
                format!("the enable cohorts' shares sum to {total}, more than 1"),
            );
        }
    }
    let mut deployment_changes = Vec::new();
    for (i, c) in o.deployment_changes.iter().enumerate() {
        let cpath = kp!("orgs", "deployment_changes", i);
        let from = v.lookup(
            cpath.join("from".into()),
            &c.from,
            "deployment",
            deployment_names,
        );
        let to = v.lookup(
            cpath.join("to".into()),
            &c.to,
            "deployment",
            deployment_names,
        );
        let share = v.share(cpath.join("share".into()), c.share);
        if c.window.from.is_none() {
            v.err(
                cpath.join("window".into()).join("from".into()),
                "a deployment change needs window.from",
            );
        }
        let window = v.draw_window(
            &cpath.join("window".into()),
            c.window.from,
            c.window.until,
            "the window",
        );
        if from.is_some() && from == to {
            v.err(
                cpath.join("to".into()),
                "a deployment change must go to another deployment",
            );
        }
        if let (Some(from), Some(to)) = (from, to) {
            deployment_changes.push(DeploymentChange {
                from,
                to,
                share,
                window,
            });
        }
    }

    OrgSpec {
        count: u32::try_from(o.count).unwrap_or(1),
        users,
        deployment_mix,
        agreement_term_years,
        agreement_start,
        domains_per_org,
        first_domain_added,
        extra_domains_added,
        enable,
        deployment_changes,
    }
}
