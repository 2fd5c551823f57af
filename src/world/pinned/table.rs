//! One world file read as a table: its header checked against the columns the file may have
//! (required ones present, none unknown or repeated), then its rows with their line numbers, and
//! the cell formats every world file shares (ids, dates with `always` and `never`, network
//! lists). Every problem becomes a [`WorldError`] naming the file, the line and the column, and
//! saying what the cell should be without showing what it is.

use super::error::{Problems, WorldError};
use super::folder::{Folder, count_lines, io_text};
use crate::day::{ALWAYS, Calendar, Day, FOREVER};
use crate::records::{Records, is_run_on};
use crate::scenario::{NetworkId, Scenario};

/// A column a file may have.
pub(crate) struct Column {
    /// Its header name.
    pub(crate) name: String,
    /// Whether the file must have it.
    pub(crate) required: bool,
}

impl Column {
    /// A column every file of its kind has.
    pub(crate) fn required(name: &str) -> Column {
        Column {
            name: name.to_string(),
            required: true,
        }
    }

    /// A column that pins something when present and lets it be drawn when absent.
    pub(crate) fn optional(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            required: false,
        }
    }
}

/// A world file's rows, once its header is known to be right.
pub(crate) struct Table {
    /// The file, as messages name it.
    pub(crate) file: String,
    /// Its rows at most (its lines but the header), to reserve what they are read into.
    pub(crate) most_rows: usize,
    /// Per accepted column, its position in the header, when the file has it.
    at: Vec<Option<usize>>,
    names: Vec<String>,
    records: Records<std::fs::File>,
}

/// A row kept for checks made once the world is built (against what was drawn): it knows its
/// line.
pub(crate) trait Lined {
    /// 1-based line of the row in its file.
    fn line(&self) -> u32;
}

/// Rows of one world file kept for later checks, with the file as their messages name it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rows<T> {
    /// The rows.
    pub(crate) rows: Vec<T>,
    /// The file.
    pub(crate) file: String,
}

impl<T: Lined> Rows<T> {
    /// The problem `problem` with `row`, in `column`.
    pub(crate) fn error(&self, row: &T, column: &str, problem: String) -> WorldError {
        WorldError::new(&self.file, u64::from(row.line()), column, problem)
    }
}

/// One row: its line and cells.
pub(crate) struct Row<'t> {
    /// 1-based line of the row in its file.
    pub(crate) line: u64,
    record: &'t csv::StringRecord,
    table: &'t Table,
}

impl Table {
    /// Opens the file `name` of `folder` if it has one (`Ok(None)` when it does not: nothing of
    /// it is pinned) and checks its header against `columns`.
    pub(crate) fn open(
        folder: &Folder,
        name: &str,
        columns: &[Column],
    ) -> Result<Option<Table>, WorldError> {
        if !folder.has(name) {
            return Ok(None);
        }
        let path = folder.path(name);
        let file = path.display().to_string();
        let unreadable = |e: std::io::Error| {
            WorldError::whole_file(&file, format!("could not be read: {}", io_text(&e)))
        };
        let lines = count_lines(&path).map_err(unreadable)?;
        let mut records = Records::open(&path).map_err(unreadable)?;
        let mut header = csv::ByteRecord::new();
        let line = match records.next(&mut header) {
            Ok(line) => line.unwrap_or(1),
            Err((line, e)) => {
                let (column, problem) = csv_problem(&e);
                let problem = format!("the header could not be read: {problem}");
                return Err(WorldError::new(&file, line, column, problem));
            }
        };
        let header = text_record(header).map_err(|(column, problem)| {
            WorldError::new(&file, line, column, format!("the header is {problem}"))
        })?;
        let header: Vec<&str> = header.iter().map(str::trim).collect();
        check_header(&file, line, name, &header, columns)?;
        Ok(Some(Table {
            file,
            most_rows: usize::try_from(lines.saturating_sub(1)).unwrap_or(usize::MAX),
            at: columns
                .iter()
                .map(|c| header.iter().position(|h| *h == c.name))
                .collect(),
            names: columns.iter().map(|c| c.name.clone()).collect(),
            records,
        }))
    }

    /// An empty list with room for every row, when that much memory can be had (the memory
    /// guard counted it; without the guard, the list grows as rows come).
    pub(crate) fn reserved<T>(&self) -> Vec<T> {
        let mut v = Vec::new();
        let _ = v.try_reserve_exact(self.most_rows);
        v
    }

