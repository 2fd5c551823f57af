//! The sampler against closed forms and its own guarantees: a normal mean and spread, with and
//! without a screen; two dimensions; reproducible; resumable; budgets; kernel densities.

use super::*;

/// A model whose simulations give their distance directly (no adaptive scales).
struct Direct<T, F>(F, std::marker::PhantomData<T>);

fn direct<T, F: FnMut(&[Proposal]) -> Vec<(f64, T)>>(f: F) -> Direct<T, F> {
    Direct(f, std::marker::PhantomData)
}

impl<T: Clone, F: FnMut(&[Proposal]) -> Vec<(f64, T)>> Model for Direct<T, F> {
    type Data = (f64, T);
    fn simulate(&mut self, batch: &[Proposal]) -> Result<Vec<(f64, T)>> {
        Ok((self.0)(batch))
    }
    fn adapt(&mut self, _: &[&(f64, T)]) -> Result<()> {
        Ok(())
    }
    fn distances(&self, data: &[&(f64, T)]) -> Result<Vec<f64>> {
        Ok(data.iter().map(|d| d.0).collect())
    }
}

fn settings(particles: usize, max_generations: usize) -> Settings {
    Settings {
        particles,
        quantile: 0.5,
        max_generations,
        max_simulations: 1_000_000,
        min_acceptance: 0.0,
        seed: 7,
    }
}

/// `y ~ Normal(θ, sd²)`, θ uniform on [-5, 5], observed y = 0.8, its simulations' noise keyed
/// by `key` and the proposal, as a model's own draws are; its data are the distances.
struct Noisy {
    sd: f64,
    key: u64,
}

const OBSERVED: f64 = 0.8;

fn theta(u: f64) -> f64 {
    -10.0 * (0.5 - u)
}

impl Model for Noisy {
    type Data = f64;
    fn simulate(&mut self, batch: &[Proposal]) -> Result<Vec<f64>> {
        Ok(batch
            .iter()
            .map(|p| {
                let mut rng = Keys::new(self.key, p.generation as u32).stream(
                    Kind::Replication,
                    p.slot as u64,
                    0,
                );
                (theta(p.u[0]) + self.sd * normal(&mut rng) - OBSERVED).abs()
            })
            .collect())
    }
    fn adapt(&mut self, _: &[&f64]) -> Result<()> {
        Ok(())
    }
    fn distances(&self, data: &[&f64]) -> Result<Vec<f64>> {
        Ok(data.iter().map(|d| **d).collect())
    }
}

/// The last generation of a fit of [`Noisy`] with sd 1 against the closed form: with a
/// tolerance ε the ABC posterior is the exact one smoothed by a uniform on [-ε, ε]:
/// Normal(0.8, 1) convolved (variance 1 + ε²/3), truncation at ±5 negligible.
fn matches_the_closed_form(last: &Generation<f64>, history: &[Stats]) {
    let eps = history.last().unwrap().tolerance;
    let mean: f64 = last
        .particles
        .iter()
        .map(|p| p.weight * theta(p.u[0]))
        .sum();
    let var: f64 = last
        .particles
        .iter()
        .map(|p| p.weight * (theta(p.u[0]) - mean).powi(2))
        .sum();
    let expected_var = 1.0 + eps * eps / 3.0;
    let ess = history.last().unwrap().ess;
    // The mean's Monte Carlo error is about sd / sqrt(ESS); the sd's, sd / sqrt(2 ESS).
    assert!(
        (mean - OBSERVED).abs() < 4.0 * (expected_var / ess).sqrt(),
        "mean {mean}, ess {ess}"
    );
    assert!(
        (var.sqrt() / expected_var.sqrt() - 1.0).abs() < 4.0 / (2.0 * ess).sqrt(),
        "sd {} against {}, ess {ess}",
        var.sqrt(),
        expected_var.sqrt()
    );
    let weights: f64 = last.particles.iter().map(|p| p.weight).sum();
    assert!((weights - 1.0).abs() < 1e-9);
}

#[test]
fn recovers_a_normal_mean_and_its_spread() {
    let mut model = Noisy { sd: 1.0, key: 99 };
    let (last, history, stop) = sample(
        &settings(2000, 7),
        1,
        None,
        &mut model,
        None,
        &mut |_, _| Ok(()),
    )
    .unwrap();
    // Settled before the seventh generation: the posterior stopped moving.
    assert_eq!(stop, Stop::Settled);
    assert!(history.len() < 8 && history.last().unwrap().settled);
    assert!(history[..history.len() - 1].iter().all(|h| !h.settled));
    // Tolerances fall generation on generation.
    for w in history.windows(2) {
        assert!(w[1].tolerance < w[0].tolerance, "{history:?}");
    }
    matches_the_closed_form(&last, &history);
}

/// Screened by a model twice as noisy, or by one half as noisy (which rejects much of the
/// posterior's tails, so that a wrong weight factor would narrow it clearly), independent of
/// it, the posterior is still the model's, while fewer of its simulations run than proposals
/// are made.
#[test]
fn a_screen_saves_simulations_and_keeps_the_posterior_exact() {
    for sd in [2.0, 0.5] {
        let mut model = Noisy { sd: 1.0, key: 99 };
        let mut cheap = Noisy { sd, key: 98 };
        let screen = Screen {
            model: &mut cheap,
            continuation: 0.25,
            kept: None,
        };
        let (last, history, _) = sample(
            &settings(2000, 7),
            1,
            None,
            &mut model,
            Some(screen),
            &mut |_, _| Ok(()),
        )
        .unwrap();
        for h in &history[1..] {
            assert!(h.screened > h.simulations, "{history:?}");
        }
        matches_the_closed_form(&last, &history);
    }
}

