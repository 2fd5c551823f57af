//! `[population]`: contacts per user, the network mix, persons and entries, activity classes,
//! multi-homing, the persons' contact graph and an imported contact list (read here, so that
//! validate refuses what a run would).

use super::super::import::{self, ContactList};
use super::super::key::KeyPath;
use super::super::model::{
    ActivityClass, GraphSpec, Migration, MultiHoming, PopulationSpec, Trigger,
};
use super::super::network::{Network, NetworkId};
use super::super::raw::{RawActivity, RawGraph, RawInitialContacts, RawPopulation};
use super::check::{Validator, kp, number};
use indexmap::IndexMap;

/// Most persons per user on one network: far above any real contact network, low enough that
/// persons counted from it stay within 32-bit ids for any world that fits in memory.
const MAX_PERSONS_PER_USER: f64 = 1e6;

/// Checks `[population]` against the networks, and the migrations that need a contact graph or
/// activity classes (`migration_items`: each migration's `[[migrations]]` index). Each part is a
/// step of its own, called in the order its problems are reported.
pub(super) fn population(
    v: &mut Validator,
    p: &RawPopulation,
    networks: &[Network],
    network_names: &[(String, NetworkId)],
    migrations: &[Migration],
    migration_items: &[usize],
) -> PopulationSpec {
    let contacts_per_user = v.dist(
        kp!("population", "contacts_per_user"),
        &p.contacts_per_user,
        "contacts per user",
    );
    let network_mix = per_network_shares(v, "network_mix", &p.network_mix, network_names);
    v.sums_to_one(
        kp!("population", "network_mix"),
        p.network_mix.values().copied(),
        "network_mix",
    );
    let entries_per_person = match p.entries_per_person {
        Some(x) => v.positive(
            kp!("population", "entries_per_person"),
            x,
            "entries per person",
        ),
        None => 1.0,
    };
    let persons_per_user = persons_per_user(v, p, network_names);
    let popularity_exponent = p.popularity_exponent.unwrap_or(0.0);
    if !(0.0..1.0).contains(&popularity_exponent) {
        v.err(
            kp!("population", "popularity_exponent"),
            format!("{popularity_exponent} must be from 0 (uniform) up to, not including, 1"),
        );
    }
    let microsoft_account_share = per_network_shares(
        v,
        "microsoft_account_share",
        &p.microsoft_account_share,
        network_names,
    );
    let multi_homing = multi_homing(v, p, network_names);
    let activity = activity(v, p, migrations);
    let graph = graph(v, p);
    let import = p
        .import
        .as_ref()
        .and_then(|i| super::import::import(v, i, networks));
    edges_fit(v, p, graph.as_ref(), import.as_deref(), &persons_per_user);
    bass_needs_graph(v, p, graph.as_ref(), migrations, migration_items);
    let world = world(v, p);

    PopulationSpec {
        contacts_per_user,
        network_mix,
        entries_per_person,
        persons_per_user,
        popularity_exponent,
        initial_contacts_served_only: p.initial_contacts.unwrap_or(RawInitialContacts::Served)
            == RawInitialContacts::Served,
        microsoft_account_share,
        multi_homing,
        activity,
        graph,
        import,
        world,
    }
}

/// A share per network from `[population.<key>]` (`network = share`), indexed by network; a
/// network the scenario does not define is reported at its key and left out.
fn per_network_shares(
    v: &mut Validator,
    key: &str,
    given: &IndexMap<String, f64>,
    network_names: &[(String, NetworkId)],
) -> Vec<f64> {
    let mut shares = vec![0.0; network_names.len()];
    for (id, share) in given {
        let path = kp!("population", key, id);
        let s = v.share(path.clone(), *share);
        if let Some(n) = v.lookup(path, id, "network", network_names) {
            shares[n as usize] = s;
        }
    }
    shares
}

