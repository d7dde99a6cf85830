"""Benchmark: a caregiver's day at district scale (issue 11): the today page with 1,000,000 orders stored.

Seeds a throwaway PostgreSQL database (``yanglao_bench_care``): 50 providers with an offering each, 2,000
caregivers (40 a provider, each a caregiver account in the caregiver group; one of them can sign in), 300
people, and 1,000,000 confirmed or rated orders over the past two years (``_orders.insert_orders``, each
caregiver serving only their own provider's orders: ~500 each), then 8 accepted orders today for the measured
caregiver, to 8 people with addresses and coordinates; then ``ANALYZE``. Serves it with gunicorn and two
workers (``YANGLAO_DEBUG=false``), signs the caregiver in through ``/login/`` from two clients, and times
``GET /services/care/`` (the page) and ``GET /api/v1/services/care/today`` against ``GET /api/v1/me`` (the
baseline: session, middleware, one user row), each ``--requests`` times after a warm-up.

    .venv/bin/python bench/care_today.py              # seed (~3 min), time, keep the database
    .venv/bin/python bench/care_today.py --reuse      # time again on the kept database (today's orders re-dated)
    .venv/bin/python bench/care_today.py --drop       # seed, time, drop the database

Target: the caregiver's today page p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG_ADMIN, ROOT, gunicorn, pg_drop, pg_fresh
from _orders import insert_orders
from pages import PASSWORD, Session, free_port, p95, timed

sys.path.insert(0, str(ROOT))  # this checkout's yanglao, not the one the virtualenv has installed

DB = "yanglao_bench_care"
PROVIDERS = 50
CAREGIVERS = 2_000
ORDERS = 1_000_000
ELDERS = 300
TODAY = 8
DAYS = 730
USERNAME = "bench_caregiver"
PAGES = [
    ("基线 /api/v1/me", "/api/v1/me"),
    ("护理员今日工单页面", "/services/care/"),
    ("今日工单 API", "/api/v1/services/care/today"),
]
# Every order before today: day offsets 1 … DAYS back, 08:00–17:00 Beijing time.
PAST_START = (
    "(date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')"
    f" - (1 + g % {DAYS}) * interval '1 day' + interval '8 hours' + (g % 10) * interval '1 hour'"
)


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yanglao.settings.development"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yanglao.settings.development"
    import django

    django.setup()


def seed(orders: int) -> None:
    """Providers, caregivers (bulk, unusable passwords, but one), people, then the orders in SQL."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from yanglao.core import services as core_services
    from yanglao.core.choices import Role
    from yanglao.core.models import User
    from yanglao.core.testing import factories
    from yanglao.people.tests import factories as people_factories
    from yanglao.services.models import Caregiver, ServiceItem, ServiceOffering, ServiceOrder

    started = time.perf_counter()
    group = core_services.roles_sync()[Role.CAREGIVER]
    admin = User.objects.create_superuser("bench_root", password="Bench-password-2026")
    item = ServiceItem.objects.get(code="SH-ZJ")
    streets = ["310104003001", "310104004001", "310104003002", "310104004003"]
    offerings = []
    for n in range(PROVIDERS):
        provider = factories.organisation(
            region_code=streets[n % len(streets)], name=f"居家服务社{n:02d}", kind="home_service"
        )
        offerings.append(
            ServiceOffering.objects.create(
                provider=provider,
                region_id=provider.region_id,
                item=item,
                price=45,
                government_purchased=True,
                contracted_price=38,
            )
        )
    home = offerings[0].provider
    # The measured caregiver first (lowest id: caregiver 0 of provider 0), through the real service.
    measured = core_services.user_create(
        actor=None,
        username=USERNAME,
        password=PASSWORD,
        role=Role.CAREGIVER,
        full_name="测试护理员",
        organisation_id=home.pk,
    )
    caregiver = Caregiver.objects.create(
        user=measured, provider=home, region_id=home.region_id, name="测试护理员", lat=31.2080, lng=121.4440
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"bench_cg_{n:04d}",
            password=unusable,
            full_name=f"护理员{n:04d}",
            role=Role.CAREGIVER,
            organisation=offerings[n % PROVIDERS].provider,
        )
        for n in range(1, CAREGIVERS)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=group.pk) for u in users
    )
    Caregiver.objects.bulk_create(
        Caregiver(
            user=u,
            provider=u.organisation,
            region_id=u.organisation.region_id,
            name=u.full_name,
            lat=31.2,
            lng=121.44,
        )
        for u in users
    )
    visited = [
        people_factories.elder(
            actor=admin,
            name=f"上门老人{n}",
            address=f"上海市徐汇区天平路 {n + 1} 号",
            lat=31.2050 + n * 0.002,
            lng=121.4400 + (n % 3) * 0.002,
        )
        for n in range(TODAY)
    ]
    for n in range(ELDERS - TODAY):
        people_factories.elder(actor=admin, name=f"测试老人{n}")
    print(f"accounts and people in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        insert_orders(
            cursor,
            orders=orders,
            item_id=item.pk,
            placed_by_id=admin.pk,
            start=PAST_START,
            with_caregivers=True,
        )
    print(f"{orders:,} orders in {time.perf_counter() - started:.1f} s", flush=True)
    day = timezone.localdate()
    for n, person in enumerate(visited):
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + n)))
        ServiceOrder.objects.create(
            client_key=f"bench-today-{n}",
            elder=person,
            region_id=person.region_id,
            provider=home,
            offering=offerings[0],
            item=item,
            quantity=1,
            scheduled_start=start,
            scheduled_end=start + dt.timedelta(hours=1),
            unit_price=45,
            contracted_price=38,
            covered_units=1,
            government_yuan=38,
            self_pay_yuan=7,
            status="accepted",
            caregiver=caregiver,
            channel="advisor",
            placed_by=admin,
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT count(*), count(DISTINCT caregiver_id), "
            "count(*) FILTER (WHERE caregiver_id = %s) FROM services_serviceorder",
            [caregiver.pk],
        )
        count, caregivers, mine = cursor.fetchone()
    print(
        f"ANALYZE in {time.perf_counter() - started:.1f} s; {count:,} orders over {caregivers:,} caregivers, "
        f"{mine:,} of them the measured caregiver's",
        flush=True,
    )


