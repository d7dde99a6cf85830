"""Handling an alarm at the console (报警处置): claim, every step the operator takes, closing, escalation.

``ALARM_WORKFLOW`` is the one table of who may do what in which state: an operator (``alarms.handle_alarm``)
claims an open alarm — the first claim wins, the row is locked — and only she then records steps and closes
it; a duty supervisor (``alarms.supervise_alarm``) may take over or close any. Each step is an ``AlarmAction``
row with its time (the timeline and the SLA report read them) and an ``alarms.alarm`` event after commit
(``{"id", "action", "kind", "severity"}``, action ``claim|step|close|escalate``), so every console updates live.

Escalation is a system write: ``alarm_escalate_due`` raises the level of every open alarm left unclaimed for
another ``ALARM_ESCALATE_SECONDS`` (30 s, a labelled default) up to ``ALARM_ESCALATE_MAX_LEVEL``; it is
idempotent for a given ``now`` and runs from a timer set at each raise and from a periodic sweep
(``alarms/escalation.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.alarms import errors
from yanglao.alarms.choices import ActionKind, AlarmStatus, CallResult, Outcome, VisitReason, VisitTaskStatus
from yanglao.alarms.models import Alarm, AlarmAction, VisitTask
from yanglao.alarms.services import care
from yanglao.alarms.services.raising import TOPIC
from yanglao.core import audit, events, workflows
from yanglao.core import text as core_text
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.people.models import Elder
from yanglao.services import services as service_writes
from yanglao.services.choices import Channel
from yanglao.services.models import ServiceOrder

# Labelled defaults (系统默认值), not from an official text: the 30 s is the issue's; the cap stops at 180 s,
# the telecare code's second answer-time threshold (research/operations.md, "Emergency calls").
ESCALATE_SECONDS = 30
ESCALATE_MAX_LEVEL = 6
NOTE_MAX = 500
EMERGENCY_KINDS = {
    "120": ActionKind.CALL_120,
    "110": ActionKind.CALL_110,
    "119": ActionKind.CALL_119,
}


def escalate_seconds() -> int:
    return int(getattr(settings, "ALARM_ESCALATE_SECONDS", ESCALATE_SECONDS))


def escalate_max_level() -> int:
    return int(getattr(settings, "ALARM_ESCALATE_MAX_LEVEL", ESCALATE_MAX_LEVEL))


def supervises(user: User) -> bool:
    return user.has_perm("alarms.supervise_alarm")


def _handles(user: User, alarm: Alarm) -> bool:
    """The operator who claimed it, or a supervisor."""
    return alarm.claimed_by_id == user.pk or supervises(user)


_not_claimed_by_other = workflows.Guard[Alarm](
    lambda user, a: a.status != AlarmStatus.CLAIMED or a.claimed_by_id == user.pk,
    lambda: errors.AlarmRefused("该报警已由其他坐席接警，请勿重复处置", code="alarms.claimed_by_other"),
)
_step_handler = workflows.Guard[Alarm](
    lambda user, a: a.status != AlarmStatus.CLAIMED or _handles(user, a),
    lambda: errors.AlarmRefused(
        "该报警由其他坐席处置中，只有接警坐席或督办人员可以记录处置步骤", code="alarms.not_handler"
    ),
)
_close_claimed_first = workflows.Guard[Alarm](
    lambda user, a: a.status != AlarmStatus.OPEN or supervises(user),
    lambda: errors.AlarmRefused("请先接警，再结案", code="alarms.close_before_claim"),
)
_close_handler = workflows.Guard[Alarm](
    lambda user, a: a.status != AlarmStatus.CLAIMED or _handles(user, a),
    lambda: errors.AlarmRefused(
        "该报警由其他坐席处置中，只有接警坐席或督办人员可以结案", code="alarms.close_not_handler"
    ),
)
_not_own = workflows.Guard[Alarm](
    lambda user, a: a.claimed_by_id != user.pk,
    lambda: errors.AlarmRefused("该报警已由您处置", code="alarms.take_over_own"),
)

ALARM_WORKFLOW = workflows.Workflow[Alarm](
    model=Alarm,
    noun="报警",
    states=dict(AlarmStatus.choices),
    state_field="status",
    error=errors.AlarmRefused,
    error_field="",
    topic="",  # the console's own event carries kind and severity (below), not the workflow's state event
    transitions=(
        workflows.Transition(
            "claim",
            (AlarmStatus.OPEN,),
            AlarmStatus.CLAIMED,
            permission="alarms.handle_alarm",
            scope_action="change",
            who=(_not_claimed_by_other,),
            done=lambda user, a: a.status == AlarmStatus.CLAIMED and a.claimed_by_id == user.pk,
            refusals={AlarmStatus.CLOSED: "该报警已结案"},
        ),
        workflows.Transition(
            "take_over",
            (AlarmStatus.CLAIMED,),
            AlarmStatus.CLAIMED,
            permission="alarms.supervise_alarm",
            scope_action="change",
            who=(_not_own,),
            refusals={AlarmStatus.OPEN: "该报警尚无人接警，请直接接警", AlarmStatus.CLOSED: "该报警已结案"},
        ),
        workflows.Transition(
            "step",
            (AlarmStatus.CLAIMED,),
            AlarmStatus.CLAIMED,
            permission="alarms.handle_alarm",
            scope_action="change",
            who=(_step_handler,),
            refusals={
                AlarmStatus.OPEN: "请先接警，再记录处置步骤",
                AlarmStatus.CLOSED: "该报警已结案，不能再记录处置步骤",
            },
        ),
        workflows.Transition(
            "close",
            (AlarmStatus.OPEN, AlarmStatus.CLAIMED),
            AlarmStatus.CLOSED,
            permission="alarms.handle_alarm",
            scope_action="change",
            who=(_close_claimed_first, _close_handler),
            done=lambda user, a: a.status == AlarmStatus.CLOSED and a.closed_by_id == user.pk,
            refusals={AlarmStatus.CLOSED: "该报警已结案"},
        ),
    ),
)


def _publish(alarm: Alarm, action: str) -> None:
    events.publish_on_commit(
        TOPIC,
        {"id": alarm.pk, "action": action, "kind": alarm.kind, "severity": alarm.severity},
        region_code=alarm.region_id,
    )


def _note(value: str, *, required: bool = False, label: str = "说明") -> str:
    """The kit's text rule (control characters refused, line breaks kept), with the console's own codes."""
    stripped = (value or "").strip()
    if required and not stripped:
        raise errors.AlarmRefused(f"请填写{label}", fields={"note": "必填"}, code="alarms.note_missing")
    if len(stripped) > NOTE_MAX:
        raise errors.AlarmRefused(
            f"{label}不能超过 {NOTE_MAX} 个字", fields={"note": "过长"}, code="alarms.note_too_long"
        )
    try:
        return core_text.clean_line(value, label=label, max_length=NOTE_MAX, required=False, one_line=False)
    except core_text.TextError as exc:
        raise errors.AlarmRefused(str(exc), fields={"note": str(exc)}, code="alarms.note_unreadable") from exc


def _result(value: str) -> str:
    if value not in CallResult.values:
        raise errors.AlarmRefused(
            "请选择呼叫结果（已接通、无人接听、占线或无法接通）",
            fields={"result": "必选"},
            code="alarms.call_result_invalid",
        )
    return value


def _action(alarm: Alarm, actor: User | None, kind: str, at: dt.datetime, **fields: object) -> AlarmAction:
    return AlarmAction.objects.create(
        alarm=alarm, region_id=alarm.region_id, kind=kind, actor=actor, at=at, **fields
    )


def _step(actor: User, alarm_id: int) -> Alarm:
    """The alarm locked for a step by its handler: in scope, claimed, by this actor or a supervisor."""
    return workflows.transition(
        actor=actor,
        workflow=ALARM_WORKFLOW,
        obj_id=alarm_id,
        action="step",
        changes=lambda a: workflows.Stay(),
    )


# ---------------------------------------------------------------- claim, take over, close


@transaction.atomic
def alarm_claim(*, actor: User, alarm_id: int) -> Alarm:
    """接警. The row is locked, so of two operators pressing at once the first wins and the second is refused
    (``alarms.claimed_by_other``); the same operator claiming again gets her alarm back unchanged."""
    now = timezone.now()
    claimed: list[bool] = []

    def changes(alarm: Alarm) -> dict:
        claimed.append(True)
        return {"claimed_by": actor, "claimed_at": now}

    alarm = workflows.transition(
        actor=actor, workflow=ALARM_WORKFLOW, obj_id=alarm_id, action="claim", changes=changes
    )
    if claimed:
        _action(alarm, actor, ActionKind.CLAIM, now)
        _publish(alarm, "claim")
    return alarm


@transaction.atomic
def alarm_take_over(*, actor: User, alarm_id: int, note: str = "") -> Alarm:
    """A duty supervisor takes an alarm another operator is handling (督办接管); the first claim's time
    stays, since the SLA counts when the centre answered, not who finished."""
    text = _note(note)
    now = timezone.now()
    before: list[str] = []

    def changes(alarm: Alarm) -> dict:
        before.append(str(alarm.claimed_by) if alarm.claimed_by_id else "")
        return {"claimed_by": actor}

    alarm = workflows.transition(
        actor=actor, workflow=ALARM_WORKFLOW, obj_id=alarm_id, action="take_over", changes=changes
    )
    who = f"督办接管，原接警坐席：{before[0]}" if before and before[0] else "督办接管"
    _action(alarm, actor, ActionKind.CLAIM, now, note=f"{who}。{text}" if text else who)
    _publish(alarm, "claim")
    return alarm


@transaction.atomic
def alarm_close(*, actor: User, alarm_id: int, outcome: str, note: str = "") -> Alarm:
    """结案 with an outcome (误报, 送医 …) and a note; a false alarm or an "other" needs the note to say why."""
    if outcome not in Outcome.values:
        raise errors.AlarmRefused("请选择处置结果", fields={"outcome": "必选"}, code="alarms.outcome_missing")
    text = _note(
        note,
        required=outcome in (Outcome.OTHER, Outcome.FALSE_ALARM, Outcome.DIED),
        label="结案说明",
    )
    now = timezone.now()
    closed: list[bool] = []

    def changes(alarm: Alarm) -> dict:
        closed.append(True)
        return {"closed_by": actor, "closed_at": now, "outcome": outcome, "outcome_note": text}

    alarm = workflows.transition(
        actor=actor, workflow=ALARM_WORKFLOW, obj_id=alarm_id, action="close", changes=changes
    )
    if closed:
        label = Outcome(outcome).label
        _action(alarm, actor, ActionKind.CLOSE, now, note=f"{label}。{text}" if text else str(label))
        _publish(alarm, "close")
    return alarm


# ---------------------------------------------------------------- steps


@transaction.atomic
def alarm_call_person(*, actor: User, alarm_id: int, result: str, note: str = "") -> AlarmAction:
    """呼叫老人: the call to the person and how it went."""
    result, text = _result(result), _note(note)
    alarm = _step(actor, alarm_id)
    step = _action(alarm, actor, ActionKind.CALL_PERSON, timezone.now(), result=result, note=text)
    _publish(alarm, "step")
    return step


@transaction.atomic
def alarm_call_contact(
    *, actor: User, alarm_id: int, position: int, result: str, note: str = ""
) -> AlarmAction:
    """呼叫紧急联系人 ``position`` (1–3, the registry's order) and how it went."""
    result, text = _result(result), _note(note)
    alarm = _step(actor, alarm_id)
    if not alarm.elder.contacts.filter(position=position).exists():
        raise errors.AlarmRefused(
            "该老人没有这一顺位的紧急联系人",
            fields={"position": "不存在"},
            code="alarms.contact_missing",
        )
    step = _action(
        alarm,
        actor,
        ActionKind.CALL_CONTACT,
        timezone.now(),
        contact_position=position,
        result=result,
        note=text,
    )
    _publish(alarm, "step")
    return step


@dataclass(frozen=True)
class RevealedPhone:
    """A number in clear for the operator who asked, once: ``position`` 0 is the person's own."""

    position: int
    name: str
    relation: str
    phone: str
    has_key: bool


@transaction.atomic
def alarm_phones_reveal(*, actor: User, alarm_id: int) -> list[RevealedPhone]:
    """The person's and the contacts' phones in clear, for the operator handling the alarm only: one access
    entry in the audit log (which numbers, never the numbers) and a step on the timeline."""
    if not actor.has_perm("people.reveal_elder"):
        raise PermissionDenied
    alarm = _step(actor, alarm_id)
    elder = alarm.elder
    contacts = list(elder.contacts.order_by("position"))
    found = [RevealedPhone(0, elder.name, "本人", elder.phone, False)] if elder.phone else []
    found += [RevealedPhone(c.position, c.name, c.relation, c.phone, c.has_key) for c in contacts]
    audit.record(
        actor=actor,
        action="elder.reveal",
        obj=elder,
        object_repr=f"{elder.name}（报警处置查看本人及紧急联系人电话）",
        detail={"reveal": "phone", "contacts": [c.position for c in contacts], "alarm": alarm.pk},
    )
    _action(alarm, actor, ActionKind.REVEAL, timezone.now())
    _publish(alarm, "step")
    return found


@dataclass(frozen=True)
class ScreenReveal:
    """What the caller's screen shows in clear beyond the masks: the medicines and the home's position."""

    medicines: str
    home: tuple[float, float] | None


SCREEN_FIELDS = {"medicines": "常用药物", "lat": "住址位置（地图）"}


@transaction.atomic
def alarm_screen_reveal(*, actor: User, alarm: Alarm) -> ScreenReveal:
    """The caller's screen shows the person's medicines (health data, encrypted at rest) and the home on the
    map to users who may reveal personal data, with an access entry per field as the caregiver's route audits
    the addresses it shows: once per user and alarm (the screen reloads after every step; the first entry
    already says who saw what for which alarm). Nothing to show: nothing recorded."""
    if not actor.has_perm("people.reveal_elder"):
        return ScreenReveal("", None)
    elder = alarm.elder
    home = (elder.lat, elder.lng) if elder.lat is not None and elder.lng is not None else None
    shown = [name for name, present in (("medicines", bool(elder.medicines)), ("lat", home)) if present]
    if shown:
        seen = set(
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Elder),
                object_pk=str(elder.pk),
                actor=actor,
                additional_data__alarm=alarm.pk,
                additional_data__reveal__in=shown,
            ).values_list("additional_data__reveal", flat=True)
        )
        for name in shown:
            if name not in seen:
                audit.record(
                    actor=actor,
                    action="elder.reveal",
                    obj=elder,
                    object_repr=f"{elder.name}（报警处置查看{SCREEN_FIELDS[name]}）",
                    detail={"reveal": name, "alarm": alarm.pk},
                )
    return ScreenReveal(elder.medicines, home)


