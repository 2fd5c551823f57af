//! Reading a scenario file: TOML parsing, `extends`, `--set` overrides and deserialisation into
//! the raw mirror, then [`validate`]; every error located by the locator (`locate.rs`).

use super::error::{Problem, ScenarioError, ScenarioErrors};
use super::key::{KeyPath, Seg, nearest};
use super::locate::{Layer, Locator, is_section, line_col};
use super::model::Scenario;
use super::origin::{EntryOrigins, Origin, Position};
use super::overrides::{Override, apply_override};
use super::raw::RawScenario;
use super::validate::experiments::is_entry_table;
use super::validate::validate;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

fn read_error(name: &str, position: Option<Position>, message: String) -> ScenarioErrors {
    ScenarioError::whole_file(name, position, message).into()
}

/// Reads a scenario file as UTF-8 text; text that is not UTF-8 is refused at the line and column
/// of its first bad byte.
fn read_text(path: &Path) -> Result<String, (Option<Position>, String)> {
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
    ScenarioError {
        file: layer.name.clone(),
        position,
        key: "extends".into(),
        problem: message,
        hint: None,
    }
    .into()
}

/// Loads, overrides and validates a scenario file (following `extends`).
pub fn load_file(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioErrors> {
    let name = path.display().to_string();
    let text =
        read_text(path).map_err(|(position, message)| read_error(&name, position, message))?;
    load_str(&text, &name, overrides, Some(&base_dir_of(path)))
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
    let Chain {
        mut table,
        layers,
        seen,
    } = read_chain(text, name, base_dir)?;
    let locator = Locator::new(&layers, overrides);
    apply_overrides(&mut table, overrides, name)?;
    let effective = table.clone();
    let raw = raw_scenario(table, &locator, overrides)?;
    let mut scenario = validate(raw, effective).map_err(|problems| {
        ScenarioErrors(
            problems
                .into_iter()
                .take(MAX_ERRORS)
                .map(|p| locator.locate(p))
                .collect(),
        )
    })?;
    scenario.origins = entry_origins(&scenario, &locator);
    scenario.files = seen;
    scenario.output.dir_origin = output_dir_origin(&scenario, &locator);
    Ok(scenario)
}

/// A scenario file and the files it `extends`, merged into one table.
struct Chain {
    /// The merged table (each parent under its child), `extends` removed.
    table: toml::Table,
    /// The files read, the given one first: where the locator finds keys.
    layers: Vec<Layer>,
    /// The files read, by canonical path, to refuse `extends` loops (the first file may be text
    /// without a path, and is then not among them).
    seen: Vec<PathBuf>,
}

/// Reads scenario text and every file its `extends` chain names, each parent merged under its
/// child.
fn read_chain(text: &str, name: &str, base_dir: Option<&Path>) -> Result<Chain, ScenarioErrors> {
    let base = base_dir.map(Path::to_path_buf).unwrap_or_default();
    let first = Layer {
        name: name.to_string(),
        text: text.to_string(),
    };
    let mut chain = Chain {
        table: layer_table(&first, &base)?,
        layers: vec![first],
        seen: Vec::new(),
    };
    if let Some(first) = base_dir.map(|d| d.join(Path::new(name).file_name().unwrap_or_default())) {
        chain.seen.extend(std::fs::canonicalize(first));
    }
    let mut dir = base;
    while let Some(parent) = chain.table.remove("extends") {
        dir = chain.extend(&parent, &dir)?;
    }
    Ok(chain)
}

/// A layer's table: parsed, its `[sweep]` and `[sensitivity]` flattened, its relative paths
/// anchored at `dir` (the layer's folder).
fn layer_table(layer: &Layer, dir: &Path) -> Result<toml::Table, ScenarioErrors> {
    let mut table = parse_layer(layer)?;
    flatten_experiments(&mut table, layer)?;
    anchor_paths(&mut table, dir);
    Ok(table)
}

impl Chain {
    /// Reads the file the last layer `extends` (`parent`, relative to `dir`, that layer's folder)
    /// and merges the table so far over it. Refuses a loop and a chain of more than 17 files.
    /// Returns the parent's folder, where its own `extends` is resolved.
    fn extend(&mut self, parent: &toml::Value, dir: &Path) -> Result<PathBuf, ScenarioErrors> {
        // `layers` starts with the file itself and only grows.
        let child = &self.layers[self.layers.len() - 1];
        let Some(parent) = parent.as_str() else {
            return Err(extends_error(
                child,
                "must be a file path (a string)".into(),
            ));
        };
        let parent_path = dir.join(parent);
        let parent_name = parent_path.display().to_string();
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        let looped = self
            .seen
            .iter()
            .any(|s| Some(s) == canonical(&parent_path).as_ref());
        if looped {
            return Err(extends_error(child, format!("`{parent}` makes a loop")));
        }
        if self.layers.len() > 16 {
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
        let parent_dir = base_dir_of(&parent_path);
        let mut table = layer_table(&layer, &parent_dir)?;
        let grandparent = table.remove("extends");
        merge(&mut table, std::mem::take(&mut self.table), &mut Vec::new());
        if let Some(g) = grandparent {
            table.insert("extends".into(), g);
        }
        self.table = table;
        self.seen.extend(std::fs::canonicalize(&parent_path));
        self.layers.push(layer);
        Ok(parent_dir)
    }
}

/// Applies the `--set` overrides in order, then flattens the `[sweep]` and `[sensitivity]`
/// tables they may have nested. An override that does not apply is reported at the file entry
/// that gave its value, if one did (a sweep or sensitivity value), else at the scenario.
fn apply_overrides(
    table: &mut toml::Table,
    overrides: &[Override],
    name: &str,
) -> Result<(), ScenarioErrors> {
    for o in overrides {
        apply_override(table, o).map_err(|message| {
            let at = o.source.clone().unwrap_or(Origin {
                file: name.to_string(),
                position: None,
            });
            ScenarioErrors::from(ScenarioError {
                file: at.file,
                position: at.position,
                key: o.path.to_string(),
                problem: format!("{message} (in {})", o.text),
                hint: None,
            })
        })?;
    }
    if !overrides.is_empty() {
        flatten_overridden_experiments(table);
    }
    Ok(())
}

/// The raw mirror of the merged table, or every number that is not finite and every
/// deserialisation error found ([`deserialize`]), located.
fn raw_scenario(
    table: toml::Table,
    locator: &Locator,
    overrides: &[Override],
) -> Result<RawScenario, ScenarioErrors> {
    let mut errors: Vec<ScenarioError> = non_finite_numbers(&table)
        .into_iter()
        .map(|path| {
            locator.error(
                &path,
                "is not a finite number (nan and inf are not accepted); give a number".into(),
            )
        })
        .collect();
    match deserialize(table, locator, overrides, &mut errors) {
        Some(raw) if errors.is_empty() => Ok(raw),
        _ => Err(ScenarioErrors(errors)),
    }
}

/// Where each `[sweep]` and `[sensitivity]` entry and each of its values is given, so that a
/// later error about one (a value that does not validate) can point at it.
fn entry_origins(scenario: &Scenario, locator: &Locator) -> EntryOrigins {
    let entries = scenario
        .sweep
        .iter()
        .map(|(k, values)| ("sweep", k, values.len()))
        .chain(
            scenario
                .sensitivity
                .iter()
                .map(|e| ("sensitivity", &e.key, 2)),
        );
    let mut origins = EntryOrigins::default();
    for (section, key, values) in entries {
        for index in std::iter::once(None).chain((0..values).map(Some)) {
            origins.insert(section, key, index, locator.entry(section, key, index));
        }
    }
    origins
}

/// Where `output.dir` is given: its file, and its position only when the effective document
/// gives it.
fn output_dir_origin(scenario: &Scenario, locator: &Locator) -> Origin {
    let dir = locator.error(
        &KeyPath::parse("output.dir").unwrap_or_default(),
        String::new(),
    );
    Origin {
        file: dir.file,
        position: dir
            .position
            .filter(|_| table_has_output_dir(&scenario.effective)),
    }
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
pub(crate) const MAX_ERRORS: usize = 50;

/// Deserialises the raw mirror, collecting up to [`MAX_ERRORS`] errors: after each one the
/// offending value is removed and the rest tried again, so that several typos are reported at
/// once. A missing key stops the search (removing more would only report its own absence).
fn deserialize(
    table: toml::Table,
    locator: &Locator,
    overrides: &[Override],
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
                    let problem = match missing_field(&message) {
                        // Reported at the missing key, which the locator places at the table
                        // it belongs under (line 1 for a top-level table).
                        Some(key) => missing_problem(&path, key),
                        None => {
                            let set = overrides.iter().rev().any(|o| path.starts_with(&o.path));
                            let (message, hint) = with_suggestion(&message);
                            let hint = hint.or_else(|| type_hint(&path, &message, set));
                            Problem {
                                path: path.clone(),
                                message,
                                hint,
                            }
                        }
                    };
                    errors.push(locator.locate(problem));
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
const PATH_KEYS: [&[&str]; 4] = [
    &["calibration", "observed"],
    &["population", "import", "contacts"],
    &["population", "graph", "file"],
    &["population", "world"],
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
        ScenarioError::whole_file(
            layer.name.clone(),
            position,
            format!("not valid TOML: {}", e.message().trim()),
        )
        .into()
    })
}

/// The sections whose keys are key paths, kept flat ([`flatten_experiments`]).
const EXPERIMENT_SECTIONS: [&str; 2] = ["sweep", "sensitivity"];

/// The entries of a `[sweep]` or `[sensitivity]` table, in file order, each under the canonical
/// spelling of its key path (`a.0.b`) however the file nests or quotes it. A key that does not
/// parse as a path is kept as written, for validation to report.
/// In `[sensitivity]`, a table that is one labelled entry (`{ low = …, high = …, label = … }`) is
/// a value, not a level.
fn flat_entries(section: &str, nested: toml::Table) -> Vec<(String, toml::Value)> {
    fn walk(
        prefix: &str,
        table: toml::Table,
        labelled: bool,
        out: &mut Vec<(String, toml::Value)>,
    ) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) if !(labelled && is_entry_table(&t)) => {
                    walk(&key, t, labelled, out)
                }
                other => out.push((key, other)),
            }
        }
    }
    let mut entries = Vec::new();
    walk("", nested, section == "sensitivity", &mut entries);
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
        for (canonical, value) in flat_entries(section, nested) {
            if flat.contains_key(&canonical) {
                let section_path = KeyPath(vec![Seg::Key(section.into())]);
                let position = DeTable::parse(&layer.text)
                    .ok()
                    .and_then(|doc| Locator::span(&doc, &section_path))
                    .map(|(offset, _)| line_col(&layer.text, offset));
                problems.push(ScenarioError {
                    file: layer.name.clone(),
                    position,
                    key: format!("{section}.{canonical}"),
                    problem: "given twice in this file (a quoted key and a table spell the same \
                              path); keep one"
                        .into(),
                    hint: None,
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
        for (canonical, value) in flat_entries(section, nested) {
            // Overrides come after the file's entries: the later value wins.
            flat.insert(canonical, value);
        }
        table.insert(section.into(), toml::Value::Table(flat));
    }
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

/// The shipped default scenario: where a missing key's message finds what it looks like.
const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/pic-2013.toml");

/// The key of serde's "missing field `KEY`".
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(key, _)| key)
}

/// A missing `key` of the table at `parent`: whether it is a table, a list of tables or a key
/// (as in the shipped default scenario), and how to add it, with the default's value.
fn missing_problem(parent: &KeyPath, key: &str) -> Problem {
    let path = parent.join(Seg::Key(key.to_string()));
    // The default's value at the same path (its first item where the path has an index).
    let default: Option<toml::Value> = toml::from_str::<toml::Table>(DEFAULT_SCENARIO)
        .ok()
        .and_then(|t| {
            path.0
                .iter()
                .try_fold(toml::Value::Table(t), |v, seg| match seg {
                    Seg::Key(k) => v.as_table()?.get(k).cloned(),
                    Seg::Index(_) => v.as_array()?.first().cloned(),
                })
        });
    // The table's name as the file writes it: `orgs.agreement`, `migrations` for an item.
    let name = |p: &KeyPath| {
        p.0.iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })
            .collect::<Vec<_>>()
            .join(".")
    };
    let under = match parent.0.last() {
        None => "to the file".to_string(),
        Some(Seg::Index(_)) => format!("under [[{}]]", name(parent)),
        Some(Seg::Key(_)) => format!("under [{}]", name(parent)),
    };
    let example = "scenarios/pic-2013.toml has one to start from";
    let (message, hint) = match default {
        Some(toml::Value::Table(_)) => (
            format!("the required table [{}] is missing", name(&path)),
            format!(
                "add a line `[{}]` and its keys {under} ({example})",
                name(&path)
            ),
        ),
        Some(toml::Value::Array(a)) if a.iter().all(toml::Value::is_table) && !a.is_empty() => (
            format!("the required list [[{}]] is missing", name(&path)),
            format!(
                "add a line `[[{}]]` and its keys {under} ({example})",
                name(&path)
            ),
        ),
        Some(v) if v.to_string().chars().count() <= 40 => (
            format!("the required key `{key}` is missing"),
            format!("add a line `{key} = {v}` {under}"),
        ),
        _ => (
            format!("the required key `{key}` is missing"),
            format!("add `{key} = …` {under}"),
        ),
    };
    Problem {
        path,
        message,
        hint: Some(hint),
    }
}

