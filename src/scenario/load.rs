//! Reading a scenario file: TOML parsing, `--set` overrides, deserialisation into the raw mirror,
//! and errors that point at the file, line, column and key.
//!
//! The file is parsed twice: once into a `toml::Table` that overrides edit and serde reads, once
//! into `toml::de::DeTable`, which keeps the byte span of every key so that any error, including
//! a cross-field one found during validation, can be reported at its line and column.

use super::Scenario;
use super::raw::RawScenario;
use super::validate::validate;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// A zero-based array index.
    Index(usize),
}

/// A key path such as `migrations.0.window.from`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// Parses `a.b.0.c` (numeric parts are array indices).
    pub fn parse(text: &str) -> Result<KeyPath, String> {
        if text.trim().is_empty() {
            return Err("the key path is empty".into());
        }
        text.split('.')
            .map(|part| {
                let part = part.trim();
                if part.is_empty() {
                    Err(format!("`{text}` has an empty part; write keys as a.b.0.c"))
                } else if let Ok(i) = part.parse::<usize>() {
                    Ok(Seg::Index(i))
                } else {
                    Ok(Seg::Key(part.to_string()))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(KeyPath)
    }

    /// This path with `seg` appended.
    pub fn join(&self, seg: Seg) -> KeyPath {
        let mut v = self.0.clone();
        v.push(seg);
        KeyPath(v)
    }

    /// Whether `self` starts with `prefix`.
    pub fn starts_with(&self, prefix: &KeyPath) -> bool {
        self.0.len() >= prefix.0.len() && self.0[..prefix.0.len()] == prefix.0[..]
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match seg {
                Seg::Key(k) => f.write_str(k)?,
                Seg::Index(i) => write!(f, "{i}")?,
            }
        }
        Ok(())
    }
}

/// A `--set key.path=value` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Where the value goes.
    pub path: KeyPath,
    /// The value, parsed as TOML (a bare word that is not TOML is taken as a string).
    pub value: toml::Value,
    /// Where it came from, as the user wrote it (`--set a.b=1`), for messages.
    pub text: String,
    /// The place in a scenario file that gave the value (a `[sweep]` or `[sensitivity]` entry),
    /// where an error about the value is reported; `None` for the command line.
    pub source: Option<Origin>,
}

/// Where each `[sweep]` and `[sensitivity]` entry, and each of its values, is written: errors
/// about a variant point there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryOrigins(Vec<(&'static str, String, Option<usize>, Origin)>);

impl EntryOrigins {
    fn insert(&mut self, section: &'static str, key: &str, index: Option<usize>, at: Origin) {
        self.0.push((section, key.to_string(), index, at));
    }

    /// Where `section.key` is written (`index`: which of its values); `None` when it is not in
    /// a file (a `--vary` option).
    pub fn get(&self, section: &str, key: &str, index: Option<usize>) -> Option<&Origin> {
        self.0
            .iter()
            .find(|(s, k, i, _)| *s == section && k == key && *i == index)
            .map(|(_, _, _, at)| at)
    }
}

/// Where something was written: a file, with the line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The file (or `<string>`).
    pub file: String,
    /// 1-based line and column.
    pub position: Option<(usize, usize)>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        Ok(())
    }
}

impl Override {
    /// Parses `key.path=value`.
    pub fn parse(text: &str) -> Result<Override, String> {
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not key.path=value"))?;
        let path = KeyPath::parse(key)?;
        Ok(Override {
            path,
            value: parse_value(value.trim()),
            text: format!("--set {text}"),
            source: None,
        })
    }

    /// An override of `path` with an already-parsed value; `origin` names it in messages
    /// (e.g. `--seed 7`).
    pub fn new(path: KeyPath, value: toml::Value, origin: impl Into<String>) -> Override {
        Override {
            path,
            value,
            text: origin.into(),
            source: None,
        }
    }

    /// This override, reported at `source` (the file entry that gave its value).
    pub fn from_entry(mut self, source: Origin) -> Override {
        self.source = Some(source);
        self
    }
}

/// Parses a command-line value as TOML; text that is not a TOML value is a string.
pub fn parse_value(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// A problem with a scenario, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file (or `<string>`).
    pub file: String,
    /// 1-based line and column, when the key is in the file.
    pub position: Option<(usize, usize)>,
    /// The key path (empty for whole-file problems such as TOML syntax).
    pub path: String,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        if self.path.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// A problem found by validation, before it is located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Key path of the offending value.
    pub path: KeyPath,
    /// What is wrong and what would be accepted.
    pub message: String,
}

