//! Generating a replication's world from a scenario.
//!
//! Every organisation, person and user draws from its own stream keyed by (seed, replication,
//! kind, id), so any range of them can be generated alone and gives the same result whatever the
//! thread count or chunking. Organisations come first (they fix user ids and the population size),
//! then persons (network blocks sized from the expected number of entries), then users and their
//! contact lists, chunk by chunk in parallel.

use super::model::{Chunk, ImportedNames, Org, Person, Population};
use super::persons::{generate_persons, make_person, person_blocks};
use super::sampler::{ContactSampler, PersonSet, cumulative, pick};
use crate::comm::Partition;
use crate::day::{ALWAYS, Agreement, Day, FOREVER, Window};
use crate::rng::{Keys, Kind, Stream, open01, uniform_int};
use crate::scenario::{NetworkId, Scenario};
use crate::world::pinned::World;
use crate::world::pinned::orgs::{OrgPin, OrgPins};
use rayon::prelude::*;
use std::ops::Range;

/// Users per chunk of organisations (a chunk holds whole organisations, so it may be larger).
pub(crate) const CHUNK_USERS: u32 = 8192;
/// Draws tried before a contact that keeps hitting persons already on the list is given up.
const MAX_CONTACT_ATTEMPTS: u32 = 64;

/// Generates replication `replication` of `scenario`'s world (from its imported contact lists,
/// when it has them).
pub fn generate(scenario: &Scenario, replication: u32) -> anyhow::Result<Population> {
    generate_part(scenario, None, replication, &Partition::Whole)
}

/// The share `part` of replication `replication`'s world. Whole, the whole world. Split, every
/// organisation (they are few and fix user ids and the persons' layout), the chunks of
/// organisations the share owns, and no persons and no graph: the share computes the persons it
/// meets from their keyed draws. Any share is generated from (seed, replication, ids) alone,
/// without the others. What `world` pins replaces what would be drawn; with a world, every share
/// holds every person (a pinned person cannot be drawn when met).
pub(crate) fn generate_part(
    scenario: &Scenario,
    world: Option<&World>,
    replication: u32,
    part: &Partition,
) -> anyhow::Result<Population> {
    let keys = Keys::new(scenario.seed, replication);
    if let Some(list) = &scenario.population.import {
        // Imported lists are small: every share builds them whole and keeps its chunks.
        let mut pop = generate_imported(scenario, &keys, list)?;
        let users: Vec<u64> = pop.chunks.iter().map(|c| c.users.len() as u64).collect();
        let owned = part.owned_chunks(&users);
        pop.chunks = pop
            .chunks
            .into_iter()
            .enumerate()
            .filter(|(i, _)| owned.contains(i))
            .map(|(_, c)| c)
            .collect();
        return Ok(pop);
    }
    let (orgs, domain_added) = generate_orgs(scenario, &keys, world.map(|w| &w.orgs));
    let users = orgs.last().map_or(0, |o| o.users.end);
    let mixes = OrgMixes::new(scenario, &orgs);
    let pinned_persons = world.and_then(|w| w.persons.as_ref());
    let blocks = match pinned_persons {
        Some(pins) => pins.blocks.clone(),
        None => person_blocks(
            scenario,
            u64::from(users),
            &mixes.expected_entries(scenario, &orgs),
        ),
    };
    let whole = part.is_whole() || world.is_some();
    let persons = if whole {
        generate_persons(scenario, &keys, &blocks, pinned_persons)
    } else {
        Vec::new()
    };
    let sampler = ContactSampler::new(scenario, &blocks);
    let ranges = chunk_ranges(&orgs);
    let chunk_users: Vec<u64> = ranges
        .iter()
        .map(|r| (orgs[r.end as usize - 1].users.end - orgs[r.start as usize].users.start) as u64)
        .collect();
    let chunks = ranges[part.owned_chunks(&chunk_users)]
        .to_vec()
        .into_par_iter()
        .map(|range| generate_chunk(scenario, &keys, &orgs, range, &sampler, &mixes, world))
        .collect();
    let graph = match world.and_then(|w| w.graph.as_ref()) {
        Some(pinned) => pinned.build(scenario, persons.len())?,
        None if whole => build_graph(scenario, &keys, persons.len(), None)?,
        None => None,
    };
    let pop = Population {
        orgs,
        domain_added,
        persons,
        blocks,
        chunks,
        graph,
        imported: None,
    };
    if let Some(world) = world {
        crate::world::pinned::fit::check(scenario, world, &pop)?;
    }
    Ok(pop)
}

