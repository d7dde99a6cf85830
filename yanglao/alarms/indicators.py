"""The alarm centre's measure for the cockpit (core.indicators): alarms raised in the month, split by whether
they were answered within 60 seconds (the SLA report's rule, alarms/sla.py: claimed, or closed without a
claim, at most 60 s after being raised)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from yanglao.alarms.models import Alarm
from yanglao.core import indicators
from yanglao.core.indicators import Indicator, Measure, Period

WITHIN = dt.timedelta(seconds=60)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def count_alarms(period: Period, today: dt.date):
    answered = Q(claimed_at__lte=F("raised_at") + WITHIN) | Q(
        claimed_at__isnull=True, closed_at__lte=F("raised_at") + WITHIN
    )
    rows = (
        Alarm.objects.unscoped(reason="indicator aggregation (system job)")
        .filter(raised_at__gte=_start(period.start), raised_at__lt=_start(period.end + dt.timedelta(days=1)))
        .values("region")
        .annotate(n=Count("pk"), fast=Count("pk", filter=answered))
        .values_list("region", "n", "fast")
    )
    for region, n, fast in rows:
        if fast:
            yield region, "within_60", float(fast)
        if n - fast:
            yield region, "later", float(n - fast)


def alarm_records(region: str, dim: str, period: Period) -> str:
    return indicators.records_url(
        "alarms:alarm_list",
        street=region,
        raised_from=period.start.isoformat(),
        raised_to=period.end.isoformat(),
    )


def register() -> None:
    indicators.register_measure(
        Measure(
            "alarms",
            "报警",
            "次",
            "紧急呼叫中心",
            count_alarms,
            flow=True,
            dims=(("within_60", "60秒内接警"), ("later", "超过60秒或未接警")),
            records=alarm_records,
        )
    )
    indicators.register(
        Indicator(
            "alarms_raised",
            "当月报警次数",
            "次",
            "alarms",
            decimals=0,
            category="紧急救援",
            order=50,
            definition="当月各类设备与热线产生的报警（同一事件的重复上报合并为一次）。",
        ),
        Indicator(
            "alarms_answered_60s_share",
            "报警60秒内接警率",
            "%",
            "alarms:within_60",
            "alarms",
            factor=100,
            category="紧急救援",
            order=51,
            definition="当月报警中，60秒内被坐席接警（或未接警即结案）的比例，与接警服务水平报表口径一致。",
        ),
    )
