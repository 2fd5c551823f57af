//! What a sensitivity analysis holds: the base run and, per parameter, its runs at the low and
//! the high value; and the bars of a tornado chart derived from them. The tornado charts, the
//! sensitivity page, `sensitivity.csv` and the terminal table all read a [`Sensitivity`];
//! running the variants is the business of `super::super::sweep`.
//!
//! A figure is measured on a day the headline figures name (`reachable_share@2014-06-30`, "last
//! day of AOL PIC and Yahoo! PIC"). A parameter that moves that day (`providers.aol.until`) makes
//! its run report the same key for another event ("first day without AOL PIC"): comparing the
//! two would measure the move of the day, not an effect on the figure. Such a parameter is left
//! out of that figure's tornado and named as not measured ([`Sensitivity::not_measured`]); it is
//! told by the figure's label, which names the event, differing from the base run's.

use crate::experiments::compare::result::{RunSummary, fit, short_key};
use crate::run::report::headline::Headline;
use crate::scenario::Words;
use anyhow::{Context, Result};
use std::path::Path;

/// One parameter of a sensitivity analysis, with the runs at its low and high value.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    /// The key.
    pub(crate) key: String,
    /// What it is, for people (the entry's label, or one derived from the key).
    pub(crate) label: String,
    /// Low value, as TOML text (whole).
    pub(crate) low_text: String,
    /// High value, as TOML text (whole).
    pub(crate) high_text: String,
    /// The low value as it differs from the base (only the differing fields of a table).
    pub(crate) low_shown: String,
    /// The high value as it differs from the base.
    pub(crate) high_shown: String,
    /// The move from low to high in one line (`mean 6 → 32, dispersion 0.7 → 10`).
    pub(crate) change: String,
    /// The run at the low value.
    pub(crate) low: RunSummary,
    /// The run at the high value.
    pub(crate) high: RunSummary,
}

/// A sensitivity analysis: the base run and each parameter's low and high runs.
#[derive(Debug, Clone)]
pub(crate) struct Sensitivity {
    /// Scenario name.
    pub(crate) name: String,
    /// The base run.
    pub(crate) base: RunSummary,
    /// Parameters in the scenario's order.
    pub(crate) parameters: Vec<Parameter>,
    /// What the scenario calls its users and its currency.
    pub(crate) words: Words,
}

/// One bar of a tornado chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// The parameter's key.
    pub(crate) key: String,
    /// The parameter's label.
    pub(crate) label: String,
    /// Its low value as shown (what differs from the base).
    pub(crate) low_text: String,
    /// Its high value as shown.
    pub(crate) high_text: String,
    /// The figure at the low value.
    pub(crate) at_low: f64,
    /// The figure at the high value.
    pub(crate) at_high: f64,
}

impl Bar {
    /// How far the figure moves between low and high.
    pub(crate) fn swing(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }

    /// Whether the figure moves at all (a bar of no swing and both ends at the base says
    /// nothing; such parameters are listed, not drawn).
    pub(crate) fn moves(&self, base: f64) -> bool {
        self.at_low != base || self.at_high != base
    }
}

/// How a parameter's runs report a figure.
enum Measured<'a> {
    /// At both ends, for the same event as the base run.
    Both(&'a Headline, &'a Headline),
    /// A run lacks the figure.
    Missing,
    /// A run reports the key for another event: the parameter moves the figure's day.
    Moved,
}

impl Parameter {
    fn measured(&self, base: &Headline) -> Measured<'_> {
        match (self.low.headline(&base.key), self.high.headline(&base.key)) {
            (Some(l), Some(h)) if l.label == base.label && h.label == base.label => {
                Measured::Both(l, h)
            }
            (Some(_), Some(_)) => Measured::Moved,
            _ => Measured::Missing,
        }
    }
}

impl Sensitivity {
    /// The figures (headline keys of the base run) and their labels.
    pub(crate) fn figures(&self) -> Vec<(String, String)> {
        self.base
            .headlines
            .iter()
            .map(|h| (h.key.clone(), h.label.clone()))
            .collect()
    }

    /// The bars of `figure`, largest swing first (then by key): every parameter measured on the
    /// base run's event, moving or not.
    pub(crate) fn bars(&self, figure: &str) -> Vec<Bar> {
        let Some(base) = self.base.headline(figure) else {
            return Vec::new();
        };
        let mut bars: Vec<Bar> = self
            .parameters
            .iter()
            .filter_map(|p| match p.measured(base) {
                Measured::Both(l, h) => Some(Bar {
                    key: p.key.clone(),
                    label: p.label.clone(),
                    low_text: p.low_shown.clone(),
                    high_text: p.high_shown.clone(),
                    at_low: l.value,
                    at_high: h.value,
                }),
                _ => None,
            })
            .collect();
        bars.sort_by(|a, b| {
            b.swing()
                .total_cmp(&a.swing())
                .then_with(|| a.key.cmp(&b.key))
        });
        bars
    }

