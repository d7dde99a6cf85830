"""Benchmark: a month's long-term-care settlement for 100,000 care plans and 2,000,000 visits (issue 14).

    .venv/bin/python bench/ltc.py            # builds a throwaway database, times, drops it
    .venv/bin/python bench/ltc.py --keep     # keep the database (yanglao_bench_ltc); --reuse runs on it again

61 designated providers (Xuhui's count) in the district, 100,000 people each with a claim at care levels 2–6,
a home-care plan and its services plan, and 2,000,000 verified visits of last month through them (20 each,
3 % short), all inserted with ``INSERT … SELECT generate_series``. The baseline, in the same run, is one
bare SQL ``GROUP BY plan_id`` of the month's visits (count and capped minutes), fetched. Then ``settle_all``
(what ``yanglao ltc-settle`` runs: every provider's statement worked out and written: 61 statements,
100,000 lines, the short visits held) from scratch, and once more (the drafts recomputed). Target: ≤ 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common

sys.path.insert(0, str(_common.ROOT))

DB = "yanglao_bench_ltc"
DISTRICT = "310104000000"
PROVIDERS = 61
PLANS = 100_000
VISITS = 2_000_000
SKIP = {"id", "id_hash", "region_code"}


def build(url: str, month: dt.date) -> None:
    import psycopg

    _common.prepare_database(url)
    _common.cli(url, "seed", "--profile", "xuhui", "--scale", "0.0002", "--seed", "1")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from yanglao.core.testing import factories
    from yanglao.ltc import services
    from yanglao.services.models import ServiceItem, ServiceOffering

    services.scheme_load(region_code="310000000000", effective_from=dt.date(2018, 1, 1))
    item = ServiceItem.objects.get(code="LTC-JJ")
    streets = ["310104003001", "310104004001"]
    for n in range(PROVIDERS):
        org = factories.organisation(
            region_code=streets[n % len(streets)], name=f"长护险定点机构{n:02d}", kind="home_service"
        )
        offering = ServiceOffering.objects.create(provider=org, region_id=org.region_id, item=item, price=65)
        offering.areas.set([DISTRICT])
    from django.db import connections

    connections.close_all()
    began = time.perf_counter()
    start = f"timestamptz '{month:%Y-%m-%d} 08:00+08'"
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'people_elder'")
        columns = [r[0] for r in cur.fetchall() if r[0] not in SKIP]
        cur.execute(
            "CREATE TEMP TABLE committees AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code "
            "FROM core_region WHERE level = 'village' AND code >= %s AND code < '310105000000'",
            [DISTRICT],
        )
        cur.execute("SELECT count(*) FROM committees")
        (n_committees,) = cur.fetchone()
        cur.execute("SELECT id FROM core_user ORDER BY id LIMIT 1")
        (user,) = cur.fetchone()
        cur.execute("SELECT coalesce(max(id), 0) FROM people_elder")
        (before,) = cur.fetchone()
        cur.execute(
            f"""
            INSERT INTO people_elder ({", ".join(columns)}, id_hash, region_code)
            SELECT {", ".join("e." + c for c in columns)}, md5('ltc' || g), c.code
            FROM generate_series(1, %s) g
            JOIN committees c ON c.n = g %% %s
            CROSS JOIN (SELECT * FROM people_elder ORDER BY id LIMIT 1) e
            """,
            [PLANS, n_committees],
        )
        cur.execute(
            "CREATE TEMP TABLE bench_people AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, region_code "
            "FROM people_elder WHERE id > %s",
            [before],
        )
        cur.execute(
            "CREATE TEMP TABLE bench_offerings AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, provider_id, "
            "item_id FROM services_serviceoffering WHERE item_id = (SELECT id FROM services_serviceitem "
            "WHERE code = 'LTC-JJ')"
        )
        cur.execute(
            f"""
            INSERT INTO ltc_ltcapplication (elder_id, region_code, applicant, applicant_name, setting, status,
                care_level, valid_until, submitted_by_id, submitted_at, history)
            SELECT p.id, p.region_code, 'family', '家属', 'home', 'in_care', 2 + p.n %% 5,
                DATE '{month:%Y-%m-%d}' + 600, %s, now(), '[]'
            FROM bench_people p
            """,
            [user],
        )
        cur.execute(
            "CREATE TEMP TABLE bench_apps AS SELECT row_number() OVER (ORDER BY a.id) - 1 AS n, a.id, a.elder_id, "
            "a.region_code, a.care_level FROM ltc_ltcapplication a JOIN bench_people p ON p.id = a.elder_id"
        )
        cur.execute(
            f"""
            INSERT INTO services_serviceplan (elder_id, region_code, offering_id, weekdays, start_time, quantity,
                starts_on, ends_on, active, stop_reason, created_by_id, created_at, channel)
            SELECT a.elder_id, a.region_code, o.id, '[1, 2, 3, 4, 5, 6, 7]', '09:00', 1,
                DATE '{month:%Y-%m-%d}' - 60, DATE '{month:%Y-%m-%d}' + 600, true, '', %s, now(), 'ltc'
            FROM bench_apps a JOIN bench_offerings o ON o.n = a.n %% {PROVIDERS}
            """,
            [user],
        )
        cur.execute(
            f"""
            INSERT INTO ltc_careplan (application_id, elder_id, region_code, care_level, setting, provider_id,
                visits_per_week, minutes_per_visit, weekdays, start_time, extra_choice, hourly_yuan, daily_yuan,
                starts_on, ends_on, service_plan_id, status, end_reason, created_by_id, created_at)
            SELECT a.id, a.elder_id, a.region_code, a.care_level, 'home', o.provider_id,
                CASE WHEN a.care_level <= 3 THEN 3 WHEN a.care_level = 4 THEN 5 ELSE 7 END, 60,
                CASE WHEN a.care_level <= 3 THEN '[1, 3, 5]' WHEN a.care_level = 4 THEN '[1, 2, 3, 4, 5]'
                     ELSE '[1, 2, 3, 4, 5, 6, 7]' END::jsonb,
                '09:00', '', 65, 0, DATE '{month:%Y-%m-%d}' - 60, DATE '{month:%Y-%m-%d}' + 600, sp.id, 'active',
                '', %s, now()
            FROM bench_apps a
            JOIN bench_offerings o ON o.n = a.n %% {PROVIDERS}
            JOIN services_serviceplan sp ON sp.elder_id = a.elder_id AND sp.channel = 'ltc'
            """,
            [user],
        )
        per_plan = VISITS // PLANS
        cur.execute(
            f"""
            INSERT INTO services_serviceorder (
                client_key, elder_id, region_code, provider_id, offering_id, item_id, quantity,
                scheduled_start, scheduled_end, unit_price, covered_units, government_yuan,
                self_pay_yuan, hours_used, yuan_used, status, channel, placed_by_id, note, cancel_reason,
                created_at, checklist, visit_note, photos, synced_late, confirm_code, confirmed_via,
                rating_comment, abort_reason, confirmed_at, photo_files, plan_id, checked_in_at, checked_out_at,
                served_minutes
            )
            SELECT 'ltc-' || sp.id || '-' || d, sp.elder_id, p.region_code, o.provider_id, o.id, o.item_id, 1,
                {start} + d * interval '1 day' + (sp.id %% 9) * interval '1 hour',
                {start} + d * interval '1 day' + (sp.id %% 9) * interval '1 hour' + interval '1 hour',
                65, 0, 0, 65, 0, 0, 'confirmed', 'ltc', %s, '', '', now(), '[]', '', 0, false, '', 'code', '', '',
                {start} + d * interval '1 day' + interval '11 hours', '[]', sp.id,
                {start} + d * interval '1 day', {start} + d * interval '1 day' + interval '1 hour',
                CASE WHEN (sp.id + d) %% 33 = 0 THEN 35 ELSE 60 END
            FROM services_serviceplan sp
            JOIN services_serviceoffering o ON o.id = sp.offering_id
            JOIN bench_people p ON p.id = sp.elder_id
            CROSS JOIN generate_series(0, {per_plan - 1}) d
            WHERE sp.channel = 'ltc'
            """,
            [user],
        )
        cur.execute("ANALYZE")
        conn.commit()
    print(f"seeded {PLANS:,} plans and {VISITS:,} visits in {time.perf_counter() - began:.0f} s", flush=True)


def baseline(month: dt.date) -> tuple[float, int]:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT plan_id, count(*), sum(least(served_minutes, quantity * 60))
            FROM services_serviceorder
            WHERE channel = 'ltc' AND status IN ('confirmed', 'rated')
              AND scheduled_start >= %s AND scheduled_start < %s
            GROUP BY plan_id
            """,
            [
                dt.datetime.combine(month, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=8))),
                dt.datetime.combine(
                    (month + dt.timedelta(days=32)).replace(day=1),
                    dt.time(),
                    tzinfo=dt.timezone(dt.timedelta(hours=8)),
                ),
            ],
        )
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    args = parser.parse_args()
    today = dt.date.today()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    url = _common.PG_ADMIN.rsplit("/", 1)[0] + "/" + DB
    os.environ["DJANGO_SETTINGS_MODULE"] = "yanglao.settings.development"
    if not args.reuse:
        url = _common.pg_fresh(DB)
        build(url, month)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from yanglao.ltc import services
    from yanglao.ltc.models import LtcSettlement

    try:
        LtcSettlement.objects.unscoped(reason="bench").filter(month=month).delete()
        base, plans = baseline(month)
        started = time.perf_counter()
        made = services.settle_all(month=month)
        first = time.perf_counter() - started
        started = time.perf_counter()
        services.settle_all(month=month)
        again = time.perf_counter() - started
        visits = sum(s.delivered_visits for s in made)
        short = sum(s.short_visits for s in made)
        fund = sum(s.fund_yuan for s in made)
        print()
        print(f"{len(made)} providers, {plans:,} plans with visits in {month:%Y-%m}")
        print("| step | plans | visits | seconds | ÷ GROUP BY |")
        print("|---|---|---|---|---|")
        print(
            f"| baseline: one SQL GROUP BY plan of the month's visits | {plans:,} | {visits:,} | {base:.2f} | 1.0× |"
        )
        print(
            f"| settle_all, every provider, first run | {plans:,} | {visits:,} | {first:.2f} | {first / base:.1f}× |"
        )
        print(
            f"| settle_all again (drafts recomputed) | {plans:,} | {visits:,} | {again:.2f} | {again / base:.1f}× |"
        )
        print(f"\n{short:,} short visits held; the fund pays {fund} yuan")
        print(f"target ≤ 60 s: {'met' if first <= 60 else 'NOT met'} ({first:.1f} s)")
    finally:
        if not args.keep and not args.reuse:
            from django.db import connections

            connections.close_all()
            _common.pg_drop(DB)


if __name__ == "__main__":
    main()
