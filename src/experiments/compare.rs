//! Comparing runs: the points of a sweep, or finished runs read back from their folders.
//!
//! A [`Comparison`] holds, per run, its label, the values that distinguish it, its per-day
//! summaries and its headline figures. It is built from [`RunResult`]s (sweeps) or from run
//! folders (`picsim compare`, which refuses runs whose dates or metrics differ) and written as
//! `compare.csv`, `compare_<metric>.png`, `report.html` and a terminal table.

use crate::report::headline::{Headline, Unit};
use crate::run::summary::{RunResult, Stat};
use crate::scenario::KeyDate;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Metrics drawn as `compare_<metric>.png` (when present in every run).
pub const CHART_METRICS: [&str; 6] = [
    "reachable_im",
    "users_lost_some",
    "users_isolated",
    "lost_federation",
    "lost_account",
    "never_reachable",
];

/// One run as a comparison sees it.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// Short id (`run-001`, or the folder name).
    pub id: String,
    /// What distinguishes it, for legends (`recovery.probability=0.5`, or the scenario name).
    pub label: String,
    /// Swept values, as TOML text, in the comparison's key order.
    pub values: Vec<String>,
    /// Reported dates.
    pub dates: Vec<NaiveDate>,
    /// Metric names.
    pub columns: Vec<String>,
    /// `dates × columns` summaries, row-major.
    pub summary: Vec<Stat>,
    /// Headline figures.
    pub headlines: Vec<Headline>,
    /// The run's folder relative to the comparison's (for links), if it has one.
    pub link: Option<String>,
    /// Replications.
    pub replications: u32,
}

impl RunSummary {
    /// From a finished run.
    pub fn from_result(
        id: &str,
        label: &str,
        values: Vec<String>,
        r: &RunResult,
        link: Option<String>,
    ) -> RunSummary {
        RunSummary {
            id: id.to_string(),
            label: label.to_string(),
            values,
            dates: r.dates.clone(),
            columns: r.columns.clone(),
            summary: r.summary.clone(),
            headlines: crate::report::headlines(r),
            link,
            replications: r.scenario.replications,
        }
    }

    /// The summary of `metric` on row `row`.
    pub fn stat(&self, row: usize, metric: &str) -> Option<&Stat> {
        let col = self.columns.iter().position(|c| c == metric)?;
        self.summary.get(row * self.columns.len() + col)
    }

    /// A headline by key.
    pub fn headline(&self, key: &str) -> Option<&Headline> {
        self.headlines.iter().find(|h| h.key == key)
    }
}

/// Several runs over the same dates and metrics.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Title for reports.
    pub title: String,
    /// Free text for reports.
    pub description: String,
    /// The keys whose values distinguish runs (swept keys; empty for `compare`).
    pub keys: Vec<String>,
    /// The runs, in order.
    pub runs: Vec<RunSummary>,
    /// Key dates for chart markers (from the first run's scenario, when known).
    pub key_dates: Vec<KeyDate>,
}

impl Comparison {
    /// Checks that every run reports the same dates and metrics, saying which differ.
    pub fn check_compatible(&self) -> Result<()> {
        let Some(first) = self.runs.first() else {
            bail!("nothing to compare");
        };
        for r in &self.runs[1..] {
            if r.dates != first.dates {
                let span = |s: &RunSummary| match (s.dates.first(), s.dates.last()) {
                    (Some(a), Some(b)) => format!("{a} to {b} ({} reported days)", s.dates.len()),
                    _ => "no dates".into(),
                };
                bail!(
                    "runs report different dates: '{}' has {}, '{}' has {}; compare runs of the same period and step_days",
                    first.id,
                    span(first),
                    r.id,
                    span(r)
                );
            }
            if r.columns != first.columns {
                let only = |a: &RunSummary, b: &RunSummary| -> Vec<String> {
                    a.columns
                        .iter()
                        .filter(|c| !b.columns.contains(c))
                        .cloned()
                        .collect()
                };
                let (x, y) = (only(first, r), only(r, first));
                bail!(
                    "runs report different metrics: '{}' has {} that '{}' lacks, and '{}' has {} that '{}' lacks (runs must have the same networks, migrations and providers)",
                    first.id,
                    if x.is_empty() {
                        "none".into()
                    } else {
                        x.join(", ")
                    },
                    r.id,
                    r.id,
                    if y.is_empty() {
                        "none".into()
                    } else {
                        y.join(", ")
                    },
                    first.id
                );
            }
        }
        Ok(())
    }

