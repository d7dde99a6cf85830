"""Check-in rules of a service item, as data: which rule applies where, and what a check-in or check-out breaks.

Pure Python (no Django), so the caregiver's phone API, the periodic monitor and the tests judge alike. A rule is
set per item for a region; the most specific region containing the home wins, and the shipped default (no region)
applies elsewhere. Distances are metres between the home and the phone's position; times are aware datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from yanglao.core.divisions import ancestors_and_self

__all__ = ["ancestors_and_self"]  # re-exported: the services and alarms rules read it from here

R = TypeVar("R")

CONTINUE, WARN, BLOCK, END = "continue", "warn", "block", "end"


@dataclass(frozen=True)
class Rule:
    max_distance_in_m: int
    max_distance_out_m: int
    late_start_minutes: int
    early_leave_minutes: int
    min_service_minutes: int
    photos_required: int
    on_distance: str = WARN
    on_late: str = WARN
    on_early: str = WARN
    on_short: str = WARN


@dataclass(frozen=True)
class Breach:
    kind: str  # "far_in" | "far_out" | "late" | "early" | "short" | "photos"
    action: str  # continue | warn | block | end
    message: str  # Chinese, for the caregiver and the monitor


def most_specific(rules: Mapping[str | None, R], region_code: str) -> R | None:
    """The rule set for the nearest region containing ``region_code``, else the default (key ``None``)."""
    for code in ancestors_and_self(region_code):
        if code in rules:
            return rules[code]
    return rules.get(None)


def check_in(rule: Rule, *, scheduled_start: dt.datetime, at: dt.datetime, distance_m: float) -> list[Breach]:
    """What a check-in at ``at``, ``distance_m`` from the home, breaks."""
    breaches = []
    if distance_m > rule.max_distance_in_m:
        breaches.append(
            Breach(
                "far_in",
                rule.on_distance,
                f"签到位置距老人住址 {distance_m:.0f} 米，超过允许的 {rule.max_distance_in_m} 米",
            )
        )
    late = (at - scheduled_start).total_seconds() / 60
    if late > rule.late_start_minutes:
        breaches.append(
            Breach("late", rule.on_late, f"迟到 {late:.0f} 分钟，超过允许的 {rule.late_start_minutes} 分钟")
        )
    return breaches


def check_out(
    rule: Rule,
    *,
    checked_in_at: dt.datetime,
    scheduled_end: dt.datetime,
    at: dt.datetime,
    distance_m: float,
    photos: int,
) -> list[Breach]:
    """What a check-out at ``at`` breaks: place, leaving early, too short a service, missing photos."""
    if at < checked_in_at:
        return [Breach("order", BLOCK, "签退时间早于签到时间，请核对手机时间")]
    breaches = []
    if distance_m > rule.max_distance_out_m:
        breaches.append(
            Breach(
                "far_out",
                rule.on_distance,
                f"签退位置距老人住址 {distance_m:.0f} 米，超过允许的 {rule.max_distance_out_m} 米",
            )
        )
    early = (scheduled_end - at).total_seconds() / 60
    if early > rule.early_leave_minutes:
        breaches.append(
            Breach(
                "early", rule.on_early, f"早退 {early:.0f} 分钟，超过允许的 {rule.early_leave_minutes} 分钟"
            )
        )
    served = (at - checked_in_at).total_seconds() / 60
    if served < rule.min_service_minutes:
        breaches.append(
            Breach(
                "short", rule.on_short, f"服务时长 {served:.0f} 分钟，不足 {rule.min_service_minutes} 分钟"
            )
        )
    if photos < rule.photos_required:
        breaches.append(
            Breach("photos", BLOCK, f"需要上传 {rule.photos_required} 张服务照片，已上传 {photos} 张")
        )
    return breaches


def worst(breaches: list[Breach]) -> str:
    """The strongest action among the breaches: end > block > warn > continue."""
    order = [CONTINUE, WARN, BLOCK, END]
    return max((b.action for b in breaches), key=order.index, default=CONTINUE)