    /// Whether the file has accepted column `c` (an index into the columns it was opened with).
    pub(crate) fn has(&self, c: usize) -> bool {
        self.at[c].is_some()
    }

    /// Every row, in file order; a row the CSV reader cannot split, or that is not UTF-8 text,
    /// is a problem, and stops the file (what follows it cannot be trusted).
    pub(crate) fn rows(
        mut self,
        problems: &mut Problems,
        mut each: impl FnMut(Row, &mut Problems),
    ) {
        // One record buffer for the whole file, handed between its byte and text forms, not
        // one allocation per row.
        let mut raw = csv::ByteRecord::new();
        loop {
            let (line, record) = match self.records.next(&mut raw) {
                Ok(None) => break,
                Ok(Some(line)) => (line, text_record(std::mem::take(&mut raw))),
                Err((line, e)) => (line, Err(csv_problem(&e))),
            };
            let record = match record {
                Ok(record) => record,
                Err((column, problem)) => {
                    problems.push(WorldError::new(&self.file, line, column, problem));
                    break;
                }
            };
            if !record.iter().all(|c| c.trim().is_empty()) {
                let row = Row {
                    line,
                    record: &record,
                    table: &self,
                };
                each(row, problems);
            }
            raw = record.into_byte_record();
        }
    }
}

/// `record` as text, or the column (field) that is not UTF-8 and the problem.
fn text_record(record: csv::ByteRecord) -> Result<csv::StringRecord, (String, String)> {
    csv::StringRecord::from_byte_record(record).map_err(|e| {
        let field = e.utf8_error().field();
        (
            format!("column {}", field + 1),
            "not UTF-8 text (save the file as UTF-8)".to_string(),
        )
    })
}

