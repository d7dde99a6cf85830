"""Benchmark: the SLA report (接警服务水平) of a busy month and the screen-pop write (issue 12, items 5–6).

    .venv/bin/python bench/alarms_sla.py               # builds a throwaway PostgreSQL database, times, drops it
    .venv/bin/python bench/alarms_sla.py --alarms 20000 --keep

Seeds 200 people with contacts and ``--alarms`` alarms (default 100,000) spread over March 2026 in SQL
(``INSERT … SELECT generate_series``: answered after 0–299 s, 1 in 50 never, handled 2–20 min; a tenth of
them device notices), plus 20,000 incoming calls. The baseline, in the same run, is one bare SQL query
counting the month's alarms answered within 60 and 180 s. Then, as the district's administrator:
``sla_figures`` (what the report page reads: every breakdown, handling percentiles, abandoned share), the
drill-down's first keyset page, the .xlsx export, and ``call_incoming`` (record, match by blind index,
publish) 300 times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, pg_drop, pg_fresh

sys.path.insert(0, str(ROOT))  # this checkout's yanglao, not the one the virtualenv has installed

DB = "yanglao_bench_alarms_sla"
ALARMS = 100_000
CALLS = 20_000
PEOPLE = 200
MARCH = "timestamptz '2026-03-01 00:00+08'"


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yanglao.settings.development"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def seed(alarms: int):
    from django.db import connection

    from yanglao.core import services as core_services
    from yanglao.core.models import User
    from yanglao.core.testing import factories
    from yanglao.people.tests import factories as people_factories

    core_services.roles_sync()
    root = User.objects.create_superuser("bench_root", password="Bench-password-2026")
    admin = factories.user(role="gov_admin", regions=["310104000000"], username="bench_district")
    seats = [
        factories.user(role="operator", regions=["310104000000"], username=f"seat{n}") for n in range(12)
    ]
    streets = ["310104003001", "310104004001", "310104003002", "310104004003"]
    for n in range(PEOPLE):
        people_factories.elder(
            actor=root,
            name=f"测试老人{n}",
            region_code=streets[n % len(streets)],
            contacts=[{"name": f"子女{n}", "relation": "女儿", "phone": f"139{n:08d}"}],
        )
    started = time.perf_counter()
    seat_ids = "ARRAY[" + ",".join(str(s.pk) for s in seats) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_elder AS
              SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, region_code FROM people_elder;
            INSERT INTO alarms_alarm (
                elder_id, region_code, kind, severity, message, raised_at, repeats, status,
                claimed_by_id, claimed_at, escalation_level, closed_at, outcome, outcome_note
            )
            SELECT e.id, e.region_code,
                   CASE WHEN g % 10 = 0 THEN 'offline' WHEN g % 3 = 0 THEN 'fall' ELSE 'sos' END,
                   CASE WHEN g % 10 = 0 THEN 4 ELSE 1 END, '',
                   {MARCH} + (g::float / {alarms}) * interval '31 days', 0,
                   CASE WHEN g % 50 = 0 THEN 'open' ELSE 'closed' END,
                   CASE WHEN g % 50 = 0 THEN NULL ELSE ({seat_ids})[1 + g % 12] END,
                   CASE WHEN g % 50 = 0 THEN NULL
                        ELSE {MARCH} + (g::float / {alarms}) * interval '31 days' + ((g::bigint * 7919) % 300) * interval '1 second'
                   END,
                   0,
                   CASE WHEN g % 50 = 0 THEN NULL
                        ELSE {MARCH} + (g::float / {alarms}) * interval '31 days' + ((g::bigint * 7919) % 300) * interval '1 second'
                             + (120 + (g::bigint * 104729) % 1080) * interval '1 second'
                   END,
                   CASE WHEN g % 50 = 0 THEN '' ELSE 'resolved_home' END, ''
            FROM generate_series(1, {alarms}) AS g
            JOIN bench_elder e ON e.n = g % {PEOPLE};
            INSERT INTO alarms_callrecord (
                external_id, direction, number, number_hash, region_code, ringing_at, answered_at, ended_at,
                abandoned, note
            )
            SELECT 'bench-' || g, 'in', '', '', '310104003001',
                   {MARCH} + (g::float / {CALLS}) * interval '31 days',
                   CASE WHEN g % 25 = 0 THEN NULL ELSE {MARCH} + (g::float / {CALLS}) * interval '31 days' + interval '8 seconds' END,
                   {MARCH} + (g::float / {CALLS}) * interval '31 days' + interval '90 seconds',
                   g % 25 = 0, ''
            FROM generate_series(1, {CALLS}) AS g;
            ANALYZE alarms_alarm;
            ANALYZE alarms_callrecord;
            """
        )
    print(
        f"seeded {alarms:,} alarms and {CALLS:,} calls in {time.perf_counter() - started:.1f} s", flush=True
    )
    return admin, seats


