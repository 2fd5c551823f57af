//! `report.html`: one self-contained page per run. The charts are embedded as `data:` URIs, the
//! style sheet and the explorer's script are inline (`super::explore`), and the page has no
//! references outside its own folder, so it opens (and prints) anywhere without network access.
//!
//! The page holds the scenario's name and description, the run's facts, the headline figures, a
//! note on how to read the figures, the charts, the key dates (numbered as the charts' markers)
//! and relative links to the CSV files beside it, in the frame every page shares
//! (`crate::report::page::frame`). It does not draw the charts (see [`super::chart`]) or compute
//! the figures (see [`super::headline`]); it only lays them out. Every text that comes
//! from the scenario file is escaped.

use crate::report::figure::style::palette;
use crate::report::number::thousands;
use crate::report::page::escape::escape;
use crate::report::page::frame::{Frame, description};
use crate::report::page::sections::{swatch, write_figure, write_files, write_key_dates};
use crate::run::report::headline::Headline;
use crate::run::summary::RunResult;
use crate::scenario::{Chart, Words};
use anyhow::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes `report.html` to `path`: `charts` are PNG files already written (embedded in the page),
/// `csv_files` names of files in the same folder (linked relatively), `wall_seconds` the run's
/// wall time up to its reports.
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub(crate) fn write(
    result: &RunResult,
    headlines: &[Headline],
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
    wall_seconds: f64,
    path: &Path,
) -> Result<()> {
    crate::report::page::frame::write(
        &render(result, headlines, charts, csv_files, wall_seconds)?,
        path,
    )
}

/// The whole page: the answer first (headline figures, with what each means), then what an
/// imported list left out, the charts and key dates, how to read them, and last the run's facts
/// and files.
fn render(
    result: &RunResult,
    headlines: &[Headline],
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
    wall_seconds: f64,
) -> Result<String> {
    let s = &result.scenario;
    let mut contents = vec![("headlines", "Headline figures")];
    if s.population.import.is_some() {
        contents.push(("imported", "Imported contact lists"));
    }
    if !charts.is_empty() {
        contents.push(("charts", "Charts"));
    }
    contents.push(("key-dates", "Key dates"));
    contents.push(("how-to-read", "How to read"));
    contents.push(("run", "Run"));
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
        write_headlines(out, result, headlines)?;
        if let Some(list) = &s.population.import {
            super::imported::write(out, s, list)?;
        }
        write_charts(out, result, charts)?;
        write_key_dates(
            out,
            &s.key_dates(),
            "The scenario has no key dates inside its period.",
        )?;
        let unadopted = s.unadopted_providers();
        if !unadopted.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">Not marked: the days of {}, adopted by no organisation here.</p>",
                escape(&unadopted.join(", "))
            )?;
        }
        write_how_to_read(out, result, csv_files.contains(&"summary.csv"))?;
        write_facts(out, result, wall_seconds)?;
        write_files(out, csv_files)?;
        // Last, so the script finds the figures and the key-dates table above it.
        let shown: Vec<Chart> = charts.iter().map(|(c, _)| *c).collect();
        super::explore::write(out, result, &shown)
    })
}

/// Seconds for people: one decimal, or two below one second (so a quick run is not "0.0 s").
fn seconds(t: f64) -> String {
    if t < 1.0 {
        format!("{t:.2} s")
    } else {
        format!("{t:.1} s")
    }
}

