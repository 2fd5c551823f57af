//! What can be wrong with a scenario, as typed values: each [`ScenarioError`] holds the file,
//! line, column, key, problem and hint, and becomes text once, in its `Display`, at the edge
//! (`main` prints it). Nothing here finds a line or a column; `locate.rs` does.

use super::key::KeyPath;
use super::origin::Position;

/// A problem with a scenario, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {}{problem}{}", at(.position), key_prefix(.key), hint_suffix(.hint))]
pub struct ScenarioError {
    /// The file (or `<string>`).
    pub(crate) file: String,
    /// 1-based line and column, when the key is in the file.
    pub(crate) position: Option<Position>,
    /// The key path (empty for whole-file problems such as TOML syntax).
    pub(crate) key: String,
    /// What is wrong (and, for most problems, what would be accepted).
    pub(crate) problem: String,
    /// The likely fix, when a name was mistyped (`did you mean …?`).
    pub(crate) hint: Option<String>,
}

fn at(position: &Option<Position>) -> String {
    position.map_or_else(String::new, |p| format!(":{p}"))
}

fn key_prefix(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!("{key}: ")
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map_or_else(String::new, |h| format!("; {h}"))
}

impl ScenarioError {
    /// A problem with the file as a whole (not at a key), such as TOML syntax.
    pub(crate) fn whole_file(
        file: impl Into<String>,
        position: Option<Position>,
        problem: String,
    ) -> ScenarioError {
        ScenarioError {
            file: file.into(),
            position,
            key: String::new(),
            problem,
            hint: None,
        }
    }
}

/// Every problem found in one scenario, one per line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", lines(.0))]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

fn lines(errors: &[ScenarioError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<ScenarioError> for ScenarioErrors {
    fn from(e: ScenarioError) -> ScenarioErrors {
        ScenarioErrors(vec![e])
    }
}

/// A problem found by validation, before it is located in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    /// Key path of the offending value.
    pub(crate) path: KeyPath,
    /// What is wrong and what would be accepted.
    pub(crate) message: String,
    /// The likely fix, when a name was mistyped.
    pub(crate) hint: Option<String>,
}

impl Problem {
    /// `note` (say, which override set the value) added after the message and its hint.
    pub(crate) fn noted(mut self, note: &str) -> Problem {
        match &mut self.hint {
            Some(h) => h.push_str(note),
            None => self.message.push_str(note),
        }
        self
    }
}