@transaction.atomic
def alarm_dispatch_community(*, actor: User, alarm_id: int, note: str = "") -> VisitTask:
    """派社区工作人员上门: a visit task (reason ``alarm``) for the person's community, which the community's
    visit-task list shows. One open task per alarm: a second press while it is open is refused."""
    text = _note(note)
    alarm = _step(actor, alarm_id)
    if (
        VisitTask.objects.unscoped(reason="the open visit task of an alarm in scope")
        .filter(alarm=alarm, status=VisitTaskStatus.OPEN)
        .exists()
    ):
        raise errors.AlarmRefused("已派社区工作人员上门，该任务尚未完成", code="alarms.visit_already_sent")
    now = timezone.now()
    elder = alarm.elder
    # Through the care part's one write for visit tasks, so the community's list shows it live (alarms.visit).
    task = care.visit_task_open(
        actor=actor,
        elder=elder,
        reason=VisitReason.ALARM,
        alarm=alarm,
        note=text or f"{alarm.get_kind_display()}报警，请尽快上门查看",
        at=now,
    )
    assert task is not None  # only missed-calls tasks are one-at-a-time
    ensure_in_scope(task, actor, "add")
    _action(alarm, actor, ActionKind.DISPATCH_COMMUNITY, now, visit_task=task, note=text)
    _publish(alarm, "step")
    return task


