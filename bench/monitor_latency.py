"""Benchmark: how soon a breach shows on the provider's monitor (issue 11): check-in → alert row in the DOM.

Serves a fresh database with ``manage.py serve --no-worker`` (uvicorn, one process, as ``yanglao serve``
runs it; SQLite with its event poll by default, ``--db postgresql`` for LISTEN/NOTIFY). One provider, its
manager and one caregiver with ``--orders`` accepted orders that started an hour ago (so each check-in now is
late: the shipped rule allows 15 minutes and warns). Chromium signs the manager in through ``/login/`` and
opens ``/services/monitor/``; a MutationObserver in the page notes when the alert row of each order
(``tr[data-order="<id>"]``) first appears. The caregiver's check-ins then go to ``POST
/api/v1/services/visits`` with an API token, one every ``--interval`` seconds; each is timed from the
moment it is sent to the moment its row appears. Baseline in the same run: from the same send to the POST's
HTTP answer (the write itself: the report, the order, the alert, the audit entry, the events).

    .venv/bin/python bench/monitor_latency.py                   # SQLite, event poll
    .venv/bin/python bench/monitor_latency.py --db postgresql   # PostgreSQL, LISTEN/NOTIFY

Target: the breach on the monitor ≤ 2 s after the check-in that caused it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, free_port, pct, pg_drop, pg_fresh

PYTHON = str(ROOT / ".venv" / "bin" / "python")
CHROMIUM = os.environ.get("YANGLAO_CHROMIUM", "/usr/bin/chromium")
PG_DB = "yanglao_bench_monitor"
PASSWORD = "Testing2026pass"  # factories.PASSWORD

SETUP = """
import datetime as dt, json
from django.utils import timezone
from yanglao.core import services as core_services
from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories
from yanglao.services.models import Caregiver, ServiceItem, ServiceOffering, ServiceOrder

core_services.roles_sync()
provider = factories.organisation(region_code="310104003001", name="居家服务社（测试）", kind="home_service")
item = ServiceItem.objects.get(code="SH-ZJ")
offering = ServiceOffering.objects.create(
    provider=provider, region_id=provider.region_id, item=item, price=45,
    government_purchased=True, contracted_price=38,
)
factories.user(role="provider", organisation=provider, username="bench_manager")
worker = factories.user(role="caregiver", organisation=provider, username="bench_worker")
caregiver = Caregiver.objects.create(
    user=worker, provider=provider, region_id=provider.region_id, name="测试护理员", lat=31.2080, lng=121.4440
)
start = timezone.now() - dt.timedelta(hours=1)
orders = []
for n in range({orders}):
    person = people_factories.elder(
        name=f"上门老人{{n}}", address=f"上海市徐汇区天平路 {{n + 1}} 号",
        lat=31.2050 + n * 0.001, lng=121.4400,
    )
    order = ServiceOrder.objects.create(
        client_key=f"bench-monitor-{{n}}", elder=person, region_id=person.region_id, provider=provider,
        offering=offering, item=item, quantity=1, scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=2), unit_price=45, contracted_price=38, covered_units=1,
        government_yuan=38, self_pay_yuan=7, status="accepted", caregiver=caregiver, channel="advisor",
        placed_by=worker,
    )
    orders.append({{"id": order.pk, "lat": person.lat, "lng": person.lng}})
