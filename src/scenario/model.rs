//! The validated scenario: what the rest of picsim trusts. Nothing here checks a value; the
//! checks are [`super::validate`]'s, and every value here has passed them.

use super::dist::Distribution;
use super::import::{ContactList, EdgeList};
use super::network::{Modalities, Network, NetworkId};
use super::origin::{EntryOrigins, Origin};
use crate::day::{Calendar, Day, Window};
use chrono::NaiveDate;

/// Index of a deployment kind in [`Scenario::deployments`].
pub(crate) type DeploymentId = u8;
/// Index of a provider in [`Scenario::providers`].
pub(crate) type ProviderId = u8;

/// Most deployment kinds (deployment sets are 32-bit masks).
pub(crate) const MAX_DEPLOYMENTS: usize = 32;
/// Most providers (provisioning sets are 32-bit masks).
pub(crate) const MAX_PROVIDERS: usize = 32;

/// Most migrations a scenario may have (a person's days are kept in a fixed-size record).
pub(crate) const MAX_MIGRATIONS: usize = 6;

/// A validated scenario: the whole experiment.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name; also the default output folder name.
    pub name: String,
    /// Free text shown in reports.
    pub(crate) description: String,
    /// First simulated day.
    pub start: NaiveDate,
    /// Last simulated day.
    pub(crate) end: NaiveDate,
    /// Days between report rows (a row for `end` is always added).
    pub(crate) step_days: u32,
    /// Master seed.
    pub(crate) seed: u64,
    /// Monte Carlo replications.
    pub replications: u32,
    /// Networks in the scenario's order (the order of recovery targets, columns and colours).
    pub networks: Vec<Network>,
    /// Deployment kinds, in order of first mention.
    pub deployments: Vec<String>,
    /// Providers in file order.
    pub providers: Vec<Provider>,
    /// Migrations in file order (the order they apply within a day).
    pub migrations: Vec<Migration>,
    /// How organisations are generated.
    pub orgs: OrgSpec,
    /// How users' contacts and persons are generated.
    pub population: PopulationSpec,
    /// Contact adding and recovery.
    pub(crate) behaviours: Behaviours,
    /// Output folder and charts.
    pub output: OutputSpec,
    /// `[sweep]`: key path and the values it takes, in file order.
    pub sweep: Vec<(String, Vec<toml::Value>)>,
    /// `[sensitivity]`: each entry's key path, low and high value and label, in file order.
    pub sensitivity: Vec<SensitivityEntry>,
    /// `[calibration]`, if the file has one.
    pub(crate) calibration: Option<CalibrationSpec>,
    /// Where the `[sweep]` and `[sensitivity]` entries are written (for messages).
    pub(crate) origins: EntryOrigins,
    /// The effective document after overrides (recorded in the manifest).
    pub effective: toml::Table,
    /// The scenario files read: the file itself and every file it `extends`, canonical.
    pub(crate) files: Vec<std::path::PathBuf>,
}

/// One `[sensitivity]` entry: `"key" = [low, high]`, or `"key" = { low = …, high = …, label = "…" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityEntry {
    /// The key path, canonical spelling.
    pub key: String,
    /// The low value.
    pub low: toml::Value,
    /// The high value.
    pub high: toml::Value,
    /// What the entry varies, for people, when the file says (else reports derive one from the key).
    pub label: Option<String>,
}

impl Scenario {
    /// The calendar whose day 0 is `start`.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(self.start)
    }

    /// Number of simulated days, `start..=end`.
    pub(crate) fn days(&self) -> usize {
        (self.calendar().day(self.end) + 1) as usize
    }

    /// The last simulated day as a [`Day`].
    pub(crate) fn last_day(&self) -> Day {
        self.calendar().day(self.end)
    }

    /// The reported days: every `step_days` from `start`, and always `end`.
    pub(crate) fn report_days(&self) -> Vec<Day> {
        let last = self.last_day();
        let mut days: Vec<Day> = (0..=last).step_by(self.step_days as usize).collect();
        if days.last() != Some(&last) {
            days.push(last);
        }
        days
    }

    /// Index of the network with id `id`.
    pub fn network_index(&self, id: &str) -> Option<NetworkId> {
        self.networks
            .iter()
            .position(|n| n.id == id)
            .map(|i| i as NetworkId)
    }

    /// Index of the provider with id `id`.
    pub fn provider_index(&self, id: &str) -> Option<ProviderId> {
        self.providers
            .iter()
            .position(|p| p.id == id)
            .map(|i| i as ProviderId)
    }
}

