//! The table of headline figures printed at the end of a run.

use super::Headline;
use crate::replicate::RunResult;
use std::path::Path;

/// The end-of-run text: what ran, the headline figures, and where the report is.
pub fn summary_text(r: &RunResult, headlines: &[Headline], report: &Path, wall_seconds: f64) -> String {
    let s = &r.scenario;
    let mut out = format!(
        "picsim: {} ({} to {}), {} replication{}, {} users, {} entries at the start (replication 0), {:.1} s on {} thread{}\n\n",
        s.name,
        s.start,
        s.end,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        thousands(r.sizes.users),
        thousands(r.sizes.entries),
        wall_seconds,
        r.threads,
        if r.threads == 1 { "" } else { "s" },
    );
    let width = headlines.iter().map(|h| h.label.chars().count()).max().unwrap_or(0);
    for h in headlines {
        let pad = width - h.label.chars().count();
        out.push_str(&format!("  {}{} {:>14}\n", h.label, " ".repeat(pad), h.display()));
    }
    out.push_str(&format!("\n(means over replications)\nReport: {}\n", report.display()));
    out
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
