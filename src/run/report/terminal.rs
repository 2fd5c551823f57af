//! The text printed at the end of a run: what ran, the headline figures with their p05–p95, and
//! where the report is, laid out to fit the terminal (80 columns when it is not one), in the
//! width and word wrapping every terminal table shares (`crate::report::terminal`).

use super::headline::{Headline, Unit};
use crate::report::number::thousands;
use crate::report::terminal::{paragraph, width, wrap};
use crate::run::summary::RunResult;
use std::path::Path;

/// The end-of-run text at the terminal's width: what ran, the headline figures, and where the
/// report is.
pub(crate) fn summary_text(
    r: &RunResult,
    headlines: &[Headline],
    report: &Path,
    wall_seconds: f64,
) -> String {
    summary_text_at(r, headlines, report, wall_seconds, width())
}

/// [`summary_text`] laid out in `width` columns.
fn summary_text_at(
    r: &RunResult,
    headlines: &[Headline],
    report: &Path,
    wall_seconds: f64,
    width: usize,
) -> String {
    let s = &r.scenario;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let cpu: f64 = r.timings.iter().map(|(_, t)| t).sum();
    let mut out = paragraph(
        &format!(
            "picsim: {} ({} to {}), {} replication{}, {} {}, {} entries at the start (replication 0). \
             Took {:.1} s on {} thread{} (CPU time {:.1} s).",
            s.name,
            s.start,
            s.end,
            s.replications,
            plural(s.replications as usize),
            thousands(r.sizes.users as f64),
            s.output.words.users,
            thousands(r.sizes.entries as f64),
            wall_seconds,
            r.threads,
            plural(r.threads),
            cpu,
        ),
        width,
    );
    out.push('\n');
    if let Some(list) = &s.population.import {
        out.push_str(&paragraph(&imported_text(list), width));
        out.push('\n');
    }
    out.push_str(&table(headlines, width));
    let n = r.series.len();
    let mut notes = vec![if n > 1 {
        format!(
            "Each figure is the mean across {n} replications; p05–p95 is the range of the middle \
             90 % of them."
        )
    } else {
        "One replication: each figure is its count, with no range.".to_string()
    }];
    notes.extend(
        headlines
            .iter()
            .filter(|h| h.unit == Unit::Money && !h.definition.is_empty())
            .map(|h| h.definition.clone()),
    );
    out.push('\n');
    for note in notes {
        out.push_str(&paragraph(&note, width));
    }
    out.push_str(&format!("Report: {}\n", report.display()));
    out
}

