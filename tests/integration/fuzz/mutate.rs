//! Mutations of one corpus file: byte-level ones for any file (flips, deletions, insertions,
//! splices from the other corpus files) and structure-aware ones for TOML (a value replaced by an
//! extreme, a key or table dropped or duplicated, a key renamed) and for CSV (a column dropped or
//! repeated, NUL and Latin-1 bytes, huge ids, empty fields).
//!
//! The structure-aware mutations work on lines and separators, not on a parse tree: a parser would
//! refuse to hand back the very inputs that find bugs (a half-closed table, a value with a stray
//! quote), and a line-level edit still produces them.

use picsim::rng::{Stream, uniform_int};

/// How a corpus file is structured, for the structure-aware mutations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A scenario.
    Toml,
    /// A contact list or an edge list (comma- or tab-separated).
    Csv,
}

impl Format {
    /// The format of a file, by its extension.
    pub fn of(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Format::Toml,
            _ => Format::Csv,
        }
    }
}

/// A uniform index below `n` (`n > 0`).
pub fn below(rng: &mut Stream, n: usize) -> usize {
    uniform_int(rng, 0, n as i64 - 1) as usize
}

pub fn pick<'a, T>(rng: &mut Stream, items: &'a [T]) -> &'a T {
    &items[below(rng, items.len())]
}

/// `text` with one to three mutations applied in turn; `others` are the corpus files to splice
/// from.
pub fn mutate(rng: &mut Stream, text: &[u8], format: Format, others: &[&[u8]]) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..1 + below(rng, 3) {
        out = if below(rng, 2) == 0 {
            bytes(rng, out, others)
        } else {
            match format {
                Format::Toml => toml(rng, out),
                Format::Csv => csv(rng, out),
            }
        };
    }
    out
}

/// Bytes that parsers treat specially, or that are not UTF-8.
const ODD_BYTES: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\xe9",
    b"\xc3",
    b"\n",
    b"\r\n",
    b"\"",
    b"'",
    b"[",
    b"]",
    b"{",
    b"=",
    b",",
    b"\t",
    b"#",
    b"\\",
    b"\xef\xbb\xbf",
];

/// A random byte range of `len` bytes: `start..end`, at most `max` long.
fn range(rng: &mut Stream, len: usize, max: usize) -> (usize, usize) {
    let start = below(rng, len + 1);
    let end = (start + below(rng, max + 1)).min(len);
    (start, end)
}

pub fn bytes(rng: &mut Stream, mut out: Vec<u8>, others: &[&[u8]]) -> Vec<u8> {
    match below(rng, 5) {
        0 if !out.is_empty() => {
            for _ in 0..1 + below(rng, 4) {
                let at = below(rng, out.len());
                out[at] ^= 1 << below(rng, 8);
            }
        }
        1 => {
            let (start, end) = range(rng, out.len(), 64);
            out.drain(start..end);
        }
        2 => {
            let at = below(rng, out.len() + 1);
            let insert = pick(rng, ODD_BYTES).to_vec();
            out.splice(at..at, insert);
        }
        3 if !others.is_empty() => {
            let from = *pick(rng, others);
            let (start, end) = range(rng, from.len(), 512);
            // Inserted, or in place of up to as many bytes.
            let replaced = if below(rng, 2) == 0 { 0 } else { 512 };
            let (at, to) = range(rng, out.len(), replaced);
            out.splice(at..to, from[start..end].iter().copied());
        }
        _ => {
            let mut lines = split_lines(&out);
            if !lines.is_empty() {
                let i = below(rng, lines.len());
                if below(rng, 2) == 0 {
                    lines.remove(i);
                } else {
                    let copy = lines[i].clone();
                    let at = below(rng, lines.len() + 1);
                    lines.insert(at, copy);
                }
            }
            out = join_lines(&lines);
        }
    }
    out
}

