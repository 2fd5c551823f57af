//! Mutations of a server export for the export door's fuzzer: structure-aware ones for its XML
//! (cut short, a user's list moved inside another's, an attribute written twice, text and a
//! second root outside it, references, a declaration naming another encoding, a piece or a
//! nesting past the limits), re-encodings (UTF-16 either way, ISO-8859-1, stray bytes), byte
//! mutations, and ZIP-level ones (two `DocItemSet.xml`, none, damaged headers and directory,
//! encryption and unknown methods declared, sizes that lie, junk around it, bombs).
//!
//! Like the other corpus mutations, they work on bytes and lines rather than a parse tree: a
//! parser would refuse to hand back the damaged inputs that find bugs.

use super::mutate::{below, bytes, pick};
use picsim::rng::Stream;
use std::io::Write as _;

/// One input: the file's bytes, the `format` key to force, if any, and what kind of input it is
/// (`bare XML`, `ZIP`, `damaged ZIP`, `bomb`), for the counts per kind.
pub struct Input {
    pub bytes: Vec<u8>,
    pub format: Option<&'static str>,
    pub kind: &'static str,
}

/// Input from one of `seeds` (exports as XML), mutated one to three times, then written bare,
/// zipped (and perhaps damaged), or replaced by a bomb.
pub fn input(rng: &mut Stream, seeds: &[&[u8]]) -> Input {
    let which = below(rng, seeds.len());
    let snippets = SNIPPETS.join("\n");
    let others: Vec<&[u8]> = (0..seeds.len())
        .filter(|&i| i != which)
        .map(|i| seeds[i])
        .chain([snippets.as_bytes()])
        .collect();
    let mut xml = seeds[which].to_vec();
    for _ in 0..1 + below(rng, 3) {
        xml = match below(rng, 10) {
            0..=2 => bytes(rng, xml, &others),
            3..=8 => structure(rng, xml),
            _ => encoding(rng, xml),
        };
    }
    let (bytes, kind) = match below(rng, 20) {
        0..=8 => (xml, "bare XML"),
        9..=18 => zipped(rng, &xml),
        _ => (bomb(rng), "bomb"),
    };
    let format = match below(rng, 12) {
        0 => Some(*pick(
            rng,
            &["zip", "docitemset", "dbimpexp", "csv", "auto"],
        )),
        _ => None,
    };
    Input {
        bytes,
        format,
        kind,
    }
}

/// Text inserted whole at a line boundary: what exports must not hold, or hold rarely.
const SNIPPETS: &[&str] = &[
    "stray text outside",
    "<DocItemSet/>",
    "<HomedResources/>",
    "<!DOCTYPE DocItemSet [<!ENTITY a \"x.secret@hotmail.com\"><!ENTITY b \"&a;&a;&a;&a;\">]>",
    "<!-- a -- b -->",
    "<![CDATA[<Contact Buddy=\"c.secret@hotmail.com\"/>]]>",
    "<?pi data?>",
    "&unknown;",
    "&#0;",
    "&#xD800;",
    "<Contact Buddy=\"a&#1;b.secret@hotmail.com\"/>",
    "<Contact Buddy=\"&b;\"/>",
    "<Contact/>",
    "<Contact Buddy=\"nobody.secret\"/>",
    "<Contact Buddy=\"@hotmail.com\"/><Contact Buddy=\"x.secret@\"/>",
    "<a:Contact xmlns:a=\"urn:a\" a:Buddy=\"p.secret@yahoo.com\" b:Buddy=\"q.secret@yahoo.com\"/>",
    "<Contact Buddy=\"r.secret@hotmail.com\" Buddy=\"s.secret@hotmail.com\"/>",
    "<DocItem Name=\"urn:lcd:zed.secret@contoso.example\">",
    "<DocItem Name=\"urn:lcd:zed.secret@contoso.example\"/>",
    "<HomedResource UserAtHost=\"yan.secret@contoso.example\">",
    "</DocItem>",
    "</HomedResource>",
    "<DocItem Name=\"urn:lcd:\"/>",
    "<DocItem Name=\"urn:lcd:a&#9;b.secret@c.example\"/>",
    "<DocItem Name=\"urn:lcd:ann.secret@contoso.example\"><Data/></DocItem>",
    "<ContactGroup ExternalUri=\"\" ExternalUri=\"x\"/>",
    "<Contact Buddy='t.secret@hotmail.com' Groups=1 />",
    "<Contact Buddy=\"u.secret@hotmail.com\" Groups />",
    "<Contact Buddy=\"v.secret@hotmail.com",
    "<?xml version=\"1.0\"?>",
];

