"""Benchmarks for issue 4: the score endpoint's latency and re-scoring a million stored assessments.

    .venv/bin/python bench/assessments.py --rows 1000000 [--requests 500]

1. Score endpoint: POST /api/v1/assessments/score through Django's full request stack (middleware, session
   auth, ninja, engine), p95 over N requests with a complete GB/T 42195 form. Baseline in the same run:
   GET /api/v1/me through the same stack.
2. Re-scoring: N approved GB/T 42195 assessments with varied answers in a fresh PostgreSQL database; a rule
   change (stacking "each") is applied and ``assessment_rescore`` re-scores all of them. Baseline in the
   same run: reading the same rows' answers with a bare SELECT.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common


def p95(samples):
    return statistics.quantiles(samples, n=20)[18] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    name = f"yanglao_assess_{os.getpid()}"
    url = _common.pg_fresh(name)
    try:
        _common.prepare_database(url)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings.development")
        import django

        django.setup()
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        _common.pg_drop(name)


def run(args) -> None:
    from django.db import connection
    from django.test import Client

    from yanglao.assessment import instruments, services
    from yanglao.assessment.models import Assessment
    from yanglao.core import services as core_services
    from yanglao.core.models import User
    from yanglao.people.tests import factories

    core_services.roles_sync()
    data = instruments.get("gbt42195-2022")
    items = [i for d in data["dimensions"] for i in d["items"]]
    rng = random.Random(5)

    def random_answers():
        return {i["code"]: rng.choice([o["score"] for o in i["options"]]) for i in items}

    # 1. the endpoint
    user = core_services.user_create(
        actor=None,
        username="bench_assessor",
        password="Bench-password-2026",
        role="gov_admin",
        region_codes=["310104000000"],
    )
    client = Client()
    client.force_login(user)
    payloads = [
        json.dumps(
            {
                "instrument": "gbt42195-2022",
                "answers": random_answers(),
                "context": {"diagnoses": ["F01"], "risk_events": {"跌倒": 1, "噎食": 1}},
            }
        )
        for _ in range(args.requests)
    ]

    def timed(call):
        out = []
        for i in range(args.requests):
            started = time.perf_counter()
            response = call(i)
            out.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
        return out

    timed(lambda i: client.get("/api/v1/me"))  # warm up
    base = timed(lambda i: client.get("/api/v1/me"))
    ours = timed(
        lambda i: client.post("/api/v1/assessments/score", payloads[i], content_type="application/json")
    )
    print(f"score endpoint, {args.requests} requests (Django test client, full stack):")
    print("| request | p95 (ms) | median (ms) | p95 ÷ baseline |")
    print("|---|---|---|---|")
    print(f"| baseline: GET /api/v1/me | {p95(base):.2f} | {statistics.median(base) * 1000:.2f} | 1.0× |")
    print(
        f"| POST /api/v1/assessments/score | {p95(ours):.2f} | {statistics.median(ours) * 1000:.2f} | "
        f"{p95(ours) / p95(base):.1f}× |"
    )

    # 2. re-scoring
    elder = factories.elder(name="基准老人")
    requester = User.objects.get(username="bench_assessor")
    from yanglao.assessment import scoring

    started = time.perf_counter()
    batch = []
    for n in range(args.rows):
        answers = random_answers()
        context = {"diagnoses": ["F01"] if n % 7 == 0 else [], "risk_events": {"跌倒": n % 3}}
        result = scoring.score(data, answers, context)
        batch.append(
            Assessment(
                elder=elder,
                region_id=elder.region_id,
                instrument="gbt42195-2022",
                instrument_version="2022",
                reason="first",
                status="approved",
                requested_by=requester,
                answers=answers,
                context=context,
                result={},
                total=result.total,
                preliminary_level=result.preliminary_level,
                final_level=result.final_level,
                level_name=result.level_name,
            )
        )
        if len(batch) == 20_000:
            Assessment.objects.bulk_create(batch)
            batch = []
    Assessment.objects.bulk_create(batch)
    print(
        f"\nloaded {args.rows:,} assessments in {time.perf_counter() - started:.0f} s (setup, not measured)"
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE assessment_assessment")
        started = time.perf_counter()
        cur.execute("SELECT id, answers, context FROM assessment_assessment")
        while cur.fetchmany(20_000):
            pass
        baseline = time.perf_counter() - started
    changed = json.loads(json.dumps(data))
    changed["changes"]["stacking"] = "each"
    original = instruments.get
    instruments.get = lambda code: changed
    try:
        started = time.perf_counter()
        counts = services.assessment_rescore(instrument="gbt42195-2022", reason="benchmark: stacking each")
        ours_s = time.perf_counter() - started
    finally:
        instruments.get = original
    print("| run | seconds | checked | changed | bare SELECT of the same rows (s) | ours ÷ baseline |")
    print("|---|---|---|---|---|---|")
    print(
        f"| re-score after a rule change | {ours_s:.1f} | {counts['checked']:,} | {counts['changed']:,} | "
        f"{baseline:.1f} | {ours_s / baseline:.1f}× |"
    )


if __name__ == "__main__":
    main()
