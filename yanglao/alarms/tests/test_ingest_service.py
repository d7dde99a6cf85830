"""ingest_batch, the one service behind MQTT and HTTP: duplicates, refusals, flags, heartbeats, alarms, counters."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging

import pytest
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, DeviceKind, DeviceStatus
from yanglao.alarms.models import Alarm, AlarmRule, Device, DeviceEvent, IngestStat
from yanglao.alarms.rules import FloodGate
from yanglao.alarms.services import ingest
from yanglao.alarms.services.ingest import Incoming, ingest_batch
from yanglao.alarms.tests import builders
from yanglao.alarms.tests.builders import KEY
from yanglao.core.models import Event
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai: inside every default window
_ids = itertools.count(1)


def msg(dev, kind="vitals", *, values=None, msg_id=None, ts=None, key=KEY, received=None, header_key=""):
    body = {
        "msg_id": msg_id or f"m{next(_ids)}",
        "type": kind,
        "ts": (ts or received or NOW).isoformat(),
        "values": {"heart_rate": 72, "spo2": 97} if values is None and kind == "vitals" else (values or {}),
    }
    if key is not None:
        body["key"] = key
    serial = dev.serial if isinstance(dev, Device) else dev
    return Incoming(serial=serial, body=json.dumps(body).encode(), key=header_key, received_at=received)


def device(elder, kind=DeviceKind.WRISTBAND):
    """A device last heard from a minute before the tests' clock (the builder's "now" is today's)."""
    made = builders.device(elder, kind)
    Device.objects.unscoped(reason="test").filter(pk=made.pk).update(
        last_seen_at=NOW - dt.timedelta(minutes=1)
    )
    made.refresh_from_db()
    return made


def run(*batch, now=NOW, path="mqtt", gate=None):
    return ingest_batch(list(batch), path=path, now=now, gate=gate or FloodGate())


def events(dev):
    return DeviceEvent.objects.unscoped(reason="test").filter(device=dev)


def alarms(**filters):
    return Alarm.objects.unscoped(reason="test").filter(**filters)


@pytest.fixture
def band(person):
    return device(person, DeviceKind.WRISTBAND)


def test_a_message_is_stored_once_and_its_redelivery_is_a_duplicate(band):
    first = run(msg(band, msg_id="abc"))
    assert [r.status for r in first.results] == ["accepted"]
    assert first.results[0].event_id == events(band).get().pk
    again = run(msg(band, msg_id="abc"), msg(band, msg_id="abc"))
    assert [r.status for r in again.results] == ["duplicate", "duplicate"]
    assert events(band).count() == 1
    both = run(msg(band, msg_id="x1"), msg(band, msg_id="x1"))  # twice in one batch: one row
    assert [r.status for r in both.results] == ["accepted", "duplicate"]
    assert (first.counts.accepted, again.counts.duplicates, both.counts.duplicates) == (1, 2, 1)


def test_refusals_are_counted_by_reason_and_never_raise(band, person, caplog):
    lost = device(person, DeviceKind.ONE_KEY)
    Device.objects.unscoped(reason="test").filter(pk=lost.pk).update(status=DeviceStatus.LOST)
    batch = [
        msg("NO-SUCH-DEVICE"),
        msg(band, key="wrong-key"),
        msg(band, key=None),  # no key at all
        msg(lost),
        Incoming(serial=band.serial, body=b"\x00garbage 13912345678"),
        Incoming(serial="bad serial!", body=b"{}"),
        Incoming(serial=band.serial, body=json.dumps({"msg_id": "z", "type": "vitals"}).encode()),
        msg(band),
    ]
    with caplog.at_level(logging.DEBUG, logger="yanglao.alarms.ingest"):
        result = run(*batch)
    assert [(r.status, r.reason) for r in result.results] == [
        ("rejected", "auth"),
        ("rejected", "auth"),  # unknown device and wrong key answer alike
        ("rejected", "auth"),
        ("rejected", "inactive"),
        ("rejected", "malformed"),
        ("rejected", "malformed"),
        ("rejected", "malformed"),
        ("accepted", ""),
    ]
    assert result.results[6].field == "ts" and "时区" in result.results[6].message
    assert (result.counts.received, result.counts.rejected, result.counts.accepted) == (8, 7, 1)
    logged = caplog.text
    assert "rejected 7 of 8 device messages on mqtt (auth=3, inactive=1, malformed=3)" in logged
    assert "13912345678" not in logged and "garbage" not in logged and KEY not in logged
    stat = IngestStat.objects.get()
    assert (stat.received, stat.accepted, stat.rejected, stat.path) == (8, 1, 7, "mqtt")