/// Byte positions just after each `\n` of `text`, and its end.
fn line_starts(text: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text).map(|i| i + 1))
        .collect()
}

/// One structure-aware mutation of an export's XML.
fn structure(rng: &mut Stream, mut xml: Vec<u8>) -> Vec<u8> {
    let starts = line_starts(&xml);
    let line = |rng: &mut Stream| {
        let i = below(rng, starts.len());
        let end = starts.get(i + 1).copied().unwrap_or(xml.len());
        (starts[i], end)
    };
    match below(rng, 12) {
        // Cut short: anywhere, or just after a tag.
        0 => xml.truncate(below(rng, xml.len() + 1)),
        1 => {
            let ends: Vec<usize> = memchr::memchr_iter(b'>', &xml).collect();
            if !ends.is_empty() {
                xml.truncate(pick(rng, &ends) + 1);
            }
        }
        // A line repeated, dropped, or copied elsewhere (a user's start tag inside another's).
        2..=4 => {
            let (s, e) = line(rng);
            let copy = xml[s..e].to_vec();
            match below(rng, 3) {
                0 => {
                    xml.drain(s..e);
                }
                _ => {
                    let at = *pick(rng, &starts);
                    xml.splice(at..at, copy);
                }
            }
        }
        // An attribute written twice.
        5 => {
            let names: &[&[u8]] = &[
                b" Buddy=\"",
                b" Name=\"",
                b" UserAtHost=\"",
                b" Groups=\"",
                b" ExternalUri=\"",
            ];
            let name = *pick(rng, names);
            let at: Vec<usize> = memchr::memmem::find_iter(&xml, name).collect();
            if !at.is_empty() {
                let s = *pick(rng, &at);
                let value_end =
                    memchr::memchr(b'"', &xml[s + name.len()..]).map(|e| s + name.len() + e + 1);
                if let Some(e) = value_end {
                    let copy = xml[s..e].to_vec();
                    xml.splice(e..e, copy);
                }
            }
        }
        // Something inserted at a line boundary.
        6..=8 => {
            let at = *pick(rng, &starts);
            let snippet = pick(rng, SNIPPETS).as_bytes().to_vec();
            xml.splice(at..at, snippet);
        }
        // The declaration names another encoding.
        9 => {
            let label = *pick(
                rng,
                &[
                    "UTF-16",
                    "ISO-8859-1",
                    "us-ascii",
                    "windows-1252",
                    "klingon",
                    "",
                    "utf-32",
                    "shift_jis",
                ],
            );
            if let Some(at) = memchr::memmem::find(&xml, b"encoding=\"") {
                let from = at + 10;
                if let Some(len) = memchr::memchr(b'"', &xml[from..]) {
                    xml.splice(from..from + len, label.bytes());
                }
            }
        }
        // A Buddy replaced by an extreme value.
        10 => {
            let at: Vec<usize> = memchr::memmem::find_iter(&xml, b"Buddy=\"").collect();
            if !at.is_empty() {
                let from = pick(rng, &at) + 7;
                if let Some(len) = memchr::memchr(b'"', &xml[from..]) {
                    xml.splice(from..from + len, extreme(rng));
                }
            }
        }
        // Past a limit: deep, many attributes, a long piece, many contacts.
        _ => {
            let at = *pick(rng, &starts);
            xml.splice(at..at, past_a_limit(rng));
        }
    }
    xml
}

/// A Buddy's value at the limits of what a reader meets.
fn extreme(rng: &mut Stream) -> Vec<u8> {
    let fixed: &[&[u8]] = &[
        b"",
        b" ",
        b"@",
        b"a@",
        b"@b",
        b"sip:",
        b"SIP:sip:w.secret@hotmail.com",
        b"a@b@c.secret@hotmail.com",
        b"x\x01.secret@hotmail.com",
        b"jos\xc3\xa9.secret@hotmail.com",
        b"&amp;.secret@hotmail.com",
        b"\xc2\x85.secret@hotmail.com",
        b"x.secret@HOTMAIL.COM.",
        b"x.secret@mail.yahoo.com",
    ];
    match below(rng, fixed.len() + 1) {
        n if n < fixed.len() => fixed[n].to_vec(),
        _ => {
            let mut long = vec![b'7'; 40_000];
            long.extend_from_slice(b".secret@hotmail.com");
            long
        }
    }
}

