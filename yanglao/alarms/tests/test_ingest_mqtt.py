"""The MQTT ingester against the real Mosquitto (127.0.0.1:1883; a private broker for the restart test): rows,
lanes, garbage, a shared group of two, a broker restart, and ``kill -9`` of the ingester process mid-stream.

Each test uses its own topic prefix, group and client ids, so tests never see each other's messages. On SQLite
the test database lives in memory: the ingester's threads share the test's connection, one batch at a time;
the subprocess test needs PostgreSQL (run with DATABASE_URL=postgres://…, as CI's second pass does).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from django.db import connection
from django.utils import timezone

from yanglao.alarms import mqtt
from yanglao.alarms.choices import AlarmKind, DeviceKind
from yanglao.alarms.models import Alarm, Device, DeviceEvent, IngestStat
from yanglao.alarms.services.ingest import Incoming, ingest_batch
from yanglao.alarms.tests.builders import device
from yanglao.alarms.tests.mqtt_support import (
    HOST,
    PORT,
    payload,
    publish,
    reachable,
    start_ingester,
    stop_ingester,
    unique,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[3]


pytestmark = pytest.mark.skipif(
    not reachable(), reason="Mosquitto is not reachable at 127.0.0.1:1883 (CI runs it)"
)


@pytest.fixture(autouse=True)
def committed(transactional_db):
    """The ingester commits from its own threads or process: tests see committed rows (transactional_db by
    name, so the shared teardown hook reloads the reference data the flush removes)."""


def rows(dev=None):
    qs = DeviceEvent.objects.unscoped(reason="test")
    return qs.filter(device=dev) if dev is not None else qs


@pytest.fixture
def band(person):
    return device(person, DeviceKind.WRISTBAND)


def test_messages_published_over_mqtt_become_rows_and_alarms(band):
    prefix, group = unique("t") + "/yanglao", unique("g")
    ingester = start_ingester(prefix, group)
    try:
        publish(
            prefix,
            [
                (band.serial, payload("vitals", "v1")),
                (band.serial, payload("heartbeat", "h1", {"battery": 77})),
                (band.serial, payload("fall", "f1", {"lat": 31.2076, "lng": 121.4441})),
                (band.serial, payload("vitals", "v1")),  # the same message again
                (band.serial, b"\xde\xad not json"),
                ("UNKNOWN-1", payload("sos", "s1")),
            ],
        )
        wait_for(lambda: ingester.totals.received >= 6, what="six messages")
    finally:
        stop_ingester(ingester)
    totals = ingester.totals
    assert (totals.accepted, totals.duplicates, totals.rejected, totals.alarms) == (3, 1, 2, 1)
    assert sorted(rows(band).values_list("msg_id", flat=True)) == ["f1", "v1"]
    alarm = Alarm.objects.unscoped(reason="test").get(device=band)
    assert alarm.kind == AlarmKind.FALL and alarm.lat == 31.2076
    band.refresh_from_db()
    assert band.battery == 77
    stat = IngestStat.objects.get(path="mqtt")
    assert (stat.received, stat.accepted, stat.duplicates, stat.rejected) == (6, 3, 1, 2)


def test_garbage_never_stops_the_ingester(band):
    prefix, group = unique("t") + "/yanglao", unique("g")
    ingester = start_ingester(prefix, group)
    garbage = [
        b"",
        b"null",
        b"[]",
        b"{",
        b"\x00" * 100,
        b"x" * 10_000,
        json.dumps({"msg_id": "a", "type": "sos"}).encode(),  # no time
        json.dumps({**payload("vitals"), "values": {"heart_rate": "lots"}}).encode(),
        json.dumps(payload("vitals", key="wrong")).encode(),
        "心率很高".encode(),
    ]
    try:
        publish(prefix, [(band.serial, body) for body in garbage] + [("bad serial", payload())])
        publish(prefix, [(band.serial, payload("vitals", "after-the-garbage"))])
        wait_for(lambda: ingester.totals.received >= len(garbage) + 2, what="garbage and one good message")
    finally:
        stop_ingester(ingester)
    assert ingester.totals.rejected == len(garbage) + 1 and ingester.totals.accepted == 1
    assert list(rows(band).values_list("msg_id", flat=True)) == ["after-the-garbage"]


def test_a_bug_in_one_message_is_isolated_and_the_rest_is_committed(band):
    """A batch that fails for a reason other than the database is split until the one message at fault is
    found; it is logged and let go, the others are committed."""

    def fussy(batch, **options):
        if any(b'"poison"' in (i.body if isinstance(i.body, bytes) else b"") for i in batch):
            raise RuntimeError("a bug met this message")
        return ingest_batch(batch, **options)

    prefix, group = unique("t") + "/yanglao", unique("g")
    ingester = start_ingester(prefix, group, ingest=fussy, batch_wait=0.5)
    try:
        publish(prefix, [(band.serial, payload("vitals", n)) for n in ("a", "b", "poison", "c", "d")])
        wait_for(lambda: ingester.totals.received >= 5, what="five messages")
    finally:
        stop_ingester(ingester)
    assert sorted(rows(band).values_list("msg_id", flat=True)) == ["a", "b", "c", "d"]


def test_emergencies_take_their_own_lane():
    """Routing alone, without a broker round trip: an SOS, a fall, smoke and gas go to the emergency queue,
    everything else (and what cannot be read) to the bulk queue."""
    ingester = mqtt.Ingester(url=f"mqtt://{HOST}:{PORT}", prefix="p")
    for number, body in enumerate(
        [payload("sos"), payload("heartbeat"), payload("fall"), payload("smoke"), payload("gas"), b"junk"]
    ):
        message = paho.MQTTMessage(mid=number + 1, topic=b"p/devices/X1/events")
        message.payload = json.dumps(body).encode() if isinstance(body, dict) else body
        message.qos = 1
        ingester._on_message(ingester.client, None, message)
    emergencies = [ingester.emergencies.get_nowait().mid for _ in range(ingester.emergencies.qsize())]
    assert emergencies == [1, 3, 4, 5]
    assert ingester.bulk.qsize() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lanes in parallel need a database per thread")
def test_an_sos_is_committed_while_a_slow_batch_of_heartbeats_is_still_running(band, person):
    button = device(person, DeviceKind.ONE_KEY)
    slow_started, release = threading.Event(), threading.Event()

    def slow_bulk(batch, **options):
        if not any(isinstance(i.body, dict) and i.body.get("type") == "sos" for i in batch):
            slow_started.set()
            release.wait(10)
        return ingest_batch(batch, **options)

    prefix, group = unique("t") + "/yanglao", unique("g")
    ingester = start_ingester(prefix, group, ingest=slow_bulk)
    try:
        publish(prefix, [(band.serial, payload("heartbeat")) for _ in range(50)])
        assert slow_started.wait(10)
        publish(prefix, [(button.serial, payload("sos", "red-button"))])
        wait_for(
            lambda: Alarm.objects.unscoped(reason="test").filter(device=button).exists(),
            timeout=5,
            what="the SOS alarm while heartbeats wait",
        )
        assert not release.is_set()
    finally:
        release.set()
        stop_ingester(ingester)


def test_two_ingesters_in_one_group_share_the_messages(person):
    bands = [device(person, DeviceKind.WRISTBAND) for _ in range(4)]
    prefix, group = unique("t") + "/yanglao", unique("g")
    first, second = start_ingester(prefix, group), start_ingester(prefix, group)
    try:
        publish(prefix, [(bands[n % 4].serial, payload("vitals", f"m{n}")) for n in range(40)])
        wait_for(lambda: first.totals.received + second.totals.received >= 40, what="forty messages")
    finally:
        stop_ingester(first)
        stop_ingester(second)
    assert first.totals.accepted > 0 and second.totals.accepted > 0
    assert first.totals.accepted + second.totals.accepted == 40 == rows().count()


# ---------------------------------------------------------------- faults


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_broker(port: int, workdir: Path) -> subprocess.Popen:
    conf = workdir / "mosquitto.conf"
    conf.write_text(
        f"listener {port} {HOST}\nallow_anonymous true\npersistence true\n"
        f"persistence_location {workdir}/\nautosave_interval 1\nmax_queued_messages 0\n"
    )
    broker = subprocess.Popen(  # noqa: S603 -- the system's mosquitto with our config
        [shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: reachable(HOST, port), timeout=10, what="the private broker")
    return broker


@pytest.mark.skipif(
    not (shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists()), reason="no mosquitto"
)
def test_the_ingester_reconnects_when_the_broker_restarts(band, tmp_path):
    port = free_port()
    broker = start_broker(port, tmp_path)
    prefix, group = unique("t") + "/yanglao", unique("g")
    ingester = start_ingester(prefix, group, port=port)
    try:
        publish(prefix, [(band.serial, payload("vitals", "before"))], port=port)
        wait_for(lambda: ingester.totals.accepted >= 1, what="the first message")
        broker.send_signal(signal.SIGTERM)  # a clean broker stop saves its sessions
        broker.wait(10)
        wait_for(lambda: not ingester.connected.is_set(), timeout=10, what="the lost connection")
        broker = start_broker(port, tmp_path)
        wait_for(lambda: ingester.connected.is_set(), timeout=30, what="the reconnection")
        publish(prefix, [(band.serial, payload("vitals", "after"))], port=port)
        wait_for(lambda: ingester.totals.accepted >= 2, what="the message after the restart")
    finally:
        stop_ingester(ingester)
        broker.terminate()
        broker.wait(10)
    assert sorted(rows(band).values_list("msg_id", flat=True)) == ["after", "before"]


def database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def ingest_process(prefix: str, group: str, client_id: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "yanglao.settings.test"}
    return subprocess.Popen(  # noqa: S603 -- this interpreter and our own command
        [
            sys.executable,
            "-m",
            "yanglao.cli",
            "mqtt-ingest",
            "--url",
            f"mqtt://{HOST}:{PORT}",
            "--group",
            group,
            "--client-id",
            client_id,
            "--prefix",
            prefix,
            "--batch-size",
            "50",
            "--report-every",
            "1",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
    )


def prepare_session(prefix: str, group: str, client_id: str, expiry: int = 120) -> None:
    """Make the ingester's persistent session (and its shared subscription) on the broker before it runs,
    as a deployed ingester's session exists: from now on the broker keeps its messages."""
    made, connect = mqtt.client(url=f"mqtt://{HOST}:{PORT}", client_id=client_id, session_expiry=expiry)
    made.on_connect = lambda c, *_: c.subscribe(f"$share/{group}/{mqtt.topic_filter(prefix)}", qos=1)
    subscribed = threading.Event()
    made.on_subscribe = lambda *_: subscribed.set()
    connect()
    made.loop_start()
    try:
        assert subscribed.wait(10), "the session could not subscribe"
    finally:
        made.disconnect()
        made.loop_stop()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process needs PostgreSQL's test database"
)
def test_kill_9_mid_stream_loses_nothing_and_duplicates_nothing(person, tmp_path):
    """Publish N QoS 1 messages at a steady pace; kill -9 the ingester once some have been stored; start it
    again with the same client id: exactly N rows, and the broker's redeliveries were counted as duplicates."""
    bands = [device(person, DeviceKind.WRISTBAND) for _ in range(60)]  # ten each: no device floods
    prefix, group, client_id = unique("t") + "/yanglao", unique("g"), unique("kill-")
    total = 600
    prepare_session(prefix, group, client_id)
    process = ingest_process(prefix, group, client_id, tmp_path / "ingest.log")
    sender = threading.Thread(
        target=publish,
        args=(prefix, [(bands[n % 60].serial, payload("vitals", f"k{n:04d}")) for n in range(total)]),
        kwargs={"pace": 0.004},
    )
    try:
        sender.start()
        wait_for(lambda: rows().count() >= total // 4, timeout=30, what="a quarter of the messages stored")
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stored_at_kill = rows().count()
        process = ingest_process(prefix, group, client_id, tmp_path / "ingest.log")
        sender.join(60)
        try:
            wait_for(lambda: rows().count() >= total, timeout=60, what="every message after the restart")
        except AssertionError:
            print((tmp_path / "ingest.log").read_text()[-5000:])
            raise
        time.sleep(1.0)  # anything late (a duplicate) would land now
    finally:
        sender.join(60)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        prepare_session(prefix, group, client_id, expiry=0)  # leave no session behind on the broker
    assert stored_at_kill < total, "the kill came too late to test anything"
    ids = list(rows().values_list("msg_id", flat=True))
    assert len(ids) == len(set(ids)) == total
    stats = IngestStat.objects.filter(path="mqtt")
    received = sum(s.received for s in stats)
    accepted = sum(s.accepted for s in stats)
    duplicates = sum(s.duplicates for s in stats)
    assert accepted == total and received == accepted + duplicates


def test_device_rows_keep_their_region(band):
    """The rows the ingester writes carry the device's community (scoped lists never join)."""
    ingest_batch(
        [Incoming(serial=band.serial, body=payload("vitals"), received_at=timezone.now())], path="mqtt"
    )
    row = rows(band).get()
    assert row.region_id == band.region_id and row.elder_id == band.elder_id
    assert Device.objects.unscoped(reason="test").get(
        pk=band.pk
    ).last_seen_at > timezone.now() - dt.timedelta(minutes=1)
