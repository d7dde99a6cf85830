"""The benefits module's measures for the cockpit (core.indicators): people paid and money paid for a month,
from the lines of approved batches (a prepared batch counts for nothing until a second official approves
it), per the person's community at payment time."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum

from yanglao.benefits.choices import BatchStatus, PaymentKind, PaymentStatus
from yanglao.benefits.models import Payment
from yanglao.core import indicators
from yanglao.core.indicators import Indicator, Measure, Period, grouped


def _paid(period: Period):
    return Payment.objects.unscoped(reason="indicator aggregation (system job)").filter(
        month=period.start,
        kind=PaymentKind.REGULAR,
        status=PaymentStatus.PAY,
        batch__status=BatchStatus.APPROVED,
    )


def count_recipients(period: Period, today: dt.date):
    return grouped(_paid(period), value=Count("elder", distinct=True))


def sum_paid(period: Period, today: dt.date):
    return grouped(_paid(period), value=Sum("amount"))


def batch_records(region: str, dim: str, period: Period) -> str:
    return indicators.records_url("benefits:batch_list")


def register() -> None:
    source = "福利补贴"
    indicators.register_measure(
        Measure(
            "benefit_recipients",
            "享受补贴的老年人",
            "人",
            source,
            count_recipients,
            flow=True,
            records=batch_records,
        )
    )
    indicators.register_measure(
        Measure("benefit_yuan", "补贴发放金额", "元", source, sum_paid, flow=True, records=batch_records)
    )
    indicators.register(
        Indicator(
            "benefit_recipients",
            "当月享受补贴老年人数",
            "人",
            "benefit_recipients",
            decimals=0,
            category="福利补贴",
            order=60,
            definition="当月已审批发放批次中，按月发放至少一项补贴（不含暂缓和往月调整）的老年人数。",
        ),
        Indicator(
            "benefit_yuan",
            "当月补贴发放金额",
            "元",
            "benefit_yuan",
            decimals=0,
            category="福利补贴",
            order=61,
            definition="当月已审批发放批次中按月发放的补贴金额合计（不含暂缓和往月调整）。",
        ),
        Indicator(
            "benefit_recipient_share",
            "享受补贴老年人占比",
            "%",
            "benefit_recipients",
            "elders:60",
            factor=100,
            category="福利补贴",
            order=62,
            definition="当月享受补贴老年人数占60岁及以上在册老年人数的比例。",
        ),
    )
