//! `[population]`: contacts per user, the network mix, persons and entries, activity classes,
//! multi-homing, the persons' contact graph and an imported contact list (read here, so that
//! validate refuses what a run would).

use super::super::import;
use super::super::model::{
    ActivityClass, GraphSpec, Migration, MultiHoming, PopulationSpec, Trigger,
};
use super::super::network::{Network, NetworkId};
use super::super::raw::{RawGraph, RawInitialContacts, RawPopulation};
use super::check::{Validator, kp, number};

/// Most persons per user on one network: far above any real contact network, low enough that
/// persons counted from it stay within 32-bit ids for any world that fits in memory.
const MAX_PERSONS_PER_USER: f64 = 1e6;

/// Checks `[population]` against the networks, and the migrations that need a contact graph or
/// activity classes (`migration_items`: each migration's `[[migrations]]` index).
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
    let mut network_mix = vec![0.0; networks.len()];
    for (id, share) in &p.network_mix {
        let s = v.share(kp!("population", "network_mix", id), *share);
        if let Some(n) = v.lookup(
            kp!("population", "network_mix", id),
            id,
            "network",
            network_names,
        ) {
            network_mix[n as usize] = s;
        }
    }
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
    let mut persons_per_user = vec![None; networks.len()];
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
    let popularity_exponent = p.popularity_exponent.unwrap_or(0.0);
    if !(0.0..1.0).contains(&popularity_exponent) {
        v.err(
            kp!("population", "popularity_exponent"),
            format!("{popularity_exponent} must be from 0 (uniform) up to, not including, 1"),
        );
    }
    let mut microsoft_account_share = vec![0.0; networks.len()];
    for (id, share) in &p.microsoft_account_share {
        let path = kp!("population", "microsoft_account_share", id);
        let s = v.share(path.clone(), *share);
        if let Some(n) = v.lookup(path, id, "network", network_names) {
            microsoft_account_share[n as usize] = s;
        }
    }
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
        let sign_in_rate = match (a.dormant, a.mean_days_between_sign_ins) {
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
        };
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
    let graph = match &p.graph {
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
    };
    let import = p
        .import
        .as_ref()
        .and_then(|i| super::import::import(v, i, networks));
    if let Some(GraphSpec::File { edges }) = &graph {
        // Checked here rather than when the world is built, so that validate refuses what run
        // would (an address in a generated population, a person the import does not have).
        if p.import.is_none() || import.is_some() {
            let imported = import.as_deref().map(|l| (l, l.persons(&persons_per_user)));
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
    }
    for (i, m) in migrations.iter().enumerate() {
        if let Trigger::Bass { q, .. } = m.trigger {
            if let Some(GraphSpec::File { edges }) = &graph {
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
    if activity.is_empty() {
        activity.push(ActivityClass {
            name: "all".into(),
            share: 1.0,
            sign_in_rate: 0.0,
        });
    }

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
