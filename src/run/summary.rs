//! What a run produced and the summaries across its replications: one replication's output
//! ([`RepOutput`]), the run's result ([`RunResult`]) that every report consumes, per-cell
//! statistics ([`Stat`]) and the rows of `orgs.csv` ([`OrgRow`]).
//!
//! Summaries reduce in replication order, so they do not depend on the thread or rank count.

use crate::day::{Calendar, Day};
use crate::engine::{self, Columns, EngineStats, OrgOutcome};
use crate::scenario::{Licence, Scenario};
use crate::world::population::Org;
use crate::world::profiles::licence_window;
use chrono::NaiveDate;
use std::time::Instant;

/// Summary of one metric on one reported day across replications.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stat {
    /// Mean.
    pub(crate) mean: f64,
    /// Standard error of the mean (`None` with one replication).
    pub(crate) sem: Option<f64>,
    /// 5th percentile.
    pub(crate) p05: f64,
    /// Median.
    pub(crate) p50: f64,
    /// 95th percentile.
    pub(crate) p95: f64,
}

impl Stat {
    /// Summarises `values` (any order; sorted internally).
    pub(crate) fn of(values: &mut [f64]) -> Stat {
        let n = values.len();
        assert!(n > 0, "a summary needs at least one value");
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / n as f64;
        let sem = (n > 1).then(|| {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            (var / n as f64).sqrt()
        });
        Stat {
            mean,
            sem,
            p05: percentile(values, 0.05),
            p50: percentile(values, 0.50),
            p95: percentile(values, 0.95),
        }
    }
}

/// Percentile `q` of sorted `values` by linear interpolation between order statistics (numpy's
/// default, "linear").
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `q` quantile of weighted values `(value, weight)`: the smallest value whose cumulative
/// weight reaches `q` of the total.
pub(crate) fn weighted_quantile(values: &[(f64, f64)], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = sorted.iter().map(|v| v.1).sum();
    let mut sum = 0.0;
    for &(value, weight) in &sorted {
        sum += weight;
        if sum >= q * total * (1.0 - 1e-12) {
            return value;
        }
    }
    sorted.last().map_or(f64::NAN, |v| v.0)
}

/// One organisation's row of `orgs.csv` in one replication.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrgRow {
    /// Organisation id.
    pub(crate) id: u32,
    /// Deployment at the start.
    pub(crate) deployment: String,
    /// Deployment on the last day.
    pub(crate) deployment_last: String,
    /// Agreement start.
    pub(crate) agreement_start: NaiveDate,
    /// Agreement term, years.
    pub(crate) agreement_term_years: u32,
    /// The engine's outcome (users, entries, shares, last served days).
    pub(crate) outcome: OrgOutcome,
    /// Per provider: when the organisation enabled it.
    pub(crate) enabled: Vec<Enabled>,
    /// Per provider: last day holding the `pic_usl` licence (`pic_usl` providers with
    /// `sale_until` only).
    pub usl_until: Vec<Option<NaiveDate>>,
    /// Per provider: the pro-rata credit for licence time after the provider's `until`.
    pub usl_credit: Vec<f64>,
}

/// When an organisation enabled a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Enabled {
    /// Before anything the scenario models (no date drawn).
    Always,
    /// On this day.
    On(NaiveDate),
    /// Never.
    Never,
}

/// Population sizes of a run (replication 0, plus the mean of entries added).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sizes {
    /// Organisations.
    pub(crate) orgs: u64,
    /// Lync users.
    pub users: u64,
    /// Persons.
    pub persons: u64,
    /// Entries at the start.
    pub entries: u64,
    /// Contact edges among persons.
    pub graph_edges: u64,
    /// Bytes of the population in memory.
    pub(crate) population_bytes: u64,
}

/// Everything a run produced; every report consumes this.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The scenario run.
    pub scenario: Scenario,
    /// Metric columns.
    pub columns: Vec<String>,
    /// Reported days.
    pub report_days: Vec<Day>,
    /// Their dates.
    pub dates: Vec<NaiveDate>,
    /// Per replication: `rows × columns` values, row-major.
    pub series: Vec<Vec<i64>>,
    /// `rows × columns` summaries, row-major.
    pub(crate) summary: Vec<Stat>,
    /// Per replication, per organisation.
    pub(crate) orgs: Vec<Vec<OrgRow>>,
    /// Sizes of replication 0.
    pub sizes: Sizes,
    /// Seconds spent per phase, summed over replications, in phase order.
    pub(crate) timings: Vec<(String, f64)>,
    /// Engine tallies summed over replications.
    pub stats: EngineStats,
    /// Threads used.
    pub(crate) threads: usize,
    /// Per replication, what happened to each imported entry (empty unless imported).
    pub(crate) impacts: Vec<Vec<engine::ImpactRow>>,
    /// Names behind an imported population's ids.
    pub(crate) imported: Option<std::sync::Arc<crate::world::population::ImportedNames>>,
    /// Populations generated for this run's replications (the others reused another run's).
    pub(crate) populations_generated: u64,
}

