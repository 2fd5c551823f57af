//! `[calibration]`: the observed file, the fitted keys with their prior ranges, and the sampler's
//! limits. Whether a fitted key exists, and whether the observed metrics are the scenario's, is
//! checked by `picsim calibrate`, which knows the metrics and loads every particle's scenario.

use super::super::key::KeyPath;
use super::super::model::{CalibrationSpec, Fit};
use super::super::raw::RawCalibration;
use super::check::{Validator, kp};

/// Checks `[calibration]` into its spec.
pub(super) fn calibration(v: &mut Validator, raw: &RawCalibration) -> CalibrationSpec {
    let mut fit = Vec::new();
    for (i, f) in raw.fit.iter().enumerate() {
        if let Err(e) = KeyPath::parse(&f.key) {
            v.err(kp!("calibration", "fit", i, "key"), e);
            continue;
        }
        let log = match f.prior.as_deref() {
            None | Some("uniform") => false,
            Some("log-uniform") => true,
            Some(other) => {
                v.err(
                    kp!("calibration", "fit", i, "prior"),
                    format!("`{other}` is not a prior; give \"uniform\" or \"log-uniform\""),
                );
                continue;
            }
        };
        match Fit::new(&f.key, &f.low, &f.high, log) {
            Ok(one) if fit.iter().any(|g: &Fit| g.key == one.key) => v.err(
                kp!("calibration", "fit", i, "key"),
                format!("`{}` is fitted twice", one.key),
            ),
            Ok(one) => fit.push(one),
            Err(e) => v.err(kp!("calibration", "fit", i, "low"), e),
        }
    }
    let count = |v: &mut Validator, key: &str, n: Option<i64>, min: i64| -> Option<u32> {
        let n = n?;
        if n < min || n > i64::from(u32::MAX) {
            v.err(
                kp!("calibration", key),
                format!("give a whole number of at least {min}; got {n}"),
            );
            return None;
        }
        Some(n as u32)
    };
    let share = |v: &mut Validator, key: &str, x: Option<f64>, lo: f64, hi: f64| -> Option<f64> {
        let x = x?;
        if !(x > lo && x < hi) {
            v.err(
                kp!("calibration", key),
                format!("give a number between {lo} and {hi}, both excluded; got {x}"),
            );
            return None;
        }
        Some(x)
    };
    CalibrationSpec {
        observed: raw.observed.as_ref().map(std::path::PathBuf::from),
        metrics: raw.metrics.clone(),
        fit,
        particles: count(v, "particles", raw.particles, 4),
        max_generations: count(v, "max_generations", raw.max_generations, 1),
        max_simulations: count(v, "max_simulations", raw.max_simulations, 1),
        quantile: share(v, "quantile", raw.quantile, 0.0, 1.0),
        min_acceptance: share(v, "min_acceptance", raw.min_acceptance, 0.0, 1.0),
    }
}
