"""Durations as the console shows them: seconds count at 2 a.m., so "42 秒", "3 分 05 秒", never "0 分钟"."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def duration(seconds: float) -> str:
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} 小时 {minutes:02d} 分"
    if minutes:
        return f"{minutes} 分 {secs:02d} 秒"
    return f"{secs} 秒"


@register.filter
def waited(start: dt.datetime | None, end: dt.datetime | None = None) -> str:
    """``{{ a.raised_at|waited:a.claimed_at }}``: from ``start`` to ``end`` (now when empty)."""
    if start is None:
        return ""
    return duration(((end or timezone.now()) - start).total_seconds())
