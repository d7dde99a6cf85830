"""Device messages in: the one service behind the MQTT ingester and the HTTP endpoint (``ingest_batch``).

A batch is checked first (contract, device, key, status, flood gate, clock) with one device query; then
emergencies (SOS, fall, smoke, gas) are committed one per transaction, before anything else, and the rest in
one transaction: the new messages by one ``INSERT … ON CONFLICT DO NOTHING`` (a redelivered message is a
duplicate, counted, never a second row), the devices' last seen, battery, firmware and last activity by one
``UPDATE``, the alarms through ``raising.alarm_raise`` and the minute's counters by one upsert. Heartbeats make
no message rows: they only move the device's "last seen". Nothing a device sends raises out of here: a bad
message is a rejected result, counted and logged in English without its payload.

Judging uses the server's receive time when the device's clock is off (flag ``clock``); a message made well
before the device's latest known one is flagged ``late``. A device that floods is held back by a token bucket
(``rules.FloodGate``, per process) and flagged; emergencies always pass.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Case, When
from django.utils import timezone

from yanglao.alarms import errors, messages, rules, simulation
from yanglao.alarms.choices import AlarmKind, DeviceKind, DeviceStatus
from yanglao.alarms.devicekeys import key_hash, key_matches
from yanglao.alarms.models import Device, DeviceEvent
from yanglao.alarms.selectors.ingest import rule_book
from yanglao.alarms.services.raising import alarm_raise
from yanglao.core import audit
from yanglao.core import services as core_services
from yanglao.core.models import User
from yanglao.people.choices import ElderStatus, LivingArrangement
from yanglao.people.models import Elder

log = logging.getLogger("yanglao.alarms.ingest")

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
# Why a message was refused (``Result.reason``; the HTTP endpoint answers each differently).
AUTH, INACTIVE, MALFORMED, FLOOD = "auth", "inactive", "malformed", "flood"
PATHS = ("mqtt", "http")

GATE = rules.FloodGate()

# Messages that raise an alarm by themselves (the device decided), and the alarm's kind.
DIRECT = {
    "sos": AlarmKind.SOS,
    "fall": AlarmKind.FALL,
    "smoke": AlarmKind.SMOKE,
    "gas": AlarmKind.GAS,
    "water": AlarmKind.WATER,
    "service": AlarmKind.SERVICE,
    "no_motion": AlarmKind.NO_ACTIVITY,
    "low_battery": AlarmKind.LOW_BATTERY,
    "geofence": AlarmKind.GEOFENCE,
}
# Device-decided alarms a person's rule may silence (an SOS, a fall, smoke or gas never are).
SILENCEABLE = {"no_motion": rules.NO_ACTIVITY, "low_battery": rules.LOW_BATTERY, "geofence": rules.GEOFENCE}
TEXT = {
    "sos": "紧急呼救",
    "fall": "设备检测到跌倒",
    "smoke": "烟感报警器报警",
    "gas": "燃气报警器报警",
    "water": "水浸报警器报警",
    "service": "一键通服务请求",
    "no_motion": "设备报告长时间无活动",
    "low_battery": "设备报告电量低",
    "geofence": "设备报告越出电子围栏",
}
VITAL_TEXT = {
    rules.HR_HIGH: "心率 {value:g} 次/分，高于 {threshold:g} 次/分",
    rules.HR_LOW: "心率 {value:g} 次/分，低于 {threshold:g} 次/分",
    rules.SPO2_LOW: "血氧 {value:g}%，低于 {threshold:g}%",
}


@dataclass(frozen=True)
class Incoming:
    """One message as a transport received it, unchecked. ``key`` is the transport's credential (the HTTP
    header); when empty, the payload's ``key`` is used."""

    serial: object
    body: object  # bytes or text (JSON), or an already decoded mapping
    key: str = ""
    received_at: dt.datetime | None = None


@dataclass
class Result:
    status: str
    reason: str = ""
    field: str = ""
    message: str = ""  # Chinese, for a malformed message's HTTP answer
    flags: tuple[str, ...] = ()
    event_id: int | None = None
    alarm_id: int | None = None
    msg_id: str = ""


