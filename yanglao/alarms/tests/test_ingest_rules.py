"""alarms/rules.py without a database: resolution, windows, silences, thresholds with a duration, offline,
no activity, battery, geofence, clocks and the flood gate, case by case."""

import datetime as dt

import pytest

from yanglao.alarms import rules
from yanglao.alarms.choices import RuleKind
from yanglao.alarms.rules import Rule, RuleBook

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
COMMUNITY = "310104003001"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_kinds_are_the_models_rule_kinds():
    assert set(rules.KINDS) == set(RuleKind.values) == set(rules.DEFAULTS) == set(rules.SPECS)
    assert all(rule.is_default for rule in rules.DEFAULTS.values())


# ---------------------------------------------------------------- which rule applies


def test_person_rule_beats_region_rule_beats_default():
    book = RuleBook(
        [
            Rule("hr_high", threshold=140, region_code=None, is_default=True),
            Rule("hr_high", threshold=125, region_code="310104000000"),
            Rule("hr_high", threshold=120, region_code="310104003000"),
            Rule("hr_high", threshold=110, elder_id=7),
        ]
    )
    assert book.resolve("hr_high", region_code=COMMUNITY, elder_id=7).threshold == 110
    assert book.resolve("hr_high", region_code=COMMUNITY, elder_id=8).threshold == 120  # the street's
    assert book.resolve("hr_high", region_code="310104004001").threshold == 125  # the district's
    assert book.resolve("hr_high", region_code="310105001001").threshold == 140  # stored default
    assert book.has_person_rule("hr_high", 7) and not book.has_person_rule("hr_high", 8)


def test_without_any_stored_row_the_shipped_default_applies():
    rule = RuleBook([]).resolve("spo2_low", region_code=COMMUNITY)
    assert rule == rules.DEFAULTS["spo2_low"] and rule.threshold == 90 and rule.duration_seconds == 60
    assert rule.level == "default"


@pytest.mark.parametrize(
    ("start", "end", "time", "inside"),
    [
        (None, None, dt.time(3, 0), True),  # no window: always
        (dt.time(7), dt.time(21), dt.time(7, 0), True),  # the start belongs to the window
        (dt.time(7), dt.time(21), dt.time(20, 59), True),
        (dt.time(7), dt.time(21), dt.time(21, 0), False),  # the end does not
        (dt.time(7), dt.time(21), dt.time(6, 59), False),
        (dt.time(21), dt.time(7), dt.time(23, 30), True),  # a night window passes midnight
        (dt.time(21), dt.time(7), dt.time(6, 0), True),
        (dt.time(21), dt.time(7), dt.time(12, 0), False),
        (dt.time(8), dt.time(8), dt.time(2, 0), True),  # equal ends: the whole day
    ],
)
def test_active_windows(start, end, time, inside):
    assert rules.in_window(Rule("no_activity", active_from=start, active_to=end), time) is inside


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Rule("hr_high", threshold=130), True),
        (Rule("hr_high", threshold=130, enabled=False), False),
        (Rule("hr_high", threshold=130, silence_until=at(60)), False),  # silenced until a minute from now
        (Rule("hr_high", threshold=130, silence_until=at(0)), True),  # a silence ends at its time
        (Rule("hr_high", threshold=130, silence_until=at(-1)), True),
        (Rule("hr_high", threshold=130, active_from=dt.time(9), active_to=dt.time(17)), False),
    ],
)
def test_enabled_silenced_and_windowed(rule, expected):
    assert rules.active(rule, now=T0, local_time=dt.time(3, 0)) is expected


# ---------------------------------------------------------------- thresholds with a duration


@pytest.mark.parametrize(
    ("kind", "value", "threshold", "breach"),
    [
        ("hr_high", 131, 130, True),
        ("hr_high", 130, 130, False),  # "above 130": 130 itself is not a breach
        ("hr_low", 39, 40, True),
        ("hr_low", 40, 40, False),
        ("spo2_low", 89.5, 90, True),
        ("spo2_low", 90, 90, False),
    ],
)
def test_threshold_edges(kind, value, threshold, breach):
    assert rules.breaches(kind, value, threshold) is breach


def judge(readings, duration=120, now=None, kind="hr_high", threshold=130):
    points = [(at(s), v) for s, v in readings]
    now = now if now is not None else points[-1][0]
    return rules.sustained(points, kind=kind, threshold=threshold, duration_seconds=duration, now=now)


@pytest.mark.parametrize(
    ("readings", "duration", "started"),
    [
        ([(0, 135), (60, 140), (120, 138)], 120, 0),  # breaching for exactly 2 minutes: counts
        ([(0, 135), (60, 140), (119, 138)], 120, None),  # one second short
        ([(0, 135), (60, 120), (120, 138)], 120, None),  # a normal reading in between resets the run
        ([(0, 120), (30, 135), (90, 140), (150, 150)], 120, 30),  # run starts at the first breach after
        ([(0, 135), (120, 125)], 120, None),  # the newest reading is normal: no breach now
        ([(0, 135)], 0, 0),  # no duration: the newest breaching reading is enough
        ([(0, 131), (600, 135)], 120, 0),  # a gap of 10 minutes inside the run still counts (within slack)
    ],
)
def test_sustained_breach_cases(readings, duration, started):
    result = judge(readings, duration=duration)
    assert result == (at(started) if started is not None else None)


