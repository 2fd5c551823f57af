//! Calibration: the scenario's unknown keys fitted to what was observed, by approximate Bayesian
//! computation (`smc`, the sampler), with the observations read and compared in `observed`, the
//! particles simulated in `simulate`, and the forecast and report data built in `outcome` and
//! written in `report` (its CSV files, charts and page); `checkpoint` saves each finished
//! generation so that an interrupted calibration resumes; `sbc` checks the whole method.

pub(crate) mod checkpoint;
pub(crate) mod ecdf;
pub(crate) mod observed;
pub(crate) mod outcome;
pub(crate) mod report;
pub(crate) mod sbc;
pub(crate) mod simulate;
pub(crate) mod smc;

pub use checkpoint::{CheckpointShape, check_checkpoint};
pub use observed::check_observations;

use crate::scenario::{Fit, parse_value};

/// Defaults of the sampler's limits.
pub(crate) const PARTICLES: u32 = 100;
/// Most simulations in all, by default.
pub(crate) const MAX_SIMULATIONS: u32 = 2000;
/// Most generations after the prior's, by default.
pub(crate) const MAX_GENERATIONS: u32 = 8;
/// Each tolerance is this quantile of the previous generation's distances, by default.
pub(crate) const QUANTILE: f64 = 0.5;
/// Stop when a generation keeps less than this share of its simulations, by default.
pub(crate) const MIN_ACCEPTANCE: f64 = 0.05;
/// Multifidelity screening (`smc::Screen`): proposals are first simulated in a world of this
/// fraction of the organisations...
pub(crate) const SCREEN_FRACTION: f64 = 1.0 / 6.0;
/// ... when the scenario's world has at least this many (a smaller one is cheap enough whole,
/// and its screen would be too noisy to decide anything) ...
pub(crate) const SCREEN_MIN_ORGS: u32 = 1200;
/// ... and a proposal the screen rejects is simulated all the same with this probability (η).
pub(crate) use smc::SCREEN_CONTINUATION;

/// Parses `KEY=LO..HI` (uniform) or `KEY=log:LO..HI` (log-uniform); the ends are TOML values
/// (numbers or dates).
pub(crate) fn parse_fit(text: &str) -> Result<Fit, String> {
    let (key, range) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not KEY=LO..HI"))?;
    let key = key.trim();
    crate::scenario::KeyPath::parse(key)?;
    let (log, range) = match range.trim().strip_prefix("log:") {
        Some(rest) => (true, rest),
        None => (false, range.trim()),
    };
    let (lo, hi) = range
        .split_once("..")
        .ok_or_else(|| format!("`{text}`: give the range as LO..HI, e.g. {key}=0.5..2"))?;
    Fit::new(key, &parse_value(lo.trim()), &parse_value(hi.trim()), log)
        .map_err(|e| format!("`{text}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::FitKind;

    #[test]
    fn fit_ranges_parse_as_numbers_or_dates() {
        let f = parse_fit("behaviours.recovery.probability=0.2..0.8").unwrap();
        assert_eq!(
            (f.low, f.high, f.kind, f.log),
            (0.2, 0.8, FitKind::Real, false)
        );
        assert!((f.at(0.5) - 0.5).abs() < 1e-12);
        let f = parse_fit("a.b=log:1..100").unwrap();
        assert_eq!(f.kind, FitKind::Whole);
        assert!((f.at(0.5) - 10.0).abs() < 1e-12);
        let f = parse_fit("migrations.0.window.until=2013-04-20..2013-05-10").unwrap();
        assert_eq!(f.kind, FitKind::Date);
        assert_eq!(f.text(f.at(0.0)), "2013-04-20");
        assert_eq!(f.text(f.at(1.0)), "2013-05-10");
        assert_eq!(f.toml(f.at(1.0)).to_string(), "2013-05-10");
        for bad in [
            "a.b",
            "a.b=1",
            "a.b=2..1",
            "a.b=log:0..1",
            "a.b=x..y",
            "a.b=1..2013-01-01",
        ] {
            assert!(parse_fit(bad).is_err(), "{bad}");
        }
    }
}
