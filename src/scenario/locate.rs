//! Where a key is written: the file (the scenario or one it `extends`), line and column of any
//! key path, so that every error, including a cross-field one found by validation, points at
//! its place. Each layer is parsed a second time into `toml::de::DeTable`, which keeps the byte
//! span of every key (the `toml::Table` that overrides edit and serde reads does not).

use super::error::{Problem, ScenarioError};
use super::key::{KeyPath, Seg};
use super::origin::{Origin, Position};
use super::overrides::Override;
use toml::de::{DeTable, DeValue};

/// One file of a scenario: the file itself, or one it `extends`.
pub(super) struct Layer {
    /// The file's name as shown in messages.
    pub(super) name: String,
    /// Its text.
    pub(super) text: String,
}

/// Whether the table at `path` is a section whose keys a child file merges one by one (as
/// opposed to a value, such as a distribution, a window or a mix, that a child replaces whole).
pub(super) fn is_section(path: &[&str]) -> bool {
    matches!(
        path,
        [] | [_]
            | ["networks", _]
            | ["providers", _]
            | ["orgs", "agreement" | "domains" | "providers"]
            | ["behaviours", "recovery"]
    )
}

/// The part of `path` that one file defines as a whole: up to the first key that is not a
/// section (see [`is_section`]).
fn owned_prefix(path: &KeyPath) -> KeyPath {
    let mut keys: Vec<&str> = Vec::new();
    for (i, seg) in path.0.iter().enumerate() {
        match seg {
            Seg::Key(k) => keys.push(k),
            Seg::Index(_) => return KeyPath(path.0[..=i].to_vec()),
        }
        if !is_section(&keys) {
            return KeyPath(path.0[..=i].to_vec());
        }
    }
    path.clone()
}

/// The line and column of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position { line, column: col }
}

