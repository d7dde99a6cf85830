"""Planner statistics after bulk loads: ``analyze(*models)`` runs ``ANALYZE`` on the tables given.

PostgreSQL's autovacuum analyses a table only after a share of its rows changed
(``autovacuum_analyze_scale_factor``, 10 % by default) and only when it next wakes; until then a freshly
seeded or imported table has no statistics, and the planner picks plans for an empty table (the people list
took 0.7 s a page after a 320,000-person seed, 17 ms after ``ANALYZE``). So every bulk load (``seed``, the
registry import, the facility import) ends by analysing what it wrote. SQLite gets ``ANALYZE`` too: its
planner reads ``sqlite_stat1`` the same way. ANALYZE takes no lock that blocks reads or writes.
"""

from __future__ import annotations

import logging
import time

from django.db import connection, models

log = logging.getLogger("yanglao.dbstats")


def analyze(*model_classes: type[models.Model]) -> list[str]:
    """ANALYZE the tables of the given models (each once, in order); returns the table names analysed."""
    tables = list(dict.fromkeys(m._meta.db_table for m in model_classes if m._meta.managed))
    if not tables or connection.vendor not in ("postgresql", "sqlite"):
        return []
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    log.info("analyzed %s in %.2f s", ", ".join(tables), time.monotonic() - started)
    return tables