/// `persons_per_user`, indexed by network (`None` where not given); a number too large for any
/// world is reported and read as 0.
fn persons_per_user(
    v: &mut Validator,
    p: &RawPopulation,
    network_names: &[(String, NetworkId)],
) -> Vec<Option<f64>> {
    let mut persons_per_user = vec![None; network_names.len()];
    for (id, x) in &p.persons_per_user {
        let path = kp!("population", "persons_per_user", id);
        let mut x = v.non_negative(path.clone(), *x, "number of persons per user");
        if x > MAX_PERSONS_PER_USER {
            v.err(
                path.clone(),
                format!(
                    "{} persons per user is more than any world holds; give at most {MAX_PERSONS_PER_USER}",
                    number(x)
                ),
            );
            x = 0.0;
        }
        if let Some(n) = v.lookup(path, id, "network", network_names) {
            persons_per_user[n as usize] = Some(x);
        }
    }
    persons_per_user
}

/// `[[population.multi_homing]]`: the rules whose two networks resolved and differ.
fn multi_homing(
    v: &mut Validator,
    p: &RawPopulation,
    network_names: &[(String, NetworkId)],
) -> Vec<MultiHoming> {
    if p.multi_homing.len() > 256 {
        v.err(
            kp!("population", "multi_homing"),
            format!(
                "{} multi-homing rules; at most 256 are supported",
                p.multi_homing.len()
            ),
        );
    }
    let mut multi_homing = Vec::new();
    for (i, m) in p.multi_homing.iter().enumerate() {
        let path = kp!("population", "multi_homing", i);
        let home = v.lookup(path.join("home".into()), &m.home, "network", network_names);
        let extra = v.lookup(
            path.join("extra".into()),
            &m.extra,
            "network",
            network_names,
        );
        let share = v.share(path.join("share".into()), m.share);
        if home.is_some() && home == extra {
            v.err(
                path.join("extra".into()),
                "the extra account must be on another network than home",
            );
        }
        if let (Some(home), Some(extra)) = (home, extra) {
            multi_homing.push(MultiHoming { home, extra, share });
        }
    }
    multi_homing
}

/// `[[population.activity]]`: the classes, their shares summing to 1; one class `all` that
/// never signs in when none is given (refused when a sign_in migration needs classes).
fn activity(v: &mut Validator, p: &RawPopulation, migrations: &[Migration]) -> Vec<ActivityClass> {
    let mut activity = Vec::new();
    for (i, a) in p.activity.iter().enumerate() {
        let path = kp!("population", "activity", i);
        if activity.iter().any(|c: &ActivityClass| c.name == a.class) {
            v.err(
                path.join("class".into()),
                format!("activity class `{}` is defined twice", a.class),
            );
        }
        let share = v.share(path.join("share".into()), a.share);
        let sign_in_rate = sign_in_rate(v, &path, a);
        activity.push(ActivityClass {
            name: a.class.clone(),
            share,
            sign_in_rate,
        });
    }
    if !p.activity.is_empty() {
        v.sums_to_one(
            kp!("population", "activity"),
            p.activity.iter().map(|a| a.share),
            "activity class",
        );
    } else if migrations
        .iter()
        .any(|m| matches!(m.trigger, Trigger::SignIn { .. }))
    {
        v.err(kp!("population"), "a sign_in migration needs [[population.activity]] classes (share, mean_days_between_sign_ins)");
    }
    if activity.is_empty() {
        activity.push(ActivityClass {
            name: "all".into(),
            share: 1.0,
            sign_in_rate: 0.0,
        });
    }
    activity
}

/// An activity class's sign-ins per day: 0 for a dormant class, else one over its mean days
/// between sign-ins (exactly one of the two must be given).
fn sign_in_rate(v: &mut Validator, path: &KeyPath, a: &RawActivity) -> f64 {
    match (a.dormant, a.mean_days_between_sign_ins) {
        (true, None) => 0.0,
        (true, Some(_)) => {
            v.err(
                path.join("mean_days_between_sign_ins".into()),
                "a dormant class never signs in; drop mean_days_between_sign_ins",
            );
            0.0
        }
        (false, Some(m)) => {
            1.0 / v.positive(
                path.join("mean_days_between_sign_ins".into()),
                m,
                "mean days between sign-ins",
            )
        }
        (false, None) => {
            v.err(
                path.clone(),
                "give mean_days_between_sign_ins, or dormant = true",
            );
            0.0
        }
    }
}

