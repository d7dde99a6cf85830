"""Test builders of the alarms module (rows the tests need, without going through pages)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from yanglao.alarms.choices import DeviceKind
from yanglao.alarms.devicekeys import key_hash
from yanglao.alarms.models import Device
from yanglao.people.models import Elder

_serials = itertools.count(1)
KEY = "test-device-key-0123456789"


def device(
    elder: Elder, kind: str = DeviceKind.WRISTBAND, serial: str | None = None, key: str = KEY
) -> Device:
    """An active device bound to ``elder`` whose key is ``key``."""
    return Device.objects.create(
        serial=serial or f"T{next(_serials):08d}",
        kind=kind,
        elder=elder,
        region_id=elder.region_id,
        key_hash=key_hash(key),
        installed_on=timezone.localdate(),
        last_seen_at=timezone.now(),
    )
