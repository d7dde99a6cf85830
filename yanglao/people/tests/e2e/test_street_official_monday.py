"""Journey 1 of PRODUCT.md in Chromium at desktop width: the street official drills from her street into one
community, filters 独居 + 高龄 + 未评估, exports exactly that list (masked), and reveals a daughter's phone to
call her (the reveal is audited)."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from yanglao.core import idcard
from yanglao.core.models import Region
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.models import Elder
from yanglao.people.tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def officer(db, street_officer):
    street_officer.set_password(PASSWORD)
    street_officer.save()
    return street_officer


@pytest.fixture
def community(officer):
    """Two people to visit in 310104003001, and others the filter must leave out."""
    make = lambda name, birth, n, **kw: factories.elder(  # noqa: E731
        actor=officer, name=name, id_number=idcard.make("310104", birth, n), **kw
    )
    daughter = [{"name": "周小红", "relation": "女儿", "phone": "13600002222", "has_key": True}]
    make("周桂英", dt.date(1936, 3, 4), 11, living_arrangement="alone", contacts=daughter)
    make("吴德明", dt.date(1939, 8, 9), 13, living_arrangement="alone")
    make("郑大年轻", dt.date(1958, 1, 1), 15, living_arrangement="alone")  # under 80
    make("冯同住", dt.date(1935, 1, 1), 17, living_arrangement="with_children")
    make("陈别社区", dt.date(1935, 1, 1), 19, living_arrangement="alone", region_code="310104003002")
    assessed = make("孙已评", dt.date(1934, 1, 1), 21, living_arrangement="alone")
    Elder.objects.unscoped(reason="test set-up").filter(pk=assessed.pk).update(
        ability_level=1,
        ability_level_name="轻度失能",
        ability_valid_until=dt.date.today() + dt.timedelta(days=90),
    )
    return Region.objects.get(code="310104003001")


def test_drill_filter_export_and_call_the_family(page, live_server, officer, community):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "street", PASSWORD)
    page.get_by_role("link", name="行政区划").first.click()
    expect(page.get_by_role("heading", name="天平路街道")).to_be_visible()  # her one street opens directly
    page.get_by_role("link", name=community.name, exact=True).click()
    page.get_by_role("link", name=f"{community.name}的老年人").click()
    expect(page.get_by_role("link", name="陈别社区")).to_have_count(0)  # drilled into one community
    page.get_by_role("group", name="特殊群体").get_by_text("独居").click()
    page.get_by_role("group", name="特殊群体").get_by_text("高龄").click()
    page.get_by_label("能力等级").select_option("none")
    expect(page.get_by_role("link", name="冯同住")).to_have_count(0)
    expect(page.get_by_role("link", name="孙已评")).to_have_count(0)
    expect(page.get_by_role("link", name="郑大年轻")).to_have_count(0)
    expect(page.get_by_role("link", name="周桂英")).to_have_count(1)
    expect(page.get_by_role("link", name="吴德明")).to_have_count(1)
    shot(page, "journey1-filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel（脱敏）").click()
    rows = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["姓名", "性别", "年龄", "公民身份号码"]
    assert sorted(r[0] for r in rows[1:]) == ["吴德明", "周桂英"]  # exactly what the screen shows
    assert all(r[3].startswith("*" * 14) and "未评估" in r for r in rows[1:])

    page.get_by_role("link", name="周桂英").click()
    expect(page.get_by_text("136****2222")).to_have_count(1)
    before = LogEntry.objects.filter(additional_data__reveal="contact_phone").count()
    page.get_by_role("button", name="查看周小红的电话").click()
    page.get_by_test_id("revealed").filter(has_text="13600002222").wait_for()
    assert LogEntry.objects.filter(additional_data__reveal="contact_phone").count() == before + 1
    shot(page, "journey1-family-phone")


def test_a_large_export_becomes_a_job_with_a_download(
    page, live_server, officer, community, monkeypatch, settings, tmp_path
):
    """Over the inline limit the export link leads to a progress page that ends with a download."""
    from yanglao.core import exports as core_exports

    settings.IMPORT_DIR = tmp_path
    monkeypatch.setattr(core_exports, "INLINE_MAX_ROWS", 0)
    login(page, live_server, "street", PASSWORD)
    page.goto(f"{live_server.url}/elders/?region=310104003001")
    page.get_by_role("link", name="Excel（脱敏）").click()
    expect(page.get_by_test_id("export-state")).to_have_text("已完成")
    shot(page, "export-job-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载文件").click()
    rows = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert sorted(r[0] for r in rows[1:]) == ["冯同住", "吴德明", "周桂英", "孙已评", "郑大年轻"]
