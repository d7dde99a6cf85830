"""Home and community services' measures for the cockpit (core.indicators): orders served in the month,
late starts, and the special-hardship people visited. All are flows, so any month can be recounted."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from yanglao.core import indicators
from yanglao.core.indicators import Indicator, Measure, Period
from yanglao.people.filters import hardship_q
from yanglao.services.choices import AlertKind, ServiceType
from yanglao.services.filters import served_in
from yanglao.services.models import ServiceAlert, ServiceOrder

REASON = "indicator aggregation (system job)"


def _served(period: Period):
    return ServiceOrder.objects.unscoped(reason=REASON).filter(served_in(period))


def count_served(period: Period, today: dt.date):
    """Served orders, split by whether a late start (迟到) was flagged on them."""
    late = ServiceAlert.objects.unscoped(reason=REASON).filter(kind=AlertKind.LATE).values("order_id")
    rows = (
        _served(period)
        .values("region")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(pk__in=late)))
        .values_list("region", "n", "late")
    )
    for region, n, n_late in rows:
        if n_late:
            yield region, "late", float(n_late)
        if n - n_late:
            yield region, "on_time", float(n - n_late)


def count_visited(period: Period, today: dt.date):
    """特殊困难老年人 with at least one visiting service (探访关爱) served in the month, each once."""
    rows = (
        _served(period)
        .filter(item__service_type=ServiceType.VISITING)
        .filter(hardship_q(period.as_of(today), prefix="elder__"))
        .values("region")
        .annotate(n=Count("elder", distinct=True))
        .values_list("region", "n")
    )
    for region, n in rows:
        yield region, "", float(n)


def order_list(region: str, period: Period, **params: str) -> str:
    return indicators.records_url("services:order_list", street=region, served_month=str(period), **params)


def served_records(region: str, dim: str, period: Period) -> str:
    if dim == "late":
        return indicators.records_url(
            "services:alert_list",
            kind="late",
            street=region,
            raised_from=period.start.isoformat(),
            raised_to=period.end.isoformat(),
        )
    return order_list(region, period)


def visited_records(region: str, dim: str, period: Period) -> str:
    return order_list(region, period, service_type=ServiceType.VISITING)


def register() -> None:
    source = "居家社区服务"
    indicators.register_measure(
        Measure(
            "orders_served",
            "已完成服务工单",
            "单",
            source,
            count_served,
            flow=True,
            dims=(("on_time", "按时开始"), ("late", "迟到")),
            records=served_records,
        )
    )
    indicators.register_measure(
        Measure(
            "hardship_visited",
            "当月获探访的特殊困难老年人",
            "人",
            source,
            count_visited,
            flow=True,
            records=visited_records,
        )
    )
    indicators.register(
        Indicator(
            "orders_served",
            "当月完成服务工单数",
            "单",
            "orders_served",
            decimals=0,
            category="居家服务",
            order=40,
            definition="当月签退且未取消的居家社区服务工单。",
        ),
        Indicator(
            "late_visit_share",
            "服务迟到率",
            "%",
            "orders_served:late",
            "orders_served",
            factor=100,
            category="居家服务",
            order=41,
            definition="当月完成的工单中被服务质量监控标记为迟到的比例。",
        ),
        Indicator(
            "hardship_monthly_visit_rate",
            "特殊困难老年人月探访率",
            "%",
            "hardship_visited",
            "hardship",
            factor=100,
            category="居家服务",
            order=42,
            definition="当月至少完成一次探访关爱服务的特殊困难老年人（独居、空巢、高龄、失能、重残、"
            "计生特殊、特困、低保）占特殊困难老年人总数的比例。",
        ),
    )
