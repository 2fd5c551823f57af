//! An organisation's contact lists as picsim holds them, whatever file they came from: the
//! classified rows, the rejected ones, the users with no public contact, and what was counted but
//! not simulated; the classification of an address by network; pseudonyms for addresses.

use crate::scenario::network::{Network, NetworkId};
use std::path::PathBuf;

/// What is wrong with a contact name (an address, or a Skype name), if anything; never the name
/// itself.
pub(crate) fn contact_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(char::is_control) {
        return Some("holds a control character (a NUL byte, tab or line break)");
    }
    match name.split_once('@') {
        Some(("", _)) => Some("is an address with nothing before the @"),
        Some((_, "")) => Some("is an address with nothing after the @"),
        _ => None,
    }
}

/// A Lync user of the imported lists, with or without public contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportedUser {
    /// The user's id as given (a CSV's `user`, an export's SIP address).
    pub(crate) id: String,
    /// Organisation name (empty: the default organisation of a CSV).
    pub(crate) org: String,
    /// The user's SIP domain, lower case.
    pub(crate) domain: String,
    /// Where the user first appears (1-based line).
    pub(crate) line: usize,
}

/// A public-IM entry of a user's list: read and classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactRow {
    /// 1-based line number in the file.
    pub(crate) line: usize,
    /// The user, as an index into [`ContactList::users`].
    pub(crate) user: u32,
    /// The contact's address, lower case.
    pub(crate) contact: String,
    /// The contact's network.
    pub(crate) network: NetworkId,
}

/// A rejected row (of a CSV), or a rejected contact or user (of an export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, where the file's format gives one (an export's XML element).
    pub column: Option<u64>,
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

    /// Where the row is: `line` or `line:column`.
    pub(crate) fn position(&self) -> String {
        match self.column {
            Some(c) => format!("{}:{c}", self.line),
            None => self.line.to_string(),
        }
    }
}

/// What kind of file the lists came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// A CSV of `user,contact` rows.
    #[default]
    Csv,
    /// The ZIP that `Export-CsUserData` writes.
    ExportZip,
    /// A bare `DocItemSet.xml`.
    DocItemSet,
    /// A Lync 2010 `dbimpexp` XML file.
    Dbimpexp,
}

impl Source {
    /// How reports name the format.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Source::Csv => "contact-list CSV",
            Source::ExportZip => "Export-CsUserData ZIP (DocItemSet.xml)",
            Source::DocItemSet => "DocItemSet.xml",
            Source::Dbimpexp => "Lync 2010 dbimpexp XML",
        }
    }
}

/// What an import counted but does not simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeftOut {
    /// Contacts on one of their user's organisation's own SIP domains.
    pub internal: u64,
    /// Contacts on any other domain that no network claims: federated partners.
    pub partner: u64,
    /// Distribution groups (an export's `ContactGroup` with an `ExternalUri`): never expanded.
    pub distribution_groups: u64,
    /// Export items that are not contact lists (`urn:hcd:…` and others).
    pub skipped_items: u64,
    /// The same address met again in one user's list (in another group): kept once.
    pub repeated: u64,
}

/// An organisation's own contact lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactList {
    /// The file.
    pub path: PathBuf,
    /// What kind of file it is.
    pub source: Source,
    /// The columns of rejected rows' fields (a CSV's header as read).
    pub(crate) header: Vec<String>,
    /// Every user, in order of first appearance, including those with no public contact.
    pub(crate) users: Vec<ImportedUser>,
    /// Public-IM entries that were read and classified, in file order.
    pub(crate) rows: Vec<ContactRow>,
    /// Rows that were not.
    pub rejected: Vec<RejectedRow>,
    /// What was counted but is not simulated.
    pub left_out: LeftOut,
}

impl ContactList {
    /// Persons on no list that a network adds for `per_user` of them per Lync user (rounded).
    pub(crate) fn extra_persons(&self, per_user: Option<f64>) -> usize {
        per_user.map_or(0, |k| (k * self.users() as f64).round() as usize)
    }

    /// Users, including those with no public contact.
    pub(crate) fn users(&self) -> usize {
        self.users.len()
    }

    /// Users with no public-IM entry.
    pub(crate) fn users_without_entries(&self) -> usize {
        let mut has = vec![false; self.users.len()];
        for r in &self.rows {
            has[r.user as usize] = true;
        }
        has.iter().filter(|h| !**h).count()
    }

    /// Where a rejected row is, for messages: `file:line` (and `:column`), the file inside the
    /// archive named for a ZIP export.
    pub(crate) fn locate(&self, row: &RejectedRow) -> String {
        let inner = if self.source == Source::ExportZip {
            " (DocItemSet.xml)"
        } else {
            ""
        };
        format!("{}{inner}:{}", self.path.display(), row.position())
    }

    /// Public-IM entries per network that has any: the network's display name and the count, in
    /// the scenario's order.
    pub(crate) fn entries_by_network<'n>(&self, networks: &'n [Network]) -> Vec<(&'n str, u64)> {
        let mut n = vec![0u64; networks.len()];
        for r in &self.rows {
            n[r.network as usize] += 1;
        }
        networks
            .iter()
            .zip(n)
            .filter(|(_, k)| *k > 0)
            .map(|(net, k)| (net.name.as_str(), k))
            .collect()
    }

    /// The organisations' names, in order of first appearance.
    pub(crate) fn org_names(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.users
            .iter()
            .map(|u| u.org.as_str())
            .filter(|o| seen.insert(*o))
            .collect()
    }

    /// The file's name without its folders, as reports show it.
    pub(crate) fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |f| f.to_string_lossy().into(),
        )
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

