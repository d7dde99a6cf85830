"""One spreadsheet row → an ElderIn, or the list of what is wrong with it (column and reason, in Chinese).

Cell values arrive as calamine gives them (str, int, float, bool, date, datetime) or as CSV text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from yanglao.core.crypto import blind_index
from yanglao.core.reading import cell_text
from yanglao.people import columns, identity
from yanglao.people.identity import gender_of
from yanglao.people.names import pinyin_of
from yanglao.people.schemas import ElderIn

FIELD_COLUMN = {c.name: c.header for c in columns.COLUMNS}
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


def _word(value, words: dict[str, str], column: str, errors: list[tuple[str, str]]) -> str | None:
    raw = cell_text(value).replace(" ", "")
    text = identity.to_half_width(raw)
    for candidate in (raw, text, text.replace("(", "（").replace(")", "）")):
        if candidate in words:
            return words[candidate]
    allowed = "、".join(k for k, v in words.items() if k and k != v)
    errors.append((column, f"“{text}”无效，应为：{allowed}"))
    return None


def _flag(value, column: str, errors: list[tuple[str, str]]) -> bool:
    text = cell_text(value).lower()
    if isinstance(value, bool):
        return value
    if text in columns.YES:
        return True
    if text not in columns.NO:
        errors.append((column, f"“{text}”无效，应为 是 或 否"))
    return False


CODED = {
    "居住情况": ("living_arrangement", columns.LIVING_WORDS),
    "经济状况": ("economic_status", columns.ECONOMIC_WORDS),
    "计生特殊家庭": ("family_planning_special", columns.FAMILY_PLANNING_WORDS),
    "残疾类别": ("disability_category", columns.DISABILITY_WORDS),
    "医保类型": ("medical_insurance", columns.INSURANCE_WORDS),
}
TEXT = {
    "居住地址": "address",
    "户籍地址": "registered_address",
    "民族": "ethnicity",
    "户号": "household_number",
}
RAW = {"姓名": "name", "公民身份号码": "id_number", "联系电话": "phone"}
MUST_HAVE = tuple(h for h in columns.REQUIRED_HEADERS if h not in columns.OPTIONAL_VALUES)
DATE_TYPES = (dt.date, dt.time, dt.timedelta)  # datetime is a date


def row_to_input(cells: dict[str, object]) -> tuple[dict, list[tuple[str, str]]]:
    """Map one row (header → cell, only the columns the file has) to ElderIn's input.

    Coded columns are translated here and their problems collected; ElderIn checks the rest.
    """
    problems: list[tuple[str, str]] = []
    data: dict = {"chronic_conditions": [], "contacts": []}
    contacts: dict[int, dict] = {}
    for column, value in cells.items():
        if value is None or value == "":
            continue
        if isinstance(value, DATE_TYPES):
            problems.append((column, "应为文本，单元格却是日期或时间格式"))
            continue
        if column in RAW:
            data[RAW[column]] = value
        elif column in CODED:
            name, words = CODED[column]
            word = words.get(value) if isinstance(value, str) else None
            data[name] = word if word is not None else _word(value, words, column, problems)
        elif column == "社区代码":
            code = identity.clean_text(value)
            data["region_code"] = code.ljust(12, "0") if len(code) == 9 else code
        elif column in TEXT:
            data[TEXT[column]] = cell_text(value)
        elif column == "家庭医生签约":
            data["family_doctor_signed"] = _flag(value, column, problems)
        elif column == "本市户籍":
            data["local_hukou"] = _flag(value, column, problems)
        elif column == "残疾等级":
            grade = identity.clean_text(value)
            data["disability_grade"] = columns.GRADE_WORDS.get(grade)
            if data["disability_grade"] is None:
                problems.append((column, f"“{grade}”无效，应为 1–4 级"))
        elif column == "慢性病":
            text = identity.to_half_width(cell_text(value)).replace("，", ",").replace("、", ",")
            data["chronic_conditions"] = [
                columns.CONDITION_WORDS.get(c.strip(), c.strip()) for c in text.split(",") if c.strip()
            ]
        elif column in ("纬度", "经度"):
            try:
                data["lat" if column == "纬度" else "lng"] = float(cell_text(value))
            except ValueError:
                problems.append((column, f"“{cell_text(value)}”应为数字"))
        elif column.startswith("紧急联系人"):
            n, part = int(column[5]), column[6:]
            contact = contacts.setdefault(n, {"name": "", "relation": "", "phone": "", "has_key": False})
            if part == "有钥匙":
                contact["has_key"] = _flag(value, column, problems)
            else:
                contact[{"姓名": "name", "关系": "relation", "电话": "phone"}[part]] = (
                    value if part == "电话" else cell_text(value)
                )
    for column in MUST_HAVE:
        if cell_text(cells.get(column)) == "" and not any(c == column for c, _ in problems):
            problems.append((column, "不能为空"))
    data["contacts"] = [c for _, c in sorted(contacts.items()) if c["name"] or cell_text(c["phone"])]
    data.setdefault("ethnicity", "汉族")
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


def row_hash(data: ElderIn) -> str:
    """Fingerprint of everything an import can set: equal hashes mean the row is unchanged."""
    return blind_index(data.model_dump_json())


def elder_values(data: ElderIn) -> dict:
    """Model field values for a validated person; the model (or fastinsert) encrypts on the way out."""
    full, initials = pinyin_of(data.name)
    number = data.id_number
    return {
        "name": data.name,
        "name_pinyin": full,
        "name_initials": initials,
        "id_number": number,
        "id_hash": blind_index(number),
        "id_last4": number[-4:],
        "gender": gender_of(number),
        "birth_date": dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        "ethnicity": data.ethnicity,
        "phone": data.phone,
        "phone_hash": blind_index(data.phone) if data.phone else "",
        "registered_address": data.registered_address,
        "address": data.address,
        "region_id": data.region_code,
        "lat": data.lat,
        "lng": data.lng,
        "living_arrangement": data.living_arrangement,
        "economic_status": data.economic_status,
        "family_planning_special": data.family_planning_special,
        "disability_category": data.disability_category,
        "disability_grade": data.disability_grade,
        "medical_insurance": data.medical_insurance,
        "family_doctor_signed": data.family_doctor_signed,
        "local_hukou": data.local_hukou,
        "chronic_conditions": data.chronic_conditions,
        "row_hash": row_hash(data),
    }


@dataclass(slots=True)
class Prepared:
    """A valid row ready to write: model values, household number and contacts."""

    values: dict
    household_number: str
    contacts: list[dict]


def prepare(cells: dict[str, object]) -> tuple[Prepared | None, list[tuple[str, str]]]:
    data, problems = validate_row(cells)
    if data is None:
        return None, problems
    contacts = [c.model_dump() for c in data.contacts]
    return Prepared(elder_values(data), data.household_number, contacts), []


def cells_of(index: dict[str, int], raw: list[object]) -> dict[str, object]:
    return {h: (raw[i] if i < len(raw) else None) for h, i in index.items()}


def prepare_chunk(
    index: dict[str, int], chunk: list[list[object]], *, copy_lines: bool = False
) -> list[tuple]:
    """Raw rows in; per row either (None, problems) or ((id_hash, row_hash, region, line, prepared), None).

    With ``copy_lines`` a plain new-looking row (no household, no contacts) comes back as a finished COPY
    line and nothing else: tuples of short strings and bytes cross a process boundary ten times faster
    than dictionaries. The writer re-prepares the rare row that turns out to exist already.
    """
    from django.utils import timezone

    from yanglao.people import fastinsert

    now, out = timezone.now(), []
    for raw in chunk:
        prepared, problems = prepare(cells_of(index, raw))
        if prepared is None:
            out.append((None, problems))
            continue
        v = prepared.values
        if copy_lines and not prepared.household_number and not prepared.contacts:
            out.append(
                ((v["id_hash"], v["row_hash"], v["region_id"], fastinsert.copy_line(v, now), None), None)
            )
        else:
            out.append(((v["id_hash"], v["row_hash"], v["region_id"], None, prepared), None))
    return out
