"""Ninja schemas of core. In and Out are separate; the filter schema serves page, API and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, model_validator

from yanglao.core.choices import OrganisationKind, Ownership

INPUT_CONFIG = ConfigDict(allow_inf_nan=False)  # JSON has no NaN or Infinity; Python's parser accepts them


class InSchema(Schema):
    """Base of every input schema: numbers are finite and the input is an object. ninja's Schema reads
    attributes off anything (it is built for ORM rows), so ``[]`` or ``42`` would pass as "no fields"."""

    model_config = INPUT_CONFIG

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        received = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps before we see it
        if not isinstance(received, dict | cls):
            raise ValueError("应为 JSON 对象")
        return data


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Omittable(**constraints: Any) -> Any:
    """A PATCH field that may be left out but not sent as null: null means nothing for it (a name, a flag)
    and would reach the database as NULL. Left out, it is absent from ``dict(exclude_unset=True)``."""
    return Field(None, json_schema_extra=_no_default, **constraints)


FIELD_MESSAGES = {
    "missing": "必填",
    "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符",
    "enum": "取值无效",
    "literal_error": "取值无效",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为是或否",
    "bool_parsing": "应为是或否",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "list_type": "应为列表",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "JSON 格式错误",
}


def field_message(err: Mapping[str, Any]) -> str:
    """pydantic's error in Chinese: our validators' own (Chinese) text, or the type's wording. The API's
    422 and the imports' row errors both use it, so a cell and a JSON field are refused in the same words."""
    kind = err.get("type", "")
    if kind in ("value_error", "assertion_error"):
        text = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return text
    if "input" in err and err["input"] is None and kind != "missing":
        return "不能为空"
    if kind == "greater_than_equal" and err.get("ctx", {}).get("ge") == 0:
        return "不能为负数"
    try:
        return FIELD_MESSAGES[kind].format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return "格式错误"


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent_id")
    generated: bool


class RegionChildOut(RegionOut):
    children: int
    organisations: int


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    kind_label: str = Field(alias="get_kind_display")
    ownership: Ownership
    region_code: str
    address: str
    lat: float | None
    lng: float | None
    contact_name: str
    contact_phone: str
    credit_code: str | None
    licence_no: str
    licence_expiry: dt.date | None
    is_active: bool


class OrganisationIn(InSchema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrganisationKind
    ownership: Ownership = Ownership.PUBLIC
    region_code: str = Field(..., min_length=12, max_length=12)
    address: str = Field("", max_length=300)
    lat: float | None = None
    lng: float | None = None
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    credit_code: str | None = Field(None, max_length=18)
    licence_no: str = Field("", max_length=60)
    licence_expiry: dt.date | None = None
    is_active: bool = True


class OrganisationPatch(InSchema):
    """Null clears the optional facts (coordinates, credit code, licence expiry) and is refused elsewhere."""

    name: str = Omittable(min_length=1, max_length=200)
    kind: OrganisationKind = Omittable()
    ownership: Ownership = Omittable()
    region_code: str = Omittable(min_length=12, max_length=12)
    address: str = Omittable(max_length=300)
    lat: float | None = None
    lng: float | None = None
    contact_name: str = Omittable(max_length=50)
    contact_phone: str = Omittable(max_length=30)
    credit_code: str | None = Field(None, max_length=18)
    licence_no: str = Omittable(max_length=60)
    licence_expiry: dt.date | None = None
    is_active: bool = Omittable()


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    organisation_id: int | None
    region_codes: list[str]
