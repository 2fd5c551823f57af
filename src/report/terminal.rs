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