    /// The bars of `figure` that move it (drawn and tabled), largest swing first.
    pub(crate) fn moving_bars(&self, figure: &str) -> Vec<Bar> {
        let base = self.base.headline(figure).map_or(f64::NAN, |h| h.value);
        self.bars(figure)
            .into_iter()
            .filter(|b| b.moves(base))
            .collect()
    }

    /// The parameters that leave `figure` where it is at both ends.
    pub(crate) fn still(&self, figure: &str) -> Vec<&Parameter> {
        let base = self.base.headline(figure).map_or(f64::NAN, |h| h.value);
        let still: Vec<String> = self
            .bars(figure)
            .into_iter()
            .filter(|b| !b.moves(base))
            .map(|b| b.key)
            .collect();
        self.parameters
            .iter()
            .filter(|p| still.contains(&p.key))
            .collect()
    }

    /// The parameters whose runs report `figure` for another event than the base run (they
    /// move the day it is measured on), in the scenario's order.
    pub(crate) fn not_measured(&self, figure: &str) -> Vec<&Parameter> {
        self.parameters_where(figure, |m| matches!(m, Measured::Moved))
    }

    /// The parameters some of whose runs lack `figure`, in the scenario's order.
    pub(crate) fn missing(&self, figure: &str) -> Vec<&Parameter> {
        self.parameters_where(figure, |m| matches!(m, Measured::Missing))
    }

    fn parameters_where(&self, figure: &str, which: fn(&Measured) -> bool) -> Vec<&Parameter> {
        let Some(base) = self.base.headline(figure) else {
            return Vec::new();
        };
        self.parameters
            .iter()
            .filter(|p| which(&p.measured(base)))
            .collect()
    }

    /// Writes `sensitivity.csv`: parameter, low, high, figure, base, at_low, at_high, swing,
    /// label; a row per measured bar (parameters that move the figure's day have none).
    pub(crate) fn write_csv(&self, path: &Path) -> Result<()> {
        let write = || -> Result<()> {
            let mut w = crate::report::csv::writer(path)?;
            w.write_record([
                "parameter",
                "low",
                "high",
                "figure",
                "base",
                "at_low",
                "at_high",
                "swing",
                "label",
            ])?;
            for (figure, _) in self.figures() {
                let Some(base) = self.base.headline(&figure) else {
                    continue;
                };
                for b in self.bars(&figure) {
                    let Some(p) = self.parameters.iter().find(|p| p.key == b.key) else {
                        continue;
                    };
                    w.write_record([
                        b.key.clone(),
                        p.low_text.clone(),
                        p.high_text.clone(),
                        figure.clone(),
                        format!("{:.6}", base.value),
                        format!("{:.6}", b.at_low),
                        format!("{:.6}", b.at_high),
                        format!("{:.6}", b.swing()),
                        p.label.clone(),
                    ])?;
                }
            }
            Ok(w.flush()?)
        };
        write().with_context(|| format!("could not write '{}'", path.display()))
    }