/// Every organisation and SIP domain of a replication, from their keyed draws and `pins`.
pub(crate) fn generate_orgs(
    scenario: &Scenario,
    keys: &Keys,
    pins: Option<&OrgPins>,
) -> (Vec<Org>, Vec<Day>) {
    let count = pins.map_or(scenario.orgs.count, |p| p.count(scenario));
    let drafts: Vec<OrgDraft> = (0..count)
        .into_par_iter()
        .map(|o| draft_pinned_org(scenario, keys, o, pins.and_then(|p| p.get(o))))
        .collect();
    let mut orgs = Vec::with_capacity(drafts.len());
    let mut domain_added = Vec::new();
    let mut next_user = 0u32;
    for d in drafts {
        let domains = domain_added.len() as u32..(domain_added.len() + d.domain_days.len()) as u32;
        domain_added.extend_from_slice(&d.domain_days);
        let users = next_user..next_user.saturating_add(d.users);
        next_user = users.end;
        orgs.push(Org {
            deployments: d.deployments,
            agreement: d.agreement,
            enable: d.enable,
            domains,
            users,
        });
    }
    (orgs, domain_added)
}

/// The persons' contact graph the scenario asks for, over `n` persons; `addresses` maps imported
/// addresses to persons, for edge lists that name persons by address.
pub(crate) fn build_graph(
    s: &Scenario,
    keys: &Keys,
    n: usize,
    addresses: Option<&std::collections::HashMap<String, u32>>,
) -> anyhow::Result<Option<super::graph::Graph>> {
    build_graph_rows(s, keys, n, addresses, 0..n as u32, &Partition::Whole)
}

/// The lists of persons `rows` of [`build_graph`]'s graph (row `i` is person `rows.start + i`),
/// built without the other persons' lists where the generator allows (an edge-list file is read
/// whole, then cut). `part`: the share of the replication this process computes (the ranks of a
/// split one build their rows together, each its own).
pub(crate) fn build_graph_rows(
    s: &Scenario,
    keys: &Keys,
    n: usize,
    addresses: Option<&std::collections::HashMap<String, u32>>,
    rows: std::ops::Range<u32>,
    part: &Partition,
) -> anyhow::Result<Option<super::graph::Graph>> {
    use super::graph;
    use crate::scenario::import::Endpoint;
    let Some(spec) = &s.population.graph else {
        return Ok(None);
    };
    Ok(Some(match spec {
        crate::scenario::GraphSpec::BarabasiAlbert { m } => {
            super::barabasi_albert::barabasi_albert_rows(n, *m as usize, keys, rows)
        }
        crate::scenario::GraphSpec::Configuration { degree } => {
            super::configuration::configuration_rows(n, degree, keys, rows, part)
        }
        crate::scenario::GraphSpec::File { edges } => {
            let mut problems = Vec::new();
            let mut resolve = |line: usize, e: &Endpoint| -> Option<u32> {
                let reason = match e {
                    Endpoint::Id(id) if (*id as usize) < n => return Some(*id),
                    Endpoint::Id(id) => format!(
                        "person {id} does not exist (persons are 0 to {})",
                        n.saturating_sub(1)
                    ),
                    // Validation refused addresses that name no person of the population.
                    Endpoint::Address(a) => match addresses.and_then(|m| m.get(a).copied()) {
                        Some(p) => return Some(p),
                        None => "the address names no person".to_string(),
                    },
                };
                problems.push(crate::scenario::import::BadLine { line, reason });
                None
            };
            let list: Vec<(u32, u32)> = edges
                .edges
                .iter()
                .filter_map(|(line, a, b)| Some((resolve(*line, a)?, resolve(*line, b)?)))
                .collect();
            if !problems.is_empty() {
                anyhow::bail!(
                    "{}",
                    crate::scenario::import::bad_lines_message(
                        "the edge list does not fit the population",
                        &edges.path,
                        &problems
                    )
                );
            }
            let whole = graph::Graph::from_edges(n, &list);
            drop(list);
            if rows.len() == n {
                whole
            } else {
                whole.rows(rows)
            }
        }
    }))
}

