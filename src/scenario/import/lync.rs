//! Reading a Lync / Skype for Business Server contact export as a stream: the ZIP that
//! `Export-CsUserData` writes (its `DocItemSet.xml`), a bare `DocItemSet.xml`, or the Lync 2010
//! `dbimpexp` XML (`HomedResources`). What comes out is each user's SIP address and the contacts of
//! their list, with the counts a report needs (distribution groups, skipped items, bad contacts at
//! their line and column); turning addresses into networks, internal and partner contacts is the
//! contact-list import's job, not this module's.
//!
//! Elements and attributes are matched by local name, as real exports vary in namespaces (a
//! default `xmlns`, a prefix, or none). The XML is read event by event, never as a tree, so a pool
//! export of several hundred MB needs memory for its users' contacts only.

use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::io::{BufRead, Read, Seek};

/// Which of the export formats a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Lync 2013 and later: `DocItemSet` / `DocItem Name="urn:lcd:…"` / … / `Contact`.
    DocItemSet,
    /// Lync 2010 `dbimpexp`: `HomedResources` / `HomedResource UserAtHost` / … / `Contact`.
    Dbimpexp,
}

/// One user of the export and the contacts of their list, in file order, one per address.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct User {
    /// The user's SIP address, without `sip:`, as written.
    pub(crate) sip: String,
    /// Line and column of the element that opens the user's data.
    pub(crate) at: (u64, u64),
    /// Contact addresses, without `sip:` and in lower case, each once however many groups hold
    /// it, with the line of their `Contact` element.
    pub(crate) contacts: Vec<(String, u64)>,
}

/// A contact that cannot be used, where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadContact {
    pub(crate) line: u64,
    pub(crate) column: u64,
    /// What is wrong, without quoting the cell (addresses are personal data).
    pub(crate) reason: &'static str,
    /// The SIP address of the user whose list holds it.
    pub(crate) user: String,
    /// The `Buddy` attribute as written, if any (personal data).
    pub(crate) buddy: Option<String>,
}

/// What an export holds besides its users (handed out one by one as they are read).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Export {
    pub(crate) format: Format,
    /// Distribution groups (`ContactGroup` with an `ExternalUri`): counted, never expanded.
    pub(crate) distribution_groups: u64,
    /// Items that are not contact lists (`urn:hcd:…` and other `DocItem`s).
    pub(crate) skipped_items: u64,
    /// The same address met again in one user's list (in another group, or listed twice).
    pub(crate) repeated_contacts: u64,
    pub(crate) bad: Vec<BadContact>,
}

/// Why an export could not be read. Positions are 1-based.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExportError {
    #[error("line {line}, column {column}: malformed XML: {problem}")]
    Xml {
        line: u64,
        column: u64,
        problem: String,
    },
    #[error("not a contact export: the root element is {0}, not <DocItemSet> or <HomedResources>")]
    Root(String),
    #[error("not a contact export: the ZIP holds no DocItemSet.xml")]
    NoDocItemSet,
    #[error("{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Whether `head` (a file's first bytes) starts a ZIP archive.
pub(crate) fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// Reads the `DocItemSet.xml` of an `Export-CsUserData` ZIP, streaming it out of the archive.
/// Each user is handed to `user` as soon as their list is read.
pub(crate) fn read_zip<R: Read + Seek>(
    archive: R,
    user: impl FnMut(User),
) -> Result<Export, ExportError> {
    let mut zip = zip::ZipArchive::new(archive)?;
    let name = zip
        .file_names()
        .find(|n| {
            n.rsplit(['/', '\\'])
                .next()
                .is_some_and(|f| f.eq_ignore_ascii_case("DocItemSet.xml"))
        })
        .map(str::to_string)
        .ok_or(ExportError::NoDocItemSet)?;
    let entry = zip.by_name(&name)?;
    read_xml(std::io::BufReader::with_capacity(1 << 16, entry), user)
}

