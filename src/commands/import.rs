//! `picsim import`: what a contact export (or a contact-list CSV) holds, as a run would read it,
//! and the same lists written as a CSV to see and edit. It names no address (they are personal
//! data): counts, and positions of what it cannot use; the CSV carries pseudonyms unless the user
//! asks for addresses in clear.

use crate::cli::ImportArgs;
use crate::output::Inputs;
use crate::report::csv::Addresses;
use crate::scenario::import::{
    self, ContactList, ImportedUser, Limit, NO_CONTACT, Options, fresh_salt,
};
use crate::scenario::{KeyPath, Override, Scenario, load_str};
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;
use std::process::ExitCode;

/// The shipped default scenario, whose networks classify contacts when no scenario is given.
const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/pic-2013.toml");

/// Reads `args.file` as the scenario would, prints what it holds, and writes `--to`.
pub(crate) fn import(args: ImportArgs) -> Result<ExitCode> {
    let file = std::path::absolute(&args.file)
        .with_context(|| format!("could not read '{}'", args.file.display()))?;
    // Refused before reading (a large export takes a while): the target that exists without
    // --force, and the target that is the file or the scenario named here. What else the
    // scenario reads is known once it is loaded, and checked then.
    let mut inputs = Inputs::default();
    inputs.add(&file, "the file being imported");
    inputs.extend(args.scenario.iter().map(|s| (s.clone(), "the scenario")));
    check_to(&args, &inputs)?;
    let limits = [
        (Limit::Inflated, args.max_inflated_size),
        (Limit::Piece, args.max_piece_size),
        (Limit::Memory, args.max_list_memory),
    ];
    let (scenario, list) = match &args.scenario {
        // The scenario reads the file through its own `[population.import]`, with its format,
        // organisation and limit keys (the options given here override the limits): what
        // `picsim run` would simulate.
        Some(path) => {
            let mut overrides = vec![Override::new(
                KeyPath::parse("population.import.contacts").map_err(|e| anyhow!(e))?,
                toml::Value::String(file.display().to_string()),
                format!("picsim import {}", args.file.display()),
            )];
            for (limit, bytes) in limits {
                let Some(bytes) = bytes else { continue };
                let key = format!("population.import.{}", limit.key());
                overrides.push(Override::new(
                    KeyPath::parse(&key).map_err(|e| anyhow!(e))?,
                    toml::Value::Integer(i64::try_from(bytes).unwrap_or(i64::MAX)),
                    format!("--{} {bytes}", limit.key().replace('_', "-")),
                ));
            }
            let scenario = crate::scenario::load_file(path, &overrides)?;
            let list = scenario
                .population
                .import
                .clone()
                .ok_or_else(|| anyhow!("the scenario read no contact list"))?;
            (scenario, list)
        }
        // The default's networks, and the file read with no option but the limits (so that a
        // problem with it is not blamed on a scenario the user never named).
        None => {
            let scenario = load_str(DEFAULT_SCENARIO, "scenarios/pic-2013.toml", &[], None)?;
            let mut options = Options::default();
            for (limit, bytes) in limits {
                if let Some(bytes) = bytes {
                    limit.set(&mut options.limits, bytes);
                }
            }
            let list = import::contact_list(&args.file, &scenario.networks, &options)
                .map_err(|e| anyhow!(e))?;
            (scenario, list)
        }
    };
    inputs.extend(scenario.inputs());
    check_to(&args, &inputs)?;
    let by = match &args.scenario {
        Some(p) => format!("the networks of {}", p.display()),
        None => "the networks of the default scenario (pic-2013)".to_string(),
    };
    print!("{}", summary(&args.file, &list, &scenario, &by));
    if let Some(to) = &args.to {
        let salt;
        let addresses = if args.reveal_addresses {
            Addresses::Revealed
        } else {
            salt = fresh_salt().map_err(|e| anyhow!(e))?;
            Addresses::Pseudonyms(&salt)
        };
        write_csv(&list, &scenario, addresses, to)?;
        println!(
            "wrote {} ({}; user ids as given){}",
            to.display(),
            if args.reveal_addresses {
                "addresses in clear"
            } else {
                "contacts pseudonymised"
            },
            if list.left_out.internal + list.left_out.partner > 0 {
                "; internal and partner contacts are not public-IM entries and are not in it"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses a `--to` that is one of `inputs` (with `--force` or without), or that exists without
/// `--force`.
fn check_to(args: &ImportArgs, inputs: &Inputs) -> Result<()> {
    let Some(to) = &args.to else {
        return Ok(());
    };
    inputs.check(
        to,
        &format!("'{}' (--to)", to.display()),
        "write the CSV elsewhere",
    )?;
    if std::fs::symlink_metadata(to).is_ok() && !args.force {
        bail!("'{}' already exists; --force replaces it", to.display());
    }
    Ok(())
}

/// A count with thousands separators.
fn n(x: impl Into<u64>) -> String {
    crate::report::number::group_thousands(&x.into().to_string())
}

/// The lines `picsim import` prints.
fn summary(file: &Path, list: &ContactList, s: &Scenario, by: &str) -> String {
    let orgs = list.org_names();
    let per_network: Vec<String> = list
        .entries_by_network(&s.networks)
        .into_iter()
        .map(|(name, k)| format!("{name} {}", n(k)))
        .collect();
    let l = &list.left_out;
    let mut out = format!(
        "{}: {}, classified by {by}\n\
         organisations: {}{}\n\
         users: {} ({} with no public-IM contact)\n\
         public-IM entries: {}{}\n",
        file.display(),
        list.source.describe(),
        orgs.len(),
        if orgs.len() <= 5 {
            format!(
                " ({})",
                orgs.iter()
                    .map(|o| if o.is_empty() { "(unnamed)" } else { *o })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        },
        n(list.users() as u64),
        n(list.users_without_entries() as u64),
        n(list.rows.len() as u64),
        if per_network.is_empty() {
            String::new()
        } else {
            format!(" ({})", per_network.join(", "))
        },
    );
    if list.source != crate::scenario::import::Source::Csv {
        out.push_str(&format!(
            "internal contacts: {} (on the organisation's own SIP domains; not simulated)\n\
             federated-partner contacts: {} (on other domains no network claims; not simulated)\n\
             distribution groups: {} (counted, not expanded)\n\
             items that are not contact lists: {} (skipped)\n\
             contacts repeated in other groups: {} (kept once)\n",
            n(l.internal),
            n(l.partner),
            n(l.distribution_groups),
            n(l.skipped_items),
            n(l.repeated),
        ));
    }
    out.push_str(&format!(
        "refused: {}{}\n",
        n(list.rejected.len() as u64),
        if list.rejected.is_empty() {
            ""
        } else {
            " (a run needs --skip-bad-rows to leave them out):"
        }
    ));
    for r in list.rejected.iter().take(10) {
        out.push_str(&format!("  {}: {}\n", list.locate(r), r.reason));
    }
    if list.rejected.len() > 10 {
        out.push_str(&format!(
            "  … and {} more\n",
            n((list.rejected.len() - 10) as u64)
        ));
    }
    out
}

/// Writes `list` as the contact-list CSV a run would simulate the same way: the entries in their
/// order, each with its network named (a pseudonym has no domain to classify it by), and each user
/// with no public-IM entry as a row with neither contact nor network, where it first appeared (so
/// users, and the persons their entries make, come in the same order). Written beside the target
/// and moved into place, so a failure leaves no half-written file.
fn write_csv(list: &ContactList, s: &Scenario, addresses: Addresses, to: &Path) -> Result<()> {
    let partial = to.with_file_name(format!(
        ".{}.partial-{}",
        to.file_name()
            .map_or_else(|| "contacts".into(), |f| f.to_string_lossy()),
        std::process::id()
    ));
    let written = (|| -> Result<()> {
        let mut w = crate::report::csv::writer(&partial)?;
        w.write_record(["user", "contact", "network", "org", "domain"])?;
        let mut has_rows = vec![false; list.users.len()];
        for r in &list.rows {
            has_rows[r.user as usize] = true;
        }
        // Users are numbered in order of first appearance, so those before a row's user that
        // have not appeared yet are users with no entry.
        let declare = |w: &mut csv::Writer<_>, u: &ImportedUser| {
            w.write_record([u.id.as_str(), "", NO_CONTACT, &u.org, &u.domain])
        };
        let mut next = 0;
        for r in &list.rows {
            let u = r.user as usize;
            while next <= u {
                if !has_rows[next] {
                    declare(&mut w, &list.users[next])?;
                }
                next += 1;
            }
            let user = &list.users[u];
            w.write_record([
                user.id.as_str(),
                &addresses.show(&r.contact),
                &s.networks[r.network as usize].id,
                &user.org,
                &user.domain,
            ])?;
        }
        for u in &list.users[next..] {
            declare(&mut w, u)?;
        }
        w.flush()?;
        Ok(())
    })();
    let moved = written.and_then(|()| {
        std::fs::rename(&partial, to).with_context(|| format!("could not write '{}'", to.display()))
    });
    if moved.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    moved.with_context(|| format!("could not write '{}'", to.display()))
}