@dataclass
class Counts:
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    flagged: int = 0
    alarms: int = 0
    reasons: Counter = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        for name in ("received", "accepted", "duplicates", "rejected", "flagged", "alarms"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reasons.update(other.reasons)


@dataclass
class Batch:
    results: list[Result]
    counts: Counts


class DeviceRow(NamedTuple):
    id: int
    serial: str
    key_hash: str
    elder_id: int
    region_id: str
    status: str
    battery: int | None
    last_seen_at: dt.datetime | None
    flagged: str


@dataclass
class _Item:
    index: int
    message: messages.Message
    device: DeviceRow
    received: dt.datetime
    flags: list[str]
    event_id: int | None = None

    @property
    def when(self) -> dt.datetime:
        """The time rules judge by: the device's, unless its clock is off."""
        return self.received if "clock" in self.flags else self.message.ts


# ---------------------------------------------------------------- the service


def ingest_batch(
    batch: Sequence[Incoming],
    *,
    path: str,
    now: dt.datetime | None = None,
    gate: rules.FloodGate | None = None,
) -> Batch:
    """Take a batch of device messages; one result per message, in order, and the batch's counts.

    Idempotent per (device, msg_id): a message seen before is a duplicate and changes nothing. Never raises
    for anything a device sent; a database error propagates (the transport retries, and must not
    acknowledge the batch)."""
    if path not in PATHS:
        raise ValueError(f"unknown ingest path {path!r}")
    now = now or timezone.now()
    results: list[Result | None] = [None] * len(batch)
    counts = Counts(received=len(batch))
    items, device_flags = _check(batch, now=now, results=results, counts=counts, gate=gate or GATE)
    emergencies = [item for item in items if item.message.emergency]
    others = [item for item in items if not item.message.emergency]
    for item in emergencies:  # each at once, alone: never behind a batch of heartbeats
        with transaction.atomic():
            _write([item], results=results, counts=counts, device_flags={})
    with transaction.atomic():
        if others or device_flags:
            _write(others, results=results, counts=counts, device_flags=device_flags)
        _count(path=path, now=now, counts=counts)
    if counts.rejected:
        log.warning(
            "rejected %d of %d device messages on %s (%s)",
            counts.rejected,
            counts.received,
            path,
            ", ".join(f"{reason}={n}" for reason, n in sorted(counts.reasons.items())),
        )
    return Batch(results=[r or Result(REJECTED, reason=MALFORMED) for r in results], counts=counts)


def _check(
    batch: Sequence[Incoming],
    *,
    now: dt.datetime,
    results: list[Result | None],
    counts: Counts,
    gate: rules.FloodGate,
) -> tuple[list[_Item], dict[int, set[str]]]:
    """Contract, device, key, status, flood and clock for every message; the refused get their result."""

    def refuse(index: int, reason: str, problem: messages.Malformed | None = None) -> None:
        results[index] = Result(
            REJECTED,
            reason=reason,
            field=problem.field if problem else "",
            message=problem.reason if problem else "",
        )
        counts.rejected += 1
        counts.reasons[reason] += 1

    parsed: list[tuple[int, str, messages.Message, Incoming]] = []
    for index, incoming in enumerate(batch):
        try:
            data = messages.decode(incoming.body)
            serial = messages.parse_serial(incoming.serial)
            message = messages.parse(data)
        except messages.Malformed as problem:
            log.debug("device message %d malformed at %s", index, problem.field)
            refuse(index, MALFORMED, problem)
            continue
        parsed.append((index, serial, message, incoming))
    devices = _devices({serial for _, serial, _, _ in parsed})
    items: list[_Item] = []
    device_flags: dict[int, set[str]] = {}
    latest: dict[int, dt.datetime] = {}
    clock = time.monotonic()
    for index, serial, message, incoming in parsed:
        device = devices.get(serial)
        key = incoming.key or message.key
        if device is None or not key_matches(key, device.key_hash):
            log.debug("device message %d refused: unknown device or wrong key", index)
            refuse(index, AUTH)
            continue
        if device.status != DeviceStatus.ACTIVE:
            refuse(index, INACTIVE)
            continue
        if not message.emergency and not gate.allow(serial, clock):
            refuse(index, FLOOD)
            if "flood" not in device.flagged:
                device_flags.setdefault(device.id, set()).add("flood")
            continue
        received = incoming.received_at or now
        flags = []
        if rules.clock_off(device_time=message.ts, received=received):
            flags.append("clock")
            if "clock" not in device.flagged:
                device_flags.setdefault(device.id, set()).add("clock")
        else:
            known = latest.get(device.id, device.last_seen_at)
            if device.last_seen_at is not None and known is not None and device.last_seen_at > known:
                known = device.last_seen_at
            if rules.late(device_time=message.ts, latest_known=known):
                flags.append("late")
            if known is None or message.ts > known:
                latest[device.id] = message.ts
        items.append(_Item(index=index, message=message, device=device, received=received, flags=flags))
    return items, device_flags


def pg_cursor() -> Any:
    """A cursor binding parameters on the server, on Django's connection and in its transaction
    (PostgreSQL): a list travels as one array parameter instead of being spelled out into the SQL text by
    Django's client-side cursor, which cost more than the statements themselves at 500 messages a batch."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


PG_DEVICES = """
SELECT id, serial, key_hash, elder_id, region_code, status, battery, last_seen_at, flagged
FROM alarms_device WHERE serial = ANY(%b)"""


def _devices(serials: Iterable[str]) -> dict[str, DeviceRow]:
    wanted = list(serials)
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        with pg_cursor() as cursor:
            rows = cursor.execute(PG_DEVICES, [wanted], binary=True).fetchall()
    else:
        rows = list(
            Device.objects.unscoped(reason="a device message names its device by serial")
            .filter(serial__in=wanted)
            .values_list(*DeviceRow._fields[:5], "status", "battery", "last_seen_at", "flagged")
        )
    return {row[1]: DeviceRow(*row) for row in rows}


def _write(
    items: list[_Item], *, results: list[Result | None], counts: Counts, device_flags: dict[int, set[str]]
) -> None:
    """One transaction's worth: message rows, devices, alarms. Fills the items' results."""
    inserted = _insert_events([item for item in items if item.message.type != "heartbeat"])
    accepted: list[_Item] = []
    for item in items:
        flags, msg_id = tuple(item.flags), item.message.msg_id
        if item.message.type == "heartbeat":
            results[item.index] = Result(ACCEPTED, flags=flags, msg_id=msg_id)
        else:
            event_id = inserted.pop((item.device.id, msg_id), None)
            if event_id is None:
                results[item.index] = Result(DUPLICATE, flags=flags, msg_id=msg_id)
                counts.duplicates += 1
                continue
            results[item.index] = Result(ACCEPTED, flags=flags, event_id=event_id, msg_id=msg_id)
            item.event_id = event_id
        counts.accepted += 1
        counts.flagged += bool(flags)
        accepted.append(item)
    _update_devices(accepted, device_flags)
    for item, alarm_id in _alarms(accepted):
        result = results[item.index]
        assert result is not None
        result.alarm_id = alarm_id
        counts.alarms += 1


# ---------------------------------------------------------------- bulk SQL


# Table names are fixed (alarms.models); the statements are literals so nothing but parameters varies.
PG_INSERT_EVENTS = """
INSERT INTO alarms_deviceevent
    (device_id, elder_id, region_code, msg_id, type, device_time, received_at, "values", flags)
SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::varchar[], %b::varchar[], %b::varchar[],
                     %b::timestamptz[], %b::timestamptz[], %b::text[]::jsonb[], %b::varchar[])
