"""Benchmark: the registry's export at district scale, memory flat in the row count (issue 10, item 2).

    .venv/bin/python bench/exports.py [--db yanglao_bench_pages]

Needs the database `bench/pages.py --seed` builds (Xuhui at scale 1: 320,100 people). Each run is a fresh
process (so its peak resident memory is its own): the kit's writer (`people.exports.ELDERS.write`, the same
function the download and the background job call) exports, masked, as the district director, first one street
(about a tenth of the rows) and then the whole district, as CSV and as `.xlsx`. The baseline, in the same run,
is PostgreSQL's own `COPY (SELECT …) TO STDOUT` of the same people's plain columns into a file: the cost of
reading the rows at all, without masks, groups or a workbook.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG_ADMIN

STREET = "310104003000"  # 天平路街道


def child(url: str, what: str, fmt: str, region: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings.development")
    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict

    from yanglao.core.models import User
    from yanglao.people import exports

    user = User.objects.get(username="xuhui_admin")
    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        if what == "copy":
            where = (
                f"WHERE region_code >= '{region[:9]}' AND region_code < '{int(region[:9]) + 1}'"
                if region
                else ""
            )
            sql = (
                "COPY (SELECT id, name, gender, id_last4, region_code, living_arrangement, economic_status, "
                f"ability_level, status FROM people_elder {where}) TO STDOUT WITH CSV"
            )
            rows = 0
            with connection.cursor() as cursor, cursor.copy(sql) as copy:
                for block in copy:
                    handle.write(block)
                    rows += bytes(block).count(b"\n")
        else:
            rows = exports.ELDERS.write(user, QueryDict(f"region={region}&status="), False, fmt, handle)
        size = handle.tell()
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mb": size / 1e6,
    }


def run(url: str, what: str, fmt: str, region: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, fmt, region, "--url", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="yanglao_bench_pages")
    parser.add_argument("--url", default="")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    url = args.url or PG_ADMIN.rsplit("/", 1)[0] + "/" + args.db
    if args.child:
        print(json.dumps(child(url, *args.child)))
        return
    print("| export | rows | seconds | rows/s | peak memory (MB) | file (MB) | seconds ÷ COPY |")
    print("|---|---|---|---|---|---|---|")
    for label, region in (("one street (天平路)", STREET), ("whole district (徐汇区)", "")):
        base = run(url, "copy", "csv", region)
        print(
            f"| baseline: COPY of plain columns, {label} | {base['rows']:,} | {base['seconds']:.1f} | "
            f"{base['rows'] / base['seconds']:,.0f} | {base['peak_mb']:.0f} | {base['mb']:.1f} | 1.0× |",
            flush=True,
        )
        for fmt in ("csv", "xlsx"):
            ours = run(url, "ours", fmt, region)
            print(
                f"| ours: masked {fmt}, {label} | {ours['rows']:,} | {ours['seconds']:.1f} | "
                f"{ours['rows'] / ours['seconds']:,.0f} | {ours['peak_mb']:.0f} | {ours['mb']:.1f} | "
                f"{ours['seconds'] / base['seconds']:.1f}× |",
                flush=True,
            )


if __name__ == "__main__":
    main()
