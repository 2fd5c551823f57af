//! The sampler's vocabulary: its settings, proposals, particles, generations and the model it
//! calls, apart from the sampler itself so that the screen and the sampler both name them
//! without naming each other.

use anyhow::Result;

/// Most proposals in one generation (their slots number their worlds:
/// `crate::calibration::simulate::world`).
pub(crate) const MAX_PROPOSALS: usize = 1 << 20;

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
    /// in: `crate::calibration::simulate::world`).
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
    /// Simulations run (of the model itself).
    pub(crate) simulations: usize,
    /// Proposals screened on the cheaper model first (0 without a screen: `super::Screen`).
    pub(crate) screened: usize,
    /// Share of the proposals kept: the ABC acceptance rate (with a screen, each kept proposal
    /// counts by its weight factor, which makes the share the one the model alone would keep).
    pub(crate) acceptance: f64,
    /// Effective sample size of the kept particles' weights.
    pub(crate) ess: f64,
    /// Whether its posterior barely differs from the previous generation's (`super::settled`).
    pub(crate) settled: bool,
}

/// A finished generation: its particles and what it did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Generation<T> {
    /// The kept particles, in proposal order.
    pub(crate) particles: Vec<Particle<T>>,
    /// What it did.
    pub(crate) stats: Stats,
}

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
