//! Reading a Lync / Skype for Business Server contact export as a stream: the `DocItemSet.xml` of
//! the ZIP that `Export-CsUserData` writes (the archive itself is `archive`'s), a bare
//! `DocItemSet.xml`, or the Lync 2010 `dbimpexp` XML (`HomedResources`). What comes out is each
//! user's SIP address and the contacts of their list, with the counts a report needs
//! (distribution groups, skipped items, repeats) and the bad contacts at their line and column;
//! turning addresses into networks, internal and partner contacts is the contact-list import's
//! job, not this module's.
//!
//! Elements and attributes are matched by local name, as real exports vary in namespaces (a
//! default `xmlns`, a prefix, or none). The XML is read event by event, never as a tree, within
//! the [`Limits`]: a pool export of several GB needs memory for its users' public contacts only.
//!
//! An export is read whole or refused, never repaired: text that is not in its encoding
//! (`decode`), a file cut short (an element still open at its end), a user's list inside
//! another's, an attribute written twice, anything outside the one root element: each is an error
//! at its line and column. No message quotes a name or value of the file that could be personal
//! data.

use super::attributes::{attribute, finder, name_of, without_names};
use super::decode::{self, Text};
use super::limits::{Budget, Exceeded, Limit, Limits, cost};
use super::stream::{Counting, Stop};
use memchr::memmem::Finder;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::io::Read;

/// Which of the export formats a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Lync 2013 and later: `DocItemSet` / `DocItem Name="urn:lcd:…"` / … / `Contact`.
    DocItemSet,
    /// Lync 2010 `dbimpexp`: `HomedResources` / `HomedResource UserAtHost` / … / `Contact`.
    Dbimpexp,
}

impl Format {
    /// The element that holds one user's data.
    pub(crate) fn item(self) -> &'static str {
        match self {
            Format::DocItemSet => "DocItem",
            Format::Dbimpexp => "HomedResource",
        }
    }
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
    /// The contacts of the list that cannot be used.
    pub(crate) bad: Vec<BadContact>,
}

/// A contact that cannot be used, where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadContact {
    pub(crate) line: u64,
    pub(crate) column: u64,
    /// What is wrong, without quoting the cell (addresses are personal data).
    pub(crate) reason: &'static str,
    /// The `Buddy` attribute as written, if any (personal data).
    pub(crate) buddy: Option<String>,
}

/// What an export holds besides its users (handed out one by one as they are read).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Export {
    pub(crate) format: Format,
    /// Line and column of the root element, which says the format.
    pub(crate) root_at: (u64, u64),
    /// Distribution groups (`ContactGroup` with an `ExternalUri`): counted, never expanded.
    pub(crate) distribution_groups: u64,
    /// Items that are not contact lists (`urn:hcd:…` and other `DocItem`s).
    pub(crate) skipped_items: u64,
    /// The same address met again in one user's list (in another group, or listed twice).
    pub(crate) repeated_contacts: u64,
}

/// Why an export could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExportError {
    /// At a place of the XML (1-based line and column).
    #[error("line {line}, column {column}: {problem}")]
    At {
        line: u64,
        column: u64,
        problem: String,
    },
    /// About the file or the archive as a whole (the message says where).
    #[error("{0}")]
    Whole(String),
}

impl ExportError {
    pub(crate) fn at((line, column): (u64, u64), problem: impl Into<String>) -> Self {
        ExportError::At {
            line,
            column,
            problem: problem.into(),
        }
    }
}

/// Deepest nesting of elements read: a real export's is under 10, and the parser keeps the name
/// of every open element, so depth is memory.
pub(crate) const MAX_DEPTH: usize = 64;

/// An address without its `sip:` prefix (any case), trimmed.
fn bare(address: &str) -> &str {
    let a = address.trim();
    match a.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("sip:") => &a[4..],
        _ => a,
    }
}

