//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, the population Monte
//! Carlo form of Beaumont, Cornuet, Marin and Robert 2009, with the adaptive tolerance schedule of
//! Del Moral, Doucet and Jasra 2012): the sampler alone, over parameters scaled to the unit cube
//! (where every prior is uniform), knowing nothing of scenarios.
//!
//! Generation 0 draws `particles` points from the prior and keeps them all. Each later generation
//! first lets the model adapt its distance to the previous generation's simulations (the
//! adaptive distance of Prangle 2017: see `super::observed`), recomputes their distances, sets
//! its tolerance to a quantile of them, then proposes points
//! (a parent drawn by weight, moved by a Gaussian kernel whose variance is twice the parents'
//! weighted variance, per dimension, redrawn until inside the cube) until `particles` of them
//! land within the tolerance. A kept point's weight is the prior over the proposal density, the
//! mixture of the truncated kernels around every parent.
//!
//! Proposal `k` of generation `t` comes from its own keyed stream, and the `particles` kept are
//! the first within the tolerance in proposal order: the result is the same whatever runs the
//! simulations, on how many threads or ranks, in what batches.

use crate::rng::{Keys, Kind, open01};
use crate::run::summary::weighted_quantile;
use anyhow::Result;

/// The sampler's limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Particles kept per generation.
    pub(crate) particles: usize,
    /// Each generation's tolerance is this quantile of the previous one's distances.
    pub(crate) quantile: f64,
    /// Most generations after the prior's.
    pub(crate) max_generations: usize,
    /// Most simulations in all (a generation that would need more is not started, or stops).
    pub(crate) max_simulations: usize,
    /// A generation accepting fewer of its simulations than this is the last.
    pub(crate) min_acceptance: f64,
    /// The seed the proposal streams are keyed by.
    pub(crate) seed: u64,
}

/// A kept point: where it is, its weight (normalised in its generation), its distance, and what
/// its simulation left that the caller wants to keep.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Particle<T> {
    /// The point, each coordinate in [0, 1].
    pub(crate) u: Vec<f64>,
    /// Normalised importance weight.
    pub(crate) weight: f64,
    /// Distance of its simulation to the observations.
    pub(crate) distance: f64,
    /// Its position in its generation's proposal order (which names the world it was simulated
    /// in: `super::simulate::world`).
    pub(crate) slot: usize,
    /// The simulation's kept output.
    pub(crate) data: T,
}

/// One proposal to simulate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Proposal {
    /// Its generation.
    pub(crate) generation: usize,
    /// Its position in the generation's proposal order.
    pub(crate) slot: usize,
    /// The point.
    pub(crate) u: Vec<f64>,
}

/// What one generation did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stats {
    /// Its number (0 is the prior's).
    pub(crate) generation: usize,
    /// The tolerance (infinite for generation 0, which keeps every draw).
    pub(crate) tolerance: f64,
    /// Simulations run.
    pub(crate) simulations: usize,
    /// Share of them kept.
    pub(crate) acceptance: f64,
    /// Effective sample size of the kept particles' weights.
    pub(crate) ess: f64,
}

/// A finished generation: its particles and what it did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Generation<T> {
    /// The kept particles, in proposal order.
    pub(crate) particles: Vec<Particle<T>>,
    /// What it did.
    pub(crate) stats: Stats,
}

/// Why the sampler stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// `max_generations` were run.
    Generations,
    /// The next generation could not be finished within `max_simulations`.
    Budget,
    /// The last generation accepted less than `min_acceptance` of its simulations: more
    /// generations would cost much and refine little (the usual sign of convergence).
    Acceptance,
}

impl Stop {
    /// For the report and the terminal.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Stop::Generations => "the most generations allowed were run",
            Stop::Budget => "the next generation would have exceeded the simulation budget",
            Stop::Acceptance => {
                "the last generation kept less than the minimum share of its simulations (converged)"
            }
        }
    }
}

/// Where a calibration stands after a generation: its particles and every generation's stats.
pub(crate) type State<T> = (Generation<T>, Vec<Stats>);

/// Told of each finished generation, with every generation's stats so far.
pub(crate) type Finished<'a, T> = dyn FnMut(&Generation<T>, &[Stats]) -> Result<()> + 'a;

