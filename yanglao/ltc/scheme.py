"""A long-term-care insurance scheme (长期护理保险) as data, and the arithmetic it implies: the care level an
assessment gives, whether it qualifies, the home-care schedule by level, the extra hours of the most
dependent, and a month's money split between the fund and the person. Pure, so tests enumerate it.

Defaults follow Shanghai (沪府发〔2017〕97号, art. 14): levels 2–6 qualify; home care three visits a week at
levels 2–3, five at level 4, seven at levels 5–6, one hour each; at levels 5–6 staying at home one extra
hour a month after a month and two after six months, or 40 / 80 yuan instead; the fund pays 90 % of home
care; a result is valid for at most two years. The institution share (85 %), the prices and the mapping of
the national 2021 standard's six results onto Shanghai's levels are UNCONFIRMED defaults, labelled as such
where they are shown, and a region edits its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from yanglao.core.months import add_months

CENT = Decimal("0.01")
DEFAULTS: dict[str, Any] = {
    # ltc-2021's result (0 基本正常 … 5 重度失能Ⅲ级) → care level 1–6. UNCONFIRMED mapping.
    "level_map": {"0": 1, "1": 2, "2": 3, "3": 4, "4": 5, "5": 6},
    "qualifying_levels": [2, 3, 4, 5, 6],
    "valid_months": 24,
    "home_visits_per_week": {"2": 3, "3": 3, "4": 5, "5": 7, "6": 7},
    "visit_minutes": 60,
    "extra_levels": [5, 6],
    "extra_hours_after_1_month": 1,
    "extra_hours_after_6_months": 2,
    "extra_cash_yuan": {"1": "40.00", "2": "80.00"},
    "fund_share_home": "0.90",
    "fund_share_institution": "0.85",  # UNCONFIRMED
    "home_hourly_yuan": "65.00",  # UNCONFIRMED: the provider's contracted price governs when it has one
    "institution_daily_yuan": {
        "2": "20.00",
        "3": "20.00",
        "4": "25.00",
        "5": "30.00",
        "6": "30.00",
    },  # UNCONFIRMED
    "short_visit_share": "0.90",  # a visit under 90 % of its planned time is held for review
}
UNCONFIRMED = (
    "level_map",
    "fund_share_institution",
    "home_hourly_yuan",
    "institution_daily_yuan",
    "short_visit_share",
)


class SchemeError(ValueError):
    """A scheme value that cannot be used: the message is the Chinese sentence the editor shows."""


def _share(value: Any, label: str) -> str:
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise SchemeError(f"{label}应为 0 到 1 之间的小数") from None
    if not Decimal(0) <= share <= Decimal(1):
        raise SchemeError(f"{label}应为 0 到 1 之间的小数")
    return str(share)


def _money(value: Any, label: str) -> str:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise SchemeError(f"{label}应为金额") from None
    if not Decimal(0) <= amount <= Decimal(10000):
        raise SchemeError(f"{label}应在 0 到 10000 元之间")
    return str(amount)


def clean(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The defaults overlaid with ``params``, checked; unknown keys refused."""
    raw = dict(params or {})
    extra = set(raw) - set(DEFAULTS)
    if extra:
        raise SchemeError(f"长护险参数含未知项：{'、'.join(sorted(extra))[:40]}")
    out = {**DEFAULTS, **raw}
    levels = {str(v) for v in range(1, 7)}
    mapped = out["level_map"]
    if not isinstance(mapped, dict) or not all(isinstance(v, int) and 1 <= v <= 6 for v in mapped.values()):
        raise SchemeError("评估结果与照护等级的对应关系应为 1 到 6 级")
    if not all(isinstance(v, int) and 1 <= v <= 6 for v in out["qualifying_levels"]):
        raise SchemeError("享受待遇的等级应在 1 到 6 级之间")
    if not isinstance(out["valid_months"], int) or not 1 <= out["valid_months"] <= 24:
        raise SchemeError("评估结果有效期应为 1 到 24 个月")
    visits = out["home_visits_per_week"]
    if (
        not isinstance(visits, dict)
        or not set(visits) <= levels
        or not all(isinstance(v, int) and 0 <= v <= 7 for v in visits.values())
    ):
        raise SchemeError("每周上门次数应为 0 到 7 次")
    if not isinstance(out["visit_minutes"], int) or not 30 <= out["visit_minutes"] <= 240:
        raise SchemeError("每次服务时长应为 30 到 240 分钟")
    out["fund_share_home"] = _share(out["fund_share_home"], "居家照护基金支付比例")
    out["fund_share_institution"] = _share(out["fund_share_institution"], "机构照护基金支付比例")
    out["short_visit_share"] = _share(out["short_visit_share"], "时长不足判定比例")
    out["home_hourly_yuan"] = _money(out["home_hourly_yuan"], "居家照护小时价格")
    out["institution_daily_yuan"] = {
        k: _money(v, f"{k}级机构照护日价格") for k, v in dict(out["institution_daily_yuan"]).items()
    }
    out["extra_cash_yuan"] = {k: _money(v, "现金补助") for k, v in dict(out["extra_cash_yuan"]).items()}
    return out