/// What makes a `Buddy` unusable as a contact's address, if anything (never the address).
fn buddy_problem(buddy: &str) -> Option<&'static str> {
    // A control character is Unicode's Cc: C0, DEL and C1, which UTF-8 writes as C2 80 to C2 9F.
    // Whole-slice scans the compiler vectorises: this runs for every contact of an export.
    let b = buddy.as_bytes();
    let c1 = || {
        memchr::memchr_iter(0xC2, b).any(|i| b.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)))
    };
    let c0 = b
        .iter()
        .fold(false, |any, &c| any | (c < 0x20) | (c == 0x7F));
    if c0 || c1() {
        return Some("its Buddy holds a control character");
    }
    match memchr::memrchr(b'@', b) {
        None => Some("its Buddy is not an address (no @)"),
        Some(0) => Some("its Buddy has nothing before the @"),
        Some(at) if buddy[at + 1..].trim().is_empty() => Some("its Buddy has nothing after the @"),
        Some(_) => None,
    }
}

/// The state of one export's reading, between events.
struct Reading<'b, F> {
    on_user: F,
    budget: &'b Budget,
    limits: &'b Limits,
    /// The encoding the file is read in (its declaration must agree).
    text: Text,
    decoder: quick_xml::encoding::Decoder,
    /// Searchers for the attributes read: `Name`, `UserAtHost`, `ExternalUri`, `Buddy`.
    names: [Finder<'static>; 4],
    /// Known once the root element is read.
    export: Option<Export>,
    /// Where each open element opened, outermost first.
    open: Vec<(u64, u64)>,
    /// The open item (`DocItem`, legacy `HomedResource`): where it opened and its depth.
    item: Option<((u64, u64), usize)>,
    /// Inside an item that is not a contact list.
    skipping: bool,
    /// The open user's list, its contacts each once (the first line it is on), in order, and
    /// the memory they are charged.
    user: Option<User>,
    seen: indexmap::IndexMap<String, u64>,
    held: u64,
    /// The root element has closed; `events`: how many were read.
    root_closed: bool,
    events: u64,
}

