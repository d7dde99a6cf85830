"""Bulk loads leave the planner statistics (issue 9, 6.2): ``dbstats.analyze`` on SQLite and PostgreSQL
(CI runs this file on both), and ``seed`` ends with it."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from yanglao.core import dbstats
from yanglao.core.models import Organisation, Region

pytestmark = pytest.mark.django_db


def has_statistics(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return False
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def drop_statistics(table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DELETE FROM pg_statistic WHERE starelid = %s::regclass", [connection.ops.quote_name(table)]
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is not None:
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
    assert not has_statistics(table)


def test_analyze_leaves_statistics_on_this_backend():
    assert Region.objects.exists()  # the divisions are loaded for every test
    drop_statistics("core_region")
    assert dbstats.analyze(Region, Organisation, Region) == ["core_region", "core_organisation"]
    assert has_statistics("core_region")


def test_seed_ends_with_analyze():
    elder_table = apps.get_model("people", "Elder")._meta.db_table
    for table in (elder_table, "core_region"):
        drop_statistics(table)
    call_command("seed", scale=0.0005, seed=3, stdout=io.StringIO())
    assert has_statistics(elder_table) and has_statistics("core_region")
