"""Special groups (特殊群体) are computed from the record, never typed: every rule lives here, once.

Each group is a predicate over a record (for a person page) and the same rule as field lookups (for lists
and counts in the database). Pure, no Django: the selector turns lookups into a ``Q``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from yanglao.people.identity import age_on, birthday_years_ago

SEVERE_DISABILITY_GRADES = (1, 2)  # 一级、二级 are 重度残疾 under GB/T 26341-2010


def ability_current(record: Mapping[str, Any], today: dt.date) -> int | None:
    """The ability level that counts on ``today``: the approved assessment's level until its validity ends
    (the last valid day included), then none, as if never assessed, until a new assessment is approved."""
    until = record.get("ability_valid_until")
    if record.get("ability_level") is None or until is None or until < today:
        return None
    return record["ability_level"]


def ability_current_lookups(today: dt.date) -> dict[str, Any]:
    """``ability_current`` as field lookups: people whose level still counts on ``today``."""
    return {"ability_level__isnull": False, "ability_valid_until__gte": today}


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    applies: Callable[[Mapping[str, Any], dt.date], bool]
    lookups: Callable[[dt.date], dict[str, Any]]


GROUPS: tuple[Group, ...] = (
    Group(
        "oldest_old",
        "高龄",
        lambda r, d: age_on(r["birth_date"], d) >= 80,
        lambda d: {"birth_date__lte": birthday_years_ago(d, 80)},
    ),
    Group(
        "living_alone",
        "独居",
        lambda r, d: r["living_arrangement"] == "alone",
        lambda d: {"living_arrangement": "alone"},
    ),
    Group(
        "all_elderly",
        "空巢/纯老",
        lambda r, d: r["living_arrangement"] in ("alone", "spouse_only"),
        lambda d: {"living_arrangement__in": ["alone", "spouse_only"]},
    ),
    Group(
        "extreme_poverty",
        "特困",
        lambda r, d: r["economic_status"] == "extreme_poverty",
        lambda d: {"economic_status": "extreme_poverty"},
    ),
    Group(
        "dibao",
        "低保/低保边缘",
        lambda r, d: r["economic_status"] in ("dibao", "near_dibao"),
        lambda d: {"economic_status__in": ["dibao", "near_dibao"]},
    ),
    Group(
        "family_planning",
        "计生特殊",
        lambda r, d: bool(r["family_planning_special"]),
        lambda d: {"family_planning_special__in": ["lost_only_child", "only_child_disabled"]},
    ),
    Group(
        "severe_disability",
        "重残",
        lambda r, d: r.get("disability_grade") in SEVERE_DISABILITY_GRADES,
        lambda d: {"disability_grade__in": list(SEVERE_DISABILITY_GRADES)},
    ),
    # 失能: the latest approved, unexpired ability assessment says at least 轻度 (level ≥ 1 on every
    # instrument); set by the assessment module, expiring with the assessment.
    Group(
        "disabled",
        "失能",
        lambda r, d: (ability_current(r, d) or 0) >= 1,
        lambda d: {"ability_level__gte": 1, **ability_current_lookups(d)},
    ),
)
BY_CODE = {g.code: g for g in GROUPS}

# 特殊困难老年人 (seed 001's monthly visit rate; the national visiting guidance names these groups): living
# alone or only with a spouse, aged 80+, disabled (失能) or severely disabled (重残), family-planning special
# families, extreme poverty and 低保.
HARDSHIP_GROUPS = (
    "living_alone",
    "all_elderly",
    "oldest_old",
    "disabled",
    "severe_disability",
    "family_planning",
    "extreme_poverty",
    "dibao",
)

# Age bands (PRODUCT.md / issue: 60–69, 70–79, 80–89, 90–99, 100+), as [low, high) ages.
AGE_BANDS: dict[str, tuple[str, int, int | None]] = {
    "60-69": ("60–69岁", 60, 70),
    "70-79": ("70–79岁", 70, 80),
    "80-89": ("80–89岁", 80, 90),
    "90-99": ("90–99岁", 90, 100),
    "100+": ("100岁及以上", 100, None),
}


def groups_of(record: Mapping[str, Any], today: dt.date) -> list[Group]:
    return [g for g in GROUPS if g.applies(record, today)]


def age_band_lookups(band: str, today: dt.date) -> dict[str, dt.date]:
    """Birth-date bounds of an age band: age ≥ low means born on or before low years ago, etc."""
    _, low, high = AGE_BANDS[band]
    lookups = {"birth_date__lte": birthday_years_ago(today, low)}
    if high is not None:
        lookups["birth_date__gt"] = birthday_years_ago(today, high)
    return lookups


def age_band_of(birth: dt.date, today: dt.date) -> str | None:
    age = age_on(birth, today)
    for code, (_, low, high) in AGE_BANDS.items():
        if age >= low and (high is None or age < high):
            return code
    return None
