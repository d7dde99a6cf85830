"""Ninja schemas of core. In and Out are separate; the filter schema serves page, API and export."""

from __future__ import annotations

import datetime as dt
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
