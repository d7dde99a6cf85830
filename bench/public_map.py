"""Benchmark: the public elderly-care map on the demo, interactive within 1.5 s of opening (issue 5).

    .venv/bin/python bench/public_map.py [--runs 7] [--scale 0.05]

Seeds the Xuhui demo (639 public facilities) into a fresh SQLite file, serves it with uvicorn as `yanglao
serve` does, and opens /map/ in Debian's Chromium with a fresh profile each run (cold cache). "Ours" is the
time from navigation until the markers are drawn and the page answers a click on a marker with its detail
card (vacant beds included). The baseline, in the same run, is the same page with the facilities API answered
by an empty list: the page, Leaflet and the boundaries, without our data.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, cli

CHROMIUM = os.environ.get("YANGLAO_CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_map(browser, url: str, *, empty: bool, minimum: int = 500) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if empty:
        page.route("**/api/v1/public/facilities*", lambda r: r.fulfill(json={"items": [], "next": ""}))
    start = time.perf_counter()
    page.goto(f"{url}/map/")
    page.wait_for_selector("#map[data-ready=true]")
    canvas = page.locator("canvas.leaflet-interactive, .leaflet-overlay-pane canvas").count() > 0
    if not empty and not canvas:
        page.locator("path.leaflet-interactive").first.dispatch_event("click")
        page.wait_for_selector("[data-testid=facility-card]:not([hidden])")
    elif not empty:  # thousands of markers on one canvas: a click opens a marker's card or the nearest list
        page.locator("#map").click(position={"x": 300, "y": 300})
        page.wait_for_selector("[data-testid=facility-card]:not([hidden]), [data-testid=nearest] button")
    elapsed = time.perf_counter() - start
    shown = int(page.get_by_test_id("facility-count").inner_text().strip("共 处"))
    context.close()
    if not empty and shown < minimum:
        raise SystemExit(f"only {shown} facilities shown; the benchmark needs at least {minimum}")
    return elapsed


def add_facilities(db_path: str, extra: int) -> None:
    """Copy the demo's facilities, jittered, until ``extra`` more are on the map (a city-sized map)."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(facilities_facility)") if r[1] != "id"]
    listed = ", ".join(columns)
    picked = ", ".join(
        "lat + (abs(random()) % 2000 - 1000) / 100000.0"
        if c == "lat"
        else "lng + (abs(random()) % 2000 - 1000) / 100000.0"
        if c == "lng"
        else c
        for c in columns
    )
    while extra > 0:
        batch = min(extra, conn.execute("SELECT count(*) FROM facilities_facility").fetchone()[0])
        conn.execute(
            f"INSERT INTO facilities_facility ({listed}) SELECT {picked} FROM facilities_facility LIMIT ?",
            [batch],
        )
        extra -= batch
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--extra", type=int, default=0, help="copy facilities until this many more are shown")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.sqlite3"
        same = {"YANGLAO_VAR_DIR": tmp}  # the server must read the keys the seed wrote
        cli(db, "migrate", "--no-input", "-v0", env=same)
        cli(db, "seed", "--profile", "xuhui", "--scale", str(args.scale), "--seed", "1", env=same)
        if args.extra:
            add_facilities(f"{tmp}/bench.sqlite3", args.extra)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": db, "YANGLAO_VAR_DIR": tmp}
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/python"),
                "-m",
                "uvicorn",
                "yanglao.asgi:application",
                "--port",
                str(port),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
                )
                minimum = 500 + args.extra
                open_map(
                    browser, url, empty=False, minimum=minimum
                )  # warm the server (first request imports)
                ours, base = [], []
                for _ in range(args.runs):
                    base.append(open_map(browser, url, empty=True))
                    ours.append(open_map(browser, url, empty=False, minimum=minimum))
                browser.close()
        finally:
            server.terminate()
            server.wait()
    med, worst = statistics.median(ours), max(ours)
    base_med = statistics.median(base)
    print(f"public map, 639 + {args.extra} facilities, {args.runs} cold loads each")
    print(
        f"  ours: interactive (markers + a card answered) median {med:.3f} s, worst {worst:.3f} s (target 1.5 s)"
    )
    print(f"  baseline: same page without facilities median {base_med:.3f} s")
    print(f"  ratio ours/baseline: {med / base_med:.2f}x")


if __name__ == "__main__":
    main()
