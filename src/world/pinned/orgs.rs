//! `orgs.csv` and `domains.csv`: what a world pins of each organisation (its size, deployment
//! history, agreement, enable days, and its SIP domains with their add days).

use super::error::{Problems, WorldError};
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

/// Reads `orgs.csv` and `domains.csv` of `dir`, each when present.
pub(crate) fn read(s: &Scenario, dir: &Path, problems: &mut Problems) -> OrgPins {
    let mut pins = OrgPins::default();
    if let Some(t) = problems
        .take(Table::open(dir, "orgs.csv", &columns(s)))
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
        .take(Table::open(dir, "domains.csv", &domains))
        .flatten()
    {
        read_domains(s, t, &mut pins, problems);
    }
    pins
}

fn read_orgs(s: &Scenario, t: Table, pins: &mut OrgPins, problems: &mut Problems) {
    let file = t.file.clone();
    let cal = s.calendar();
    let deployments: Vec<&str> = s.deployments.iter().map(String::as_str).collect();
    let deployment = |text: &str| table::one_of(text, &deployments, "a deployment");
    let providers = s.providers.len();
    let mut of = Vec::new();
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
        of.push(pin);
    });
    let users: u64 = of.iter().filter_map(|p| p.users).map(u64::from).sum();
    if users > u64::from(MAX_USERS) {
        let problem = format!(
            "{users} users in all; picsim numbers users with 32-bit ids, so at most {MAX_USERS} fit"
        );
        problems.push(WorldError::new(&file, 0, "users", problem));
    }
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
        let Some((date, to)) = item.split_once(':') else {
            return Err(format!(
                "{} is not DATE:DEPLOYMENT (changes are 2013-05-01:online;2014-01-01:server)",
                table::shown(item)
            ));
        };
        let words = Words {
            always: false,
            never: false,
        };
        let day = table::day(date.trim(), cal, words)?;
        if out.last().is_some_and(|(last, _)| day <= *last) {
            return Err(format!(
                "{} is not after the change before it",
                table::shown(date)
            ));
        }
        out.push((day, deployment(to.trim())?));
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
    let mut next = 0u32;
    let mut last_org = 0u32;
    t.rows(problems, |row, problems| {
        let d = problems.take(row.need(DOMAIN, table::id));
        let o = problems.take(row.need(OF_ORG, table::id));
        let added = problems.take(row.need(ADDED, |c| {
            table::day(c, &cal, Words { always: true, never: false })
        }));
        if let Some(d) = d {
            if d != next {
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
        } else {
            last_org = o;
            days[o as usize].push(added);
        }
    });
    if pins.of.is_empty() {
        pins.of = vec![OrgPin::default(); count as usize];
    }
    for (o, (pin, days)) in pins.of.iter_mut().zip(days).enumerate() {
        match pin.domains {
            Some(n) if n as usize != days.len() => problems.push(WorldError::new(
                dir_sibling(&file, "orgs.csv"),
                0,
                "domains",
                format!(
                    "organisation {o} has {n} domains, but domains.csv lists {}",
                    days.len()
                ),
            )),
            _ if days.is_empty() => problems.push(WorldError::new(
                &file,
                0,
                "org",
                format!("organisation {o} has no domain; every organisation has at least one"),
            )),
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
