//! Distributions a scenario can give for counts and sizes, validated and ready to sample.
//!
//! Every kind may carry `min` and `max`, which clamp each draw. Counts are draws rounded to the
//! nearest integer, then clamped. Sampling takes any `rand::Rng`, so callers pass the entity's own
//! stream and the draws stay keyed by entity.

use crate::rng::open01;
use rand::Rng;
use rand_distr::{Distribution as _, Gamma, Poisson, StandardNormal};

/// The shape of a distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Always `value`.
    Fixed(f64),
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// `exp(N(ln median, sigma²))`.
    Lognormal {
        /// Median.
        median: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Geometric on 0, 1, 2, … with the given mean.
    Geometric {
        /// Mean.
        mean: f64,
    },
    /// Negative binomial on 0, 1, 2, … with the given mean; variance mean + mean²/dispersion.
    NegativeBinomial {
        /// Mean.
        mean: f64,
        /// Dispersion r > 0 (smaller: more spread).
        dispersion: f64,
    },
    /// Continuous power law (Pareto) with density ∝ x^−exponent on `[low, high]`.
    PowerLaw {
        /// Lower end (> 0).
        low: f64,
        /// Exponent (> 1 when unbounded).
        exponent: f64,
        /// Upper end (`None`: unbounded).
        high: Option<f64>,
    },
    /// One of `values` with the given weights (normalised).
    Choice {
        /// The values.
        values: Vec<f64>,
        /// Cumulative weights, normalised to end at 1.
        cumulative: Vec<f64>,
    },
}

/// A validated distribution with optional clamps.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// The shape.
    pub shape: Shape,
    /// Lower clamp.
    pub(crate) min: Option<f64>,
    /// Upper clamp (the `max` cap).
    pub(crate) max: Option<f64>,
}

impl Distribution {
    /// A distribution that always gives `value`.
    pub(crate) fn fixed(value: f64) -> Self {
        Distribution {
            shape: Shape::Fixed(value),
            min: None,
            max: None,
        }
    }

