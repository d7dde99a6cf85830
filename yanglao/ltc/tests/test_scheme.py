"""Shanghai's art. 14 as the scheme's defaults, enumerated, and the money split."""

import datetime as dt
from decimal import Decimal

import pytest

from yanglao.ltc import scheme

P = scheme.clean({})


@pytest.mark.parametrize(("level", "visits"), [(1, 0), (2, 3), (3, 3), (4, 5), (5, 7), (6, 7)])
def test_home_visits_a_week_by_level(level, visits):
    assert scheme.home_care(P, level) == scheme.HomeCare(visits, 60)


@pytest.mark.parametrize(("level", "ok"), [(1, False), (2, True), (3, True), (4, True), (5, True), (6, True)])
def test_levels_two_to_six_qualify(level, ok):
    assert scheme.qualifies(P, level) is ok


@pytest.mark.parametrize(("result", "level"), [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)])
def test_ltc_2021_results_map_to_care_levels(result, level):
    assert scheme.care_level(P, result) == level


@pytest.mark.parametrize(
    ("level", "start", "end", "hours"),
    [
        (5, dt.date(2026, 1, 15), dt.date(2026, 2, 14), 0),
        (5, dt.date(2026, 1, 15), dt.date(2026, 2, 15), 1),
        (6, dt.date(2026, 1, 15), dt.date(2026, 7, 14), 1),
        (6, dt.date(2026, 1, 15), dt.date(2026, 7, 15), 2),
        (4, dt.date(2025, 1, 1), dt.date(2026, 7, 31), 0),
    ],
)
def test_extra_hours_for_levels_five_and_six_at_home(level, start, end, hours):
    assert scheme.extra_hours(P, level, start, end) == hours


def test_the_cash_alternative_is_40_or_80_yuan():
    assert (scheme.extra_cash(P, 1), scheme.extra_cash(P, 2)) == (Decimal("40.00"), Decimal("80.00"))


def test_the_fund_pays_90_percent_of_home_care_and_the_shares_add_up():
    assert scheme.split(Decimal("325.00"), P["fund_share_home"]) == (Decimal("292.50"), Decimal("32.50"))
    fund, own = scheme.split(Decimal("0.05"), P["fund_share_home"])
    assert fund + own == Decimal("0.05")


def test_a_result_is_valid_two_years_at_most_and_never_beyond_the_assessment():
    assert scheme.valid_until(P, dt.date(2026, 3, 1), None) == dt.date(2028, 2, 29)
    assert scheme.valid_until(P, dt.date(2026, 3, 1), dt.date(2027, 3, 1)) == dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fund_share_home": "1.5"}, "居家照护基金支付比例应为 0 到 1 之间的小数"),
        ({"valid_months": 36}, "评估结果有效期应为 1 到 24 个月"),
        ({"colour": 1}, "长护险参数含未知项"),
        ({"home_visits_per_week": {"4": 9}}, "每周上门次数应为 0 到 7 次"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(params, message):
    with pytest.raises(scheme.SchemeError, match=message):
        scheme.clean(params)
