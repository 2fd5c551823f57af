//! No imported address in clear unless `--reveal-addresses`: every error path of the contact-list
//! and edge-list readers is run with canary addresses in the offending cell and elsewhere, through
//! `validate`, `run` (refused, and with `--skip-bad-rows`) and `population --export`, and neither
//! canary may appear on stdout or stderr; the contact canary may not appear in any output file
//! either. (Users' own ids are the organisation's: they stay in its output files, but no message
//! prints one.)

use crate::cli::picsim;
use std::path::Path;

/// A contact's address: personal data of someone outside the organisation.
const CONTACT: &str = "canary.secret@hotmail.com";
/// A Lync user's id that is an address: never in a message.
const USER: &str = "canary.user@contoso.example";
const HEADER: &str = "user,contact,org,domain,network";

/// A good row, so that a list with one bad row still has a usable one.
fn good() -> String {
    format!("u1@contoso.example,{CONTACT},Contoso,contoso.example,")
}

/// Contact lists reaching every refusal of the reader, by name.
fn contact_lists() -> Vec<(&'static str, Vec<u8>)> {
    let rows = |rows: &[&str]| -> Vec<u8> {
        let mut text = format!("{HEADER}\n{}\n", good());
        for r in rows {
            text.push_str(r);
            text.push('\n');
        }
        text.into_bytes()
    };
    let c = CONTACT;
    let u = USER;
    vec![
        (
            "no header",
            format!("{u},{c},Contoso,contoso.example,\n").into_bytes(),
        ),
        (
            "unknown column",
            format!("user,contact,{c}\n{u},{c},x\n").into_bytes(),
        ),
        (
            "repeated column",
            format!("user,user,contact\n{u},{u},{c}\n").into_bytes(),
        ),
        ("header not UTF-8", {
            let mut b = b"user,contact,org\xff\n".to_vec();
            b.extend(format!("{u},{c},x\n").bytes());
            b
        }),
        ("row not UTF-8", {
            // Latin-1 é in the contact.
            let mut b = rows(&[]);
            b.extend(format!("{u},canary.secret").bytes());
            b.extend(b"\xe9@hotmail.com,Contoso,contoso.example,\n");
            b
        }),
        (
            "field count",
            rows(&[&format!("{u},{c},Contoso,contoso.example,,{c}")]),
        ),
        (
            "empty user",
            rows(&[&format!(",{c},Contoso,contoso.example,")]),
        ),
        (
            "empty contact",
            rows(&[&format!("{u},,{c},contoso.example,")]),
        ),
        (
            "unknown network",
            rows(&[&format!("{u},x,Contoso,contoso.example,{c}")]),
        ),
        (
            "not an address",
            rows(&[&format!("{u},canary.secret,{c},contoso.example,")]),
        ),
        (
            "unknown domain",
            rows(&[&format!(
                "{u},canary.secret@unknown.example,Contoso,contoso.example,"
            )]),
        ),
        (
            "two organisations",
            rows(&[&format!(
                "u1@contoso.example,x@hotmail.com,{c},contoso.example,"
            )]),
        ),
        ("repeated contact", rows(&[&good()])),
        // A Skype name has no @: misplaced into another column it must stay hidden all the same.
        (
            "Skype name in the network column",
            rows(&[&format!(
                "{u},y@hotmail.com,Contoso,contoso.example,live:canary.secret"
            )]),
        ),
        (
            "Skype name in the organisation column",
            rows(&["u1@contoso.example,z@hotmail.com,live:canary.secret,contoso.example,"]),
        ),
        (
            "Skype name in a short row",
            rows(&[&format!("{u},live:canary.secret,skype")]),
        ),
        (
            "NUL in an address",
            rows(&[&format!(
                "{u},canary.secret\0@hotmail.com,Contoso,contoso.example,"
            )]),
        ),
        (
            "nothing before the @",
            rows(&[&format!("{u},@hotmail.com,{c},contoso.example,")]),
        ),
        (
            "domain is an address",
            rows(&[&format!("{u},y@hotmail.com,Contoso,{c},")]),
        ),
        (
            "no usable row",
            format!("{HEADER}\n{u},{c},Contoso,contoso.example,aim\n").into_bytes(),
        ),
    ]
    .into_iter()
    .chain(exports())
    .collect()
}

