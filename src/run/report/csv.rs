//! A run's CSV files: `series.csv`, `summary.csv` and `orgs.csv`, and for an imported contact list
//! `user_impact.csv` and `rejected.csv` (and a calibration's predictive `summary.csv`).
//!
//! Floats are written with a fixed number of decimals (6 for means, errors, percentiles and
//! shares; 2 for money) so that files are byte-identical across runs, platforms and thread counts.
//! Empty cells mean "no value" (e.g. `sem` with one replication, a share with no entries).

use crate::report::csv::{Addresses, f6, opt_f6, writer};
use crate::run::summary::{Enabled, RunResult, Stat};
use crate::scenario::Licence;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// `series.csv`: one row per replication and reported day, `replication,date,` then every metric.
pub fn write_series(r: &RunResult, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("could not create '{}'", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    // Integers only: formatted by hand, which is several times faster than through serde.
    writeln!(w, "replication,date,{}", r.columns.join(","))?;
    let cols = r.columns.len();
    let mut line = String::with_capacity(cols * 8 + 16);
    for (rep, rows) in r.series.iter().enumerate() {
        for (row, date) in r.dates.iter().enumerate() {
            line.clear();
            use std::fmt::Write as _;
            let _ = write!(line, "{rep},{date}");
            for v in &rows[row * cols..(row + 1) * cols] {
                let _ = write!(line, ",{v}");
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
    }
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// `summary.csv`: one row per reported day and metric.
pub fn write_summary(r: &RunResult, path: &Path) -> Result<()> {
    write_summary_of(&r.dates, &r.columns, &r.summary, path)
}

/// Writes `dates × columns` summaries (row-major) as `summary.csv` does: a run's, or a
/// calibration's posterior predictive ones.
pub(crate) fn write_summary_of(
    dates: &[chrono::NaiveDate],
    columns: &[String],
    summary: &[Stat],
    path: &Path,
) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(["date", "metric", "mean", "sem", "p05", "p50", "p95"])?;
    for (row, date) in dates.iter().enumerate() {
        let date = date.to_string();
        for (col, name) in columns.iter().enumerate() {
            let s = &summary[row * columns.len() + col];
            w.write_record([
                date.as_str(),
                name.as_str(),
                &f6(s.mean),
                &opt_f6(s.sem),
                &f6(s.p05),
                &f6(s.p50),
                &f6(s.p95),
            ])?;
        }
    }
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// The header of `orgs.csv`.
pub(crate) fn orgs_header(r: &RunResult) -> Vec<String> {
    let mut h: Vec<String> = [
        "replication",
        "org",
        "deployment",
        "deployment_last",
        "agreement_start",
        "agreement_term_years",
        "users",
        "entries",
        "reachable_share_first",
        "reachable_share_last",
        "lowest_share",
        "lowest_share_date",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (p, provider) in r.scenario.providers.iter().enumerate() {
        for prefix in provider_columns(r, p) {
            h.push(format!("{prefix}_{}", provider.id));
        }
    }
    h
}

/// The per-provider columns of `orgs.csv` for provider `p`, leaving out those that cannot hold a
/// value: none for a provider that no `[orgs.providers]` cohort can enable and no organisation
/// of the run enabled (a pinned world's organisations say for themselves, so the replay of an
/// exported world has the original's columns), `usl_until` only for a `pic_usl` licence with a
/// last day of sale, `usl_credit` only for a `pic_usl` licence.
fn provider_columns(r: &RunResult, p: usize) -> Vec<&'static str> {
    let by_cohort = r.scenario.cohort_enables(p);
    let by_some_org = r
        .orgs
        .iter()
        .flatten()
        .any(|o| o.enabled[p] != Enabled::Never);
    if !by_cohort && !by_some_org {
        return Vec::new();
    }
    let mut columns = vec!["enabled", "enabled_before_start", "last_served"];
    if let Licence::PicUsl { sale_until } = r.scenario.providers[p].licence {
        if sale_until.is_some() {
            columns.push("usl_until");
        }
        columns.push("usl_credit");
    }
    columns
}

/// `orgs.csv`: one row per replication and organisation.
pub fn write_orgs(r: &RunResult, path: &Path) -> Result<()> {
    let mut w = writer(path)?;
    w.write_record(orgs_header(r))?;
    let cal = r.scenario.calendar();
    let columns: Vec<Vec<&str>> = (0..r.scenario.providers.len())
        .map(|p| provider_columns(r, p))
        .collect();
    let mut record: Vec<String> = Vec::new();
    for (rep, orgs) in r.orgs.iter().enumerate() {
        for o in orgs {
            record.clear();
            let out = &o.outcome;
            record.extend([
                rep.to_string(),
                o.id.to_string(),
                o.deployment.clone(),
                o.deployment_last.clone(),
                o.agreement_start.to_string(),
                o.agreement_term_years.to_string(),
                out.users.to_string(),
                out.entries.to_string(),
                opt_f6(out.share_first),
                opt_f6(out.share_last),
                opt_f6(out.lowest.map(|(s, _)| s)),
                out.lowest
                    .map(|(_, d)| cal.date(d).to_string())
                    .unwrap_or_default(),
            ]);
            for (p, columns) in columns.iter().enumerate() {
                for column in columns {
                    record.push(match *column {
                        // A date, or empty: before the start is said in its own column, so
                        // that this one parses as dates.
                        "enabled" => match o.enabled[p] {
                            Enabled::On(d) => d.to_string(),
                            Enabled::Always | Enabled::Never => String::new(),
                        },
                        "enabled_before_start" => (o.enabled[p] == Enabled::Always).to_string(),
                        "last_served" => out.last_served[p]
                            .map(|d| cal.date(d).to_string())
                            .unwrap_or_default(),
                        "usl_until" => o.usl_until[p].map(|d| d.to_string()).unwrap_or_default(),
                        _ => format!("{:.2}", o.usl_credit[p]),
                    });
                }
            }
            w.write_record(&record)?;
        }
    }
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// `user_impact.csv`: per replication, user and imported contact, what happened to the entry.
pub(crate) fn write_user_impact(r: &RunResult, addresses: Addresses, path: &Path) -> Result<()> {
    let Some(names) = &r.imported else {
        return Ok(());
    };
    let mut w = writer(path)?;
    w.write_record([
        "replication",
        "user",
        "contact",
        "network",
        "first_lost",
        "cause",
        "recovered",
    ])?;
    let cal = r.scenario.calendar();
    let date = |d: Option<crate::day::Day>| d.map(|d| cal.date(d).to_string()).unwrap_or_default();
    for (rep, rows) in r.impacts.iter().enumerate() {
        for row in rows {
            let contact = names.addresses[row.person as usize]
                .as_deref()
                .map_or_else(|| format!("person-{}", row.person), |a| addresses.show(a));
            w.write_record([
                rep.to_string(),
                names.users[row.user as usize].clone(),
                contact,
                r.scenario.networks[row.network as usize].id.clone(),
                date(row.impact.first_lost),
                row.impact.cause.map_or("", |c| c.name()).to_string(),
                date(row.impact.recovered),
            ])?;
        }
    }
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// `rejected.csv`: the imported rows left out (`--skip-bad-rows`), with line and reason; the
/// contact field and any other address but the user's id are pseudonymised unless addresses are
/// revealed.
pub(crate) fn write_rejected(r: &RunResult, addresses: Addresses, path: &Path) -> Result<()> {
    let Some(list) = &r.scenario.population.import else {
        return Ok(());
    };
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("could not create '{}'", path.display()))?;
    // An export's positions have a column too (its XML element's).
    let columns = list.source != crate::scenario::import::Source::Csv;
    let mut header = vec!["line".to_string()];
    if columns {
        header.push("column".to_string());
    }
    header.push("reason".to_string());
    header.extend(list.header.iter().cloned());
    w.write_record(&header)?;
    for row in &list.rejected {
        let mut record = vec![row.line.to_string()];
        if columns {
            record.push(row.column.map_or_else(String::new, |c| c.to_string()));
        }
        record.push(row.reason.clone());
        for (i, f) in row.fields.iter().enumerate() {
            record.push(if row.is_personal(i) {
                addresses.show(&f.to_lowercase())
            } else {
                f.clone()
            });
        }
        w.write_record(&record)?;
    }
    w.flush()
        .with_context(|| format!("could not write '{}'", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::report::fixtures;

    /// On the default scenario: `aim_direct`, which no organisation adopts, has no column;
    /// `usl_*` only for Yahoo!'s `pic_usl` licence; every `enabled_*` cell is a date or empty,
    /// and `enabled_before_start_*` says `true` exactly for the organisations drawn as enabled
    /// before the start.
    #[test]
    fn orgs_csv_keeps_dates_as_dates_and_leaves_out_empty_columns() {
        let r = fixtures::small();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("orgs.csv");
        write_orgs(r, &path).expect("orgs.csv writes");
        let mut reader = ::csv::Reader::from_path(&path).expect("reads");
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        assert!(
            !header.iter().any(|h| h.ends_with("_aim_direct")),
            "{header:?}"
        );
        for p in ["msn", "aol", "yahoo"] {
            for c in ["enabled", "enabled_before_start", "last_served"] {
                assert!(header.contains(&format!("{c}_{p}")), "{c}_{p}");
            }
        }
        let usl: Vec<&String> = header.iter().filter(|h| h.starts_with("usl_")).collect();
        assert_eq!(usl, ["usl_until_yahoo", "usl_credit_yahoo"]);
        let col = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (enabled, before) = (col("enabled_msn"), col("enabled_before_start_msn"));
        let mut rows = 0;
        let mut before_start = 0;
        for (row, o) in reader
            .records()
            .map(|r| r.expect("row"))
            .zip(r.orgs.iter().flatten())
        {
            rows += 1;
            let cell = &row[enabled];
            assert!(
                cell.is_empty() || chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok(),
                "{cell}"
            );
            let always = o.enabled[0] == Enabled::Always;
            assert_eq!(&row[before], if always { "true" } else { "false" });
            before_start += usize::from(always);
        }
        assert_eq!(rows, r.orgs.iter().map(Vec::len).sum::<usize>());
        assert!(
            before_start > 0,
            "some organisations enabled msn before the start"
        );
    }
}
