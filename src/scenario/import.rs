//! Files a scenario can bring in: an organisation's own contact lists, and an edge list for the
//! persons' contact graph.
//!
//! Both are read when the scenario is loaded, so that a problem is reported before any work
//! starts. A contact list's rows that cannot be read or classified are kept with their line number
//! and reason: a run refuses them unless `--skip-bad-rows`, which writes them (addresses
//! pseudonymised) to `rejected.csv`.
//!
//! Contact addresses are personal data: no message quotes a cell of an imported file that could be
//! one (anything with an @, or a control character); messages give the line, the column name and
//! the kind of problem. Users' own ids are the organisation's and stay as given in output files,
//! but no message prints one either.
//!
//! Each file is parsed once per process: sweep and sensitivity variants, and `validate`'s checks of
//! them, load the scenario again and share the first parse ([`contact_list`], [`edge_list`]).

use super::network::{Network, NetworkId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// What identifies a file's content for the cache: its canonical path, length and modification
/// time, and for a contact list the networks' ids and domains (they classify its rows).
type CacheKey = (
    PathBuf,
    u64,
    Option<std::time::SystemTime>,
    Vec<(String, Vec<String>)>,
);

/// Parsed files of this process, held weakly: a parse lives as long as a scenario holds it, so
/// variants loaded while the base scenario is alive share it, and nothing outlives its last user.
struct Cache<T>(Mutex<Vec<(CacheKey, Weak<T>)>>);

impl<T> Cache<T> {
    const fn new() -> Self {
        Cache(Mutex::new(Vec::new()))
    }

    /// The parse of `path` under `extra`, from the cache or from `read` (whose errors are not
    /// kept: they are reported and the command stops).
    fn get<E>(
        &self,
        path: &Path,
        extra: Vec<(String, Vec<String>)>,
        read: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        // A file that cannot be inspected is read uncached, so that `read` reports the problem.
        let key = std::fs::canonicalize(path).and_then(|p| {
            let m = std::fs::metadata(&p)?;
            Ok((p, m.len(), m.modified().ok(), extra))
        });
        let Ok(key) = key else {
            return read().map(Arc::new);
        };
        // A poisoned lock only means another thread panicked while holding it; the entries are
        // still whole (each push is one step).
        let mut entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(_, w)| w.strong_count() > 0);
        if let Some(hit) = entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, w)| w.upgrade())
        {
            return Ok(hit);
        }
        let parsed = Arc::new(read()?);
        entries.push((key, Arc::downgrade(&parsed)));
        Ok(parsed)
    }
}

static CONTACT_LISTS: Cache<ContactList> = Cache::new();
static EDGE_LISTS: Cache<EdgeList> = Cache::new();

/// [`read_contact_list`], parsed once per process for the same file and networks.
pub(crate) fn contact_list(path: &Path, networks: &[Network]) -> Result<Arc<ContactList>, String> {
    let classifying = networks
        .iter()
        .map(|n| (n.id.clone(), n.domains.clone()))
        .collect();
    CONTACT_LISTS.get(path, classifying, || read_contact_list(path, networks))
}

/// [`read_edge_list`], parsed once per process for the same file.
pub(crate) fn edge_list(path: &Path) -> Result<Arc<EdgeList>, Vec<BadLine>> {
    EDGE_LISTS.get(path, Vec::new(), || read_edge_list(path))
}

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

/// What is wrong with a contact name (an address, or a Skype name), if anything; never the name
/// itself.
fn contact_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(char::is_control) {
        return Some("holds a control character (a NUL byte, tab or line break)");
    }
    match name.split_once('@') {
        Some(("", _)) => Some("is an address with nothing before the @"),
        Some((_, "")) => Some("is an address with nothing after the @"),
        _ => None,
    }
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

/// A row of a contact list that was read and classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactRow {
    /// 1-based line number in the file.
    pub(crate) line: usize,
    /// The Lync user's id, as given.
    pub(crate) user: String,
    /// The contact's address, lower case.
    pub(crate) contact: String,
    /// Organisation name (empty: the default organisation).
    pub(crate) org: String,
    /// The user's SIP domain.
    pub(crate) domain: String,
    /// The contact's network.
    pub(crate) network: NetworkId,
}

/// A rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// 1-based line number.
    pub line: usize,
    /// Why.
    pub reason: String,
    /// The row's fields as read (the contact field is personal data: pseudonymise before output).
    pub(crate) fields: Vec<String>,
    /// Index of the user field in `fields`, if known (the row has the header's columns).
    pub(crate) user_field: Option<usize>,
}

