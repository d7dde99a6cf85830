"""Schemas of the facilities API: the staff view, the public subset (no personal data) and coverage."""

from __future__ import annotations

from ninja import Field, Schema


class VacancyOut(Schema):
    bed_type: str
    vacant: int


class PublicFacilityOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    phone: str
    opening_hours: str
    services: list[str]
    lat: float
    lng: float
    vacancies: list[VacancyOut] = []


class FacilityOut(PublicFacilityOut):
    region_code: str
    operator_id: int
    operating_model: str
    meal_capacity: int | None
    open_to_community: bool
    oxygen_supply: bool
    star_level: int | None
    licence_no: str
    is_public: bool


class CoverageRowOut(Schema):
    code: str
    name: str
    elders: int
    covered: int
    share: float


class CoverageOut(Schema):
    region: str
    kind: str
    radius_m: float
    elders: int
    covered: int
    share: float
    by_region: list[CoverageRowOut]


class CoverageQuery(Schema):
    region: str = Field(..., pattern=r"^\d{12}$")
    kind: str
    radius: float = Field(1000.0, gt=0, le=20_000)
