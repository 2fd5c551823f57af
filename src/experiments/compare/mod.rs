//! Comparing runs, from data to page: finished runs read back from their folders (`picsim
//! compare`), or a sweep's runs.
//!
//! The [`Comparison`] itself (per run its label, the values that distinguish it, its per-day
//! summaries and its headline figures) is defined in [`result`], with `compare.csv` and the
//! terminal table; its charts `compare_<metric>.png` are drawn in [`chart`] and its
//! `report.html` laid out in [`page`], with the kit in `crate::report`. This module builds it
//! from run folders ([`from_folders`]) and refuses runs whose dates or metrics differ; a sweep's
//! comparison is built in `super::sweep`.

pub(crate) mod chart;
pub(crate) mod page;
pub(crate) mod result;

use crate::run::report::headline::{Headline, Unit};
use crate::run::summary::Stat;
use crate::scenario::Scenario;
use crate::scenario::validate::count;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use result::{Comparison, RunSummary};
use std::path::{Path, PathBuf};

impl Comparison {
    /// Checks that every run reports the same dates and metrics, saying which differ.
    pub(crate) fn check_compatible(&self) -> Result<()> {
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
}

/// The comparison of the finished runs in the folders `dirs`, to be written into the folder
/// `out` (each run links to its report from there): read, labelled by what differs, and refused
/// when their dates or metrics differ.
pub(crate) fn from_folders(dirs: &[PathBuf], out: &Path) -> Result<Comparison> {
    refuse_repeated(dirs)?;
    let mut runs: Vec<RunSummary> = dirs.iter().map(|d| read_run(d)).collect::<Result<_>>()?;
    // Key dates and words come from the first run's scenario.
    let first = dirs.first().and_then(|d| scenario_of(d));
    label_runs(&mut runs);
    for (r, dir) in runs.iter_mut().zip(dirs) {
        r.link = relative_link(out, &dir.join("report.html"));
    }
    let cmp = Comparison {
        title: format!("Comparison of {}", count(runs.len() as u64, "run", "runs")),
        description: runs
            .iter()
            .map(|r| r.label.clone())
            .collect::<Vec<_>>()
            .join(" · "),
        keys: Vec::new(),
        runs,
        key_dates: first.as_ref().map(Scenario::key_dates).unwrap_or_default(),
        words: first.map(|s| s.output.words).unwrap_or_default(),
    };
    cmp.check_compatible()?;
    Ok(cmp)
}

/// The default output folder of a comparison of `dirs`: `output/compare-<first>-<last>`, by
/// the folders' names (as sweeps and sensitivity analyses write into `output/<name>-<kind>`).
pub(crate) fn default_out(dirs: &[PathBuf]) -> PathBuf {
    let name = |d: Option<&PathBuf>| -> String {
        d.and_then(|d| {
            let d = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
            d.file_name().map(|n| n.to_string_lossy().to_string())
        })
        .unwrap_or_else(|| "runs".into())
    };
    Path::new("output").join(format!(
        "compare-{}-{}",
        name(dirs.first()),
        name(dirs.last())
    ))
}

/// Refuses a folder given twice (however spelled: `a`, `./a`, a link to it), naming both.
fn refuse_repeated(dirs: &[PathBuf]) -> Result<()> {
    let canonical: Vec<Option<PathBuf>> =
        dirs.iter().map(|d| std::fs::canonicalize(d).ok()).collect();
    for (i, c) in canonical.iter().enumerate() {
        let Some(c) = c else { continue };
        if let Some(j) = canonical[..i].iter().position(|p| p.as_ref() == Some(c)) {
            bail!(
                "'{}' and '{}' are the same folder ({}); give each run folder once",
                dirs[j].display(),
                dirs[i].display(),
                c.display()
            );
        }
    }
    Ok(())
}

/// Reads a finished run back from its folder: `summary.csv` and `manifest.json`.
fn read_run(dir: &Path) -> Result<RunSummary> {
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
                        band: serde_json::from_value(h["band"].clone()).unwrap_or(None),
                        definition: h["definition"].as_str().unwrap_or_default().to_string(),
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

/// A run folder's scenario, when the effective scenario its manifest records still loads (a
/// folder from an older picsim may not): `None` leaves the comparison without key dates and
/// with the default words.
fn scenario_of(dir: &Path) -> Option<Scenario> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let manifest = serde_json::from_str::<serde_json::Value>(&text).ok()?;
    let table = toml::Table::try_from(manifest["scenario"]["effective"].clone()).ok()?;
    let text = toml::to_string(&table).ok()?;
    crate::scenario::load_str(&text, "manifest", &[], None).ok()
}

/// Labels runs by what differs: folder name, or scenario name when they are all different.
fn label_runs(runs: &mut [RunSummary]) {
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

/// A relative link from the folder `from` (not yet created) to `to`, when both resolve.
fn relative_link(from: &Path, to: &Path) -> Option<String> {
    let abs = |p: &Path| -> Option<PathBuf> {
        let base = std::env::current_dir().ok()?;
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        };
        Some(p.components().fold(PathBuf::new(), |mut acc, c| {
            match c {
                std::path::Component::ParentDir => {
                    acc.pop();
                }
                std::path::Component::CurDir => {}
                other => acc.push(other),
            }
            acc
        }))
    };
    let (from, to) = (abs(from)?, abs(to)?);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let mut rel = PathBuf::new();
    for _ in 0..ups {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    Some(rel.display().to_string().replace('\\', "/"))
}