impl RejectedRow {
    /// Whether field `i` is to be pseudonymised in outputs: every field but the user's own id (the
    /// organisation's, kept as given). A rejected row's columns may not be what the header says
    /// (a Skype name in the network column has no @), so nothing else is trusted to be harmless;
    /// the line number finds the row in the file.
    pub(crate) fn is_personal(&self, i: usize) -> bool {
        self.fields
            .get(i)
            .is_some_and(|f| !f.is_empty() && Some(i) != self.user_field)
    }
}

/// An organisation's own contact lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactList {
    /// The file.
    pub path: PathBuf,
    /// The header as read.
    pub(crate) header: Vec<String>,
    /// Rows that were read and classified, in file order.
    pub(crate) rows: Vec<ContactRow>,
    /// Rows that were not.
    pub rejected: Vec<RejectedRow>,
}

impl ContactList {
    /// Persons on no list that a network adds for `per_user` of them per Lync user (rounded).
    pub(crate) fn extra_persons(&self, per_user: Option<f64>) -> usize {
        per_user.map_or(0, |k| (k * self.users() as f64).round() as usize)
    }

    /// Distinct users.
    pub(crate) fn users(&self) -> usize {
        let users: std::collections::HashSet<&str> =
            self.rows.iter().map(|r| r.user.as_str()).collect();
        users.len()
    }

    /// The persons of the imported population: one per distinct contact (address and network),
    /// plus each network's extra persons (`persons_per_user`, by network).
    pub(crate) fn persons(&self, persons_per_user: &[Option<f64>]) -> usize {
        let contacts: std::collections::HashSet<(&str, NetworkId)> = self
            .rows
            .iter()
            .map(|r| (r.contact.as_str(), r.network))
            .collect();
        contacts.len()
            + persons_per_user
                .iter()
                .map(|k| self.extra_persons(*k))
                .sum::<usize>()
    }
}

/// Which network an address belongs to, by its domain: an exact match or a subdomain of one of a
/// network's `domains`.
pub(crate) fn classify(address: &str, networks: &[Network]) -> Option<NetworkId> {
    let domain = address.rsplit_once('@')?.1.trim().to_lowercase();
    networks
        .iter()
        .position(|n| {
            n.domains
                .iter()
                .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
        })
        .map(|i| i as NetworkId)
}

/// The domain part of an address, for messages (not personal on its own).
fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The columns a contact list may have.
const COLUMNS: [&str; 5] = ["user", "contact", "org", "domain", "network"];

/// A cell as it may appear in a message: only when it cannot be an address or other personal
/// data (no @, no control character, short). Messages otherwise name the line and column.
fn shown(cell: &str) -> Option<&str> {
    (!cell.contains('@') && !cell.chars().any(char::is_control) && cell.chars().count() <= 40)
        .then_some(cell)
}

/// A csv reading error, with its line and without the content the csv crate may quote.
fn csv_problem(e: &csv::Error) -> (usize, String) {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not valid UTF-8 (save the file as UTF-8)",
            err.field() + 1
        ),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => "unreadable row".to_string(),
    };
    (line, reason)
}

/// Reads a contact list's header: every column one of [`COLUMNS`], once, `user` and `contact`
/// among them. Returns the columns and the indices of `user` and `contact`.
fn read_header(
    reader: &mut csv::Reader<std::fs::File>,
) -> Result<(Vec<String>, usize, usize), String> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("line 1: {}", csv_problem(&e).1))?
        .iter()
        .map(str::to_lowercase)
        .collect();
    for (i, h) in header.iter().enumerate() {
        if let Some(j) = header[..i].iter().position(|g| g == h) {
            return Err(match shown(h) {
                Some(h) => format!(
                    "line 1: column `{h}` is given twice (columns {} and {})",
                    j + 1,
                    i + 1
                ),
                None => format!("line 1: columns {} and {} are the same", j + 1, i + 1),
            });
        }
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(user), Some(contact)) = (column("user"), column("contact")) else {
        let missing: Vec<String> = ["user", "contact"]
            .into_iter()
            .filter(|c| column(c).is_none())
            .map(|c| format!("`{c}`"))
            .collect();
        let addresses = header.iter().filter(|h| h.contains('@')).count();
        let hint = if addresses > 0 {
            format!(
                "; {addresses} of them hold an address, so the file seems to have no header row"
            )
        } else {
            String::new()
        };
        return Err(format!(
            "line 1: the header must name the columns user and contact (optional: org, domain, network); found {} column{}, none named {}{hint}",
            header.len(),
            if header.len() == 1 { "" } else { "s" },
            missing.join(" or ")
        ));
    };
    if let Some(i) = header.iter().position(|h| !COLUMNS.contains(&h.as_str())) {
        let what = match shown(&header[i]) {
            Some(h) => format!("unknown column `{h}`"),
            None => "not a column name".to_string(),
        };
        return Err(format!(
            "line 1, column {}: {what}; accepted: {}",
            i + 1,
            COLUMNS.join(", ")
        ));
    }
    Ok((header, user, contact))
}

