"""The LTC module's measures for the cockpit (core.indicators): people in care on the month's reading day
(an active plan covering it) and the fund's payments of the month's approved statements, per the person's
community."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from yanglao.core import indicators
from yanglao.core.indicators import Indicator, Measure, Period, grouped
from yanglao.ltc.choices import LtcSettlementStatus, PlanStatus
from yanglao.ltc.models import CarePlan, LtcSettlementLine

REASON = "indicator aggregation (system job)"


def count_in_care(period: Period, today: dt.date):
    day = period.as_of(today)
    plans = CarePlan.objects.unscoped(reason=REASON).filter(
        status=PlanStatus.ACTIVE, starts_on__lte=day, ends_on__gte=day
    )
    return grouped(plans, "setting")


def sum_fund(period: Period, today: dt.date):
    lines = LtcSettlementLine.objects.unscoped(reason=REASON).filter(
        settlement__month=period.start, settlement__status=LtcSettlementStatus.APPROVED
    )
    return grouped(lines, value=Sum("fund_yuan"))


def care_records(region: str, dim: str, period: Period) -> str:
    return indicators.records_url(
        "ltc:application_list", status="in_care", **({"setting": dim} if dim else {})
    )


def fund_records(region: str, dim: str, period: Period) -> str:
    return indicators.records_url("ltc:settlement_list")


def register() -> None:
    source = "长期护理保险"
    indicators.register_measure(
        Measure(
            "ltc_in_care",
            "享受长护险待遇的老年人",
            "人",
            source,
            count_in_care,
            dims=(("home", "居家照护"), ("institution", "机构照护")),
            records=care_records,
        )
    )
    indicators.register_measure(
        Measure("ltc_fund_yuan", "长护险基金支付", "元", source, sum_fund, flow=True, records=fund_records)
    )
    indicators.register(
        Indicator(
            "ltc_in_care",
            "长护险享受待遇人数",
            "人",
            "ltc_in_care",
            decimals=0,
            category="长期护理保险",
            order=70,
            breakdown=True,
            definition="统计日有执行中照护计划的老年人数（居家照护与机构照护）。",
        ),
        Indicator(
            "ltc_fund_yuan",
            "长护险基金支付金额",
            "元",
            "ltc_fund_yuan",
            decimals=0,
            category="长期护理保险",
            order=71,
            definition="当月已审核的长护险结算单中基金支付的金额合计（不含付给本人的现金补助）。",
        ),
    )
