//! A sensitivity analysis's variants and runs: each `[sensitivity]` key at its low and then its
//! high value with everything else at base (made by the sweep's variant rules, so each goes
//! through the same validation as `--set` and keeps the scenario's seed), the id and label of
//! each run, and the `Sensitivity` their summaries make.

use crate::experiments::compare::result::RunSummary;
use crate::experiments::label::{change, differing, entry_label, value_at, value_text};
use crate::experiments::sensitivity::result::{Parameter, Sensitivity};
use crate::experiments::sweep::{Setting, check_keys, variants};
use crate::run::summary::RunResult;
use crate::scenario::{Origin, Override, Scenario};
use anyhow::{Context, Result};
use std::path::Path;

/// The variants of a one-at-a-time sensitivity analysis of `s` (the file at `path`, with `base`
/// overrides), after checking that every key exists: each `[sensitivity]` key at its low and
/// then its high value with everything else at base, in file order.
pub fn sensitivity_scenarios(
    path: &Path,
    base: &[Override],
    s: &Scenario,
) -> Result<Vec<Scenario>> {
    let keys: Vec<(&str, Option<&Origin>)> = s
        .sensitivity
        .iter()
        .map(|e| (e.key.as_str(), s.origins.get("sensitivity", &e.key, None)))
        .collect();
    check_keys(s, "sensitivity", &keys)?;
    let settings = s.sensitivity.iter().flat_map(|e| {
        let key = e.key.as_str();
        [(&e.low, "low", 0), (&e.high, "high", 1)].map(|(value, which, i)| {
            vec![Setting {
                key,
                value,
                source: s.origins.get("sensitivity", key, Some(i)),
                origin: format!("the {which} value of [sensitivity] {key}"),
            }]
        })
    });
    variants(path, base, settings)
}

/// The summary of run `i` of a sensitivity analysis of `scenario` (the base first, then each
/// `[sensitivity]` key's low and high run, in the scenario's order).
pub(crate) fn sensitivity_summary(scenario: &Scenario, i: usize, result: &RunResult) -> RunSummary {
    let (id, label) = sensitivity_run(scenario, i);
    RunSummary::from_result(&id, &label, Vec::new(), result, None)
}

/// The id and label of run `i` of a sensitivity analysis of `scenario` (`base`, `key=low` or
/// `key=high`, and the value).
pub(crate) fn sensitivity_run(scenario: &Scenario, i: usize) -> (String, String) {
    match i.checked_sub(1) {
        None => ("base".to_string(), "base".to_string()),
        Some(k) => {
            let e = &scenario.sensitivity[k / 2];
            if k % 2 == 0 {
                (format!("{}=low", e.key), value_text(&e.low))
            } else {
                (format!("{}=high", e.key), value_text(&e.high))
            }
        }
    }
}

/// A sensitivity analysis of `scenario` from its runs' summaries, in the order of
/// [`sensitivity_summary`].
pub(crate) fn sensitivity_of(scenario: &Scenario, runs: Vec<RunSummary>) -> Result<Sensitivity> {
    let expected = 1 + 2 * scenario.sensitivity.len();
    anyhow::ensure!(
        runs.len() == expected,
        "a sensitivity analysis of {} keys has {expected} runs, not {}",
        scenario.sensitivity.len(),
        runs.len()
    );
    let mut runs = runs.into_iter();
    let mut next = || runs.next().context("every run is there");
    let base = next()?;
    let mut parameters = Vec::with_capacity(scenario.sensitivity.len());
    for e in &scenario.sensitivity {
        let base = value_at(&scenario.effective, &e.key);
        parameters.push(Parameter {
            key: e.key.clone(),
            label: e
                .label
                .clone()
                .unwrap_or_else(|| entry_label(scenario, &e.key)),
            low_text: value_text(&e.low),
            high_text: value_text(&e.high),
            low_shown: differing(base, &e.low),
            high_shown: differing(base, &e.high),
            change: change(base, &e.low, &e.high),
            low: next()?,
            high: next()?,
        });
    }
    Ok(Sensitivity {
        name: scenario.name.clone(),
        base,
        parameters,
        words: scenario.output.words.clone(),
    })
}