/// A reader that knows the line and column of what quick-xml has consumed, and where the last
/// `<` it consumed stood: an element's start. (quick-xml consumes a `<` with the text before it,
/// so the position before an event is not always the event's; and neither text nor attribute
/// values may hold a raw `<`, so the last one consumed is the element's own.)
struct Counting<R> {
    inner: R,
    line: u64,
    column: u64,
    tag: (u64, u64),
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

/// The line and column just after `bytes`, read from `(line, column)`.
fn after((line, column): (u64, u64), bytes: &[u8]) -> (u64, u64) {
    // A column counts characters: UTF-8 continuation bytes are not new ones.
    let chars = |b: &[u8]| b.iter().filter(|&&c| c & 0xC0 != 0x80).count() as u64;
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => {
            let lines = memchr::memchr_iter(b'\n', bytes).count() as u64;
            (line + lines, 1 + chars(&bytes[last + 1..]))
        }
        None => (line, column + chars(bytes)),
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        // Whole slices at a time (quick-xml consumes a tag or a text at once), so the counts
        // are simple loops the compiler vectorises.
        if let Ok(buf) = self.inner.fill_buf() {
            let chunk = &buf[..n.min(buf.len())];
            let here = (self.line, self.column);
            let moved = after(here, chunk);
            let tag = memchr::memrchr(b'<', chunk).map(|p| after(here, &chunk[..p]));
            if let Some(tag) = tag {
                self.tag = tag;
            }
            (self.line, self.column) = moved;
        }
        self.inner.consume(n);
    }
}

/// An attribute's value by local name, unescaped (borrowed from the element when it holds no
/// escape).
fn attribute<'e>(e: &'e BytesStart, name: &[u8]) -> Option<Cow<'e, str>> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name).then(|| {
            a.unescape_value()
                .unwrap_or_else(|_| Cow::Owned(String::from_utf8_lossy(&a.value).into_owned()))
        })
    })
}

/// A parser's message with every quoted name (between backticks) that could be personal data (a
/// dot, an @, anything but ASCII, or long) replaced by `…`: element names are the file's to choose,
/// and a damaged file can make anything a name.
fn without_names(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let quoted = i % 2 == 1;
        let personal = part.contains(['.', '@'])
            || !part.is_ascii()
            || part.chars().count() > 40
            || part.chars().any(char::is_control);
        out.push_str(if quoted && personal { "…" } else { part });
    }
    out
}

/// An address without its `sip:` prefix (any case), trimmed.
fn bare(address: &str) -> &str {
    let a = address.trim();
    match a.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("sip:") => &a[4..],
        _ => a,
    }
}

