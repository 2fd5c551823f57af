//! Experiments over many runs: parameter sweeps and sensitivity analyses ([`sweep`]) and the
//! comparison of finished runs ([`compare`]).

pub mod compare;
pub mod sweep;
