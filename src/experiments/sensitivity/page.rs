//! `report.html` of a sensitivity analysis: one self-contained page, laid out like a run's
//! report in the frame every page shares (`crate::report::page::frame`).
//!
//! The page holds the parameters, and per figure its base value, its tornado chart and the table
//! of its bars. It does not draw charts (see [`super::chart`]) nor compute
//! figures; every text that comes from a scenario is escaped.

use crate::experiments::sensitivity::result::{Bar, Parameter, Sensitivity};
use crate::report::page::escape::escape;
use crate::report::page::frame::Frame;
use crate::report::page::sections::{write_figure, write_files};
use crate::run::report::headline::{Headline, Unit};
use anyhow::Result;
use std::fmt::Write as _;
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
        description: Some(description),
        contents,
        subject: format!("the sensitivity analysis of {}", sens.name),
    };
    frame.render(|out| {
        write_parameters(out, sens)?;
        write_how_to_read(out, files.contains(&"sensitivity.csv"))?;
        write_figures(out, sens, charts)?;
        write_files(out, files)
    })
}

fn write_parameters(out: &mut String, sens: &Sensitivity) -> Result<()> {
    writeln!(out, "<section id=\"parameters\">")?;
    writeln!(out, "<h2>Parameters</h2>")?;
    if sens.parameters.is_empty() {
        writeln!(out, "<p>The analysis has no parameters.</p>")?;
    } else {
        writeln!(
            out,
            "<p class=\"note\">In the order of the scenario's <code>[sensitivity]</code> table, \
             each under its label and its key. Of a table value (a distribution, a mix) only the \
             fields that differ from the scenario's value are shown; \
             <code>sensitivity.csv</code> has the whole values.</p>"
        )?;
        writeln!(out, "<div class=\"wide\">")?;
        writeln!(out, "<table class=\"parameters\">")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Low value</th><th scope=\"col\">High value</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for p in &sens.parameters {
            writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                parameter_cell(&p.label, &p.key),
                escape(&p.low_shown),
                escape(&p.high_shown)
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
        writeln!(out, "</div>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

/// A parameter as tables name it: its label, and its key under it, smaller.
fn parameter_cell(label: &str, key: &str) -> String {
    format!(
        "{}<br><code class=\"key\">{}</code>",
        escape(label),
        escape(key)
    )
}

/// A list of parameters by label, for notes.
fn labels(ps: &[&Parameter]) -> String {
    ps.iter()
        .map(|p| escape(&p.label))
        .collect::<Vec<_>>()
        .join("; ")
}

fn write_how_to_read(out: &mut String, csv_linked: bool) -> Result<()> {
    writeln!(out, "<section id=\"how-to-read\">")?;
    writeln!(out, "<h2>How to read a tornado chart</h2>")?;
    writeln!(out, "<ul>")?;
    writeln!(
        out,
        "<li>Each row is one parameter. The black vertical line is the figure in the base run, \
         with every parameter at its scenario value.</li>"
    )?;
    writeln!(
        out,
        "<li>The blue bar runs from the base line to the figure with the parameter at its low \
         value, the orange bar to the figure at its high value; the parameter's values are written \
         at the bar ends. A bar to the left means the figure falls, to the right that it rises. When \
         both ends lie on the same side of the base, the shorter bar is drawn over the longer one, thinner, \
         and its value is written on the other side of the base line.</li>"
    )?;
    writeln!(
        out,
        "<li>Rows are sorted by <em>swing</em>, the distance between the two ends, largest on top: \
         the figure is most sensitive to the parameters at the top, so their values deserve the \
         most care. A short bar means the figure hardly depends on that parameter within the \
         range tried, not that it never does.</li>"
    )?;
    writeln!(
        out,
        "<li>Each value is a mean across replications; every run keeps the scenario's seed, so \
         differences come from the parameter, not from different random draws. Swings smaller than \
         the spread between replications of one run are still best read as no effect.</li>"
    )?;
    if csv_linked {
        writeln!(
            out,
            "<li><a href=\"sensitivity.csv\"><code>sensitivity.csv</code></a> has every bar of every \
             figure with full precision.</li>"
        )?;
    }
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

/// A swing of a figure: shares in percentage points, else as the figure.
fn swing_text(base: &Headline, b: &Bar) -> String {
    match base.unit {
        Unit::Share => format!("{:.1} pp", 100.0 * b.swing()),
        _ => base.display_value(b.swing()),
    }
}

fn write_figures(out: &mut String, sens: &Sensitivity, charts: &[(String, PathBuf)]) -> Result<()> {
    writeln!(out, "<section id=\"figures\">")?;
    writeln!(out, "<h2>Figures</h2>")?;
    let figures = sens.figures();
    if figures.is_empty() {
        writeln!(out, "<p>The base run has no headline figures.</p>")?;
    }
    for (i, (key, label)) in figures.iter().enumerate() {
        let Some(base) = sens.base.headline(key) else {
            continue;
        };
        writeln!(out, "<article id=\"figure-{}\">", i + 1)?;
        writeln!(out, "<h3>{}</h3>", escape(label))?;
        writeln!(
            out,
            "<p>Base value: <span class=\"value\">{}</span> <span class=\"note\">(<code>{}</code>)</span></p>",
            escape(&base.display()),
            escape(key)
        )?;
        if let Some((_, path)) = charts.iter().find(|(f, _)| f == key) {
            let text = "The figure with each parameter at its low (blue) and high (orange) value, \
                        around the base value (black line), largest swing on top.";
            let alt = format!("Tornado chart: {label}");
            write_figure(out, None, path, &alt, label, text)?;
        }
        let bars = sens.moving_bars(key);
        if bars.is_empty() {
            writeln!(out, "<p>No parameter's runs move this figure.</p>")?;
        } else {
            writeln!(out, "<div class=\"wide\">")?;
            writeln!(out, "<table class=\"bars\">")?;
            writeln!(
                out,
                "<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Low value</th><th scope=\"col\" class=\"num\">Figure at low</th><th scope=\"col\">High value</th><th scope=\"col\" class=\"num\">Figure at high</th><th scope=\"col\" class=\"num\">Swing</th></tr></thead>"
            )?;
            writeln!(out, "<tbody>")?;
            for b in &bars {
                writeln!(
                    out,
                    "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    parameter_cell(&b.label, &b.key),
                    escape(&b.low_text),
                    escape(&base.display_value(b.at_low)),
                    escape(&b.high_text),
                    escape(&base.display_value(b.at_high)),
                    escape(&swing_text(base, b))
                )?;
            }
            writeln!(out, "</tbody>")?;
            writeln!(out, "</table>")?;
            writeln!(out, "</div>")?;
        }
        let moved = sens.not_measured(key);
        if !moved.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">Not measured: {}. This key moves the day the figure is \
                 measured on (at one end its run reports this date for another event), so the \
                 two runs would not measure the same thing.</p>",
                labels(&moved)
            )?;
        }
        let still = sens.still(key);
        if !still.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">Unchanged at both ends (not drawn): {}.</p>",
                labels(&still)
            )?;
        }
        let missing = sens.missing(key);
        if !missing.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">Not shown, because their runs lack this figure: {}.</p>",
                labels(&missing)
            )?;
        }
        writeln!(out, "</article>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::fixtures;
    use crate::report::fixtures::assert_self_contained;

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
            assert!(html.contains(&format!("<code class=\"key\">{}</code>", escape(&p.key))));
            assert!(html.contains(&escape(&p.label)));
            assert!(html.contains(&format!("<code>{}</code>", escape(&p.low_shown))));
            assert!(html.contains(&format!("<code>{}</code>", escape(&p.high_shown))));
        }
        assert!(!html.contains("<p>Probability"), "labels are escaped");
        for (key, label) in sens.figures() {
            assert!(html.contains(&format!("<h3>{}</h3>", escape(&label))));
            let base = sens.base.headline(&key).expect("base figure");
            assert!(html.contains(&escape(&base.display())));
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
    fn sensitivity_names_parameters_lacking_a_figure() {
        let mut sens = fixtures::sensitivity(3);
        sens.parameters[1].low.headlines.clear();
        let html = check_sensitivity(&sens);
        assert!(html.contains(
            "Not shown, because their runs lack this figure: Probability of parameter 1 &lt;p&gt;."
        ));
    }
}
