"""Enumerations of core; labels are the official Chinese terms (docs/glossary.md)."""

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级（街道、镇）"
    VILLAGE = "village", "村级（居委会、村委会）"


class OrganisationKind(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", "民政部门"
    GOVERNMENT = "government", "其他政府部门"
    INSTITUTION = "institution", "养老机构"
    ELDER_CARE_HOME = "elder_care_home", "长者照护之家"
    COMMUNITY_CENTRE = "community_centre", "社区综合为老服务中心"
    DAY_CARE = "day_care", "日间照料中心"
    MEAL_SITE = "meal_site", "老年助餐服务点"
    CANTEEN = "canteen", "社区长者食堂"
    HOME_SERVICE = "home_service", "居家养老服务机构"
    NURSING_STATION = "nursing_station", "护理站"
    HEALTH_CENTRE = "health_centre", "社区卫生服务中心"
    ASSESSMENT_AGENCY = "assessment_agency", "评估机构"
    ADVISOR_POINT = "advisor_point", "养老顾问点"
    HOTLINE = "hotline", "养老服务热线平台"
    OTHER = "other", "其他"


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"
    PUBLIC_PRIVATE = "public_private", "公建民营"


class Role(models.TextChoices):
    """What a user does (PRODUCT.md, roles). Each role is a Django group of the same name."""

    GOV_ADMIN = "gov_admin", "民政管理员"
    GOVERNMENT = "government", "民政工作人员"
    ASSESSOR = "assessor", "评估员"
    PROVIDER = "provider", "服务机构人员"
    CAREGIVER = "caregiver", "护理员"
    OPERATOR = "operator", "热线坐席"
    ADVISOR = "advisor", "养老顾问"
    FAMILY = "family", "老人/家属"
