//! `picsim import`: what a Lync / Skype for Business contact export holds, as picsim reads it.
//! It names no address (they are personal data): counts, and positions of what it cannot use.

use crate::cli::ImportArgs;
use crate::scenario::lync::{self, Export, Format};
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Seek};
use std::process::ExitCode;

/// Reads `args.file` and prints a summary of it.
pub(crate) fn import(args: ImportArgs) -> Result<ExitCode> {
    let path = &args.file;
    let file = std::fs::File::open(path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let mut input = BufReader::with_capacity(1 << 16, file);
    let zip = lync::is_zip(
        input
            .fill_buf()
            .with_context(|| format!("could not read '{}'", path.display()))?,
    );
    let export = if zip {
        input.rewind()?;
        lync::read_zip(input)
    } else {
        lync::read_xml(input)
    }
    .with_context(|| format!("{}", path.display()))?;
    print!("{}", summary(&export, zip));
    Ok(ExitCode::SUCCESS)
}

/// The lines `picsim import` prints.
fn summary(x: &Export, zip: bool) -> String {
    let format = match (x.format, zip) {
        (Format::DocItemSet, true) => "Export-CsUserData ZIP (DocItemSet.xml)",
        (Format::DocItemSet, false) => "DocItemSet.xml",
        (Format::Dbimpexp, _) => "Lync 2010 dbimpexp XML",
    };
    let contacts: usize = x.users.iter().map(|u| u.contacts.len()).sum();
    let empty = x.users.iter().filter(|u| u.contacts.is_empty()).count();
    let mut out = format!(
        "format: {format}\nusers: {} ({empty} with no contact)\ncontacts: {contacts} (one per user and address; {} repeated in other groups)\ndistribution groups: {} (counted, not expanded)\nitems that are not contact lists: {}\nunusable contacts: {}\n",
        x.users.len(),
        x.repeated_contacts,
        x.distribution_groups,
        x.skipped_items,
        x.bad.len()
    );
    for b in x.bad.iter().take(10) {
        out.push_str(&format!(
            "  line {}, column {}: {}\n",
            b.line, b.column, b.reason
        ));
    }
    if x.bad.len() > 10 {
        out.push_str(&format!("  … and {} more\n", x.bad.len() - 10));
    }
    out
}
