"""Ninja schemas of core. In and Out are separate; the filter schema serves page, API and export."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yanglao.core.choices import OrganisationKind, Ownership


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


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrganisationKind
    ownership: Ownership = Ownership.PUBLIC
    region_code: str = Field(..., min_length=12, max_length=12)
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    contact_name: str = ""
    contact_phone: str = ""
    credit_code: str | None = None
    licence_no: str = ""
    licence_expiry: dt.date | None = None
    is_active: bool = True


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: OrganisationKind | None = None
    ownership: Ownership | None = None
    region_code: str | None = Field(None, min_length=12, max_length=12)
    address: str | None = None
    lat: float | None = None
    lng: float | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    credit_code: str | None = None
    licence_no: str | None = None
    licence_expiry: dt.date | None = None
    is_active: bool | None = None


class OrganisationFilterIn(Schema):
    q: str = ""
    kind: str = ""
    region: str = ""
    after: int | None = Field(None, description="keyset cursor: the last id of the previous page")
    limit: int = Field(50, ge=1, le=500)


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    organisation_id: int | None
    region_codes: list[str]
