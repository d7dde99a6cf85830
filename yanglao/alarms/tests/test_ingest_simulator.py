"""The simulator: its traffic keeps the message contract, and ``simulate-devices --create`` sends over MQTT (to
an ingester on the real broker) and over HTTP (to the live server)."""

from __future__ import annotations

import datetime as dt
import io
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from yanglao.alarms import messages, simulation
from yanglao.alarms.devicekeys import key_matches
from yanglao.alarms.models import Device, IngestStat
from yanglao.alarms.tests.test_ingest_mqtt import reachable, start_ingester, stop_ingester, unique, wait_for

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def sim_devices(n: int) -> list[simulation.SimDevice]:
    kinds = ["wristband", "one_key", "door", "motion", "smoke", "fall_detector"]
    return [
        simulation.SimDevice(simulation.sim_serial(i), f"k{i}", kinds[i % len(kinds)], (31.2, 121.44))
        for i in range(n)
    ]


def test_generated_messages_keep_the_contract_and_take_turns():
    traffic = simulation.Traffic(
        sim_devices(12), seed=7, mix=simulation.Mix(sos=0.01, fall=0.01, service=0.01)
    )
    seen: Counter = Counter()
    ids = set()
    for device, payload in traffic.messages(NOW, 12_000):
        message = messages.parse(payload)  # every generated payload is a valid message
        assert message.key == device.key and message.ts == NOW
        seen[(device.kind, message.type)] += 1
        ids.add(message.msg_id)
    assert len(ids) == 12_000  # message ids never repeat
    assert seen[("wristband", "vitals")] > seen[("wristband", "heartbeat")] > 0
    assert seen[("wristband", "sos")] > 0 and seen[("wristband", "fall")] > 0
    assert seen[("door", "door")] > 0 and seen[("motion", "motion")] > 0
    assert {t for (k, t) in seen if k == "smoke"} == {"heartbeat"}
    per_device = Counter()
    for device, _ in simulation.Traffic(sim_devices(5), seed=1).messages(NOW, 50):
        per_device[device.serial] += 1
    assert set(per_device.values()) == {10}  # each device speaks in turn


def test_keys_are_derived_from_the_secret():
    assert simulation.sim_key("SIM-0000001", "a") == simulation.sim_key("SIM-0000001", "a")
    assert simulation.sim_key("SIM-0000001", "a") != simulation.sim_key("SIM-0000001", "b")
    assert simulation.sim_key("SIM-0000001", "a") != simulation.sim_key("SIM-0000002", "a")


@pytest.mark.skipif(not reachable(), reason="Mosquitto is not reachable at 127.0.0.1:1883")
def test_simulate_devices_over_mqtt(transactional_db, person, district_officer):
    prefix, group = unique("t") + "/yanglao", unique("g")
    ingester = start_ingester(prefix, group)
    out = io.StringIO()
    try:
        call_command(
            "simulate_devices",
            "--create",
            "--devices",
            "10",
            "--rate",
            "40",
            "--seconds",
            "1",
            "--prefix",
            prefix,
            "--seed",
            "3",
            "--user",
            district_officer.username,
            stdout=out,
        )
        sent = int(out.getvalue().split("已发送 ")[1].split(" 条")[0])
        wait_for(lambda: ingester.totals.received >= sent, what="the simulated messages")
    finally:
        stop_ingester(ingester)
    assert "模拟设备：新登记 10 台，已有 0 台" in out.getvalue()
    assert ingester.totals.rejected == 0 and ingester.totals.accepted == sent >= 30
    devices = Device.objects.unscoped(reason="test").filter(serial__startswith="SIM-")
    assert devices.count() == 10 and {d.elder_id for d in devices} == {person.pk}
    assert key_matches(
        simulation.sim_key("SIM-0000001", settings.SECRET_KEY), devices.get(serial="SIM-0000001").key_hash
    )


def test_simulate_devices_over_http(live_server, person, district_officer):
    # The live server's first request loads every URL and the API: not the simulator's seconds to spend.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(live_server.url + "/api/v1/devices/events", timeout=30)  # noqa: S310 -- http
    out = io.StringIO()
    call_command(
        "simulate_devices",
        "--create",
        "--devices",
        "4",
        "--via",
        "http",
        "--url",
        live_server.url,
        "--rate",
        "10",
        "--seconds",
        "2",
        "--user",
        district_officer.username,
        stdout=out,
    )
    sent = int(out.getvalue().split("已发送 ")[1].split(" 条")[0])
    received = sum(IngestStat.objects.filter(path="http").values_list("received", flat=True))
    accepted = sum(IngestStat.objects.filter(path="http").values_list("accepted", flat=True))
    assert sent >= 5 and received == accepted == sent


def test_without_simulated_devices_the_command_says_so(district_officer):
    with pytest.raises(CommandError) as refused:
        call_command(
            "simulate_devices", "--devices", "3", "--seconds", "1", "--user", district_officer.username
        )
    assert "--create" in str(refused.value)
