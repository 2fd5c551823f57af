//! The ZIP that `Export-CsUserData` writes: its one `DocItemSet.xml`, found by name and inflated
//! as a stream within the inflate limit (its XML is `lync`'s). Nothing is ever extracted, so entry
//! names (`../x`, absolute paths) write nothing; encrypted, damaged and unsupported archives are
//! refused by the zip crate, here given their place in the archive.
//!
//! The zip crate keeps one entry per name, so an archive holding `DocItemSet.xml` twice would be
//! read as if it held one of them; the central directory is walked here (its records only) to
//! refuse that, naming both entries.

use super::limits::{Budget, Exceeded, Limit, Limits};
use super::lync::{Export, ExportError, User, read_xml};
use super::stream::Capped;
use std::io::{Read, Seek, SeekFrom};

/// Whether an entry's name (as raw bytes) is `DocItemSet.xml` in any folder, in any case.
fn is_doc_item_set(name: &[u8]) -> bool {
    name.rsplit(|b| *b == b'/' || *b == b'\\')
        .next()
        .is_some_and(|f| f.eq_ignore_ascii_case(b"DocItemSet.xml"))
}

/// The records of the central directory from `start` (up to `end`) naming `DocItemSet.xml`:
/// their numbers (from 1) and byte offsets; it stops at the second.
fn doc_item_sets<R: Read + Seek>(r: &mut R, start: u64, end: u64) -> Vec<(u64, u64)> {
    let mut found = Vec::new();
    if r.seek(SeekFrom::Start(start)).is_err() {
        return found;
    }
    let mut dir = std::io::BufReader::new(r.take(end.saturating_sub(start)));
    let (mut offset, mut number) = (start, 0u64);
    let mut fixed = [0u8; 46];
    let mut name = Vec::new();
    while found.len() < 2 && dir.read_exact(&mut fixed).is_ok() && fixed[..4] == *b"PK\x01\x02" {
        let field = |at: usize| u64::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
        let (name_len, rest) = (field(28), field(30) + field(32));
        name.resize(name_len as usize, 0);
        if dir.read_exact(&mut name).is_err() {
            break;
        }
        let skipped = std::io::copy(&mut (&mut dir).take(rest), &mut std::io::sink());
        if skipped.ok() != Some(rest) {
            break;
        }
        number += 1;
        if is_doc_item_set(&name) {
            found.push((number, offset));
        }
        offset += 46 + name_len + rest;
    }
    found
}

/// Reads the `DocItemSet.xml` of an `Export-CsUserData` ZIP, streaming it out of the archive
/// within `limits`; each user is handed to `on_user` as soon as their list is read.
pub(crate) fn read_zip<R: Read + Seek>(
    mut archive: R,
    limits: &Limits,
    budget: &Budget,
    on_user: impl FnMut(User) -> Result<(), Exceeded>,
) -> Result<Export, ExportError> {
    let size = archive
        .seek(SeekFrom::End(0))
        .map_err(|e| ExportError::Whole(format!("cannot be read: {e}")))?;
    let unreadable = |e: zip::result::ZipError| {
        ExportError::Whole(format!(
            "is not a ZIP archive picsim can read: its directory, at the end of the file (byte {size}): {e}"
        ))
    };
    let start = zip::ZipArchive::new(&mut archive)
        .map_err(unreadable)?
        .central_directory_start();
    let found = doc_item_sets(&mut archive, start, size);
    let at = |(number, offset): (u64, u64)| {
        format!("entry {number} of its directory (at byte {offset})")
    };
    let place = match found.as_slice() {
        [] => {
            return Err(ExportError::Whole(format!(
                "is not a contact export: the ZIP holds no DocItemSet.xml (its directory starts at byte {start})"
            )));
        }
        [one] => at(*one),
        [first, second, ..] => {
            return Err(ExportError::Whole(format!(
                "holds DocItemSet.xml twice, {} and {}: which one is the export cannot be told",
                at(*first),
                at(*second)
            )));
        }
    };
    let mut zip = zip::ZipArchive::new(archive).map_err(unreadable)?;
    let name = zip
        .file_names()
        .find(|n| is_doc_item_set(n.as_bytes()))
        .map(str::to_string)
        .ok_or_else(|| {
            ExportError::Whole(format!("its DocItemSet.xml, {place}, cannot be read"))
        })?;
    let file = zip.by_name(&name).map_err(|e| {
        ExportError::Whole(format!("its DocItemSet.xml, {place}, cannot be read: {e}"))
    })?;
    if file.is_symlink() {
        return Err(ExportError::Whole(format!(
            "its DocItemSet.xml, {place}, is a symbolic link, not the export"
        )));
    }
    // What the archive says of the size is checked first (a quick refusal); the stream is capped
    // whatever it says.
    if file.size() > limits.inflated {
        return Err(ExportError::Whole(format!(
            "its DocItemSet.xml, {place}, says {}",
            Limit::Inflated.exceeded(limits)
        )));
    }
    let capped = Capped {
        inner: file,
        total: 0,
        limit: limits.inflated,
    };
    read_xml(capped, limits, budget, on_user)
}

