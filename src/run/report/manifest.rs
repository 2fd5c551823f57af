//! `manifest.json`: what was run, with what, how big it was and how long it took. It is the one
//! output that may differ between runs of the same scenario and seed (timings, memory, threads,
//! ranks, and how many populations were generated, which depends on how jobs were scheduled).

use crate::output::manifest::toml_to_json;
use crate::run::summary::RunResult;
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::path::Path;

/// Version of the model (`docs/model.md`) this build implements.
pub(crate) const MODEL_VERSION: &str = "1";
/// Version of the output files' layout; bumped when a column or file changes meaning.
pub(crate) const OUTPUT_SCHEMA_VERSION: &str = "1";

/// Facts about the invocation that the result does not hold.
pub(crate) struct Invocation<'a> {
    /// Scenario file, if the scenario came from one.
    pub(crate) scenario_path: Option<&'a Path>,
    /// SHA-256 of the scenario file's bytes, hex.
    pub(crate) scenario_sha256: Option<String>,
    /// The command line.
    pub(crate) command_line: Vec<String>,
    /// Total wall time so far, seconds.
    pub(crate) wall_seconds: f64,
    /// The memory guard's estimate of peak memory, bytes (per rank in distributed runs).
    pub(crate) memory_estimate: Option<f64>,
    /// Ranks of the run.
    pub(crate) rank_count: usize,
    /// Per rank of a distributed run: bytes sent and peak memory (one entry for one process;
    /// none when a sweep's run is written while the other ranks still run).
    pub(crate) ranks: Vec<(u64, u64)>,
}

/// The manifest as JSON; `report_seconds` is the time spent writing the other files.
pub(crate) fn manifest(r: &RunResult, inv: &Invocation, report_seconds: f64) -> Value {
    let s = &r.scenario;
    let mut timings: serde_json::Map<String, Value> = r
        .timings
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    timings.insert("report".into(), json!(report_seconds));
    json!({
        "picsim_version": env!("CARGO_PKG_VERSION"),
        "model_version": MODEL_VERSION,
        "output_schema_version": OUTPUT_SCHEMA_VERSION,
        "rng": crate::rng::ALGORITHM,
        "scenario": {
            "name": s.name,
            "path": inv.scenario_path.map(|p| p.display().to_string()),
            "sha256": inv.scenario_sha256,
            "effective": toml_to_json(&toml::Value::Table(s.effective.clone())),
        },
        "command_line": inv.command_line,
        "seed": s.seed,
        "replications": s.replications,
        "threads": r.threads,
        "start": s.start.to_string(),
        "end": s.end.to_string(),
        "reported_days": r.dates.len(),
        "columns": r.columns,
        "population": {
            "orgs": r.sizes.orgs,
            "users": r.sizes.users,
            "persons": r.sizes.persons,
            "entries": r.sizes.entries,
            "graph_edges": r.sizes.graph_edges,
            "bytes": r.sizes.population_bytes,
            "note": "sizes of replication 0; entries are those at the start (contact adding adds more)",
            "generated": r.populations_generated,
            "generated_note": format!(
                "generated {} populations for {} replications (a sweep's run may reuse the populations of runs that differ only in keys generation does not read)",
                r.populations_generated, s.replications
            ),
        },
        "events": {
            "entries_added": r.stats.entries_added,
            "additions_failed": r.stats.additions_failed,
            "permanent_losses": r.stats.permanent_losses,
            "recoveries": r.stats.recoveries,
            "note": "summed over replications",
        },
        "timings_seconds": timings,
        "timings_note": "seconds per phase, summed over replications",
        "wall_seconds": inv.wall_seconds + report_seconds,
        "peak_rss_bytes": crate::sys::peak_rss_bytes(),
        "memory_estimate_bytes": inv.memory_estimate.map(|b| b as u64),
        "ranks": inv.rank_count.max(1),
        "per_rank": inv.ranks.iter().enumerate().map(|(r, (sent, peak))| json!({"rank": r, "bytes_sent": sent, "peak_rss_bytes": peak})).collect::<Vec<_>>(),
        "created": chrono::Local::now().to_rfc3339(),
    })
}

/// Headline figures as JSON (read back by `picsim compare`).
pub(crate) fn headlines_json(headlines: &[super::headline::Headline]) -> Value {
    Value::Array(
        headlines
            .iter()
            .map(|h| {
                json!({
                    "key": h.key,
                    "label": h.label,
                    "value": h.value,
                    "unit": match h.unit {
                        super::headline::Unit::Share => "share",
                        super::headline::Unit::Count => "count",
                        super::headline::Unit::Money => "money",
                    },
                })
            })
            .collect(),
    )
}

/// Writes `manifest.json`, with the run's headline figures.
pub(crate) fn write(
    r: &RunResult,
    inv: &Invocation,
    report_seconds: f64,
    headlines: &[super::headline::Headline],
    path: &Path,
) -> Result<()> {
    let mut value = manifest(r, inv, report_seconds);
    value["headlines"] = headlines_json(headlines);
    let text = serde_json::to_string_pretty(&value)?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("could not write '{}'", path.display()))
}
