"""Schemas of the facilities API: the staff view, the public subset (no personal data) and coverage."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from yanglao.core.schemas import InSchema, Omittable


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


class CoverageQuery(InSchema):
    region: str = Field(..., pattern=r"^\d{12}$")
    kind: str
    radius: float = Field(1000.0, gt=0, le=20_000)
    distance: Literal["straight", "network"] = Field(
        "straight", description="straight：直线距离；network：按运营方提供的道路网络计算步行距离"
    )


class ClusterOut(Schema):
    lat: float
    lng: float
    elders: int


class SiteSuggestionOut(Schema):
    rank: int
    name: str
    lat: float
    lng: float
    gain: int
    share_after: float


class MapFacilityOut(Schema):
    id: int
    name: str
    lat: float
    lng: float


class CoverageMapOut(CoverageOut):
    communities: list[CoverageRowOut]
    clusters: list[ClusterOut]
    suggestions: list[SiteSuggestionOut]
    facilities: list[MapFacilityOut]


class CoverageMapQuery(CoverageQuery):
    k: int = Field(3, ge=0, le=20)
    candidates: str = Field("", description="候选点，格式“名称,纬度,经度;…”；留空则用各居委会老人分布的重心")


class IndicatorRowOut(Schema):
    code: str
    name: str
    population: int | None
    elders: int
    facilities: int
    by_kind: dict[str, int]
    floor_area: float
    community_floor_area: float
    beds: dict[str, int]
    beds_total: int
    family_beds: int
    beds_per_1000_elders: float | None
    beds_per_1000_elders_by_type: dict[str, float]
    nursing_share: float | None
    floor_area_per_1000_residents: float | None
    floor_area_per_resident: float | None
    floor_area_per_elder: float | None
    communities: int
    communities_without_facility: list[dict[str, str]]


class IndicatorsOut(Schema):
    region: str
    name: str
    total: IndicatorRowOut
    by_region: list[IndicatorRowOut]


class BedOut(Schema):
    id: int
    building: str
    room: str
    number: str
    bed_type: str
    family_bed: bool
    occupied: bool
    occupied_since: dt.date | None
    actions: list[str] = Field(description="您现在可办理的操作：admit 入住、discharge 离开")


class AdmitIn(InSchema):
    id_number: str = Field("", description="公民身份号码（可跨区划查找）")
    elder_id: int | None = Field(None, ge=1, description="或：您权限范围内的老人记录编号")
    date: dt.date | None = None


class DischargeIn(InSchema):
    reason: str = Field(
        "", description="离开原因：death 死亡、transfer 转院/转机构、hospital 住院、home 回家、other 其他"
    )
    note: str = Field("", description="说明（原因为 other 时必填）", max_length=200)
    date: dt.date | None = None


class StayOut(Schema):
    id: int
    bed_id: int
    elder_id: int
    admitted_on: dt.date
    discharged_on: dt.date | None
    discharge_reason: str
    discharge_note: str


class TrendOut(Schema):
    date: dt.date
    beds: int
    occupied: int
    rate: float | None


class FacilityPatch(InSchema):
    """A change: any field may be left out. Null clears the optional facts (floor area, meal capacity, star
    level, licence expiry) and is refused for the rest, where it means nothing."""

    name: str = Omittable(min_length=1, max_length=200)
    kind: str = Omittable(max_length=32)
    operator_id: int = Omittable(ge=1)
    operating_model: str = Omittable(max_length=20)
    region_code: str = Omittable(pattern=r"^\d{12}$")
    lat: float = Omittable()
    lng: float = Omittable()
    coordinate_system: str = Field("wgs84", description="wgs84（GPS）、gcj02（高德/腾讯）或 bd09（百度）")
    address: str = Omittable(max_length=300)
    phone: str = Omittable(max_length=30)
    floor_area: float | None = Field(None, ge=0, le=1_000_000, description="平方米")
    opening_hours: str = Omittable(max_length=100)
    services: list[str] = Omittable(max_length=50)
    meal_capacity: int | None = Field(None, ge=0, le=100_000)
    open_to_community: bool = Omittable()
    oxygen_supply: bool = Omittable()
    star_level: int | None = Field(None, ge=1, le=5)
    licence_no: str = Omittable(max_length=60)
    licence_expiry: dt.date | None = None
    is_public: bool = Omittable()


class FacilityIn(FacilityPatch):
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., max_length=32)
    operator_id: int = Field(..., ge=1)
    operating_model: str = Field(..., max_length=20)
    region_code: str = Field(..., pattern=r"^\d{12}$")
    lat: float
    lng: float


class BedIn(InSchema):
    number: str = Field(..., max_length=20)
    bed_type: str = Field("ordinary", max_length=12)
    building: str = Field("", max_length=40)
    room: str = Field("", max_length=40)
    home_id_number: str = Field("", max_length=30, description="家庭养老床位：所在家庭老人的公民身份号码")
