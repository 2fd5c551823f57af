//! An export's text encoding, honoured or refused, never guessed at: the byte-order mark (UTF-8,
//! UTF-16 either way) or, without one, the encoding the XML declaration names (UTF-8 when it names
//! none) decides; [`Decoded`] hands the parser UTF-8 and stops at the first byte that is not text
//! in that encoding, so two addresses that differ in one byte can never be merged by a
//! replacement character. Decoding other than UTF-8's own check is encoding_rs's.
//!
//! Not responsible for the declaration agreeing with a byte-order mark: the reader checks that
//! when the parser hands it the declaration ([`Text::agrees`]).

use super::stream::Stop;
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE};
use std::io::{BufRead, Read};

/// The encoding of an export's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    /// UTF-8, or (`ascii`) its 7-bit subset US-ASCII.
    Utf8 { ascii: bool },
    /// ISO-8859-1, byte for code point (encoding_rs reads that label as windows-1252, as web
    /// pages mean it; an XML declaration means the standard).
    Latin1,
    /// Any other encoding encoding_rs knows (UTF-16 included).
    Other(&'static Encoding),
}

impl Text {
    /// How messages name it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Text::Utf8 { ascii: false } => "UTF-8",
            Text::Utf8 { ascii: true } => "US-ASCII",
            Text::Latin1 => "ISO-8859-1",
            Text::Other(e) => e.name(),
        }
    }

    /// The encoding an XML declaration's `encoding` label names, or why it cannot be read.
    pub(crate) fn declared(label: &[u8]) -> Result<Text, String> {
        let lower = String::from_utf8_lossy(label).trim().to_ascii_lowercase();
        const ASCII: [&str; 4] = ["us-ascii", "ascii", "iso646-us", "ansi_x3.4-1968"];
        const LATIN1: [&str; 7] = [
            "iso-8859-1",
            "iso_8859-1",
            "iso8859-1",
            "latin1",
            "l1",
            "iso-ir-100",
            "cp819",
        ];
        if ASCII.contains(&lower.as_str()) {
            return Ok(Text::Utf8 { ascii: true });
        }
        if LATIN1.contains(&lower.as_str()) {
            return Ok(Text::Latin1);
        }
        match Encoding::for_label_no_replacement(lower.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Ok(Text::Utf8 { ascii: false }),
            Some(e) => Ok(Text::Other(e)),
            None => Err(format!(
                "its XML declaration names an encoding picsim does not know ({}); save it as UTF-8",
                shown_label(&lower)
            )),
        }
    }

    /// Whether a declaration naming `declared` fits a file read as `self` (all UTF-16 labels fit
    /// either byte order, which the byte-order mark decides; US-ASCII fits UTF-8).
    pub(crate) fn agrees(self, declared: Text) -> bool {
        let utf16 = |t: Text| matches!(t, Text::Other(e) if e == UTF_16LE || e == UTF_16BE);
        match (self, declared) {
            (Text::Utf8 { .. }, Text::Utf8 { .. }) => true,
            (a, b) if utf16(a) && utf16(b) => true,
            (a, b) => a == b,
        }
    }
}

/// A label as a message may show it: short, letters, digits and `-_:` only (a damaged file can
/// put anything there).
fn shown_label(label: &str) -> String {
    if label.len() <= 40
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c))
    {
        format!("`{label}`")
    } else {
        "a name not shown".into()
    }
}