fn split_lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join_lines(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

/// Values a scenario's numbers, dates, strings and distributions meet at their limits.
fn extreme_value(rng: &mut Stream) -> Vec<u8> {
    const VALUES: &[&str] = &[
        "0",
        "-1",
        "1",
        "4294967296",
        "4294967295",
        "2147483648",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "1e308",
        "-1e308",
        "1e-320",
        "nan",
        "inf",
        "-inf",
        "-0.0",
        "0.5",
        "\"\"",
        "\" \"",
        "[]",
        "{}",
        "[[]]",
        "true",
        "0001-01-01",
        "9999-12-31",
        "1970-01-01T00:00:00Z",
        "[1e308, nan]",
        "[0, -1]",
        "[2014-06-30, 2013-01-01]",
        "{ dist = \"lognormal\", median = 1e308, sigma = 1e308 }",
        "{ dist = \"power_law\", low = 0, exponent = 1, high = inf }",
        "{ dist = \"uniform\", low = 5, high = 1 }",
        "{ from = 9999-12-31, until = 0001-01-01 }",
        "\"wlm\"",
        "\"nowhere.csv\"",
        "\"examples\"",
    ];
    match below(rng, VALUES.len() + 2) {
        n if n < VALUES.len() => VALUES[n].as_bytes().to_vec(),
        n if n == VALUES.len() => {
            let mut s = b"\"".to_vec();
            s.extend(std::iter::repeat_n(b'x', 100_000));
            s.push(b'"');
            s
        }
        _ => {
            let depth = 64;
            let mut s = vec![b'['; depth];
            s.extend(vec![b']'; depth]);
            s
        }
    }
}

/// The byte range of the value after the `=` at `eq` on a line: up to a `,`, `}` or `]` at
/// depth zero, a comment, or the end of the line, over strings and nested brackets.
fn value_span(line: &[u8], eq: usize) -> (usize, usize) {
    let mut start = eq + 1;
    while start < line.len() && line[start] == b' ' {
        start += 1;
    }
    let (mut depth, mut quote) = (0i32, None);
    let mut end = start;
    while end < line.len() {
        let b = line[end];
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[' | b'{') => depth += 1,
            (None, b']' | b'}') if depth == 0 => break,
            (None, b']' | b'}') => depth -= 1,
            (None, b',' | b'#') if depth == 0 => break,
            _ => {}
        }
        end += 1;
    }
    while end > start && line[end - 1] == b' ' {
        end -= 1;
    }
    (start, end)
}

fn is_header(line: &[u8]) -> bool {
    line.first() == Some(&b'[')
}

fn is_key_line(line: &[u8]) -> bool {
    !is_header(line) && line.first() != Some(&b'#') && line.contains(&b'=')
}

fn toml(rng: &mut Stream, text: Vec<u8>) -> Vec<u8> {
    let mut lines = split_lines(&text);
    let keys: Vec<usize> = (0..lines.len())
        .filter(|&i| is_key_line(&lines[i]))
        .collect();
    let headers: Vec<usize> = (0..lines.len()).filter(|&i| is_header(&lines[i])).collect();
    match below(rng, 8) {
        0..=2 if !keys.is_empty() => {
            let line = &mut lines[*pick(rng, &keys)];
            let eqs: Vec<usize> = (0..line.len()).filter(|&i| line[i] == b'=').collect();
            let (start, end) = value_span(line, *pick(rng, &eqs));
            line.splice(start..end, extreme_value(rng));
        }
        3 if !keys.is_empty() => {
            lines.remove(*pick(rng, &keys));
        }
        4 if !keys.is_empty() => {
            let i = *pick(rng, &keys);
            let copy = lines[i].clone();
            // Beside itself (a duplicate key), or under another table (a key out of place).
            let at = if below(rng, 2) == 0 {
                i + 1
            } else {
                headers
                    .get(below(rng, headers.len().max(1)))
                    .map_or(i, |h| h + 1)
            };
            lines.insert(at, copy);
        }
        5 if !keys.is_empty() => {
            // A key renamed to another key of the file: the value lands where it does not belong.
            let (from, to) = (*pick(rng, &keys), *pick(rng, &keys));
            let name_end = |l: &[u8]| l.iter().position(|&b| b == b'=').unwrap_or(0);
            let name = lines[to][..name_end(&lines[to])].to_vec();
            let end = name_end(&lines[from]);
            lines[from].splice(..end, name);
        }
        6 | 7 if !headers.is_empty() => {
            let h = below(rng, headers.len());
            let end = headers.get(h + 1).copied().unwrap_or(lines.len());
            let block: Vec<Vec<u8>> = lines[headers[h]..end].to_vec();
            if below(rng, 2) == 0 {
                lines.drain(headers[h]..end);
            } else {
                let at = *pick(rng, &headers);
                lines.splice(at..at, block);
            }
        }
        _ => {}
    }
    join_lines(&lines)
}

/// Field values that contact-list and edge-list readers meet at their limits.
fn extreme_field(rng: &mut Stream) -> Vec<u8> {
    const FIELDS: &[&[u8]] = &[
        b"",
        b" ",
        b"0",
        b"-1",
        b"4294967295",
        b"4294967296",
        b"18446744073709551616",
        b"99999999999999999999999999",
        b"@",
        b"a@",
        b"@example.com",
        b"a@b@hotmail.com",
        b"caf\xe9@hotmail.com",
        b"\xe9",
        b"nul\0@hotmail.com",
        b"\0",
        b"\"",
        b"\"a,b\"",
        b"wlm",
        b"icq",
        b"user",
        b"contact",
    ];
    match below(rng, FIELDS.len() + 1) {
        n if n < FIELDS.len() => FIELDS[n].to_vec(),
        _ => {
            let mut s = vec![b'7'; 50_000];
            s.extend_from_slice(b"@hotmail.com");
            s
        }
    }
}

/// A line's fields, split on tabs if it has any (as the edge-list reader does), else on commas.
fn fields(line: &[u8]) -> (u8, Vec<Vec<u8>>) {
    let sep = if line.contains(&b'\t') { b'\t' } else { b',' };
    (sep, line.split(|&b| b == sep).map(<[u8]>::to_vec).collect())
}

fn csv(rng: &mut Stream, text: Vec<u8>) -> Vec<u8> {
    let mut lines = split_lines(&text);
    if lines.is_empty() {
        return text;
    }
    let op = below(rng, 8);
    let column = below(rng, 6);
    let only = below(rng, lines.len());
    for (i, line) in lines.iter_mut().enumerate() {
        let (sep, mut f) = fields(line);
        let c = column % f.len();
        match op {
            // A column dropped or repeated on every line, header included.
            0 if f.len() > 1 => {
                f.remove(c);
            }
            1 => {
                let copy = f[c].clone();
                f.insert(c, copy);
            }
            // One line with a field too few or too many.
            2 if i == only && f.len() > 1 => {
                f.remove(c);
            }
            3 if i == only => f.push(Vec::new()),
            // One field replaced by an extreme, or with an odd byte inside.
            4 | 5 if i == only => f[c] = extreme_field(rng),
            6 if i == only => {
                let at = below(rng, f[c].len() + 1);
                let odd = pick(rng, &[b"\0" as &[u8], b"\xe9", b"\xff", b"\"", b"\r"]).to_vec();
                f[c].splice(at..at, odd);
            }
            // Comma-separated lines become tab-separated, or the reverse.
            7 if i == only => {
                let other = if sep == b',' { b'\t' } else { b',' };
                *line = f.join(&other);
                continue;
            }
            _ => continue,
        }
        *line = f.join(&sep);
    }
    join_lines(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_span_stops_at_the_end_of_its_value() {
        let line = br#"a = { from = 2012-01-01, until = [1, "x,y"] } # note"#;
        let (s, e) = value_span(line, 2);
        assert_eq!(&line[s..e], br#"{ from = 2012-01-01, until = [1, "x,y"] }"#);
        let (s, e) = value_span(line, 11);
        assert_eq!(&line[s..e], b"2012-01-01");
        let (s, e) = value_span(line, 31);
        assert_eq!(&line[s..e], br#"[1, "x,y"]"#);
    }
}
