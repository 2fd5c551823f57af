//! A finished check: per fitted key, its ranks' ECDF against the simultaneous 95 % band and its
//! intervals' coverage against what a calibrated posterior would give, with the files
//! (`sbc.csv`, `coverage.csv`) and the terminal's summary that read them.
//!
//! Each judgement is a 95 % test on its own: the ECDF inside its band, and each coverage count
//! inside the central 95 % of its binomial distribution (at 100 repeats, 84 to 95 for the 90 %
//! interval). With three keys that is nine tests, so a calibrated method shows one outside now and
//! then by chance (about a third of the time); a miscalibrated one shows the same key outside,
//! further, at every size, and more repeats separate the two.

use super::Ranked;
use crate::calibration::ecdf::{Band, binomial_range};
use crate::report::csv::writer;
use crate::scenario::{Fit, FitKind};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// The simultaneous level of the ECDF band and the level of the coverage ranges.
pub(crate) const LEVEL: f64 = 0.95;

/// One key's judgement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyCheck {
    /// The key path.
    pub(crate) key: String,
    /// The ranks' ECDF counts at the band's points.
    pub(crate) counts: Vec<usize>,
    /// Whether the ECDF stays inside the band.
    pub(crate) in_band: bool,
    /// Repeats whose 50 % interval held the truth.
    pub(crate) covered_50: usize,
    /// Repeats whose 90 % interval held the truth.
    pub(crate) covered_90: usize,
    /// The mean rank, as a share of the draws (0.5 when calibrated; below: the posteriors sit
    /// above the truths).
    pub(crate) mean_rank: f64,
}

/// A finished check.
#[derive(Debug, Clone)]
pub(crate) struct CheckResult {
    /// The scenario's name.
    pub(crate) name: String,
    /// The observations file whose days and metrics each repeat observes.
    pub(crate) observed_file: String,
    /// Observations per repeat.
    pub(crate) observations: usize,
    /// The fitted keys.
    pub(crate) fits: Vec<Fit>,
    /// Every repeat's ranks, by repeat then key.
    pub(crate) ranked: Vec<Ranked>,
    /// Repeats.
    pub(crate) repeats: usize,
    /// Posterior draws each rank is among.
    pub(crate) draws: usize,
    /// The band the ECDFs are judged by.
    pub(crate) band: Band,
    /// Per key, its judgement.
    pub(crate) keys: Vec<KeyCheck>,
    /// The 50 % intervals' coverage range.
    pub(crate) range_50: (usize, usize),
    /// The 90 % intervals' coverage range.
    pub(crate) range_90: (usize, usize),
    /// The calibration's settings, for people (`100 particles, at most 2,000 simulations`).
    pub(crate) settings: String,
}

