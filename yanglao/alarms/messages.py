"""The device message contract: what a terminal or sensor may send, checked strictly before anything is written.

Pure Python (no Django): the MQTT ingester, the HTTP endpoint and the simulator read the same contract. A
message is a JSON object ``{"msg_id", "type", "ts", "values", "key"}``; the device's id is the MQTT topic's
``{device_id}`` or the HTTP body's ``device_id``. Values are kept only under the names below, each within a
plausible range, so nothing a device invents (or a name, a phone number) reaches the database. A refusal names
the field and the reason in Chinese, for the HTTP answer; the ingesters log only the field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The ``type`` values (alarms.choices.EventType, a test keeps them equal).
TYPES = frozenset(
    {
        "sos",
        "service",
        "fall",
        "vitals",
        "heartbeat",
        "low_battery",
        "smoke",
        "gas",
        "water",
        "door",
        "motion",
        "no_motion",
        "geofence",
    }
)
# Never rate-limited, never behind a batch: each is committed on its own at once (their own lane).
EMERGENCY = frozenset({"sos", "fall", "smoke", "gas"})
# Door and motion messages mean someone is moving at home (the no-activity watch reads them).
ACTIVITY = frozenset({"door", "motion"})

MAX_BYTES = 4096
MSG_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
SERIAL = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
MAX_KEY = 128


@dataclass(frozen=True)
class Number:
    """A numeric value a message may carry, with its plausible range (inclusive)."""

    label: str
    lo: float
    hi: float
    integer: bool = False


NUMBERS: dict[str, Number] = {
    "heart_rate": Number("心率", 1, 300, integer=True),
    "spo2": Number("血氧饱和度", 1, 100),
    "battery": Number("电量", 0, 100, integer=True),
    "lat": Number("纬度", -90, 90),
    "lng": Number("经度", -180, 180),
    "accuracy": Number("定位精度", 0, 100_000),
    "systolic": Number("收缩压", 30, 300, integer=True),
    "diastolic": Number("舒张压", 20, 200, integer=True),
    "temperature": Number("体温", 25, 45),
    "steps": Number("步数", 0, 1_000_000, integer=True),
    "rssi": Number("信号强度", -200, 0, integer=True),
    "seconds": Number("持续秒数", 0, 7 * 86400, integer=True),
    "level": Number("浓度", 0, 1_000_000),
}
CHOICES: dict[str, tuple[str, frozenset[str]]] = {
    "state": ("门磁状态", frozenset({"open", "closed"})),
    "event": ("围栏事件", frozenset({"exit", "enter"})),
    "button": ("按键", frozenset({"red", "green"})),
}
TEXTS: dict[str, tuple[str, int]] = {"firmware": ("固件版本", 40)}
MAX_VALUES = 20


class Malformed(ValueError):
    """The message breaks the contract: ``field`` names where, ``reason`` says what (Chinese)."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Message:
    msg_id: str
    type: str
    ts: dt.datetime  # the device's clock, aware
    values: dict[str, Any] = field(default_factory=dict)
    key: str = ""

    @property
    def emergency(self) -> bool:
        return self.type in EMERGENCY


def decode(raw: object) -> dict[str, Any]:
    """The payload as a dict: bytes or text are JSON (at most ``MAX_BYTES``), a mapping is taken as is."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if not isinstance(raw, bytes | bytearray | str):
        raise Malformed("消息", "应为 JSON 对象")
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "replace")
    if len(raw) > MAX_BYTES:
        raise Malformed("消息", f"消息超过 {MAX_BYTES} 字节")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed("消息", "不是有效的 JSON") from exc
    if not isinstance(data, dict):
        raise Malformed("消息", "应为 JSON 对象")
    return data


def peek_type(data: Mapping[str, Any]) -> str:
    """The message's type if it is a known one, else "" (the ingester routes emergencies by it)."""
    value = data.get("type")
    return value if isinstance(value, str) and value in TYPES else ""


def parse(data: Mapping[str, Any]) -> Message:
    """A checked message, or ``Malformed`` for the first field that breaks the contract."""
    msg_id = data.get("msg_id")
    if not isinstance(msg_id, str) or not MSG_ID.match(msg_id):
        raise Malformed("msg_id", "消息编号应为 1–64 位字母、数字或 . _ : -")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise Malformed("type", "消息类型无效")
    ts = parse_ts(data.get("ts"))
    key = data.get("key", "")
    if key is None:
        key = ""
    if not isinstance(key, str) or len(key) > MAX_KEY:
        raise Malformed("key", "设备密钥格式无效")
    values = clean_values(kind, data.get("values"))
    return Message(msg_id=msg_id, type=kind, ts=ts, values=values, key=key)


def parse_ts(value: object) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise Malformed("ts", "时间应为带时区的 ISO-8601 字符串")
    try:
        ts = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Malformed("ts", "时间应为带时区的 ISO-8601 字符串") from exc
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise Malformed("ts", "时间须带时区（如 +08:00 或 Z）")
    return ts


def clean_values(kind: str, values: object) -> dict[str, Any]:
    """The known values within range; unknown names are dropped, a known one out of range refuses the
    message (a device that reports a heart rate of 900 is broken, not ill)."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise Malformed("values", "应为 JSON 对象")
    if len(values) > MAX_VALUES:
        raise Malformed("values", f"数据项不能超过 {MAX_VALUES} 个")
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in NUMBERS:
            out[name] = _number(name, value)
        elif name in CHOICES:
            label, allowed = CHOICES[name]
            if value not in allowed:
                raise Malformed(f"values.{name}", f"{label}取值无效")
            out[name] = value
        elif name in TEXTS:
            label, longest = TEXTS[name]
            if not isinstance(value, str) or len(value) > longest:
                raise Malformed(f"values.{name}", f"{label}应为不超过 {longest} 个字符的文字")
            out[name] = value
    if ("lat" in out) != ("lng" in out):
        raise Malformed("values.lat", "经纬度须同时提供")
    if kind == "vitals" and not ({"heart_rate", "spo2", "systolic", "temperature"} & out.keys()):
        raise Malformed("values", "体征数据至少应包含心率、血氧、血压或体温之一")
    if kind == "geofence" and "event" not in out:
        raise Malformed("values.event", "电子围栏消息应说明越出（exit）或返回（enter）")
    return out


def _number(name: str, value: object) -> int | float:
    spec = NUMBERS[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Malformed(f"values.{name}", f"{spec.label}应为数字")
    if not spec.lo <= value <= spec.hi:
        raise Malformed(f"values.{name}", f"{spec.label}应在 {spec.lo:g} 到 {spec.hi:g} 之间")
    if spec.integer:
        return round(value)
    return float(value)


def parse_serial(value: object) -> str:
    if not isinstance(value, str) or not SERIAL.match(value):
        raise Malformed("device_id", "设备编号应为 1–40 位字母、数字或 . _ -")
    return value


def topic_serial(topic: str, prefix: str = "yanglao") -> str:
    """``<prefix>/devices/{device_id}/events`` → the device id, or "" for any other topic."""
    parts = topic.split("/")
    base = prefix.split("/")
    if len(parts) != len(base) + 3 or parts[: len(base)] != base:
        return ""
    if parts[len(base)] != "devices" or parts[-1] != "events":
        return ""
    return parts[len(base) + 1]
