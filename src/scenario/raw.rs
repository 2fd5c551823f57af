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
pub struct RawDate(pub NaiveDate);

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
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub networks: IndexMap<String, RawNetwork>,
    #[serde(default)]
    pub providers: IndexMap<String, RawProvider>,
    #[serde(default)]
    pub migrations: Vec<RawMigration>,
    pub orgs: RawOrgs,
    pub population: RawPopulation,
    #[serde(default)]
    pub behaviours: RawBehaviours,
    #[serde(default)]
    pub output: RawOutput,
    #[serde(default)]
    pub sweep: toml::Table,
    #[serde(default)]
    pub sensitivity: toml::Table,
}

/// `[scenario]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub start: RawDate,
    pub end: RawDate,
    pub step_days: Option<i64>,
    pub seed: Option<u64>,
    pub replications: Option<i64>,
}

/// `{ from, until }`, both optional and inclusive.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub from: Option<RawDate>,
    pub until: Option<RawDate>,
}

/// A modality name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawModality {
    Im,
    Presence,
    Audio,
    Video,
}

/// `[networks.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub name: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    pub from: Option<RawDate>,
    pub until: Option<RawDate>,
    #[serde(default)]
    pub capabilities: Vec<RawCapability>,
}

/// One item of a capability schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapability {
    pub from: Option<RawDate>,
    pub modalities: Vec<RawModality>,
}

/// A provider's licence rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawLicence {
    Cal,
    PicUsl,
}

/// `[providers.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub name: Option<String>,
    pub from: Option<RawDate>,
    pub until: Option<RawDate>,
    #[serde(default)]
    pub reaches: Vec<RawReach>,
    pub modalities: Option<Vec<RawModality>>,
    pub licence: Option<RawLicence>,
    pub sale_until: Option<RawDate>,
    pub provisioning_until: Option<RawDate>,
    pub usl_price_per_user_year: Option<f64>,
}

/// One item of a provider's `reaches`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReach {
    pub network: String,
    pub from: Option<RawDate>,
    pub until: Option<RawDate>,
    pub deployments: Option<Vec<String>>,
    #[serde(default)]
    pub requires_microsoft_account: bool,
}

/// How a migration picks each person's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawTrigger {
    Scheduled,
    SignIn,
    Bass,
}

/// `initial` adopters of a `bass` migration: a count (integer) or a share (float in 0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawInitial {
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
pub struct RawMigration {
    pub from: String,
    pub to: String,
    pub trigger: RawTrigger,
    pub window: Option<RawWindow>,
    pub at: Option<RawDate>,
    pub forced_by: Option<RawDate>,
    pub contacts_follow: Option<bool>,
    pub p: Option<f64>,
    pub q: Option<f64>,
    pub initial: Option<RawInitial>,
}

/// A distribution: a bare number (fixed) or a table tagged by `dist`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDist {
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
pub enum RawTaggedDist {
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
pub struct RawOrgs {
    pub count: i64,
    pub users: RawDist,
    pub deployments: IndexMap<String, f64>,
    pub agreement: RawAgreement,
    #[serde(default)]
    pub domains: RawDomains,
    #[serde(default)]
    pub providers: IndexMap<String, Vec<RawCohort>>,
    #[serde(default)]
    pub deployment_changes: Vec<RawDeploymentChange>,
}

/// `[orgs.agreement]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgreement {
    pub term_years: RawDist,
    pub start: RawWindow,
}

/// `[orgs.domains]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomains {
    pub per_org: Option<RawDist>,
    pub first_added: Option<RawWindow>,
    pub extra_added: Option<RawWindow>,
}

/// A share of organisations doing something on a day drawn uniformly from a window.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCohort {
    pub share: f64,
    pub among: Option<String>,
    pub from: Option<RawDate>,
    pub until: Option<RawDate>,
}

/// `[[orgs.deployment_changes]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeploymentChange {
    pub from: String,
    pub to: String,
    pub share: f64,
    pub window: RawWindow,
}

/// `[population]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    pub contacts_per_user: RawDist,
    pub network_mix: IndexMap<String, f64>,
    pub entries_per_person: Option<f64>,
    #[serde(default)]
    pub persons_per_user: IndexMap<String, f64>,
    pub popularity_exponent: Option<f64>,
    pub initial_contacts: Option<RawInitialContacts>,
    #[serde(default)]
    pub microsoft_account_share: IndexMap<String, f64>,
    #[serde(default)]
    pub multi_homing: Vec<RawMultiHoming>,
    #[serde(default)]
    pub activity: Vec<RawActivity>,
    pub graph: Option<RawGraph>,
    pub import: Option<RawImport>,
}

/// `[population.import]`: an organisation's own contact lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImport {
    pub contacts: String,
}

/// `[population.graph]`: the persons' contact graph.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawGraph {
    BarabasiAlbert { m: i64 },
    Configuration { degree: RawDist },
    File { file: String },
}

/// Which networks users' initial contacts are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawInitialContacts {
    Served,
    All,
}

/// `[[population.multi_homing]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMultiHoming {
    pub home: String,
    pub extra: String,
    pub share: f64,
}

/// `[[population.activity]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActivity {
    pub class: String,
    pub share: f64,
    pub mean_days_between_sign_ins: Option<f64>,
    #[serde(default)]
    pub dormant: bool,
}

/// `[behaviours]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviours {
    pub recovery: Option<RawRecovery>,
    #[serde(default)]
    pub contact_adding: Vec<RawContactAdding>,
}

/// `[behaviours.recovery]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecovery {
    pub probability: f64,
    pub mean_days: f64,
}

/// `[[behaviours.contact_adding]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContactAdding {
    pub provider: String,
    pub network: String,
    pub rate_per_user_year: f64,
    pub from: Option<RawDate>,
    pub until: Option<RawDate>,
}

/// A chart a run can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawChart {
    ReachableByNetwork,
    ReachableByModality,
    Migration,
    Users,
    Losses,
}

/// `[output]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    pub dir: Option<String>,
    pub charts: Option<Vec<RawChart>>,
    #[serde(default)]
    pub key_dates: Vec<RawKeyDate>,
}

/// An extra labelled marker for the charts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeyDate {
    pub date: RawDate,
    pub label: String,
}