/// One item of a provider's `reaches`, already bounded by the provider's window.
#[derive(Debug, Clone)]
pub(crate) struct Reach {
    /// The network reached.
    pub(crate) network: NetworkId,
    /// Days the item covers (intersected with the provider's window).
    pub(crate) window: Window,
    /// Bit set of [`DeploymentId`]s the item serves.
    pub(crate) deployments: u32,
    /// Whether the account must be Microsoft-account linked.
    pub(crate) requires_microsoft_account: bool,
}

/// A provider's licence rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Licence {
    /// Always holds (the Lync Server CAL).
    Cal,
    /// An extra per-user licence sold only on or before `sale_until` (`None`: always on sale).
    PicUsl {
        /// Last day of sale.
        sale_until: Option<NaiveDate>,
    },
}

/// A federation route organisations enable on their Edge.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Contract id (`msn`, `aol`, `yahoo`, …).
    pub id: String,
    /// Display name.
    pub(crate) name: String,
    /// Service window.
    pub(crate) window: Window,
    /// What the provider reaches, and for whom.
    pub(crate) reaches: Vec<Reach>,
    /// Modalities the provider carries (all when the file gives none).
    pub(crate) modalities: Modalities,
    /// Licence rule.
    pub(crate) licence: Licence,
    /// Last day a domain can be provisioned (`None`: no limit).
    pub(crate) provisioning_until: Option<Day>,
    /// Price of the `pic_usl` licence per user and year (currency units), for `usl_credit`.
    pub(crate) usl_price_per_user_year: f64,
}

/// How a migration picks each person's day.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Day uniform over `window` (all on one day when `from == until`).
    Scheduled {
        /// Days the migration happens on.
        window: Window,
    },
    /// First sign-in on or after a rollout day uniform over `rollout`.
    SignIn {
        /// Rollout days (`from == until` when the window has no `until`).
        rollout: Window,
    },
    /// Contagion over the persons' graph from `from`.
    Bass {
        /// First day of the contagion.
        from: Day,
        /// Spontaneous rate, per year.
        p: f64,
        /// Word-of-mouth coefficient, per year (per contact: q / ⟨k⟩).
        q: f64,
        /// Persons migrated on `from`.
        initial: InitialAdopters,
    },
}

/// Initial adopters of a `bass` migration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InitialAdopters {
    /// A number of persons.
    Count(u64),
    /// A share of the migration's population.
    Share(f64),
}

/// Persons holding an account on `from` move to `to`.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Network left.
    pub(crate) from: NetworkId,
    /// Network joined.
    pub(crate) to: NetworkId,
    /// How each person's day is drawn.
    pub trigger: Trigger,
    /// Everyone not yet migrated migrates on this day.
    pub(crate) forced_by: Option<Day>,
    /// Whether entries follow the person to `to` (and the `to` account becomes Microsoft-linked).
    pub(crate) contacts_follow: bool,
    /// `<from>_to_<to>`, used in metric names.
    pub label: String,
}

/// A share of organisations doing something on a day uniform over a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cohort {
    /// Share of organisations, 0..=1 (of those that enabled `among`, when given).
    pub(crate) share: f64,
    /// Only organisations that ever enable this provider can be in the cohort.
    pub(crate) among: Option<ProviderId>,
    /// Days the event is drawn from.
    pub(crate) window: Window,
}

/// Organisations moving from one deployment to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DeploymentChange {
    /// Deployment left.
    pub(crate) from: DeploymentId,
    /// Deployment joined.
    pub(crate) to: DeploymentId,
    /// Share of the organisations on `from` (when the change's window opens) that move.
    pub(crate) share: f64,
    /// Days the move is drawn from.
    pub(crate) window: Window,
}

/// How organisations are generated.
#[derive(Debug, Clone)]
pub struct OrgSpec {
    /// Number of organisations.
    pub count: u32,
    /// Lync users per organisation (rounded, at least 1).
    pub users: Distribution,
    /// Initial deployment mix: `(deployment, share)`, shares summing to 1.
    pub(crate) deployment_mix: Vec<(DeploymentId, f64)>,
    /// Agreement term in whole years (rounded, at least 1).
    pub(crate) agreement_term_years: Distribution,
    /// Window the agreement start is drawn from (uniform).
    pub(crate) agreement_start: Window,
    /// SIP domains per organisation (rounded, at least 1).
    pub(crate) domains_per_org: Distribution,
    /// Window the first domain's add day is drawn from.
    pub(crate) first_domain_added: Window,
    /// Window further domains' add days are drawn from.
    pub(crate) extra_domains_added: Window,
    /// Per provider: cohorts that enabled it (shares sum to ≤ 1; the rest never enable).
    pub enable: Vec<Vec<Cohort>>,
    /// Deployment changes, applied in file order.
    pub(crate) deployment_changes: Vec<DeploymentChange>,
}

