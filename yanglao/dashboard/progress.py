"""Progress against a plan target and the date it will be met at the current pace. Pure Python (standard
library only), so every rule is enumerated in tests.

Rules (docs/decisions.md, 61):

- No value: 无数据 (``no_data``), whatever the target.
- The value meets the target (≥ or ≤ as the target says): 达标 (``met``).
- Otherwise the pace is the least-squares slope of the monthly values over the last ``WINDOW`` months
  (at least ``MIN_POINTS`` of them, the current one included). With the pace moving towards the target, the
  projected date is the month the line reaches it; on or before 31 December of the target year: 按进度
  (``on_track``), later (or the target year already past): 滞后 (``lagging``), still with the projected
  date. No pace, or a pace away from the target: 滞后 with no projected date ("at this pace, not by the
  target year").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 12  # months of history the pace is fitted on
MIN_POINTS = 3
HORIZON_YEARS = 50  # beyond this the projection says "not at this pace" rather than a date in 2090


@dataclass(frozen=True)
class Progress:
    status: str  # met / on_track / lagging / no_data
    pace: float | None  # change per month (the indicator's unit)
    projected: dt.date | None  # last day of the month the target is projected to be met
    note: str  # the reason, in Chinese, shown under the status


def meets(value: float, comparator: str, target: float) -> bool:
    return value <= target if comparator == "lte" else value >= target


def slope(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of (month index, value) points; None with fewer than MIN_POINTS or one month."""
    if len(points) < MIN_POINTS:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def assess(
    *,
    value: float | None,
    history: Sequence[tuple[int, float]],
    comparator: str,
    target: float,
    target_year: int,
    year: int,
    month: int,
) -> Progress:
    """Progress of ``value`` (the figure for ``year``-``month``) against ``target`` by the end of
    ``target_year``. ``history`` holds (months since any fixed origin, value) pairs, the current month
    included; only the last WINDOW months count."""
    if value is None:
        return Progress("no_data", None, None, "没有可用于计算的数据")
    if meets(value, comparator, target):
        return Progress("met", None, None, "已达到目标值")
    recent = sorted(history)[-WINDOW:]
    pace = slope(recent)
    overdue = f"目标年份 {target_year} 年已过，仍未达标；" if year > target_year else ""
    if pace is None:
        return Progress("lagging", None, None, f"{overdue}历史数据不足 {MIN_POINTS} 个月，无法推算达标时间")
    towards = pace < 0 if comparator == "lte" else pace > 0
    if not towards:
        return Progress("lagging", pace, None, f"{overdue}按当前速度无法达标（指标未向目标方向变化）")
    months = math.ceil(abs(target - value) / abs(pace) - 1e-9)
    if months > HORIZON_YEARS * 12:
        return Progress("lagging", pace, None, f"{overdue}按当前速度 {HORIZON_YEARS} 年内无法达标")
    index = year * 12 + month - 1 + months
    projected = month_end(index // 12, index % 12 + 1)
    when = f"{projected.year}年{projected.month}月"
    if projected.year <= target_year:
        return Progress("on_track", pace, projected, f"按当前速度预计 {when} 达标")
    if overdue:
        return Progress("lagging", pace, projected, f"{overdue}按当前速度预计 {when} 达标")
    return Progress("lagging", pace, projected, f"按当前速度预计 {when} 达标，晚于目标年份 {target_year} 年")
