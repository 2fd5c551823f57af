//! The report's account of an imported population: which file, what was simulated and what was
//! left out (internal and partner contacts, distribution groups, other items, refused rows), with
//! links to the per-user files. Counts only: no address or user id appears.

use crate::report::number::thousands;
use crate::report::page::escape::escape;
use crate::scenario::Scenario;
use crate::scenario::import::{ContactList, Source};
use anyhow::Result;
use std::fmt::Write as _;

/// Writes the "Imported contact lists" section.
pub(crate) fn write(out: &mut String, s: &Scenario, list: &ContactList) -> Result<()> {
    let n = |v: u64| thousands(v as f64);
    let file = list.file_name();
    let orgs = list.org_names();
    let per_network: Vec<String> = list
        .entries_by_network(&s.networks)
        .into_iter()
        .map(|(name, k)| format!("{} {}", escape(name), n(k)))
        .collect();
    let users = s.output.words.users_title();
    let mut rows: Vec<(&str, String)> = vec![
        ("Organisations", n(orgs.len() as u64)),
        (
            &users,
            format!(
                "{}, of whom {} with no public-IM contact (they count as users who lose nothing)",
                n(list.users() as u64),
                n(list.users_without_entries() as u64)
            ),
        ),
        (
            "Public-IM entries simulated",
            format!("{} ({})", n(list.rows.len() as u64), per_network.join(", ")),
        ),
    ];
    let l = &list.left_out;
    if list.source != Source::Csv {
        rows.push((
            "Left out: internal contacts",
            format!(
                "{} (on the organisation's own SIP domains: not public IM)",
                n(l.internal)
            ),
        ));
        rows.push((
            "Left out: federated partners",
            format!(
                "{} (on other domains that no network claims: not public IM)",
                n(l.partner)
            ),
        ));
        rows.push((
            "Left out: distribution groups",
            format!("{} (counted, never expanded)", n(l.distribution_groups)),
        ));
        rows.push((
            "Left out: items that are not contact lists",
            n(l.skipped_items),
        ));
        rows.push((
            "Contacts in several groups",
            format!("{} repeats, each contact kept once", n(l.repeated)),
        ));
    }
    rows.push((
        "Refused and left out",
        if list.rejected.is_empty() {
            "none".to_string()
        } else {
            format!(
                "{} (run with --skip-bad-rows; each with its position and reason in <a href=\"rejected.csv\"><code>rejected.csv</code></a>)",
                n(list.rejected.len() as u64)
            )
        },
    ));
    writeln!(out, "<section id=\"imported\">")?;
    writeln!(out, "<h2>Imported contact lists</h2>")?;
    writeln!(
        out,
        "<p>The users and their contact lists are the organisation's own, read from <code>{}</code> ({}). What the file does not say (the persons' activity and other accounts, the organisations' deployments and enable days) is drawn from the scenario. Per user and contact, what happened is in <a href=\"user_impact.csv\"><code>user_impact.csv</code></a> (contacts pseudonymised unless the run revealed them).</p>",
        escape(&file),
        list.source.describe()
    )?;
    writeln!(out, "<table class=\"facts\">")?;
    for (label, value) in &rows {
        writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>"
        )?;
    }
    writeln!(out, "</table>")?;
    writeln!(out, "</section>")?;
    Ok(())
}