impl CheckResult {
    /// The judgements of `ranked` (every repeat, each with one row per key of `fits`).
    pub(crate) fn new(
        name: &str,
        observed_file: &str,
        observations: usize,
        fits: &[Fit],
        ranked: Vec<Ranked>,
        settings: String,
    ) -> CheckResult {
        let repeats = ranked.iter().map(|r| r.repeat + 1).max().unwrap_or(0);
        let draws = ranked.iter().map(|r| r.draws).max().unwrap_or(1);
        let band = Band::new(repeats, draws, LEVEL);
        let keys = fits
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let of: Vec<&Ranked> = ranked.iter().filter(|r| r.key == k).collect();
                let ranks: Vec<usize> = of.iter().map(|r| r.rank).collect();
                KeyCheck {
                    key: f.key.clone(),
                    counts: band.counts(&ranks),
                    in_band: band.holds(&ranks),
                    covered_50: of.iter().filter(|r| r.in_50).count(),
                    covered_90: of.iter().filter(|r| r.in_90).count(),
                    mean_rank: of
                        .iter()
                        .map(|r| r.rank as f64 / r.draws as f64)
                        .sum::<f64>()
                        / of.len().max(1) as f64,
                }
            })
            .collect();
        CheckResult {
            name: name.to_string(),
            observed_file: observed_file.to_string(),
            observations,
            fits: fits.to_vec(),
            ranked,
            repeats,
            draws,
            band,
            keys,
            range_50: binomial_range(repeats, 0.5, LEVEL),
            range_90: binomial_range(repeats, 0.9, LEVEL),
            settings,
        }
    }

    /// Whether key `k` passed every judgement.
    pub(crate) fn passed(&self, k: &KeyCheck) -> bool {
        let inside = |c: usize, (lo, hi): (usize, usize)| lo <= c && c <= hi;
        k.in_band && inside(k.covered_50, self.range_50) && inside(k.covered_90, self.range_90)
    }

    /// The verdict, in one sentence.
    pub(crate) fn verdict(&self) -> String {
        let failed: Vec<&str> = self
            .keys
            .iter()
            .filter(|k| !self.passed(k))
            .map(|k| k.key.as_str())
            .collect();
        if failed.is_empty() {
            format!(
                "Every key's rank ECDF is inside its 95 % band and every coverage inside its 95 % range: no sign of miscalibration in {} repeats.",
                self.repeats
            )
        } else {
            format!(
                "Outside what a calibrated posterior gives 95 % of the time: {}. (With several keys, one judgement outside now and then is chance; the same key outside again with more repeats is not.)",
                failed.join(", ")
            )
        }
    }

    /// A truth as `posterior.csv` writes values.
    fn truth_text(&self, r: &Ranked) -> String {
        let f = &self.fits[r.key];
        let x = f.at(r.truth);
        match f.kind {
            FitKind::Real => format!("{x}"),
            FitKind::Whole | FitKind::Date => f.text(x),
        }
    }

    /// Writes `sbc.csv`: per repeat and key, the truth, its rank among the draws and whether the
    /// 50 % and 90 % intervals held it.
    pub(crate) fn write_ranks(&self, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        w.write_record(["repeat", "key", "truth", "rank", "draws", "in_50", "in_90"])?;
        for r in &self.ranked {
            w.write_record([
                r.repeat.to_string(),
                self.fits[r.key].key.clone(),
                self.truth_text(r),
                r.rank.to_string(),
                r.draws.to_string(),
                u8::from(r.in_50).to_string(),
                u8::from(r.in_90).to_string(),
            ])?;
        }
        w.flush()
            .with_context(|| format!("could not write '{}'", path.display()))
    }

    /// Writes `coverage.csv`: per key, its coverage counts with the ranges a calibrated
    /// posterior gives 95 % of the time, its mean rank and whether its ECDF stays in the band.
    pub(crate) fn write_coverage(&self, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        w.write_record([
            "key",
            "repeats",
            "covered_50",
            "expected_50_low",
            "expected_50_high",
            "covered_90",
            "expected_90_low",
            "expected_90_high",
            "mean_rank",
            "ecdf_in_band",
        ])?;
        for k in &self.keys {
            w.write_record([
                k.key.clone(),
                self.repeats.to_string(),
                k.covered_50.to_string(),
                self.range_50.0.to_string(),
                self.range_50.1.to_string(),
                k.covered_90.to_string(),
                self.range_90.0.to_string(),
                self.range_90.1.to_string(),
                format!("{:.4}", k.mean_rank),
                u8::from(k.in_band).to_string(),
            ])?;
        }
        w.flush()
            .with_context(|| format!("could not write '{}'", path.display()))
    }

    /// The terminal's summary: per key its coverage and ECDF, then the verdict.
    pub(crate) fn terminal(&self, report: &Path) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: simulation-based calibration, {} repeats (truths drawn from the prior; ranks among {} posterior draws).",
            self.name, self.repeats, self.draws
        );
        let width = self
            .keys
            .iter()
            .map(|k| k.key.len())
            .max()
            .unwrap_or(3)
            .max(3);
        let (r50, r90) = (self.range_50, self.range_90);
        let _ = writeln!(
            out,
            "  {:<width$}  50 % covers (calibrated: {}–{})  90 % covers (calibrated: {}–{})  mean rank  rank ECDF",
            "key", r50.0, r50.1, r90.0, r90.1
        );
        for k in &self.keys {
            let _ = writeln!(
                out,
                "  {:<width$}  {:<30}  {:<30}  {:<9.3}  {}",
                k.key,
                k.covered_50,
                k.covered_90,
                k.mean_rank,
                if k.in_band {
                    "inside the 95 % band"
                } else {
                    "OUTSIDE the 95 % band"
                }
            );
        }
        let _ = writeln!(out, "  {}", self.verdict());
        let _ = writeln!(out, "  report: {}", report.display());
        out
    }
}
