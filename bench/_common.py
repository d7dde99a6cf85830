"""Helpers shared by the benchmarks: fresh databases, the CLI with a given DATABASE_URL, peak memory."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YANGLAO = str(ROOT / ".venv" / "bin" / "yanglao")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def pg_fresh(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def pg_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cli(url: str, *args: str, env: dict | None = None, capture: bool = True) -> str:
    full_env = {**os.environ, "DATABASE_URL": url, **(env or {})}
    done = subprocess.run([YANGLAO, *args], env=full_env, check=True, capture_output=capture, text=True)
    return done.stdout if capture else ""


def prepare_database(url: str) -> None:
    cli(url, "migrate", "--no-input", "-v0")
    cli(url, "load-divisions")
    cli(
        url,
        "createsuperuser",
        "--no-input",
        "--username",
        "bench",
        "--email",
        "bench@example.invalid",
        env={"DJANGO_SUPERUSER_PASSWORD": "Bench-password-2026"},
    )


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            stack.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def timed_with_peak_memory(cmd: list[str], env: dict) -> tuple[float, int, str]:
    """Run a command; return wall seconds, peak RSS of its process tree (MB), and its stdout."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {err[-2000:]}")
    return time.perf_counter() - started, peak // 1024, out


def gunicorn(url: str, port: int, workers: int = 2, *extra: str) -> tuple[subprocess.Popen, str]:
    """Serve ``url``'s database as production would (gunicorn, sync workers, DEBUG off) on ``port`` and wait
    until the login page answers. Returns the server process (terminate it) and its base URL."""
    import urllib.request

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "yanglao.settings.development",
        "YANGLAO_DEBUG": "false",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "yanglao.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *extra,
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.3)
    return server, base


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its threads, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A loopback port nothing listens on now (the server started next binds it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by rank interpolation rounded to a sample; NaN for no samples."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")
