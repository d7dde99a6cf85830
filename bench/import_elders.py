"""Benchmark: import N elders from .xlsx end to end, against a bare COPY of the same rows (same run).

    .venv/bin/python bench/import_elders.py --rows 1000000 [--sqlite]

Target (issue 3): 1,000,000 rows into PostgreSQL in ≤ 90 s with peak memory ≤ 1.5 GB (the whole process
tree: the importer and its validation process). The baseline is PostgreSQL COPY of the same seven raw
columns into an unindexed table, from memory, measured in the same run; SQLite's baseline is executemany
of the same rows into an unindexed table.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
import make_elders_workbook


def workbook(rows: int) -> Path:
    path = _common.ROOT / "var" / "bench" / f"elders-{rows}.xlsx"
    if not path.exists():
        make_elders_workbook.main(rows, path)
    return path


def raw_rows(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [[str(c) for c in r] for r in data[1:]]


def copy_baseline(url: str, rows: list[list[str]]) -> float:
    import psycopg

    payload = "".join("\t".join(r) + "\n" for r in rows).encode()
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE bench_raw (name text, id_number text, phone text, address text, "
            "region_code text, living text, economic text)"
        )
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_raw FROM STDIN") as copy:
            copy.write(payload)
        conn.commit()
        return time.perf_counter() - started


def sqlite_baseline(rows: list[list[str]]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "b.sqlite3")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE bench_raw (name, id_number, phone, address, region_code, living, economic)"
        )
        started = time.perf_counter()
        conn.executemany("INSERT INTO bench_raw VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.commit()
        return time.perf_counter() - started


def ours(url: str, path: Path, extra_env: dict | None = None) -> tuple[float, int, dict]:
    env = {**os.environ, "DATABASE_URL": url, **(extra_env or {})}
    seconds, peak_mb, out = _common.timed_with_peak_memory(
        [_common.YANGLAO, "import-elders", str(path), "--json"], env
    )
    return seconds, peak_mb, json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true", help="also measure the embedded SQLite default")
    args = parser.parse_args()
    path = workbook(args.rows)
    rows = raw_rows(path)
    results = []
    name = f"yanglao_bench_{os.getpid()}"
    url = _common.pg_fresh(name)
    try:
        _common.prepare_database(url)
        baseline = copy_baseline(url, rows)
        seconds, peak, summary = ours(url, path)
        assert summary["created"] == args.rows, summary
        again, peak_again, summary_again = ours(url, path)
        assert summary_again["unchanged"] == args.rows, summary_again
        results += [
            ("PostgreSQL", "first import (all created)", seconds, peak, baseline),
            ("PostgreSQL", "same file again (all unchanged)", again, peak_again, baseline),
        ]
    finally:
        _common.pg_drop(name)
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            sqlite_url = f"sqlite:///{folder}/bench.sqlite3"
            _common.prepare_database(sqlite_url)
            base = sqlite_baseline(rows)
            seconds, peak, summary = ours(sqlite_url, path)
            assert summary["created"] == args.rows, summary
            results.append(("SQLite", "first import (all created)", seconds, peak, base))
    print(f"{args.rows:,} rows from {path.name}")
    print("| database | run | ours (s) | rows/s | peak memory (MB) | bare baseline (s) | ours ÷ baseline |")
    print("|---|---|---|---|---|---|---|")
    for db, run, secs, mb, base in results:
        print(
            f"| {db} | {run} | {secs:.1f} | {args.rows / secs:,.0f} | {mb} | {base:.1f} | {secs / base:.1f}× |"
        )


if __name__ == "__main__":
    main()
