"""One spreadsheet row → an ElderIn, or the list of what is wrong with it (column and reason, in Chinese).

Cell values arrive as calamine gives them (str, int, float, bool, date, datetime) or as CSV text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from yanglao.people import columns, identity
from yanglao.people.schemas import ElderIn

FIELD_COLUMN = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "phone": "联系电话",
    "address": "居住地址",
    "region_code": "社区代码",
    "living_arrangement": "居住情况",
    "economic_status": "经济状况",
    "ethnicity": "民族",
    "registered_address": "户籍地址",
    "household_number": "户号",
    "family_planning_special": "计生特殊家庭",
    "disability_category": "残疾类别",
    "disability_grade": "残疾等级",
    "medical_insurance": "医保类型",
    "family_doctor_signed": "家庭医生签约",
    "chronic_conditions": "慢性病",
    "lat": "纬度",
    "lng": "经度",
}
PYDANTIC_MESSAGES = {
    "missing": "不能为空",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "enum": "取值无效",
    "float_parsing": "应为数字",
    "int_parsing": "应为整数",
    "greater_than_equal": "超出范围",
    "less_than_equal": "超出范围",
    "string_pattern_mismatch": "格式不正确",
    "too_long": "最多 3 位",
}


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _word(value, words: dict[str, str], column: str, errors: list[tuple[str, str]]) -> str | None:
    text = identity.to_half_width(_text(value)).replace(" ", "")
    if text in words:
        return words[text]
    allowed = "、".join(k for k, v in words.items() if k and k != v)
    errors.append((column, f"“{text}”无效，应为：{allowed}"))
    return None


def _flag(value, column: str, errors: list[tuple[str, str]]) -> bool:
    text = _text(value).lower()
    if isinstance(value, bool):
        return value
    if text in columns.YES:
        return True
    if text not in columns.NO:
        errors.append((column, f"“{text}”无效，应为 是 或 否"))
    return False


def row_to_input(cells: dict[str, object]) -> tuple[dict, list[tuple[str, str]]]:
    """Map one row (header → cell) to ElderIn's input; collect coded-column problems on the way."""
    problems: list[tuple[str, str]] = []
    for column in columns.ALL_HEADERS:
        value = cells.get(column)
        if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
            problems.append((column, "应为文本，单元格却是日期或时间格式"))
            cells[column] = None
    for column in columns.REQUIRED_HEADERS:
        if column not in columns.OPTIONAL_VALUES and _text(cells.get(column)) == "":
            problems.append((column, "不能为空"))
    data: dict = {
        "name": cells.get("姓名"),
        "id_number": cells.get("公民身份号码"),
        "phone": cells.get("联系电话"),
        "address": _text(cells.get("居住地址")),
        "registered_address": _text(cells.get("户籍地址")),
        "region_code": identity.clean_text(cells.get("社区代码")).ljust(12, "0")
        if len(identity.clean_text(cells.get("社区代码"))) == 9
        else identity.clean_text(cells.get("社区代码")),
        "ethnicity": _text(cells.get("民族")) or "汉族",
        "household_number": _text(cells.get("户号")),
        "family_doctor_signed": _flag(cells.get("家庭医生签约"), "家庭医生签约", problems),
    }
    if _text(cells.get("居住情况")):
        data["living_arrangement"] = _word(cells.get("居住情况"), columns.LIVING_WORDS, "居住情况", problems)
    if _text(cells.get("经济状况")):
        data["economic_status"] = _word(cells.get("经济状况"), columns.ECONOMIC_WORDS, "经济状况", problems)
    data["family_planning_special"] = (
        _word(cells.get("计生特殊家庭"), columns.FAMILY_PLANNING_WORDS, "计生特殊家庭", problems) or ""
    )
    data["disability_category"] = (
        _word(cells.get("残疾类别"), columns.DISABILITY_WORDS, "残疾类别", problems) or ""
    )
    data["medical_insurance"] = (
        _word(cells.get("医保类型"), columns.INSURANCE_WORDS, "医保类型", problems) or ""
    )
    grade = identity.clean_text(cells.get("残疾等级"))
    if grade:
        data["disability_grade"] = columns.GRADE_WORDS.get(grade)
        if data["disability_grade"] is None:
            problems.append(("残疾等级", f"“{grade}”无效，应为 1–4 级"))
    conditions = [
        c
        for c in identity.to_half_width(_text(cells.get("慢性病")))
        .replace("，", ",")
        .replace("、", ",")
        .split(",")
        if c.strip()
    ]
    data["chronic_conditions"] = [columns.CONDITION_WORDS.get(c.strip(), c.strip()) for c in conditions]
    for axis, column in (("lat", "纬度"), ("lng", "经度")):
        raw = _text(cells.get(column))
        if raw:
            try:
                data[axis] = float(raw)
            except ValueError:
                problems.append((column, f"“{raw}”应为数字"))
    contacts = []
    for n in (1, 2, 3):
        name = _text(cells.get(f"紧急联系人{n}姓名"))
        phone = cells.get(f"紧急联系人{n}电话")
        if not name and not _text(phone):
            continue
        contacts.append(
            {
                "name": name,
                "relation": _text(cells.get(f"紧急联系人{n}关系")),
                "phone": phone,
                "has_key": _flag(cells.get(f"紧急联系人{n}有钥匙"), f"紧急联系人{n}有钥匙", problems),
            }
        )
    data["contacts"] = contacts
    return data, problems


def validate_row(cells: dict[str, object]) -> tuple[ElderIn | None, list[tuple[str, str]]]:
    data, problems = row_to_input(cells)
    try:
        elder = ElderIn.model_validate(data)
    except ValidationError as exc:
        blamed = {column for column, _ in problems}
        for err in exc.errors():
            loc = err.get("loc", ())
            column = _column_of(loc)
            if column in blamed:
                continue  # already explained in the coded-column check
            message = err.get("msg", "").removeprefix("Value error, ")
            if err.get("type") != "value_error":
                message = PYDANTIC_MESSAGES.get(err.get("type", ""), message)
            problems.append((column, message))
            blamed.add(column)
        return None, problems
    return (None, problems) if problems else (elder, [])


def _column_of(loc: tuple) -> str:
    if not loc:
        return "整行"
    if loc[0] == "contacts" and len(loc) >= 3:
        part = {"name": "姓名", "relation": "关系", "phone": "电话", "has_key": "有钥匙"}.get(str(loc[2]), "")
        return f"紧急联系人{int(loc[1]) + 1}{part}"
    return FIELD_COLUMN.get(str(loc[0]), str(loc[0]))
