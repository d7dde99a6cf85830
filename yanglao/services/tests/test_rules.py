"""The check-in rules as pure logic: which rule applies where, and what each check-in or check-out breaks."""

import datetime as dt

import pytest

from yanglao.services import rules

RULE = rules.Rule(
    max_distance_in_m=200,
    max_distance_out_m=300,
    late_start_minutes=15,
    early_leave_minutes=10,
    min_service_minutes=48,
    photos_required=1,
    on_distance="warn",
    on_late="continue",
    on_early="warn",
    on_short="end",
)
NINE = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def test_the_nearest_region_wins_and_the_default_covers_the_rest():
    by_region = {None: "default", "310104000000": "district", "310104003000": "street"}
    assert rules.most_specific(by_region, "310104003001") == "street"
    assert rules.most_specific(by_region, "310104004001") == "district"
    assert rules.most_specific(by_region, "310105001001") == "default"
    assert rules.most_specific({"310104003001": "community"}, "310104003001") == "community"
    assert rules.most_specific({}, "310104003001") is None


@pytest.mark.parametrize(
    ("minutes", "distance", "kinds"),
    [(0, 50, []), (15, 200, []), (16, 50, ["late"]), (0, 201, ["far_in"]), (30, 5000, ["far_in", "late"])],
)
def test_check_in(minutes, distance, kinds):
    found = rules.check_in(
        RULE, scheduled_start=NINE, at=NINE + dt.timedelta(minutes=minutes), distance_m=distance
    )
    assert [b.kind for b in found] == kinds
    assert all(any(ch >= "\u4e00" for ch in b.message) for b in found)


def test_check_out_breaches_and_their_actions():
    start, end = NINE, NINE + dt.timedelta(minutes=60)
    ok = rules.check_out(RULE, checked_in_at=start, scheduled_end=end, at=end, distance_m=10, photos=1)
    assert ok == []
    bad = rules.check_out(
        RULE,
        checked_in_at=start,
        scheduled_end=end,
        at=start + dt.timedelta(minutes=20),
        distance_m=400,
        photos=0,
    )
    assert [(b.kind, b.action) for b in bad] == [
        ("far_out", "warn"),
        ("early", "warn"),
        ("short", "end"),
        ("photos", "block"),
    ]
    assert rules.worst(bad) == "end" and rules.worst([]) == "continue"


def test_a_check_out_before_the_check_in_is_refused_not_counted():
    found = rules.check_out(
        RULE, checked_in_at=NINE, scheduled_end=NINE, at=NINE - dt.timedelta(hours=2), distance_m=0, photos=1
    )
    assert [(b.kind, b.action) for b in found] == [("order", "block")] and "手机时间" in found[0].message