@transaction.atomic
def alarm_dispatch_provider(
    *, actor: User, alarm_id: int, offering_id: int, note: str = "", client_key: str = ""
) -> ServiceOrder:
    """派服务机构上门: a work order in ``services`` through its own ``order_place`` (channel 热线), as soon as
    possible, with an offering the operator chose among those serving the home. ``client_key`` makes a
    retried post the same order."""
    text = _note(note)
    alarm = _step(actor, alarm_id)
    now = timezone.now()
    order = service_writes.order_place(
        actor=actor,
        client_key=client_key or f"alarm-{alarm.pk}-{uuid.uuid4().hex[:16]}",
        elder_id=alarm.elder_id,
        offering_id=offering_id,
        scheduled_start=now,
        quantity=1,
        channel=Channel.HOTLINE,
        note=f"应急呼叫报警 {alarm.pk} 派单。{text}"[:300],
    )
    if alarm.service_order_id != order.pk:
        Alarm.objects.unscoped(reason="the locked alarm being handled").filter(pk=alarm.pk).update(
            service_order=order
        )
        alarm.service_order = order
    _action(alarm, actor, ActionKind.DISPATCH_PROVIDER, now, service_order=order, note=text)
    _publish(alarm, "step")
    return order


@transaction.atomic
def alarm_emergency_call(*, actor: User, alarm_id: int, service: str, note: str = "") -> AlarmAction:
    """拨打120/110/119: that the centre called emergency services, when, and what was said (the note)."""
    if service not in EMERGENCY_KINDS:
        raise errors.AlarmRefused(
            "请选择 120、110 或 119", fields={"service": "必选"}, code="alarms.emergency_service_invalid"
        )
    text = _note(note)
    alarm = _step(actor, alarm_id)
    step = _action(alarm, actor, EMERGENCY_KINDS[service], timezone.now(), note=text)
    _publish(alarm, "step")
    return step


