//! `[[migrations]]`: from and to networks, the trigger and its parameters, `forced_by`; at most
//! one migration leaves a network, and migrations form no cycle.

use super::super::key::KeyPath;
use super::super::model::{InitialAdopters, MAX_MIGRATIONS, Migration, Trigger};
use super::super::network::NetworkId;
use super::super::raw::{RawInitial, RawMigration, RawTrigger};
use super::check::{Validator, kp};
use crate::day::Window;

/// Checks `[[migrations]]`. Returns the migrations that resolved, in file order, and for each
/// the index of its `[[migrations]]` item (for messages about it from later sections).
pub(super) fn migrations(
    v: &mut Validator,
    raw: &[RawMigration],
    network_names: &[(String, NetworkId)],
) -> (Vec<Migration>, Vec<usize>) {
    let mut migrations = Vec::new();
    let mut migration_items = Vec::new();
    for (i, m) in raw.iter().enumerate() {
        let path = kp!("migrations", i);
        let from = v.lookup(path.join("from".into()), &m.from, "network", network_names);
        let to = v.lookup(path.join("to".into()), &m.to, "network", network_names);
        if from.is_some() && from == to {
            v.err(
                path.join("to".into()),
                "a migration must go to another network than its `from`",
            );
        }
        let trigger = trigger(v, &path, m);
        if let (Some(f), Some(t)) = (from, to) {
            if migrations.iter().any(|mm: &Migration| mm.from == f) {
                v.err(path.join("from".into()), format!("network `{}` already has a migration; at most one migration may leave a network", m.from));
            }
            migration_items.push(i);
            migrations.push(Migration {
                from: f,
                to: t,
                trigger,
                forced_by: m.forced_by.map(|d| v.day(d)),
                contacts_follow: m.contacts_follow.unwrap_or(true),
                label: format!("{}_to_{}", m.from, m.to),
            });
        }
    }
    if raw.len() > MAX_MIGRATIONS {
        v.err(
            kp!("migrations"),
            format!(
                "{} migrations; at most {} are supported",
                raw.len(),
                MAX_MIGRATIONS
            ),
        );
    }
    if let Some(cycle_at) = migration_cycle(&migrations) {
        v.err(
            kp!("migrations", migration_items[cycle_at]),
            "migrations form a cycle (a person could move back and forth); remove one of them",
        );
    }

    (migrations, migration_items)
}

/// The trigger of the migration at `path`, after refusing the keys only a Bass migration takes
/// on any other.
fn trigger(v: &mut Validator, path: &KeyPath, m: &RawMigration) -> Trigger {
    if m.trigger != RawTrigger::Bass {
        for (key, given) in [
            ("p", m.p.is_some()),
            ("q", m.q.is_some()),
            ("initial", m.initial.is_some()),
        ] {
            if given {
                v.err(
                    path.join(key.into()),
                    format!("`{key}` applies only to trigger = \"bass\""),
                );
            }
        }
    }
    match m.trigger {
        RawTrigger::Scheduled => scheduled(v, path, m),
        RawTrigger::SignIn => sign_in(v, path, m),
        RawTrigger::Bass => bass(v, path, m),
    }
}

/// A scheduled migration: on one day (`at`) or on a day drawn from `window`.
fn scheduled(v: &mut Validator, path: &KeyPath, m: &RawMigration) -> Trigger {
    match (m.at, m.window) {
        (Some(at), None) => Trigger::Scheduled {
            window: Window::new(v.day(at), v.day(at)),
        },
        (None, Some(window)) => {
            let wpath = path.join("window".into());
            if window.from.is_none() {
                v.err(
                    wpath.join("from".into()),
                    "a scheduled migration's window needs `from`",
                );
            }
            Trigger::Scheduled {
                window: v.draw_window(&wpath, window.from, window.until, "the window"),
            }
        }
        _ => {
            v.err(
                path.clone(),
                "a scheduled migration needs exactly one of `at` or `window`",
            );
            Trigger::Scheduled {
                window: Window::new(0, 0),
            }
        }
    }
}

