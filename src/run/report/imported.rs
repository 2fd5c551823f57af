//! The report's account of an imported population: which file, what was simulated and what was
//! left out (internal and partner contacts, distribution groups, other items, refused rows), with
//! links to the per-user files. Counts only: no address or user id appears.

use crate::report::number::thousands;
use crate::report::page::sections;
use crate::scenario::Scenario;
use crate::scenario::import::{ContactList, Source};
use maud::{Markup, html};

/// The "Imported contact lists" section.
pub(crate) fn section(s: &Scenario, list: &ContactList) -> Markup {
    sections::section(
        "imported",
        "Imported contact lists",
        html! {
            p {
                "The users and their contact lists are the organisation's own, read from "
                code { (list.file_name()) } " (" (list.source.describe()) "). What the file does \
                not say (the persons' activity and other accounts, the organisations' deployments \
                and enable days) is drawn from the scenario. Per user and contact, what happened is \
                in " a href="user_impact.csv" { code { "user_impact.csv" } } " (contacts \
                pseudonymised unless the run revealed them)."
            } "\n"
            table class="facts" { "\n"
                (sections::fact_rows(&rows(s, list)))
                tr {
                    th scope="row" { "Refused and left out" }
                    td {
                        @if list.rejected.is_empty() {
                            "none"
                        } @else {
                            (thousands(list.rejected.len() as f64)) " (run with --skip-bad-rows; \
                            each with its position and reason in "
                            a href="rejected.csv" { code { "rejected.csv" } } ")"
                        }
                    }
                } "\n"
            } "\n"
        },
    )
}

/// The counts as label and value: organisations, users, entries simulated and, for a server's
/// export, what it held that is not public IM.
fn rows(s: &Scenario, list: &ContactList) -> Vec<(String, String)> {
    let n = |v: u64| thousands(v as f64);
    let per_network: Vec<String> = list
        .entries_by_network(&s.networks)
        .into_iter()
        .map(|(name, k)| format!("{name} {}", n(k)))
        .collect();
    let mut rows: Vec<(String, String)> = vec![
        ("Organisations".into(), n(list.org_names().len() as u64)),
        (
            s.output.words.users_title(),
            format!(
                "{}, of whom {} with no public-IM contact (they count as users who lose nothing)",
                n(list.users() as u64),
                n(list.users_without_entries() as u64)
            ),
        ),
        (
            "Public-IM entries simulated".into(),
            format!("{} ({})", n(list.rows.len() as u64), per_network.join(", ")),
        ),
    ];
    let l = &list.left_out;
    if list.source != Source::Csv {
        rows.extend([
            (
                "Left out: internal contacts".into(),
                format!(
                    "{} (on the organisation's own SIP domains: not public IM)",
                    n(l.internal)
                ),
            ),
            (
                "Left out: federated partners".into(),
                format!(
                    "{} (on other domains that no network claims: not public IM)",
                    n(l.partner)
                ),
            ),
            (
                "Left out: distribution groups".into(),
                format!("{} (counted, never expanded)", n(l.distribution_groups)),
            ),
            (
                "Left out: items that are not contact lists".into(),
                n(l.skipped_items),
            ),
            (
                "Contacts in several groups".into(),
                format!("{} repeats, each contact kept once", n(l.repeated)),
            ),
        ]);
    }
    rows
}
