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
    let (header, user_col, contact_col) =
        read_header(&mut reader).map_err(|e| format!("'{}' {e}", path.display()))?;
    let column = |name: &str| header.iter().position(|h| h == name);
    let (org_col, domain_col, network_col) = (column("org"), column("domain"), column("network"));
    let mut list = ContactList {
        path: path.to_path_buf(),
        header: header.clone(),
        ..ContactList::default()
    };
    let mut seen: HashMap<(u32, String, NetworkId), usize> = HashMap::new();
    let mut user_index: HashMap<String, u32> = HashMap::new();
    let classifier = Classifier::new(networks);
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
                    column: None,
                    reason,
                    fields: Vec::new(),
                    user_field: None,
                });
                continue;
            }
        };
        let reject = |reason: String| RejectedRow {
            line,
            column: None,
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
        let user = get(Some(user_col));
        let contact = get(Some(contact_col)).to_lowercase();
        let given = get(network_col);
        if user.is_empty() {
            list.rejected.push(reject("empty user".into()));
            continue;
        }
        // A row with no contact and the network `none` only declares its user, who may have no
        // public-IM contact at all (as `picsim import --to` writes them). Any other empty
        // contact is a mistake.
        let declares_only = contact.is_empty() && given.eq_ignore_ascii_case(NO_CONTACT);
        if contact.is_empty() && !declares_only {
            list.rejected.push(reject(format!(
                "empty contact (a user with no public-IM contact is written with an empty contact and network `{NO_CONTACT}`)"
            )));
            continue;
        }
        if let Some(p) = contact_problem(&contact) {
            list.rejected.push(reject(format!("the contact {p}")));
            continue;
        }
        let network = if declares_only {
            None
        } else if !given.is_empty() {
            match networks
                .iter()
                .position(|n| n.id.eq_ignore_ascii_case(given))
            {
                Some(n) => Some(n as NetworkId),
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
            match classifier.network(&contact) {
                Some(n) => Some(n),
                None => {
                    list.rejected.push(reject(format!(
                        "domain `{}` is not a domain of any network; give the row a network",
                        domain_of(&contact)
                    )));
                    continue;
                }
            }
        };
        let org = get(org_col);
        if get(domain_col).contains('@') {
            list.rejected.push(reject(
                "the domain column holds an address, not a SIP domain".into(),
            ));
            continue;
        }
        let u = match user_index.get(user) {
            Some(&u) => {
                let first = &list.users[u as usize];
                if first.org != org {
                    // Neither name is quoted: the org column of a misplaced row may hold a
                    // contact.
                    list.rejected.push(reject(format!(
                        "the user is in another organisation at line {}; a user belongs to one",
                        first.line
                    )));
                    continue;
                }
                u
            }
            None => {
                // A user's domain is the one of their first row.
                let domain = match get(domain_col) {
                    "" => user
                        .rsplit_once('@')
                        .map_or("default", |(_, d)| d)
                        .to_lowercase(),
                    d => d.to_lowercase(),
                };
                let u = list.users.len() as u32;
                user_index.insert(user.to_string(), u);
                list.users.push(ImportedUser {
                    id: user.to_string(),
                    org: org.to_string(),
                    domain,
                    line,
                });
                u
            }
        };
        let Some(network) = network else {
            continue;
        };
        if let Some(first) = seen.get(&(u, contact.clone(), network)) {
            list.rejected.push(reject(format!(
                "the same contact is already on this user's list at line {first}"
            )));
            continue;
        }
        seen.insert((u, contact.clone(), network), line);
        list.rows.push(ContactRow {
            line,
            user: u,
            contact,
            network,
        });
    }
    Ok(list)
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
