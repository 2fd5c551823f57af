//! The checks every section shares: shares, positive numbers, windows, names looked up with a
//! suggestion, distributions. Each pushes a [`Problem`] at its key path and returns a usable
//! stand-in, so that validation goes on and reports every problem at once.

use super::super::dist::{Distribution, Shape};
use super::super::error::Problem;
use super::super::key::{KeyPath, nearest};
use super::super::network::Modalities;
use super::super::raw::{RawDate, RawDist, RawModality, RawTaggedDist};
use crate::day::{ALWAYS, Calendar, Day, FOREVER, Window};

/// Tolerance for shares that must sum to 1.
pub(super) const SUM_TOLERANCE: f64 = 1e-9;

/// A number for a message: as written when short, in scientific notation when huge or tiny.
pub(super) fn number(x: f64) -> String {
    if x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// `n` and its noun, singular for 1 only: `0 migrations`, `1 migration`, `2 migrations`.
/// Every count-and-noun message goes through it (`validate`'s summary, `population`'s line).
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A key path from its segments: `kp!("orgs", "deployments", id)`.
macro_rules! kp {
    ($($seg:expr),* $(,)?) => {
        $crate::scenario::key::KeyPath(vec![$($crate::scenario::key::Seg::from($seg)),*])
    };
}
pub(super) use kp;

/// The problems found so far, and the calendar that turns dates into days.
pub(super) struct Validator {
    /// Day 0 is the scenario's start.
    pub(super) cal: Calendar,
    /// Every problem found, in the order found (the order they are reported).
    pub(super) problems: Vec<Problem>,
}

impl Validator {
    pub(super) fn err(&mut self, path: KeyPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
            hint: None,
        });
    }

    pub(super) fn day(&self, d: RawDate) -> Day {
        self.cal.day(d.0)
    }

    pub(super) fn opt_day(&self, d: Option<RawDate>, default: Day) -> Day {
        d.map_or(default, |d| self.day(d))
    }

    /// A window from optional bounds; `from` after `until` is reported at `path.from`.
    pub(super) fn window(
        &mut self,
        path: &KeyPath,
        from: Option<RawDate>,
        until: Option<RawDate>,
    ) -> Window {
        let w = Window::new(self.opt_day(from, ALWAYS), self.opt_day(until, FOREVER));
        if let (Some(f), Some(u)) = (from, until) {
            if f.0 > u.0 {
                self.err(
                    path.join("from".into()),
                    format!(
                        "from {} is after until {}; from must be on or before until",
                        f.0, u.0
                    ),
                );
            }
        }
        w
    }

    /// A window from which a day is drawn uniformly: both ends needed, or `from` alone (one day).
    pub(super) fn draw_window(
        &mut self,
        path: &KeyPath,
        from: Option<RawDate>,
        until: Option<RawDate>,
        what: &str,
    ) -> Window {
        match (from, until) {
            (Some(_), _) => {
                let w = self.window(path, from, until);
                Window::new(w.from, if until.is_some() { w.until } else { w.from })
            }
            (None, Some(_)) => {
                self.err(
                    path.join("from".into()),
                    format!("{what} needs `from` when it has `until`"),
                );
                Window::ALL
            }
            (None, None) => Window::new(ALWAYS, ALWAYS),
        }
    }

    pub(super) fn share(&mut self, path: KeyPath, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) || x.is_nan() {
            self.err(
                path,
                format!("{} is not a share; give a number from 0 to 1", number(x)),
            );
            return 0.0;
        }
        x
    }

    pub(super) fn positive(&mut self, path: KeyPath, x: f64, what: &str) -> f64 {
        if !(x > 0.0 && x.is_finite()) {
            self.err(
                path,
                format!("{} is not a valid {what}; give a number above 0", number(x)),
            );
            return 1.0;
        }
        x
    }

    pub(super) fn non_negative(&mut self, path: KeyPath, x: f64, what: &str) -> f64 {
        if !(x >= 0.0 && x.is_finite()) {
            self.err(
                path,
                format!(
                    "{} is not a valid {what}; give a number of 0 or more",
                    number(x)
                ),
            );
            return 0.0;
        }
        x
    }

    /// Resolves a name against the accepted ones, suggesting the nearest on failure.
    pub(super) fn lookup<T: Copy>(
        &mut self,
        path: KeyPath,
        name: &str,
        what: &str,
        known: &[(String, T)],
    ) -> Option<T> {
        if let Some((_, v)) = known.iter().find(|(k, _)| k == name) {
            return Some(*v);
        }
        let names: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
        let hint = nearest(name, names.iter().copied()).map(|n| format!("did you mean `{n}`?"));
        // An empty list would read "known: " and stop: say that none is defined.
        let known = if names.is_empty() {
            format!("the scenario defines no {what}")
        } else {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("known: {}", quoted.join(", "))
        };
        self.problems.push(Problem {
            path,
            message: format!("unknown {what} `{name}`; {known}"),
            hint,
        });
        None
    }

    pub(super) fn identifier(&mut self, path: KeyPath, id: &str, what: &str) {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && id.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !ok {
            self.err(
                path,
                format!("`{id}` is not a valid {what} id; use lower-case letters, digits and _ starting with a letter (it becomes part of column names)"),
            );
        }
    }

    pub(super) fn sums_to_one(
        &mut self,
        path: KeyPath,
        shares: impl Iterator<Item = f64>,
        what: &str,
    ) {
        let total: f64 = shares.sum();
        if (total - 1.0).abs() > SUM_TOLERANCE {
            self.err(
                path,
                format!("the {what} shares sum to {total}, not 1 (tolerance 1e-9)"),
            );
        }
    }

    /// A distribution at `path`: its parameters checked, `min` not above `max`, and no draw
    /// below 0 (`what` names the quantity in that message).
    pub(super) fn dist(&mut self, path: KeyPath, raw: &RawDist, what: &str) -> Distribution {
        let (shape, min, max) = match raw.clone() {
            RawDist::Fixed(v) => (Shape::Fixed(v), None, None),
            RawDist::Tagged(t) => self.tagged_shape(&path, t),
        };
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                self.err(
                    path.join("min".into()),
                    format!("min {lo} is above max {hi}"),
                );
            }
        }
        let d = Distribution { shape, min, max };
        if d.can_be_negative() {
            self.err(
                path,
                format!("{what} cannot be negative; raise the values or set min = 0"),
            );
        }
        d
    }

    /// The shape of a distribution tagged by `dist`, with its `min` and `max`, each parameter
    /// checked at its key under `path`.
    fn tagged_shape(
        &mut self,
        path: &KeyPath,
        t: RawTaggedDist,
    ) -> (Shape, Option<f64>, Option<f64>) {
        match t {
            RawTaggedDist::Fixed { value, min, max } => (Shape::Fixed(value), min, max),
            RawTaggedDist::Uniform {
                low,
                high,
                min,
                max,
            } => {
                if low > high {
                    self.err(
                        path.join("low".into()),
                        format!("low {low} is above high {high}"),
                    );
                }
                (Shape::Uniform { low, high }, min, max)
            }
            RawTaggedDist::Lognormal {
                median,
                sigma,
                min,
                max,
            } => {
                let median = self.positive(path.join("median".into()), median, "median");
                let sigma = self.non_negative(path.join("sigma".into()), sigma, "sigma");
                (Shape::Lognormal { median, sigma }, min, max)
            }
            RawTaggedDist::Geometric { mean, min, max } => {
                let mean = self.non_negative(path.join("mean".into()), mean, "mean");
                (Shape::Geometric { mean }, min, max)
            }
            RawTaggedDist::NegativeBinomial {
                mean,
                dispersion,
                min,
                max,
            } => {
                let mean = self.non_negative(path.join("mean".into()), mean, "mean");
                let dispersion =
                    self.positive(path.join("dispersion".into()), dispersion, "dispersion");
                (Shape::NegativeBinomial { mean, dispersion }, min, max)
            }
            RawTaggedDist::PowerLaw {
                low,
                exponent,
                high,
                min,
                max,
            } => (self.power_law(path, low, exponent, high), min, max),
            RawTaggedDist::Choice {
                values,
                weights,
                min,
                max,
            } => (self.choice(path, values, &weights), min, max),
        }
    }

    /// A power law from `low`, bounded by `high` or with an exponent above 1 (else its mean is
    /// infinite).
    fn power_law(&mut self, path: &KeyPath, low: f64, exponent: f64, high: Option<f64>) -> Shape {
        let low = self.positive(path.join("low".into()), low, "lower end");
        if high.is_none() && exponent <= 1.0 {
            self.err(
                path.join("exponent".into()),
                format!(
                    "exponent {exponent} needs an upper end: give `high`, or an exponent above 1"
                ),
            );
        }
        if let Some(h) = high {
            if h <= low {
                self.err(
                    path.join("high".into()),
                    format!("high {h} must be above low {low}"),
                );
            }
        }
        Shape::PowerLaw {
            low,
            exponent,
            high,
        }
    }

    /// A choice among `values` with `weights` (one each, 0 or more, not all 0), kept as
    /// cumulative shares; a bad list is reported and stands as its first value.
    fn choice(&mut self, path: &KeyPath, values: Vec<f64>, weights: &[f64]) -> Shape {
        if values.is_empty() || values.len() != weights.len() {
            self.err(
                path.join("weights".into()),
                format!(
                    "give as many weights as values ({} values, {} weights), at least one",
                    values.len(),
                    weights.len()
                ),
            );
            return Shape::Fixed(values.first().copied().unwrap_or(0.0));
        }
        let total: f64 = weights.iter().sum();
        if weights.iter().any(|w| w.is_nan() || *w < 0.0) || !(total > 0.0 && total.is_finite()) {
            self.err(
                path.join("weights".into()),
                "weights must be 0 or more, not all 0, and sum to a finite number",
            );
            return Shape::Fixed(values[0]);
        }
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Shape::Choice { values, cumulative }
    }
}

/// The set of the listed modalities.
pub(super) fn modalities(list: &[RawModality]) -> Modalities {
    Modalities(list.iter().fold(0, |acc, m| {
        acc | match m {
            RawModality::Im => Modalities::IM.0,
            RawModality::Presence => Modalities::PRESENCE.0,
            RawModality::Audio => Modalities::AUDIO.0,
            RawModality::Video => Modalities::VIDEO.0,
        }
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_singular_for_one_only() {
        let said: Vec<String> = [0, 1, 2]
            .into_iter()
            .map(|n| super::count(n, "migration", "migrations"))
            .collect();
        assert_eq!(said, ["0 migrations", "1 migration", "2 migrations"]);
        assert_eq!(super::count(1, "entry", "entries"), "1 entry");
        assert_eq!(super::count(21, "entry", "entries"), "21 entries");
    }
}