#[cfg(test)]
mod tests {
    use super::super::lync::tests::{ALICE, doc_item_set};
    use super::*;
    use std::io::Write as _;

    /// A ZIP of `entries` (name, content), deflated.
    pub(in crate::scenario::import) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut bytes);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap();
        bytes.into_inner()
    }

    fn read(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<User>, ExportError> {
        let mut users = Vec::new();
        let budget = Budget::new(limits.memory);
        read_zip(std::io::Cursor::new(bytes), limits, &budget, |u| {
            users.push(u);
            Ok(())
        })
        .map(|_| users)
    }

    #[test]
    fn the_zip_export_is_read_from_its_doc_item_set() {
        let xml = doc_item_set(ALICE, true);
        let bytes = zip_of(&[
            ("MetaData.xml", b"<MetaData />"),
            ("DocItemSet.xml", xml.as_bytes()),
        ]);
        let users = read(bytes, &Limits::default()).unwrap();
        assert_eq!(users[0].contacts.len(), 3);
        // A ZIP without the contact data says so.
        let other = zip_of(&[("MetaData.xml", b"<MetaData />")]);
        let e = read(other, &Limits::default()).unwrap_err().to_string();
        assert!(e.contains("holds no DocItemSet.xml"), "{e}");
    }

    #[test]
    fn two_doc_item_sets_are_refused_by_their_entries_even_under_one_name() {
        let xml = doc_item_set(ALICE, true);
        let two = zip_of(&[
            ("DocItemSet.xml", xml.as_bytes()),
            ("copy/docitemset.XML", b"<DocItemSet/>"),
        ]);
        let e = read(two, &Limits::default()).unwrap_err().to_string();
        assert!(
            e.contains("holds DocItemSet.xml twice, entry 1 of its directory (at byte")
                && e.contains("and entry 2 of its directory"),
            "{e}"
        );
        // The same name twice: the zip crate keeps one, the directory holds both.
        let mut same = zip_of(&[
            ("DocItemSet.xml", xml.as_bytes()),
            ("DocItemSeX.xml", b"<DocItemSet/>"),
        ]);
        let at = same
            .windows(14)
            .rposition(|w| w == b"DocItemSeX.xml")
            .unwrap();
        same[at + 9] = b't';
        let local = same
            .windows(14)
            .position(|w| w == b"DocItemSeX.xml")
            .unwrap();
        same[local + 9] = b't';
        let e = read(same, &Limits::default()).unwrap_err().to_string();
        assert!(e.contains("holds DocItemSet.xml twice"), "{e}");
    }

    #[test]
    fn an_entry_that_says_it_is_larger_than_the_limit_is_refused_before_inflating() {
        let xml = doc_item_set(ALICE, true);
        let bytes = zip_of(&[("DocItemSet.xml", xml.as_bytes())]);
        let limits = Limits {
            inflated: 100,
            ..Limits::default()
        };
        let e = read(bytes, &limits).unwrap_err().to_string();
        assert!(
            e.contains("entry 1 of its directory (at byte") && e.contains("more than 100 bytes"),
            "{e}"
        );
    }

    #[test]
    fn damaged_archives_are_refused_with_their_place() {
        let e = read(b"PK\x03\x04 not really".to_vec(), &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("(byte 15)"), "{e}");
    }
}