impl RunResult {
    /// The summary of column `col` on reported row `row`.
    pub(crate) fn stat(&self, row: usize, col: usize) -> &Stat {
        &self.summary[row * self.columns.len() + col]
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The reported row of `date`, if it is reported.
    pub(crate) fn row_of(&self, date: NaiveDate) -> Option<usize> {
        self.dates.iter().position(|d| *d == date)
    }
}

/// Seconds per phase, in phase order.
#[derive(Default, Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Timings(pub Vec<(String, f64)>);

impl Timings {
    /// Adds the time since `since` to `phase`.
    pub(crate) fn add(&mut self, phase: &str, since: Instant) {
        self.add_secs(phase, since.elapsed().as_secs_f64());
    }

    /// Adds `secs` to `phase`.
    pub(crate) fn add_secs(&mut self, phase: &str, secs: f64) {
        match self.0.iter_mut().find(|(p, _)| p == phase) {
            Some((_, t)) => *t += secs,
            None => self.0.push((phase.to_string(), secs)),
        }
    }
}

/// What one replication contributes to its run's result (sent between ranks in distributed
/// runs; the imported names are not: every rank reads the same file).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RepOutput {
    /// Reported rows × columns.
    pub(crate) rows: Vec<i64>,
    /// `orgs.csv` rows.
    pub(crate) orgs: Vec<OrgRow>,
    /// Event tallies.
    pub(crate) stats: EngineStats,
    /// Population sizes.
    pub(crate) sizes: Sizes,
    /// Imported entries' outcomes.
    pub(crate) impacts: Vec<engine::ImpactRow>,
    /// Names of an imported population.
    #[serde(skip)]
    pub(crate) imported: Option<std::sync::Arc<crate::world::population::ImportedNames>>,
    /// Seconds per phase.
    pub(crate) timings: Timings,
    /// Whether this replication generated its population (rather than reusing one).
    pub(crate) generated: bool,
}

/// The bytes one replication's output of `s` holds, about: its reported rows, and a row per
/// organisation (about 300 bytes plus 80 per provider with their heap parts).
pub(crate) fn output_bytes(s: &Scenario) -> f64 {
    let orgs = f64::from(s.orgs.count);
    output_bytes_rows(s) + orgs * org_row_bytes(s)
}

/// The bytes of one organisation's row of `s` (`orgs.csv`), as a run keeps it.
pub(crate) fn org_row_bytes(s: &Scenario) -> f64 {
    300.0 + 80.0 * s.providers.len() as f64
}

/// The bytes of one number per reported day and metric of `s`.
pub(crate) fn output_bytes_rows(s: &Scenario) -> f64 {
    let columns = (16 + s.networks.len() + 2 * s.migrations.len() + s.providers.len()) as f64;
    s.report_days().len() as f64 * columns * 8.0
}

/// Every scenario's result from all jobs' outputs (in job order: scenario, then replication).
pub(crate) fn gather_results(
    scenarios: &[Scenario],
    threads: usize,
    outputs: Vec<RepOutput>,
) -> anyhow::Result<Vec<RunResult>> {
    let mut outputs = outputs.into_iter();
    let mut results = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let reps: Vec<RepOutput> = outputs.by_ref().take(s.replications as usize).collect();
        results.push(summarise_run(s, threads, reps));
    }
    Ok(results)
}

