"""The cockpit's reads. Every figure comes from ``MeasureFact`` (one row per region, month, measure and
dimension, written by ``services.refresh``) through the scoped queryset, so a page costs a few indexed
look-ups whatever the number of people below the region."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from yanglao.core import divisions, indicators
from yanglao.core.errors import NotFound
from yanglao.core.indicators import Indicator, Part, Period
from yanglao.core.models import Region, User
from yanglao.dashboard import progress
from yanglao.dashboard.choices import FactSource, Status
from yanglao.dashboard.errors import PeriodRefused
from yanglao.dashboard.models import MeasureFact, MeasureRun, PlanTarget

HISTORY_MONTHS = 24

# (region, period start, measure, dim) → value
Facts = dict[tuple[str, dt.date, str, str], float]


@dataclass(frozen=True)
class Target:
    pk: int
    region_code: str
    region_name: str
    comparator: str
    value: float
    target_year: int
    source_document: str
    note: str
    version: int
    inherited: bool  # set for a region above (a district's share applies to its streets)

    @property
    def comparator_sign(self) -> str:
        return "≤" if self.comparator == "lte" else "≥"


@dataclass
class Figure:
    """One indicator for one region and month, with everything the pages, the report, the CLI and the API
    show about it."""

    indicator: Indicator
    region: Region
    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    year_ago: float | None = None
    history: list[tuple[Period, float | None]] = field(default_factory=list)
    target: Target | None = None
    progress: progress.Progress | None = None
    estimated: bool = False  # the month's figures include back-filled estimates
    estimated_months: set[str] = field(default_factory=set)  # months of the history that are estimates

    @property
    def status(self) -> str | None:
        if self.value is None:
            return Status.NO_DATA
        return self.progress.status if self.progress else None

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else "未设目标"

    @property
    def gap(self) -> float | None:
        """How far from the target, in the indicator's unit (positive: short of it)."""
        if self.value is None or self.target is None:
            return None
        if self.target.comparator == "lte":
            return round(self.value - self.target.value, 4)
        return round(self.target.value - self.value, 4)

    @property
    def completion(self) -> float | None:
        """Share of the target reached, for a progress bar (≤ 100)."""
        if self.value is None or self.target is None or not self.target.value:
            return None
        if self.target.comparator == "lte":
            return (
                100.0 if self.value <= self.target.value else round(self.target.value / self.value * 100, 1)
            )
        return min(100.0, round(self.value / self.target.value * 100, 1))

    def records(self, part: Part | None) -> str | None:
        if part is None:
            return None
        measure = indicators.MEASURES[part.measure]
        if measure.records is None:
            return None
        return measure.records(self.region.code, ",".join(part.dims), self.period)

    @property
    def sources(self) -> list[str]:
        """Where the figure's counts come from (数据来源), numerator first."""
        parts = [p for p in (self.indicator.numerator_part, self.indicator.denominator_part) if p is not None]
        return [f"{m.source}·{m.name}" for m in (indicators.MEASURES[p.measure] for p in parts)]

    @property
    def numerator_records(self) -> str | None:
        return self.records(self.indicator.numerator_part)

    @property
    def denominator_records(self) -> str | None:
        return self.records(self.indicator.denominator_part)

    def as_json(self) -> dict:
        target = self.target
        return {
            "code": self.indicator.code,
            "name": self.indicator.name,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unit": self.indicator.unit,
            "target": target.value if target else None,
            "target_year": target.target_year if target else None,
            "comparator": target.comparator if target else None,
            "status": self.status,
            "status_label": self.status_label,
            "projected_date": (
                self.progress.projected.isoformat() if self.progress and self.progress.projected else None
            ),
        }


def region_for(*, user: User | None, code: str | None) -> Region:
    """The region the cockpit shows: the one asked for if the user's scope holds it (else 404), or the
    user's own (the first assigned; for system administrators the county with the most facts)."""
    if code:
        region = Region.objects.filter(code=code.strip()).first()
        if region is None or (user is not None and not user.in_scope(region.code)):
            raise NotFound
        return region
    if user is None:
        raise NotFound
    own = user.regions.order_by("code").first()
    if own is not None:
        return own
    if user.is_superuser:
        county = (
            MeasureFact.objects.unscoped(reason="default region for a system administrator")
            .filter(region__level=divisions.COUNTY)
            .values_list("region", flat=True)
            .first()
        )
        if county:
            return Region.objects.get(code=county)
    raise NotFound


