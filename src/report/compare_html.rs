//! `report.html` for a sweep, a comparison of run folders, or a sensitivity analysis: one
//! self-contained page each, laid out like a run's report (same style sheet, charts embedded as
//! `data:` URIs, no scripts, no references outside the folder) by the helpers of [`super::html`].
//!
//! The comparison page holds the runs with their swept values and headline figures, the
//! comparison charts, the key dates and links to the data files and to each run's own report. The
//! sensitivity page holds the parameters, and per figure its base value, its tornado chart and the
//! table of its bars. Neither draws charts (see [`super::compare_chart`]) nor computes figures;
//! every text that comes from a scenario or a run folder is escaped.

use super::compare_chart::{MAX_BANDED_RUNS, MAX_DISTINCT_RUNS, metric_title, run_colour};
use super::headline::{Headline, Unit};
use super::html::{escape, png_data_uri, url_path, write_files, write_head, write_key_dates};
use crate::experiments::compare::{Comparison, RunSummary};
use crate::experiments::sweep::{Bar, Sensitivity};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The report of a sweep or comparison: the runs and their values, the headline figures per run,
/// the comparison charts (embedded), links to `compare.csv`, `runs.csv` and each run's report.
///
/// `charts` are `(metric, PNG file)` pairs already drawn; `files` names of files in the same
/// folder as `path` (linked relatively).
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub fn write_comparison(
    cmp: &Comparison,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    let html = render_comparison(cmp, charts, files)?;
    std::fs::write(path, html)
        .with_context(|| format!("could not write report '{}'", path.display()))
}

/// The report of a sensitivity analysis: the parameters with their low and high values, the
/// tornado charts (embedded) and links to `sensitivity.csv`.
///
/// `charts` are `(figure key, PNG file)` pairs already drawn; `files` names of files in the same
/// folder as `path` (linked relatively).
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub fn write_sensitivity(
    sens: &Sensitivity,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    let html = render_sensitivity(sens, charts, files)?;
    std::fs::write(path, html)
        .with_context(|| format!("could not write report '{}'", path.display()))
}

/// A relative link (`run-001/report.html`, `../base/report.html`) as a URL: each segment
/// percent-encoded, the slashes kept.
fn link_url(link: &str) -> String {
    link.split('/').map(url_path).collect::<Vec<_>>().join("/")
}

/// The contents bar of a page.
fn write_nav(out: &mut String, items: &[(&str, &str)]) -> Result<()> {
    writeln!(out, "<nav aria-label=\"Contents\"><ul>")?;
    for (id, label) in items {
        writeln!(out, "<li><a href=\"#{id}\">{label}</a></li>")?;
    }
    writeln!(out, "</ul></nav>")?;
    Ok(())
}

/// The end of a page.
fn write_footer(out: &mut String, what: &str) -> Result<()> {
    writeln!(
        out,
        "<footer>Written by picsim {} for {}.</footer>",
        env!("CARGO_PKG_VERSION"),
        escape(what)
    )?;
    writeln!(out, "</main>")?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")?;
    Ok(())
}

/// A colour swatch as the charts draw run `i` of `n`.
fn swatch(i: usize, n: usize) -> String {
    let c = run_colour(i, n);
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>",
        c.0, c.1, c.2
    )
}

