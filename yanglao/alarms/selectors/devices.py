"""Reads of the device register, always through ``for_user``: the list's filter set, one device with its
history (the audit log's entries for it), its replacement chain, recent messages and alarms, a person's
devices, and the person a register form names by ID number."""

from __future__ import annotations

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from yanglao.alarms.device_filters import DeviceFilterSet
from yanglao.alarms.models import Alarm, Device, DeviceEvent
from yanglao.alarms.selectors.calls import alarm_url
from yanglao.core import audit
from yanglao.core.crypto import blind_index
from yanglao.core.errors import NotFound
from yanglao.core.models import Organisation, Region, User
from yanglao.people.identity import IdentityError, normalise_id
from yanglao.people.models import Elder

RECENT = 20
# What the ingest part writes into DeviceEvent.flags and Device.flagged (comma-separated), as operators read it.
FLAG_LABELS = {"clock": "设备时钟偏差", "late": "迟到消息", "flood": "消息过多（已限流）"}


def flags_text(flags: str) -> str:
    """ "clock,late" → "设备时钟偏差、迟到消息"; an unknown mark is named as such, never shown raw."""
    parts = [p.strip() for p in (flags or "").replace("，", ",").split(",") if p.strip()]
    return "、".join(FLAG_LABELS.get(p, "其他异常标记") for p in parts)


CHAIN_LIMIT = 20  # a chain longer than this is a data error; stop rather than loop


def device_filterset(*, user: User, params: QueryDict | dict | None = None) -> DeviceFilterSet:
    return DeviceFilterSet(params, user=user)


def device_get(*, user: User, device_id: int) -> Device:
    device = (
        Device.objects.for_user(user)
        .select_related("elder", "region", "provider", "replaced_by")
        .filter(pk=device_id)
        .first()
    )
    if device is None:
        raise NotFound()
    return device


def device_may_manage(*, user: User, device: Device) -> bool:
    """The register/replace/lost/return buttons: the right and the device within the user's change scope."""
    return (
        user.has_perm("alarms.manage_device")
        and Device.objects.for_user(user, action="change").filter(pk=device.pk).exists()
    )


@dataclass(frozen=True)
class DeviceFile:
    """What the device page shows besides the device."""

    device: Device
    history: list[audit.AuditLine]
    earlier: list[Device]  # the devices this one replaced, newest first
    later: list[Device]  # the devices that replaced it, in order
    events: list[DeviceEvent]
    alarms: list[Alarm]
    can_manage: bool

    @property
    def event_rows(self) -> list[tuple[DeviceEvent, str]]:
        return [(e, flags_text(e.flags)) for e in self.events]

    @property
    def flagged_text(self) -> str:
        return flags_text(self.device.flagged)

    @property
    def alarm_links(self) -> list[tuple[Alarm, str]]:
        """Each alarm with the console's page of it (empty where there is none)."""
        return [(a, alarm_url(a.pk)) for a in self.alarms]


def _chain(user: User, device: Device) -> tuple[list[Device], list[Device]]:
    """Predecessors (``replaces``) and successors (``replaced_by``) the user may see."""
    visible = Device.objects.for_user(user)
    earlier, current = [], device
    for _ in range(CHAIN_LIMIT):
        previous = visible.filter(replaced_by=current).first()
        if previous is None:
            break
        earlier.append(previous)
        current = previous
    later, current = [], device
    for _ in range(CHAIN_LIMIT):
        if current.replaced_by_id is None:
            break
        following = visible.filter(pk=current.replaced_by_id).first()
        if following is None:
            break
        later.append(following)
        current = following
    return earlier, later


HIDDEN_IN_HISTORY = {"状态变更时间", "设备密钥摘要", "最近在线", "最近活动", "电量（%）", "在线"}


def device_history(*, device: Device) -> list[audit.AuditLine]:
    """The device's own audit entries (registration, every status change with its reason, key rotations),
    newest first, as the audit page words them; only the device's own fields, ids shown as names."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Device), object_pk=str(device.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:100]
    )
    lines = list(audit.lines(entries))
    own = {str(f.verbose_name) for f in Device._meta.concrete_fields} - HIDDEN_IN_HISTORY
    names = _history_names(device, lines)
    for line in lines:
        line.changes = [
            (label, names.get((label, old), old), names.get((label, new), new))
            for label, old, new in line.changes
            if label in own
        ]
    return lines


def _history_names(device: Device, lines: list[audit.AuditLine]) -> dict[tuple[str, str], str]:
    """(field label, stored id) → the name a person reads, for the device's foreign keys (a few queries)."""
    wanted: dict[str, set[str]] = {}
    for line in lines:
        for label, old, new in line.changes:
            wanted.setdefault(label, set()).update(v for v in (old, new) if v.isdigit())
    names: dict[tuple[str, str], str] = {}
    regions = Region.objects.filter(code__in=wanted.get("所属社区", set())).values_list("code", "name")
    names |= {("所属社区", code): name for code, name in regions}
    if str(device.elder_id) in wanted.get("使用老人", set()):
        names[("使用老人", str(device.elder_id))] = device.elder.name
    serials = Device.objects.unscoped(reason="serials of a device's own replacements, named in its history")
    for pk, serial in serials.filter(pk__in=[int(v) for v in wanted.get("更换为", set())]).values_list(
        "pk", "serial"
    ):
        names[("更换为", str(pk))] = serial
    orgs = Organisation.objects.unscoped(reason="names of a device's maintainers, named in its history")
    for pk, name in orgs.filter(pk__in=[int(v) for v in wanted.get("运维机构", set())]).values_list(
        "pk", "name"
    ):
        names[("运维机构", str(pk))] = name
    return names


def device_file(*, user: User, device_id: int) -> DeviceFile:
    device = device_get(user=user, device_id=device_id)
    earlier, later = _chain(user, device)
    events = list(
        DeviceEvent.objects.for_user(user).filter(device=device).order_by("-received_at", "-pk")[:RECENT]
    )
    alarms = list(Alarm.objects.for_user(user).filter(device=device).order_by("-raised_at", "-pk")[:RECENT])
    return DeviceFile(
        device=device,
        history=device_history(device=device),
        earlier=earlier,
        later=later,
        events=events,
        alarms=alarms,
        can_manage=device_may_manage(user=user, device=device),
    )


def devices_of(*, user: User, elder: Elder) -> QuerySet[Device]:
    """A person's devices, in use first (the person page's panel)."""
    return (
        Device.objects.for_user(user)
        .filter(elder=elder)
        .select_related("provider")
        .order_by("status", "-created_at", "-pk")
    )


def person_for_device(*, user: User, elder_id: int) -> Elder:
    """The person a register form names (``?elder=``), as the person page would find them."""
    elder = Elder.objects.for_user(user).select_related("region").filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    return elder


def person_by_id_number(*, user: User, id_number: str) -> Elder | None:
    """The person whose ID number this is, among those the user may see (by its blind index); None for a
    number that does not read or matches nobody in scope."""
    try:
        number = normalise_id(id_number, today=timezone.localdate())
    except IdentityError:
        return None
    return Elder.objects.for_user(user).filter(id_hash=blind_index(number)).first()


def providers_for_choice(*, user: User) -> list[Organisation]:
    """Organisations a device may name as its maintainer: the active ones the user may see."""
    return list(Organisation.objects.for_user(user).filter(is_active=True).order_by("name")[:500])