ON CONFLICT (device_id, msg_id) DO NOTHING
RETURNING id, device_id, msg_id"""
INSERT_EVENT_HEAD = """
INSERT INTO alarms_deviceevent
    (device_id, elder_id, region_code, msg_id, type, device_time, received_at, "values", flags)
VALUES """
INSERT_EVENT_TAIL = " ON CONFLICT (device_id, msg_id) DO NOTHING RETURNING id, device_id, msg_id"
PG_UPDATE_DEVICES = """
UPDATE alarms_device AS d SET
    last_seen_at = GREATEST(d.last_seen_at, v.seen),
    online = d.online OR v.seen IS NOT NULL,
    battery = COALESCE(v.battery, d.battery),
    firmware = COALESCE(v.firmware, d.firmware),
    last_activity_at = GREATEST(d.last_activity_at, v.activity),
    flagged = COALESCE(v.flagged, d.flagged)
FROM unnest(%b::bigint[], %b::timestamptz[], %b::smallint[], %b::varchar[], %b::timestamptz[],
            %b::varchar[]) AS v(id, seen, battery, firmware, activity, flagged)
WHERE d.id = v.id"""
UPDATE_DEVICE = """
UPDATE alarms_device SET
    last_seen_at = CASE WHEN %s IS NOT NULL AND (last_seen_at IS NULL OR last_seen_at < %s)
                   THEN %s ELSE last_seen_at END,
    online = CASE WHEN %s IS NOT NULL THEN %s ELSE online END,
    battery = COALESCE(%s, battery),
    firmware = COALESCE(%s, firmware),
    last_activity_at = CASE WHEN %s IS NOT NULL AND (last_activity_at IS NULL OR last_activity_at < %s)
                       THEN %s ELSE last_activity_at END,
    flagged = COALESCE(%s, flagged)