/// An activity class of persons.
#[derive(Debug, Clone)]
pub struct ActivityClass {
    /// Name, for reports.
    pub(crate) name: String,
    /// Share of persons, 0..=1.
    pub share: f64,
    /// Sign-in rate, per day (0 for dormant persons).
    pub sign_in_rate: f64,
}

/// An extra account held by a share of one network's persons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MultiHoming {
    /// Home network of the persons concerned.
    pub(crate) home: NetworkId,
    /// Network of the extra account.
    pub(crate) extra: NetworkId,
    /// Share of `home`'s persons holding it.
    pub(crate) share: f64,
}

/// How Lync users' contacts and the persons behind them are generated.
#[derive(Debug, Clone)]
pub struct PopulationSpec {
    /// Public contacts per Lync user (rounded, capped by its `max`).
    pub(crate) contacts_per_user: Distribution,
    /// Share of entries per network, indexed by `NetworkId`, summing to 1.
    pub network_mix: Vec<f64>,
    /// Mean number of contact lists a person is on (sets how many persons each network has).
    pub(crate) entries_per_person: f64,
    /// Distinct persons per Lync user on a network, where given (overrides `entries_per_person`
    /// for that network; lets a network have persons that start on no contact list).
    pub(crate) persons_per_user: Vec<Option<f64>>,
    /// Zipf exponent of persons' popularity within a network (0 = uniform, < 1).
    pub(crate) popularity_exponent: f64,
    /// Whether users' initial contacts are only on networks their organisation's providers serve
    /// on the first day (the mix renormalised over them; users of organisations served for no
    /// network start with no public contacts), rather than on every network of the mix.
    pub(crate) initial_contacts_served_only: bool,
    /// Share of accounts on each network that are Microsoft-account linked at the start.
    pub(crate) microsoft_account_share: Vec<f64>,
    /// Extra accounts.
    pub(crate) multi_homing: Vec<MultiHoming>,
    /// Activity classes (shares sum to 1).
    pub activity: Vec<ActivityClass>,
    /// The persons' contact graph (`None`: no graph; contagion is then spontaneous only).
    pub(crate) graph: Option<GraphSpec>,
    /// Imported contact lists, read when the scenario is loaded (replace generated users and
    /// entries).
    pub import: Option<std::sync::Arc<ContactList>>,
    /// A world folder to replay (`picsim run --world DIR`, or `world = "DIR"`): what its files
    /// pin replaces what would be drawn (`docs/world.md`). Read by the run, not here.
    pub world: Option<std::path::PathBuf>,
}

/// How the persons' contact graph is made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GraphSpec {
    /// Barabási–Albert preferential attachment, `m` edges per new person.
    BarabasiAlbert {
        /// Edges each new person brings.
        m: u32,
    },
    /// Erased configuration model from a degree distribution (its `max` caps degrees).
    Configuration {
        /// Degree distribution.
        degree: Distribution,
    },
    /// An edge-list file: `a,b` per line (CSV or TSV), persons by id or imported address.
    File {
        /// The file, read when the scenario is loaded.
        edges: std::sync::Arc<EdgeList>,
    },
}

/// Users adding contacts on a network through a provider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ContactAdding {
    /// Provider the contacts are added through.
    pub(crate) provider: ProviderId,
    /// Network of the persons added.
    pub(crate) network: NetworkId,
    /// Additions per user per year while the provider serves the organisation.
    pub(crate) rate_per_user_year: f64,
    /// Days on which adding may happen at all (also bounded by the provider serving).
    pub(crate) window: Window,
}

/// Recovery of permanently lost entries through another account of the same person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Recovery {
    /// Probability a loss is recovered.
    pub(crate) probability: f64,
    /// Mean delay to the re-point, days.
    pub(crate) mean_days: f64,
}

/// `[behaviours]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Behaviours {
    /// Contact-adding processes.
    pub(crate) contact_adding: Vec<ContactAdding>,
    /// Recovery (none: losses are never recovered).
    pub(crate) recovery: Option<Recovery>,
}

/// Which charts a run draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chart {
    /// `reachable_by_network.png`.
    ReachableByNetwork,
    /// `reachable_by_modality.png`.
    ReachableByModality,
    /// `migration.png`.
    Migration,
    /// `users.png`.
    Users,
    /// `losses.png`.
    Losses,
}

