"""The MQTT side of device ingestion (``yanglao mqtt-ingest``): paho-mqtt 2 plumbing around ``ingest_batch``.

- MQTT 5, a shared subscription ``$share/<group>/yanglao/devices/+/events`` at QoS 1: several ingesters (on one
  machine or several) split the devices' messages between them; each message goes to one of them.
- A persistent session (``clean_start`` off, a session expiry): while an ingester is down or restarting, the
  broker keeps its share of messages and delivers them when it is back. The broker's own limit applies
  (Mosquitto's ``max_queued_messages`` is 1000 per session by default: raise it on a production broker).
- Manual acknowledgement: a message is acknowledged only after the transaction holding it has committed, so
  ``kill -9`` at any moment loses nothing. What was committed but not yet acknowledged comes again and meets
  the (device, msg_id) key as a duplicate. Acknowledgements of a previous connection are never sent on a new
  one (the broker redelivers those messages instead).
- Two lanes: emergencies (SOS, fall, smoke, gas) go to their own queue and thread and are committed one by one
  at once; everything else is batched (up to ``batch_size`` messages or ``batch_wait`` seconds) by another
  thread. An SOS never waits behind a batch of heartbeats: the broker may send up to ``RECEIVE_MAXIMUM``
  messages ahead of our acknowledgements, so a backlog waits in this process, where the SOS overtakes it.
- paho reconnects by itself when the broker restarts; a database error keeps the batch and retries it after a
  pause, unacknowledged; a batch that fails for another reason is split until the one message at fault is
  found, logged (without its payload) and acknowledged, so one poisonous message cannot stop the ingester.

Devices authenticate with the key in their payload (the broker allows anonymous clients here); a broker with
per-device credentials and topic ACLs may be put in front, the key check stays.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import InterfaceError, OperationalError, connections
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from yanglao.alarms import messages, rules
from yanglao.alarms.services.ingest import Batch, Counts, Incoming, ingest_batch
from yanglao.core import audit

log = logging.getLogger("yanglao.alarms.mqtt")

DEFAULT_URL = "mqtt://127.0.0.1:1883"
DEFAULT_PREFIX = "yanglao"
# Messages the broker may send before we acknowledge any (MQTT 5's largest): the network thread pulls the
# stream in as fast as it arrives, so an SOS overtakes a backlog of heartbeats in this process instead of
# queuing behind them in the broker. It also bounds this process's memory (about 1 KB a message).
RECEIVE_MAXIMUM = 65535
# Every emergency payload contains its type's name; a payload without any of them cannot be one.
EMERGENCY_HINTS = tuple(kind.encode() for kind in sorted(messages.EMERGENCY))


def topic_filter(prefix: str = DEFAULT_PREFIX) -> str:
    return f"{prefix}/devices/+/events"


def device_topic(serial: str, prefix: str = DEFAULT_PREFIX) -> str:
    return f"{prefix}/devices/{serial}/events"


def broker(url: str) -> tuple[str, int, str | None, str | None, bool]:
    """``mqtt://user:pass@host:1883`` or ``mqtts://…`` → host, port, user name, password, TLS."""
    parts = urlsplit(url or DEFAULT_URL)
    if parts.scheme not in ("mqtt", "mqtts", "tcp"):
        raise ValueError(f"MQTT URL must start with mqtt:// or mqtts://, not {parts.scheme!r}")
    tls = parts.scheme == "mqtts"
    return (
        parts.hostname or "127.0.0.1",
        parts.port or (8883 if tls else 1883),
        parts.username,
        parts.password,
        tls,
    )


def client(
    *,
    url: str,
    client_id: str = "",
    session_expiry: int = 0,
    receive_maximum: int = 0,
    manual_ack: bool = False,
) -> tuple[mqtt.Client, Callable[[], None]]:
    """A paho client (MQTT 5) and the call that connects it asynchronously with our session properties."""
    host, port, username, password, tls = broker(url)
    made = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id or f"yanglao-{uuid.uuid4().hex[:12]}",
        protocol=mqtt.MQTTv5,
        manual_ack=manual_ack,
    )
    if username:
        made.username_pw_set(username, password)
    if tls:
        made.tls_set()
    made.reconnect_delay_set(min_delay=1, max_delay=15)
    properties = Properties(PacketTypes.CONNECT)
    if session_expiry:
        properties.SessionExpiryInterval = session_expiry
    if receive_maximum:
        properties.ReceiveMaximum = receive_maximum

    def connect() -> None:
        made.connect_async(host, port, keepalive=30, clean_start=not session_expiry, properties=properties)

    return made, connect


