//! What a comparison of runs holds: per run, its id and label, the values that distinguish it,
//! its per-day summaries and its headline figures; what each charted metric counts; and the
//! terminal table, fitted to the terminal's width. The comparison charts, the comparison page,
//! `compare.csv` and the terminal table all read a [`Comparison`]; building one (from a sweep's
//! results or from run folders) is the business of `super` and `super::super::sweep`.

use crate::run::report::headline::{Headline, headlines};
use crate::run::summary::{RunResult, Stat};
use crate::scenario::{KeyDate, Words};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::path::Path;

/// A headline's key and its label.
pub(crate) type KeyLabel = (String, String);

/// Metrics drawn as `compare_<metric>.png` (when present in every run).
pub(crate) const CHART_METRICS: [&str; 6] = [
    "reachable_im",
    "users_lost_some",
    "users_isolated",
    "lost_federation",
    "lost_account",
    "never_reachable",
];

/// One chart of a comparison: a metric, drawn as each run's level, or as each run's difference
/// from the first run (which tells runs apart when their levels differ by less than the line's
/// width).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CompareChart {
    /// The metric, one of [`CHART_METRICS`].
    pub(crate) metric: &'static str,
    /// Differences from the first run, not levels.
    pub(crate) difference: bool,
}

impl CompareChart {
    /// The chart's file: `compare_<metric>.png`, or `compare_<metric>_difference.png`.
    pub(crate) fn file_name(&self) -> String {
        if self.difference {
            format!("compare_{}_difference.png", self.metric)
        } else {
            format!("compare_{}.png", self.metric)
        }
    }
}

/// One run as a comparison sees it (kept as JSON in an unfinished experiment's folder).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct RunSummary {
    /// Short id (`run-001`, or the folder name).
    pub(crate) id: String,
    /// What distinguishes it, for legends (`recovery.probability=0.5`, or the scenario name).
    pub(crate) label: String,
    /// Swept values, as TOML text, in the comparison's key order.
    pub(crate) values: Vec<String>,
    /// Reported dates.
    pub(crate) dates: Vec<NaiveDate>,
    /// Metric names.
    pub(crate) columns: Vec<String>,
    /// `dates × columns` summaries, row-major.
    pub(crate) summary: Vec<Stat>,
    /// Headline figures.
    pub(crate) headlines: Vec<Headline>,
    /// The run's folder relative to the comparison's (for links), if it has one.
    pub(crate) link: Option<String>,
    /// Replications.
    pub(crate) replications: u32,
}

impl RunSummary {
    /// From a finished run.
    pub(crate) fn from_result(
        id: &str,
        label: &str,
        values: Vec<String>,
        r: &RunResult,
        link: Option<String>,
    ) -> RunSummary {
        RunSummary {
            id: id.to_string(),
            label: label.to_string(),
            values,
            dates: r.dates.clone(),
            columns: r.columns.clone(),
            summary: r.summary.clone(),
            headlines: headlines(r),
            link,
            replications: r.scenario.replications,
        }
    }

    /// The summary of `metric` on row `row`.
    pub(crate) fn stat(&self, row: usize, metric: &str) -> Option<&Stat> {
        let col = self.columns.iter().position(|c| c == metric)?;
        self.summary.get(row * self.columns.len() + col)
    }

    /// A headline by key.
    pub(crate) fn headline(&self, key: &str) -> Option<&Headline> {
        self.headlines.iter().find(|h| h.key == key)
    }
}

/// Several runs over the same dates and metrics.
#[derive(Debug, Clone)]
pub(crate) struct Comparison {
    /// Title for reports.
    pub(crate) title: String,
    /// Free text for reports.
    pub(crate) description: String,
    /// The keys whose values distinguish runs (swept keys; empty for `compare`).
    pub(crate) keys: Vec<String>,
    /// The runs, in order.
    pub(crate) runs: Vec<RunSummary>,
    /// Key dates for chart markers (from the first run's scenario, when known).
    pub(crate) key_dates: Vec<KeyDate>,
    /// What the scenario calls its users (from the first run's scenario, when known).
    pub(crate) words: Words,
}

impl Comparison {
    /// The charts to draw: per metric of [`Comparison::chart_metrics`], its levels, then (with
    /// two runs or more) its differences from the first run.
    pub(crate) fn charts(&self) -> Vec<CompareChart> {
        let differences = self.runs.len() >= 2;
        self.chart_metrics()
            .into_iter()
            .flat_map(|metric| {
                let level = CompareChart {
                    metric,
                    difference: false,
                };
                let diff = CompareChart {
                    metric,
                    difference: true,
                };
                std::iter::once(level).chain(differences.then_some(diff))
            })
            .collect()
    }

