//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, the population Monte
//! Carlo form of Beaumont, Cornuet, Marin and Robert 2009, with the adaptive tolerance schedule of
//! Del Moral, Doucet and Jasra 2012): the sampler alone, over parameters scaled to the unit cube
//! (where every prior is uniform), knowing nothing of scenarios.
//!
//! Generation 0 draws `particles` points from the prior and keeps them all. Each later generation
//! first lets the model adapt its distance to the previous generation's simulations (the
//! adaptive distance of Prangle 2017: see `super::observed`), recomputes their distances, sets
//! its tolerance to a quantile of them, then proposes points (a parent drawn by weight, moved by
//! a Gaussian kernel per dimension whose variance is the parent's weighted mean square distance
//! to the particles within the new tolerance, the locally optimal kernel of Filippi et al. 2013,
//! redrawn until inside the cube) until `particles` of them land within the tolerance. A kept
//! point's weight is the prior over the proposal density, the mixture of the truncated kernels
//! around every parent. It stops after `max_generations`, when the budget cannot pay for another
//! generation, when a generation keeps less than `min_acceptance` of its proposals, or when its
//! posterior has settled (see [`settled`]).
//!
//! Proposal `k` of generation `t` comes from its own keyed stream, and the `particles` kept are
//! the first within the tolerance in proposal order: the result is the same whatever runs the
//! simulations, on how many threads or ranks, in what batches.
//!
//! A cheaper model may screen the proposals first (multifidelity ABC: `screen`), which changes
//! how many simulations a generation costs and their weights, not what the particles sample.

mod screen;
mod types;

use crate::rng::{Keys, Kind, open01};
use crate::run::summary::weighted_quantile;
use anyhow::Result;
use screen::decide;
pub(crate) use screen::{CONTINUATION as SCREEN_CONTINUATION, Screen};
pub(crate) use types::{Generation, MAX_PROPOSALS, Model, Particle, Proposal, Settings, Stats};

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
    /// The last generation's posterior barely differs from the one before ([`settled`]): more
    /// generations would not change the answer.
    Settled,
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
            Stop::Settled => {
                "the posterior no longer moved from one generation to the next (converged)"
            }
        }
    }

    /// Whether the sampler converged (rather than ran out of generations or simulations).
    pub(crate) fn converged(self) -> bool {
        matches!(self, Stop::Acceptance | Stop::Settled)
    }
}

/// How far a generation's posterior may move from the previous one's and still count as
/// settled: per key, its median by at most this share of its 90 % interval's width, and that
/// width by at most this share of itself.
pub(crate) const SETTLED: f64 = 0.25;

/// A generation counts as settled only once it keeps less than this share of its proposals:
/// the tolerance has then come down to the noise the worlds put into the observations, below
/// which the posterior stops narrowing. Before that, two generations can agree by chance while
/// the posterior is still wider and shifted.
pub(crate) const SETTLED_ACCEPTANCE: f64 = 0.15;

/// Whether `next`'s posterior barely differs from `last`'s (see [`SETTLED`]), in the prior's
/// unit scale, per key, at an acceptance below [`SETTLED_ACCEPTANCE`]. Generation 1 is never
/// settled: its predecessor is the prior itself.
pub(crate) fn settled<T>(last: &Generation<T>, next: &Generation<T>) -> bool {
    if last.stats.generation == 0 || next.stats.acceptance >= SETTLED_ACCEPTANCE {
        return false;
    }
    let dims = next.particles.first().map_or(0, |p| p.u.len());
    (0..dims).all(|d| {
        let quantiles = |g: &Generation<T>| {
            let values: Vec<(f64, f64)> = g.particles.iter().map(|p| (p.u[d], p.weight)).collect();
            [0.05, 0.5, 0.95].map(|q| weighted_quantile(&values, q))
        };
        let (a, b) = (quantiles(last), quantiles(next));
        let (wa, wb) = (a[2] - a[0], b[2] - b[0]);
        (b[1] - a[1]).abs() <= SETTLED * wb && (wb - wa).abs() <= SETTLED * wb.max(wa)
    })
}

/// Where a calibration stands after a generation: its particles and every generation's stats.
pub(crate) type State<T> = (Generation<T>, Vec<Stats>);

/// Told of each finished generation, with every generation's stats so far.
pub(crate) type Finished<'a, T> = dyn FnMut(&Generation<T>, &[Stats]) -> Result<()> + 'a;

