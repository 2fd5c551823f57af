//! `report.html` of a calibration, in the frame every page shares: what the fit rests on and
//! where the forecast starts, the fitted keys with their posterior medians and 90 % intervals,
//! the charts (observations over the predictive band, posterior marginals), the generations, how
//! to read it, and the data files. It draws nothing and computes nothing; every text that comes
//! from a scenario or a file is escaped by the template.

use crate::calibration::report::result::Calibration;
use crate::report::page::frame::Frame;
use crate::report::page::sections::{self, Column::Text, Figure, head, section};
use anyhow::Result;
use maud::{Markup, html};
use std::path::{Path, PathBuf};

/// Writes the page of `c` to `path`, embedding `charts` (`(caption, PNG file)`) and linking
/// `files` (beside `path`).
pub(crate) fn write(
    c: &Calibration,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(&render(c, charts, files)?, path)
}

/// The whole page: the fitted keys, the forecast's charts, the generations, how to read it and
/// the files.
fn render(c: &Calibration, charts: &[(String, PathBuf)], files: &[&str]) -> Result<String> {
    let frame = Frame {
        title: format!("{} — picsim calibration", c.name),
        kicker: "picsim calibration",
        heading: &c.name,
        description: Some(html! {
            (c.forecast_sentence()) " The keys below were fitted by approximate Bayesian \
            computation to the observations in " code { (c.observed_file) } ". " (c.description)
        }),
        contents: vec![
            ("fitted", "Fitted keys"),
            ("charts", "Forecast"),
            ("generations", "Generations"),
            ("how-to-read", "How to read"),
            ("data", "Data files"),
        ],
        subject: format!("the calibration of {}", c.name),
    };
    let mut figures = Vec::with_capacity(charts.len());
    for (caption, path) in charts {
        let figure = Figure {
            id: None,
            path,
            title: caption,
            alt: None,
            text: html! {},
        };
        figures.push(figure.render()?);
    }
    let sections = html! {
        (fitted(c))
        (section("charts", "Forecast", html! {
            @for figure in figures { (figure) }
        }))
        (generations(c))
        (how_to_read(c))
        (sections::files(files))
    };
    Ok(frame.render(sections))
}

/// The fitted keys: each one's posterior median and 90 % interval, and its prior.
fn fitted(c: &Calibration) -> Markup {
    section(
        "fitted",
        "Fitted keys",
        html! {
            p class="note" {
                "Posterior median and 90 % credible interval (5 % to 95 %) of each key, from the \
                 last generation's " (c.particles.len()) " weighted particles."
            } "\n"
            table class="parameters" { "\n"
                (head(&[Text("Key"), Text("Median"), Text("90 % interval"), Text("Prior")]))
                tbody { "\n"
                    @for f in &c.fitted {
                        @let [lo, mid, hi] = &f.quantiles;
                        tr {
                            td { code { (f.key) } }
                            td { (mid) }
                            td { (lo) " to " (hi) }
                            td { (f.prior) }
                        } "\n"
                    }
                }
            } "\n"
        },
    )
}

/// The generations: each one's tolerance, simulations, share kept and effective sample size,
/// after why the sampler stopped.
fn generations(c: &Calibration) -> Markup {
    section(
        "generations",
        "Generations",
        html! {
            p class="note" {
                (c.simulations()) " simulations in all; the sampler stopped because " (c.stop) "."
            } "\n"
            @if !c.converged {
                p class="note" { strong { (crate::calibration::report::result::NOT_CONVERGED) } } "\n"
            }
            table class="parameters" { "\n"
                (head(&[
                    Text("Generation"),
                    Text("Tolerance"),
                    Text("Simulations"),
                    Text("Kept"),
                    Text("Effective sample size"),
                ]))
                tbody { "\n"
                    @for g in &c.generations {
                        tr {
                            td { (g.generation) }
                            td {
                                @if g.tolerance.is_finite() {
                                    (format!("{:.4}", g.tolerance))
                                } @else {
                                    "none (draws from the prior)"
                                }
                            }
                            td { (g.simulations) }
                            td { (format!("{:.0} %", 100.0 * g.acceptance)) }
                            td { (format!("{:.0}", g.ess)) }
                        } "\n"
                    }
                }
            } "\n"
        },
    )
}

