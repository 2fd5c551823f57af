//! The HTML pages: a run's `report.html` ([`run`]), a sweep's or comparison's ([`comparison`]) and
//! a sensitivity analysis's ([`sensitivity`]) and a calibration's (`calibration`), each one self-contained file (charts embedded as
//! `data:` URIs, the style sheet inline, no references outside its folder; the run's page has an
//! inline script that makes its charts explorable, `explore`) in the
//! frame they share (`frame`), with the sections more than one holds (`sections`) and every
//! outside text escaped (`escape`).

pub(crate) mod escape;
pub(crate) mod explore;
pub(crate) mod frame;
pub(crate) mod imported;
pub mod run;
pub(crate) mod sections;
