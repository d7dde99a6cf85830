"""The registry's measures and indicators for the cockpit (core.indicators): people by age, assessed
ability, and the special-hardship group the visiting targets are set for."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from yanglao.core import indicators
from yanglao.core.indicators import Indicator, Measure, Period, Rows, grouped
from yanglao.people import groups
from yanglao.people.choices import ElderStatus
from yanglao.people.filters import hardship_q
from yanglao.people.identity import birthday_years_ago
from yanglao.people.models import Elder

AGES = (("60", "60岁及以上"), ("65", "65岁及以上"), ("80", "80岁及以上"))
LEVELS = (("0", "能力完好"), ("1", "轻度失能"), ("2", "中度失能"), ("3", "重度失能"), ("4", "完全失能"))


def _living():
    return Elder.objects.unscoped(reason="indicator aggregation (system job)").filter(
        status=ElderStatus.ACTIVE
    )


def count_ages(period: Period, today: dt.date):
    day = period.as_of(today)
    rows = (
        _living()
        .values("region")
        .annotate(
            **{
                f"a{age}": Count("pk", filter=Q(birth_date__lte=birthday_years_ago(day, int(age))))
                for age, _ in AGES
            }
        )
        .values_list("region", *(f"a{age}" for age, _ in AGES))
    )
    for region, *counts in rows:
        for (age, _), n in zip(AGES, counts, strict=True):
            if n:
                yield region, age, float(n)


def count_assessed(period: Period, today: dt.date) -> Rows:
    return grouped(_living().filter(**groups.ability_current_lookups(period.as_of(today))), "ability_level")


def count_hardship(period: Period, today: dt.date) -> Rows:
    return grouped(_living().filter(hardship_q(period.as_of(today))))


def elder_list(**params: str) -> str:
    return indicators.records_url("people:elder_list", **params)


def ages_records(region: str, dim: str, period: Period) -> str:
    return elder_list(region=region, age_min=dim or "60")


def assessed_records(region: str, dim: str, period: Period) -> str:
    return elder_list(region=region, ability={"": "assessed", "1,2,3,4": "disabled"}.get(dim, dim))


def hardship_records(region: str, dim: str, period: Period) -> str:
    return elder_list(region=region, hardship="1")


def register() -> None:
    source = "老年人信息库"
    indicators.register_measure(
        Measure("elders", "在册老年人", "人", source, count_ages, dims=AGES, records=ages_records)
    )
    indicators.register_measure(
        Measure(
            "assessed",
            "能力评估在有效期内的老年人",
            "人",
            source,
            count_assessed,
            dims=LEVELS,
            records=assessed_records,
        )
    )
    indicators.register_measure(
        Measure("hardship", "特殊困难老年人", "人", source, count_hardship, records=hardship_records)
    )
    indicators.register(
        Indicator(
            "elders_60",
            "60岁及以上老年人数",
            "人",
            "elders:60",
            decimals=0,
            category="老年人口",
            order=10,
            definition="老年人信息库中在册（健在、未迁出）且统计日已满60周岁的人数。",
        ),
        Indicator(
            "elders_80",
            "80岁及以上高龄老年人数",
            "人",
            "elders:80",
            decimals=0,
            category="老年人口",
            order=11,
            definition="在册且统计日已满80周岁的人数。",
        ),
        Indicator(
            "assessed_share",
            "老年人能力评估覆盖率",
            "%",
            "assessed",
            "elders:60",
            factor=100,
            category="老年人口",
            order=12,
            definition="能力评估结论在有效期内的在册老年人占60岁及以上在册老年人的比例。",
        ),
        Indicator(
            "assessed_share_disabled",
            "经评估失能老年人占比",
            "%",
            "assessed:1,2,3,4",
            "assessed",
            factor=100,
            category="老年人口",
            order=13,
            breakdown=True,
            definition="评估结论在有效期内、等级为轻度至完全失能（GB/T 42195 1–4级）的老年人，"
            "占评估结论在有效期内老年人的比例。",
        ),
    )