_, secret = core_services.api_token_create(actor=worker, name="签到基准测试", days=1)
print("BENCH " + json.dumps({{"token": secret, "orders": orders}}))
"""

# Installed before the page's own scripts: the first time each order's alert row is in the document, and the
# first time its ``services.alert`` event reached the page (the monitor then waits 500 ms and reloads its part).
OBSERVER = """
window.__seen = {};
window.__event = {};
document.addEventListener("yanglao:event", (e) => {
  const order = (e.detail.payload || {}).order;
  if (e.detail.topic === "services.alert" && order && !(order in window.__event)) window.__event[order] = Date.now();
});
new MutationObserver(() => {
  const now = Date.now();
  for (const row of document.querySelectorAll("tr[data-order]")) {
    if (!(row.dataset.order in window.__seen)) window.__seen[row.dataset.order] = now;
  }
}).observe(document, { childList: true, subtree: true });
"""


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def check_in(port: int, token: str, order: dict) -> tuple[float, float, dict]:
    """Send one check-in; the send time and answer time (epoch ms) and the answer."""
    body = {
        "key": uuid.uuid4().hex,
        "order_id": order["id"],
        "kind": "check_in",
        "phone_time": dt.datetime.now().astimezone().isoformat(),
        "lat": order["lat"],
        "lng": order["lng"],
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/services/visits",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    sent = time.time() * 1000
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    return sent, time.time() * 1000, answer


async def run(args) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "yanglao.settings.development"
    tmp = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    env["DATABASE_URL"] = pg_fresh(PG_DB) if args.db == "postgresql" else f"sqlite:///{tmp / 'bench.sqlite3'}"
    env["YANGLAO_VAR_DIR"] = str(tmp)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_divisions")
    out = manage(env, "shell", "-c", SETUP.format(orders=args.orders))
    setup = json.loads(out.split("BENCH ", 1)[1])
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "serve", "--no-worker", "--port", str(port)], cwd=ROOT, env=env
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            page = await browser.new_page()
            await page.add_init_script(OBSERVER)
            await page.goto(f"http://127.0.0.1:{port}/login/")
            await page.fill("#id_username", "bench_manager")
            await page.fill("#id_password", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_load_state()
            await page.goto(f"http://127.0.0.1:{port}/services/monitor/")
            await page.get_by_test_id("no-alerts").wait_for()
            await asyncio.sleep(1.5)  # the EventSource connected
            sends: dict[int, float] = {}
            answers: list[float] = []
            outcomes: dict[str, int] = {}
            for order in setup["orders"]:
                sent, answered, answer = await asyncio.to_thread(check_in, port, setup["token"], order)
                sends[order["id"]] = sent
                answers.append(answered - sent)
                outcomes[answer["outcome"]] = outcomes.get(answer["outcome"], 0) + 1
                await asyncio.sleep(max(0.0, args.interval - (answered - sent) / 1000))
            for _ in range(50):  # up to 10 s for the last rows
                seen = await page.evaluate("window.__seen")
                if len(seen) >= len(sends):
                    break
                await asyncio.sleep(0.2)
            events_seen = await page.evaluate("window.__event")
            open_total = await page.get_by_test_id("open-total").inner_text()
            await page.screenshot(path=str(tmp / "monitor.png"), full_page=True)
            await browser.close()
        arrived = [
            events_seen[str(order_id)] - sent
            for order_id, sent in sends.items()
            if str(order_id) in events_seen
        ]
        visible = [seen[str(order_id)] - sent for order_id, sent in sends.items() if str(order_id) in seen]
        print(
            f"db={args.db} check-ins={len(sends)} every {args.interval}s, outcomes {outcomes}; "
            f"alert rows seen {len(visible)}/{len(sends)}, monitor shows {open_total} open; screenshot "
            f"{tmp / 'monitor.png'}"
        )
        print()
        print(
            f"| {args.db} | n | p50 (ms) | p95 (ms) | max (ms) |  ({dt.datetime.now(ZoneInfo('Asia/Shanghai')):%Y-%m-%d})"
        )
        print("|---|---|---|---|---|")
        for label, values in (
            ("baseline: POST → HTTP answer", answers),
            ("check-in → alert event in the page", arrived),
            ("check-in → alert row in DOM", visible),
        ):
            print(
                f"| {label} | {len(values)} | {pct(values, 50):.0f} | {pct(values, 95):.0f} | "
                f"{max(values) if values else float('nan'):.0f} |"
            )
        worst = max(visible) if len(visible) == len(sends) else float("inf")
        print(
            f"\ntarget ≤ 2 s for every check-in: {'met' if worst <= 2000 else 'NOT met'} (max {worst:.0f} ms)"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.db == "postgresql":
            pg_drop(PG_DB)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--orders", type=int, default=30)
    parser.add_argument("--interval", type=float, default=1.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
