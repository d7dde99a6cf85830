"""Device ingestion (issue 12): sustained device messages over Mosquitto into PostgreSQL, SOS latency under that
load, and a kill -9 of the ingester mid-run; baseline in the same run: a bare paho subscriber that only counts.

A fresh PostgreSQL database gets the divisions, ``--people`` people living alone in Xuhui's communities and
``--devices`` devices bound to them (SQL ``generate_series``: one in five a one-key terminal, the rest
wristbands; key ``bench-key-<n>``). A private Mosquitto (``max_queued_messages 0``: the default 1000 per session
would drop what queues while an ingester restarts) takes the traffic. Two phases, the same offered load:

1. baseline: a paho subscriber (MQTT 5, the same shared subscription at QoS 1) that only counts messages;
2. ingest: ``--ingesters`` processes of ``yanglao mqtt-ingest`` in one shared group (their sessions are made
   before the load starts, as a deployed ingester's exist); ``--kill`` kills the first with SIGKILL halfway and
   starts it again with the same client id.

The load comes from ``--publishers`` processes speaking MQTT 3.1.1 over a raw socket, as small devices do
(paho's publish costs about 160 µs per QoS 1 message here, which alone would take most of a core): the
simulator's traffic (``alarms/simulation.py``: heartbeats and vital signs, a position now and then) at
``--rate`` messages a second for ``--seconds``, open loop, plus one SOS every ``--sos-every`` seconds from a
different one-key terminal each time. Each SOS is timed from the moment its PUBLISH is written to the socket to
the PostgreSQL NOTIFY of its committed ``alarms.alarm`` event (LISTEN in this process). The console's page is
measured by someone else: ``--console-hook module:function`` is started in a thread before the load as
``function(database_url, stop, ready)`` (``stop`` a ``threading.Event`` set after the drain; the load starts
once the hook sets ``ready``) and returns
``{alarm_id: wall-clock time its row appeared in the console's DOM}``; each SOS is then also timed to its
alarm's row (``console_dom``).

Afterwards: the rate each consumer sustained while the load ran and how long it needed to drain the rest, the
ingester's rate as a share of the baseline's, the SOS latencies, CPU seconds per component, and with
``--kill`` the rows stored against the messages published (every non-heartbeat message is one row: zero lost,
zero duplicated).

    .venv/bin/python bench/alarms_ingest.py                          # 100,000 devices, 5,000/s for 60 s
    .venv/bin/python bench/alarms_ingest.py --kill                   # the same, kill -9 halfway
    .venv/bin/python bench/alarms_ingest.py --rate 2000 --ingesters 2

Target: 5,000 events/s sustained, SOS p99 ≤ 1 s to the committed event, zero lost and zero duplicated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import random
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, cpu_seconds, free_port, pg_drop, pg_fresh

sys.path.insert(0, str(ROOT))

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DB = "yanglao_bench_alarms"
PREFIX = "bench/yanglao"
GROUP = "bench"
KEY = "bench-key-{n}"

SEED = """
import json
from django.db import connection
from yanglao.core.models import Region
from yanglao.people.tests import factories as people_factories

communities = list(
    Region.objects.filter(code__startswith="310104", level="village").order_by("code").values_list("code", flat=True)[:60]
)
for n in range({people}):
    people_factories.elder(
        name=f"压测老人{{n}}", region_code=communities[n % len(communities)],
        lat=31.18 + (n % 97) * 0.0005, lng=121.42 + (n % 89) * 0.0005,
    )
with connection.cursor() as cursor:
    cursor.execute(
        "CREATE TEMP TABLE bench_elder AS "
        "SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, region_code FROM people_elder"
    )
    cursor.execute(
        '''
        INSERT INTO alarms_device (serial, kind, elder_id, region_code, provider_id, key_hash, model_name, firmware,
            battery, heartbeat_seconds, installed_on, last_seen_at, last_activity_at, online, status,
            status_changed_at, replaced_by_id, flagged, note, created_at)
        SELECT 'B' || lpad(g::text, 7, '0'), CASE WHEN g %% 5 = 0 THEN 'one_key' ELSE 'wristband' END,
               e.id, e.region_code, NULL, encode(sha256(('bench-key-' || g)::bytea), 'hex'), '压测设备', '1.0',
               80, 300, current_date, now(), NULL, true, 'active', NULL, NULL, '', '', now()
        FROM generate_series(1, %s) AS g JOIN bench_elder e ON e.n = g %% %s
        ''',
        [{devices}, {people}],
    )
    cursor.execute("ANALYZE")
    cursor.execute("SELECT e.id, e.lat, e.lng FROM people_elder e ORDER BY e.id")
    homes = cursor.fetchall()
