//! `report.html` of a sweep or of a comparison of run folders: one self-contained page, laid out
//! like a run's report in the frame every page shares (`crate::report::page::frame`).
//!
//! The page holds the runs with their swept values and headline figures, the comparison charts,
//! the key dates and links to the data files and to each run's own report. It does not draw
//! charts (see [`super::chart`]) nor compute figures; every text that comes from
//! a scenario or a run folder is escaped.

use crate::experiments::compare::chart::{MAX_BANDED_RUNS, MAX_DISTINCT_RUNS, run_colour};
use crate::experiments::compare::result::{CompareChart, Comparison, RunSummary, metric_title};
use crate::report::page::escape::{escape, link_url, url_path};
use crate::report::page::frame::{Frame, description};
use crate::report::page::sections::{swatch, write_figure, write_files, write_key_dates};
use crate::run::report::headline::Headline;
use anyhow::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The report of a sweep or comparison: the runs and their values, the headline figures per run,
/// the comparison charts (embedded), links to `compare.csv`, `runs.csv` and each run's report.
///
/// `charts` are `(chart, PNG file)` pairs already drawn; `files` names of files in the same
/// folder as `path` (linked relatively).
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub(crate) fn write(
    cmp: &Comparison,
    charts: &[(CompareChart, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(&render(cmp, charts, files)?, path)
}

/// "4", or "2–5" when runs differ.
/// "3 replications", "one replication", or "2–4 replications" when the runs differ.
fn replications_range(runs: &[RunSummary]) -> String {
    let lo = runs.iter().map(|r| r.replications).min().unwrap_or(0);
    let hi = runs.iter().map(|r| r.replications).max().unwrap_or(0);
    match (lo, hi) {
        (1, 1) => "one replication".into(),
        (lo, hi) if lo == hi => format!("{lo} replications"),
        (lo, hi) => format!("{lo}–{hi} replications"),
    }
}

fn render(cmp: &Comparison, charts: &[(CompareChart, PathBuf)], files: &[&str]) -> Result<String> {
    let mut contents = vec![("runs", "Runs"), ("how-to-read", "How to read")];
    if !charts.is_empty() {
        contents.push(("charts", "Charts"));
    }
    contents.push(("key-dates", "Key dates"));
    if !files.is_empty() {
        contents.push(("data", "Data files"));
    }
    let sweep = !cmp.keys.is_empty();
    let frame = Frame {
        title: format!("{} — picsim comparison", cmp.title),
        kicker: if sweep {
            "picsim sweep"
        } else {
            "picsim comparison"
        },
        heading: &cmp.title,
        description: description(&cmp.description),
        contents,
        subject: cmp.title.clone(),
    };
    frame.render(|out| {
        write_runs(out, cmp)?;
        write_how_to_read(out, cmp, files.contains(&"compare.csv"))?;
        write_charts(out, cmp, charts)?;
        write_key_dates(
            out,
            &cmp.key_dates,
            "No key dates are known for these runs.",
        )?;
        write_files(out, files)
    })
}

/// The table of runs: colour and id (linked to the run's report), swept values (or the label),
/// replications, then the headline figures, sorted as [`Comparison::sorted_runs`].
fn write_runs(out: &mut String, cmp: &Comparison) -> Result<()> {
    let n = cmp.runs.len();
    let (keys, same) = cmp.split_headline_keys();
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
    if !same.is_empty() {
        let items: Vec<String> = same
            .iter()
            .map(|(k, label)| {
                let value = cmp.runs[0]
                    .headline(k)
                    .map_or("—".into(), Headline::display);
                format!(
                    "<li>{}: <span class=\"value\">{}</span></li>",
                    escape(label),
                    escape(&value)
                )
            })
            .collect();
        writeln!(
            out,
            "<p class=\"note\">The same in every run, so not a column:</p>\n<ul class=\"same\">{}</ul>",
            items.join("")
        )?;
    }
    writeln!(out, "<div class=\"wide\" tabindex=\"0\">")?;
    writeln!(out, "<table class=\"runs\">")?;
    write!(out, "<thead><tr><th scope=\"col\">Run</th>")?;
    if cmp.keys.is_empty() {
        write!(out, "<th scope=\"col\">Label</th>")?;
    }
    for k in &cmp.keys {
        // A key breaks after its dots, never inside a word.
        let key = k.split('.').map(escape).collect::<Vec<_>>().join(".<wbr>");
        write!(
            out,
            "<th scope=\"col\" class=\"key\"><code>{key}</code></th>"
        )?;
    }
    for (_, label) in &keys {
        write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            figure_header(label)
        )?;
    }
    write!(out, "<th scope=\"col\" class=\"num\">Replications</th>")?;
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
        write!(out, "<tr><td>{}{id}</td>", swatch(run_colour(i, n)))?;
        if cmp.keys.is_empty() {
            write!(out, "<td>{}</td>", escape(&r.label))?;
        }
        for k in 0..cmp.keys.len() {
            let value = r.values.get(k).map_or("—", String::as_str);
            write!(out, "<td><code>{}</code></td>", escape(value))?;
        }
        for (key, _) in &keys {
            let value = r.headline(key).map_or("—".to_string(), Headline::display);
            write!(out, "<td class=\"num\">{}</td>", escape(&value))?;
        }
        write!(out, "<td class=\"num\">{}</td>", r.replications)?;
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    writeln!(out, "</div>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

/// A figure's column header: its label with what follows the first comma set smaller on its
/// own line ("Contacts reachable on 2014-06-30" over "last day of AOL PIC and Yahoo! PIC"), so
/// that columns stay narrow.
fn figure_header(label: &str) -> String {
    match label.split_once(", ") {
        Some((head, rest)) => format!(
            "{}<br><span class=\"sub\">{}</span>",
            escape(head),
            escape(rest)
        ),
        None => escape(label),
    }
}

fn write_how_to_read(out: &mut String, cmp: &Comparison, csv_linked: bool) -> Result<()> {
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
        "<li>Lines are each run's <em>mean</em> across its {}.",
        replications_range(&cmp.runs)
    )?;
    if n <= MAX_BANDED_RUNS {
        writeln!(
            out,
            "The shaded band around a line runs from the 5th to the 95th percentile (p05–p95) of \
             that run: how much the figure varies from one replication's world to another's. \
             Bands that overlap do not make two runs the same: runs keep the seed, so their \
             replications are drawn alike and their difference can be much steadier than either \
             band.</li>"
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
    if n >= 2 {
        writeln!(
            out,
            "<li>Under each chart, its <em>difference from {}</em>: each run's mean minus the \
             first run's, day by day, on an axis around 0, so runs whose lines lie on top of each \
             other part there.</li>",
            escape(&cmp.runs[0].id)
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

fn write_charts(
    out: &mut String,
    cmp: &Comparison,
    charts: &[(CompareChart, PathBuf)],
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
    let first = cmp.runs.first().map_or("", |r| r.id.as_str());
    for (chart, path) in charts {
        let metric = chart.metric;
        let (title, _) = metric_title(metric, &cmp.words);
        let (title, text, id) = if chart.difference {
            (
                format!("{title}: difference from {first}"),
                format!(
                    "Each run's mean minus the mean of {} on the same day, for metric \
                     <code>{}</code>: runs whose lines lie on top of each other above part here. \
                     Every run keeps the scenario's seed, so where the swept value does not change \
                     how worlds are generated the difference is the parameter's effect. No bands: \
                     the spread of a difference would need each pair of replications.",
                    escape(first),
                    escape(metric)
                ),
                format!("chart-{}-difference", url_path(metric)),
            )
        } else {
            (
                title,
                format!(
                    "{how}, for metric <code>{}</code>; colours as in the table of runs.",
                    escape(metric)
                ),
                format!("chart-{}", url_path(metric)),
            )
        };
        write_figure(out, Some(&id), path, &title, &title, &text)?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::fixtures;
    use crate::report::fixtures::assert_self_contained;

    /// Draws every chart of `cmp` into `dir` and writes its report; returns the page.
    fn comparison_page(cmp: &Comparison, dir: &Path) -> String {
        let charts: Vec<(CompareChart, PathBuf)> = cmp
            .charts()
            .into_iter()
            .map(|c| (c, dir.join(c.file_name())))
            .collect();
        for (c, p) in &charts {
            crate::experiments::compare::chart::draw(cmp, *c, p).expect("chart draws");
        }
        let path = dir.join("report.html");
        write(cmp, &charts, &["compare.csv", "runs.csv"], &path).expect("writes");
        std::fs::read_to_string(&path).expect("reads")
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
        let (differ, same) = cmp.split_headline_keys();
        for (_, label) in &differ {
            assert!(
                html.contains(&figure_header(label)),
                "missing headline {label}"
            );
        }
        for (_, label) in &same {
            assert!(
                html.contains(&format!("<li>{}: ", escape(label))),
                "missing {label}"
            );
        }
        for r in &cmp.runs {
            for h in &r.headlines {
                assert!(html.contains(&escape(&h.display())));
            }
        }
        // Levels, and differences from the first run when there are two runs or more.
        let charts = cmp.chart_metrics().len() * if cmp.runs.len() >= 2 { 2 } else { 1 };
        assert_eq!(
            html.matches("<img src=\"data:image/png;base64,").count(),
            charts
        );
        assert_eq!(html.matches("<figure").count(), charts);
        assert_eq!(
            html.matches(": difference from ").count(),
            if cmp.runs.len() >= 2 {
                2 * cmp.chart_metrics().len()
            } else {
                0
            },
            "each difference chart titled (alt text and caption)"
        );
        for file in ["compare.csv", "runs.csv"] {
            assert!(html.contains(&format!("<a href=\"{file}\">")));
        }
        // The fixture's title, description and a headline label hold markup.
        assert!(html.contains("sweep of &lt;runs&gt; &amp; more"));
        assert!(html.contains("A &quot;sweep&quot; for &lt;tests&gt;."));
        assert!(html.contains("first day without &lt;AOL&gt; &amp; Yahoo!"));
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
        assert!(html.contains(&format!("{}run-001</td>", swatch(run_colour(0, 2)))));
        assert!(html.contains("<a href=\"../a%20b/report.html\">run-002</a>"));
        assert!(html.contains("<th scope=\"col\">Label</th>"));
    }

    #[test]
    fn figures_that_differ_come_first_and_the_same_ones_are_not_columns() {
        let mut cmp = fixtures::sweep(3, 10);
        // The credit is the same in every run; the share differs.
        for r in &mut cmp.runs {
            r.headlines[2].value = 500.0;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let html = comparison_page(&cmp, dir.path());
        let head = &html[html.find("<table class=\"runs\">").expect("table")..];
        let head = &head[..head.find("</thead>").expect("head")];
        assert!(!head.contains("USL credit"), "{head}");
        let share = head
            .find("Contacts reachable on 2014-07-01")
            .expect("share column");
        let reps = head.find("Replications").expect("replications column");
        assert!(
            share < reps,
            "figures that differ come before the replications"
        );
        assert!(html.contains(
            "<li>Total USL credit owed for AOL (all organisations): <span class=\"value\">500.00</span></li>"
        ));
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
        let err = write(
            &cmp,
            &[(
                CompareChart {
                    metric: "users_isolated",
                    difference: false,
                },
                missing,
            )],
            &[],
            &dir.path().join("report.html"),
        )
        .expect_err("chart file is missing");
        assert!(format!("{err:#}").contains("compare_users_isolated.png"));
    }
}