WHERE id = %s"""
UPSERT_STATS = """
INSERT INTO alarms_ingeststat (minute, path, received, accepted, duplicates, rejected, flagged)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (minute, path) DO UPDATE SET
    received = alarms_ingeststat.received + excluded.received,
    accepted = alarms_ingeststat.accepted + excluded.accepted,
    duplicates = alarms_ingeststat.duplicates + excluded.duplicates,
    rejected = alarms_ingeststat.rejected + excluded.rejected,
    flagged = alarms_ingeststat.flagged + excluded.flagged"""


def _insert_events(items: list[_Item]) -> dict[tuple[int, str], int]:
    """Insert the messages' rows, skipping any (device, msg_id) already stored. Returns the new rows' ids."""
    if not items:
        return {}
    rows = [
        (
            item.device.id,
            item.device.elder_id,
            item.device.region_id,
            item.message.msg_id,
            item.message.type,
            item.message.ts,
            item.received,
            json.dumps(item.message.values, separators=(",", ":")),
            ",".join(item.flags),
        )
        for item in items
    ]
    if connection.vendor == "postgresql":
        with pg_cursor() as cursor:
            cursor.execute(
                PG_INSERT_EVENTS, [list(column) for column in zip(*rows, strict=True)], binary=True
            )
            return {(device_id, msg_id): pk for pk, device_id, msg_id in cursor.fetchall()}
    adapt = connection.ops.adapt_datetimefield_value
    flat: list[Any] = []
    for row in rows:
        flat.extend((*row[:5], adapt(row[5]), adapt(row[6]), *row[7:]))
    marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(INSERT_EVENT_HEAD + marks + INSERT_EVENT_TAIL, flat)
        return {(device_id, msg_id): pk for pk, device_id, msg_id in cursor.fetchall()}


def _update_devices(items: list[_Item], device_flags: dict[int, set[str]]) -> None:
    """Last seen (and online again), battery, firmware, last activity and flags: one statement per batch
    on PostgreSQL. Times only move forward, so a late message never winds a device back."""
    changes: dict[int, list[Any]] = {}  # device id → [seen, battery, firmware, activity, flagged]
    for item in items:
        row = changes.get(item.device.id)
        if row is None:
            row = changes[item.device.id] = [item.received, None, None, None, None]
        elif item.received > row[0]:
            row[0] = item.received
        values = item.message.values
        if values:
            if "battery" in values:
                row[1] = values["battery"]
            if "firmware" in values:
                row[2] = values["firmware"]
        if item.message.type in messages.ACTIVITY and (row[3] is None or item.when > row[3]):
            row[3] = item.when
    flagged_now = {i.device.id: i.device.flagged for i in items}
    for device_id, new in device_flags.items():
        current = flagged_now.get(device_id)
        if current is None:
            current = (
                Device.objects.unscoped(reason="flag a device that misbehaves")
                .filter(pk=device_id)
                .values_list("flagged", flat=True)
                .first()
                or ""
            )
        words = [w for w in current.split(",") if w]
        words += sorted(new - set(words))
        changes.setdefault(device_id, [None, None, None, None, None])[4] = ",".join(words)[:60]
    if not changes:
        return
    rows = [(pk, *changes[pk]) for pk in sorted(changes)]  # in id order: concurrent ingesters lock alike
    if connection.vendor == "postgresql":
        with pg_cursor() as cursor:
            cursor.execute(PG_UPDATE_DEVICES, [list(column) for column in zip(*rows, strict=True)])
        return
    with connection.cursor() as cursor:
        adapt = connection.ops.adapt_datetimefield_value
        params = []
        for pk, seen, battery, firmware, activity, flagged in rows:
            s, a = adapt(seen), adapt(activity)
            params.append((s, s, s, s, True, battery, firmware, a, a, a, flagged, pk))
        cursor.executemany(UPDATE_DEVICE, params)


def _count(*, path: str, now: dt.datetime, counts: Counts) -> None:
    """The minute's counters for this path, added in one upsert (``alarm-stats`` reads them)."""
    if not counts.received:
        return
    minute = connection.ops.adapt_datetimefield_value(now.replace(second=0, microsecond=0))
    values = (counts.received, counts.accepted, counts.duplicates, counts.rejected, counts.flagged)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_STATS, [minute, path, *values])