/// The run's facts as (label, value) rows: dates, replications, seed, times and sizes.
fn facts(r: &RunResult, wall_seconds: f64) -> Vec<(String, String)> {
    let s = &r.scenario;
    let thousands = |v: u64| thousands(v as f64);
    let rows = r.dates.len();
    let step = if s.step_days == 1 {
        "every day".to_string()
    } else {
        format!("every {} days", s.step_days)
    };
    let threads = format!(
        "{} thread{}",
        r.threads,
        if r.threads == 1 { "" } else { "s" }
    );
    let mut facts: Vec<(String, String)> = vec![
        (
            "Period".into(),
            format!(
                "{} to {} ({} days)",
                s.start,
                s.end,
                thousands(s.days() as u64)
            ),
        ),
        (
            "Reported".into(),
            format!("{step}, {} rows", thousands(rows as u64)),
        ),
        ("Replications".into(), thousands(r.series.len() as u64)),
        ("Seed".into(), s.seed.to_string()),
        (
            "Wall time".into(),
            format!(
                "{} on {threads}, from the start to the reports",
                seconds(wall_seconds)
            ),
        ),
    ];
    let cpu: f64 = r.timings.iter().map(|(_, t)| t).sum();
    if cpu > 0.0 {
        facts.push((
            "CPU time".into(),
            format!(
                "{} (every phase of every replication, summed over the threads)",
                seconds(cpu)
            ),
        ));
    }
    facts.extend([
        ("Organisations".into(), thousands(r.sizes.orgs)),
        (s.output.words.users_title(), thousands(r.sizes.users)),
        ("Persons".into(), thousands(r.sizes.persons)),
        (
            "Contact-list entries at the start".into(),
            thousands(r.sizes.entries),
        ),
    ]);
    if r.sizes.graph_edges > 0 {
        facts.push((
            "Contact edges among persons".into(),
            thousands(r.sizes.graph_edges),
        ));
    }
    facts
}