/// Runs the sampler over `dims` dimensions from `done` (the generations a previous, interrupted
/// calibration finished: the last one's particles and every one's stats; `None` to start afresh),
/// screening proposals with `screen` if given. `finished` is told of each generation as it ends
/// (to save it, or show it). Returns the last generation, every generation's stats and why it
/// stopped.
pub(crate) fn sample<M: Model>(
    settings: &Settings,
    dims: usize,
    done: Option<State<M::Data>>,
    model: &mut M,
    mut screen: Option<Screen<M>>,
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
            let first = prior_generation(settings, dims, model)?;
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
        let (tolerance, remeasured) = tolerance(settings, &last, model)?;
        let kernel = Kernel::around(&last.particles, &remeasured, tolerance);
        let screening = match screen.as_mut() {
            Some(s) => Some((s.tolerance(settings, &last)?, s)),
            None => None,
        };
        let Some((next, screened)) = generation(
            settings,
            (t, tolerance),
            (&last, &kernel),
            settings.max_simulations - used,
            model,
            screening,
        )?
        else {
            return Ok((last, history, Stop::Budget));
        };
        if let Some(s) = screen.as_mut() {
            s.kept = screened;
        }
        let mut next = next;
        next.stats.settled = settled(&last, &next);
        history.push(next.stats);
        finished(&next, &history)?;
        last = next;
    }
}

/// Generation 0: `particles` draws from the prior, each simulated and kept.
fn prior_generation<M: Model>(
    settings: &Settings,
    dims: usize,
    model: &mut M,
) -> Result<Generation<M::Data>> {
    let n = settings.particles.max(1);
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
    Ok(Generation {
        stats: Stats {
            generation: 0,
            tolerance: f64::INFINITY,
            simulations: n,
            screened: 0,
            acceptance: 1.0,
            ess: n as f64,
            settled: false,
        },
        particles,
    })
}

/// The next generation's tolerance: the distance adapted to `last`'s simulations, whose
/// distances are measured anew, and their `quantile`. (Each particle keeps the distance it was
/// accepted at; only the tolerance uses these.)
fn tolerance<M: Model>(
    settings: &Settings,
    last: &Generation<M::Data>,
    model: &mut M,
) -> Result<(f64, Vec<f64>)> {
    let kept: Vec<&M::Data> = last.particles.iter().map(|p| &p.data).collect();
    model.adapt(&kept)?;
    let remeasured = model.distances(&kept)?;
    let weighted: Vec<(f64, f64)> = remeasured
        .iter()
        .zip(&last.particles)
        .map(|(&d, p)| (d, p.weight))
        .collect();
    Ok((weighted_quantile(&weighted, settings.quantile), remeasured))
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
    if last.settled {
        return Some(Stop::Settled);
    }
    let used: usize = history.iter().map(|s| s.simulations).sum();
    (used + settings.particles > settings.max_simulations).then_some(Stop::Budget)
}

/// A particle kept, with its weight factor and its screen's simulation (when screened).
type Keeping<T> = (Particle<T>, f64, Option<T>);

/// A generation and the screen's simulations of its particles (when screened).
type Screened<T> = (Generation<T>, Option<Vec<T>>);

