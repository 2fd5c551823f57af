//! Files a scenario can bring in: an organisation's own contact lists, and an edge list for the
//! persons' contact graph.
//!
//! Both are read when the scenario is loaded, so that a problem is reported before any work
//! starts. A contact list's rows that cannot be read or classified are kept with their line number
//! and reason: a run refuses them unless `--skip-bad-rows`, which writes them (addresses
//! pseudonymised) to `rejected.csv`. Contact addresses are personal data; nothing here prints one.

use crate::scenario::{Network, NetworkId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One end of an edge in an edge-list file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// A person id.
    Id(u32),
    /// An imported contact's address (lower case).
    Address(String),
}

/// A parsed edge-list file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EdgeList {
    /// The file.
    pub path: PathBuf,
    /// Edges in file order, with their 1-based line numbers.
    pub edges: Vec<(usize, Endpoint, Endpoint)>,
}

/// A problem with one line of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong (never the address itself).
    pub reason: String,
}

fn is_header_word(s: &str) -> bool {
    !s.is_empty() && s.parse::<u64>().is_err() && !s.contains('@')
}

/// Reads an edge list: `a,b` or `a<TAB>b` per line; blank lines and `#` comments are skipped; a
/// first line whose two fields are words (e.g. `source,target`) is a header. Every bad line is
/// reported.
pub fn read_edge_list(path: &Path) -> Result<EdgeList, Vec<BadLine>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![BadLine {
            line: 0,
            reason: format!("cannot read '{}': {e}", path.display()),
        }]
    })?;
    let mut edges = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
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
        if fields.len() != 2 {
            bad.push(BadLine {
                line,
                reason: format!("{} fields; expected two (a,b or a<TAB>b)", fields.len()),
            });
            continue;
        }
        if edges.is_empty()
            && bad.is_empty()
            && is_header_word(fields[0])
            && is_header_word(fields[1])
        {
            continue;
        }
        let end = |f: &str| -> Result<Endpoint, String> {
            if f.is_empty() {
                return Err("an empty field".into());
            }
            match f.parse::<u64>() {
                Ok(id) if id < u64::from(u32::MAX) => Ok(Endpoint::Id(id as u32)),
                Ok(id) => Err(format!("person id {id} is too large")),
                Err(_) => Ok(Endpoint::Address(f.to_lowercase())),
            }
        };
        match (end(fields[0]), end(fields[1])) {
            (Ok(a), Ok(b)) => edges.push((line, a, b)),
            (Err(e), _) | (_, Err(e)) => bad.push(BadLine { line, reason: e }),
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

/// A row of a contact list that was read and classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    /// 1-based line number in the file.
    pub line: usize,
    /// The Lync user's id, as given.
    pub user: String,
    /// The contact's address, lower case.
    pub contact: String,
    /// Organisation name (empty: the default organisation).
    pub org: String,
    /// The user's SIP domain.
    pub domain: String,
    /// The contact's network.
    pub network: NetworkId,
}

/// A rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// 1-based line number.
    pub line: usize,
    /// Why.
    pub reason: String,
    /// The row's fields as read (the contact field is personal data: pseudonymise before output).
    pub fields: Vec<String>,
    /// Index of the contact field in `fields`, if known.
    pub contact_field: Option<usize>,
}

/// An organisation's own contact lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactList {
    /// The file.
    pub path: PathBuf,
    /// The header as read.
    pub header: Vec<String>,
    /// Rows that were read and classified, in file order.
    pub rows: Vec<ContactRow>,
    /// Rows that were not.
    pub rejected: Vec<RejectedRow>,
}

/// Which network an address belongs to, by its domain: an exact match or a subdomain of one of a
/// network's `domains`.
pub fn classify(address: &str, networks: &[Network]) -> Option<NetworkId> {
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

/// Reads a contact list (`user,contact` plus optional `org`, `domain`, `network` columns, any
/// order). Whole-file problems (unreadable file, bad header) are errors; bad rows are kept in
/// [`ContactList::rejected`].
pub fn read_contact_list(path: &Path, networks: &[Network]) -> Result<ContactList, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("cannot read the header of '{}': {e}", path.display()))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(user_col), Some(contact_col)) = (column("user"), column("contact")) else {
        return Err(format!(
            "'{}' must start with a header naming the columns `user` and `contact` (optional: `org`, `domain`, `network`); found {:?}",
            path.display(),
            header
        ));
    };
    if let Some(unknown) = header
        .iter()
        .find(|h| !["user", "contact", "org", "domain", "network"].contains(&h.as_str()))
    {
        return Err(format!(
            "'{}': unknown column `{unknown}`; accepted: user, contact, org, domain, network",
            path.display()
        ));
    }
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
                let line = e.position().map_or(0, |p| p.line() as usize);
                list.rejected.push(RejectedRow {
                    line,
                    reason: format!("unreadable row: {e}"),
                    fields: Vec::new(),
                    contact_field: None,
                });
                continue;
            }
        };
        let reject = |reason: String| RejectedRow {
            line,
            reason,
            fields: fields.clone(),
            contact_field: Some(contact_col),
        };
        if fields.len() != header.len() {
            list.rejected.push(reject(format!(
                "{} fields; the header has {}",
                fields.len(),
                header.len()
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
        let given = get(network_col);
        let network = if !given.is_empty() {
            match networks
                .iter()
                .position(|n| n.id.eq_ignore_ascii_case(given))
            {
                Some(n) => n as NetworkId,
                None => {
                    let known: Vec<&str> = networks.iter().map(|n| n.id.as_str()).collect();
                    list.rejected.push(reject(format!(
                        "unknown network `{given}`; known: {}",
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
        let domain = match get(domain_col) {
            "" => user
                .rsplit_once('@')
                .map_or("default", |(_, d)| d)
                .to_lowercase(),
            d => d.to_lowercase(),
        };
        if let Some((other, first)) = user_org.get(&user) {
            if *other != org {
                list.rejected.push(reject(format!(
                    "user is in organisation `{other}` at line {first}, not `{org}`"
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
pub fn pseudonym(salt: &[u8; 32], address: &str) -> String {
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
pub fn fresh_salt() -> Result<[u8; 32], String> {
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
        assert!(reasons[2].contains("unknown network `aim`"));
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
            "source,target\n0,1\n# a comment\n1\t2\n\nann@hotmail.com,3\n",
        )
        .unwrap();
        let e = read_edge_list(&f).unwrap();
        assert_eq!(e.edges.len(), 3);
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