/// `[population.graph]`; an edge-list file is read here, and one with bad lines is reported at
/// its key (and gives no graph).
fn graph(v: &mut Validator, p: &RawPopulation) -> Option<GraphSpec> {
    match &p.graph {
        None => None,
        Some(RawGraph::BarabasiAlbert { m }) => {
            if !(1..=10_000).contains(m) {
                v.err(
                    kp!("population", "graph", "m"),
                    format!("m = {m} must be from 1 to 10000"),
                );
            }
            Some(GraphSpec::BarabasiAlbert {
                m: (*m).clamp(1, 10_000) as u32,
            })
        }
        Some(RawGraph::Configuration { degree }) => Some(GraphSpec::Configuration {
            degree: v.dist(kp!("population", "graph", "degree"), degree, "degree"),
        }),
        Some(RawGraph::File { file }) => {
            let path = std::path::PathBuf::from(file);
            match import::edge_list(&path) {
                Ok(edges) => Some(GraphSpec::File { edges }),
                Err(bad) => {
                    v.err(
                        kp!("population", "graph", "file"),
                        import::bad_lines_message("the edge list has bad lines", &path, &bad),
                    );
                    None
                }
            }
        }
    }
}

/// Refuses an edge-list file that does not fit the population: an address in a generated
/// population, a person the import does not have. Checked here rather than when the world is
/// built, so that validate refuses what run would. Skipped when the import itself failed (that
/// is reported at the import).
fn edges_fit(
    v: &mut Validator,
    p: &RawPopulation,
    graph: Option<&GraphSpec>,
    import: Option<&ContactList>,
    persons_per_user: &[Option<f64>],
) {
    let Some(GraphSpec::File { edges }) = graph else {
        return;
    };
    if p.import.is_some() && import.is_none() {
        return;
    }
    let imported = import.map(|l| (l, l.persons(persons_per_user)));
    let misfits = edges.misfits(imported);
    if !misfits.is_empty() {
        v.err(
            kp!("population", "graph", "file"),
            import::bad_lines_message(
                "the edge list does not fit the population",
                &edges.path,
                &misfits,
            ),
        );
    }
}

/// Refuses word of mouth (a Bass migration's q > 0) without a contact graph to spread over, or
/// over an edge-list file with no edge between two persons.
fn bass_needs_graph(
    v: &mut Validator,
    p: &RawPopulation,
    graph: Option<&GraphSpec>,
    migrations: &[Migration],
    migration_items: &[usize],
) {
    for (i, m) in migrations.iter().enumerate() {
        let Trigger::Bass { q, .. } = m.trigger else {
            continue;
        };
        if let Some(GraphSpec::File { edges }) = graph {
            if q > 0.0 && edges.usable_edges() == 0 {
                v.err(
                    kp!("migrations", migration_items[i], "q"),
                    format!("word of mouth (q > 0) spreads over the persons' contact graph, but '{}' has no edge between two persons: no contagion can happen; add edges or set q = 0", edges.path.display()),
                );
            }
        }
        // A graph that was given but could not be read is reported once, at its file.
        if q > 0.0 && p.graph.is_none() {
            v.err(
                kp!("migrations", migration_items[i], "q"),
                "word of mouth (q > 0) spreads over the persons' contact graph: add [population.graph] (kind = \"barabasi_albert\", \"configuration\" or \"file\")",
            );
        }
    }
}

/// `world`: a folder to replay, which cannot be combined with an import.
fn world(v: &mut Validator, p: &RawPopulation) -> Option<std::path::PathBuf> {
    let world = p.world.as_ref().map(std::path::PathBuf::from);
    if let Some(dir) = &world {
        if p.import.is_some() {
            v.err(
                kp!("population", "world"),
                "a world replays a generated population; it cannot be combined with [population.import] (drop one of them)",
            );
        } else if !dir.is_dir() {
            v.err(
                kp!("population", "world"),
                format!(
                    "'{}' is not a folder (a world written by `picsim population --export`)",
                    dir.display()
                ),
            );
        }
    }
    world
}