    /// Metrics to chart: [`CHART_METRICS`] that every run has.
    pub(crate) fn chart_metrics(&self) -> Vec<&'static str> {
        CHART_METRICS
            .iter()
            .copied()
            .filter(|m| self.runs.iter().all(|r| r.columns.iter().any(|c| c == m)))
            .collect()
    }

    /// Writes `compare.csv`: run, every swept value, date, metric, mean, p05, p50, p95. Fields are
    /// quoted as in every CSV picsim writes (the csv crate's rules: those holding a comma, a quote
    /// or a line break).
    pub(crate) fn write_csv(&self, path: &Path) -> Result<()> {
        let mut w = crate::report::csv::writer(path)?;
        let fixed = ["date", "metric", "mean", "p05", "p50", "p95"];
        w.write_record(
            std::iter::once("run")
                .chain(self.keys.iter().map(String::as_str))
                .chain(fixed),
        )?;
        let mut date_text = String::new();
        let mut numbers: [String; 4] = Default::default();
        for r in &self.runs {
            for (row, date) in r.dates.iter().enumerate() {
                date_text.clear();
                write!(date_text, "{date}")?;
                for (col, metric) in r.columns.iter().enumerate() {
                    let s = &r.summary[row * r.columns.len() + col];
                    for (text, v) in numbers.iter_mut().zip([s.mean, s.p05, s.p50, s.p95]) {
                        text.clear();
                        write!(text, "{v:.6}")?;
                    }
                    w.write_record(
                        std::iter::once(r.id.as_str())
                            .chain(r.values.iter().map(String::as_str))
                            .chain([date_text.as_str(), metric.as_str()])
                            .chain(numbers.iter().map(String::as_str)),
                    )?;
                }
            }
        }
        w.flush()
            .with_context(|| format!("could not write '{}'", path.display()))
    }

    /// The headline keys shown in tables: the first run's, in its order.
    pub(crate) fn headline_keys(&self) -> Vec<(String, String)> {
        self.runs.first().map_or_else(Vec::new, |r| {
            r.headlines
                .iter()
                .map(|h| (h.key.clone(), h.label.clone()))
                .collect()
        })
    }

    /// The runs in table order: by reachable share at the end, highest first (then by id).
    pub(crate) fn sorted_runs(&self) -> Vec<&RunSummary> {
        let end_share = |r: &RunSummary| {
            r.headlines
                .iter()
                .rev()
                .find(|h| h.key.starts_with("reachable_share@"))
                .map_or(f64::NEG_INFINITY, |h| h.value)
        };
        let mut runs: Vec<&RunSummary> = self.runs.iter().collect();
        runs.sort_by(|a, b| {
            end_share(b)
                .total_cmp(&end_share(a))
                .then_with(|| a.id.cmp(&b.id))
        });
        runs
    }

    /// The headline keys split for tables: those whose shown value differs between runs, then
    /// those the same in every run (shown once, not as a column). With one run, every key
    /// differs (there is nothing to compare it with).
    pub(crate) fn split_headline_keys(&self) -> (Vec<KeyLabel>, Vec<KeyLabel>) {
        let shown = |r: &RunSummary, k: &str| r.headline(k).map(Headline::display);
        self.headline_keys().into_iter().partition(|(k, _)| {
            self.runs.len() < 2
                || self
                    .runs
                    .iter()
                    .any(|r| shown(r, k) != shown(&self.runs[0], k))
        })
    }

    /// The end-of-command terminal table, no line wider than `width` columns: one row per run
    /// (sorted), its swept values and the headline figures that differ between runs as columns
    /// (those that do not fit left out, and said so), then the figures the same in every run,
    /// what each column is, and the report's path.
    pub(crate) fn table(&self, report: &Path, width: usize) -> String {
        let width = width.max(40);
        let (differ, same) = self.split_headline_keys();
        let runs = self.sorted_runs();
        let id_w = (width / 4).max(8);
        let ids = Column::new(
            "run".to_string(),
            runs.iter().map(|r| fit(&r.id, id_w)).collect(),
        );
        let figures: Vec<Column> = differ
            .iter()
            .map(|(k, _)| {
                Column::new(
                    short_key(k),
                    runs.iter()
                        .map(|r| r.headline(k).map_or("—".into(), Headline::display))
                        .collect(),
                )
            })
            .collect();
        let values = self.value_columns(&runs, &ids, figures.first(), width);
        // The columns that fit, in order: the id, the values, then as many figures as fit.
        let mut cols: Vec<&Column> = vec![&ids];
        cols.extend(values.iter());
        let mut shown = 0;
        for f in &figures {
            cols.push(f);
            if table_width(&cols) > width {
                cols.pop();
                break;
            }
            shown += 1;
        }
        let mut out = table_rows(&cols, runs.len(), width);
        let mut lines = vec![String::new()];
        if shown < figures.len() {
            lines.push(format!(
                "{} more figure{} that differ between runs: in report.html and compare.csv.",
                figures.len() - shown,
                if figures.len() - shown == 1 { "" } else { "s" }
            ));
        }
        lines.push(
            "Columns (means over replications; sorted by the reachable share at the end):".into(),
        );
        for (k, label) in differ.iter().take(shown) {
            lines.push(format!("  {}: {label}", short_key(k)));
        }
        if !same.is_empty() && !runs.is_empty() {
            lines.push("The same in every run:".into());
            for (k, label) in &same {
                let value = runs[0].headline(k).map_or("—".into(), Headline::display);
                lines.push(format!("  {label}: {value}"));
            }
        }
        for l in lines {
            out.push_str(&fit(&l, width));
            out.push('\n');
        }
        out.push_str(&format!("Report: {}\n", report.display()));
        out
    }

    /// The columns of the swept values of `runs`, each key named by its last two segments, or by
    /// its last one when the id column, the values and the first figure would not fit otherwise.
    fn value_columns(
        &self,
        runs: &[&RunSummary],
        ids: &Column,
        first_figure: Option<&Column>,
        width: usize,
    ) -> Vec<Column> {
        let values_for = |segments: usize| -> Vec<Column> {
            self.keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    Column::new(
                        key_name(k, segments),
                        runs.iter()
                            .map(|r| fit(r.values.get(i).map_or("—", String::as_str), 24))
                            .collect(),
                    )
                })
                .collect()
        };
        let values = values_for(2);
        let mut cols: Vec<&Column> = vec![ids];
        cols.extend(values.iter());
        cols.extend(first_figure);
        if table_width(&cols) > width {
            values_for(1)
        } else {
            values
        }
    }
}

