"""Insert many new elders at once: COPY on PostgreSQL, executemany elsewhere.

Django's bulk_create prepares every value through every field (about 100 µs a row here); an import of a
million rows cannot afford that. This writes the same columns with the same encryption. Only for rows
known to be new (the caller checked). ``copy_line`` renders one row in COPY's text format so a
validation process can hand over finished lines instead of objects.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

from django.db import connection
from django.utils import timezone

from yanglao.core.crypto import EncryptedTextField, encrypt
from yanglao.people.models import Elder

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@cache
def _plan():
    fields = [f for f in Elder._meta.concrete_fields if not f.primary_key]
    converters = []
    for f in fields:
        if isinstance(f, EncryptedTextField):
            converters.append(lambda v: encrypt(v) if v else "")
        elif f.get_internal_type() == "JSONField":
            converters.append(lambda v: json.dumps(v, ensure_ascii=False))
        else:
            converters.append(None)
    # Every column the values do not give takes the model field's own default (computed once here).
    defaults = {f.attname: (None if f.null else f.get_default()) for f in fields}
    defaults["status"] = "active"
    return fields, converters, defaults


def db_row(item: dict, now: dt.datetime) -> list:
    """One row's column values in model order, encrypted and serialised as the database stores them."""
    fields, converters, defaults = _plan()
    row = []
    for f, convert in zip(fields, converters, strict=True):
        if f.attname in item:
            value = item[f.attname]
        elif f.attname in ("created_at", "updated_at"):
            value = now
        else:
            value = defaults[f.attname]
        row.append(convert(value) if convert else value)
    return row


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(COPY_ESCAPES)


def copy_line(item: dict, now: dt.datetime) -> bytes:
    return ("\t".join(_copy_text(v) for v in db_row(item, now)) + "\n").encode()


def _columns() -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in _plan()[0])


def copy_lines(lines: list[bytes]) -> None:
    """PostgreSQL only: stream finished COPY lines."""
    if not lines:
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Elder._meta.db_table} ({_columns()}) FROM STDIN") as copy,
    ):
        copy.write(b"".join(lines))


def insert_elders(values: list[dict], *, return_keys_for: set[str] | None = None) -> dict[str, int]:
    """Insert rows given as ``elder_values`` dicts (plus ``household_id``).

    Returns {id_hash: pk} for the hashes in ``return_keys_for`` (all rows when None).
    """
    if not values:
        return {}
    now = timezone.now()
    if connection.vendor == "postgresql":
        copy_lines([copy_line(item, now) for item in values])
    else:
        fields = _plan()[0]
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Elder._meta.db_table} ({_columns()}) VALUES ({marks})",  # noqa: S608 -- names from meta
                [[_sqlite_value(v) for v in db_row(item, now)] for item in values],
            )
    hashes = [item["id_hash"] for item in values] if return_keys_for is None else list(return_keys_for)
    if not hashes:
        return {}
    return dict(
        Elder.objects.unscoped(reason="keys of rows just inserted")
        .filter(id_hash__in=hashes)
        .values_list("id_hash", "pk")
    )


def _sqlite_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
