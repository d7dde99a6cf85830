"""Benchmark: search and list pages over N elders on PostgreSQL, as a district officer (scoped).

    .venv/bin/python bench/search_elders.py --rows 1000000 [--database-url URL]

Targets (issue 3) with 1,000,000 people: search p95 ≤ 50 ms; first list page p95 ≤ 100 ms; any later page
the same (keyset). Every query goes through the real selector (scope, filters, decryption of the page).
Baseline, measured in the same run: a primary-key lookup of one row through the same ORM path.
Without --database-url it creates a database and imports bench/make_elders_workbook.py rows first.
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
import import_elders


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] * 1000


def run(url: str, repeat: int) -> list[tuple[str, float, float]]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings.development")
    import django

    django.setup()
    from django.db import connection

    from yanglao.core import lists
    from yanglao.core import services as core_services
    from yanglao.core.models import User
    from yanglao.people import selectors
    from yanglao.people.models import Elder

    with connection.cursor() as cur:
        cur.execute("ANALYZE people_elder")
    user = User.objects.filter(username="bench_district").first() or core_services.user_create(
        actor=None,
        username="bench_district",
        password="Bench-password-2026",
        role="gov_admin",
        region_codes=["310104000000"],
    )
    user = User.objects.get(pk=user.pk)
    sample = list(
        Elder.objects.unscoped(reason="benchmark sample")
        .order_by("?")
        .values_list("pk", "name", "name_initials", "id_last4", "region", "phone")[:repeat]
    )
    numbers = [
        e.id_number
        for e in Elder.objects.unscoped(reason="benchmark sample").filter(pk__in=[s[0] for s in sample])
    ]

    def timed(fn) -> list[float]:
        out = []
        for i in range(repeat):
            started = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - started)
        return out

    def page(params=None, after=""):
        rows = selectors.elder_page(user=user, params=params, after=after, limit=50).rows
        return [e.id_masked for e in rows]  # touch decrypted fields as the page does

    def F(q="", group=()):
        return {"q": q, "group": list(group)}

    cases = {
        "baseline: one row by primary key": lambda i: list(
            Elder.objects.for_user(user).filter(pk=sample[i][0])
        ),
        "search: pinyin initials (2 letters)": lambda i: page(F(q=sample[i][2][:2])),
        "search: name prefix (surname + 1)": lambda i: page(F(q=sample[i][1][:2])),
        "search: last four ID characters": lambda i: page(F(q=sample[i][3])),
        "search: full ID number": lambda i: page(F(q=numbers[i])),
        "search: phone number": lambda i: page(F(q=sample[i][5] or "13800000000")),
        "list: first page": lambda i: page(),
        "list: first page, 独居 + 80+": lambda i: page(F(group=("living_alone", "oldest_old"))),
        "list: a later page (keyset, random depth)": lambda i: page(
            after=lists.encode_cursor([sample[i][4], sample[i][0]])
        ),
    }
    for fn in cases.values():  # warm caches once
        fn(0)
    return [(name, p95(t := timed(fn)), statistics.median(t) * 1000) for name, fn in cases.items()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="an already imported database (skips the import)")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    name = None
    url = args.database_url
    if not url:
        name = f"yanglao_search_{os.getpid()}"
        url = _common.pg_fresh(name)
        _common.prepare_database(url)
        import_elders.ours(url, import_elders.workbook(args.rows))
    try:
        results = run(url, args.repeat)
    finally:
        if name:
            _common.pg_drop(name)
    base = results[0][1]
    print(f"{args.rows:,} people, {args.repeat} queries each, as a district-level user")
    print("| query | p95 (ms) | median (ms) | p95 ÷ baseline p95 |")
    print("|---|---|---|---|")
    for label, p, median in results:
        print(f"| {label} | {p:.1f} | {median:.1f} | {p / base:.1f}× |")


if __name__ == "__main__":
    main()
