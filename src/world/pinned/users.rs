//! `users.csv` and `entries.csv`: what a world pins of the Lync users (how many each
//! organisation has, each one's SIP domain) and of their contact lists on the first day.

use super::error::{Problems, WorldError};
use super::folder::Folder;
use super::orgs::{OrgPin, OrgPins, dir_sibling};
use super::table::{self, Column, Lined, Rows, Table, Words};
use crate::scenario::{NetworkId, Scenario};

/// What a world pins of each user.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct UserPins {
    /// Per user, the global index of the user's SIP domain, when `users.csv` has a `domain` column.
    pub(crate) domain: Option<Vec<u32>>,
    /// Per user, the line of `users.csv` that lists it.
    pub(crate) lines: Vec<u32>,
    /// `users.csv`, as messages name it.
    pub(crate) file: String,
}

/// No network given: the entry points at its person's home account.
pub(crate) const HOME: NetworkId = NetworkId::MAX;

/// One entry of `entries.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EntryPin {
    /// The user whose list holds it.
    pub(crate) user: u32,
    /// The person it points at.
    pub(crate) person: u32,
    /// The account's network ([`HOME`] when the file has no `network` column).
    pub(crate) network: NetworkId,
    /// Its line in `entries.csv`.
    pub(crate) line: u32,
}

impl Lined for EntryPin {
    fn line(&self) -> u32 {
        self.line
    }
}

/// Every user's contact list on the first day: entries grouped by user in user order, each list
/// in file order.
pub(crate) type EntryPins = Rows<EntryPin>;

impl Rows<EntryPin> {
    /// The entries of users `from` and up, starting at the first of `from`'s.
    pub(crate) fn starting_at(&self, from: u32) -> &[EntryPin] {
        &self.rows[self.rows.partition_point(|e| e.user < from)..]
    }
}

/// Reads `users.csv` (its user counts go into `orgs`) when present.
pub(crate) fn read_users(
    s: &Scenario,
    folder: &Folder,
    orgs: &mut OrgPins,
    problems: &mut Problems,
) -> Option<UserPins> {
    // The columns, by their place in `columns`.
    const USER: usize = 0;
    const ORG: usize = 2;
    const DOMAIN: usize = 3;
    let columns = [
        Column::required("user"),
        Column::optional("name"),
        Column::required("org"),
        Column::optional("domain"),
        // Written for readers (the add day of the user's domain); `domains.csv` pins it.
        Column::optional("domain_added"),
    ];
    let t = problems
        .take(Table::open(folder, "users.csv", &columns))
        .flatten()?;
    let file = t.file.clone();
    let count = orgs.count(s);
    let has_domain = t.has(DOMAIN);
    let mut per_org = vec![0u32; count as usize];
    let mut pins = UserPins {
        domain: has_domain.then(|| t.reserved()),
        lines: t.reserved(),
        file: file.clone(),
    };
    let mut last_org = 0;
    let ranges = domain_ranges(orgs);
    t.rows(problems, |row, problems| {
        let u = problems.take(row.need(USER, table::id));
        let o = problems.take(row.need(ORG, table::id));
        let domain = problems.take(row.parse(DOMAIN, table::id)).flatten();
        let expected = pins.lines.len() as u32;
        if u.is_some_and(|u| u != expected) {
            problems.push(row.error(USER, format!("user {} is listed where {expected} was expected: list them in id order from 0", u.unwrap_or(0))));
        }
        match o {
            Some(o) if o >= count => problems.push(row.error(ORG, format!("organisation {o} does not exist (organisations are 0 to {})", count.saturating_sub(1)))),
            Some(o) if o < last_org => problems.push(row.error(ORG, format!("organisation {o} comes after {last_org}: list each organisation's users together, in organisation order"))),
            Some(o) => {
                last_org = o;
                per_org[o as usize] = per_org[o as usize].saturating_add(1);
                let range = ranges.get(o as usize).cloned().flatten();
                if let (Some(d), Some(range)) = (domain, range) {
                    if !range.contains(&d) {
                        problems.push(row.error(DOMAIN, format!("domain {d} is not one of organisation {o}'s ({} to {} in domains.csv)", range.start, range.end.saturating_sub(1))));
                    }
                }
            }
            None => {}
        }
        pins.lines.push(row.line as u32);
        if let Some(list) = &mut pins.domain {
            list.push(domain.unwrap_or(0));
        }
    });
    if orgs.of.is_empty() {
        orgs.of = vec![OrgPin::default(); count as usize];
    }
    for (o, (pin, n)) in orgs.of.iter_mut().zip(per_org).enumerate() {
        if let Some(pinned) = pin.users.filter(|&p| p != n) {
            let problem = format!("organisation {o} has {pinned} users, but users.csv lists {n}");
            problems.push(WorldError::new(
                dir_sibling(&file, "orgs.csv"),
                pin.line,
                "users",
                problem,
            ));
        }
        pin.users = Some(n);
    }
    Some(pins)
}