/// A sign_in migration: its rollout window, which must have a first day.
fn sign_in(v: &mut Validator, path: &KeyPath, m: &RawMigration) -> Trigger {
    let wpath = path.join("window".into());
    let window = m.window.unwrap_or_default();
    if m.at.is_some() {
        v.err(
            path.join("at".into()),
            "a sign_in migration takes `window` (the rollout), not `at`",
        );
    }
    if window.from.is_none() {
        v.err(
            wpath.join("from".into()),
            "a sign_in migration needs window.from (the first rollout day)",
        );
    }
    Trigger::SignIn {
        rollout: v.draw_window(&wpath, window.from, window.until, "the rollout window"),
    }
}

/// A Bass migration: the day the contagion starts, `p`, `q` and the initial adopters.
fn bass(v: &mut Validator, path: &KeyPath, m: &RawMigration) -> Trigger {
    let wpath = path.join("window".into());
    let window = m.window.unwrap_or_default();
    if m.at.is_some() {
        v.err(
            path.join("at".into()),
            "a bass migration takes window.from (the day the contagion starts), not `at`",
        );
    }
    if window.from.is_none() {
        v.err(
            wpath.join("from".into()),
            "a bass migration needs window.from (the day the contagion starts)",
        );
    }
    if window.until.is_some() {
        v.err(
            wpath.join("until".into()),
            "a bass migration has no window.until; use forced_by to end it",
        );
    }
    let p = match m.p {
        Some(p) => v.non_negative(path.join("p".into()), p, "Bass p (per year)"),
        None => {
            v.err(
                path.join("p".into()),
                "trigger = \"bass\" needs `p`, the spontaneous rate per year (e.g. 0.03)",
            );
            0.0
        }
    };
    let q = match m.q {
        Some(q) => v.non_negative(path.join("q".into()), q, "Bass q (per year)"),
        None => {
            v.err(
                path.join("q".into()),
                "trigger = \"bass\" needs `q`, the word-of-mouth coefficient per year (e.g. 0.38)",
            );
            0.0
        }
    };
    Trigger::Bass {
        from: v.opt_day(window.from, 0),
        p,
        q,
        initial: initial_adopters(v, path, m.initial),
    }
}

/// A Bass migration's `initial`: a whole number is a count of persons, a number below 1 a
/// share of them.
fn initial_adopters(
    v: &mut Validator,
    path: &KeyPath,
    initial: Option<RawInitial>,
) -> InitialAdopters {
    match initial {
        None => InitialAdopters::Count(0),
        Some(RawInitial::Count(c)) if c >= 0 => InitialAdopters::Count(c as u64),
        Some(RawInitial::Share(s)) if s >= 1.0 => {
            v.err(
                path.join("initial".into()),
                format!("initial = {s:?} would be every person; write a whole number (e.g. 10) for a count of persons, or a share below 1"),
            );
            InitialAdopters::Count(0)
        }
        Some(RawInitial::Share(s)) => {
            InitialAdopters::Share(v.share(path.join("initial".into()), s))
        }
        Some(RawInitial::Count(c)) => {
            v.err(
                path.join("initial".into()),
                format!("initial {c} must be 0 or more"),
            );
            InitialAdopters::Count(0)
        }
    }
}

/// The index of a migration that closes a cycle in the network graph, if any.
fn migration_cycle(migrations: &[Migration]) -> Option<usize> {
    // At most one migration leaves each network, so following `to` from any start either ends or
    // loops within `migrations.len()` steps.
    for (i, start) in migrations.iter().enumerate() {
        let mut at = start.to;
        for _ in 0..=migrations.len() {
            match migrations.iter().find(|m| m.from == at) {
                Some(m) if m.from == start.from => return Some(i),
                Some(m) => at = m.to,
                None => break,
            }
            if at == start.from {
                return Some(i);
            }
        }
    }
    None
}