/// Two independent parameters, each with its own observation: each marginal centres on its
/// own truth, and proposals arrive in slot order whatever the batch sizes.
#[test]
fn fits_two_dimensions_and_is_reproducible() {
    let run = || {
        let mut slots = Vec::new();
        let mut simulate = direct(|batch: &[Proposal]| -> Vec<(f64, usize)> {
            slots.extend(batch.iter().map(|p| (p.generation, p.slot)));
            batch
                .iter()
                .map(|p| {
                    let d = ((p.u[0] - 0.2).powi(2) + (p.u[1] - 0.7).powi(2)).sqrt();
                    (d, p.slot)
                })
                .collect()
        });
        let out = sample(
            &settings(300, 6),
            2,
            None,
            &mut simulate,
            None,
            &mut |_, _| Ok(()),
        )
        .unwrap();
        (out, slots)
    };
    let ((last, history, _), slots) = run();
    let mean = |d: usize| {
        last.particles
            .iter()
            .map(|p| p.weight * p.u[d])
            .sum::<f64>()
    };
    assert!((mean(0) - 0.2).abs() < 0.02, "{}", mean(0));
    assert!((mean(1) - 0.7).abs() < 0.02, "{}", mean(1));
    // Every generation's slots are 0, 1, 2, … with no gap.
    for (g, stats) in history.iter().enumerate() {
        let of: Vec<usize> = slots.iter().filter(|s| s.0 == g).map(|s| s.1).collect();
        assert_eq!(of, (0..of.len()).collect::<Vec<_>>());
        assert_eq!(of.len(), stats.simulations);
    }
    let ((again, _, _), _) = run();
    assert_eq!(last, again);
}

/// Stopping half-way and going on from the saved generation ends where one go ends.
#[test]
fn resuming_from_a_generation_ends_where_one_go_ends() {
    let sim = || {
        direct(|batch: &[Proposal]| -> Vec<(f64, ())> {
            batch.iter().map(|p| ((p.u[0] - 0.4).abs(), ())).collect()
        })
    };
    let whole = sample(&settings(100, 5), 1, None, &mut sim(), None, &mut |_, _| {
        Ok(())
    })
    .unwrap();
    let mut saved = Vec::new();
    let _ = sample(&settings(100, 2), 1, None, &mut sim(), None, &mut |g, h| {
        saved.push((g.clone(), h.to_vec()));
        Ok(())
    })
    .unwrap();
    let state = saved.pop().unwrap();
    let resumed = sample(
        &settings(100, 5),
        1,
        Some(state),
        &mut sim(),
        None,
        &mut |_, _| Ok(()),
    )
    .unwrap();
    assert_eq!(whole, resumed);
}

#[test]
fn a_budget_too_small_for_the_prior_is_refused_and_a_short_one_stops() {
    let mut sim = direct(|batch: &[Proposal]| -> Vec<(f64, ())> {
        batch.iter().map(|p| (p.u[0], ())).collect()
    });
    let mut s = settings(50, 10);
    s.max_simulations = 40;
    assert!(sample(&s, 1, None, &mut sim, None, &mut |_, _| Ok(())).is_err());
    s.max_simulations = 180;
    let (_, history, stop) = sample(&s, 1, None, &mut sim, None, &mut |_, _| Ok(())).unwrap();
    assert_eq!(stop, Stop::Budget);
    assert!(history.iter().map(|h| h.simulations).sum::<usize>() <= 180);
}

#[test]
fn truncated_densities_integrate_to_one() {
    for (c, sd) in [(0.5, 0.1), (0.05, 0.2), (0.99, 0.5), (0.3, 3.0)] {
        let n = 20_000;
        let integral: f64 = (0..n)
            .map(|i| truncated_normal_density((i as f64 + 0.5) / n as f64, c, sd) / n as f64)
            .sum();
        assert!((integral - 1.0).abs() < 1e-4, "{c} {sd}: {integral}");
    }
    assert!((weighted_quantile(&[(3.0, 1.0), (1.0, 1.0), (2.0, 2.0)], 0.5) - 2.0).abs() < 1e-12);
}

/// The settled rule: a posterior that barely moved is settled, one that moved by more than a
/// quarter of its width, or whose width changed by more than a quarter, is not; generation 1 never
/// is, nor one that still keeps much of what it proposes.
#[test]
fn a_posterior_is_settled_when_it_barely_moves() {
    let generation = |t: usize, centre: f64, spread: f64| Generation {
        particles: (0..101)
            .map(|i| Particle {
                u: vec![centre + spread * (i as f64 / 100.0 - 0.5)],
                weight: 1.0 / 101.0,
                distance: 0.0,
                slot: i,
                data: (),
            })
            .collect(),
        stats: Stats {
            generation: t,
            tolerance: 1.0,
            simulations: 101,
            screened: 0,
            acceptance: 0.1,
            ess: 101.0,
            settled: false,
        },
    };
    // 90 % intervals 0.18 wide: a median moved by 0.04 is settled, by 0.05 is not.
    assert!(settled(&generation(2, 0.5, 0.2), &generation(3, 0.54, 0.2)));
    assert!(!settled(
        &generation(2, 0.5, 0.2),
        &generation(3, 0.55, 0.2)
    ));
    // A width shrinking by a fifth is settled, by a third is not.
    assert!(settled(&generation(2, 0.5, 0.2), &generation(3, 0.5, 0.16)));
    assert!(!settled(&generation(2, 0.5, 0.3), &generation(3, 0.5, 0.2)));
    assert!(!settled(&generation(0, 0.5, 0.2), &generation(1, 0.5, 0.2)));
    let mut busy = generation(3, 0.5, 0.2);
    busy.stats.acceptance = 0.2;
    assert!(!settled(&generation(2, 0.5, 0.2), &busy));
}
