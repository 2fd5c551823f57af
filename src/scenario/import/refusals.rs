//! The export door's refusals, one test per kind of damage (issue 29): what a cut, nested,
//! repeated, mis-encoded or oversized export is refused with, and where. Each position is worked
//! out by hand from the text beside it; no message may show an address or a user's SIP address.

use super::limits::Limits;
use super::lync::tests::{ALICE, doc_item_set, read_within};
use super::lync::{ExportError, User};

/// The line, column and message of `xml`'s refusal within `limits`.
fn refused_within(xml: &[u8], limits: &Limits) -> (u64, u64, String) {
    match read_within(xml, limits) {
        Err(ExportError::At {
            line,
            column,
            problem,
        }) => {
            assert_private(&problem);
            (line, column, problem)
        }
        other => panic!("not refused at a place: {other:?}"),
    }
}

fn refused(xml: &[u8]) -> (u64, u64, String) {
    refused_within(xml, &Limits::default())
}

/// Every address of the texts here has a name with `secret` or `alice`.
fn assert_private(message: &str) {
    for name in ["secret", "alice", "contoso", "hotmail"] {
        assert!(!message.contains(name), "{message}");
    }
}

/// The 1-based column where `needle` first starts in line `line` (1-based) of `text`, found by
/// searching the text (an ASCII text: one byte, one column), not by the reader under test.
fn column_of(text: &str, line: usize, needle: &str) -> u64 {
    let l = text.lines().nth(line - 1).unwrap();
    l.find(needle).unwrap() as u64 + 1
}

/// The same for the last place of `needle` on the line.
fn last_column_of(text: &str, line: usize, needle: &str) -> u64 {
    let l = text.lines().nth(line - 1).unwrap();
    l.rfind(needle).unwrap() as u64 + 1
}

fn users(xml: &[u8]) -> Vec<User> {
    read_within(xml, &Limits::default()).unwrap().1
}

/// One user's item holding `contacts` (each a `Contact` element's attributes), on one line.
fn item(user: &str, contacts: &[&str]) -> String {
    let c: String = contacts.iter().map(|a| format!("<Contact {a}/>")).collect();
    format!(
        "  <DocItem Name=\"urn:lcd:{user}\"><Data><HomedResource><Contacts>{c}</Contacts></HomedResource></Data></DocItem>\n"
    )
}

