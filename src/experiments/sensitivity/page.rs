//! `report.html` of a sensitivity analysis: one self-contained page, laid out like a run's
//! report in the frame every page shares (`crate::report::page::frame`).
//!
//! The page holds the parameters, and per figure its base value, its tornado chart and the table
//! of its bars. It does not draw charts (see [`super::chart`]) nor compute
//! figures; every text that comes from a scenario is escaped by the template.

use crate::experiments::sensitivity::result::{Bar, Parameter, Sensitivity};
use crate::report::page::frame::Frame;
use crate::report::page::sections::{self, Column::Num, Column::Text, Figure, head, section};
use crate::run::report::headline::{Headline, Unit};
use anyhow::Result;
use maud::{Markup, html};
use std::path::{Path, PathBuf};

/// The report of a sensitivity analysis: the parameters with their low and high values, the
/// tornado charts (embedded) and links to `sensitivity.csv`.
///
/// `charts` are `(figure key, PNG file)` pairs already drawn; `files` names of files in the same
/// folder as `path` (linked relatively).
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub(crate) fn write(
    sens: &Sensitivity,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(&render(sens, charts, files)?, path)
}

/// The whole page: the parameters, how to read a tornado chart, each figure's chart and table,
/// and the files.
fn render(sens: &Sensitivity, charts: &[(String, PathBuf)], files: &[&str]) -> Result<String> {
    let runs = 1 + 2 * sens.parameters.len();
    let replications = match sens.base.replications {
        1 => "one replication".to_string(),
        r => format!("{r} replications"),
    };
    let description = format!(
        "How much each headline figure moves when one parameter goes from its low to its high \
         value, every other parameter staying at its scenario value: {} parameter{}, {runs} runs \
         of {replications} each, all with the scenario's seed.",
        sens.parameters.len(),
        if sens.parameters.len() == 1 { "" } else { "s" }
    );
    let mut contents = vec![
        ("parameters", "Parameters"),
        ("how-to-read", "How to read"),
        ("figures", "Figures"),
    ];
    if !files.is_empty() {
        contents.push(("data", "Data files"));
    }
    let frame = Frame {
        title: format!("{} — picsim sensitivity analysis", sens.name),
        kicker: "picsim sensitivity analysis",
        heading: &sens.name,
        description: Some(html! { (description) }),
        contents,
        subject: format!("the sensitivity analysis of {}", sens.name),
    };
    let sections = html! {
        (parameters_section(sens))
        (how_to_read(files.contains(&"sensitivity.csv")))
        (figures_section(sens, charts)?)
        (sections::files(files))
    };
    Ok(frame.render(sections))
}

/// The parameters in the scenario's order, each with its low and high value.
fn parameters_section(sens: &Sensitivity) -> Markup {
    section(
        "parameters",
        "Parameters",
        html! {
            @if sens.parameters.is_empty() {
                p { "The analysis has no parameters." } "\n"
            } @else {
                p class="note" {
                    "In the order of the scenario's " code { "[sensitivity]" } " table, each under \
                     its label and its key. Of a table value (a distribution, a mix) only the fields \
                     that differ from the scenario's value are shown; " code { "sensitivity.csv" }
                    " has the whole values."
                } "\n"
                div class="wide" { "\n"
                    table class="parameters" { "\n"
                        (head(&[Text("Parameter"), Text("Low value"), Text("High value")])) "\n"
                        tbody { "\n"
                            @for p in &sens.parameters {
                                tr {
                                    td { (parameter_cell(&p.label, &p.key)) }
                                    td { code { (p.low_shown) } }
                                    td { code { (p.high_shown) } }
                                } "\n"
                            }
                        } "\n"
                    } "\n"
                } "\n"
            }
        },
    )
}

/// A parameter as tables name it: its label, and its key under it, smaller.
fn parameter_cell(label: &str, key: &str) -> Markup {
    html! { (label) br; code class="key" { (key) } }
}

