//! What was observed: the tidy file `date,metric,value[,sem]` read and checked against the
//! scenario (its reported days and its metrics; row by row in `file`), and the distance of a
//! simulation to it.
//!
//! The distance is the root mean square of the observations' scaled differences. Each difference
//! is divided by a scale that adapts to the simulations (Prangle 2017, "Adapting the ABC distance
//! function"): the spread of that observation's simulated values among the particles of the
//! previous generation (1.4826 × their median absolute deviation, a robust standard deviation),
//! combined with the observation's `sem` when the file gives one (√(sem² + spread²)). As the
//! particles close in, the spread left is the model's own noise (world to world), so each
//! observation comes to weigh by how precisely the model can reproduce it: a share the worlds
//! agree on counts for more than a count that varies with a world's size. Before any simulation,
//! and where the spread is 0, the scale is the metric's own size (the root mean square of its
//! observed values), so that metrics in millions and in hundreds weigh alike.
//!
//! Besides `series.csv`'s counts, shares can be observed, since an organisation often knows a
//! share better than a count of a world the scenario only samples (see [`Metrics`]).

mod file;
mod metrics;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use file::{BYTES_PER_ROW, Header, Row, csv_problem, read_at_most, utf8_record};
pub(crate) use metrics::{Metrics, Observation};
use std::path::{Path, PathBuf};

/// Every observation that counts, in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Observed {
    /// The file.
    pub(crate) path: PathBuf,
    /// The observations.
    pub(crate) observations: Vec<Observation>,
    /// What can be observed.
    pub(crate) metrics: Metrics,
}

impl Observed {
    /// Reads `path` for a scenario reporting `dates` (in increasing order) and `columns`; only
    /// the metrics in `only` count (all when empty), and only the days up to `until`. Any problem
    /// is refused with the file, line and column; no cell is quoted. A file larger than one row
    /// per reported day and metric could make is refused before it is read.
    pub(crate) fn read(
        path: &Path,
        dates: &[NaiveDate],
        columns: &[String],
        only: &[String],
        until: Option<NaiveDate>,
    ) -> Result<Observed> {
        let metrics = Metrics::new(columns).names.len() as u64;
        let most = (64 << 10) + BYTES_PER_ROW * (dates.len() as u64 * metrics + 1);
        let bytes = read_at_most(path, most)?;
        Self::parse(path, &bytes, dates, columns, only, until)
    }

    /// [`Observed::read`] of bytes already read.
    pub(crate) fn parse(
        path: &Path,
        bytes: &[u8],
        dates: &[NaiveDate],
        columns: &[String],
        only: &[String],
        until: Option<NaiveDate>,
    ) -> Result<Observed> {
        let name = path.display();
        let metrics = Metrics::new(columns);
        let names = &metrics.names;
        for m in only {
            if !names.contains(m) {
                bail!(
                    "calibration.metrics: `{m}` is not a metric of this scenario; its metrics are the columns of series.csv and their shares: {}",
                    names.join(", ")
                );
            }
        }
        let mut records = crate::records::Records::new(bytes);
        let mut raw = csv::ByteRecord::new();
        let (line, header) = match records.next(&mut raw) {
            Ok(Some(line)) => (line, utf8_record(&name, raw.clone(), line)?),
            Ok(None) => (1, csv::StringRecord::new()),
            Err((line, e)) => bail!("{name}:{line}: {}", csv_problem(&e)),
        };
        let at = Header::of(&name, line, &header)?;
        let mut observations: Vec<Observation> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut last = line;
        loop {
            let line = match records.next(&mut raw) {
                Ok(None) => break,
                Ok(Some(line)) => line,
                Err((line, e)) => bail!("{name}:{line}: {}", csv_problem(&e)),
            };
            last = line;
            let record = utf8_record(&name, raw.clone(), line)?;
            if record.iter().all(str::is_empty) {
                continue;
            }
            let row = Row {
                name: &name,
                line,
                record: &record,
            };
            // A row of a day or metric that does not count is checked all the same.
            let o = row.observation(&at, dates, &metrics)?;
            if (!only.is_empty() && !only.contains(&o.metric)) || until.is_some_and(|u| o.date > u)
            {
                continue;
            }
            if !seen.insert((o.row, o.column)) {
                bail!(
                    "{}: {} on {} is observed twice",
                    row.at(at.date),
                    o.metric,
                    o.date
                );
            }
            observations.push(o);
        }
        if observations.is_empty() {
            bail!(
                "{name}:{last}: no observation to fit{}{} (the file ends here)",
                if only.is_empty() {
                    String::new()
                } else {
                    format!(" among the metrics {}", only.join(", "))
                },
                until.map_or(String::new(), |u| format!(
                    " on or before {u} (--observed-until)"
                ))
            );
        }
        scale(&mut observations, metrics.columns);
        Ok(Observed {
            path: path.to_path_buf(),
            observations,
            metrics,
        })
    }

