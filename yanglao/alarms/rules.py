"""Alarm rules as data, judged without Django: which rule applies to a person, whether it is active now, and
whether readings breach it for long enough.

A rule (``AlarmRule`` row) exists per kind as the shipped default (no region, no person, labelled 系统默认值),
per region (the nearest region containing the person's community wins over the default) and per person (wins
over both: own thresholds, a silence period, a geofence switched on or off). A rule carries its whole set of
values: the service that writes one starts from the rule in force, so resolving never mixes two rows.

Thresholds with a duration (heart rate above 130 for 2 minutes) are judged from the stored readings, never from
a process's memory, so several ingesters sharing the MQTT subscription judge alike: a breach counts when the
current run of breaching readings (no normal reading in between) began at least ``duration`` ago and that
first breach lies within ``duration + LOOKBACK_SLACK`` (older readings are too stale to stand for the last
minutes). The shipped values come from no official text: they are labelled defaults a district edits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from yanglao.services.rules import ancestors_and_self

HR_HIGH, HR_LOW, SPO2_LOW = "hr_high", "hr_low", "spo2_low"
HEARTBEAT_MISSED, NO_ACTIVITY, LOW_BATTERY, GEOFENCE = (
    "heartbeat_missed",
    "no_activity",
    "low_battery",
    "geofence",
)
KINDS = (HR_HIGH, HR_LOW, SPO2_LOW, HEARTBEAT_MISSED, NO_ACTIVITY, LOW_BATTERY, GEOFENCE)

# A reading older than duration + this cannot stand for the last ``duration`` seconds.
LOOKBACK_SLACK = dt.timedelta(minutes=15)
# A device clock further off than this from the server's is flagged "clock"; its messages are judged at the
# server's receive time.
CLOCK_SKEW = dt.timedelta(minutes=15)
# A message made this long before the device's latest known message arrived out of order: flagged "late".
LATE_SLACK = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Rule:
    kind: str
    threshold: float | None = None
    duration_seconds: int = 0
    active_from: dt.time | None = None
    active_to: dt.time | None = None
    silence_until: dt.datetime | None = None
    enabled: bool = True
    is_default: bool = False
    region_code: str | None = None
    elder_id: int | None = None

    @property
    def level(self) -> str:
        """person / region / default: where the rule comes from (pages label it)."""
        if self.elder_id is not None:
            return "person"
        return "region" if self.region_code else "default"


@dataclass(frozen=True)
class Spec:
    """What a kind of rule means: the threshold's unit and allowed range, the duration's range."""

    label: str
    unit: str
    lo: float
    hi: float
    duration_lo: int = 0
    duration_hi: int = 86400
    needs_threshold: bool = True


SPECS: dict[str, Spec] = {
    HR_HIGH: Spec("心率过高", "次/分", 60, 250, 0, 3600),
    HR_LOW: Spec("心率过低", "次/分", 20, 100, 0, 3600),
    SPO2_LOW: Spec("血氧过低", "%", 70, 99, 0, 3600),
    HEARTBEAT_MISSED: Spec("心跳中断（设备离线）", "个心跳间隔", 1, 48, 0, 0),
    NO_ACTIVITY: Spec("长时间无活动", "", 0, 0, 3600, 72 * 3600, needs_threshold=False),
    LOW_BATTERY: Spec("电量低", "%", 1, 80, 0, 0),
    GEOFENCE: Spec("电子围栏", "米", 50, 50_000, 0, 0),
}

# The shipped defaults (系统默认值): suggested values from practice, not from an official text (issue 12;
# operations research: no Chinese standard with these figures was found). One county alarms after 4–5 hours
# without motion; we ship 12 hours by day and let districts shorten it.
DEFAULTS: dict[str, Rule] = {
    HR_HIGH: Rule(HR_HIGH, threshold=130, duration_seconds=120, is_default=True),
    HR_LOW: Rule(HR_LOW, threshold=40, duration_seconds=120, is_default=True),
    SPO2_LOW: Rule(SPO2_LOW, threshold=90, duration_seconds=60, is_default=True),
    HEARTBEAT_MISSED: Rule(HEARTBEAT_MISSED, threshold=3, is_default=True),
    NO_ACTIVITY: Rule(
        NO_ACTIVITY,
        duration_seconds=12 * 3600,
        active_from=dt.time(7, 0),
        active_to=dt.time(21, 0),
        is_default=True,
    ),
    LOW_BATTERY: Rule(LOW_BATTERY, threshold=20, is_default=True),
    GEOFENCE: Rule(GEOFENCE, threshold=500, is_default=True),
}

# Vital-sign rules: the reading they watch and how a value breaches the threshold.
VITALS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    HR_HIGH: ("heart_rate", lambda value, limit: value > limit),
    HR_LOW: ("heart_rate", lambda value, limit: value < limit),
    SPO2_LOW: ("spo2", lambda value, limit: value < limit),
}


class RuleBook:
    """The rules that may apply to a set of people: the defaults, every region's, those people's own."""

    def __init__(self, rules: Iterable[Rule]):
        self._person: dict[tuple[str, int], Rule] = {}
        self._region: dict[str, dict[str | None, Rule]] = {}
        self._resolved: dict[tuple[str, str, int | None], Rule] = {}  # a batch asks the same again and again
        for rule in rules:
            if rule.elder_id is not None:
                self._person[(rule.kind, rule.elder_id)] = rule
            else:
                self._region.setdefault(rule.kind, {})[rule.region_code or None] = rule

    def resolve(self, kind: str, *, region_code: str, elder_id: int | None = None) -> Rule:
        """The person's own rule, else the nearest region's, else the stored default, else the shipped one."""
        if elder_id is not None and (kind, elder_id) in self._person:
            return self._person[(kind, elder_id)]
        key = (kind, region_code, None)
        found = self._resolved.get(key)
        if found is None:
            by_region = self._region.get(kind, {})
            code = next((c for c in ancestors_and_self(region_code) if c in by_region), None)
            found = self._resolved[key] = by_region[code] if code else (by_region.get(None) or DEFAULTS[kind])
        return found

    def has_person_rule(self, kind: str, elder_id: int) -> bool:
        return (kind, elder_id) in self._person


def in_window(rule: Rule, local_time: dt.time) -> bool:
    """Inside the rule's active window (local time). No window: always. A window may pass midnight
    (21:00–07:00); equal ends mean the whole day."""
    start, end = rule.active_from, rule.active_to
    if start is None or end is None or start == end:
        return True
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def active(rule: Rule, *, now: dt.datetime, local_time: dt.time) -> bool:
    """Enabled, not silenced at ``now`` and inside its window."""
    if not rule.enabled:
        return False
    if rule.silence_until is not None and now < rule.silence_until:
        return False
    return in_window(rule, local_time)


def breaches(kind: str, value: float, threshold: float) -> bool:
    return VITALS[kind][1](value, threshold)


def sustained(
    readings: Sequence[tuple[dt.datetime, float]],
    *,
    kind: str,
    threshold: float,
    duration_seconds: int,
    now: dt.datetime,
) -> dt.datetime | None:
    """When the current breach began, if it has lasted ``duration_seconds`` by ``now``; else None.

    ``readings`` are (time, value) of one device, in any order, including the newest. The run of breaching
    readings that ends with the newest (a normal reading ends a run) must begin at least ``duration`` before
    ``now``, within ``duration + LOOKBACK_SLACK``. Duration 0: the newest reading breaching is enough.
    """
    duration = dt.timedelta(seconds=duration_seconds)
    oldest = now - duration - LOOKBACK_SLACK
    start: dt.datetime | None = None
    for at, value in sorted(r for r in readings if oldest <= r[0] <= now):
        if breaches(kind, value, threshold):
            start = start or at
        else:
            start = None
    if start is None or now - start < duration:
        return None
    return start


def offline(
    *, last_seen: dt.datetime | None, heartbeat_seconds: int, missed: float, now: dt.datetime
) -> bool:
    """Silent for more than ``missed`` heartbeat intervals. A device never heard from is not offline yet."""
    if last_seen is None:
        return False
    return (now - last_seen).total_seconds() > missed * heartbeat_seconds


def inactive_since(*, last_activity: dt.datetime | None, now: dt.datetime, rule: Rule) -> bool:
    """No door or motion message for the rule's duration (judged only inside its window, by the caller's
    ``active``). Without any activity on record, nothing can be judged."""
    if last_activity is None:
        return False
    return (now - last_activity).total_seconds() >= rule.duration_seconds


def battery_dropped(*, previous: int | None, current: int, threshold: float) -> bool:
    """The battery fell below the threshold with this message (once per fall, not every heartbeat)."""
    return current < threshold and (previous is None or previous >= threshold)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine, WGS-84 mean radius): a geofence needs no more."""
    radius = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))