@transaction.atomic
def alarm_note_add(*, actor: User, alarm_id: int, note: str) -> AlarmAction:
    """备注: anything else worth the timeline (the neighbour opened the door …)."""
    text = _note(note, required=True, label="备注")
    alarm = _step(actor, alarm_id)
    step = _action(alarm, actor, ActionKind.NOTE, timezone.now(), note=text)
    _publish(alarm, "step")
    return step


STEP_KINDS = (
    "call_person",
    "call_contact",
    "dispatch_community",
    "dispatch_provider",
    "call_120",
    "call_110",
    "call_119",
    "note",
)


def alarm_step(
    *,
    actor: User,
    alarm_id: int,
    kind: str,
    result: str = "",
    position: int | None = None,
    offering_id: int | None = None,
    note: str = "",
    client_key: str = "",
) -> AlarmAction:
    """One step named by ``kind`` (the API's ``POST /alarms/{id}/steps``): the same services the page calls."""
    if kind == "call_person":
        return alarm_call_person(actor=actor, alarm_id=alarm_id, result=result, note=note)
    if kind == "call_contact":
        if position is None:
            raise errors.AlarmRefused(
                "请选择紧急联系人", fields={"position": "必选"}, code="alarms.contact_position_missing"
            )
        return alarm_call_contact(actor=actor, alarm_id=alarm_id, position=position, result=result, note=note)
    if kind == "dispatch_community":
        task = alarm_dispatch_community(actor=actor, alarm_id=alarm_id, note=note)
        return _latest_action(task.alarm_id or alarm_id, ActionKind.DISPATCH_COMMUNITY)
    if kind == "dispatch_provider":
        if offering_id is None:
            raise errors.AlarmRefused(
                "请选择服务机构和服务项目", fields={"offering_id": "必选"}, code="alarms.offering_missing"
            )
        alarm_dispatch_provider(
            actor=actor, alarm_id=alarm_id, offering_id=offering_id, note=note, client_key=client_key
        )
        return _latest_action(alarm_id, ActionKind.DISPATCH_PROVIDER)
    if kind in ("call_120", "call_110", "call_119"):
        return alarm_emergency_call(actor=actor, alarm_id=alarm_id, service=kind[-3:], note=note)
    if kind == "note":
        return alarm_note_add(actor=actor, alarm_id=alarm_id, note=note)
    raise errors.AlarmRefused("不支持的处置步骤", fields={"kind": "无效"}, code="alarms.step_kind_invalid")


