//! `orgs.csv` and `domains.csv`: what a world pins of each organisation (its size, deployment
//! history, agreement, enable days, and its SIP domains with their add days).

use super::error::{Problems, WorldError};
use super::folder::Folder;
use super::table::{self, Column, Table, Words};
use crate::day::Day;
use crate::scenario::{DeploymentId, Scenario};
use chrono::NaiveDate;
use std::path::Path;

/// What a world pins of one organisation; `None` (or an empty list) is drawn as generation draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OrgPin {
    /// Number of users.
    pub(crate) users: Option<u32>,
    /// The deployment it starts with.
    pub(crate) deployment: Option<DeploymentId>,
    /// Every deployment change, `(day, deployment)`, in day order.
    pub(crate) changes: Option<Vec<(Day, DeploymentId)>>,
    /// The agreement's first day.
    pub(crate) agreement_start: Option<NaiveDate>,
    /// The agreement's term.
    pub(crate) term_years: Option<u32>,
    /// Number of SIP domains.
    pub(crate) domains: Option<u32>,
    /// Each SIP domain's add day (`domains.csv`).
    pub(crate) domain_added: Option<Vec<Day>>,
    /// Per provider (empty: none pinned), the enable day ([`crate::day::FOREVER`]: never).
    pub(crate) enable: Vec<Option<Day>>,
    /// Its line in `orgs.csv` (0 without one), for problems another file finds with it.
    pub(crate) line: u64,
}

/// What a world pins of the organisations.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OrgPins {
    /// Number of organisations, when `orgs.csv` lists them.
    pub(crate) count: Option<u32>,
    /// Per organisation (empty when nothing is pinned for any).
    pub(crate) of: Vec<OrgPin>,
}

impl OrgPins {
    /// Organisation `o`'s pins, if any.
    pub(crate) fn get(&self, o: u32) -> Option<&OrgPin> {
        self.of.get(o as usize)
    }

    /// Number of organisations of the world: pinned, or the scenario's.
    pub(crate) fn count(&self, s: &Scenario) -> u32 {
        self.count.unwrap_or(s.orgs.count)
    }
}

// Users are numbered with 32-bit ids (as the memory guard says of generated worlds), with a margin.
const MAX_USERS: u32 = u32::MAX / 10 * 9;
// Far above any organisation's SIP domains; low enough that a typo cannot ask for billions.
const MAX_DOMAINS: u32 = 10_000;

// Columns of `orgs.csv`, in the order `columns` lists them, `enabled_<p>` last. (1 is `name`:
// names label imported organisations, which a world does not replay.)
const ORG: usize = 0;
const DEPLOYMENT: usize = 2;
const CHANGES: usize = 3;
const START: usize = 4;
const TERM: usize = 5;
const USERS: usize = 6;
const DOMAINS: usize = 7;
const ENABLED: usize = 8;

fn columns(s: &Scenario) -> Vec<Column> {
    let mut c = vec![
        Column::required("org"),
        Column::optional("name"),
        Column::optional("deployment"),
        Column::optional("deployment_changes"),
        Column::optional("agreement_start"),
        Column::optional("agreement_term_years"),
        Column::optional("users"),
        Column::optional("domains"),
    ];
    c.extend(
        s.providers
            .iter()
            .map(|p| Column::optional(format!("enabled_{}", p.id))),
    );
    c
}

/// Reads `orgs.csv` and `domains.csv` of `folder`, each when present.
pub(crate) fn read(s: &Scenario, folder: &Folder, problems: &mut Problems) -> OrgPins {
    let mut pins = OrgPins::default();
    if let Some(t) = problems
        .take(Table::open(folder, "orgs.csv", &columns(s)))
        .flatten()
    {
        read_orgs(s, t, &mut pins, problems);
    }
    let domains = [
        Column::required("domain"),
        Column::required("org"),
        Column::required("added"),
    ];
    if let Some(t) = problems
        .take(Table::open(folder, "domains.csv", &domains))
        .flatten()
    {
        read_domains(s, t, &mut pins, problems);
    }
    pins
}

fn read_orgs(s: &Scenario, t: Table, pins: &mut OrgPins, problems: &mut Problems) {
    let cal = s.calendar();
    let deployments: Vec<&str> = s.deployments.iter().map(String::as_str).collect();
    let deployment = |text: &str| table::one_of(text, &deployments, "a deployment");
    let providers = s.providers.len();
    let mut of = t.reserved();
    // All organisations' users together, and the line where they pass what fits.
    let mut users = 0u64;
    t.rows(problems, |row, problems| {
        let expected = of.len();
        if let Some(o) = problems.take(row.need(ORG, table::id)) {
            if o as usize != expected {
                let problem = format!("organisation {o} is listed where {expected} was expected: list them in id order from 0");
                problems.push(row.error(ORG, problem));
            }
        }
        let mut pin = OrgPin {
            users: problems.take(row.parse(USERS, |c| table::count(c, 0..=MAX_USERS))).flatten(),
            deployment: problems.take(row.parse(DEPLOYMENT, deployment)).flatten(),
            changes: problems.take(row.parse(CHANGES, |c| changes(c, &cal, &deployment))).flatten(),
            agreement_start: problems
                .take(row.parse(START, |c| {
                    let words = Words { always: false, never: false };
                    table::day(c, &cal, words).map(|d| cal.date(d))
                }))
                .flatten(),
            term_years: problems.take(row.parse(TERM, |c| table::count(c, 1..=100))).flatten(),
            domains: problems
                .take(row.parse(DOMAINS, |c| table::count(c, 1..=MAX_DOMAINS)))
                .flatten(),
            domain_added: None,
            line: row.line,
            enable: (0..providers)
                .map(|p| {
                    let words = Words { always: true, never: true };
                    let day = row.parse(ENABLED + p, |c| table::day(c, &cal, words));
                    problems.take(day).flatten()
                })
                .collect(),
        };
        if pin.enable.iter().all(Option::is_none) {
            pin.enable.clear();
        }
        let before = users;
        users += pin.users.map_or(0, u64::from);
        if before <= u64::from(MAX_USERS) && users > u64::from(MAX_USERS) {
            let problem = format!(
                "the organisations up to this one have {users} users; picsim numbers users with 32-bit ids, so at most {MAX_USERS} fit"
            );
            problems.push(row.error(USERS, problem));
        }
        of.push(pin);
    });
    pins.count = Some(of.len() as u32);
    pins.of = of;
}

