//! Population reuse: which jobs of a run of many scenarios may share one generated population,
//! the order that brings them together, and the bounded cache that holds the shared populations.
//!
//! Two jobs share a population when they have the same replication and their scenarios agree on
//! everything generation reads: the seed, the dates, the networks, the deployments, `[orgs]`,
//! `[population]` but the activity classes' sign-in rates (generation draws a person's class from
//! the shares only), the providers' ids (organisations' enable draws are keyed by them), and
//! which networks each organisation is served for on the first day (the initial contacts' mix,
//! from every provider's details). The first parts are compared as a SHA-256 of their `Debug`
//! text, so any field added to those sections later counts; the last is compared as generation
//! computes it, organisation by organisation, and only between scenarios whose providers differ.
//! A scenario replaying a world shares with nobody (its world is read per scenario). Migrations,
//! behaviours, the providers' other details, sign-in rates, `[output]`, `[sweep]`,
//! `[sensitivity]`, the name and the replication count never reach generation.

use crate::rng::Keys;
use crate::scenario::Scenario;
use crate::world::pinned::World;
use crate::world::population::Population;
use crate::world::population::generate::{OrgMixes, generate_orgs};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A SHA-256 of the `Debug` text of what is written into it.
struct Hasher(Sha256);

impl std::fmt::Write for Hasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The SHA-256 of `value`'s `Debug` text.
fn digest(value: &dyn std::fmt::Debug) -> [u8; 32] {
    use std::fmt::Write as _;
    let mut h = Hasher(Sha256::new());
    // Writing into a hasher cannot fail.
    let _ = write!(h, "{value:?}");
    h.0.finalize().into()
}

/// What generation reads of `s`, but the providers' details and the first day's served
/// networks (see the module documentation).
fn generation_digest(s: &Scenario) -> [u8; 32] {
    let mut population = s.population.clone();
    for class in &mut population.activity {
        class.sign_in_rate = 0.0;
    }
    let providers: Vec<&str> = s.providers.iter().map(|p| p.id.as_str()).collect();
    digest(&(
        s.seed,
        s.start,
        s.end,
        &s.networks,
        &s.deployments,
        &s.orgs,
        &population,
        providers,
    ))
}

/// The organisations' initial-contact mixes of replication `r` of `s`, as generation computes
/// them.
fn mixes_digest(s: &Scenario, r: u32) -> [u8; 32] {
    let (orgs, _) = generate_orgs(s, &Keys::new(s.seed, r), None);
    digest(&OrgMixes::new(s, &orgs))
}

/// A group, a providers' digest and a replication: what the first day's mixes depend on.
type MixKey = (usize, [u8; 32], u32);

/// Which population each job uses: jobs with the same key share one.
pub(crate) struct Reuse {
    /// Per job, its population's key.
    pub(crate) key: Vec<usize>,
    /// Per scenario, its group: scenarios of one group may share populations (one per
    /// replication, when their first day's mixes agree).
    group: Vec<usize>,
}

impl Reuse {
    /// The keys of `jobs` ((scenario, replication) pairs) of `scenarios`, replaying `worlds`.
    pub(crate) fn of(
        scenarios: &[Scenario],
        worlds: &[Option<Arc<World>>],
        jobs: &[(usize, u32)],
    ) -> Reuse {
        let generation: Vec<[u8; 32]> = scenarios.par_iter().map(generation_digest).collect();
        let providers: Vec<[u8; 32]> = scenarios.par_iter().map(|s| digest(&s.providers)).collect();
        let mut groups: HashMap<[u8; 32], usize> = HashMap::new();
        let group: Vec<usize> = (0..scenarios.len())
            .map(|i| match worlds[i] {
                // Never shared: each scenario reads its own world.
                Some(_) => usize::MAX - i,
                None => {
                    let next = groups.len();
                    *groups.entry(generation[i]).or_insert(next)
                }
            })
            .collect();
        // Whether providers matter: a group whose scenarios' providers differ, generating
        // initial contacts on served networks only.
        let mut variants: HashMap<usize, Vec<[u8; 32]>> = HashMap::new();
        for (i, g) in group.iter().enumerate() {
            let seen = variants.entry(*g).or_default();
            if !seen.contains(&providers[i]) {
                seen.push(providers[i]);
            }
        }
        let compares = |i: usize| {
            let s = &scenarios[i];
            variants[&group[i]].len() > 1
                && s.population.initial_contacts_served_only
                && s.population.import.is_none()
        };
        // The mixes of each (group, providers, replication) needed, computed once.
        let mut needed: BTreeMap<MixKey, usize> = BTreeMap::new();
        for &(i, r) in jobs {
            if compares(i) {
                needed.entry((group[i], providers[i], r)).or_insert(i);
            }
        }
        let needed: Vec<(MixKey, usize)> = needed.into_iter().collect();
        let mixes: HashMap<MixKey, [u8; 32]> = needed
            .par_iter()
            .map(|&(k, i)| (k, mixes_digest(&scenarios[i], k.2)))
            .collect();
        let mut keys: HashMap<(usize, u32, [u8; 32]), usize> = HashMap::new();
        let key = jobs
            .iter()
            .map(|&(i, r)| {
                let mix = if compares(i) {
                    mixes[&(group[i], providers[i], r)]
                } else {
                    [0; 32]
                };
                let next = keys.len();
                *keys.entry((group[i], r, mix)).or_insert(next)
            })
            .collect();
        Reuse { key, group }
    }

