"""Benchmark: the cockpit (issue 13) on PostgreSQL — a city of 10,000,000 elders and 300,000 beds, of which one
district (Xuhui) holds 320,100 people.

    .venv/bin/python bench/dashboard.py --build      # first run: build the city (~30 min), then measure
    .venv/bin/python bench/dashboard.py              # later runs reuse the database

Build: the demo at a tiny scale (divisions, one person, one facility to copy), then by SQL: 320,100 people
over Xuhui's committees and 9,679,900 over the rest of Shanghai's (ages 60–104, living arrangements, economic
status and assessed levels drawn at random), 3,000 institutions with 300,000 beds of every type (three in four
occupied), canteens, and a month of served orders and alarms.

Measured, each against a baseline in the same run and connection:

- the nightly aggregation of every registered measure for the city (``services.refresh``; target ≤ 10 min)
  against one bare ``GROUP BY region_code`` count of the registry (what any per-region figure must read);
- all indicators of the city from the pre-aggregated facts (``selectors.overview``; target ≤ 3 s) against one
  ``COUNT(*)`` over the city's registry;
- all indicators of the district, warm (target ≤ 300 ms) against one ``COUNT(*)`` over the district's
  registry (320,100 people);
- the indicator page's data for the district (children, history, targets) and the JSON of the API.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

CITY, DISTRICT = "310000000000", "310104000000"
DISTRICT_PEOPLE, CITY_PEOPLE = 320_100, 10_000_000
BEDS, INSTITUTIONS = 300_000, 3_000
CHUNK = 1_000_000


def build(url: str) -> None:
    import psycopg

    _common.prepare_database(url)
    _common.cli(url, "seed", "--profile", "xuhui", "--scale", "0.0002", "--seed", "1")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'people_elder'")
        skip = {
            "id",
            "id_hash",
            "region_code",
            "birth_date",
            "living_arrangement",
            "economic_status",
            "ability_level",
            "ability_valid_until",
            "status",
        }
        columns = [r[0] for r in cur.fetchall() if r[0] not in skip]
        listed = ", ".join(columns)
        for name, low, high in (
            ("xuhui", DISTRICT, "310105000000"),
            ("others", "310000000000", "320000000000"),
        ):
            cur.execute(
                f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code "
                "FROM core_region WHERE level = 'village' AND code >= %s AND code < %s",
                [low, high],
            )
        cur.execute("DELETE FROM others WHERE code >= %s AND code < '310105000000'", [DISTRICT])
        cur.execute(
            "CREATE TEMP TABLE others2 AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code FROM others"
        )
        cur.execute("SELECT count(*) FROM xuhui")
        n_xuhui = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM others2")
        n_others = cur.fetchone()[0]
        print(f"committees: Xuhui {n_xuhui}, rest of Shanghai {n_others}", flush=True)
        plan = [("xuhui", n_xuhui, 0, DISTRICT_PEOPLE)]
        start = DISTRICT_PEOPLE
        while start < CITY_PEOPLE:
            plan.append(("others2", n_others, start, min(CHUNK, CITY_PEOPLE - start)))
            start += CHUNK
        for table, committees, offset, count in plan:
            began = time.perf_counter()
            cur.execute(
                f"""
                INSERT INTO people_elder ({listed}, id_hash, region_code, birth_date, living_arrangement,
                    economic_status, ability_level, ability_valid_until, status)
                SELECT {", ".join("e." + c for c in columns)}, md5('city' || g), c.code,
                    current_date - ((60 + floor(random() * 45))::int * 365 + floor(random() * 365)::int),
                    (ARRAY['alone','spouse_only','with_children','with_children','other'])[1 + floor(random() * 5)::int],
                    (ARRAY['general','general','general','general','dibao','low_income','extreme_poverty'])[1 + floor(random() * 7)::int],
                    CASE WHEN random() < 0.2 THEN floor(random() * 5)::int END,
                    current_date + 200,
                    'active'
                FROM generate_series(%s, %s) g
                JOIN {table} c ON c.n = g %% %s
                CROSS JOIN (SELECT * FROM people_elder ORDER BY id LIMIT 1) e
                """,
                [offset + 1, offset + count, committees],
            )
            conn.commit()
            print(f"  people {offset + count:>10,} ({time.perf_counter() - began:.0f} s)", flush=True)
        cur.execute("SELECT id FROM core_organisation ORDER BY id LIMIT 1")
        operator = cur.fetchone()[0]
        kinds = "(ARRAY['institution','institution','elder_care_home','regional_centre'])"
        cur.execute(
            f"""
            INSERT INTO facilities_facility (name, kind, operator_id, operating_model, region_code, address, lat,
                lng, phone, opening_hours, services, open_to_community, oxygen_supply, licence_no, is_public,
                floor_area, meal_capacity)
            SELECT 'city ' || g, {kinds}[1 + g %% 4], %s,
                   (ARRAY['public','private','public_private'])[1 + g %% 3], c.code, '', 31.2, 121.4, '', '', '[]',
                   random() < 0.8, false, '', true, 2000 + floor(random() * 3000), NULL
            FROM generate_series(1, %s) g JOIN others2 c ON c.n = (g * 7) %% %s
            """,
            [operator, INSTITUTIONS, n_others],
        )
        cur.execute(
            """
            INSERT INTO facilities_facility (name, kind, operator_id, operating_model, region_code, address, lat,
                lng, phone, opening_hours, services, open_to_community, oxygen_supply, licence_no, is_public,
                floor_area, meal_capacity)
            SELECT 'canteen ' || g, 'canteen', %s, 'public', c.code, '', 31.2, 121.4, '', '', '[]', true, false,
                   '', true, 300, 150
            FROM generate_series(1, %s) g JOIN others2 c ON c.n = (g * 3) %% %s
            """,
            [operator, n_others // 2, n_others],
        )
        cur.execute("SELECT max(id) FROM people_elder")
        first_person = cur.fetchone()[0] - BEDS - 1  # the residents: the last people inserted
        cur.execute(
            """
            WITH homes AS (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, region_code, operator_id
                           FROM facilities_facility WHERE name LIKE 'city %%')
            INSERT INTO facilities_bed (facility_id, region_code, operator_id, building, room, number, bed_type,
                family_bed, occupant_id, occupied_since, active)
            SELECT h.id, h.region_code, h.operator_id, '', '', g::text,
                   (ARRAY['nursing','nursing','nursing','ordinary','ordinary','inclusive','cognitive','medical'])[1 + g %% 8],
                   false, CASE WHEN g %% 4 <> 0 THEN %s + g END, CASE WHEN g %% 4 <> 0 THEN current_date - 30 END,
                   true
            FROM generate_series(1, %s) g JOIN homes h ON h.n = g %% %s
            """,
            [first_person, BEDS, INSTITUTIONS],
        )
        # 常住人口 (2020 census): Shanghai 24.87 million, Xuhui 1.11 million.
        cur.execute("UPDATE core_region SET population = 24870000 WHERE code = %s", [CITY])
        cur.execute("UPDATE core_region SET population = 1113000 WHERE code = %s", [DISTRICT])
        for table in ("people_elder", "facilities_facility", "facilities_bed"):
            cur.execute(f"ANALYZE {table}")
        conn.commit()


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), out


def measure(url: str, repeat: int, aggregate: bool) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings.development")
    sys.path.insert(0, str(_common.ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from yanglao.core.indicators import Period
    from yanglao.core.models import User
    from yanglao.dashboard import demo, selectors, services

    period = Period.of(timezone.localdate())
    user = User.objects.get(username="bench")
    demo.seed_targets(DISTRICT)

    def sql(text: str, args=()):
        with connection.cursor() as cur:
            cur.execute(text, args)
            return cur.fetchall()

    sql("SELECT count(*) FROM people_elder")  # warm the registry into the cache as far as it fits
    if aggregate:
        base, _ = timed(lambda: sql("SELECT region_code, count(*) FROM people_elder GROUP BY 1"), 1)
        ours, result = timed(lambda: services.refresh(period=period), 1)
        print(
            f"nightly aggregation (all {len(result.measures)} measures, {result.rows:,} rows): {ours:.1f} s; "
            f"bare GROUP BY region_code: {base:.1f} s; ratio {ours / base:.1f}",
            flush=True,
        )
    city_count, _ = timed(lambda: sql("SELECT count(*) FROM people_elder"), repeat)
    city, answer = timed(
        lambda: selectors.overview(user=user, region_code=CITY, period_text=str(period)), repeat
    )
    people = next(f.value for f in answer.figures if f.indicator.code == "elders_60")
    print(
        f"city: all {len(answer.figures)} indicators {city * 1000:.0f} ms (elders_60 = {people:,.0f}); "
        f"COUNT(*) over the registry {city_count * 1000:.0f} ms; ratio {city / city_count:.2f}",
        flush=True,
    )
    low, high = DISTRICT, "310105000000"
    district_count, _ = timed(
        lambda: sql(
            "SELECT count(*) FROM people_elder WHERE region_code >= %s AND region_code < %s", [low, high]
        ),
        repeat,
    )
    district, answer = timed(
        lambda: selectors.overview(user=user, region_code=DISTRICT, period_text=str(period)), repeat
    )
    people = next(f.value for f in answer.figures if f.indicator.code == "elders_60")
    print(
        f"district: all {len(answer.figures)} indicators {district * 1000:.1f} ms (elders_60 = {people:,.0f}); "
        f"COUNT(*) over the district's registry {district_count * 1000:.1f} ms; ratio {district / district_count:.2f}",
        flush=True,
    )
    detail, _ = timed(
        lambda: selectors.detail(
            user=user, region_code=DISTRICT, period_text=str(period), code="nursing_bed_share"
        ),
        repeat,
    )
    api, _ = timed(
        lambda: selectors.as_json(selectors.overview(user=user, region_code=CITY, period_text=str(period))),
        repeat,
    )
    print(
        f"indicator page data (district, 14 streets): {detail * 1000:.1f} ms; API JSON (city): {api * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="yanglao_bench_city")
    parser.add_argument("--build", action="store_true", help="build the city first (drops the database)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-aggregate", action="store_true", help="skip the nightly aggregation")
    args = parser.parse_args()
    url = _common.PG_ADMIN.rsplit("/", 1)[0] + "/" + args.db
    if args.build:
        url = _common.pg_fresh(args.db)
        began = time.perf_counter()
        build(url)
        print(f"built in {time.perf_counter() - began:.0f} s", flush=True)
    measure(url, args.repeat, aggregate=not args.no_aggregate)


if __name__ == "__main__":
    main()