/// "4", or "2–5" when runs differ.
fn replications_range(runs: &[RunSummary]) -> String {
    let lo = runs.iter().map(|r| r.replications).min().unwrap_or(0);
    let hi = runs.iter().map(|r| r.replications).max().unwrap_or(0);
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

fn render_comparison(
    cmp: &Comparison,
    charts: &[(String, PathBuf)],
    files: &[&str],
) -> Result<String> {
    let sweep = !cmp.keys.is_empty();
    let title = escape(&cmp.title);
    let mut out = String::with_capacity(1 << 20);
    write_head(&mut out, &format!("{title} — picsim comparison"))?;
    writeln!(out, "<header>")?;
    writeln!(
        out,
        "<p class=\"kicker\">picsim {}</p>",
        if sweep { "sweep" } else { "comparison" }
    )?;
    writeln!(out, "<h1>{title}</h1>")?;
    if !cmp.description.trim().is_empty() {
        writeln!(
            out,
            "<p class=\"description\">{}</p>",
            escape(cmp.description.trim())
        )?;
    }
    writeln!(out, "</header>")?;
    let mut nav = vec![("runs", "Runs"), ("how-to-read", "How to read")];
    if !charts.is_empty() {
        nav.push(("charts", "Charts"));
    }
    nav.push(("key-dates", "Key dates"));
    if !files.is_empty() {
        nav.push(("data", "Data files"));
    }
    write_nav(&mut out, &nav)?;
    write_runs(&mut out, cmp)?;
    write_comparison_how_to_read(&mut out, cmp, files.contains(&"compare.csv"))?;
    write_comparison_charts(&mut out, cmp, charts)?;
    write_key_dates(
        &mut out,
        &cmp.key_dates,
        "No key dates are known for these runs.",
    )?;
    write_files(&mut out, files)?;
    write_footer(&mut out, &cmp.title)?;
    Ok(out)
}

/// The table of runs: colour and id (linked to the run's report), swept values (or the label),
/// replications, then the headline figures, sorted as [`Comparison::sorted_runs`].
fn write_runs(out: &mut String, cmp: &Comparison) -> Result<()> {
    let n = cmp.runs.len();
    let keys = cmp.headline_keys();
    writeln!(out, "<section id=\"runs\">")?;
    writeln!(out, "<h2>Runs</h2>")?;
    if n == 0 {
        writeln!(out, "<p>There are no runs to compare.</p>")?;
        writeln!(out, "</section>")?;
        return Ok(());
    }
    let linked = if cmp.runs.iter().any(|r| r.link.is_some()) {
        " The run id links to that run's own report."
    } else {
        ""
    };
    writeln!(
        out,
        "<p class=\"note\">{n} run{}, sorted by the reachable share at the end, highest first. \
         Figures are means across each run's replications; the colour is the run's in the \
         charts; a dash means the run lacks that figure.{linked}</p>",
        if n == 1 { "" } else { "s" }
    )?;
    writeln!(out, "<div class=\"wide\">")?;
    writeln!(out, "<table class=\"runs\">")?;
    write!(out, "<thead><tr><th scope=\"col\">Run</th>")?;
    if cmp.keys.is_empty() {
        write!(out, "<th scope=\"col\">Label</th>")?;
    }
    for k in &cmp.keys {
        write!(out, "<th scope=\"col\"><code>{}</code></th>", escape(k))?;
    }
    write!(out, "<th scope=\"col\" class=\"num\">Replications</th>")?;
    for (_, label) in &keys {
        write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(label)
        )?;
    }
    writeln!(out, "</tr></thead>")?;
    writeln!(out, "<tbody>")?;
    for r in cmp.sorted_runs() {
        let i = cmp
            .runs
            .iter()
            .position(|x| std::ptr::eq(x, r))
            .unwrap_or(0);
        let id = match &r.link {
            Some(link) => format!(
                "<a href=\"{}\">{}</a>",
                escape(&link_url(link)),
                escape(&r.id)
            ),
            None => escape(&r.id),
        };
        write!(out, "<tr><td>{}{id}</td>", swatch(i, n))?;
        if cmp.keys.is_empty() {
            write!(out, "<td>{}</td>", escape(&r.label))?;
        }
        for k in 0..cmp.keys.len() {
            let value = r.values.get(k).map_or("—", String::as_str);
            write!(out, "<td><code>{}</code></td>", escape(value))?;
        }
        write!(out, "<td class=\"num\">{}</td>", r.replications)?;
        for (key, _) in &keys {
            let value = r.headline(key).map_or("—".to_string(), Headline::display);
            write!(out, "<td class=\"num\">{}</td>", escape(&value))?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    writeln!(out, "</div>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_comparison_how_to_read(
    out: &mut String,
    cmp: &Comparison,
    csv_linked: bool,
) -> Result<()> {
    let n = cmp.runs.len();
    writeln!(out, "<section id=\"how-to-read\">")?;
    writeln!(out, "<h2>How to read</h2>")?;
    writeln!(out, "<ul>")?;
    if cmp.keys.is_empty() {
        writeln!(
            out,
            "<li>Each run is a finished run folder, read back from its <code>summary.csv</code> and \
             <code>manifest.json</code>; the runs report the same dates and metrics.</li>"
        )?;
    } else {
        writeln!(
            out,
            "<li>Each run is the scenario with one combination of the swept values and everything \
             else unchanged, including the seed, so runs differ only by what was changed. Any run \
             can be repeated alone with <code>picsim run … --set key=value</code>.</li>"
        )?;
    }
    writeln!(
        out,
        "<li>Lines are each run's <em>mean</em> across its {} replications.",
        replications_range(&cmp.runs)
    )?;
    if n <= MAX_BANDED_RUNS {
        writeln!(
            out,
            "The shaded band around a line runs from the 5th to the 95th percentile (p05–p95) of \
             that run; where bands of two runs overlap, the difference between them may be chance.</li>"
        )?;
    } else if n <= MAX_DISTINCT_RUNS {
        writeln!(
            out,
            "With more than {MAX_BANDED_RUNS} runs the p05–p95 bands are left out, as they would \
             hide one another.</li>"
        )?;
    } else {
        writeln!(
            out,
            "With more than {MAX_DISTINCT_RUNS} runs the lines are thin, without bands, and \
             coloured along a ramp from the first run (dark purple) to the last (green), as the \
             swatches in the table show; the runs highest and lowest at the end are drawn wider \
             and named in the legend.</li>"
        )?;
    }
    if (2..=4).contains(&n) {
        writeln!(
            out,
            "<li>Lines are drawn nested, the first run widest, so runs whose lines coincide show as \
             stripes of their colours.</li>"
        )?;
    }
    writeln!(
        out,
        "<li>Dashed vertical lines mark the key dates{}; the number above each line is its row \
         in the <a href=\"#key-dates\">key-dates table</a>.</li>",
        if cmp.keys.is_empty() {
            " of the first run's scenario"
        } else {
            ""
        }
    )?;
    if csv_linked {
        writeln!(
            out,
            "<li><a href=\"compare.csv\"><code>compare.csv</code></a> has the mean, p05, p50 and \
             p95 of every metric of every run on every reported day.</li>"
        )?;
    }
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_comparison_charts(
    out: &mut String,
    cmp: &Comparison,
    charts: &[(String, PathBuf)],
) -> Result<()> {
    if charts.is_empty() {
        return Ok(());
    }
    let n = cmp.runs.len();
    let how = if n <= MAX_BANDED_RUNS {
        "Each run's mean line with its p05–p95 band"
    } else if n <= MAX_DISTINCT_RUNS {
        "Each run's mean line (no bands)"
    } else {
        "Each run's mean as a thin line, coloured from the first run to the last"
    };
    writeln!(out, "<section id=\"charts\">")?;
    writeln!(out, "<h2>Charts</h2>")?;
    for (metric, path) in charts {
        let uri = png_data_uri(path)?;
        let (title, _) = metric_title(metric);
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        writeln!(out, "<figure id=\"chart-{}\">", escape(&url_path(metric)))?;
        writeln!(
            out,
            "<img src=\"{uri}\" width=\"1600\" height=\"900\" alt=\"{}\">",
            escape(&title)
        )?;
        writeln!(
            out,
            "<figcaption><strong>{}.</strong> {how}, for metric <code>{}</code>; colours as in \
             the table of runs. <span class=\"file\">({})</span></figcaption>",
            escape(&title),
            escape(metric),
            escape(&file)
        )?;
        writeln!(out, "</figure>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

fn render_sensitivity(
    sens: &Sensitivity,
    charts: &[(String, PathBuf)],
    files: &[&str],
) -> Result<String> {
    let name = escape(&sens.name);
    let mut out = String::with_capacity(1 << 20);
    write_head(&mut out, &format!("{name} — picsim sensitivity analysis"))?;
    writeln!(out, "<header>")?;
    writeln!(out, "<p class=\"kicker\">picsim sensitivity analysis</p>")?;
    writeln!(out, "<h1>{name}</h1>")?;
    let runs = 1 + 2 * sens.parameters.len();
    let replications = match sens.base.replications {
        1 => "one replication".to_string(),
        r => format!("{r} replications"),
    };
    writeln!(
        out,
        "<p class=\"description\">How much each headline figure moves when one parameter goes \
         from its low to its high value, every other parameter staying at its scenario value: \
         {} parameter{}, {runs} runs of {replications} each, all with the scenario's seed.</p>",
        sens.parameters.len(),
        if sens.parameters.len() == 1 { "" } else { "s" }
    )?;
    writeln!(out, "</header>")?;
    let mut nav = vec![
        ("parameters", "Parameters"),
        ("how-to-read", "How to read"),
        ("figures", "Figures"),
    ];
    if !files.is_empty() {
        nav.push(("data", "Data files"));
    }
    write_nav(&mut out, &nav)?;
    write_parameters(&mut out, sens)?;
    write_sensitivity_how_to_read(&mut out, files.contains(&"sensitivity.csv"))?;
    write_figures(&mut out, sens, charts)?;
    write_files(&mut out, files)?;
    write_footer(
        &mut out,
        &format!("the sensitivity analysis of {}", sens.name),
    )?;
    Ok(out)
}

fn write_parameters(out: &mut String, sens: &Sensitivity) -> Result<()> {
    writeln!(out, "<section id=\"parameters\">")?;
    writeln!(out, "<h2>Parameters</h2>")?;
    if sens.parameters.is_empty() {
        writeln!(out, "<p>The analysis has no parameters.</p>")?;
    } else {
        writeln!(
            out,
            "<p class=\"note\">In the order of the scenario's <code>[sensitivity]</code> table.</p>"
        )?;
        writeln!(out, "<table class=\"parameters\">")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Low value</th><th scope=\"col\">High value</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for p in &sens.parameters {
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                escape(&p.key),
                escape(&p.low_text),
                escape(&p.high_text)
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_sensitivity_how_to_read(out: &mut String, csv_linked: bool) -> Result<()> {
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

/// A value of a figure shown as the figure is.
fn shown(base: &Headline, value: f64) -> String {
    Headline {
        value,
        ..base.clone()
    }
    .display()
}

/// A swing of a figure: shares in percentage points, else as the figure.
fn swing_text(base: &Headline, b: &Bar) -> String {
    match base.unit {
        Unit::Share => format!("{:.1} pp", 100.0 * b.swing()),
        _ => shown(base, b.swing()),
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
            let uri = png_data_uri(path)?;
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            writeln!(out, "<figure>")?;
            writeln!(
                out,
                "<img src=\"{uri}\" width=\"1600\" height=\"900\" alt=\"Tornado chart: {}\">",
                escape(label)
            )?;
            writeln!(
                out,
                "<figcaption><strong>{}.</strong> The figure with each parameter at its low (blue) \
                 and high (orange) value, around the base value (black line), largest swing on top. \
                 <span class=\"file\">({})</span></figcaption>",
                escape(label),
                escape(&file)
            )?;
            writeln!(out, "</figure>")?;
        }
        let bars = sens.bars(key);
        if bars.is_empty() {
            writeln!(out, "<p>No parameter's runs report this figure.</p>")?;
        } else {
            writeln!(out, "<table class=\"bars\">")?;
            writeln!(
                out,
                "<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Low value</th><th scope=\"col\" class=\"num\">Figure at low</th><th scope=\"col\">High value</th><th scope=\"col\" class=\"num\">Figure at high</th><th scope=\"col\" class=\"num\">Swing</th></tr></thead>"
            )?;
            writeln!(out, "<tbody>")?;
            for b in &bars {
                writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(&b.key),
                    escape(&b.low_text),
                    escape(&shown(base, b.at_low)),
                    escape(&b.high_text),
                    escape(&shown(base, b.at_high)),
                    escape(&swing_text(base, b))
                )?;
            }
            writeln!(out, "</tbody>")?;
            writeln!(out, "</table>")?;
        }
        let missing: Vec<String> = sens
            .parameters
            .iter()
            .filter(|p| !bars.iter().any(|b| b.key == p.key))
            .map(|p| format!("<code>{}</code>", escape(&p.key)))
            .collect();
        if !missing.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">Not shown, because their runs lack this figure: {}.</p>",
                missing.join(", ")
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
    use crate::report::compare_chart::fixtures;
    use crate::report::compare_chart::{draw_compare, draw_tornado};

    /// Draws every chart of `cmp` into `dir` and writes its report; returns the page.
    fn comparison_page(cmp: &Comparison, dir: &Path) -> String {
        let charts: Vec<(String, PathBuf)> = cmp
            .chart_metrics()
            .iter()
            .map(|m| (m.to_string(), dir.join(format!("compare_{m}.png"))))
            .collect();
        for (m, p) in &charts {
            draw_compare(cmp, m, p).expect("chart draws");
        }
        let path = dir.join("report.html");
        write_comparison(cmp, &charts, &["compare.csv", "runs.csv"], &path).expect("writes");
        std::fs::read_to_string(&path).expect("reads")
    }

    fn sensitivity_page(sens: &Sensitivity, dir: &Path) -> String {
        let charts: Vec<(String, PathBuf)> = sens
            .figures()
            .into_iter()
            .map(|(f, _)| {
                let p = dir.join(crate::experiments::sweep::figure_file(&f));
                (f, p)
            })
            .collect();
        for (f, p) in &charts {
            draw_tornado(sens, f, p).expect("chart draws");
        }
        let path = dir.join("report.html");
        write_sensitivity(sens, &charts, &["sensitivity.csv"], &path).expect("writes");
        std::fs::read_to_string(&path).expect("reads")
    }

    fn assert_self_contained(html: &str) {
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "the page references the network"
        );
        assert!(!html.contains("<script"), "the page has a script");
        assert!(html.trim_end().ends_with("</html>"));
    }

    fn check_comparison(cmp: &Comparison) {
        let dir = tempfile::tempdir().expect("temp dir");
        let html = comparison_page(cmp, dir.path());
        assert_self_contained(&html);
        for r in &cmp.runs {
            assert!(html.contains(&escape(&r.id)), "missing run {}", r.id);
            for v in &r.values {
                assert!(html.contains(&format!("<code>{}</code>", escape(v))));
            }
            if let Some(link) = &r.link {
                assert!(html.contains(&format!("<a href=\"{}\">", escape(&link_url(link)))));
            }
        }
        for (_, label) in cmp.headline_keys() {
            assert!(html.contains(&escape(&label)), "missing headline {label}");
        }
        for r in &cmp.runs {
            for h in &r.headlines {
                assert!(html.contains(&escape(&h.display())));
            }
        }
        assert_eq!(
            html.matches("<img src=\"data:image/png;base64,").count(),
            cmp.chart_metrics().len()
        );
        assert_eq!(html.matches("<figure").count(), cmp.chart_metrics().len());
        for file in ["compare.csv", "runs.csv"] {
            assert!(html.contains(&format!("<a href=\"{file}\">")));
        }
        // The fixture's title, description and a headline label hold markup.
        assert!(html.contains("sweep of &lt;runs&gt; &amp; more"));
        assert!(html.contains("A &quot;sweep&quot; for &lt;tests&gt;."));
        assert!(html.contains("without &lt;AOL&gt; &amp; Yahoo!"));
        assert!(!html.contains("<runs>") && !html.contains("<AOL>"));
        // Rows follow sorted_runs.
        let positions: Vec<usize> = cmp
            .sorted_runs()
            .iter()
            .map(|r| html.find(&format!("{}</a></td>", r.id)).expect("run row"))
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "rows out of order"
        );
    }

    #[test]
    fn comparison_of_one_three_and_sixty_runs() {
        check_comparison(&fixtures::sweep(1, 20));
        check_comparison(&fixtures::sweep(3, 20));
        check_comparison(&fixtures::sweep(60, 20));
    }

    #[test]
    fn comparison_of_folders_shows_labels_and_plain_ids() {
        let mut cmp = fixtures::sweep(2, 10);
        cmp.keys.clear();
        for r in &mut cmp.runs {
            r.values.clear();
            r.link = None;
            r.label = format!("scenario <{}>", r.id);
        }
        cmp.runs[1].link = Some("../a b/report.html".into());
        let dir = tempfile::tempdir().expect("temp dir");
        let html = comparison_page(&cmp, dir.path());
        assert_self_contained(&html);
        assert!(html.contains("<td>scenario &lt;run-001&gt;</td>"));
        assert!(html.contains(&format!("{}run-001</td>", swatch(0, 2))));
        assert!(html.contains("<a href=\"../a%20b/report.html\">run-002</a>"));
        assert!(html.contains("<th scope=\"col\">Label</th>"));
    }

    #[test]
    fn missing_headline_shows_a_dash() {
        let mut cmp = fixtures::sweep(2, 10);
        cmp.runs[1].headlines.truncate(1);
        let dir = tempfile::tempdir().expect("temp dir");
        let html = comparison_page(&cmp, dir.path());
        assert!(html.contains("<td class=\"num\">—</td>"));
    }

    #[test]
    fn missing_chart_is_an_error_naming_it() {
        let cmp = fixtures::sweep(2, 10);
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("compare_users_isolated.png");
        let err = write_comparison(
            &cmp,
            &[("users_isolated".into(), missing)],
            &[],
            &dir.path().join("report.html"),
        )
        .expect_err("chart file is missing");
        assert!(format!("{err:#}").contains("compare_users_isolated.png"));
    }

    fn check_sensitivity(sens: &Sensitivity) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let html = sensitivity_page(sens, dir.path());
        assert_self_contained(&html);
        assert!(html.contains("<h1>pic-2013 &lt;sens&gt;</h1>"));
        for p in &sens.parameters {
            assert!(html.contains(&format!("<code>{}</code>", escape(&p.key))));
            assert!(html.contains(&format!("<code>{}</code>", escape(&p.low_text))));
            assert!(html.contains(&format!("<code>{}</code>", escape(&p.high_text))));
        }
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
        // One bar row per parameter and figure.
        assert_eq!(
            html.matches("<tr><td><code>behaviours.parameter_").count(),
            30 + 30 * sens.figures().len()
        );
        // Shares swing in percentage points.
        assert!(html.contains(" pp</td>"));
    }

    #[test]
    fn sensitivity_names_parameters_lacking_a_figure() {
        let mut sens = fixtures::sensitivity(3);
        sens.parameters[1].low.headlines.clear();
        let html = check_sensitivity(&sens);
        assert!(html.contains(
            "Not shown, because their runs lack this figure: <code>behaviours.parameter_1.probability</code>."
        ));
    }

    #[test]
    fn links_keep_their_slashes() {
        assert_eq!(link_url("run-001/report.html"), "run-001/report.html");
        assert_eq!(link_url("../x#1/report.html"), "../x%231/report.html");
    }
}