/// `2013-05-01:online;2014-01-01:server`: each change's day and the deployment it moves to, days
/// in increasing order (empty: no change).
fn changes(
    text: &str,
    cal: &crate::day::Calendar,
    deployment: &dyn Fn(&str) -> Result<u8, String>,
) -> Result<Vec<(Day, DeploymentId)>, String> {
    let mut out: Vec<(Day, DeploymentId)> = Vec::new();
    for item in text.split(';').map(str::trim).filter(|t| !t.is_empty()) {
        let nth = out.len() + 1;
        let Some((date, to)) = item.split_once(':') else {
            return Err(format!(
                "change {nth} is not DATE:DEPLOYMENT (changes are 2013-05-01:online;2014-01-01:server)"
            ));
        };
        let words = Words {
            always: false,
            never: false,
        };
        let day =
            table::day(date.trim(), cal, words).map_err(|p| format!("change {nth}'s day: {p}"))?;
        if out.last().is_some_and(|(last, _)| day <= *last) {
            return Err(format!(
                "change {nth}'s day is not after the change before it"
            ));
        }
        let to = deployment(to.trim()).map_err(|p| format!("change {nth}'s deployment: {p}"))?;
        out.push((day, to));
    }
    Ok(out)
}

fn read_domains(s: &Scenario, t: Table, pins: &mut OrgPins, problems: &mut Problems) {
    // The columns, by their place in `read`'s list.
    const DOMAIN: usize = 0;
    const OF_ORG: usize = 1;
    const ADDED: usize = 2;
    let cal = s.calendar();
    let count = pins.count(s);
    let file = t.file.clone();
    let mut days: Vec<Vec<Day>> = vec![Vec::new(); count as usize];
    // Per organisation, the line of its first domain (0: none yet); and the last line read.
    let mut first_line = vec![0u64; count as usize];
    let mut last_line = 1;
    let mut next = 0u64;
    let mut last_org = 0u32;
    t.rows(problems, |row, problems| {
        last_line = row.line;
        let d = problems.take(row.need(DOMAIN, table::id));
        let o = problems.take(row.need(OF_ORG, table::id));
        let added = problems.take(row.need(ADDED, |c| {
            table::day(c, &cal, Words { always: true, never: false })
        }));
        if let Some(d) = d {
            if u64::from(d) != next {
                problems.push(row.error(DOMAIN, format!("domain {d} is listed where {next} was expected: list them in id order from 0")));
            }
        }
        next += 1;
        let (Some(o), Some(added)) = (o, added) else {
            return;
        };
        if o >= count {
            problems.push(row.error(OF_ORG, format!("organisation {o} does not exist (organisations are 0 to {})", count.saturating_sub(1))));
        } else if o < last_org {
            problems.push(row.error(OF_ORG, format!("organisation {o} comes after {last_org}: list each organisation's domains together, in organisation order")));
        } else if days[o as usize].len() >= MAX_DOMAINS as usize {
            problems.push(row.error(OF_ORG, format!("organisation {o} has more than {MAX_DOMAINS} domains")));
        } else {
            last_org = o;
            if first_line[o as usize] == 0 {
                first_line[o as usize] = row.line;
            }
            days[o as usize].push(added);
        }
    });
    if pins.of.is_empty() {
        pins.of = vec![OrgPin::default(); count as usize];
    }
    // Per organisation, the first line of its domains or of a later organisation's (0: none).
    for o in (0..first_line.len().saturating_sub(1)).rev() {
        if first_line[o] == 0 {
            first_line[o] = first_line[o + 1];
        }
    }
    for (o, (pin, days)) in pins.of.iter_mut().zip(days).enumerate() {
        match pin.domains {
            Some(n) if n as usize != days.len() => problems.push(WorldError::new(
                dir_sibling(&file, "orgs.csv"),
                pin.line,
                "domains",
                format!(
                    "organisation {o} has {n} domains, but domains.csv lists {}",
                    days.len()
                ),
            )),
            _ if days.is_empty() => {
                // Placed where its rows belong: before the next organisation's, or at the end.
                let (line, place) = match first_line[o] {
                    0 => (last_line, "after this line"),
                    l => (l, "before this line"),
                };
                problems.push(WorldError::new(
                    &file,
                    line,
                    "org",
                    format!("organisation {o} has no domain; every organisation has at least one (its rows go {place})"),
                ));
            }
            _ => {}
        }
        pin.domains = Some(days.len() as u32);
        pin.domain_added = Some(days);
    }
}

/// The file `name` beside `file` (for a problem found in one file about another).
pub(crate) fn dir_sibling(file: &str, name: &str) -> String {
    Path::new(file).with_file_name(name).display().to_string()
}
