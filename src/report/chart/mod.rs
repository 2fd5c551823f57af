//! The charts: the five of a run ([`run`]), the comparison of runs (`compare`) and the tornado
//! of a sensitivity analysis (`tornado`), each drawn with the chart kit
//! (`super::figure`) into one PNG file.

pub(crate) mod compare;
pub mod run;
pub(crate) mod tornado;
