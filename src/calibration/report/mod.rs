//! What a calibration writes, beside the sampler that makes it: the data its report shows
//! (`result`: fitted keys, generations, observations, the posterior predictive summaries, and
//! their CSV files and terminal lines), its charts (`chart`: fits and posterior marginals) and its
//! `report.html` (`page`), drawn and laid out with the kit in `crate::report`. As `super::sbc`
//! does for a check.

pub(crate) mod chart;
pub(crate) mod page;
pub(crate) mod result;
