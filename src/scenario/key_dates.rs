//! The dates worth marking on a scenario's charts ([`Scenario::key_dates`]): what changes on
//! each, read from the validated scenario. Drawing the marks is the charts' business, not this
//! file's.

use super::model::{KeyDate, Licence, Provider, Scenario, Trigger};
use super::network::Modalities;
use crate::day::{ALWAYS, Day, FOREVER};

/// The marks found so far, each a day and its label, in the order found; days outside the
/// scenario are dropped as they come.
struct Marks {
    /// The scenario's last day (its first is day 0).
    last: Day,
    /// Every mark inside `0..=last`.
    marks: Vec<(Day, String)>,
}

impl Marks {
    /// Adds a mark when `day` is inside the scenario.
    fn mark(&mut self, day: Day, label: String) {
        if (0..=self.last).contains(&day) {
            self.marks.push((day, label));
        }
    }
}

impl Scenario {
    /// Dates worth marking on charts: migration windows, `forced_by`, network and provider ends,
    /// `reaches` items starting or ending, capability changes, licence sale and provisioning ends
    /// (of providers some organisation can enable), deployment changes opening, and the user's
    /// own `[output].key_dates`. Only dates inside `start..=end`; labels of one date are joined.
    pub fn key_dates(&self) -> Vec<KeyDate> {
        let cal = self.calendar();
        let mut marks = Marks {
            last: self.last_day(),
            marks: Vec::new(),
        };
        self.migration_marks(&mut marks);
        self.network_marks(&mut marks);
        for (i, p) in self.providers.iter().enumerate() {
            // A provider no organisation can enable changes nothing on its days.
            if self.adoptable(i) {
                self.provider_marks(p, &mut marks);
            }
        }
        for c in &self.orgs.deployment_changes {
            let (from, to) = (
                &self.deployments[c.from as usize],
                &self.deployments[c.to as usize],
            );
            marks.mark(
                c.window.from,
                format!("organisations start moving {from} → {to}"),
            );
        }
        for k in &self.output.key_dates {
            marks.mark(cal.day(k.date), k.label.clone());
        }
        // Stable: the labels of one day stay in the order found.
        marks.marks.sort_by_key(|(d, _)| *d);
        let mut out: Vec<KeyDate> = Vec::new();
        for (day, label) in marks.marks {
            let date = cal.date(day);
            match out.last_mut() {
                Some(k) if k.date == date => {
                    if !k.label.split("; ").any(|l| l == label) {
                        k.label = format!("{}; {label}", k.label);
                    }
                }
                _ => out.push(KeyDate { date, label }),
            }
        }
        out
    }

    /// Each migration's start (and rollout end), contagion start and `forced_by`.
    fn migration_marks(&self, marks: &mut Marks) {
        for m in &self.migrations {
            let name = format!(
                "{} → {}",
                self.networks[m.from as usize].name, self.networks[m.to as usize].name
            );
            match &m.trigger {
                Trigger::Scheduled { window } | Trigger::SignIn { rollout: window } => {
                    marks.mark(window.from, format!("{name} begins"));
                    if window.until != window.from {
                        marks.mark(window.until, format!("{name} rollout ends"));
                    }
                }
                Trigger::Bass { from, .. } => marks.mark(*from, format!("{name} contagion begins")),
            }
            if let Some(f) = m.forced_by {
                marks.mark(f, format!("{name} forced"));
            }
        }
    }

    /// Each network's end and its capability changes (`+video −audio`).
    fn network_marks(&self, marks: &mut Marks) {
        for n in &self.networks {
            if n.window.until != FOREVER {
                marks.mark(n.window.until + 1, format!("{} gone", n.name));
            }
            for (i, (from, mods)) in n.capabilities.iter().enumerate().skip(1) {
                let before = n.capabilities[i - 1].1;
                let added = Modalities(mods.0 & !before.0).names();
                let removed = Modalities(before.0 & !mods.0).names();
                let mut parts: Vec<String> = added.iter().map(|m| format!("+{m}")).collect();
                parts.extend(removed.iter().map(|m| format!("−{m}")));
                marks.mark(*from, format!("{} {}", n.name, parts.join(" ")));
            }
        }
    }

    /// Provider `p` opening and ending, its `reaches` items starting and ending inside its own
    /// window, its licence going off sale and its provisioning stopping.
    fn provider_marks(&self, p: &Provider, marks: &mut Marks) {
        if p.window.from != ALWAYS {
            marks.mark(p.window.from, format!("{} opens", p.name));
        }
        if p.window.until != FOREVER {
            marks.mark(p.window.until + 1, format!("{} ends", p.name));
        }
        for r in &p.reaches {
            let network = &self.networks[r.network as usize].name;
            let scope = self.deployment_scope(p, r.deployments);
            if r.window.from != p.window.from && r.window.from != ALWAYS {
                marks.mark(
                    r.window.from,
                    format!("{} reaches {network}{scope}", p.name),
                );
            }
            if r.window.until != p.window.until && r.window.until != FOREVER {
                marks.mark(
                    r.window.until + 1,
                    format!("{} no longer reaches {network}{scope}", p.name),
                );
            }
        }
        if let Licence::PicUsl {
            sale_until: Some(s),
        } = p.licence
        {
            marks.mark(
                self.calendar().day(s) + 1,
                format!("{} licence off sale", p.name),
            );
        }
        if let Some(limit) = p.provisioning_until {
            marks.mark(limit + 1, format!("{} provisioning stops", p.name));
        }
    }

    /// ` (server)`: the deployments a `reaches` item serves, when the provider's items do not all
    /// serve the same ones (empty otherwise).
    fn deployment_scope(&self, p: &Provider, deployments: u32) -> String {
        if p.reaches.iter().all(|r| r.deployments == deployments) {
            return String::new();
        }
        let names: Vec<&str> = self
            .deployments
            .iter()
            .enumerate()
            .filter(|(i, _)| deployments & (1 << i) != 0)
            .map(|(_, d)| d.as_str())
            .collect();
        format!(" ({})", names.join(", "))
    }
}
