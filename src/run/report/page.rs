//! `report.html`: one self-contained page per run. The charts are embedded as `data:` URIs, the
//! style sheet and the explorer's script are inline (`super::explore`), and the page has no
//! references outside its own folder, so it opens (and prints) anywhere without network access.
//!
//! The page holds the scenario's name and description, the run's facts, the headline figures, a
//! note on how to read the figures, the charts, the key dates (numbered as the charts' markers)
//! and relative links to the CSV files beside it, in the frame every page shares
//! (`crate::report::page::frame`). It does not draw the charts (see [`super::chart`]) or compute
//! the figures (see [`super::headline`]); it only lays them out. Every text that comes
//! from the scenario file is escaped by the template.

use crate::report::figure::style::palette;
use crate::report::number::thousands;
use crate::report::page::frame::{Frame, description};
use crate::report::page::sections::{
    Column, Figure, fact_rows, files, head, key_dates, section, swatch,
};
use crate::run::report::headline::Headline;
use crate::run::summary::RunResult;
use crate::scenario::{Chart, Words};
use anyhow::Result;
use maud::{Markup, PreEscaped, html};
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
    let frame = Frame {
        title: format!("{} — picsim report", s.name),
        kicker: "picsim report",
        heading: &s.name,
        description: description(&s.description),
        contents: contents(result, charts, csv_files),
        subject: format!("scenario {}", s.name),
    };
    let shown: Vec<Chart> = charts.iter().map(|(c, _)| *c).collect();
    let mut explorer = String::new();
    super::explore::write(&mut explorer, result, &shown)?;
    let unadopted = s.unadopted_providers();
    let sections = html! {
        (headlines_section(result, headlines))
        @if let Some(list) = &s.population.import {
            (super::imported::section(s, list))
        }
        (charts_section(result, charts)?)
        (key_dates(&s.key_dates(), "The scenario has no key dates inside its period."))
        @if !unadopted.is_empty() {
            p class="note" {
                "Not marked: the days of " (unadopted.join(", ")) ", adopted by no organisation here."
            } "\n"
        }
        (how_to_read(result, csv_files.contains(&"summary.csv")))
        (facts_section(result, wall_seconds))
        (files(csv_files))
        // Last, so the script finds the figures and the key-dates table above it. The explorer
        // is picsim's own style sheet and script, and its data as JSON made safe inside a
        // `<script>` element (every `<`, `>` and `&` of a scenario's text written as a JSON
        // escape; see `explore::script_safe`), so it goes in as it is.
        (PreEscaped(explorer))
    };
    Ok(frame.render(sections))
}