/// Dates, replications, seed, threads, times, sizes, networks and providers.
fn write_facts(out: &mut String, r: &RunResult, wall_seconds: f64) -> Result<()> {
    let s = &r.scenario;
    let facts = facts(r, wall_seconds);
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
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(label),
            escape(value)
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

/// The answer first: a sentence on the reachable share from start to end, then every headline
/// figure with its p05–p95 and what it means.
fn write_headlines(out: &mut String, r: &RunResult, headlines: &[Headline]) -> Result<()> {
    writeln!(out, "<section id=\"headlines\">")?;
    writeln!(out, "<h2>Headline figures</h2>")?;
    if headlines.is_empty() {
        writeln!(out, "<p>This run has no headline figures.</p>")?;
        writeln!(out, "</section>")?;
        return Ok(());
    }
    let n = r.series.len();
    if let Some(answer) = answer(r, headlines) {
        writeln!(out, "<p class=\"lead\">{}</p>", escape(&answer))?;
    }
    let across = if n == 1 {
        "Each figure is the count of the run's one replication.".to_string()
    } else {
        format!(
            "Each figure is the mean across {n} replications; p05–p95 is the range of the \
             middle 90 % of them."
        )
    };
    writeln!(out, "<p class=\"note\">{across}</p>")?;
    writeln!(out, "<div class=\"wide\"><table class=\"headlines\">")?;
    let band_head = if n > 1 {
        "<th scope=\"col\" class=\"num\">p05–p95</th>"
    } else {
        ""
    };
    writeln!(
        out,
        "<thead><tr><th scope=\"col\">Figure</th><th scope=\"col\" class=\"num\">Mean</th>{band_head}</tr></thead>"
    )?;
    writeln!(out, "<tbody>")?;
    for h in headlines {
        let definition = if h.definition.is_empty() {
            String::new()
        } else {
            format!("<div class=\"definition\">{}</div>", escape(&h.definition))
        };
        let band = if n > 1 {
            format!(
                "<td class=\"num band\">{}</td>",
                escape(&h.display_band().unwrap_or_default())
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "<tr><td>{}{definition}</td><td class=\"num\">{}</td>{band}</tr>",
            escape(&h.label),
            escape(&h.display())
        )?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table></div>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

/// One sentence a manager can stop at: the reachable share at the start and at the end (with
/// its p05–p95), and the largest fall between two dated share figures, when there is one.
fn answer(r: &RunResult, headlines: &[Headline]) -> Option<String> {
    let shares: Vec<&Headline> = headlines
        .iter()
        .filter(|h| h.key.starts_with("reachable_share@"))
        .collect();
    let (first, last) = (shares.first()?, shares.last()?);
    let date = |h: &Headline| h.key.trim_start_matches("reachable_share@").to_string();
    let band = last
        .display_band()
        .map(|b| format!(" (p05–p95 {b}, across {} replications)", r.series.len()))
        .unwrap_or_default();
    let words = &r.scenario.output.words;
    let mut text = format!(
        "Of the contacts on the {} lists, {} were reachable on {} and {}{band} on {}.",
        words.users_possessive(),
        first.display(),
        date(first),
        last.display(),
        date(last)
    );
    let fall = shares
        .windows(2)
        .map(|w| (w[0].value - w[1].value, w[1]))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((drop, at)) = fall.filter(|(d, _)| *d >= 0.005) {
        let why = at
            .label
            .split_once(", ")
            .map(|(_, why)| format!(", {why}"))
            .unwrap_or_default();
        text.push_str(&format!(
            " The largest fall, {:.1} percentage points, comes by {}{why}.",
            100.0 * drop,
            date(at)
        ));
    }
    Some(text)
}

fn write_how_to_read(out: &mut String, r: &RunResult, summary_linked: bool) -> Result<()> {
    let n = r.series.len();
    writeln!(out, "<section id=\"how-to-read\">")?;
    writeln!(out, "<h2>How to read</h2>")?;
    writeln!(out, "<ul>")?;
    writeln!(
        out,
        "<li>An <em>entry</em> is one public contact on one {}'s contact list; a <em>person</em> \
         is the individual behind it, who may be on many lists and hold accounts on several networks.</li>",
        escape(&r.scenario.output.words.user)
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

/// What each chart shows, for its caption, in the scenario's words.
fn caption(chart: Chart, words: &Words) -> (String, String) {
    let (title, text) = match chart {
        Chart::ReachableByNetwork => (
            "Reachable entries by network",
            "Contact-list entries reachable for IM, by the network of the contact's account. Each \
             network keeps its colour in every chart.",
        ),
        Chart::ReachableByModality => (
            "Reachable entries by modality",
            "Entries reachable for IM, presence, audio and video, with all existing entries as a grey \
             reference line. Modalities identical throughout are drawn as one line and named together \
             (\"IM = presence\"); a line that meets another on some days is dashed, so both show.",
        ),
        Chart::Migration => (
            "Migrated and stranded persons",
            "Per migration: persons migrated so far (solid) and persons stranded — still on the old \
             network after it closed, not yet migrated (dashed, same colour).",
        ),
        Chart::Users => {
            return (
                format!("{} affected", words.users_title()),
                format!(
                    "{} with at least one contact not reachable, {users} who lost at least one \
                     contact (reachable before, not now), and isolated {users} (no contact \
                     reachable at all).",
                    words.users_title(),
                    users = words.users
                ),
            );
        }
        Chart::Losses => (
            "Unreachable entries by cause",
            "Entries not reachable for IM: never reachable since they were added; lost because the \
             contact's account is no longer active; lost because no provider serves it any more. \
             Together with reachable entries they add up to all entries.",
        ),
    };
    (title.to_string(), text.to_string())
}

/// The charts, embedded.
fn write_charts(out: &mut String, r: &RunResult, charts: &[(Chart, PathBuf)]) -> Result<()> {
    if charts.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section id=\"charts\">")?;
    writeln!(out, "<h2>Charts</h2>")?;
    for (chart, path) in charts {
        let (title, text) = caption(*chart, &r.scenario.output.words);
        let id = format!("chart-{}", chart.stem());
        write_figure(out, Some(&id), path, &title, &title, &escape(&text))?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::report::fixtures;
    use base64::Engine;

    /// Draws every chart of `r` into `dir` and writes the report; returns the page.
    fn report(r: &RunResult, dir: &Path) -> String {
        let charts: Vec<(Chart, PathBuf)> = Chart::ALL
            .iter()
            .map(|&c| (c, dir.join(format!("{}.png", c.stem()))))
            .collect();
        for (c, p) in &charts {
            crate::run::report::chart::draw(r, *c, p).expect("chart draws");
        }
        let heads = crate::run::report::headline::headlines(r);
        let path = dir.join("report.html");
        write(
            r,
            &heads,
            &charts,
            &["series.csv", "summary.csv", "orgs.csv"],
            12.5,
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
        let heads = crate::run::report::headline::headlines(r);
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
            1.0,
            &dir.path().join("report.html"),
        )
        .expect_err("chart file is missing");
        assert!(format!("{err:#}").contains("losses.png"), "{err:#}");
    }
}