/// The encoding of a file whose first bytes are `head`, and how many of them are a byte-order
/// mark; or why it cannot be read.
pub(crate) fn sniff(head: &[u8]) -> Result<(Text, usize), String> {
    let refuse = |what: &str| {
        Err(format!(
            "it is {what}, which picsim does not read; save it as UTF-8"
        ))
    };
    match head {
        [0xEF, 0xBB, 0xBF, ..] => Ok((Text::Utf8 { ascii: false }, 3)),
        [0xFF, 0xFE, 0, 0, ..]
        | [0, 0, 0xFE, 0xFF, ..]
        | [0, 0, 0, b'<', ..]
        | [b'<', 0, 0, 0, ..] => refuse("UTF-32"),
        [0xFF, 0xFE, ..] => Ok((Text::Other(UTF_16LE), 2)),
        [0xFE, 0xFF, ..] => Ok((Text::Other(UTF_16BE), 2)),
        // UTF-16 without a mark, told by its `<?` (XML 1.0, appendix F).
        [b'<', 0, b'?', 0, ..] => Ok((Text::Other(UTF_16LE), 0)),
        [0, b'<', 0, b'?', ..] => Ok((Text::Other(UTF_16BE), 0)),
        [0x4C, 0x6F, 0xA7, 0x94, ..] => refuse("EBCDIC"),
        _ => match declared_label(head) {
            None => Ok((Text::Utf8 { ascii: false }, 0)),
            Some(label) => match Text::declared(label)? {
                Text::Other(e) if !e.is_ascii_compatible() => Err(format!(
                    "its XML declaration says {}, but it is not (no byte-order mark, and its first characters are one byte each)",
                    e.name()
                )),
                text => Ok((text, 0)),
            },
        },
    }
}

/// The `encoding` label of an XML declaration at the start of `head` (in an ASCII-compatible
/// encoding), if it has one.
fn declared_label(head: &[u8]) -> Option<&[u8]> {
    let rest = head.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let decl = &rest[..memchr::memmem::find(rest, b"?>")?];
    let at = memchr::memmem::find(decl, b"encoding")?;
    let after = decl[at + 8..].trim_ascii_start().strip_prefix(b"=")?;
    let after = after.trim_ascii_start();
    let quote = *after.first().filter(|q| **q == b'"' || **q == b'\'')?;
    let value = &after[1..];
    Some(&value[..memchr::memchr(quote, value)?])
}

/// Reads `input` as text in `text`, handing out UTF-8: checked in place when it is UTF-8,
/// decoded otherwise. A byte that is not text stops the stream (a [`Stop::Encoding`]) once the
/// text before it is handed out, so the parser's position is the bad byte's.
pub(crate) struct Decoded<R> {
    inner: R,
    text: Text,
    decoder: Option<encoding_rs::Decoder>,
    /// Bytes read: `raw[start..end]` not yet handed out (UTF-8; `raw[start..valid]` checked) or
    /// not yet decoded.
    raw: Vec<u8>,
    start: usize,
    valid: usize,
    end: usize,
    /// Decoded UTF-8 not yet handed out: `out[out_start..out_end]`.
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// The input is exhausted (or failed); `done`: and everything decoded.
    eof: bool,
    done: bool,
    /// Why the stream stops, once what comes before is handed out.
    failed: Option<std::io::Error>,
}

/// Bytes read from the input at a time.
const CHUNK: usize = 1 << 16;

impl<R: Read> Decoded<R> {
    /// Reads `inner` as `text`; `head` is what was read of it already (after any byte-order mark).
    pub(crate) fn new(inner: R, text: Text, head: &[u8]) -> Self {
        let mut raw = vec![0u8; CHUNK.max(head.len())];
        raw[..head.len()].copy_from_slice(head);
        let decoder = match text {
            Text::Other(e) => Some(e.new_decoder_without_bom_handling()),
            _ => None,
        };
        let out = if matches!(text, Text::Utf8 { .. }) {
            Vec::new()
        } else {
            vec![0u8; 2 * CHUNK]
        };
        let mut d = Decoded {
            inner,
            text,
            decoder,
            raw,
            start: 0,
            valid: 0,
            end: head.len(),
            out,
            out_start: 0,
            out_end: 0,
            eof: false,
            done: false,
            failed: None,
        };
        if matches!(text, Text::Utf8 { .. }) {
            d.check_utf8();
        }
        d
    }

    /// The encoding it reads.
    pub(crate) fn text(&self) -> Text {
        self.text
    }

    /// The stop for a byte that is not text.
    fn bad_byte(&self) -> std::io::Error {
        Stop::Encoding(self.text.name().to_string()).io()
    }

    /// Reads more input into `raw[end..]`; notes the end of the input, or its failure.
    fn read_more(&mut self) {
        loop {
            match self.inner.read(&mut self.raw[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = Some(e);
                    self.eof = true;
                }
            }
            return;
        }
    }

