//! The serde mirror of a scenario file: every table and key a user may write, nothing resolved.
//!
//! Only validation reads these types; everything past loading sees the validated scenario
//! (`model.rs`). Every struct denies unknown keys so that a typo is an error, never a silently
//! ignored setting. Key names are the model's names (`docs/model.md`), documented in
//! `scenarios/README.md`.

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A calendar date written as a TOML date (`2013-04-08`) or a string (`"2013-04-08"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawDate(pub NaiveDate);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like 2013-04-08")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawDate, E> {
                let shaped = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .filter(|_| shaped)
                    .map(RawDate)
                    .ok_or(())
                    .map_err(|_| {
                        E::custom(format!(
                            "`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2013-04-08"
                        ))
                    })
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub(crate) scenario: RawMeta,
    #[serde(default)]
    pub(crate) networks: IndexMap<String, RawNetwork>,
    #[serde(default)]
    pub(crate) providers: IndexMap<String, RawProvider>,
    #[serde(default)]
    pub(crate) migrations: Vec<RawMigration>,
    pub(crate) orgs: RawOrgs,
    pub(crate) population: RawPopulation,
    #[serde(default)]
    pub(crate) behaviours: RawBehaviours,
    #[serde(default)]
    pub(crate) output: RawOutput,
    #[serde(default)]
    pub(crate) sweep: toml::Table,
    #[serde(default)]
    pub(crate) sensitivity: toml::Table,
    pub(crate) calibration: Option<RawCalibration>,
}

/// `[calibration]`: what `picsim calibrate` fits, to what, and how long it may look.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCalibration {
    pub(crate) observed: Option<String>,
    #[serde(default)]
    pub(crate) metrics: Vec<String>,
    #[serde(default)]
    pub(crate) fit: Vec<RawFit>,
    pub(crate) particles: Option<i64>,
    pub(crate) max_generations: Option<i64>,
    pub(crate) max_simulations: Option<i64>,
    pub(crate) quantile: Option<f64>,
    pub(crate) min_acceptance: Option<f64>,
}

/// One `[[calibration.fit]]` item: a key and its prior range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFit {
    pub(crate) key: String,
    pub(crate) low: toml::Value,
    pub(crate) high: toml::Value,
    pub(crate) prior: Option<String>,
}

/// `[scenario]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) start: RawDate,
    pub(crate) end: RawDate,
    pub(crate) step_days: Option<i64>,
    pub(crate) seed: Option<u64>,
    pub(crate) replications: Option<i64>,
}

/// `{ from, until }`, both optional and inclusive.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWindow {
    pub(crate) from: Option<RawDate>,
    pub(crate) until: Option<RawDate>,
}

/// A modality name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawModality {
    Im,
    Presence,
    Audio,
    Video,
}

/// `[networks.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNetwork {
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) domains: Vec<String>,
    pub(crate) from: Option<RawDate>,
    pub(crate) until: Option<RawDate>,
    #[serde(default)]
    pub(crate) capabilities: Vec<RawCapability>,
}

/// One item of a capability schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCapability {
    pub(crate) from: Option<RawDate>,
    pub(crate) modalities: Vec<RawModality>,
}

/// A provider's licence rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawLicence {
    Cal,
    PicUsl,
}

/// `[providers.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProvider {
    pub(crate) name: Option<String>,
    pub(crate) from: Option<RawDate>,
    pub(crate) until: Option<RawDate>,
    #[serde(default)]
    pub(crate) reaches: Vec<RawReach>,
    pub(crate) modalities: Option<Vec<RawModality>>,
    pub(crate) licence: Option<RawLicence>,
    pub(crate) sale_until: Option<RawDate>,
    pub(crate) provisioning_until: Option<RawDate>,
    pub(crate) usl_price_per_user_year: Option<f64>,
}

/// One item of a provider's `reaches`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReach {
    pub(crate) network: String,
    pub(crate) from: Option<RawDate>,
    pub(crate) until: Option<RawDate>,
    pub(crate) deployments: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) requires_microsoft_account: bool,
}

/// How a migration picks each person's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawTrigger {
    Scheduled,
    SignIn,
    Bass,
}

/// `initial` adopters of a `bass` migration: a count (integer) or a share (float in 0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RawInitial {
    Count(i64),
    Share(f64),
}

