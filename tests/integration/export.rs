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
