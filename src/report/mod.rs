//! Everything a run writes: CSV files, the manifest, PNG charts, the HTML report and the
//! terminal table. Every writer consumes one [`RunResult`]; none knows how the counts were made.
//!
//! A run writes into a fresh temporary folder beside its target ([`Staging`]) and renames it into
//! place only when every file is written, so an interrupted run never leaves a half-written report
//! where a finished one is expected.

pub mod chart;
pub mod compare_chart;
pub mod compare_html;
pub mod csv;
pub mod headline;
pub mod html;
pub mod manifest;
pub mod terminal;

pub use headline::{Headline, headlines};

use crate::replicate::RunResult;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Files every run writes besides the charts.
pub const CSV_FILES: [&str; 3] = ["series.csv", "summary.csv", "orgs.csv"];
/// Files `report.html` links to, in order.
pub const LINKED_FILES: [&str; 4] = ["series.csv", "summary.csv", "orgs.csv", "manifest.json"];

/// A number rounded to an integer with thousands separators: `1,234,567`.
pub fn thousands(v: f64) -> String {
    group_thousands(&format!("{v:.0}"))
}

/// Digits (optionally signed) with a comma every three digits from the right.
pub fn group_thousands(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if sign.is_empty() || digits.chars().all(|c| c == '0') {
        out
    } else {
        format!("{sign}{out}")
    }
}

/// A temporary output folder that becomes the target folder on [`Staging::commit`] and is removed
/// if dropped uncommitted.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    force: bool,
    committed: bool,
}

/// Whether the output folder `target` could be created: its nearest existing ancestor must be a
/// writable folder. (Used by `validate`, which must not create anything.)
pub fn check_creatable(target: &Path) -> Result<()> {
    let mut at = target;
    loop {
        if at.exists() {
            let meta = std::fs::metadata(at)
                .with_context(|| format!("cannot inspect '{}'", at.display()))?;
            if !meta.is_dir() {
                bail!(
                    "could not create output directory '{}' (output.dir): '{}' is not a folder",
                    target.display(),
                    at.display()
                );
            }
            if meta.permissions().readonly() {
                bail!(
                    "could not create output directory '{}' (output.dir): '{}' is read-only",
                    target.display(),
                    at.display()
                );
            }
            return Ok(());
        }
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => return Ok(()),
        }
    }
}

impl Staging {
    /// Checks the target and creates the temporary folder. An existing target is refused unless
    /// `force` (and left untouched until [`Staging::commit`]).
    pub fn new(target: &Path, force: bool) -> Result<Staging> {
        if target.exists() && !force {
            bail!(
                "output folder '{}' already exists; use --force to replace it, or --out to choose another",
                target.display()
            );
        }
        check_creatable(target)?;
        let name = target
            .file_name()
            .with_context(|| format!("output path '{}' has no folder name", target.display()))?
            .to_string_lossy()
            .to_string();
        let parent = target.parent().map(Path::to_path_buf).unwrap_or_default();
        let parent = if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent
        };
        std::fs::create_dir_all(&parent).with_context(|| {
            format!(
                "could not create output directory '{}' (output.dir)",
                target.display()
            )
        })?;
        let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp)
                .with_context(|| format!("could not clear '{}'", temp.display()))?;
        }
        std::fs::create_dir(&temp).with_context(|| {
            format!(
                "could not create output directory '{}' (output.dir; its temporary folder '{}' failed)",
                target.display(),
                temp.display()
            )
        })?;
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            force,
            committed: false,
        })
    }

    /// Where files are written until the commit.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the finished folder into place (replacing an existing one when forced).
    pub fn commit(mut self) -> Result<PathBuf> {
        if self.target.exists() {
            if !self.force {
                bail!(
                    "output folder '{}' appeared while the run was going; not replacing it",
                    self.target.display()
                );
            }
            let old = self.temp.with_extension("old");
            std::fs::rename(&self.target, &old).with_context(|| {
                format!("could not move the old '{}' aside", self.target.display())
            })?;
            std::fs::rename(&self.temp, &self.target).with_context(|| {
                format!(
                    "could not move the new report to '{}'",
                    self.target.display()
                )
            })?;
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("could not remove '{}'", old.display()))?;
        } else {
            std::fs::rename(&self.temp, &self.target).with_context(|| {
                format!(
                    "could not move the new report to '{}'",
                    self.target.display()
                )
            })?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// Options for what a run writes beyond its standard files.
#[derive(Clone, Copy, Default)]
pub struct Options {
    /// This run's secret salt for pseudonyms (imported populations).
    pub salt: Option<[u8; 32]>,
    /// Write imported addresses in clear (`--reveal-addresses`).
    pub reveal_addresses: bool,
}

/// Writes every file of a run into `dir`: the CSVs, the manifest, the charts the scenario asks
/// for and `report.html`, and for imported contact lists `user_impact.csv` and (when rows were
/// left out) `rejected.csv`. Returns the headline figures.
pub fn write_all(
    r: &RunResult,
    inv: &manifest::Invocation,
    dir: &Path,
    options: &Options,
) -> Result<Vec<Headline>> {
    let started = std::time::Instant::now();
    if r.scenario.population.import.is_some() {
        let addresses = match (options.reveal_addresses, &options.salt) {
            (true, _) => csv::Addresses::Revealed,
            (false, Some(salt)) => csv::Addresses::Pseudonyms(salt),
            (false, None) => {
                bail!("imported addresses need a pseudonym salt or --reveal-addresses")
            }
        };
        csv::write_user_impact(r, addresses, &dir.join("user_impact.csv"))?;
        if r.scenario
            .population
            .import
            .as_ref()
            .is_some_and(|l| !l.rejected.is_empty())
        {
            csv::write_rejected(r, addresses, &dir.join("rejected.csv"))?;
        }
    }
    let (series, summary, orgs) = (
        dir.join(CSV_FILES[0]),
        dir.join(CSV_FILES[1]),
        dir.join(CSV_FILES[2]),
    );
    let charts: Vec<(crate::scenario::Chart, PathBuf)> = r
        .scenario
        .output
        .charts
        .iter()
        .map(|&c| (c, dir.join(format!("{}.png", c.stem()))))
        .collect();
    // The charts and the three CSV files as one set of parallel tasks, the charts (the longest)
    // first, so that the threads stay busy to the end.
    {
        use rayon::prelude::*;
        type Task<'t> = Box<dyn Fn() -> Result<()> + Sync + Send + 't>;
        let mut tasks: Vec<Task> = charts
            .iter()
            .map(|(c, path)| Box::new(move || chart::draw(r, *c, path)) as Task)
            .collect();
        tasks.push(Box::new(|| csv::write_summary(r, &summary)));
        tasks.push(Box::new(|| csv::write_series(r, &series)));
        tasks.push(Box::new(|| csv::write_orgs(r, &orgs)));
        tasks
            .par_iter()
            .with_max_len(1)
            .map(|task| task())
            .collect::<Result<Vec<()>>>()?;
    }
    let heads = headlines(r);
    html::write(r, &heads, &charts, &LINKED_FILES, &dir.join("report.html"))?;
    manifest::write(
        r,
        inv,
        started.elapsed().as_secs_f64(),
        &heads,
        &dir.join("manifest.json"),
    )?;
    Ok(heads)
}
