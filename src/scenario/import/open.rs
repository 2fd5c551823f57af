//! Which reader a contact-list file needs: the scenario's `format`, or the file's first bytes (a
//! ZIP archive, XML, or else CSV).

use super::contacts::ContactList;
use super::csv::read_contact_list;
use super::export::{Orgs, read_export};
use super::limits::Limits;
use super::lync::Format;
use crate::scenario::network::Network;
use std::io::Read;
use std::path::Path;

/// The formats `population.import.format` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forced {
    Csv,
    /// The ZIP `Export-CsUserData` writes.
    Zip,
    /// A bare `DocItemSet.xml`.
    DocItemSet,
    /// The Lync 2010 `dbimpexp` XML.
    Dbimpexp,
}

impl Forced {
    /// The key's accepted values, as written in a scenario.
    pub(crate) const NAMES: [(&'static str, Forced); 4] = [
        ("csv", Forced::Csv),
        ("zip", Forced::Zip),
        ("docitemset", Forced::DocItemSet),
        ("dbimpexp", Forced::Dbimpexp),
    ];
}

/// How a contact-list file is read: its format (found from the content when not forced), how
/// an export's users make organisations, and the bounds an export is read within.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Options {
    pub(crate) format: Option<Forced>,
    pub(crate) orgs: Orgs,
    pub(crate) limits: Limits,
}

/// Whether `head` (a file's first bytes) starts a ZIP archive.
fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// Reads the contact lists at `path`, whatever their format.
pub(crate) fn read_contacts(
    path: &Path,
    networks: &[Network],
    options: &Options,
) -> Result<ContactList, String> {
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    let head = &head[..n];
    let zip = is_zip(head);
    let xml = looks_like_xml(head);
    let shown = path.display();
    match options.format {
        None if zip || xml => {
            read_export(path, zip, None, networks, (&options.orgs, &options.limits))
        }
        None | Some(Forced::Csv) => read_contact_list(path, networks),
        Some(Forced::Zip) if !zip => Err(format!(
            "'{shown}' line 1, column 1: it is not a ZIP archive (no ZIP signature at its start), but `format` says it is the ZIP of Export-CsUserData"
        )),
        Some(Forced::Zip) => {
            read_export(path, true, None, networks, (&options.orgs, &options.limits))
        }
        Some(forced) if zip => Err(format!(
            "'{shown}' line 1, column 1: it is a ZIP archive (it starts with the ZIP signature), but `format` says it is {}",
            if forced == Forced::DocItemSet {
                "a bare DocItemSet.xml"
            } else {
                "a dbimpexp XML file"
            }
        )),
        Some(forced) => {
            let expect = if forced == Forced::DocItemSet {
                Format::DocItemSet
            } else {
                Format::Dbimpexp
            };
            read_export(
                path,
                false,
                Some(expect),
                networks,
                (&options.orgs, &options.limits),
            )
        }
    }
}

/// Whether a file's first bytes start XML: after a byte-order mark and white space, a `<` (in
/// UTF-8, or UTF-16 either way, with a mark or without).
fn looks_like_xml(head: &[u8]) -> bool {
    let units = |rest: &[u8], le: bool| -> Vec<u16> {
        rest.chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect()
    };
    let text: Vec<u16> = match head {
        [0xFF, 0xFE, rest @ ..] => units(rest, true),
        [0xFE, 0xFF, rest @ ..] => units(rest, false),
        [b'<', 0, ..] | [0, b'<', ..] => return true,
        _ => head
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .iter()
            .map(|&b| u16::from(b))
            .collect(),
    };
    let space = |u: &u16| u8::try_from(*u).is_ok_and(|b| b.is_ascii_whitespace());
    text.iter().find(|u| !space(u)) == Some(&u16::from(b'<'))
}

#[cfg(test)]
mod tests {
    use super::super::contacts::tests::nets;
    use super::*;

    #[test]
    fn the_content_decides_the_reader_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("c.csv");
        std::fs::write(&csv, "user,contact\nu@corp.com,ann@hotmail.com\n").unwrap();
        let xml = dir.path().join("export.csv");
        std::fs::write(
            &xml,
            "\u{feff}\n  <HomedResources><HomedResource UserAtHost=\"u@corp.com\"/></HomedResources>",
        )
        .unwrap();
        let auto = Options::default();
        assert_eq!(read_contacts(&csv, &nets(), &auto).unwrap().rows.len(), 1);
        // Named .csv, but XML inside: read as the export it is.
        let x = read_contacts(&xml, &nets(), &auto).unwrap();
        assert_eq!(
            (x.source, x.users.len()),
            (super::super::Source::Dbimpexp, 1)
        );
        let forced = |f| Options {
            format: Some(f),
            ..Options::default()
        };
        assert!(
            read_contacts(&xml, &nets(), &forced(Forced::Zip))
                .unwrap_err()
                .contains("not a ZIP archive")
        );
        assert!(
            read_contacts(&xml, &nets(), &forced(Forced::DocItemSet))
                .unwrap_err()
                .contains("not a DocItemSet")
        );
        // Forced to CSV, the XML is a CSV with a bad header.
        assert!(read_contacts(&xml, &nets(), &forced(Forced::Csv)).is_err());
    }
}