/// Server contact exports (written to the same file: the format is found from the content)
/// reaching every refusal of the export reader, the canaries in the offending places.
fn exports() -> Vec<(&'static str, Vec<u8>)> {
    let (c, u) = (CONTACT, USER);
    let doc = |items: &str| -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\"?>\n<DocItemSet xmlns=\"urn:x\">\n  <DocItem Name=\"urn:lcd:u1@contoso.example\"><Data><HomedResource><Contacts><Contact Buddy=\"sip:{c}\" /></Contacts></HomedResource></Data></DocItem>\n{items}</DocItemSet>\n"
        )
        .into_bytes()
    };
    let list = |user: &str, contacts: &str| {
        format!(
            "  <DocItem Name=\"urn:lcd:{user}\"><Data><HomedResource><Contacts>{contacts}</Contacts></HomedResource></Data></DocItem>\n"
        )
    };
    vec![
        (
            "export: contact without Buddy",
            doc(&list(u, &format!("<Contact DisplayName=\"{c}\" />"))),
        ),
        (
            "export: Buddy without @",
            doc(&list(u, "<Contact Buddy=\"canary.secret\" />")),
        ),
        (
            "export: user address without @",
            doc(&list(
                "canary.secret",
                &format!("<Contact Buddy=\"{c}\" />"),
            )),
        ),
        (
            "export: user listed twice",
            doc(&(list(u, &format!("<Contact Buddy=\"{c}\" />")) + &list(u, ""))),
        ),
        (
            "export: mismatched end tag named by an address",
            doc(&format!("<canary.secret></canary.secret.x>{}", list(u, ""))),
        ),
        (
            "export: unquoted attribute",
            doc(&list(u, &format!("<Contact Buddy={c} />"))),
        ),
        ("export: cut inside an attribute", {
            let mut b = doc(&list(u, ""));
            let at = String::from_utf8_lossy(&b).find("canary.secret").unwrap() + 8;
            b.truncate(at);
            b
        }),
        (
            "export: root named by an address",
            format!("<canary.secret><DocItem Name=\"urn:lcd:{u}\"/></canary.secret>").into_bytes(),
        ),
        ("export: no public contact", {
            let text = format!(
                "<HomedResources><HomedResource UserAtHost=\"{u}\"><Contacts><Contact Buddy=\"canary.secret@contoso.example\" /></Contacts></HomedResource></HomedResources>"
            );
            text.into_bytes()
        }),
        ("export: a ZIP without contact data", {
            let mut bytes = std::io::Cursor::new(Vec::new());
            let mut zip = zip::ZipWriter::new(&mut bytes);
            zip.start_file(
                "canary.secret@hotmail.com.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.finish().unwrap();
            bytes.into_inner()
        }),
    ]
}

/// Edge lists reaching every refusal of the reader and of the check against the population.
fn edge_lists() -> Vec<(&'static str, Vec<u8>)> {
    let c = CONTACT;
    let with = |line: &str| format!("{c},0\n{line}\n").into_bytes();
    vec![
        ("field count", with(&format!("{c},1,2"))),
        ("empty field", with(&format!(",{c}"))),
        ("negative id", with(&format!("{c},-1"))),
        ("fractional id", with("0,1.5")),
        ("hexadecimal id", with("0,0x10")),
        ("huge id", with(&format!("{c},{}", "9".repeat(100)))),
        ("20-digit id", with(&format!("0,{}", "1".repeat(20)))),
        ("NUL", with(&format!("canary.secret\0@hotmail.com,{c}"))),
        ("unknown address", with("canary.secret@yahoo.com,0")),
        ("nothing before the @", with(&format!("@hotmail.com,{c}"))),
        ("missing person", with(&format!("{c},99999"))),
        ("not UTF-8", {
            let mut b = format!("{c},0\n").into_bytes();
            b.extend(b"canary.secret\xe9@hotmail.com,0\n");
            b
        }),
        ("only self-loops", format!("{c},{c}\n").into_bytes()),
        ("header only", b"source,target\n".to_vec()),
    ]
}

/// A scenario importing `contacts.csv` (and, with `graph`, the edge list `edges.csv` and a word
/// of mouth migration) from `dir`.
fn scenario(dir: &Path, graph: bool) -> std::path::PathBuf {
    let base = if graph {
        "scenarios/wlm-bass.toml"
    } else {
        "scenarios/my-org.toml"
    };
    let mut text =
        "[scenario]\nreplications = 1\n[population.import]\ncontacts = \"contacts.csv\"\n"
            .to_string();
    if graph {
        text.push_str("[population.graph]\nkind = \"file\"\nfile = \"edges.csv\"\n");
    }
    crate::support::extending(dir, base, &text)
}