/// Reads a contact list (`user,contact` plus optional `org`, `domain`, `network` columns, any
/// order). Whole-file problems (unreadable file, bad header) are errors; bad rows are kept in
/// [`ContactList::rejected`]. No message quotes a cell that could be an address.
pub(crate) fn read_contact_list(path: &Path, networks: &[Network]) -> Result<ContactList, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read '{}': {}", path.display(), csv_problem(&e).1))?;
    let (header, user_col, contact_col) =
        read_header(&mut reader).map_err(|e| format!("'{}' {e}", path.display()))?;
    let column = |name: &str| header.iter().position(|h| h == name);
    let (org_col, domain_col, network_col) = (column("org"), column("domain"), column("network"));
    let mut list = ContactList {
        path: path.to_path_buf(),
        header: header.clone(),
        ..ContactList::default()
    };
    let mut seen: HashMap<(String, String, NetworkId), usize> = HashMap::new();
    let mut user_org: HashMap<String, (String, usize)> = HashMap::new();
    for record in reader.records() {
        let (line, fields) = match record {
            Ok(r) => (
                r.position().map_or(0, |p| p.line() as usize),
                r.iter().map(str::to_string).collect::<Vec<_>>(),
            ),
            Err(e) => {
                let (line, reason) = csv_problem(&e);
                list.rejected.push(RejectedRow {
                    line,
                    reason,
                    fields: Vec::new(),
                    user_field: None,
                });
                continue;
            }
        };
        let reject = |reason: String| RejectedRow {
            line,
            reason,
            fields: fields.clone(),
            user_field: Some(user_col),
        };
        if fields.len() != header.len() {
            // The columns are not where the header says: any field may be the contact.
            list.rejected.push(RejectedRow {
                user_field: None,
                ..reject(format!(
                    "{} fields; the header has {}",
                    fields.len(),
                    header.len()
                ))
            });
            continue;
        }
        if let Some(c) = fields.iter().position(|f| f.chars().any(char::is_control)) {
            list.rejected.push(reject(format!(
                "column `{}` holds a control character (a NUL byte, tab or line break)",
                header[c]
            )));
            continue;
        }
        let get = |c: Option<usize>| c.map_or("", |c| fields[c].as_str());
        let user = get(Some(user_col)).to_string();
        let contact = get(Some(contact_col)).to_lowercase();
        if user.is_empty() {
            list.rejected.push(reject("empty user".into()));
            continue;
        }
        if contact.is_empty() {
            list.rejected.push(reject("empty contact".into()));
            continue;
        }
        if let Some(p) = contact_problem(&contact) {
            list.rejected.push(reject(format!("the contact {p}")));
            continue;
        }
        let given = get(network_col);
        let network = if !given.is_empty() {
            match networks
                .iter()
                .position(|n| n.id.eq_ignore_ascii_case(given))
            {
                Some(n) => n as NetworkId,
                None => {
                    let known: Vec<&str> = networks.iter().map(|n| n.id.as_str()).collect();
                    // The cell is not quoted: a misplaced contact (a Skype name has no @)
                    // would be shown.
                    list.rejected.push(reject(format!(
                        "the network column names no network of the scenario; known: {}",
                        known.join(", ")
                    )));
                    continue;
                }
            }
        } else if !contact.contains('@') {
            list.rejected.push(reject(
                "the contact is not an address (no @) and the row gives no network".into(),
            ));
            continue;
        } else {
            match classify(&contact, networks) {
                Some(n) => n,
                None => {
                    list.rejected.push(reject(format!(
                        "domain `{}` is not a domain of any network; give the row a network",
                        domain_of(&contact)
                    )));
                    continue;
                }
            }
        };
        let org = get(org_col).to_string();
        if get(domain_col).contains('@') {
            list.rejected.push(reject(
                "the domain column holds an address, not a SIP domain".into(),
            ));
            continue;
        }
        let domain = match get(domain_col) {
            "" => user
                .rsplit_once('@')
                .map_or("default", |(_, d)| d)
                .to_lowercase(),
            d => d.to_lowercase(),
        };
        if let Some((other, first)) = user_org.get(&user) {
            if *other != org {
                // Neither name is quoted: the org column of a misplaced row may hold a contact.
                list.rejected.push(reject(format!(
                    "the user is in another organisation at line {first}; a user belongs to one"
                )));
                continue;
            }
        } else {
            user_org.insert(user.clone(), (org.clone(), line));
        }
        if let Some(first) = seen.get(&(user.clone(), contact.clone(), network)) {
            list.rejected.push(reject(format!(
                "the same contact is already on this user's list at line {first}"
            )));
            continue;
        }
        seen.insert((user.clone(), contact.clone(), network), line);
        list.rows.push(ContactRow {
            line,
            user,
            contact,
            org,
            domain,
            network,
        });
    }
    Ok(list)
}

