"""Device ingestion over HTTP (no user login: the device key authenticates) and the alarm rules' API. Thin:
``services.ingest`` checks and stores, ``services.rules`` writes rules, ``selectors.ingest`` reads them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.http.request import RawPostDataException
from ninja import Router, Schema, Status
from pydantic import Field, field_validator

from yanglao.alarms import errors, messages
from yanglao.alarms.selectors import ingest as selectors
from yanglao.alarms.services import ingest as ingest_services
from yanglao.alarms.services import rules as rule_services
from yanglao.core.schemas import ErrorOut

router = Router(tags=["应急呼叫：设备接入与报警规则"])

EVENT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["device_id", "msg_id", "type", "ts"],
                "properties": {
                    "device_id": {
                        "type": "string",
                        "description": "设备编号（与 MQTT 主题中的 {device_id} 相同）",
                    },
                    "msg_id": {"type": "string", "description": "消息编号：同一设备的同一编号只受理一次"},
                    "type": {"type": "string", "enum": sorted(messages.TYPES), "description": "消息类型"},
                    "ts": {
                        "type": "string",
                        "format": "date-time",
                        "description": "设备时间，ISO-8601，须带时区",
                    },
                    "values": {
                        "type": "object",
                        "description": "数据：heart_rate、spo2、battery、lat、lng 等",
                    },
                    "key": {"type": "string", "description": "设备密钥（也可放在请求头 X-Device-Key）"},
                },
            }
        }
    },
}


class DeviceEventOut(Schema):
    status: str  # accepted | duplicate
    msg_id: str
    flags: list[str]


class DeviceBatchItemOut(Schema):
    index: int
    status: str  # accepted | duplicate | rejected
    code: str  # the refusal's error code, "" when taken
    flags: list[str]


class DeviceBatchOut(Schema):
    received: int
    accepted: int
    duplicates: int
    rejected: int
    results: list[DeviceBatchItemOut]


def _body(request: HttpRequest) -> bytes:
    """The raw JSON body; a form or multipart post (read as a form by then) is not a device message."""
    try:
        return request.body
    except RawPostDataException:
        raise errors.MessageMalformed(
            "请求体应为 JSON（Content-Type: application/json）", code="alarms.body_not_json"
        ) from None


DEVICE_ANSWERS = {
    401: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


@router.post(
    "/devices/events",
    auth=None,
    response={200: DeviceEventOut, 202: DeviceEventOut, **DEVICE_ANSWERS},
    openapi_extra={"requestBody": EVENT_BODY},
    summary="设备上报一条消息",
)
def device_event(request: HttpRequest):
    """One device message (the MQTT payload plus ``device_id``). 202: accepted; 200: already received (the
    same ``msg_id``), nothing changed; 401: unknown device or wrong key (the same answer for both); 422: a
    malformed message or an inactive device; 429: the device sends far too often (emergencies always pass)."""
    result = ingest_services.device_post(body=_body(request), key=request.headers.get("X-Device-Key", ""))
    body = {"status": result.status, "msg_id": result.msg_id, "flags": list(result.flags)}
    return Status(202 if result.status == ingest_services.ACCEPTED else 200, body)


@router.post(
    "/devices/events/batch",
    auth=None,
    response={200: DeviceBatchOut, **DEVICE_ANSWERS},
    summary="设备（或网关）批量上报消息",
)
def device_events_batch(request: HttpRequest):
    """A JSON array of up to 500 device messages (each with its ``device_id``): one result per message, in
    order; refused messages carry the error code a single post would have answered with."""
    batch = ingest_services.device_post_batch(
        body=_body(request), key=request.headers.get("X-Device-Key", "")
    )
    counts = batch.counts
    return {
        "received": counts.received,
        "accepted": counts.accepted,
        "duplicates": counts.duplicates,
        "rejected": counts.rejected,
        "results": [
            {
                "index": n,
                "status": r.status,
                "code": ingest_services.REFUSALS[r.reason].code if r.reason else "",
                "flags": list(r.flags),
            }
            for n, r in enumerate(batch.results)
        ],
    }


# ---------------------------------------------------------------- rules


class AlarmRuleOut(Schema):
    kind: str
    label: str
    unit: str
    threshold: float | None
    duration_seconds: int
    # "HH:MM", Beijing time: OpenAPI's time format demands an offset, and a daily window has none.
    active_from: str | None = Field(None, description="生效时段起（HH:MM，北京时间）")
    active_to: str | None = Field(None, description="生效时段止（HH:MM，北京时间）")
    silence_until: dt.datetime | None
    enabled: bool
    source: str  # own | inherited | default
    source_region: str | None  # the region an own or inherited rule belongs to
    is_default: bool  # 系统默认值: a suggested value, not from an official text

    @field_validator("active_from", "active_to", mode="before")
    @classmethod
    def _clock(cls, value):
        return value.strftime("%H:%M") if isinstance(value, dt.time) else value


class RuleIn(Schema):
    region_code: str | None = None
    elder_id: int | None = None
    threshold: float | None = None
    duration_seconds: int | None = None
    active_from: dt.time | None = None
    active_to: dt.time | None = None
    silence_until: dt.datetime | None = None
    enabled: bool | None = None


def _rule_out(row: selectors.RuleRow) -> dict:
    rule = row.rule
    return {
        "kind": row.kind,
        "label": row.label,
        "unit": row.spec.unit,
        "threshold": rule.threshold,
        "duration_seconds": rule.duration_seconds,
        "active_from": rule.active_from,
        "active_to": rule.active_to,
        "silence_until": rule.silence_until,
        "enabled": rule.enabled,
        "source": row.source,
        "source_region": rule.region_code,
        "is_default": rule.is_default,
    }


@router.get("/alarms/rules", response=list[AlarmRuleOut], summary="报警规则（某区划或某位老人现行的）")
def list_rules(request: HttpRequest, region: str = "", elder_id: int | None = None):
    """The rule of each kind in force for people in ``region`` (a code in your scope), or for one person
    (``elder_id``): their own, the nearest region's, or the shipped default (``is_default``)."""
    if elder_id is not None:
        return [_rule_out(row) for row in selectors.rules_for_person(user=request.user, elder_id=elder_id)[1]]
    return [_rule_out(row) for row in selectors.rules_for_region(user=request.user, region_code=region)]


@router.put("/alarms/rules/{kind}", response=AlarmRuleOut, summary="设置区划或老人自己的报警规则")
def set_rule(request: HttpRequest, kind: str, payload: RuleIn):
    """A region's (``region_code``) or one person's (``elder_id``) own rule of ``kind``; fields left out keep
    the value of the rule in force there. ``silence_until`` (a silence period) is for a person's rule."""
    data = payload.dict(exclude_unset=True)
    region_code, elder_id = data.pop("region_code", None), data.pop("elder_id", None)
    rule_services.rule_set(actor=request.user, kind=kind, region_code=region_code, elder_id=elder_id, **data)
    if elder_id is not None:
        rows = selectors.rules_for_person(user=request.user, elder_id=elder_id)[1]
    else:
        rows = selectors.rules_for_region(user=request.user, region_code=str(region_code))
    return _rule_out(next(row for row in rows if row.kind == kind))


@router.delete("/alarms/rules/{kind}", response={204: None}, summary="恢复沿用上级或系统默认规则")
def reset_rule(request: HttpRequest, kind: str, region: str = "", elder_id: int | None = None):
    rule_services.rule_reset(actor=request.user, kind=kind, region_code=region or None, elder_id=elder_id)
    return Status(204, None)
