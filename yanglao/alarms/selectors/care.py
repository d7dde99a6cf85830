"""Reads of proactive care (主动关怀): the plans in force for a region, an operator's calls, the supervisors'
progress per operator, and the community's visit tasks. Every scoped read goes through ``for_user``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from yanglao.alarms import care_filters
from yanglao.alarms.choices import CareCallStatus, CareGroup, VisitReason, VisitTaskStatus
from yanglao.alarms.models import CareCall, CareCallPlan, VisitTask
from yanglao.core import divisions
from yanglao.core import selectors as core_selectors
from yanglao.core.errors import NotFound
from yanglao.core.models import Region, User
from yanglao.people import groups
from yanglao.people.choices import ElderStatus

# Each care group is the registry's own group rule (people/groups.py): 独居 and 高龄 (80+).
GROUP_RULES = {
    CareGroup.LIVING_ALONE: groups.BY_CODE["living_alone"],
    CareGroup.VERY_OLD: groups.BY_CODE["oldest_old"],
}

PlanTable = dict[str, dict[str | None, CareCallPlan]]


# ---------------------------------------------------------------- plans (not region-scoped: they are rules)


def care_plan_table() -> PlanTable:
    """Every plan, by group and region (``None``: the shipped default). A handful of rows."""
    table: PlanTable = {group: {} for group in CareGroup.values}
    for plan in CareCallPlan.objects.select_related("region", "updated_by"):
        table.setdefault(plan.group, {})[plan.region_id] = plan
    return table


def plan_for(table: PlanTable, group: str, region_code: str) -> CareCallPlan | None:
    """The plan in force for ``group`` in ``region_code``: the nearest region's, else the default."""
    by_region = table.get(group, {})
    for code in divisions.ancestors_and_self(region_code):
        if code in by_region:
            return by_region[code]
    return by_region.get(None)


def interval_for(table: PlanTable, region_code: str, in_groups: list[str]) -> int | None:
    """How often a person in ``in_groups`` living in ``region_code`` is called: the shortest interval of the
    active plans that apply; None when no active plan covers any of the person's groups."""
    days = [
        plan.interval_days
        for group in in_groups
        if (plan := plan_for(table, group, region_code)) is not None and plan.active
    ]
    return min(days) if days else None


@dataclass(frozen=True)
class PlanRow:
    group: str
    label: str
    plan: CareCallPlan | None  # the plan in force
    source: str  # "default" | "own" | "inherited"


def care_plans_for(*, user: User, region_code: str) -> list[PlanRow]:
    """The plan in force for each group in a region the user may see, and where it comes from."""
    if not user.has_perm("alarms.view_carecallplan") or not user.in_scope(region_code):
        raise NotFound()
    table = care_plan_table()
    rows = []
    for group in CareGroup:
        plan = plan_for(table, group, region_code)
        if plan is None or plan.region_id is None:
            source = "default"
        else:
            source = "own" if plan.region_id == region_code else "inherited"
        rows.append(PlanRow(group=group.value, label=str(group.label), plan=plan, source=source))
    return rows


def care_plan_regions(*, user: User) -> list[Region]:
    """The districts and streets whose plans the user may look at (plans are set at those levels)."""
    return [
        r
        for r in core_selectors.regions_for_choice(user=user)
        if r.level in (divisions.COUNTY, divisions.TOWNSHIP)
    ]


# ---------------------------------------------------------------- calls


def care_call_filterset(
    *, user: User, params: QueryDict | dict | None = None, today: dt.date | None = None
) -> care_filters.CareCallFilterSet:
    return care_filters.CareCallFilterSet(params, user=user, today=today)


