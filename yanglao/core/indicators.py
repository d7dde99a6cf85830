"""The indicator library (指标库): what each module counts, and the plan indicators built from the counts.

A **measure** is an additive count a module knows how to take from its own records, per stored region code
(and, optionally, per dimension such as a bed type): active people aged 60+, beds of each type, orders served
in the month. Because measures are sums, the nightly job (``dashboard``) can add a community's figures up to
its street, district and city once and every page reads one row per region.

An **indicator** is what a plan sets a target for: a measure, or a ratio of two, times a factor (beds per
1,000 elders = beds ÷ elders aged 60+ × 1,000). Its code is stable: targets, exports, the API and the CLI
name it.

Modules register both in their ``AppConfig.ready`` (like navigation and panels), so the dashboard never needs
to know which modules exist; core depends on nothing above it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

# A measure's rows: (stored region code, dimension or "", value).
Rows = Iterable[tuple[str, str, float]]


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (统计期). Stock measures are read as at its last day (or today, for the month in
    progress); flow measures count what happened within it."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_RE.match(text.strip())
        if not match:
            raise ValueError(f"period must be YYYY-MM, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls(day.year, day.month)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def as_of(self, today: dt.date) -> dt.date:
        """The day a stock is read on: the month's last day, or ``today`` while the month runs."""
        return min(self.end, today)

    def shift(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Measure:
    """An additive count over one module's records.

    ``count(period, today)`` returns rows for every region with data (system scope: the aggregation job reads
    everything and pages read its sums through the scoped fact table). A *flow* counts events within the
    period, so any past month can be recounted from the records; a *stock* is the state on ``period.as_of``
    and can only be taken while the month runs (past months keep what was taken then).
    ``records(region_code, dim, period)`` is the URL of the list of records counted (scoped and masked by
    that list), so an official can check a figure; None when no list shows them.
    """

    code: str
    name: str
    unit: str
    source: str  # the module, in Chinese (数据来源)
    count: Callable[[Period, dt.date], Rows]
    flow: bool = False
    dims: tuple[tuple[str, str], ...] = ()  # (dimension code, Chinese label) when the rows are split
    records: Callable[[str, str, Period], str | None] | None = None
    attribute: bool = False  # a region's own figure (常住人口), not added up from the regions below it


@dataclass(frozen=True)
class Part:
    """A measure, or some of its dimensions (all of them when ``dims`` is empty)."""

    measure: str
    dims: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Part:
        code, _, dims = text.partition(":")
        return cls(code, tuple(d for d in dims.split(",") if d))


@dataclass(frozen=True)
class Indicator:
    """A plan indicator: ``numerator`` (÷ ``denominator``) × ``factor``.

    ``numerator`` and ``denominator`` name a measure and optionally its dimensions (``"beds:nursing"``).
    ``breakdown`` names a measure dimension to split the numerator by on the indicator page (bed type,
    facility kind). A ratio (a share, a density) is *intensive*: a district's target applies to each of its
    streets; a count is not.
    """

    code: str
    name: str
    unit: str
    numerator: str
    denominator: str = ""
    factor: float = 1.0
    decimals: int = 1
    category: str = ""
    definition: str = ""  # how it is counted, in Chinese, shown beside the figure
    breakdown: bool = False
    order: int = 100

    @property
    def numerator_part(self) -> Part:
        return Part.parse(self.numerator)

    @property
    def denominator_part(self) -> Part | None:
        return Part.parse(self.denominator) if self.denominator else None

    @property
    def intensive(self) -> bool:
        return bool(self.denominator)

    @property
    def is_share(self) -> bool:
        return self.unit == "%"

    def value(self, numerator: float | None, denominator: float | None) -> float | None:
        """The figure, or None when there is no data (never a made-up zero): a ratio needs a denominator
        above zero."""
        if numerator is None:
            return None
        if not self.denominator:
            return round(numerator * self.factor, self.decimals)
        if not denominator:
            return None
        return round(numerator / denominator * self.factor, self.decimals)


def records_url(url_name: str, **params: str) -> str:
    """A list page's URL with the filters that select what a measure counted (empty filters left out)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    return reverse(url_name) + "?" + urlencode({k: v for k, v in params.items() if v})


def grouped(
    rows: Any, dim: str = "", *, value: Any = None, label: Callable[[Any], str] | None = None
) -> Iterator[tuple[str, str, float]]:
    """The usual measure: a queryset's rows counted (or ``value`` summed) per stored ``region`` and, with
    ``dim``, per value of that field (``label`` names it; by default its text). Empty groups are left out."""
    from django.db.models import Count

    fields = ["region", dim] if dim else ["region"]
    counted = rows.values(*fields).annotate(_n=value if value is not None else Count("pk"))
    for region, *rest in counted.values_list(*fields, "_n"):
        n = rest[-1]
        if not n:
            continue
        key = rest[0] if dim else ""
        yield region, label(key) if label else ("" if key is None else str(key)), float(n)


MEASURES: dict[str, Measure] = {}
INDICATORS: dict[str, Indicator] = {}


def register_measure(measure: Measure) -> None:
    if measure.code in MEASURES and MEASURES[measure.code] != measure:
        raise ValueError(f"measure {measure.code} registered twice")
    MEASURES[measure.code] = measure


def register(*indicators: Indicator) -> None:
    """Register indicators; each part must name a registered measure (register measures first)."""
    for indicator in indicators:
        for part in (indicator.numerator_part, indicator.denominator_part):
            if part is not None and part.measure not in MEASURES:
                raise ValueError(f"indicator {indicator.code}: unknown measure {part.measure}")
        if indicator.code in INDICATORS and INDICATORS[indicator.code] != indicator:
            raise ValueError(f"indicator {indicator.code} registered twice")
        INDICATORS[indicator.code] = indicator


def ordered() -> list[Indicator]:
    return sorted(INDICATORS.values(), key=lambda i: (i.order, i.code))


def count_residents(period: Period, today: dt.date) -> Iterator[tuple[str, str, float]]:
    """常住人口 as recorded on each division (the statistics bureau's figure, entered or loaded)."""
    from yanglao.core.models import Region

    rows = Region.objects.filter(population__isnull=False).values_list("code", "population")
    for code, population in rows:
        if population is not None:
            yield code, "", float(population)


RESIDENTS = Measure("residents", "常住人口", "人", "行政区划", count_residents, attribute=True)