# ---------------------------------------------------------------- alarms


@dataclass
class _Raise:
    item: _Item
    kind: str
    text: str
    lat: float | None = None
    lng: float | None = None


def _alarms(items: list[_Item]) -> list[tuple[_Item, int]]:
    """Raise what the accepted messages call for, through ``alarm_raise``; (item, alarm id) per alarm."""
    direct = [item for item in items if item.message.type in DIRECT]
    vitals = [item for item in items if item.message.type == "vitals"]
    batteries = [item for item in items if _battery_may_have_dropped(item)]
    positions = [item for item in items if "lat" in item.message.values and item.message.type != "heartbeat"]
    if not (direct or vitals or batteries or positions):
        return []
    book = rule_book(elder_ids={item.device.elder_id for item in [*direct, *vitals, *batteries, *positions]})
    wanted: list[_Raise] = []
    for item in direct:
        kind = item.message.type
        if kind == "geofence" and item.message.values.get("event") != "exit":
            continue
        if kind in SILENCEABLE and not _active(book, SILENCEABLE[kind], item):
            continue
        wanted.append(_Raise(item, DIRECT[kind], TEXT[kind], *_position(item)))
    wanted += _vital_alarms(book, vitals)
    for item in batteries:
        rule = book.resolve(
            rules.LOW_BATTERY, region_code=item.device.region_id, elder_id=item.device.elder_id
        )
        battery = item.message.values["battery"]
        if (
            item.message.type != "low_battery"
            and rule.threshold is not None
            and rules.battery_dropped(previous=item.device.battery, current=battery, threshold=rule.threshold)
            and _active(book, rules.LOW_BATTERY, item)
        ):
            wanted.append(
                _Raise(item, AlarmKind.LOW_BATTERY, f"设备电量 {battery}%，低于 {rule.threshold:g}%")
            )
    wanted += _geofence_alarms(book, [i for i in positions if i.message.type != "geofence"])
    if not wanted:
        return []
    devices = Device.objects.unscoped(reason="the device of a message that raises an alarm").in_bulk(
        {w.item.device.id for w in wanted}
    )
    elders = (
        Elder.objects.unscoped(reason="the person of a message that raises an alarm")
        .only("id", "region")
        .in_bulk({w.item.device.elder_id for w in wanted})
    )
    raised = []
    for want in wanted:
        event_id = want.item.event_id
        alarm, _created = alarm_raise(
            elder=elders[want.item.device.elder_id],
            device=devices[want.item.device.id],
            kind=want.kind,
            at=want.item.received,
            event=DeviceEvent(pk=event_id) if event_id else None,
            message=want.text,
            lat=want.lat,
            lng=want.lng,
        )
        if event_id:
            DeviceEvent.objects.unscoped(reason="link a message to the alarm it raised").filter(
                pk=event_id
            ).update(alarm=alarm)
        raised.append((want.item, alarm.pk))
    return raised


def _battery_may_have_dropped(item: _Item) -> bool:
    """Below the highest threshold a rule may set, and lower than before: only then can a rule see a drop."""
    battery = item.message.values.get("battery")
    if battery is None or battery >= rules.SPECS[rules.LOW_BATTERY].hi:
        return False
    return item.device.battery is None or battery < item.device.battery


def _position(item: _Item) -> tuple[float | None, float | None]:
    values = item.message.values
    return values.get("lat"), values.get("lng")


def _active(book: rules.RuleBook, kind: str, item: _Item) -> bool:
    rule = book.resolve(kind, region_code=item.device.region_id, elder_id=item.device.elder_id)
    return rules.active(rule, now=item.received, local_time=timezone.localtime(item.received).time())


