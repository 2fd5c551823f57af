//! A server's contact export made into contact lists: each user's SIP domain gives their
//! organisation, each contact's domain gives its network, and what is not a public-IM contact is
//! counted as internal (on the user's organisation's own SIP domains) or federated partner (any
//! other domain no network claims). Users whose list is empty of public contacts stay users.
//!
//! The export is read as a stream ([`super::lync`]) and each user's list is folded in as soon as
//! it is read, so the file's size never matters: only the public entries are kept.

use super::contacts::{
    ContactList, ContactRow, ImportedUser, RejectedRow, Source, classify, within,
};
use super::lync::{self, Format};
use crate::scenario::network::Network;
use std::collections::HashMap;
use std::io::{BufReader, Seek};
use std::path::Path;

/// How an export's users are grouped into organisations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Orgs {
    /// The name of the one organisation of an export without a mapping (default: the users' most
    /// common SIP domain).
    pub(crate) name: Option<String>,
    /// SIP domain (lower case) → organisation, for an export holding several; a user on a
    /// subdomain of a mapped domain belongs to its organisation.
    pub(crate) by_domain: Vec<(String, String)>,
}

impl Orgs {
    /// The organisation of a user on `domain`: `Some("")` for the default one, `None` when a
    /// mapping is given and names no organisation for it.
    fn of(&self, domain: &str) -> Option<&str> {
        if self.by_domain.is_empty() {
            return Some("");
        }
        // The longest mapped domain that holds it, so a subdomain can be mapped apart.
        self.by_domain
            .iter()
            .filter(|(d, _)| within(domain, d))
            .max_by_key(|(d, _)| d.len())
            .map(|(_, o)| o.as_str())
    }
}

/// The domain of an address (lower case), or `None` when it is not one.
fn domain(address: &str) -> Option<String> {
    match address.rsplit_once('@') {
        Some((local, d)) if !local.is_empty() && !d.trim().is_empty() => {
            Some(d.trim().to_lowercase())
        }
        _ => None,
    }
}

/// Reads the export at `path` (`zip`: whether it is the ZIP rather than bare XML), expecting
/// `expect` when the scenario forces a format.
pub(crate) fn read_export(
    path: &Path,
    zip: bool,
    expect: Option<Format>,
    networks: &[Network],
    orgs: &Orgs,
) -> Result<ContactList, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read '{shown}': {e}"))?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    let mut fold = Fold::new(networks, orgs);
    let read = if zip {
        input
            .rewind()
            .map_err(|e| format!("cannot read '{shown}': {e}"))?;
        lync::read_zip(input, |u| fold.user(u))
    } else {
        lync::read_xml(input, |u| fold.user(u))
    };
    let inner = if zip { " (its DocItemSet.xml)" } else { "" };
    let export = read.map_err(|e| format!("'{shown}'{inner} {e}"))?;
    if let Some(expect) = expect
        && expect != export.format
    {
        let name = |f: Format| match f {
            Format::DocItemSet => "a DocItemSet",
            Format::Dbimpexp => "a Lync 2010 dbimpexp export",
        };
        return Err(format!(
            "'{shown}' holds {}, not {} as `format` says",
            name(export.format),
            name(expect)
        ));
    }
    let source = match (zip, export.format) {
        (true, _) => Source::ExportZip,
        (false, Format::DocItemSet) => Source::DocItemSet,
        (false, Format::Dbimpexp) => Source::Dbimpexp,
    };
    Ok(fold.finish(path, source, export))
}

/// The contact lists being built, one user at a time.
struct Fold<'a> {
    networks: &'a [Network],
    orgs: &'a Orgs,
    list: ContactList,
    /// Users by lower-case SIP address.
    index: HashMap<String, u32>,
    /// Contacts no network claims, by organisation and domain: internal or partner is decided
    /// once every user, and so every domain of each organisation, is known.
    unclaimed: HashMap<String, HashMap<String, u64>>,
}

impl<'a> Fold<'a> {
    fn new(networks: &'a [Network], orgs: &'a Orgs) -> Self {
        Fold {
            networks,
            orgs,
            list: ContactList {
                header: vec!["user".into(), "contact".into()],
                ..ContactList::default()
            },
            index: HashMap::new(),
            unclaimed: HashMap::new(),
        }
    }

