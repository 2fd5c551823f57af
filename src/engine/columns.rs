//! The per-day metrics a replication counts, and where each sits among `series.csv`'s columns.

use crate::scenario::{NetworkId, Scenario};

/// The per-day metrics of `docs/model.md`, in the order of `series.csv`'s columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// Column names.
    pub names: Vec<String>,
    networks: usize,
    migrations: usize,
}

impl Columns {
    /// Entries that exist.
    pub(crate) const ENTRIES: usize = 0;
    /// Reachable for `im`; `+1` presence, `+2` audio, `+3` video.
    pub(crate) const REACHABLE_IM: usize = 1;

    /// The columns of scenario `s`.
    pub fn new(s: &Scenario) -> Columns {
        let mut names: Vec<String> = [
            "entries",
            "reachable_im",
            "reachable_presence",
            "reachable_audio",
            "reachable_video",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        names.extend(s.networks.iter().map(|n| format!("reachable_{}", n.id)));
        names.extend(
            [
                "never_reachable",
                "lost_account",
                "lost_federation",
                "users",
                "users_some_unreachable",
                "users_lost_some",
                "users_isolated",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        for m in &s.migrations {
            names.push(format!("migrated_{}", m.label));
            names.push(format!("stranded_{}", m.label));
        }
        names.extend(s.providers.iter().map(|p| format!("orgs_{}", p.id)));
        Columns {
            names,
            networks: s.networks.len(),
            migrations: s.migrations.len(),
        }
    }

    /// Number of columns.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// `reachable_<network>`.
    pub(crate) fn reachable_network(&self, n: NetworkId) -> usize {
        5 + n as usize
    }
    /// `never_reachable`; `+1` `lost_account`, `+2` `lost_federation`.
    pub(crate) fn never_reachable(&self) -> usize {
        5 + self.networks
    }
    /// `users`.
    pub(crate) fn users(&self) -> usize {
        self.never_reachable() + 3
    }
    /// `users_some_unreachable`; `+1` `users_lost_some`, `+2` `users_isolated`.
    pub(crate) fn users_some_unreachable(&self) -> usize {
        self.users() + 1
    }
    /// `migrated_<label>` of migration `i` (`stranded_` is the next column).
    pub(crate) fn migrated(&self, i: usize) -> usize {
        self.users() + 4 + 2 * i
    }
    /// `orgs_<provider>`.
    pub(crate) fn orgs(&self, p: usize) -> usize {
        self.users() + 4 + 2 * self.migrations + p
    }

    /// Index of a column by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}
