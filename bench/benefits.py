"""Benchmark: a month's benefit batch for 1,000,000 people under five policies (issue 14), on PostgreSQL.

    .venv/bin/python bench/benefits.py            # builds a throwaway database, times, drops it
    .venv/bin/python bench/benefits.py --keep     # keep the database (yanglao_bench_benefits)
    .venv/bin/python bench/benefits.py --people 200000

The people (in Xuhui's committees, a realistic spread of ages, economic status, 计生特殊家庭, GB/T 42195 levels,
1 % died this year, 7 % non-local), their payee accounts and the approved claims go in with ``INSERT …
SELECT generate_series``. Five policies: the demo's three (高龄津贴, 困难补贴, 失能护理补贴 by claim) plus a
高龄失能 service subsidy that does not stack with the care subsidy, and a 计生特殊家庭 allowance.

The baseline, in the same run, is a bare ``SELECT`` of the same people's eligibility columns, fetched to the
client. Then ``batch_preview`` (work the batch out, write nothing: ``--dry-run``) and ``batch_prepare`` (the
service the page and ``yanglao benefits-batch`` call: compute, COPY the lines, findings and stops) run as the
system account. Target: ≤ 60 s.
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

DB = "yanglao_bench_benefits"
DISTRICT = "310104000000"
PEOPLE = 1_000_000
OVERRIDDEN = {
    "id",
    "id_hash",
    "region_code",
    "birth_date",
    "economic_status",
    "family_planning_special",
    "local_hukou",
    "ability_instrument",
    "ability_level",
    "ability_valid_until",
    "status",
    "status_date",
    "death_date",
}
EXTRA_POLICIES = [
    {
        "code": "oldest_old_care_service",
        "name": "高龄失能老年人养老服务补贴",
        "kind": "service",
        "rule": {"min_age": 80, "ability": {"instrument": "gbt42195-2022", "levels": [2, 3, 4]}},
        "bands": [{"label": "高龄中度及以上失能", "amount": "300.00"}],
        "stacking_group": "care",
    },
    {
        "code": "family_planning_allowance",
        "name": "计划生育特殊家庭老年人扶助金",
        "kind": "cash",
        "rule": {"min_age": 60, "family_planning_special": True},
        "bands": [{"label": "计划生育特殊家庭", "amount": "150.00"}],
        "stacking_group": "",
    },
]


def build(url: str, people: int) -> None:
    import psycopg

    _common.prepare_database(url)
    _common.cli(url, "seed", "--profile", "xuhui", "--scale", "0.0002", "--seed", "1")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'people_elder'")
        columns = [r[0] for r in cur.fetchall() if r[0] not in OVERRIDDEN]
        cur.execute(
            "CREATE TEMP TABLE committees AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code "
            "FROM core_region WHERE level = 'village' AND code >= %s AND code < '310105000000'",
            [DISTRICT],
        )
        cur.execute("SELECT count(*) FROM committees")
        n = cur.fetchone()[0]
        began = time.perf_counter()
        cur.execute(
            f"""
            INSERT INTO people_elder ({", ".join(columns)}, id_hash, region_code, birth_date, economic_status,
                family_planning_special, local_hukou, ability_instrument, ability_level, ability_valid_until,
                status, status_date, death_date)
            SELECT {", ".join("e." + c for c in columns)}, md5('bench' || g), c.code,
                current_date - ((60 + floor(power(random(), 1.6) * 45))::int * 365 + floor(random() * 365)::int),
                (ARRAY['general','general','general','general','general','dibao','low_income','near_dibao',
                       'extreme_poverty'])[1 + floor(random() * 9)::int],
                CASE WHEN random() < 0.03 THEN 'lost_only_child' ELSE '' END,
                random() < 0.93,
                x.instrument, x.level, x.until,
                CASE WHEN g %% 100 = 0 THEN 'deceased' ELSE 'active' END,
                CASE WHEN g %% 100 = 0 THEN current_date - (g %% 300) END,
                CASE WHEN g %% 100 = 0 THEN current_date - (g %% 300) END
            FROM generate_series(1, %s) g
            JOIN committees c ON c.n = g %% %s
            CROSS JOIN (SELECT * FROM people_elder ORDER BY id LIMIT 1) e
            CROSS JOIN LATERAL (
                SELECT CASE WHEN random() < 0.22 THEN 'gbt42195-2022' ELSE '' END AS instrument
            ) i
            CROSS JOIN LATERAL (
                SELECT i.instrument,
                       CASE WHEN i.instrument <> '' THEN floor(random() * 5)::int END AS level,
                       CASE WHEN i.instrument <> '' THEN current_date + (floor(random() * 700)::int - 60) END AS until
            ) x
            """,
            [people, n],
        )
        cur.execute(
            """
            INSERT INTO benefits_payeeaccount (elder_id, region_code, bank, account_number, account_hash,
                account_last4, holder_name, holder_relation, updated_at)
            SELECT id, region_code, '中国工商银行', '', md5('acct' || id), right(id::text, 4), name, '本人', now()
            FROM people_elder WHERE id % 50 <> 0
            ON CONFLICT DO NOTHING
            """
        )
        cur.execute(
            """
            INSERT INTO benefits_benefitapplication (elder_id, region_code, policy_code, policy_name, applicant,
                applicant_name, documents, reason, status, submitted_by_id, submitted_at, street_note,
                district_note, history)
            SELECT id, region_code, 'disability_care_subsidy', '失能老年人护理补贴', 'self', '本人', '[]', '',
                'approved', (SELECT id FROM core_user ORDER BY id LIMIT 1), now(), '', '', '[]'
            FROM people_elder e WHERE ability_level >= 1 AND status = 'active'
              AND NOT EXISTS (SELECT 1 FROM benefits_benefitapplication a WHERE a.elder_id = e.id)
            """
        )
        cur.execute("ANALYZE")
        conn.commit()
        print(
            f"seeded {people:,} people, accounts and claims in {time.perf_counter() - began:.0f} s",
            flush=True,
        )


def add_policies() -> None:
    from yanglao.benefits import services
    from yanglao.benefits.models import BenefitPolicy
    from yanglao.core import audit

    have = set(BenefitPolicy.objects.unscoped(reason="bench").values_list("code", flat=True))
    start = BenefitPolicy.objects.unscoped(reason="bench").order_by("effective_from").first().effective_from
    for item in EXTRA_POLICIES:
        if item["code"] not in have:
            services.policy_save(
                actor=audit.system_actor(), region_code=DISTRICT, effective_from=start, **item
            )


def baseline(month: dt.date) -> tuple[float, int]:
    """The same people's eligibility columns, fetched to the client: what any batch must at least read."""
    from django.db import connection

    from yanglao.benefits.batching import PERSON_COLUMNS

    columns = ", ".join(
        "id" if c == "pk" else ("region_code" if c == "region_id" else c) for c in PERSON_COLUMNS
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM people_elder WHERE region_code >= %s AND region_code < '310105000000' "
            "AND (status = 'active' OR death_date >= %s)",
            [DISTRICT, month],
        )
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    args = parser.parse_args()
    url = _common.PG_ADMIN.rsplit("/", 1)[0] + "/" + DB
    if not args.reuse:
        url = _common.pg_fresh(DB)
        build(url, args.people)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yanglao.settings.development"
    import django

    django.setup()
    from django.utils import timezone

    from yanglao.benefits import services
    from yanglao.benefits.models import BenefitPolicy, PaymentBatch
    from yanglao.core import audit

    try:
        add_policies()
        first = timezone.localdate().replace(day=1)
        month = (first - dt.timedelta(days=1)).replace(day=1)
        PaymentBatch.objects.unscoped(reason="bench").filter(month=month).delete()
        actor = audit.system_actor()
        base, fetched = baseline(month)
        started = time.perf_counter()
        preview = services.batch_preview(actor=actor, month=month, region_code=DISTRICT)
        previewed = time.perf_counter() - started
        started = time.perf_counter()
        batch = services.batch_prepare(actor=actor, month=month, region_code=DISTRICT)
        prepared = time.perf_counter() - started
        policies = BenefitPolicy.objects.unscoped(reason="bench").count()
        print()
        print(f"{fetched:,} people on the register for {month:%Y-%m}, {policies} policies")
        print("| step | lines | seconds | ÷ bare SELECT |")
        print("|---|---|---|---|")
        print(f"| baseline: bare SELECT of the eligibility columns | {fetched:,} rows | {base:.2f} | 1.0× |")
        print(
            f"| batch_preview (work out, write nothing) | {preview['payments'] + preview['held']:,} | "
            f"{previewed:.2f} | {previewed / base:.1f}× |"
        )
        print(
            f"| batch_prepare (work out and write lines, findings, stops) | {batch.payments + batch.held:,} | "
            f"{prepared:.2f} | {prepared / base:.1f}× |"
        )
        print(
            f"\npaid {batch.payments:,} lines to {batch.people:,} people, {batch.total_yuan} yuan; held {batch.held:,};"
            f" findings {batch.findings:,}; stopped {batch.stopped:,}"
        )
        print(f"target ≤ 60 s: {'met' if prepared <= 60 else 'NOT met'} ({prepared:.1f} s)")
    finally:
        if not args.keep and not args.reuse:
            from django.db import connections

            connections.close_all()
            _common.pg_drop(DB)


if __name__ == "__main__":
    main()
