//! What can be observed (`Metrics`: a run's columns and the shares made from them) and one
//! observation placed among a run's reported rows and metrics (`Observation`).

use chrono::NaiveDate;

/// One observation, placed among a run's reported rows and columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Observation {
    /// The day observed.
    pub(crate) date: NaiveDate,
    /// The metric, as `series.csv` names it.
    pub(crate) metric: String,
    /// The observed value.
    pub(crate) value: f64,
    /// Its standard error, if known.
    pub(crate) sem: Option<f64>,
    /// Its reported row in a run.
    pub(crate) row: usize,
    /// Its metric's index among [`Metrics::names`].
    pub(crate) column: usize,
    /// Its metric's size: what its differences are divided by before any simulation.
    pub(crate) scale: f64,
}

/// What a share is made of: a column over the sum of others.
#[derive(Debug, Clone, PartialEq)]
struct Share {
    name: String,
    part: usize,
    whole: Vec<usize>,
}

/// The metrics that can be observed: `series.csv`'s columns, then the shares made from them:
/// `reachable_share` (entries reachable for IM over all entries), per network
/// `reachable_share_<network>` (entries reachable on that network over all entries: the share of
/// a contact list already on Skype, say), and `users_lost_some_share` and `users_isolated_share`
/// (over users). (A migration's persons have no share: its population is not a column.)
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Metrics {
    /// Every metric's name: the columns, then the shares.
    pub(crate) names: Vec<String>,
    /// The run's columns (counts): the metrics before them; shares after.
    pub(crate) columns: usize,
    shares: Vec<Share>,
}

impl Metrics {
    /// The metrics of a run with these `columns`.
    pub(crate) fn new(columns: &[String]) -> Metrics {
        let at = |name: &str| columns.iter().position(|c| c == name);
        let mut shares = Vec::new();
        let mut share = |name: String, part: Option<usize>, whole: Vec<Option<usize>>| {
            if let (Some(part), Some(whole)) = (part, whole.into_iter().collect::<Option<Vec<_>>>())
            {
                shares.push(Share { name, part, whole });
            }
        };
        share(
            "reachable_share".into(),
            at("reachable_im"),
            vec![at("entries")],
        );
        share(
            "users_lost_some_share".into(),
            at("users_lost_some"),
            vec![at("users")],
        );
        share(
            "users_isolated_share".into(),
            at("users_isolated"),
            vec![at("users")],
        );
        for c in columns {
            if let Some(network) = c.strip_prefix("reachable_") {
                if !crate::scenario::Modalities::NAMES.contains(&network) {
                    share(
                        format!("reachable_share_{network}"),
                        at(c),
                        vec![at("entries")],
                    );
                }
            }
        }
        let mut names = columns.to_vec();
        names.extend(shares.iter().map(|s| s.name.clone()));
        Metrics {
            names,
            columns: columns.len(),
            shares,
        }
    }

    /// Every metric of one reported row (`row`: the run's columns), counts then shares (0 when
    /// the whole is 0).
    pub(crate) fn values(&self, row: &[i64]) -> Vec<f64> {
        let mut out: Vec<f64> = row.iter().map(|&v| v as f64).collect();
        out.extend(self.shares.iter().map(|s| self.share(s, row)));
        out
    }

    /// Metric `m` of one reported row.
    pub(crate) fn value(&self, m: usize, row: &[i64]) -> f64 {
        match m.checked_sub(self.columns) {
            None => row[m] as f64,
            Some(s) => self.share(&self.shares[s], row),
        }
    }

    fn share(&self, s: &Share, row: &[i64]) -> f64 {
        let whole: i64 = s.whole.iter().map(|&c| row[c]).sum();
        if whole == 0 {
            0.0
        } else {
            row[s.part] as f64 / whole as f64
        }
    }
}
