//! A server's contact export made into contact lists: each user's SIP domain gives their
//! organisation, each contact's domain gives its network, and what is not a public-IM contact is
//! counted as internal (on the user's organisation's own SIP domains) or federated partner (any
//! other domain no network claims). Users whose list is empty of public contacts stay users.
//!
//! The export is read as a stream ([`super::lync`], out of the ZIP by [`super::archive`]) and each
//! user's list is folded in as soon as it is read, so the file's size never matters: only the
//! public entries are kept, charged to the memory budget of the import's limits. Every lookup is
//! by hash (domains by each of their suffixes), so nothing grows with users × domains.

use super::archive::read_zip;
use super::contacts::{
    Classifier, ContactList, ContactRow, ImportedUser, RejectedRow, Source, suffixes,
};
use super::limits::{Budget, Exceeded, Limits, cost};
use super::lync::{self, ExportError, Format, read_xml};
use crate::scenario::network::Network;
use std::collections::{HashMap, HashSet};
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

/// The domain of an address (lower case), or `None` when it is not one.
fn domain(address: &str) -> Option<String> {
    match address.rsplit_once('@') {
        Some((local, d)) if !local.is_empty() && !d.trim().is_empty() => {
            Some(d.trim().to_lowercase())
        }
        _ => None,
    }
}

