//! `report.html` of a sweep or of a comparison of run folders: one self-contained page, laid out
//! like a run's report in the frame every page shares (`crate::report::page::frame`).
//!
//! The page holds the runs with their swept values and headline figures, the comparison charts,
//! the key dates and links to the data files and to each run's own report. It does not draw
//! charts (see [`super::chart`]) nor compute figures; every text that comes from
//! a scenario or a run folder is escaped by the template.

use crate::experiments::compare::chart::{MAX_BANDED_RUNS, MAX_DISTINCT_RUNS, run_colour};
use crate::experiments::compare::result::{
    CompareChart, Comparison, KeyLabel, RunSummary, metric_title,
};
use crate::report::page::frame::{Frame, description};
use crate::report::page::sections::{self, Figure, key_dates, link_url, section, swatch, url_path};
use crate::run::report::headline::Headline;
use anyhow::Result;
use maud::{Markup, html};
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

/// The whole page: the runs first, then how to read them, the charts, the key dates and the
/// files.
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
    let sections = html! {
        (runs_section(cmp))
        (how_to_read(cmp, files.contains(&"compare.csv")))
        (charts_section(cmp, charts)?)
        (key_dates(&cmp.key_dates, "No key dates are known for these runs."))
        (sections::files(files))
    };
    Ok(frame.render(sections))
}

/// The section of runs: what the table holds, the figures the same in every run, and the table.
fn runs_section(cmp: &Comparison) -> Markup {
    let n = cmp.runs.len();
    let (figures, same) = cmp.split_headline_keys();
    section(
        "runs",
        "Runs",
        html! {
            @if n == 0 {
                p { "There are no runs to compare." } "\n"
            } @else {
                p class="note" {
                    (n) " run" @if n != 1 { "s" } ", sorted by the reachable share at the end, \
                    highest first. Figures are means across each run's replications; the colour \
                    is the run's in the charts; a dash means the run lacks that figure."
                    @if cmp.runs.iter().any(|r| r.link.is_some()) {
                        " The run id links to that run's own report."
                    }
                } "\n"
                @if !same.is_empty() {
                    p class="note" { "The same in every run, so not a column:" } "\n"
                    ul class="same" {
                        @for (k, label) in &same {
                            li {
                                (label) ": "
                                span class="value" {
                                    (cmp.runs[0].headline(k).map_or("—".into(), Headline::display))
                                }
                            }
                        }
                    } "\n"
                }
                div class="wide" tabindex="0" { "\n"
                    (runs_table(cmp, &figures))
                } "\n"
            }
        },
    )
}

/// The table of runs: colour and id (linked to the run's report), swept values (or the label),
/// the headline figures `figures` (key, label: those that differ between runs), and
/// replications, sorted as [`Comparison::sorted_runs`].
fn runs_table(cmp: &Comparison, figures: &[KeyLabel]) -> Markup {
    html! {
        table class="runs" { "\n"
            thead {
                tr {
                    th scope="col" { "Run" }
                    @if cmp.keys.is_empty() {
                        th scope="col" { "Label" }
                    }
                    @for k in &cmp.keys {
                        // A key breaks after its dots, never inside a word.
                        th scope="col" class="key" {
                            code {
                                @for (i, part) in k.split('.').enumerate() {
                                    @if i > 0 { "." wbr; }
                                    (part)
                                }
                            }
                        }
                    }
                    @for (_, label) in figures {
                        th scope="col" class="num" { (figure_header(label)) }
                    }
                    th scope="col" class="num" { "Replications" }
                }
            } "\n"
            tbody { "\n"
                @for r in cmp.sorted_runs() {
                    (run_row(cmp, r, figures))
                }
            } "\n"
        } "\n"
    }
}