impl Chart {
    /// Every chart, in report order.
    pub(crate) const ALL: [Chart; 5] = [
        Chart::ReachableByNetwork,
        Chart::ReachableByModality,
        Chart::Migration,
        Chart::Users,
        Chart::Losses,
    ];

    /// File stem of the chart.
    pub(crate) fn stem(self) -> &'static str {
        match self {
            Chart::ReachableByNetwork => "reachable_by_network",
            Chart::ReachableByModality => "reachable_by_modality",
            Chart::Migration => "migration",
            Chart::Users => "users",
            Chart::Losses => "losses",
        }
    }
}

/// A labelled date for chart markers.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDate {
    /// The day.
    pub date: NaiveDate,
    /// What happens on it.
    pub label: String,
}

/// `[calibration]`: what `picsim calibrate` fits and how (every field can also come from the
/// command line).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CalibrationSpec {
    /// The observations (`date,metric,value[,sem]`), relative to the working directory.
    pub(crate) observed: Option<std::path::PathBuf>,
    /// The observed metrics that count (all of the file's when empty).
    pub(crate) metrics: Vec<String>,
    /// The fitted keys with their prior ranges, in file order.
    pub(crate) fit: Vec<Fit>,
    /// Particles per generation.
    pub(crate) particles: Option<u32>,
    /// Most generations after the prior's.
    pub(crate) max_generations: Option<u32>,
    /// Most simulations in all.
    pub(crate) max_simulations: Option<u32>,
    /// Each generation's tolerance: this quantile of the previous generation's distances.
    pub(crate) quantile: Option<f64>,
    /// Stop when a generation accepts fewer of its simulations than this.
    pub(crate) min_acceptance: Option<f64>,
}

/// One fitted key: its path and prior range.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    /// The key path, as written (`population.activity.1.mean_days_between_sign_ins`).
    pub(crate) key: String,
    /// The lowest value, as a number (a date as days since 1970-01-01).
    pub(crate) low: f64,
    /// The highest value.
    pub(crate) high: f64,
    /// What kind of value the key takes.
    pub(crate) kind: FitKind,
    /// Uniform in the value or in its logarithm.
    pub(crate) log: bool,
}

impl Fit {
    /// A fitted key from its range as written (two numbers, or two dates), uniform in the value
    /// or (`log`) in its logarithm; why not, when the range cannot be one.
    pub(crate) fn new(
        key: &str,
        low: &toml::Value,
        high: &toml::Value,
        log: bool,
    ) -> Result<Fit, String> {
        use toml::Value::{Datetime, Float, Integer};
        let date = |d: &toml::value::Datetime| -> Option<f64> {
            let day = d.date.filter(|_| d.time.is_none())?;
            let date =
                NaiveDate::from_ymd_opt(i32::from(day.year), day.month.into(), day.day.into())?;
            Some(date.signed_duration_since(NaiveDate::default()).num_days() as f64)
        };
        let (lo, hi, kind) = match (low, high) {
            (Integer(a), Integer(b)) => (*a as f64, *b as f64, FitKind::Whole),
            (Integer(_) | Float(_), Integer(_) | Float(_)) => (
                low.as_float()
                    .or(low.as_integer().map(|i| i as f64))
                    .unwrap_or(0.0),
                high.as_float()
                    .or(high.as_integer().map(|i| i as f64))
                    .unwrap_or(0.0),
                FitKind::Real,
            ),
            (Datetime(a), Datetime(b)) => match (date(a), date(b)) {
                (Some(a), Some(b)) => (a, b, FitKind::Date),
                _ => return Err("give the range as two dates (YYYY-MM-DD)".into()),
            },
            _ => {
                return Err(format!(
                    "give the range as two numbers or two dates; got {low} and {high}"
                ));
            }
        };
        if !(lo.is_finite() && hi.is_finite()) || lo >= hi {
            return Err(format!(
                "the low end ({low}) must be below the high end ({high})"
            ));
        }
        if log && (kind == FitKind::Date || lo <= 0.0) {
            return Err("a log-uniform range needs two positive numbers".into());
        }
        Ok(Fit {
            key: key.to_string(),
            low: lo,
            high: hi,
            kind,
            log,
        })
    }

    /// The value at `u` in the unit interval (0 is `low`, 1 is `high`, uniform in the prior).
    pub(crate) fn at(&self, u: f64) -> f64 {
        let x = if self.log {
            (self.low.ln() + u * (self.high.ln() - self.low.ln())).exp()
        } else {
            self.low + u * (self.high - self.low)
        };
        match self.kind {
            FitKind::Real => x,
            FitKind::Whole | FitKind::Date => x.round(),
        }
    }

