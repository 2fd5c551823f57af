#!/usr/bin/env python3
"""What `picsim calibrate --check` shows for a perfect sampler (issue 30).

A perfect importance sampler of a known posterior, Normal(0, 1): 40 particles drawn from a wider
proposal, Normal(0, s^2), weighted by posterior over proposal; the truth drawn from the
posterior. As the check does, the truth's rank is counted among 40 draws made from the weighted
particles by systematic resampling, and the central 50 % and 90 % intervals are the weighted
particles' quantiles. Prints, per proposal width s, the share of truths outside every draw and
the two intervals' coverage: what a calibrated sampler with 40 particles gives, against which the
check's counts are read. Standard library only.

    python3 benches/sbc-perfect-sampler.py [TRIALS]
"""
import bisect
import math
import random
import sys


def trial(rng, s, n=40):
    x = [rng.gauss(0, s) for _ in range(n)]
    w = [math.exp(-v * v / 2 + v * v / (2 * s * s)) for v in x]
    total = sum(w)
    w = [v / total for v in w]
    truth = rng.gauss(0, 1)
    cumulative, c = [], 0.0
    for v in w:
        c += v
        cumulative.append(c)
    start = rng.random()
    draws = [min(bisect.bisect_left(cumulative, (start + k) / n), n - 1) for k in range(n)]
    rank = sum(x[i] < truth for i in draws)
    order = sorted(range(n), key=lambda i: x[i])
    cw, c = [], 0.0
    for i in order:
        c += w[i]
        cw.append(c)

    def quantile(p):
        return x[order[min(bisect.bisect_left(cw, p), n - 1)]]

    ess = 1 / sum(v * v for v in w)
    return (rank in (0, n), quantile(0.25) <= truth <= quantile(0.75),
            quantile(0.05) <= truth <= quantile(0.95), ess)


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    rng = random.Random(1)
    print("proposal sd, outside every draw, 50 % coverage, 90 % coverage, mean ESS")
    for s in (1.0, 1.3, 2.0):
        results = [trial(rng, s) for _ in range(trials)]
        share = [sum(r[i] for r in results) / trials for i in range(4)]
        print(f"{s}, {share[0]:.4f}, {share[1]:.3f}, {share[2]:.3f}, {share[3]:.1f}")


if __name__ == "__main__":
    main()
