"""The operator's console watched during the ingest benchmark: ``bench/alarms_ingest.py --console-hook
_console_watch:watch``. Serves the benchmark's database with ``manage.py serve --no-worker`` (uvicorn, as
``yanglao serve`` runs it), signs a hotline operator of the district into Chromium, opens ``/alarms/console/``
and notes, with a MutationObserver, the wall-clock time each alarm's row (``tr[data-alarm]``) first appears.
Returns ``{alarm id: time.time() of its row}`` when ``stop`` is set, so each SOS is timed from its publish
to the operator's screen, and under ``"events"`` when each alarm's raise event reached the page, so the time
splits into its stages.

The centre's other operators are played by this watcher too: an alarm whose row has appeared is closed a second
later (straight in the database, as 误报), so the queue holds what a staffed centre's would — the last second's
alarms — instead of a hundred unanswered SOS that nobody would leave open. Without it the console's queue (the
100 most urgent, oldest first) would hide the newest alarms and the run would time the queue, not the path."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time

import psycopg
from _common import ROOT, free_port
from alarm_console import CHROMIUM, OBSERVER, PASSWORD, PYTHON

OPERATOR = """
from yanglao.core import services as core_services
from yanglao.core.testing import factories
from yanglao.core.models import User
core_services.roles_sync()
if not User.objects.filter(username="bench_console").exists():
    factories.user(role="operator", regions=["310104000000"], username="bench_console")
"""


# Every event id the page received and each stream opened or broken, to tell a late event from a lost one.
STREAM_LOG = """
window.__ids = [];
window.__streams = [];
document.addEventListener("yanglao:event", (e) => window.__ids.push(e.detail.id));
const Native = window.EventSource;
window.EventSource = function (url, options) {
  const stream = new Native(url, options);
  window.__streams.push({ opened: Date.now(), url: String(url), errors: [] });
  const mine = window.__streams[window.__streams.length - 1];
  stream.addEventListener("error", () => mine.errors.push([Date.now(), stream.readyState]));
  return stream;
};
Object.assign(window.EventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
window.EventSource.prototype = Native.prototype;
"""


def watch(database_url: str, stop: threading.Event, ready: threading.Event) -> dict[int, float]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="yanglao.settings.development",
        YANGLAO_DEBUG="false",
    )
    subprocess.run([PYTHON, "manage.py", "shell", "-c", OPERATOR], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(OBSERVER)
            page.add_init_script(STREAM_LOG)
            page.goto(f"http://127.0.0.1:{port}/login/")
            page.fill("#id_username", "bench_console")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"http://127.0.0.1:{port}/alarms/console/", timeout=60_000)
            page.wait_for_function("window.__streams.length > 0")
            page.wait_for_timeout(1500)  # the stream's first answer (its replay) has come
            print("console watching", flush=True)
            ready.set()
            handled: set[str] = set()
            with psycopg.connect(database_url, autocommit=True) as db:
                while not stop.is_set():
                    page.wait_for_timeout(500)
                    seen = page.evaluate("window.__seen")
                    due = [a for a, ms in seen.items() if a not in handled and time.time() - ms / 1000 >= 1.0]
                    if due:
                        db.execute(
                            "UPDATE alarms_alarm SET status = 'closed', closed_at = now(), "
                            "outcome = 'false_alarm' WHERE id = ANY(%s) AND status <> 'closed'",
                            [[int(a) for a in due]],
                        )
                        handled.update(due)
            page.wait_for_timeout(3000)  # the last rows of the drain
            seen = page.evaluate("window.__seen")
            events = page.evaluate("window.__event")
            lag = sorted(seen[a] - events[a] for a in seen if a in events)
            if lag:
                print(
                    f"console: {len(seen)} rows; event in the page → row in the DOM p50 {lag[len(lag) // 2]} ms, "
                    f"max {lag[-1]} ms",
                    flush=True,
                )
            received = {i for i in page.evaluate("window.__ids") if isinstance(i, int)}
            with psycopg.connect(database_url, autocommit=True) as db:
                sent = db.execute(
                    "SELECT id, payload->>'action' FROM core_event WHERE topic = 'alarms.alarm' ORDER BY id"
                ).fetchall()
            missed = [(i, action) for i, action in sent if i not in received and i > min(received, default=0)]
            print(
                f"console stream: {len(received)} events received, {len(missed)} of {len(sent)} alarm events "
                f"after the first missed (first few {missed[:8]}); streams {page.evaluate('window.__streams')}",
                flush=True,
            )
            page.screenshot(path=str(ROOT / "test-artifacts" / "bench-console-under-load.png"))
            browser.close()
        rows: dict = {int(alarm): ms / 1000 for alarm, ms in seen.items()}
        rows["events"] = {
            int(alarm): ms / 1000 for alarm, ms in events.items()
        }  # its raise event in the page
        return rows
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
