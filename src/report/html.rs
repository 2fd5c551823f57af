//! `report.html`: one self-contained page per run. The charts are embedded as `data:` URIs, the
//! style sheet is inline, and the page has no scripts and no references outside its own folder,
//! so it opens (and prints) anywhere without network access.
//!
//! The page holds the scenario's name and description, the run's facts, the headline figures, a
//! note on how to read the figures, the charts, the key dates (numbered as the charts' markers)
//! and relative links to the CSV files beside it. It does not draw the charts (see
//! [`super::chart`]) or compute the figures (see [`super::headline`]); it only lays them out.
//! Every text that comes from the scenario file is escaped.

use super::Headline;
use crate::run::summary::RunResult;
use crate::scenario::{Chart, KeyDate};
use anyhow::Context;
use base64::Engine;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes `report.html` to `path`: `charts` are PNG files already written (embedded in the page),
/// `csv_files` names of files in the same folder (linked relatively).
///
/// # Errors
/// A chart file cannot be read, or the page cannot be written.
pub fn write(
    result: &RunResult,
    headlines: &[Headline],
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
    path: &Path,
) -> anyhow::Result<()> {
    let html = render(result, headlines, charts, csv_files)?;
    std::fs::write(path, html)
        .with_context(|| format!("could not write report '{}'", path.display()))
}

/// The whole page.
fn render(
    result: &RunResult,
    headlines: &[Headline],
    charts: &[(Chart, PathBuf)],
    csv_files: &[&str],
) -> anyhow::Result<String> {
    let s = &result.scenario;
    let name = escape(&s.name);
    let mut out = String::with_capacity(1 << 20);
    write_head(&mut out, &format!("{name} — picsim report"))?;

    writeln!(out, "<header>")?;
    writeln!(out, "<p class=\"kicker\">picsim report</p>")?;
    writeln!(out, "<h1>{name}</h1>")?;
    if !s.description.trim().is_empty() {
        writeln!(
            out,
            "<p class=\"description\">{}</p>",
            escape(s.description.trim())
        )?;
    }
    writeln!(out, "</header>")?;

    write_contents(&mut out, !charts.is_empty(), !csv_files.is_empty())?;
    write_facts(&mut out, result)?;
    write_headlines(&mut out, result, headlines)?;
    write_how_to_read(&mut out, result, csv_files.contains(&"summary.csv"))?;
    write_charts(&mut out, charts)?;
    write_key_dates(
        &mut out,
        &s.key_dates(),
        "The scenario has no key dates inside its period.",
    )?;
    write_files(&mut out, csv_files)?;

    writeln!(
        out,
        "<footer>Written by picsim {} for scenario {name}.</footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "</main>")?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")?;
    Ok(out)
}

/// The start of a page up to and including `<main>`: `title` (already escaped) and the style sheet.
pub(super) fn write_head(out: &mut String, title: &str) -> anyhow::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<meta name=\"generator\" content=\"picsim {}\">",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "<title>{title}</title>")?;
    writeln!(out, "<style>{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<main>")?;
    Ok(())
}

/// The PNG file `path` as a `data:` URI, for an `<img src>`.
pub(super) fn png_data_uri(path: &Path) -> anyhow::Result<String> {
    let png = std::fs::read(path)
        .with_context(|| format!("could not read chart '{}' for the report", path.display()))?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    ))
}

/// The in-page table of contents.
fn write_contents(out: &mut String, charts: bool, files: bool) -> anyhow::Result<()> {
    let mut items = vec![
        ("run", "Run"),
        ("headlines", "Headline figures"),
        ("how-to-read", "How to read"),
    ];
    if charts {
        items.push(("charts", "Charts"));
    }
    items.push(("key-dates", "Key dates"));
    if files {
        items.push(("data", "Data files"));
    }
    writeln!(out, "<nav aria-label=\"Contents\"><ul>")?;
    for (id, label) in items {
        writeln!(out, "<li><a href=\"#{id}\">{label}</a></li>")?;
    }
    writeln!(out, "</ul></nav>")?;
    Ok(())
}

