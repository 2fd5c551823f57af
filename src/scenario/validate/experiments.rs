//! `[sweep]` and `[sensitivity]`: key paths and the values they take, and a sensitivity entry's
//! label. Whether each value is valid is checked when the variants are loaded, not here.

use super::super::key::KeyPath;
use super::super::model::SensitivityEntry;
use super::check::{Validator, kp};

/// `[sweep]`: each key path with the values it takes, in file order.
pub(super) fn sweep(v: &mut Validator, raw: &toml::Table) -> Vec<(String, Vec<toml::Value>)> {
    let mut sweep = Vec::new();
    for (key, values) in flatten_keys(raw, |_| false) {
        if let Err(e) = KeyPath::parse(&key) {
            v.err(kp!("sweep", &key), e);
        }
        match values {
            toml::Value::Array(values) if !values.is_empty() => sweep.push((key.clone(), values)),
            _ => v.err(
                kp!("sweep", &key),
                "give a list of at least one value to sweep over",
            ),
        }
    }
    sweep
}

/// Whether a table in `[sensitivity]` is one entry written with its label
/// (`{ low = …, high = …, label = "…" }`) rather than a level of nested key paths
/// (`[sensitivity.population] entries_per_person = [1.0, 2.0]`): it has a string `label`, or a
/// `low` or `high` that is not a list (a nested level's leaves are lists).
pub(crate) fn is_entry_table(t: &toml::Table) -> bool {
    t.get("label").is_some_and(toml::Value::is_str)
        || ["low", "high"]
            .iter()
            .any(|k| t.get(*k).is_some_and(|v| !v.is_array()))
}

/// `[sensitivity]`: each key path with its low and high value and its label, in file order.
/// An entry is `[low, high]` (an empty list drops an entry inherited through `extends`) or
/// `{ low = …, high = …, label = "…" }`.
pub(super) fn sensitivity(v: &mut Validator, raw: &toml::Table) -> Vec<SensitivityEntry> {
    let mut sensitivity = Vec::new();
    for (key, value) in flatten_keys(raw, is_entry_table) {
        if let Err(e) = KeyPath::parse(&key) {
            v.err(kp!("sensitivity", &key), e);
        }
        let entry =
            |low: &toml::Value, high: &toml::Value, label: Option<String>| SensitivityEntry {
                key: key.clone(),
                low: low.clone(),
                high: high.clone(),
                label,
            };
        match value {
            toml::Value::Array(values) => match values.as_slice() {
                // An empty list drops an entry inherited through `extends`.
                [] => {}
                [low, high] => sensitivity.push(entry(low, high, None)),
                _ => v.err(
                    kp!("sensitivity", &key),
                    format!("give [low, high], two values; got {}", values.len()),
                ),
            },
            toml::Value::Table(t) => {
                if let Some(e) = labelled(&t) {
                    v.err(kp!("sensitivity", &key), e);
                    continue;
                }
                let label = t
                    .get("label")
                    .and_then(toml::Value::as_str)
                    .map(|l| l.trim().to_string());
                if let (Some(low), Some(high)) = (t.get("low"), t.get("high")) {
                    sensitivity.push(entry(low, high, label));
                }
            }
            _ => v.err(
                kp!("sensitivity", &key),
                "give [low, high] or { low = …, high = …, label = \"…\" }",
            ),
        }
    }
    sensitivity
}

/// What is wrong with a labelled entry `{ low = …, high = …, label = "…" }`, if anything.
fn labelled(t: &toml::Table) -> Option<String> {
    let shape = "give { low = …, high = …, label = \"…\" }";
    if let Some(other) = t
        .keys()
        .find(|k| !["low", "high", "label"].contains(&k.as_str()))
    {
        return Some(format!("unknown field `{other}`: {shape}"));
    }
    if let Some(missing) = ["low", "high"].into_iter().find(|k| !t.contains_key(*k)) {
        return Some(format!("no `{missing}` value: {shape}"));
    }
    match t.get("label") {
        Some(toml::Value::String(l)) if l.trim().is_empty() => {
            Some("the label is empty: say what the entry varies, or leave `label` out".into())
        }
        Some(toml::Value::String(_)) | None => None,
        Some(_) => Some(format!("the label must be a string: {shape}")),
    }
}

/// The leaves of a table of dotted keys (`"a.b.c" = …` or nested `a.b.c = …`), as
/// `("a.b.c", value)` in file order.
/// Tables for which `leaf` holds are values, not levels.
fn flatten_keys(table: &toml::Table, leaf: fn(&toml::Table) -> bool) -> Vec<(String, toml::Value)> {
    fn walk(
        prefix: &str,
        table: &toml::Table,
        leaf: fn(&toml::Table) -> bool,
        out: &mut Vec<(String, toml::Value)>,
    ) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) if !leaf(t) => walk(&key, t, leaf, out),
                other => out.push((key, other.clone())),
            }
        }
    }
    let mut out = Vec::new();
    walk("", table, leaf, &mut out);
    out
}