    /// The order to run `jobs` in (job indices): scenarios in order, each together with the next
    /// scenarios of its group within `span` scenarios of it (at most `span` in all), their jobs
    /// interleaved by replication and population, so that the jobs sharing a population run one
    /// after another.
    /// Outputs wait for the jobs before them: at most about `span` scenarios' outputs.
    pub(crate) fn schedule(&self, jobs: &[(usize, u32)], span: usize) -> Vec<usize> {
        // Scenarios in order of their first job, each with its jobs in order.
        let mut order: Vec<usize> = Vec::new();
        let mut of: HashMap<usize, Vec<usize>> = HashMap::new();
        for (j, &(i, _)) in jobs.iter().enumerate() {
            of.entry(i)
                .or_insert_with(|| {
                    order.push(i);
                    Vec::new()
                })
                .push(j);
        }
        let span = span.max(1);
        let mut done = vec![false; order.len()];
        let mut out = Vec::with_capacity(jobs.len());
        for p in 0..order.len() {
            if done[p] {
                continue;
            }
            let g = self.group[order[p]];
            let window: Vec<usize> = (p..order.len().min(p + span))
                .filter(|&q| !done[q] && self.group[order[q]] == g)
                .collect();
            // By replication, then population, then scenario order.
            let mut together: Vec<(u32, usize, usize, usize)> = Vec::new();
            for (w, &q) in window.iter().enumerate() {
                done[q] = true;
                together.extend(
                    of[&order[q]]
                        .iter()
                        .map(|&j| (jobs[j].1, self.key[j], w, j)),
                );
            }
            together.sort_unstable();
            out.extend(together.into_iter().map(|(.., j)| j));
        }
        out
    }
}

/// The populations a batch of jobs uses, generated once each: at most one per job of the
/// batch, kept for the next batch only when it uses them too.
#[derive(Default)]
pub(crate) struct Cache {
    held: HashMap<usize, Arc<Population>>,
    /// Populations generated so far.
    pub(crate) generated: u64,
}

impl Cache {
    /// Drops every population that no job of `next` (job indices) uses.
    pub(crate) fn keep_for(&mut self, reuse: &Reuse, next: &[usize]) {
        self.held
            .retain(|k, _| next.iter().any(|&j| reuse.key[j] == *k));
    }

    /// The population of key `key`, if held.
    pub(crate) fn get(&self, key: usize) -> Option<Arc<Population>> {
        self.held.get(&key).cloned()
    }

    /// Holds `pop` as the population of `key`.
    pub(crate) fn put(&mut self, key: usize, pop: Arc<Population>) {
        self.generated += 1;
        self.held.insert(key, pop);
    }
}

/// Bytes of outputs that may wait for earlier jobs' while jobs sharing populations run together.
const WAITING_BYTES: f64 = 128.0 * 1024.0 * 1024.0;
/// Most scenarios run together.
const MAX_SPAN: usize = 64;

/// How many scenarios of `scenarios` run together at most ([`Reuse::schedule`]): as many as
/// keep their waiting outputs within about 128 MiB (at least one).
pub(crate) fn span(scenarios: &[Scenario]) -> usize {
    let per_scenario = scenarios
        .iter()
        .map(|s| f64::from(s.replications) * super::summary::output_bytes(s))
        .fold(0.0, f64::max);
    if per_scenario <= 0.0 {
        return MAX_SPAN;
    }
    ((WAITING_BYTES / per_scenario).floor() as usize).clamp(1, MAX_SPAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_sharing_a_population_are_scheduled_together_within_the_span() {
        // Scenarios 0, 2 and 3 in one group, 1 alone; two replications each.
        let jobs: Vec<(usize, u32)> = (0..4).flat_map(|i| [(i, 0), (i, 1)]).collect();
        let reuse = Reuse {
            key: jobs
                .iter()
                .map(|&(i, r)| if i == 1 { 10 + r as usize } else { r as usize })
                .collect(),
            group: vec![0, 1, 0, 0],
        };
        let order: Vec<(usize, u32)> = reuse.schedule(&jobs, 8).iter().map(|&j| jobs[j]).collect();
        assert_eq!(
            order,
            [
                (0, 0),
                (2, 0),
                (3, 0),
                (0, 1),
                (2, 1),
                (3, 1),
                (1, 0),
                (1, 1)
            ]
        );
        // A span of 3 scenarios leaves scenario 3 to a window of its own.
        let order: Vec<(usize, u32)> = reuse.schedule(&jobs, 3).iter().map(|&j| jobs[j]).collect();
        assert_eq!(
            order,
            [
                (0, 0),
                (2, 0),
                (0, 1),
                (2, 1),
                (1, 0),
                (1, 1),
                (3, 0),
                (3, 1)
            ]
        );
        let mut all = reuse.schedule(&jobs, 1);
        all.sort_unstable();
        assert_eq!(all, (0..8).collect::<Vec<_>>());
    }
}
