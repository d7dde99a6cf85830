"""The facility network's measures and indicators for the cockpit (core.indicators): beds by type and
operator, family care beds, institutions open to the community, meal capacity, floor area, and the streets
and communities that have a facility. Every count is of today's records (stocks): past months keep what the
nightly job took then."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from yanglao.core import divisions, indicators
from yanglao.core.indicators import Indicator, Measure, Period, Rows, grouped
from yanglao.core.models import Region
from yanglao.facilities.choices import (
    CENTRE_KINDS,
    PRIVATE_SOCIAL,
    RESIDENTIAL_KINDS,
    BedType,
    OperatingModel,
)
from yanglao.facilities.models import Bed, Facility
from yanglao.facilities.selectors import NOT_CARE_FLOOR_AREA

REASON = "indicator aggregation (system job)"
BED_TYPES = tuple(BedType.choices)
OPERATING = tuple(OperatingModel.choices)


def _institution_beds():
    return Bed.objects.unscoped(reason=REASON).filter(
        active=True, family_bed=False, facility__kind__in=RESIDENTIAL_KINDS
    )


def count_beds(period: Period, today: dt.date) -> Rows:
    return grouped(_institution_beds(), "bed_type")


def count_occupied(period: Period, today: dt.date) -> Rows:
    return grouped(_institution_beds().filter(occupant__isnull=False), "bed_type")


def count_beds_by_operator(period: Period, today: dt.date) -> Rows:
    return grouped(_institution_beds(), "facility__operating_model")


def count_family_beds(period: Period, today: dt.date) -> Rows:
    return grouped(Bed.objects.unscoped(reason=REASON).filter(active=True, family_bed=True))


def _facilities():
    return Facility.objects.unscoped(reason=REASON)


def count_institutions(period: Period, today: dt.date) -> Rows:
    institutions = _facilities().filter(kind__in=RESIDENTIAL_KINDS)
    return grouped(institutions, "open_to_community", label=lambda open_: "open" if open_ else "closed")


def count_meal_capacity(period: Period, today: dt.date) -> Rows:
    return grouped(_facilities().filter(meal_capacity__gt=0), value=Sum("meal_capacity"))


def count_floor_area(period: Period, today: dt.date) -> Rows:
    places = _facilities().filter(floor_area__gt=0).exclude(kind__in=NOT_CARE_FLOOR_AREA)
    return grouped(places, value=Sum("floor_area"))


def _places_with(kinds: tuple[str, ...] | None, width: int) -> set[str]:
    """The codes (cut to ``width`` digits) of the regions holding at least one facility of ``kinds``."""
    qs = _facilities() if kinds is None else _facilities().filter(kind__in=kinds)
    return {code[:width] for code in qs.values_list("region", flat=True).distinct()}


def count_streets(period: Period, today: dt.date):
    """Every street or town (乡镇街道) once, split by whether a comprehensive centre is in it."""
    width = divisions.PREFIX_LENGTH[divisions.TOWNSHIP]
    with_centre = _places_with(CENTRE_KINDS, width)
    for code in Region.objects.filter(level=divisions.TOWNSHIP).values_list("code", flat=True):
        yield code, "with_centre" if code[:width] in with_centre else "without", 1.0


def count_communities(period: Period, today: dt.date):
    """Every residents' or villagers' committee once, split by whether any facility is registered in it."""
    with_facility = _places_with(None, 12)
    for code in Region.objects.filter(level=divisions.VILLAGE).values_list("code", flat=True):
        yield code, "with_facility" if code in with_facility else "without", 1.0


def facility_list(**params: str) -> str:
    return indicators.records_url("facilities:list", **params)


def beds_records(region: str, dim: str, period: Period) -> str:
    return facility_list(region=region, residential="true")


def operator_records(region: str, dim: str, period: Period) -> str:
    model = "private_social" if dim == ",".join(PRIVATE_SOCIAL) else dim
    return facility_list(region=region, residential="true", operating_model=model)


def institutions_records(region: str, dim: str, period: Period) -> str:
    return facility_list(region=region, residential="true", open_to_community="true" if dim == "open" else "")


def meal_records(region: str, dim: str, period: Period) -> str:
    return facility_list(region=region, meals="true")


def area_records(region: str, dim: str, period: Period) -> str:
    return facility_list(region=region)


def centre_records(region: str, dim: str, period: Period) -> str:
    return facility_list(region=region, kind="community_centre")


def register() -> None:
    source = "养老设施与床位"
    for measure in (
        Measure("beds", "机构养老床位", "张", source, count_beds, dims=BED_TYPES, records=beds_records),
        Measure(
            "beds_occupied",
            "已入住机构床位",
            "张",
            source,
            count_occupied,
            dims=BED_TYPES,
            records=beds_records,
        ),
        Measure(
            "beds_by_operator",
            "机构养老床位（按运营方式）",
            "张",
            source,
            count_beds_by_operator,
            dims=OPERATING,
            records=operator_records,
        ),
        Measure("family_beds", "家庭养老床位", "张", source, count_family_beds),
        Measure(
            "institutions",
            "养老机构",
            "家",
            source,
            count_institutions,
            dims=(("open", "向社区开放"), ("closed", "未向社区开放")),
            records=institutions_records,
        ),
        Measure("meal_capacity", "每餐供餐能力", "人次", source, count_meal_capacity, records=meal_records),
        Measure(
            "floor_area", "养老服务设施建筑面积", "平方米", source, count_floor_area, records=area_records
        ),
        Measure(
            "streets",
            "乡镇（街道）",
            "个",
            source,
            count_streets,
            dims=(("with_centre", "已建综合为老服务中心"), ("without", "未建")),
            records=centre_records,
        ),
        Measure(
            "communities",
            "城乡社区（村居）",
            "个",
            source,
            count_communities,
            dims=(("with_facility", "有养老服务设施"), ("without", "无设施")),
            records=area_records,
        ),
    ):
        indicators.register_measure(measure)
    private = ",".join(PRIVATE_SOCIAL)
    indicators.register(
        Indicator(
            "beds_total",
            "养老床位总数",
            "张",
            "beds",
            decimals=0,
            category="床位",
            order=20,
            breakdown=True,
            definition="养老机构（含长者照护之家、区域性养老服务中心等）在用床位，不含家庭养老床位。",
        ),
        Indicator(
            "beds_per_1000_elders",
            "每千名老年人拥有养老床位数",
            "张",
            "beds",
            "elders:60",
            factor=1000,
            category="床位",
            order=21,
            definition="机构养老床位数 ÷ 60岁及以上在册老年人数 × 1000。",
        ),
        Indicator(
            "nursing_bed_share",
            "护理型床位占比",
            "%",
            "beds:nursing",
            "beds",
            factor=100,
            category="床位",
            order=22,
            definition="养老机构护理型床位占机构养老床位总数的比例。",
        ),
        Indicator(
            "cognitive_beds",
            "认知障碍照护床位数",
            "张",
            "beds:cognitive",
            decimals=0,
            category="床位",
            order=23,
            definition="养老机构中登记为认知障碍照护床位的在用床位。",
        ),
        Indicator(
            "private_bed_share",
            "民营养老床位占比",
            "%",
            f"beds_by_operator:{private}",
            "beds_by_operator",
            factor=100,
            category="床位",
            order=24,
            breakdown=True,
            definition="民办及公建民营养老机构的床位占机构养老床位总数的比例。",
        ),
        Indicator(
            "inclusive_bed_share",
            "普惠型养老床位占比",
            "%",
            "beds:inclusive",
            "beds",
            factor=100,
            category="床位",
            order=25,
            definition="登记为普惠型的机构养老床位占机构养老床位总数的比例。",
        ),
        Indicator(
            "family_care_beds",
            "家庭养老床位数",
            "张",
            "family_beds",
            decimals=0,
            category="床位",
            order=26,
            definition="在用的家庭养老床位，按老人住所所在社区统计。",
        ),
        Indicator(
            "bed_occupancy",
            "养老机构床位入住率",
            "%",
            "beds_occupied",
            "beds",
            factor=100,
            category="床位",
            order=27,
            breakdown=True,
            definition="已入住的机构养老床位占机构养老床位总数的比例。",
        ),
        Indicator(
            "institutions_open_share",
            "养老机构向社区开放比例",
            "%",
            "institutions:open",
            "institutions",
            factor=100,
            category="设施",
            order=30,
            definition="登记为向社区开放的养老机构占养老机构总数的比例。",
        ),
        Indicator(
            "meal_capacity_share_65",
            "助餐服务能力占65岁及以上老年人比例",
            "%",
            "meal_capacity",
            "elders:65",
            factor=100,
            category="设施",
            order=31,
            definition="各助餐场所每餐供餐能力之和 ÷ 65岁及以上在册老年人数。",
        ),
        Indicator(
            "facility_area_per_person",
            "人均养老服务设施建筑面积",
            "平方米",
            "floor_area",
            "residents",
            decimals=3,
            category="设施",
            order=32,
            definition="养老服务设施建筑面积（不含医疗卫生设施）÷ 常住人口。",
        ),
        Indicator(
            "streets_with_centre_share",
            "街道（乡镇）综合为老服务中心覆盖率",
            "%",
            "streets:with_centre",
            "streets",
            factor=100,
            category="设施",
            order=33,
            definition="建有社区综合为老服务中心或区域性养老服务中心的乡镇（街道）占全部乡镇（街道）的比例。",
        ),
        Indicator(
            "communities_with_facility_share",
            "社区养老服务设施覆盖率",
            "%",
            "communities:with_facility",
            "communities",
            factor=100,
            category="设施",
            order=34,
            definition="登记有至少一处养老服务设施的城乡社区（村居）占全部社区的比例。",
        ),
    )
