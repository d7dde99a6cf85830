"""Time slots and recurring days of the family's ordering pages. Pure.

A day offers slots from 08:00 to 18:00 in 30-minute steps (the last starts at 17:30); a slot is free for a
person when none of their own orders that day overlaps it and it has not begun. A recurring plan falls on its
ISO weekdays (1 = Monday) between its first and last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

FIRST = dt.time(8, 0)
LAST_START = dt.time(17, 30)
STEP = dt.timedelta(minutes=30)
WEEKDAYS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


def day_slots() -> list[dt.time]:
    out, at = [], dt.datetime.combine(dt.date(2000, 1, 1), FIRST)
    while at.time() <= LAST_START:
        out.append(at.time())
        at += STEP
    return out


def free_slots(
    starts: Iterable[dt.datetime], *, taken: Iterable[tuple[dt.datetime, dt.datetime]], now: dt.datetime
) -> list[dt.datetime]:
    """The slot starts (aware datetimes) not yet begun and not overlapping any ``taken`` interval."""
    busy = list(taken)
    return [s for s in starts if s > now and not any(a < s + STEP and s < b for a, b in busy)]


def plan_days(
    weekdays: Iterable[int], *, starts_on: dt.date, ends_on: dt.date | None, start: dt.date, days: int
) -> Iterator[dt.date]:
    """The days from ``start`` for ``days`` days on which the plan falls."""
    wanted = set(weekdays)
    for n in range(days):
        day = start + dt.timedelta(days=n)
        if day < starts_on or (ends_on is not None and day > ends_on):
            continue
        if day.isoweekday() in wanted:
            yield day


def weekdays_label(weekdays: Iterable[int]) -> str:
    return "、".join(WEEKDAYS[d] for d in sorted(set(weekdays)) if d in WEEKDAYS)
