//! `[sweep]` and `[sensitivity]`: key paths and the values they take. Whether each value is
//! valid is checked when the variants are loaded, not here.

use super::super::key::KeyPath;
use super::check::{Validator, kp};

/// `[sweep]`: each key path with the values it takes, in file order.
pub(super) fn sweep(v: &mut Validator, raw: &toml::Table) -> Vec<(String, Vec<toml::Value>)> {
    let mut sweep = Vec::new();
    for (key, values) in flatten_keys(raw) {
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

/// `[sensitivity]`: each key path with its low and high value, in file order.
pub(super) fn sensitivity(
    v: &mut Validator,
    raw: &toml::Table,
) -> Vec<(String, toml::Value, toml::Value)> {
    let mut sensitivity = Vec::new();
    for (key, values) in flatten_keys(raw) {
        if let Err(e) = KeyPath::parse(&key) {
            v.err(kp!("sensitivity", &key), e);
        }
        let values = match values {
            toml::Value::Array(values) => values,
            _ => {
                v.err(kp!("sensitivity", &key), "give [low, high]");
                continue;
            }
        };
        match values.as_slice() {
            // An empty list drops an entry inherited through `extends`.
            [] => {}
            [low, high] => sensitivity.push((key.clone(), low.clone(), high.clone())),
            _ => v.err(
                kp!("sensitivity", &key),
                format!("give [low, high], two values; got {}", values.len()),
            ),
        }
    }
    sensitivity
}

/// The leaves of a table of dotted keys (`"a.b.c" = …` or nested `a.b.c = …`), as
/// `("a.b.c", value)` in file order.
fn flatten_keys(table: &toml::Table) -> Vec<(String, toml::Value)> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                other => out.push((key, other.clone())),
            }
        }
    }
    let mut out = Vec::new();
    walk("", table, &mut out);
    out
}
