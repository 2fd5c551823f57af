//! What a replication's counting produces: per-day counters, per-organisation outcomes, imported
//! entries' impacts and event tallies.

use crate::day::Day;
use crate::scenario::NetworkId;

/// One organisation's outcome in one replication (`orgs.csv`, apart from what comes straight from
/// the organisation's attributes).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrgOutcome {
    /// Users.
    pub(crate) users: u32,
    /// Entries existing on the last day.
    pub(crate) entries: u64,
    /// Reachable (`im`) entries over existing entries on the first day (`None`: no entries).
    pub share_first: Option<f64>,
    /// The same on the last day.
    pub share_last: Option<f64>,
    /// Lowest share over days with entries, and its first day.
    pub lowest: Option<(f64, Day)>,
    /// Per provider, the last day in `0..=last` it served the organisation for some network.
    pub last_served: Vec<Option<Day>>,
}

/// How an entry was first lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LossCause {
    /// Never reachable since it existed.
    NeverReachable,
    /// Lost because its account became inactive.
    LostAccount,
    /// Lost because no provider served it any more (or its network lost the modality).
    LostFederation,
}

impl LossCause {
    /// The contract name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            LossCause::NeverReachable => "never_reachable",
            LossCause::LostAccount => "lost_account",
            LossCause::LostFederation => "lost_federation",
        }
    }
}

/// What happened to one entry of an imported contact list (`user_impact.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct EntryImpact {
    /// The first day it was unreachable after having been reachable (or lost and recovered the
    /// same day).
    pub first_lost: Option<Day>,
    /// Why (`NeverReachable` with no `first_lost`).
    pub cause: Option<LossCause>,
    /// The first day a recovery re-pointed it after the loss.
    pub recovered: Option<Day>,
}

/// An imported entry's impact, with who and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImpactRow {
    /// User id.
    pub(crate) user: u32,
    /// Position on the user's list.
    pub(crate) position: u32,
    /// The person.
    pub(crate) person: u32,
    /// The network of the account on the list.
    pub(crate) network: NetworkId,
    /// What happened.
    pub impact: EntryImpact,
}

/// Counts of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationCounts {
    /// Per column, per day `0..=last`: `daily[col · days + day]`.
    pub(crate) daily: Vec<i64>,
    /// Number of days.
    pub days: usize,
    /// Per organisation this process counted, by id from `first_org` (every organisation in a
    /// single-process run).
    pub orgs: Vec<OrgOutcome>,
    /// Id of the first organisation of `orgs`.
    pub(crate) first_org: u32,
    /// Event tallies.
    pub stats: EngineStats,
    /// Per imported entry, what happened to it (empty unless the population is imported).
    pub impacts: Vec<ImpactRow>,
}

impl ReplicationCounts {
    /// The value of column `col` on `day`.
    pub fn get(&self, col: usize, day: Day) -> i64 {
        self.daily[col * self.days + day as usize]
    }
}

/// Tallies of what happened in a replication (for the manifest and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EngineStats {
    /// Entries added by contact adding.
    pub entries_added: u64,
    /// Additions given up because no eligible person was found.
    pub additions_failed: u64,
    /// Permanent losses detected.
    pub permanent_losses: u64,
    /// Recovery re-points carried out.
    pub recoveries: u64,
}

impl EngineStats {
    /// Adds `o`'s tallies to these.
    pub(crate) fn add(&mut self, o: &EngineStats) {
        for (mine, theirs) in self.tallies_mut().into_iter().zip(o.tallies()) {
            *mine += theirs;
        }
    }

    /// Every tally, in field order: reductions add them element-wise without naming them, so a
    /// new tally is added here and nowhere else.
    pub(crate) fn tallies(&self) -> [u64; 4] {
        [
            self.entries_added,
            self.additions_failed,
            self.permanent_losses,
            self.recoveries,
        ]
    }

    /// The tallies of [`EngineStats::tallies`], to overwrite.
    pub(crate) fn tallies_mut(&mut self) -> [&mut u64; 4] {
        [
            &mut self.entries_added,
            &mut self.additions_failed,
            &mut self.permanent_losses,
            &mut self.recoveries,
        ]
    }
}