/// Per organisation, the global indices of its domains, when every organisation up to it has
/// its domains pinned (each organisation's domains follow the ones before it).
fn domain_ranges(orgs: &OrgPins) -> Vec<Option<std::ops::Range<u32>>> {
    let mut start = Some(0u32);
    orgs.of
        .iter()
        .map(|pin| {
            let n = pin.domain_added.as_ref().map(|d| d.len() as u32);
            let range = start.zip(n).map(|(a, n)| a..a.saturating_add(n));
            start = range.as_ref().map(|r| r.end);
            range
        })
        .collect()
}

/// Reads `entries.csv` when present.
pub(crate) fn read_entries(
    s: &Scenario,
    folder: &Folder,
    problems: &mut Problems,
) -> Option<EntryPins> {
    // The columns, by their place in `columns`.
    const USER: usize = 0;
    const PERSON: usize = 1;
    const NETWORK: usize = 2;
    const ADDED: usize = 3;
    let columns = [
        Column::required("user"),
        Column::required("person"),
        Column::optional("network"),
        Column::optional("added"),
    ];
    let t = problems
        .take(Table::open(folder, "entries.csv", &columns))
        .flatten()?;
    let cal = s.calendar();
    let mut pins = EntryPins {
        rows: t.reserved(),
        file: t.file.clone(),
    };
    t.rows(problems, |row, problems| {
        let user = problems.take(row.need(USER, table::id));
        let person = problems.take(row.need(PERSON, table::id));
        let network = problems.take(row.parse(NETWORK, |c| table::network(s, c))).flatten();
        let words = Words { always: false, never: false };
        if let Some(Some(added)) = problems.take(row.parse(ADDED, |c| table::day(c, &cal, words))) {
            if added != 0 {
                problems.push(row.error(ADDED, format!("entries are the contact lists on the first day ({}); later additions are drawn during the run (contact adding)", s.start)));
            }
        }
        if let (Some(user), Some(person)) = (user, person) {
            pins.rows.push(EntryPin {
                user,
                person,
                network: network.unwrap_or(HOME),
                line: row.line as u32,
            });
        }
    });
    // A stable sort: each list keeps its file order (the order the engine walks it in).
    pins.rows.sort_by_key(|e| e.user);
    // Lists are short: a sorted copy finds a person listed twice without hashing every entry.
    let mut sorted: Vec<(u32, usize)> = Vec::new();
    for list in pins.rows.chunk_by(|a, b| a.user == b.user) {
        sorted.clear();
        sorted.extend(list.iter().enumerate().map(|(k, e)| (e.person, k)));
        sorted.sort_unstable();
        for pair in sorted.windows(2).filter(|w| w[0].0 == w[1].0) {
            let e = &list[pair[1].1];
            let problem = format!("person {} is on user {}'s list twice", e.person, e.user);
            problems.push(pins.error(e, "person", problem));
        }
    }
    Some(pins)
}
