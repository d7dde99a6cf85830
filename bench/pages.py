"""Staff pages at district scale (issue 9, 6.3): p50/p95 of every staff page against /api/v1/me in the same run.

Seeds Xuhui at full size (320,100 people) into a PostgreSQL database once (``--seed``), serves it with
gunicorn and two workers as production would, signs in as the district director, a street official and an
assessor, and times each page from two clients at once. Nothing is timed in the test suite.

    .venv/bin/python bench/pages.py --seed            # first run: build the database (~10 min)
    .venv/bin/python bench/pages.py --requests 40     # later runs reuse it

Targets: every staff page p95 ≤ 150 ms; the coverage map's data ≤ 300 ms when nothing changed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG_ADMIN, ROOT, cli, free_port, gunicorn, pg_fresh

PASSWORD = "Yanglao2026demo"
# (persona, label, path): what each of them opens on a working day.
PAGES = [
    ("xuhui_admin", "首页（区）", "/"),
    ("xuhui_admin", "老年人列表（区）", "/elders/"),
    ("xuhui_admin", "群体统计（区）", "/elders/counts/"),
    ("xuhui_admin", "一字母拼音检索（区）", "/elders/?q=z"),
    ("xuhui_admin", "一个姓氏检索（区）", "/elders/?q=王"),
    ("xuhui_admin", "独居+高龄+未评估（区）", "/elders/?group=living_alone&group=oldest_old&ability=none"),
    ("xuhui_admin", "评估任务列表（区）", "/assessments/"),
    ("xuhui_admin", "待复评（区）", "/assessments/due/"),
    ("xuhui_admin", "养老设施列表", "/facilities/"),
    ("xuhui_admin", "许可已过期的设施", "/facilities/?licence=expired"),
    ("xuhui_admin", "组织机构列表", "/organisations/"),
    ("xuhui_admin", "老年人 API 一页（50 人）", "/api/v1/elders?limit=50"),
    ("xuhui_admin", "设施 API 一页（50 处）", "/api/v1/facilities?limit=50"),
    ("xuhui_admin", "规划指标", "/facilities/indicators/"),
    ("xuhui_admin", "覆盖地图页面", "/facilities/coverage/?region=310104000000"),
    (
        "xuhui_admin",
        "覆盖地图数据（未变化）",
        "/api/v1/coverage/map?region=310104000000&kind=day_care&radius=1000",
    ),
    ("xuhui_admin", "审计日志", "/audit/"),
    ("xuhui_admin", "迁出转移", "/transfers/"),
    ("tianping", "首页（街道）", "/"),
    ("tianping", "老年人列表（街道）", "/elders/"),
    ("tianping", "一字母拼音检索（街道）", "/elders/?q=w"),
    ("tianping", "评估任务列表（街道）", "/assessments/"),
    ("assessor", "评估员首页", "/"),
    ("assessor", "评估员任务列表", "/assessments/"),
]
BASELINE = "/api/v1/me"


class Session:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, float, bytes]:
        started = time.perf_counter()
        try:
            quoted = urllib.parse.quote(path, safe="/?=&%")
            with self.opener.open(self.base + quoted, timeout=60) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
        return status, time.perf_counter() - started, body

    def login(self, username: str) -> None:
        _, _, page = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"}
        )
        with self.opener.open(request, timeout=60) as response:
            response.read()
        status, _, _ = self.get(BASELINE)
        if status != 200:
            raise SystemExit(f"login as {username} failed")


def timed(base: str, username: str, path: str, requests: int, clients: int) -> list[float]:
    sessions = [Session(base) for _ in range(clients)]
    for s in sessions:
        s.login(username)
    for _ in range(3):  # warm caches and connections
        status, _, _ = sessions[0].get(path)
        if status != 200:
            raise SystemExit(f"{path} as {username}: HTTP {status}")
    times: list[float] = []
    lock = threading.Lock()

    def run(session: Session, n: int) -> None:
        for _ in range(n):
            _, seconds, _ = session.get(path)
            with lock:
                times.append(seconds)

    threads = [threading.Thread(target=run, args=(s, requests // clients)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="yanglao_bench_pages")
    parser.add_argument("--seed", action="store_true", help="build the database first (drops it)")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + args.db
    if args.seed:
        url = pg_fresh(args.db)
        started = time.perf_counter()
        cli(url, "migrate", "--no-input", "-v0")
        cli(url, "seed", "--profile", "xuhui", "--scale", args.scale, "--seed", "1", capture=False)
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    server, base = gunicorn(url, port, args.workers)
    try:
        baseline = timed(base, "xuhui_admin", BASELINE, args.requests, args.clients)
        base_p95 = p95(baseline)
        rows = [("基线 /api/v1/me", BASELINE, statistics.median(baseline), base_p95)]
        for username, label, path in PAGES:
            times = timed(base, username, path, args.requests, args.clients)
            rows.append((label, path, statistics.median(times), p95(times)))
        print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'× me':>6}  path")
        for label, path, median, high in rows:
            print(f"{label:<28} {median * 1000:8.1f} {high * 1000:8.1f} {high / base_p95:6.1f}  {path}")
        result = [
            {"page": label, "path": path, "p50_ms": round(m * 1000, 1), "p95_ms": round(h * 1000, 1)}
            for label, path, m, h in rows
        ]
        (ROOT / "var").mkdir(exist_ok=True)
        (ROOT / "var" / "bench-pages.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
