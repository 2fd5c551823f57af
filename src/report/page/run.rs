//! `report.html`: one self-contained page per run. The charts are embedded as `data:` URIs, the
//! style sheet and the explorer's script are inline (`super::explore`), and the page has no
//! references outside its own folder, so it opens (and prints) anywhere without network access.
//!
//! The page holds the scenario's name and description, the run's facts, the headline figures, a
//! note on how to read the figures, the charts, the key dates (numbered as the charts' markers)
//! and relative links to the CSV files beside it, in the frame every page shares
//! (`super::frame`). It does not draw the charts (see [`crate::report::chart::run`]) or compute
//! the figures (see [`crate::report::headline`]); it only lays them out. Every text that comes
//! from the scenario file is escaped.

use super::escape::escape;
use super::frame::{Frame, description};
use super::sections::{swatch, write_figure, write_files, write_key_dates};
use crate::report::figure::style::palette;
use crate::report::headline::Headline;
use crate::report::number::thousands;
use crate::run::summary::RunResult;
use crate::scenario::Chart;
use anyhow::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes `report.html` to `path`: `charts` are PNG files already written (embedded in the page),
/// `csv_files` names of files in the same folder (linked relatively).
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub(crate) fn write(
    result: &RunResult,
    headlines: &[Headline],
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
    path: &Path,
) -> Result<()> {
    super::frame::write(&render(result, headlines, charts, csv_files)?, path)
}

/// The whole page.
fn render(
    result: &RunResult,
    headlines: &[Headline],
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
) -> Result<String> {
    let s = &result.scenario;
    let mut contents = vec![("run", "Run"), ("headlines", "Headline figures")];
    if s.population.import.is_some() {
        contents.push(("imported", "Imported contact lists"));
    }
    contents.push(("how-to-read", "How to read"));
    if !charts.is_empty() {
        contents.push(("charts", "Charts"));
    }
    contents.push(("key-dates", "Key dates"));
    if !csv_files.is_empty() {
        contents.push(("data", "Data files"));
    }
    let frame = Frame {
        title: format!("{} — picsim report", s.name),
        kicker: "picsim report",
        heading: &s.name,
        description: description(&s.description),
        contents,
        subject: format!("scenario {}", s.name),
    };
    frame.render(|out| {
        write_facts(out, result)?;
        write_headlines(out, result, headlines)?;
        if let Some(list) = &s.population.import {
            super::imported::write(out, s, list)?;
        }
        write_how_to_read(out, result, csv_files.contains(&"summary.csv"))?;
        write_charts(out, charts)?;
        write_key_dates(
            out,
            &s.key_dates(),
            "The scenario has no key dates inside its period.",
        )?;
        write_files(out, csv_files)?;
        // Last, so the script finds the figures and the key-dates table above it.
        let shown: Vec<Chart> = charts.iter().map(|(c, _)| *c).collect();
        super::explore::write(out, result, &shown)
    })
}

