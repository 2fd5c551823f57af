//! A Lync / Skype for Business Server contact export end to end: synthetic exports built here in
//! every format (`Export-CsUserData`'s ZIP, a bare `DocItemSet.xml`, the Lync 2010 `dbimpexp`
//! XML), read by `picsim import` and simulated by `picsim run`, and the CSV `picsim import --to`
//! writes replayed to the same bytes. Every count asserted is worked out by hand from the export
//! below.

use crate::cli::picsim;
use crate::support::{all_text, stderr_of, stdout_of};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Each user's SIP address and the `Buddy` of each contact, with its groups. By hand, in one organisation holding both SIP domains:
/// - public-IM entries: alice's bob (wlm), carol (yahoo), dan (aim); gina's bob and hank (wlm):
///   5, wlm 3, aim 1, yahoo 1; bob's second line (another case, another group) is a repeat;
/// - internal: eve (contoso.example), and ivan's alice: 2; partner: frank: 1;
/// - ivan has no public-IM contact and is a user all the same: 3 users.
type Users = [(&'static str, &'static [(&'static str, &'static str)])];
const USERS: &Users = &[
    (
        "alice@contoso.example",
        &[
            ("sip:bob.secret@hotmail.com", "1 2"),
            ("sip:carol.secret@yahoo.com", "1"),
            ("dan.secret@aol.com", "2"),
            ("eve.secret@contoso.example", "1"),
            ("frank.secret@partner.example", "1"),
            ("SIP:Bob.Secret@Hotmail.com", "2"),
        ],
    ),
    (
        "gina@contoso.example",
        &[
            ("bob.secret@hotmail.com", "1"),
            ("hank.secret@live.com", "1"),
        ],
    ),
    ("ivan@fabrikam.example", &[("alice@contoso.example", "1")]),
];

/// One of the export formats.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// `Export-CsUserData`'s ZIP, its `DocItemSet.xml` with a default namespace.
    Zip,
    /// A bare `DocItemSet.xml` with no namespace.
    DocItemSet,
    /// The Lync 2010 `dbimpexp` XML, with its namespace.
    Legacy,
}

/// The export's XML; `bad`: gina's list also holds a contact without a `Buddy`, on line
/// [`BAD_LINE`].
fn xml(kind: Kind, bad: bool) -> String {
    let contacts = |list: &[(&str, &str)], bad: bool| {
        let mut c: String = list
            .iter()
            .map(|(buddy, groups)| {
                format!("      <Contact Buddy=\"{buddy}\" Groups=\"{groups}\" />\n")
            })
            .collect();
        if bad {
            c.push_str("      <Contact Groups=\"1\" />\n");
        }
        c
    };
    // A distribution group on alice's list: counted, never expanded.
    let groups = |u: usize| {
        let dl = if u == 0 {
            "        <ContactGroup Number=\"9\" DisplayName=\"VGVhbQ==\" ExternalUri=\"c2lwOnRlYW1AY29udG9zby5leGFtcGxl\" />\n"
        } else {
            ""
        };
        format!(
            "      <ContactGroups>\n        <ContactGroup Number=\"1\" DisplayName=\"fg==\" />\n{dl}      </ContactGroups>\n"
        )
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    match kind {
        Kind::Zip | Kind::DocItemSet => {
            let ns = if matches!(kind, Kind::Zip) {
                " xmlns=\"urn:schema:Microsoft.Rtc.Management.ScopeFramework.2008\""
            } else {
                ""
            };
            out.push_str(&format!("<DocItemSet{ns}>\n"));
            for (i, (user, list)) in USERS.iter().enumerate() {
                out.push_str(&format!(
                    "  <DocItem Name=\"urn:lcd:{user}\">\n    <Data><HomedResource>\n{}      <Contacts>\n{}      </Contacts>\n    </HomedResource></Data>\n  </DocItem>\n",
                    groups(i),
                    contacts(list, bad && i == 1)
                ));
                // Conferencing data: not a contact list.
                out.push_str(&format!(
                    "  <DocItem Name=\"urn:hcd:{user}\"><Data><Contact Buddy=\"x.secret@hotmail.com\" /></Data></DocItem>\n"
                ));
            }
            out.push_str("</DocItemSet>\n");
        }
        Kind::Legacy => {
            out.push_str("<HomedResources xmlns=\"http://schemas.microsoft.com/RtcServer/2002/11/dbimpexp\">\n");
            for (i, (user, list)) in USERS.iter().enumerate() {
                out.push_str(&format!(
                    "  <HomedResource UserAtHost=\"{user}\">\n{}      <Contacts>\n{}      </Contacts>\n  </HomedResource>\n",
                    groups(i),
                    contacts(list, bad && i == 1)
                ));
            }
            out.push_str("</HomedResources>\n");
        }
    }
    out
}

/// The line of gina's contact without a `Buddy` in [`xml`]`(Kind::Zip | Kind::DocItemSet, true)`:
/// the declaration, the root, alice's item (16 lines with its distribution group), her `urn:hcd:`
/// item, then gina's 6 lines before her contacts and her two contacts.
const BAD_LINE: usize = 1 + 1 + 16 + 1 + 6 + 2 + 1;

/// Writes the export in `dir` and returns its path.
fn write_export(dir: &Path, kind: Kind, bad: bool) -> PathBuf {
    let text = xml(kind, bad);
    match kind {
        Kind::Zip => {
            let path = dir.join("ExportedUserData.zip");
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            // What else the cmdlet writes beside the contact data.
            zip.start_file("MetaData.xml", options).unwrap();
            zip.write_all(b"<MetaData Version=\"1\" />").unwrap();
            zip.start_file("DocItemSet.xml", options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
            zip.finish().unwrap();
            path
        }
        Kind::DocItemSet => {
            let path = dir.join("DocItemSet.xml");
            std::fs::write(&path, text).unwrap();
            path
        }
        Kind::Legacy => {
            let path = dir.join("lync2010.xml");
            std::fs::write(&path, text).unwrap();
            path
        }
    }
}

/// A scenario over the default story that imports `contacts`, with `more` appended.
fn scenario(dir: &Path, name: &str, contacts: &Path, more: &str) -> PathBuf {
    let parent = std::env::current_dir()
        .unwrap()
        .join("scenarios/pic-2013.toml");
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[scenario]\nreplications = 2\nseed = 7\n[population.import]\ncontacts = {:?}\n{more}",
            parent.display().to_string(),
            contacts.display().to_string()
        ),
    )
    .unwrap();
    path
}

