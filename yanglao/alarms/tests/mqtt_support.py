"""Talking to the real Mosquitto from tests: an in-process ingester on its own topic prefix and group, a QoS 1
publisher, device payloads. Shared by the ingester's tests and the operator's journey in the browser."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid

import paho.mqtt.client as paho
from django.db import connection, connections
from django.utils import timezone

from yanglao.alarms import mqtt
from yanglao.alarms.tests.builders import KEY

HOST, PORT = "127.0.0.1", 1883


def reachable(host: str = HOST, port: int = PORT) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


DB_LOCK = threading.Lock()


def unique(label: str) -> str:
    return f"{label}{uuid.uuid4().hex[:10]}"


def start_ingester(prefix: str, group: str, *, port: int = PORT, **options) -> mqtt.Ingester:
    shared, lock = None, None
    if connection.vendor == "sqlite":  # the in-memory test database: one connection for every thread
        shared, lock = connections["default"], DB_LOCK
        shared.inc_thread_sharing()
    options.setdefault("client_id", unique("test-ingest-"))
    options.setdefault("batch_wait", 0.02)
    ingester = mqtt.Ingester(
        url=f"mqtt://{HOST}:{port}",
        group=group,
        prefix=prefix,
        session_expiry=60,
        share_connection=shared,
        db_lock=lock,
        **options,
    )
    ingester.start()
    assert ingester.connected.wait(10), "the ingester did not connect"
    time.sleep(0.2)  # the subscription is on its way with the connect: let it land before publishing
    return ingester


def stop_ingester(ingester: mqtt.Ingester) -> None:
    ingester.stop()
    if ingester._shared is not None:
        ingester._shared.dec_thread_sharing()


def publish(prefix: str, items, *, port: int = PORT, pace: float = 0.0) -> None:
    """Publish (serial, payload) pairs at QoS 1 and wait until the broker has each."""
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=unique("test-pub-"), protocol=paho.MQTTv5
    )
    client.connect(HOST, port)
    client.loop_start()
    try:
        infos = []
        for serial, payload in items:
            body = json.dumps(payload) if isinstance(payload, dict) else payload
            infos.append(client.publish(mqtt.device_topic(serial, prefix), body, qos=1))
            if pace:
                time.sleep(pace)
        for info in infos:
            info.wait_for_publish(10)
    finally:
        client.disconnect()
        client.loop_stop()


def wait_for(condition, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}")


def payload(kind="vitals", msg_id=None, values=None, key=KEY):
    return {
        "msg_id": msg_id or uuid.uuid4().hex[:16],
        "type": kind,
        "ts": timezone.now().isoformat(),
        "values": values if values is not None else ({"heart_rate": 75} if kind == "vitals" else {}),
        "key": key,
    }
