"""The proactive-care API (主动关怀): an operator's calls, the call's phone (audited) and outcome, each operator's
progress, the plans, and the community's visit tasks. Thin: the same selectors and services as the pages."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yanglao.alarms import care_filters
from yanglao.alarms.selectors import care as selectors
from yanglao.alarms.services import care as services
from yanglao.core import lists
from yanglao.core.schemas import InSchema

router = Router(tags=["主动关怀与上门探视"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


class CareCallOut(Schema):
    id: int
    elder_id: int
    name: str
    age: int
    phone_masked: str
    region_code: str
    community: str
    living_arrangement: str
    living_arrangement_label: str
    due_on: dt.date
    status: str
    status_label: str
    operator_id: int | None
    result: str
    called_at: dt.datetime | None
    note: str


class CareOutcomeIn(InSchema):
    result: Literal["answered", "no_answer", "busy", "unreachable"] = Field(
        ..., description="answered（已接通）、no_answer（无人接听）、busy（占线）、unreachable（无法接通）"
    )
    note: str = Field("", max_length=500, description="关怀记录：已接通时必填")


class PhoneOut(Schema):
    phone: str


class ProgressOut(Schema):
    operator_id: int | None
    operator: str
    total: int
    done: int
    missed: int
    due: int


class CarePlanOut(Schema):
    group: str
    group_label: str
    interval_days: int | None
    active: bool
    source: str = Field(
        description="own: the region's own plan; inherited: an ancestor's; default: shipped (系统默认值)"
    )


class CarePlanIn(InSchema):
    region_code: str = Field(..., min_length=12, max_length=12)
    group: Literal["living_alone", "very_old"]
    interval_days: int = Field(..., ge=1, le=services.MAX_INTERVAL_DAYS)
    active: bool = True


class VisitTaskOut(Schema):
    id: int
    elder_id: int
    name: str
    age: int
    region_code: str
    community: str
    reason: str
    reason_label: str
    alarm_id: int | None
    note: str
    created_at: dt.datetime
    status: str
    status_label: str
    closed_at: dt.datetime | None
    result: str


class VisitCloseIn(InSchema):
    result: str = Field(..., min_length=1, max_length=500, description="上门情况")


def _call_out(call) -> dict:
    elder = call.elder
    return {
        "id": call.pk,
        "elder_id": elder.pk,
        "name": elder.name,
        "age": elder.age,
        "phone_masked": elder.phone_masked,
        "region_code": call.region_id,
        "community": call.region.name,
        "living_arrangement": elder.living_arrangement,
        "living_arrangement_label": elder.get_living_arrangement_display(),
        "due_on": call.due_on,
        "status": call.status,
        "status_label": call.get_status_display(),
        "operator_id": call.operator_id,
        "result": call.result,
        "called_at": call.called_at,
        "note": call.note,
    }


CareCallFilterIn = lists.filter_schema(care_filters.CareCallFilterSet, "CareCallFilterIn")


@router.get("/alarms/care-calls", response=list[CareCallOut])
@paginate(lists.KeysetPagination)
def list_care_calls(request: HttpRequest, params: Query[CareCallFilterIn]):  # type: ignore[valid-type]
    """Your calls still to make, due today or earlier (``who=unassigned``: your region's nobody was given;
    ``who=all``: every call you may see), oldest first."""
    _require(request, "alarms.view_carecall")
    fs = selectors.care_call_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_call_out)


@router.get("/alarms/care-calls/progress", response=list[ProgressOut])
def care_progress(request: HttpRequest, day: dt.date | None = None):
    """Each operator's calls of the day: answered, missed, still to make (unassigned ones as 未分配)."""
    _require(request, "alarms.view_carecall")
    return [vars(row) for row in selectors.care_progress(user=request.user, day=day)]


@router.get("/alarms/care-calls/{call_id}", response=CareCallOut)
def get_care_call(request: HttpRequest, call_id: int):
    _require(request, "alarms.view_carecall")
    return _call_out(selectors.care_call_get(user=request.user, call_id=call_id))


@router.post("/alarms/care-calls/{call_id}/reveal", response=PhoneOut)
def reveal_care_call_phone(request: HttpRequest, call_id: int):
    """The person's phone in clear, to call now; audited (who, when, whose phone)."""
    return {"phone": services.care_call_reveal(actor=request.user, call_id=call_id)}


@router.post("/alarms/care-calls/{call_id}/outcome", response=CareCallOut)
def record_care_call(request: HttpRequest, call_id: int, payload: CareOutcomeIn):
    """The call's outcome; a third missed call in a row opens a visit task for the community."""
    services.care_call_record(actor=request.user, call_id=call_id, result=payload.result, note=payload.note)
    return _call_out(selectors.care_call_get(user=request.user, call_id=call_id))


def _plan_rows(request: HttpRequest, region: str) -> list[dict]:
    return [
        {
            "group": row.group,
            "group_label": row.label,
            "interval_days": row.plan.interval_days if row.plan else None,
            "active": bool(row.plan and row.plan.active),
            "source": row.source,
        }
        for row in selectors.care_plans_for(user=request.user, region_code=region)
    ]


@router.get("/alarms/care-plans", response=list[CarePlanOut])
def list_care_plans(request: HttpRequest, region: str):
    """The plan in force for each group in ``region`` (a district or street in your scope)."""
    return _plan_rows(request, region)


@router.put("/alarms/care-plans", response=list[CarePlanOut])
def set_care_plan(request: HttpRequest, payload: CarePlanIn):
    """Set a district's (or street's) own plan for one group; answers the region's plans after it."""
    services.care_plan_set(
        actor=request.user,
        region_code=payload.region_code,
        group=payload.group,
        interval_days=payload.interval_days,
        active=payload.active,
    )
    return _plan_rows(request, payload.region_code)


def _task_out(task) -> dict:
    return {
        "id": task.pk,
        "elder_id": task.elder_id,
        "name": task.elder.name,
        "age": task.elder.age,
        "region_code": task.region_id,
        "community": task.region.name,
        "reason": task.reason,
        "reason_label": task.get_reason_display(),
        "alarm_id": task.alarm_id,
        "note": task.note,
        "created_at": task.created_at,
        "status": task.status,
        "status_label": task.get_status_display(),
        "closed_at": task.closed_at,
        "result": task.result,
    }


VisitTaskFilterIn = lists.filter_schema(care_filters.VisitTaskFilterSet, "VisitTaskFilterIn")


@router.get("/alarms/visits", response=list[VisitTaskOut])
@paginate(lists.KeysetPagination)
def list_visit_tasks(request: HttpRequest, params: Query[VisitTaskFilterIn]):  # type: ignore[valid-type]
    """The visit tasks in your reach: open ones first, the longest waiting at the top."""
    _require(request, "alarms.view_visittask")
    fs = selectors.visit_task_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_task_out)


@router.get("/alarms/visits/{task_id}", response=VisitTaskOut)
def get_visit_task(request: HttpRequest, task_id: int):
    _require(request, "alarms.view_visittask")
    return _task_out(selectors.visit_task_get(user=request.user, task_id=task_id))


@router.post("/alarms/visits/{task_id}/close", response=VisitTaskOut)
def close_visit_task(request: HttpRequest, task_id: int, payload: VisitCloseIn):
    """The community worker was there: what they found (上门情况) closes the task."""
    services.visit_task_close(actor=request.user, task_id=task_id, result=payload.result)
    return _task_out(selectors.visit_task_get(user=request.user, task_id=task_id))
