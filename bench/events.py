"""Live events (issue 10, item 5): publish → DOM latency with N open streams, per wake-up bus.

Serves a fresh database with ``manage.py serve --no-worker`` (uvicorn, one process, as ``yanglao serve``
runs), signs one system administrator in, and opens ``--streams`` event streams: ``--pages`` of them are real
Chromium tabs on the home page (the header badge counts ``notify.`` events), the rest plain asyncio sockets
(200 Chromium tabs do not fit a 2-core machine). A separate process then publishes ``--events`` events, one
every ``--interval`` seconds, each carrying its publish time; the tabs record when the badge was updated
(publish → DOM) and the sockets when the event's bytes arrived. The baseline in the same run is a plain
``fetch('/api/v1/me')`` from the same tabs. Nothing is timed in the test suite.

    .venv/bin/python bench/events.py --bus poll        # SQLite, indexed poll every 0.5 s
    .venv/bin/python bench/events.py --bus redis       # SQLite + REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python bench/events.py --bus postgresql  # PostgreSQL LISTEN/NOTIFY

Targets: 200 streams, p99 ≤ 500 ms on the poll, ≤ 100 ms on Redis and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, free_port, pct, pg_drop, pg_fresh

PYTHON = str(ROOT / ".venv" / "bin" / "python")
CHROMIUM = os.environ.get("YANGLAO_CHROMIUM", "/usr/bin/chromium")

SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from yanglao.core.models import User
user = User.objects.create_superuser("bench", "bench@example.invalid", "Bench-password-2026")
store = SessionStore()
store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
print(store.session_key)
"""

PUBLISH = """
import time
from django.db import transaction
from yanglao.core import events
for seq in range({count}):
    with transaction.atomic():
        events.publish_on_commit("notify.bench", {{"seq": seq, "t": time.time() * 1000}})
    time.sleep({interval})
"""


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def summary(name: str, values: list[float], expected: int) -> str:
    if not values:
        return f"{name:<34} no samples (expected {expected})"
    return (
        f"{name:<34} n={len(values):>5}/{expected:<5} p50={pct(values, 50):7.1f} ms  p95={pct(values, 95):7.1f} ms"
        f"  p99={pct(values, 99):7.1f} ms  max={max(values):7.1f} ms"
    )


async def socket_stream(
    port: int, cookie: str, samples: list[float], ready: asyncio.Event, opened: list[int]
):
    await connecting.acquire()  # open streams ten at a time, as people arrive, not 200 in one millisecond
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write(
        (
            "GET /events/?topics=notify. HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            f"Cookie: sessionid={cookie}\r\nConnection: keep-alive\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        connecting.release()
        raise RuntimeError(f"stream refused: {status!r}")
    while (await reader.readline()).strip() != b": connected":
        pass
    await asyncio.sleep(0.05)
    connecting.release()
    opened.append(1)
    if len(opened) >= ready_count[0]:
        ready.set()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if b"data: " in line:
                data = json.loads(line.split(b"data: ", 1)[1])
                samples.append(time.time() * 1000 - data["payload"]["t"])
    finally:
        writer.close()


ready_count = [0]
connecting = asyncio.Semaphore(10)

PAGE_HOOK = """
window.__lat = [];
document.addEventListener("yanglao:event", (e) => {
  if (e.detail.topic === "notify.bench") window.__lat.push(Date.now() - e.detail.payload.t);
});
"""

BASELINE = """
async (n) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch('/api/v1/me', {credentials: 'same-origin'});
    await r.text();
    out.push(performance.now() - t);
  }
  return out;
}
"""


async def run(args) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "yanglao.settings.development"
    tmp = Path(tempfile.mkdtemp(prefix="bench-events-"))
    if args.bus == "postgresql":
        env["DATABASE_URL"] = pg_fresh("bench_events")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    if args.bus == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    env["YANGLAO_VAR_DIR"] = str(tmp)
    manage(env, "migrate", "--no-input", "-v0")
    cookie = manage(env, "shell", stdin=SESSION).strip().splitlines()[-1]
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
        raw_count = max(0, args.streams - args.pages)
        ready_count[0] = raw_count
        socket_samples: list[float] = []
        ready, opened = asyncio.Event(), []
        tasks = [
            asyncio.create_task(socket_stream(port, cookie, socket_samples, ready, opened))
            for _ in range(raw_count)
        ]
        if raw_count:
            await asyncio.wait_for(ready.wait(), 60)

        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            context = await browser.new_context()
            await context.add_cookies(
                [{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}]
            )
            await context.add_init_script(PAGE_HOOK)
            pages = []
            for _ in range(args.pages):
                page = await context.new_page()
                await page.goto(f"http://127.0.0.1:{port}/")
                await page.get_by_test_id("notify-badge").wait_for(state="attached")
                pages.append(page)
            await asyncio.sleep(1.5)  # every EventSource connected
            baseline: list[float] = []
            for page in pages:
                baseline += await page.evaluate(BASELINE, 20)

            started = time.monotonic()
            publisher = await asyncio.create_subprocess_exec(
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                PUBLISH.format(count=args.events, interval=args.interval),
                cwd=ROOT,
                env=env,
            )
            await publisher.wait()
            await asyncio.sleep(2.0)  # the last event's deliveries
            elapsed = time.monotonic() - started
            dom: list[float] = []
            for page in pages:
                dom += await page.evaluate("window.__lat")
            badge = await pages[0].get_by_test_id("notify-badge").inner_text() if pages else "-"
            await browser.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        print(
            f"bus={args.bus} streams={args.streams} (chromium tabs={args.pages}, sockets={raw_count}) "
            f"events={args.events} every {args.interval}s, publishing took {elapsed:.1f}s; badge shows {badge}"
        )
        print(summary("publish → DOM (Chromium badge)", dom, args.events * args.pages))
        print(summary("publish → bytes (socket streams)", socket_samples, args.events * raw_count))
        print(summary("baseline fetch /api/v1/me", baseline, 20 * args.pages))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.bus == "postgresql":
            pg_drop("bench_events")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bus", choices=["poll", "redis", "postgresql"], default="poll")
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.25)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
