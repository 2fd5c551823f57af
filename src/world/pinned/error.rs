//! What can be wrong with a world folder: each [`WorldError`] names the file, the line, the
//! column and the problem, as a scenario's errors name their file, line and key.

/// Most problems reported at once (the rest are counted).
const MAX_SHOWN: usize = 20;

/// A problem in a world file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {}{problem}", column_prefix(.column))]
pub struct WorldError {
    /// The file.
    pub(crate) file: String,
    /// 1-based line (1: the header; 0: the file as a whole).
    pub(crate) line: u64,
    /// The column (empty for a problem with the row or the file).
    pub(crate) column: String,
    /// What is wrong, and what would be accepted.
    pub(crate) problem: String,
}

impl WorldError {
    /// The problem `problem` at `line` of `file`, in `column` (empty: the row or the file).
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
}

fn column_prefix(column: &str) -> String {
    if column.is_empty() {
        String::new()
    } else {
        format!("{column}: ")
    }
}

/// Every problem found in a world, one per line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the world cannot be replayed:\n{}", lines(.0))]
pub struct WorldErrors(pub Vec<WorldError>);

fn lines(errors: &[WorldError]) -> String {
    let mut text: Vec<String> = errors
        .iter()
        .take(MAX_SHOWN)
        .map(|e| format!("  {e}"))
        .collect();
    if errors.len() > MAX_SHOWN {
        text.push(format!("  … and {} more", errors.len() - MAX_SHOWN));
    }
    text.join("\n")
}

/// Problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<WorldError>);

impl Problems {
    /// Records a problem.
    pub(crate) fn push(&mut self, e: WorldError) {
        self.0.push(e);
    }

    /// Records every problem of `other`, after these.
    pub(crate) fn append(&mut self, mut other: Problems) {
        self.0.append(&mut other.0);
    }

    /// The value of `r`, recording its problem when it has one.
    pub(crate) fn take<T>(&mut self, r: Result<T, WorldError>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }

    /// `Ok(value)` when nothing is wrong, else every problem.
    pub(crate) fn or<T>(self, value: T) -> Result<T, WorldErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(WorldErrors(self.0))
        }
    }
}
