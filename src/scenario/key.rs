//! Key paths into a scenario document (`migrations.0.window.from`), and the nearest accepted name
//! for a typo. Every error about a scenario is located by a [`KeyPath`]; how a path becomes a
//! line and column is `locate.rs`'s business, not this module's.

use std::fmt;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A table key.
    Key(String),
    /// A zero-based array index.
    Index(usize),
}

/// A key path such as `migrations.0.window.from`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// Parses `a.b.0.c` (numeric parts are array indices).
    pub(crate) fn parse(text: &str) -> Result<KeyPath, String> {
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
    pub(crate) fn join(&self, seg: Seg) -> KeyPath {
        let mut v = self.0.clone();
        v.push(seg);
        KeyPath(v)
    }

    /// Whether `self` starts with `prefix`.
    pub(crate) fn starts_with(&self, prefix: &KeyPath) -> bool {
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

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }
}
impl From<&String> for Seg {
    fn from(s: &String) -> Seg {
        Seg::Key(s.clone())
    }
}
impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// The accepted name closest to `given`, if it is close enough to be a likely typo.
pub(crate) fn nearest<'s>(
    given: &str,
    accepted: impl IntoIterator<Item = &'s str>,
) -> Option<&'s str> {
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