print("SEED " + json.dumps({{"homes": homes}}))
"""


# ---------------------------------------------------------------- small helpers


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# ---------------------------------------------------------------- a lean QoS 1 publisher (MQTT 3.1.1)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("!H", len(raw)) + raw


class RawPublisher:
    """PUBLISH at QoS 1 over one socket, pipelined; a reader thread counts the PUBACKs. At most ``window``
    messages unacknowledged (packet ids cycle through 1…65535, so they never collide)."""

    def __init__(self, host: str, port: int, client_id: str, window: int = 20_000):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = _string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 0) + _string(client_id)
        self.sock.sendall(b"\x10" + _varint(len(body)) + body)
        connack = self.sock.recv(4)
        if len(connack) < 4 or connack[0] != 0x20 or connack[3] != 0:
            raise ConnectionError(f"broker refused the publisher: {connack!r}")
        self.window = threading.Semaphore(window)
        self.sent = 0
        self.acked = 0
        self._next = 0
        self._done = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def packet(self, topic: str, payload: bytes) -> bytes:
        self.window.acquire()
        self._next = self._next % 65535 + 1
        self.sent += 1
        body = _string(topic) + struct.pack("!H", self._next) + payload
        return b"\x32" + _varint(len(body)) + body

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read(self) -> None:
        buffer = b""
        while not self._done.is_set():
            try:
                ready, _, _ = select.select([self.sock], [], [], 0.2)
                chunk = self.sock.recv(65536) if ready else None
            except (OSError, ValueError):  # closed under us at the end
                return
            if chunk is None:
                continue
            if not chunk:
                return
            buffer += chunk
            whole = len(buffer) // 4 * 4  # PUBACKs are 4 bytes each
            for _ in range(whole // 4):
                self.acked += 1
                self.window.release()
            buffer = buffer[whole:]

    def close(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.acked < self.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        self._done.set()
        try:
            self.sock.sendall(b"\xe0\x00")
        finally:
            self.sock.close()


def publisher_main(args: argparse.Namespace) -> None:
    """A child process: the simulator's traffic over its share of the devices, SOS from process 0."""
    from yanglao.alarms import simulation

    homes = json.loads(Path(args.homes).read_text())
    share, shares = args.share, args.publishers
    devices = [
        simulation.SimDevice(
            serial=f"B{n:07d}",
            key=KEY.format(n=n),
            kind="one_key" if n % 5 == 0 else "wristband",
            home=tuple(homes[n % len(homes)][1:]) if homes else None,
        )
        for n in range(1, args.devices + 1)
        if n % shares == share
    ]
    traffic = simulation.Traffic(
        devices, seed=args.seed + share, mix=simulation.Mix(sos=0, fall=0, service=0)
    )
    sos_devices = [d for d in devices if d.kind == "one_key"]
    random.Random(args.seed).shuffle(sos_devices)
    out = RawPublisher(args.host, args.port, f"bench-pub-{share}-{os.getpid()}")
    rate = args.rate / shares
    published, kinds, sos = 0, {}, {}
    sos_every = args.sos_every if share == 0 else 0
    start = time.perf_counter()
    next_sos = start + 1.0 if sos_every else float("inf")
    sos_sent = 0
    while True:
        now_perf = time.perf_counter()
        elapsed = now_perf - start
        if elapsed >= args.seconds:
            break
        due = int(elapsed * rate) - published
        if due > 0:
            now = dt.datetime.now(dt.UTC)
            chunk = bytearray()
            for _ in range(due):
                device, payload = traffic.next_message(now)
                topic = f"{PREFIX}/devices/{device.serial}/events"
                chunk += out.packet(topic, json.dumps(payload, separators=(",", ":")).encode())
                kinds[payload["type"]] = kinds.get(payload["type"], 0) + 1
            out.send(bytes(chunk))
            published += due
        if now_perf >= next_sos and sos_sent < len(sos_devices):
            device = sos_devices[sos_sent]
            msg_id = f"sos-{sos_sent}"
            payload = traffic.payload(device, "sos", dt.datetime.now(dt.UTC), {"button": "red"})
            payload["msg_id"] = msg_id
            data = out.packet(f"{PREFIX}/devices/{device.serial}/events", json.dumps(payload).encode())
            sos[msg_id] = time.time()
            out.send(data)
            sos_sent += 1
            kinds["sos"] = kinds.get("sos", 0) + 1
            next_sos += sos_every
        time.sleep(0.002)
    ended = time.perf_counter()
    out.close()
    result = {
        "published": published + sos_sent,
        "kinds": kinds,
        "sos": sos,
        "seconds": ended - start,
        "started_at": time.time() - (time.perf_counter() - start),
        "acked": out.acked,
    }
    Path(args.out).write_text(json.dumps(result))


