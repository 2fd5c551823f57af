//! `[orgs]`: how organisations are generated: count, users, the deployment mix and deployment
//! changes, agreements, domains, and the cohorts that enable each provider.

use super::super::dist::Distribution;
use super::super::key::KeyPath;
use super::super::model::{
    Cohort, DeploymentChange, DeploymentId, MAX_DEPLOYMENTS, OrgSpec, ProviderId,
};
use super::super::raw::{RawCohort, RawOrgs};
use super::check::{SUM_TOLERANCE, Validator, kp, number};
use crate::day::Window;

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

/// Checks the rest of `[orgs]`, against the deployment kinds and the providers. Each part is a
/// step of its own, called in the order its problems are reported.
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
    let deployment_mix = deployment_mix(v, o, deployment_names);
    let (agreement_term_years, agreement_start) = agreement(v, o);
    let (domains_per_org, first_domain_added, extra_domains_added) = domains(v, o);
    let enable = enable(v, o, provider_names);
    let deployment_changes = deployment_changes(v, o, deployment_names);

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

/// `deployments`: each kind's share of organisations at the start, summing to 1.
fn deployment_mix(
    v: &mut Validator,
    o: &RawOrgs,
    deployment_names: &[(String, DeploymentId)],
) -> Vec<(DeploymentId, f64)> {
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
    deployment_mix
}

/// `[orgs.agreement]`: the term in years (capped at [`MAX_TERM_YEARS`]) and the window the
/// agreements start in.
fn agreement(v: &mut Validator, o: &RawOrgs) -> (Distribution, Window) {
    let mut term_years = v.dist(
        kp!("orgs", "agreement", "term_years"),
        &o.agreement.term_years,
        "agreement term",
    );
    let longest = term_years.largest();
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
    term_years.max = Some(
        term_years
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
    let start = v.draw_window(
        &apath,
        o.agreement.start.from,
        o.agreement.start.until,
        "agreement.start",
    );
    (term_years, start)
}

/// `[orgs.domains]`: domains per organisation, and the windows the first and the extra domains
/// are added in (the extra ones in the first's window unless given).
fn domains(v: &mut Validator, o: &RawOrgs) -> (Distribution, Window, Window) {
    let dpath = kp!("orgs", "domains");
    let per_org = match &o.domains.per_org {
        Some(d) => v.dist(dpath.join("per_org".into()), d, "domains per organisation"),
        None => Distribution::fixed(1.0),
    };
    let first = o.domains.first_added.unwrap_or_default();
    let first_added = v.draw_window(
        &dpath.join("first_added".into()),
        first.from,
        first.until,
        "first_added",
    );
    let extra_added = match o.domains.extra_added {
        Some(w) => v.draw_window(
            &dpath.join("extra_added".into()),
            w.from,
            w.until,
            "extra_added",
        ),
        None => first_added,
    };
    (per_org, first_added, extra_added)
}

/// `[orgs.providers]`: the cohorts enabling each provider, indexed by provider; a provider's
/// shares may not sum above 1.
fn enable(
    v: &mut Validator,
    o: &RawOrgs,
    provider_names: &[(String, ProviderId)],
) -> Vec<Vec<Cohort>> {
    let mut enable = vec![Vec::new(); provider_names.len()];
    for (pid, cohorts) in &o.providers {
        let ppath = kp!("orgs", "providers", pid);
        let Some(pi) = v.lookup(ppath.clone(), pid, "provider", provider_names) else {
            continue;
        };
        let mut total = 0.0;
        for (i, c) in cohorts.iter().enumerate() {
            let cohort = cohort(v, &ppath.join(i.into()), c, pi, provider_names);
            total += cohort.share;
            enable[pi as usize].push(cohort);
        }
        if total > 1.0 + SUM_TOLERANCE {
            v.err(
                ppath,
                format!("the enable cohorts' shares sum to {total}, more than 1"),
            );
        }
    }
    enable
}

/// One cohort enabling provider `pi`, at `cpath`; `among` must name another provider.
fn cohort(
    v: &mut Validator,
    cpath: &KeyPath,
    c: &RawCohort,
    pi: ProviderId,
    provider_names: &[(String, ProviderId)],
) -> Cohort {
    let share = v.share(cpath.join("share".into()), c.share);
    let window = v.draw_window(cpath, c.from, c.until, "an enable cohort");
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
    Cohort {
        share,
        among,
        window,
    }
}

/// `[[orgs.deployment_changes]]`: the changes whose two deployment kinds resolved and differ.
fn deployment_changes(
    v: &mut Validator,
    o: &RawOrgs,
    deployment_names: &[(String, DeploymentId)],
) -> Vec<DeploymentChange> {
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
    deployment_changes
}
