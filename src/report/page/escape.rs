//! Text and links made safe for HTML: every text that comes from a scenario file or a run folder
//! goes through [`escape`], every file name in a link through [`url_path`].

use std::fmt::Write as _;

/// `text` with the characters that mean something in HTML (text or attribute) replaced by
/// character references.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file name as a relative URL path: every byte outside the unreserved set percent-encoded (so a
/// name with `:` is not read as a scheme, nor one with `#` or `?` cut short).
pub(crate) fn url_path(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A relative link (`run-001/report.html`, `../base/report.html`) as a URL: each segment
/// percent-encoded, the slashes kept.
pub(crate) fn link_url(link: &str) -> String {
    link.split('/').map(url_path).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(url_path("series.csv"), "series.csv");
        assert_eq!(url_path("a b#1:x.csv"), "a%20b%231%3Ax.csv");
    }

    #[test]
    fn links_keep_their_slashes() {
        assert_eq!(link_url("run-001/report.html"), "run-001/report.html");
        assert_eq!(link_url("../x#1/report.html"), "../x%231/report.html");
    }
}
