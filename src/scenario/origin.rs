//! Where something in a scenario was written: a file with its line and column, and where each
//! `[sweep]` and `[sensitivity]` entry is, so that an error about a variant points there.

use std::fmt;

/// Where something was written: a file, with the line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Origin {
    /// The file (or `<string>`).
    pub(crate) file: String,
    /// Line and column, when known.
    pub(crate) position: Option<Position>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(p) = self.position {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

/// A place in a text file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where each `[sweep]` and `[sensitivity]` entry, and each of its values, is written: errors
/// about a variant point there.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct EntryOrigins(Vec<(&'static str, String, Option<usize>, Origin)>);

impl EntryOrigins {
    pub(crate) fn insert(
        &mut self,
        section: &'static str,
        key: &str,
        index: Option<usize>,
        at: Origin,
    ) {
        self.0.push((section, key.to_string(), index, at));
    }

    /// Where `section.key` is written (`index`: which of its values); `None` when it is not in
    /// a file (a `--vary` option).
    pub(crate) fn get(&self, section: &str, key: &str, index: Option<usize>) -> Option<&Origin> {
        self.0
            .iter()
            .find(|(s, k, i, _)| *s == section && k == key && *i == index)
            .map(|(_, _, _, at)| at)
    }
}