/// How to read a calibration: particles and distances, intervals, and the forecast band.
fn how_to_read(c: &Calibration) -> Markup {
    section(
        "how-to-read",
        "How to read a calibration",
        html! {
            ul { "\n"
                li {
                    "Each particle is one set of values of the fitted keys, simulated on one of the \
                     scenario's " (c.worlds) " worlds (replications of seed " (c.seed) "). The \
                     distance of a simulation to the observations is the root mean square of their \
                     differences, each divided by how much that observation varied among the \
                     previous generation's simulations (combined with its standard error where the \
                     file gives one), so that an observation the model reproduces precisely counts \
                     for more than a noisy one. Each generation keeps only particles closer than its \
                     tolerance; as the scales adapt to each generation, tolerances are not \
                     comparable from one generation to the next."
                } "\n"
                li {
                    "The interval of a key is what the observations leave possible given the prior \
                     range: a wide one means the observations say little about that key. An \
                     interval pressed against an end of its prior range means the data would like \
                     values beyond it: widen the range."
                } "\n"
                li {
                    "The forecast band is the spread of the last generation's particles, resampled \
                     by weight and each run over the whole window. Up to the last observed day it \
                     shows how well the fit reproduces the observations; after it, what the fitted \
                     model expects. It holds the uncertainty of the fitted keys and the spread \
                     between worlds, not the uncertainty of the keys that were not fitted."
                } "\n"
            } "\n"
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::report::result::{FittedKey, GenerationRow, NOT_CONVERGED, Point};
    use crate::report::fixtures::assert_self_contained;
    use crate::report::page::test_text::{HOSTILE, assert_shown_as_text};
    use chrono::NaiveDate;

    /// A calibration of one key over two generations, every text of it `text`.
    fn calibration(text: &str) -> Calibration {
        let day = NaiveDate::from_ymd_opt(2013, 5, 30).unwrap_or_default();
        Calibration {
            name: text.into(),
            description: text.into(),
            observed_file: text.into(),
            observations: vec![Point {
                date: day,
                metric: "reachable_share_skype".into(),
                value: 0.5,
                sem: None,
            }],
            fitted: vec![FittedKey {
                key: text.into(),
                prior: text.into(),
                range: (1.0, 30.0),
                log: false,
                date: false,
                quantiles: ["2.5".into(), "7.25".into(), "12".into()],
            }],
            particles: vec![(vec!["7".into()], 1.0, 0.1)],
            values: vec![vec![7.0]],
            generations: vec![
                GenerationRow {
                    generation: 0,
                    tolerance: f64::INFINITY,
                    acceptance: 1.0,
                    ess: 40.0,
                    simulations: 40,
                    screened: 0,
                },
                GenerationRow {
                    generation: 1,
                    tolerance: 0.123_456,
                    acceptance: 0.254,
                    ess: 31.6,
                    simulations: 160,
                    screened: 0,
                },
            ],
            stop: text.into(),
            converged: false,
            worlds: 4,
            seed: 5,
            dates: vec![day],
            columns: Vec::new(),
            predictive: Vec::new(),
        }
    }

    fn page(c: &Calibration) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("report.html");
        write(c, &[], &["posterior.csv"], &path).expect("writes");
        std::fs::read_to_string(&path).expect("reads")
    }

    #[test]
    fn the_page_holds_the_fit_and_its_generations() {
        let html = page(&calibration("calibration-test"));
        assert_self_contained(&html);
        assert!(html.contains(
            "<tr><td><code>calibration-test</code></td><td>7.25</td><td>2.5 to 12</td>\
             <td>calibration-test</td></tr>"
        ));
        assert!(html.contains(
            "<tr><td>0</td><td>none (draws from the prior)</td><td>40</td><td>100 %</td>\
             <td>40</td></tr>"
        ));
        assert!(
            html.contains("<tr><td>1</td><td>0.1235</td><td>160</td><td>25 %</td><td>32</td></tr>")
        );
        assert!(html.contains("<p class=\"note\">200 simulations in all;"));
        assert!(html.contains(&format!("<strong>{NOT_CONVERGED}</strong>")));
        assert!(html.contains("from the last generation's 1 weighted particles."));
        assert!(html.contains("<a href=\"posterior.csv\"><code>posterior.csv</code></a>"));
    }

    #[test]
    fn texts_that_end_a_script_are_text_in_a_calibration() {
        let html = page(&calibration(HOSTILE));
        // Title, heading, footer, description (name, file), key, prior and why it stopped.
        assert_shown_as_text(&html, 8, 0);
    }
}