/// Reads an export's XML (`DocItemSet.xml` or a `dbimpexp` file) from `input`, handing each user
/// to `on_user` as soon as their list is read (so that no more than one list is held here).
pub(crate) fn read_xml<R: BufRead>(
    input: R,
    mut on_user: impl FnMut(User),
) -> Result<Export, ExportError> {
    let mut reader = quick_xml::Reader::from_reader(Counting {
        inner: input,
        line: 1,
        column: 1,
        tag: (1, 1),
    });
    let mut buf = Vec::new();
    let mut export: Option<Export> = None;
    // Inside a contact list (a `urn:lcd:` item, or a legacy `HomedResource`)?
    let mut user: Option<User> = None;
    // The open list's contacts, each address once (the first line it is on), in order.
    let mut seen: indexmap::IndexMap<String, u64> = indexmap::IndexMap::new();
    // Depth of a skipped item still open, so its contents are passed over.
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            let r = reader.get_ref();
            // A misplaced or mismatched tag is named where it starts; anything else (a file cut
            // short, a bad character) where reading stopped.
            let (line, column) = match e {
                quick_xml::Error::IllFormed(_) => r.tag,
                _ => (r.line, r.column),
            };
            ExportError::Xml {
                line,
                column,
                problem: without_names(&e.to_string()),
            }
        })?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let (line, column) = reader.get_ref().tag;
            let name = e.local_name();
            let name = name.as_ref();
            if skipping > 0 {
                skipping += usize::from(!empty);
            } else if export.is_none() {
                let format = match name {
                    b"DocItemSet" => Format::DocItemSet,
                    b"HomedResources" => Format::Dbimpexp,
                    other => {
                        return Err(ExportError::Root(without_names(&format!(
                            "`{}`",
                            String::from_utf8_lossy(other)
                        ))));
                    }
                };
                export = Some(Export {
                    format,
                    distribution_groups: 0,
                    skipped_items: 0,
                    repeated_contacts: 0,
                    bad: Vec::new(),
                });
            } else if let Some(x) = export.as_mut() {
                match (x.format, name) {
                    (Format::DocItemSet, b"DocItem") => {
                        let item = attribute(e, b"Name").unwrap_or_default();
                        match item.strip_prefix("urn:lcd:") {
                            Some(sip) => {
                                seen.clear();
                                user = Some(User {
                                    sip: bare(sip).to_string(),
                                    at: (line, column),
                                    contacts: Vec::new(),
                                });
                                if empty && let Some(u) = user.take() {
                                    on_user(u);
                                }
                            }
                            None => {
                                x.skipped_items += 1;
                                skipping = usize::from(!empty);
                            }
                        }
                    }
                    (Format::Dbimpexp, b"HomedResource") => {
                        seen.clear();
                        user = Some(User {
                            sip: bare(&attribute(e, b"UserAtHost").unwrap_or_default()).to_string(),
                            at: (line, column),
                            contacts: Vec::new(),
                        });
                        if empty && let Some(u) = user.take() {
                            on_user(u);
                        }
                    }
                    (_, b"ContactGroup")
                        if user.is_some()
                            && attribute(e, b"ExternalUri").is_some_and(|u| !u.is_empty()) =>
                    {
                        x.distribution_groups += 1;
                    }
                    (_, b"Contact") => match (user.as_mut(), attribute(e, b"Buddy")) {
                        (Some(_), Some(buddy)) if bare(&buddy).contains('@') => {
                            match seen.entry(bare(&buddy).to_lowercase()) {
                                indexmap::map::Entry::Vacant(v) => {
                                    v.insert(line);
                                }
                                indexmap::map::Entry::Occupied(_) => x.repeated_contacts += 1,
                            }
                        }
                        (Some(u), buddy) => x.bad.push(BadContact {
                            line,
                            column,
                            reason: if buddy.is_some() {
                                "its Buddy is not an address (no @)"
                            } else {
                                "it has no Buddy attribute"
                            },
                            user: u.sip.clone(),
                            buddy: buddy.map(Cow::into_owned),
                        }),
                        (None, _) => {}
                    },
                    _ => {}
                }
            }
        }
        match &event {
            Event::End(e) => {
                if skipping > 0 {
                    skipping -= 1;
                } else {
                    let closes_user = matches!(
                        (export.as_ref().map(|x| x.format), e.local_name().as_ref()),
                        (Some(Format::DocItemSet), b"DocItem")
                            | (Some(Format::Dbimpexp), b"HomedResource")
                    );
                    if closes_user && let Some(mut u) = user.take() {
                        u.contacts = seen.drain(..).collect();
                        on_user(u);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    export.ok_or_else(|| ExportError::Xml {
        line: 1,
        column: 1,
        problem: "the file holds no XML element".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    /// Reads `xml`, collecting its users.
    fn read(xml: &[u8]) -> Result<(Export, Vec<User>), ExportError> {
        let mut users = Vec::new();
        read_xml(xml, |u| users.push(u)).map(|x| (x, users))
    }

    /// The addresses of a user's contacts.
    fn addresses(u: &User) -> Vec<&str> {
        u.contacts.iter().map(|(a, _)| a.as_str()).collect()
    }

    /// `DocItemSet.xml` with the given `DocItem`s, with or without a default namespace.
    fn doc_item_set(items: &str, namespace: bool) -> String {
        let ns = if namespace {
            r#" xmlns="urn:schema:Microsoft.Rtc.Management.ScopeFramework.2008""#
        } else {
            ""
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DocItemSet{ns}>\n{items}</DocItemSet>\n"
        )
    }

    const ALICE: &str = r#"  <DocItem Name="urn:lcd:alice@contoso.com">
    <Data>
      <HomedResource>
        <ContactGroups>
          <ContactGroup Number="1" DisplayName="fg==" />
          <ContactGroup Number="2" DisplayName="RnJpZW5kcw==" />
          <ContactGroup Number="9" DisplayName="VGVhbQ==" ExternalUri="c2lwOnRlYW1AY29udG9zby5jb20=" />
        </ContactGroups>
        <Contacts>
          <Contact Buddy="sip:bob@hotmail.com" Groups="1 2" />
          <Contact Groups="2" Buddy="carol@contoso.com" />
          <Contact Buddy="SIP:Bob@Hotmail.com" Groups="2" />
          <Contact Buddy="dave@fabrikam.com" Groups="1" />
        </Contacts>
        <Containers><Container Number="100" /></Containers>
      </HomedResource>
    </Data>
  </DocItem>
"#;

    const HCD: &str = r#"  <DocItem Name="urn:hcd:alice@contoso.com">
    <Data><Contact Buddy="nobody@nowhere.com" /></Data>
  </DocItem>
"#;

    const EMPTY_USER: &str = r#"  <DocItem Name="urn:lcd:erin@contoso.com"><Data><HomedResource><Contacts /></HomedResource></Data></DocItem>
"#;

    #[test]
    fn a_doc_item_set_gives_users_their_contacts_once_each_and_the_counts() {
        for namespace in [false, true] {
            let xml = doc_item_set(&format!("{ALICE}{HCD}{EMPTY_USER}"), namespace);
            let (x, users) = read(xml.as_bytes()).unwrap();
            assert_eq!(x.format, Format::DocItemSet);
            assert_eq!(users.len(), 2, "{:?}", users);
            assert_eq!(users[0].sip, "alice@contoso.com");
            assert_eq!(users[0].at, (3, 3));
            // bob in two groups and listed again in another case: one contact, in lower case.
            assert_eq!(
                addresses(&users[0]),
                ["bob@hotmail.com", "carol@contoso.com", "dave@fabrikam.com"]
            );
            assert_eq!(users[0].contacts[0].1, 12);
            assert_eq!(x.repeated_contacts, 1);
            // The user with no contact is a user all the same.
            assert_eq!(
                (users[1].sip.as_str(), users[1].contacts.len()),
                ("erin@contoso.com", 0)
            );
            assert_eq!(x.distribution_groups, 1);
            // The urn:hcd: item is skipped whole, its Contact-looking element included.
            assert_eq!(x.skipped_items, 1);
            assert!(x.bad.is_empty());
        }
    }

    #[test]
    fn a_prefixed_namespace_reads_the_same() {
        let xml = doc_item_set(ALICE, false)
            .replace("<DocItemSet>", r#"<r:DocItemSet xmlns:r="urn:x">"#)
            .replace("</DocItemSet>", "</r:DocItemSet>")
            .replace("<Contact ", "<r:Contact ")
            .replace("<DocItem ", "<r:DocItem ")
            .replace("</DocItem>", "</r:DocItem>");
        let (_, users) = read(xml.as_bytes()).unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].contacts.len(), 3);
    }

    #[test]
    fn a_contact_without_a_usable_buddy_is_bad_at_its_line_and_column() {
        let item = "  <DocItem Name=\"urn:lcd:alice@contoso.com\"><Data><HomedResource><Contacts>\n    <Contact Groups=\"1\" />\n    <Contact Buddy=\"not-an-address\" />\n  </Contacts></HomedResource></Data></DocItem>\n";
        let (x, _) = read(doc_item_set(item, true).as_bytes()).unwrap();
        assert_eq!(
            x.bad,
            [
                BadContact {
                    line: 4,
                    column: 5,
                    reason: "it has no Buddy attribute",
                    user: "alice@contoso.com".into(),
                    buddy: None,
                },
                BadContact {
                    line: 5,
                    column: 5,
                    reason: "its Buddy is not an address (no @)",
                    user: "alice@contoso.com".into(),
                    buddy: Some("not-an-address".into()),
                }
            ]
        );
        // The message never quotes the cell.
        assert!(x.bad.iter().all(|b| !b.reason.contains("not-an-address")));
    }

    #[test]
    fn malformed_xml_is_an_error_with_its_line_and_column() {
        let xml =
            "<DocItemSet>\n  <DocItem Name=\"urn:lcd:a@b.com\">\n    </Data>\n</DocItemSet>\n";
        match read(xml.as_bytes()) {
            Err(ExportError::Xml { line, column, .. }) => assert_eq!((line, column), (3, 5)),
            other => panic!("{other:?}"),
        }
        match read("<Users><User/></Users>".as_bytes()) {
            Err(ExportError::Root(root)) => assert_eq!(root, "`Users`"),
            other => panic!("{other:?}"),
        }
        // A name that could be personal data is not quoted back.
        match read("<a.secret@x>\n</b.secret>".as_bytes()) {
            Err(e) => assert!(!e.to_string().contains("secret"), "{e}"),
            Ok(_) => panic!("accepted"),
        }
        match read("<DocItemSet><x.secret></y.secret></DocItemSet>".as_bytes()) {
            Err(e @ ExportError::Xml { .. }) => {
                let e = e.to_string();
                assert!(e.contains("malformed XML") && !e.contains("secret"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_lync_2010_format_reads_users_at_host() {
        let xml = r#"<?xml version="1.0"?>
<HomedResources xmlns="http://schemas.microsoft.com/RtcServer/2002/11/dbimpexp">
  <HomedResource UserAtHost="alice@contoso.com">
    <ContactGroups><ContactGroup Number="1" DisplayName="fg==" /></ContactGroups>
    <Contacts>
      <Contact Buddy="bob@hotmail.com" SubscribePresence="true" Groups="1" />
      <Contact Buddy="sip:fred@yahoo.com" Groups="1" />
    </Contacts>
  </HomedResource>
  <HomedResource UserAtHost="sip:gina@contoso.com" />
</HomedResources>
"#;
        let (x, users) = read(xml.as_bytes()).unwrap();
        assert_eq!(x.format, Format::Dbimpexp);
        let counts: Vec<(&str, usize)> = users
            .iter()
            .map(|u| (u.sip.as_str(), u.contacts.len()))
            .collect();
        assert_eq!(counts, [("alice@contoso.com", 2), ("gina@contoso.com", 0)]);
        assert_eq!(addresses(&users[0])[1], "fred@yahoo.com");
    }

    #[test]
    fn the_zip_export_is_read_from_its_doc_item_set() {
        let mut bytes = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut bytes);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("MetaData.xml", options).unwrap();
            zip.write_all(b"<MetaData />").unwrap();
            zip.start_file("DocItemSet.xml", options).unwrap();
            zip.write_all(doc_item_set(ALICE, true).as_bytes()).unwrap();
            zip.finish().unwrap();
        }
        assert!(is_zip(bytes.get_ref()));
        assert!(!is_zip(doc_item_set(ALICE, true).as_bytes()));
        bytes.set_position(0);
        let mut users = Vec::new();
        read_zip(bytes, |u| users.push(u)).unwrap();
        assert_eq!(users[0].contacts.len(), 3);
        // A ZIP without the contact data says so.
        let mut other = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut other);
            zip.start_file("MetaData.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.finish().unwrap();
        }
        other.set_position(0);
        assert!(matches!(
            read_zip(other, |_| {}),
            Err(ExportError::NoDocItemSet)
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]
        /// Any damage to an export gives an answer or an error, never a panic.
        #[test]
        fn a_damaged_export_never_panics(
            cuts in proptest::collection::vec((0usize..2000, 0usize..40, proptest::num::u8::ANY), 1..6)
        ) {
            let mut bytes = doc_item_set(&format!("{ALICE}{HCD}{EMPTY_USER}"), true).into_bytes();
            for (at, len, byte) in cuts {
                let at = at % bytes.len();
                let end = (at + len).min(bytes.len());
                bytes.splice(at..end, [byte]);
            }
            let _ = read(bytes.as_slice());
        }
    }
}
