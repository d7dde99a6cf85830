"""The assessor's journey (issue 4, "Done when") in Chromium on a tablet viewport: fill all 26 GB/T 42195
items with the level updating, submit, the second assessor confirms (issue 9, 5.6), a reviewer approves, the
person's level and 失能 tag change, and the report prints."""

import pytest
from playwright.sync_api import expect

from yanglao.assessment import instruments, services
from yanglao.core.choices import Role
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def assigned(street_officer, district_officer):
    for user in (street_officer, district_officer):
        user.set_password(PASSWORD)
        user.save()
    agency = core_factories.organisation(
        region_code="310104000000", name="评估中心乙", kind="assessment_agency"
    )
    one = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="assessor_one")
    two = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="assessor_two")
    elder = people_factories.elder(actor=street_officer, name="李奶奶")
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    services.assessment_assign(
        actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    return a, elder


@pytest.mark.parametrize(
    "viewport", [{"width": 820, "height": 1180}, {"width": 390, "height": 844}], ids=["tablet", "phone"]
)
def test_fill_submit_approve_and_print(page, live_server, assigned, viewport):
    assessment, elder = assigned
    page.set_viewport_size(viewport)
    login(page, live_server, "assessor_one", PASSWORD)
    page.get_by_role("button", name="展开导航").click()  # the side menu folds away below 992 px
    page.get_by_role("link", name="能力评估", exact=True).click()
    page.get_by_test_id("my-tasks").get_by_role("link").first.click()
    expect(page.get_by_test_id("level-preview")).to_contain_text("服务器已保存 0/26 项")
    data = instruments.get("gbt42195-2022")
    for number, dim in enumerate(data["dimensions"]):
        section = page.locator(f"section.step[data-step='{number}']")
        expect(section).to_be_visible()
        for item in dim["items"]:
            lowest = min(o["score"] for o in item["options"])
            section.locator(f"input[name='{item['code']}'][value='{lowest}']").check()
        if number == 0:
            expect(page.get_by_test_id("level-preview")).to_contain_text("服务器已保存 8/26 项")
            shot(page, f"assessment-form-{viewport['width']}")
            assert page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
            )
        section.get_by_role("button", name="下一页").click()
    expect(page.get_by_test_id("level-preview")).to_contain_text("最终等级：能力完全丧失（完全失能）")
    page.get_by_role("button", name="提交，待另一名评估员确认").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("待第二评估员确认")
    expect(page.get_by_role("button", name="确认", exact=True)).to_have_count(0)  # not by herself

    page.get_by_role("button", name="退出登录").click()
    login(page, live_server, "assessor_two", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("待审核")

    page.get_by_role("button", name="退出登录").click()
    login(page, live_server, "district", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("assessment-status")).to_have_text("已生效")
    page.goto(f"{live_server.url}/elders/{elder.pk}/")
    expect(page.get_by_text("失能", exact=True)).to_be_visible()
    expect(page.get_by_test_id("assessment-panel")).to_contain_text("能力完全丧失（完全失能）")
    shot(page, "assessment-elder-after")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/report/")
    expect(page.get_by_text("老年人能力评估报告")).to_be_visible()
    expect(page.locator("body")).to_contain_text("最终等级")
    page.evaluate("window.print = () => { window.printed = true; }")  # data-print, no inline handler
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed === true")
    page.pdf(path=str(shot(page, "assessment-report").with_suffix(".pdf")))
