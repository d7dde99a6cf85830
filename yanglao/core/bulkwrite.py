"""Insert many rows known to be new at once: COPY on PostgreSQL, one prepared statement elsewhere.

For jobs that write hundreds of thousands of rows a run (a month's benefit lines, settlement lines): the
ORM's ``bulk_create`` spends most of such a run building model instances and SQL text. Values go as they
are (dates, Decimals, None); the caller fills every column it names, defaults included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection

CHUNK = 5000


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert ``rows`` into ``table`` (names from model meta, never from users); returns the rows written."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 -- names from model meta
    chunk: list[list[object]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append([v.isoformat() if isinstance(v, dt.date) else v for v in row])
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
