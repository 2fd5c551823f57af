//! What can be wrong with a world folder: each [`WorldError`] names the file, the line, the
//! column and the problem, as a scenario's errors name their file, line and key. A message never
//! quotes a cell of a world file: a world may hold an import's pseudonyms (or its addresses, when
//! exported with `--reveal-addresses`), and a world file may be a link to any file at all.

/// Most problems reported at once (the rest are counted).
const MAX_SHOWN: usize = 20;

/// A problem in a world file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {}{problem}", line_suffix(*.line), column_prefix(.column))]
pub struct WorldError {
    /// The file.
    pub(crate) file: String,
    /// 1-based line (1: the header); 0 only for a problem with the file as a whole (it cannot be
    /// read, or should not be there), which the message then names without a line.
    pub(crate) line: u64,
    /// The column: its name when it is one the file may have, `column N` for a header cell
    /// that is not (its text is never shown); empty for a problem with the row or the file.
    pub(crate) column: String,
    /// What is wrong, and what would be accepted.
    pub(crate) problem: String,
}

impl WorldError {
    /// The problem `problem` at `line` of `file`, in `column` (empty: the row).
    pub(crate) fn new(
        file: impl Into<String>,
        line: u64,
        column: impl Into<String>,
        problem: impl Into<String>,
    ) -> WorldError {
        WorldError {
            file: file.into(),
            line,
            column: column.into(),
            problem: problem.into(),
        }
    }

    /// The problem `problem` with the file `file` as a whole (it cannot be read, or is not one
    /// a world has): there is no line to name.
    pub(crate) fn whole_file(file: impl Into<String>, problem: impl Into<String>) -> WorldError {
        WorldError::new(file, 0, "", problem)
    }
}

fn line_suffix(line: u64) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

fn column_prefix(column: &str) -> String {
    if column.is_empty() {
        String::new()
    } else {
        format!("{column}: ")
    }
}

/// Every problem found in a world, one per line: the first ones, and how many more.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the world cannot be replayed:\n{}", lines(.shown, *.more))]
pub struct WorldErrors {
    /// The first problems found, in file order.
    pub shown: Vec<WorldError>,
    /// How many more were found.
    pub more: u64,
}

fn lines(errors: &[WorldError], more: u64) -> String {
    let mut text: Vec<String> = errors
        .iter()
        .take(MAX_SHOWN)
        .map(|e| format!("  {e}"))
        .collect();
    let left = more + errors.len().saturating_sub(MAX_SHOWN) as u64;
    if left > 0 {
        text.push(format!("  … and {left} more"));
    }
    text.join("\n")
}

/// Problems found so far: the first [`MAX_SHOWN`] kept, the others counted, so that a file of a
/// hundred million bad rows takes no more memory to refuse than one bad row.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    kept: Vec<WorldError>,
    more: u64,
}

impl Problems {
    /// Records a problem.
    pub(crate) fn push(&mut self, e: WorldError) {
        if self.kept.len() < MAX_SHOWN {
            self.kept.push(e);
        } else {
            self.more += 1;
        }
    }

    /// Records every problem of `other`, after these.
    pub(crate) fn append(&mut self, other: Problems) {
        let more = other.more;
        for e in other.kept {
            self.push(e);
        }
        self.more += more;
    }

    /// The value of `r`, recording its problem when it has one.
    pub(crate) fn take<T>(&mut self, r: Result<T, WorldError>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }

    /// Whether no problem was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.more == 0
    }

    /// `Ok(value)` when nothing is wrong, else every problem.
    pub(crate) fn or<T>(self, value: T) -> Result<T, WorldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(WorldErrors {
                shown: self.kept,
                more: self.more,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_level_problem_has_no_line_and_many_problems_are_counted() {
        let e = WorldError::whole_file("w/org.csv", "not a file of a world");
        assert_eq!(e.to_string(), "w/org.csv: not a file of a world");
        let e = WorldError::new("w/orgs.csv", 3, "users", "too many");
        assert_eq!(e.to_string(), "w/orgs.csv:3: users: too many");
        let mut p = Problems::default();
        for line in 1..=1000 {
            p.push(WorldError::new("f.csv", line, "", "bad"));
        }
        let errors = p.or(()).unwrap_err();
        assert_eq!((errors.shown.len(), errors.more), (MAX_SHOWN, 1000 - 20));
        let text = errors.to_string();
        assert!(text.ends_with("  … and 980 more"), "{text}");
        assert_eq!(text.lines().count(), 1 + MAX_SHOWN + 1);
    }
}
