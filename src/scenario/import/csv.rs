//! Contact lists as CSV: `user,contact` and optional `org`, `domain`, `network` columns.

use super::contacts::{
    Classifier, ContactList, ContactRow, ImportedUser, RejectedRow, contact_problem, domain_of,
};
use crate::scenario::network::{Network, NetworkId};
use std::collections::HashMap;
use std::path::Path;

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

/// The `network` of a row that declares a user with no public-IM contact.
pub(crate) const NO_CONTACT: &str = "none";

/// Reads a contact list (`user,contact` plus optional `org`, `domain`, `network` columns, any
/// order). Whole-file problems (unreadable file, bad header) are errors; bad rows are kept in
/// [`ContactList::rejected`]. No message quotes a cell that could be an address.
pub(crate) fn read_contact_list(path: &Path, networks: &[Network]) -> Result<ContactList, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read '{}': {}", path.display(), csv_problem(&e).1))?;
    let (header, user, contact) =
        read_header(&mut reader).map_err(|e| format!("'{}' {e}", path.display()))?;
    let column = |name: &str| header.iter().position(|h| h == name);
    let columns = Columns {
        user,
        contact,
        org: column("org"),
        domain: column("domain"),
        network: column("network"),
    };
    let mut rows = Rows {
        list: ContactList {
            path: path.to_path_buf(),
            header: header.clone(),
            ..ContactList::default()
        },
        columns,
        seen: HashMap::new(),
        user_index: HashMap::new(),
        classifier: Classifier::new(networks),
        networks,
    };
    for record in reader.records() {
        match record {
            Ok(r) => rows.add(
                r.position().map_or(0, |p| p.line() as usize),
                r.iter().map(str::to_string).collect(),
            ),
            Err(e) => {
                let (line, reason) = csv_problem(&e);
                rows.list.rejected.push(RejectedRow {
                    line,
                    column: None,
                    reason,
                    fields: Vec::new(),
                    user_field: None,
                });
            }
        }
    }
    Ok(rows.list)
}

/// Where the header puts each column (`user` and `contact` always, the others when given).
struct Columns {
    user: usize,
    contact: usize,
    org: Option<usize>,
    domain: Option<usize>,
    network: Option<usize>,
}

/// A contact list being read: the rows and users so far, and what a row is checked against.
struct Rows<'a> {
    /// The list so far (its header already set).
    list: ContactList,
    columns: Columns,
    /// Each (user, contact, network) accepted, with its line: a repeat is refused.
    seen: HashMap<(u32, String, NetworkId), usize>,
    /// Each user's index in `list.users`, by id.
    user_index: HashMap<String, u32>,
    /// Finds a contact's network by the domain of its address.
    classifier: Classifier,
    /// The scenario's networks, which a row's `network` column names.
    networks: &'a [Network],
}