def _latest_action(alarm_id: int, kind: str) -> AlarmAction:
    return (
        AlarmAction.objects.unscoped(reason="the step just written by the caller")
        .filter(alarm_id=alarm_id, kind=kind)
        .latest("at", "pk")
    )


# ---------------------------------------------------------------- escalation


@transaction.atomic
def alarm_escalate_due(*, now: dt.datetime | None = None) -> list[int]:
    """Raise the escalation level of every open (unclaimed) alarm to ``floor(age / ALARM_ESCALATE_SECONDS)``,
    capped at ``ALARM_ESCALATE_MAX_LEVEL``: one ``ESCALATE`` step (no actor) and one ``escalate`` event per
    alarm that moved. Idempotent for a given ``now``; a late run moves straight to the level due, once.
    ``escalated_at`` keeps the first escalation's time. Returns the ids of the alarms escalated."""
    now = now or timezone.now()
    seconds, cap = escalate_seconds(), escalate_max_level()
    candidates = list(
        Alarm.objects.unscoped(reason="escalation sweep over every open alarm")
        .select_for_update(skip_locked=True)
        .filter(
            status=AlarmStatus.OPEN,
            escalation_level__lt=cap,
            raised_at__lte=now - dt.timedelta(seconds=seconds),
        )
        .order_by("raised_at", "pk")
    )
    moved: list[Alarm] = []
    steps: list[AlarmAction] = []
    for alarm in candidates:
        waited = (now - alarm.raised_at).total_seconds()
        level = min(cap, int(waited // seconds))
        if level <= alarm.escalation_level:
            continue
        alarm.escalation_level = level
        alarm.escalated_at = alarm.escalated_at or now
        moved.append(alarm)
        steps.append(
            AlarmAction(
                alarm=alarm,
                region_id=alarm.region_id,
                kind=ActionKind.ESCALATE,
                actor=None,
                at=now,
                note=f"已 {int(waited)} 秒无人接警，第 {level} 次升级至督办",
            )
        )
    if moved:
        Alarm.objects.unscoped(reason="escalation sweep").bulk_update(
            moved, ["escalation_level", "escalated_at"]
        )
        AlarmAction.objects.bulk_create(steps)
        for alarm in moved:
            _publish(alarm, "escalate")
    return [alarm.pk for alarm in moved]


def next_escalation_at(alarm: Alarm) -> dt.datetime | None:
    """When ``alarm`` is next due to escalate, or None (claimed, closed or at the cap)."""
    if alarm.status != AlarmStatus.OPEN or alarm.escalation_level >= escalate_max_level():
        return None
    return alarm.raised_at + dt.timedelta(seconds=escalate_seconds() * (alarm.escalation_level + 1))


def alarm_escalation_due_at(*, alarm_id: int) -> dt.datetime | None:
    """The next escalation time of one alarm as stored now (the escalation timer's next wake-up)."""
    alarm = Alarm.objects.unscoped(reason="escalation timer of one alarm").filter(pk=alarm_id).first()
    return next_escalation_at(alarm) if alarm is not None else None