/// What the sampler samples: simulations of proposals, and their distances to the observations
/// under scales the model may adapt to a generation's simulations. Every method is called by every
/// rank in the same order (a model spread over ranks communicates inside them).
pub(crate) trait Model {
    /// What a simulation leaves that the model measures (and the caller keeps).
    type Data: Clone;
    /// Simulates `batch`: one datum per proposal, in order.
    fn simulate(&mut self, batch: &[Proposal]) -> Result<Vec<Self::Data>>;
    /// Adapts the distance to the simulations a generation kept.
    fn adapt(&mut self, kept: &[&Self::Data]) -> Result<()>;
    /// The distances of `data` to the observations, under the current scales.
    fn distances(&self, data: &[&Self::Data]) -> Result<Vec<f64>>;
}

/// Runs the sampler over `dims` dimensions from `done` (the generations a previous, interrupted
/// calibration finished: the last one's particles and every one's stats; `None` to start afresh).
/// `finished` is told of each generation as it ends (to save it, or show it). Returns the last
/// generation, every generation's stats and why it stopped.
pub(crate) fn sample<M: Model>(
    settings: &Settings,
    dims: usize,
    done: Option<State<M::Data>>,
    model: &mut M,
    finished: &mut Finished<M::Data>,
) -> Result<(Generation<M::Data>, Vec<Stats>, Stop)> {
    let n = settings.particles.max(1);
    let (mut last, mut history) = match done {
        Some(state) => state,
        None => {
            if settings.max_simulations < n {
                anyhow::bail!(
                    "a calibration of {n} particles needs at least {n} simulations; max_simulations is {}",
                    settings.max_simulations
                );
            }
            let proposals: Vec<Proposal> = (0..n)
                .map(|slot| Proposal {
                    generation: 0,
                    slot,
                    u: prior_draw(settings.seed, slot, dims),
                })
                .collect();
            let sims = model.simulate(&proposals)?;
            model.adapt(&sims.iter().collect::<Vec<_>>())?;
            let distances = model.distances(&sims.iter().collect::<Vec<_>>())?;
            let particles: Vec<Particle<M::Data>> = proposals
                .into_iter()
                .zip(sims)
                .zip(distances)
                .map(|((p, data), distance)| Particle {
                    u: p.u,
                    weight: 1.0 / n as f64,
                    distance,
                    slot: p.slot,
                    data,
                })
                .collect();
            let first = Generation {
                stats: Stats {
                    generation: 0,
                    tolerance: f64::INFINITY,
                    simulations: n,
                    acceptance: 1.0,
                    ess: n as f64,
                },
                particles,
            };
            let history = vec![first.stats];
            finished(&first, &history)?;
            (first, history)
        }
    };
    loop {
        if let Some(stop) = stop_after(settings, &history) {
            return Ok((last, history, stop));
        }
        let used: usize = history.iter().map(|s| s.simulations).sum();
        let t = history.len();
        // The distance adapts to the previous generation, whose distances are measured anew.
        let kept: Vec<&M::Data> = last.particles.iter().map(|p| &p.data).collect();
        model.adapt(&kept)?;
        // (Each particle keeps the distance it was accepted at; only the tolerance uses these.)
        let remeasured: Vec<(f64, f64)> = model
            .distances(&kept)?
            .into_iter()
            .zip(&last.particles)
            .map(|(d, p)| (d, p.weight))
            .collect();
        let tolerance = weighted_quantile(&remeasured, settings.quantile);
        let Some(next) = generation(
            settings,
            t,
            tolerance,
            &last,
            settings.max_simulations - used,
            model,
        )?
        else {
            return Ok((last, history, Stop::Budget));
        };
        history.push(next.stats);
        finished(&next, &history)?;
        last = next;
    }
}

/// Why to stop after the generations in `history`, if at all.
fn stop_after(settings: &Settings, history: &[Stats]) -> Option<Stop> {
    let last = history.last()?;
    if history.len() > settings.max_generations {
        return Some(Stop::Generations);
    }
    if last.generation > 0 && last.acceptance < settings.min_acceptance {
        return Some(Stop::Acceptance);
    }
    let used: usize = history.iter().map(|s| s.simulations).sum();
    (used + settings.particles > settings.max_simulations).then_some(Stop::Budget)
}