/// Every file under `dir`, recursively, as text (lossily).
fn files_text(dir: &Path) -> String {
    let mut out = String::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.push_str(&files_text(&p));
            } else {
                out.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// Runs validate, run (with and without --skip-bad-rows) and population --export on the scenario
/// and returns what leaked, if anything.
fn leaks(case: &str, s: &Path, dir: &Path) -> Vec<String> {
    let out = dir.join("out");
    let commands: Vec<Vec<String>> = vec![
        vec!["validate".into()],
        vec!["run".into(), "--out".into(), out.display().to_string()],
        vec![
            "run".into(),
            "--skip-bad-rows".into(),
            "--force".into(),
            "--out".into(),
            out.display().to_string(),
        ],
        vec![
            "population".into(),
            "--skip-bad-rows".into(),
            "--force".into(),
            "--export".into(),
            dir.join("world").display().to_string(),
        ],
    ];
    let mut found = Vec::new();
    for args in commands {
        let o = picsim()
            .arg(&args[0])
            .arg(s)
            .args(&args[1..])
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            !said.contains("panicked"),
            "{case}: `{}` panicked:\n{said}",
            args[0]
        );
        // A command with --force must reach the list (and, when it is accepted, the
        // replacement), not stop at its output folder: a refusal there would check nothing.
        assert!(
            !said.contains("not replacing") && !said.contains("already exists"),
            "{case}: `{}` stopped at its output folder:\n{said}",
            args.join(" ")
        );
        for canary in ["canary.secret", "canary.user"] {
            if said.contains(canary) {
                found.push(format!(
                    "{case}: `{}` printed {canary}:\n{said}",
                    args.join(" ")
                ));
            }
        }
    }
    let written = files_text(&out) + &files_text(&dir.join("world"));
    if written.contains("canary.secret") {
        found.push(format!("{case}: an output file holds the contact canary"));
    }
    found
}

#[test]
fn no_contact_list_refusal_shows_an_address() {
    let mut found = Vec::new();
    for (case, list) in contact_lists() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("contacts.csv"), list).unwrap();
        found.extend(leaks(case, &scenario(dir.path(), false), dir.path()));
    }
    assert!(found.is_empty(), "{}", found.join("\n\n"));
}

#[test]
fn no_edge_list_refusal_shows_an_address() {
    let mut found = Vec::new();
    for (case, edges) in edge_lists() {
        let dir = tempfile::tempdir().unwrap();
        let list = format!(
            "{HEADER}\n{}\nu1@contoso.example,x@hotmail.com,Contoso,contoso.example,\n",
            good()
        );
        std::fs::write(dir.path().join("contacts.csv"), list).unwrap();
        std::fs::write(dir.path().join("edges.csv"), edges).unwrap();
        found.extend(leaks(case, &scenario(dir.path(), true), dir.path()));
    }
    assert!(found.is_empty(), "{}", found.join("\n\n"));
}

#[test]
fn an_edge_list_naming_addresses_in_a_generated_population_shows_none() {
    let dir = tempfile::tempdir().unwrap();
    let s = crate::support::extending(
        dir.path(),
        "scenarios/wlm-bass.toml",
        "[scenario]\nreplications = 1\n[orgs]\ncount = 5\n[population.graph]\nkind = \"file\"\nfile = \"edges.csv\"\n",
    );
    std::fs::write(dir.path().join("edges.csv"), format!("0,1\n{CONTACT},2\n")).unwrap();
    let found = leaks("generated", &s, dir.path());
    assert!(found.is_empty(), "{}", found.join("\n\n"));
}

/// The inputs the fuzzer reduced (`fuzz/regressions/`): each once showed an address in a refusal.
#[test]
fn the_fuzzers_findings_stay_fixed() {
    let mut checked = 0;
    for entry in std::fs::read_dir("fuzz/regressions").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        for command in ["validate", "run"] {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = picsim();
            cmd.arg(command).arg(&path);
            if command == "run" {
                cmd.args(["--quiet", "--skip-bad-rows", "--out"])
                    .arg(dir.path().join("out"));
            }
            let o = cmd.output().unwrap();
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(!said.contains("panicked"), "{}: {said}", path.display());
            assert!(
                !said.contains("secret.person"),
                "{} {command}: {said}",
                path.display()
            );
            assert!(
                !files_text(&dir.path().join("out")).contains("secret.person"),
                "{}: an output file holds the address",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 2, "the regression inputs are there");
}