    fn user(&mut self, u: lync::User) {
        let (line, column) = (u.at.0 as usize, Some(u.at.1));
        let left = |n: usize| match n {
            0 => String::new(),
            1 => "; its one contact is left out".into(),
            n => format!("; its {n} contacts are left out"),
        };
        let mut reject = |reason: String, user_field| {
            self.list.rejected.push(RejectedRow {
                line,
                column,
                reason,
                fields: vec![u.sip.clone(), String::new()],
                user_field,
            });
        };
        let Some(domain) = domain(&u.sip) else {
            reject(
                format!(
                    "the user's SIP address is not an address{}",
                    left(u.contacts.len())
                ),
                None,
            );
            return;
        };
        let key = u.sip.to_lowercase();
        if let Some(&first) = self.index.get(&key) {
            let first = self.list.users[first as usize].line;
            reject(
                format!(
                    "the user's contact list appears again (first at line {first}){}",
                    left(u.contacts.len())
                ),
                Some(0),
            );
            return;
        }
        let Some(org) = self.orgs.of(&domain) else {
            reject(
                format!(
                    "SIP domain `{domain}` is in no organisation of `population.import.orgs`{}",
                    left(u.contacts.len())
                ),
                Some(0),
            );
            return;
        };
        let id = self.list.users.len() as u32;
        self.index.insert(key, id);
        if !self.unclaimed.contains_key(org) {
            self.unclaimed.insert(org.to_string(), HashMap::new());
        }
        let unclaimed = self.unclaimed.get_mut(org).expect("inserted above");
        for (address, line) in u.contacts {
            match classify(&address, self.networks) {
                Some(network) => self.list.rows.push(ContactRow {
                    line: line as usize,
                    user: id,
                    contact: address,
                    network,
                }),
                None => {
                    // The reader keeps only addresses with an @, so a domain is there. Looked up
                    // before inserting: most contacts are on a domain met before.
                    let d = address.rsplit_once('@').map_or("", |(_, d)| d).trim();
                    match unclaimed.get_mut(d) {
                        Some(n) => *n += 1,
                        None => {
                            unclaimed.insert(d.to_string(), 1);
                        }
                    }
                }
            }
        }
        self.list.users.push(ImportedUser {
            id: u.sip,
            org: org.to_string(),
            domain,
            line,
        });
    }

    fn finish(mut self, path: &Path, source: Source, export: lync::Export) -> ContactList {
        let mut list = std::mem::take(&mut self.list);
        // One organisation without a name: the users' most common SIP domain names it (the
        // first met wins a tie, so the name does not depend on hash order).
        if self.orgs.by_domain.is_empty() {
            let name = self.orgs.name.clone().unwrap_or_else(|| {
                let mut count: HashMap<&str, (usize, usize)> = HashMap::new();
                for (i, u) in list.users.iter().enumerate() {
                    count.entry(&u.domain).or_insert((0, i)).0 += 1;
                }
                count
                    .into_iter()
                    .max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)))
                    .map_or_else(String::new, |(d, _)| d.to_string())
            });
            for u in &mut list.users {
                u.org.clone_from(&name);
            }
            // Every user was in the one unnamed organisation.
            if let Some(all) = self.unclaimed.remove("") {
                self.unclaimed.insert(name, all);
            }
        }
        let mut own: HashMap<&str, Vec<&str>> = HashMap::new();
        for u in &list.users {
            own.entry(&u.org).or_default().push(&u.domain);
        }
        for (d, o) in &self.orgs.by_domain {
            own.entry(o).or_default().push(d);
        }
        for (org, domains) in &self.unclaimed {
            for (d, n) in domains {
                let internal = own
                    .get(org.as_str())
                    .is_some_and(|ds| ds.iter().any(|o| within(d, o)));
                if internal {
                    list.left_out.internal += n;
                } else {
                    list.left_out.partner += n;
                }
            }
        }
        for b in export.bad {
            list.rejected.push(RejectedRow {
                line: b.line as usize,
                column: Some(b.column),
                reason: format!("the contact: {}", b.reason),
                fields: vec![b.user, b.buddy.unwrap_or_default()],
                user_field: Some(0),
            });
        }
        list.rejected.sort_by_key(|r| (r.line, r.column));
        list.left_out.distribution_groups = export.distribution_groups;
        list.left_out.skipped_items = export.skipped_items;
        list.left_out.repeated = export.repeated_contacts;
        list.path = path.to_path_buf();
        list.source = source;
        list
    }
}

#[cfg(test)]
mod tests {
    use super::super::contacts::tests::nets;
    use super::*;