/// Finds keys in the source texts (the file first, then the files it extends) and names where
/// they came from.
pub(super) struct Locator<'a> {
    layers: Vec<(&'a str, &'a str, Option<toml::Spanned<DeTable<'a>>>)>,
    overrides: Vec<(KeyPath, String, Option<Origin>)>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(layers: &'a [Layer], overrides: &[Override]) -> Self {
        Locator {
            layers: layers
                .iter()
                .map(|l| {
                    (
                        l.name.as_str(),
                        l.text.as_str(),
                        DeTable::parse(&l.text).ok(),
                    )
                })
                .collect(),
            overrides: overrides
                .iter()
                .map(|o| (o.path.clone(), o.text.clone(), o.source.clone()))
                .collect(),
        }
    }

    /// The span of the deepest key of `path` found in `doc`, and how many segments matched.
    pub(super) fn span(doc: &toml::Spanned<DeTable>, path: &KeyPath) -> Option<(usize, usize)> {
        let mut table: &DeTable = doc.get_ref();
        let mut value: Option<&toml::Spanned<DeValue>> = None;
        let mut best = None;
        for (depth, seg) in path.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    let t = match value {
                        None => table,
                        Some(v) => match v.get_ref() {
                            DeValue::Table(t) => t,
                            _ => break,
                        },
                    };
                    let Some((key, v)) = t
                        .iter()
                        .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                    else {
                        break;
                    };
                    best = Some((key.span().start, depth + 1));
                    table = t;
                    value = Some(v);
                }
                Seg::Index(i) => {
                    let Some(DeValue::Array(a)) = value.map(|v| v.get_ref()) else {
                        break;
                    };
                    let Some(item) = a.get(*i) else {
                        break;
                    };
                    best = Some((item.span().start, depth + 1));
                    value = Some(item);
                }
            }
        }
        best
    }

    /// An error at `path`, located in the file that defines it.
    pub(super) fn error(&self, path: &KeyPath, message: String) -> ScenarioError {
        self.locate(Problem {
            path: path.clone(),
            message,
            hint: None,
        })
    }

    /// `problem`, located in the file that defines its key (or at the override that set it).
    pub(super) fn locate(&self, problem: Problem) -> ScenarioError {
        let path = &problem.path;
        let first = self.layers.first().map_or("", |l| l.0).to_string();
        if let Some((_, text, source)) = self
            .overrides
            .iter()
            .rev()
            .find(|(p, _, _)| path.starts_with(p))
        {
            let at = source.clone().unwrap_or(Origin {
                file: first,
                position: None,
            });
            let problem = problem.clone().noted(&format!(" (set by {text})"));
            return ScenarioError {
                file: at.file,
                position: at.position,
                key: path.to_string(),
                problem: problem.message,
                hint: problem.hint,
            };
        }
        // An override below the key (e.g. an unknown key set inside a table) is named too.
        let problem = match self
            .overrides
            .iter()
            .rev()
            .find(|(p, _, _)| p.starts_with(path))
        {
            Some((_, text, _)) => problem.clone().noted(&format!(" (after {text})")),
            None => problem.clone(),
        };
        // The file that defines the value: the first layer, child first, holding the part of the
        // path a file defines as a whole; then the deepest key found there.
        let owner = owned_prefix(path);
        let mut best: Option<(&str, Position)> = None;
        for (name, text, doc) in &self.layers {
            let Some(doc) = doc.as_ref() else { continue };
            if Self::span(doc, &owner).is_some_and(|(_, depth)| depth == owner.0.len()) {
                if let Some((offset, _)) = Self::span(doc, path) {
                    best = Some((name, line_col(text, offset)));
                }
                break;
            }
        }
        if best.is_none() {
            // Not defined whole anywhere (a missing key): the deepest match, child first.
            let mut deepest = 0;
            for (name, text, doc) in &self.layers {
                if let Some((offset, depth)) = doc.as_ref().and_then(|d| Self::span(d, path)) {
                    if depth > deepest {
                        deepest = depth;
                        best = Some((name, line_col(text, offset)));
                    }
                }
            }
        }
        let best = best.map(|(n, p)| (0usize, n, p));
        match best {
            Some((_, name, position)) => ScenarioError {
                file: name.to_string(),
                position: Some(position),
                key: path.to_string(),
                problem: problem.message,
                hint: problem.hint,
            },
            // Nothing of the path is in any file (a missing top-level table): the file as a whole.
            None => ScenarioError {
                file: first,
                position: self.layers.first().map(|_| Position { line: 1, column: 1 }),
                key: path.to_string(),
                problem: problem.message,
                hint: problem.hint,
            },
        }
    }

    /// Where the `[sweep]` or `[sensitivity]` entry for `key` (canonical spelling) is written,
    /// child file first, however the file spells it (quoted, dotted or as a sub-table); with
    /// `index`, the position of that item of its list of values.
    pub(super) fn entry(&self, section: &str, key: &str, index: Option<usize>) -> Origin {
        fn find<'t>(
            table: &'t DeTable<'t>,
            prefix: &str,
            key: &str,
        ) -> Option<(usize, &'t toml::Spanned<DeValue<'t>>)> {
            for (k, v) in table.iter() {
                let name = if prefix.is_empty() {
                    k.get_ref().to_string()
                } else {
                    format!("{prefix}.{}", k.get_ref())
                };
                if KeyPath::parse(&name).map_or(name.clone(), |p| p.to_string()) == key {
                    return Some((k.span().start, v));
                }
                if let DeValue::Table(t) = v.get_ref() {
                    if let Some(found) = find(t, &name, key) {
                        return Some(found);
                    }
                }
            }
            None
        }
        for (name, text, doc) in &self.layers {
            let Some(doc) = doc.as_ref() else { continue };
            let Some((_, section_value)) = doc
                .get_ref()
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == section)
            else {
                continue;
            };
            let DeValue::Table(t) = section_value.get_ref() else {
                continue;
            };
            if let Some((offset, value)) = find(t, "", key) {
                let item = match (index, value.get_ref()) {
                    (Some(i), DeValue::Array(a)) => a.get(i).map(|v| v.span().start),
                    _ => None,
                };
                return Origin {
                    file: name.to_string(),
                    position: Some(line_col(text, item.unwrap_or(offset))),
                };
            }
        }
        Origin {
            file: self.layers.first().map_or("", |l| l.0).to_string(),
            position: None,
        }
    }
}