    /// The simulated value of observation `o` in one replication's reported `rows` (rows ×
    /// `columns` values, row-major).
    fn simulated(&self, o: &Observation, rows: &[i64], columns: usize) -> f64 {
        self.metrics
            .value(o.column, &rows[o.row * columns..(o.row + 1) * columns])
    }

    /// The scales before any simulation: the sem where given, else the metric's size.
    pub(crate) fn initial_scales(&self) -> Vec<f64> {
        self.observations
            .iter()
            .map(|o| o.sem.unwrap_or(o.scale))
            .collect()
    }

    /// The scales adapted to `sims` (each a replication's reported rows): per observation, the
    /// robust spread of its simulated values, with its sem where given (see the module's notes).
    pub(crate) fn adapted_scales(&self, sims: &[&[i64]], columns: usize) -> Vec<f64> {
        let mut values = Vec::with_capacity(sims.len());
        self.observations
            .iter()
            .map(|o| {
                values.clear();
                values.extend(sims.iter().map(|rows| self.simulated(o, rows, columns)));
                let spread = 1.4826 * median_absolute_deviation(&mut values);
                match (o.sem, spread > 0.0) {
                    (Some(sem), _) => (sem * sem + spread * spread).sqrt(),
                    (None, true) => spread,
                    (None, false) => o.scale,
                }
            })
            .collect()
    }

    /// The distance of one replication's reported `rows` (rows × `columns` values, row-major)
    /// to the observations, under `scales` (one per observation).
    pub(crate) fn distance(&self, rows: &[i64], columns: usize, scales: &[f64]) -> f64 {
        let sum: f64 = self
            .observations
            .iter()
            .zip(scales)
            .map(|(o, scale)| ((self.simulated(o, rows, columns) - o.value) / scale).powi(2))
            .sum();
        (sum / self.observations.len() as f64).sqrt()
    }
}

/// The observations in `path` for scenario `s`, checked as `picsim calibrate --observed` checks
/// them (every metric and day counting), for tools and for this door's fuzzer: how many there
/// are, or why they are refused.
pub fn check_observations(s: &crate::scenario::Scenario, path: &Path) -> Result<usize> {
    let columns = crate::engine::Columns::new(s).names;
    let cal = s.calendar();
    let dates: Vec<NaiveDate> = s.report_days().iter().map(|&d| cal.date(d)).collect();
    Ok(Observed::read(path, &dates, &columns, &[], None)?
        .observations
        .len())
}

/// Each observation's scale before any simulation: its sem where given, else its metric's size,
/// the root mean square of its observed values (at least 1 for a count and 0.01 for a share, so
/// that a metric observed at zero still has a scale). `columns`: the run's columns (counts);
/// metrics past them are shares.
fn scale(observations: &mut [Observation], columns: usize) {
    let mut by: Vec<(usize, f64, usize)> = Vec::new();
    for o in observations.iter() {
        match by.iter_mut().find(|b| b.0 == o.column) {
            Some(b) => {
                b.1 += o.value * o.value;
                b.2 += 1;
            }
            None => by.push((o.column, o.value * o.value, 1)),
        }
    }
    let scales: Vec<(usize, f64)> = by
        .into_iter()
        .map(|(c, sum, n)| {
            let floor = if c < columns { 1.0 } else { 0.01 };
            (c, (sum / n as f64).sqrt().max(floor))
        })
        .collect();
    for o in observations {
        o.scale = o
            .sem
            .unwrap_or_else(|| scales.iter().find(|s| s.0 == o.column).map_or(1.0, |s| s.1));
    }
}

