"""Proactive care calls (主动关怀) and community visit tasks (上门探视).

Plans are data (``CareCallPlan``): the shipped defaults (no region, 系统默认值) call people living alone and
people aged 80+ weekly; a district sets its own, and the nearest region's plan wins. Each night
``care_calls_generate`` gives every active person in a planned group whose last call (answered or not) is at
least the interval old a call due that day, shared round-robin among the operators whose regions cover the
person. Operators record each call's outcome; three missed calls in a row (the last three recorded, whatever
the days between) open a visit task for the person's community, which the street or community closes with
what they found. Closing such a task starts the count again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from yanglao.alarms import errors
from yanglao.alarms.choices import CallResult, CareCallStatus, CareGroup, VisitReason, VisitTaskStatus
from yanglao.alarms.models import Alarm, CareCall, CareCallPlan, VisitTask
from yanglao.alarms.selectors import care as selectors
from yanglao.core import divisions, events, text
from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.people import services as people_services
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder

# Our defaults, not an official interval (none was found): labelled 系统默认值 wherever they are shown.
DEFAULT_PLANS = {CareGroup.LIVING_ALONE: 7, CareGroup.VERY_OLD: 7}
MAX_INTERVAL_DAYS = 90
MISSED_IN_A_ROW = 3
PLAN_REGION_LEVELS = (divisions.COUNTY, divisions.TOWNSHIP)

CALL_TOPIC = "alarms.care_call"
VISIT_TOPIC = "alarms.visit"


# ---------------------------------------------------------------- plans


def care_plans_load() -> int:
    """Put back any missing shipped default (the reference loader; a district's own plans stay)."""
    made = 0
    for group, days in DEFAULT_PLANS.items():
        _, created = CareCallPlan.objects.get_or_create(
            group=group, region=None, defaults={"interval_days": days, "active": True, "is_default": True}
        )
        made += created
    return made


def _plan_region(actor: User, region_code: str) -> str:
    if not actor.has_perm("alarms.change_carecallplan"):
        raise PermissionDenied
    region = core_services.region_require(region_code)
    if not actor.in_scope(region.code):
        raise NotFound()
    if divisions.level_of(region.code) not in PLAN_REGION_LEVELS:
        message = "主动关怀计划按区或街道设置，请选择区或街道"
        raise errors.InvalidCarePlan(
            message, fields={"region_code": message}, code="alarms.care_plan_region_level"
        )
    return region.code


def _plan_group(group: str) -> str:
    if group not in CareGroup.values:
        raise errors.InvalidCarePlan(
            "关怀对象无效", fields={"group": "关怀对象无效"}, code="alarms.care_plan_group_unknown"
        )
    return group


@transaction.atomic
def care_plan_set(
    *, actor: User, region_code: str, group: str, interval_days: int, active: bool = True
) -> CareCallPlan:
    """A district's (or street's) own plan for one group, replacing the inherited one there. Audited as a
    field diff (django-auditlog)."""
    code = _plan_region(actor, region_code)
    _plan_group(group)
    if not isinstance(interval_days, int) or not 1 <= interval_days <= MAX_INTERVAL_DAYS:
        message = f"间隔应在 1 到 {MAX_INTERVAL_DAYS} 天之间"
        raise errors.InvalidCarePlan(
            message, fields={"interval_days": message}, code="alarms.care_plan_interval_range"
        )
    plan = CareCallPlan.objects.select_for_update().filter(group=group, region_id=code).first()
    if plan is None:
        plan = CareCallPlan(group=group, region_id=code)
    plan.interval_days, plan.active, plan.is_default, plan.updated_by = interval_days, active, False, actor
    plan.save()
    return plan


@transaction.atomic
def care_plan_reset(*, actor: User, region_code: str, group: str) -> None:
    """Drop a region's own plan: the region follows the plan above it (or the default) again."""
    code = _plan_region(actor, region_code)
    _plan_group(group)
    for plan in CareCallPlan.objects.filter(group=group, region_id=code):
        plan.delete()  # one at a time, so the audit log keeps the deleted row


# ---------------------------------------------------------------- the nightly list


class _Assigner:
    """Round-robin among the operators covering a community: the one with the fewest calls that day goes next
    (a rerun counts the calls already given out, so it keeps the shares even)."""

    def __init__(self, day: dt.date) -> None:
        self.operators = [
            (user.pk, user.scope_ranges())
            for user in User.objects.filter(role=Role.OPERATOR, is_active=True).order_by("pk")
        ]
        self.load: Counter[int] = Counter(
            dict(
                CareCall.objects.unscoped(reason="calls already given out today")
                .filter(due_on=day, operator__isnull=False)
                .values("operator")
                .annotate(n=Count("pk"))
                .values_list("operator", "n")
            )
        )
        self._by_region: dict[str, list[int]] = {}

    def pick(self, region_code: str) -> int | None:
        candidates = self._by_region.get(region_code)
        if candidates is None:
            candidates = self._by_region[region_code] = [
                pk for pk, ranges in self.operators if any(lo <= region_code < hi for lo, hi in ranges)
            ]
        if not candidates:
            return None  # nobody covers it: the call waits unassigned on the region's lists
        chosen = min(candidates, key=lambda pk: (self.load[pk], pk))
        self.load[chosen] += 1
        return chosen


def _drop_inactive() -> int:
    """Open calls of people who died or moved out are dropped (the list hides them already)."""
    gone = (
        CareCall.objects.unscoped(reason="open calls of people who died or moved out")
        .filter(status=CareCallStatus.DUE)
        .exclude(elder__status=ElderStatus.ACTIVE)
    )
    dropped, _ = gone.delete()
    return dropped


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@transaction.atomic
def care_calls_generate(*, day: dt.date) -> dict[str, int]:
    """Give ``day``'s calls out. Idempotent: a person with a call still to make (that day's or an earlier
    one) gets none, and the ``care_call_day`` constraint holds one call per person and day. Bulk: one read of
    the people in the groups, one of recent calls, one insert; one audit entry for the batch."""
    dropped = _drop_inactive()
    table = selectors.care_plan_table()
    plans = [plan for by_region in table.values() for plan in by_region.values()]
    if not any(plan.active for plan in plans):
        return {"created": 0, "dropped": dropped, "people": 0}
    longest = max(plan.interval_days for plan in plans)
    in_groups = Q(pk__in=[])
    for group in CareGroup:
        in_groups |= Q(**selectors.GROUP_RULES[group].lookups(day))
    people = (
        Elder.objects.unscoped(reason="nightly care-call schedule")
        .filter(status=ElderStatus.ACTIVE)
        .filter(in_groups)
        .order_by("region", "pk")
        .values_list("pk", "region_id", "birth_date", "living_arrangement")
    )
    calls = CareCall.objects.unscoped(reason="nightly care-call schedule")
    waiting = set(calls.filter(status=CareCallStatus.DUE).values_list("elder_id", flat=True))
    last_called = dict(
        calls.filter(
            status__in=(CareCallStatus.DONE, CareCallStatus.MISSED),
            called_at__gte=_day_start(day - dt.timedelta(days=longest)),
        )
        .values("elder")
        .annotate(last=Max("called_at"))
        .values_list("elder", "last")
    )
    assigner = _Assigner(day)
    intervals: dict[tuple[str, bool, bool], int | None] = {}
    new, considered = [], 0
    for pk, region, birth, arrangement in people:
        considered += 1
        if pk in waiting:
            continue
        record = {"birth_date": birth, "living_arrangement": arrangement}
        flags = tuple(selectors.GROUP_RULES[g].applies(record, day) for g in CareGroup)
        key = (region, *flags)
        if key not in intervals:
            intervals[key] = selectors.interval_for(
                table, region, [g for g, on in zip(CareGroup, flags, strict=True) if on]
            )
        interval = intervals[key]
        if interval is None:
            continue
        last = last_called.get(pk)
        if last is not None and (day - timezone.localdate(last)).days < interval:
            continue
        new.append(CareCall(elder_id=pk, region_id=region, due_on=day, operator_id=assigner.pick(region)))
    CareCall.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    if new or dropped:
        core_services.audit_batch_record(
            actor=None,
            action="care_call.generate",
            model=CareCall,
            count=len(new),
            detail={"day": day.isoformat(), "dropped": dropped},
        )
    return {"created": len(new), "dropped": dropped, "people": considered}


# ---------------------------------------------------------------- an operator's calls


def _call_for_change(actor: User, call_id: int, *, lock: bool) -> CareCall:
    if not actor.has_perm("alarms.change_carecall"):
        raise PermissionDenied
    calls = CareCall.objects.for_user(actor, action="change")
    if lock:
        calls = calls.select_for_update(of=("self",))
    call = calls.select_related("elder").filter(pk=call_id).first()
    if call is None:
        raise NotFound()
    return call


def care_call_reveal(*, actor: User, call_id: int) -> str:
    """The person's phone in clear for the operator about to call: the people registry's reveal, audited there
    (who, when, whose phone)."""
    call = _call_for_change(actor, call_id, lock=False)
    if not call.elder.phone:
        raise errors.InvalidCareCall("该老人未登记联系电话，请联系社区核实", code="alarms.care_call_no_phone")
    return people_services.elder_reveal(actor=actor, elder=call.elder, field_name="phone")


@transaction.atomic
def care_call_record(
    *, actor: User, call_id: int, result: str, note: str = "", at: dt.datetime | None = None
) -> CareCall:
    """The outcome of one call: 已接通 (with what was said) makes it done, anything else missed. A missed call
    may be tried again the same day (the line was busy); an answered one is final. The operator who calls
    becomes its operator. A third missed call in a row opens a visit task."""
    call = _call_for_change(actor, call_id, lock=True)
    now = at or timezone.now()
    today = timezone.localdate(now)
    if call.elder.status != ElderStatus.ACTIVE:
        raise errors.InvalidCareCall("该老人已死亡或迁出，无需拨打", code="alarms.care_call_person_inactive")
    if call.status == CareCallStatus.DONE:
        raise errors.InvalidCareCall("该关怀电话已接通并记录", code="alarms.care_call_already_done")
    if call.status == CareCallStatus.MISSED and (
        call.called_at is None or timezone.localdate(call.called_at) != today
    ):
        raise errors.InvalidCareCall(
            "未接通的记录只能在当天重拨时更改", code="alarms.care_call_missed_closed"
        )
    if call.due_on > today:
        raise errors.InvalidCareCall("还未到应拨日期", code="alarms.care_call_not_due")
    if result not in CallResult.values:
        raise errors.InvalidCareCall(
            "请选择呼叫结果", fields={"result": "请选择呼叫结果"}, code="alarms.care_call_result_unknown"
        )
    try:
        cleaned = text.clean_line(note, label="关怀记录", max_length=500, required=False, one_line=False)
    except text.TextError as exc:
        raise errors.InvalidCareCall(
            str(exc), fields={"note": str(exc)}, code="alarms.care_call_note_invalid"
        ) from exc
    if result == CallResult.ANSWERED and not cleaned:
        message = "已接通时请填写关怀记录（老人近况、需求）"
        raise errors.InvalidCareCall(message, fields={"note": message}, code="alarms.care_call_note_missing")
    call.status = CareCallStatus.DONE if result == CallResult.ANSWERED else CareCallStatus.MISSED
    call.result, call.note, call.called_at, call.operator = result, cleaned, now, actor
    call.save(update_fields=["status", "result", "note", "called_at", "operator"])
    ensure_in_scope(call, actor, "change")
    events.publish_on_commit(
        CALL_TOPIC, {"id": call.pk, "action": "record", "status": call.status}, region_code=call.region_id
    )
    if call.status == CareCallStatus.MISSED:
        _missed_in_a_row(call.elder, actor=actor, now=now)
    return call


def _missed_in_a_row(elder: Elder, *, actor: User | None, now: dt.datetime) -> VisitTask | None:
    """Open a visit task when the person's last three recorded calls were all missed. Calls made before the
    last such task was closed do not count: closing it starts the count again."""
    closed = (
        VisitTask.objects.unscoped(reason="the person's last missed-calls visit")
        .filter(elder=elder, reason=VisitReason.MISSED_CARE_CALLS, status=VisitTaskStatus.CLOSED)
        .aggregate(last=Max("closed_at"))["last"]
    )
    calls = CareCall.objects.unscoped(reason="the person's recent care calls").filter(
        elder=elder, status__in=(CareCallStatus.DONE, CareCallStatus.MISSED)
    )
    if closed is not None:
        calls = calls.filter(called_at__gt=closed)
    last = list(calls.order_by("-called_at", "-pk").values_list("status", flat=True)[:MISSED_IN_A_ROW])
    if len(last) < MISSED_IN_A_ROW or any(status != CareCallStatus.MISSED for status in last):
        return None
    return visit_task_open(
        actor=actor,
        elder=elder,
        reason=VisitReason.MISSED_CARE_CALLS,
        note=f"主动关怀电话连续 {MISSED_IN_A_ROW} 次未接通，请社区上门探视",
        at=now,
    )


# ---------------------------------------------------------------- visit tasks


def visit_task_open(
    *,
    actor: User | None,
    elder: Elder,
    reason: str,
    alarm: Alarm | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> VisitTask | None:
    """A visit task for the person's community, published live (``alarms.visit``). Missed-calls tasks are one
    open at a time per person (a database constraint): a second one returns None. The caller has checked
    its own scope (a recorded call, an alarm being handled)."""
    with transaction.atomic(savepoint=False):
        if (
            reason == VisitReason.MISSED_CARE_CALLS
            and VisitTask.objects.unscoped(reason="one open missed-calls visit per person")
            .filter(elder=elder, reason=reason, status=VisitTaskStatus.OPEN)
            .exists()
        ):
            return None
        try:
            with transaction.atomic():
                task = VisitTask.objects.create(
                    elder=elder,
                    region_id=elder.region_id,
                    reason=reason,
                    alarm=alarm,
                    note=note[:300],
                    created_at=at or timezone.now(),
                    created_by=actor,
                )
        except IntegrityError:  # opened a moment ago by another operator's call
            return None
        events.publish_on_commit(
            VISIT_TOPIC, {"id": task.pk, "action": "open", "reason": task.reason}, region_code=task.region_id
        )
    return task


@transaction.atomic
def visit_task_close(*, actor: User, task_id: int, result: str, at: dt.datetime | None = None) -> VisitTask:
    """The community worker was there: what they found (上门情况) closes the task. A closed task stays closed."""
    if not actor.has_perm("alarms.close_visittask"):
        raise PermissionDenied
    task = VisitTask.objects.for_user(actor).select_for_update().filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    if task.status == VisitTaskStatus.CLOSED:
        raise errors.VisitTaskRefused("该上门探视任务已完成", code="alarms.visit_task_already_closed")
    try:
        cleaned = text.clean_line(result, label="上门情况", max_length=500, one_line=False)
    except text.TextError as exc:
        raise errors.VisitTaskRefused(
            str(exc), fields={"result": str(exc)}, code="alarms.visit_task_result_invalid"
        ) from exc
    task.status, task.result = VisitTaskStatus.CLOSED, cleaned
    task.closed_by, task.closed_at = actor, at or timezone.now()
    task.save(update_fields=["status", "result", "closed_by", "closed_at"])
    ensure_in_scope(task, actor)
    events.publish_on_commit(
        VISIT_TOPIC, {"id": task.pk, "action": "close", "reason": task.reason}, region_code=task.region_id
    )
    return task


# ---------------------------------------------------------------- a person moves


def care_follows_move(moves: list[tuple[int, str, str]]) -> None:
    """People's move hook: open calls and visit tasks move with the person (their region is the new
    community's); a call whose operator does not cover the new community goes back to unassigned."""
    covers: dict[int, list[tuple[str, str]]] = {}
    for elder_id, _origin, target in moves:
        calls = CareCall.objects.unscoped(reason="open calls follow a move").filter(
            elder_id=elder_id, status=CareCallStatus.DUE
        )
        for call in calls:
            operator_id = call.operator_id
            if operator_id is not None:
                if operator_id not in covers:
                    user = User.objects.filter(pk=operator_id).first()
                    covers[operator_id] = user.scope_ranges() if user else []
                if not any(lo <= target < hi for lo, hi in covers[operator_id]):
                    operator_id = None
            CareCall.objects.unscoped(reason="open calls follow a move").filter(pk=call.pk).update(
                region_id=target, operator_id=operator_id
            )
        VisitTask.objects.unscoped(reason="open visit tasks follow a move").filter(
            elder_id=elder_id, status=VisitTaskStatus.OPEN
        ).update(region_id=target)
