//! What a run writes, from data to page: its CSV files (`csv`), `manifest.json` (`manifest`), the
//! headline figures (`headline`), its PNG charts (`chart`), `report.html` (`page`, with the
//! account of an imported population, `imported`, and the explorer that redraws the charts in
//! the browser, `explore`) and the text at the end of a run (`terminal`), each from one
//! [`RunResult`] and none knowing how the counts were made; `write_all` writes the folder's
//! files. The kit they are drawn and laid out with is `crate::report`; the folder they go into is
//! `crate::output`'s.

pub mod chart;
pub mod csv;
pub(crate) mod explore;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod headline;
pub(crate) mod imported;
pub(crate) mod manifest;
pub(crate) mod page;
pub(crate) mod terminal;

pub use headline::{Headline, headlines};

use crate::output::files::{self, CSV_FILES};
use crate::run::summary::RunResult;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// Options for what a run writes beyond its standard files.
#[derive(Clone, Copy, Default)]
pub(crate) struct Options {
    /// This run's secret salt for pseudonyms (imported populations).
    pub(crate) salt: Option<[u8; 32]>,
    /// Write imported addresses in clear (`--reveal-addresses`).
    pub(crate) reveal_addresses: bool,
}

impl Options {
    /// How addresses are written: in clear when revealed (or when nothing was `imported`, so
    /// there is no address to write), else as pseudonyms under this run's salt.
    pub(crate) fn addresses(&self, imported: bool) -> Result<crate::report::csv::Addresses<'_>> {
        match (self.reveal_addresses || !imported, &self.salt) {
            (true, _) => Ok(crate::report::csv::Addresses::Revealed),
            (false, Some(salt)) => Ok(crate::report::csv::Addresses::Pseudonyms(salt)),
            (false, None) => {
                bail!("imported addresses need a pseudonym salt or --reveal-addresses")
            }
        }
    }
}

/// Writes every file of a run into `dir`: the CSVs, the manifest, the charts the scenario asks
/// for and `report.html`, and for imported contact lists `user_impact.csv` and (when rows were
/// left out) `rejected.csv`. Returns the headline figures.
pub(crate) fn write_all(
    r: &RunResult,
    inv: &manifest::Invocation,
    dir: &Path,
    options: &Options,
) -> Result<Vec<Headline>> {
    let started = std::time::Instant::now();
    if r.scenario.population.import.is_some() {
        let addresses = options.addresses(true)?;
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
    let mut linked = files::LINKED_FILES.to_vec();
    if let Some(list) = &r.scenario.population.import {
        linked.push("user_impact.csv");
        if !list.rejected.is_empty() {
            linked.push("rejected.csv");
        }
    }
    page::write(
        r,
        &heads,
        &charts,
        &linked,
        inv.wall_seconds,
        &dir.join("report.html"),
    )?;
    manifest::write(
        r,
        inv,
        started.elapsed().as_secs_f64(),
        &heads,
        &dir.join("manifest.json"),
    )?;
    Ok(heads)
}
