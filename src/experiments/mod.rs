//! Experiments over many runs: parameter sweeps and sensitivity analyses ([`sweep`]), the
//! comparison of finished runs ([`compare`]), and writing their folders ([`write`]).

pub mod compare;
pub mod sweep;
pub mod write;
