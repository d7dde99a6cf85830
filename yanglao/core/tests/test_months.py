"""Calendar months: parsing, ends, and stepping across year ends and short months."""

import datetime as dt

import pytest

from yanglao.core import months


@pytest.mark.parametrize(
    ("value", "first"),
    [
        ("2026-11", dt.date(2026, 11, 1)),
        (" 2026-01 ", dt.date(2026, 1, 1)),
        (dt.date(2026, 2, 17), dt.date(2026, 2, 1)),
        ("2026-13", None),
        ("2026-1", None),
        ("1999-12", None),
        ("", None),
        (None, None),
    ],
)
def test_parse(value, first):
    assert months.parse(value) == first


def test_stepping_and_ends():
    assert months.next_month(dt.date(2026, 12, 15)) == dt.date(2027, 1, 1)
    assert months.previous_month(dt.date(2026, 1, 31)) == dt.date(2025, 12, 1)
    assert months.months_back(dt.date(2026, 3, 9), 14) == dt.date(2025, 1, 1)
    assert months.month_end(dt.date(2028, 2, 3)) == dt.date(2028, 2, 29)
    assert months.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
