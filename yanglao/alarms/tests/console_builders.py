"""Builders of the console part's tests: an alarm raised the one way every source raises it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, DeviceKind
from yanglao.alarms.models import Alarm
from yanglao.alarms.services.raising import alarm_raise
from yanglao.alarms.tests.builders import device
from yanglao.core.testing import factories
from yanglao.people.models import Elder

HUNAN = "310104004000"


def raise_alarm(
    elder: Elder,
    kind: str = AlarmKind.FALL,
    *,
    at: dt.datetime | None = None,
    device_kind: str = DeviceKind.WRISTBAND,
) -> Alarm:
    """A new alarm from a new device of ``elder`` (a wristband fall unless told), raised at ``at``."""
    alarm, created = alarm_raise(
        elder=elder, device=device(elder, device_kind), kind=kind, at=at or timezone.now()
    )
    assert created
    return alarm


def another_operator(username: str, regions: tuple[str, ...] = ("310104000000",)):
    """Another hotline operator (the district's unless told)."""
    return factories.user(role="operator", regions=list(regions), username=username)


def reload(alarm: Alarm) -> Alarm:
    return Alarm.objects.unscoped(reason="test").get(pk=alarm.pk)
