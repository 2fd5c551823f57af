//! Exports built to exhaust memory or time (issue 29): ZIPs of a few MB whose `DocItemSet.xml`
//! inflates to 2 GiB of one comment, one attribute, white space, or empty `<Contact/>`s, made here
//! and read by `picsim import` under an address-space limit (`ulimit -v`). Each is refused with
//! exit 1, a line and column and the limit to raise, never an abort; the limits are read while
//! inflating, so an entry that says it is small is stopped all the same.

use crate::cli::picsim;
use crate::support::stderr_of;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A ZIP at `path` whose `DocItemSet.xml` is `head`, then `unit` repeated to `size` bytes, then
/// `tail`, deflated (a few MB on disk for 2 GiB of one repeated unit).
fn bomb(path: &Path, head: &str, unit: &str, size: u64, tail: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    zip.start_file("DocItemSet.xml", options).unwrap();
    zip.write_all(head.as_bytes()).unwrap();
    let block = unit.repeat((1 << 20) / unit.len());
    let mut written = head.len() as u64;
    while written < size {
        zip.write_all(block.as_bytes()).unwrap();
        written += block.len() as u64;
    }
    zip.write_all(tail.as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// `picsim ARGS` with its address space limited to `kib` KiB.
fn limited(kib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(r#"ulimit -v {kib}; exec "$0" "$@""#))
        .arg(assert_cmd::cargo::cargo_bin("picsim"))
        .args(args)
        .output()
        .unwrap()
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DocItemSet xmlns=\"urn:x\">\n";
const USER: &str =
    "<DocItem Name=\"urn:lcd:u.secret@contoso.example\"><Data><HomedResource><Contacts>";
const GIB: u64 = 1 << 30;

#[test]
fn two_gib_bombs_are_refused_at_their_place_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let user_head = format!("{HEAD}{USER}");
    // (name, head, unit, tail, where the refusal is, what it says, address space in KiB)
    let cases: [(&str, &str, &str, &str, &str, &str, u64); 4] = [
        (
            "comment",
            HEAD,
            "x",
            "-->",
            "line 3, column 1:",
            "longer than 1 MiB",
            512 << 10,
        ),
        (
            "attribute",
            "<DocItemSet>\n<DocItem Name=\"urn:lcd:",
            "x",
            "\"/>",
            "line 2, column 1:",
            "longer than 1 MiB",
            512 << 10,
        ),
        (
            "whitespace",
            HEAD,
            " ",
            "</DocItemSet>",
            "line 2, column 27:",
            "longer than 1 MiB",
            512 << 10,
        ),
        (
            "contacts",
            &user_head,
            "<Contact/>",
            "</Contacts>",
            "line 3, column ",
            "more memory than 1 GiB",
            4 << 20,
        ),
    ];
    for (name, head, unit, tail, at, says, kib) in cases {
        let head = if name == "comment" {
            format!("{head}<!--")
        } else {
            head.to_string()
        };
        let file = dir.path().join(format!("{name}.zip"));
        bomb(&file, &head, unit, 2 * GIB, tail);
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 16 << 20, "{name}: {size} bytes on disk");
        let out = limited(kib, &["import", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(&format!("(its DocItemSet.xml) {at}")) && err.contains(says),
            "{name}: {err}"
        );
        assert!(
            err.contains("raise it if the file is a genuine export") && !err.contains("secret"),
            "{name}: {err}"
        );
    }
}

/// `n` with thousands separators, as picsim prints counts.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The start of [`lying`]'s export: its root and one user (two lines).
const LYING_HEAD: &str = "<DocItemSet>\n<DocItem Name=\"urn:lcd:u@x.example\"/>\n";

/// A ZIP whose `DocItemSet.xml` of `size` bytes (a valid export: one user, then skipped items of
/// 28 bytes a line) says it is 100 bytes, in its local header and in the central directory.
fn lying(path: &Path, size: u64) {
    let item = "<DocItem Name=\"urn:hcd:x\"/>\n";
    bomb(path, LYING_HEAD, item, size, "</DocItemSet>\n");
    let mut bytes = std::fs::read(path).unwrap();
    for (signature, at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let header = bytes.windows(4).position(|w| w == signature).unwrap();
        // A large file keeps its sizes in the zip64 field (0xFFFFFFFF here): its place is the
        // first eight bytes of that field.
        let extra = header + if signature == b"PK\x03\x04" { 30 } else { 46 };
        let name_len = u16::from_le_bytes([bytes[header + 26], bytes[header + 27]]) as usize;
        let name_len = if signature == b"PK\x01\x02" {
            u16::from_le_bytes([bytes[header + 28], bytes[header + 29]]) as usize
        } else {
            name_len
        };
        let zip64 = extra + name_len + 4;
        if bytes[header + at..header + at + 4] == [0xFF; 4] {
            bytes[zip64..zip64 + 8].copy_from_slice(&100u64.to_le_bytes());
        } else {
            bytes[header + at..header + at + 4].copy_from_slice(&100u32.to_le_bytes());
        }
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn an_entry_that_says_it_is_small_is_stopped_at_the_limit_while_inflating() {
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("lying.zip");
    lying(&file, 64 << 20);
    let a = picsim()
        .args(["import", "--max-inflated-size", "16M"])
        .arg(&file)
        .assert()
        .code(1);
    let err = stderr_of(&a);
    // Every byte up to the limit is read: the two lines of the head, then 28 bytes a line, so
    // byte 16,777,217 is on line 3 + (16,777,216 - head) / 28, at column 1 + the rest.
    let head = LYING_HEAD.len() as u64;
    assert_eq!(head, 13 + 38);
    let (line, column) = (3 + (16_777_216 - head) / 28, 1 + (16_777_216 - head) % 28);
    assert_eq!((line, column), (599_187, 14));
    assert!(
        err.contains(&format!(
            "(its DocItemSet.xml) line {line}, column {column}: "
        )) && err.contains("inflates to more than 16 MiB"),
        "{err}"
    );
    // The same archive within a larger limit is read whole (its CRC is right; only the size
    // fields lie, and nothing trusts them).
    let ok = picsim()
        .args(["import", "--max-inflated-size", "128M"])
        .arg(&file)
        .assert()
        .success();
    // As many items as the builder wrote: whole blocks of 1 MiB / 28 items past the 64 MiB.
    let per_block = (1u64 << 20) / 28;
    let blocks = ((64u64 << 20) - head).div_ceil(per_block * 28);
    let items = crate::support::stdout_of(&ok);
    assert!(
        items.contains(&format!(
            "items that are not contact lists: {}",
            group(blocks * per_block)
        )),
        "{items}"
    );
}