def _vital_alarms(book: rules.RuleBook, items: list[_Item]) -> list[_Raise]:
    """Vital-sign breaches that lasted their rule's duration, judged from the stored readings."""
    candidates: list[tuple[_Item, str, rules.Rule, float]] = []
    for item in items:
        for kind, (name, _) in rules.VITALS.items():
            value = item.message.values.get(name)
            if value is None:
                continue
            rule = book.resolve(kind, region_code=item.device.region_id, elder_id=item.device.elder_id)
            if rule.threshold is None or not rules.breaches(kind, value, rule.threshold):
                continue
            if not _active(book, kind, item):
                continue
            candidates.append((item, kind, rule, value))
    if not candidates:
        return []
    history = _readings(
        {item.device.id for item, _, rule, _ in candidates if rule.duration_seconds},
        since=min(item.received for item, *_ in candidates)
        - dt.timedelta(seconds=max(rule.duration_seconds for _, _, rule, _ in candidates))
        - rules.LOOKBACK_SLACK,
    )
    out = []
    for item, kind, rule, value in candidates:
        name = rules.VITALS[kind][0]
        assert rule.threshold is not None
        readings = [(at, values[name]) for at, values in history.get(item.device.id, []) if name in values]
        readings.append((item.when, value))
        started = rules.sustained(
            readings,
            kind=kind,
            threshold=rule.threshold,
            duration_seconds=rule.duration_seconds,
            now=item.when,
        )
        if started is None:
            continue
        text = VITAL_TEXT[kind].format(value=value, threshold=rule.threshold)
        if rule.duration_seconds:
            text += f"，已持续 {max(1, round((item.when - started).total_seconds() / 60))} 分钟"
        out.append(_Raise(item, kind, text, *_position(item)))
    return out


def _readings(device_ids: set[int], *, since: dt.datetime) -> dict[int, list[tuple[dt.datetime, dict]]]:
    """Stored vital-sign readings of these devices received since ``since``, at the time rules judge by."""
    if not device_ids:
        return {}
    rows = (
        DeviceEvent.objects.unscoped(reason="a vital sign's recent readings, to judge a duration")
        .filter(device_id__in=device_ids, type="vitals", received_at__gte=since)
        .values_list("device_id", "device_time", "received_at", "values", "flags")
    )
    out: dict[int, list[tuple[dt.datetime, dict]]] = {}
    for device_id, device_time, received_at, values, flags in rows:
        out.setdefault(device_id, []).append((received_at if "clock" in flags else device_time, values))
    return out


def _geofence_alarms(book: rules.RuleBook, items: list[_Item]) -> list[_Raise]:
    """Positions beyond the person's geofence (people with dementia, or whose own rule switches it on)."""
    if not items:
        return []
    homes = {
        pk: (lat, lng, "dementia" in (conditions or []))
        for pk, lat, lng, conditions in Elder.objects.unscoped(reason="home position for a geofence")
        .filter(pk__in={item.device.elder_id for item in items})
        .values_list("id", "lat", "lng", "chronic_conditions")
    }
    out = []
    for item in items:
        lat, lng, dementia = homes.get(item.device.elder_id, (None, None, False))
        rule = book.resolve(rules.GEOFENCE, region_code=item.device.region_id, elder_id=item.device.elder_id)
        if rule.threshold is None or not rules.geofence_applies(rule, cognitive_impairment=dementia):
            continue
        if not _active(book, rules.GEOFENCE, item):
            continue
        position = (item.message.values["lat"], item.message.values["lng"])
        home = (lat, lng) if lat is not None and lng is not None else None
        distance = rules.outside_fence(home=home, position=position, radius_m=rule.threshold)
        if distance is not None:
            text = f"离家约 {distance:.0f} 米，超出电子围栏 {rule.threshold:g} 米"
            out.append(_Raise(item, AlarmKind.GEOFENCE, text, *position))
    return out


# ---------------------------------------------------------------- HTTP

MAX_HTTP_BATCH = 500
REFUSALS: dict[str, type[errors.DeviceRejected]] = {
    AUTH: errors.DeviceUnauthorised,
    INACTIVE: errors.DeviceInactive,
    FLOOD: errors.DeviceThrottled,
    MALFORMED: errors.MessageMalformed,
}