def latest_period(*, today: dt.date | None = None) -> Period:
    """The latest month with counted figures (the running month once the job ran), else this month."""
    today = today or timezone.localdate()
    top = MeasureRun.objects.filter(period__lte=today).aggregate(top=Max("period"))["top"]
    return Period.of(top or today)


def period_for(text: str | None, *, today: dt.date | None = None) -> Period:
    if not text:
        return latest_period(today=today)
    try:
        return Period.parse(text)
    except ValueError:
        raise PeriodRefused(
            "统计期应为“年-月”，如 2026-12",
            fields={"period": "格式应为 YYYY-MM"},
            code="dashboard.period_invalid",
        ) from None


def _runs(periods: list[Period]) -> dict[dt.date, dict[str, str]]:
    """Per month: the measures counted, with their source (job or back-fill)."""
    out: dict[dt.date, dict[str, str]] = defaultdict(dict)
    rows = MeasureRun.objects.filter(period__in=[p.start for p in periods]).values_list(
        "period", "measure", "source"
    )
    for start, measure, source in rows:
        out[start][measure] = source
    return out


def _facts(*, user: User | None, codes: list[str], periods: list[Period]) -> Facts:
    """The facts of some regions and months the user may see (``user=None``: the command line, which
    runs with the server's own rights)."""
    if user is None:
        scoped = MeasureFact.objects.unscoped(reason="yanglao kpi on the command line")
    else:
        scoped = MeasureFact.objects.for_user(user)
    rows = scoped.filter(region__in=codes, period__in=[p.start for p in periods]).values_list(
        "region", "period", "measure", "dim", "value"
    )
    return {(r, p, m, d): v for r, p, m, d, v in rows}


class _Index:
    """Facts grouped by (region, month, measure) for quick sums."""

    def __init__(self, facts: Facts, runs: dict[dt.date, dict[str, str]]):
        self.runs = runs
        self.by: dict[tuple[str, dt.date, str], dict[str, float]] = defaultdict(dict)
        for (r, p, m, d), v in facts.items():
            self.by[(r, p, m)][d] = v

    def part(self, region: str, start: dt.date, part: Part) -> float | None:
        if part.measure not in self.runs.get(start, {}):
            return None
        dims = self.by.get((region, start, part.measure))
        if dims is None and indicators.MEASURES[part.measure].attribute:
            return None  # a region whose population nobody entered: unknown, not zero
        return float(sum(v for d, v in (dims or {}).items() if not part.dims or d in part.dims))

    def estimated(self, start: dt.date, indicator: Indicator) -> bool:
        parts = [p for p in (indicator.numerator_part, indicator.denominator_part) if p is not None]
        return any(self.runs.get(start, {}).get(p.measure) == FactSource.BACKFILL for p in parts)

    def figure_values(self, indicator: Indicator, region: str, start: dt.date):
        num = self.part(region, start, indicator.numerator_part)
        den_part = indicator.denominator_part
        den = self.part(region, start, den_part) if den_part is not None else None
        return indicator.value(num, den), num, den


def targets_for(*, region: Region, year: int) -> dict[str, Target]:
    """The target each indicator is held to in ``region`` for ``year``: the region's own, else (for a
    share or density) the nearest region above's. Of several target years, the first not yet past."""
    return targets_for_many(regions=[region], year=year)[region.code]