impl<F: FnMut(User) -> Result<(), Exceeded>> Reading<'_, F> {
    /// Takes one event: `tag` is where its element's `<` stands, `start` where the event began.
    fn event(
        &mut self,
        event: &Event,
        tag: (u64, u64),
        start: (u64, u64),
    ) -> Result<(), ExportError> {
        self.events += 1;
        match event {
            Event::Decl(d) => self.declaration(d, tag),
            Event::Start(e) => self.element(e, tag, false),
            Event::Empty(e) => self.element(e, tag, true),
            Event::End(_) => self.end(tag),
            Event::Text(t) if self.open.is_empty() && !t.iter().all(u8::is_ascii_whitespace) => {
                Err(ExportError::at(start, "text outside the root element"))
            }
            Event::GeneralRef(_) | Event::CData(_) if self.open.is_empty() => {
                Err(ExportError::at(start, "text outside the root element"))
            }
            _ => Ok(()),
        }
    }

    /// The XML declaration: first, and naming the encoding the file is read in.
    fn declaration(
        &mut self,
        d: &quick_xml::events::BytesDecl,
        tag: (u64, u64),
    ) -> Result<(), ExportError> {
        if self.events > 1 {
            return Err(ExportError::at(
                tag,
                "an XML declaration that is not at the start of the file",
            ));
        }
        let Some(label) = d.encoding() else {
            return Ok(());
        };
        let label = label.map_err(|_| {
            ExportError::at(
                tag,
                "malformed XML: an unreadable encoding in the declaration",
            )
        })?;
        let declared = Text::declared(&label).map_err(|e| ExportError::at(tag, e))?;
        if !self.text.agrees(declared) {
            return Err(ExportError::at(
                tag,
                format!(
                    "its XML declaration says {}, but its byte-order mark says {}",
                    declared.name(),
                    self.text.name()
                ),
            ));
        }
        Ok(())
    }

    fn element(&mut self, e: &BytesStart, tag: (u64, u64), empty: bool) -> Result<(), ExportError> {
        if self.root_closed {
            return Err(ExportError::at(
                tag,
                "a second root element: an export is one document, closed once",
            ));
        }
        if !empty {
            if self.open.len() >= MAX_DEPTH {
                return Err(ExportError::at(
                    tag,
                    format!(
                        "elements nested more than {MAX_DEPTH} deep (an export's are under 10)"
                    ),
                ));
            }
            self.open.push(tag);
        }
        let name = e.local_name();
        let Some(format) = self.export.as_ref().map(|x| x.format) else {
            return self.root(name.as_ref(), tag, empty);
        };
        let read = |which: usize| {
            attribute(e, tag, self.decoder, &self.names[which])
                .map_err(|(at, p)| ExportError::at(at, p))
        };
        if name.as_ref() == format.item().as_bytes() {
            let sip = read(match format {
                Format::DocItemSet => 0,
                Format::Dbimpexp => 1,
            })?;
            return self.item(format, sip, tag, empty);
        }
        if self.skipping {
            return Ok(());
        }
        match name.as_ref() {
            b"ContactGroup" => {
                let uri = read(2)?;
                if self.user.is_some() && uri.is_some_and(|u| !u.is_empty()) {
                    self.count(|x| &mut x.distribution_groups);
                }
                Ok(())
            }
            b"Contact" => {
                let buddy = read(3)?;
                self.contact(buddy, tag)
            }
            _ => Ok(()),
        }
    }

    /// The root element, which says which format the export is in.
    fn root(&mut self, name: &[u8], tag: (u64, u64), empty: bool) -> Result<(), ExportError> {
        let format = match name {
            b"DocItemSet" => Format::DocItemSet,
            b"HomedResources" => Format::Dbimpexp,
            other => {
                return Err(ExportError::at(
                    tag,
                    format!(
                        "not a contact export: the root element is {}, not <DocItemSet> or <HomedResources>",
                        name_of(other)
                    ),
                ));
            }
        };
        self.export = Some(Export {
            format,
            root_at: tag,
            distribution_groups: 0,
            skipped_items: 0,
            repeated_contacts: 0,
        });
        self.root_closed = empty;
        Ok(())
    }

    /// Counts something in the export's totals.
    fn count(&mut self, what: impl FnOnce(&mut Export) -> &mut u64) {
        if let Some(x) = self.export.as_mut() {
            *what(x) += 1;
        }
    }

    /// An item: a user's contact list, or (a `DocItem` not named `urn:lcd:`) one skipped; `id`
    /// is its `Name` or `UserAtHost`.
    fn item(
        &mut self,
        format: Format,
        id: Option<Cow<str>>,
        tag: (u64, u64),
        empty: bool,
    ) -> Result<(), ExportError> {
        if let Some(((line, column), _)) = self.item {
            return Err(ExportError::at(
                tag,
                format!(
                    "a <{}> inside the one opened at line {line}, column {column}: an export's lists are not nested",
                    format.item()
                ),
            ));
        }
        let id = id.as_deref().unwrap_or_default();
        let sip = match format {
            Format::DocItemSet => id.strip_prefix("urn:lcd:").map(|sip| bare(sip).to_string()),
            Format::Dbimpexp => Some(bare(id).to_string()),
        };
        let Some(sip) = sip else {
            self.count(|x| &mut x.skipped_items);
            self.skipping = !empty;
            if !empty {
                self.item = Some((tag, self.open.len()));
            }
            return Ok(());
        };
        self.seen.clear();
        self.user = Some(User {
            sip,
            at: tag,
            contacts: Vec::new(),
            bad: Vec::new(),
        });
        if empty {
            return self.close_user(tag);
        }
        self.item = Some((tag, self.open.len()));
        Ok(())
    }

    /// A `Contact` element with its `Buddy`, if any.
    fn contact(&mut self, buddy: Option<Cow<str>>, tag: (u64, u64)) -> Result<(), ExportError> {
        let Some(user) = self.user.as_mut() else {
            return Err(ExportError::at(
                tag,
                "a <Contact> outside any user's contact list",
            ));
        };
        let exceeded = || ExportError::at(tag, Limit::Memory.exceeded(self.limits));
        let address = buddy.as_deref().map(bare);
        let usable = address.map_or(Err("it has no Buddy attribute"), |a| {
            buddy_problem(a).map_or(Ok(a), Err)
        });
        match usable {
            Ok(a) => {
                let key = a.to_lowercase();
                let charge = cost::ENTRY + key.len() as u64;
                match self.seen.entry(key) {
                    indexmap::map::Entry::Occupied(_) => {
                        if let Some(x) = self.export.as_mut() {
                            x.repeated_contacts += 1;
                        }
                    }
                    indexmap::map::Entry::Vacant(v) => {
                        self.budget.charge(charge).map_err(|_| exceeded())?;
                        self.held += charge;
                        v.insert(tag.0);
                    }
                }
            }
            Err(reason) => {
                let buddy = buddy.map(Cow::into_owned);
                let charge = cost::BAD + buddy.as_ref().map_or(0, |b| b.len() as u64);
                self.budget.charge(charge).map_err(|_| exceeded())?;
                self.held += charge;
                user.bad.push(BadContact {
                    line: tag.0,
                    column: tag.1,
                    reason,
                    buddy,
                });
            }
        }
        Ok(())
    }

    /// An end tag at `tag` (quick-xml has checked that it closes the innermost open element).
    fn end(&mut self, tag: (u64, u64)) -> Result<(), ExportError> {
        let depth = self.open.len();
        self.open.pop();
        self.root_closed = self.open.is_empty();
        if self.item.is_some_and(|(_, d)| d == depth) {
            self.item = None;
            self.skipping = false;
            if self.user.is_some() {
                return self.close_user(tag);
            }
        }
        Ok(())
    }

    /// Hands the open user on, with their list; `tag`: where the list closes.
    fn close_user(&mut self, tag: (u64, u64)) -> Result<(), ExportError> {
        let Some(mut user) = self.user.take() else {
            return Ok(());
        };
        user.contacts = self.seen.drain(..).collect();
        let handed = (self.on_user)(user);
        // What the list held is the caller's now, charged as it keeps it.
        self.budget.release(self.held);
        self.held = 0;
        if self.seen.capacity() > 1 << 12 {
            self.seen = indexmap::IndexMap::new();
        }
        handed.map_err(|_| ExportError::at(tag, Limit::Memory.exceeded(self.limits)))
    }

    /// At the end of the file (`here`): the export, if it is whole.
    fn finish(self, here: (u64, u64)) -> Result<Export, ExportError> {
        if let Some(&(line, column)) = self.open.last() {
            return Err(ExportError::at(
                here,
                format!(
                    "the file ends with {} element{} still open (the innermost opened at line {line}, column {column}): it is cut short",
                    self.open.len(),
                    if self.open.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        self.export
            .ok_or_else(|| ExportError::at(here, "the file holds no XML element"))
    }
}

/// A parser's error as a refusal at its place: a stop of the stream (a limit, a byte that is not
/// text) where it happened, a misplaced or mismatched tag where it starts, anything else (a file
/// cut short, a bad character) where reading stopped.
fn parse_error<R>(r: &Counting<R>, e: quick_xml::Error, limits: &Limits) -> ExportError {
    let here = (r.line, r.column);
    match &e {
        quick_xml::Error::Io(io) => match Stop::of(io) {
            Some(Stop::Limit { limit, at }) => {
                ExportError::at(at.unwrap_or(here), limit.exceeded(limits))
            }
            Some(Stop::Encoding(name)) => ExportError::at(
                here,
                format!(
                    "bytes that are not {name} text; picsim replaces none (two addresses differing in one byte would become one): give the file's true encoding in its XML declaration, or save it as UTF-8"
                ),
            ),
            None => ExportError::at(here, format!("the file cannot be read here: {io}")),
        },
        quick_xml::Error::IllFormed(_) => ExportError::at(
            r.tag,
            format!("malformed XML: {}", without_names(&e.to_string())),
        ),
        _ => ExportError::at(
            here,
            format!("malformed XML: {}", without_names(&e.to_string())),
        ),
    }
}

/// Reads an export's XML (`DocItemSet.xml` or a `dbimpexp` file) from `input`, within `limits`
/// and with the lists' memory charged to `budget`, handing each user to `on_user` as soon as
/// their list is read (so that no more than one list is held here); `on_user` fails when the
/// budget is spent.
pub(crate) fn read_xml<R: Read>(
    input: R,
    limits: &Limits,
    budget: &Budget,
    on_user: impl FnMut(User) -> Result<(), Exceeded>,
) -> Result<Export, ExportError> {
    let decoded = decode::open(input).map_err(|e| match e {
        decode::OpenError::Encoding(e) => ExportError::at((1, 1), e),
        decode::OpenError::Io(io) => match Stop::of(&io) {
            Some(Stop::Limit { limit, .. }) => ExportError::at((1, 1), limit.exceeded(limits)),
            _ => ExportError::at((1, 1), format!("the file cannot be read here: {io}")),
        },
    })?;
    let text = decoded.text();
    let mut reader = quick_xml::Reader::from_reader(Counting::new(decoded, limits.piece));
    let mut reading = Reading {
        on_user,
        budget,
        limits,
        text,
        decoder: reader.decoder(),
        names: [b"Name" as &[u8], b"UserAtHost", b"ExternalUri", b"Buddy"].map(finder),
        export: None,
        open: Vec::new(),
        item: None,
        skipping: false,
        user: None,
        seen: indexmap::IndexMap::new(),
        held: 0,
        root_closed: false,
        events: 0,
    };
    let mut buf = Vec::new();
    loop {
        reader.get_mut().next_piece();
        let start = reader.get_ref().piece_at();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| parse_error(reader.get_ref(), e, limits))?;
        if matches!(event, Event::Eof) {
            break;
        }
        if let Some(at) = reader.get_ref().piece_too_long() {
            return Err(ExportError::at(at, Limit::Piece.exceeded(limits)));
        }
        reading.event(&event, reader.get_ref().tag, start)?;
        buf.clear();
    }
    let r = reader.get_ref();
    let here = (r.line, r.column);
    let held = reading.held;
    let result = reading.finish(here);
    budget.release(held);
    result
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Reads `xml` within `limits`, collecting its users.
    pub(in crate::scenario::import) fn read_within(
        xml: &[u8],
        limits: &Limits,
    ) -> Result<(Export, Vec<User>), ExportError> {
        let mut users = Vec::new();
        let budget = Budget::new(limits.memory);
        read_xml(xml, limits, &budget, |u| {
            users.push(u);
            Ok(())
        })
        .map(|x| (x, users))
    }

    /// Reads `xml`, collecting its users.
    fn read(xml: &[u8]) -> Result<(Export, Vec<User>), ExportError> {
        read_within(xml, &Limits::default())
    }

    /// The message of a refusal, and its line and column.
    fn refused(xml: &[u8]) -> (u64, u64, String) {
        match read(xml) {
            Err(ExportError::At {
                line,
                column,
                problem,
            }) => (line, column, problem),
            other => panic!("{other:?}"),
        }
    }

    /// The addresses of a user's contacts.
    fn addresses(u: &User) -> Vec<&str> {
        u.contacts.iter().map(|(a, _)| a.as_str()).collect()
    }

    /// `DocItemSet.xml` with the given `DocItem`s, with or without a default namespace.
    pub(in crate::scenario::import) fn doc_item_set(items: &str, namespace: bool) -> String {
        let ns = if namespace {
            r#" xmlns="urn:schema:Microsoft.Rtc.Management.ScopeFramework.2008""#
        } else {
            ""
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DocItemSet{ns}>\n{items}</DocItemSet>\n"
        )
    }

    pub(in crate::scenario::import) const ALICE: &str = r#"  <DocItem Name="urn:lcd:alice@contoso.com">
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
            assert!(users.iter().all(|u| u.bad.is_empty()));
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
        let (_, users) = read(doc_item_set(item, true).as_bytes()).unwrap();
        assert_eq!(
            users[0].bad,
            [
                BadContact {
                    line: 4,
                    column: 5,
                    reason: "it has no Buddy attribute",
                    buddy: None,
                },
                BadContact {
                    line: 5,
                    column: 5,
                    reason: "its Buddy is not an address (no @)",
                    buddy: Some("not-an-address".into()),
                }
            ]
        );
        // The message never quotes the cell.
        assert!(
            users[0]
                .bad
                .iter()
                .all(|b| !b.reason.contains("not-an-address"))
        );
    }

    #[test]
    fn malformed_xml_is_an_error_with_its_line_and_column() {
        let xml =
            "<DocItemSet>\n  <DocItem Name=\"urn:lcd:a@b.com\">\n    </Data>\n</DocItemSet>\n";
        let (line, column, _) = refused(xml.as_bytes());
        assert_eq!((line, column), (3, 5));
        let (line, column, root) = refused("<Users><User/></Users>".as_bytes());
        assert_eq!((line, column), (1, 1));
        assert!(root.contains("the root element is `Users`"), "{root}");
        // A name that could be personal data is not quoted back.
        match read("<a.secret@x>\n</b.secret>".as_bytes()) {
            Err(e) => assert!(!e.to_string().contains("secret"), "{e}"),
            Ok(_) => panic!("accepted"),
        }
        match read("<DocItemSet><x.secret></y.secret></DocItemSet>".as_bytes()) {
            Err(e @ ExportError::At { .. }) => {
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