fn run(s: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    picsim()
        .args(["run", "--quiet", "--threads", "2"])
        .arg(s)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn every_export_format_is_read_and_run_with_the_counts_worked_out_by_hand() {
    for kind in [Kind::Zip, Kind::DocItemSet, Kind::Legacy] {
        let dir = tempfile::tempdir().unwrap();
        let file = write_export(dir.path(), kind, false);
        let out = picsim().arg("import").arg(&file).assert().success();
        let text = stdout_of(&out);
        let (format, skipped) = match kind {
            Kind::Zip => ("Export-CsUserData ZIP (DocItemSet.xml)", 3),
            Kind::DocItemSet => ("DocItemSet.xml", 3),
            Kind::Legacy => ("Lync 2010 dbimpexp XML", 0),
        };
        for line in [
            format!(": {format}, classified by"),
            "organisations: 1 (contoso.example)\n".into(),
            "users: 3 (1 with no public-IM contact)\n".into(),
            "public-IM entries: 5 (Windows Live Messenger 3, AOL Instant Messenger 1, Yahoo! Messenger 1)\n".into(),
            "internal contacts: 2 ".into(),
            "federated-partner contacts: 1 ".into(),
            "distribution groups: 1 ".into(),
            format!("items that are not contact lists: {skipped} "),
            "contacts repeated in other groups: 1 ".into(),
            "refused: 0\n".into(),
        ] {
            assert!(text.contains(&line), "{kind:?}: {line:?} missing from:\n{text}");
        }
        assert!(
            !text.contains("secret"),
            "{kind:?}: an address shown:\n{text}"
        );

        let s = scenario(dir.path(), "s.toml", &file, "");
        let out = dir.path().join("out");
        run(&s, &out, &[]).success();
        let orgs = std::fs::read_to_string(out.join("orgs.csv")).unwrap();
        let header: Vec<&str> = orgs.lines().next().unwrap().split(',').collect();
        let users = header.iter().position(|h| *h == "users").unwrap();
        let rows: Vec<Vec<&str>> = orgs
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), 2, "one organisation, two replications:\n{orgs}");
        assert!(rows.iter().all(|r| r[users] == "3"), "{orgs}");
        // Five entries per replication, each with its fate.
        let impact = std::fs::read_to_string(out.join("user_impact.csv")).unwrap();
        assert_eq!(impact.lines().count(), 1 + 2 * 5, "{impact}");
        let report = std::fs::read_to_string(out.join("report.html")).unwrap();
        for part in [
            "<h2>Imported contact lists</h2>",
            format,
            "3, of whom 1 with no public-IM contact",
            "Left out: internal contacts</th><td>2 ",
            "Left out: federated partners</th><td>1 ",
            "href=\"user_impact.csv\"",
        ] {
            assert!(
                report.contains(part),
                "{kind:?}: {part:?} missing from the report"
            );
        }
        assert!(
            !all_text(&out).contains("secret"),
            "{kind:?}: an address in the outputs"
        );
    }
}