/// An imported list's organisations, users and domains, each in order of first appearance.
struct ImportedOrgs<'l> {
    /// Each organisation's name.
    names: Vec<String>,
    /// Per organisation, its users (their places in the list's users).
    users_by_org: Vec<Vec<usize>>,
    /// Per organisation, its users' domains.
    domains_by_org: Vec<Vec<&'l str>>,
    /// Per user, its rows (their places in the list's rows).
    user_rows: Vec<Vec<usize>>,
}

impl<'l> ImportedOrgs<'l> {
    /// Groups `list`'s users by organisation, and its rows by user.
    fn of(list: &'l crate::scenario::import::ContactList) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut org_of: std::collections::HashMap<&str, usize> = Default::default();
        for u in &list.users {
            org_of.entry(u.org.as_str()).or_insert_with(|| {
                names.push(u.org.clone());
                names.len() - 1
            });
        }
        let mut users_by_org: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        let mut domains_by_org: Vec<Vec<&str>> = vec![Vec::new(); names.len()];
        for (i, u) in list.users.iter().enumerate() {
            let o = org_of[u.org.as_str()];
            users_by_org[o].push(i);
            if !domains_by_org[o].contains(&u.domain.as_str()) {
                domains_by_org[o].push(&u.domain);
            }
        }
        let mut user_rows: Vec<Vec<usize>> = vec![Vec::new(); list.users.len()];
        for (i, r) in list.rows.iter().enumerate() {
            user_rows[r.user as usize].push(i);
        }
        ImportedOrgs {
            names,
            users_by_org,
            domains_by_org,
            user_rows,
        }
    }

    /// The organisations, with attributes from the scenario and sizes and domains from the
    /// list; their domains' days; the one chunk of every user's list (`person_of`, each row's
    /// person); and each user's id.
    fn build(
        &self,
        s: &Scenario,
        keys: &Keys,
        list: &crate::scenario::import::ContactList,
        person_of: &std::collections::HashMap<(&str, u8), u32>,
    ) -> (Vec<Org>, Vec<Day>, Chunk, Vec<String>) {
        let mut orgs = Vec::with_capacity(self.names.len());
        let mut domain_added = Vec::new();
        let mut user_names = Vec::with_capacity(list.users.len());
        let mut chunk = Chunk {
            orgs: 0..self.names.len() as u32,
            offsets: vec![0],
            ..Chunk::default()
        };
        for o in 0..self.names.len() {
            let draft = draft_org(s, keys, o as u32);
            let mut rng = keys.stream(Kind::Org, o as u64, 1);
            let domains = &self.domains_by_org[o];
            let first_domain = domain_added.len() as u32;
            for i in 0..domains.len() {
                let window = if i == 0 {
                    s.orgs.first_domain_added
                } else {
                    s.orgs.extra_domains_added
                };
                domain_added.push(draw_day(&mut rng, window));
            }
            let first_user = user_names.len() as u32;
            for &u in &self.users_by_org[o] {
                let user = &list.users[u];
                let d = domains.iter().position(|d| *d == user.domain).unwrap_or(0) as u32;
                chunk.user_domain.push(first_domain + d);
                for &row in &self.user_rows[u] {
                    let r = &list.rows[row];
                    chunk
                        .entries
                        .push(person_of[&(r.contact.as_str(), r.network)]);
                }
                chunk.offsets.push(chunk.entries.len() as u32);
                user_names.push(user.id.clone());
            }
            orgs.push(Org {
                deployments: draft.deployments,
                agreement: draft.agreement,
                enable: draft.enable,
                domains: first_domain..domain_added.len() as u32,
                users: first_user..user_names.len() as u32,
            });
        }
        chunk.users = 0..user_names.len() as u32;
        (orgs, domain_added, chunk, user_names)
    }
}

