"""Writes of the device register (智能设备登记): register a device for a person, correct it, mark it lost,
take it back, replace it, issue a new key; and the move hook that keeps a device's region with its person.

A device is bound to one person and copies the person's community (decision 40: rows scope on their own
code). Its key is shown once — a generated key in the answer of the write that made it — and stored only
as its SHA-256 (``devicekeys``). Nothing is deleted: a lost, returned or replaced device keeps its row, its
messages and its alarms, and django-auditlog keeps each status change with the reason in ``note``. Writes
need ``alarms.manage_device`` and reach devices through ``for_user(actor, action="change")``: a device or
person of another street is "not found"; the maintaining provider reaches its own devices.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.alarms import devicekeys
from yanglao.alarms.choices import DeviceKind, DeviceStatus
from yanglao.alarms.errors import InvalidDevice
from yanglao.alarms.models import Device
from yanglao.core import audit
from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder

log = logging.getLogger(__name__)
PERMISSION = "alarms.manage_device"
DETAIL_FIELDS = ("model_name", "firmware", "heartbeat_seconds", "installed_on", "note")


@dataclass(frozen=True)
class Registered:
    """A device and, when this write generated it, its key in clear: shown once, stored nowhere."""

    device: Device
    key: str = ""


def _require_right(actor: User) -> None:
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied


def _device_for_change(actor: User, device_id: int) -> Device:
    """The device locked, within the actor's reach; another street's is "not found"."""
    _require_right(actor)
    device = (
        Device.objects.for_user(actor, action="change")
        .select_for_update()
        .select_related("elder")
        .filter(pk=device_id)
        .first()
    )
    if device is None:
        raise NotFound()
    return device


def _person(actor: User, elder_id: int) -> Elder:
    """A living, registered person the actor may see (the person page's own scope)."""
    elder = Elder.objects.for_user(actor).filter(pk=elder_id).first()
    if elder is None:
        message = "所选老人不存在或不在您的管辖范围内"
        raise NotFound(message, fields={"elder_id": message})
    _require_active_person(elder)
    return elder


def _require_active_person(elder: Elder) -> None:
    if elder.status != ElderStatus.ACTIVE:
        message = f"{elder.name}的登记状态为“{elder.get_status_display()}”，不能为其登记设备"
        raise InvalidDevice(message, fields={"elder_id": message}, code="alarms.device_person_not_active")


def _require_free_serial(serial: str) -> None:
    if Device.objects.filter(serial=serial).exists():  # exists(): one boolean, allowed unscoped
        message = f"设备编号 {serial} 已登记，请核对设备机身或包装上的编号"
        raise InvalidDevice(message, fields={"serial": message}, code="alarms.device_serial_taken")


def _provider_id(actor: User, provider_id: int | None) -> int | None:
    """The maintaining organisation: one in the actor's reach, or a provider user's own."""
    if provider_id is not None:
        return core_services.organisation_for_write(
            actor=actor, organisation_id=provider_id, field_name="provider_id"
        ).pk
    if actor.role == Role.PROVIDER:
        return actor.organisation_id
    return None


def _key(given: str) -> tuple[str, str]:
    """(hash to store, clear key to show once): a manufacturer's key is taken and not shown again."""
    if given:
        return devicekeys.key_hash(given), ""
    generated = devicekeys.new_key()
    return devicekeys.key_hash(generated), generated


def _create(
    *,
    elder: Elder,
    kind: str,
    serial: str,
    key: str,
    provider_id: int | None,
    details: dict,
) -> Registered:
    if kind not in DeviceKind.values:
        message = "设备类型无效"
        raise InvalidDevice(message, fields={"kind": message}, code="alarms.device_kind_unknown")
    _require_free_serial(serial)
    stored, shown = _key(key)
    try:
        with transaction.atomic():
            device = Device.objects.create(
                serial=serial,
                kind=kind,
                elder=elder,
                region_id=elder.region_id,
                provider_id=provider_id,
                key_hash=stored,
                online=False,  # until its first message
                status_changed_at=timezone.now(),
                **{f: v for f, v in details.items() if f in DETAIL_FIELDS and v is not None},
            )
    except IntegrityError:  # registered a moment ago by someone else
        _require_free_serial(serial)
        raise
    return Registered(device=device, key=shown)


@transaction.atomic
def device_register(
    *,
    actor: User,
    elder_id: int,
    kind: str,
    serial: str,
    key: str = "",
    provider_id: int | None = None,
    model_name: str = "",
    firmware: str = "",
    heartbeat_seconds: int = 300,
    installed_on: dt.date | None = None,
    note: str = "",
) -> Registered:
    """Bind a new device to a person in the actor's reach. The serial is unique for ever (a returned
    device's serial stays taken: its messages and alarms name it)."""
    _require_right(actor)
    elder = _person(actor, elder_id)
    registered = _create(
        elder=elder,
        kind=kind,
        serial=serial,
        key=key,
        provider_id=_provider_id(actor, provider_id),
        details={
            "model_name": model_name,
            "firmware": firmware,
            "heartbeat_seconds": heartbeat_seconds,
            "installed_on": installed_on,
            "note": note,
        },
    )
    ensure_in_scope(registered.device, actor, "change")
    return registered


@transaction.atomic
def device_update(*, actor: User, device_id: int, **changes: object) -> Device:
    """Correct a device's details (model, firmware, heartbeat interval, install date, provider, note)."""
    device = _device_for_change(actor, device_id)
    fields = []
    for name, value in changes.items():
        if name == "provider_id":
            value = _provider_id(actor, value) if value is not None else None  # type: ignore[arg-type]
        elif name not in DETAIL_FIELDS:
            raise TypeError(f"device_update cannot change {name}")
        if getattr(device, name) != value:
            setattr(device, name, value)
            fields.append(name)
    if fields:
        device.save(update_fields=fields)
    ensure_in_scope(device, actor, "change")
    return device


def _set_status(device: Device, status: str, note: str, *, prefix: str) -> None:
    device.status = status
    device.status_changed_at = timezone.now()
    device.note = f"{prefix}：{note}"[:300] if note else prefix
    device.save(update_fields=["status", "status_changed_at", "note"])


@transaction.atomic
def device_mark_lost(*, actor: User, device_id: int, note: str = "") -> Device:
    """挂失: an active device is lost; its messages are no longer accepted (ingest takes active devices
    only). Repeating it changes nothing."""
    device = _device_for_change(actor, device_id)
    if device.status == DeviceStatus.LOST:
        return device
    if device.status != DeviceStatus.ACTIVE:
        message = f"该设备状态为“{device.get_status_display()}”，不能挂失"
        raise InvalidDevice(message, fields={"status": message}, code="alarms.device_not_active")
    _set_status(device, DeviceStatus.LOST, note, prefix="挂失")
    ensure_in_scope(device, actor, "change")
    return device


@transaction.atomic
def device_return(*, actor: User, device_id: int, note: str = "") -> Device:
    """退还: an active or lost device comes back; its row, messages and alarms stay. Idempotent."""
    device = _device_for_change(actor, device_id)
    if device.status == DeviceStatus.RETURNED:
        return device
    if device.status == DeviceStatus.REPLACED:
        message = "该设备已被更换，更换后的设备请在新设备页办理"
        raise InvalidDevice(message, fields={"status": message}, code="alarms.device_already_replaced")
    _set_status(device, DeviceStatus.RETURNED, note, prefix="退还")
    ensure_in_scope(device, actor, "change")
    return device


@transaction.atomic
def device_replace(
    *,
    actor: User,
    device_id: int,
    serial: str,
    kind: str | None = None,
    key: str = "",
    model_name: str = "",
    firmware: str = "",
    heartbeat_seconds: int | None = None,
    installed_on: dt.date | None = None,
    note: str = "",
) -> Registered:
    """更换: a new device for the same person takes over from an active or lost one; the old one becomes
    ``replaced`` and points at its successor, so the chain can be followed both ways."""
    old = _device_for_change(actor, device_id)
    if old.status not in (DeviceStatus.ACTIVE, DeviceStatus.LOST):
        message = f"该设备状态为“{old.get_status_display()}”，不能更换"
        raise InvalidDevice(message, fields={"status": message}, code="alarms.device_not_replaceable")
    _require_active_person(old.elder)
    registered = _create(
        elder=old.elder,
        kind=kind or old.kind,
        serial=serial,
        key=key,
        provider_id=old.provider_id,
        details={
            "model_name": model_name or old.model_name,
            "firmware": firmware,
            "heartbeat_seconds": heartbeat_seconds or old.heartbeat_seconds,
            "installed_on": installed_on or timezone.localdate(),
            "note": f"更换原设备 {old.serial}",
        },
    )
    old.replaced_by = registered.device
    old.status = DeviceStatus.REPLACED
    old.status_changed_at = timezone.now()
    old.note = (f"更换为 {serial}：{note}" if note else f"更换为 {serial}")[:300]
    old.save(update_fields=["replaced_by", "status", "status_changed_at", "note"])
    ensure_in_scope(registered.device, actor, "change")
    ensure_in_scope(old, actor, "change")
    return registered


@transaction.atomic
def device_key_rotate(*, actor: User, device_id: int, key: str = "") -> Registered:
    """A new key for an active or lost device (a leaked key, a device configured at installation): the old
    key stops working at once. The key is not in the field diff; one audit entry records the rotation."""
    device = _device_for_change(actor, device_id)
    if device.status not in (DeviceStatus.ACTIVE, DeviceStatus.LOST):
        message = f"该设备状态为“{device.get_status_display()}”，不能更换密钥"
        raise InvalidDevice(message, fields={"key": message}, code="alarms.device_key_not_rotatable")
    device.key_hash, shown = _key(key)
    device.save(update_fields=["key_hash"])
    audit.record(actor=actor, action="device.rotate_key", obj=device, detail={"generated": bool(shown)})
    ensure_in_scope(device, actor, "change")
    return Registered(device=device, key=shown)


def devices_follow_move(moves: list[tuple[int, str, str]]) -> int:
    """people's move hook: a person's devices (in use or kept for history) take the new community, inside
    the move's transaction; people checked the move against the actor's scope."""
    by_target: dict[str, list[int]] = {}
    for elder_id, _origin, target in moves:
        by_target.setdefault(target, []).append(elder_id)
    moved = 0
    for target, elders in by_target.items():
        moved += (
            Device.objects.unscoped(reason="devices follow their person's move (scope checked by people)")
            .filter(elder_id__in=elders)
            .update(region=target)
        )
    return moved