def test_a_breach_older_than_duration_plus_slack_is_stale():
    # The only earlier breach is 18 minutes old: older than 2 min + 15 min slack, it stands for nothing.
    assert judge([(0, 135), (18 * 60, 140)]) is None
    assert judge([(0, 135), (16 * 60, 140)]) == at(0)


def test_readings_arrive_in_any_order_and_later_ones_are_ignored():
    assert judge([(120, 138), (0, 135), (60, 140)], now=at(120)) == at(0)
    # a reading after ``now`` (a later message judged first) does not decide an earlier moment
    assert judge([(0, 135), (60, 140), (180, 100)], now=at(120)) == at(0)


def test_low_rules_compare_downwards():
    assert judge([(0, 38), (60, 35), (130, 39)], kind="hr_low", threshold=40) == at(0)
    assert judge([(0, 88), (30, 91), (70, 85)], kind="spo2_low", threshold=90, duration=60) is None
    assert judge([(0, 88), (30, 89), (70, 85)], kind="spo2_low", threshold=90, duration=60) == at(0)


# ---------------------------------------------------------------- watches


@pytest.mark.parametrize(
    ("silent_for", "heartbeat", "missed", "is_offline"),
    [
        (900, 300, 3, False),  # exactly three intervals: not yet
        (901, 300, 3, True),
        (200, 60, 3, True),
        (None, 300, 3, False),  # never heard from
    ],
)
def test_offline_after_missed_heartbeats(silent_for, heartbeat, missed, is_offline):
    last = None if silent_for is None else T0 - dt.timedelta(seconds=silent_for)
    assert rules.offline(last_seen=last, heartbeat_seconds=heartbeat, missed=missed, now=T0) is is_offline


def test_no_activity_after_the_rules_duration():
    rule = rules.DEFAULTS["no_activity"]
    twelve_hours = dt.timedelta(hours=12)
    assert rules.inactive_since(last_activity=T0 - twelve_hours, now=T0, rule=rule)
    assert not rules.inactive_since(
        last_activity=T0 - twelve_hours + dt.timedelta(seconds=1), now=T0, rule=rule
    )
    assert not rules.inactive_since(last_activity=None, now=T0, rule=rule)
    # by day only: the default's window is 07:00–21:00
    assert rules.active(rule, now=T0, local_time=dt.time(10)) and not rules.active(
        rule, now=T0, local_time=dt.time(23)
    )


@pytest.mark.parametrize(
    ("previous", "current", "dropped"),
    [(25, 19, True), (None, 10, True), (19, 18, False), (20, 20, False), (15, 30, False)],
)
def test_battery_alarm_once_when_it_falls_below(previous, current, dropped):
    assert rules.battery_dropped(previous=previous, current=current, threshold=20) is dropped


def test_geofence_distance_and_who_it_applies_to():
    home = (31.2075, 121.444)
    assert rules.distance_m(*home, 31.2075, 121.444) == 0
    # 0.009 degrees of latitude is about 1 km
    assert 990 < rules.distance_m(31.2075, 121.444, 31.2165, 121.444) < 1010
    assert rules.outside_fence(home=home, position=(31.2100, 121.444), radius_m=500) is None  # ~280 m
    assert rules.outside_fence(home=home, position=(31.2165, 121.444), radius_m=500) > 500
    assert rules.outside_fence(home=None, position=(31.2165, 121.444), radius_m=500) is None
    default = rules.DEFAULTS["geofence"]
    assert rules.geofence_applies(default, cognitive_impairment=True)
    assert not rules.geofence_applies(default, cognitive_impairment=False)
    own_on = Rule("geofence", threshold=300, elder_id=5)
    own_off = Rule("geofence", threshold=300, elder_id=5, enabled=False)
    assert rules.geofence_applies(own_on, cognitive_impairment=False)
    assert not rules.geofence_applies(own_off, cognitive_impairment=True)


def test_clock_and_late_flags():
    assert not rules.clock_off(device_time=at(-14 * 60), received=T0)
    assert rules.clock_off(device_time=at(-3 * 3600), received=T0)
    assert rules.clock_off(device_time=at(16 * 60), received=T0)
    assert rules.late(device_time=at(-120), latest_known=T0)
    assert not rules.late(device_time=at(-30), latest_known=T0)
    assert not rules.late(device_time=at(-3600), latest_known=None)


def test_flood_gate_holds_one_device_back_and_not_the_others():
    gate = rules.FloodGate(capacity=5, per_second=1)
    allowed = [gate.allow("broken", 100.0) for _ in range(8)]
    assert allowed == [True] * 5 + [False] * 3
    assert gate.allow("healthy", 100.0)  # another device has its own bucket
    assert not gate.allow("broken", 100.5)  # half a token refilled: not enough
    assert gate.allow("broken", 101.6)  # refilled over time
    gate.reset()
    assert gate.allow("broken", 101.6)


def test_flood_gate_forgets_quiet_devices():
    gate = rules.FloodGate(capacity=2, per_second=1, forget_after=10)
    gate.allow("a", 0.0)
    gate._forget(100.0)
    assert gate._buckets == {}