/// Text past one of the fuzzer's lowered limits (16 KiB a piece, 4 MiB of lists, 64 deep).
fn past_a_limit(rng: &mut Stream) -> Vec<u8> {
    match below(rng, 5) {
        0 => "<a>".repeat(70 + below(rng, 200)).into_bytes(),
        1 => {
            let attributes: String = (0..3000).map(|i| format!(" a{i}=\"\"")).collect();
            format!("<Note{attributes}/>").into_bytes()
        }
        2 => format!("<!--{}-->", "x".repeat(20_000)).into_bytes(),
        3 => format!(
            "<Contact Buddy=\"{}.secret@hotmail.com\"/>",
            "y".repeat(20_000)
        )
        .into_bytes(),
        _ => {
            let n = 10_000 + below(rng, 40_000);
            let mut s =
                String::from("<DocItem Name=\"urn:lcd:many.secret@contoso.example\"><Data>");
            for i in 0..n {
                s.push_str(&format!("<Contact Buddy=\"c{i}.secret@hotmail.com\"/>\n"));
            }
            s.push_str("</Data></DocItem>\n");
            s.into_bytes()
        }
    }
}

/// The text re-encoded, or given a stray byte.
fn encoding(rng: &mut Stream, xml: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&xml).into_owned();
    let utf16 = |le: bool, mark: bool| -> Vec<u8> {
        let units = (mark.then_some(0xFEFF))
            .into_iter()
            .chain(text.encode_utf16());
        units
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    };
    match below(rng, 8) {
        0 => utf16(true, true),
        1 => utf16(false, true),
        2 => utf16(below(rng, 2) == 0, false),
        // ISO-8859-1, declared as such or not.
        3 | 4 => {
            let t = if below(rng, 2) == 0 {
                text.replacen("utf-8", "ISO-8859-1", 1)
            } else {
                text
            };
            t.chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect()
        }
        // A byte that is not UTF-8, somewhere.
        5 | 6 => {
            let mut out = xml;
            let at = below(rng, out.len() + 1);
            let odd = *pick(
                rng,
                &[
                    &b"\xe9"[..],
                    b"\xff",
                    b"\xc3",
                    b"\xed\xa0\x80",
                    b"\xf4\x90\x80\x80",
                    b"\xc0\xaf",
                ],
            );
            out.splice(at..at, odd.iter().copied());
            out
        }
        // A byte-order mark of UTF-8 or of UTF-32 in front.
        _ => {
            let mark: &[u8] = if below(rng, 2) == 0 {
                b"\xef\xbb\xbf"
            } else {
                b"\xff\xfe\x00\x00"
            };
            [mark, &xml].concat()
        }
    }
}

/// A ZIP of `entries`, deflated or stored.
fn zip_of(entries: &[(&str, &[u8])], deflate: bool, level: i64) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(deflate.then_some(level))
        .large_file(true);
    for (name, content) in entries {
        // A name the writer refuses (twice the same) is skipped; the directory is patched below.
        if zip.start_file(*name, options).is_ok() {
            let _ = zip.write_all(content);
        }
    }
    let _ = zip.finish();
    out.into_inner()
}

/// `xml` as an `Export-CsUserData` ZIP, with one ZIP-level mutation half the time (said by the
/// kind returned).
fn zipped(rng: &mut Stream, xml: &[u8]) -> (Vec<u8>, &'static str) {
    let name = *pick(
        rng,
        &[
            "DocItemSet.xml",
            "export/DocItemSet.xml",
            "docitemset.XML",
            "DocItemSet.xml.bak",
        ],
    );
    let meta: &[u8] = b"<MetaData Version=\"1\" />";
    let deflate = below(rng, 4) != 0;
    let mut entries: Vec<(&str, &[u8])> = vec![("MetaData.xml", meta), (name, xml)];
    let mut same_name = false;
    match below(rng, 10) {
        0 => entries.push(("old/DocItemSet.xml", xml)),
        // The same name twice: written under another, then renamed in place.
        1 => {
            entries.push(("DocItemSeX.xml", b"<DocItemSet/>"));
            same_name = true;
        }
        _ => {}
    }
    let mut zip = zip_of(&entries, deflate, 6);
    if same_name {
        for at in memchr::memmem::find_iter(&zip.clone(), b"DocItemSeX.xml") {
            zip[at + 9] = b't';
        }
    }
    if below(rng, 2) == 0 {
        return (damaged(rng, zip), "damaged ZIP");
    }
    (zip, "ZIP")
}

