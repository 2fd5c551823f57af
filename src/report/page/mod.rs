//! What every HTML page shares: the frame (`frame`: head and style sheet, header, contents bar,
//! footer), the sections more than one page holds (`sections`: an embedded chart, the key dates,
//! the data files) and every outside text escaped (`escape`). Each page is one self-contained
//! file (charts embedded as `data:` URIs, the style sheet inline, no references outside its
//! folder), laid out beside its feature's logic: a run's, a comparison's, a sensitivity
//! analysis's, a calibration's and a check's.

pub(crate) mod escape;
pub(crate) mod frame;
pub(crate) mod sections;