/// One column of the terminal table: its header (one line, or two: a figure's `reach` over
/// `@2014-06-30`), its cells (one per run) and its width in characters.
struct Column {
    header: Vec<String>,
    cells: Vec<String>,
    width: usize,
}

impl Column {
    /// The column headed `header` (split at its `@`) with `cells`.
    fn new(header: String, cells: Vec<String>) -> Column {
        let header: Vec<String> = match header.split_once('@') {
            Some((what, at)) => vec![what.to_string(), format!("@{at}")],
            None => vec![header],
        };
        let width = cells
            .iter()
            .chain(header.iter())
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        Column {
            header,
            cells,
            width,
        }
    }
}

/// The width of a table of `cols`: two spaces before the first and between columns.
fn table_width(cols: &[&Column]) -> usize {
    2 + cols.iter().map(|c| c.width).sum::<usize>() + 2 * cols.len().saturating_sub(1)
}

/// A swept key by its last `segments` segments.
fn key_name(key: &str, segments: usize) -> String {
    let parts: Vec<&str> = key.rsplit('.').take(segments).collect();
    parts.into_iter().rev().collect::<Vec<_>>().join(".")
}

/// The lines of a table of `cols` over `runs` rows, none wider than `width`: the headers, each on
/// the header's last lines and left-aligned, then the rows, the first column left-aligned and the
/// others right-aligned.
fn table_rows(cols: &[&Column], runs: usize, width: usize) -> String {
    let mut out = String::new();
    let header_lines = cols.iter().map(|c| c.header.len()).max().unwrap_or(1);
    for row in 0..header_lines + runs {
        let cells: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let blank = String::new();
                let text = if row < header_lines {
                    (row + col.header.len())
                        .checked_sub(header_lines)
                        .map_or(&blank, |i| &col.header[i])
                } else {
                    &col.cells[row - header_lines]
                };
                let text = fit(text, col.width);
                let pad = col.width - text.chars().count();
                if c == 0 || row < header_lines {
                    format!("{text}{}", " ".repeat(pad))
                } else {
                    format!("{}{text}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(&fit(format!("  {}", cells.join("  ")).trim_end(), width));
        out.push('\n');
    }
    out
}

/// `text` cut to at most `width` characters, ending in "…" when cut.
pub(crate) fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// What `metric` counts, in words for a title (users called as the scenario calls them), and
/// the unit of its axis.
pub(crate) fn metric_title(metric: &str, words: &Words) -> (String, &'static str) {
    let users = words.users_title();
    let user_metric = match metric {
        "users_lost_some" => Some(format!("{users} who lost some contact")),
        "users_isolated" => Some(format!("{users} isolated (no contact reachable)")),
        "users_some_unreachable" => Some(format!("{users} with some contact not reachable")),
        _ => None,
    };
    if let Some(title) = user_metric {
        return (title, "users");
    }
    let fixed = match metric {
        "reachable_im" => Some(("Contact-list entries reachable for IM", "entries")),
        "entries" => Some(("Contact-list entries", "entries")),
        "lost_federation" => Some(("Entries lost: no provider serves them", "entries")),
        "lost_account" => Some(("Entries lost: the contact's account is inactive", "entries")),
        "never_reachable" => Some(("Entries never reachable", "entries")),
        _ => None,
    };
    if let Some((title, unit)) = fixed {
        return (title.to_string(), unit);
    }
    if let Some(m) = metric.strip_prefix("migrated_") {
        return (format!("Persons migrated ({m})"), "persons");
    }
    if let Some(m) = metric.strip_prefix("stranded_") {
        return (format!("Persons stranded ({m})"), "persons");
    }
    if let Some(x) = metric.strip_prefix("reachable_") {
        return if crate::scenario::Modalities::NAMES.contains(&x) {
            (format!("Contact-list entries reachable for {x}"), "entries")
        } else {
            (
                format!("Reachable contact-list entries on network {x}"),
                "entries",
            )
        };
    }
    (metric.to_string(), "count")
}

/// A short column name for a headline key.
pub(crate) fn short_key(key: &str) -> String {
    key.replace("reachable_share@", "reach@")
        .replace("users_", "")
}

#[cfg(test)]
mod tests {
    use super::{Words, metric_title};
    use crate::experiments::fixtures;

    #[test]
    fn terminal_table_fits_80_columns_differing_figures_first() {
        let mut cmp = fixtures::sweep(12, 3);
        // The credit is the same in every run: not a column, but listed once.
        for r in &mut cmp.runs {
            r.headlines[2].value = 500.0;
        }
        cmp.runs[3].id = "a-run-folder-with-a-very-long-name-indeed".into();
        let text = cmp.table(std::path::Path::new("/out/report.html"), 80);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        let lines: Vec<&str> = text.lines().collect();
        // Two header lines, then one row per run.
        assert!(
            lines[0].contains("reach") && lines[1].contains("@2014-07-01"),
            "{text}"
        );
        assert!(lines[1].starts_with("  run ") && lines[1].contains("recovery.probability"));
        assert_eq!(
            text.lines().filter(|l| l.contains("run-0")).count(),
            11,
            "{text}"
        );
        // Sorted by the share at the end, highest first: the last run has the largest scale.
        assert!(lines[2].starts_with("  run-012 "), "{text}");
        assert!(!lines[0].contains("usl_credit"), "{text}");
        assert!(
            text.contains("The same in every run:\n  Total USL credit owed for AOL (all organisations): 500.00\n"),
            "{text}"
        );
        // At 40 columns the figures that do not fit are counted, not cut.
        let narrow = cmp.table(std::path::Path::new("/out/report.html"), 40);
        assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
        assert!(narrow.contains("more figure"), "{narrow}");
    }

    #[test]
    fn metric_titles() {
        assert_eq!(metric_title("reachable_im", &Words::default()).1, "entries");
        assert_eq!(metric_title("users_isolated", &Words::default()).1, "users");
        assert_eq!(
            metric_title("migrated_wlm_skype", &Words::default()).0,
            "Persons migrated (wlm_skype)"
        );
        assert_eq!(
            metric_title("reachable_video", &Words::default()).0,
            "Contact-list entries reachable for video"
        );
        assert_eq!(metric_title("odd", &Words::default()).0, "odd");
        // Users are named as the scenario names them.
        let words = Words {
            user: "enterprise user".into(),
            users: "enterprise users".into(),
            currency: None,
        };
        assert_eq!(
            metric_title("users_isolated", &words).0,
            "Enterprise users isolated (no contact reachable)"
        );
        assert!(!metric_title("users_lost_some", &words).0.contains("Lync"));
    }

    #[test]
    fn compare_csv_quotes_only_what_needs_it() {
        let mut cmp = fixtures::sweep(2, 1);
        cmp.keys = vec!["a,b".into(), "plain".into()];
        cmp.runs[0].values = vec!["say \"hi\"".into(), "two\nlines".into()];
        cmp.runs[1].values = vec!["é ü".into(), String::new()];
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("compare.csv");
        cmp.write_csv(&path).expect("writes");
        let text = std::fs::read_to_string(&path).expect("reads");
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        assert_eq!(lines[0], "run,\"a,b\",plain,date,metric,mean,p05,p50,p95\n");
        assert_eq!(lines[1], "run-001,\"say \"\"hi\"\"\",\"two\n");
        assert_eq!(
            lines[2],
            "lines\",2013-01-01,entries,500.000000,450.000000,500.000000,550.000000\n"
        );
        assert!(text.contains("\nrun-002,é ü,,2013-01-01,reachable_im,"));
        // Each row of run-001 spans two lines: its line break stays inside the quotes.
        assert_eq!(text.lines().count(), 1 + 3 * fixtures::METRICS.len());
    }
}