    /// Checks `raw[valid..end]` as UTF-8 (or ASCII), up to an incomplete character at its end.
    fn check_utf8(&mut self) {
        let unchecked = &self.raw[self.valid..self.end];
        let (good, bad) = match std::str::from_utf8(unchecked) {
            Ok(_) => (unchecked.len(), false),
            Err(e) => (e.valid_up_to(), e.error_len().is_some()),
        };
        let (good, bad) = match self.text {
            Text::Utf8 { ascii: true } => match unchecked[..good].iter().position(|b| *b >= 0x80) {
                Some(p) => (p, true),
                None => (good, bad),
            },
            _ => (good, bad),
        };
        self.valid += good;
        if bad && self.failed.is_none() {
            self.failed = Some(self.bad_byte());
        }
    }

    fn fill_utf8(&mut self) -> std::io::Result<&[u8]> {
        loop {
            if self.start < self.valid {
                return Ok(&self.raw[self.start..self.valid]);
            }
            if let Some(e) = self.failed.take() {
                (self.start, self.eof) = (self.end, true);
                return Err(e);
            }
            if self.eof {
                if self.start < self.end {
                    self.start = self.end;
                    return Err(Stop::Encoding(format!(
                        "{} (it ends inside a character)",
                        self.text.name()
                    ))
                    .io());
                }
                return Ok(&[]);
            }
            // Keep the incomplete character at the end, if any, and read after it.
            self.raw.copy_within(self.start..self.end, 0);
            (self.end, self.valid, self.start) = (self.end - self.start, 0, 0);
            self.read_more();
            self.check_utf8();
        }
    }

    fn fill_decoded(&mut self) -> std::io::Result<&[u8]> {
        loop {
            if self.out_start < self.out_end {
                return Ok(&self.out[self.out_start..self.out_end]);
            }
            if let Some(e) = self.failed.take() {
                self.done = true;
                return Err(e);
            }
            if self.done {
                return Ok(&[]);
            }
            if self.start == self.end && !self.eof {
                (self.start, self.end) = (0, 0);
                self.read_more();
            }
            let src = &self.raw[self.start..self.end];
            let (result, read, written) = match &mut self.decoder {
                Some(d) => d.decode_to_utf8_without_replacement(src, &mut self.out, self.eof),
                None => {
                    let (read, written) =
                        encoding_rs::mem::convert_latin1_to_utf8_partial(src, &mut self.out);
                    let r = if read == src.len() {
                        DecoderResult::InputEmpty
                    } else {
                        DecoderResult::OutputFull
                    };
                    (r, read, written)
                }
            };
            self.start += read;
            (self.out_start, self.out_end) = (0, written);
            match result {
                DecoderResult::InputEmpty => self.done = self.eof && self.start == self.end,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    if self.failed.is_none() {
                        self.failed = Some(self.bad_byte());
                    }
                }
            }
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        super::stream::read_buffered(self, out)
    }
}

impl<R: Read> BufRead for Decoded<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if matches!(self.text, Text::Utf8 { .. }) {
            self.fill_utf8()
        } else {
            self.fill_decoded()
        }
    }

    fn consume(&mut self, n: usize) {
        if matches!(self.text, Text::Utf8 { .. }) {
            self.start = (self.start + n).min(self.valid);
        } else {
            self.out_start = (self.out_start + n).min(self.out_end);
        }
    }
}

/// Reads the first bytes of `input` (up to 1 KiB, enough for a declaration), finds its encoding
/// and returns the stream decoded from it.
pub(crate) fn open<R: Read>(mut input: R) -> Result<Decoded<R>, OpenError> {
    let mut head = vec![0u8; 1024];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(OpenError::Io(e)),
        }
    }
    let (text, mark) = sniff(&head[..n]).map_err(OpenError::Encoding)?;
    Ok(Decoded::new(input, text, &head[mark..n]))
}