# ---------------------------------------------------------------- levels and plans


def care_level(params: Mapping[str, Any], assessment_level: int) -> int:
    """The care level (1–6) an ltc-2021 result gives under the scheme."""
    return int(params["level_map"][str(assessment_level)])


def qualifies(params: Mapping[str, Any], level: int) -> bool:
    return level in params["qualifying_levels"]


def valid_until(params: Mapping[str, Any], approved: dt.date, assessment_until: dt.date | None) -> dt.date:
    """At most the scheme's validity from approval, and never beyond the assessment's own."""
    limit = add_months(approved, params["valid_months"]) - dt.timedelta(days=1)
    return min(limit, assessment_until) if assessment_until else limit


@dataclass(frozen=True)
class HomeCare:
    visits_per_week: int
    minutes: int


def home_care(params: Mapping[str, Any], level: int) -> HomeCare:
    return HomeCare(int(params["home_visits_per_week"].get(str(level), 0)), int(params["visit_minutes"]))


def months_between(start: dt.date, day: dt.date) -> int:
    """Whole months from ``start`` to ``day`` (the day of the month reached counts)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    return months - (day.day < start.day)


def extra_hours(params: Mapping[str, Any], level: int, plan_start: dt.date, month_end: dt.date) -> int:
    """Extra hours a month for the most dependent at home: one once the plan has run a month, two after six."""
    if level not in params["extra_levels"]:
        return 0
    ran = months_between(plan_start, month_end)
    if ran >= 6:
        return int(params["extra_hours_after_6_months"])
    return int(params["extra_hours_after_1_month"]) if ran >= 1 else 0


def extra_cash(params: Mapping[str, Any], hours: int) -> Decimal:
    return Decimal(params["extra_cash_yuan"].get(str(hours), "0"))


def planned_days(weekdays: Iterable[int], *, first: dt.date, last: dt.date) -> list[dt.date]:
    """The dates in [first, last] falling on the plan's ISO weekdays."""
    wanted = set(weekdays)
    days, day = [], first
    while day <= last:
        if day.isoweekday() in wanted:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# ---------------------------------------------------------------- money


def split(amount: Decimal, share: str | Decimal) -> tuple[Decimal, Decimal]:
    """(fund, person): the fund's share rounded to the fen, the person the rest, so they add up exactly."""
    fund = (amount * Decimal(share)).quantize(CENT, rounding=ROUND_HALF_UP)
    return fund, amount - fund


def is_short(params: Mapping[str, Any], served_minutes: int | None, planned_minutes: int) -> bool:
    return served_minutes is None or served_minutes < Decimal(params["short_visit_share"]) * planned_minutes