/// The persons of an imported list: one per distinct contact (address and network), in network
/// blocks, each block followed by the network's extra persons who start on no list.
struct ImportedPersons<'l> {
    /// The person of each (address, network).
    person_of: std::collections::HashMap<(&'l str, u8), u32>,
    /// Each person's address (`None` for the extra persons).
    addresses: Vec<Option<String>>,
    /// Each network's block of persons.
    blocks: Vec<Range<u32>>,
}

impl<'l> ImportedPersons<'l> {
    /// Lays out `list`'s persons for scenario `s`: blocks in network order, each block's
    /// contacts in order of first appearance.
    fn of(s: &Scenario, list: &'l crate::scenario::import::ContactList) -> Self {
        let nets = s.networks.len();
        let mut person_of: std::collections::HashMap<(&str, u8), u32> = Default::default();
        let mut per_network: Vec<Vec<&str>> = vec![Vec::new(); nets];
        for r in &list.rows {
            if !person_of.contains_key(&(r.contact.as_str(), r.network)) {
                person_of.insert((&r.contact, r.network), 0);
                per_network[r.network as usize].push(&r.contact);
            }
        }
        let mut blocks = Vec::with_capacity(nets);
        let mut addresses: Vec<Option<String>> = Vec::new();
        for (n, contacts) in per_network.iter().enumerate() {
            let start = addresses.len() as u32;
            for c in contacts {
                person_of.insert((c, n as u8), addresses.len() as u32);
                addresses.push(Some(c.to_string()));
            }
            let extra = list.extra_persons(s.population.persons_per_user[n]);
            addresses.extend(std::iter::repeat_n(None, extra));
            blocks.push(start..addresses.len() as u32);
        }
        ImportedPersons {
            person_of,
            addresses,
            blocks,
        }
    }
}

/// Builds the world from imported contact lists: organisations, users and their domains, and
/// one person per distinct contact (address and network), laid out in network blocks; each gets
/// its other attributes (deployment, agreement, enable days; activity, extra accounts, links) drawn
/// from the scenario as a generated one would. Networks with `persons_per_user` also get that many
/// extra persons who start on no list (for contact adding).
fn generate_imported(
    s: &Scenario,
    keys: &Keys,
    list: &crate::scenario::import::ContactList,
) -> anyhow::Result<Population> {
    use std::collections::HashMap;
    let grouped = ImportedOrgs::of(list);
    let ImportedPersons {
        person_of,
        addresses,
        blocks,
    } = ImportedPersons::of(s, list);
    let classes = cumulative(s.population.activity.iter().map(|a| a.share));
    let persons: Vec<Person> = (0..addresses.len() as u32)
        .into_par_iter()
        .map(|p| {
            let home = blocks.iter().position(|b| b.contains(&p)).unwrap_or(0) as NetworkId;
            make_person(s, keys, p, home, &classes)
        })
        .collect();
    let (orgs, domain_added, chunk, user_names) = grouped.build(s, keys, list, &person_of);
    // An address listed on two networks names the first of its persons (lowest id), whatever the
    // hash map's order.
    let mut address_map: HashMap<String, u32> = HashMap::new();
    for (p, a) in addresses.iter().enumerate() {
        if let Some(a) = a {
            address_map.entry(a.clone()).or_insert(p as u32);
        }
    }
    let graph = build_graph(s, keys, persons.len(), Some(&address_map))?;
    Ok(Population {
        orgs,
        domain_added,
        persons,
        blocks,
        chunks: vec![chunk],
        graph,
        imported: Some(std::sync::Arc::new(ImportedNames {
            orgs: grouped.names,
            users: user_names,
            addresses,
        })),
    })
}

/// Organisation `o` as generation would draw it, alone (users and domains numbered from 0): for
/// estimates made before generating a world.
pub(crate) fn sample_org(s: &Scenario, keys: &Keys, o: u32) -> Org {
    let d = draft_org(s, keys, o);
    Org {
        deployments: d.deployments,
        agreement: d.agreement,
        enable: d.enable,
        domains: 0..d.domain_days.len() as u32,
        users: 0..d.users,
    }
}

struct OrgDraft {
    users: u32,
    deployments: Vec<(Day, u8)>,
    agreement: Agreement,
    enable: Vec<Day>,
    domain_days: Vec<Day>,
}

