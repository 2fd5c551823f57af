//! What more than one page holds: the section every part of a page is, an embedded chart, the
//! key dates (numbered as the charts' markers) and the links to the data files beside the page,
//! with the URL paths those links use.

use crate::scenario::KeyDate;
use anyhow::{Context, Result};
use base64::Engine;
use maud::{Markup, html};
use plotters::style::RGBColor;
use std::fmt::Write as _;
use std::path::Path;

/// A section of a page: `id` (which the contents bar links to), the heading and the content.
pub(crate) fn section(id: &str, heading: &str, content: Markup) -> Markup {
    html! {
        section id=(id) { "\n"
            h2 { (heading) } "\n"
            (content)
        } "\n"
    }
}

/// A column of a table, by its header's label: of text, or of numbers (set right-aligned).
pub(crate) enum Column<'a> {
    /// A column of text.
    Text(&'a str),
    /// A column of numbers.
    Num(&'a str),
}

/// A table's head: one header per column, in order.
pub(crate) fn head(columns: &[Column]) -> Markup {
    html! {
        thead {
            tr {
                @for column in columns {
                    @match column {
                        Column::Text(label) => th scope="col" { (label) },
                        Column::Num(label) => th scope="col" class="num" { (label) },
                    }
                }
            }
        }
    }
}

/// The rows of a table of facts: a header of the row, then its value, per `(label, value)`.
pub(crate) fn fact_rows(rows: &[(String, String)]) -> Markup {
    html! {
        @for (label, value) in rows {
            tr { th scope="row" { (label) } td { (value) } } "\n"
        }
    }
}

/// The PNG file `path` as a `data:` URI, for an `<img src>`.
fn png_data_uri(path: &Path) -> Result<String> {
    let png = std::fs::read(path)
        .with_context(|| format!("could not read chart '{}' for the report", path.display()))?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    ))
}

/// A square of colour `c`, as the charts draw a series, to put before its name.
pub(crate) fn swatch(c: RGBColor) -> Markup {
    let background = format!("background:#{:02x}{:02x}{:02x}", c.0, c.1, c.2);
    html! { span class="swatch" style=(background) {} }
}

/// A chart a page embeds: its PNG file, its title (bold in the caption, and the image's
/// alternative text unless `alt` says otherwise), what the caption says after the title, and
/// the id that names the figure for links, if any.
pub(crate) struct Figure<'a> {
    /// The figure's id, if links name it.
    pub(crate) id: Option<&'a str>,
    /// The PNG file.
    pub(crate) path: &'a Path,
    /// The title.
    pub(crate) title: &'a str,
    /// The image's alternative text, when it is not the title.
    pub(crate) alt: Option<&'a str>,
    /// The rest of the caption.
    pub(crate) text: Markup,
}

impl Figure<'_> {
    /// The figure: the PNG embedded, with a caption of the title in bold, then the text, then
    /// the file's name.
    ///
    /// # Errors
    /// The PNG file cannot be read.
    pub(crate) fn render(&self) -> Result<Markup> {
        let uri = png_data_uri(self.path)?;
        let file = self
            .path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        Ok(html! {
            figure id=[self.id] { "\n"
                img src=(uri) width="1600" height="900" alt=(self.alt.unwrap_or(self.title)); "\n"
                figcaption {
                    strong { (self.title) "." } " " (self.text) " " span class="file" { "(" (file) ")" }
                } "\n"
            } "\n"
        })
    }
}

/// The section listing `key_dates`, numbered as the charts' markers (each row's number also in
/// `data-key-date`, for the run page's explorer); `none` when there are none.
pub(crate) fn key_dates(key_dates: &[KeyDate], none: &str) -> Markup {
    section(
        "key-dates",
        "Key dates",
        html! {
            @if key_dates.is_empty() {
                p { (none) } "\n"
            } @else {
                table class="key-dates" { "\n"
                    (head(&[Column::Num("#"), Column::Text("Date"), Column::Text("What happens")])) "\n"
                    tbody { "\n"
                        @for (i, k) in key_dates.iter().enumerate() {
                            tr data-key-date=(i + 1) {
                                td class="num" { span class="badge" { (i + 1) } }
                                td class="date" { (k.date.to_string()) }
                                // One line per event of the day.
                                td {
                                    @for (j, what) in k.label.split("; ").enumerate() {
                                        @if j > 0 { br; }
                                        (what)
                                    }
                                }
                            } "\n"
                        }
                    } "\n"
                } "\n"
            }
        },
    )
}