/// Reads the export at `path` (`zip`: whether it is the ZIP rather than bare XML) within
/// `limits`, expecting `expect` when the scenario forces a format.
pub(crate) fn read_export(
    path: &Path,
    zip: bool,
    expect: Option<Format>,
    networks: &[Network],
    (orgs, limits): (&Orgs, &Limits),
) -> Result<ContactList, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read '{shown}': {e}"))?;
    let budget = Budget::new(limits.memory);
    let mut fold = Fold::new(networks, orgs, &budget);
    let read = if zip {
        let input = std::io::BufReader::with_capacity(1 << 16, file);
        read_zip(input, limits, &budget, |u| fold.user(u))
    } else {
        read_xml(file, limits, &budget, |u| fold.user(u))
    };
    let inner = if zip { " (its DocItemSet.xml)" } else { "" };
    let export = read.map_err(|e| match e {
        ExportError::At { .. } => format!("'{shown}'{inner} {e}"),
        e => format!("'{shown}' {e}"),
    })?;
    let (line, column) = export.root_at;
    let at = format!("'{shown}'{inner} line {line}, column {column}");
    if let Some(expect) = expect
        && expect != export.format
    {
        let name = |f: Format| match f {
            Format::DocItemSet => "a DocItemSet",
            Format::Dbimpexp => "a Lync 2010 dbimpexp export",
        };
        return Err(format!(
            "{at}: its root element makes it {}, not {} as `format` says",
            name(export.format),
            name(expect)
        ));
    }
    if fold.list.users.is_empty() && fold.list.rejected.is_empty() {
        return Err(format!(
            "{at}: the export holds no user's contact list (no <{}> of a user in its root element)",
            export.format.item()
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
    classifier: Classifier,
    orgs: &'a Orgs,
    /// `orgs.by_domain` by domain, for a lookup per suffix of a user's domain.
    mapped: HashMap<&'a str, &'a str>,
    budget: &'a Budget,
    list: ContactList,
    /// Users by lower-case SIP address.
    index: HashMap<String, u32>,
    /// Contacts no network claims, by organisation and domain: internal or partner is decided
    /// once every user, and so every domain of each organisation, is known.
    unclaimed: HashMap<String, HashMap<String, u64>>,
}

/// `; its N contacts are left out`, for a refused user's list of `n`.
fn left(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "; its one contact is left out".into(),
        n => format!("; its {n} contacts are left out"),
    }
}

/// A domain as a message may show it: a plausible domain name (it names an organisation, not a
/// person), else not at all.
fn shown_domain(d: &str) -> String {
    let plausible = d.len() <= 253
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if plausible {
        format!("`{d}`")
    } else {
        "(a domain not shown)".into()
    }
}

impl<'a> Fold<'a> {
    fn new(networks: &[Network], orgs: &'a Orgs, budget: &'a Budget) -> Self {
        Fold {
            classifier: Classifier::new(networks),
            orgs,
            mapped: orgs
                .by_domain
                .iter()
                .map(|(d, o)| (d.as_str(), o.as_str()))
                .collect(),
            budget,
            list: ContactList {
                header: vec!["user".into(), "contact".into()],
                ..ContactList::default()
            },
            index: HashMap::new(),
            unclaimed: HashMap::new(),
        }
    }

    /// The organisation of a user on `domain`: `Some("")` for the default one, `None` when a
    /// mapping is given and names no organisation for it (the longest mapped domain that holds
    /// it wins, so a subdomain can be mapped apart).
    fn org_of(&self, domain: &str) -> Option<&'a str> {
        if self.mapped.is_empty() {
            return Some("");
        }
        suffixes(domain).find_map(|s| self.mapped.get(s).copied())
    }

    /// Refuses a row (a user with their list, or a contact) at its place.
    fn reject(
        &mut self,
        (line, column): (u64, u64),
        reason: String,
        fields: [String; 2],
        user_field: Option<usize>,
    ) -> Result<(), Exceeded> {
        let text = reason.len() + fields.iter().map(String::len).sum::<usize>();
        self.budget.charge(cost::REJECTED + text as u64)?;
        self.list.rejected.push(RejectedRow {
            line: line as usize,
            column: Some(column),
            reason,
            fields: fields.into(),
            user_field,
        });
        Ok(())
    }

    /// Folds in one user's list, or refuses it; fails when the memory budget is spent.
    fn user(&mut self, u: lync::User) -> Result<(), Exceeded> {
        for b in &u.bad {
            let fields = [u.sip.clone(), b.buddy.clone().unwrap_or_default()];
            let reason = format!("the contact: {}", b.reason);
            self.reject((b.line, b.column), reason, fields, Some(0))?;
        }
        let refused = |why: &str| format!("{why}{}", left(u.contacts.len()));
        let whole = [u.sip.clone(), String::new()];
        let Some(domain) = domain(&u.sip) else {
            let reason = refused("the user's SIP address is not an address");
            return self.reject(u.at, reason, whole, None);
        };
        if u.sip.chars().any(char::is_control) {
            let reason = refused("the user's SIP address holds a control character");
            return self.reject(u.at, reason, whole, None);
        }
        let key = u.sip.to_lowercase();
        if let Some(&first) = self.index.get(&key) {
            let first = self.list.users[first as usize].line;
            let reason = refused(&format!(
                "the user's contact list appears again (first at line {first})"
            ));
            return self.reject(u.at, reason, whole, Some(0));
        }
        let Some(org) = self.org_of(&domain) else {
            let reason = refused(&format!(
                "SIP domain {} is in no organisation of `population.import.orgs`",
                shown_domain(&domain)
            ));
            return self.reject(u.at, reason, whole, Some(0));
        };
        let text = 2 * u.sip.len() + domain.len() + org.len();
        self.budget.charge(cost::USER + text as u64)?;
        let id = self.list.users.len() as u32;
        self.index.insert(key, id);
        self.contacts(id, org, u.contacts)?;
        self.list.users.push(ImportedUser {
            id: u.sip,
            org: org.to_string(),
            domain,
            line: u.at.0 as usize,
        });
        Ok(())
    }

    /// Folds in the contacts of user `id` of `org`: public-IM entries kept, the rest counted by
    /// domain.
    fn contacts(&mut self, id: u32, org: &str, list: Vec<(String, u64)>) -> Result<(), Exceeded> {
        if !self.unclaimed.contains_key(org) {
            self.unclaimed.insert(org.to_string(), HashMap::new());
        }
        let Some(unclaimed) = self.unclaimed.get_mut(org) else {
            return Ok(());
        };
        for (address, line) in list {
            if let Some(network) = self.classifier.network(&address) {
                self.budget.charge(cost::ROW + address.len() as u64)?;
                self.list.rows.push(ContactRow {
                    line: line as usize,
                    user: id,
                    contact: address,
                    network,
                });
                continue;
            }
            // The reader keeps only addresses with a domain. Looked up before inserting: most
            // contacts are on a domain met before.
            let d = address.rsplit_once('@').map_or("", |(_, d)| d).trim();
            match unclaimed.get_mut(d) {
                Some(n) => *n += 1,
                None => {
                    self.budget.charge(cost::DOMAIN + d.len() as u64)?;
                    unclaimed.insert(d.to_string(), 1);
                }
            }
        }
        Ok(())
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
        // Each organisation's own domains: its users', and those the mapping gives it. A
        // contact's domain is internal when it or a domain it is under is one of them.
        let mut own: HashMap<&str, HashSet<&str>> = HashMap::new();
        for u in &list.users {
            own.entry(&u.org).or_default().insert(&u.domain);
        }
        for (d, o) in &self.orgs.by_domain {
            own.entry(o).or_default().insert(d);
        }
        for (org, domains) in &self.unclaimed {
            let mine = own.get(org.as_str());
            for (d, n) in domains {
                if mine.is_some_and(|set| suffixes(d).any(|s| set.contains(s))) {
                    list.left_out.internal += n;
                } else {
                    list.left_out.partner += n;
                }
            }
        }
        // Positions are distinct (one element each), so an unstable sort orders them the same
        // and needs no second buffer.
        list.rejected.sort_unstable_by_key(|r| (r.line, r.column));
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
        read_export(&f, false, None, &nets(), (orgs, &Limits::default())).unwrap()
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
    fn internal_and_partner_domains_are_told_apart_by_suffix_at_any_number_of_domains() {
        // Each user on a domain of their own, with contacts on a subdomain of it (internal), on
        // a domain that merely ends like it (partner) and on the next user's domain (internal:
        // one organisation holds every domain).
        let n = 300;
        let items: String = (0..n)
            .map(|i| {
                format!(
                    "<DocItem Name=\"urn:lcd:u{i}@d{i}.example\"><Data><Contact Buddy=\"a@x.d{i}.example\"/><Contact Buddy=\"b@xd{i}.example\"/><Contact Buddy=\"c@d{}.example\"/></Data></DocItem>\n",
                    (i + 1) % n
                )
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("DocItemSet.xml");
        std::fs::write(&f, format!("<DocItemSet>\n{items}</DocItemSet>\n")).unwrap();
        let options = (&Orgs::default(), &Limits::default());
        let list = read_export(&f, false, None, &nets(), options).unwrap();
        assert_eq!(list.users.len(), n);
        // "xd7.example" is not under "d7.example", unless it is some user's own domain: d0 to
        // d299 have no x-prefixed twin.
        assert_eq!(
            (list.left_out.internal, list.left_out.partner),
            (2 * n as u64, n as u64)
        );
        // A user whose SIP address holds a control character is refused with their list.
        std::fs::write(
            &f,
            "<DocItemSet><DocItem Name=\"urn:lcd:a&#9;b@c.com\"><Data><Contact Buddy=\"x@hotmail.com\"/></Data></DocItem></DocItemSet>",
        )
        .unwrap();
        let list = read_export(&f, false, None, &nets(), options).unwrap();
        assert_eq!(list.users.len(), 0);
        assert!(list.rejected[0].reason.contains("control character"));
    }

    #[test]
    fn a_forced_format_must_match_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.xml");
        std::fs::write(&f, XML).unwrap();
        let e = read_export(
            &f,
            false,
            Some(Format::Dbimpexp),
            &nets(),
            (&Orgs::default(), &Limits::default()),
        )
        .unwrap_err();
        assert!(
            e.contains("line 2, column 1: its root element makes it a DocItemSet, not a Lync 2010"),
            "{e}"
        );
    }
}
