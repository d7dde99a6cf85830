"""Raising an alarm: the one write every source uses (a device message, a rule's watch, an incoming call).

While an alarm of a device and kind is open or being handled, a repeat adds to its ``repeats`` instead of making
a second one: an elder pressing SOS five times is one alarm that shows "5 次", not five operators' work. The
partial unique constraint ``alarm_one_open_per_device_kind`` holds it under concurrent ingesters too."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from yanglao.alarms.choices import AlarmKind, AlarmStatus, Severity
from yanglao.alarms.models import Alarm, Device, DeviceEvent
from yanglao.core import events
from yanglao.people.models import Elder

TOPIC = "alarms.alarm"

SEVERITY = {
    AlarmKind.SOS: Severity.CRITICAL,
    AlarmKind.FALL: Severity.CRITICAL,
    AlarmKind.SMOKE: Severity.CRITICAL,
    AlarmKind.GAS: Severity.CRITICAL,
    AlarmKind.CALL: Severity.CRITICAL,
    AlarmKind.HEART_RATE_HIGH: Severity.HIGH,
    AlarmKind.HEART_RATE_LOW: Severity.HIGH,
    AlarmKind.SPO2_LOW: Severity.HIGH,
    AlarmKind.WATER: Severity.HIGH,
    AlarmKind.NO_ACTIVITY: Severity.HIGH,
    AlarmKind.GEOFENCE: Severity.HIGH,
    AlarmKind.SERVICE: Severity.NORMAL,
    AlarmKind.OFFLINE: Severity.LOW,
    AlarmKind.LOW_BATTERY: Severity.LOW,
}


def alarm_raise(
    *,
    elder: Elder,
    kind: str,
    at: dt.datetime,
    device: Device | None = None,
    event: DeviceEvent | None = None,
    message: str = "",
    lat: float | None = None,
    lng: float | None = None,
    severity: int | None = None,
) -> tuple[Alarm, bool]:
    """The open alarm of this device and kind with one more repeat, or a new alarm. Returns (alarm, created).
    Publishes ``alarms.alarm`` on commit either way, so consoles show the new one or the new count at once."""
    with transaction.atomic(savepoint=False):
        alarm = _open_alarm(device, kind)
        created = False
        if alarm is None:
            try:
                with transaction.atomic():
                    alarm = Alarm.objects.create(
                        elder=elder,
                        region_id=elder.region_id,
                        device=device,
                        event=event,
                        kind=kind,
                        severity=severity or SEVERITY[AlarmKind(kind)],
                        message=message[:300],
                        lat=lat,
                        lng=lng,
                        raised_at=at,
                    )
                created = True
            except IntegrityError:  # another ingester raised it a moment ago: count ours on it
                alarm = _open_alarm(device, kind)
                if alarm is None:
                    raise
        if not created:
            Alarm.objects.unscoped(reason="repeat of an open alarm").filter(pk=alarm.pk).update(
                repeats=F("repeats") + 1, last_repeat_at=at
            )
            alarm.repeats += 1
            alarm.last_repeat_at = at
        if created:  # the escalation timer (alarms/escalation.py), set once the alarm is committed
            from yanglao.alarms import escalation

            escalation.schedule_on_commit(alarm.pk, alarm.raised_at)
        events.publish_on_commit(
            TOPIC,
            {
                "id": alarm.pk,
                "action": "raise" if created else "repeat",
                "kind": alarm.kind,
                "severity": alarm.severity,
            },
            region_code=alarm.region_id,
        )
    return alarm, created


def _open_alarm(device: Device | None, kind: str) -> Alarm | None:
    if device is None:
        return None
    return (
        Alarm.objects.unscoped(reason="the device's own open alarm")
        .filter(device=device, kind=kind)
        .exclude(status=AlarmStatus.CLOSED)
        .first()
    )