/// Why a stream could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// Reading its first bytes failed.
    Io(std::io::Error),
    /// Its encoding cannot be read (what is wrong, without quoting the file).
    Encoding(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything `bytes` decodes to, with the error that stopped it (its kind).
    fn decode(bytes: &[u8]) -> (String, Option<String>) {
        let mut d = match open(bytes) {
            Ok(d) => d,
            Err(OpenError::Encoding(e)) => return (String::new(), Some(e)),
            Err(OpenError::Io(e)) => return (String::new(), Some(e.to_string())),
        };
        let mut out = Vec::new();
        loop {
            match d.fill_buf() {
                Ok([]) => return (String::from_utf8(out).unwrap(), None),
                Ok(b) => {
                    let n = b.len().min(7);
                    out.extend_from_slice(&b[..n]);
                    d.consume(n);
                }
                Err(e) => {
                    let stop = Stop::of(&e).map(|s| format!("{s:?}"));
                    return (String::from_utf8(out).unwrap(), stop);
                }
            }
        }
    }

    #[test]
    fn utf8_stops_at_the_first_byte_that_is_not_and_replaces_none() {
        assert_eq!(
            decode("<a>josé</a>".as_bytes()),
            ("<a>josé</a>".into(), None)
        );
        let (good, stop) = decode(b"<a>jos\xe9</a>");
        assert_eq!(good, "<a>jos");
        assert_eq!(stop.as_deref(), Some("Encoding(\"UTF-8\")"));
        // A character cut by the end of the file.
        let (good, stop) = decode(b"<a>jos\xc3");
        assert_eq!(good, "<a>jos");
        assert!(stop.unwrap().contains("ends inside a character"));
        // The byte-order mark is not text.
        assert_eq!(decode(b"\xef\xbb\xbf<a/>").0, "<a/>");
    }

    #[test]
    fn a_long_stream_is_checked_across_chunk_boundaries() {
        // "é" (two bytes) everywhere, so that chunks end inside characters.
        let text = format!("<a>{}</a>", "é".repeat(3 * CHUNK));
        assert_eq!(decode(text.as_bytes()), (text.clone(), None));
        let mut bytes = text.into_bytes();
        let at = 2 * CHUNK + 5;
        bytes[at] = 0xFF;
        let (good, stop) = decode(&bytes);
        assert_eq!(good.len(), at);
        assert!(stop.is_some());
    }

    #[test]
    fn the_declaration_and_the_byte_order_mark_decide() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>jos\xe9 jos\xe8 \x80</a>";
        let (text, stop) = decode(latin1);
        assert_eq!(
            (text.as_str(), stop),
            (
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>josé josè \u{80}</a>",
                None
            )
        );
        let ascii = b"<?xml version='1.0' encoding='us-ascii'?><a>jos\xe9</a>";
        assert_eq!(
            decode(ascii).0,
            "<?xml version='1.0' encoding='us-ascii'?><a>jos"
        );
        let utf16: Vec<u8> = "\u{feff}<a>josé 😀</a>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&utf16), ("<a>josé 😀</a>".into(), None));
        let be: Vec<u8> = "<?xml version=\"1.0\"?><a/>"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(&be).0, "<?xml version=\"1.0\"?><a/>");
        // A lone surrogate is not UTF-16.
        let mut lone = utf16.clone();
        lone.extend_from_slice(&[0x00, 0xD8, b'<', 0]);
        let (good, stop) = decode(&lone);
        assert_eq!(good, "<a>josé 😀</a>");
        assert_eq!(stop.as_deref(), Some("Encoding(\"UTF-16LE\")"));
        for (bytes, why) in [
            (
                &b"<?xml version=\"1.0\" encoding=\"klingon\"?><a/>"[..],
                "does not know (`klingon`)",
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
                "says UTF-16LE, but it is not",
            ),
            (b"\xff\xfe\x00\x00<\x00\x00\x00", "UTF-32"),
        ] {
            let e = decode(bytes).1.unwrap();
            assert!(e.contains(why), "{e}");
        }
    }

    #[test]
    fn a_declaration_agrees_with_the_mark_or_not() {
        let utf8 = Text::Utf8 { ascii: false };
        assert!(utf8.agrees(Text::declared(b"us-ascii").unwrap()));
        assert!(Text::Other(UTF_16BE).agrees(Text::declared(b"UTF-16").unwrap()));
        assert!(!utf8.agrees(Text::declared(b"iso-8859-1").unwrap()));
        assert!(!Text::Other(UTF_16LE).agrees(utf8));
    }
}