/// One file of a scenario: the file itself, or one it `extends`.
struct Layer {
    name: String,
    text: String,
}

fn read_error(name: &str, position: Option<(usize, usize)>, message: String) -> ScenarioErrors {
    ScenarioErrors(vec![ScenarioError {
        file: name.to_string(),
        position,
        path: String::new(),
        message,
    }])
}

/// Reads a scenario file as UTF-8 text; text that is not UTF-8 is refused at the line and column
/// of its first bad byte.
fn read_text(path: &Path) -> Result<String, (Option<(usize, usize)>, String)> {
    let bytes = std::fs::read(path).map_err(|e| (None, format!("cannot read the file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
        (
            Some(line_col(&before, good)),
            "the file is not UTF-8 text (save it as UTF-8)".into(),
        )
    })
}

/// An error about the `extends` key of `layer`, at its line.
fn extends_error(layer: &Layer, message: String) -> ScenarioErrors {
    let position = DeTable::parse(&layer.text)
        .ok()
        .and_then(|doc| Locator::span(&doc, &KeyPath(vec![Seg::Key("extends".into())])))
        .map(|(offset, _)| line_col(&layer.text, offset));
    ScenarioErrors(vec![ScenarioError {
        file: layer.name.clone(),
        position,
        path: "extends".into(),
        message,
    }])
}

/// Loads, overrides and validates a scenario file (following `extends`).
pub fn load_file(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioErrors> {
    let name = path.display().to_string();
    let text =
        read_text(path).map_err(|(position, message)| read_error(&name, position, message))?;
    load_str(&text, &name, overrides, Some(&base_dir(path)))
}

/// Loads, overrides and validates scenario text. `name` labels errors; `base_dir` is where the
/// file's relative paths (`extends`, imported files) are resolved; `None` means the working
/// directory.
pub fn load_str(
    text: &str,
    name: &str,
    overrides: &[Override],
    base_dir: Option<&Path>,
) -> Result<Scenario, ScenarioErrors> {
    let base = base_dir.map(Path::to_path_buf).unwrap_or_default();
    let mut layers = vec![Layer {
        name: name.to_string(),
        text: text.to_string(),
    }];
    let mut table = parse_layer(&layers[0])?;
    flatten_experiments(&mut table, &layers[0])?;
    anchor_paths(&mut table, &base);
    // Files already read, to refuse `extends` loops (canonical paths; the first file may be text
    // without a path).
    let mut seen: Vec<PathBuf> = Vec::new();
    if let Some(first) = base_dir.map(|d| d.join(Path::new(name).file_name().unwrap_or_default())) {
        seen.extend(std::fs::canonicalize(first));
    }
    // Follow `extends`: each parent is merged under its child.
    let mut dir = base.clone();
    while let Some(parent) = table.remove("extends") {
        // `layers` starts with the file itself and only grows.
        let child = &layers[layers.len() - 1];
        let Some(parent) = parent.as_str() else {
            return Err(extends_error(
                child,
                "must be a file path (a string)".into(),
            ));
        };
        let parent_path = dir.join(parent);
        let parent_name = parent_path.display().to_string();
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        let looped = seen
            .iter()
            .any(|s| Some(s) == canonical(&parent_path).as_ref());
        if looped {
            return Err(extends_error(child, format!("`{parent}` makes a loop")));
        }
        if layers.len() > 16 {
            return Err(extends_error(
                child,
                format!("`{parent}` is the 18th file of the chain; at most 17 are followed"),
            ));
        }
        let parent_text =
            read_text(&parent_path).map_err(|(position, message)| match position {
                // The parent is read but is not text: point into it.
                Some(_) => read_error(&parent_name, position, message),
                None => extends_error(child, format!("`{parent}`: {message} ('{parent_name}')")),
            })?;
        let layer = Layer {
            name: parent_name,
            text: parent_text,
        };
        let mut parent_table = parse_layer(&layer)?;
        flatten_experiments(&mut parent_table, &layer)?;
        anchor_paths(&mut parent_table, &base_dir_of(&parent_path));
        let grandparent = parent_table.remove("extends");
        merge(&mut parent_table, table, &mut Vec::new());
        table = parent_table;
        if let Some(g) = grandparent {
            table.insert("extends".into(), g);
        }
        dir = base_dir_of(&parent_path);
        seen.extend(std::fs::canonicalize(&parent_path));
        layers.push(layer);
    }
    let locator = Locator::new(&layers, overrides);
    for o in overrides {
        apply_override(&mut table, o).map_err(|message| {
            // At the file entry that gave the value, if one did (a sweep or sensitivity value).
            let at = o.source.clone().unwrap_or(Origin {
                file: name.to_string(),
                position: None,
            });
            ScenarioErrors(vec![ScenarioError {
                file: at.file,
                position: at.position,
                path: o.path.to_string(),
                message: format!("{message} (in {})", o.text),
            }])
        })?;
    }
    if !overrides.is_empty() {
        flatten_overridden_experiments(&mut table);
    }
    let effective = table.clone();
    let mut errors: Vec<ScenarioError> = non_finite_numbers(&table)
        .into_iter()
        .map(|path| {
            locator.error(
                &path,
                "is not a finite number (nan and inf are not accepted); give a number".into(),
            )
        })
        .collect();
    let raw = deserialize(table, &locator, &mut errors);
    let raw = match raw {
        Some(raw) if errors.is_empty() => raw,
        _ => return Err(ScenarioErrors(errors)),
    };
    let mut scenario = validate(raw, effective).map_err(|problems| {
        ScenarioErrors(
            problems
                .into_iter()
                .take(MAX_ERRORS)
                .map(|p| locator.error(&p.path, p.message))
                .collect(),
        )
    })?;
    let entries = scenario
        .sweep
        .iter()
        .map(|(k, values)| ("sweep", k, values.len()))
        .chain(
            scenario
                .sensitivity
                .iter()
                .map(|(k, _, _)| ("sensitivity", k, 2)),
        );
    let mut origins = EntryOrigins::default();
    for (section, key, values) in entries {
        for index in std::iter::once(None).chain((0..values).map(Some)) {
            origins.insert(section, key, index, locator.entry(section, key, index));
        }
    }
    scenario.origins = origins;
    let dir = locator.error(
        &KeyPath::parse("output.dir").unwrap_or_default(),
        String::new(),
    );
    scenario.output.dir_origin = Origin {
        file: dir.file,
        position: dir
            .position
            .filter(|_| table_has_output_dir(&scenario.effective)),
    };
    Ok(scenario)
}

/// Whether the effective document gives `output.dir` (else the folder is the default, and a
/// position would point at an unrelated key).
fn table_has_output_dir(t: &toml::Table) -> bool {
    t.get("output")
        .and_then(toml::Value::as_table)
        .is_some_and(|o| o.contains_key("dir"))
}

/// At most this many problems are listed for one scenario: enough to fix a file in one pass,
/// few enough to read.
pub const MAX_ERRORS: usize = 50;

/// Deserialises the raw mirror, collecting up to [`MAX_ERRORS`] errors: after each one the
/// offending value is removed and the rest tried again, so that several typos are reported at
/// once. A missing key stops the search (removing more would only report its own absence).
fn deserialize(
    table: toml::Table,
    locator: &Locator,
    errors: &mut Vec<ScenarioError>,
) -> Option<RawScenario> {
    let mut table = table;
    let mut removed: Vec<KeyPath> = Vec::new();
    while errors.len() < MAX_ERRORS {
        match serde_path_to_error::deserialize(toml::Value::Table(table.clone())) {
            Ok(raw) => return Some(raw),
            Err(e) => {
                let path = serde_path(e.path());
                let message = e.inner().message().trim().to_string();
                let missing = message.starts_with("missing field");
                // A key removed after an earlier error reported again as missing: not news.
                let echo = missing
                    && removed
                        .iter()
                        .any(|r| r.0.len() == path.0.len() + 1 && r.starts_with(&path));
                if !echo {
                    errors.push(locator.error(&path, with_suggestion(&message)));
                }
                if missing || path.0.is_empty() || !remove_at(&mut table, &path) {
                    return None;
                }
                removed.push(path);
            }
        }
    }
    None
}

/// Removes the value at `path`; false when there is none.
fn remove_at(table: &mut toml::Table, path: &KeyPath) -> bool {
    fn remove(here: &mut toml::Value, segs: &[Seg]) -> bool {
        match (here, segs) {
            (toml::Value::Table(t), [Seg::Key(k)]) => t.remove(k).is_some(),
            (toml::Value::Array(a), [Seg::Index(i)]) if *i < a.len() => {
                a.remove(*i);
                true
            }
            (toml::Value::Table(t), [Seg::Key(k), rest @ ..]) => {
                t.get_mut(k).is_some_and(|v| remove(v, rest))
            }
            (toml::Value::Array(a), [Seg::Index(i), rest @ ..]) => {
                a.get_mut(*i).is_some_and(|v| remove(v, rest))
            }
            _ => false,
        }
    }
    let mut root = toml::Value::Table(std::mem::take(table));
    let found = !path.0.is_empty() && remove(&mut root, &path.0);
    if let toml::Value::Table(t) = root {
        *table = t;
    }
    found
}

/// The key paths of every float that is NaN or infinite (TOML allows `nan` and `inf`; no
/// quantity in a scenario can take them).
fn non_finite_numbers(table: &toml::Table) -> Vec<KeyPath> {
    fn walk(v: &toml::Value, path: &KeyPath, out: &mut Vec<KeyPath>) {
        match v {
            toml::Value::Float(x) if !x.is_finite() => out.push(path.clone()),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(v, &path.join(Seg::Key(k.clone())), out);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &path.join(Seg::Index(i)), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in table {
        walk(v, &KeyPath(vec![Seg::Key(k.clone())]), &mut out);
    }
    out
}

/// Keys whose values are file paths: resolved against the folder of the file that gives them.
const PATH_KEYS: [&[&str]; 2] = [
    &["population", "import", "contacts"],
    &["population", "graph", "file"],
];

/// Makes a layer's relative file paths relative to the working directory, by prefixing the
/// layer's own folder, so that a path means the same whichever file extends this one.
fn anchor_paths(table: &mut toml::Table, dir: &Path) {
    for keys in PATH_KEYS {
        let mut at: Option<&mut toml::Table> = Some(table);
        for k in &keys[..keys.len() - 1] {
            at = at
                .and_then(|t| t.get_mut(*k))
                .and_then(toml::Value::as_table_mut);
        }
        if let Some(toml::Value::String(p)) = at.and_then(|t| t.get_mut(keys[keys.len() - 1])) {
            if Path::new(p.as_str()).is_relative() {
                *p = dir.join(p.as_str()).display().to_string();
            }
        }
    }
}

fn parse_layer(layer: &Layer) -> Result<toml::Table, ScenarioErrors> {
    toml::from_str(&layer.text).map_err(|e| {
        let position = e.span().map(|s| line_col(&layer.text, s.start));
        ScenarioErrors(vec![ScenarioError {
            file: layer.name.clone(),
            position,
            path: String::new(),
            message: format!("not valid TOML: {}", e.message().trim()),
        }])
    })
}

/// The sections whose keys are key paths, kept flat ([`flatten_experiments`]).
const EXPERIMENT_SECTIONS: [&str; 2] = ["sweep", "sensitivity"];

/// The entries of a `[sweep]` or `[sensitivity]` table, in file order, each under the canonical
/// spelling of its key path (`a.0.b`) however the file nests or quotes it. A key that does not
/// parse as a path is kept as written, for validation to report.
fn flat_entries(nested: toml::Table) -> Vec<(String, toml::Value)> {
    fn walk(prefix: &str, table: toml::Table, out: &mut Vec<(String, toml::Value)>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                other => out.push((key, other)),
            }
        }
    }
    let mut entries = Vec::new();
    walk("", nested, &mut entries);
    entries
        .into_iter()
        .map(|(key, value)| (KeyPath::parse(&key).map_or(key, |p| p.to_string()), value))
        .collect()
}

/// Rewrites a layer's `[sweep]` and `[sensitivity]` tables with one dotted key per entry, however
/// the file spells them (`"orgs.count" = …`, `orgs.count = …` or `[sweep.orgs] count = …` are one
/// key), so that a child file's entry replaces or drops its parent's whatever the spelling. The
/// same key given twice in one file is an error.
fn flatten_experiments(table: &mut toml::Table, layer: &Layer) -> Result<(), ScenarioErrors> {
    let mut problems = Vec::new();
    for section in EXPERIMENT_SECTIONS {
        let Some(toml::Value::Table(nested)) = table.remove(section) else {
            continue;
        };
        let mut flat = toml::Table::new();
        for (canonical, value) in flat_entries(nested) {
            if flat.contains_key(&canonical) {
                let section_path = KeyPath(vec![Seg::Key(section.into())]);
                let position = DeTable::parse(&layer.text)
                    .ok()
                    .and_then(|doc| Locator::span(&doc, &section_path))
                    .map(|(offset, _)| line_col(&layer.text, offset));
                problems.push(ScenarioError {
                    file: layer.name.clone(),
                    position,
                    path: format!("{section}.{canonical}"),
                    message: "given twice in this file (a quoted key and a table spell the same \
                              path); keep one"
                        .into(),
                });
                continue;
            }
            flat.insert(canonical, value);
        }
        table.insert(section.into(), toml::Value::Table(flat));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScenarioErrors(problems))
    }
}

/// Flattens `[sweep]` and `[sensitivity]` again after `--set` overrides, which write nested
/// tables (`--set sweep.orgs.count=[1,2]`): an override's entry replaces the file's entry for
/// the same key path, in the file's place.
fn flatten_overridden_experiments(table: &mut toml::Table) {
    for section in EXPERIMENT_SECTIONS {
        let Some(toml::Value::Table(nested)) = table.remove(section) else {
            continue;
        };
        let mut flat = toml::Table::new();
        for (canonical, value) in flat_entries(nested) {
            // Overrides come after the file's entries: the later value wins.
            flat.insert(canonical, value);
        }
        table.insert(section.into(), toml::Value::Table(flat));
    }
}

/// Whether the table at `path` is a section whose keys a child file merges one by one (as
/// opposed to a value, such as a distribution, a window or a mix, that a child replaces whole).
fn is_section(path: &[&str]) -> bool {
    matches!(
        path,
        [] | [_]
            | ["networks", _]
            | ["providers", _]
            | ["orgs", "agreement" | "domains" | "providers"]
            | ["behaviours", "recovery"]
    )
}

/// Merges `child` into `parent` (the table at `path`): sections merge key by key; every other
/// value (numbers, strings, lists, distributions, windows, mixes) is replaced whole.
fn merge(parent: &mut toml::Table, child: toml::Table, path: &mut Vec<String>) {
    for (key, value) in child {
        path.push(key.clone());
        let section = is_section(&path.iter().map(String::as_str).collect::<Vec<_>>());
        match (parent.get_mut(&key), value) {
            (Some(toml::Value::Table(p)), toml::Value::Table(c)) if section => merge(p, c, path),
            (_, value) => {
                parent.insert(key, value);
            }
        }
        path.pop();
    }
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

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn serde_path(path: &serde_path_to_error::Path) -> KeyPath {
    use serde_path_to_error::Segment;
    KeyPath(
        path.iter()
            .filter_map(|s| match s {
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect(),
    )
}

/// Sets `o.value` at `o.path`, creating missing tables on the way. On error `table` is unchanged.
fn apply_override(table: &mut toml::Table, o: &Override) -> Result<(), String> {
    if !matches!(o.path.0.first(), Some(Seg::Key(_))) {
        return Err("a key path starts with a table name, not an index".into());
    }
    let mut root = toml::Value::Table(table.clone());
    set_at(&mut root, &o.path.0, &KeyPath::default(), &o.value)?;
    if let toml::Value::Table(t) = root {
        *table = t;
    }
    Ok(())
}

fn set_at(
    here: &mut toml::Value,
    segs: &[Seg],
    walked: &KeyPath,
    value: &toml::Value,
) -> Result<(), String> {
    let Some((seg, rest)) = segs.split_first() else {
        *here = value.clone();
        return Ok(());
    };
    let walked = walked.join(seg.clone());
    let next = match (here, seg) {
        (toml::Value::Table(t), Seg::Key(k)) => {
            t.entry(k.clone()).or_insert_with(|| match rest.first() {
                Some(Seg::Index(_)) => toml::Value::Array(Vec::new()),
                _ => toml::Value::Table(toml::Table::new()),
            })
        }
        (toml::Value::Array(a), Seg::Index(i)) => {
            let len = a.len();
            a.get_mut(*i).ok_or_else(|| {
                format!("`{walked}` is out of range: the list has {len} item(s), indices from 0")
            })?
        }
        (v, Seg::Key(_)) => {
            return Err(format!(
                "`{walked}` is inside a value of type {}, not a table",
                v.type_str()
            ));
        }
        (v, Seg::Index(_)) => {
            return Err(format!(
                "`{walked}` indexes a value of type {}, not a list",
                v.type_str()
            ));
        }
    };
    set_at(next, rest, &walked, value)
}

/// Finds keys in the source texts (the file first, then the files it extends) and names where
/// they came from.
struct Locator<'a> {
    layers: Vec<(&'a str, &'a str, Option<toml::Spanned<DeTable<'a>>>)>,
    overrides: Vec<(KeyPath, String, Option<Origin>)>,
}

impl<'a> Locator<'a> {
    fn new(layers: &'a [Layer], overrides: &[Override]) -> Self {
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
    fn span(doc: &toml::Spanned<DeTable>, path: &KeyPath) -> Option<(usize, usize)> {
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

    fn error(&self, path: &KeyPath, message: String) -> ScenarioError {
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
            return ScenarioError {
                file: at.file,
                position: at.position,
                path: path.to_string(),
                message: format!("{message} (set by {text})"),
            };
        }
        // An override below the key (e.g. an unknown key set inside a table) is named too.
        let message = match self
            .overrides
            .iter()
            .rev()
            .find(|(p, _, _)| p.starts_with(path))
        {
            Some((_, text, _)) => format!("{message} (after {text})"),
            None => message,
        };
        // The file that defines the value: the first layer, child first, holding the part of the
        // path a file defines as a whole; then the deepest key found there.
        let owner = owned_prefix(path);
        let mut best: Option<(&str, (usize, usize))> = None;
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
                path: path.to_string(),
                message,
            },
            // Nothing of the path is in any file (a missing top-level table): the file as a whole.
            None => ScenarioError {
                file: first,
                position: self.layers.first().map(|_| (1, 1)),
                path: path.to_string(),
                message,
            },
        }
    }

    /// Where the `[sweep]` or `[sensitivity]` entry for `key` (canonical spelling) is written,
    /// child file first, however the file spells it (quoted, dotted or as a sub-table); with
    /// `index`, the position of that item of its list of values.
    fn entry(&self, section: &str, key: &str, index: Option<usize>) -> Origin {
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

/// Adds "did you mean …?" to serde's unknown-field and unknown-variant messages.
fn with_suggestion(message: &str) -> String {
    let mut message = message.trim().to_string();
    for (rust, plain) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        message = message.replace(rust, plain);
    }
    let Some(rest) = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.split_once(p).map(|(_, r)| r))
    else {
        return message;
    };
    let Some((given, tail)) = rest.split_once('`') else {
        return message;
    };
    let accepted: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    match nearest(given, accepted.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message,
    }
}

/// The accepted name closest to `given`, if it is close enough to be a likely typo.
pub fn nearest<'s>(given: &str, accepted: impl IntoIterator<Item = &'s str>) -> Option<&'s str> {
    accepted
        .into_iter()
        .map(|a| {
            (
                strsim::damerau_levenshtein(&given.to_lowercase(), &a.to_lowercase()),
                a,
            )
        })
        .filter(|(d, a)| *d <= (a.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Where a scenario file's relative paths are resolved (the file's folder).
pub fn base_dir(path: &Path) -> PathBuf {
    base_dir_of(path)
}

fn base_dir_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_for_typos() {
        assert_eq!(
            with_suggestion("unknown field `medain`, expected one of `dist`, `median`, `sigma`"),
            "unknown field `medain`, expected one of `dist`, `median`, `sigma`; did you mean `median`?"
        );
        assert_eq!(nearest("zzzzzz", ["median", "sigma"]), None);
        assert_eq!(
            nearest("signin", ["scheduled", "sign_in", "bass"]),
            Some("sign_in")
        );
    }

    #[test]
    fn override_values_parse_as_toml_or_text() {
        let o = Override::parse("migrations.0.window.from=2013-05-23").unwrap();
        assert_eq!(o.path.to_string(), "migrations.0.window.from");
        assert!(matches!(o.value, toml::Value::Datetime(_)));
        assert_eq!(
            Override::parse("scenario.name=hello world").unwrap().value,
            toml::Value::String("hello world".into())
        );
        assert_eq!(
            Override::parse("a.b=0.5").unwrap().value,
            toml::Value::Float(0.5)
        );
        assert!(Override::parse("no-equals").is_err());
    }

    #[test]
    fn overrides_create_tables_and_check_indices() {
        let mut t: toml::Table = toml::from_str("[[m]]\nx = 1\n").unwrap();
        apply_override(&mut t, &Override::parse("m.0.x=2").unwrap()).unwrap();
        apply_override(&mut t, &Override::parse("a.b.c=true").unwrap()).unwrap();
        assert_eq!(t["m"][0]["x"].as_integer(), Some(2));
        assert_eq!(t["a"]["b"]["c"].as_bool(), Some(true));
        let before = t.clone();
        let err = apply_override(&mut t, &Override::parse("m.3.x=2").unwrap()).unwrap_err();
        assert!(err.contains("out of range"), "{err}");
        assert_eq!(t, before, "a failed override leaves the table unchanged");
    }
}