/// One ZIP-level damage.
fn damaged(rng: &mut Stream, mut zip: Vec<u8>) -> Vec<u8> {
    let headers =
        |zip: &[u8], sig: &[u8]| memchr::memmem::find_iter(zip, sig).collect::<Vec<usize>>();
    let local = headers(&zip, b"PK\x03\x04");
    let central = headers(&zip, b"PK\x01\x02");
    match below(rng, 9) {
        0 => zip.truncate(below(rng, zip.len() + 1)),
        // The encryption flag, or a method picsim cannot read (bzip2, LZMA, AES, implode).
        1 | 2 => {
            let method = *pick(rng, &[12u16, 14, 99, 6, 1]);
            for &h in central.iter() {
                let (flag, m) = (h + 8, h + 10);
                if below(rng, 2) == 0 {
                    zip[flag] |= 1;
                } else {
                    zip[m..m + 2].copy_from_slice(&method.to_le_bytes());
                }
            }
            for &h in local.iter() {
                zip[h + 8..h + 10].copy_from_slice(&method.to_le_bytes());
            }
        }
        // Sizes that lie (uncompressed small or huge, compressed past the end).
        3 => {
            let value = *pick(rng, &[0u32, 1, 100, 0x7FFF_FFFF, 0xFFFF_FFFE]);
            for &h in &central {
                let at = h + *pick(rng, &[20usize, 24]);
                zip[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
        }
        // Junk in front (as a self-extracting archive has) or behind.
        4 => {
            let junk = vec![b'#'; 1 + below(rng, 3000)];
            zip.splice(0..0, junk);
        }
        5 => zip.extend(std::iter::repeat_n(0u8, 1 + below(rng, 3000))),
        // The directory or its end record damaged.
        6 if !central.is_empty() => {
            let at = *pick(rng, &central) + below(rng, 46);
            zip[at] ^= 1 << below(rng, 8);
        }
        7 => {
            let end = zip.len();
            let at = end - 1 - below(rng, 22.min(end));
            zip[at] ^= 1 << below(rng, 8);
        }
        _ => zip = bytes(rng, zip, &[]),
    }
    zip
}

/// A bomb: one repeated unit inflating past the fuzzer's limits (4 MiB inflated, 16 KiB a piece,
/// 4 MiB of lists), zipped or bare.
fn bomb(rng: &mut Stream) -> Vec<u8> {
    let head = "<?xml version=\"1.0\"?>\n<DocItemSet>\n";
    let user = "<DocItem Name=\"urn:lcd:b.secret@contoso.example\"><Data>";
    let (open, unit, close): (String, String, &str) = match below(rng, 7) {
        0 => (format!("{head}<!--"), "x".repeat(64), "-->"),
        1 => (head.into(), " ".repeat(64), "</DocItemSet>"),
        2 => (
            format!("{head}<DocItem Name=\"urn:lcd:"),
            "z".repeat(64),
            "@x\"/>",
        ),
        3 => (
            format!("{head}{user}"),
            "<Contact/>".into(),
            "</Data></DocItem></DocItemSet>",
        ),
        4 => (
            format!("{head}{user}"),
            "<ContactGroup ExternalUri=\"u\"/>".into(),
            "</Data></DocItem></DocItemSet>",
        ),
        5 => (
            head.into(),
            "<DocItem Name=\"urn:hcd:x\"/>\n".into(),
            "</DocItemSet>",
        ),
        _ => (head.into(), "<a>".into(), ""),
    };
    let size = (1usize << 20) * (5 + below(rng, 12));
    let mut text = open.into_bytes();
    while text.len() < size {
        text.extend_from_slice(unit.as_bytes());
    }
    text.extend_from_slice(close.as_bytes());
    if below(rng, 4) == 0 {
        return text;
    }
    zip_of(&[("DocItemSet.xml", &text)], true, 1)
}