    /// Metrics to chart: [`CHART_METRICS`] that every run has.
    pub fn chart_metrics(&self) -> Vec<&'static str> {
        CHART_METRICS
            .iter()
            .copied()
            .filter(|m| self.runs.iter().all(|r| r.columns.iter().any(|c| c == m)))
            .collect()
    }

    /// Writes `compare.csv`: run, every swept value, date, metric, mean, p05, p50, p95.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let file = std::fs::File::create(path)
            .with_context(|| format!("could not create '{}'", path.display()))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        let mut header = vec!["run".to_string()];
        header.extend(self.keys.iter().cloned());
        header.extend(
            ["date", "metric", "mean", "p05", "p50", "p95"]
                .iter()
                .map(|s| s.to_string()),
        );
        writeln!(
            w,
            "{}",
            header
                .iter()
                .map(|h| csv_field(h))
                .collect::<Vec<_>>()
                .join(",")
        )?;
        for r in &self.runs {
            let prefix: Vec<String> = std::iter::once(csv_field(&r.id))
                .chain(r.values.iter().map(|v| csv_field(v)))
                .collect();
            let prefix = prefix.join(",");
            for (row, date) in r.dates.iter().enumerate() {
                for (col, metric) in r.columns.iter().enumerate() {
                    let s = &r.summary[row * r.columns.len() + col];
                    writeln!(
                        w,
                        "{prefix},{date},{metric},{:.6},{:.6},{:.6},{:.6}",
                        s.mean, s.p05, s.p50, s.p95
                    )?;
                }
            }
        }
        w.flush()
            .with_context(|| format!("could not write '{}'", path.display()))
    }

    /// The headline keys shown in tables: the first run's, in its order.
    pub fn headline_keys(&self) -> Vec<(String, String)> {
        self.runs.first().map_or_else(Vec::new, |r| {
            r.headlines
                .iter()
                .map(|h| (h.key.clone(), h.label.clone()))
                .collect()
        })
    }

    /// The runs in table order: by reachable share at the end, highest first (then by id).
    pub fn sorted_runs(&self) -> Vec<&RunSummary> {
        let end_share = |r: &RunSummary| {
            r.headlines
                .iter()
                .rev()
                .find(|h| h.key.starts_with("reachable_share@"))
                .map_or(f64::NEG_INFINITY, |h| h.value)
        };
        let mut runs: Vec<&RunSummary> = self.runs.iter().collect();
        runs.sort_by(|a, b| {
            end_share(b)
                .total_cmp(&end_share(a))
                .then_with(|| a.id.cmp(&b.id))
        });
        runs
    }

    /// The end-of-command terminal table: one row per run (sorted), the headline figures as
    /// columns, then the report's path.
    pub fn table(&self, report: &Path) -> String {
        let keys = self.headline_keys();
        let mut header: Vec<String> = vec!["run".into()];
        header.extend(self.keys.iter().cloned());
        header.extend(keys.iter().map(|(k, _)| short_key(k)));
        let mut rows: Vec<Vec<String>> = vec![header];
        for r in self.sorted_runs() {
            let mut row = vec![r.id.clone()];
            row.extend(r.values.iter().cloned());
            row.extend(
                keys.iter()
                    .map(|(k, _)| r.headline(k).map_or("—".into(), Headline::display)),
            );
            rows.push(row);
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|c| {
                rows.iter()
                    .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    let pad = widths[c] - s.chars().count();
                    if c == 0 || i == 0 {
                        format!("{s}{}", " ".repeat(pad))
                    } else {
                        format!("{}{s}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str(&format!("  {}\n", cells.join("  ")));
        }
        out.push_str(
            "\nColumns (means over replications; sorted by the reachable share at the end):\n",
        );
        for (k, label) in &keys {
            out.push_str(&format!("  {}: {label}\n", short_key(k)));
        }
        out.push_str(&format!("Report: {}\n", report.display()));
        out
    }
}

/// A short column name for a headline key.
pub fn short_key(key: &str) -> String {
    key.replace("reachable_share@", "reach@")
        .replace("users_", "")
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Reads a finished run back from its folder: `summary.csv` and `manifest.json`.
pub fn read_run(dir: &Path) -> Result<RunSummary> {
    let manifest_path = dir.join("manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).with_context(|| {
            format!(
                "'{}' is not a picsim run folder: cannot read manifest.json",
                dir.display()
            )
        })?)
        .with_context(|| format!("'{}' is not valid JSON", manifest_path.display()))?;
    let summary_path = dir.join("summary.csv");
    let mut reader = csv::Reader::from_path(&summary_path)
        .with_context(|| format!("cannot read '{}'", summary_path.display()))?;
    let mut dates: Vec<NaiveDate> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    let mut summary = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec =
            rec.with_context(|| format!("'{}': bad row {}", summary_path.display(), i + 2))?;
        let bad = || format!("'{}': bad row {}", summary_path.display(), i + 2);
        let date =
            NaiveDate::parse_from_str(rec.get(0).unwrap_or(""), "%Y-%m-%d").with_context(bad)?;
        if dates.last() != Some(&date) {
            dates.push(date);
        }
        let metric = rec.get(1).unwrap_or("").to_string();
        if dates.len() == 1 {
            columns.push(metric);
        }
        let num =
            |k: usize| -> Result<f64> { rec.get(k).unwrap_or("").parse::<f64>().with_context(bad) };
        let sem = rec
            .get(3)
            .filter(|s| !s.is_empty())
            .map(str::parse::<f64>)
            .transpose()
            .with_context(bad)?;
        summary.push(Stat {
            mean: num(2)?,
            sem,
            p05: num(4)?,
            p50: num(5)?,
            p95: num(6)?,
        });
    }
    if summary.len() != dates.len() * columns.len() {
        bail!(
            "'{}' does not have every metric on every date",
            summary_path.display()
        );
    }
    let headlines = manifest["headlines"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| {
                    Some(Headline {
                        key: h["key"].as_str()?.to_string(),
                        label: h["label"].as_str()?.to_string(),
                        value: h["value"].as_f64()?,
                        unit: match h["unit"].as_str()? {
                            "share" => Unit::Share,
                            "money" => Unit::Money,
                            _ => Unit::Count,
                        },
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let id = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let label = manifest["scenario"]["name"]
        .as_str()
        .unwrap_or(&id)
        .to_string();
    Ok(RunSummary {
        id,
        label,
        values: Vec::new(),
        dates,
        columns,
        summary,
        headlines,
        link: None,
        replications: manifest["replications"].as_u64().unwrap_or(0) as u32,
    })
}

/// The key dates of a run folder's scenario, when its effective scenario still loads.
pub fn key_dates_of(dir: &Path) -> Vec<KeyDate> {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return Vec::new();
    };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let effective = &manifest["scenario"]["effective"];
    let Ok(table) = toml::Table::try_from(effective.clone()) else {
        return Vec::new();
    };
    let Ok(text) = toml::to_string(&table) else {
        return Vec::new();
    };
    crate::scenario::load_str(&text, "manifest", &[], None)
        .map(|s| s.key_dates())
        .unwrap_or_default()
}

/// Labels runs by what differs: folder name, or scenario name when they are all different.
pub fn label_runs(runs: &mut [RunSummary]) {
    let names: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    let unique = names
        .iter()
        .enumerate()
        .all(|(i, n)| !names[..i].contains(n));
    if !unique {
        for r in runs.iter_mut() {
            r.label = r.id.clone();
        }
    }
}

/// The folder of each run of a sweep.
pub fn run_dir(out: &Path, i: usize) -> PathBuf {
    out.join(format!("run-{:03}", i + 1))
}
