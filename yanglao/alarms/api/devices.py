"""The device register's API: list (the page's filters, keyset pages), one device, register (the generated
key in this answer only), correct, mark lost, return, replace and a new key. Thin."""

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from yanglao.alarms.device_filters import DeviceFilterSet
from yanglao.alarms.device_schemas import (
    DeviceIn,
    DeviceNoteIn,
    DeviceOut,
    DevicePatch,
    DeviceReplaceIn,
    KeyIn,
    RegisteredOut,
)
from yanglao.alarms.selectors import devices as selectors
from yanglao.alarms.services import devices as services
from yanglao.core import lists

router = Router(tags=["智能设备"])

DeviceFilterIn = lists.filter_schema(DeviceFilterSet, "DeviceFilterIn")


def _out(d) -> dict:
    return {
        "id": d.pk,
        "serial": d.serial,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "status": d.status,
        "status_label": d.get_status_display(),
        "elder_id": d.elder_id,
        "elder_name": d.elder.name,
        "region_code": d.region_id,
        "provider_id": d.provider_id,
        "model_name": d.model_name,
        "firmware": d.firmware,
        "battery": d.battery,
        "heartbeat_seconds": d.heartbeat_seconds,
        "installed_on": d.installed_on,
        "last_seen_at": d.last_seen_at,
        "online": d.online,
        "replaced_by_id": d.replaced_by_id,
        "created_at": d.created_at,
    }


def _registered(registered) -> dict:
    return {**_out(registered.device), "key": registered.key}


@router.get("/devices", response=list[DeviceOut])
@paginate(lists.KeysetPagination)
def list_devices(request: HttpRequest, params: Query[DeviceFilterIn]):  # type: ignore[valid-type]
    """Devices in the user's reach (a street's, or a provider's own), by community, kind and serial."""
    fs = selectors.device_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_out)


@router.post("/devices", response={201: RegisteredOut})
def register_device(request: HttpRequest, payload: DeviceIn):
    """Register a device for a person; ``key`` in the answer is the generated key, shown this once."""
    registered = services.device_register(actor=request.user, **payload.dict())
    return Status(201, _registered(registered))


@router.get("/devices/{int:device_id}", response=DeviceOut)
def get_device(request: HttpRequest, device_id: int):
    return _out(selectors.device_get(user=request.user, device_id=device_id))


@router.patch("/devices/{int:device_id}", response=DeviceOut)
def update_device(request: HttpRequest, device_id: int, payload: DevicePatch):
    changes = payload.dict(exclude_unset=True)
    return _out(services.device_update(actor=request.user, device_id=device_id, **changes))


@router.post("/devices/{int:device_id}/lost", response=DeviceOut)
def mark_device_lost(request: HttpRequest, device_id: int, payload: DeviceNoteIn):
    return _out(services.device_mark_lost(actor=request.user, device_id=device_id, note=payload.note))


@router.post("/devices/{int:device_id}/return", response=DeviceOut)
def return_device(request: HttpRequest, device_id: int, payload: DeviceNoteIn):
    return _out(services.device_return(actor=request.user, device_id=device_id, note=payload.note))


@router.post("/devices/{int:device_id}/replace", response={201: RegisteredOut})
def replace_device(request: HttpRequest, device_id: int, payload: DeviceReplaceIn):
    """The new device that takes over; the old one becomes 已更换 and points at it."""
    registered = services.device_replace(actor=request.user, device_id=device_id, **payload.dict())
    return Status(201, _registered(registered))


@router.post("/devices/{int:device_id}/key", response=RegisteredOut)
def rotate_device_key(request: HttpRequest, device_id: int, payload: KeyIn):
    """A new key; the old one stops working. A generated key is in this answer only."""
    return _registered(services.device_key_rotate(actor=request.user, device_id=device_id, key=payload.key))