/// One run's row of the table of runs, with the headline figures `figures` (key, label).
fn run_row(cmp: &Comparison, r: &RunSummary, figures: &[KeyLabel]) -> Markup {
    // The run's colour is that of its place in the comparison, not in the sorted table.
    let i = cmp
        .runs
        .iter()
        .position(|x| std::ptr::eq(x, r))
        .unwrap_or(0);
    html! {
        tr {
            td {
                (swatch(run_colour(i, cmp.runs.len())))
                @if let Some(link) = &r.link {
                    a href=(link_url(link)) { (r.id) }
                } @else {
                    (r.id)
                }
            }
            @if cmp.keys.is_empty() {
                td { (r.label) }
            }
            @for k in 0..cmp.keys.len() {
                td { code { (r.values.get(k).map_or("—", String::as_str)) } }
            }
            @for (key, _) in figures {
                td class="num" { (r.headline(key).map_or("—".to_string(), Headline::display)) }
            }
            td class="num" { (r.replications) }
        } "\n"
    }
}

/// A figure's column header: its label with what follows the first comma set smaller on its
/// own line ("Contacts reachable on 2014-06-30" over "last day of AOL PIC and Yahoo! PIC"), so
/// that columns stay narrow.
fn figure_header(label: &str) -> Markup {
    match label.split_once(", ") {
        Some((head, rest)) => html! { (head) br; span class="sub" { (rest) } },
        None => html! { (label) },
    }
}

/// The notes on how to read the page: what a run is, the lines and bands (by how many runs
/// there are), the differences from the first run and the key-date markers.
fn how_to_read(cmp: &Comparison, csv_linked: bool) -> Markup {
    let n = cmp.runs.len();
    section(
        "how-to-read",
        "How to read",
        html! {
            ul { "\n"
                li {
                    @if cmp.keys.is_empty() {
                        "Each run is a finished run folder, read back from its " code { "summary.csv" }
                        " and " code { "manifest.json" } "; the runs report the same dates and metrics."
                    } @else {
                        "Each run is the scenario with one combination of the swept values and \
                         everything else unchanged, including the seed, so runs differ only by what \
                         was changed. Any run can be repeated alone with "
                        code { "picsim run … --set key=value" } "."
                    }
                } "\n"
                li {
                    "Lines are each run's " em { "mean" } " across its "
                    (replications_range(&cmp.runs)) ".\n" (bands(n))
                } "\n"
                @if n >= 2 {
                    li {
                        "Under each chart, its " em { "difference from " (cmp.runs[0].id) }
                        ": each run's mean minus the first run's, day by day, on an axis around 0, \
                         so runs whose lines lie on top of each other part there."
                    } "\n"
                }
                @if (2..=4).contains(&n) {
                    li {
                        "Lines are drawn nested, the first run widest, so runs whose lines coincide \
                         show as stripes of their colours."
                    } "\n"
                }
                li {
                    "Dashed vertical lines mark the key dates"
                    @if cmp.keys.is_empty() { " of the first run's scenario" }
                    "; the number above each line is its row in the "
                    a href="#key-dates" { "key-dates table" } "."
                } "\n"
                @if csv_linked {
                    li {
                        a href="compare.csv" { code { "compare.csv" } } " has the mean, p05, p50 and \
                        p95 of every metric of every run on every reported day."
                    } "\n"
                }
            } "\n"
        },
    )
}

/// What the charts' bands are, by how many runs there are: drawn, left out, or the lines thin
/// and coloured along a ramp.
fn bands(n: usize) -> String {
    if n <= MAX_BANDED_RUNS {
        "The shaded band around a line runs from the 5th to the 95th percentile (p05–p95) of that \
         run: how much the figure varies from one replication's world to another's. Bands that \
         overlap do not make two runs the same: runs keep the seed, so their replications are \
         drawn alike and their difference can be much steadier than either band."
            .into()
    } else if n <= MAX_DISTINCT_RUNS {
        format!(
            "With more than {MAX_BANDED_RUNS} runs the p05–p95 bands are left out, as they would \
             hide one another."
        )
    } else {
        format!(
            "With more than {MAX_DISTINCT_RUNS} runs the lines are thin, without bands, and \
             coloured along a ramp from the first run (dark purple) to the last (green), as the \
             swatches in the table show; the runs highest and lowest at the end are drawn wider \
             and named in the legend."
        )
    }
}

