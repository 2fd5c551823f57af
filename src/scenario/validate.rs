//! From the raw mirror to a [`Scenario`]: names resolved to indices, dates to [`Day`]s, defaults
//! filled in, and every cross-field rule checked, each failure as a [`Problem`] at its key path.
//!
//! Validation collects every problem it can find rather than stopping at the first, so that a user
//! fixing a file sees the whole list at once.

use super::dist::{Distribution, Shape};
use super::load::{KeyPath, Problem, Seg, nearest};
use super::raw::*;
use super::*;
use crate::day::{ALWAYS, Calendar, Day, FOREVER, Window};

/// Tolerance for shares that must sum to 1.
const SUM_TOLERANCE: f64 = 1e-9;
/// Longest scenario, in days (about 200 years): guards against a typo in a year.
const MAX_DAYS: i64 = 73_000;
/// Longest agreement term, in years: longer than any scenario can be from any agreement start
/// (dates are years 0 to 9999), and short enough that renewal dates stay representable.
const MAX_TERM_YEARS: f64 = 10_000.0;
/// Most persons per user on one network: far above any real contact network, low enough that
/// persons counted from it stay within 32-bit ids for any world that fits in memory.
const MAX_PERSONS_PER_USER: f64 = 1e6;
/// Highest licence price per user-year: keeps every credit (price × users × years) finite.
const MAX_PRICE: f64 = 1e12;

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }
}
impl From<&String> for Seg {
    fn from(s: &String) -> Seg {
        Seg::Key(s.clone())
    }
}
impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// A number for a message: as written when short, in scientific notation when huge or tiny.
fn number(x: f64) -> String {
    if x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

macro_rules! kp {
    ($($seg:expr),* $(,)?) => { KeyPath(vec![$(Seg::from($seg)),*]) };
}

struct Validator {
    cal: Calendar,
    problems: Vec<Problem>,
}

impl Validator {
    fn err(&mut self, path: KeyPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }

    fn day(&self, d: RawDate) -> Day {
        self.cal.day(d.0)
    }

    fn opt_day(&self, d: Option<RawDate>, default: Day) -> Day {
        d.map_or(default, |d| self.day(d))
    }

    /// A window from optional bounds; `from` after `until` is reported at `path.from`.
    fn window(&mut self, path: &KeyPath, from: Option<RawDate>, until: Option<RawDate>) -> Window {
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
    fn draw_window(
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

    fn share(&mut self, path: KeyPath, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) || x.is_nan() {
            self.err(
                path,
                format!("{} is not a share; give a number from 0 to 1", number(x)),
            );
            return 0.0;
        }
        x
    }

    fn positive(&mut self, path: KeyPath, x: f64, what: &str) -> f64 {
        if !(x > 0.0 && x.is_finite()) {
            self.err(
                path,
                format!("{} is not a valid {what}; give a number above 0", number(x)),
            );
            return 1.0;
        }
        x
    }

    fn non_negative(&mut self, path: KeyPath, x: f64, what: &str) -> f64 {
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
    fn lookup<T: Copy>(
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
        let hint = match nearest(name, names.iter().copied()) {
            Some(n) => format!("; did you mean `{n}`?"),
            None => String::new(),
        };
        self.err(
            path,
            format!(
                "unknown {what} `{name}`; known: {}{hint}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        None
    }

    fn identifier(&mut self, path: KeyPath, id: &str, what: &str) {
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

    fn sums_to_one(&mut self, path: KeyPath, shares: impl Iterator<Item = f64>, what: &str) {
        let total: f64 = shares.sum();
        if (total - 1.0).abs() > SUM_TOLERANCE {
            self.err(
                path,
                format!("the {what} shares sum to {total}, not 1 (tolerance 1e-9)"),
            );
        }
    }

    fn dist(&mut self, path: KeyPath, raw: &RawDist, what: &str) -> Distribution {
        let (shape, min, max) = match raw.clone() {
            RawDist::Fixed(v) => (Shape::Fixed(v), None, None),
            RawDist::Tagged(t) => match t {
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
                } => {
                    let low = self.positive(path.join("low".into()), low, "lower end");
                    if high.is_none() && exponent <= 1.0 {
                        self.err(
                            path.join("exponent".into()),
                            format!("exponent {exponent} needs an upper end: give `high`, or an exponent above 1"),
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
                    (
                        Shape::PowerLaw {
                            low,
                            exponent,
                            high,
                        },
                        min,
                        max,
                    )
                }
                RawTaggedDist::Choice {
                    values,
                    weights,
                    min,
                    max,
                } => {
                    if values.is_empty() || values.len() != weights.len() {
                        self.err(
                            path.join("weights".into()),
                            format!("give as many weights as values ({} values, {} weights), at least one", values.len(), weights.len()),
                        );
                        (
                            Shape::Fixed(values.first().copied().unwrap_or(0.0)),
                            min,
                            max,
                        )
                    } else if weights.iter().any(|w| w.is_nan() || *w < 0.0)
                        || !(weights.iter().sum::<f64>() > 0.0
                            && weights.iter().sum::<f64>().is_finite())
                    {
                        self.err(
                            path.join("weights".into()),
                            "weights must be 0 or more, not all 0, and sum to a finite number",
                        );
                        (Shape::Fixed(values[0]), min, max)
                    } else {
                        let total: f64 = weights.iter().sum();
                        let mut acc = 0.0;
                        let cumulative = weights
                            .iter()
                            .map(|w| {
                                acc += w / total;
                                acc
                            })
                            .collect();
                        (Shape::Choice { values, cumulative }, min, max)
                    }
                }
            },
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
}

/// Validates `raw` into a [`Scenario`], or returns every problem found.
pub fn validate(raw: RawScenario, effective: toml::Table) -> Result<Scenario, Vec<Problem>> {
    let start = raw.scenario.start.0;
    let end = raw.scenario.end.0;
    let mut v = Validator {
        cal: Calendar::new(start),
        problems: Vec::new(),
    };

    // [scenario]
    let meta = &raw.scenario;
    if meta.name.is_empty()
        || meta.name.starts_with('.')
        || !meta
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        v.err(
            kp!("scenario", "name"),
            format!("`{}` is not a usable name; use letters, digits, '-', '_' or '.', not starting with '.' (it names the output folder)", meta.name),
        );
    }
    if end < start {
        v.err(
            kp!("scenario", "end"),
            format!("end {end} is before start {start}"),
        );
    } else if (end - start).num_days() >= MAX_DAYS {
        v.err(
            kp!("scenario", "end"),
            format!(
                "the scenario spans {} days; at most {MAX_DAYS} are supported",
                (end - start).num_days() + 1
            ),
        );
    }
    let step_days = meta.step_days.unwrap_or(1);
    if !(1..=MAX_DAYS).contains(&step_days) {
        v.err(
            kp!("scenario", "step_days"),
            format!("step_days {step_days} must be from 1 to {MAX_DAYS}"),
        );
    }
    let replications = meta.replications.unwrap_or(20);
    if !(1..=1_000_000).contains(&replications) {
        v.err(
            kp!("scenario", "replications"),
            format!("replications {replications} must be from 1 to 1000000"),
        );
    }

    // [networks]
    if raw.networks.is_empty() {
        v.err(
            kp!("networks"),
            "define at least one network, e.g. [networks.wlm]",
        );
    }
    if raw.networks.len() > MAX_NETWORKS {
        v.err(
            kp!("networks"),
            format!(
                "{} networks defined; at most {MAX_NETWORKS} are supported",
                raw.networks.len()
            ),
        );
    }
    let mut networks = Vec::new();
    let mut domain_owner: Vec<(String, String)> = Vec::new();
    for (id, n) in &raw.networks {
        let path = kp!("networks", id);
        v.identifier(path.clone(), id, "network");
        let window = v.window(&path, n.from, n.until);
        let mut capabilities: Vec<(Day, Modalities)> = Vec::new();
        for (i, c) in n.capabilities.iter().enumerate() {
            let from = match c.from {
                Some(d) => v.day(d),
                None if i == 0 => ALWAYS,
                None => {
                    v.err(
                        path.join("capabilities".into())
                            .join(i.into())
                            .join("from".into()),
                        "every capability item after the first needs `from`",
                    );
                    ALWAYS
                }
            };
            if let Some((prev, _)) = capabilities.last() {
                if from <= *prev {
                    v.err(
                        path.join("capabilities".into())
                            .join(i.into())
                            .join("from".into()),
                        "capability items must be in order of strictly increasing `from`",
                    );
                }
            }
            capabilities.push((from, modalities(&c.modalities)));
        }
        let mut domains = Vec::new();
        for (i, d) in n.domains.iter().enumerate() {
            let d = d.trim().trim_start_matches('@').to_lowercase();
            if let Some((_, other)) = domain_owner.iter().find(|(dd, _)| *dd == d) {
                v.err(
                    path.join("domains".into()).join(i.into()),
                    format!("domain `{d}` is already a domain of network `{other}`"),
                );
            }
            domain_owner.push((d.clone(), id.clone()));
            domains.push(d);
        }
        networks.push(Network {
            id: id.clone(),
            name: n.name.clone().unwrap_or_else(|| id.clone()),
            domains,
            window,
            capabilities,
        });
    }
    let network_names: Vec<(String, NetworkId)> = networks
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i as NetworkId))
        .collect();

    // Deployments: the initial mix, then the targets of deployment changes.
    let mut deployments: Vec<String> = Vec::new();
    for id in raw.orgs.deployments.keys() {
        v.identifier(kp!("orgs", "deployments", id), id, "deployment");
        deployments.push(id.clone());
    }
    for (i, c) in raw.orgs.deployment_changes.iter().enumerate() {
        if !deployments.contains(&c.to) {
            v.identifier(
                kp!("orgs", "deployment_changes", i, "to"),
                &c.to,
                "deployment",
            );
            deployments.push(c.to.clone());
        }
    }
    if deployments.len() > MAX_DEPLOYMENTS {
        v.err(
            kp!("orgs", "deployments"),
            format!("at most {MAX_DEPLOYMENTS} deployment kinds are supported"),
        );
    }
    let deployment_names: Vec<(String, DeploymentId)> = deployments
        .iter()
        .enumerate()
        .map(|(i, d)| (d.clone(), i as DeploymentId))
        .collect();

    // [providers]
    if raw.providers.len() > MAX_PROVIDERS {
        v.err(
            kp!("providers"),
            format!("at most {MAX_PROVIDERS} providers are supported"),
        );
    }
    let mut providers = Vec::new();
    for (id, p) in &raw.providers {
        let path = kp!("providers", id);
        v.identifier(path.clone(), id, "provider");
        let window = v.window(&path, p.from, p.until);
        let mut reaches = Vec::new();
        for (i, r) in p.reaches.iter().enumerate() {
            let rpath = path.join("reaches".into()).join(i.into());
            let network = v.lookup(
                rpath.join("network".into()),
                &r.network,
                "network",
                &network_names,
            );
            let rwindow = v.window(&rpath, r.from, r.until).intersect(&window);
            let mut mask = 0u32;
            match &r.deployments {
                None => {
                    mask = if deployments.len() >= 32 {
                        u32::MAX
                    } else {
                        (1u32 << deployments.len()) - 1
                    }
                }
                Some(list) => {
                    for (j, d) in list.iter().enumerate() {
                        if let Some(di) = v.lookup(
                            rpath.join("deployments".into()).join(j.into()),
                            d,
                            "deployment",
                            &deployment_names,
                        ) {
                            mask |= 1 << di;
                        }
                    }
                }
            }
            if let Some(network) = network {
                reaches.push(Reach {
                    network,
                    window: rwindow,
                    deployments: mask,
                    requires_microsoft_account: r.requires_microsoft_account,
                });
            }
        }
        let licence = match p.licence.unwrap_or(RawLicence::Cal) {
            RawLicence::Cal => {
                for (key, given) in [
                    ("sale_until", p.sale_until.is_some()),
                    (
                        "usl_price_per_user_year",
                        p.usl_price_per_user_year.is_some(),
                    ),
                ] {
                    if given {
                        v.err(
                            path.join(key.into()),
                            format!("{key} applies only to licence = \"pic_usl\""),
                        );
                    }
                }
                Licence::Cal
            }
            RawLicence::PicUsl => Licence::PicUsl {
                sale_until: p.sale_until.map(|d| d.0),
            },
        };
        let price = p.usl_price_per_user_year.unwrap_or(0.0);
        let mut usl_price_per_user_year =
            v.non_negative(path.join("usl_price_per_user_year".into()), price, "price");
        if usl_price_per_user_year > MAX_PRICE {
            v.err(
                path.join("usl_price_per_user_year".into()),
                format!(
                    "{} is more than any licence price; give at most {MAX_PRICE:e}",
                    number(price)
                ),
            );
            usl_price_per_user_year = 0.0;
        }
        providers.push(Provider {
            id: id.clone(),
            name: p.name.clone().unwrap_or_else(|| id.clone()),
            window,
            reaches,
            modalities: p.modalities.as_deref().map_or(Modalities::ALL, modalities),
            licence,
            provisioning_until: p.provisioning_until.map(|d| v.day(d)),
            usl_price_per_user_year,
        });
    }
    let provider_names: Vec<(String, ProviderId)> = providers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i as ProviderId))
        .collect();

    // [[migrations]]
    let mut migrations = Vec::new();
    let mut migration_items = Vec::new();
    for (i, m) in raw.migrations.iter().enumerate() {
        let path = kp!("migrations", i);
        let from = v.lookup(path.join("from".into()), &m.from, "network", &network_names);
        let to = v.lookup(path.join("to".into()), &m.to, "network", &network_names);
        if from.is_some() && from == to {
            v.err(
                path.join("to".into()),
                "a migration must go to another network than its `from`",
            );
        }
        if m.trigger != RawTrigger::Bass {
            for (key, given) in [
                ("p", m.p.is_some()),
                ("q", m.q.is_some()),
                ("initial", m.initial.is_some()),
            ] {
                if given {
                    v.err(
                        path.join(key.into()),
                        format!("`{key}` applies only to trigger = \"bass\""),
                    );
                }
            }
        }
        let wpath = path.join("window".into());
        let window = m.window.unwrap_or_default();
        let trigger = match m.trigger {
            RawTrigger::Scheduled => match (m.at, m.window) {
                (Some(at), None) => Trigger::Scheduled {
                    window: Window::new(v.day(at), v.day(at)),
                },
                (None, Some(_)) => {
                    if window.from.is_none() {
                        v.err(
                            wpath.join("from".into()),
                            "a scheduled migration's window needs `from`",
                        );
                    }
                    Trigger::Scheduled {
                        window: v.draw_window(&wpath, window.from, window.until, "the window"),
                    }
                }
                _ => {
                    v.err(
                        path.clone(),
                        "a scheduled migration needs exactly one of `at` or `window`",
                    );
                    Trigger::Scheduled {
                        window: Window::new(0, 0),
                    }
                }
            },
            RawTrigger::SignIn => {
                if m.at.is_some() {
                    v.err(
                        path.join("at".into()),
                        "a sign_in migration takes `window` (the rollout), not `at`",
                    );
                }
                if window.from.is_none() {
                    v.err(
                        wpath.join("from".into()),
                        "a sign_in migration needs window.from (the first rollout day)",
                    );
                }
                Trigger::SignIn {
                    rollout: v.draw_window(&wpath, window.from, window.until, "the rollout window"),
                }
            }
            RawTrigger::Bass => {
                if m.at.is_some() {
                    v.err(path.join("at".into()), "a bass migration takes window.from (the day the contagion starts), not `at`");
                }
                if window.from.is_none() {
                    v.err(
                        wpath.join("from".into()),
                        "a bass migration needs window.from (the day the contagion starts)",
                    );
                }
                if window.until.is_some() {
                    v.err(
                        wpath.join("until".into()),
                        "a bass migration has no window.until; use forced_by to end it",
                    );
                }
                let p = match m.p {
                    Some(p) => v.non_negative(path.join("p".into()), p, "Bass p (per year)"),
                    None => {
                        v.err(path.join("p".into()), "trigger = \"bass\" needs `p`, the spontaneous rate per year (e.g. 0.03)");
                        0.0
                    }
                };
                let q = match m.q {
                    Some(q) => v.non_negative(path.join("q".into()), q, "Bass q (per year)"),
                    None => {
                        v.err(path.join("q".into()), "trigger = \"bass\" needs `q`, the word-of-mouth coefficient per year (e.g. 0.38)");
                        0.0
                    }
                };
                let initial = match m.initial {
                    None => InitialAdopters::Count(0),
                    Some(RawInitial::Count(c)) if c >= 0 => InitialAdopters::Count(c as u64),
                    Some(RawInitial::Share(s)) if s >= 1.0 => {
                        v.err(
                            path.join("initial".into()),
                            format!("initial = {s:?} would be every person; write a whole number (e.g. 10) for a count of persons, or a share below 1"),
                        );
                        InitialAdopters::Count(0)
                    }
                    Some(RawInitial::Share(s)) => {
                        InitialAdopters::Share(v.share(path.join("initial".into()), s))
                    }
                    Some(RawInitial::Count(c)) => {
                        v.err(
                            path.join("initial".into()),
                            format!("initial {c} must be 0 or more"),
                        );
                        InitialAdopters::Count(0)
                    }
                };
                Trigger::Bass {
                    from: v.opt_day(window.from, 0),
                    p,
                    q,
                    initial,
                }
            }
        };
        if let (Some(f), Some(t)) = (from, to) {
            if migrations.iter().any(|mm: &Migration| mm.from == f) {
                v.err(path.join("from".into()), format!("network `{}` already has a migration; at most one migration may leave a network", m.from));
            }
            migration_items.push(i);
            migrations.push(Migration {
                from: f,
                to: t,
                trigger,
                forced_by: m.forced_by.map(|d| v.day(d)),
                contacts_follow: m.contacts_follow.unwrap_or(true),
                label: format!("{}_to_{}", m.from, m.to),
            });
        }
    }
    if raw.migrations.len() > crate::migration::MAX_MIGRATIONS {
        v.err(
            kp!("migrations"),
            format!(
                "{} migrations; at most {} are supported",
                raw.migrations.len(),
                crate::migration::MAX_MIGRATIONS
            ),
        );
    }
    if let Some(cycle_at) = migration_cycle(&migrations) {
        v.err(
            kp!("migrations", migration_items[cycle_at]),
            "migrations form a cycle (a person could move back and forth); remove one of them",
        );
    }

    // [orgs]
    let o = &raw.orgs;
    if !(1..=u32::MAX as i64).contains(&o.count) {
        v.err(
            kp!("orgs", "count"),
            format!("count {} must be from 1 to {}", o.count, u32::MAX),
        );
    }
    let users = v.dist(kp!("orgs", "users"), &o.users, "users per organisation");
    let mut deployment_mix = Vec::new();
    for (id, share) in &o.deployments {
        let s = v.share(kp!("orgs", "deployments", id), *share);
        if let Some(d) = deployment_names.iter().find(|(n, _)| n == id) {
            deployment_mix.push((d.1, s));
        }
    }
    if o.deployments.is_empty() {
        v.err(
            kp!("orgs", "deployments"),
            "give the deployment mix, e.g. deployments = { server = 0.9, online = 0.1 }",
        );
    } else {
        v.sums_to_one(
            kp!("orgs", "deployments"),
            o.deployments.values().copied(),
            "deployment",
        );
    }
    let mut agreement_term_years = v.dist(
        kp!("orgs", "agreement", "term_years"),
        &o.agreement.term_years,
        "agreement term",
    );
    let longest = agreement_term_years.largest();
    if longest.is_finite() && longest.round() > MAX_TERM_YEARS {
        v.err(
            kp!("orgs", "agreement", "term_years"),
            format!(
                "a term of {} years is too long; terms are from 1 to {MAX_TERM_YEARS} years",
                number(longest)
            ),
        );
    }
    // An unbounded distribution's rare long draws are capped: a term past the last day of any
    // scenario renews nothing, whatever its length.
    agreement_term_years.max = Some(
        agreement_term_years
            .max
            .map_or(MAX_TERM_YEARS, |m| m.min(MAX_TERM_YEARS)),
    );
    let apath = kp!("orgs", "agreement", "start");
    if o.agreement.start.from.is_none() || o.agreement.start.until.is_none() {
        v.err(
            apath.clone(),
            "give both `from` and `until`: agreement starts are drawn uniformly between them",
        );
    }
    let agreement_start = v.draw_window(
        &apath,
        o.agreement.start.from,
        o.agreement.start.until,
        "agreement.start",
    );
    let dpath = kp!("orgs", "domains");
    let domains_per_org = match &o.domains.per_org {
        Some(d) => v.dist(dpath.join("per_org".into()), d, "domains per organisation"),
        None => Distribution::fixed(1.0),
    };
    let first = o.domains.first_added.unwrap_or_default();
    let first_domain_added = v.draw_window(
        &dpath.join("first_added".into()),
        first.from,
        first.until,
        "first_added",
    );
    let extra_domains_added = match o.domains.extra_added {
        Some(w) => v.draw_window(
            &dpath.join("extra_added".into()),
            w.from,
            w.until,
            "extra_added",
        ),
        None => first_domain_added,
    };
    let mut enable = vec![Vec::new(); providers.len()];
    for (pid, cohorts) in &o.providers {
        let ppath = kp!("orgs", "providers", pid);
        let Some(pi) = v.lookup(ppath.clone(), pid, "provider", &provider_names) else {
            continue;
        };
        let mut total = 0.0;
        for (i, c) in cohorts.iter().enumerate() {
            let cpath = ppath.join(i.into());
            let share = v.share(cpath.join("share".into()), c.share);
            total += share;
            let window = v.draw_window(&cpath, c.from, c.until, "an enable cohort");
            let among = match &c.among {
                Some(a) => {
                    let found =
                        v.lookup(cpath.join("among".into()), a, "provider", &provider_names);
                    if found == Some(pi) {
                        v.err(
                            cpath.join("among".into()),
                            "a cohort cannot be among the organisations of its own provider",
                        );
                    }
                    found
                }
                None => None,
            };
            enable[pi as usize].push(Cohort {
                share,
                among,
                window,
            });
        }
        if total > 1.0 + SUM_TOLERANCE {
            v.err(
                ppath,
                format!("the enable cohorts' shares sum to {total}, more than 1"),
            );
        }
    }
    let mut deployment_changes = Vec::new();
    for (i, c) in o.deployment_changes.iter().enumerate() {
        let cpath = kp!("orgs", "deployment_changes", i);
        let from = v.lookup(
            cpath.join("from".into()),
            &c.from,
            "deployment",
            &deployment_names,
        );
        let to = v.lookup(
            cpath.join("to".into()),
            &c.to,
            "deployment",
            &deployment_names,
        );
        let share = v.share(cpath.join("share".into()), c.share);
        if c.window.from.is_none() {
            v.err(
                cpath.join("window".into()).join("from".into()),
                "a deployment change needs window.from",
            );
        }
        let window = v.draw_window(
            &cpath.join("window".into()),
            c.window.from,
            c.window.until,
            "the window",
        );
        if from.is_some() && from == to {
            v.err(
                cpath.join("to".into()),
                "a deployment change must go to another deployment",
            );
        }
        if let (Some(from), Some(to)) = (from, to) {
            deployment_changes.push(DeploymentChange {
                from,
                to,
                share,
                window,
            });
        }
    }

    // [population]
    let p = &raw.population;
    let contacts_per_user = v.dist(
        kp!("population", "contacts_per_user"),
        &p.contacts_per_user,
        "contacts per user",
    );
    let mut network_mix = vec![0.0; networks.len()];
    for (id, share) in &p.network_mix {
        let s = v.share(kp!("population", "network_mix", id), *share);
        if let Some(n) = v.lookup(
            kp!("population", "network_mix", id),
            id,
            "network",
            &network_names,
        ) {
            network_mix[n as usize] = s;
        }
    }
    v.sums_to_one(
        kp!("population", "network_mix"),
        p.network_mix.values().copied(),
        "network_mix",
    );
    let entries_per_person = match p.entries_per_person {
        Some(x) => v.positive(
            kp!("population", "entries_per_person"),
            x,
            "entries per person",
        ),
        None => 1.0,
    };
    let mut persons_per_user = vec![None; networks.len()];
    for (id, x) in &p.persons_per_user {
        let path = kp!("population", "persons_per_user", id);
        let mut x = v.non_negative(path.clone(), *x, "number of persons per user");
        if x > MAX_PERSONS_PER_USER {
            v.err(
                path.clone(),
                format!(
                    "{} persons per user is more than any world holds; give at most {MAX_PERSONS_PER_USER}",
                    number(x)
                ),
            );
            x = 0.0;
        }
        if let Some(n) = v.lookup(path, id, "network", &network_names) {
            persons_per_user[n as usize] = Some(x);
        }
    }
    let popularity_exponent = p.popularity_exponent.unwrap_or(0.0);
    if !(0.0..1.0).contains(&popularity_exponent) {
        v.err(
            kp!("population", "popularity_exponent"),
            format!("{popularity_exponent} must be from 0 (uniform) up to, not including, 1"),
        );
    }
    let mut microsoft_account_share = vec![0.0; networks.len()];
    for (id, share) in &p.microsoft_account_share {
        let path = kp!("population", "microsoft_account_share", id);
        let s = v.share(path.clone(), *share);
        if let Some(n) = v.lookup(path, id, "network", &network_names) {
            microsoft_account_share[n as usize] = s;
        }
    }
    if p.multi_homing.len() > 256 {
        v.err(
            kp!("population", "multi_homing"),
            format!(
                "{} multi-homing rules; at most 256 are supported",
                p.multi_homing.len()
            ),
        );
    }
    let mut multi_homing = Vec::new();
    for (i, m) in p.multi_homing.iter().enumerate() {
        let path = kp!("population", "multi_homing", i);
        let home = v.lookup(path.join("home".into()), &m.home, "network", &network_names);
        let extra = v.lookup(
            path.join("extra".into()),
            &m.extra,
            "network",
            &network_names,
        );
        let share = v.share(path.join("share".into()), m.share);
        if home.is_some() && home == extra {
            v.err(
                path.join("extra".into()),
                "the extra account must be on another network than home",
            );
        }
        if let (Some(home), Some(extra)) = (home, extra) {
            multi_homing.push(MultiHoming { home, extra, share });
        }
    }
    let mut activity = Vec::new();
    for (i, a) in p.activity.iter().enumerate() {
        let path = kp!("population", "activity", i);
        if activity.iter().any(|c: &ActivityClass| c.name == a.class) {
            v.err(
                path.join("class".into()),
                format!("activity class `{}` is defined twice", a.class),
            );
        }
        let share = v.share(path.join("share".into()), a.share);
        let sign_in_rate = match (a.dormant, a.mean_days_between_sign_ins) {
            (true, None) => 0.0,
            (true, Some(_)) => {
                v.err(
                    path.join("mean_days_between_sign_ins".into()),
                    "a dormant class never signs in; drop mean_days_between_sign_ins",
                );
                0.0
            }
            (false, Some(m)) => {
                1.0 / v.positive(
                    path.join("mean_days_between_sign_ins".into()),
                    m,
                    "mean days between sign-ins",
                )
            }
            (false, None) => {
                v.err(
                    path.clone(),
                    "give mean_days_between_sign_ins, or dormant = true",
                );
                0.0
            }
        };
        activity.push(ActivityClass {
            name: a.class.clone(),
            share,
            sign_in_rate,
        });
    }
    if !p.activity.is_empty() {
        v.sums_to_one(
            kp!("population", "activity"),
            p.activity.iter().map(|a| a.share),
            "activity class",
        );
    } else if migrations
        .iter()
        .any(|m| matches!(m.trigger, Trigger::SignIn { .. }))
    {
        v.err(kp!("population"), "a sign_in migration needs [[population.activity]] classes (share, mean_days_between_sign_ins)");
    }
    let graph = match &p.graph {
        None => None,
        Some(RawGraph::BarabasiAlbert { m }) => {
            if !(1..=10_000).contains(m) {
                v.err(
                    kp!("population", "graph", "m"),
                    format!("m = {m} must be from 1 to 10000"),
                );
            }
            Some(GraphSpec::BarabasiAlbert {
                m: (*m).clamp(1, 10_000) as u32,
            })
        }
        Some(RawGraph::Configuration { degree }) => Some(GraphSpec::Configuration {
            degree: v.dist(kp!("population", "graph", "degree"), degree, "degree"),
        }),
        Some(RawGraph::File { file }) => {
            let path = std::path::PathBuf::from(file);
            match crate::scenario::import::edge_list(&path) {
                Ok(edges) => Some(GraphSpec::File { edges }),
                Err(bad) => {
                    v.err(
                        kp!("population", "graph", "file"),
                        crate::scenario::import::bad_lines_message(
                            "the edge list has bad lines",
                            &path,
                            &bad,
                        ),
                    );
                    None
                }
            }
        }
    };
    let import = match &p.import {
        None => None,
        Some(i) => {
            let path = std::path::PathBuf::from(&i.contacts);
            match crate::scenario::import::contact_list(&path, &networks) {
                Ok(list) if list.rows.is_empty() => {
                    // Every row refused: say where and why, as for any bad row.
                    let refused: Vec<crate::scenario::import::BadLine> = list
                        .rejected
                        .iter()
                        .map(|r| crate::scenario::import::BadLine {
                            line: r.line,
                            reason: r.reason.clone(),
                        })
                        .collect();
                    let what = format!(
                        "'{}' has no usable row ({} refused)",
                        path.display(),
                        refused.len()
                    );
                    v.err(
                        kp!("population", "import", "contacts"),
                        if refused.is_empty() {
                            format!("{what}: it holds only its header")
                        } else {
                            crate::scenario::import::bad_lines_message(&what, &path, &refused)
                        },
                    );
                    None
                }
                Ok(list) => Some(list),
                Err(e) => {
                    v.err(kp!("population", "import", "contacts"), e);
                    None
                }
            }
        }
    };
    if let Some(GraphSpec::File { edges }) = &graph {
        // Checked here rather than when the world is built, so that validate refuses what run
        // would (an address in a generated population, a person the import does not have).
        if p.import.is_none() || import.is_some() {
            let imported = import.as_deref().map(|l| (l, l.persons(&persons_per_user)));
            let misfits = edges.misfits(imported);
            if !misfits.is_empty() {
                v.err(
                    kp!("population", "graph", "file"),
                    crate::scenario::import::bad_lines_message(
                        "the edge list does not fit the population",
                        &edges.path,
                        &misfits,
                    ),
                );
            }
        }
    }
    for (i, m) in migrations.iter().enumerate() {
        if let Trigger::Bass { q, .. } = m.trigger {
            if let Some(GraphSpec::File { edges }) = &graph {
                if q > 0.0 && edges.usable_edges() == 0 {
                    v.err(
                        kp!("migrations", migration_items[i], "q"),
                        format!("word of mouth (q > 0) spreads over the persons' contact graph, but '{}' has no edge between two persons: no contagion can happen; add edges or set q = 0", edges.path.display()),
                    );
                }
            }
            // A graph that was given but could not be read is reported once, at its file.
            if q > 0.0 && p.graph.is_none() {
                v.err(
                    kp!("migrations", migration_items[i], "q"),
                    "word of mouth (q > 0) spreads over the persons' contact graph: add [population.graph] (kind = \"barabasi_albert\", \"configuration\" or \"file\")",
                );
            }
        }
    }
    if activity.is_empty() {
        activity.push(ActivityClass {
            name: "all".into(),
            share: 1.0,
            sign_in_rate: 0.0,
        });
    }

    // [behaviours]
    let recovery = raw.behaviours.recovery.as_ref().map(|r| Recovery {
        probability: v.share(kp!("behaviours", "recovery", "probability"), r.probability),
        mean_days: v.non_negative(
            kp!("behaviours", "recovery", "mean_days"),
            r.mean_days,
            "mean delay in days",
        ),
    });
    let mut contact_adding = Vec::new();
    for (i, c) in raw.behaviours.contact_adding.iter().enumerate() {
        let path = kp!("behaviours", "contact_adding", i);
        let provider = v.lookup(
            path.join("provider".into()),
            &c.provider,
            "provider",
            &provider_names,
        );
        let network = v.lookup(
            path.join("network".into()),
            &c.network,
            "network",
            &network_names,
        );
        let rate = v.non_negative(
            path.join("rate_per_user_year".into()),
            c.rate_per_user_year,
            "rate per user per year",
        );
        let window = v.window(&path, c.from, c.until);
        if let (Some(pr), Some(n)) = (provider, network) {
            if !providers[pr as usize]
                .reaches
                .iter()
                .any(|r| r.network == n)
            {
                v.err(
                    path.join("network".into()),
                    format!(
                        "provider `{}` has no `reaches` item for network `{}`",
                        c.provider, c.network
                    ),
                );
            }
            contact_adding.push(ContactAdding {
                provider: pr,
                network: n,
                rate_per_user_year: rate,
                window,
            });
        }
    }

    // [output]
    let out = &raw.output;
    let dir = out.dir.clone().map_or_else(
        || std::path::Path::new("output").join(&meta.name),
        std::path::PathBuf::from,
    );
    let charts = out.charts.as_ref().map_or_else(
        || Chart::ALL.to_vec(),
        |list| {
            list.iter()
                .map(|c| match c {
                    RawChart::ReachableByNetwork => Chart::ReachableByNetwork,
                    RawChart::ReachableByModality => Chart::ReachableByModality,
                    RawChart::Migration => Chart::Migration,
                    RawChart::Users => Chart::Users,
                    RawChart::Losses => Chart::Losses,
                })
                .collect()
        },
    );
    let key_dates = out
        .key_dates
        .iter()
        .map(|k| KeyDate {
            date: k.date.0,
            label: k.label.clone(),
        })
        .collect();

    // [sweep], [sensitivity]
    let mut sweep = Vec::new();
    for (key, values) in flatten_keys(&raw.sweep) {
        if let Err(e) = KeyPath::parse(&key) {
            v.err(kp!("sweep", &key), e);
        }
        match values {
            toml::Value::Array(values) if !values.is_empty() => sweep.push((key.clone(), values)),
            _ => v.err(
                kp!("sweep", &key),
                "give a list of at least one value to sweep over",
            ),
        }
    }
    let mut sensitivity = Vec::new();
    for (key, values) in flatten_keys(&raw.sensitivity) {
        if let Err(e) = KeyPath::parse(&key) {
            v.err(kp!("sensitivity", &key), e);
        }
        let values = match values {
            toml::Value::Array(values) => values,
            _ => {
                v.err(kp!("sensitivity", &key), "give [low, high]");
                continue;
            }
        };
        match values.as_slice() {
            // An empty list drops an entry inherited through `extends`.
            [] => {}
            [low, high] => sensitivity.push((key.clone(), low.clone(), high.clone())),
            _ => v.err(
                kp!("sensitivity", &key),
                format!("give [low, high], two values; got {}", values.len()),
            ),
        }
    }

    if !v.problems.is_empty() {
        return Err(v.problems);
    }
    Ok(Scenario {
        name: meta.name.clone(),
        description: meta.description.clone(),
        start,
        end,
        step_days: u32::try_from(step_days).unwrap_or(1),
        seed: meta.seed.unwrap_or(1),
        replications: u32::try_from(replications).unwrap_or(1),
        networks,
        deployments,
        providers,
        migrations,
        orgs: OrgSpec {
            count: u32::try_from(o.count).unwrap_or(1),
            users,
            deployment_mix,
            agreement_term_years,
            agreement_start,
            domains_per_org,
            first_domain_added,
            extra_domains_added,
            enable,
            deployment_changes,
        },
        population: PopulationSpec {
            contacts_per_user,
            network_mix,
            entries_per_person,
            persons_per_user,
            popularity_exponent,
            initial_contacts_served_only: p.initial_contacts.unwrap_or(RawInitialContacts::Served)
                == RawInitialContacts::Served,
            microsoft_account_share,
            multi_homing,
            activity,
            graph,
            import,
        },
        behaviours: Behaviours {
            contact_adding,
            recovery,
        },
        output: OutputSpec {
            dir,
            charts,
            key_dates,
            dir_origin: Default::default(),
        },
        sweep,
        sensitivity,
        origins: Default::default(),
        effective,
    })
}

/// The leaves of a table of dotted keys (`"a.b.c" = …` or nested `a.b.c = …`), as
/// `("a.b.c", value)` in file order.
fn flatten_keys(table: &toml::Table) -> Vec<(String, toml::Value)> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                other => out.push((key, other.clone())),
            }
        }
    }
    let mut out = Vec::new();
    walk("", table, &mut out);
    out
}

fn modalities(list: &[RawModality]) -> Modalities {
    Modalities(list.iter().fold(0, |acc, m| {
        acc | match m {
            RawModality::Im => Modalities::IM.0,
            RawModality::Presence => Modalities::PRESENCE.0,
            RawModality::Audio => Modalities::AUDIO.0,
            RawModality::Video => Modalities::VIDEO.0,
        }
    }))
}

/// The index of a migration that closes a cycle in the network graph, if any.
fn migration_cycle(migrations: &[Migration]) -> Option<usize> {
    // At most one migration leaves each network, so following `to` from any start either ends or
    // loops within `migrations.len()` steps.
    for (i, start) in migrations.iter().enumerate() {
        let mut at = start.to;
        for _ in 0..=migrations.len() {
            match migrations.iter().find(|m| m.from == at) {
                Some(m) if m.from == start.from => return Some(i),
                Some(m) => at = m.to,
                None => break,
            }
            if at == start.from {
                return Some(i);
            }
        }
    }
    None
}
