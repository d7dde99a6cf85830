"""Citizen ID numbers and phone numbers as people type them, and as Excel mangles them. Pure, no Django.

GB 11643-1999 (core/idcard.py has the check character). Every refusal is a Chinese sentence naming what is
wrong, so an import error report can show it as it is.
"""

from __future__ import annotations

import datetime as dt
import re

from yanglao.core import idcard

FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＸｘＡＢＣＤＥＦ－（）＋"}
FULL_WIDTH[0x3000] = 0x20  # ideographic space


class IdentityError(ValueError):
    """A refusal whose message is shown to users as it is."""


def to_half_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def clean_text(value: object) -> str:
    """Text of a cell: numbers without a trailing .0, full-width folded, every kind of space removed."""
    if value is None:
        return ""
    if type(value) is str and value.isascii() and value.isalnum():
        return value  # the common case, nothing to fold or strip
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return re.sub(r"\s+", "", to_half_width(str(value)))


def upgrade_15(number15: str) -> str:
    """An old 15-digit number: insert the century "19" and add the check character."""
    first17 = number15[:6] + "19" + number15[6:15]
    return first17 + idcard.check_character(first17)


def normalise_id(value: object, *, today: dt.date, min_age: int = 0) -> str:
    """Return the canonical 18-character number or raise IdentityError saying what is wrong."""
    if isinstance(value, float) and value.is_integer() and len(f"{value:.0f}") == 17:
        raise IdentityError(
            "公民身份号码被 Excel 存成了数字，末位 X 已丢失（Excel 数字只保留 15 位）；请把该列设为文本后重新填写"
        )
    if isinstance(value, float):
        if not value.is_integer() or (value >= 1e15 and len(f"{value:.0f}") > 15):
            raise IdentityError(
                "公民身份号码被 Excel 存成了数字（科学计数法），末几位已丢失；请把该列设为文本后重新填写"
            )
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if len(digits) == 17:
            raise IdentityError("公民身份号码被 Excel 存成了数字，末位 X 已丢失；请把该列设为文本后重新填写")
        value = digits
    text = clean_text(value).upper()
    if len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X"):
        return _check_18(text, today, min_age)
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", text):
        raise IdentityError("公民身份号码被 Excel 存成了科学计数法，末几位已丢失；请把该列设为文本后重新填写")
    if not text:
        raise IdentityError("公民身份号码不能为空")
    if re.fullmatch(r"\d{15}", text):
        text = upgrade_15(text)
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise IdentityError(f"公民身份号码应为 18 位（或 15 位旧号码），实际为 {len(text)} 位“{text}”")
    return _check_18(text, today, min_age)


def _check_18(text: str, today: dt.date, min_age: int) -> str:
    try:
        birth = idcard.birth_date(text)
    except ValueError:
        raise IdentityError(f"公民身份号码中的出生日期 {text[6:14]} 不是真实的日期") from None
    if birth > today:
        raise IdentityError(f"公民身份号码中的出生日期 {birth:%Y-%m-%d} 晚于今天")
    if birth.year < 1880:
        raise IdentityError(f"公民身份号码中的出生日期 {birth:%Y-%m-%d} 不合理")
    if text[17] != idcard.check_character(text[:17]):
        raise IdentityError("公民身份号码校验位错误，请核对最后一位")
    if min_age and age_on(birth, today) < min_age:
        raise IdentityError(f"年龄不足 {min_age} 周岁，不能登记入老年人信息库（出生于 {birth:%Y-%m-%d}）")
    return text


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday_years_ago(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is at least ``years`` old on ``day`` (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def gender_of(number: str) -> str:
    return "M" if idcard.is_male(number) else "F"


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
LOCAL = re.compile(r"^\d{7,8}$")


def normalise_phone(value: object, *, required: bool = False) -> str:
    """A mobile (11 digits starting 13–19), a landline with area code, or a local 7–8 digit number."""
    text = clean_text(value).replace("(", "").replace(")", "")
    text = re.sub(r"^(\+?86)(?=1[3-9]\d{9}$)", "", text)
    if not text:
        if required:
            raise IdentityError("联系电话不能为空")
        return ""
    if MOBILE.match(text) or LOCAL.match(text):
        return text
    if LANDLINE.match(text):
        return (
            text
            if "-" in text
            else (
                text[:3] + "-" + text[3:]
                if text[:3] in {"010", "020", "021", "022", "023", "024", "025", "027", "028", "029"}
                else text[:4] + "-" + text[4:]
            )
        )
    raise IdentityError(f"联系电话“{text}”格式不正确（手机号 11 位，座机如 021-64381234）")