/// Generation `t` at `tolerance` from the particles of `last`, within `budget` simulations
/// (`None` when they run out before `particles` are kept).
fn generation<M: Model>(
    settings: &Settings,
    t: usize,
    tolerance: f64,
    last: &Generation<M::Data>,
    budget: usize,
    model: &mut M,
) -> Result<Option<Generation<M::Data>>> {
    let n = settings.particles.max(1);
    let kernel = Kernel::around(&last.particles);
    let cumulative: Vec<f64> = last
        .particles
        .iter()
        .scan(0.0, |sum, p| {
            *sum += p.weight;
            Some(*sum)
        })
        .collect();
    let mut kept: Vec<Particle<M::Data>> = Vec::with_capacity(n);
    let mut simulations = 0usize;
    // The first batch expects the quantile's share to be kept; later ones this generation's rate.
    let mut rate = settings.quantile.max(0.05);
    while kept.len() < n {
        let left = budget - simulations;
        if left == 0 {
            return Ok(None);
        }
        let wanted = ((n - kept.len()) as f64 / rate).ceil() as usize;
        let size = wanted.clamp(n - kept.len(), 4 * n).min(left);
        let proposals: Vec<Proposal> = (simulations..simulations + size)
            .map(|slot| Proposal {
                generation: t,
                slot,
                u: kernel.propose(settings.seed, t, slot, &last.particles, &cumulative),
            })
            .collect();
        let sims = model.simulate(&proposals)?;
        let distances = model.distances(&sims.iter().collect::<Vec<_>>())?;
        simulations += size;
        for ((p, data), distance) in proposals.into_iter().zip(sims).zip(distances) {
            if distance <= tolerance && kept.len() < n {
                kept.push(Particle {
                    weight: 0.0,
                    u: p.u,
                    distance,
                    slot: p.slot,
                    data,
                });
            }
        }
        rate = (kept.len() as f64 / simulations as f64).max(0.01);
    }
    // Importance weights: the uniform prior over the mixture of truncated kernels.
    let raw: Vec<f64> = kept
        .iter()
        .map(|p| 1.0 / kernel.mixture_density(&p.u, &last.particles))
        .collect();
    let total: f64 = raw.iter().sum();
    for (p, w) in kept.iter_mut().zip(&raw) {
        p.weight = w / total;
    }
    let ess = 1.0 / kept.iter().map(|p| p.weight * p.weight).sum::<f64>();
    Ok(Some(Generation {
        stats: Stats {
            generation: t,
            tolerance,
            simulations,
            acceptance: n as f64 / simulations as f64,
            ess,
        },
        particles: kept,
    }))
}

/// Prior draw `slot`: uniform on the cube.
fn prior_draw(seed: u64, slot: usize, dims: usize) -> Vec<f64> {
    let mut rng = Keys::new(seed, 0).stream(Kind::Calibration, slot as u64, 0);
    (0..dims).map(|_| open01(&mut rng)).collect()
}

/// The perturbation kernel: independent Gaussians per dimension, truncated to [0, 1].
struct Kernel {
    /// Standard deviation per dimension.
    sd: Vec<f64>,
}

impl Kernel {
    /// Twice the weighted variance of `particles` per dimension (Beaumont et al.'s choice, which
    /// minimises the Kullback–Leibler divergence from the next target for a Gaussian kernel).
    fn around<T>(particles: &[Particle<T>]) -> Kernel {
        let dims = particles.first().map_or(0, |p| p.u.len());
        let sd = (0..dims)
            .map(|d| {
                let mean: f64 = particles.iter().map(|p| p.weight * p.u[d]).sum();
                let var: f64 = particles
                    .iter()
                    .map(|p| p.weight * (p.u[d] - mean).powi(2))
                    .sum();
                // A collapsed dimension still moves a little, so the kernel stays a density.
                (2.0 * var).sqrt().max(1e-4)
            })
            .collect();
        Kernel { sd }
    }

    /// Proposal `slot` of generation `t`: a parent drawn by weight, moved and redrawn until inside
    /// the cube (each dimension on its own, which is what the truncated density describes).
    fn propose<T>(
        &self,
        seed: u64,
        t: usize,
        slot: usize,
        parents: &[Particle<T>],
        cumulative: &[f64],
    ) -> Vec<f64> {
        let mut rng = Keys::new(seed, t as u32).stream(Kind::Calibration, slot as u64, 0);
        let total = cumulative.last().copied().unwrap_or(1.0);
        let pick = open01(&mut rng) * total;
        let parent = cumulative
            .partition_point(|&c| c < pick)
            .min(parents.len() - 1);
        parents[parent]
            .u
            .iter()
            .zip(&self.sd)
            .map(|(&centre, &sd)| {
                loop {
                    let x = centre + sd * normal(&mut rng);
                    if (0.0..=1.0).contains(&x) {
                        break x;
                    }
                }
            })
            .collect()
    }

