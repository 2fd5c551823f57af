//! The shared kit every feature writes its outputs with: the chart kit (`figure`: frame, fonts,
//! colours, axes, key-date markers, PNG), the frame and sections every HTML page shares (`page`),
//! the CSV writer and the fixed decimals of its floats (`csv`), numbers for people (`number`),
//! and the terminal's width and word wrapping (`terminal`). It knows no feature: what a chart,
//! page, file or table holds is decided beside each feature's logic (a run's `report/`, a
//! comparison's, a sensitivity analysis's, a calibration's `report/`, a check's `sbc/`), which
//! depends on the kit, never the reverse. The output folder they write into is
//! `crate::output`'s.

pub(crate) mod csv;
pub(crate) mod figure;
#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod number;
pub(crate) mod page;
pub(crate) mod terminal;

pub(crate) use number::thousands;
