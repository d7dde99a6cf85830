"""alarm_raise: one alarm per device and kind while it is open; repeats are counted on it."""

import pytest
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, AlarmStatus, Severity
from yanglao.alarms.models import Alarm
from yanglao.alarms.services.raising import alarm_raise
from yanglao.alarms.tests.builders import device
from yanglao.core.models import Event

pytestmark = pytest.mark.django_db


def test_repeats_fold_into_the_open_alarm_and_a_closed_one_does_not_absorb(person):
    band = device(person)
    now = timezone.now()
    first, made = alarm_raise(elder=person, device=band, kind=AlarmKind.SOS, at=now)
    again, made_again = alarm_raise(elder=person, device=band, kind=AlarmKind.SOS, at=now)
    assert made and not made_again and again.pk == first.pk
    first.refresh_from_db()
    assert first.repeats == 1 and first.severity == Severity.CRITICAL
    other_kind, _ = alarm_raise(elder=person, device=band, kind=AlarmKind.FALL, at=now)
    assert other_kind.pk != first.pk
    Alarm.objects.unscoped(reason="test").filter(pk=first.pk).update(status=AlarmStatus.CLOSED)
    later, made_later = alarm_raise(elder=person, device=band, kind=AlarmKind.SOS, at=now)
    assert made_later and later.pk != first.pk


def test_raising_publishes_a_scoped_event_without_personal_data(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alarm, _ = alarm_raise(elder=person, device=device(person), kind=AlarmKind.FALL, at=timezone.now())
    event = Event.objects.unscoped(reason="test").filter(topic="alarms.alarm").latest("pk")
    assert event.payload == {"id": alarm.pk, "action": "raise", "kind": "fall", "severity": 1}
    assert event.region_code == person.region_id
