//! Scenario files: reading, overriding and validating them into a [`Scenario`] that the rest of
//! picsim trusts.
//!
//! Loading runs in two stages. [`load`] parses the TOML, applies `--set` overrides and deserialises
//! the [`raw`] mirror; [`validate`] resolves names to indices, dates to [`Day`](crate::day::Day)s
//! and checks every cross-field rule, one section at a time. Errors carry the file, line, column,
//! key, problem and hint ([`ScenarioError`]). Nothing after this module re-checks a value or sees
//! a raw type.
//!
//! This file is only the façade: the validated types are in [`model`] and [`network`], and the
//! files here name each other directly, never through these re-exports.

pub mod dist;
pub mod error;
pub mod import;
pub mod key;
pub mod load;
mod locate;
pub mod model;
pub mod network;
pub mod origin;
pub mod overrides;
pub mod raw;
pub mod validate;

pub use dist::Distribution;
pub use error::{ScenarioError, ScenarioErrors};
pub use key::{KeyPath, Seg};
pub use load::{MAX_ERRORS, load_file, load_str};
pub use model::*;
pub use network::{MAX_NETWORKS, Modalities, Network, NetworkId};
pub use origin::{EntryOrigins, Origin, Position};
pub use overrides::{Override, parse_value};
