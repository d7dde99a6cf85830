"""alarms/sla.py, rule by rule and without a database: the boundaries at exactly 60 s and 180 s, pending
alarms, exact comparison with the targets, nearest-rank percentiles, breakdowns and the abandoned share."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yanglao.alarms import sla

T0 = dt.datetime(2026, 3, 2, 1, 59, 0, tzinfo=dt.UTC)  # 09:59 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")


def alarm(pk=1, claim=None, close=None, raised=T0, operator=None, street=""):
    """An alarm raised at ``raised``, claimed/closed ``claim``/``close`` seconds later."""
    return sla.AlarmTimes(
        pk=pk,
        raised_at=raised,
        claimed_at=None if claim is None else raised + dt.timedelta(seconds=claim),
        closed_at=None if close is None else raised + dt.timedelta(seconds=close),
        operator_id=operator,
        street=street,
    )


LATER = T0 + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("claim", "close", "now", "seconds", "expected"),
    [
        # claimed: the answer time decides, exactly N seconds is within N
        (0, None, LATER, 60, True),
        (59.999, None, LATER, 60, True),
        (60, None, LATER, 60, True),
        (60.001, None, LATER, 60, False),
        (180, None, LATER, 180, True),
        (180.001, None, LATER, 180, False),
        (61, None, LATER, 180, True),
        # a claim stamped before the alarm counts as 0 s
        (-5, None, LATER, 60, True),
        # closed without a claim: the close is the answer
        (None, 30, LATER, 60, True),
        (None, 90, LATER, 60, False),
        # claimed then closed: the claim decides
        (50, 500, LATER, 60, True),
        # unanswered: pending until more than N seconds have passed, then missed
        (None, None, T0 + dt.timedelta(seconds=59), 60, None),
        (None, None, T0 + dt.timedelta(seconds=60), 60, None),
        (None, None, T0 + dt.timedelta(seconds=60, microseconds=1), 60, False),
        (None, None, T0 + dt.timedelta(seconds=120), 180, None),
        (None, None, T0 + dt.timedelta(seconds=181), 180, False),
    ],
)
def test_answered_within(claim, close, now, seconds, expected):
    assert sla.answered_within(alarm(claim=claim, close=close), seconds, now) is expected


def test_share_counts_met_and_leaves_pending_out():
    now = T0 + dt.timedelta(seconds=100)
    alarms = [alarm(1, claim=10), alarm(2, claim=60), alarm(3, claim=61), alarm(4), alarm(5, close=20)]
    within_60 = sla.share(alarms, 60, now)
    assert (within_60.met, within_60.counted, within_60.pending) == (3, 5, 0)  # 4 is missed: 100 s > 60 s
    within_180 = sla.share(alarms, 180, now)
    assert (within_180.met, within_180.counted, within_180.pending) == (4, 4, 1)  # 4 is pending at 100 s


@pytest.mark.parametrize(
    ("met", "counted", "percent"),
    [(0, 0, None), (0, 3, Decimal("0.0")), (1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")),
     (39, 40, Decimal("97.5")), (199, 200, Decimal("99.5")), (1999, 2000, Decimal("100.0"))],
)  # fmt: skip
def test_percent_rounds_half_up_to_one_decimal(met, counted, percent):
    assert sla.Share(met, counted).percent == percent


@pytest.mark.parametrize(
    ("met", "counted", "target", "meets"),
    [
        (39, 40, Decimal("97.5"), True),  # exactly the TSA target
        (38, 40, Decimal("97.5"), False),
        (197, 200, Decimal("98.5"), True),  # exactly the European one
        (196, 200, Decimal("98.5"), False),
        (99, 100, Decimal("99"), True),
        (1998, 2000, Decimal("99.95"), False),  # 99.9 % shown as 99.9, short of 99.95
        (3999, 4000, Decimal("99.95"), True),  # 99.975 % ≥ 99.95 %, shown as 100.0 after rounding
        (0, 0, Decimal("97.5"), None),
    ],
)
def test_meets_compares_exactly_not_the_rounded_figure(met, counted, target, meets):
    assert sla.Share(met, counted).meets(target) is meets


@pytest.mark.parametrize(
    ("n", "median_rank", "p90_rank"),
    [(1, 1, 1), (2, 1, 2), (3, 2, 3), (4, 2, 4), (9, 5, 9), (10, 5, 9), (11, 6, 10), (20, 10, 18), (21, 11, 19)],
)  # fmt: skip
def test_nearest_rank(n, median_rank, p90_rank):
    values = [(float(v), v) for v in range(n, 0, -1)]  # unsorted on purpose
    assert sla.rank_value(values, 1, 2) == (float(median_rank), median_rank)
    assert sla.rank_value(values, 9, 10) == (float(p90_rank), p90_rank)


def test_resolution_uses_claim_to_close_and_names_the_alarm():
    alarms = [
        alarm(1, claim=10, close=310),  # 300 s
        alarm(2, claim=20, close=120),  # 100 s
        alarm(3, claim=30, close=230),  # 200 s
        alarm(4, claim=30),  # not closed: left out
        alarm(5, close=40),  # closed without claim: no handling time
    ]
    result = sla.resolution(alarms)
    assert result.count == 3
    assert result.median == (200.0, 3)
    assert result.p90 == (300.0, 1)
    assert sla.resolution([]) == sla.Resolution(0, None, None)


def test_abandoned_share_counts_ended_incoming_calls():
    calls = [sla.CallTimes(True, True), sla.CallTimes(True, False), sla.CallTimes(False, False)]
    assert sla.abandoned_share(calls) == sla.Share(met=1, counted=2, pending=1)


def test_by_hour_uses_local_time_and_lists_all_24_hours():
    late_evening = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)  # 23:30 Shanghai
    rows = sla.by_hour([alarm(1, claim=5), alarm(2, claim=70, raised=late_evening)], LATER, SHANGHAI)
    assert [r.key for r in rows] == list(range(24))
    assert rows[9].total == 1 and rows[9].within_60 == sla.Share(1, 1, 0)
    assert rows[23].total == 1 and rows[23].within_60 == sla.Share(0, 1, 0)
    assert sum(r.total for r in rows) == 2


def test_report_orders_groups_by_count_and_puts_unclaimed_last():
    alarms = [
        alarm(1, claim=5, operator=7, street="310104003000"),
        alarm(2, claim=100, operator=8, street="310104004000"),
        alarm(3, claim=50, operator=8, street="310104004000"),
        alarm(4, street="310104003000"),
    ]
    result = sla.report(alarms, [], now=LATER, tz=SHANGHAI)
    assert result.total == 4
    assert result.within_60 == sla.Share(2, 4, 0) and result.within_180 == sla.Share(3, 4, 0)
    assert [(r.key, r.total) for r in result.by_operator] == [(8, 2), (7, 1), (None, 1)]
    assert [(r.key, r.total) for r in result.by_street] == [("310104003000", 2), ("310104004000", 2)]
    assert result.by_operator[0].within_60 == sla.Share(1, 2, 0)


def test_targets_are_the_labelled_defaults_unless_a_region_sets_its_own():
    shipped = {t.key: t for t in sla.targets()}
    assert shipped["within_60"].percent == Decimal("97.5") and shipped["within_60"].seconds == 60
    assert shipped["within_180"].percent == Decimal("99") and shipped["within_180"].seconds == 180
    assert shipped["strict_60"].percent == Decimal("98.5") and "欧洲" in shipped["strict_60"].source
    assert "TSA" in shipped["within_60"].source
    own = {t.key: t.percent for t in sla.targets({"within_60": 95, "within_180": 98, "strict_60": 96})}
    assert own == {"within_60": 95, "within_180": 98, "strict_60": 96}