    /// One draw, clamped.
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.shape {
            Shape::Fixed(v) => *v,
            Shape::Uniform { low, high } => low + (high - low) * open01(rng),
            Shape::Lognormal { median, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                median * (sigma * z).exp()
            }
            Shape::Geometric { mean } => {
                if *mean <= 0.0 {
                    0.0
                } else {
                    // P(X = k) = (1 − q) q^k with q = mean / (1 + mean).
                    let q = mean / (1.0 + mean);
                    (open01(rng).ln() / q.ln()).floor()
                }
            }
            Shape::NegativeBinomial { mean, dispersion } => {
                if *mean <= 0.0 {
                    0.0
                } else {
                    // Gamma–Poisson mixture: λ ~ Gamma(r, mean / r), X ~ Poisson(λ).
                    let lambda = Gamma::new(*dispersion, mean / dispersion)
                        .map(|g| g.sample(rng))
                        .unwrap_or(*mean);
                    if lambda <= 0.0 {
                        0.0
                    } else {
                        Poisson::new(lambda)
                            .map(|p| p.sample(rng))
                            .unwrap_or(lambda.round())
                    }
                }
            }
            Shape::PowerLaw {
                low,
                exponent,
                high,
            } => {
                let u = open01(rng);
                let a = 1.0 - exponent;
                match high {
                    _ if a.abs() < 1e-12 => {
                        let h = high.unwrap_or(f64::MAX);
                        low * (u * (h / low).ln()).exp()
                    }
                    Some(h) => {
                        let (l, hh) = (low.powf(a), h.powf(a));
                        (l + u * (hh - l)).powf(1.0 / a)
                    }
                    None => low * u.powf(1.0 / a),
                }
            }
            Shape::Choice { values, cumulative } => {
                let u = open01(rng);
                let i = cumulative.partition_point(|&c| c < u).min(values.len() - 1);
                values[i]
            }
        };
        self.clamp(x)
    }

    /// One draw rounded to the nearest integer, clamped, and at least `floor`.
    pub(crate) fn sample_count<R: Rng + ?Sized>(&self, rng: &mut R, floor: u32) -> u32 {
        self.count_of(self.sample(rng), floor)
    }

    /// The count a draw `x` gives: rounded, clamped, at least `floor`.
    fn count_of(&self, x: f64, floor: u32) -> u32 {
        let x = self.clamp(x.round());
        if x.is_finite() {
            (x.max(f64::from(floor))).min(f64::from(u32::MAX)) as u32
        } else {
            floor
        }
    }

    fn clamp(&self, mut x: f64) -> f64 {
        if let Some(lo) = self.min {
            x = x.max(lo);
        }
        if let Some(hi) = self.max {
            x = x.min(hi);
        }
        x
    }

    /// The mean of [`Self::sample_count`], used to size populations. Exact for `fixed`, `choice`,
    /// `geometric` and `negative_binomial` (a sum over the probability of each count, clamps and
    /// floor applied to each); for the other kinds estimated from a fixed-seed sample of 200 000
    /// draws, which is deterministic and covers every clamp and rounding rule, and computed once
    /// per process (it costs about 20 ms, and every replication asks for it).
    pub(crate) fn count_mean(&self, floor: u32) -> f64 {
        match &self.shape {
            Shape::Fixed(v) => return f64::from(self.count_of(self.clamp(*v), floor)),
            Shape::Choice { values, cumulative } => {
                let mut prev = 0.0;
                return values
                    .iter()
                    .zip(cumulative)
                    .map(|(&v, &c)| {
                        let w = c - prev;
                        prev = c;
                        w * f64::from(self.count_of(self.clamp(v), floor))
                    })
                    .sum();
            }
            Shape::Geometric { mean } => {
                if let Some(m) = self.counts_mean(1.0, *mean, floor) {
                    return m;
                }
            }
            Shape::NegativeBinomial { mean, dispersion } => {
                if let Some(m) = self.counts_mean(*dispersion, *mean, floor) {
                    return m;
                }
            }
            _ => {}
        }
        static ESTIMATES: std::sync::Mutex<Vec<(Distribution, u32, f64)>> =
            std::sync::Mutex::new(Vec::new());
        let known = ESTIMATES.lock().ok().and_then(|e| {
            e.iter()
                .find(|(d, f, _)| d == self && *f == floor)
                .map(|e| e.2)
        });
        if let Some(m) = known {
            return m;
        }
        let mut rng = crate::rng::plain(0x5EED_CA11_B4A7);
        let n = 200_000;
        let total: f64 = (0..n)
            .map(|_| f64::from(self.sample_count(&mut rng, floor)))
            .sum();
        let m = total / f64::from(n);
        if let Ok(mut e) = ESTIMATES.lock() {
            e.push((self.clone(), floor, m));
        }
        m
    }

    /// The exact mean count of a negative binomial on 0, 1, 2, … with dispersion `r` and mean
    /// `mean` (`r = 1`: geometric), clamps and floor applied to each count: P(0) = (r/(r+m))^r,
    /// P(k+1) = P(k)·(k+r)/(k+1)·m/(r+m), summed up to the upper clamp (every count beyond it gives
    /// the same value, weighted by the remaining probability) or, without one, until past the
    /// mean the terms no longer change the sum, which is then divided by the probability summed
    /// (so rounding in the terms does not bias it). `None` where P(0) underflows or the sum would
    /// take more than ten million terms: the caller then samples.
    fn counts_mean(&self, r: f64, mean: f64, floor: u32) -> Option<f64> {
        if mean <= 0.0 {
            return Some(f64::from(self.count_of(self.clamp(0.0), floor)));
        }
        let q = mean / (r + mean);
        let mut p = (r / (r + mean)).powf(r);
        if !(p.is_finite() && p >= f64::MIN_POSITIVE) {
            return None;
        }
        // Counts at or beyond the upper clamp all give the same value (a NaN clamp clamps
        // nothing, as in the sampler).
        let top = self.max.filter(|m| !m.is_nan()).map(|m| m.ceil().max(0.0));
        let (mut total, mut mass, mut k) = (0.0f64, 0.0f64, 0.0f64);
        loop {
            if top.is_some_and(|t| k >= t) {
                let rest = (1.0 - mass).max(0.0);
                return Some(total + rest * f64::from(self.count_of(self.clamp(k), floor)));
            }
            let term = p * f64::from(self.count_of(self.clamp(k), floor));
            if k > mean && term <= total * 1e-17 && p <= mass * 1e-17 {
                return Some(total / mass);
            }
            if k > 1e7 {
                return None;
            }
            total += term;
            mass += p;
            p *= (k + r) / (k + 1.0) * q;
            k += 1.0;
        }
    }

    /// The largest value a draw can take, clamps applied (infinite when unbounded).
    pub(crate) fn largest(&self) -> f64 {
        let top = match &self.shape {
            Shape::Fixed(v) => *v,
            Shape::Uniform { high, .. } => *high,
            Shape::PowerLaw { high, .. } => high.unwrap_or(f64::INFINITY),
            Shape::Choice { values, .. } => values.iter().copied().fold(f64::MIN, f64::max),
            Shape::Lognormal { .. } | Shape::Geometric { .. } | Shape::NegativeBinomial { .. } => {
                f64::INFINITY
            }
        };
        match self.max {
            Some(m) => top.min(m),
            None => top,
        }
    }

    /// Whether a draw can be negative (validation rejects that for counts and sizes).
    pub(crate) fn can_be_negative(&self) -> bool {
        if self.max.is_some_and(|m| m < 0.0) {
            return true;
        }
        if self.min.is_some_and(|m| m >= 0.0) {
            return false;
        }
        match &self.shape {
            Shape::Fixed(v) => *v < 0.0,
            Shape::Uniform { low, .. } => *low < 0.0,
            Shape::Choice { values, .. } => values.iter().any(|v| *v < 0.0),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Distribution, n: usize) -> (f64, f64) {
        let mut rng = crate::rng::plain(9);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v)
    }

    #[test]
    fn geometric_and_negative_binomial_have_their_means_and_variances() {
        let n = 200_000;
        let g = Distribution {
            shape: Shape::Geometric { mean: 4.0 },
            min: None,
            max: None,
        };
        let (m, v) = mean_of(&g, n);
        // Var = mean(1 + mean) = 20: the sample mean has sd sqrt(20/n) ≈ 0.01; allow 5 sd.
        assert!((m - 4.0).abs() < 0.05, "geometric mean {m}");
        assert!((v - 20.0).abs() < 1.0, "geometric variance {v}");
        let nb = Distribution {
            shape: Shape::NegativeBinomial {
                mean: 10.0,
                dispersion: 2.0,
            },
            min: None,
            max: None,
        };
        let (m, v) = mean_of(&nb, n);
        // Var = 10 + 100/2 = 60: sd of the mean ≈ 0.017.
        assert!((m - 10.0).abs() < 0.09, "negative binomial mean {m}");
        assert!((v - 60.0).abs() < 3.0, "negative binomial variance {v}");
    }

    #[test]
    fn lognormal_median_and_caps() {
        let d = Distribution {
            shape: Shape::Lognormal {
                median: 50.0,
                sigma: 1.0,
            },
            min: Some(1.0),
            max: Some(200.0),
        };
        let mut rng = crate::rng::plain(3);
        let mut xs: Vec<f64> = (0..100_001).map(|_| d.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        assert!((xs[50_000] - 50.0).abs() < 1.5, "median {}", xs[50_000]);
        assert!(xs[0] >= 1.0 && xs[100_000] <= 200.0);
    }

    #[test]
    fn power_law_stays_in_range_and_follows_its_cdf() {
        let d = Distribution {
            shape: Shape::PowerLaw {
                low: 1.0,
                exponent: 2.5,
                high: None,
            },
            min: None,
            max: None,
        };
        let mut rng = crate::rng::plain(4);
        let n = 100_000;
        let above_4 = (0..n).filter(|_| d.sample(&mut rng) > 4.0).count() as f64 / n as f64;
        // P(X > 4) = 4^(1 − 2.5) = 0.125; sd of the share ≈ 0.001.
        assert!((above_4 - 0.125).abs() < 0.006, "{above_4}");
    }

    #[test]
    fn choice_and_count_mean() {
        let d = Distribution {
            shape: Shape::Choice {
                values: vec![1.0, 3.0],
                cumulative: vec![0.25, 1.0],
            },
            min: None,
            max: None,
        };
        // Mean 0.25·1 + 0.75·3 = 2.5; the estimate has sd ≈ 0.866/sqrt(200000) ≈ 0.002.
        assert!((d.count_mean(0) - 2.5).abs() < 0.01);
        assert_eq!(Distribution::fixed(7.4).count_mean(0), 7.0);
    }

    /// The exact count means agree with the mean of many draws from the sampler itself (a
    /// Gamma–Poisson mixture, or the inverse CDF for the geometric), clamps and floor included.
    #[test]
    fn exact_count_means_match_the_sampler() {
        let cases = [
            (
                Shape::NegativeBinomial {
                    mean: 6.0,
                    dispersion: 0.7,
                },
                None,
                Some(600.0),
                0,
            ),
            (
                Shape::NegativeBinomial {
                    mean: 6.0,
                    dispersion: 0.7,
                },
                Some(1.0),
                Some(10.0),
                0,
            ),
            (
                Shape::NegativeBinomial {
                    mean: 3.0,
                    dispersion: 5.0,
                },
                None,
                None,
                2,
            ),
            (Shape::Geometric { mean: 4.0 }, None, Some(7.5), 0),
            (Shape::Geometric { mean: 0.0 }, None, None, 1),
            // Unclamped cases where a running sum of probabilities stays a few ε short of 1.
            (Shape::Geometric { mean: 6.0 }, None, None, 0),
            (
                Shape::NegativeBinomial {
                    mean: 16.0,
                    dispersion: 0.7,
                },
                None,
                None,
                0,
            ),
            (
                Shape::NegativeBinomial {
                    mean: 3.0,
                    dispersion: 1e9,
                },
                None,
                None,
                0,
            ),
        ];
        for (shape, min, max, floor) in cases {
            let d = Distribution { shape, min, max };
            let mut rng = crate::rng::plain(99);
            let n = 400_000;
            let draws: Vec<f64> = (0..n)
                .map(|_| f64::from(d.sample_count(&mut rng, floor)))
                .collect();
            let mean = draws.iter().sum::<f64>() / f64::from(n);
            let sd = (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n)).sqrt();
            let exact = d.count_mean(floor);
            // Within 4 standard errors of the sample mean (and exact when there is no spread).
            assert!(
                (exact - mean).abs() <= 4.0 * sd / f64::from(n).sqrt() + 1e-12,
                "{d:?}: exact {exact}, sampled {mean} (sd {sd})"
            );
        }
        // Unclamped negative binomial: the closed-form mean itself.
        let d = Distribution {
            shape: Shape::NegativeBinomial {
                mean: 6.0,
                dispersion: 0.7,
            },
            min: None,
            max: None,
        };
        assert!((d.count_mean(0) - 6.0).abs() < 1e-9, "{}", d.count_mean(0));
    }
}