def baseline() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*),
                   count(*) FILTER (WHERE coalesce(claimed_at, closed_at) <= raised_at + interval '60 seconds'),
                   count(*) FILTER (WHERE coalesce(claimed_at, closed_at) <= raised_at + interval '180 seconds')
            FROM alarms_alarm
            WHERE raised_at >= {MARCH} AND raised_at < {MARCH} + interval '31 days'
              AND kind NOT IN ('offline', 'low_battery')
            """
        )
        cursor.fetchall()
    return time.perf_counter() - started


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=ALARMS)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = pg_fresh(DB)
    try:
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "load_divisions")
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "yanglao.settings.development"
        import django

        django.setup()
        from django.utils import timezone

        from yanglao.alarms.selectors import sla as selectors
        from yanglao.alarms.services import calls as call_services
        from yanglao.alarms.services import sla as sla_services
        from yanglao.core import lists

        admin, seats = seed(args.alarms)
        params = {"start": "2026-03-01", "end": "2026-03-31"}
        base, _ = timed(baseline)
        report_s, figures = timed(lambda: selectors.sla_figures(user=admin, params=params))
        drill_s, page = timed(
            lambda: lists.keyset_page(
                selectors.sla_filterset(user=admin, params={**params, "answer": "late_60"}).qs,
                ("-raised_at", "-pk"),
            )
        )

        def export():
            with tempfile.TemporaryFile() as handle:
                return sla_services.sla_export_write(actor=admin, figures=figures, handle=handle)

        export_s, rows = timed(export, repeat=1)
        telephony = seats[0]
        latencies = []
        for n in range(300):
            started = time.perf_counter()
            call_services.call_incoming(
                actor=telephony,
                call_id=f"bench-pop-{n}",
                caller=f"139{n % PEOPLE:08d}",
                operator=seats[1 + n % 11].username,
                at=timezone.now(),
            )
            latencies.append((time.perf_counter() - started) * 1000)
        report = figures.report
        print()
        print("| step | rows | seconds | ÷ baseline |")
        print("|---|---|---|---|")
        print(f"| baseline: one SQL count within 60/180 s | {args.alarms:,} | {base:.3f} | 1.0× |")
        print(
            f"| sla_figures (the report page's reads) | {report.total:,} | {report_s:.3f} | {report_s / base:.1f}× |"
        )
        print(
            f"| drill-down first page (late for 60 s) | {len(page.rows)} | {drill_s:.3f} | {drill_s / base:.1f}× |"
        )
        print(f"| .xlsx export with audit entry | {rows} | {export_s:.3f} | {export_s / base:.1f}× |")
        print(
            f"\nwithin 60 s {report.within_60.percent} % ({report.within_60.met:,}/{report.within_60.counted:,}), "
            f"within 180 s {report.within_180.percent} %, handling median {report.resolution.median[0]:.0f} s, "
            f"P90 {report.resolution.p90[0]:.0f} s, abandoned {report.abandoned.percent} %"
        )
        ordered = sorted(latencies)
        print(
            f"call_incoming ×300 (record, match by blind index among {PEOPLE} people and their contacts, "
            f"publish): median {statistics.median(ordered):.1f} ms, p99 {ordered[int(len(ordered) * 0.99) - 1]:.1f} ms"
        )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            pg_drop(DB)


if __name__ == "__main__":
    main()
