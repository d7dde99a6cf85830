"""The alarm centre's demo step: devices whose keys the simulator can derive, a month of alarms the SLA report
can count, three open alarms, today's care calls for the demo operator, and consistent visit tasks."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from yanglao.alarms.choices import AlarmStatus, CareCallStatus, VisitReason, VisitTaskStatus
from yanglao.alarms.demo import demo_device_key
from yanglao.alarms.devicekeys import key_matches
from yanglao.alarms.models import Alarm, AlarmAction, CallRecord, CareCall, Device, DeviceEvent, VisitTask
from yanglao.core import demo
from yanglao.core.models import User
from yanglao.core.testing.fixtures import load_reference_data

pytestmark = pytest.mark.django_db


def rows(model):
    return model.objects.unscoped(reason="test")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small demo for every test of this module (the people step is the slow part)."""
    with django_db_blocker.unblock():
        demo.run(scale=0.01, seed=3, steps=["alarms"], log=lambda _: None)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        load_reference_data()


def test_devices_have_plausible_state_and_keys_the_simulator_can_derive(seeded):
    devices = rows(Device).filter(serial__startswith="XH")
    assert devices.count() > 50
    kinds = dict(devices.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    assert {"wristband", "one_key", "door"} <= set(kinds)
    assert all(key_matches(demo_device_key(d.serial), d.key_hash) for d in devices[:20])
    assert demo_device_key("XHW000001") == demo_device_key("XHW000001") != demo_device_key("XHW000002")
    assert not devices.exclude(elder__living_arrangement="alone").exists()
    assert devices.filter(online=False).count() < devices.count() * 0.1
    assert not devices.filter(kind="one_key", battery__isnull=False).exists()


def test_a_month_of_closed_alarms_mostly_claimed_within_a_minute(seeded):
    closed = rows(Alarm).filter(status=AlarmStatus.CLOSED)
    assert closed.count() > 20
    waits = [(a.claimed_at - a.raised_at).total_seconds() for a in closed]
    within_60 = sum(w <= 60 for w in waits) / len(waits)
    assert 0.8 <= within_60 < 1 or len(waits) < 40  # a few later, so the SLA report shows a gap
    assert not closed.filter(closed_at__lt=F("claimed_at")).exists()
    assert not closed.filter(outcome="").exists()
    oldest = timezone.now() - dt.timedelta(days=31)
    assert not closed.filter(raised_at__lt=oldest).exists()
    # every closed alarm has its claim and close steps, in time order
    for alarm in closed[:30]:
        kinds = list(
            rows(AlarmAction).filter(alarm=alarm).order_by("at", "pk").values_list("kind", flat=True)
        )
        assert "claim" in kinds and kinds[-1] == "close"
    late = closed.filter(escalation_level__gt=0)
    assert all((a.claimed_at - a.raised_at).total_seconds() >= 30 for a in late)
    assert rows(CallRecord).filter(alarm__isnull=False).exists()
    assert (
        rows(CallRecord).filter(abandoned=True, answered_at__isnull=True).exists()
        or rows(CallRecord).count() < 30
    )


def test_three_open_alarms_now(seeded):
    open_ = rows(Alarm).exclude(status=AlarmStatus.CLOSED)
    assert sorted(open_.values_list("kind", flat=True)) == ["fall", "low_battery", "sos"]
    assert all(a.event_id and rows(DeviceEvent).get(pk=a.event_id).alarm_id == a.pk for a in open_)


def test_the_demo_operator_has_todays_care_calls_with_some_done(seeded):
    operator = User.objects.get(username="operator")
    today = timezone.localdate()
    mine = rows(CareCall).filter(due_on=today, operator=operator)
    assert mine.filter(status=CareCallStatus.DUE).exists()
    assert mine.exclude(status=CareCallStatus.DUE).exists()
    assert User.objects.filter(role="operator").count() == 6
    assert rows(CareCall).filter(due_on__lt=today, status=CareCallStatus.DUE).count() == 0


def test_visit_tasks_are_consistent_with_the_calls(seeded):
    tasks = rows(VisitTask)
    missed = tasks.filter(reason=VisitReason.MISSED_CARE_CALLS)
    assert missed.filter(status=VisitTaskStatus.OPEN).count() >= 3
    assert missed.filter(status=VisitTaskStatus.CLOSED).exists()
    for task in missed.filter(status=VisitTaskStatus.OPEN):
        last = list(
            rows(CareCall)
            .filter(elder=task.elder, due_on__lt=timezone.localdate())
            .order_by("-called_at")
            .values_list("status", flat=True)[:3]
        )
        assert last == ["missed"] * 3
    alarm_visits = tasks.filter(reason=VisitReason.ALARM)
    assert not alarm_visits.filter(alarm__isnull=True).exists()
    linked = rows(AlarmAction).filter(kind="dispatch_community", visit_task__isnull=False).count()
    assert linked == alarm_visits.count()


def test_running_again_adds_nothing_and_the_command_gives_out_calls(seeded):
    before = (rows(Device).count(), rows(Alarm).count(), rows(CareCall).count())
    demo.run(scale=0.01, seed=3, steps=["alarms"], log=lambda _: None)
    assert (rows(Device).count(), rows(Alarm).count(), rows(CareCall).count()) == before
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    out = io.StringIO()
    call_command("care_calls", date=tomorrow.isoformat(), stdout=out)
    assert "主动关怀：新生成" in out.getvalue()
    assert rows(CareCall).filter(due_on=tomorrow).exists()
