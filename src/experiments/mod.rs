//! Experiments over many runs: parameter sweeps and sensitivity analyses ([`sweep`]), the
//! comparison of finished runs (`compare`), writing their folders (`folder`), and how a
//! sensitivity entry is named and its values read (`label`).

pub(crate) mod compare;
pub(crate) mod folder;
pub(crate) mod label;
pub mod sweep;