# ---------------------------------------------------------------- the baseline subscriber


def baseline_main(args: argparse.Namespace) -> None:
    """A child process: a bare paho subscriber (MQTT 5, shared subscription, QoS 1) that only counts."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    count = 0
    first = last = 0.0
    ready = threading.Event()

    def on_message(client, userdata, message):
        nonlocal count, first, last
        last = time.time()
        if not count:
            first = last
        count += 1

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-baseline", protocol=mqtt.MQTTv5)
    client.on_message = on_message
    client.on_subscribe = lambda *a: ready.set()
    client.on_connect = lambda c, *a: c.subscribe(f"$share/baseline/{PREFIX}/devices/+/events", qos=1)
    properties = Properties(PacketTypes.CONNECT)
    properties.ReceiveMaximum = 2000
    client.connect(args.host, args.port, properties=properties)
    client.loop_start()
    ready.wait(10)
    Path(args.out + ".ready").write_text("ready")
    expected_file = Path(args.out + ".expected")
    while not expected_file.exists():
        time.sleep(0.2)
    expected = int(expected_file.read_text())
    deadline = time.time() + 120
    while count < expected and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    client.disconnect()
    client.loop_stop()
    cpu = cpu_seconds(os.getpid())
    Path(args.out).write_text(
        json.dumps({"received": count, "first": first, "last": last, "cpu_seconds": cpu})
    )


# ---------------------------------------------------------------- the orchestrator


def start_broker(port: int, workdir: Path) -> subprocess.Popen:
    conf = workdir / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n"
        "set_tcp_nodelay true\nlog_dest none\n"
    )
    broker = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(conf)])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return broker
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the private mosquitto did not start")


def run_publishers(args, port: int, workdir: Path, homes_file: Path, tag: str) -> list[subprocess.Popen]:
    procs = []
    for share in range(args.publishers):
        procs.append(
            subprocess.Popen(
                [
                    PYTHON,
                    __file__,
                    "--role",
                    "publisher",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--devices",
                    str(args.devices),
                    "--rate",
                    str(args.rate),
                    "--seconds",
                    str(args.seconds),
                    "--sos-every",
                    str(args.sos_every),
                    "--seed",
                    str(args.seed),
                    "--share",
                    str(share),
                    "--publishers",
                    str(args.publishers),
                    "--homes",
                    str(homes_file),
                    "--out",
                    str(workdir / f"pub-{tag}-{share}.json"),
                ],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        )
    return procs


def publisher_results(args, workdir: Path, tag: str) -> dict:
    parts = [json.loads((workdir / f"pub-{tag}-{n}.json").read_text()) for n in range(args.publishers)]
    kinds: dict[str, int] = {}
    for part in parts:
        for kind, n in part["kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + n
    return {
        "published": sum(p["published"] for p in parts),
        "acked": sum(p["acked"] for p in parts),
        "kinds": kinds,
        "sos": {k: v for p in parts for k, v in p["sos"].items()},
        "seconds": max(p["seconds"] for p in parts),
        "started_at": min(p["started_at"] for p in parts),
    }


def baseline_phase(args, port: int, workdir: Path, homes_file: Path) -> dict:
    out = workdir / "baseline.json"
    child = subprocess.Popen(
        [
            PYTHON,
            __file__,
            "--role",
            "baseline",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    while not Path(str(out) + ".ready").exists():
        time.sleep(0.1)
    cpu_before = machine_cpu()
    pubs = run_publishers(args, port, workdir, homes_file, "baseline")
    for p in pubs:
        p.wait()
    published = publisher_results(args, workdir, "baseline")
    Path(str(out) + ".expected").write_text(str(published["published"]))
    child.wait()
    cpu_after = machine_cpu()
    got = json.loads(out.read_text())
    window_end = published["started_at"] + published["seconds"]
    took = max(got["last"], window_end) - published["started_at"]
    return {
        "published": published["published"],
        "offered_per_s": round(published["published"] / published["seconds"], 1),
        "received": got["received"],
        "rate_per_s": round(got["received"] / took, 1),
        "drain_after_load_s": round(max(0.0, got["last"] - window_end), 2),
        "subscriber_cpu_seconds": round(got["cpu_seconds"], 1),
        "machine_cpu_busy": round((cpu_after[0] - cpu_before[0]) / max(1, cpu_after[1] - cpu_before[1]), 2),
    }


def prepare_sessions(port: int, client_ids: list[str]) -> None:
    """Each ingester's persistent session and shared subscription, before the load (as deployed)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    for client_id in client_ids:
        made = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        done = threading.Event()
        made.on_connect = lambda c, *_: c.subscribe(f"$share/{GROUP}/{PREFIX}/devices/+/events", qos=1)
        made.on_subscribe = lambda *_, done=done: done.set()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        made.connect("127.0.0.1", port, clean_start=True, properties=properties)
        made.loop_start()
        if not done.wait(10):
            raise SystemExit("could not prepare the ingesters' sessions")
        made.disconnect()
        made.loop_stop()


