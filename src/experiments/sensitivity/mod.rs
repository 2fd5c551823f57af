//! A sensitivity analysis's outputs, from data to page: what it holds and the bars derived from
//! it, with `sensitivity.csv` and the terminal table (`result`), its tornado charts (`chart`) and
//! its `report.html` (`page`), drawn and laid out with the kit in `crate::report`. Its variants
//! are made and its runs summarised in `super::sweep`, beside the sweep's, whose variant rules
//! they share.

pub(crate) mod chart;
pub(crate) mod page;
pub(crate) mod result;