impl<'de> Deserialize<'de> for RawInitial {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InitialVisitor;
        impl Visitor<'_> for InitialVisitor {
            type Value = RawInitial;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a count of persons (integer) or a share of persons (a float in 0..=1)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawInitial, E> {
                Ok(RawInitial::Count(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawInitial, E> {
                Ok(RawInitial::Count(v.min(i64::MAX as u64) as i64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawInitial, E> {
                Ok(RawInitial::Share(v))
            }
        }
        deserializer.deserialize_any(InitialVisitor)
    }
}

/// `[[migrations]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMigration {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) trigger: RawTrigger,
    pub(crate) window: Option<RawWindow>,
    pub(crate) at: Option<RawDate>,
    pub(crate) forced_by: Option<RawDate>,
    pub(crate) contacts_follow: Option<bool>,
    pub(crate) p: Option<f64>,
    pub(crate) q: Option<f64>,
    pub(crate) initial: Option<RawInitial>,
}

/// A distribution: a bare number (fixed) or a table tagged by `dist`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawDist {
    Fixed(f64),
    Tagged(RawTaggedDist),
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DistVisitor;
        impl<'de> Visitor<'de> for DistVisitor {
            type Value = RawDist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number or a table like { dist = \"lognormal\", median = 20, sigma = 1 }",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
                Ok(RawDist::Fixed(v))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawDist, A::Error> {
                RawTaggedDist::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawDist::Tagged)
            }
        }
        deserializer.deserialize_any(DistVisitor)
    }
}

/// The table form of a distribution. Every kind may carry `min` and `max` (clamps).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum RawTaggedDist {
    Fixed {
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    Uniform {
        low: f64,
        high: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    Lognormal {
        median: f64,
        sigma: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    Geometric {
        mean: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    NegativeBinomial {
        mean: f64,
        dispersion: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    PowerLaw {
        low: f64,
        exponent: f64,
        high: Option<f64>,
        min: Option<f64>,
        max: Option<f64>,
    },
    Choice {
        values: Vec<f64>,
        weights: Vec<f64>,
        min: Option<f64>,
        max: Option<f64>,
    },
}

/// `[orgs]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOrgs {
    pub(crate) count: i64,
    pub(crate) users: RawDist,
    pub(crate) deployments: IndexMap<String, f64>,
    pub(crate) agreement: RawAgreement,
    #[serde(default)]
    pub(crate) domains: RawDomains,
    #[serde(default)]
    pub(crate) providers: IndexMap<String, Vec<RawCohort>>,
    #[serde(default)]
    pub(crate) deployment_changes: Vec<RawDeploymentChange>,
}

/// `[orgs.agreement]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgreement {
    pub(crate) term_years: RawDist,
    pub(crate) start: RawWindow,
}

/// `[orgs.domains]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDomains {
    pub(crate) per_org: Option<RawDist>,
    pub(crate) first_added: Option<RawWindow>,
    pub(crate) extra_added: Option<RawWindow>,
}

/// A share of organisations doing something on a day drawn uniformly from a window.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCohort {
    pub(crate) share: f64,
    pub(crate) among: Option<String>,
    pub(crate) from: Option<RawDate>,
    pub(crate) until: Option<RawDate>,
}

/// `[[orgs.deployment_changes]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeploymentChange {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) share: f64,
    pub(crate) window: RawWindow,
}

/// `[population]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPopulation {
    pub(crate) contacts_per_user: RawDist,
    pub(crate) network_mix: IndexMap<String, f64>,
    pub(crate) entries_per_person: Option<f64>,
    #[serde(default)]
    pub(crate) persons_per_user: IndexMap<String, f64>,
    pub(crate) popularity_exponent: Option<f64>,
    pub(crate) initial_contacts: Option<RawInitialContacts>,
    #[serde(default)]
    pub(crate) microsoft_account_share: IndexMap<String, f64>,
    #[serde(default)]
    pub(crate) multi_homing: Vec<RawMultiHoming>,
    #[serde(default)]
    pub(crate) activity: Vec<RawActivity>,
    pub(crate) graph: Option<RawGraph>,
    pub(crate) import: Option<RawImport>,
    pub(crate) world: Option<String>,
}

/// `[population.import]`: an organisation's own contact lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawImport {
    pub(crate) contacts: String,
    /// `auto` (the default), `csv`, `zip`, `docitemset` or `dbimpexp`.
    pub(crate) format: Option<String>,
    /// The one organisation of a server export.
    pub(crate) org: Option<String>,
    /// SIP domain → organisation, for a server export holding several.
    #[serde(default)]
    pub(crate) orgs: IndexMap<String, String>,
    /// An export's limits: bytes, or a size with K, M, G or T (`max_inflated_size`,
    /// `max_piece_size`, `max_list_memory`).
    pub(crate) max_inflated_size: Option<toml::Value>,
    pub(crate) max_piece_size: Option<toml::Value>,
    pub(crate) max_list_memory: Option<toml::Value>,
}

/// `[population.graph]`: the persons' contact graph.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum RawGraph {
    BarabasiAlbert { m: i64 },
    Configuration { degree: RawDist },
    File { file: String },
}

/// Which networks users' initial contacts are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawInitialContacts {
    Served,
    All,
}

/// `[[population.multi_homing]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMultiHoming {
    pub(crate) home: String,
    pub(crate) extra: String,
    pub(crate) share: f64,
}

/// `[[population.activity]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawActivity {
    pub(crate) class: String,
    pub(crate) share: f64,
    pub(crate) mean_days_between_sign_ins: Option<f64>,
    #[serde(default)]
    pub(crate) dormant: bool,
}

/// `[behaviours]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBehaviours {
    pub(crate) recovery: Option<RawRecovery>,
    #[serde(default)]
    pub(crate) contact_adding: Vec<RawContactAdding>,
}

/// `[behaviours.recovery]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecovery {
    pub(crate) probability: f64,
    pub(crate) mean_days: f64,
}

/// `[[behaviours.contact_adding]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawContactAdding {
    pub(crate) provider: String,
    pub(crate) network: String,
    pub(crate) rate_per_user_year: f64,
    pub(crate) from: Option<RawDate>,
    pub(crate) until: Option<RawDate>,
}

/// A chart a run can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawChart {
    ReachableByNetwork,
    ReachableByModality,
    Migration,
    Users,
    Losses,
}

/// `[output]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutput {
    pub(crate) dir: Option<String>,
    pub(crate) charts: Option<Vec<RawChart>>,
    #[serde(default)]
    pub(crate) key_dates: Vec<RawKeyDate>,
    pub(crate) user: Option<String>,
    pub(crate) users: Option<String>,
    pub(crate) currency: Option<String>,
}

/// An extra labelled marker for the charts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKeyDate {
    pub(crate) date: RawDate,
    pub(crate) label: String,
}
