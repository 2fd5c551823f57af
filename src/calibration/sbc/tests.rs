//! The check checked, end to end on a tiny world (the calibration tests' world at 40
//! organisations, two keys): picsim's sampler passes it, and the same posteriors shrunk to half
//! their width around their means, a deliberately broken sampler, fail it.

use super::result::CheckResult;
use super::*;
use crate::comm::Solo;
use crate::scenario::{Fit, Override, Scenario};
use std::path::Path;

/// Repeats of the check: enough that a posterior half as wide as it should be fails clearly
/// (its 90 % intervals hold about 60 % of truths, against 50 to 58 of 60 when calibrated).
const REPEATS: usize = 60;

/// Records the posteriors the real sampler gives, so that a broken variant can replay them.
struct Recording<'f, 'a, 'h> {
    sampler: &'f mut Sampler<'a, 'h>,
    posteriors: Vec<Posterior>,
}

impl Fitter for Recording<'_, '_, '_> {
    fn fit(&mut self, repeat: usize, observed: &Observed, seed: u64) -> Result<Posterior> {
        let posterior = self.sampler.fit(repeat, observed, seed)?;
        self.posteriors.push(posterior.clone());
        Ok(posterior)
    }
}

/// The broken sampler: each recorded posterior shrunk to `factor` of its spread around its
/// weighted mean, per key.
struct Shrunk {
    posteriors: Vec<Posterior>,
    factor: f64,
}

impl Fitter for Shrunk {
    fn fit(&mut self, repeat: usize, _: &Observed, _: u64) -> Result<Posterior> {
        let posterior = &self.posteriors[repeat];
        let dims = posterior[0].0.len();
        let mean: Vec<f64> = (0..dims)
            .map(|d| posterior.iter().map(|(u, w)| w * u[d]).sum())
            .collect();
        Ok(posterior
            .iter()
            .map(|(u, w)| {
                let u = u
                    .iter()
                    .zip(&mean)
                    .map(|(x, m)| m + self.factor * (x - m))
                    .collect();
                (u, *w)
            })
            .collect())
    }
}

fn scenario_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("world.toml");
    std::fs::write(
        &path,
        include_str!("../../../tests/integration/calibration-world.toml"),
    )
    .unwrap();
    path
}

/// Runs `REPEATS` repeats of the check with `fitter`.
fn run(check: &mut Check, fitter: &mut dyn Fitter, fits: &[Fit]) -> CheckResult {
    let ranked: Vec<Ranked> = (0..REPEATS)
        .flat_map(|r| check.repeat(r, fitter).unwrap())
        .collect();
    CheckResult::new("tiny", "days.csv", 10, fits, ranked, String::new())
}

#[test]
fn the_sampler_passes_the_check_and_a_posterior_shrunk_by_half_fails_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_file(dir.path());
    let base = vec![Override::parse("orgs.count=40").unwrap()];
    let s: Scenario = crate::scenario::load_file(&path, &base).unwrap();
    let columns = crate::engine::Columns::new(&s).names;
    let cal = s.calendar();
    let dates: Vec<_> = s.report_days().iter().map(|&d| cal.date(d)).collect();
    // Every third day of April 2013, the share of entries on Skype and on AIM.
    let mut days = String::from("date,metric,value\n");
    for d in (1..=30).step_by(3) {
        for m in ["reachable_share_skype", "reachable_share_aim"] {
            days.push_str(&format!("2013-04-{d:02},{m},0\n"));
        }
    }
    let observed = Observed::parse(
        &dir.path().join("days.csv"),
        days.as_bytes(),
        &dates,
        &columns,
        &[],
        None,
    )
    .unwrap();
    let fits = vec![
        crate::calibration::parse_fit(
            "population.activity.1.mean_days_between_sign_ins=log:2.0..30.0",
        )
        .unwrap(),
        crate::calibration::parse_fit("orgs.providers.msn.0.share=0.2..0.95").unwrap(),
    ];
    let progress = |_: super::super::simulate::Progress| {};
    let simulator = Simulator {
        path: &path,
        base: &base,
        fits: &fits,
        observed: &observed,
        seed: s.seed,
        until: Some(chrono::NaiveDate::from_ymd_opt(2013, 4, 28).unwrap()),
        columns: columns.len(),
        comm: &Solo,
        progress: &progress,
        scales: observed.initial_scales(),
        share: 1,
    };
    let mut check = Check {
        simulator: simulator.refitting(&observed, s.seed),
        seed: s.seed,
        dates: &dates,
        columns: &columns,
    };
    let settings = Settings {
        particles: 20,
        quantile: 0.5,
        max_generations: 8,
        max_simulations: 150,
        min_acceptance: 0.05,
        seed: s.seed,
    };
    let (mut start, mut finished) = (|_| Ok(None), |_, _: &Generation<_>, _: &[Stats]| Ok(()));
    let mut sampler = Sampler {
        simulator: &simulator,
        screen: None,
        settings,
        start: &mut start,
        finished: &mut finished,
    };
    let mut recording = Recording {
        sampler: &mut sampler,
        posteriors: Vec::new(),
    };
    let real = run(&mut check, &mut recording, &fits);
    for k in &real.keys {
        assert!(
            real.passed(k),
            "{k:?} against {:?} {:?}",
            real.range_50,
            real.range_90
        );
    }
    let mut broken = Shrunk {
        posteriors: recording.posteriors,
        factor: 0.5,
    };
    let shrunk = run(&mut check, &mut broken, &fits);
    for k in &shrunk.keys {
        assert!(!shrunk.passed(k), "{k:?}");
        assert!(k.covered_90 < shrunk.range_90.0, "{k:?}");
    }
}
