//! The table of headline figures printed at the end of a run.

use super::headline::Headline;
use super::number::thousands;
use crate::run::summary::RunResult;
use std::path::Path;

/// The end-of-run text: what ran, the headline figures, and where the report is.
pub(crate) fn summary_text(
    r: &RunResult,
    headlines: &[Headline],
    report: &Path,
    wall_seconds: f64,
) -> String {
    let s = &r.scenario;
    let mut out = format!(
        "picsim: {} ({} to {}), {} replication{}, {} users, {} entries at the start (replication 0), {:.1} s on {} thread{}\n\n",
        s.name,
        s.start,
        s.end,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        thousands(r.sizes.users as f64),
        thousands(r.sizes.entries as f64),
        wall_seconds,
        r.threads,
        if r.threads == 1 { "" } else { "s" },
    );
    if let Some(list) = &s.population.import {
        out.push_str(&imported_text(list));
    }
    let width = headlines
        .iter()
        .map(|h| h.label.chars().count())
        .max()
        .unwrap_or(0);
    for h in headlines {
        let pad = width - h.label.chars().count();
        out.push_str(&format!(
            "  {}{} {:>14}\n",
            h.label,
            " ".repeat(pad),
            h.display()
        ));
    }
    out.push_str(&format!(
        "\n(means over replications)\nReport: {}\n",
        report.display()
    ));
    out
}

/// What an imported run simulated and left out, in two lines.
fn imported_text(list: &crate::scenario::import::ContactList) -> String {
    let n = |v: u64| thousands(v as f64);
    let file = list.file_name();
    let l = &list.left_out;
    let mut left = Vec::new();
    if l.internal + l.partner > 0 {
        left.push(format!(
            "{} internal and {} partner contacts",
            n(l.internal),
            n(l.partner)
        ));
    }
    if l.distribution_groups > 0 {
        left.push(format!("{} distribution groups", n(l.distribution_groups)));
    }
    if !list.rejected.is_empty() {
        left.push(format!(
            "{} refused (in rejected.csv)",
            n(list.rejected.len() as u64)
        ));
    }
    format!(
        "Imported {file} ({}): {} users ({} with no public-IM contact), {} public-IM entries; left out: {}.\nPer user and contact: user_impact.csv.\n\n",
        list.source.describe(),
        n(list.users() as u64),
        n(list.users_without_entries() as u64),
        n(list.rows.len() as u64),
        if left.is_empty() {
            "nothing".to_string()
        } else {
            left.join(", ")
        }
    )
}
