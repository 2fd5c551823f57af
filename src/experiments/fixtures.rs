//! Comparisons and sensitivity analyses shared by the experiments' tests: hand-made runs,
//! sweeps and sensitivity analyses whose texts hold markup.

use crate::experiments::compare::result::{Comparison, RunSummary};
use crate::experiments::sensitivity::result::{Parameter, Sensitivity};
use crate::output::files::run_id;
use crate::run::report::headline::{Headline, Unit};
use crate::run::summary::Stat;
use crate::scenario::KeyDate;
use chrono::NaiveDate;

/// The metrics of every fixture run.
pub(crate) const METRICS: [&str; 7] = [
    "entries",
    "reachable_im",
    "users_lost_some",
    "users_isolated",
    "lost_federation",
    "lost_account",
    "never_reachable",
];

fn date(d: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2013, 1, 1).unwrap_or_default() + chrono::TimeDelta::days(d)
}

/// A run over `days` reported days (weekly) whose metrics grow with `scale`.
pub fn run(id: &str, label: &str, values: Vec<String>, days: usize, scale: f64) -> RunSummary {
    let dates: Vec<NaiveDate> = (0..days).map(|d| date(7 * d as i64)).collect();
    let mut summary = Vec::new();
    for row in 0..days {
        for (c, _) in METRICS.iter().enumerate() {
            let mean = scale * (1000.0 + 37.0 * (row * (c + 1)) as f64);
            summary.push(Stat {
                mean,
                sem: Some(1.0),
                p05: 0.9 * mean,
                p50: mean,
                p95: 1.1 * mean,
            });
        }
    }
    RunSummary {
        id: id.to_string(),
        label: label.to_string(),
        values,
        dates,
        columns: METRICS.iter().map(|m| m.to_string()).collect(),
        summary,
        headlines: vec![
            Headline {
                key: "reachable_share@2014-07-01".into(),
                label: "Contacts reachable on 2014-07-01, first day without <AOL> & Yahoo!".into(),
                value: (0.4 + 0.1 * scale).min(1.0),
                unit: Unit::Share,
                band: None,
                definition: String::new(),
            },
            Headline {
                key: "users_isolated@end".into(),
                label: "Users with no reachable contact, at the end".into(),
                value: 1234.0 * scale,
                unit: Unit::Count,
                band: None,
                definition: String::new(),
            },
            Headline {
                key: "usl_credit_aol".into(),
                label: "Total USL credit owed for AOL (all organisations)".into(),
                value: 98765.4321 * scale,
                unit: Unit::Money,
                band: None,
                definition: String::new(),
            },
        ],
        link: Some(format!("{id}/report.html")),
        replications: 4,
    }
}

/// A sweep of `n` runs over one key, each `days` reported days long.
pub(crate) fn sweep(n: usize, days: usize) -> Comparison {
    let runs = (0..n)
        .map(|i| {
            let v = format!("{:.2}", i as f64 / n.max(2) as f64);
            run(
                &run_id(i),
                &format!("recovery.probability={v}"),
                vec![v],
                days,
                0.5 + i as f64 / n as f64,
            )
        })
        .collect();
    Comparison {
        title: "pic-2013: sweep of <runs> & more".into(),
        description: "A \"sweep\" for <tests>.".into(),
        keys: vec!["behaviours.recovery.probability".into()],
        runs,
        key_dates: vec![
            KeyDate {
                date: date(30),
                label: "Messenger gone".into(),
            },
            KeyDate {
                date: date(200),
                label: "AOL PIC ends; Yahoo! PIC ends".into(),
            },
        ],
        words: crate::scenario::Words::default(),
    }
}

/// A sensitivity analysis with `n` parameters: parameter `i` moves the figures by `i`-sized
/// steps, the first in the opposite direction, the second not at all.
pub(crate) fn sensitivity(n: usize) -> Sensitivity {
    let base = run("base", "base", Vec::new(), 3, 1.0);
    let parameters = (0..n)
        .map(|i| {
            let (lo, hi) = match i {
                0 => (1.3, 0.8),
                1 => (1.0, 1.0),
                2 => (1.2, 1.4),
                _ => (1.0 - 0.01 * i as f64, 1.0 + 0.02 * i as f64),
            };
            let key = format!("behaviours.parameter_{i}.probability");
            let (low_text, high_text) = (
                format!("{:.2}", 0.1 * i as f64),
                format!("{:.2}", 0.1 * i as f64 + 0.5),
            );
            Parameter {
                key: key.clone(),
                label: format!("Probability of parameter {i} <p>"),
                change: format!("{low_text} → {high_text}"),
                low_shown: low_text.clone(),
                high_shown: high_text.clone(),
                low_text,
                high_text,
                low: run(&format!("{key}=low"), "low", Vec::new(), 3, lo),
                high: run(&format!("{key}=high"), "high", Vec::new(), 3, hi),
            }
        })
        .collect();
    Sensitivity {
        name: "pic-2013 <sens>".into(),
        base,
        parameters,
        words: crate::scenario::Words::default(),
    }
}
