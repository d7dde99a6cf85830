"""Calendar months, the unit batches, settlements and plans are counted in. Pure: no Django."""

from __future__ import annotations

import calendar
import datetime as dt


def parse(value: object) -> dt.date | None:
    """``YYYY-MM`` (or a date) → the month's first day; None for anything else (each caller says why in its
    own words)."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    raw = str(value or "").strip()
    try:
        parsed = dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return None
    if len(raw) != 7 or not 2000 <= parsed.year <= 2100:
        return None
    return parsed


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_month(month: dt.date) -> dt.date:
    return add_months(month.replace(day=1), 1)


def previous_month(month: dt.date) -> dt.date:
    return add_months(month.replace(day=1), -1)


def months_back(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months before ``month``'s."""
    return add_months(month.replace(day=1), -n)
