//! Experiments over many runs: parameter sweeps and the variant rules ([`sweep`]), the
//! comparison of runs with its data, charts and page (`compare`), a sensitivity analysis's
//! variants, data, tornado charts and page ([`sensitivity`]), writing their folders (`folder`),
//! and how a sensitivity entry is named and its values read (`label`).

pub(crate) mod compare;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod folder;
pub(crate) mod label;
pub mod sensitivity;
pub mod sweep;