/// A list of parameters by label, for notes.
fn labels(ps: &[&Parameter]) -> String {
    ps.iter()
        .map(|p| p.label.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// How to read a tornado chart: rows, bars, their order, and what a swing means.
fn how_to_read(csv_linked: bool) -> Markup {
    section(
        "how-to-read",
        "How to read a tornado chart",
        html! {
            ul { "\n"
                li {
                    "Each row is one parameter. The black vertical line is the figure in the base \
                     run, with every parameter at its scenario value."
                } "\n"
                li {
                    "The blue bar runs from the base line to the figure with the parameter at its \
                     low value, the orange bar to the figure at its high value; the parameter's \
                     values are written at the bar ends. A bar to the left means the figure falls, \
                     to the right that it rises. When both ends lie on the same side of the base, \
                     the shorter bar is drawn over the longer one, thinner, and its value is \
                     written on the other side of the base line."
                } "\n"
                li {
                    "Rows are sorted by " em { "swing" } ", the distance between the two ends, \
                     largest on top: the figure is most sensitive to the parameters at the top, so \
                     their values deserve the most care. A short bar means the figure hardly \
                     depends on that parameter within the range tried, not that it never does."
                } "\n"
                li {
                    "Each value is a mean across replications; every run keeps the scenario's \
                     seed, so differences come from the parameter, not from different random \
                     draws. Swings smaller than the spread between replications of one run are \
                     still best read as no effect."
                } "\n"
                @if csv_linked {
                    li {
                        a href="sensitivity.csv" { code { "sensitivity.csv" } } " has every bar of \
                        every figure with full precision."
                    } "\n"
                }
            } "\n"
        },
    )
}

/// A swing of a figure: shares in percentage points, else as the figure.
fn swing_text(base: &Headline, b: &Bar) -> String {
    match base.unit {
        Unit::Share => format!("{:.1} pp", 100.0 * b.swing()),
        _ => base.display_value(b.swing()),
    }
}

/// Every figure the base run has, each in an article of its own.
///
/// # Errors
/// A chart file cannot be read.
fn figures_section(sens: &Sensitivity, charts: &[(String, PathBuf)]) -> Result<Markup> {
    let figures = sens.figures();
    let mut articles = Vec::with_capacity(figures.len());
    for (i, (key, label)) in figures.iter().enumerate() {
        if let Some(base) = sens.base.headline(key) {
            let chart = charts
                .iter()
                .find(|(f, _)| f == key)
                .map(|(_, p)| p.as_path());
            articles.push(figure_article(
                sens,
                i + 1,
                (key.as_str(), label.as_str()),
                base,
                chart,
            )?);
        }
    }
    Ok(html! {
        (section("figures", "Figures", html! {
            @if figures.is_empty() {
                p { "The base run has no headline figures." } "\n"
            }
            @for article in articles { (article) }
        }))
    })
}

/// Figure `number` (`(key, label)`) with its value in the base run: its tornado chart if one
/// was drawn, the table of its bars, and the parameters not drawn and why.
///
/// # Errors
/// The chart file cannot be read.
fn figure_article(
    sens: &Sensitivity,
    number: usize,
    (key, label): (&str, &str),
    base: &Headline,
    chart: Option<&Path>,
) -> Result<Markup> {
    let figure = match chart {
        Some(path) => Some(
            Figure {
                id: None,
                path,
                title: label,
                alt: Some(&format!("Tornado chart: {label}")),
                text: html! {
                    "The figure with each parameter at its low (blue) and high (orange) value, \
                     around the base value (black line), largest swing on top."
                },
            }
            .render()?,
        ),
        None => None,
    };
    let bars = sens.moving_bars(key);
    let notes = [
        (
            "Not measured: ",
            sens.not_measured(key),
            ". This key moves the day the figure is measured on (at one end its run reports \
             this date for another event), so the two runs would not measure the same thing.",
        ),
        ("Unchanged at both ends (not drawn): ", sens.still(key), "."),
        (
            "Not shown, because their runs lack this figure: ",
            sens.missing(key),
            ".",
        ),
    ];
    Ok(html! {
        article id={ "figure-" (number) } { "\n"
            h3 { (label) } "\n"
            p {
                "Base value: " span class="value" { (base.display()) } " "
                span class="note" { "(" code { (key) } ")" }
            } "\n"
            @if let Some(figure) = figure { (figure) }
            @if bars.is_empty() {
                p { "No parameter's runs move this figure." } "\n"
            } @else {
                (bars_table(base, &bars))
            }
            @for (before, parameters, after) in &notes {
                @if !parameters.is_empty() {
                    p class="note" { (before) (labels(parameters)) (after) } "\n"
                }
            }
        } "\n"
    })
}

/// The table of a figure's bars: each moving parameter's low and high values, the figure at
/// each, and the swing.
fn bars_table(base: &Headline, bars: &[Bar]) -> Markup {
    html! {
        div class="wide" { "\n"
            table class="bars" { "\n"
                (head(&[
                    Text("Parameter"),
                    Text("Low value"),
                    Num("Figure at low"),
                    Text("High value"),
                    Num("Figure at high"),
                    Num("Swing"),
                ])) "\n"
                tbody { "\n"
                    @for b in bars {
                        tr {
                            td { (parameter_cell(&b.label, &b.key)) }
                            td { code { (b.low_text) } }
                            td class="num" { (base.display_value(b.at_low)) }
                            td { code { (b.high_text) } }
                            td class="num" { (base.display_value(b.at_high)) }
                            td class="num" { (swing_text(base, b)) }
                        } "\n"
                    }
                } "\n"
            } "\n"
        } "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::fixtures;
    use crate::report::fixtures::assert_self_contained;
    use crate::report::page::test_text::{HOSTILE, assert_shown_as_text, html_text};

    fn sensitivity_page(sens: &Sensitivity, dir: &Path) -> String {
        let charts: Vec<(String, PathBuf)> = sens
            .figures()
            .into_iter()
            .map(|(f, _)| {
                let p = dir.join(crate::experiments::sensitivity::result::figure_file(&f));
                (f, p)
            })
            .collect();
        for (f, p) in &charts {
            crate::experiments::sensitivity::chart::draw(sens, f, p).expect("chart draws");
        }
        let path = dir.join("report.html");
        write(sens, &charts, &["sensitivity.csv"], &path).expect("writes");
        std::fs::read_to_string(&path).expect("reads")
    }

    fn check_sensitivity(sens: &Sensitivity) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let html = sensitivity_page(sens, dir.path());
        assert_self_contained(&html);
        assert!(html.contains("<h1>pic-2013 &lt;sens&gt;</h1>"));
        for p in &sens.parameters {
            assert!(html.contains(&format!("<code class=\"key\">{}</code>", html_text(&p.key))));
            assert!(html.contains(&html_text(&p.label)));
            assert!(html.contains(&format!("<code>{}</code>", html_text(&p.low_shown))));
            assert!(html.contains(&format!("<code>{}</code>", html_text(&p.high_shown))));
        }
        assert!(!html.contains("<p>Probability"), "labels are escaped");
        for (key, label) in sens.figures() {
            assert!(html.contains(&format!("<h3>{}</h3>", html_text(&label))));
            let base = sens.base.headline(&key).expect("base figure");
            assert!(html.contains(&html_text(&base.display())));
        }
        assert_eq!(
            html.matches("<img src=\"data:image/png;base64,").count(),
            sens.figures().len()
        );
        assert!(html.contains("<a href=\"sensitivity.csv\">"));
        assert!(html.contains("How to read a tornado chart"));
        html
    }

    #[test]
    fn sensitivity_without_parameters() {
        let html = check_sensitivity(&fixtures::sensitivity(0));
        assert!(html.contains("The analysis has no parameters."));
        assert!(!html.contains("<table class=\"bars\">"));
    }

    #[test]
    fn sensitivity_with_thirty_parameters() {
        let sens = fixtures::sensitivity(30);
        let html = check_sensitivity(&sens);
        // One row per parameter, and one per moving parameter and figure (parameter 1 moves
        // none of the fixture's figures).
        assert_eq!(
            html.matches("<tr><td>Probability of parameter ").count(),
            30 + 29 * sens.figures().len()
        );
        assert!(
            html.contains(
                "Unchanged at both ends (not drawn): Probability of parameter 1 &lt;p&gt;."
            )
        );
        // Shares swing in percentage points.
        assert!(html.contains(" pp</td>"));
    }

    #[test]
    fn sensitivity_says_which_key_moves_a_figures_day() {
        let mut sens = fixtures::sensitivity(3);
        sens.parameters[2].high.headlines[0].label =
            "Contacts reachable on 2014-07-01, other".into();
        let html = check_sensitivity(&sens);
        assert!(html.contains(
            "Not measured: Probability of parameter 2 &lt;p&gt;. This key moves the day"
        ));
        // Its row is in the tables of the other figures only.
        assert_eq!(
            html.matches("<tr><td>Probability of parameter 2 ").count(),
            1 + sens.figures().len() - 1
        );
    }

    #[test]
    fn texts_that_end_a_script_are_text_in_a_sensitivity_analysis() {
        let mut sens = fixtures::sensitivity(3);
        sens.name = HOSTILE.into();
        sens.parameters[2].label = HOSTILE.into();
        let dir = tempfile::tempdir().expect("temp dir");
        let html = sensitivity_page(&sens, dir.path());
        // Title, heading, footer, and the parameter in the table of parameters and of bars.
        assert_shown_as_text(&html, 3 + 1 + sens.figures().len(), 0);
    }

    #[test]
    fn sensitivity_names_parameters_lacking_a_figure() {
        let mut sens = fixtures::sensitivity(3);
        sens.parameters[1].low.headlines.clear();
        let html = check_sensitivity(&sens);
        assert!(html.contains(
            "Not shown, because their runs lack this figure: Probability of parameter 1 &lt;p&gt;."
        ));
    }
}