/// A day drawn uniformly from `window`; a window with no dates gives [`ALWAYS`].
fn draw_day(rng: &mut Stream, window: Window) -> Day {
    if window.from == ALWAYS {
        ALWAYS
    } else {
        uniform_int(rng, i64::from(window.from), i64::from(window.until)) as Day
    }
}

/// Sub-stream tags of an organisation's provider enabling and deployment changes.
const ENABLE_STREAM: u64 = 1 << 62;
const CHANGE_STREAM: u64 = 1 << 61;

/// A stable 64-bit key of an id (FNV-1a), so that a stream keyed by name survives reordering.
fn name_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn draft_org(s: &Scenario, keys: &Keys, o: u32) -> OrgDraft {
    draft_pinned_org(s, keys, o, None)
}

/// Organisation `o` as drawn, with what `pin` pins in place of its draws. Every draw is made
/// whether pinned or not, so that what is drawn stays where the scenario alone puts it.
fn draft_pinned_org(s: &Scenario, keys: &Keys, o: u32, pin: Option<&OrgPin>) -> OrgDraft {
    let spec = &s.orgs;
    let cal = s.calendar();
    let pinned = |f: fn(&OrgPin) -> Option<u32>, drawn: u32| pin.and_then(f).unwrap_or(drawn);
    let mut rng = keys.stream(Kind::Org, u64::from(o), 0);
    let users = pinned(|p| p.users, spec.users.sample_count(&mut rng, 1));
    let mix = cumulative(spec.deployment_mix.iter().map(|(_, sh)| *sh));
    let initial = pick(&mix, open01(&mut rng)).unwrap_or(mix.len() - 1);
    let initial = pin
        .and_then(|p| p.deployment)
        .unwrap_or(spec.deployment_mix[initial].0);
    let mut deployments = vec![(ALWAYS, initial)];
    let start_day = draw_day(&mut rng, spec.agreement_start);
    let term_years = spec.agreement_term_years.sample_count(&mut rng, 1);
    let agreement = Agreement {
        start: pin
            .and_then(|p| p.agreement_start)
            .unwrap_or_else(|| cal.date(start_day)),
        term_years: pinned(|p| p.term_years, term_years),
    };
    let domain_count = pinned(
        |p| p.domains,
        spec.domains_per_org.sample_count(&mut rng, 1),
    );
    let domain_days: Vec<Day> = (0..domain_count)
        .map(|i| {
            draw_day(
                &mut rng,
                if i == 0 {
                    spec.first_domain_added
                } else {
                    spec.extra_domains_added
                },
            )
        })
        .collect();
    let domain_days = pin
        .and_then(|p| p.domain_added.clone())
        .unwrap_or(domain_days);
    let enable = draft_enable(s, keys, o, pin);
    draft_changes(s, keys, o, pin, &mut deployments);
    OrgDraft {
        users,
        deployments,
        agreement,
        enable,
        domain_days,
    }
}

