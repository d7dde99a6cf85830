"""Order creation (issue 11): sustained orders per second through the API, p95 against /api/v1/me in the same run.

A fresh PostgreSQL database gets the catalogue, one street's people (``--people``, each living alone so the
district's list entitles them to government-purchased hours), two providers serving the street (one
government-purchased, one self-paid), an advisor with an API token, and this month's and next month's
allowance rows as the nightly grant makes them (services.tasks.grant_allowances). gunicorn serves it with two sync
workers as production would. An open-loop generator then sends ``POST /api/v1/services/orders`` at
``--rate`` per second for ``--seconds`` (each request a new client key, a random person and slot), and the
same rate of ``GET /api/v1/me`` as the baseline; latency is measured from each request's scheduled send time,
so a server that falls behind shows it. Afterwards the database must hold exactly one order per key, and a
replay of 200 keys must create none. Nothing is timed in the test suite.

    .venv/bin/python bench/orders.py                        # 200/s for 30 s
    .venv/bin/python bench/orders.py --rate 300 --seconds 20

Target: 200 orders/s sustained with 2 workers, p95 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, cli, cpu_seconds, free_port, pg_drop, pg_fresh

PYTHON = str(ROOT / ".venv" / "bin" / "python")

SETUP = """
import datetime as dt, json
from decimal import Decimal
from yanglao.core import services as core_services
from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories
from yanglao.services.models import BasicServiceList, BasicServiceListRow, ServiceItem, ServiceOffering

street = "310104003000"
advisor = factories.user(role="advisor", regions=[street], username="bench_advisor")
token = core_services.api_token_create(actor=advisor, name="bench", days=1)[1]
people = [
    people_factories.elder(name=f"老人{{n}}", region_code="310104003001")
    for n in range({people})
]
lst = BasicServiceList.objects.create(region_id="310104000000", title="压测清单", effective_from=dt.date(2020, 1, 1))
BasicServiceListRow.objects.create(
    service_list=lst, position=1, category="care", name="居家照护", target_groups=["living_alone"],
    monthly_hours=Decimal("40"), payer="government",
)
offerings = []
for n, (code, contract) in enumerate([("SH-ZJ", Decimal(38)), ("SH-ZC", None)]):
    provider = factories.organisation(region_code="310104003000", name=f"压测服务社{{n}}", kind="home_service")
    o = ServiceOffering.objects.create(
        provider=provider, region_id="310104003000", item=ServiceItem.objects.get(code=code), price=Decimal(45),
        government_purchased=contract is not None, contracted_price=contract,
    )
    o.areas.set([street])
    offerings.append(o.pk)
# What the nightly job (services.tasks.grant_allowances) has made by the time families order: this month's and
# next month's allowance rows, so a month's first order spends its row instead of creating it.
from yanglao.services import services
this_month = dt.date.today().replace(day=1)
for month in (this_month, (this_month + dt.timedelta(days=32)).replace(day=1)):
    services.allowances_grant(month=month)
print(json.dumps({{"token": token, "people": [p.pk for p in people], "offerings": offerings}}))
"""

COUNT = """
from yanglao.services.models import ServiceOrder
qs = ServiceOrder.objects.unscoped(reason="bench count")
print(qs.count(), qs.values("client_key").distinct().count())
"""


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(port: int, token: str, make, rate: float, seconds: float, threads: int) -> dict:
    """Open loop: request i is due at start + i/rate; latency counts from when it was due."""
    jobs: queue.Queue = queue.Queue()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    total = int(rate * seconds)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            job = jobs.get()
            if job is None:
                return
            due, (method, path, body) = job
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - due
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    start = time.perf_counter() + 0.2
    for i in range(total):
        jobs.put((start + i / rate, make(i)))
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join()
    took = time.perf_counter() - start
    return {
        "requests": total,
        "achieved_per_s": round(total / took, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(pct(latencies, 0.95) * 1000, 1),
        "p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--people", type=int, default=900)  # the factory makes 999 distinct IDs
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=64, help="client threads")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    db = "yanglao_bench_orders"
    url = pg_fresh(db)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "yanglao.settings.development",
        "YANGLAO_DEBUG": "false",
    }
    started = time.perf_counter()
    cli(url, "migrate", "--no-input", "-v0")
    cli(url, "load-divisions")
    setup = json.loads(manage(env, "shell", stdin=SETUP.format(people=args.people)).strip().splitlines()[-1])
    print(f"prepared in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "yanglao.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            "--threads",
            str(args.worker_threads),
        ],
        env=env,
        cwd=ROOT,
    )
    rng = random.Random(11)
    day = dt.date.today() + dt.timedelta(days=2)
    keys: list[str] = []

    def order(i: int):
        key = uuid.uuid4().hex
        keys.append(key)
        start = dt.datetime.combine(day + dt.timedelta(days=i % 20), dt.time(8 + i % 10, 0))
        body = {
            "client_key": key,
            "elder_id": rng.choice(setup["people"]),
            "offering_id": setup["offerings"][i % 2],
            "scheduled_start": start.isoformat() + "+08:00",
            "quantity": "1",
        }
        return "POST", "/api/v1/services/orders", json.dumps(body)

    def me(i: int):
        return "GET", "/api/v1/me", None

    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.3)
        time.sleep(1)
        warm = run_load(port, setup["token"], me, 50, 2, 8)
        assert warm["statuses"].get(200), warm
        workers = [
            int(p)
            for p in subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
        ]

        def worker_cpu() -> float:
            return sum(cpu_seconds(p) for p in workers)

        spent = worker_cpu()
        baseline = run_load(port, setup["token"], me, args.rate, args.seconds, args.threads)
        baseline["worker_cpu_ms_per_request"] = round(
            (worker_cpu() - spent) * 1000 / max(1, sum(baseline["statuses"].values())), 2
        )
        spent = worker_cpu()
        orders = run_load(port, setup["token"], order, args.rate, args.seconds, args.threads)
        orders["worker_cpu_ms_per_request"] = round(
            (worker_cpu() - spent) * 1000 / max(1, sum(orders["statuses"].values())), 2
        )
        replayed_keys = keys[:200]

        def replay(i: int):
            key = replayed_keys[i]
            return (
                "POST",
                "/api/v1/services/orders",
                json.dumps(
                    {
                        "client_key": key,
                        "elder_id": setup["people"][0],
                        "offering_id": setup["offerings"][1],
                        "scheduled_start": dt.datetime.combine(day, dt.time(9)).isoformat() + "+08:00",
                    }
                ),
            )

        replays = run_load(port, setup["token"], replay, 100, 2, 8)
        count, distinct = (int(x) for x in manage(env, "shell", stdin=COUNT).strip().splitlines()[-1].split())
    finally:
        server.terminate()
        server.wait(10)
        if not args.keep:
            pg_drop(db)
    created = orders["statuses"].get(201, 0)
    print(json.dumps({"baseline_me": baseline, "orders": orders, "replays": replays}, indent=1))
    print(
        f"orders: {orders['achieved_per_s']}/s, p95 {orders['p95_ms']} ms "
        f"= {orders['p95_ms'] / baseline['p95_ms']:.1f} × /api/v1/me p95 {baseline['p95_ms']} ms; "
        f"201 answers {created}, rows {count} (distinct keys {distinct}); replays made no rows: {count == created}; "
        f"worker CPU per order {orders['worker_cpu_ms_per_request']} ms "
        f"(/api/v1/me {baseline['worker_cpu_ms_per_request']} ms)"
    )


if __name__ == "__main__":
    main()
