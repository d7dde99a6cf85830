"""Benchmark: a district's monthly settlement at scale (issue 11, item 10): 1,000,000 confirmed orders of one
month across 50 providers, about 3 % of them with a quality alert.

    .venv/bin/python bench/settlement.py               # builds a throwaway database, times, drops it
    .venv/bin/python bench/settlement.py --keep        # keep the database (yanglao_bench_settlement)

The orders (``_orders.insert_orders``) and alerts go in with ``INSERT … SELECT generate_series`` (not the
ORM). The baseline, in the same run, is one bare SQL ``GROUP BY provider_id`` of the same counts and sums over the month; then
``settlement_prepare`` (the service the page and ``yanglao settlement`` call) runs for every provider as the
system account, from scratch (drafts created, exceptions written) and once more (the idempotent recompute).
Target: ≤ 60 s for all providers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, pg_drop, pg_fresh
from _orders import insert_orders

sys.path.insert(0, str(ROOT))  # this checkout's yanglao, not the one the virtualenv has installed

DB = "yanglao_bench_settlement"
MONTH = "2026-03"
PROVIDERS = 50
ORDERS = 1_000_000
ELDERS = 200


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yanglao.settings.development"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def seed(orders: int) -> list[int]:
    """Providers with an offering each, a few hundred people, then the orders and alerts in SQL."""
    from django.db import connection

    from yanglao.core import services as core_services
    from yanglao.core.models import User
    from yanglao.core.testing import factories
    from yanglao.people.tests import factories as people_factories
    from yanglao.services.models import ServiceItem, ServiceOffering

    core_services.roles_sync()
    admin = User.objects.create_superuser("bench_root", password="Bench-password-2026")
    item = ServiceItem.objects.get(code="SH-ZJ")
    streets = ["310104003001", "310104004001", "310104003002", "310104004003"]
    offerings = []
    for n in range(PROVIDERS):
        provider = factories.organisation(region_code=streets[n % len(streets)], name=f"居家服务社{n:02d}")
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
    for n in range(ELDERS):
        people_factories.elder(actor=admin, name=f"测试老人{n}")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        insert_orders(cursor, orders=orders, item_id=item.pk, placed_by_id=admin.pk)
        cursor.execute(
            """
            INSERT INTO services_servicealert (
                order_id, provider_id, region_code, kind, action, message, raised_at, status, note
            )
            SELECT id, provider_id, region_code, 'late', 'warn', '迟到 20 分钟', scheduled_start, 'open', ''
            FROM services_serviceorder WHERE id % 33 = 0;
            INSERT INTO services_servicealert (
                order_id, provider_id, region_code, kind, action, message, raised_at, status, note
            )
            SELECT id, provider_id, region_code, 'short', 'warn', '服务时长不足', scheduled_start, 'open', ''
            FROM services_serviceorder WHERE id % 99 = 0;
            ANALYZE services_serviceorder;
            ANALYZE services_servicealert;
            """,
        )
        cursor.execute(
            "SELECT count(*), (SELECT count(DISTINCT order_id) FROM services_servicealert) FROM services_serviceorder"
        )
        count, alerted = cursor.fetchone()
    print(
        f"seeded {count:,} orders ({alerted:,} with alerts) in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return [o.provider_id for o in offerings]


def baseline() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT provider_id, count(*),
                   count(*) FILTER (WHERE status IN ('confirmed', 'rated')),
                   sum(government_yuan) FILTER (WHERE status IN ('confirmed', 'rated')),
                   sum(self_pay_yuan) FILTER (WHERE status IN ('confirmed', 'rated'))
            FROM services_serviceorder
            WHERE scheduled_start >= timestamptz '2026-03-01 00:00+08'
              AND scheduled_start < timestamptz '2026-04-01 00:00+08'
            GROUP BY provider_id
            """
        )
        rows = cursor.fetchall()
    assert len(rows) == PROVIDERS, rows
    return time.perf_counter() - started


def prepare_all(providers: list[int]) -> tuple[float, int, int]:
    from yanglao.core import audit
    from yanglao.services import services

    actor = audit.system_actor()
    started = time.perf_counter()
    orders = exceptions = 0
    for provider_id in providers:
        s = services.settlement_prepare(actor=actor, provider_id=provider_id, month=MONTH)
        orders += s.confirmed
        exceptions += s.exceptions
    return time.perf_counter() - started, orders, exceptions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=ORDERS)
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
        providers = seed(args.orders)
        base = baseline()
        first, orders, exceptions = prepare_all(providers)
        again, _, _ = prepare_all(providers)
        print()
        print("| step | providers | orders | exceptions | seconds | ÷ GROUP BY |")
        print("|---|---|---|---|---|---|")
        print(
            f"| baseline: one SQL GROUP BY provider | {PROVIDERS} | {args.orders:,} | — | {base:.2f} | 1.0× |"
        )
        print(
            f"| settlement_prepare, every provider, first run | {PROVIDERS} | {orders:,} | {exceptions:,} | "
            f"{first:.2f} | {first / base:.1f}× |"
        )
        print(
            f"| settlement_prepare, every provider, again (idempotent) | {PROVIDERS} | {orders:,} | "
            f"{exceptions:,} | {again:.2f} | {again / base:.1f}× |"
        )
        print(f"\ntarget ≤ 60 s: {'met' if first <= 60 else 'NOT met'} ({first:.1f} s)")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            pg_drop(DB)


if __name__ == "__main__":
    main()