/// Checks a file's `header` (trimmed) against the `columns` it may have: each one it may have,
/// none twice, every required one there. A header cell that is not a column of the file is
/// named by its place, not its text (the file may be anything at all, a link to a password file
/// included).
fn check_header(
    file: &str,
    line: u64,
    name: &str,
    header: &[&str],
    columns: &[Column],
) -> Result<(), WorldError> {
    let at_header = |column: String, problem: String| WorldError::new(file, line, column, problem);
    for (i, h) in header.iter().enumerate() {
        if !columns.iter().any(|c| c.name == *h) {
            let known: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            return Err(at_header(
                format!("column {}", i + 1),
                format!(
                    "not a column of {name}, which has {} (an unknown column would be drawn silently)",
                    known.join(", ")
                ),
            ));
        }
        if let Some(first) = header[..i].iter().position(|g| g == h) {
            return Err(at_header(
                h.to_string(),
                format!(
                    "the column is given twice (columns {} and {})",
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    if let Some(c) = columns
        .iter()
        .find(|c| c.required && !header.contains(&c.name.as_str()))
    {
        return Err(at_header(
            c.name.clone(),
            "a required column is missing".into(),
        ));
    }
    Ok(())
}

/// What the CSV reader's error `e` says, for people: the column it is in (empty when none) and
/// the problem.
fn csv_problem(e: &csv::Error) -> (String, String) {
    match e.kind() {
        csv::ErrorKind::Io(io) if is_run_on(io) => (String::new(), io.to_string()),
        csv::ErrorKind::Io(io) => (String::new(), format!("could not be read: {}", io_text(io))),
        _ => (String::new(), "not a CSV row picsim can read".into()),
    }
}

impl Row<'_> {
    /// Column `c`'s cell, trimmed; `None` when the file has no such column.
    pub(crate) fn cell(&self, c: usize) -> Option<&str> {
        self.table.at[c].map(|i| self.record.get(i).unwrap_or("").trim())
    }

    /// The problem `problem` in column `c` of this row.
    pub(crate) fn error(&self, c: usize, problem: impl Into<String>) -> WorldError {
        WorldError::new(&self.table.file, self.line, &self.table.names[c], problem)
    }

    /// Column `c` parsed by `parse` (`Ok(None)` when the file has no such column); a cell that
    /// does not parse is a problem in that column.
    pub(crate) fn parse<T>(
        &self,
        c: usize,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, WorldError> {
        match self.cell(c) {
            None => Ok(None),
            Some(text) => parse(text).map(Some).map_err(|p| self.error(c, p)),
        }
    }

    /// Column `c`, which the file has (a required column).
    pub(crate) fn need<T>(
        &self,
        c: usize,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, WorldError> {
        self.parse(c, parse)?
            .ok_or_else(|| self.error(c, "a required column is missing"))
    }
}

/// An id: a whole number from 0.
pub(crate) fn id(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| "not an id (a whole number from 0)".to_string())
}

/// A whole number within `range`.
pub(crate) fn count(text: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "not a whole number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

/// Which words a day cell accepts besides an ISO date.
#[derive(Clone, Copy)]
pub(crate) struct Words {
    /// `always`: before anything the scenario models.
    pub(crate) always: bool,
    /// `never`.
    pub(crate) never: bool,
}

/// A day: an ISO date (`2013-04-08`), or `always` ([`ALWAYS`]) or `never` ([`FOREVER`]) where
/// `words` accepts them.
pub(crate) fn day(text: &str, cal: &Calendar, words: Words) -> Result<Day, String> {
    match text {
        "always" if words.always => return Ok(ALWAYS),
        "never" if words.never => return Ok(FOREVER),
        _ => {}
    }
    let accepted = match (words.always, words.never) {
        (true, true) => "an ISO date (2013-04-08), always or never",
        (true, false) => "an ISO date (2013-04-08) or always",
        (false, true) => "an ISO date (2013-04-08) or never",
        (false, false) => "an ISO date (2013-04-08)",
    };
    let date = iso_date(text).ok_or_else(|| format!("not {accepted}"))?;
    let days = (date - cal.start).num_days();
    if days.abs() >= i64::from(FOREVER) / 2 {
        return Err("a date too far from the scenario's dates".into());
    }
    Ok(days as Day)
}

/// `YYYY-MM-DD`, read by hand: a world's dates are millions of cells, and chrono's format parser
/// was a tenth of reading one.
fn iso_date(text: &str) -> Option<chrono::NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    chrono::NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
}

/// A network of the scenario, by id.
pub(crate) fn network(s: &Scenario, text: &str) -> Result<NetworkId, String> {
    s.networks
        .iter()
        .position(|n| n.id == text)
        .map(|n| n as NetworkId)
        .ok_or_else(|| {
            let ids: Vec<&str> = s.networks.iter().map(|n| n.id.as_str()).collect();
            format!("not a network of the scenario ({})", ids.join(", "))
        })
}

/// Networks as a bit set, from `a;b` (empty: none).
pub(crate) fn networks(s: &Scenario, text: &str) -> Result<u16, String> {
    text.split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .try_fold(0u16, |mask, t| Ok(mask | 1 << network(s, t)?))
}

/// A name among `names` (deployments, activity classes), as its index.
pub(crate) fn one_of(text: &str, names: &[&str], what: &str) -> Result<u8, String> {
    names
        .iter()
        .position(|n| *n == text)
        .map(|i| i as u8)
        .ok_or_else(|| format!("not {what} of the scenario ({})", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_take_their_words_only_where_a_column_accepts_them() {
        let cal = Calendar::new(chrono::NaiveDate::from_ymd_opt(2013, 1, 1).unwrap());
        let all = Words {
            always: true,
            never: true,
        };
        let dates = Words {
            always: false,
            never: false,
        };
        assert_eq!(day("2013-01-31", &cal, dates), Ok(30));
        assert_eq!(day("2012-12-31", &cal, dates), Ok(-1));
        assert_eq!(day("always", &cal, all), Ok(ALWAYS));
        assert_eq!(day("never", &cal, all), Ok(FOREVER));
        assert_eq!(
            day("never", &cal, dates),
            Err("not an ISO date (2013-04-08)".into())
        );
        assert!(day("2013-02-29", &cal, all).is_err());
        assert!(day("2013-1-31", &cal, all).is_err());
        assert!(day("2013-01-3x", &cal, all).is_err());
        assert!(day("+013-01-31", &cal, all).is_err());
        assert_eq!(day("2016-02-29", &cal, all), Ok(1154));
        assert!(day("", &cal, all).is_err());
    }

    #[test]
    fn counts_and_ids_refuse_what_is_out_of_range() {
        assert_eq!(count("3", 1..=100), Ok(3));
        assert!(count("0", 1..=100).is_err());
        assert!(count("101", 1..=100).is_err());
        assert!(count("-1", 0..=5).is_err());
        assert_eq!(id("7"), Ok(7));
        assert!(id("4294967296").is_err());
        assert!(id("1.5").is_err());
    }
}