    /// The terminal table, no line wider than `width` columns: per figure, the base value and
    /// the (at most five) parameters that move it most, each with its figure at the low and high
    /// value and what moves; then how many leave it still or are not measured.
    pub(crate) fn table(&self, report: &Path, width: usize) -> String {
        let width = width.max(40);
        let mut out = String::new();
        for (figure, label) in self.figures() {
            let Some(base) = self.base.headline(&figure) else {
                continue;
            };
            let head = format!("{label} (base {}):", base.display());
            out.push_str(&fit(&head, width));
            out.push('\n');
            // Rows whose figure reads the same at both ends say nothing at this precision.
            let (bars, hidden): (Vec<Bar>, Vec<Bar>) =
                self.moving_bars(&figure).into_iter().partition(|b| {
                    base.display_value(b.at_low) != base.display_value(b.at_high)
                        || base.display_value(b.at_low) != base.display()
                });
            let bars: Vec<Bar> = bars.into_iter().take(5).collect();
            let figures: Vec<String> = bars
                .iter()
                .map(|b| {
                    format!(
                        "{} → {}",
                        base.display_value(b.at_low),
                        base.display_value(b.at_high)
                    )
                })
                .collect();
            let fig_w = figures.iter().map(|f| f.chars().count()).max().unwrap_or(0);
            // Labels get what the figures and a short change text leave.
            let label_w = bars
                .iter()
                .map(|b| b.label.chars().count())
                .max()
                .unwrap_or(0)
                .min(width.saturating_sub(6 + fig_w + 16).max(12));
            for (b, f) in bars.iter().zip(&figures) {
                let p = self.parameters.iter().find(|p| p.key == b.key);
                let change = p.map_or("", |p| p.change.as_str());
                let line = format!(
                    "  {:<label_w$}  {f:>fig_w$}  ({change})",
                    fit(&b.label, label_w)
                );
                out.push_str(&fit(&line, width));
                out.push('\n');
            }
            let still = self.still(&figure).len() + hidden.len();
            let moved = self.not_measured(&figure);
            let mut notes = Vec::new();
            if bars.is_empty() {
                notes.push("no parameter moves it".to_string());
            } else if still > 0 {
                notes.push(format!(
                    "{still} parameter{} leave{} it unchanged at this precision",
                    if still == 1 { "" } else { "s" },
                    if still == 1 { "s" } else { "" }
                ));
            }
            for p in moved {
                notes.push(format!("not measured for {}: it moves this day", p.label));
            }
            for n in notes {
                out.push_str(&fit(&format!("  ({n})"), width));
                out.push('\n');
            }
        }
        out.push_str(&format!("Report: {}\n", report.display()));
        out
    }
}

/// A file name for a figure: `tornado_reach_2014-07-01.png`.
pub(crate) fn figure_file(figure: &str) -> String {
    let clean: String = short_key(figure)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("tornado_{clean}.png")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::fixtures;

    /// The fixture with parameter 0's low run reporting the share figure for another event, as
    /// moving `providers.aol.until` by a day does.
    fn with_moved_day() -> Sensitivity {
        let mut sens = fixtures::sensitivity(4);
        let h = &mut sens.parameters[0].low.headlines[0];
        assert!(h.key.starts_with("reachable_share@"));
        h.label = "Contacts reachable on 2014-07-01, second day without <AOL>".into();
        sens
    }

    #[test]
    fn a_parameter_moving_the_figures_day_is_not_measured_there() {
        let sens = with_moved_day();
        let share = "reachable_share@2014-07-01";
        let keys = |ps: Vec<&Parameter>| ps.iter().map(|p| p.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(sens.not_measured(share)),
            vec![sens.parameters[0].key.clone()]
        );
        assert!(
            sens.bars(share)
                .iter()
                .all(|b| b.key != sens.parameters[0].key)
        );
        // Measured for the other figures, whose events it does not move.
        assert!(sens.not_measured("users_isolated@end").is_empty());
        assert_eq!(sens.bars("users_isolated@end").len(), 4);
    }

    #[test]
    fn still_parameters_are_listed_not_drawn() {
        // Parameter 1 of the fixture moves nothing (scale 1.0 at both ends).
        let sens = fixtures::sensitivity(4);
        let f = "users_isolated@end";
        assert_eq!(sens.bars(f).len(), 4);
        let moving = sens.moving_bars(f);
        assert_eq!(moving.len(), 3);
        assert!(moving.iter().all(|b| b.key != sens.parameters[1].key));
        assert_eq!(sens.still(f)[0].key, sens.parameters[1].key);
    }

    #[test]
    fn terminal_table_fits_80_columns_and_drops_zero_rows() {
        let mut sens = with_moved_day();
        sens.parameters[2].label = "A label much longer than the terminal is wide, ".repeat(3);
        sens.parameters[2].change = "mean 6 → 32, dispersion 0.7 → 10, max 600 → 400".into();
        let text = sens.table(Path::new("/a/very/long/path/to/the/report.html"), 80);
        for line in text.lines().filter(|l| !l.starts_with("Report: ")) {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        // Users isolated: base 1,234; parameter 1 (scale 1.0 both ends) is not a row.
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("  ")).collect();
        assert!(
            !rows.iter().any(|l| l.contains(&sens.parameters[1].label)),
            "{text}"
        );
        assert!(
            text.contains("(1 parameter leaves it unchanged at this precision)"),
            "{text}"
        );
        // Parameter 0 at the share: 1.3 scale low, 0.8 high → 53.0 % … 48.0 % unless not measured.
        assert!(
            text.contains("not measured for Probability of parameter 0"),
            "{text}"
        );
        // Parameter 0 for users isolated: 1,234 × 1.3 = 1,604 and × 0.8 = 987.
        assert!(text.contains("1,604 → 987"), "{text}");
    }
}
