"""Runs EoN on a graph picsim exported and compares its adoption curves with picsim's.

Usage: compare.py MODE GRAPH_CSV PICSIM_SERIES_CSV RUNS TAU_PER_DAY [SPONTANEOUS_PER_DAY]
  MODE = fast_sir (SI with EoN.fast_SIR, gamma = 0) or gillespie (EoN.Gillespie_simple_contagion
  with a spontaneous S→I rate and a per-contact rate).
Prints the largest gap between the two mean curves over days, in standard errors of their
difference, and EoN's median seconds per run. The picsim curves are read from series.csv
(column migrated_a_to_b, one row per replication and day).
"""
import csv
import math
import random
import statistics
import sys
import time

import EoN
import networkx as nx


def read_graph(path):
    g = nx.Graph()
    with open(path) as f:
        next(f)
        for line in f:
            a, b = line.strip().split(",")
            g.add_edge(int(a), int(b))
    return g


def picsim_curves(path):
    runs = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            runs.setdefault(int(row["replication"]), []).append(float(row["migrated_a_to_b"]))
    return [runs[r] for r in sorted(runs)]


def counts_by_day(times, counts, days):
    """Value of a step function (event times, counts after each event) at t = 0, 1, ..., days-1."""
    out, j = [], 0
    for d in range(days):
        while j + 1 < len(times) and times[j + 1] <= d:
            j += 1
        out.append(counts[j])
    return out


def main():
    mode, graph_csv, series_csv, runs, tau = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    spontaneous = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
    start = time.perf_counter()
    g = read_graph(graph_csv)
    print(f"  networkx read the graph in {time.perf_counter() - start:.1f} s", flush=True)
    ours = picsim_curves(series_csv)
    days = len(ours[0])
    nodes = list(g.nodes())
    rng = random.Random(12345)
    theirs, seconds = [], []
    for _ in range(runs):
        initial = rng.sample(nodes, 10)
        start = time.perf_counter()
        if mode == "fast_sir":
            t, S, I, R = EoN.fast_SIR(g, tau, 0.0, initial_infecteds=initial, tmax=days)
            curve = counts_by_day([float(x) for x in t], [float(i + r) for i, r in zip(I, R)], days)
        else:
            H = nx.DiGraph()
            H.add_edge("S", "I", rate=spontaneous)
            J = nx.DiGraph()
            J.add_edge(("I", "S"), ("I", "I"), rate=tau)
            IC = {n: "S" for n in nodes}
            for n in initial:
                IC[n] = "I"
            t, S, I = EoN.Gillespie_simple_contagion(g, H, J, IC, ["S", "I"], tmax=days)
            curve = counts_by_day([float(x) for x in t], [float(x) for x in I], days)
        seconds.append(time.perf_counter() - start)
        theirs.append(curve)
    n = g.number_of_nodes()
    print(f"{mode}: {n} persons, {g.number_of_edges()} edges, {len(ours)} picsim runs, {runs} EoN runs, {days} days")
    print(f"  EoN seconds per run: median {statistics.median(seconds):.3f} (min {min(seconds):.3f}, max {max(seconds):.3f})")
    print(f"  mean adopted on the last day: picsim {statistics.mean(c[-1] for c in ours):.1f}, EoN {statistics.mean(c[-1] for c in theirs):.1f}")
    if min(len(ours), len(theirs)) < 2:
        print("  (one run on a side: no standard error, so no gap between the mean curves)")
        return
    worst, worst_day = 0.0, 0
    for d in range(days):
        a = [c[d] for c in ours]
        b = [c[d] for c in theirs]
        se = math.sqrt(statistics.variance(a) / len(a) + statistics.variance(b) / len(b))
        gap = abs(statistics.mean(a) - statistics.mean(b))
        if se == 0:
            # Both tools agree in every run (e.g. everyone adopted): no gap to measure unless the
            # means differ, which would be a real disagreement.
            z = 0.0 if gap < 1e-9 else float("inf")
        else:
            z = gap / se
        if z > worst:
            worst, worst_day = z, d
    print(f"  largest gap between mean curves: {worst:.2f} standard errors of the difference (day {worst_day})")


if __name__ == "__main__":
    main()