/// A pseudonym for an address: a keyed hash (SHA-256 of the run's secret salt and the address),
/// shortened. The salt is drawn per run and never written, so pseudonyms cannot be reversed by
/// hashing guessed addresses, nor linked across runs.
pub(crate) fn pseudonym(salt: &[u8; 32], address: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt);
    h.update(address.as_bytes());
    let digest = h.finalize();
    format!(
        "c{}",
        digest[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// A fresh secret salt from the operating system's random source (the only use of it: no
/// simulation draw comes from there).
pub(crate) fn fresh_salt() -> Result<[u8; 32], String> {
    use rand::TryRng;
    let mut salt = [0u8; 32];
    rand::rngs::SysRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| format!("no random source for the pseudonym salt: {e}"))?;
    Ok(salt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Window;

    fn nets() -> Vec<Network> {
        let n = |id: &str, domains: &[&str]| Network {
            id: id.into(),
            name: id.into(),
            domains: domains.iter().map(|d| d.to_string()).collect(),
            window: Window::ALL,
            capabilities: vec![],
        };
        vec![
            n("wlm", &["hotmail.com", "live.com"]),
            n("skype", &[]),
            n("yahoo", &["yahoo.com"]),
        ]
    }

    #[test]
    fn classification_by_domain_and_subdomain() {
        let n = nets();
        assert_eq!(classify("Ann@Hotmail.com", &n), Some(0));
        assert_eq!(classify("bob@mail.yahoo.com", &n), Some(2));
        assert_eq!(classify("bob@notyahoo.com", &n), None);
        assert_eq!(classify("no-at-sign", &n), None);
    }

    #[test]
    fn bad_rows_are_kept_with_line_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.csv");
        std::fs::write(
            &f,
            "user,contact,network\n\
             u1@corp.com,ann@hotmail.com,\n\
             u1@corp.com,live:bob,skype\n\
             u2@corp.com,carol@unknown.org,\n\
             u2@corp.com,dave,\n\
             u3@corp.com,erin@yahoo.com,aim\n\
             u3@corp.com,too,many,fields\n\
             ,frank@live.com,\n\
             u1@corp.com,ANN@hotmail.com,\n",
        )
        .unwrap();
        let list = read_contact_list(&f, &nets()).unwrap();
        assert_eq!(list.rows.len(), 2);
        assert_eq!(list.rows[1].network, 1);
        assert_eq!(list.rows[0].domain, "corp.com");
        let lines: Vec<usize> = list.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![4, 5, 6, 7, 8, 9]);
        let reasons: Vec<&str> = list.rejected.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons[0].contains("domain `unknown.org`"), "{reasons:?}");
        assert!(reasons[1].contains("no @"));
        assert!(reasons[2].contains("names no network of the scenario"));
        assert!(reasons[3].contains("4 fields"));
        assert!(reasons[4].contains("empty user"));
        assert!(reasons[5].contains("already on this user's list at line 2"));
        // No reason repeats an address.
        assert!(
            list.rejected
                .iter()
                .all(|r| !r.reason.contains("carol") && !r.reason.contains("ann@"))
        );
    }

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

    #[test]
    fn pseudonyms_depend_on_the_salt_and_hide_the_address() {
        let a = pseudonym(&[1; 32], "ann@hotmail.com");
        assert_eq!(a, pseudonym(&[1; 32], "ann@hotmail.com"));
        assert_ne!(a, pseudonym(&[2; 32], "ann@hotmail.com"));
        assert!(!a.contains("ann") && a.len() == 17);
    }
}
