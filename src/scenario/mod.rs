//! Scenario files: reading, overriding and validating them into a [`Scenario`] that the rest of
//! picsim trusts.
//!
//! Loading runs in two stages. `load` parses the TOML, applies `--set` overrides and deserialises
//! the `raw` mirror; `validate` resolves names to indices, dates to [`Day`](crate::day::Day)s
//! and checks every cross-field rule, one section at a time. Errors carry the file, line, column,
//! key, problem and hint (`ScenarioError`). Nothing after this module re-checks a value or sees
//! a raw type.
//!
//! This file is only the façade: the validated types are in `model` and `network`, and the
//! files here name each other directly, never through these re-exports.

pub mod dist;
pub(crate) mod error;
pub(crate) mod import;
mod inputs;
pub(crate) mod key;
mod key_dates;
pub(crate) mod load;
mod locate;
pub(crate) mod model;
pub(crate) mod network;
pub(crate) mod origin;
pub(crate) mod overrides;
pub(crate) mod raw;
pub(crate) mod validate;

pub(crate) use dist::Distribution;
pub(crate) use error::{ScenarioError, ScenarioErrors};
pub(crate) use key::{KeyPath, Seg};
pub(crate) use load::MAX_ERRORS;
pub use load::{load_file, load_str};
pub use model::*;
pub(crate) use network::{MAX_NETWORKS, Modalities, NetworkId};
pub(crate) use origin::Origin;
pub use overrides::Override;
pub(crate) use overrides::parse_value;
