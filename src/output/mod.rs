//! The output folder's machinery, the same for every command: each writes into a temporary
//! folder beside its target and renames it into place only when every file is written
//! ([`staging`]), never over what it reads (`inputs`); the names of what a run's folder holds
//! and of an experiment's default folder (`files`); what every `manifest.json` shares (`manifest`:
//! digests, the scenario as JSON); and the files picsim writes for itself to read back, sealed by
//! a digest (`sealed`).
//!
//! Not responsible for what goes into a folder: each feature writes its own files.

pub(crate) mod files;
pub(crate) mod inputs;
pub(crate) mod manifest;
pub(crate) mod sealed;
pub mod staging;

pub(crate) use inputs::Inputs;
pub use staging::{Staging, check_creatable};
