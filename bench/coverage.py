"""Benchmark: coverage of 1,000,000 elders by 10,000 facilities within a radius (issue 5: ≤ 5 s).

    .venv/bin/python bench/coverage.py [--elders 1000000] [--facilities 10000] [--radius 1000]

Points are spread over a Shanghai-sized area (WGS-84 degrees). "Ours" is the whole computation: project
both sets to metres (geo.project) and answer "is a facility within the radius" for every elder
(coverage.covered). The baseline, in the same run, is brute force — every elder against every facility —
on a random sample of elders; the two must agree on the sample, and the cost per elder is compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yanglao.facilities import coverage, geo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=1_000_000)
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--radius", type=float, default=1000.0)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    lon_0, lat_0 = 121.47, 31.23
    e_lng, e_lat = rng.normal(lon_0, 0.25, args.elders), rng.normal(lat_0, 0.2, args.elders)
    f_lng, f_lat = rng.normal(lon_0, 0.25, args.facilities), rng.normal(lat_0, 0.2, args.facilities)

    started = time.perf_counter()
    ex, ey = geo.project(e_lng, e_lat, lon_0=lon_0, lat_0=lat_0)
    fx, fy = geo.project(f_lng, f_lat, lon_0=lon_0, lat_0=lat_0)
    elders, facilities = np.column_stack([ex, ey]), np.column_stack([fx, fy])
    mask = coverage.covered(elders, facilities, args.radius)
    ours = time.perf_counter() - started

    sample = rng.choice(args.elders, size=args.sample, replace=False)
    started = time.perf_counter()
    brute = np.empty(args.sample, dtype=bool)
    for start in range(0, args.sample, 250):
        chunk = elders[sample[start : start + 250]]
        d2 = ((chunk[:, None, :] - facilities[None, :, :]) ** 2).sum(axis=2)
        brute[start : start + 250] = (d2 <= args.radius**2).any(axis=1)
    brute_s = time.perf_counter() - started
    assert np.array_equal(brute, mask[sample]), "coverage disagrees with brute force on the sample"
    per_elder_ours, per_elder_brute = ours / args.elders, brute_s / args.sample
    print(
        f"{args.elders:,} elders × {args.facilities:,} facilities, radius {args.radius:.0f} m, "
        f"{mask.mean():.1%} covered"
    )
    print("| method | elders | seconds | µs per elder |")
    print("|---|---|---|---|")
    print(f"| ours (project + k-d tree) | {args.elders:,} | {ours:.2f} | {per_elder_ours * 1e6:.2f} |")
    print(
        f"| brute force (baseline, sample) | {args.sample:,} | {brute_s:.2f} | {per_elder_brute * 1e6:.1f} |"
    )
    print(
        f"brute force per elder ÷ ours per elder: {per_elder_brute / per_elder_ours:,.0f}×; "
        f"brute force over all elders would take ≈ {per_elder_brute * args.elders:,.0f} s"
    )


if __name__ == "__main__":
    main()