def test_the_header_key_counts_instead_of_the_payloads(band):
    result = run(msg(band, key=None, header_key=KEY), msg(band, key=KEY, header_key="wrong"))
    assert [r.status for r in result.results] == ["accepted", "rejected"]


def test_heartbeats_make_no_rows_and_move_the_device(band):
    Device.objects.unscoped(reason="test").filter(pk=band.pk).update(online=False, last_seen_at=None)
    later = NOW + dt.timedelta(seconds=30)
    result = run(
        msg(band, "heartbeat", values={"battery": 81, "firmware": "2.0.1"}),
        msg(band, "heartbeat", values={"battery": 80}, received=later),
    )
    assert [r.status for r in result.results] == ["accepted", "accepted"]
    assert not events(band).exists()
    band.refresh_from_db()
    assert (band.last_seen_at, band.battery, band.firmware, band.online) == (later, 80, "2.0.1", True)
    run(msg(band, "heartbeat"), now=NOW - dt.timedelta(minutes=5))  # an older one never winds it back
    band.refresh_from_db()
    assert band.last_seen_at == later


def test_door_and_motion_messages_are_activity(person):
    door = device(person, DeviceKind.DOOR)
    run(msg(door, "door", values={"state": "open"}))
    door.refresh_from_db()
    assert door.last_activity_at == NOW and events(door).get().values == {"state": "open"}
    run(msg(door, "heartbeat"), now=NOW + dt.timedelta(minutes=1))
    door.refresh_from_db()
    assert door.last_activity_at == NOW  # a heartbeat is no activity


