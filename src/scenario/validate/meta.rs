//! `[scenario]`: the name (which names the output folder), the span of days, the report step
//! and the number of replications.

use super::super::raw::RawMeta;
use super::check::{Validator, kp};

/// Longest scenario, in days (about 200 years): guards against a typo in a year.
const MAX_DAYS: i64 = 73_000;

/// The validated step and replication count of `[scenario]`.
pub(super) struct Meta {
    /// Days between report rows.
    pub(super) step_days: u32,
    /// Monte Carlo replications.
    pub(super) replications: u32,
}

/// Checks `[scenario]`.
pub(super) fn meta(v: &mut Validator, meta: &RawMeta) -> Meta {
    let start = meta.start.0;
    let end = meta.end.0;
    if meta.name.is_empty()
        || meta.name.starts_with('.')
        || !meta
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        v.err(
            kp!("scenario", "name"),
            format!("`{}` is not a usable name; use letters, digits, '-', '_' or '.', not starting with '.' (it names the output folder)", meta.name),
        );
    }
    if end < start {
        v.err(
            kp!("scenario", "end"),
            format!("end {end} is before start {start}"),
        );
    } else if (end - start).num_days() >= MAX_DAYS {
        v.err(
            kp!("scenario", "end"),
            format!(
                "the scenario spans {} days; at most {MAX_DAYS} are supported",
                (end - start).num_days() + 1
            ),
        );
    }
    let step_days = meta.step_days.unwrap_or(1);
    if !(1..=MAX_DAYS).contains(&step_days) {
        v.err(
            kp!("scenario", "step_days"),
            format!("step_days {step_days} must be from 1 to {MAX_DAYS}"),
        );
    }
    let replications = meta.replications.unwrap_or(20);
    if !(1..=1_000_000).contains(&replications) {
        v.err(
            kp!("scenario", "replications"),
            format!("replications {replications} must be from 1 to 1000000"),
        );
    }

    Meta {
        step_days: u32::try_from(step_days).unwrap_or(1),
        replications: u32::try_from(replications).unwrap_or(1),
    }
}