/// Dates, replications, seed, threads, sizes, networks and providers.
fn write_facts(out: &mut String, r: &RunResult) -> anyhow::Result<()> {
    let s = &r.scenario;
    let thousands = |v: u64| super::thousands(v as f64);
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
            let c = super::chart::palette(i);
            format!(
                "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{} (<code>{}</code>)",
                c.0,
                c.1,
                c.2,
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

fn write_headlines(out: &mut String, r: &RunResult, headlines: &[Headline]) -> anyhow::Result<()> {
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

fn write_how_to_read(out: &mut String, r: &RunResult, summary_linked: bool) -> anyhow::Result<()> {
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
fn write_charts(out: &mut String, charts: &[(Chart, PathBuf)]) -> anyhow::Result<()> {
    if charts.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section id=\"charts\">")?;
    writeln!(out, "<h2>Charts</h2>")?;
    for (chart, path) in charts {
        let uri = png_data_uri(path)?;
        let (title, text) = caption(*chart);
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        writeln!(out, "<figure id=\"chart-{}\">", chart.stem())?;
        writeln!(
            out,
            "<img src=\"{uri}\" width=\"1600\" height=\"900\" alt=\"{}\">",
            escape(title)
        )?;
        writeln!(
            out,
            "<figcaption><strong>{title}.</strong> {text} <span class=\"file\">({})</span></figcaption>",
            escape(&file)
        )?;
        writeln!(out, "</figure>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

/// The section listing `key_dates`, numbered as the charts' markers; `none` (plain text) when
/// there are none.
pub(super) fn write_key_dates(
    out: &mut String,
    key_dates: &[KeyDate],
    none: &str,
) -> anyhow::Result<()> {
    writeln!(out, "<section id=\"key-dates\">")?;
    writeln!(out, "<h2>Key dates</h2>")?;
    if key_dates.is_empty() {
        writeln!(out, "<p>{}</p>", escape(none))?;
    } else {
        writeln!(out, "<table class=\"key-dates\">")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Date</th><th scope=\"col\">What happens</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for (i, k) in key_dates.iter().enumerate() {
            let what: Vec<String> = k.label.split("; ").map(escape).collect();
            writeln!(
                out,
                "<tr><td class=\"num\"><span class=\"badge\">{}</span></td><td class=\"date\">{}</td><td>{}</td></tr>",
                i + 1,
                k.date,
                what.join("<br>")
            )?;
        }
        writeln!(out, "</tbody>")?;
        writeln!(out, "</table>")?;
    }
    writeln!(out, "</section>")?;
    Ok(())
}

/// What a known output file holds.
fn describe(file: &str) -> Option<&'static str> {
    match file {
        "series.csv" => Some("every metric per replication and reported day"),
        "summary.csv" => {
            Some("mean, standard error, p05, p50 and p95 of every metric per reported day")
        }
        "orgs.csv" => Some(
            "per organisation and replication: deployment, users, entries, shares, provider days, USL credit",
        ),
        "manifest.json" => {
            Some("versions, scenario file hash, effective scenario, seed, sizes and timings")
        }
        "compare.csv" => {
            Some("per run, reported day and metric: any swept values, mean, p05, p50 and p95")
        }
        "runs.csv" => Some("the id of every run of the sweep and its swept values"),
        "sensitivity.csv" => Some(
            "per parameter and figure: low and high values, the figure at base, at low and at high, and the swing",
        ),
        _ => None,
    }
}

/// Relative links to the files beside the report.
pub(super) fn write_files(out: &mut String, files: &[&str]) -> anyhow::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section id=\"data\">")?;
    writeln!(out, "<h2>Data files</h2>")?;
    writeln!(
        out,
        "<p class=\"note\">In the same folder as this page.</p>"
    )?;
    writeln!(out, "<ul class=\"files\">")?;
    for file in files {
        let what = describe(file)
            .map(|d| format!(" — {d}"))
            .unwrap_or_default();
        writeln!(
            out,
            "<li><a href=\"{}\"><code>{}</code></a>{what}</li>",
            escape(&url_path(file)),
            escape(file)
        )?;
    }
    writeln!(out, "</ul>")?;
    writeln!(out, "</section>")?;
    Ok(())
}

/// `text` with the characters that mean something in HTML (text or attribute) replaced by
/// character references.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file name as a relative URL path: every byte outside the unreserved set percent-encoded (so a
/// name with `:` is not read as a scheme, nor one with `#` or `?` cut short).
pub(super) fn url_path(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The style sheet of every page (run, comparison and sensitivity reports): system fonts, a
/// readable measure, tables that print.
pub(super) const STYLE: &str = r#"
:root { --text: #111827; --muted: #5f636e; --rule: #e4e6eb; --accent: #1f77b4; --badge: #374151; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--text); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
header { border-bottom: 1px solid var(--rule); padding-bottom: 1rem; margin-bottom: 1rem; }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; }
h1 { margin: .2rem 0 .5rem; font-size: 2rem; line-height: 1.2; }
h2 { margin: 2.5rem 0 .75rem; font-size: 1.4rem; border-bottom: 1px solid var(--rule); padding-bottom: .3rem; }
.description { margin: 0; font-size: 1.1rem; max-width: 60rem; }
.note { color: var(--muted); margin: .25rem 0 .75rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
a { color: var(--accent); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; max-width: 60rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .75rem .4rem 0; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--text); }
.facts th { width: 18rem; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.headlines td.num { font-weight: 600; }
.key-dates .date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.key-dates td.num, .key-dates th.num { width: 3rem; text-align: center; padding-right: .75rem; }
.badge { display: inline-block; min-width: 1.6rem; padding: .05rem .35rem; border-radius: 1rem; background: var(--badge);
  color: #fff; font-weight: 700; font-size: .85rem; text-align: center; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: .15rem; margin-right: .45rem; vertical-align: -.1rem; }
figure { margin: 1.5rem 0 2.5rem; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { margin-top: .5rem; color: var(--muted); max-width: 60rem; }
figcaption strong { color: var(--text); }
.file { white-space: nowrap; }
.wide { overflow-x: auto; max-width: 100%; }
.wide table { max-width: none; }
table.runs { font-size: .9rem; }
table.runs thead th { vertical-align: bottom; font-weight: 600; }
table.runs th.num { min-width: 6.5rem; }
table.runs td:first-child { white-space: nowrap; }
h3 { margin: 2rem 0 .5rem; font-size: 1.15rem; }
.value { font-weight: 600; font-variant-numeric: tabular-nums; }
ul.files li { margin: .3rem 0; }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .9rem; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .badge, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::fixtures;

    /// Draws every chart of `r` into `dir` and writes the report; returns the page.
    fn report(r: &RunResult, dir: &Path) -> String {
        let charts: Vec<(Chart, PathBuf)> = Chart::ALL
            .iter()
            .map(|&c| (c, dir.join(format!("{}.png", c.stem()))))
            .collect();
        for (c, p) in &charts {
            crate::report::chart::draw(r, *c, p).expect("chart draws");
        }
        let heads = crate::report::headlines(r);
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
        let heads = crate::report::headlines(r);
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
        assert!(!html.contains("<script"), "the page has a script");
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

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(url_path("series.csv"), "series.csv");
        assert_eq!(url_path("a b#1:x.csv"), "a%20b%231%3Ax.csv");
    }
}
