//! Headline figures: the few numbers a reader wants first, shown on the terminal and at the top of
//! `report.html`. Computed from the run's summaries (means across replications).

use super::number::{group_thousands, thousands};
use crate::run::summary::RunResult;
use crate::scenario::Licence;

/// How a headline value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Unit {
    /// A share in 0..=1, shown as a percentage.
    Share,
    /// A count of things.
    Count,
    /// An amount of money (the scenario's currency units).
    Money,
}

/// One headline figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Headline {
    /// Stable machine name (for comparisons across runs), e.g. `reachable_share@2014-07-01`.
    pub key: String,
    /// What the figure is, for people.
    pub(crate) label: String,
    /// The value (mean across replications).
    pub value: f64,
    /// How to show it.
    pub(crate) unit: Unit,
}

impl Headline {
    /// The value formatted for people (`42.1 %`, `1,234`, `5,678.90`).
    pub(crate) fn display(&self) -> String {
        self.display_value(self.value)
    }

    /// Another value of this figure (at a sensitivity's low or high end, say) formatted as it is.
    pub(crate) fn display_value(&self, value: f64) -> String {
        match self.unit {
            Unit::Share => format!("{:.1} %", 100.0 * value),
            Unit::Count => thousands(value),
            Unit::Money => {
                let s = format!("{value:.2}");
                let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
                format!("{}.{frac}", group_thousands(int))
            }
        }
    }
}

/// The headline figures of a run: reachable share at the start and end, on the last day of each
/// provider that ends within the run and the day after, migrated and stranded persons at the end,
/// users with losses and isolated users at the end, and the total `usl_credit`.
pub fn headlines(r: &RunResult) -> Vec<Headline> {
    let s = &r.scenario;
    let cal = s.calendar();
    let entries = r.column("entries").unwrap_or(0);
    let reachable = r.column("reachable_im").unwrap_or(0);
    let last_row = r.dates.len() - 1;
    let share_at = |row: usize| {
        let e = r.stat(row, entries).mean;
        if e > 0.0 {
            r.stat(row, reachable).mean / e
        } else {
            0.0
        }
    };
    let mut out = Vec::new();
    let push_share = |row: usize, out: &mut Vec<Headline>, why: &str| {
        let date = r.dates[row];
        let key = format!("reachable_share@{date}");
        if out.iter().any(|h: &Headline| h.key == key) {
            return;
        }
        out.push(Headline {
            key,
            label: format!("Contacts reachable on {date}{why}"),
            value: share_at(row),
            unit: Unit::Share,
        });
    };
    push_share(0, &mut out, " (start)");
    // Providers ending inside the run, grouped by their last day.
    let mut ends: Vec<(i32, Vec<&str>)> = Vec::new();
    for p in &s.providers {
        let until = p.window.until;
        if until >= 0 && until < s.last_day() {
            match ends.iter_mut().find(|(d, _)| *d == until) {
                Some((_, names)) => names.push(&p.name),
                None => ends.push((until, vec![&p.name])),
            }
        }
    }
    ends.sort_by_key(|(d, _)| *d);
    for (until, names) in ends {
        let names = names.join(" and ");
        for (day, why) in [
            (until, format!(", last day of {names}")),
            (until + 1, format!(", first day without {names}")),
        ] {
            if let Some(row) = r.row_of(cal.date(day)) {
                push_share(row, &mut out, &why);
            }
        }
    }
    push_share(last_row, &mut out, " (end)");
    for m in &s.migrations {
        for (prefix, what) in [("migrated_", "migrated"), ("stranded_", "stranded")] {
            if let Some(c) = r.column(&format!("{prefix}{}", m.label)) {
                out.push(Headline {
                    key: format!("{prefix}{}@end", m.label),
                    label: format!(
                        "Persons {what} {} → {} at the end",
                        s.networks[m.from as usize].name, s.networks[m.to as usize].name
                    ),
                    value: r.stat(last_row, c).mean,
                    unit: Unit::Count,
                });
            }
        }
    }
    for (name, label) in [
        (
            "users_lost_some",
            "Users who lost some contacts, at the end",
        ),
        (
            "users_isolated",
            "Users with no reachable contact, at the end",
        ),
    ] {
        if let Some(c) = r.column(name) {
            out.push(Headline {
                key: format!("{name}@end"),
                label: label.to_string(),
                value: r.stat(last_row, c).mean,
                unit: Unit::Count,
            });
        }
    }
    for (p, provider) in s.providers.iter().enumerate() {
        if matches!(provider.licence, Licence::PicUsl { .. }) {
            let total: f64 = r
                .orgs
                .iter()
                .map(|rep| rep.iter().map(|o| o.usl_credit[p]).sum::<f64>())
                .sum::<f64>()
                / r.orgs.len().max(1) as f64;
            out.push(Headline {
                key: format!("usl_credit_{}", provider.id),
                label: format!(
                    "Total USL credit owed for {} (all organisations)",
                    provider.name
                ),
                value: total,
                unit: Unit::Money,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_formats() {
        let h = |value, unit| Headline {
            key: String::new(),
            label: String::new(),
            value,
            unit,
        };
        assert_eq!(h(0.4217, Unit::Share).display(), "42.2 %");
        assert_eq!(h(1234567.4, Unit::Count).display(), "1,234,567");
        assert_eq!(h(-1234.5, Unit::Money).display(), "-1,234.50");
        assert_eq!(h(12.0, Unit::Count).display(), "12");
    }
}