def targets_for_many(*, regions: list[Region], year: int) -> dict[str, dict[str, Target]]:
    """``targets_for`` of several regions in two queries (a page's child regions).

    Unscoped on purpose, and only along each region's own chain of divisions: the regions themselves were
    checked by ``region_for`` (or are children of one that was), and a district's target for a share is the
    target its streets are held to, shown to a street official as 沿用…目标 though the district's row is
    outside their scope. No other region's target can come through."""
    chains = {r.code: divisions.ancestors_and_self(r.code) for r in regions}
    codes = sorted({c for chain in chains.values() for c in chain})
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = list(
        PlanTarget.objects.unscoped(reason="targets of the region and those above it apply").filter(
            region__in=codes, superseded_at__isnull=True
        )
    )
    out: dict[str, dict[str, Target]] = {}
    for region in regions:
        chain = set(chains[region.code])
        best: dict[str, tuple[tuple, Target]] = {}
        for t in rows:
            spec = indicators.INDICATORS.get(t.indicator)
            if spec is None or t.region_id not in chain:
                continue
            inherited = t.region_id != region.code
            if inherited and not spec.intensive:
                continue
            future = t.target_year >= year
            # the nearest region first; then the first target year not past, else the latest past one
            rank = (
                -len(divisions.prefix(t.region_id)),
                not future,
                t.target_year if future else -t.target_year,
            )
            target = Target(
                t.pk,
                t.region_id,
                names.get(t.region_id, t.region_id),
                t.comparator,
                t.value,
                t.target_year,
                t.source_document,
                t.note,
                t.version,
                inherited,
            )
            if t.indicator not in best or rank < best[t.indicator][0]:
                best[t.indicator] = (rank, target)
        out[region.code] = {code: target for code, (_, target) in best.items()}
    return out


def _figure(
    index: _Index,
    indicator: Indicator,
    region: Region,
    period: Period,
    months: list[Period],
    target: Target | None,
) -> Figure:
    value, num, den = index.figure_values(indicator, region.code, period.start)
    history = [(p, index.figure_values(indicator, region.code, p.start)[0]) for p in months]
    year_ago = index.figure_values(indicator, region.code, period.shift(-12).start)[0]
    figure = Figure(
        indicator,
        region,
        period,
        value,
        num,
        den,
        year_ago=year_ago,
        history=history,
        target=target,
        estimated=index.estimated(period.start, indicator),
        estimated_months={str(p) for p in months if index.estimated(p.start, indicator)},
    )
    if target is not None:
        points = [(p.year * 12 + p.month - 1, v) for p, v in history if v is not None and p <= period]
        figure.progress = progress.assess(
            value=value,
            history=points,
            comparator=target.comparator,
            target=target.value,
            target_year=target.target_year,
            year=period.year,
            month=period.month,
        )
    return figure


def _months(period: Period) -> list[Period]:
    return [period.shift(-i) for i in range(HISTORY_MONTHS - 1, -1, -1)]


def figures(
    *, user: User | None, region: Region, period: Period, codes: list[str] | None = None
) -> list[Figure]:
    """Every registered indicator (or ``codes``) for a region and month, with history, target and progress."""
    months = _months(period)
    runs = _runs(months)
    index = _Index(_facts(user=user, codes=[region.code], periods=months), runs)
    targets = targets_for(region=region, year=period.year)
    chosen = [i for i in indicators.ordered() if codes is None or i.code in codes]
    return [_figure(index, i, region, period, months, targets.get(i.code)) for i in chosen]


@dataclass
class Overview:
    region: Region
    period: Period
    figures: list[Figure]
    computed_at: dt.datetime | None
    children: list[Region]
    trail: list[Region]  # the regions above, up to the user's own, for the breadcrumb

    @property
    def with_targets(self) -> list[Figure]:
        order = {Status.LAGGING: 0, Status.NO_DATA: 1, Status.ON_TRACK: 2, Status.MET: 3}
        rows = [f for f in self.figures if f.target is not None]
        return sorted(rows, key=lambda f: (order.get(f.status, 4), f.indicator.order))

    @property
    def without_targets(self) -> list[Figure]:
        return [f for f in self.figures if f.target is None]

    def count(self, status: str) -> int:
        return sum(1 for f in self.with_targets if f.status == status)


def overview(*, user: User | None, region_code: str | None, period_text: str | None) -> Overview:
    region = region_for(user=user, code=region_code)
    period = period_for(period_text)
    rows = figures(user=user, region=region, period=period)
    stamp = MeasureRun.objects.filter(period=period.start).aggregate(at=Max("computed_at"))["at"]
    return Overview(region, period, rows, stamp, children_of(region), trail(user=user, region=region))


def children_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def trail(*, user: User | None, region: Region) -> list[Region]:
    """The regions from the user's highest visible one down to ``region`` (for drilling back up)."""
    chain = [
        c for c in reversed(divisions.ancestors_and_self(region.code)) if user is None or user.in_scope(c)
    ]
    rows = {r.code: r for r in Region.objects.filter(code__in=chain)}
    return [rows[c] for c in chain if c in rows]


