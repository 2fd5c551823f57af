//! Experiments over many runs: parameter sweeps and sensitivity analyses ([`sweep`]), the
//! comparison of finished runs ([`compare`]), and writing their folders ([`folder`]).

pub mod compare;
pub mod folder;
pub mod sweep;
