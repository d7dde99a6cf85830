"""The price split, enumerated: who pays what for covered and uncovered units."""

from decimal import Decimal as D

import pytest

from yanglao.services import pricing


@pytest.mark.parametrize(
    ("quantity", "price", "contract", "unit_hours", "hours_left", "yuan_left", "expected"),
    [
        # not bought by the government: the person pays everything
        (D(1), D("100"), None, D(1), D(10), D(0), (D(0), D("0.00"), D("100.00"), D("0.0"), D("0.00"))),
        # an hours allowance covers two of three hours at the contract price
        (D(3), D("45"), D("38"), D(1), D(2), D(0), (D(2), D("76.00"), D("45.00"), D("2.0"), D("0.00"))),
        # a 60-minute visit against 1.5 hours left: one visit covered
        (D(2), D("100"), D("80"), D(1), D("1.5"), D(0), (D(1), D("80.00"), D("100.00"), D("1.0"), D("0.00"))),
        # a money allowance of 100 yuan covers one 80-yuan visit, not two
        (D(2), D("100"), D("80"), D(1), D(0), D(100), (D(1), D("80.00"), D("100.00"), D("0.0"), D("80.00"))),
        # the allowance is spent: nothing covered
        (D(1), D("45"), D("38"), D(1), D(0), D(0), (D(0), D("0.00"), D("45.00"), D("0.0"), D("0.00"))),
        # half-hour meal delivery at 20 minutes a meal against 1 hour: three meals covered
        (D(4), D("18"), D("12"), D(1) / 3, D(1), D(0), (D(3), D("36.00"), D("18.00"), D("1.0"), D("0.00"))),
    ],
)
def test_split(quantity, price, contract, unit_hours, hours_left, yuan_left, expected):
    got = pricing.split(
        quantity=quantity,
        price=price,
        contracted_price=contract,
        unit_hours=unit_hours,
        hours_left=hours_left,
        yuan_left=yuan_left,
    )
    assert (
        got.covered_units,
        got.government_yuan,
        got.self_pay_yuan,
        got.hours_used,
        got.yuan_used,
    ) == expected