/// Generation `t` at `tolerance` from the particles of `last`, within `budget` model simulations
/// (`None` when they run out before `particles` are kept), screened by `screening` (the screen's
/// tolerance and the screen) if given.
fn generation<M: Model>(
    settings: &Settings,
    (t, tolerance): (usize, f64),
    (last, kernel): (&Generation<M::Data>, &Kernel),
    budget: usize,
    model: &mut M,
    mut screening: Option<(f64, &mut Screen<M>)>,
) -> Result<Option<Screened<M::Data>>> {
    let n = settings.particles.max(1);
    let cumulative: Vec<f64> = last
        .particles
        .iter()
        .scan(0.0, |sum, p| {
            *sum += p.weight;
            Some(*sum)
        })
        .collect();
    // Each kept particle with its weight factor and its screen's simulation.
    let mut kept: Vec<Keeping<M::Data>> = Vec::with_capacity(n);
    let (mut simulations, mut proposed, mut accepted) = (0usize, 0usize, 0.0f64);
    // The first batch expects the quantile's share to be kept; later ones this generation's rate.
    let mut rate = settings.quantile.max(0.05);
    while kept.len() < n {
        let left = budget - simulations;
        if left == 0 {
            return Ok(None);
        }
        let wanted = ((n - kept.len()) as f64 / rate).ceil() as usize;
        let size = wanted
            .clamp(n - kept.len(), 4 * n)
            .min(left)
            .min(MAX_PROPOSALS - proposed);
        if size == 0 {
            return Ok(None);
        }
        let proposals: Vec<Proposal> = (proposed..proposed + size)
            .map(|slot| Proposal {
                generation: t,
                slot,
                u: kernel.propose(settings.seed, t, slot, &last.particles, &cumulative),
            })
            .collect();
        let (decided, ran) = decide(settings, proposals, tolerance, model, screening.as_mut())?;
        simulations += ran;
        proposed += size;
        for d in decided {
            if let (true, Some((data, distance))) = (d.kept && kept.len() < n, d.simulated) {
                accepted += d.factor;
                let particle = Particle {
                    weight: 0.0,
                    u: d.proposal.u,
                    distance,
                    slot: d.proposal.slot,
                    data,
                };
                kept.push((particle, d.factor, d.screened));
            }
        }
        rate = (kept.len() as f64 / proposed as f64).max(0.01);
    }
    // Importance weights: the uniform prior over the mixture of truncated kernels, times each
    // particle's screening factor.
    let raw: Vec<f64> = kept
        .iter()
        .map(|(p, factor, _)| factor / kernel.mixture_density(&p.u, &last.particles))
        .collect();
    let total: f64 = raw.iter().sum();
    let screened_sims: Option<Vec<M::Data>> = kept.iter().map(|k| k.2.clone()).collect();
    let mut particles: Vec<Particle<M::Data>> = kept.into_iter().map(|k| k.0).collect();
    for (p, w) in particles.iter_mut().zip(&raw) {
        p.weight = w / total;
    }
    let ess = 1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>();
    let screened = if screening.is_some() { proposed } else { 0 };
    Ok(Some((
        Generation {
            stats: Stats {
                generation: t,
                tolerance,
                simulations,
                screened,
                acceptance: accepted / proposed as f64,
                ess,
                settled: false,
            },
            particles,
        },
        screened_sims,
    )))
}

/// Prior draw `slot`: uniform on the cube.
fn prior_draw(seed: u64, slot: usize, dims: usize) -> Vec<f64> {
    let mut rng = Keys::new(seed, 0).stream(Kind::Calibration, slot as u64, 0);
    (0..dims).map(|_| open01(&mut rng)).collect()
}

/// The perturbation kernel: around each parent, independent Gaussians per dimension, truncated
/// to [0, 1].
struct Kernel {
    /// Per parent, its standard deviation per dimension.
    sd: Vec<Vec<f64>>,
}

impl Kernel {
    /// The locally optimal kernel of Filippi, Barnes, Cornebise and Stumpf (2013, "On optimality
    /// of kernels for approximate Bayesian computation using sequential Monte Carlo", SAGMB 12),
    /// per dimension: around each parent, the weighted mean square distance to the particles the
    /// new tolerance keeps (`remeasured` distances at most `tolerance`). A parent inside the
    /// region the next generation keeps proposes close to itself, one outside reaches back
    /// toward it; both keep more of their proposals than twice the particles' global variance
    /// (Beaumont et al. 2009, the kernel before), which asks each parent to cover the whole
    /// posterior.
    fn around<T>(particles: &[Particle<T>], remeasured: &[f64], tolerance: f64) -> Kernel {
        let dims = particles.first().map_or(0, |p| p.u.len());
        let near: Vec<&Particle<T>> = particles
            .iter()
            .zip(remeasured)
            .filter(|(p, d)| **d <= tolerance && p.weight > 0.0)
            .map(|(p, _)| p)
            .collect();
        // The tolerance is a quantile of these distances, so some particle is within it; all of
        // them stand in should rounding leave none.
        let near = if near.is_empty() {
            particles.iter().collect()
        } else {
            near
        };
        let total: f64 = near
            .iter()
            .map(|p| p.weight)
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        let sd = particles
            .iter()
            .map(|parent| {
                (0..dims)
                    .map(|d| {
                        let msd: f64 = near
                            .iter()
                            .map(|p| p.weight * (p.u[d] - parent.u[d]).powi(2))
                            .sum::<f64>()
                            / total;
                        // A collapsed dimension still moves a little, so the kernel stays a
                        // density.
                        msd.sqrt().max(1e-4)
                    })
                    .collect()
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
            .zip(&self.sd[parent])
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
            .zip(&self.sd)
            .map(|(p, sd)| {
                p.weight
                    * u.iter()
                        .zip(&p.u)
                        .zip(sd)
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
mod tests;