def test_sos_raises_one_alarm_and_repeats_fold_into_it(band, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = run(msg(band, "sos", values={"lat": 31.2076, "lng": 121.4441}, msg_id="s1"))
    alarm = alarms(device=band).get()
    assert first.results[0].alarm_id == alarm.pk and first.counts.alarms == 1
    assert (alarm.kind, alarm.severity, alarm.raised_at, alarm.lat) == (AlarmKind.SOS, 1, NOW, 31.2076)
    assert alarm.event_id == first.results[0].event_id and events(band).get().alarm_id == alarm.pk
    assert first.results[0].flags == ()
    run(msg(band, "sos", msg_id="s2"))
    run(msg(band, "sos", msg_id="s2"))  # redelivered: a duplicate, not another repeat
    alarm.refresh_from_db()
    assert alarms(device=band).count() == 1 and alarm.repeats == 1
    topics = Event.objects.unscoped(reason="test").filter(topic="alarms.alarm")
    # (The test's clock is fixed in the past, so the escalation timer may also have fired: not this test's.)
    actions = [e.payload["action"] for e in topics.order_by("pk")]
    assert [a for a in actions if a != "escalate"] == ["raise", "repeat"]


@pytest.mark.parametrize(
    ("kind", "values", "alarm"),
    [
        ("fall", {}, AlarmKind.FALL),
        ("smoke", {"level": 300}, AlarmKind.SMOKE),
        ("gas", {}, AlarmKind.GAS),
        ("water", {}, AlarmKind.WATER),
        ("service", {"button": "green"}, AlarmKind.SERVICE),
        ("no_motion", {"seconds": 20000}, AlarmKind.NO_ACTIVITY),
        ("low_battery", {"battery": 9}, AlarmKind.LOW_BATTERY),
        ("geofence", {"event": "exit", "lat": 31.22, "lng": 121.45}, AlarmKind.GEOFENCE),
    ],
)
def test_each_device_alarm_maps_to_its_kind(band, kind, values, alarm):
    result = run(msg(band, kind, values=values))
    assert alarms(device=band).get().kind == alarm and result.results[0].alarm_id


def test_messages_that_raise_nothing(band):
    run(
        msg(band, "geofence", values={"event": "enter"}),
        msg(band, "motion"),
        msg(band, "vitals", values={"heart_rate": 140}),  # one high reading is no sustained breach
    )
    assert not alarms().exists()


def test_emergencies_are_committed_before_the_rest_of_their_batch(band, person):
    other = device(person, DeviceKind.ONE_KEY)
    result = run(msg(band), msg(band), msg(other, "sos"), msg(band))
    sos_id = result.results[2].event_id
    assert sos_id < min(r.event_id for r in result.results if r.event_id != sos_id)


def test_a_clock_hours_off_is_flagged_and_judged_at_receive_time(band):
    result = run(msg(band, "sos", ts=NOW - dt.timedelta(hours=5)))
    assert result.results[0].flags == ("clock",) and result.counts.flagged == 1
    band.refresh_from_db()
    assert band.flagged == "clock"
    event = events(band).get()
    assert event.flags == "clock" and event.device_time == NOW - dt.timedelta(hours=5)
    assert alarms(device=band).get().raised_at == NOW


def test_out_of_order_messages_are_flagged_late(band):
    Device.objects.unscoped(reason="test").filter(pk=band.pk).update(last_seen_at=NOW)
    result = run(
        msg(band, ts=NOW - dt.timedelta(minutes=5), received=NOW + dt.timedelta(seconds=1)),
        msg(band, ts=NOW, received=NOW + dt.timedelta(seconds=1)),
    )
    assert [r.flags for r in result.results] == [("late",), ()]


def test_a_flooding_device_is_held_back_and_flagged_without_starving_others(band, person):
    healthy = device(person, DeviceKind.DOOR)
    gate = FloodGate(capacity=5, per_second=0.1)
    batch = [msg(band, "heartbeat") for _ in range(8)] + [msg(healthy, "door", values={"state": "open"})]
    batch.append(msg(band, "sos"))  # emergencies always pass
    result = run(*batch, gate=gate)
    statuses = [(r.status, r.reason) for r in result.results]
    assert statuses[:5] == [("accepted", "")] * 5 and statuses[5:8] == [("rejected", "flood")] * 3
    assert statuses[8:] == [("accepted", ""), ("accepted", "")]
    band.refresh_from_db()
    assert band.flagged == "flood"
    assert alarms(device=band, kind=AlarmKind.SOS).exists()


# ---------------------------------------------------------------- rules


def vitals(dev, seconds, heart_rate=None, spo2=None):
    values = {k: v for k, v in {"heart_rate": heart_rate, "spo2": spo2}.items() if v is not None}
    at = NOW + dt.timedelta(seconds=seconds)
    return run(msg(dev, "vitals", values=values, received=at), now=at)


def test_heart_rate_above_130_for_two_minutes_raises_once_sustained(band):
    vitals(band, 0, heart_rate=135)
    vitals(band, 60, heart_rate=140)
    assert not alarms().exists()
    result = vitals(band, 120, heart_rate=138)
    alarm = alarms(device=band).get()
    assert alarm.kind == AlarmKind.HEART_RATE_HIGH and result.results[0].alarm_id == alarm.pk
    assert alarm.message == "心率 138 次/分，高于 130 次/分，已持续 2 分钟"


def test_a_normal_reading_in_between_resets_the_duration(band):
    vitals(band, 0, heart_rate=135)
    vitals(band, 60, heart_rate=90)
    vitals(band, 120, heart_rate=138)
    vitals(band, 150, heart_rate=150)
    assert not alarms().exists()


def test_low_oxygen_and_slow_heart(band):
    vitals(band, 0, spo2=88, heart_rate=38)
    vitals(band, 60, spo2=87, heart_rate=39)
    assert list(alarms().values_list("kind", flat=True)) == [AlarmKind.SPO2_LOW]
    vitals(band, 120, spo2=89, heart_rate=35)
    assert set(alarms().values_list("kind", flat=True)) == {AlarmKind.SPO2_LOW, AlarmKind.HEART_RATE_LOW}


def test_region_and_person_rules_override_the_default(band, person):
    AlarmRule.objects.create(kind="hr_high", region_id="310104000000", threshold=150, is_default=False)
    vitals(band, 0, heart_rate=140)
    vitals(band, 130, heart_rate=140)
    assert not alarms().exists()  # the district raised the bar to 150
    AlarmRule.objects.create(
        kind="hr_high", elder=person, threshold=120, duration_seconds=0, is_default=False
    )
    vitals(band, 140, heart_rate=125)
    assert alarms(kind=AlarmKind.HEART_RATE_HIGH).exists()  # her own rule: above 120, at once


def test_a_silenced_person_rule_raises_nothing(band, person):
    AlarmRule.objects.create(
        kind="low_battery",
        elder=person,
        threshold=20,
        silence_until=NOW + dt.timedelta(hours=1),
        is_default=False,
    )
    run(msg(band, "low_battery", values={"battery": 5}))
    run(msg(band, "heartbeat", values={"battery": 5}))
    assert not alarms().exists()
    run(msg(band, "sos"))  # an SOS is never silenced
    assert alarms(kind=AlarmKind.SOS).exists()


def test_low_battery_alarm_when_the_battery_falls_below_the_rule(band):
    run(msg(band, "heartbeat", values={"battery": 25}))
    run(msg(band, "heartbeat", values={"battery": 19}))
    run(msg(band, "heartbeat", values={"battery": 18}))
    alarm = alarms(kind=AlarmKind.LOW_BATTERY).get()
    assert alarm.repeats == 0 and alarm.message == "设备电量 19%，低于 20%" and alarm.event_id is None


def test_geofence_for_people_with_dementia(band, person, street_officer):
    far = {"heart_rate": 80, "lat": 31.2175, "lng": 121.444}  # about 1.1 km north of home
    run(msg(band, "vitals", values=far))
    assert not alarms().exists()  # no dementia on record
    person.chronic_conditions = ["dementia"]
    person.save(update_fields=["chronic_conditions"])
    run(msg(band, "vitals", values={**far, "lat": 31.2080}))  # 55 m: inside the fence
    assert not alarms().exists()
    run(msg(band, "vitals", values=far))
    alarm = alarms(kind=AlarmKind.GEOFENCE).get()
    assert alarm.message.startswith("离家约 1112 米") and alarm.lat == 31.2175
    other = people_factories.elder(actor=street_officer, name="李建国", lat=31.2075, lng=121.444)
    theirs = device(other)
    AlarmRule.objects.create(kind="geofence", elder=other, threshold=300, is_default=False)
    run(msg(theirs, "vitals", values={**far, "lat": 31.2110}))  # ~390 m, beyond their own 300 m
    assert alarms(kind=AlarmKind.GEOFENCE, elder=other).exists()


def test_counters_add_up_per_minute_and_path(band):
    run(msg(band), msg(band, msg_id="d"), path="mqtt")
    run(msg(band, msg_id="d"), msg("NOPE"), path="mqtt", now=NOW + dt.timedelta(seconds=30))
    run(msg(band), path="http")
    rows = {s.path: s for s in IngestStat.objects.all()}
    assert (rows["mqtt"].received, rows["mqtt"].accepted, rows["mqtt"].duplicates, rows["mqtt"].rejected) == (
        4,
        2,
        1,
        1,
    )
    assert rows["http"].received == 1 and rows["mqtt"].minute == NOW


def test_the_literal_tables_are_the_models():
    assert Device._meta.db_table in ingest.PG_UPDATE_DEVICES and Device._meta.db_table in ingest.UPDATE_DEVICE
    assert DeviceEvent._meta.db_table in ingest.PG_INSERT_EVENTS
    assert IngestStat._meta.db_table in ingest.UPSERT_STATS
    assert DeviceEvent._meta.get_field("region").column == "region_code"


def test_an_unknown_path_is_a_programming_error():
    with pytest.raises(ValueError):
        ingest_batch([], path="carrier-pigeon")


def test_now_defaults_to_the_clock(band):
    result = ingest_batch([msg(band, ts=timezone.now())], path="http")
    assert result.results[0].status == "accepted"