    /// An export with two organisations' users: contacts public (wlm, yahoo), internal (own
    /// domain and its subdomain), partner, a repeated one, and a user with no public contact.
    const XML: &str = r#"<?xml version="1.0"?>
<DocItemSet xmlns="urn:x">
  <DocItem Name="urn:lcd:Alice@Contoso.com"><Data><HomedResource><Contacts>
    <Contact Buddy="sip:bob@hotmail.com" Groups="1 2" />
    <Contact Buddy="carol@contoso.com" />
    <Contact Buddy="dan@eu.contoso.com" />
    <Contact Buddy="erin@fabrikam.com" />
    <Contact Buddy="fay@yahoo.com" />
  </Contacts></HomedResource></Data></DocItem>
  <DocItem Name="urn:lcd:gus@fabrikam.com"><Data><HomedResource><Contacts>
    <Contact Buddy="alice@contoso.com" />
    <Contact Buddy="BOB@hotmail.com" />
  </Contacts></HomedResource></Data></DocItem>
  <DocItem Name="urn:lcd:hal@contoso.com"><Data><HomedResource><Contacts>
    <Contact Buddy="ivy@contoso.com" />
  </Contacts></HomedResource></Data></DocItem>
  <DocItem Name="urn:lcd:alice@contoso.com" />
</DocItemSet>
"#;

    fn read(orgs: &Orgs) -> ContactList {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("DocItemSet.xml");
        std::fs::write(&f, XML).unwrap();
        read_export(&f, false, None, &nets(), orgs).unwrap()
    }

    #[test]
    fn one_organisation_named_by_its_most_common_domain() {
        let list = read(&Orgs::default());
        assert_eq!(list.source, Source::DocItemSet);
        let users: Vec<(&str, &str, &str)> = list
            .users
            .iter()
            .map(|u| (u.id.as_str(), u.org.as_str(), u.domain.as_str()))
            .collect();
        assert_eq!(
            users,
            [
                ("Alice@Contoso.com", "contoso.com", "contoso.com"),
                ("gus@fabrikam.com", "contoso.com", "fabrikam.com"),
                ("hal@contoso.com", "contoso.com", "contoso.com"),
            ]
        );
        // bob on two lists, fay: three public entries; hal has none but is a user.
        let rows: Vec<(u32, &str, u8)> = list
            .rows
            .iter()
            .map(|r| (r.user, r.contact.as_str(), r.network))
            .collect();
        assert_eq!(
            rows,
            [
                (0, "bob@hotmail.com", 0),
                (0, "fay@yahoo.com", 2),
                (1, "bob@hotmail.com", 0)
            ]
        );
        assert_eq!(list.rows[0].line, 4);
        assert_eq!(list.users_without_entries(), 1);
        // One organisation holds both SIP domains: carol, dan, erin, alice and ivy are internal.
        assert_eq!((list.left_out.internal, list.left_out.partner), (5, 0));
        // The repeated list is refused at its position, naming no address.
        assert_eq!(list.rejected.len(), 1);
        assert_eq!(
            (list.rejected[0].line, list.rejected[0].column),
            (17, Some(3))
        );
        assert!(list.rejected[0].reason.contains("first at line 3"));
        assert!(!list.rejected[0].reason.contains("alice"));
    }

    #[test]
    fn a_mapping_makes_several_organisations_and_partners_between_them() {
        let orgs = Orgs {
            name: None,
            by_domain: vec![
                ("contoso.com".into(), "Contoso".into()),
                ("fabrikam.com".into(), "Fabrikam".into()),
            ],
        };
        let list = read(&orgs);
        let orgs: Vec<&str> = list.users.iter().map(|u| u.org.as_str()).collect();
        assert_eq!(orgs, ["Contoso", "Fabrikam", "Contoso"]);
        // carol, dan (a subdomain) and ivy are Contoso's own; erin and alice cross over.
        assert_eq!((list.left_out.internal, list.left_out.partner), (3, 2));
        // Without fabrikam.com in the mapping, gus is refused with his list.
        let only = Orgs {
            name: None,
            by_domain: vec![("contoso.com".into(), "Contoso".into())],
        };
        let list = read(&only);
        assert_eq!(list.users.len(), 2);
        let r = &list.rejected[0];
        assert_eq!((r.line, r.column), (10, Some(3)));
        assert!(r.reason.contains("`fabrikam.com`") && r.reason.contains("2 contacts"));
    }

    #[test]
    fn a_forced_format_must_match_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.xml");
        std::fs::write(&f, XML).unwrap();
        let e =
            read_export(&f, false, Some(Format::Dbimpexp), &nets(), &Orgs::default()).unwrap_err();
        assert!(e.contains("holds a DocItemSet, not a Lync 2010"), "{e}");
    }
}
