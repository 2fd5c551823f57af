//! A sensitivity analysis's outputs, from data to page: what it holds and the bars derived from
//! it, with `sensitivity.csv` and the terminal table (`result`), its tornado charts (`chart`) and
//! its `report.html` (`page`), drawn and laid out with the kit in `crate::report`; its variants,
//! runs and the result they make (`variants`), with the variant rules of `super::sweep`.

pub(crate) mod chart;
pub(crate) mod page;
pub(crate) mod result;
pub mod variants;