def refusal(result: Result) -> errors.DeviceRejected:
    """The DomainError a refused message answers with over HTTP (401, 422 or 429)."""
    kind = REFUSALS[result.reason]
    if result.reason == MALFORMED:
        return kind(f"设备消息格式有误：{result.message}", fields={result.field: result.message})
    return kind()


def _http_incoming(item: object, key: str) -> Incoming:
    try:
        data = messages.decode(item)
    except messages.Malformed:
        return Incoming(serial=None, body=item, key=key)  # refused by the service, with the reason
    return Incoming(serial=data.get("device_id"), body=data, key=key)


def device_post(*, body: bytes, key: str = "") -> Result:
    """``POST /api/v1/devices/events``: one message whose body names its ``device_id``; the key is the
    ``X-Device-Key`` header or the body's ``key``. Returns the accepted or duplicate result; a refusal is
    raised as the DomainError the API answers with (counted and logged like any refused message)."""
    with audit.acting_as(None, via="设备接入：HTTP"):
        result = ingest_batch([_http_incoming(body, key)], path="http").results[0]
    if result.status == REJECTED:
        raise refusal(result)
    return result


def device_post_batch(*, body: bytes, key: str = "") -> Batch:
    """``POST /api/v1/devices/events/batch``: a JSON list of up to ``MAX_HTTP_BATCH`` messages (a device
    that buffered while offline, a gateway); one result per message, refused ones included."""
    try:
        items = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.MessageMalformed("请求体不是有效的 JSON", fields={"请求": "无法解析"}) from exc
    if not isinstance(items, list) or not items:
        raise errors.MessageMalformed("请求体应为设备消息的 JSON 数组", fields={"请求": "应为非空数组"})
    if len(items) > MAX_HTTP_BATCH:
        message = f"一次最多提交 {MAX_HTTP_BATCH} 条设备消息"
        raise errors.MessageMalformed(message, fields={"请求": message})
    with audit.acting_as(None, via="设备接入：HTTP"):
        return ingest_batch([_http_incoming(item, key) for item in items], path="http")


# ---------------------------------------------------------------- simulated devices

SIM_KINDS = (  # the share of each kind among simulated devices, in tenths
    (DeviceKind.WRISTBAND, 5),
    (DeviceKind.ONE_KEY, 2),
    (DeviceKind.DOOR, 1),
    (DeviceKind.MOTION, 1),
    (DeviceKind.SMOKE, 1),
)


@transaction.atomic
def simulated_devices_register(*, actor: User, count: int, secret: str) -> dict[str, int]:
    """Make sure simulated devices ``SIM-0000001`` … ``SIM-<count>`` exist, bound in turn to the people in the
    actor's scope (living alone first), with keys the simulator derives from ``secret``. Idempotent: existing
    ones are kept. For demos and load tests only; one batch audit entry."""
    if not actor.has_perm("alarms.add_device"):
        raise PermissionDenied
    people = list(
        Elder.objects.for_user(actor)
        .filter(status=ElderStatus.ACTIVE)
        .order_by(Case(When(living_arrangement=LivingArrangement.ALONE, then=0), default=1), "pk")
        .values_list("pk", "region_id")[: max(1, count)]
    )
    if not people:
        raise errors.InvalidDevice(
            "辖区内没有在册老人，无法登记模拟设备",
            fields={"devices": "没有老人"},
            code="alarms.simulation_no_people",
        )
    serials = [simulation.sim_serial(n) for n in range(1, count + 1)]
    existing = set(
        Device.objects.unscoped(reason="which simulated devices exist")
        .filter(serial__in=serials)
        .values_list("serial", flat=True)
    )
    kinds = [kind for kind, tenths in SIM_KINDS for _ in range(tenths)]
    today = timezone.localdate()
    made = []
    for n, serial in enumerate(serials):
        if serial in existing:
            continue
        elder_id, region_code = people[n % len(people)]
        made.append(
            Device(
                serial=serial,
                kind=kinds[n % len(kinds)],
                elder_id=elder_id,
                region_id=region_code,
                key_hash=key_hash(simulation.sim_key(serial, secret)),
                model_name="模拟设备",
                installed_on=today,
                note="模拟设备（simulate-devices 生成）",
            )
        )
    Device.objects.bulk_create(made, batch_size=5000)
    if made:
        core_services.audit_batch_record(
            actor=actor, action="device.simulate", model=Device, count=len(made), detail={"total": count}
        )
    return {"created": len(made), "existing": len(existing)}
