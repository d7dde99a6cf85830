"""The watch: devices going offline after missed heartbeats, people living alone without activity, once each;
the periodic task and the commands alarm-watch and alarm-stats."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from yanglao.alarms import tasks
from yanglao.alarms.choices import AlarmKind, AlarmStatus, DeviceKind
from yanglao.alarms.models import Alarm, AlarmRule, Device, IngestStat
from yanglao.alarms.services.ingest import Incoming, ingest_batch
from yanglao.alarms.services.watch import alarm_watch
from yanglao.alarms.tests.builders import KEY, device
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
NIGHT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # 23:00 in Shanghai


def seen(dev, *, ago=None, activity_ago=None, now=NOW):
    changes = {}
    if ago is not None:
        changes["last_seen_at"] = now - ago
    if activity_ago is not None:
        changes["last_activity_at"] = now - activity_ago
    Device.objects.unscoped(reason="test").filter(pk=dev.pk).update(**changes)
    dev.refresh_from_db()
    return dev


def alarms(**filters):
    return Alarm.objects.unscoped(reason="test").filter(**filters)


def minutes(n):
    return dt.timedelta(minutes=n)


def hours(n):
    return dt.timedelta(hours=n)


def test_a_device_silent_for_three_heartbeats_goes_offline_once(person):
    quiet = seen(device(person, DeviceKind.WRISTBAND), ago=minutes(16))  # heartbeat every 5 minutes
    fine = seen(device(person, DeviceKind.ONE_KEY), ago=minutes(14))
    assert alarm_watch(now=NOW) == {"offline": 1, "no_activity": 0}
    quiet.refresh_from_db()
    fine.refresh_from_db()
    assert not quiet.online and fine.online
    alarm = alarms(device=quiet).get()
    assert alarm.kind == AlarmKind.OFFLINE and alarm.message == "设备已 16 分钟未上报（心跳间隔 5 分钟）"
    assert alarm_watch(now=NOW + dt.timedelta(seconds=30))["offline"] == 0  # already offline: no second alarm
    assert alarms(device=quiet).get().repeats == 0


def test_back_online_with_any_message(person):
    quiet = seen(device(person), ago=minutes(30))
    alarm_watch(now=NOW)
    body = {"msg_id": "back", "type": "heartbeat", "ts": NOW.isoformat(), "key": KEY}
    ingest_batch([Incoming(serial=quiet.serial, body=body)], path="mqtt", now=NOW)
    quiet.refresh_from_db()
    assert quiet.online and quiet.last_seen_at == NOW


def test_the_number_of_missed_heartbeats_is_a_rule(person):
    quiet = seen(device(person), ago=minutes(16))
    AlarmRule.objects.create(kind="heartbeat_missed", region_id="310104000000", threshold=5, is_default=False)
    assert alarm_watch(now=NOW)["offline"] == 0
    AlarmRule.objects.create(kind="heartbeat_missed", elder=person, threshold=2, is_default=False)
    other = seen(device(person), ago=minutes(11))
    assert alarm_watch(now=NOW)["offline"] == 2  # her own rule: two intervals
    assert not Device.objects.unscoped(reason="test").get(pk=other.pk).online and quiet.pk


def test_devices_never_heard_from_and_inactive_ones_are_left_alone(person):
    new = device(person)
    Device.objects.unscoped(reason="test").filter(pk=new.pk).update(last_seen_at=None)
    returned = seen(device(person), ago=hours(5))
    Device.objects.unscoped(reason="test").filter(pk=returned.pk).update(status="returned")
    assert alarm_watch(now=NOW)["offline"] == 0


def test_no_activity_for_twelve_hours_by_day_raises_once_per_silence(person):
    door = seen(device(person, DeviceKind.DOOR), ago=minutes(1), activity_ago=hours(12) + minutes(1))
    assert alarm_watch(now=NOW) == {"offline": 0, "no_activity": 1}
    alarm = alarms(kind=AlarmKind.NO_ACTIVITY).get()
    assert alarm.device_id == door.pk and alarm.message == "独居老人已 12 小时无门磁或活动感应记录"
    assert alarm_watch(now=NOW + minutes(1))["no_activity"] == 0  # the same silence: no second alarm
    alarms().update(status=AlarmStatus.CLOSED)
    assert alarm_watch(now=NOW + minutes(2))["no_activity"] == 0  # closed, but still the same silence
    seen(door, ago=minutes(1), activity_ago=hours(13), now=NOW + hours(14))  # moved at 11:00, silent since
    assert alarm_watch(now=NOW + hours(14))["no_activity"] == 0  # 00:00: outside the window
    later = NOW + hours(22)  # 08:00 next day, 21 hours after the last activity
    seen(door, ago=minutes(1), activity_ago=hours(21), now=later)
    assert alarm_watch(now=later)["no_activity"] == 1
    assert alarms(kind=AlarmKind.NO_ACTIVITY).count() == 2


def test_no_activity_only_for_people_living_alone_and_by_their_rule(person, street_officer):
    with_family = people_factories.elder(
        actor=street_officer, name="赵大爷", living_arrangement="with_children"
    )
    seen(device(with_family, DeviceKind.MOTION), ago=minutes(1), activity_ago=hours(20))
    mine = seen(device(person, DeviceKind.MOTION), ago=minutes(1), activity_ago=hours(5))
    assert alarm_watch(now=NOW)["no_activity"] == 0
    AlarmRule.objects.create(kind="no_activity", elder=person, duration_seconds=4 * 3600, is_default=False)
    assert alarm_watch(now=NOW)["no_activity"] == 1  # her own rule: 4 hours, all day
    assert alarms(kind=AlarmKind.NO_ACTIVITY).get().device_id == mine.pk
    seen(mine, ago=minutes(1), activity_ago=hours(20), now=NIGHT)
    AlarmRule.objects.filter(elder=person).update(silence_until=NIGHT + hours(1))
    assert alarm_watch(now=NIGHT)["no_activity"] == 0  # silenced


def test_the_periodic_task_runs_the_watch(person):
    seen(device(person), ago=hours(1))
    assert tasks.watch_devices.call_local() == {"offline": 1, "no_activity": 0}


def test_alarm_watch_command(person):
    seen(device(person), ago=hours(1))
    out = io.StringIO()
    call_command("alarm_watch", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"offline": 1, "no_activity": 0}


def test_alarm_stats_prints_exactly_the_counters(person):
    band = device(person)
    IngestStat.objects.create(
        minute=NOW - hours(2), path="mqtt", received=10, accepted=7, duplicates=1, rejected=2
    )
    IngestStat.objects.create(minute=NOW, path="http", received=5, accepted=5)
    Alarm.objects.create(
        elder=person, region_id=person.region_id, device=band, kind="sos", severity=1, raised_at=NOW
    )
    out = io.StringIO()
    call_command("alarm_stats", "--json", stdout=out)
    assert out.getvalue().strip() == (
        '{"received": 15, "accepted": 12, "duplicates": 1, "rejected": 2, "alarms_open": 1}'
    )
    out = io.StringIO()
    call_command("alarm_stats", "--json", "--since", (NOW - hours(1)).isoformat(), stdout=out)
    assert json.loads(out.getvalue()) == {
        "received": 5,
        "accepted": 5,
        "duplicates": 0,
        "rejected": 0,
        "alarms_open": 1,
    }
    out = io.StringIO()
    call_command("alarm_stats", stdout=out)
    assert out.getvalue().strip() == "接收 15 条，受理 12，重复 1，拒收 2；未结案报警 1 起"
    with pytest.raises(CommandError) as refused:
        call_command("alarm_stats", "--since", "last tuesday")
    assert refused.value.returncode == 2