#[test]
fn the_csv_import_writes_replays_the_export_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_export(dir.path(), Kind::Zip, false);
    let csv = dir.path().join("contacts.csv");
    picsim()
        .arg("import")
        .arg(&zip)
        .arg("--to")
        .arg(&csv)
        .assert()
        .success();
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(!written.contains("secret"), "pseudonyms only:\n{written}");
    // Ivan, with no public-IM contact, is declared where he first appeared.
    assert!(
        written.starts_with("user,contact,network,org,domain\nalice@contoso.example,c")
            && written.ends_with("ivan@fabrikam.example,,none,contoso.example,fabrikam.example\n"),
        "{written}"
    );
    assert_eq!(written.lines().count(), 1 + 5 + 1);
    // An existing file is left alone without --force.
    let again = picsim()
        .arg("import")
        .arg(&zip)
        .arg("--to")
        .arg(&csv)
        .assert()
        .code(1);
    assert!(stderr_of(&again).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), written);

    let from_zip = dir.path().join("zip");
    let from_csv = dir.path().join("csv");
    run(&scenario(dir.path(), "a.toml", &zip, ""), &from_zip, &[]).success();
    run(&scenario(dir.path(), "b.toml", &csv, ""), &from_csv, &[]).success();
    for f in ["series.csv", "orgs.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read(from_zip.join(f)).unwrap(),
            std::fs::read(from_csv.join(f)).unwrap(),
            "{f} differs between the export and its CSV"
        );
    }
    // Revealed on request only.
    picsim()
        .arg("import")
        .arg(&zip)
        .arg("--to")
        .arg(&csv)
        .args(["--force", "--reveal-addresses"])
        .assert()
        .success();
    let revealed = std::fs::read_to_string(&csv).unwrap();
    assert!(revealed.contains("alice@contoso.example,bob.secret@hotmail.com,wlm,"));
}

#[test]
fn a_contact_without_buddy_is_refused_at_its_line_and_column_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_export(dir.path(), Kind::DocItemSet, true);
    let s = scenario(dir.path(), "s.toml", &file, "");
    let out = dir.path().join("out");
    let refused = run(&s, &out, &[]).code(1);
    let err = stderr_of(&refused);
    assert!(
        err.contains(&format!(
            "DocItemSet.xml:{BAD_LINE}:7: the contact: it has no Buddy attribute"
        )),
        "{err}"
    );
    assert!(
        err.contains("--skip-bad-rows") && !err.contains("secret"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    run(&s, &out, &["--skip-bad-rows"]).success();
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert_eq!(
        rejected,
        format!(
            "line,column,reason,user,contact\n{BAD_LINE},7,the contact: it has no Buddy attribute,gina@contoso.example,\n"
        )
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("Refused and left out</th><td>1 ")
            && report.contains("href=\"rejected.csv\"")
    );
}

#[test]
fn malformed_xml_is_refused_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("DocItemSet.xml");
    std::fs::write(
        &file,
        "<DocItemSet>\n  <DocItem Name=\"urn:lcd:x.secret@a.com\">\n    <Data></HomedResource>\n",
    )
    .unwrap();
    let s = scenario(dir.path(), "s.toml", &file, "");
    let out = dir.path().join("out");
    let a = run(&s, &out, &[]).code(1);
    let err = stderr_of(&a);
    assert!(
        err.contains("population.import.contacts")
            && err.contains("line 3, column 11: malformed XML"),
        "{err}"
    );
    assert!(!err.contains("secret"), "{err}");
    assert!(!out.exists());
    let a = picsim().arg("import").arg(&file).assert().code(1);
    assert!(stderr_of(&a).contains("line 3, column 11: malformed XML"));
}

