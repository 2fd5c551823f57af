//! `--set key.path=value` overrides (and the variants `[sweep]` and `[sensitivity]` make): parsed
//! from the command line and written into the document before it is deserialised.

use super::key::{KeyPath, Seg};
use super::origin::Origin;

/// A `--set key.path=value` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Where the value goes.
    pub(crate) path: KeyPath,
    /// The value, parsed as TOML (a bare word that is not TOML is taken as a string).
    pub(crate) value: toml::Value,
    /// Where it came from, as the user wrote it (`--set a.b=1`), for messages.
    pub(crate) text: String,
    /// The place in a scenario file that gave the value (a `[sweep]` or `[sensitivity]` entry),
    /// where an error about the value is reported; `None` for the command line.
    pub(crate) source: Option<Origin>,
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
    pub(crate) fn new(path: KeyPath, value: toml::Value, origin: impl Into<String>) -> Override {
        Override {
            path,
            value,
            text: origin.into(),
            source: None,
        }
    }

    /// This override, reported at `source` (the file entry that gave its value).
    pub(crate) fn located_at(mut self, source: Origin) -> Override {
        self.source = Some(source);
        self
    }
}

/// Parses a command-line value as TOML; text that is not a TOML value is a string.
pub(crate) fn parse_value(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// Sets `o.value` at `o.path`, creating missing tables on the way. On error `table` is unchanged.
pub(crate) fn apply_override(table: &mut toml::Table, o: &Override) -> Result<(), String> {
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
                let items = super::validate::count(len as u64, "item", "items");
                format!("`{walked}` is out of range: the list has {items}, indices from 0")
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

#[cfg(test)]
mod tests {
    use super::*;

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