    /// The value `x` as the scenario takes it.
    pub(crate) fn toml(&self, x: f64) -> toml::Value {
        match self.kind {
            FitKind::Real => toml::Value::Float(x),
            FitKind::Whole => toml::Value::Integer(x as i64),
            FitKind::Date => {
                let d = NaiveDate::default() + chrono::Duration::days(x as i64);
                d.to_string().parse::<toml::value::Datetime>().map_or_else(
                    |_| toml::Value::String(d.to_string()),
                    toml::Value::Datetime,
                )
            }
        }
    }

    /// The value `x` as text (a date as a date).
    pub(crate) fn text(&self, x: f64) -> String {
        match self.kind {
            FitKind::Date => (NaiveDate::default() + chrono::Duration::days(x as i64)).to_string(),
            FitKind::Whole => format!("{}", x as i64),
            // Four significant digits: enough to tell particles apart, short in a table.
            FitKind::Real => {
                let magnitude = if x == 0.0 {
                    0
                } else {
                    x.abs().log10().floor() as i32
                };
                format!("{x:.*}", (3 - magnitude).clamp(0, 12) as usize)
            }
        }
    }
}

/// What kind of value a fitted key takes, from how its range is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FitKind {
    /// A real number.
    Real,
    /// A whole number (the range is written with whole numbers; values are rounded).
    Whole,
    /// A date (the range is written with dates; values are whole days).
    Date,
}

/// `[output]`.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    /// Output folder (default `output/<name>`).
    pub dir: std::path::PathBuf,
    /// Charts to draw.
    pub(crate) charts: Vec<Chart>,
    /// Extra key dates given by the user.
    pub(crate) key_dates: Vec<KeyDate>,
    /// Where `dir` is given (the file and line of `output.dir`, or the file alone when the
    /// command line or the default gives it), for messages about the folder.
    pub(crate) dir_origin: Origin,
    /// What the reports call the scenario's users and its money.
    pub(crate) words: Words,
}

/// The scenario's own words for what the reports name: its users are "Lync users" in the PIC
/// story, "employees" or "Slack users" in another, and its prices are in some currency.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Words {
    /// One user, lower case where a sentence allows (`output.user`, default "user").
    pub(crate) user: String,
    /// Several users (`output.users`, default `user` with an "s").
    pub(crate) users: String,
    /// The currency of prices (`output.currency`), e.g. "US$"; `None`: "currency units".
    pub(crate) currency: Option<String>,
}

impl Default for Words {
    fn default() -> Words {
        Words {
            user: "user".into(),
            users: "users".into(),
            currency: None,
        }
    }
}

impl Words {
    /// `users` with a capital first letter, to start a title or a label.
    pub(crate) fn users_title(&self) -> String {
        capitalise(&self.users)
    }

    /// The currency, or "currency units" when the scenario names none.
    pub(crate) fn currency(&self) -> &str {
        self.currency.as_deref().unwrap_or("currency units")
    }

    /// `users` owning something: "Lync users'" (a plural in -s), "staff's" (any other).
    pub(crate) fn users_possessive(&self) -> String {
        if self.users.ends_with('s') {
            format!("{}'", self.users)
        } else {
            format!("{}'s", self.users)
        }
    }
}

/// `s` with its first letter upper case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

impl Scenario {
    /// Whether some organisation can enable provider `p`: an `[orgs.providers]` cohort with a
    /// share above 0, or a pinned world (whose organisations say for themselves). A provider
    /// that fails this adds no key date to the charts.
    pub(crate) fn adoptable(&self, p: usize) -> bool {
        self.population.world.is_some() || self.cohort_enables(p)
    }

    /// Whether an `[orgs.providers]` cohort with a share above 0 enables provider `p`.
    pub(crate) fn cohort_enables(&self, p: usize) -> bool {
        self.orgs
            .enable
            .get(p)
            .is_some_and(|cohorts| cohorts.iter().any(|c| c.share > 0.0))
    }

    /// The providers no organisation can enable (see [`Scenario::adoptable`]), by name: their
    /// days are left off the key dates, and the report says so.
    pub(crate) fn unadopted_providers(&self) -> Vec<&str> {
        (0..self.providers.len())
            .filter(|&p| !self.adoptable(p))
            .map(|p| self.providers[p].name.as_str())
            .collect()
    }
}
