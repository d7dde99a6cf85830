"""ID numbers and phones as people and Excel deliver them: every bad input named in the issue."""

import datetime as dt

import pytest

from yanglao.core import idcard
from yanglao.people import identity

TODAY = dt.date(2026, 11, 24)
GOOD = idcard.make("310104", dt.date(1945, 3, 8), 123)  # ends in a digit
WITH_X = next(
    idcard.make("310104", dt.date(1950, 1, 1), s)
    for s in range(999)
    if idcard.make("310104", dt.date(1950, 1, 1), s).endswith("X")
)


def norm(value, **kw):
    return identity.normalise_id(value, today=TODAY, **kw)


def test_good_numbers_pass_and_lower_case_x_is_stored_upper():
    assert norm(GOOD) == GOOD
    assert norm(WITH_X.lower()) == WITH_X


def test_full_width_digits_and_spaces_are_folded():
    wide = "".join(chr(ord(c) + 0xFEE0) for c in GOOD)
    assert norm(f" {wide[:6]} {wide[6:]}\u3000") == GOOD


def test_fifteen_digit_numbers_are_upgraded():
    old = GOOD[:6] + GOOD[8:17]
    assert norm(old) == GOOD


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (GOOD[:17] + str((int(GOOD[17]) + 1) % 10) if GOOD[17] != "X" else GOOD[:17] + "0", "校验位"),
        ("310104" + "19990230" + "1230", "不是真实的日期"),
        (idcard.make("310104", dt.date(2027, 1, 1), 1), "晚于今天"),
        (float(GOOD), "科学计数法"),
        (3.10104e17, "科学计数法"),
        ("3.10104E+17", "科学计数法"),
        (int(WITH_X[:17]), "末位 X 已丢失"),
        ("", "不能为空"),
        ("31010419450308", "应为 18 位"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(value, reason):
    if reason == "不是真实的日期":
        value = value[:17] + idcard.check_character(value[:17])
    with pytest.raises(identity.IdentityError, match=reason):
        norm(value)


def test_minimum_age():
    young = idcard.make("310104", dt.date(1970, 1, 1), 3)
    assert norm(young) == young
    with pytest.raises(identity.IdentityError, match="年龄不足 60 周岁"):
        norm(young, min_age=60)


def test_age_and_birthday_boundaries():
    assert identity.age_on(dt.date(1946, 11, 24), TODAY) == 80
    assert identity.age_on(dt.date(1946, 11, 25), TODAY) == 79
    assert identity.birthday_years_ago(dt.date(2028, 2, 29), 80) == dt.date(1948, 2, 29)
    assert identity.birthday_years_ago(dt.date(2028, 2, 29), 81) == dt.date(1947, 2, 28)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("021-64381234", "021-64381234"),
        ("02164381234", "021-64381234"),
        ("64381234", "64381234"),
        ("０２１－６４３８１２３４", "021-64381234"),
        (13812345678.0, "13812345678"),
        ("", ""),
    ],
)
def test_phones(raw, clean):
    assert identity.normalise_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "2381234567", "138123456789", "abc"])
def test_bad_phones(raw):
    with pytest.raises(identity.IdentityError, match="格式不正确"):
        identity.normalise_phone(raw)
