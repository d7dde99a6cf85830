"""Visit reports from a caregiver's phone (上门服务签到、签退、服务确认): the one write path for check-in, the
service checklist, check-out, the family's confirmation, and the check-out photos.

A phone without signal queues its reports and sends them later, each with its own key, so every report is
idempotent by key: sent twice, it is recorded once and answered with its first outcome. A report is judged by
the item's check-in rule for the home (``rules``) and the phone's clock against the server's (``visiting``):
a rule that says block refuses it (recorded, nothing else changes), end aborts the order, warn flags it. A
report that cannot be judged at all (not the caregiver's order, the wrong state, a bad key) raises and stores
nothing. Every recorded report writes one audit entry; accepted ones also publish a live event and tell the
family.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import audit, events, text, uploads
from yanglao.core.errors import DomainError, NotFound
from yanglao.core.models import User
from yanglao.services import dispatch, errors, rules, visiting
from yanglao.services.choices import ConfirmVia, OrderStatus, VisitKind, VisitOutcome
from yanglao.services.models import Caregiver, ServiceOrder, VisitAction
from yanglao.services.services.alerts import alerts_raise, family_notify

TOPIC = "services.order"
# Which condition each rule breach is, by the breach's kind (rules.Breach.kind).
BREACH_ERRORS: dict[str, type[DomainError]] = {
    "far_in": errors.CheckInTooFar,
    "late": errors.CheckInLate,
    "far_out": errors.CheckOutTooFar,
    "early": errors.CheckOutEarly,
    "short": errors.CheckOutShort,
    "photos": errors.PhotosMissing,
    "order": errors.CheckOutBeforeCheckIn,
}
# The states each kind of report may be made in.
ALLOWED: dict[str, tuple[str, ...]] = {
    VisitKind.CHECK_IN: (OrderStatus.ACCEPTED,),
    VisitKind.CHECKLIST: (OrderStatus.CHECKED_IN, OrderStatus.CHECKED_OUT),
    VisitKind.CHECK_OUT: (OrderStatus.CHECKED_IN,),
    VisitKind.CONFIRM: (OrderStatus.CHECKED_OUT,),
}
SIGNATURE_PREFIX = "data:image/png;base64,"


def files_dir() -> Path:
    """Where check-out photos and signatures are kept (owner-only, like the import uploads)."""
    return Path(getattr(settings, "VISIT_FILES_DIR", None) or Path(settings.VAR_DIR) / "visit-files")


def _caregiver(actor: User) -> Caregiver:
    try:
        caregiver = actor.caregiver  # type: ignore[attr-defined]
    except Caregiver.DoesNotExist:
        raise errors.NotACaregiver() from None
    if caregiver is None or not caregiver.active:
        raise errors.NotACaregiver()
    return caregiver


def _key(key: object) -> str:
    value = str(key or "").strip()
    if not 8 <= len(value) <= 64 or not value.isascii() or not value.isprintable():
        raise errors.VisitKeyInvalid(fields={"key": "无效"})
    return value


def _earlier(key: str) -> VisitAction | None:
    return VisitAction.objects.unscoped(reason="idempotent repeat of a phone report").filter(key=key).first()


def _repeat(earlier: VisitAction, *, caregiver: Caregiver, order_id: int, kind: str) -> VisitAction:
    """The first answer to a key, when the same caregiver sends the same report again."""
    if earlier.caregiver_id != caregiver.pk or earlier.order_id != order_id or earlier.kind != kind:
        raise errors.VisitKeyReused(fields={"key": "已被使用"})
    return earlier


def _position(lat: float | None, lng: float | None) -> tuple[float, float] | None:
    if lat is None or lng is None:
        return None
    try:
        here = (float(lat), float(lng))
    except (TypeError, ValueError):
        return None
    if not (-90 <= here[0] <= 90 and -180 <= here[1] <= 180):
        return None
    return here


def _distance(order: ServiceOrder, here: tuple[float, float] | None) -> float | None:
    """Metres from the home; None when the home has no coordinates (no distance can be breached)."""
    home = order.elder
    if home.lat is None or home.lng is None or here is None:
        return None
    return dispatch.metres(here[0], here[1], home.lat, home.lng)


def _rule(order: ServiceOrder) -> rules.Rule | None:
    from yanglao.services import selectors

    found = selectors.checkin_rule_for(item=order.item, region_code=order.region_id)
    return selectors.as_rule(found) if found is not None else None


@dataclass
class _Judged:
    """What a report does: the breaches it raised, the order's new values, what the row keeps."""

    breaches: list[rules.Breach] = field(default_factory=list)
    changes: dict = field(default_factory=dict)
    payload: dict = field(default_factory=dict)
    refused: tuple[str, str] | None = None  # (code, message) of a recorded refusal
    flags: list[tuple[str, str]] = field(default_factory=list)  # (code, message) kept with an accepted report


