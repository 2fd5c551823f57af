//! An observations file read row by row: its size bounded before it is read, its header, each
//! row's date, metric, value and sem checked against the scenario and the metric's range, and
//! every problem placed at its line and column (the field), with no cell quoted.

use super::metrics::{Metrics, Observation};
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use std::io::Read;
use std::path::Path;

/// The largest count an observation can hold: picsim numbers users, persons and organisations
/// with 32-bit ids and refuses a world whose entries could outgrow them, so no count of a
/// replication comes near 2^32 (and a value far beyond it would make every distance infinite).
const MAX_COUNT: f64 = 4_294_967_296.0;

/// Bytes an observations file may have per row it could hold (a date, a metric's name, a value
/// and a sem, generously), beyond a fixed allowance.
pub(super) const BYTES_PER_ROW: u64 = 256;

/// At most `most` bytes of the regular file `path` (a link is followed; a pipe or a device,
/// which could block or never end, is refused), or why not.
pub(super) fn read_at_most(path: &Path, most: u64) -> Result<Vec<u8>> {
    let name = path.display();
    let meta = std::fs::metadata(path)
        .with_context(|| format!("could not read the observations '{name}'"))?;
    if !meta.is_file() {
        bail!(
            "{name}: not a regular file (a folder, a device or a pipe); observations are a CSV file"
        );
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::take(f, most + 1).read_to_end(&mut bytes))
        .with_context(|| format!("could not read the observations '{name}'"))?;
    if bytes.len() as u64 > most {
        bail!(
            "{name}: larger than {} KiB, more than one row per reported day and metric of the scenario could make; is it the right file?",
            most >> 10
        );
    }
    Ok(bytes)
}

/// `record` (read at `line`) as text, its cells trimmed, or where it is not UTF-8: the line, the
/// column (field) and the character of that field at which the first byte that is not UTF-8
/// sits.
pub(super) fn utf8_record(
    name: &dyn std::fmt::Display,
    record: csv::ByteRecord,
    line: u64,
) -> Result<csv::StringRecord> {
    match csv::StringRecord::from_byte_record(record) {
        Ok(mut record) => {
            record.trim();
            Ok(record)
        }
        Err(e) => {
            let field = e.utf8_error().field();
            let byte = e.utf8_error().valid_up_to();
            let chars = e
                .into_byte_record()
                .get(field)
                .and_then(|f| std::str::from_utf8(&f[..byte.min(f.len())]).ok())
                .map_or(byte, |t| t.chars().count());
            bail!(
                "{name}:{line}:{}: not UTF-8 text (from its character {}; save the file as UTF-8)",
                field + 1,
                chars + 1
            )
        }
    }
}

/// What the CSV reader's error `e` says, for people.
pub(super) fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) if crate::records::is_run_on(io) => io.to_string(),
        _ => "not a CSV row picsim can read".into(),
    }
}

/// Where the columns of an observations file are.
pub(super) struct Header {
    pub(super) date: usize,
    metric: usize,
    value: usize,
    sem: Option<usize>,
}

impl Header {
    /// The columns of `header` (at `line`): date, metric and value, and optionally sem;
    /// nothing else.
    pub(super) fn of(
        name: &dyn std::fmt::Display,
        line: u64,
        header: &csv::StringRecord,
    ) -> Result<Header> {
        const NAMES: [&str; 4] = ["date", "metric", "value", "sem"];
        if let Some(extra) = header.iter().position(|h| !NAMES.contains(&h)) {
            bail!(
                "{name}:{line}:{}: not a column of observations; the columns are date, metric, value and sem",
                extra + 1
            );
        }
        let find = |c: &str| header.iter().position(|h| h == c);
        for (i, h) in header.iter().enumerate() {
            if find(h) != Some(i) {
                bail!("{name}:{line}:{}: {h} is given twice", i + 1);
            }
        }
        let (Some(date), Some(metric), Some(value)) = (find("date"), find("metric"), find("value"))
        else {
            bail!(
                "{name}:{line}: the header must name the columns date, metric and value (and optionally sem)"
            );
        };
        Ok(Header {
            date,
            metric,
            value,
            sem: find("sem"),
        })
    }
}

/// One row of an observations file.
pub(super) struct Row<'r> {
    pub(super) name: &'r dyn std::fmt::Display,
    pub(super) line: u64,
    pub(super) record: &'r csv::StringRecord,
}

impl Row<'_> {
    /// Column `c` of this row, as messages place it.
    pub(super) fn at(&self, c: usize) -> String {
        format!("{}:{}:{}", self.name, self.line, c + 1)
    }

    fn cell(&self, c: usize) -> &str {
        self.record.get(c).unwrap_or("")
    }

    /// The observation this row makes, placed among `dates` (increasing) and `metrics`, with its
    /// value within the metric's range.
    pub(super) fn observation(
        &self,
        at: &Header,
        dates: &[NaiveDate],
        metrics: &Metrics,
    ) -> Result<Observation> {
        let date = NaiveDate::parse_from_str(self.cell(at.date), "%Y-%m-%d")
            .map_err(|_| anyhow!("{}: not a date (YYYY-MM-DD)", self.at(at.date)))?;
        let text = self.cell(at.metric);
        let Some(column) = metrics.names.iter().position(|c| c == text) else {
            let near =
                crate::scenario::key::nearest(text, metrics.names.iter().map(String::as_str));
            let hint = near.map_or(String::new(), |n| format!(" (did you mean `{n}`?)"));
            bail!(
                "{}: not a metric of this scenario{hint}; its metrics are the columns of series.csv and their shares ({})",
                self.at(at.metric),
                metrics.names.join(", ")
            );
        };
        let share = column >= metrics.columns;
        let (what, most) = if share {
            ("a share is from 0 to 1", 1.0)
        } else {
            ("a count is from 0 to 4294967296 (2^32)", MAX_COUNT)
        };
        let value = number(self.cell(at.value), &self.at(at.value))?;
        if !(0.0..=most).contains(&value) {
            bail!("{}: out of range: {what}", self.at(at.value));
        }
        let sem = match at.sem.map(|c| (c, self.cell(c))) {
            None | Some((_, "")) => None,
            Some((c, text)) => {
                let sem = number(text, &self.at(c))?;
                if sem <= 0.0 || sem > most {
                    bail!(
                        "{}: a sem must be above 0 and at most the metric's range ({}; leave it empty when unknown)",
                        self.at(c),
                        if share { "1" } else { "2^32" }
                    );
                }
                Some(sem)
            }
        };
        let Ok(row) = dates.binary_search(&date) else {
            let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
                bail!("{}: the scenario reports no day", self.at(at.date));
            };
            let step = dates.get(1).map_or(1, |d| (*d - *first).num_days());
            bail!(
                "{}: {date} is not a reported day of the scenario ({first} to {last}{}); observe reported days, or set scenario.step_days = 1",
                self.at(at.date),
                if step > 1 {
                    format!(", every {step} days")
                } else {
                    String::new()
                }
            );
        };
        Ok(Observation {
            date,
            metric: text.to_string(),
            value,
            sem,
            row,
            column,
            scale: 1.0,
        })
    }
}

/// A finite number, or why not at `at`.
fn number(text: &str, at: &str) -> Result<f64> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => bail!("{at}: not a number"),
    }
}