def ingester(env: dict, port: int, client_id: str, log: Path, profile: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "yanglao.cli",
            "mqtt-ingest",
            "--url",
            f"mqtt://127.0.0.1:{port}",
            "--group",
            GROUP,
            "--client-id",
            client_id,
            "--prefix",
            PREFIX,
            "--report-every",
            "10",
            *(["--profile", profile] if profile else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
    )


def ingest_phase(args, port: int, workdir: Path, homes_file: Path, url: str, env: dict) -> dict:
    import psycopg

    client_ids = [f"bench-ingest-{n}" for n in range(args.ingesters)]
    prepare_sessions(port, client_ids)
    logs = workdir / "ingest.log"
    procs = [ingester(env, port, cid, logs, args.profile) for cid in client_ids]
    time.sleep(3)  # the ingesters import Django and connect

    notified: dict[int, float] = {}
    stop = threading.Event()

    def listen() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("LISTEN yanglao_events")
            while not stop.is_set():
                for note in conn.notifies(timeout=0.5):
                    notified[int(note.payload)] = time.time()

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    progress: list[tuple[float, int]] = []

    def sample() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.is_set():
                (received,) = conn.execute(
                    "SELECT coalesce(sum(received), 0) FROM alarms_ingeststat"
                ).fetchone()
                progress.append((time.time(), int(received)))
                stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    console_rows: dict[int, float] = {}
    console_thread = None
    if args.console_hook:  # the console part's browser, timing when each alarm's row appears
        module, _, function = args.console_hook.partition(":")
        hook = getattr(importlib.import_module(module), function)
        ready = threading.Event()
        console_thread = threading.Thread(
            target=lambda: console_rows.update(hook(url, stop, ready)), daemon=True
        )
        console_thread.start()
        # The operator is at the console, its event stream open, before the first device speaks: an SOS
        # raised while the browser still starts would be timed to the page's first paint.
        if not ready.wait(180):
            raise SystemExit("the console hook never became ready")
    cpu_before = {pid: cpu_seconds(pid) for pid in pids_named("postgres") + pids_named("mosquitto")}
    machine_before = machine_cpu()
    ingest_cpu = 0.0
    pubs = run_publishers(args, port, workdir, homes_file, "ingest")
    killed_at = None
    if args.kill:
        time.sleep(args.seconds / 2)
        ingest_cpu += cpu_seconds(procs[0].pid)
        procs[0].send_signal(signal.SIGKILL)
        procs[0].wait()
        killed_at = time.time()
        procs[0] = ingester(env, port, client_ids[0], logs)
    for p in pubs:
        p.wait()
    published = publisher_results(args, workdir, "ingest")
    window_end = published["started_at"] + published["seconds"]
    deadline = time.time() + args.drain_timeout
    while time.time() < deadline:
        if progress and progress[-1][1] >= published["published"]:
            break
        time.sleep(0.5)
    time.sleep(2)  # late duplicates, if any, land now
    ingest_cpu += sum(cpu_seconds(p.pid) for p in procs)
    machine_after = machine_cpu()
    postgres, brokers = set(pids_named("postgres")), set(pids_named("mosquitto"))
    cpu_after = {pid: cpu_seconds(pid) for pid in postgres | brokers}
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
    stop.set()
    sampler.join(5)
    listener.join(5)
    if console_thread is not None:
        console_thread.join(60)
    cpu_after.update({pid: cpu_seconds(pid) for pid in pids_named("postgres") if pid not in cpu_after})

    with psycopg.connect(url, autocommit=True) as conn:
        stats = [
            int(v)
            for v in conn.execute(
                "SELECT coalesce(sum(received),0), coalesce(sum(accepted),0), coalesce(sum(duplicates),0), "
                "coalesce(sum(rejected),0) FROM alarms_ingeststat"
            ).fetchone()
        ]
        rows, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT (device_id, msg_id)) FROM alarms_deviceevent"
        ).fetchone()
        sos_rows = conn.execute(
            "SELECT d.msg_id, a.id FROM alarms_deviceevent d JOIN alarms_alarm a ON a.event_id = d.id "
            "WHERE d.msg_id LIKE 'sos-%%'"
        ).fetchall()
        events = conn.execute(
            "SELECT id, (payload->>'id')::bigint FROM core_event WHERE topic = 'alarms.alarm' "
            "AND payload->>'action' = 'raise'"
        ).fetchall()
    event_of_alarm = {alarm: event for event, alarm in events}
    latencies, dom = [], []
    stages = []  # (publish → committed, → event in the page, → row in the DOM) for each SOS the console saw
    page_events = console_rows.pop("events", {}) if isinstance(console_rows.get("events"), dict) else {}
    missing_sos = 0
    for msg_id, alarm_id in sos_rows:
        sent = published["sos"].get(msg_id)
        event = event_of_alarm.get(alarm_id)
        if sent is not None and alarm_id in console_rows:
            dom.append(console_rows[alarm_id] - sent)
            if event in notified and alarm_id in page_events:
                stages.append(
                    (
                        notified[event] - sent,
                        page_events[alarm_id] - notified[event],
                        console_rows[alarm_id] - page_events[alarm_id],
                    )
                )
        if sent is None or event is None or event not in notified:
            missing_sos += 1
            continue
        latencies.append(notified[event] - sent)
    missing_sos += len(published["sos"]) - len(sos_rows)
    in_window = [n for t, n in progress if t <= window_end]
    during = in_window[-1] if in_window else 0
    done_at = next((t for t, n in progress if n >= published["published"]), None)
    non_heartbeats = published["published"] - published["kinds"].get("heartbeat", 0)
    busy = (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])
    took = (done_at or time.time()) - published["started_at"]
    return {
        "published": published["published"],
        "offered_per_s": round(published["published"] / published["seconds"], 1),
        "kinds": published["kinds"],
        "received_during_load": during,
        "rate_during_load_per_s": round(during / published["seconds"], 1),
        "rate_per_s": round(min(stats[0], published["published"]) / took, 1),
        "drain_after_load_s": round(done_at - window_end, 2) if done_at else None,
        "ingest_stat": dict(
            zip(("received", "accepted", "duplicates", "rejected"), map(int, stats), strict=True)
        ),
        "rows": rows,
        "distinct_rows": distinct,
        "non_heartbeats_published": non_heartbeats,
        "lost": non_heartbeats - distinct,
        "sos": {
            "sent": len(published["sos"]),
            "measured": len(latencies),
            "missing": missing_sos,
            "p50_ms": round(pct(latencies, 0.5) * 1000, 1),
            "p95_ms": round(pct(latencies, 0.95) * 1000, 1),
            "p99_ms": round(pct(latencies, 0.99) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        },
        "console_dom": {
            "measured": len(dom),
            "p50_ms": round(pct(dom, 0.5) * 1000, 1),
            "p99_ms": round(pct(dom, 0.99) * 1000, 1),
            "max_ms": round(max(dom) * 1000, 1),
            # where the slowest went: committed, event in the page, row in the DOM (ms after the previous)
            "slowest_stages_ms": [
                [round(x * 1000) for x in stage] for stage in sorted(stages, key=sum, reverse=True)[:5]
            ],
            "stage_p99_ms": [round(pct([st[i] for st in stages], 0.99) * 1000) for i in range(3)]
            if stages
            else None,
        }
        if dom
        else None,
        "killed_at_s": round(killed_at - published["started_at"], 1) if killed_at else None,
        "cpu_seconds": {
            "ingesters": round(ingest_cpu, 1),
            # every database on the server (other work on the machine included), and every mosquitto
            "postgres_all": round(
                sum(cpu_after[p] - cpu_before.get(p, 0.0) for p in cpu_after if p in postgres), 1
            ),
            "mosquitto_all": round(
                sum(cpu_after[p] - cpu_before.get(p, 0.0) for p in cpu_after if p in brokers), 1
            ),
        },
        "machine_cpu_busy": round(busy, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main", choices=["main", "publisher", "baseline"])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=900)  # the factory makes 999 distinct IDs
    parser.add_argument("--rate", type=float, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sos-every", type=float, default=0.5, help="one SOS every so many seconds")
    parser.add_argument("--publishers", type=int, default=1)
    parser.add_argument("--ingesters", type=int, default=1)
    parser.add_argument(
        "--kill", action="store_true", help="kill -9 the first ingester halfway and restart it"
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument(
        "--console-hook", default="", help="module:function(url, stop, ready) -> {alarm id: DOM time}"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", default="", help="directory for the ingesters' per-thread cProfile")
    parser.add_argument("--seed", type=int, default=12)
    # child roles
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--share", type=int, default=0)
    parser.add_argument("--homes", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if args.role == "publisher":
        return publisher_main(args)
    if args.role == "baseline":
        return baseline_main(args)

    url = pg_fresh(DB)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "yanglao.settings.development",
        "YANGLAO_DEBUG": "false",
        "YANGLAO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-alarms-"))
    broker = None
    try:
        started = time.perf_counter()
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_divisions")
        seeded = manage(env, "shell", stdin=SEED.format(people=args.people, devices=args.devices))
        homes = json.loads(seeded.strip().splitlines()[-1].removeprefix("SEED "))["homes"]
        homes_file = workdir / "homes.json"
        homes_file.write_text(json.dumps(homes))
        print(
            f"prepared {args.devices} devices for {args.people} people in {time.perf_counter() - started:.0f} s"
        )
        port = free_port()
        broker = start_broker(port, workdir)
        result: dict = {
            "devices": args.devices,
            "rate": args.rate,
            "seconds": args.seconds,
            "ingesters": args.ingesters,
            "publishers": args.publishers,
            "kill": args.kill,
            "load_average_before": os.getloadavg()[0],
        }
        if not args.skip_baseline:
            result["baseline"] = baseline_phase(args, port, workdir, homes_file)
            print("baseline", json.dumps(result["baseline"]), flush=True)
            broker.terminate()
            broker.wait(10)
            broker = start_broker(port, workdir)  # a clean broker for the second phase
        result["ingest"] = ingest_phase(args, port, workdir, homes_file, url, env)
        if "baseline" in result:
            result["ratio_vs_baseline"] = round(
                result["ingest"]["rate_per_s"] / max(1.0, result["baseline"]["rate_per_s"]), 3
            )
        print(json.dumps(result, ensure_ascii=False, indent=2))
        log = (workdir / "ingest.log").read_text()
        errors = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
        if errors:
            print("ingester errors:", *errors[:20], sep="\n")
    finally:
        if broker is not None:
            broker.terminate()
        if not args.keep:
            pg_drop(DB)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
