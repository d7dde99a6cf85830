"""The console's API: the alarm list (the page's filters, keyset pages), one alarm with its timeline, and
the handling writes (claim, a step, close) through the same services as the pages. Thin."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from yanglao.alarms import filters
from yanglao.alarms.choices import Outcome
from yanglao.alarms.selectors import console as selectors
from yanglao.alarms.services import console as services
from yanglao.core import lists
from yanglao.core.schemas import InSchema

router = Router(tags=["应急呼叫"])


class AlarmOut(Schema):
    id: int
    kind: str
    kind_label: str
    severity: int
    severity_label: str
    status: str
    status_label: str
    elder_id: int
    elder_name: str
    region_code: str
    region_name: str
    device_serial: str = Field("", description="empty for an alarm not raised by a device (an incoming call)")
    raised_at: dt.datetime
    repeats: int
    escalation_level: int
    escalated_at: dt.datetime | None
    claimed_by: str = Field("", description="the operator who claimed it (name)")
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    outcome_label: str
    outcome_note: str
    service_order_id: int | None


class ActionOut(Schema):
    id: int
    kind: str
    kind_label: str
    at: dt.datetime
    elapsed_seconds: int = Field(description="seconds since the alarm was raised")
    actor: str = Field("", description="empty for the system's own steps (escalation)")
    contact_position: int | None
    result: str
    result_label: str
    note: str
    service_order_id: int | None
    visit_task_id: int | None


class AlarmDetailOut(AlarmOut):
    actions: list[ActionOut]
    allowed_actions: list[str] = Field(
        description="what the signed-in user may do now: claim, take_over, step, close"
    )


StepKind = Literal[
    "call_person",
    "call_contact",
    "dispatch_community",
    "dispatch_provider",
    "call_120",
    "call_110",
    "call_119",
    "note",
]


class StepIn(InSchema):
    kind: StepKind
    result: Literal["", "answered", "no_answer", "busy", "unreachable"] = Field(
        "",
        description="call_person and call_contact: 已接通 answered, 无人接听 no_answer, 占线 busy, 无法接通 unreachable",
    )
    position: int | None = Field(None, ge=1, le=3, description="call_contact: the contact's order (1–3)")
    offering_id: int | None = Field(None, description="dispatch_provider: an offering serving the home")
    client_key: str = Field("", max_length=64, description="dispatch_provider: a retried post is one order")
    note: str = Field("", max_length=500)


class CloseIn(InSchema):
    outcome: Literal[tuple(Outcome.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=500)


def _alarm_out(a) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "severity": a.severity,
        "severity_label": a.get_severity_display(),
        "status": a.status,
        "status_label": a.get_status_display(),
        "elder_id": a.elder_id,
        "elder_name": a.elder.name,
        "region_code": a.region_id,
        "region_name": a.region.name,
        "device_serial": a.device.serial if a.device_id else "",
        "raised_at": a.raised_at,
        "repeats": a.repeats,
        "escalation_level": a.escalation_level,
        "escalated_at": a.escalated_at,
        "claimed_by": str(a.claimed_by) if a.claimed_by_id else "",
        "claimed_at": a.claimed_at,
        "closed_at": a.closed_at,
        "outcome": a.outcome,
        "outcome_label": a.get_outcome_display() if a.outcome else "",
        "outcome_note": a.outcome_note,
        "service_order_id": a.service_order_id,
    }


def _action_out(a, elapsed: int) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "at": a.at,
        "elapsed_seconds": elapsed,
        "actor": str(a.actor) if a.actor_id else "",
        "contact_position": a.contact_position,
        "result": a.result,
        "result_label": a.get_result_display() if a.result else "",
        "note": a.note,
        "service_order_id": a.service_order_id,
        "visit_task_id": a.visit_task_id,
    }


def _detail(request: HttpRequest, alarm_id: int) -> dict:
    file = selectors.alarm_live(user=request.user, alarm_id=alarm_id)
    return {
        **_alarm_out(file.alarm),
        "actions": [_action_out(row.action, row.elapsed_seconds) for row in file.timeline],
        "allowed_actions": file.actions,
    }


AlarmFilterIn = lists.filter_schema(filters.AlarmFilterSet, "AlarmFilterIn")


@router.get("/alarms", response=list[AlarmOut])
@paginate(lists.KeysetPagination)
def list_alarms(request: HttpRequest, params: Query[AlarmFilterIn]):  # type: ignore[valid-type]
    """报警记录: the alarms in your scope, newest first; follow ``next`` to the end."""
    fs = selectors.alarm_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_alarm_out)


@router.get("/alarms/{alarm_id}", response=AlarmDetailOut)
def get_alarm(request: HttpRequest, alarm_id: int):
    """One alarm with its timeline (every step and its time since the alarm) and what you may do now."""
    return _detail(request, alarm_id)


@router.post("/alarms/{alarm_id}/claim", response=AlarmDetailOut)
def claim_alarm(request: HttpRequest, alarm_id: int):
    """接警: the first claim wins; a second operator gets 422 ``alarms.claimed_by_other``; repeating your own
    claim returns the alarm unchanged."""
    services.alarm_claim(actor=request.user, alarm_id=alarm_id)
    return _detail(request, alarm_id)


@router.post("/alarms/{alarm_id}/steps", response={201: ActionOut})
def add_step(request: HttpRequest, alarm_id: int, payload: StepIn):
    """One handling step by the operator who claimed the alarm (or a supervisor)."""
    step = services.alarm_step(actor=request.user, alarm_id=alarm_id, **payload.dict())
    elapsed = int((step.at - step.alarm.raised_at).total_seconds())
    return Status(201, _action_out(step, elapsed))


@router.post("/alarms/{alarm_id}/close", response=AlarmDetailOut)
def close_alarm(request: HttpRequest, alarm_id: int, payload: CloseIn):
    """结案 with an outcome; 误报, 死亡 and 其他 need a note."""
    services.alarm_close(actor=request.user, alarm_id=alarm_id, outcome=payload.outcome, note=payload.note)
    return _detail(request, alarm_id)
