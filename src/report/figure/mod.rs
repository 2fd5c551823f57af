//! The chart kit: what every PNG chart of picsim shares, so a comparison looks like the runs it
//! compares. Every chart is 1600×900 with the same frame ([`frame`]: title and subtitle on top,
//! plot on the left, legend panel on the right), the same fonts and colours ([`style`]), axes
//! over time ([`axes`], [`ticks`]), key-date markers ([`markers`]), text that fits ([`text`]),
//! and is drawn supersampled and written as PNG ([`canvas`]).
//!
//! The kit draws no chart itself; each feature draws its own beside its logic.

pub(crate) mod axes;
pub(crate) mod canvas;
pub(crate) mod frame;
pub(crate) mod markers;
pub(crate) mod style;
pub(crate) mod text;
pub(crate) mod ticks;
