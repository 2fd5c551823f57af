//! Multifidelity screening of proposals: the cheaper model that decides most of them first
//! ([`Screen`]) and the batch of proposals judged with or without it ([`decide`]).

use super::types::{Generation, Model, Proposal, Settings};
use crate::rng::{Keys, Kind, open01};
use crate::run::summary::weighted_quantile;
use anyhow::Result;

/// The probability (η) that a proposal the screen rejects is simulated all the same, in
/// calibrations: a quarter, so a screened generation runs about a quarter of the full
/// simulations of the proposals its screen rejects, and a kept one of them weighs 4.
pub(crate) const CONTINUATION: f64 = 0.25;

/// Multifidelity screening (Prescott and Baker 2020, "Multifidelity approximate Bayesian
/// computation", SIAM/ASA J. Uncertainty Quantification 8): a cheaper model (a smaller world)
/// simulates every proposal first; a proposal it keeps within its own tolerance goes on to the
/// model, one it rejects goes on only with probability `continuation` (η), and is then kept with
/// its weight multiplied by 1/η. A proposal is thus kept with the model's own ABC probability on
/// average, whatever the screen decides (the weight factor's expectation given the point is the
/// model's acceptance probability), so the posterior is the model's, exactly; the screen decides
/// only how many full simulations it costs. Every proposal the screen keeps goes on (η = 1 there),
/// so no weight is ever negative.
pub(crate) struct Screen<'m, M: Model> {
    /// The cheaper model.
    pub(crate) model: &'m mut M,
    /// Probability that a proposal the screen rejects is simulated all the same (0 < η ≤ 1).
    pub(crate) continuation: f64,
    /// The screen's simulations of the last generation's particles, in order, when known.
    pub(crate) kept: Option<Vec<M::Data>>,
}

impl<M: Model> Screen<'_, M> {
    /// The screen's tolerance for the generation after `last`, as the model's is set: its
    /// distance adapted to its own simulations of `last`'s particles (made again, in the same
    /// worlds, when not kept from their screening: generation 0's, or after a resume), and their
    /// quantile.
    pub(super) fn tolerance(
        &mut self,
        settings: &Settings,
        last: &Generation<M::Data>,
    ) -> Result<f64> {
        let sims = match self.kept.take() {
            Some(sims) if sims.len() == last.particles.len() => sims,
            _ => {
                let again: Vec<Proposal> = last
                    .particles
                    .iter()
                    .map(|p| Proposal {
                        generation: last.stats.generation,
                        slot: p.slot,
                        u: p.u.clone(),
                    })
                    .collect();
                self.model.simulate(&again)?
            }
        };
        let refs: Vec<&M::Data> = sims.iter().collect();
        self.model.adapt(&refs)?;
        let measured: Vec<(f64, f64)> = self
            .model
            .distances(&refs)?
            .into_iter()
            .zip(&last.particles)
            .map(|(d, p)| (d, p.weight))
            .collect();
        Ok(weighted_quantile(&measured, settings.quantile))
    }
}

/// What became of one proposal.
pub(super) struct Decided<T> {
    /// The point.
    pub(super) proposal: Proposal,
    /// The model's simulation, if it ran, and its distance.
    pub(super) simulated: Option<(T, f64)>,
    /// Whether it is kept (its model simulation within the tolerance).
    pub(super) kept: bool,
    /// Its weight factor: 1, or 1/η for one the screen rejected.
    pub(super) factor: f64,
    /// The screen's simulation, if screened.
    pub(super) screened: Option<T>,
}

/// The proposals of a batch, simulated and judged at `tolerance`: all by the model alone, or
/// first by the screen at its own tolerance (see [`Screen`]). Returns what became of each, in
/// order, and how many model simulations ran.
pub(super) fn decide<M: Model>(
    settings: &Settings,
    proposals: Vec<Proposal>,
    tolerance: f64,
    model: &mut M,
    screening: Option<&mut (f64, &mut Screen<M>)>,
) -> Result<(Vec<Decided<M::Data>>, usize)> {
    let Some((screen_tolerance, screen)) = screening else {
        let sims = model.simulate(&proposals)?;
        let distances = model.distances(&sims.iter().collect::<Vec<_>>())?;
        let ran = proposals.len();
        let decided = proposals
            .into_iter()
            .zip(sims.into_iter().zip(distances))
            .map(|(proposal, (data, d))| Decided {
                proposal,
                kept: d <= tolerance,
                simulated: Some((data, d)),
                factor: 1.0,
                screened: None,
            })
            .collect();
        return Ok((decided, ran));
    };
    let cheap = screen.model.simulate(&proposals)?;
    let cheap_distances = screen.model.distances(&cheap.iter().collect::<Vec<_>>())?;
    let eta = screen.continuation;
    // Passed the screen (factor 1), or drawn to go on regardless (factor 1/η), or stopped.
    let factors: Vec<Option<f64>> = proposals
        .iter()
        .zip(&cheap_distances)
        .map(|(p, &d)| {
            if d <= *screen_tolerance {
                Some(1.0)
            } else {
                let mut rng = Keys::new(settings.seed, p.generation as u32).stream(
                    Kind::Calibration,
                    p.slot as u64,
                    1,
                );
                (open01(&mut rng) < eta).then_some(1.0 / eta)
            }
        })
        .collect();
    let going: Vec<Proposal> = proposals
        .iter()
        .zip(&factors)
        .filter(|(_, f)| f.is_some())
        .map(|(p, _)| p.clone())
        .collect();
    let sims = model.simulate(&going)?;
    let distances = model.distances(&sims.iter().collect::<Vec<_>>())?;
    let mut full = sims.into_iter().zip(distances);
    let ran = going.len();
    let decided = proposals
        .into_iter()
        .zip(factors)
        .zip(cheap)
        .map(|((proposal, factor), screened)| {
            let simulated = factor.and_then(|_| full.next());
            Decided {
                proposal,
                kept: simulated.as_ref().is_some_and(|(_, d)| *d <= tolerance),
                simulated,
                factor: factor.unwrap_or(0.0),
                screened: Some(screened),
            }
        })
        .collect();
    Ok((decided, ran))
}
