//! `report.html` of a check, in the frame every page shares: the verdict, each key's coverage and
//! rank ECDF against what a calibrated posterior gives, the chart, how to read it, and the data
//! files. It draws and computes nothing; every text from a scenario or a file is escaped by the
//! template.

use super::result::CheckResult;
use crate::report::page::frame::Frame;
use crate::report::page::sections::{self, Column::Text, Figure, head, section};
use anyhow::Result;
use maud::{Markup, html};
use std::path::{Path, PathBuf};

/// Writes the page of `c` to `path`, embedding `chart` and linking `files` (beside `path`).
pub(crate) fn write(
    c: &CheckResult,
    chart: &(String, PathBuf),
    files: &[&str],
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(&render(c, chart, files)?, path)
}

/// The whole page: the coverage table, the ranks' chart, how to read it and the files.
fn render(c: &CheckResult, chart: &(String, PathBuf), files: &[&str]) -> Result<String> {
    let keys = c.fits.len();
    let frame = Frame {
        title: format!("{} — picsim calibration check", c.name),
        kicker: "picsim calibration check",
        heading: &c.name,
        description: Some(html! {
            "Simulation-based calibration of the fit of " (keys) " key" @if keys != 1 { "s" } ": "
            (c.repeats) " repeats, each a truth drawn from the prior, observed on the "
            (c.observations) " days and metrics of " code { (c.observed_file) } " in a world of \
            its own, and calibrated as the scenario's calibration would be (" (c.settings) "). "
            (c.verdict())
        }),
        contents: vec![
            ("verdict", "Coverage"),
            ("ranks", "Ranks"),
            ("how-to-read", "How to read"),
            ("data", "Data files"),
        ],
        subject: format!("the calibration check of {}", c.name),
    };
    let figure = Figure {
        id: None,
        path: &chart.1,
        title: &chart.0,
        alt: None,
        text: html! {},
    }
    .render()?;
    let sections = html! {
        (coverage(c))
        (section("ranks", "Ranks", html! {
            (figure)
        }))
        (how_to_read(c))
        (sections::files(files))
    };
    Ok(frame.render(sections))
}

/// A count of intervals that held their truth, in bold with the range when it falls outside it.
fn covered(count: usize, (lo, hi): (usize, usize)) -> Markup {
    html! {
        @if lo <= count && count <= hi {
            (count)
        } @else {
            strong { (count) " (outside " (lo) "–" (hi) ")" }
        }
    }
}

/// Per key, how many intervals held their truth, its mean rank and whether its rank ECDF stayed
/// in the band.
fn coverage(c: &CheckResult) -> Markup {
    section(
        "verdict",
        "Coverage",
        html! {
            p class="note" {
                "How many of the " (c.repeats) " repeats' intervals held their truth, against the \
                 range a calibrated posterior gives 95 % of the time (the central 95 % of the \
                 binomial distribution): 50 % intervals " (c.range_50.0) " to " (c.range_50.1)
                ", 90 % intervals " (c.range_90.0) " to " (c.range_90.1) ". The mean rank is 0.5 \
                 when calibrated."
            } "\n"
            table class="parameters" { "\n"
                (head(&[
                    Text("Key"),
                    Text("50 % intervals"),
                    Text("90 % intervals"),
                    Text("Mean rank"),
                    Text("Rank ECDF"),
                ]))
                tbody { "\n"
                    @for k in &c.keys {
                        tr {
                            td { code { (k.key) } }
                            td { (covered(k.covered_50, c.range_50)) }
                            td { (covered(k.covered_90, c.range_90)) }
                            td { (format!("{:.3}", k.mean_rank)) }
                            td {
                                @if k.in_band {
                                    "inside the band"
                                } @else {
                                    strong { "outside the band" }
                                }
                            }
                        } "\n"
                    }
                }
            } "\n"
        },
    )
}

/// How to read a check: what a repeat is, the chart's shapes, and judging several keys.
fn how_to_read(c: &CheckResult) -> Markup {
    section(
        "how-to-read",
        "How to read a calibration check",
        html! {
            ul { "\n"
                li {
                    "Each repeat draws a truth from the prior, simulates what a world at the truth \
                     shows on the observed days, and calibrates to that. If the calibration's \
                     posteriors are right, the truth is just another draw from its posterior: its \
                     rank among the " (c.draws) " posterior draws is uniform, and a 90 % interval \
                     holds it in 90 % of the repeats."
                } "\n"
                li {
                    "The chart shows, per key, the share of repeats whose fractional rank is at \
                     most x, minus x. A calibrated posterior stays inside the grey band (95 % of \
                     the time, the whole curve at once). Below zero throughout (a ∪): few low \
                     ranks, the truths sit high in their posteriors, which are too low; above zero \
                     throughout (a ∩): too high. Above zero on the left and below on the right: \
                     ranks piled at both ends, posteriors too narrow; below then above: ranks piled \
                     in the middle, posteriors too wide."
                } "\n"
                li {
                    "Each judgement is a 95 % test on its own, so with several keys one of them \
                     outside now and then is chance. Run more repeats (" code { "--resume" }
                    " continues an interrupted check) before concluding; a key that stays outside \
                     is miscalibrated."
                } "\n"
            } "\n"
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::Ranked;
    use super::*;
    use crate::report::page::test_text::{HOSTILE, assert_shown_as_text};
    use crate::scenario::{Fit, FitKind};

    /// A check of one key, named `text`, over 20 repeats whose truths all rank at the bottom of
    /// their posteriors (so every judgement fails), every text of it `text`.
    fn check(text: &str) -> CheckResult {
        let fit = Fit {
            key: text.into(),
            low: 1.0,
            high: 30.0,
            kind: FitKind::Real,
            log: false,
        };
        let ranked = (0..20)
            .map(|repeat| Ranked {
                repeat,
                key: 0,
                truth: 0.01,
                rank: 0,
                draws: 50,
                in_50: false,
                in_90: false,
            })
            .collect();
        CheckResult::new(text, text, 10, &[fit], ranked, text.into())
    }

    fn page(c: &CheckResult) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let chart = super::super::chart::draw(c, dir.path()).expect("chart draws");
        let path = dir.path().join("report.html");
        write(c, &chart, &["sbc.csv", "coverage.csv"], &path).expect("writes");
        std::fs::read_to_string(&path).expect("reads")
    }

    #[test]
    fn the_page_marks_what_falls_outside() {
        let c = check("calibration-test");
        let html = page(&c);
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
        let (lo, hi) = c.range_90;
        assert!(html.contains(&format!(
            "<tr><td><code>calibration-test</code></td><td><strong>0 (outside {}–{})</strong>\
             </td><td><strong>0 (outside {lo}–{hi})</strong></td><td>0.000</td>\
             <td><strong>outside the band</strong></td></tr>",
            c.range_50.0, c.range_50.1
        )));
        assert!(html.contains("of the fit of 1 key: 20 repeats,"));
        assert!(html.contains("its rank among the 50 posterior draws is uniform"));
        assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), 1);
        assert!(html.contains("<a href=\"coverage.csv\"><code>coverage.csv</code></a>"));
    }

    #[test]
    fn texts_that_end_a_script_are_text_in_a_check() {
        let html = page(&check(HOSTILE));
        // Title, heading, footer, description (file, settings) and the key in the table.
        assert_shown_as_text(&html, 6, 0);
    }
}