/// The median absolute deviation from the median of `values` (reordered).
fn median_absolute_deviation(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let median = |v: &mut [f64]| {
        v.sort_by(f64::total_cmp);
        crate::run::summary::percentile(v, 0.5)
    };
    let m = median(values);
    for v in values.iter_mut() {
        *v = (*v - m).abs();
    }
    median(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates() -> Vec<NaiveDate> {
        (0..10)
            .map(|d| NaiveDate::from_ymd_opt(2013, 4, 1).unwrap() + chrono::Duration::days(d))
            .collect()
    }

    fn columns() -> Vec<String> {
        vec!["entries".into(), "migrated_wlm_to_skype".into()]
    }

    #[test]
    fn shares_are_made_from_their_columns() {
        let columns: Vec<String> = [
            "entries",
            "reachable_im",
            "reachable_video",
            "reachable_skype",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = Metrics::new(&columns);
        assert_eq!(m.names[4..], ["reachable_share", "reachable_share_skype"]);
        assert_eq!(
            m.values(&[200, 150, 30, 150]),
            vec![200.0, 150.0, 30.0, 150.0, 0.75, 0.75]
        );
        assert_eq!(m.values(&[0, 0, 0, 0])[4..], [0.0, 0.0]);
        let o = Observed::parse(
            Path::new("o.csv"),
            b"date,metric,value,sem\n2013-04-02,reachable_share_skype,0.5,0.1\n",
            &dates(),
            &columns,
            &[],
            None,
        )
        .unwrap();
        // Row 1 of 10 rows × 4 columns: 150 of 200 is 0.75, (0.75 - 0.5) / 0.1 = 2.5.
        let mut rows = vec![0i64; 40];
        rows[4..8].copy_from_slice(&[200, 150, 30, 150]);
        assert!((o.distance(&rows, 4, &o.initial_scales()) - 2.5).abs() < 1e-12);
    }

    fn parse(text: &str) -> Result<Observed> {
        Observed::parse(
            Path::new("obs.csv"),
            text.as_bytes(),
            &dates(),
            &columns(),
            &[],
            None,
        )
    }

    #[test]
    fn observations_are_placed_and_scaled() {
        let o = parse("date,metric,value,sem\n2013-04-03,migrated_wlm_to_skype,30,\n2013-04-05,migrated_wlm_to_skype,40,\n2013-04-05,entries,100,5\n").unwrap();
        assert_eq!(o.observations.len(), 3);
        assert_eq!((o.observations[0].row, o.observations[0].column), (2, 1));
        // RMS of 30 and 40 is sqrt(1250).
        assert!((o.observations[0].scale - 1250f64.sqrt()).abs() < 1e-12);
        assert_eq!(o.observations[2].scale, 5.0);
        // rows: 10 days × 2 columns; a simulation 10 above each observation.
        let mut rows = vec![0i64; 20];
        rows[2 * 2 + 1] = 40;
        rows[4 * 2 + 1] = 50;
        rows[4 * 2] = 110;
        let d = o.distance(&rows, 2, &o.initial_scales());
        let expected = ((2.0 * 100.0 / 1250.0 + 4.0) / 3.0f64).sqrt();
        assert!((d - expected).abs() < 1e-12, "{d} {expected}");
        // Adapted to three simulations: observation 0 simulated at 10, 20 and 40 (median 20,
        // deviations 10, 0, 20: MAD 10); observation 1 always at 50 (no spread: the metric's
        // size); observation 2 (sem 5) at 100, 103, 110 (MAD 3).
        let sims: Vec<Vec<i64>> = [(10, 50, 100), (20, 50, 103), (40, 50, 110)]
            .iter()
            .map(|&(a, b, c)| {
                let mut r = vec![0i64; 20];
                r[2 * 2 + 1] = a;
                r[4 * 2 + 1] = b;
                r[4 * 2] = c;
                r
            })
            .collect();
        let refs: Vec<&[i64]> = sims.iter().map(Vec::as_slice).collect();
        let scales = o.adapted_scales(&refs, 2);
        assert!((scales[0] - 14.826).abs() < 1e-9, "{scales:?}");
        assert!((scales[1] - 1250f64.sqrt()).abs() < 1e-9, "{scales:?}");
        assert!(
            (scales[2] - (25.0 + 4.4478f64.powi(2)).sqrt()).abs() < 1e-9,
            "{scales:?}"
        );
    }

    #[test]
    fn only_the_days_up_to_until_count() {
        let text = "date,metric,value\n2013-04-03,entries,30\n2013-04-05,entries,40\n2013-04-09,entries,90\n";
        let day = |d| NaiveDate::from_ymd_opt(2013, 4, d).unwrap();
        let o = Observed::parse(
            Path::new("o.csv"),
            text.as_bytes(),
            &dates(),
            &columns(),
            &[],
            Some(day(5)),
        )
        .unwrap();
        assert_eq!(o.observations.len(), 2);
        // The scale is that of the days kept (RMS of 30 and 40), not of the later ones.
        assert!((o.observations[0].scale - 1250f64.sqrt()).abs() < 1e-12);
        let e = Observed::parse(
            Path::new("o.csv"),
            text.as_bytes(),
            &dates(),
            &columns(),
            &[],
            Some(day(2)),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("no observation to fit on or before 2013-04-02"),
            "{e}"
        );
    }

    #[test]
    fn problems_name_the_line_and_column() {
        let cases = [
            (
                "date,metric,value\n2013-04-03,migrated,30\n",
                "obs.csv:2:2: not a metric of this scenario;",
            ),
            (
                "date,metric,value\n2013-13-03,entries,30\n",
                "obs.csv:2:1: not a date",
            ),
            (
                "date,metric,value\n2013-04-03,entries,x\n",
                "obs.csv:2:3: not a number",
            ),
            (
                "date,metric,value,sem\n2013-04-03,entries,1,0\n",
                "obs.csv:2:4: a sem must be above 0",
            ),
            (
                "date,metric,value\n2014-04-03,entries,1\n",
                "obs.csv:2:1: 2014-04-03 is not a reported day",
            ),
            (
                "date,metric,value\n2013-04-03,entries,1\n2013-04-03,entries,2\n",
                "obs.csv:3:1: entries on 2013-04-03 is observed twice",
            ),
            (
                "day,metric,value\n",
                "obs.csv:1:1: not a column of observations",
            ),
            ("metric,value\n", "obs.csv:1: the header must name"),
            (
                "date,metric,value,weight\n",
                "obs.csv:1:4: not a column of observations",
            ),
            ("date,metric,value\n", "obs.csv:1: no observation to fit"),
        ];
        for (text, expected) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{text:?}: {e}");
        }
        let e = Observed::parse(
            Path::new("o.csv"),
            b"",
            &dates(),
            &columns(),
            &["nope".into()],
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`nope` is not a metric"), "{e}");
    }

    #[test]
    fn values_beyond_a_metrics_range_and_bytes_that_are_not_utf8_are_refused_where_they_are() {
        let cases: [(&[u8], &str); 7] = [
            (
                b"date,metric,value\n2013-04-03,entries,-1\n",
                "obs.csv:2:3: out of range: a count",
            ),
            (
                b"date,metric,value\n2013-04-03,entries,1e308\n",
                "obs.csv:2:3: out of range: a count",
            ),
            (b"date,metric,value\n2013-04-03,entries,4294967296\n", ""),
            (
                b"date,metric,value,sem\n2013-04-03,entries,3,1e300\n",
                "obs.csv:2:4: a sem must be",
            ),
            (
                b"date,metric,value\n\n\n2013-04-03,entries,x\n",
                "obs.csv:4:3: not a number",
            ),
            (
                b"date,metric,value\r\n2013-04-03,entries,1\r\n2013-04-04,ent\xe9ries,2\r\n",
                "obs.csv:3:2: not UTF-8 text (from its character 4",
            ),
            (
                b"date,metric,value\n2013-04-03,\"entries\n\",1\n2013-04-04,entries,x\n",
                "obs.csv:4:3: not a number",
            ),
        ];
        for (bytes, wanted) in cases {
            let r = Observed::parse(Path::new("obs.csv"), bytes, &dates(), &columns(), &[], None);
            match (r, wanted) {
                (Ok(_), "") => {}
                (Err(e), w) if !w.is_empty() => {
                    let e = e.to_string();
                    assert!(
                        e.starts_with(w),
                        "{:?}: {e}",
                        String::from_utf8_lossy(bytes)
                    );
                }
                (r, w) => panic!("{:?}: {r:?}, wanted {w:?}", String::from_utf8_lossy(bytes)),
            }
        }
        // Shares: from 0 to 1.
        let share = ["entries".to_string(), "reachable_im".to_string()];
        for (v, ok) in [("0", true), ("1", true), ("-0.5", false), ("1.5", false)] {
            let text = format!("date,metric,value\n2013-04-03,reachable_share,{v}\n");
            let r = Observed::parse(
                Path::new("o.csv"),
                text.as_bytes(),
                &dates(),
                &share,
                &[],
                None,
            );
            assert_eq!(r.is_ok(), ok, "{v}: {r:?}");
        }
    }
}
