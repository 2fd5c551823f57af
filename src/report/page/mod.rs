//! What every HTML page shares: the frame (`frame`: head and style sheet, header, contents bar,
//! footer) and the sections more than one page holds (`sections`: an embedded chart, the key
//! dates, the data files). Each page is one self-contained file (charts embedded as `data:` URIs,
//! the style sheet inline, no references outside its folder), laid out beside its feature's logic:
//! a run's, a comparison's, a sensitivity analysis's, a calibration's and a check's.
//!
//! Pages are maud templates: `html!` turns markup written in Rust into a [`maud::Markup`] at
//! compile time, and every value spliced into it, text or attribute, is escaped unless it is
//! wrapped in `PreEscaped`, so escaping is by construction, not by a call each place must
//! remember. maud rather than askama because these pages are built from Rust data with loops and
//! small helper functions (a row, a figure, a section), which maud composes as plain Rust
//! functions returning `Markup`, with no template files to keep in step with the code; askama's
//! separate Jinja-like files suit fixed layouts better. The only `PreEscaped` insertions are of
//! picsim's own constant style sheet (`frame`) and of the run page's explorer (its own style
//! sheet and script, and JSON written safe inside a `<script>` element).

pub(crate) mod frame;
pub(crate) mod sections;

/// What the pages' tests share: how a text shows in a page's source, and a scenario text that
/// tries to break out of it.
#[cfg(test)]
pub(crate) mod test_text {
    /// `text` as the template writes it into a page (escaped as every spliced text is), for
    /// finding a fixture's texts in a page.
    pub(crate) fn html_text(text: &str) -> String {
        maud::html! { (text) }.into_string()
    }

    /// A scenario text that would end a `<script>` element and start one of its own if a page
    /// let it through, with every other character that means something in HTML.
    pub(crate) const HOSTILE: &str = "</script><script>alert(1)</script> \"q\" 'a' & <b";

    /// [`HOSTILE`] as a page's source must show it: as text (written by hand, not by the
    /// template under test).
    pub(crate) const SHOWN: &str =
        "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; 'a' &amp; &lt;b";

    /// Checks that `html`, a page whose texts include [`HOSTILE`], shows it as text at least
    /// `times` times and never as markup: no `alert` script, and only the page's own `scripts`
    /// `<script` tags.
    pub(crate) fn assert_shown_as_text(html: &str, times: usize, scripts: usize) {
        assert!(!html.contains(HOSTILE), "the text is in the page raw");
        assert!(
            !html.contains("<script>alert"),
            "a script of the text's own"
        );
        assert!(
            !html.contains("</script><script>"),
            "a script ended by the text"
        );
        assert_eq!(html.matches("<script").count(), scripts, "scripts");
        assert!(!html.contains("<b "), "a tag of the text's own");
        let shown = html.matches(SHOWN).count();
        assert!(shown >= times, "the text shown {shown} times, not {times}");
    }
}
