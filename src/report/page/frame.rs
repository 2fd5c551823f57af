//! The frame every page shares: the document head with the style sheet, the header (kicker,
//! heading, description), the contents bar and the footer. A page is a [`Frame`] and the
//! [`Markup`] of the sections it fills in.
//!
//! Every block element ends with a line break, so a page's source keeps one block per line: a
//! person diffing two pages, or the MPI test comparing a run's page line by line (leaving out the
//! lines with timings), reads it as before the pages were templated.

use anyhow::{Context, Result};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::path::Path;

/// The parts of a page around its sections. Texts are plain (escaped when rendered).
pub(crate) struct Frame<'a> {
    /// The document's title.
    pub(crate) title: String,
    /// The small line above the heading (`picsim report`).
    pub(crate) kicker: &'a str,
    /// The heading.
    pub(crate) heading: &'a str,
    /// The paragraph under the heading, if any.
    pub(crate) description: Option<Markup>,
    /// The contents bar: section id and label, in page order.
    pub(crate) contents: Vec<(&'a str, &'a str)>,
    /// What the page was written for, in the footer (`scenario pic-2013`).
    pub(crate) subject: String,
}

impl Frame<'_> {
    /// The whole page: the frame around `sections`.
    pub(crate) fn render(&self, sections: Markup) -> String {
        html! {
            (DOCTYPE) "\n"
            html lang="en" { "\n"
                (self.head())
                body { "\n"
                    main { "\n"
                        header { "\n"
                            p class="kicker" { (self.kicker) } "\n"
                            h1 { (self.heading) } "\n"
                            @if let Some(description) = &self.description {
                                p class="description" { (description) } "\n"
                            }
                        } "\n"
                        nav aria-label="Contents" {
                            ul { "\n"
                                @for (id, label) in &self.contents {
                                    li { a href={ "#" (id) } { (label) } } "\n"
                                }
                            }
                        } "\n"
                        (sections)
                        footer {
                            "Written by picsim " (env!("CARGO_PKG_VERSION")) " for " (self.subject) "."
                        } "\n"
                    } "\n"
                } "\n"
            } "\n"
        }
        .into_string()
    }

    /// The document's head: the title and the style sheet.
    fn head(&self) -> Markup {
        html! {
            head { "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                meta name="generator" content={ "picsim " (env!("CARGO_PKG_VERSION")) }; "\n"
                title { (self.title) } "\n"
                // The sheet is the constant below, picsim's own text: nothing in it comes from a
                // scenario or a file, so it goes in as it is (escaping would break its quotes).
                style { (PreEscaped(STYLE)) } "\n"
            } "\n"
        }
    }
}

/// A description paragraph's text: `text` trimmed, or none when it is blank.
pub(crate) fn description(text: &str) -> Option<Markup> {
    let text = text.trim();
    (!text.is_empty()).then(|| html! { (text) })
}

/// Writes the page `html` to `path`.
pub(crate) fn write(html: &str, path: &Path) -> Result<()> {
    std::fs::write(path, html)
        .with_context(|| format!("could not write report '{}'", path.display()))
}

/// The style sheet of every page (run, comparison and sensitivity reports): system fonts, a
/// readable measure, tables that print.
pub(crate) const STYLE: &str = r#"
:root { --text: #111827; --muted: #5f636e; --rule: #e4e6eb; --accent: #1f77b4; --badge: #374151; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--text); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
header { border-bottom: 1px solid var(--rule); padding-bottom: 1rem; margin-bottom: 1rem; }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; }
h1 { margin: .2rem 0 .5rem; font-size: 2rem; line-height: 1.2; }
h2 { margin: 2.5rem 0 .75rem; font-size: 1.4rem; border-bottom: 1px solid var(--rule); padding-bottom: .3rem; }
.description { margin: 0; font-size: 1.1rem; max-width: 60rem; }
.note { color: var(--muted); margin: .25rem 0 .75rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
a { color: var(--accent); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; max-width: 60rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .75rem .4rem 0; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--text); }
.facts th { width: 18rem; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.headlines td.num { font-weight: 600; }
.key-dates .date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.key-dates td.num, .key-dates th.num { width: 3rem; text-align: center; padding-right: .75rem; }
.badge { display: inline-block; min-width: 1.6rem; padding: .05rem .35rem; border-radius: 1rem; background: var(--badge);
  color: #fff; font-weight: 700; font-size: .85rem; text-align: center; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: .15rem; margin-right: .45rem; vertical-align: -.1rem; }
figure { margin: 1.5rem 0 2.5rem; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { margin-top: .5rem; color: var(--muted); max-width: 60rem; }
figcaption strong { color: var(--text); }
.file { white-space: nowrap; }
.wide { overflow-x: auto; max-width: 100%; }
.wide table { max-width: none; }
table.runs { font-size: .9rem; }
table.runs thead th { vertical-align: bottom; font-weight: 600; }
table.runs th.num { min-width: 6.5rem; }
table.runs td:first-child { white-space: nowrap; }
table.runs th { max-width: 11rem; white-space: normal; }
table.runs th code { overflow-wrap: anywhere; }
table.runs th.key code { overflow-wrap: normal; }
th .sub { font-weight: 400; color: var(--muted); font-size: .85em; }
ul.same { margin: .25rem 0 1rem; padding-left: 1.25rem; }
code.key { color: var(--muted); font-size: .78em; overflow-wrap: anywhere; }
table.bars td:first-child, table.parameters td:first-child { min-width: 16rem; }
.wide:focus-visible { outline: 2px solid var(--accent); }
h3 { margin: 2rem 0 .5rem; font-size: 1.15rem; }
.value { font-weight: 600; font-variant-numeric: tabular-nums; }
ul.files li { margin: .3rem 0; }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .9rem; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .badge, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;
