"""The basic service list loaded as data through core's import pipeline, and shown for a region with the
lists above it."""

import datetime as dt

import pytest

from yanglao.core import importing
from yanglao.services import selectors
from yanglao.services.models import BasicServiceList, BasicServiceListRow

pytestmark = pytest.mark.django_db

HEADER = "区划代码,施行日期,清单名称,依据文件,已核实,序号,类别,服务项目,服务目录编码,服务对象,最低能力等级,每月服务时长,每月金额,频次或标准,支付方\n"


def _load(tmp_path, actor, body: str, dry_run: bool = False):
    path = tmp_path / "清单.csv"
    path.write_text(HEADER + body, encoding="gb18030")
    return importing.import_file(actor=actor, kind="basic_list", path=path, dry_run=dry_run)


GOOD = (
    "310104000000,2025-01-01,徐汇区基本养老服务清单（示例）,徐府办〔示例〕,否,1,照护服务,居家上门照护,JC-SMHL,高龄、独居,3,10,,每月不少于 10 小时,政府\n"
    "310104000000,2025/1/1,徐汇区基本养老服务清单（示例）,徐府办〔示例〕,否,2,关爱服务,探访关爱,TF-TF,独居,,,,每月探访 1 次,政府\n"
)


def test_a_district_loads_its_list_and_every_bad_row_is_reported(tmp_path, district_officer):
    bad = (
        "310104000000,2025-01-01,徐汇区清单,,否,3,养猪服务,项目,,,,,,,政府\n"
        "310105000000,2025-01-01,长宁区清单,,否,1,照护服务,项目,,,,,,,政府\n"
        "310104000000,2025-01-01,徐汇区清单,,否,4,照护服务,项目,NOPE,,,,,,政府\n"
        "310104000000,2025-01-01,徐汇区清单,,否,5,照护服务,项目,,富人,,,,,政府\n"
    )
    result = _load(tmp_path, district_officer, GOOD + bad)
    assert (result.rows, result.created, result.rejected) == (6, 2, 4)
    reasons = {(e["row"], e["column"]): e["reason"] for e in result.errors}
    assert "物质帮助" in reasons[(4, "类别")] and "管辖范围" in reasons[(5, "区划代码")]
    assert "没有该编码" in reasons[(6, "服务目录编码")] and "特殊群体" in reasons[(7, "服务对象")]
    rows = BasicServiceListRow.objects.order_by("position")
    assert [(r.position, r.category, r.target_groups, r.item.code) for r in rows] == [
        (1, "care", ["oldest_old", "living_alone"], "JC-SMHL"),
        (2, "concern", ["living_alone"], "TF-TF"),
    ]
    assert BasicServiceList.objects.unscoped(reason="test").get().confirmed is False
    again = _load(tmp_path, district_officer, GOOD)
    assert (again.created, again.updated, BasicServiceListRow.objects.count()) == (0, 2, 2)


def test_a_dry_run_writes_nothing(tmp_path, district_officer):
    result = _load(tmp_path, district_officer, GOOD, dry_run=True)
    assert result.created == 2 and not BasicServiceList.objects.unscoped(reason="test").exists()


def test_the_page_shows_the_lists_in_force_nearest_first(tmp_path, client, district_officer, street_officer):
    _load(tmp_path, district_officer, GOOD)
    assert [sl.region_id for sl in selectors.basic_lists_in_force(region_code="310104003001")] == [
        "310104000000"
    ]
    assert selectors.basic_lists_in_force(region_code="310104003001", today=dt.date(2024, 12, 31)) == []
    client.force_login(street_officer)  # a street sees the district's list that applies to it
    page = client.get("/services/basic-list/?region=310104003000").content.decode()
    assert "居家上门照护" in page and "高龄、独居" in page and "未经核实" in page and "3 级及以上" in page


def test_the_person_page_shows_what_the_lists_give_them(tmp_path, client, district_officer, street_officer):
    from yanglao.people import services as people_services
    from yanglao.people.tests import factories
    from yanglao.services.entitlements import Terms, applies

    _load(tmp_path, district_officer, GOOD)
    old = factories.elder(actor=street_officer, name="高龄独居", living_arrangement="alone")
    old.birth_date = dt.date(1935, 1, 1)
    old.ability_level, old.ability_valid_until = 3, dt.date(2099, 1, 1)
    old.save()
    young = factories.elder(actor=street_officer, name="同住老人", living_arrangement="with_children")
    e = selectors.entitlements_for(elder=old)
    assert [r.position for r in e.rows] == [1, 2] and e.monthly_hours == 10
    assert selectors.entitlements_for(elder=young).rows == []
    client.force_login(street_officer)
    panel = client.get(f"/elders/{old.pk}/services/").content.decode()
    assert "居家上门照护" in panel and "服务 10.0 小时" in panel
    people_services.elder_record_death(actor=street_officer, elder_id=old.pk, date=dt.date(2026, 1, 5))
    old.refresh_from_db()
    assert selectors.entitlements_for(elder=old).rows == []  # stops when the person dies
    assert not applies(Terms(["oldest_old"], 4), groups=["oldest_old"], ability_level=3, active=True)
    assert applies(Terms([], None), groups=[], ability_level=None, active=True)