/// Organisation `o`'s day of enabling each provider ([`FOREVER`]: never), with what `pin` pins
/// in place of its draws. Each provider's enabling draws from its own stream (keyed by the
/// provider's id), so that two scenarios differing in one provider's cohorts keep every other
/// draw: comparisons run on common random numbers.
fn draft_enable(s: &Scenario, keys: &Keys, o: u32, pin: Option<&OrgPin>) -> Vec<Day> {
    let spec = &s.orgs;
    let chosen: Vec<Option<(usize, Day)>> = spec
        .enable
        .iter()
        .zip(&s.providers)
        .map(|(cohorts, provider)| {
            let mut rng = keys.stream(
                Kind::Org,
                u64::from(o),
                ENABLE_STREAM ^ name_key(&provider.id),
            );
            let u = open01(&mut rng);
            let chosen = pick(&cumulative(cohorts.iter().map(|c| c.share)), u);
            // Draw the day whether or not a cohort is chosen, so that changing a share keeps
            // the other cohorts' days where they were.
            let days: Vec<Day> = cohorts
                .iter()
                .map(|c| draw_day(&mut rng, c.window))
                .collect();
            chosen.map(|i| (i, days[i]))
        })
        .collect();
    // A pinned enable day is the organisation's, whatever any cohort's `among` says.
    let pinned_enable = |p: usize| pin.and_then(|pin| pin.enable.get(p).copied().flatten());
    let chosen: Vec<Option<(usize, Day)>> = (0..chosen.len())
        .map(|p| chosen[p].filter(|_| pinned_enable(p).is_none()))
        .collect();
    // A cohort `among` another provider's organisations only takes those that enable it (at any
    // time); repeated until nothing changes, so chains (`among` a provider that is itself
    // `among` another) resolve.
    let mut enable: Vec<Day> = chosen
        .iter()
        .enumerate()
        .map(|(p, c)| pinned_enable(p).unwrap_or(c.map_or(FOREVER, |(_, day)| day)))
        .collect();
    for _ in 0..enable.len() {
        let mut changed = false;
        for (p, c) in chosen.iter().enumerate() {
            if let Some((i, _)) = c {
                if let Some(a) = spec.enable[p][*i].among {
                    if enable[a as usize] == FOREVER && enable[p] != FOREVER {
                        enable[p] = FOREVER;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    enable
}

/// Adds organisation `o`'s deployment changes to `deployments` (which holds its first): those
/// `pin` pins, its whole history after the first, or else those drawn, each from its own
/// stream (keyed by the change's position).
fn draft_changes(
    s: &Scenario,
    keys: &Keys,
    o: u32,
    pin: Option<&OrgPin>,
    deployments: &mut Vec<(Day, u8)>,
) {
    let drawn_changes = match pin.and_then(|p| p.changes.as_ref()) {
        Some(changes) => {
            deployments.extend_from_slice(changes);
            &[][..]
        }
        None => &s.orgs.deployment_changes[..],
    };
    for (k, change) in drawn_changes.iter().enumerate() {
        let mut rng = keys.stream(Kind::Org, u64::from(o), CHANGE_STREAM + k as u64);
        let u = open01(&mut rng);
        let day = draw_day(&mut rng, change.window);
        let (last_day, current) = *deployments.last().unwrap_or(&(ALWAYS, 0));
        if current == change.from && u < change.share && day > last_day {
            deployments.push((day, change.to));
        }
    }
}

/// Each organisation's network mix for its users' initial contacts.
#[derive(Debug)]
pub(crate) struct OrgMixes {
    /// Distinct cumulative mixes (an empty one: no initial contacts).
    mixes: Vec<Vec<f64>>,
    /// Per organisation, its mix.
    of_org: Vec<u32>,
}

impl OrgMixes {
    /// The scenario's mix, restricted per organisation to the networks its providers serve on the
    /// first day when `initial_contacts = "served"` (and renormalised).
    pub(crate) fn new(s: &Scenario, orgs: &[Org]) -> Self {
        let base = &s.population.network_mix;
        let mut mixes: Vec<Vec<f64>> = Vec::new();
        let mut masks: Vec<u32> = Vec::new();
        let of_org = orgs
            .iter()
            .map(|org| {
                let served: u32 = if s.population.initial_contacts_served_only {
                    let world = crate::world::profiles::OrgWorld::new(s, org);
                    (0..s.networks.len())
                        .filter(|&n| {
                            (0..s.providers.len()).any(|p| world.serves(p, n as NetworkId, 0))
                        })
                        .fold(0, |m, n| m | 1 << n)
                } else {
                    u32::MAX
                };
                if let Some(i) = masks.iter().position(|&m| m == served) {
                    return i as u32;
                }
                let total: f64 = (0..base.len())
                    .filter(|n| served & (1 << n) != 0)
                    .map(|n| base[n])
                    .sum();
                let mix = if total > 0.0 {
                    cumulative((0..base.len()).map(|n| {
                        if served & (1 << n) != 0 {
                            base[n] / total
                        } else {
                            0.0
                        }
                    }))
                } else {
                    Vec::new()
                };
                masks.push(served);
                mixes.push(mix);
                (mixes.len() - 1) as u32
            })
            .collect();
        OrgMixes { mixes, of_org }
    }

    /// Organisation `o`'s cumulative mix (empty: its users start with no public contacts).
    pub(crate) fn of(&self, o: usize) -> &[f64] {
        &self.mixes[self.of_org[o] as usize]
    }

    /// Expected initial entries per network over all organisations.
    pub(crate) fn expected_entries(&self, s: &Scenario, orgs: &[Org]) -> Vec<f64> {
        let mean_contacts = s.population.contacts_per_user.count_mean(0);
        let mut out = vec![0.0; s.networks.len()];
        for (o, org) in orgs.iter().enumerate() {
            let mix = self.of(o);
            let users = f64::from(org.users.end - org.users.start);
            let mut prev = 0.0;
            for (n, c) in mix.iter().enumerate() {
                out[n] += users * mean_contacts * (c - prev);
                prev = *c;
            }
        }
        out
    }
}

/// Organisation ranges of about [`CHUNK_USERS`] users, cut at organisation boundaries.
pub(crate) fn chunk_ranges(orgs: &[Org]) -> Vec<Range<u32>> {
    let mut ranges = Vec::new();
    let mut start = 0u32;
    let mut users = 0u32;
    for (i, o) in orgs.iter().enumerate() {
        users += o.users.len() as u32;
        if users >= CHUNK_USERS {
            ranges.push(start..i as u32 + 1);
            start = i as u32 + 1;
            users = 0;
        }
    }
    if (start as usize) < orgs.len() {
        ranges.push(start..orgs.len() as u32);
    }
    ranges
}

fn generate_chunk(
    s: &Scenario,
    keys: &Keys,
    orgs: &[Org],
    range: Range<u32>,
    sampler: &ContactSampler,
    mixes: &OrgMixes,
    world: Option<&World>,
) -> Chunk {
    let first = &orgs[range.start as usize];
    let last = &orgs[range.end as usize - 1];
    let users = first.users.start..last.users.end;
    let n_users = users.len();
    let mut chunk = Chunk {
        orgs: range.clone(),
        users: users.clone(),
        user_domain: Vec::with_capacity(n_users),
        offsets: Vec::with_capacity(n_users + 1),
        entries: Vec::new(),
    };
    chunk.offsets.push(0);
    let mut seen = PersonSet::default();
    let pinned_domain = world.and_then(|w| w.users.as_ref()?.domain.as_deref());
    let mut pinned_entries = world
        .and_then(|w| w.entries.as_ref())
        .map(|e| e.starting_at(users.start));
    for o in range.clone() {
        let org = &orgs[o as usize];
        let mix = mixes.of(o as usize);
        for u in org.users.clone() {
            let mut rng = keys.stream(Kind::User, u64::from(u), 0);
            let domains = org.domains.end - org.domains.start;
            let domain =
                org.domains.start + uniform_int(&mut rng, 0, i64::from(domains) - 1) as u32;
            chunk
                .user_domain
                .push(pinned_domain.map_or(domain, |d| d[u as usize]));
            if let Some(rows) = &mut pinned_entries {
                let n = rows.iter().take_while(|e| e.user == u).count();
                chunk.entries.extend(rows[..n].iter().map(|e| e.person));
                chunk.offsets.push(chunk.entries.len() as u32);
                *rows = &rows[n..];
                continue;
            }
            let drawn = s.population.contacts_per_user.sample_count(&mut rng, 0);
            let k = if mix.is_empty() { 0 } else { drawn };
            seen.clear();
            for _ in 0..k {
                for _ in 0..MAX_CONTACT_ATTEMPTS {
                    match sampler.draw(&mut rng, mix) {
                        Some(p) if seen.insert(p) => {
                            chunk.entries.push(p);
                            break;
                        }
                        _ => {}
                    }
                }
            }
            chunk.offsets.push(chunk.entries.len() as u32);
        }
    }
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_by_cumulative_shares() {
        let c = cumulative([0.2, 0.5, 0.3].into_iter());
        assert_eq!(pick(&c, 0.1), Some(0));
        assert_eq!(pick(&c, 0.2), Some(1));
        assert_eq!(pick(&c, 0.95), Some(2));
        assert_eq!(pick(&cumulative([0.5].into_iter()), 0.7), None);
    }
}
