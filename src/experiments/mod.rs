//! Experiments over many runs: parameter sweeps and sensitivity analyses ([`sweep`]), the
//! comparison of finished runs (`compare`), and writing their folders (`folder`).

pub(crate) mod compare;
pub(crate) mod folder;
pub mod sweep;