/// Dates, replications, seed, threads, sizes, networks and providers.
fn write_facts(out: &mut String, r: &RunResult) -> Result<()> {
    let s = &r.scenario;
    let thousands = |v: u64| thousands(v as f64);
    let rows = r.dates.len();
    let step = if s.step_days == 1 {
        "every day".to_string()
    } else {
        format!("every {} days", s.step_days)
    };
    let mut facts: Vec<(&str, String)> = vec![
        (
            "Period",
            format!(
                "{} to {} ({} days)",
                s.start,
                s.end,
                thousands(s.days() as u64)
            ),
        ),
        (
            "Reported",
            format!("{step}, {} rows", thousands(rows as u64)),
        ),
        ("Replications", thousands(r.series.len() as u64)),
        ("Seed", s.seed.to_string()),
        ("Threads", r.threads.to_string()),
        ("Organisations", thousands(r.sizes.orgs)),
        ("Lync users", thousands(r.sizes.users)),
        ("Persons", thousands(r.sizes.persons)),
        (
            "Contact-list entries at the start",
            thousands(r.sizes.entries),
        ),
    ];
    if r.sizes.graph_edges > 0 {
        facts.push((
            "Contact edges among persons",
            thousands(r.sizes.graph_edges),
        ));
    }
    let seconds: f64 = r.timings.iter().map(|(_, t)| t).sum();
    if seconds > 0.0 {
        facts.push((
            "Computing time",
            format!("{seconds:.1} s (all phases, all replications)"),
        ));
    }
    writeln!(out, "<section id=\"run\">")?;
    writeln!(out, "<h2>Run</h2>")?;
    writeln!(
        out,
        "<p class=\"note\">Sizes are those of replication 0.</p>"
    )?;
    writeln!(out, "<table class=\"facts\">")?;
    for (label, value) in &facts {
        writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>"
        )?;
    }
    // Networks with the colour the charts give them.
    let networks: Vec<String> = s
        .networks
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "{}{} (<code>{}</code>)",
                swatch(palette(i)),
                escape(&n.name),
                escape(&n.id)
            )
        })
        .collect();
    writeln!(
        out,
        "<tr><th scope=\"row\">Networks</th><td>{}</td></tr>",
        networks.join("<br>")
    )?;
    let providers: Vec<String> = s
        .providers
        .iter()
        .map(|p| format!("{} (<code>{}</code>)", escape(&p.name), escape(&p.id)))
        .collect();
    if !providers.is_empty() {
        writeln!(
            out,
            "<tr><th scope=\"row\">Providers</th><td>{}</td></tr>",
            providers.join("<br>")
        )?;
    }
    writeln!(out, "</table>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_headlines(out: &mut String, r: &RunResult, headlines: &[Headline]) -> Result<()> {
    writeln!(out, "<section id=\"headlines\">")?;
    writeln!(out, "<h2>Headline figures</h2>")?;
    if headlines.is_empty() {
        writeln!(out, "<p>This run has no headline figures.</p>")?;
    } else {
        let n = r.series.len();
        let across = if n == 1 {
            "one replication".to_string()
        } else {
            format!("the mean across {n} replications")
        };
        writeln!(out, "<p class=\"note\">Each figure is {across}.</p>")?;
        writeln!(out, "<table class=\"headlines\">")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\">Figure</th><th scope=\"col\" class=\"num\">Value</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for h in headlines {
            writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&h.label),
                escape(&h.display())
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

fn write_how_to_read(out: &mut String, r: &RunResult, summary_linked: bool) -> Result<()> {
    let n = r.series.len();
    writeln!(out, "<section id=\"how-to-read\">")?;
    writeln!(out, "<h2>How to read</h2>")?;
    writeln!(out, "<ul>")?;
    writeln!(
        out,
        "<li>An <em>entry</em> is one public contact on one Lync user's contact list; a <em>person</em> \
         is the individual behind it, who may be on many lists and hold accounts on several networks.</li>"
    )?;
    writeln!(
        out,
        "<li><em>Reachable</em> means reachable for instant messaging (IM) unless a modality \
         (presence, audio or video) is named.</li>"
    )?;
    if n > 1 {
        writeln!(
            out,
            "<li>The run repeats the scenario {n} times with independent random draws (replications). \
             Lines and figures are the <em>mean</em> across replications; the shaded band around a line \
             runs from the 5th to the 95th percentile (p05–p95), so nine replications in ten fall \
             inside it. A narrow band means the result hardly depends on chance.</li>"
        )?;
    } else {
        writeln!(
            out,
            "<li>The run has one replication, so figures are that replication's counts and the charts \
             have no band. Run more replications to see how much the results vary by chance.</li>"
        )?;
    }
    writeln!(
        out,
        "<li>Dashed vertical lines in the charts mark the key dates; the number above each line is its \
         row in the <a href=\"#key-dates\">key-dates table</a>.</li>"
    )?;
    writeln!(
        out,
        "<li>Every number follows from the scenario's assumptions; the scenario file says which values \
         have a published source.</li>"
    )?;
    if summary_linked {
        writeln!(
            out,
            "<li><a href=\"summary.csv\"><code>summary.csv</code></a> has the mean, standard error and \
             percentiles of every metric on every reported day.</li>"
        )?;
    }
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

/// What each chart shows, for its caption.
fn caption(chart: Chart) -> (&'static str, &'static str) {
    match chart {
        Chart::ReachableByNetwork => (
            "Reachable entries by network",
            "Contact-list entries reachable for IM, by the network of the contact's account. Each \
             network keeps its colour in every chart.",
        ),
        Chart::ReachableByModality => (
            "Reachable entries by modality",
            "Entries reachable for IM, presence, audio and video, with all existing entries as a grey \
             reference line. Where modalities coincide their lines are drawn nested, IM widest.",
        ),
        Chart::Migration => (
            "Migrated and stranded persons",
            "Per migration: persons migrated so far (solid) and persons stranded — still on the old \
             network after it closed, not yet migrated (dashed, same colour).",
        ),
        Chart::Users => (
            "Lync users affected",
            "Users with at least one contact not reachable, users who lost at least one contact \
             (reachable before, not now), and isolated users (no contact reachable at all).",
        ),
        Chart::Losses => (
            "Unreachable entries by cause",
            "Entries not reachable for IM: never reachable since they were added; lost because the \
             contact's account is no longer active; lost because no provider serves it any more. \
             Together with reachable entries they add up to all entries.",
        ),
    }
}

/// The charts, embedded.
fn write_charts(out: &mut String, charts: &[(Chart, PathBuf)]) -> Result<()> {
    if charts.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section id=\"charts\">")?;
    writeln!(out, "<h2>Charts</h2>")?;
    for (chart, path) in charts {
        let (title, text) = caption(*chart);
        let id = format!("chart-{}", chart.stem());
        write_figure(out, Some(&id), path, title, title, text)?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;
    use base64::Engine;

    /// Draws every chart of `r` into `dir` and writes the report; returns the page.
    fn report(r: &RunResult, dir: &Path) -> String {
        let charts: Vec<(Chart, PathBuf)> = Chart::ALL
            .iter()
            .map(|&c| (c, dir.join(format!("{}.png", c.stem()))))
            .collect();
        for (c, p) in &charts {
            crate::report::chart::run::draw(r, *c, p).expect("chart draws");
        }
        let heads = crate::report::headline::headlines(r);
        let path = dir.join("report.html");
        write(
            r,
            &heads,
            &charts,
            &["series.csv", "summary.csv", "orgs.csv"],
            &path,
        )
        .expect("report writes");
        std::fs::read_to_string(&path).expect("report reads")
    }

    #[test]
    fn report_is_self_contained_and_complete() {
        let r = fixtures::small();
        let dir = tempfile::tempdir().expect("temp dir");
        let html = report(r, dir.path());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(&format!("<h1>{}</h1>", escape(&r.scenario.name))));
        let heads = crate::report::headline::headlines(r);
        assert!(!heads.is_empty());
        for h in &heads {
            assert!(
                html.contains(&escape(&h.label)),
                "missing headline {}",
                h.label
            );
            assert!(
                html.contains(&escape(&h.display())),
                "missing value of {}",
                h.label
            );
        }
        assert_eq!(
            html.matches("<img src=\"data:image/png;base64,").count(),
            Chart::ALL.len()
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "the page references the network"
        );
        // One inline script and its JSON data, nothing loaded from elsewhere.
        assert_eq!(html.matches("<script").count(), 2, "scripts");
        assert_eq!(
            html.matches("<script type=\"application/json\" id=\"picsim-data\">")
                .count(),
            1
        );
        assert_eq!(html.matches("<script id=\"picsim-explore\">").count(), 1);
        assert!(!html.contains(" src=\"http") && !html.contains("<script src"));
        assert!(!html.contains("eval("), "the script evaluates text");
        for file in ["series.csv", "summary.csv", "orgs.csv"] {
            assert!(
                html.contains(&format!("<a href=\"{file}\">")),
                "missing link to {file}"
            );
        }
        for (i, k) in r.scenario.key_dates().iter().enumerate() {
            assert!(html.contains(&format!(
                "<span class=\"badge\">{}</span></td><td class=\"date\">{}</td>",
                i + 1,
                k.date
            )));
        }
        // The embedded images are the PNG files, byte for byte.
        let png = std::fs::read(dir.path().join("users.png")).expect("chart exists");
        let encoded = base64::engine::general_purpose::STANDARD.encode(&png);
        assert!(html.contains(&encoded));
    }

    #[test]
    fn scenario_text_is_escaped() {
        let r = fixtures::no_migrations("<script>alert('x')</script> & \"more\"");
        let dir = tempfile::tempdir().expect("temp dir");
        let html = report(&r, dir.path());
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;")
        );
    }

    #[test]
    fn missing_chart_is_an_error_naming_it() {
        let r = fixtures::small();
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("losses.png");
        let err = write(
            r,
            &[],
            &[(Chart::Losses, missing)],
            &[],
            &dir.path().join("report.html"),
        )
        .expect_err("chart file is missing");
        assert!(format!("{err:#}").contains("losses.png"), "{err:#}");
    }
}
