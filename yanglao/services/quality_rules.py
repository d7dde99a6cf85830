"""The quality monitor's pure rules: its shipped thresholds, the follow-up sample and complaint deadlines.

Pure Python (no Django), so the watcher, the pages and the tests agree. Deadlines count working days as Monday to
Friday: Chinese public holidays and the weekend days worked in their place (调休) are published each year by the
State Council and are not known offline, so a deadline that spans a holiday falls earlier than the official one
(the office sees it sooner, never later).
"""

from __future__ import annotations

import datetime as dt

# Shipped defaults, UNCONFIRMED: no public text fixes these numbers (research/operations.md); a district sets its own.
DEFAULTS = {
    "no_show_minutes": 30,
    "no_checkout_minutes": 60,
    "low_rating_max": 2,
    "follow_up_percent": 10,
    "reply_days": 2,
    "resolve_days": 20,
}
FIELDS = tuple(DEFAULTS)
LIMITS = {  # beyond these a value is a typing slip, not a policy
    "no_show_minutes": (5, 240),
    "no_checkout_minutes": (5, 480),
    "low_rating_max": (1, 4),
    "follow_up_percent": (0, 100),
    "reply_days": (1, 15),
    "resolve_days": (1, 60),
}

# An order is in the follow-up sample when (id × 37) mod 100 < percent. 37 and 100 are coprime, so every run of
# 100 consecutive ids holds exactly ``percent`` sampled orders, spread out rather than the first ones of a
# block; the same rule in SQL (``selectors``) picks the same orders.
SAMPLE_MULTIPLIER = 37


def sample_bucket(order_id: int) -> int:
    return (order_id * SAMPLE_MULTIPLIER) % 100


def in_sample(order_id: int, percent: int) -> bool:
    return sample_bucket(order_id) < percent


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day ``days`` working days after ``start`` (the filing day itself does not count)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def is_low_rating(rating: int | None, low_rating_max: int) -> bool:
    return rating is not None and rating <= low_rating_max