def redate_today() -> None:
    """On a kept database: move the measured caregiver's accepted orders to today, same hours."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE services_serviceorder o SET
              scheduled_start = (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')
                  + (o.scheduled_start AT TIME ZONE 'Asia/Shanghai')::time,
              scheduled_end = (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')
                  + (o.scheduled_end AT TIME ZONE 'Asia/Shanghai')::time
            WHERE o.client_key LIKE 'bench-today-%' AND o.status = 'accepted'
            """
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="time the kept database, do not seed")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--orders", type=int, default=ORDERS)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.reuse:
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB
        setup_django(url)
        redate_today()
    else:
        url = pg_fresh(DB)
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "load_divisions")
        setup_django(url)
        seed(args.orders)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server, base = gunicorn(url, port, args.workers)
    try:
        check = Session(base)
        check.login(USERNAME)
        status, _, body = check.get("/api/v1/services/care/today")
        stops = json.loads(body)
        if status != 200 or len(stops) != TODAY or not all(s["address"] for s in stops):
            raise SystemExit(
                f"today's route is not the {TODAY} seeded stops: HTTP {status}, {len(stops)} stops"
            )
        print(f"the caregiver's route today: {len(stops)} stops, each with its address", flush=True)
        rows = []
        for label, path in PAGES:
            times = timed(base, USERNAME, path, args.requests, args.clients)
            rows.append((label, path, statistics.median(times), p95(times), len(times)))
        base_p95 = rows[0][3]
        print()
        print(f"| request | n | p50 (ms) | p95 (ms) | p95 ÷ baseline p95 |  ({time.strftime('%Y-%m-%d')})")
        print("|---|---|---|---|---|")
        for label, path, median, high, n in rows:
            print(
                f"| {label} `{path}` | {n} | {median * 1000:.1f} | {high * 1000:.1f} | {high / base_p95:.1f}× |"
            )
        page_p95 = rows[1][3] * 1000
        print(
            f"\ntarget: today page p95 ≤ 100 ms: {'met' if page_p95 <= 100 else 'NOT met'} ({page_p95:.1f} ms)"
        )
    finally:
        server.terminate()
        server.wait(10)
        if args.drop:
            pg_drop(DB)


if __name__ == "__main__":
    main()