def publisher(url: str, client_id: str = "") -> mqtt.Client:
    """A connected client for sending device messages at QoS 1 as fast as the broker acknowledges them
    (the simulator, the benchmark): no cap on messages in flight. ``loop_start`` has been called."""
    made, connect = client(url=url, client_id=client_id)
    made.max_inflight_messages_set(65535)
    made.max_queued_messages_set(0)
    connected = threading.Event()
    made.on_connect = lambda *_: connected.set()
    connect()
    made.loop_start()
    if not connected.wait(10):
        made.loop_stop()
        raise ConnectionError(f"MQTT broker at {broker(url)[0]}:{broker(url)[1]} did not answer")
    return made


@dataclass
class Delivery:
    incoming: Incoming
    mid: int
    qos: int
    generation: int


class Ingester:
    """One ingester process's MQTT client, lanes and workers. ``start()``/``stop()`` for tests and the
    command; ``totals`` counts what it has committed since it started."""

    def __init__(
        self,
        *,
        url: str = DEFAULT_URL,
        group: str = "ingest",
        client_id: str = "",
        prefix: str = DEFAULT_PREFIX,
        batch_size: int = 500,
        batch_wait: float = 0.05,
        session_expiry: int = 86400,
        receive_maximum: int = 0,
        ingest: Callable[..., Batch] = ingest_batch,
        share_connection: Any = None,
        db_lock: threading.Lock | None = None,
        profile_dir: str = "",
    ):
        self.prefix = prefix
        self.group = group
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.ingest = ingest
        self.client, self._connect = client(
            url=url,
            client_id=client_id,
            session_expiry=session_expiry,
            receive_maximum=receive_maximum or RECEIVE_MAXIMUM,
            manual_ack=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.emergencies: queue.Queue[Delivery] = queue.Queue()
        self.bulk: queue.Queue[Delivery] = queue.Queue()
        self.totals = Counts()
        self.gate = rules.FloodGate()  # this ingester's share of each device's messages
        self.connected = threading.Event()
        self._stopping = threading.Event()
        self._generation = 0
        self._lock = threading.Lock()
        # Tests on SQLite's in-memory database share the test's one connection, one batch at a time.
        self._shared = share_connection
        self._db_lock = db_lock or (threading.Lock() if share_connection is not None else None)
        self._threads: list[threading.Thread] = []
        self._profile_dir = profile_dir  # a development aid: cProfile of each thread, written at stop

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        self._connect()
        if self._profile_dir:  # profile paho's network thread too (its loop is paho's private entry point)
            network = self.client._thread_main
            self.client._thread_main = lambda: self._profiled("network", network)  # type: ignore[method-assign]
        self.client.loop_start()
        for name, target in (("emergency", self._emergency_lane), ("bulk", self._bulk_lane)):
            thread = threading.Thread(
                target=self._worker, args=(name, target), name=f"ingest-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30) -> None:
        """Finish what was received (commit, acknowledge), then disconnect."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)
        self.client.disconnect()
        self.client.loop_stop()

    def _profiled(self, name: str, target: Callable[[], None]) -> None:
        if not self._profile_dir:
            target()
            return
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
        try:
            target()
        finally:
            profile.disable()
            profile.dump_stats(f"{self._profile_dir}/ingest-{name}.prof")

    def run(self, stop: threading.Event, report_every: float = 60.0) -> None:
        """Run until ``stop`` is set; log a line of counts every ``report_every`` seconds."""
        self.start()
        last = Counts()
        while not stop.wait(report_every):
            now = self.totals
            log.info(
                "ingested %d messages in the last %.0f s: accepted %d, duplicates %d, rejected %d, alarms %d",
                now.received - last.received,
                report_every,
                now.accepted - last.accepted,
                now.duplicates - last.duplicates,
                now.rejected - last.rejected,
                now.alarms - last.alarms,
            )
            last = Counts(now.received, now.accepted, now.duplicates, now.rejected, now.flagged, now.alarms)
        self.stop()

    # ------------------------------------------------------------ paho callbacks (network thread)

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused: %s", reason)
            return
        with self._lock:
            self._generation += 1
        client.subscribe(f"$share/{self.group}/{topic_filter(self.prefix)}", qos=1)
        log.info(
            "MQTT connected (session %s), subscribed to group %s",
            "resumed" if flags.session_present else "new",
            self.group,
        )
        self.connected.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self.connected.clear()
        if not self._stopping.is_set():
            log.warning("MQTT connection lost (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        """On paho's network thread, which must keep up with the stream for an SOS to overtake a backlog:
        only payloads that may be an emergency are decoded here; the bulk lane decodes the rest."""
        received = dt.datetime.now(dt.UTC)
        serial = messages.topic_serial(message.topic, self.prefix)
        body: bytes | dict = message.payload
        kind = ""
        if any(hint in body for hint in EMERGENCY_HINTS):
            try:
                body = messages.decode(message.payload)
                kind = messages.peek_type(body)
            except messages.Malformed:
                pass  # the service refuses and counts it
        delivery = Delivery(
            Incoming(serial=serial, body=body, received_at=received),
            message.mid,
            message.qos,
            self._generation,
        )
        (self.emergencies if kind in messages.EMERGENCY else self.bulk).put(delivery)

    # ------------------------------------------------------------ workers

    def _worker(self, name: str, lane: Callable[[], None]) -> None:
        if self._shared is not None:
            connections["default"] = self._shared
        try:
            # Alarms raised here are audited as the system account, naming the ingester as the source.
            with audit.acting_as(None, via="设备接入：MQTT"):
                self._profiled(name, lane)
        finally:
            if self._shared is None:
                connections.close_all()

    def _emergency_lane(self) -> None:
        while not (self._stopping.is_set() and self.emergencies.empty()):
            try:
                delivery = self.emergencies.get(timeout=0.2)
            except queue.Empty:
                continue
            self._process([delivery])

    def _bulk_lane(self) -> None:
        while not (self._stopping.is_set() and self.bulk.empty()):
            try:
                first = self.bulk.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            deadline = time.monotonic() + self.batch_wait
            while len(batch) < self.batch_size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.bulk.get(timeout=remaining))
                except queue.Empty:
                    break
            self._process(batch)

    def _process(self, deliveries: Sequence[Delivery]) -> None:
        """Commit, then acknowledge. A database outage is waited out (nothing acknowledged meanwhile)."""
        pause = 0.5
        while True:
            try:
                self._commit(deliveries)
                break
            except (OperationalError, InterfaceError):
                log.warning(
                    "database unavailable; retrying %d messages in %.1f s",
                    len(deliveries),
                    pause,
                    exc_info=True,
                )
                self._reset_connection()
                if self._stopping.is_set() and pause > 4:
                    log.warning(
                        "stopping with %d messages unacknowledged (the broker keeps them)", len(deliveries)
                    )
                    return
                time.sleep(pause)
                pause = min(pause * 2, 10)
        with self._lock:
            generation = self._generation
        for delivery in deliveries:
            if delivery.qos and delivery.generation == generation:
                self.client.ack(delivery.mid, delivery.qos)

    def _commit(self, deliveries: Sequence[Delivery]) -> None:
        try:
            result = self._ingest([d.incoming for d in deliveries])
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            if len(deliveries) == 1:
                # A bug met one message: log it (no payload), count it as refused and let it go.
                log.exception("device message could not be processed; dropped after logging")
                with self._lock:
                    self.totals.received += 1
                    self.totals.rejected += 1
                return
            middle = len(deliveries) // 2
            self._commit(deliveries[:middle])
            self._commit(deliveries[middle:])
            return
        with self._lock:
            self.totals.add(result.counts)

    def _ingest(self, batch: list[Incoming]) -> Batch:
        if self._db_lock is None:
            return self.ingest(batch, path="mqtt", gate=self.gate)
        with self._db_lock:
            return self.ingest(batch, path="mqtt", gate=self.gate)

    def _reset_connection(self) -> None:
        if self._shared is None:
            connections["default"].close_if_unusable_or_obsolete()
            try:
                connections["default"].close()
            except Exception:  # closing a broken connection may fail too; a new one is opened next time
                log.debug("closing the broken database connection failed", exc_info=True)