/// How to write a value of the type serde expected, for a value of the wrong type: a list in
/// TOML (with the chart names for `output.charts`), on the command line when an override (`set`)
/// gave it.
fn type_hint(path: &KeyPath, message: &str, set: bool) -> Option<String> {
    if !message.contains("expected a list") {
        return None;
    }
    let charts = path.to_string() == "output.charts";
    let items = if charts { r#""users","losses""# } else { "…" };
    let how = if set {
        format!("--set '{path}=[{items}]'")
    } else {
        format!("{path} = [{items}]")
    };
    let names = if charts {
        let all: Vec<&str> = super::model::Chart::ALL.map(|c| c.stem()).to_vec();
        format!("; the charts are {}", all.join(", "))
    } else {
        String::new()
    };
    Some(format!(
        "give a TOML list in brackets, strings quoted: {how}{names}"
    ))
}

/// Serde's message in plain words, and "did you mean …?" for its unknown-field and
/// unknown-variant messages.
fn with_suggestion(message: &str) -> (String, Option<String>) {
    let mut message = message.trim().to_string();
    for (rust, plain) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list"),
    ] {
        message = message.replace(rust, plain);
    }
    // Serde names the Rust type (`expected struct RawOrgs`): the file knows it as a table.
    if let Some((before, _)) = message.split_once("expected struct Raw") {
        message = format!("{before}expected a table");
    }
    let Some(rest) = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.split_once(p).map(|(_, r)| r))
    else {
        return (message, None);
    };
    let Some((given, tail)) = rest.split_once('`') else {
        return (message, None);
    };
    let accepted: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    let hint =
        nearest(given, accepted.iter().copied()).map(|best| format!("did you mean `{best}`?"));
    (message, hint)
}

/// Where a scenario file's relative paths are resolved (the file's folder).
fn base_dir_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_for_typos() {
        let (message, hint) =
            with_suggestion("unknown field `medain`, expected one of `dist`, `median`, `sigma`");
        assert_eq!(
            format!("{message}; {}", hint.unwrap_or_default()),
            "unknown field `medain`, expected one of `dist`, `median`, `sigma`; did you mean `median`?"
        );
        assert_eq!(nearest("zzzzzz", ["median", "sigma"]), None);
        assert_eq!(
            nearest("signin", ["scheduled", "sign_in", "bass"]),
            Some("sign_in")
        );
    }
}
