//! Edge-list files: the persons' contact graph given as `a,b` pairs of person ids or imported
//! contacts' addresses.

use super::contacts::{ContactList, contact_problem};
use std::path::{Path, PathBuf};

/// One end of an edge in an edge-list file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Endpoint {
    /// A person id.
    Id(u32),
    /// An imported contact's address (lower case).
    Address(String),
}

/// A parsed edge-list file.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct EdgeList {
    /// The file.
    pub(crate) path: PathBuf,
    /// Edges in file order, with their 1-based line numbers.
    pub(crate) edges: Vec<(usize, Endpoint, Endpoint)>,
}

/// A problem with one line of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadLine {
    /// 1-based line number.
    pub(crate) line: usize,
    /// What is wrong (never the address itself).
    pub(crate) reason: String,
}

/// The largest person id an edge list may name (`u32::MAX` is kept free as "no person").
const MAX_PERSON_ID: u32 = u32::MAX - 1;

/// Whether an edge-list field is meant as a number: it starts with a digit, a sign or a point
/// and holds no @. Skype names start with a letter and an address has an @ (`2pac@hotmail.com`
/// is an address), so `-1`, `1.5` and `0x10` are refused as ids rather than taken for names.
fn looks_numeric(f: &str) -> bool {
    f.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) && !f.contains('@')
}

fn is_header_word(s: &str) -> bool {
    !s.is_empty() && !looks_numeric(s) && !s.contains('@')
}

/// One end of an edge, or why the field is not one.
fn endpoint(f: &str) -> Result<Endpoint, String> {
    if f.is_empty() {
        return Err("empty".into());
    }
    if looks_numeric(f) {
        if !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "not a person id (a whole number from 0 to {MAX_PERSON_ID}) nor a contact address"
            ));
        }
        return match f.parse::<u32>() {
            Ok(id) if id <= MAX_PERSON_ID => Ok(Endpoint::Id(id)),
            _ => Err(format!(
                "a person id of {} digits, larger than {MAX_PERSON_ID}",
                f.len()
            )),
        };
    }
    match contact_problem(f) {
        Some(p) => Err(p.to_string()),
        None => Ok(Endpoint::Address(f.to_lowercase())),
    }
}

/// Reads an edge list: `a,b` or `a<TAB>b` per line, each end a person id or an imported contact's
/// address; blank lines and `#` comments are skipped; a first line whose two fields are words
/// (e.g. `source,target`) is a header. Every bad line is reported, with its number and never its
/// content.
pub(crate) fn read_edge_list(path: &Path) -> Result<EdgeList, Vec<BadLine>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![BadLine {
            line: 0,
            reason: format!("cannot read '{}': {e}", path.display()),
        }]
    })?;
    let mut edges = Vec::new();
    let mut bad = Vec::new();
    let mut header_allowed = true;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            bad.push(BadLine {
                line,
                reason: "not valid UTF-8 (save the file as UTF-8)".into(),
            });
            header_allowed = false;
            continue;
        };
        let l = text.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = if l.contains('\t') {
            l.split('\t')
        } else {
            l.split(',')
        }
        .map(str::trim)
        .collect();
        let first = std::mem::replace(&mut header_allowed, false);
        if fields.len() != 2 {
            bad.push(BadLine {
                line,
                reason: format!("{} fields; expected two (a,b or a<TAB>b)", fields.len()),
            });
            continue;
        }
        if first && is_header_word(fields[0]) && is_header_word(fields[1]) {
            continue;
        }
        match (endpoint(fields[0]), endpoint(fields[1])) {
            (Ok(a), Ok(b)) => edges.push((line, a, b)),
            (Err(e), _) => bad.push(BadLine {
                line,
                reason: format!("field 1: {e}"),
            }),
            (_, Err(e)) => bad.push(BadLine {
                line,
                reason: format!("field 2: {e}"),
            }),
        }
    }
    if bad.is_empty() {
        Ok(EdgeList {
            path: path.to_path_buf(),
            edges,
        })
    } else {
        Err(bad)
    }
}

impl EdgeList {
    /// Edges between two different ends (a graph of self-loops only gives no contagion).
    pub(crate) fn usable_edges(&self) -> usize {
        self.edges.iter().filter(|(_, a, b)| a != b).count()
    }

    /// The lines that do not fit the population: with an imported list (and its number of
    /// persons, [`ContactList::persons`]), ids beyond its persons and addresses that are none of
    /// its contacts; with a generated population, any address (a generated person has none). Ids
    /// of a generated population are checked when it is drawn (its size is drawn too).
    pub(crate) fn misfits(&self, imported: Option<(&ContactList, usize)>) -> Vec<BadLine> {
        let contacts: Option<std::collections::HashSet<&str>> =
            imported.map(|(l, _)| l.rows.iter().map(|r| r.contact.as_str()).collect());
        let persons = imported.map(|(_, n)| n);
        let problem = |e: &Endpoint| -> Option<String> {
            match (e, &contacts, persons) {
                (Endpoint::Id(id), _, Some(n)) if *id as usize >= n => Some(format!(
                    "person {id} does not exist (persons are 0 to {})",
                    n.saturating_sub(1)
                )),
                (Endpoint::Id(_), _, _) => None,
                (Endpoint::Address(a), Some(c), _) if !c.contains(a.as_str()) => {
                    Some("the address is not a contact of the imported lists".into())
                }
                (Endpoint::Address(_), Some(_), _) => None,
                (Endpoint::Address(_), None, _) => Some(
                    "persons are named by address, but this population is generated (not imported); use person ids".into(),
                ),
            }
        };
        self.edges
            .iter()
            .filter_map(|(line, a, b)| {
                let reason = problem(a).or_else(|| problem(b))?;
                Some(BadLine {
                    line: *line,
                    reason,
                })
            })
            .collect()
    }
}

/// A refusal listing bad lines of `path` (the first ten, and how many more).
pub(crate) fn bad_lines_message(what: &str, path: &Path, bad: &[BadLine]) -> String {
    let shown: Vec<String> = bad
        .iter()
        .take(10)
        .map(|b| {
            if b.line == 0 {
                b.reason.clone()
            } else {
                format!("{}:{}: {}", path.display(), b.line, b.reason)
            }
        })
        .collect();
    let more = if bad.len() > 10 {
        format!(" (and {} more)", bad.len() - 10)
    } else {
        String::new()
    };
    format!("{what}: {}{more}", shown.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_lists_with_header_tabs_and_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("e.csv");
        std::fs::write(
            &f,
            "source,target\n0,1\n# a comment\n1\t2\n\nann@hotmail.com,3\n2pac@hotmail.com,4\n",
        )
        .unwrap();
        let e = read_edge_list(&f).unwrap();
        assert_eq!(e.edges.len(), 4);
        // An address may start with a digit.
        assert_eq!(e.edges[3].1, Endpoint::Address("2pac@hotmail.com".into()));
        assert_eq!(
            e.edges[2],
            (
                6,
                Endpoint::Address("ann@hotmail.com".into()),
                Endpoint::Id(3)
            )
        );
        std::fs::write(&f, "0,1\n2\n3,4,5\n,6\n").unwrap();
        let bad = read_edge_list(&f).unwrap_err();
        assert_eq!(
            bad.iter().map(|b| b.line).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
    }
}