def _no_position(order: ServiceOrder, rule: rules.Rule, here: tuple[float, float] | None, kind: str) -> list:
    """A home with coordinates and a phone that sent none: the place cannot be checked, so the distance rule
    decides as if it were breached (a phone that hides its position is not waved through)."""
    if here is not None or order.elder.lat is None or order.elder.lng is None:
        return []
    return [rules.Breach(kind, rule.on_distance, "未获取到手机定位，无法核对服务位置")]


def _judge_check_in(order: ServiceOrder, at: dt.datetime, now: dt.datetime, here, payload: dict) -> _Judged:
    judged = _Judged()
    distance = _distance(order, here)
    rule = _rule(order)
    if rule is not None:
        judged.breaches = _no_position(order, rule, here, "far_in") + rules.check_in(
            rule, scheduled_start=order.scheduled_start, at=at, distance_m=distance or 0.0
        )
    judged.changes = {
        "checked_in_at": at,
        "checkin_received_at": now,
        "checkin_lat": here[0] if here else None,
        "checkin_lng": here[1] if here else None,
        "checkin_distance_m": round(distance) if distance is not None else None,
        "status": OrderStatus.CHECKED_IN,
        "confirm_code": f"{secrets.randbelow(10**6):06d}",
    }
    return judged


def _judge_check_out(order: ServiceOrder, at: dt.datetime, now: dt.datetime, here, payload: dict) -> _Judged:
    judged = _Judged()
    distance = _distance(order, here)
    checked_in_at = order.checked_in_at or at
    rule = _rule(order)
    if rule is not None:
        judged.breaches = _no_position(order, rule, here, "far_out") + rules.check_out(
            rule,
            checked_in_at=checked_in_at,
            scheduled_end=order.scheduled_end,
            at=at,
            distance_m=distance or 0.0,
            photos=order.photos,
        )
    elif at < checked_in_at:
        judged.breaches = [rules.Breach("order", rules.BLOCK, errors.CheckOutBeforeCheckIn.message)]
    judged.changes = {
        "checked_out_at": at,
        "checkout_received_at": now,
        "checkout_lat": here[0] if here else None,
        "checkout_lng": here[1] if here else None,
        "checkout_distance_m": round(distance) if distance is not None else None,
        "served_minutes": max(0, int((at - checked_in_at).total_seconds() // 60)),
        "status": OrderStatus.CHECKED_OUT,
    }
    return judged


def _judge_checklist(order: ServiceOrder, at: dt.datetime, now: dt.datetime, here, payload: dict) -> _Judged:
    ticked = payload.get("items", [])
    if not isinstance(ticked, list) or len(ticked) > 20:
        raise errors.ChecklistInvalid(fields={"items": "无效"})
    unknown = visiting.unknown_ticks(order.item.code, ticked)
    if unknown:
        raise errors.ChecklistInvalid(
            f"服务内容不在“{order.item.name}”的服务清单中：{'、'.join(unknown)}", fields={"items": "无效"}
        )
    try:
        note = text.clean_line(
            payload.get("note", ""), label="服务记录", max_length=visiting.NOTE_CHARS, required=False
        )
    except text.TextError as exc:
        raise errors.VisitNoteInvalid(str(exc), fields={"note": str(exc)}) from exc
    items = list(dict.fromkeys(ticked))
    return _Judged(changes={"checklist": items, "visit_note": note}, payload={"items": items, "note": note})


def _wrong_codes(order: ServiceOrder) -> int:
    return (
        VisitAction.objects.unscoped(reason="the order's own confirmation attempts, already in scope")
        .filter(order=order, kind=VisitKind.CONFIRM, code=errors.ConfirmCodeWrong.code)
        .count()
    )


def _signature(data_url: object) -> bytes:
    if not isinstance(data_url, str) or not data_url.startswith(SIGNATURE_PREFIX):
        raise errors.SignatureInvalid(fields={"signature": "无效"})
    encoded = data_url[len(SIGNATURE_PREFIX) :]
    if len(encoded) > visiting.SIGNATURE_BYTES * 4 // 3 + 4:
        raise errors.SignatureInvalid(fields={"signature": "过大"})
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise errors.SignatureInvalid(fields={"signature": "无效"}) from None
    if len(content) > visiting.SIGNATURE_BYTES or visiting.image_kind(content) != "png":
        raise errors.SignatureInvalid(fields={"signature": "无效"})
    return content


def _judge_confirm(order: ServiceOrder, at: dt.datetime, now: dt.datetime, here, payload: dict) -> _Judged:
    done = {"status": OrderStatus.CONFIRMED, "confirmed_at": at}
    if payload.get("signature"):
        content = _signature(payload["signature"])
        name = f"{secrets.token_hex(16)}.png"  # random: nothing about the person in a file name
        uploads.write_private(files_dir() / name, content)
        return _Judged(
            changes={**done, "confirmed_via": ConfirmVia.SIGNATURE},
            payload={"via": ConfirmVia.SIGNATURE, "file": name},
        )
    code = str(payload.get("code") or "").strip()
    if not code:
        raise errors.ConfirmMissing(fields={"code": "必填"})
    wrong = _wrong_codes(order)
    if wrong >= visiting.CONFIRM_TRIES:
        return _Judged(
            payload={"via": ConfirmVia.CODE},
            refused=(errors.ConfirmLocked.code, errors.ConfirmLocked.message),
        )
    if not order.confirm_code or not secrets.compare_digest(code.encode(), order.confirm_code.encode()):
        left = visiting.CONFIRM_TRIES - wrong - 1
        message = (
            f"家属确认码不正确，还可尝试 {left} 次"
            if left
            else "家属确认码不正确，已连续输错 5 次，确认码已锁定；请改由老人签字确认"
        )
        return _Judged(payload={"via": ConfirmVia.CODE}, refused=(errors.ConfirmCodeWrong.code, message))
    return _Judged(changes={**done, "confirmed_via": ConfirmVia.CODE}, payload={"via": ConfirmVia.CODE})


JUDGES = {
    VisitKind.CHECK_IN: _judge_check_in,
    VisitKind.CHECKLIST: _judge_checklist,
    VisitKind.CHECK_OUT: _judge_check_out,
    VisitKind.CONFIRM: _judge_confirm,
}


def _apply_rules(judged: _Judged, order: ServiceOrder) -> None:
    """The strongest breach decides: block refuses (nothing changes), end aborts the order, warn flags it,
    continue only records."""
    if not judged.breaches:
        return
    worst = rules.worst(judged.breaches)
    if worst == rules.BLOCK:
        blocking = [b for b in judged.breaches if b.action == rules.BLOCK]
        judged.refused = (BREACH_ERRORS[blocking[0].kind].code, "；".join(b.message for b in blocking))
        judged.changes = {}
        return
    if worst == rules.END:
        judged.changes["status"] = OrderStatus.ABORTED
        judged.changes["abort_reason"] = "；".join(
            b.message for b in judged.breaches if b.action == rules.END
        )[:200]
    judged.flags += [
        (BREACH_ERRORS[b.kind].code, b.message)
        for b in judged.breaches
        if b.action in (rules.WARN, rules.END)
    ]


def _lock_order(actor: User, order_id: int) -> ServiceOrder:
    order = (
        ServiceOrder.objects.for_user(actor, action="change")
        .select_related("elder", "item")
        .select_for_update(of=("self",))
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


@transaction.atomic
def visit_report(
    *,
    actor: User,
    key: str,
    order_id: int,
    kind: str,
    phone_time: dt.datetime,
    lat: float | None = None,
    lng: float | None = None,
    payload: dict | None = None,
) -> VisitAction:
    """Record one report from the phone of the caregiver the order went to, and apply it to the order.

    Idempotent by ``key``: the same key from the same caregiver for the same order and kind returns the first
    row and changes nothing; a key used by another caregiver, order or kind is refused. The order row is
    locked, so a second tab sending the same key waits and then finds the first tab's row. Audits every
    recorded report (ids, outcome and distance; never a position or a code).
    """
    caregiver = _caregiver(actor)
    key = _key(key)
    earlier = _earlier(key)
    if earlier is not None:
        return _repeat(earlier, caregiver=caregiver, order_id=order_id, kind=kind)
    if kind not in JUDGES:
        raise errors.VisitKindUnknown(fields={"kind": "无效"})
    order = _lock_order(actor, order_id)
    if order.caregiver_id != caregiver.pk:
        raise errors.VisitNotYours()
    earlier = _earlier(key)  # another tab held the lock with the same report: answer as it was answered
    if earlier is not None:
        return _repeat(earlier, caregiver=caregiver, order_id=order_id, kind=kind)
    if order.status not in ALLOWED[kind]:
        _wrong_state(order, kind)
    if phone_time.tzinfo is None:
        phone_time = timezone.make_aware(phone_time)
    now = timezone.now()
    clock = visiting.judge_clock(phone_time, now)
    here = _position(lat, lng)
    judged = JUDGES[kind](order, clock.at, now, here, payload or {})
    _apply_rules(judged, order)
    if judged.refused is None:
        if clock.wrong:
            judged.flags.append((errors.ClockWrong.code, clock.message))
            judged.breaches.append(rules.Breach("clock", rules.WARN, clock.message))
        if clock.late:
            judged.flags.append((errors.SyncedLate.code, clock.message))
            judged.changes["synced_late"] = True
    outcome = (
        VisitOutcome.REFUSED
        if judged.refused
        else (VisitOutcome.FLAGGED if judged.flags else VisitOutcome.ACCEPTED)
    )
    code, message = judged.refused or (judged.flags[0] if judged.flags else ("", ""))
    if judged.refused is None and len(judged.flags) > 1:
        message = "；".join(m for _, m in judged.flags)
    try:
        with transaction.atomic():
            action = VisitAction.objects.create(
                key=key,
                order=order,
                caregiver=caregiver,
                provider_id=order.provider_id,
                region_id=order.region_id,
                kind=kind,
                phone_time=phone_time,
                lat=here[0] if here else None,
                lng=here[1] if here else None,
                payload=judged.payload,
                outcome=outcome,
                code=code,
                message=message[:300],
            )
    except IntegrityError:  # the same key committed between our look and our write
        earlier = _earlier(key)
        if earlier is None:
            raise
        return _repeat(earlier, caregiver=caregiver, order_id=order_id, kind=kind)
    if judged.refused is None:
        for name, value in judged.changes.items():
            setattr(order, name, value)
        if judged.changes:
            order.save(update_fields=list(judged.changes))
        alerts_raise(order=order, breaches=[b for b in judged.breaches if b.kind != "order"], at=now)
    audit.record(
        actor=actor,
        action=f"visit.{kind}",
        obj=order,
        detail={
            "key": key,
            "outcome": outcome,
            "code": code,
            "distance_m": judged.changes.get("checkin_distance_m", judged.changes.get("checkout_distance_m")),
            "synced_late": clock.late,
        },
    )
    if judged.refused is None:
        events.publish_on_commit(
            TOPIC,
            {"id": order.pk, "action": kind, "state": order.status, "outcome": outcome},
            region_code=order.region_id,
            organisation_id=order.provider_id,
        )
        family_notify(order=order, action=kind)
    return action


def _wrong_state(order: ServiceOrder, kind: str) -> None:
    if kind == VisitKind.CHECK_OUT and order.status == OrderStatus.ACCEPTED:
        raise errors.CheckOutNotCheckedIn()
    raise errors.VisitWrongState(
        f"工单{order.get_status_display()}，不能{VisitKind(kind).label}", fields={"kind": "状态不符"}
    )


@transaction.atomic
def visit_photo_add(*, actor: User, order_id: int, content: bytes) -> ServiceOrder:
    """Keep one check-out photo (JPEG or PNG by its first bytes, at most 2 MB, at most 3 an order) under a
    random name in the private folder, and count it on the order. Only the order's caregiver, during the
    visit. Audited (the count, never the file's name)."""
    caregiver = _caregiver(actor)
    order = _lock_order(actor, order_id)
    if order.caregiver_id != caregiver.pk:
        raise errors.VisitNotYours()
    if order.status != OrderStatus.CHECKED_IN:
        raise errors.VisitWrongState(f"工单{order.get_status_display()}，不能上传服务照片")
    if len(content) > visiting.PHOTO_BYTES:
        raise errors.PhotoTooLarge(fields={"photo": "过大"})
    kind = visiting.image_kind(content)
    if kind is None:
        raise errors.PhotoInvalid(fields={"photo": "格式无效"})
    if order.photos >= visiting.MAX_PHOTOS:
        raise errors.PhotoTooMany(fields={"photo": "已满 3 张"})
    name = f"{secrets.token_hex(16)}.{'png' if kind == 'png' else 'jpg'}"
    uploads.write_private(files_dir() / name, content)
    order.photo_files = [*order.photo_files, name]
    order.photos = len(order.photo_files)
    order.save(update_fields=["photo_files", "photos"])
    audit.record(actor=actor, action="visit.photo", obj=order, detail={"photos": order.photos})
    events.publish_on_commit(
        TOPIC,
        {"id": order.pk, "action": "photo", "state": order.status, "photos": order.photos},
        region_code=order.region_id,
        organisation_id=order.provider_id,
    )
    return order


@transaction.atomic
def care_route_reveal(*, actor: User, order_ids: list[int]) -> None:
    """The caregiver's page shows the day's addresses in clear (needed at the door): one audit entry per
    view, listing the orders, never the addresses."""
    audit.record(actor=actor, action="care_route.reveal", model=ServiceOrder, detail={"orders": order_ids})