#[test]
fn a_domain_mapping_makes_organisations_and_partners_between_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_export(dir.path(), Kind::Legacy, false);
    let s = scenario(
        dir.path(),
        "s.toml",
        &file,
        "[population.import.orgs]\n\"contoso.example\" = \"Contoso\"\n\"fabrikam.example\" = \"Fabrikam\"\n",
    );
    let a = picsim()
        .args(["import", "--scenario"])
        .arg(&s)
        .arg(&file)
        .assert()
        .success();
    let text = stdout_of(&a);
    // Ivan's alice is now another organisation's: a partner, as frank is.
    for line in [
        "organisations: 2 (Contoso, Fabrikam)\n",
        "internal contacts: 1 ",
        "federated-partner contacts: 2 ",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    let out = dir.path().join("out");
    run(&s, &out, &[]).success();
    let orgs = std::fs::read_to_string(out.join("orgs.csv")).unwrap();
    assert_eq!(orgs.lines().count(), 1 + 2 * 2, "{orgs}");
    // A format that is not the file's, and keys that do not fit, are refused at their key.
    let forced = scenario(dir.path(), "f.toml", &file, "format = \"zip\"\n");
    let a = picsim().arg("validate").arg(&forced).assert().code(1);
    assert!(
        stderr_of(&a).contains("is not a ZIP archive"),
        "{}",
        stderr_of(&a)
    );
    let both = scenario(
        dir.path(),
        "b.toml",
        &file,
        "org = \"Contoso\"\n[population.import.orgs]\n\"contoso.example\" = \"Contoso\"\n",
    );
    let a = picsim().arg("validate").arg(&both).assert().code(1);
    assert!(
        stderr_of(&a).contains("population.import.org:"),
        "{}",
        stderr_of(&a)
    );
}

/// `picsim import FILE` (stdout on success, stderr on refusal, which must be exit 1).
fn import(file: &Path) -> Result<String, String> {
    let out = picsim().arg("import").arg(file).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    match out.status.code() {
        Some(0) => Ok(text(&out.stdout)),
        Some(1) => Err(text(&out.stderr)),
        other => panic!("exit {other:?}: {}", text(&out.stderr)),
    }
}

