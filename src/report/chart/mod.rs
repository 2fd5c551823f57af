//! The charts: the five of a run ([`run`]), the comparison of runs (`comparison`) and the tornado
//! of a sensitivity analysis (`tornado`), a calibration's fits and posteriors (`calibration`), each drawn with the chart kit
//! (`super::figure`) into one PNG file.

pub mod run;
