//! The one attribute picsim reads of an element (`Buddy`, `Name`, `UserAtHost`, `ExternalUri`),
//! checked as it is read: written once (a `Contact` with two `Buddy` attributes is refused, not
//! read as either), well-formed, its references known, and the attributes before it well-formed
//! and each written once; it comes back by local name, whatever its namespace prefix. Also how
//! the names of the file may be shown in messages.

use super::stream::after;
use quick_xml::events::BytesStart;
use std::borrow::Cow;

/// A parser's message with every quoted name (between backticks) that could be personal data (a
/// dot, an @, anything but ASCII, or long) replaced by `…`: element names are the file's to choose,
/// and a damaged file can make anything a name.
pub(crate) fn without_names(message: &str) -> String {
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

/// A name of the file (an element's or an attribute's) as a message may show it.
pub(crate) fn name_of(name: &[u8]) -> String {
    without_names(&format!("`{}`", String::from_utf8_lossy(name)))
}

/// The attribute names met on one element, to refuse one written twice: a few compared in place
/// (an export's elements have at most five), many in a set (a crafted tag can hold thousands).
struct Names<'e> {
    few: [&'e [u8]; 8],
    n: usize,
    many: Option<std::collections::HashSet<&'e [u8]>>,
}

impl<'e> Names<'e> {
    fn new() -> Self {
        Names {
            few: [&[]; 8],
            n: 0,
            many: None,
        }
    }

    /// Adds `name`; false when it was there already.
    fn insert(&mut self, name: &'e [u8]) -> bool {
        if let Some(set) = &mut self.many {
            return set.insert(name);
        }
        if self.few[..self.n].contains(&name) {
            return false;
        }
        if self.n < self.few.len() {
            self.few[self.n] = name;
            self.n += 1;
        } else {
            let mut set: std::collections::HashSet<&[u8]> = self.few.iter().copied().collect();
            set.insert(name);
            self.many = Some(set);
        }
        true
    }
}

/// A problem of an attribute: where (line and column) and what.
pub(crate) type Misplaced = ((u64, u64), String);

/// A searcher for an attribute's name, made once per export (making one costs more than a search).
pub(crate) fn finder(name: &'static [u8]) -> memchr::memmem::Finder<'static> {
    memchr::memmem::Finder::new(name)
}

/// The value of the attribute `reads` (by local name, whatever its prefix) of `e`, whose `<` is at
/// `tag`: unescaped (borrowed from the element when it holds no reference), or `None` when the
/// element has none. The attributes up to it are parsed and checked (well-formed, each name
/// once); after it, the rest of the tag is only searched for the name again, and parsed to the end
/// when it holds it, so that an attribute written twice is refused. The attributes after it are
/// not otherwise checked: picsim does not read them, and parsing them all cost some 14 % more
/// instructions in reading a typical export (callgrind; BENCHMARKS.md, issue 29A).
pub(crate) fn attribute<'e>(
    e: &'e BytesStart<'_>,
    tag: (u64, u64),
    decoder: quick_xml::encoding::Decoder,
    reads: &memchr::memmem::Finder<'static>,
) -> Result<Option<Cow<'e, str>>, Misplaced> {
    let finder = reads;
    let reads = finder.needle();
    let content: &[u8] = e;
    // Attribute errors give offsets into the tag after its `<`.
    let at = |offset: usize| after((tag.0, tag.1 + 1), &content[..offset.min(content.len())]);
    // Offsets of what the element's attributes borrow from it.
    let offset_of = |part: &[u8]| (part.as_ptr() as usize).wrapping_sub(content.as_ptr() as usize);
    let mut found = None;
    let mut names = Names::new();
    let mut to_the_end = false;
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| {
            use quick_xml::events::attributes::AttrError as A;
            let (offset, what) = match err {
                A::ExpectedEq(p) => (p, "an attribute name without `=` after it"),
                A::ExpectedValue(p) => (p, "an `=` without an attribute value after it"),
                A::UnquotedValue(p) => (p, "an attribute value without quotes"),
                A::ExpectedQuote(p, _) => (p, "an attribute value whose closing quote is missing"),
                A::Duplicated(p, _) => (p, "an attribute written twice"),
            };
            (at(offset), format!("malformed XML: {what}"))
        })?;
        let key = a.key.into_inner();
        let offset = offset_of(key);
        // The local name, after any prefix (quick-xml's `local_name` searches from the front).
        let local = key.rsplit(|b| *b == b':').next().unwrap_or(key);
        let repeated = || {
            let what = format!(
                "the element has its attribute {} twice: an export writes each once",
                name_of(local)
            );
            (at(offset), what)
        };
        // The same local name under two prefixes is as ambiguous as one name twice.
        if !names.insert(key) || (local == reads && found.is_some()) {
            return Err(repeated());
        }
        if local != reads {
            continue;
        }
        found = Some(value(&a, decoder).map_err(|what| (at(offset), what))?);
        if !to_the_end {
            let end = match &a.value {
                Cow::Borrowed(v) => offset_of(v) + v.len(),
                Cow::Owned(_) => 0,
            };
            let rest = content.get(end..).unwrap_or_default();
            if finder.find(rest).is_none() {
                break;
            }
            to_the_end = true;
        }
    }
    Ok(found)
}

/// An attribute's value, unescaped: borrowed as it is when it holds no reference (most do; the
/// stream is UTF-8 already).
fn value<'e>(
    a: &quick_xml::events::attributes::Attribute<'e>,
    decoder: quick_xml::encoding::Decoder,
) -> Result<Cow<'e, str>, String> {
    if let Cow::Borrowed(v) = a.value
        && !v.contains(&b'&')
        && let Ok(text) = std::str::from_utf8(v)
    {
        return Ok(Cow::Borrowed(text));
    }
    a.decode_and_unescape_value(decoder).map_err(|_| {
        "malformed XML: an attribute value with an unknown entity or a bad character reference"
            .to_string()
    })
}