/// A ZIP holding `entries` (name, content).
fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, content) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn an_export_cut_short_is_refused_by_run_and_import_not_read_as_a_smaller_one() {
    let dir = tempfile::tempdir().unwrap();
    let whole = xml(Kind::DocItemSet, false);
    // Cut where gina's list would start: alice's list and her urn:hcd: item are whole.
    let cut = &whole[..whole.find("  <DocItem Name=\"urn:lcd:gina").unwrap()];
    let lines = cut.lines().count() + 1;
    let file = dir.path().join("DocItemSet.xml");
    std::fs::write(&file, cut).unwrap();
    let err = import(&file).unwrap_err();
    assert!(
        err.contains(&format!("DocItemSet.xml' line {lines}, column 1: the file ends with 1 element still open (the innermost opened at line 2, column 1): it is cut short")),
        "{err}"
    );
    let s = scenario(dir.path(), "s.toml", &file, "");
    let out = dir.path().join("out");
    let err = stderr_of(&run(&s, &out, &["--skip-bad-rows"]).code(1));
    assert!(
        err.contains("population.import.contacts")
            && err.contains("cut short")
            && !err.contains("secret"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn an_export_in_another_encoding_is_read_in_it_or_refused_at_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    // Two contacts differing in one byte of ISO-8859-1.
    let text = xml(Kind::DocItemSet, false)
        .replace("hank.secret@live.com", "jos\u{e9}.secret@live.com")
        .replace(
            "bob.secret@hotmail.com\" Groups=\"1\"",
            "jos\u{e8}.secret@live.com\" Groups=\"1\"",
        );
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let file = dir.path().join("DocItemSet.xml");
    std::fs::write(&file, &latin1).unwrap();
    let line = 1 + text.lines().position(|l| l.contains("jos\u{e8}")).unwrap();
    let column = 1 + text.lines().nth(line - 1).unwrap().find('\u{e8}').unwrap();
    let err = import(&file).unwrap_err();
    assert!(
        err.contains(&format!(
            "line {line}, column {column}: bytes that are not UTF-8 text"
        )),
        "{err}"
    );
    // Declared, it is read: gina's two contacts stay two (with their bytes replaced, both were
    // `jos\u{fffd}.secret@live.com`, one entry).
    let declared: Vec<u8> = text
        .replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    std::fs::write(&file, &declared).unwrap();
    let said = import(&file).unwrap();
    assert!(
        said.contains("public-IM entries: 5 (Windows Live Messenger 3,"),
        "{said}"
    );
    // UTF-16 with its byte-order mark reads as the UTF-8 export does.
    let utf8 = dir.path().join("utf8.xml");
    std::fs::write(&utf8, &text).unwrap();
    let utf16: Vec<u8> = std::iter::once(0xFEFF)
        .chain(text.replace("utf-8", "UTF-16").encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(&file, utf16).unwrap();
    let strip = |s: String| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(import(&file).unwrap()), strip(import(&utf8).unwrap()));
}

#[test]
fn an_export_with_a_list_inside_another_two_doc_item_sets_or_a_repeated_buddy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = xml(Kind::DocItemSet, false);
    let file = dir.path().join("DocItemSet.xml");
    // gina's item moved inside alice's data.
    let gina = text.find("  <DocItem Name=\"urn:lcd:gina").unwrap();
    let gina_end = gina + text[gina..].find("  </DocItem>\n").unwrap() + 13;
    let alice_data = text.find("    <Data><HomedResource>").unwrap() + "    <Data>".len();
    let nested = format!(
        "{}{}{}{}",
        &text[..alice_data],
        &text[gina..gina_end],
        &text[alice_data..gina],
        &text[gina_end..]
    );
    std::fs::write(&file, &nested).unwrap();
    let err = import(&file).unwrap_err();
    // On alice's `<Data>` line (line 4), right after it.
    let column = "    <Data>".len() + 3;
    assert!(
        err.contains(&format!(
            "line 4, column {column}: a <DocItem> inside the one opened at line 3, column 3"
        )),
        "{err}"
    );
    // A Contact with two Buddy attributes.
    let twice = text.replacen(
        "<Contact Buddy=\"sip:carol.secret@yahoo.com\"",
        "<Contact Buddy=\"sip:carol.secret@yahoo.com\" Buddy=\"x.secret@hotmail.com\"",
        1,
    );
    std::fs::write(&file, &twice).unwrap();
    let line = 1 + twice.lines().position(|l| l.contains("carol")).unwrap();
    let column = 1 + twice.lines().nth(line - 1).unwrap().rfind("Buddy").unwrap();
    let err = import(&file).unwrap_err();
    assert!(
        err.contains(&format!(
            "line {line}, column {column}: the element has its attribute `Buddy` twice"
        )),
        "{err}"
    );
    // Two DocItemSet.xml in one archive.
    let zip = dir.path().join("ExportedUserData.zip");
    zip_of(
        &zip,
        &[
            ("DocItemSet.xml", text.as_bytes()),
            ("old/DocItemSet.xml", text.as_bytes()),
        ],
    );
    let err = import(&zip).unwrap_err();
    assert!(
        err.contains("holds DocItemSet.xml twice, entry 1 of its directory (at byte ")
            && err.contains(") and entry 2 of its directory (at byte "),
        "{err}"
    );
    assert!(!err.contains("secret"), "{err}");
}

#[test]
fn the_limits_are_scenario_keys_checked_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_export(dir.path(), Kind::Zip, false);
    // A piece limit below the export's longest tag: refused at that tag, naming the key.
    // The root tag, with its namespace, is the longest: 77 bytes.
    let s = scenario(dir.path(), "s.toml", &file, "max_piece_size = 50\n");
    let err = stderr_of(&picsim().arg("validate").arg(&s).assert().code(1));
    assert!(
        err.contains("(its DocItemSet.xml) line 2, column 1: one tag, text or comment of the XML is longer than 50 bytes (the limit `population.import.max_piece_size`"),
        "{err}"
    );
    // Values that are no size, at their line.
    for (value, line) in [("\"lots\"", 7), ("0", 7), ("-5", 7)] {
        let s = scenario(
            dir.path(),
            "b.toml",
            &file,
            &format!("max_list_memory = {value}\n"),
        );
        let err = stderr_of(&picsim().arg("validate").arg(&s).assert().code(1));
        assert!(
            err.contains(&format!("b.toml:{line}:"))
                && err.contains("population.import.max_list_memory: a size above 0"),
            "{value}: {err}"
        );
    }
    // Raised, it reads; and the option of picsim import raises it the same way.
    let s = scenario(dir.path(), "r.toml", &file, "max_piece_size = \"4K\"\n");
    picsim().arg("validate").arg(&s).assert().success();
    let a = picsim()
        .args(["import", "--max-piece-size", "50"])
        .arg(&file)
        .assert()
        .code(1);
    assert!(stderr_of(&a).contains("`--max-piece-size` of picsim import"));
}