/// The contents bar: the sections this run's page has, in page order.
fn contents(
    result: &RunResult,
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
) -> Vec<(&'static str, &'static str)> {
    let mut contents = vec![("headlines", "Headline figures")];
    if result.scenario.population.import.is_some() {
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
    contents
}

/// Seconds for people: one decimal, or two below one second (so a quick run is not "0.0 s").
fn seconds(t: f64) -> String {
    if t < 1.0 {
        format!("{t:.2} s")
    } else {
        format!("{t:.1} s")
    }
}

/// The run's facts as label and value: dates, replications, seed, threads, times and sizes.
fn facts(r: &RunResult, wall_seconds: f64) -> Vec<(String, String)> {
    let s = &r.scenario;
    let thousands = |v: u64| thousands(v as f64);
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
            format!("{step}, {} rows", thousands(r.dates.len() as u64)),
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

/// The run's facts, then its networks (each with the colour the charts give it) and providers.
fn facts_section(r: &RunResult, wall_seconds: f64) -> Markup {
    let s = &r.scenario;
    section(
        "run",
        "Run",
        html! {
            p class="note" { "Sizes are those of replication 0." } "\n"
            table class="facts" { "\n"
                (fact_rows(&facts(r, wall_seconds)))
                tr {
                    th scope="row" { "Networks" }
                    td {
                        @for (i, n) in s.networks.iter().enumerate() {
                            @if i > 0 { br; }
                            (swatch(palette(i))) (n.name) " (" code { (n.id) } ")"
                        }
                    }
                } "\n"
                @if !s.providers.is_empty() {
                    tr {
                        th scope="row" { "Providers" }
                        td {
                            @for (i, p) in s.providers.iter().enumerate() {
                                @if i > 0 { br; }
                                (p.name) " (" code { (p.id) } ")"
                            }
                        }
                    } "\n"
                }
            } "\n"
        },
    )
}

/// The answer first: a sentence on the reachable share from start to end, then every headline
/// figure with its p05–p95 and what it means.
fn headlines_section(r: &RunResult, headlines: &[Headline]) -> Markup {
    let n = r.series.len();
    let mut columns = vec![Column::Text("Figure"), Column::Num("Mean")];
    if n > 1 {
        columns.push(Column::Num("p05–p95"));
    }
    section(
        "headlines",
        "Headline figures",
        html! {
            @if headlines.is_empty() {
                p { "This run has no headline figures." } "\n"
            } @else {
                @if let Some(answer) = answer(r, headlines) {
                    p class="lead" { (answer) } "\n"
                }
                p class="note" {
                    @if n == 1 {
                        "Each figure is the count of the run's one replication."
                    } @else {
                        "Each figure is the mean across " (n) " replications; p05–p95 is the \
                         range of the middle 90 % of them."
                    }
                } "\n"
                div class="wide" {
                    table class="headlines" { "\n"
                        (head(&columns)) "\n"
                        tbody { "\n"
                            @for h in headlines {
                                (headline_row(h, n > 1))
                            }
                        } "\n"
                    }
                } "\n"
            }
        },
    )
}

/// A headline figure's row: its label and what it means, its mean, and its p05–p95 when the run
/// has a band.
fn headline_row(h: &Headline, banded: bool) -> Markup {
    html! {
        tr {
            td {
                (h.label)
                @if !h.definition.is_empty() {
                    div class="definition" { (h.definition) }
                }
            }
            td class="num" { (h.display()) }
            @if banded {
                td class="num band" { (h.display_band().unwrap_or_default()) }
            }
        } "\n"
    }
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

/// The notes on how to read the page: entries and persons, what reachable means, the band,
/// the key-date markers and where the figures come from.
fn how_to_read(r: &RunResult, summary_linked: bool) -> Markup {
    let n = r.series.len();
    section(
        "how-to-read",
        "How to read",
        html! {
            ul { "\n"
                li {
                    "An " em { "entry" } " is one public contact on one " (r.scenario.output.words.user)
                    "'s contact list; a " em { "person" } " is the individual behind it, who may be \
                     on many lists and hold accounts on several networks."
                } "\n"
                li {
                    em { "Reachable" } " means reachable for instant messaging (IM) unless a \
                    modality (presence, audio or video) is named."
                } "\n"
                @if n > 1 {
                    li {
                        "The run repeats the scenario " (n) " times with independent random draws \
                         (replications). Lines and figures are the " em { "mean" } " across \
                         replications; the shaded band around a line runs from the 5th to the 95th \
                         percentile (p05–p95), so nine replications in ten fall inside it. A narrow \
                         band means the result hardly depends on chance."
                    } "\n"
                } @else {
                    li {
                        "The run has one replication, so figures are that replication's counts and \
                         the charts have no band. Run more replications to see how much the results \
                         vary by chance."
                    } "\n"
                }
                li {
                    "Dashed vertical lines in the charts mark the key dates; the number above each \
                     line is its row in the " a href="#key-dates" { "key-dates table" } "."
                } "\n"
                li {
                    "Every number follows from the scenario's assumptions; the scenario file says \
                     which values have a published source."
                } "\n"
                @if summary_linked {
                    li {
                        a href="summary.csv" { code { "summary.csv" } } " has the mean, standard \
                        error and percentiles of every metric on every reported day."
                    } "\n"
                }
            } "\n"
        },
    )
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

/// The charts, embedded, or nothing when there are none.
///
/// # Errors
/// A chart file cannot be read.
fn charts_section(r: &RunResult, charts: &[(Chart, PathBuf)]) -> Result<Markup> {
    if charts.is_empty() {
        return Ok(html! {});
    }
    let mut figures = Vec::with_capacity(charts.len());
    for (chart, path) in charts {
        let (title, text) = caption(*chart, &r.scenario.output.words);
        let id = format!("chart-{}", chart.stem());
        let figure = Figure {
            id: Some(&id),
            path,
            title: &title,
            alt: None,
            text: html! { (text) },
        };
        figures.push(figure.render()?);
    }
    Ok(html! {
        (section("charts", "Charts", html! {
            @for figure in figures { (figure) }
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::page::test_text::{HOSTILE, SHOWN, assert_shown_as_text, html_text};
    use crate::run::report::fixtures;
    use crate::scenario::Override;
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
        assert!(html.contains(&format!("<h1>{}</h1>", html_text(&r.scenario.name))));
        let heads = crate::run::report::headline::headlines(r);
        assert!(!heads.is_empty());
        for h in &heads {
            assert!(
                html.contains(&html_text(&h.label)),
                "missing headline {}",
                h.label
            );
            assert!(
                html.contains(&html_text(&h.display())),
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
        // `'` stays as it is: it means nothing in text, and attribute values are in `"`.
        assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;more&quot;"));
    }

    #[test]
    fn scenario_text_that_ends_a_script_is_text_in_the_page_and_its_data() {
        let mut r = fixtures::small().clone();
        r.scenario.name = HOSTILE.into();
        r.scenario.description = HOSTILE.into();
        // Network names are in the table of facts, the key dates and the explorer's JSON.
        r.scenario.networks[0].name = HOSTILE.into();
        let dir = tempfile::tempdir().expect("temp dir");
        let html = report(&r, dir.path());
        // Title, heading, description, footer and the table of facts at least.
        assert_shown_as_text(&html, 5, 2);
        let start = "<script type=\"application/json\" id=\"picsim-data\">";
        let from = html.find(start).expect("data element") + start.len();
        let to = from + html[from..].find("</script>").expect("data element ends");
        let data: serde_json::Value = serde_json::from_str(&html[from..to]).expect("JSON");
        assert_eq!(data["charts"][0]["series"][0]["label"], HOSTILE);
    }

    #[test]
    fn texts_that_end_a_script_are_text_in_an_imported_runs_page() {
        let overrides = [Override::parse("scenario.replications=1").expect("override parses")];
        let s = crate::scenario::load_file(Path::new("scenarios/my-org.toml"), &overrides)
            .expect("scenario loads");
        let mut r = crate::run::run(&s, 1, &|_| {}).expect("run");
        r.scenario.name = HOSTILE.into();
        r.scenario.description = HOSTILE.into();
        r.scenario.networks[0].name = HOSTILE.into();
        // The scenario's word for its users labels a row of the facts and of the import's table.
        r.scenario.output.words.users = HOSTILE.into();
        let dir = tempfile::tempdir().expect("temp dir");
        let html = report(&r, dir.path());
        assert!(html.contains("<section id=\"imported\">"));
        assert_shown_as_text(&html, 6, 2);
        assert_eq!(
            html.matches(&format!("<tr><th scope=\"row\">{SHOWN}</th><td>"))
                .count(),
            2,
            "the users' rows of the facts and of the import"
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
