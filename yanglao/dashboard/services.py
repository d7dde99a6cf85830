"""The cockpit's writes: the monthly aggregation of every registered measure into ``MeasureFact`` and the
plan targets' versions. Plain functions with explicit arguments (docs/development/adding-a-module.md)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from yanglao.core import audit, divisions, indicators
from yanglao.core.errors import NotFound
from yanglao.core.indicators import Period
from yanglao.core.models import Region, User
from yanglao.core.scoping import ensure_in_scope
from yanglao.dashboard.choices import Comparator, FactSource
from yanglao.dashboard.errors import PeriodRefused, TargetRefused
from yanglao.dashboard.models import MeasureFact, MeasureRun, PlanTarget

log = logging.getLogger(__name__)
BATCH = 5000


@dataclass(frozen=True)
class RefreshResult:
    period: Period
    measures: list[str]
    rows: int
    seconds: float
    skipped: list[str]  # stock measures left as they were (a closed month)


def roll_up(
    rows: Iterable[tuple[str, str, float]], *, attribute: bool = False
) -> dict[tuple[str, str], float]:
    """Sum a measure's (region, dim, value) rows into every region above each row (its subtree total);
    a region attribute (常住人口) stays on its own region."""
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for code, dim, value in rows:
        for target in [code] if attribute else divisions.ancestors_and_self(code):
            totals[(target, dim)] += value
    return totals


def refresh(
    *, period: Period, today: dt.date | None = None, measures: list[str] | None = None
) -> RefreshResult:
    """Count every registered measure for ``period`` and replace its facts, in one transaction so a page
    never reads a half-written month. A month in progress takes stocks and flows; a closed month only
    recounts flows (orders, alarms): its stocks are whatever was taken while it ran.

    No actor: the figures follow from the records whoever asks, so the facts of every region are replaced
    (the cockpit's button needs ``dashboard.refresh_indicators``; pages read the facts through the scope)."""
    today = today or timezone.localdate()
    now_period = Period.of(today)
    if period > now_period:
        raise PeriodRefused(f"{period} 尚未开始，不能汇总", code="dashboard.period_future")
    started = time.perf_counter()
    chosen, skipped = [], []
    for code, measure in sorted(indicators.MEASURES.items()):
        if measures is not None and code not in measures:
            continue
        (chosen if period == now_period or measure.flow else skipped).append(measure)
    stamp = timezone.now()
    facts: list[tuple] = []
    counted: dict[str, int] = {}
    for measure in chosen:
        totals = roll_up(measure.count(period, today), attribute=measure.attribute)
        counted[measure.code] = len(totals)
        facts += [(code, measure.code, dim, value) for (code, dim), value in totals.items()]
    known = _existing_regions({f[0] for f in facts})
    kept = [(period.start, *f, FactSource.JOB, stamp) for f in facts if f[0] in known]
    codes = [m.code for m in chosen]
    with transaction.atomic():
        MeasureFact.objects.unscoped(reason="aggregation replaces the month").filter(
            period=period.start, measure__in=codes
        ).delete()
        _insert_facts(kept)
        MeasureRun.objects.filter(period=period.start, measure__in=codes).delete()
        MeasureRun.objects.bulk_create(
            MeasureRun(period=period.start, measure=code, computed_at=stamp, rows=counted[code])
            for code in codes
        )
    seconds = time.perf_counter() - started
    log.info("indicator refresh %s: %d measures, %d rows in %.1f s", period, len(chosen), len(kept), seconds)
    return RefreshResult(period, [m.code for m in chosen], len(kept), seconds, [m.code for m in skipped])


def _insert_facts(rows: list[tuple]) -> None:
    """Many thousand aggregate rows (no personal data, written only by this job) in one prepared
    statement: the ORM's ``bulk_create`` spent most of a refresh building model instances and SQL text."""
    sql = (
        "INSERT INTO dashboard_measurefact (period, region_code, measure, dim, value, source, computed_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[i : i + BATCH])


def _existing_regions(codes: set[str]) -> set[str]:
    """The codes that are rows of the division table (a code above the loaded divisions has no row)."""
    found: set[str] = set()
    ordered = sorted(codes)
    for i in range(0, len(ordered), 900):
        found.update(Region.objects.filter(code__in=ordered[i : i + 900]).values_list("code", flat=True))
    return found


def _check_target(*, indicator: str, comparator: str, value: float, target_year: int) -> None:
    errors = {}
    spec = indicators.INDICATORS.get(indicator)
    if spec is None:
        errors["indicator"] = "指标不存在"
    if comparator not in Comparator.values:
        errors["comparator"] = "比较方式无效"
    if not 2000 <= target_year <= 2100:
        errors["target_year"] = "目标年份应在2000至2100年之间"
    if value < 0 or (spec is not None and spec.is_share and value > 100):
        errors["value"] = "目标值应不小于0（比例不超过100）"
    if errors:
        raise TargetRefused("规划目标的内容有误", fields=errors, code="dashboard.target_invalid")


@transaction.atomic
def target_create(
    *,
    actor: User,
    region_code: str,
    indicator: str,
    comparator: str,
    value: float,
    target_year: int,
    source_document: str,
    note: str = "",
) -> PlanTarget:
    _check_target(indicator=indicator, comparator=comparator, value=value, target_year=target_year)
    if not (actor.in_scope(region_code) and Region.objects.filter(code=region_code).exists()):
        raise NotFound
    if PlanTarget.objects.filter(
        region_id=region_code, indicator=indicator, target_year=target_year, superseded_at__isnull=True
    ).exists():
        raise TargetRefused(
            "该区划该指标在该年份已有目标，请修改原目标",
            fields={"target_year": "已有同年份目标"},
            code="dashboard.target_duplicate",
        )
    target = PlanTarget.objects.create(
        region_id=region_code,
        indicator=indicator,
        comparator=comparator,
        value=value,
        target_year=target_year,
        source_document=source_document,
        note=note,
        created_by=actor,
    )
    target.lineage = target.pk
    target.save(update_fields=["lineage"])
    ensure_in_scope(target, actor, "change")
    return target


@transaction.atomic
def target_revise(
    *,
    actor: User,
    target_id: int,
    comparator: str,
    value: float,
    target_year: int,
    source_document: str,
    note: str = "",
    reason: str,
) -> PlanTarget:
    """A new version of a current target; the old one stays, superseded, in the target's history."""
    old = (
        PlanTarget.objects.for_user(actor, action="change")
        .select_for_update()
        .filter(pk=target_id, superseded_at__isnull=True)
        .first()
    )
    if old is None:
        raise NotFound
    _check_target(indicator=old.indicator, comparator=comparator, value=value, target_year=target_year)
    if not reason.strip():
        raise TargetRefused("请填写修改原因", fields={"reason": "必填"}, code="dashboard.target_no_reason")
    old.superseded_at = timezone.now()
    old.save(update_fields=["superseded_at"])
    new = PlanTarget.objects.create(
        region_id=old.region_id,
        indicator=old.indicator,
        comparator=comparator,
        value=value,
        target_year=target_year,
        source_document=source_document,
        note=note,
        lineage=old.lineage,
        version=old.version + 1,
        reason=reason.strip(),
        created_by=actor,
    )
    ensure_in_scope(new, actor, "change")
    return new


@transaction.atomic
def target_withdraw(*, actor: User, target_id: int, reason: str) -> PlanTarget:
    """End a target without a successor (a plan replaced by one that drops the indicator)."""
    target = (
        PlanTarget.objects.for_user(actor, action="change")
        .select_for_update()
        .filter(pk=target_id, superseded_at__isnull=True)
        .first()
    )
    if target is None:
        raise NotFound
    if not reason.strip():
        raise TargetRefused("请填写撤销原因", fields={"reason": "必填"}, code="dashboard.withdraw_no_reason")
    target.superseded_at = timezone.now()
    target.withdrawn = True
    target.reason = reason.strip()
    target.save(update_fields=["superseded_at", "withdrawn", "reason"])
    audit.record(actor=actor, action="plan_target.withdraw", obj=target, detail={"reason": target.reason})
    return target


def backfill(*, period: Period, values: dict[tuple[str, str, str], float]) -> int:
    """Store estimated past figures ({(region, measure, dim): value}) for a closed month without facts of
    those measures, marked as back-filled (the history chart says so). The demo uses it; a deployment
    could load last years' statistics the same way."""
    stamp = timezone.now()
    existing = set(
        MeasureFact.objects.unscoped(reason="back-fill skips what exists")
        .filter(period=period.start)
        .values_list("region", "measure", "dim")
    )
    rows = [
        MeasureFact(
            period=period.start,
            region_id=region,
            measure=measure,
            dim=dim,
            value=value,
            source=FactSource.BACKFILL,
            computed_at=stamp,
        )
        for (region, measure, dim), value in values.items()
        if (region, measure, dim) not in existing
    ]
    MeasureFact.objects.bulk_create(rows, batch_size=BATCH)
    done = set(MeasureRun.objects.filter(period=period.start).values_list("measure", flat=True))
    MeasureRun.objects.bulk_create(
        MeasureRun(period=period.start, measure=measure, source=FactSource.BACKFILL, computed_at=stamp)
        for measure in sorted({m for _, m, _ in values} - done)
    )
    return len(rows)