/// The comparison charts, embedded (each metric's levels, then its difference from the first
/// run), or nothing when there are none.
///
/// # Errors
/// A chart file cannot be read.
fn charts_section(cmp: &Comparison, charts: &[(CompareChart, PathBuf)]) -> Result<Markup> {
    if charts.is_empty() {
        return Ok(html! {});
    }
    let mut figures = Vec::with_capacity(charts.len());
    for (chart, path) in charts {
        figures.push(chart_figure(cmp, *chart, path)?);
    }
    Ok(html! {
        (section("charts", "Charts", html! {
            @for figure in figures { (figure) }
        }))
    })
}

/// One comparison chart as a figure, with its caption.
fn chart_figure(cmp: &Comparison, chart: CompareChart, path: &Path) -> Result<Markup> {
    let n = cmp.runs.len();
    let metric = chart.metric;
    let (title, _) = metric_title(metric, &cmp.words);
    let first = cmp.runs.first().map_or("", |r| r.id.as_str());
    let (title, text, id) = if chart.difference {
        (
            format!("{title}: difference from {first}"),
            html! {
                "Each run's mean minus the mean of " (first) " on the same day, for metric "
                code { (metric) } ": runs whose lines lie on top of each other above part here. \
                Every run keeps the scenario's seed, so where the swept value does not change how \
                worlds are generated the difference is the parameter's effect. No bands: the spread \
                of a difference would need each pair of replications."
            },
            format!("chart-{}-difference", url_path(metric)),
        )
    } else {
        let how = if n <= MAX_BANDED_RUNS {
            "Each run's mean line with its p05–p95 band"
        } else if n <= MAX_DISTINCT_RUNS {
            "Each run's mean line (no bands)"
        } else {
            "Each run's mean as a thin line, coloured from the first run to the last"
        };
        (
            title,
            html! {
                (how) ", for metric " code { (metric) } "; colours as in the table of runs."
            },
            format!("chart-{}", url_path(metric)),
        )
    };
    Figure {
        id: Some(&id),
        path,
        title: &title,
        alt: None,
        text,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::fixtures;
    use crate::report::fixtures::assert_self_contained;
    use crate::report::page::test_text::{HOSTILE, assert_shown_as_text, html_text};

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
            assert!(html.contains(&html_text(&r.id)), "missing run {}", r.id);
            for v in &r.values {
                assert!(html.contains(&format!("<code>{}</code>", html_text(v))));
            }
            if let Some(link) = &r.link {
                assert!(html.contains(&format!("<a href=\"{}\">", link_url(link))));
            }
        }
        let (differ, same) = cmp.split_headline_keys();
        for (_, label) in &differ {
            assert!(
                html.contains(&figure_header(label).into_string()),
                "missing headline {label}"
            );
        }
        for (_, label) in &same {
            assert!(
                html.contains(&format!("<li>{}: ", html_text(label))),
                "missing {label}"
            );
        }
        for r in &cmp.runs {
            for h in &r.headlines {
                assert!(html.contains(&html_text(&h.display())));
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
        assert!(html.contains(&format!(
            "{}run-001</td>",
            swatch(run_colour(0, 2)).into_string()
        )));
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
    fn texts_that_end_a_script_are_text_in_a_sweep_and_a_comparison() {
        let mut cmp = fixtures::sweep(2, 10);
        cmp.title = HOSTILE.into();
        cmp.description = HOSTILE.into();
        cmp.runs[0].values[0] = HOSTILE.into();
        let dir = tempfile::tempdir().expect("temp dir");
        let html = comparison_page(&cmp, dir.path());
        // Title, heading, description, footer and the swept value.
        assert_shown_as_text(&html, 5, 0);
        // A comparison of run folders: the folders' names are ids, their scenarios' names labels.
        cmp.keys.clear();
        for r in &mut cmp.runs {
            r.values.clear();
            r.id = HOSTILE.into();
            r.label = HOSTILE.into();
        }
        let html = comparison_page(&cmp, dir.path());
        assert_shown_as_text(&html, 4 + 2 * 2, 0);
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