/// The headline figures as a table of label, mean and p05–p95, the labels wrapped so that no
/// line is longer than `width` (when the numbers leave a label less than 20 columns, the
/// numbers go on a line of their own under it).
fn table(headlines: &[Headline], width: usize) -> String {
    let values: Vec<String> = headlines.iter().map(Headline::display).collect();
    let bands: Vec<String> = headlines
        .iter()
        .map(|h| h.display_band().unwrap_or_default())
        .collect();
    let has_bands = bands.iter().any(|b| !b.is_empty());
    let value_w = values
        .iter()
        .map(|v| v.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    let band_w = if has_bands {
        bands
            .iter()
            .map(|b| b.chars().count())
            .chain(["p05–p95".chars().count()])
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    // "  label  value  band"
    let numbers_w = value_w + if has_bands { 2 + band_w } else { 0 };
    let longest = headlines
        .iter()
        .map(|h| textwrap::core::display_width(&h.label))
        .max()
        .unwrap_or(0);
    let label_w = longest.min(width.saturating_sub(2 + 2 + numbers_w));
    let numbers = |value: &str, band: &str| {
        if has_bands {
            format!("{value:>value_w$}  {band:>band_w$}")
        } else {
            format!("{value:>value_w$}")
        }
    };
    let mut out = String::new();
    if label_w < 20 {
        // Too narrow for columns: each label, then its numbers indented beneath.
        for (h, (v, b)) in headlines.iter().zip(values.iter().zip(&bands)) {
            for line in wrap(&h.label, width - 2) {
                out.push_str(&format!("  {line}\n"));
            }
            out.push_str(&format!("    mean {v}\n"));
            if !b.is_empty() {
                out.push_str(&format!("    p05–p95 {b}\n"));
            }
        }
        return out;
    }
    out.push_str(&format!(
        "  {}  {}\n",
        " ".repeat(label_w),
        numbers("mean", if has_bands { "p05–p95" } else { "" })
    ));
    for (h, (v, b)) in headlines.iter().zip(values.iter().zip(&bands)) {
        let lines = wrap(&h.label, label_w);
        for (i, line) in lines.iter().enumerate() {
            // A word wider than the column (a long network name) overflows it, unpadded.
            let pad = label_w.saturating_sub(textwrap::core::display_width(line));
            if i == 0 {
                out.push_str(&format!("  {line}{}  {}\n", " ".repeat(pad), numbers(v, b)));
            } else {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}

/// What an imported run simulated and left out, in one paragraph.
fn imported_text(list: &crate::scenario::import::ContactList) -> String {
    let n = |v: u64| thousands(v as f64);
    let file = list.file_name();
    let l = &list.left_out;
    let mut left = Vec::new();
    if l.internal + l.partner > 0 {
        left.push(format!(
            "{} internal and {} partner contacts",
            n(l.internal),
            n(l.partner)
        ));
    }
    if l.distribution_groups > 0 {
        left.push(format!("{} distribution groups", n(l.distribution_groups)));
    }
    if !list.rejected.is_empty() {
        left.push(format!(
            "{} bad rows refused by --skip-bad-rows (in rejected.csv)",
            n(list.rejected.len() as u64)
        ));
    }
    format!(
        "Imported {file} ({}): {} users ({} with no public-IM contact), {} public-IM entries; left \
         out: {}. Per user and contact: user_impact.csv.",
        list.source.describe(),
        n(list.users() as u64),
        n(list.users_without_entries() as u64),
        n(list.rows.len() as u64),
        if left.is_empty() {
            "nothing".to_string()
        } else {
            left.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::report::fixtures;

    /// Every line of the end-of-run text fits 80 columns (and 60), every headline's mean and
    /// p05–p95 is in it, and nothing of the label is lost to the wrapping.
    #[test]
    fn summary_fits_the_width_with_every_figure_and_band() {
        let r = fixtures::small();
        let heads = crate::run::report::headline::headlines(r);
        assert!(heads.iter().any(|h| h.band.is_some()), "fixture has bands");
        for width in [80, 60] {
            let text = summary_text_at(r, &heads, Path::new("out/report.html"), 1.5, width);
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "line longer than {width}: {line:?}"
                );
            }
            // The labels, read back with the numbers that sit beside their first lines taken out.
            let mut bare = text.clone();
            for h in &heads {
                for number in [Some(h.display()), h.display_band()].into_iter().flatten() {
                    bare = bare.replace(&format!("  {number}"), " ");
                }
            }
            let words: String = bare.split_whitespace().collect::<Vec<_>>().join(" ");
            for h in &heads {
                assert!(words.contains(&h.label), "label {:?} lost", h.label);
                assert!(text.contains(&h.display()), "value of {:?}", h.label);
                if let Some(b) = h.display_band() {
                    assert!(text.contains(&b), "band of {:?}", h.label);
                }
            }
        }
    }

    /// A label word wider than the label column (a long network name from a scenario) overflows
    /// its line, unpadded, rather than sizing the padding below zero.
    #[test]
    fn a_word_wider_than_the_label_column_overflows_it() {
        let r = fixtures::small();
        let mut heads = crate::run::report::headline::headlines(r);
        let long = "n".repeat(70);
        heads[0].label = format!("{long} share");
        let text = table(&heads, 80);
        let line = text.lines().find(|l| l.contains(&long)).unwrap();
        assert!(line.starts_with(&format!("  {long}  ")), "{text}");
        assert!(line.contains(&heads[0].display()), "{text}");
        assert!(text.contains("\n    share\n"), "{text}");
    }

    /// At widths too narrow for columns, each figure's numbers go beneath its label.
    #[test]
    fn narrow_terminal_puts_numbers_under_labels() {
        let r = fixtures::small();
        let heads = crate::run::report::headline::headlines(r);
        let text = table(&heads, 40);
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        assert!(text.contains("\n    p05–p95 "), "{text}");
    }
}