/// A run's result from its replications' outputs, in replication order.
pub(crate) fn summarise_run(s: &Scenario, threads: usize, reps: Vec<RepOutput>) -> RunResult {
    let columns = Columns::new(s);
    let report_days = s.report_days();
    let cal = s.calendar();
    let dates: Vec<NaiveDate> = report_days.iter().map(|&d| cal.date(d)).collect();
    let mut timings = Timings::default();
    let mut series = Vec::with_capacity(reps.len());
    let mut orgs = Vec::with_capacity(reps.len());
    let mut stats = EngineStats::default();
    let sizes = reps.first().map(|r| r.sizes).unwrap_or_default();
    let mut impacts = Vec::new();
    let mut imported = None;
    let mut populations_generated = 0;
    for rep in reps {
        populations_generated += u64::from(rep.generated);
        for (phase, secs) in &rep.timings.0 {
            timings.add_secs(phase, *secs);
        }
        series.push(rep.rows);
        orgs.push(rep.orgs);
        stats.add(&rep.stats);
        if rep.imported.is_some() {
            impacts.push(rep.impacts);
            imported = rep.imported;
        }
    }
    let now = Instant::now();
    let summary = summarise(&series);
    timings.add("summarise", now);
    RunResult {
        scenario: s.clone(),
        columns: columns.names,
        report_days,
        dates,
        series,
        summary,
        orgs,
        sizes,
        timings: timings.0,
        stats,
        threads,
        impacts,
        imported,
        populations_generated,
    }
}

/// Summaries per cell (row-major `rows × columns`) across replications.
pub fn summarise(series: &[Vec<i64>]) -> Vec<Stat> {
    use rayon::prelude::*;
    let cells = series.first().map_or(0, Vec::len);
    (0..cells)
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || Vec::with_capacity(series.len()),
            |buf: &mut Vec<f64>, cell| {
                buf.clear();
                buf.extend(series.iter().map(|rep| rep[cell] as f64));
                Stat::of(buf)
            },
        )
        .collect()
}

/// The rows of `orgs.csv` for one replication.
pub fn org_rows(
    s: &Scenario,
    cal: &Calendar,
    orgs: &[Org],
    outcomes: &[OrgOutcome],
) -> Vec<OrgRow> {
    orgs.iter()
        .zip(outcomes)
        .enumerate()
        .map(|(id, (org, outcome))| {
            let mut usl_until = Vec::with_capacity(s.providers.len());
            let mut usl_credit = Vec::with_capacity(s.providers.len());
            for (p, provider) in s.providers.iter().enumerate() {
                let (until, credit) = match provider.licence {
                    Licence::PicUsl { sale_until } => {
                        let lic = licence_window(s, cal, org, p);
                        // Without `sale_until` the licence never ends: no `usl_until`, but a
                        // credit all the same (always on sale).
                        let until =
                            (sale_until.is_some() && !lic.is_empty()).then(|| cal.date(lic.until));
                        let end = provider.window.until;
                        let holds_at_end =
                            end != crate::day::FOREVER && lic.contains(end) && org.enable[p] <= end;
                        let credit = if holds_at_end {
                            let (_, period_last) = org.agreement.period_covering(cal.date(end));
                            let days_after = (period_last - cal.date(end)).num_days() as f64;
                            provider.usl_price_per_user_year * f64::from(outcome.users) * days_after
                                / 365.0
                        } else {
                            0.0
                        };
                        (until, credit)
                    }
                    _ => (None, 0.0),
                };
                usl_until.push(until);
                usl_credit.push(credit);
            }
            OrgRow {
                id: id as u32,
                deployment: s.deployments[org.initial_deployment() as usize].clone(),
                deployment_last: s.deployments[org.deployment_on(s.last_day()) as usize].clone(),
                agreement_start: org.agreement.start,
                agreement_term_years: org.agreement.term_years,
                outcome: outcome.clone(),
                enabled: org
                    .enable
                    .iter()
                    // Any day before the start is "before the start" (a world may pin one, or
                    // a cohort's window open before it), as `orgs.csv`'s columns say.
                    .map(|&d| match d {
                        crate::day::FOREVER => Enabled::Never,
                        d if d < 0 => Enabled::Always,
                        d => Enabled::On(cal.date(d)),
                    })
                    .collect(),
                usl_until,
                usl_credit,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 50, 95]) = [1.2, 3.0, 8.8]
        let mut v = vec![10.0, 1.0, 3.0, 2.0, 4.0];
        let s = Stat::of(&mut v);
        assert!((s.p05 - 1.2).abs() < 1e-12);
        assert!((s.p50 - 3.0).abs() < 1e-12);
        assert!((s.p95 - 8.8).abs() < 1e-12);
        assert!((s.mean - 4.0).abs() < 1e-12);
        // sd = sqrt(((9+4+1+0+36)/4)) = sqrt(12.5); sem = sd / sqrt(5)
        assert!((s.sem.unwrap() - (12.5f64 / 5.0).sqrt()).abs() < 1e-12);
        assert_eq!(Stat::of(&mut [7.0]).sem, None);
    }
}