/// What a known output file holds.
fn describe(file: &str) -> Option<&'static str> {
    match file {
        "series.csv" => Some("every metric per replication and reported day"),
        "summary.csv" => {
            Some("mean, standard error, p05, p50 and p95 of every metric per reported day")
        }
        "orgs.csv" => Some(
            "per organisation and replication: deployment, users, entries, shares, provider days, USL credit",
        ),
        "manifest.json" => {
            Some("versions, scenario file hash, effective scenario, seed, sizes and timings")
        }
        "compare.csv" => {
            Some("per run, reported day and metric: any swept values, mean, p05, p50 and p95")
        }
        "runs.csv" => Some("the id of every run of the sweep and its swept values"),
        "user_impact.csv" => Some(
            "per replication, user and imported contact (pseudonymised unless revealed): the first day it was lost, why, and any recovery",
        ),
        "rejected.csv" => Some(
            "the imported rows left out (--skip-bad-rows), with their position and reason, addresses pseudonymised unless revealed",
        ),
        "posterior.csv" => Some(
            "per particle of the last generation: each fitted key's value, its weight and its distance to the observations",
        ),
        "calibration.csv" => Some(
            "per generation: tolerance, acceptance rate, effective sample size, simulations and proposals screened on a small world first",
        ),
        "sbc.csv" => Some(
            "per repeat of the check and fitted key: the truth drawn from the prior, its rank among the posterior's draws, and whether the 50 % and 90 % intervals held it",
        ),
        "coverage.csv" => Some(
            "per fitted key: how many 50 % and 90 % intervals held their truth, the ranges a calibrated posterior gives 95 % of the time, the mean rank and whether the rank ECDF stayed in its band",
        ),
        "sensitivity.csv" => Some(
            "per parameter and figure: low and high values, the figure at base, at low and at high, and the swing",
        ),
        _ => None,
    }
}

/// Relative links to the files beside the report, or nothing when there are none.
pub(crate) fn files(files: &[&str]) -> Markup {
    if files.is_empty() {
        return html! {};
    }
    section(
        "data",
        "Data files",
        html! {
            p class="note" { "In the same folder as this page." } "\n"
            ul class="files" { "\n"
                @for file in files {
                    li {
                        a href=(url_path(file)) { code { (file) } }
                        @if let Some(what) = describe(file) { " — " (what) }
                    } "\n"
                }
            } "\n"
        },
    )
}

/// A file name as a relative URL path: every byte outside the unreserved set percent-encoded (so a
/// name with `:` is not read as a scheme, nor one with `#` or `?` cut short). This is the URL's
/// own encoding; the page's escaping is the template's.
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
    fn file_names_are_percent_encoded() {
        assert_eq!(url_path("series.csv"), "series.csv");
        assert_eq!(url_path("a b#1:x.csv"), "a%20b%231%3Ax.csv");
        assert_eq!(url_path("<\"&'>"), "%3C%22%26%27%3E");
    }

    #[test]
    fn links_keep_their_slashes() {
        assert_eq!(link_url("run-001/report.html"), "run-001/report.html");
        assert_eq!(link_url("../x#1/report.html"), "../x%231/report.html");
    }

    #[test]
    fn key_dates_are_numbered_with_one_line_per_event() {
        let day = chrono::NaiveDate::from_ymd_opt(2013, 4, 8).unwrap_or_default();
        let dates = [
            KeyDate {
                date: day,
                label: "a <b>; c & d".into(),
            },
            KeyDate {
                date: day + chrono::TimeDelta::days(1),
                label: "e".into(),
            },
        ];
        let html = key_dates(&dates, "none").into_string();
        assert!(html.contains(
            "<tr data-key-date=\"1\"><td class=\"num\"><span class=\"badge\">1</span></td>\
             <td class=\"date\">2013-04-08</td><td>a &lt;b&gt;<br>c &amp; d</td></tr>\n"
        ));
        assert!(html.contains(
            "<span class=\"badge\">2</span></td><td class=\"date\">2013-04-09</td><td>e</td>"
        ));
        assert_eq!(
            key_dates(&[], "No <dates>.").into_string(),
            "<section id=\"key-dates\">\n<h2>Key dates</h2>\n<p>No &lt;dates&gt;.</p>\n</section>\n"
        );
    }
}
