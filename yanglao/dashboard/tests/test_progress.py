"""The progress rules (dashboard/progress.py), enumerated: status, pace and projected date."""

import datetime as dt

import pytest

from yanglao.dashboard import progress

DEC_2026 = {"year": 2026, "month": 12}


def line(start: float, step: float, months: int = 12) -> list[tuple[int, float]]:
    """``months`` monthly values ending December 2026, rising by ``step`` a month."""
    end = 2026 * 12 + 11
    return [(end - months + 1 + i, start + step * i) for i in range(months)]


def test_no_value_is_no_data_whatever_the_target():
    p = progress.assess(value=None, history=[], comparator="gte", target=60, target_year=2030, **DEC_2026)
    assert (p.status, p.projected) == ("no_data", None)


@pytest.mark.parametrize(
    ("comparator", "value", "met"),
    [("gte", 60.0, True), ("gte", 59.9, False), ("lte", 5.0, True), ("lte", 5.1, False)],
)
def test_met_includes_the_target_itself(comparator, value, met):
    p = progress.assess(
        value=value,
        history=[],
        comparator=comparator,
        target=60 if comparator == "gte" else 5,
        target_year=2030,
        **DEC_2026,
    )
    assert (p.status == "met") is met


def test_on_track_when_the_line_reaches_the_target_by_the_end_of_the_target_year():
    history = line(38, 1)  # 38 → 49 over the year, +1 a month: 60 is 11 months away
    p = progress.assess(value=49, history=history, comparator="gte", target=60, target_year=2027, **DEC_2026)
    assert p.status == "on_track"
    assert p.pace == pytest.approx(1.0)
    assert p.projected == dt.date(2027, 11, 30)  # 11 months after December 2026


def test_lagging_when_the_projection_is_after_the_target_year():
    p = progress.assess(
        value=49, history=line(38, 1), comparator="gte", target=60, target_year=2026, **DEC_2026
    )
    assert p.status == "lagging"
    assert p.projected == dt.date(2027, 11, 30)
    assert "晚于目标年份" in p.note


def test_a_past_target_year_is_lagging_but_still_projected():
    p = progress.assess(
        value=49, history=line(38, 1), comparator="gte", target=60, target_year=2022, **DEC_2026
    )
    assert (p.status, p.projected) == ("lagging", dt.date(2027, 11, 30))
    assert p.note.startswith("目标年份 2022 年已过")


def test_pace_away_from_the_target_has_no_date():
    p = progress.assess(
        value=38, history=line(49, -1), comparator="gte", target=60, target_year=2030, **DEC_2026
    )
    assert (p.status, p.projected) == ("lagging", None)
    assert "无法达标" in p.note


def test_lower_is_better_targets_need_a_falling_line():
    falling = line(9, -0.25)  # 9.0 → 6.25
    p = progress.assess(value=6.25, history=falling, comparator="lte", target=5, target_year=2027, **DEC_2026)
    assert (p.status, p.projected) == ("on_track", dt.date(2027, 5, 31))  # 1.25 / 0.25 = 5 months


def test_too_little_history_cannot_be_projected():
    p = progress.assess(
        value=49, history=line(48, 1, months=2), comparator="gte", target=60, target_year=2030, **DEC_2026
    )
    assert (p.status, p.pace, p.projected) == ("lagging", None, None)
    assert "历史数据不足 3 个月" in p.note


def test_only_the_last_twelve_months_set_the_pace():
    history = line(0, 5, months=24)[:12] + line(100, 0.5)  # fast long ago, slow now
    p = progress.assess(
        value=105.5, history=history, comparator="gte", target=111.5, target_year=2030, **DEC_2026
    )
    assert p.pace == pytest.approx(0.5)
    assert p.projected == dt.date(2027, 12, 31)


def test_a_projection_beyond_fifty_years_is_not_a_date():
    p = progress.assess(
        value=10, history=line(9.89, 0.01), comparator="gte", target=100, target_year=2030, **DEC_2026
    )
    assert (p.status, p.projected) == ("lagging", None)
    assert "50 年内无法达标" in p.note


def test_slope_is_least_squares():
    assert progress.slope([(0, 1.0), (1, 3.0), (2, 2.0)]) == pytest.approx(0.5)
    assert progress.slope([(0, 1.0), (0, 2.0), (0, 3.0)]) is None
    assert progress.slope([(0, 1.0), (1, 2.0)]) is None