@dataclass
class Detail:
    figure: Figure
    children: list[Figure]  # sorted by gap, the largest shortfall first
    dims: list[dict]  # the numerator's split (bed types …) when the indicator declares one
    trail: list[Region]
    unassigned: float | None  # numerator held directly at the region, in no child

    @property
    def lagging(self) -> list[Figure]:
        return [c for c in self.children if c.status == Status.LAGGING]


def detail(*, user: User, region_code: str | None, period_text: str | None, code: str) -> Detail:
    indicator = indicators.INDICATORS.get(code)
    if indicator is None:
        raise NotFound
    region = region_for(user=user, code=region_code)
    period = period_for(period_text)
    months = _months(period)
    runs = _runs(months)
    kids = children_of(region)
    index = _Index(_facts(user=user, codes=[region.code, *(k.code for k in kids)], periods=months), runs)
    held = targets_for_many(regions=[region, *kids], year=period.year)
    figure = _figure(index, indicator, region, period, months, held[region.code].get(code))
    rows = [
        _figure(
            index, indicator, kid, period, months, held[kid.code].get(code) if indicator.intensive else None
        )
        for kid in kids
    ]

    def gap_key(f: Figure):
        if indicator.intensive:
            return (f.gap is None, -(f.gap or 0), f.region.code)
        return (f.value is None, f.value or 0, f.region.code)

    rows.sort(key=gap_key)
    dims = []
    part = indicator.numerator_part
    measure = indicators.MEASURES[part.measure]
    if indicator.breakdown and measure.dims:
        for dim, label in measure.dims:
            value = index.part(region.code, period.start, Part(part.measure, (dim,)))
            dims.append(
                {
                    "dim": dim,
                    "label": label,
                    "value": value,
                    "records": measure.records(region.code, dim, period) if measure.records else None,
                }
            )
    summed = sum(f.numerator or 0 for f in rows)
    unassigned = None
    if figure.numerator is not None and kids and abs(figure.numerator - summed) > 1e-6:
        unassigned = round(figure.numerator - summed, 3)
    return Detail(figure, rows, dims, trail(user=user, region=region), unassigned)


def target_history(*, user: User, lineage: int) -> list[PlanTarget]:
    rows = list(
        PlanTarget.objects.for_user(user)
        .filter(lineage=lineage)
        .select_related("created_by", "region")
        .order_by("-version")
    )
    if not rows:
        raise NotFound
    return rows


def target_list(*, user: User) -> list[PlanTarget]:
    return list(
        PlanTarget.objects.for_user(user)
        .filter(superseded_at__isnull=True)
        .select_related("region")
        .order_by("region", "indicator", "target_year")
    )


def target_get(*, user: User, pk: int, action: str = "view") -> PlanTarget:
    target = PlanTarget.objects.for_user(user, action=action).filter(pk=pk).select_related("region").first()
    if target is None:
        raise NotFound
    return target


def indicator_of(code: str) -> Indicator | None:
    return indicators.INDICATORS.get(code)


def targets_of(*, user: User, region: Region, code: str) -> list[PlanTarget]:
    """Every current target for one indicator in the region and the regions above it the user may see."""
    return list(
        PlanTarget.objects.for_user(user)
        .filter(
            region__in=divisions.ancestors_and_self(region.code), indicator=code, superseded_at__isnull=True
        )
        .select_related("region")
        .order_by("target_year", "region")
    )


@dataclass
class TargetRow:
    target: PlanTarget
    indicator: Indicator | None


def target_rows(*, user: User) -> list[TargetRow]:
    """Current targets by region, then in the indicator library's order, then by year."""
    rows = [TargetRow(t, indicators.INDICATORS.get(t.indicator)) for t in target_list(user=user)]
    return sorted(
        rows,
        key=lambda r: (r.target.region_id, r.indicator.order if r.indicator else 999, r.target.target_year),
    )


def as_json(o: Overview) -> dict:
    """The CLI's and the API's answer: numbers as JSON numbers, null where there is no data."""
    return {
        "region": o.region.code,
        "region_name": o.region.name,
        "period": str(o.period),
        "computed_at": o.computed_at.isoformat() if o.computed_at else None,
        "indicators": [f.as_json() for f in o.figures],
    }
