//! What a sensitivity analysis holds: the base run and, per parameter, its runs at the low and
//! the high value; and the bars of a tornado chart derived from them. The tornado charts, the
//! sensitivity page, `sensitivity.csv` and the terminal table all read a [`Sensitivity`];
//! running the variants is the business of `experiments`.

use super::comparison::{RunSummary, short_key};
use anyhow::{Context, Result};
use std::path::Path;

/// One parameter of a sensitivity analysis, with the runs at its low and high value.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    /// The key.
    pub(crate) key: String,
    /// Low value, as text.
    pub(crate) low_text: String,
    /// High value, as text.
    pub(crate) high_text: String,
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
}

/// One bar of a tornado chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// The parameter.
    pub(crate) key: String,
    /// Its low and high values, as text.
    pub(crate) low_text: String,
    /// High value as text.
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

    /// The bars of `figure`, largest swing first (then by key).
    pub(crate) fn bars(&self, figure: &str) -> Vec<Bar> {
        let mut bars: Vec<Bar> = self
            .parameters
            .iter()
            .filter_map(|p| {
                Some(Bar {
                    key: p.key.clone(),
                    low_text: p.low_text.clone(),
                    high_text: p.high_text.clone(),
                    at_low: p.low.headline(figure)?.value,
                    at_high: p.high.headline(figure)?.value,
                })
            })
            .collect();
        bars.sort_by(|a, b| {
            b.swing()
                .total_cmp(&a.swing())
                .then_with(|| a.key.cmp(&b.key))
        });
        bars
    }

    /// Writes `sensitivity.csv`: parameter, low, high, figure, base, at_low, at_high, swing.
    pub(crate) fn write_csv(&self, path: &Path) -> Result<()> {
        let write = || -> Result<()> {
            let mut w = super::csv::writer(path)?;
            w.write_record([
                "parameter",
                "low",
                "high",
                "figure",
                "base",
                "at_low",
                "at_high",
                "swing",
            ])?;
            for (figure, _) in self.figures() {
                let Some(base) = self.base.headline(&figure) else {
                    continue;
                };
                for b in self.bars(&figure) {
                    w.write_record([
                        b.key.clone(),
                        b.low_text.clone(),
                        b.high_text.clone(),
                        figure.clone(),
                        format!("{:.6}", base.value),
                        format!("{:.6}", b.at_low),
                        format!("{:.6}", b.at_high),
                        format!("{:.6}", b.swing()),
                    ])?;
                }
            }
            Ok(w.flush()?)
        };
        write().with_context(|| format!("could not write '{}'", path.display()))
    }

    /// The terminal table: per figure, the base value and the parameters that move it most.
    pub(crate) fn table(&self, report: &Path) -> String {
        let mut out = String::new();
        for (figure, label) in self.figures() {
            let Some(base) = self.base.headline(&figure) else {
                continue;
            };
            out.push_str(&format!("{label} (base {}):\n", base.display()));
            for b in self.bars(&figure).iter().take(5) {
                out.push_str(&format!(
                    "  {:<50} {:>14} … {:<14} ({} … {})\n",
                    b.key,
                    base.display_value(b.at_low),
                    base.display_value(b.at_high),
                    b.low_text,
                    b.high_text
                ));
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
