//! Headline figures: the few numbers a reader wants first, shown on the terminal and at the top of
//! `report.html`. Each is the mean across replications with its p05–p95 across them (the 5th and
//! 95th percentiles of the per-replication values, as `summary.csv` has them), and says what it
//! means in one sentence.

use crate::report::number::{group_thousands, thousands};
use crate::run::summary::{RunResult, Stat};
use crate::scenario::{Licence, Scenario};

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
    /// The 5th and 95th percentiles across replications (`None` with one replication, and in
    /// manifests written before they were recorded).
    #[serde(default)]
    pub(crate) band: Option<(f64, f64)>,
    /// What the figure means, for a reader who meets it for the first time (empty when the label
    /// says it all).
    #[serde(default)]
    pub(crate) definition: String,
}

impl Headline {
    /// The value formatted for people (`42.1 %`, `1,234`, `5,678.90`).
    pub(crate) fn display(&self) -> String {
        self.display_value(self.value)
    }

    /// The p05–p95 range formatted as the value is (`68.2–69.9 %`), if there is one.
    pub(crate) fn display_band(&self) -> Option<String> {
        let (lo, hi) = self.band?;
        let (lo, hi) = (self.display_value(lo), self.display_value(hi));
        Some(match self.unit {
            Unit::Share => format!("{}–{hi}", lo.trim_end_matches(" %")),
            _ => format!("{lo}–{hi}"),
        })
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
    let mut out = share_headlines(r);
    out.extend(migration_headlines(r));
    out.extend(user_headlines(r));
    out.extend(credit_headlines(r));
    out
}

/// The reachable share at the start, on the last day of each provider that ends inside the run
/// and the day after, and at the end; a day named twice is shown once, under its first name.
fn share_headlines(r: &RunResult) -> Vec<Headline> {
    let s = &r.scenario;
    let cal = s.calendar();
    let definition = format!(
        "Contact-list entries reachable for instant messaging on that day, as a share of all the \
         entries on the {users} lists then.",
        users = s.output.words.users_possessive()
    );
    let mut out: Vec<Headline> = Vec::new();
    let mut push = |row: usize, why: &str| {
        let date = r.dates[row];
        let key = format!("reachable_share@{date}");
        if out.iter().any(|h| h.key == key) {
            return;
        }
        let (value, band) = share_at(r, row);
        out.push(Headline {
            key,
            label: format!("Contacts reachable on {date}{why}"),
            value,
            unit: Unit::Share,
            band,
            definition: definition.clone(),
        });
    };
    push(0, " (start)");
    for (until, names) in provider_ends(s) {
        for (day, why) in [
            (until, format!(", last day of {names}")),
            (until + 1, format!(", first day without {names}")),
        ] {
            if let Some(row) = r.row_of(cal.date(day)) {
                push(row, &why);
            }
        }
    }
    push(r.dates.len() - 1, " (end)");
    out
}

/// The providers that end inside the run, grouped by their last day (in day order): the day and
/// their names ("AIM and ICQ").
fn provider_ends(s: &Scenario) -> Vec<(i32, String)> {
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
    ends.into_iter()
        .map(|(d, names)| (d, names.join(" and ")))
        .collect()
}

/// The share of entries reachable for IM on `row`: the mean's (0 with no entries), and the
/// p05–p95 of the replications' own shares.
fn share_at(r: &RunResult, row: usize) -> (f64, Option<(f64, f64)>) {
    let entries = r.column("entries").unwrap_or(0);
    let reachable = r.column("reachable_im").unwrap_or(0);
    let width = r.columns.len();
    // The share of one replication's entries reachable on `row` (0 with no entries).
    let share = |series: &[i64]| {
        let e = series[row * width + entries];
        if e > 0 {
            series[row * width + reachable] as f64 / e as f64
        } else {
            0.0
        }
    };
    let e = r.stat(row, entries).mean;
    let value = if e > 0.0 {
        r.stat(row, reachable).mean / e
    } else {
        0.0
    };
    let per_rep: Vec<f64> = r.series.iter().map(|x| share(x)).collect();
    (value, band(per_rep))
}

/// Column `col`'s mean on `row`, and its p05–p95 with more than one replication.
fn count_at(r: &RunResult, row: usize, col: usize) -> (f64, Option<(f64, f64)>) {
    let st = r.stat(row, col);
    (st.mean, (r.series.len() > 1).then_some((st.p05, st.p95)))
}

/// Per migration, the persons migrated and those stranded at the end.
fn migration_headlines(r: &RunResult) -> Vec<Headline> {
    let s = &r.scenario;
    let last_row = r.dates.len() - 1;
    let mut out = Vec::new();
    for m in &s.migrations {
        let (from, to) = (
            &s.networks[m.from as usize].name,
            &s.networks[m.to as usize].name,
        );
        for (prefix, what, definition) in [
            (
                "migrated_",
                "migrated",
                format!("Persons who had moved from {from} to {to} by the last day."),
            ),
            (
                "stranded_",
                "stranded",
                format!(
                    "Persons still on {from} after it closed, not (yet) on {to}: their entries \
                     cannot be reached."
                ),
            ),
        ] {
            if let Some(c) = r.column(&format!("{prefix}{}", m.label)) {
                let (value, band) = count_at(r, last_row, c);
                out.push(Headline {
                    key: format!("{prefix}{}@end", m.label),
                    label: format!("Persons {what} {from} → {to} at the end"),
                    value,
                    unit: Unit::Count,
                    band,
                    definition,
                });
            }
        }
    }
    out
}

/// Users who lost some contacts, and users with no reachable contact, at the end.
fn user_headlines(r: &RunResult) -> Vec<Headline> {
    let users = r.scenario.output.words.users_title();
    let last_row = r.dates.len() - 1;
    let mut out = Vec::new();
    for (name, label, definition) in [
        (
            "users_lost_some",
            format!("{users} who lost some contacts, at the end"),
            "Users with at least one contact that was reachable before and is not now.",
        ),
        (
            "users_isolated",
            format!("{users} with no reachable contact, at the end"),
            "Users with contacts on their list of whom none can be reached.",
        ),
    ] {
        if let Some(c) = r.column(name) {
            let (value, band) = count_at(r, last_row, c);
            out.push(Headline {
                key: format!("{name}@end"),
                label,
                value,
                unit: Unit::Count,
                band,
                definition: definition.to_string(),
            });
        }
    }
    out
}

/// Per provider with a per-user subscription licence, the credit due to all organisations.
fn credit_headlines(r: &RunResult) -> Vec<Headline> {
    let words = &r.scenario.output.words;
    let mut out = Vec::new();
    for (p, provider) in r.scenario.providers.iter().enumerate() {
        if matches!(provider.licence, Licence::PicUsl { .. }) {
            let per_rep: Vec<f64> = r
                .orgs
                .iter()
                .map(|rep| rep.iter().map(|o| o.usl_credit[p]).sum::<f64>())
                .collect();
            let total = per_rep.iter().sum::<f64>() / per_rep.len().max(1) as f64;
            let currency = words.currency();
            out.push(Headline {
                key: format!("usl_credit_{}", provider.id),
                label: format!(
                    "Licence credit due for {} ({currency}, all organisations)",
                    provider.name
                ),
                value: total,
                unit: Unit::Money,
                band: band(per_rep),
                definition: format!(
                    "{name} needs a per-user subscription licence (USL) bought for whole agreement \
                     periods. Where {name} ends while an organisation's paid period runs on, the \
                     organisation is owed a credit by the licence's vendor for the unused days: the licence price per user \
                     and year × its users × those days / 365, summed over organisations, in \
                     {currency}.",
                    name = provider.name
                ),
            });
        }
    }
    out
}

/// The p05 and p95 of per-replication values (`None` for fewer than two).
fn band(mut values: Vec<f64>) -> Option<(f64, f64)> {
    (values.len() > 1).then(|| {
        let st = Stat::of(&mut values);
        (st.p05, st.p95)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::run::report::fixtures;

    /// The p05–p95 of a share figure is that of the per-replication shares, worked out here
    /// from `series` by hand (three replications: numpy's linear p05 is x0 + 0.1 (x1 − x0)).
    #[test]
    fn share_band_is_the_per_replication_percentiles() {
        let r = fixtures::small();
        assert_eq!(r.series.len(), 3);
        let heads = headlines(r);
        let end = heads
            .iter()
            .find(|h| h.label.ends_with("(end)"))
            .expect("end share");
        let (e, re) = (
            r.column("entries").unwrap(),
            r.column("reachable_im").unwrap(),
        );
        let row = r.dates.len() - 1;
        let w = r.columns.len();
        let mut shares: Vec<f64> = r
            .series
            .iter()
            .map(|s| s[row * w + re] as f64 / s[row * w + e] as f64)
            .collect();
        shares.sort_by(f64::total_cmp);
        let p05 = shares[0] + 0.1 * (shares[1] - shares[0]);
        let p95 = shares[1] + 0.9 * (shares[2] - shares[1]);
        let (lo, hi) = end.band.expect("a band with 3 replications");
        assert!((lo - p05).abs() < 1e-12 && (hi - p95).abs() < 1e-12);
        assert!(lo <= end.value && end.value <= hi);
        // Every figure says what it means, and the credit names its currency.
        assert!(heads.iter().all(|h| !h.definition.is_empty()));
        let credit = heads
            .iter()
            .find(|h| h.unit == Unit::Money)
            .expect("credit");
        assert!(credit.label.contains("US$"), "{}", credit.label);
        assert!(
            credit.definition.contains("licence"),
            "{}",
            credit.definition
        );
    }

    /// One replication: no band.
    #[test]
    fn shares_are_defined_in_the_scenario_s_words() {
        let mut r = fixtures::small().clone();
        r.scenario.output.words.users = "Lync users".into();
        let h = headlines(&r);
        assert!(
            h[0].definition
                .ends_with("entries on the Lync users' lists then."),
            "{}",
            h[0].definition
        );
        // A plural without an -s still reads.
        r.scenario.output.words.users = "staff".into();
        assert!(headlines(&r)[0].definition.contains("on the staff's lists"));
    }

    #[test]
    fn one_replication_has_no_band() {
        assert!(
            headlines(fixtures::single())
                .iter()
                .all(|h| h.band.is_none())
        );
    }

    #[test]
    fn display_formats() {
        let h = |value, unit| Headline {
            key: String::new(),
            label: String::new(),
            value,
            unit,
            band: Some((value / 2.0, value)),
            definition: String::new(),
        };
        assert_eq!(h(0.4217, Unit::Share).display(), "42.2 %");
        assert_eq!(h(1234567.4, Unit::Count).display(), "1,234,567");
        assert_eq!(h(-1234.5, Unit::Money).display(), "-1,234.50");
        assert_eq!(h(12.0, Unit::Count).display(), "12");
        assert_eq!(h(0.5, Unit::Share).display_band().unwrap(), "25.0–50.0 %");
        assert_eq!(
            h(2000.0, Unit::Count).display_band().unwrap(),
            "1,000–2,000"
        );
    }
}