/// `domain` and every domain it is a subdomain of, longest first: `a.b.c`, `b.c`, `c`.
pub(crate) fn suffixes(domain: &str) -> impl Iterator<Item = &str> {
    std::iter::once(domain).chain(
        domain
            .match_indices('.')
            .map(move |(i, _)| &domain[i + 1..]),
    )
}

/// Which network an address belongs to, by its domain: an exact match or a subdomain of one of a
/// network's `domains` (ignoring ASCII case), the first network in the scenario's order winning.
/// A few domains (the shipped scenarios list about ten) are compared in turn; many are looked up
/// per suffix of the address's domain, so the cost of a contact never grows with their number.
#[derive(Debug)]
pub(crate) struct Classifier {
    /// Each network's domains in the scenario's order, with the network.
    few: Vec<(String, NetworkId)>,
    /// The same by domain (lower case) to the first network listing it, when there are many.
    many: Option<std::collections::HashMap<String, NetworkId>>,
}

/// Most domains compared in turn: beyond, a hash lookup per suffix is cheaper.
const FEW_DOMAINS: usize = 32;

impl Classifier {
    pub(crate) fn new(networks: &[Network]) -> Self {
        let few: Vec<(String, NetworkId)> = networks
            .iter()
            .enumerate()
            .flat_map(|(i, n)| n.domains.iter().map(move |d| (d.clone(), i as NetworkId)))
            .collect();
        let many = (few.len() > FEW_DOMAINS).then(|| {
            let mut map = std::collections::HashMap::new();
            for (d, i) in &few {
                map.entry(d.to_ascii_lowercase()).or_insert(*i);
            }
            map
        });
        Classifier { few, many }
    }

    /// The network of `address`, if any network's domains hold its domain.
    pub(crate) fn network(&self, address: &str) -> Option<NetworkId> {
        let domain = address.rsplit_once('@')?.1.trim();
        let Some(many) = &self.many else {
            return self
                .few
                .iter()
                .find(|(d, _)| within(domain, d))
                .map(|(_, i)| *i);
        };
        let lower;
        let domain = if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = domain.to_ascii_lowercase();
            lower.as_str()
        } else {
            domain
        };
        suffixes(domain).filter_map(|s| many.get(s).copied()).min()
    }
}

/// Whether `domain` is `parent` or one of its subdomains, ignoring ASCII case.
fn within(domain: &str, parent: &str) -> bool {
    let (d, p) = (domain.as_bytes(), parent.as_bytes());
    d.len() >= p.len()
        && d[d.len() - p.len()..].eq_ignore_ascii_case(p)
        && (d.len() == p.len() || d[d.len() - p.len() - 1] == b'.')
}

/// The domain part of an address, for messages (not personal on its own).
pub(crate) fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
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
pub(super) mod tests {
    use super::*;
    use crate::day::Window;

    pub(in crate::scenario::import) fn nets() -> Vec<Network> {
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
        let c = Classifier::new(&nets());
        assert_eq!(c.network("Ann@Hotmail.com"), Some(0));
        assert_eq!(c.network("bob@mail.yahoo.com"), Some(2));
        assert_eq!(c.network("bob@notyahoo.com"), None);
        assert_eq!(c.network("no-at-sign"), None);
        assert_eq!(c.network("eve@live.com."), None);
        assert_eq!(c.network("eve@xlive.com"), None);
        assert_eq!(c.network("eve@a.b.LIVE.com"), Some(0));
        // The first network in order wins when two hold a domain and its subdomain.
        let mut n = nets();
        n[1].domains = vec!["mail.yahoo.com".into()];
        let c = Classifier::new(&n);
        assert_eq!(c.network("a@x.mail.yahoo.com"), Some(1));
        n.swap(1, 2);
        assert_eq!(Classifier::new(&n).network("a@x.mail.yahoo.com"), Some(1));
        // Many domains are looked up by suffix, with the same answers.
        n[0].domains
            .extend((0..100).map(|i| format!("d{i}.example")));
        let many = Classifier::new(&n);
        assert!(many.many.is_some());
        for a in [
            "a@x.mail.yahoo.com",
            "Ann@Hotmail.com",
            "b@d7.EXAMPLE",
            "c@xd7.example",
            "d@e.com",
        ] {
            let few = n.iter().position(|net| {
                net.domains
                    .iter()
                    .any(|d| within(a.rsplit_once('@').unwrap().1, d))
            });
            assert_eq!(many.network(a), few.map(|i| i as NetworkId), "{a}");
        }
        assert_eq!(suffixes("a.b.c").collect::<Vec<_>>(), ["a.b.c", "b.c", "c"]);
    }

    #[test]
    fn pseudonyms_depend_on_the_salt_and_hide_the_address() {
        let a = pseudonym(&[1; 32], "ann@hotmail.com");
        assert_eq!(a, pseudonym(&[1; 32], "ann@hotmail.com"));
        assert_ne!(a, pseudonym(&[2; 32], "ann@hotmail.com"));
        assert!(!a.contains("ann") && a.len() == 17);
    }
}
