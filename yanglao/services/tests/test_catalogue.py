"""The catalogue as data: the seven types of GB/T 43153-2023, every shipped item and its default rule, and a
district's own rules kept in one place."""

import pytest

from yanglao.services import catalogue, selectors, services
from yanglao.services.choices import ServiceType
from yanglao.services.models import CheckInRule, ServiceItem

pytestmark = pytest.mark.django_db

SHIPPED = {  # code: (name, type, unit, minutes, skill, photos) — the data file, enumerated
    "SH-ZC": ("助餐（送餐上门）", "daily_living", "meal", 20, "general", 0),
    "SH-ZY": ("助浴", "daily_living", "visit", 60, "care_worker", 0),
    "SH-ZJ": ("助洁（居室清洁）", "daily_living", "hour", 60, "general", 2),
    "LTC-JJ": ("长护险居家照护（生活照料）", "basic_care", "hour", 60, "care_worker", 0),
    "SH-XY": ("洗衣", "daily_living", "visit", 60, "general", 0),
    "SH-ZX": ("助行（陪同出行）", "daily_living", "visit", 60, "general", 0),
    "JC-SMHL": ("上门生活护理", "basic_care", "visit", 60, "care_worker", 0),
    "JC-CX": ("喘息服务（居家替代照护）", "basic_care", "hour", 240, "care_worker", 0),
    "JC-ZJ": ("助急（紧急上门）", "basic_care", "visit", 30, "general", 0),
    "JK-PZ": ("助医 / 陪诊", "health", "visit", 120, "general", 0),
    "JK-KF": ("上门康复训练", "health", "visit", 45, "rehab", 0),
    "JK-HL": ("上门医疗护理", "health", "visit", 45, "nurse", 0),
    "JK-JC": ("健康监测（血压、血糖）", "health", "visit", 20, "nurse", 0),
    "TF-TF": ("探访关爱", "visiting", "visit", 30, "social_worker", 1),
    "JS-PB": ("陪伴聊天", "comfort", "hour", 60, "general", 0),
    "WT-DG": ("代购代办", "errands", "visit", 60, "general", 1),
    "SL-PG": ("适老化改造评估", "adaptation", "visit", 60, "technician", 3),
    "SL-SG": ("适老化改造施工", "adaptation", "visit", 240, "technician", 3),
}


def test_the_shipped_catalogue_is_exactly_the_data_file():
    assert [label for _, label in ServiceType.choices] == [
        "生活照料", "基础照护", "健康管理", "探访关爱", "精神慰藉", "委托代办", "家庭生活环境适老化改造"
    ]  # fmt: skip
    found = {
        i.code: (
            i.name,
            i.service_type,
            i.unit,
            i.standard_minutes,
            i.skill,
            i.rules.get(region=None).photos_required,
        )
        for i in ServiceItem.objects.all()
    }
    assert found == SHIPPED
    assert {spec[1] for spec in SHIPPED.values()} == set(ServiceType.values)  # every type has an item


def test_every_default_rule_is_marked_and_asks_eighty_percent_of_the_standard_time():
    for code, spec in SHIPPED.items():
        rule = CheckInRule.objects.get(item__code=code, region=None)
        assert rule.is_default and rule.min_service_minutes == max(1, round(spec[3] * 0.8))
        assert (rule.max_distance_in_m, rule.late_start_minutes, rule.early_leave_minutes) == (200, 15, 10)
    assert len(catalogue.specs()) == len(SHIPPED)


def test_reloading_keeps_a_districts_own_rules(district_officer):
    services.checkin_rule_set(
        actor=district_officer, item_code="SH-ZY", region_code="310104000000", late_start_minutes=5
    )
    assert services.catalogue_load() == {"items": len(SHIPPED), "created": 0, "updated": len(SHIPPED)}
    own = CheckInRule.objects.get(item__code="SH-ZY", region="310104000000")
    assert own.late_start_minutes == 5 and not own.is_default and own.max_distance_in_m == 200


def test_a_district_rule_applies_to_its_streets_and_a_street_rule_to_its_communities(district_officer):
    item = ServiceItem.objects.get(code="SH-ZJ")
    services.checkin_rule_set(
        actor=district_officer, item_code="SH-ZJ", region_code="310104000000", photos_required=0
    )
    services.checkin_rule_set(
        actor=district_officer, item_code="SH-ZJ", region_code="310104003000", photos_required=3
    )
    assert selectors.checkin_rule_for(item=item, region_code="310104003001").photos_required == 3
    assert selectors.checkin_rule_for(item=item, region_code="310104004001").photos_required == 0
    assert selectors.checkin_rule_for(item=item, region_code="310105001001").photos_required == 2  # default
