"""Benchmark: walking-distance coverage over a road network (issue 5's optional network distance).

    .venv/bin/python bench/coverage_network.py [--elders 1000000] [--facilities 10000] [--spacing 200]

A synthetic city: a square grid of streets every ``spacing`` metres over 40 km × 40 km (densified to 50 m
vertices), elders and facilities uniform over it. "Ours" builds the graph and answers every elder with one
cut-off Dijkstra (network.RoadNetwork). Baselines in the same run: straight-line coverage of the same points
(coverage.covered), and an independent check on sampled elders — a full Dijkstra from each sampled elder's
vertex to every facility — which must agree with ours.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yanglao.facilities import coverage, network

SIDE = 40_000.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=1_000_000)
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--spacing", type=float, default=200.0)
    parser.add_argument("--radius", type=float, default=1000.0)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    ticks = np.arange(0, SIDE + 1, args.spacing)
    lines = [np.array([[0, t], [SIDE, t]]) for t in ticks] + [np.array([[t, 0], [t, SIDE]]) for t in ticks]
    elders = rng.uniform(0, SIDE, size=(args.elders, 2))
    facilities = rng.uniform(0, SIDE, size=(args.facilities, 2))

    started = time.perf_counter()
    net = network.RoadNetwork(lines, step=50)
    built = time.perf_counter() - started
    started = time.perf_counter()
    walk = net.covered(elders, facilities, args.radius)
    ours = time.perf_counter() - started

    started = time.perf_counter()
    straight = coverage.covered(elders, facilities, args.radius)
    straight_s = time.perf_counter() - started

    graph = net._graph(np.zeros((0, 2), dtype=np.int64), np.zeros(0), len(net.nodes))
    f_snap, f_node = net.tree.query(facilities)
    sample = rng.choice(args.elders, size=args.sample, replace=False)
    started = time.perf_counter()
    for i in sample:
        e_snap, e_node = net.tree.query(elders[i])
        dist = dijkstra(graph, directed=True, indices=int(e_node))
        nearest = float((dist[f_node] + f_snap).min()) + e_snap
        assert (nearest <= args.radius + 1e-6) == walk[i], f"elder {i}: {nearest:.1f} m vs ours {walk[i]}"
    check_s = (time.perf_counter() - started) / args.sample

    print(
        f"{args.elders:,} elders × {args.facilities:,} facilities on a {args.spacing:.0f} m street grid "
        f"({len(net.nodes):,} vertices), radius {args.radius:.0f} m"
    )
    print("| step | seconds |")
    print("|---|---|")
    print(f"| ours: build the road graph | {built:.2f} |")
    print(f"| ours: walking-distance coverage, all elders | {ours:.2f} |")
    print(f"| baseline: straight-line coverage, same points | {straight_s:.2f} |")
    print(
        f"| baseline: full Dijkstra per sampled elder (independent check, {args.sample} agree) | {check_s:.2f} each |"
    )
    print(
        f"covered: walking {walk.mean():.1%}, straight line {straight.mean():.1%}; "
        f"ours ÷ straight line: {ours / straight_s:.1f}×; "
        f"the per-elder check over all elders would take ≈ {check_s * args.elders / 3600:,.0f} h"
    )


if __name__ == "__main__":
    main()