    /// The proposal density at `u`: the weighted mixture of truncated kernels around `parents`.
    fn mixture_density<T>(&self, u: &[f64], parents: &[Particle<T>]) -> f64 {
        parents
            .iter()
            .map(|p| {
                p.weight
                    * u.iter()
                        .zip(&p.u)
                        .zip(&self.sd)
                        .map(|((&x, &c), &sd)| truncated_normal_density(x, c, sd))
                        .product::<f64>()
            })
            .sum::<f64>()
            .max(f64::MIN_POSITIVE)
    }
}

/// The density at `x` of a normal around `centre` with deviation `sd`, truncated to [0, 1].
fn truncated_normal_density(x: f64, centre: f64, sd: f64) -> f64 {
    let z = (x - centre) / sd;
    let inside = normal_cdf((1.0 - centre) / sd) - normal_cdf(-centre / sd);
    (-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt() * inside.max(1e-300))
}

/// The standard normal distribution function.
fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// A standard normal draw (Box–Muller, one of the pair).
fn normal(rng: &mut crate::rng::Stream) -> f64 {
    let (a, b) = (open01(rng), open01(rng));
    (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
}

#[cfg(test)]
mod tests {
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

    /// A model with a closed-form posterior: `y ~ Normal(θ, 1)`, θ uniform on [-5, 5], observed
    /// y = 0.8. With a tolerance ε the ABC posterior is the exact one smoothed by a uniform on
    /// [-ε, ε]: Normal(0.8, 1) convolved (variance 1 + ε²/3), truncation at ±5 negligible.
    #[test]
    fn recovers_a_normal_mean_and_its_spread() {
        let observed = 0.8;
        let theta = |u: f64| -10.0 * (0.5 - u);
        let mut simulate = direct(|batch: &[Proposal]| -> Vec<(f64, ())> {
            batch
                .iter()
                .map(|p| {
                    // The simulation's noise, keyed by the proposal as a model's own draws are.
                    let mut rng = Keys::new(99, p.generation as u32).stream(
                        Kind::Replication,
                        p.slot as u64,
                        0,
                    );
                    let y = theta(p.u[0]) + normal(&mut rng);
                    ((y - observed).abs(), ())
                })
                .collect()
        });
        let (last, history, stop) =
            sample(&settings(2000, 7), 1, None, &mut simulate, &mut |_, _| {
                Ok(())
            })
            .unwrap();
        assert_eq!(stop, Stop::Generations);
        assert_eq!(history.len(), 8);
        // Tolerances fall generation on generation.
        for w in history.windows(2) {
            assert!(w[1].tolerance < w[0].tolerance, "{history:?}");
        }
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
        // The mean's Monte Carlo error is about sd / sqrt(ESS).
        assert!(
            (mean - observed).abs() < 4.0 * (expected_var / ess).sqrt(),
            "mean {mean}, ess {ess}"
        );
        assert!(
            (var.sqrt() / expected_var.sqrt() - 1.0).abs() < 0.08,
            "sd {} against {}",
            var.sqrt(),
            expected_var.sqrt()
        );
        let weights: f64 = last.particles.iter().map(|p| p.weight).sum();
        assert!((weights - 1.0).abs() < 1e-9);
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
        let whole = sample(&settings(100, 5), 1, None, &mut sim(), &mut |_, _| Ok(())).unwrap();
        let mut saved = Vec::new();
        let _ = sample(&settings(100, 2), 1, None, &mut sim(), &mut |g, h| {
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
        assert!(sample(&s, 1, None, &mut sim, &mut |_, _| Ok(())).is_err());
        s.max_simulations = 180;
        let (_, history, stop) = sample(&s, 1, None, &mut sim, &mut |_, _| Ok(())).unwrap();
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
        assert!(
            (weighted_quantile(&[(3.0, 1.0), (1.0, 1.0), (2.0, 2.0)], 0.5) - 2.0).abs() < 1e-12
        );
    }
}
