"""Enumerations of facilities and beds; labels are the seeds' terms (docs/glossary.md)."""

from django.db import models


class FacilityKind(models.TextChoices):
    INSTITUTION = "institution", "养老机构"
    ELDER_CARE_HOME = "elder_care_home", "长者照护之家"
    COMMUNITY_CENTRE = "community_centre", "社区综合为老服务中心"
    COMMUNITY_SUBCENTRE = "community_subcentre", "社区综合为老服务分中心"
    DAY_CARE = "day_care", "日间照料中心"
    MEAL_SITE = "meal_site", "老年助餐服务场所"
    CANTEEN = "canteen", "社区长者食堂"
    NEIGHBOURHOOD_POINT = "neighbourhood_point", "睦邻点/老年活动室"
    ADVISOR_POINT = "advisor_point", "养老顾问点"
    NURSING_STATION = "nursing_station", "护理站"
    HEALTH_CENTRE = "health_centre", "社区卫生服务中心/站"
    RURAL_HAPPINESS_HOME = "rural_happiness_home", "农村互助幸福院"
    REGIONAL_CENTRE = "regional_centre", "区域性养老服务中心"
    COUNTY_HARDSHIP_FACILITY = "county_hardship_facility", "县级特困供养服务设施"
    RESIDENTIAL_STATION = "residential_station", "小区养老服务驿站"


# Facilities whose beds are elderly-care beds (养老床位); day-care places are counted apart.
RESIDENTIAL_KINDS = (
    "institution",
    "elder_care_home",
    "regional_centre",
    "county_hardship_facility",
    "rural_happiness_home",
)
# Facilities counted as a street's comprehensive centre (街道综合为老服务中心 / 区域性养老服务中心).
CENTRE_KINDS = ("community_centre", "regional_centre")


class OperatingModel(models.TextChoices):
    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"
    PUBLIC_PRIVATE = "public_private", "公建民营"


# 民营养老床位 (seed 003's ≥ 50 %): beds run by social operators, whoever built the house.
PRIVATE_SOCIAL = ("private", "public_private")
OPERATING_FILTER_CHOICES = [*OperatingModel.choices, ("private_social", "民营（民办及公建民营）")]


class BedState(models.TextChoices):
    """A bed's state in the admission workflow, read from its occupant (not stored)."""

    FREE = "free", "空床"
    OCCUPIED = "occupied", "已入住"


class BedType(models.TextChoices):
    NURSING = "nursing", "护理型床位"
    COGNITIVE = "cognitive", "认知障碍照护床位"
    INCLUSIVE = "inclusive", "普惠型床位"
    MEDICAL = "medical", "医护型床位"
    ORDINARY = "ordinary", "普通床位"


class DischargeReason(models.TextChoices):
    """Why a stay ended (issue 9, 5.9): what a bureau asks about people leaving a facility."""

    DEATH = "death", "死亡"
    TRANSFER = "transfer", "转院/转机构"
    HOSPITAL = "hospital", "住院"
    HOME = "home", "回家"
    OTHER = "other", "其他"