def care_call_get(*, user: User, call_id: int) -> CareCall:
    call = (
        CareCall.objects.for_user(user)
        .select_related("elder", "region", "operator")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise NotFound()
    return call


def care_calls_recorded(*, user: User, day: dt.date, limit: int = 200) -> list[CareCall]:
    """The calls ``user`` recorded on ``day``, latest first: what she has done today (a missed one may be tried
    again)."""
    start, end = _day_range(day)
    return list(
        CareCall.objects.for_user(user)
        .filter(operator=user, called_at__gte=start, called_at__lt=end)
        .select_related("elder", "region")
        .order_by("-called_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Progress:
    operator_id: int | None
    operator: str  # the operator's name; "未分配" for calls nobody was given
    total: int
    done: int
    missed: int
    due: int

    @property
    def recorded(self) -> int:
        return self.done + self.missed

    @property
    def percent(self) -> int:
        return round(100 * self.recorded / self.total) if self.total else 0


def _day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, start + dt.timedelta(days=1)


def _progress_rows(user: User, day: dt.date) -> QuerySet:
    """``day``'s work: the calls due that day, the earlier ones still to make and the earlier ones made that
    day; calls still to make for people who died or moved out do not count."""
    start, end = _day_range(day)
    return (
        CareCall.objects.for_user(user)
        .filter(
            Q(due_on=day)
            | Q(due_on__lt=day, status=CareCallStatus.DUE)
            | Q(due_on__lt=day, called_at__gte=start, called_at__lt=end)
        )
        .exclude(Q(status=CareCallStatus.DUE) & ~Q(elder__status=ElderStatus.ACTIVE))
    )


def _counts() -> dict:
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=CareCallStatus.DONE)),
        "missed": Count("pk", filter=Q(status=CareCallStatus.MISSED)),
        "due": Count("pk", filter=Q(status=CareCallStatus.DUE)),
    }


def care_progress(*, user: User, day: dt.date | None = None) -> list[Progress]:
    """Per operator (supervisors' view): the day's calls, how many were answered, missed, still to make."""
    day = day or timezone.localdate()
    counted = _progress_rows(user, day).values("operator", "operator__full_name", "operator__username")
    counted = counted.annotate(**_counts())
    rows = [
        Progress(
            operator_id=row["operator"],
            operator=(row["operator__full_name"] or row["operator__username"])
            if row["operator"]
            else "未分配",
            total=row["total"],
            done=row["done"],
            missed=row["missed"],
            due=row["due"],
        )
        for row in counted.order_by()
    ]
    return sorted(rows, key=lambda r: (r.operator_id is None, r.operator, r.operator_id or 0))


def care_progress_total(rows: list[Progress]) -> Progress:
    """The figures of every operator together (the supervisors' 合计 row)."""
    return Progress(
        operator_id=None,
        operator="合计",
        total=sum(r.total for r in rows),
        done=sum(r.done for r in rows),
        missed=sum(r.missed for r in rows),
        due=sum(r.due for r in rows),
    )


def open_missed_calls_visit(*, user: User, elder_id: int) -> VisitTask | None:
    """The person's open visit task from missed calls, if any (what the operator is told after a miss)."""
    return (
        VisitTask.objects.for_user(user)
        .filter(elder_id=elder_id, reason=VisitReason.MISSED_CARE_CALLS, status=VisitTaskStatus.OPEN)
        .select_related("region")
        .first()
    )


def care_summary(*, user: User, day: dt.date | None = None) -> Progress:
    """One operator's own day in figures."""
    day = day or timezone.localdate()
    row = _progress_rows(user, day).filter(operator=user).aggregate(**_counts())
    return Progress(operator_id=user.pk, operator=user.full_name or user.username, **row)


# ---------------------------------------------------------------- visit tasks


def visit_task_filterset(
    *, user: User, params: QueryDict | dict | None = None
) -> care_filters.VisitTaskFilterSet:
    return care_filters.VisitTaskFilterSet(params, user=user)


def visit_task_get(*, user: User, task_id: int) -> VisitTask:
    task = (
        VisitTask.objects.for_user(user)
        .select_related("elder", "region", "alarm", "created_by", "closed_by")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound()
    return task


def visit_task_calls(*, user: User, task: VisitTask, limit: int = 10) -> list[CareCall]:
    """The person's latest care calls (what led to a missed-calls task)."""
    return list(
        CareCall.objects.for_user(user)
        .filter(elder_id=task.elder_id)
        .exclude(status=CareCallStatus.DUE)
        .select_related("operator")
        .order_by("-called_at", "-pk")[:limit]
    )