impl Rows<'_> {
    /// Adds the row read at `line`, or keeps it among the rejected rows with the reason.
    fn add(&mut self, line: usize, fields: Vec<String>) {
        let header = self.list.header.len();
        if fields.len() != header {
            // The columns are not where the header says: any field may be the contact.
            self.list.rejected.push(RejectedRow {
                line,
                column: None,
                reason: format!("{} fields; the header has {header}", fields.len()),
                fields,
                user_field: None,
            });
            return;
        }
        if let Err(reason) = self.accept(line, &fields) {
            self.list.rejected.push(RejectedRow {
                line,
                column: None,
                reason,
                fields,
                user_field: Some(self.columns.user),
            });
        }
    }

    /// Checks a row that has the header's columns and adds it (and its user, at the user's
    /// first row); `Err` says why the row is refused.
    fn accept(&mut self, line: usize, fields: &[String]) -> Result<(), String> {
        if let Some(c) = fields.iter().position(|f| f.chars().any(char::is_control)) {
            return Err(format!(
                "column `{}` holds a control character (a NUL byte, tab or line break)",
                self.list.header[c]
            ));
        }
        let get = |c: Option<usize>| c.map_or("", |c| fields[c].as_str());
        let user = get(Some(self.columns.user));
        let contact = get(Some(self.columns.contact)).to_lowercase();
        let given = get(self.columns.network);
        if user.is_empty() {
            return Err("empty user".into());
        }
        // A row with no contact and the network `none` only declares its user, who may have no
        // public-IM contact at all (as `picsim import --to` writes them). Any other empty
        // contact is a mistake.
        let declares_only = contact.is_empty() && given.eq_ignore_ascii_case(NO_CONTACT);
        if contact.is_empty() && !declares_only {
            return Err(format!(
                "empty contact (a user with no public-IM contact is written with an empty contact and network `{NO_CONTACT}`)"
            ));
        }
        if let Some(p) = contact_problem(&contact) {
            return Err(format!("the contact {p}"));
        }
        let network = if declares_only {
            None
        } else {
            Some(self.network(&contact, given)?)
        };
        let org = get(self.columns.org);
        let domain = get(self.columns.domain);
        if domain.contains('@') {
            return Err("the domain column holds an address, not a SIP domain".into());
        }
        let u = self.user(user, org, domain, line)?;
        let Some(network) = network else {
            return Ok(());
        };
        if let Some(first) = self.seen.get(&(u, contact.clone(), network)) {
            return Err(format!(
                "the same contact is already on this user's list at line {first}"
            ));
        }
        self.seen.insert((u, contact.clone(), network), line);
        self.list.rows.push(ContactRow {
            line,
            user: u,
            contact,
            network,
        });
        Ok(())
    }

    /// The network of `contact`: the one the row's network column (`given`) names, else the
    /// one whose domain the address has.
    fn network(&self, contact: &str, given: &str) -> Result<NetworkId, String> {
        if !given.is_empty() {
            return match self
                .networks
                .iter()
                .position(|n| n.id.eq_ignore_ascii_case(given))
            {
                Some(n) => Ok(n as NetworkId),
                None => {
                    let known: Vec<&str> = self.networks.iter().map(|n| n.id.as_str()).collect();
                    // The cell is not quoted: a misplaced contact (a Skype name has no @)
                    // would be shown.
                    Err(format!(
                        "the network column names no network of the scenario; known: {}",
                        known.join(", ")
                    ))
                }
            };
        }
        if !contact.contains('@') {
            return Err("the contact is not an address (no @) and the row gives no network".into());
        }
        self.classifier.network(contact).ok_or_else(|| {
            format!(
                "domain `{}` is not a domain of any network; give the row a network",
                domain_of(contact)
            )
        })
    }

    /// The index of `user`, added at their first row; a user belongs to one organisation, so a
    /// later row in another is refused.
    fn user(&mut self, user: &str, org: &str, domain: &str, line: usize) -> Result<u32, String> {
        if let Some(&u) = self.user_index.get(user) {
            let first = &self.list.users[u as usize];
            if first.org != org {
                // Neither name is quoted: the org column of a misplaced row may hold a contact.
                return Err(format!(
                    "the user is in another organisation at line {}; a user belongs to one",
                    first.line
                ));
            }
            return Ok(u);
        }
        // A user's domain is the one of their first row.
        let domain = match domain {
            "" => user
                .rsplit_once('@')
                .map_or("default", |(_, d)| d)
                .to_lowercase(),
            d => d.to_lowercase(),
        };
        let u = self.list.users.len() as u32;
        self.user_index.insert(user.to_string(), u);
        self.list.users.push(ImportedUser {
            id: user.to_string(),
            org: org.to_string(),
            domain,
            line,
        });
        Ok(u)
    }
}

#[cfg(test)]
mod tests {
    use super::super::contacts::tests::nets;
    use super::*;

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
        assert_eq!(list.users[list.rows[0].user as usize].domain, "corp.com");
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
}