#[test]
fn an_export_cut_short_is_refused_at_its_end_not_read_as_a_smaller_one() {
    let whole = doc_item_set(
        &[
            item("a.secret@contoso.com", &[r#"Buddy="b.secret@hotmail.com""#]),
            item("c.secret@contoso.com", &[r#"Buddy="d.secret@hotmail.com""#]),
        ]
        .concat(),
        false,
    );
    assert_eq!(users(whole.as_bytes()).len(), 2);
    // Cut after the first user's line: the root is still open (line 2, column 1).
    let cut = &whole[..whole.find("  <DocItem Name=\"urn:lcd:c.").unwrap()];
    let (line, column, why) = refused(cut.as_bytes());
    assert_eq!((line, column), (4, 1));
    assert!(
        why.contains("ends with 1 element still open (the innermost opened at line 2, column 1): it is cut short"),
        "{why}"
    );
    // Cut inside the second user's list: five elements open (the root, DocItem, Data,
    // HomedResource, Contacts), the innermost its <Contacts>.
    let inside = &whole[..whole.find("<Contact Buddy=\"d.").unwrap()];
    let (line, column, why) = refused(inside.as_bytes());
    assert_eq!(
        (line, column),
        (4, inside.lines().nth(3).unwrap().len() as u64 + 1)
    );
    let contacts = column_of(&whole, 4, "<Contacts>");
    assert!(
        why.contains(&format!(
            "5 elements still open (the innermost opened at line 4, column {contacts})"
        )),
        "{why}"
    );
}

#[test]
fn a_user_element_inside_another_is_refused_at_its_place() {
    let inner = item("b.secret@contoso.com", &[r#"Buddy="x.secret@hotmail.com""#]);
    let xml = doc_item_set(
        &format!(
            "  <DocItem Name=\"urn:lcd:a.secret@contoso.com\"><Data>\n{inner}</Data></DocItem>\n"
        ),
        false,
    );
    let (line, column, why) = refused(xml.as_bytes());
    assert_eq!((line, column), (4, 3));
    assert!(
        why.contains("a <DocItem> inside the one opened at line 3, column 3"),
        "{why}"
    );
    // Inside an item that is skipped (not a contact list) too, and in the Lync 2010 format.
    let skipped = xml.replace("urn:lcd:a.", "urn:hcd:a.");
    assert_eq!(refused(skipped.as_bytes()).0, 4);
    let legacy = "<HomedResources>\n<HomedResource UserAtHost=\"a@b.c\">\n  <HomedResource UserAtHost=\"d@e.f\"/>\n</HomedResource>\n</HomedResources>\n";
    let (line, column, why) = refused(legacy.as_bytes());
    assert_eq!((line, column), (3, 3));
    assert!(why.contains("a <HomedResource> inside"), "{why}");
}

#[test]
fn an_attribute_written_twice_is_refused_at_the_second() {
    // Refused at the second, on the item's line (line 3).
    let at = |attributes: &str, second: &str| {
        let xml = doc_item_set(&item("a.secret@contoso.com", &[attributes]), false);
        let (line, column, why) = refused(xml.as_bytes());
        assert_eq!(
            (line, column),
            (3, last_column_of(&xml, 3, second)),
            "{why}"
        );
        why
    };
    let why = at(
        r#"Buddy="x.secret@hotmail.com" Buddy="y.secret@hotmail.com""#,
        "Buddy=",
    );
    assert!(why.contains("its attribute `Buddy` twice"), "{why}");
    // Under two prefixes, which name it the same.
    at(
        r#"a:Buddy="x.secret@hotmail.com" b:Buddy="y.secret@hotmail.com""#,
        "b:Buddy",
    );
    // Another attribute twice before Buddy; and Buddy's name inside a later value is no repeat.
    at(r#"G="1" G="2" Buddy="x.secret@hotmail.com""#, "G=");
    let xml = doc_item_set(
        &item(
            "a.secret@contoso.com",
            &[r#"Buddy="x.secret@hotmail.com" DisplayName="Buddy""#],
        ),
        false,
    );
    assert_eq!(users(xml.as_bytes())[0].contacts.len(), 1);
}

#[test]
fn anything_outside_the_one_root_element_is_refused() {
    let one = doc_item_set("", false);
    let (line, column, why) = refused(format!("{one}<DocItemSet/>\n").as_bytes());
    assert_eq!((line, column), (4, 1));
    assert!(why.contains("a second root element"), "{why}");
    // The text outside starts right after the root's end tag (line 3, 13 characters).
    let (line, column, why) = refused(format!("{one}stray text\n").as_bytes());
    assert_eq!((line, column), (3, 14));
    assert!(why.contains("text outside the root element"), "{why}");
    let (line, column, why) = refused(format!("\n{one}").as_bytes());
    assert_eq!((line, column), (2, 1));
    assert!(
        why.contains("declaration that is not at the start"),
        "{why}"
    );
    let (line, column, why) =
        refused(b"<DocItemSet>\n<Contact Buddy=\"x.secret@hotmail.com\"/>\n</DocItemSet>");
    assert_eq!((line, column), (2, 1));
    assert!(why.contains("outside any user's contact list"), "{why}");
    let (line, column, why) = refused(b"\n\n");
    assert_eq!((line, column), (3, 1));
    assert!(why.contains("holds no XML element"), "{why}");
}

#[test]
fn elements_nested_deeper_than_an_export_are_refused() {
    let deep = format!("<DocItemSet>{}", "<a>".repeat(200));
    let (line, column, why) = refused(deep.as_bytes());
    // The 64th open element is the 63rd <a>, at column 13 + 3 * 62; the next is refused.
    assert_eq!((line, column), (1, 13 + 3 * 63));
    assert!(why.contains("nested more than 64 deep"), "{why}");
}

#[test]
fn a_piece_past_its_limit_is_refused_where_it_began_while_it_is_read() {
    let limits = Limits {
        piece: 1000,
        ..Limits::default()
    };
    let long = "x".repeat(5000);
    for (xml, at) in [
        (
            format!("<DocItemSet>\n<!-- {long} -->\n</DocItemSet>"),
            (2, 1),
        ),
        (
            format!("<DocItemSet>\n  <Note>{long}</Note></DocItemSet>"),
            (2, 9),
        ),
        (
            format!("<DocItemSet>{}</DocItemSet>", " ".repeat(5000)),
            (1, 13),
        ),
        (
            format!("<DocItemSet>\n<DocItem Name=\"{long}\"/></DocItemSet>"),
            (2, 1),
        ),
    ] {
        let (line, column, why) = refused_within(xml.as_bytes(), &limits);
        assert_eq!((line, column), at, "{why}");
        assert!(why.contains("longer than 1000 bytes"), "{why}");
    }
    // Just within the limit is read.
    let fits = format!("<DocItemSet><!-- {} --></DocItemSet>", "x".repeat(900));
    assert!(read_within(fits.as_bytes(), &limits).is_ok());
}

#[test]
fn lists_past_the_memory_limit_are_refused_where_the_limit_is_passed() {
    let contacts: Vec<String> = (0..200)
        .map(|i| format!(r#"Buddy="c{i}.secret@hotmail.com""#))
        .collect();
    let refs: Vec<&str> = contacts.iter().map(String::as_str).collect();
    let xml = doc_item_set(&item("a.secret@contoso.com", &refs), false);
    assert!(read_within(xml.as_bytes(), &Limits::default()).is_ok());
    let small = Limits {
        memory: 10_000,
        ..Limits::default()
    };
    let (line, column, why) = refused_within(xml.as_bytes(), &small);
    assert_eq!(line, 3);
    assert!(column > 72, "at a Contact: {column}");
    assert!(why.contains("more memory than 10000 bytes"), "{why}");
    // Bad contacts are charged too: a list of nothing but empty <Contact/>s.
    let empty = doc_item_set(&item("a.secret@contoso.com", &["x=\"1\""; 500]), false);
    assert!(
        refused_within(empty.as_bytes(), &small)
            .2
            .contains("more memory")
    );
}

#[test]
fn a_buddy_that_is_no_address_is_a_bad_contact_never_quoted() {
    let xml = doc_item_set(
        &item(
            "a.secret@contoso.com",
            &[
                r#"Buddy="x.secret&#10;@hotmail.com""#,
                r#"Buddy="@hotmail.com""#,
                r#"Buddy="x.secret@ ""#,
                r#"Buddy="sip:""#,
                r#"Buddy="ok.secret@hotmail.com""#,
            ],
        ),
        false,
    );
    let u = &users(xml.as_bytes())[0];
    let reasons: Vec<&str> = u.bad.iter().map(|b| b.reason).collect();
    assert_eq!(
        reasons,
        [
            "its Buddy holds a control character",
            "its Buddy has nothing before the @",
            "its Buddy has nothing after the @",
            "its Buddy is not an address (no @)",
        ]
    );
    assert_eq!(u.contacts.len(), 1);
    // An unknown entity is malformed XML, refused at its attribute.
    let xml = doc_item_set(
        &item(
            "a.secret@contoso.com",
            &[r#"Buddy="x.secret&nope;@hotmail.com""#],
        ),
        false,
    );
    let (line, column, why) = refused(xml.as_bytes());
    assert_eq!((line, column), (3, column_of(&xml, 3, "Buddy=")));
    assert!(why.contains("unknown entity"), "{why}");
}

#[test]
fn bytes_not_in_the_files_encoding_are_refused_never_replaced() {
    // Two contacts differing in one Latin-1 byte, in a file that says it is UTF-8.
    let text = doc_item_set(
        &item(
            "a.secret@contoso.com",
            &[
                "Buddy=\"jos\u{e9}@hotmail.com\"",
                "Buddy=\"jos\u{e8}@hotmail.com\"",
            ],
        ),
        false,
    );
    let latin1: Vec<u8> = text.chars().map(|c| c as u8).collect();
    let (line, column, why) = refused(&latin1);
    assert_eq!((line, column), (3, column_of(&text, 3, "\u{e9}")));
    assert!(
        why.contains("not UTF-8 text; picsim replaces none"),
        "{why}"
    );
    // Declared as ISO-8859-1, the same bytes are two contacts.
    let declared: Vec<u8> = text
        .replace("utf-8", "ISO-8859-1")
        .chars()
        .map(|c| c as u8)
        .collect();
    let u = &users(&declared)[0];
    let got: Vec<&str> = u.contacts.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(got, ["jos\u{e9}@hotmail.com", "jos\u{e8}@hotmail.com"]);
    // UTF-16 either way with its byte-order mark reads as UTF-8 does.
    let utf16 = text.replace("utf-8", "UTF-16");
    let le: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(utf16.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let be: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(utf16.encode_utf16())
        .flat_map(u16::to_be_bytes)
        .collect();
    assert_eq!(users(&le), users(text.as_bytes()));
    assert_eq!(users(&be), users(text.as_bytes()));
    // A declaration the mark contradicts is refused at the declaration.
    let mut lying = vec![0xEF, 0xBB, 0xBF];
    lying.extend(text.replace("utf-8", "ISO-8859-1").bytes());
    let (line, column, why) = refused(&lying);
    assert_eq!((line, column), (1, 1));
    assert!(
        why.contains("says ISO-8859-1, but its byte-order mark says UTF-8"),
        "{why}"
    );
}

#[test]
fn the_example_user_reads_the_same_through_every_check() {
    let u = users(doc_item_set(ALICE, true).as_bytes());
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].contacts.len(), 3);
}
