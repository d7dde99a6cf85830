"""Simulated device traffic for demos and load tests (``yanglao simulate-devices``, bench/alarms_ingest.py).

Pure Python: it makes payloads, the caller sends them (MQTT or HTTP). Each device speaks as its kind does: a
wristband sends heartbeats and vital signs (now and then with its position, rarely an SOS or a fall), a
one-key terminal heartbeats and sometimes a service request, door and motion sensors report activity, smoke,
gas and water sensors mostly heartbeat. Devices take turns in a shuffled order, so at ``rate`` messages a
second each one speaks every ``devices / rate`` seconds. Simulated keys are derived from a secret (HMAC), so
the simulator knows them without storing them and nobody else can guess them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

SERIAL_PREFIX = "SIM-"
CHINA = dt.timezone(dt.timedelta(hours=8))


def sim_key(serial: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"yanglao-sim:{serial}".encode(), hashlib.sha256).hexdigest()[:32]


def sim_serial(n: int) -> str:
    return f"{SERIAL_PREFIX}{n:07d}"


@dataclass(frozen=True)
class SimDevice:
    serial: str
    key: str
    kind: str
    home: tuple[float, float] | None = None


@dataclass(frozen=True)
class Mix:
    """How often the rare messages come, per message of a device that can send them."""

    sos: float = 1 / 20_000
    fall: float = 1 / 30_000
    service: float = 1 / 5_000
    position: float = 0.1


class Traffic:
    """An endless stream of (device, payload) in turn order; ``next_message`` is cheap (a few µs)."""

    def __init__(self, devices: Sequence[SimDevice], *, seed: int | None = None, mix: Mix | None = None):
        if not devices:
            raise ValueError("no devices to simulate")
        self.devices = list(devices)
        self.random = random.Random(seed)
        self.random.shuffle(self.devices)
        self.mix = mix or Mix()
        self.run = secrets.token_hex(3) if seed is None else f"{seed:06x}"[-6:]
        self._turn = 0
        self._count = 0
        self._beats: dict[str, int] = {}

    def next_message(self, now: dt.datetime) -> tuple[SimDevice, dict]:
        device = self.devices[self._turn]
        self._turn = (self._turn + 1) % len(self.devices)
        self._count += 1
        kind, values = self._choose(device)
        return device, self.payload(device, kind, now, values)

    def payload(self, device: SimDevice, kind: str, now: dt.datetime, values: dict | None = None) -> dict:
        return {
            "msg_id": f"{self.run}-{self._count}",
            "type": kind,
            "ts": now.astimezone(CHINA).isoformat(timespec="milliseconds"),
            "values": values or {},
            "key": device.key,
        }

    def messages(self, now: dt.datetime, n: int) -> Iterator[tuple[SimDevice, dict]]:
        for _ in range(n):
            yield self.next_message(now)

    def _choose(self, device: SimDevice) -> tuple[str, dict]:
        r = self.random.random()
        beat = self._beats.get(device.serial, 0)
        self._beats[device.serial] = beat + 1
        if device.kind == "wristband":
            if r < self.mix.sos:
                return "sos", self._position(device, force=True)
            if r < self.mix.sos + self.mix.fall:
                return "fall", self._position(device, force=True)
            if beat % 3 == 0:
                return "heartbeat", {"battery": self._battery(device), "firmware": "1.4.2"}
            values = {
                "heart_rate": round(self.random.gauss(76, 9)),
                "spo2": round(min(100.0, self.random.gauss(97, 1.2)), 1),
            }
            values.update(self._position(device))
            return "vitals", values
        if device.kind == "one_key":
            if r < self.mix.sos:
                return "sos", {"button": "red"}
            if r < self.mix.sos + self.mix.service:
                return "service", {"button": "green"}
            return "heartbeat", {"battery": self._battery(device)}
        if device.kind == "door":
            if beat % 4 == 0:
                return "heartbeat", {"battery": self._battery(device)}
            return "door", {"state": "open" if beat % 2 else "closed"}
        if device.kind == "motion":
            if beat % 4 == 0:
                return "heartbeat", {"battery": self._battery(device)}
            return "motion", {}
        if device.kind == "fall_detector" and r < self.mix.fall:
            return "fall", {}
        return "heartbeat", {"battery": self._battery(device)}

    def _battery(self, device: SimDevice) -> int:
        # A steady level per device between 35 and 100: simulated devices do not trip low-battery alarms.
        return 35 + int(hashlib.blake2s(device.serial.encode(), digest_size=1).digest()[0]) % 66

    def _position(self, device: SimDevice, force: bool = False) -> dict:
        if device.home is None or not (force or self.random.random() < self.mix.position):
            return {}
        lat, lng = device.home
        # Within about 150 m of home: a person walking near the building.
        return {
            "lat": round(lat + self.random.uniform(-0.0013, 0.0013), 6),
            "lng": round(lng + self.random.uniform(-0.0015, 0.0015), 6),
        }
