//! The width and word wrapping every terminal table shares: the terminal's columns, and text
//! broken at spaces to fit them. What a table holds is its feature's business.

/// Columns to lay text out in: the terminal's width (`crate::sys::terminal_width`: `COLUMNS`,
/// the terminal, else 80), never fewer than 40, so that a table keeps room for its labels.
pub(crate) fn width() -> usize {
    crate::sys::terminal_width().max(40)
}

/// `text` broken at spaces into lines of at most `width` terminal columns (a word wider than that
/// gets a line of its own; runs of white space, line breaks included, count as one space). Widths
/// are display widths, so a label in a wide script still fits.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let options = textwrap::Options::new(width.max(1))
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(&words, options)
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect()
}

/// `text` wrapped to `width`, one string with a newline after each line.
pub(crate) fn paragraph(text: &str, width: usize) -> String {
    wrap(text, width).into_iter().map(|l| l + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("", 9), vec![""]);
        // A word longer than the width keeps a line of its own.
        assert_eq!(wrap("a abcdefghijk b", 5), vec!["a", "abcdefghijk", "b"]);
        // Nor is a word cut at its hyphens, and line breaks are spaces.
        assert_eq!(wrap("wlm-bass\nfull", 6), vec!["wlm-bass", "full"]);
    }

    /// Widths are terminal columns: each of these ideographs takes two, so "日本 語" (four
    /// characters) needs seven columns, and breaks at six.
    #[test]
    fn wrap_counts_display_columns() {
        assert_eq!(wrap("日本 語", 6), vec!["日本", "語"]);
        assert_eq!(wrap("日本 語", 7), vec!["日本 語"]);
    }
}
