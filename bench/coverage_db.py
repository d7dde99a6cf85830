"""Benchmark: the coverage report end to end on PostgreSQL — 1,000,000 elders × 10,000 facilities (issue 5).

    .venv/bin/python bench/coverage_db.py [--elders 1000000] [--facilities 10000] [--keep]

Builds a fresh database: the demo at a tiny scale (regions, outlines, one person to copy), then N elders
copied from that person by SQL with distinct ID hashes, spread over Xuhui's 313 committees and a
Shanghai-sized area, and M canteens denser towards the centre (so coverage is partial). "Ours" is `selectors.coverage_report` as a district-wide system
administrator: the scoped read of every active elder's position and committee, the facility read, the
projection, the k-d tree and the per-street counts. Baselines in the same run: a bare cursor read of the same
three columns (what any report must pay), and brute force (every facility against every sampled elder).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

DISTRICT = "310104000000"


def build(url: str, elders: int, facilities: int) -> None:
    _common.prepare_database(url)
    _common.cli(url, "seed", "--profile", "xuhui", "--scale", "0.0002", "--seed", "1")
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'people_elder'")
        columns = [r[0] for r in cur.fetchall() if r[0] not in ("id", "id_hash", "lat", "lng", "region_code")]
        cur.execute(
            "SELECT code FROM core_region WHERE code >= %s AND code < '310105000000' AND level = 'village' "
            "ORDER BY code",
            [DISTRICT],
        )
        committees = [r[0] for r in cur.fetchall()]
        cur.execute("CREATE TEMP TABLE committees (n int, code char(12))")
        cur.executemany("INSERT INTO committees VALUES (%s, %s)", list(enumerate(committees)))
        listed = ", ".join(columns)
        # Positions uniform over the area; each person's committee is the 17 × 18 grid cell they fall in, so
        # committees are places (their centres of gravity are real candidate sites).
        cur.execute(
            f"""
            WITH pts AS (SELECT g, random() AS u, random() AS v FROM generate_series(1, %s) g)
            INSERT INTO people_elder ({listed}, id_hash, lat, lng, region_code)
            SELECT {", ".join("e." + c for c in columns)}, md5('bench' || g), 31.03 + pts.v * 0.4,
                   121.22 + pts.u * 0.5, c.code
            FROM pts
            JOIN committees c ON c.n = floor(pts.u * 17)::int * 18 + floor(pts.v * 18)::int
            CROSS JOIN (SELECT * FROM people_elder ORDER BY id LIMIT 1) e
            """,
            [elders],
        )
        cur.execute("SELECT id FROM core_organisation ORDER BY id LIMIT 1")
        operator = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO facilities_facility (name, kind, operator_id, operating_model, region_code, address, lat,
                lng, phone, opening_hours, services, open_to_community, oxygen_supply, licence_no, is_public)
            SELECT 'bench ' || g, 'canteen', %s, 'public', %s, '',
                   31.23 + (random() + random() + random() - 1.5) * 0.12,
                   121.47 + (random() + random() + random() - 1.5) * 0.15, '', '', '[]', false, false, '', true
            FROM generate_series(1, %s) g
            """,
            [operator, DISTRICT, facilities],
        )
        cur.execute("ANALYZE people_elder")
        cur.execute("ANALYZE facilities_facility")
        conn.commit()


def measure(url: str, radius: float, repeat: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings.development")
    import django

    django.setup()
    from django.db import connection

    from yanglao.core.models import User
    from yanglao.facilities import geo, selectors

    user = User.objects.get(username="bench")
    ours, bare = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT lng, lat, region_code FROM people_elder WHERE region_code >= %s AND region_code < %s "
                "AND status = 'active' AND lat IS NOT NULL",
                [DISTRICT, "310105000000"],
            )
            rows = cur.fetchall()
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = selectors.coverage_report(user=user, region_code=DISTRICT, kind="canteen", radius=radius)
        ours.append(time.perf_counter() - started)
    started = time.perf_counter()
    payload = selectors.coverage_map(user=user, region_code=DISTRICT, kind="canteen", radius=radius, k=3)
    map_s = time.perf_counter() - started
    # Brute force on a sample, and agreement with ours on it.
    rng = np.random.default_rng(2)
    sample = [rows[i] for i in rng.choice(len(rows), size=2000, replace=False)]
    places = np.array(
        list(
            selectors.Facility.objects.unscoped(reason="bench")
            .filter(kind="canteen")
            .values_list("lng", "lat")
        )
    )
    lon_0, lat_0 = float(np.mean([r[0] for r in rows])), float(np.mean([r[1] for r in rows]))
    started = time.perf_counter()
    ex, ey = geo.project(
        np.array([r[0] for r in sample]), np.array([r[1] for r in sample]), lon_0=lon_0, lat_0=lat_0
    )
    fx, fy = geo.project(places[:, 0], places[:, 1], lon_0=lon_0, lat_0=lat_0)
    d2 = (ex[:, None] - fx[None, :]) ** 2 + (ey[:, None] - fy[None, :]) ** 2
    brute_hits = int((d2 <= radius**2).any(axis=1).sum())
    brute = time.perf_counter() - started
    best, best_bare = min(ours), min(bare)
    print(
        f"{report.elders:,} elders × {len(places):,} facilities, radius {radius:.0f} m: {report.share:.1%} covered "
        f"(brute force on a 2,000 sample: {brute_hits / 2000:.1%})"
    )
    print("| step | seconds |")
    print("|---|---|")
    print(f"| ours: coverage_report end to end (best of {repeat}) | {best:.2f} |")
    print(f"| baseline: bare cursor read of the same columns (best of {repeat}) | {best_bare:.2f} |")
    print(
        f"| baseline: brute force, 2,000 elders | {brute:.2f} (≈ {brute / 2000 * report.elders:,.0f} s for all) |"
    )
    print(
        f"| ours: the staff map payload (coverage_map: + committees, clusters, 3 site picks) | {map_s:.2f} |"
    )
    print(
        f"ours ÷ bare read: {best / best_bare:.2f}×; site gains {[s['gain'] for s in payload['suggestions']]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elders", type=int, default=1_000_000)
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--radius", type=float, default=1000.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    name = "yanglao_bench_coverage"
    url = _common.pg_fresh(name)
    try:
        started = time.perf_counter()
        build(url, args.elders, args.facilities)
        print(f"(database built in {time.perf_counter() - started:.0f} s)")
        measure(url, args.radius, args.repeat)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _common.pg_drop(name)


if __name__ == "__main__":
    main()