def geofence_applies(rule: Rule, *, cognitive_impairment: bool) -> bool:
    """A person's own geofence rule switches it on or off for them; the region's or the default applies to
    people with dementia (cognitive impairment) only."""
    if rule.level == "person":
        return rule.enabled
    return rule.enabled and cognitive_impairment


def outside_fence(
    *, home: tuple[float, float] | None, position: tuple[float, float], radius_m: float
) -> float | None:
    """The distance from home when beyond ``radius_m``, else None (also None without a home position)."""
    if home is None:
        return None
    distance = distance_m(home[0], home[1], position[0], position[1])
    return distance if distance > radius_m else None


def clock_off(*, device_time: dt.datetime, received: dt.datetime) -> bool:
    return abs(device_time - received) > CLOCK_SKEW


def late(*, device_time: dt.datetime, latest_known: dt.datetime | None) -> bool:
    """Made well before the device's latest message we know of: it arrived out of order."""
    return latest_known is not None and device_time < latest_known - LATE_SLACK


def with_values(rule: Rule, **changes: object) -> Rule:
    return replace(rule, **changes)  # type: ignore[arg-type]


class FloodGate:
    """A token bucket per device: a broken device that sends hundreds of messages a minute is held back
    (and flagged) without slowing any other. ``capacity`` messages at once, ``per_second`` after that.
    Kept in the process: each ingester limits what it receives, which is all a bucket needs."""

    def __init__(self, *, capacity: float = 30, per_second: float = 0.5, forget_after: float = 600):
        self.capacity = capacity
        self.per_second = per_second
        self.forget_after = forget_after
        self._buckets: dict[str, tuple[float, float]] = {}
        self._calls = 0

    def allow(self, device: str, now: float) -> bool:
        tokens, last = self._buckets.get(device, (self.capacity, now))
        tokens = min(self.capacity, tokens + max(0.0, now - last) * self.per_second)
        allowed = tokens >= 1
        self._buckets[device] = (tokens - 1 if allowed else tokens, now)
        self._calls += 1
        if self._calls % 100_000 == 0:
            self._forget(now)
        return allowed

    def _forget(self, now: float) -> None:
        """Buckets of devices quiet for a while are full again: drop them to bound the memory."""
        stale = [d for d, (_, last) in self._buckets.items() if now - last > self.forget_after]
        for device in stale:
            del self._buckets[device]

    def reset(self) -> None:
        self._buckets.clear()
