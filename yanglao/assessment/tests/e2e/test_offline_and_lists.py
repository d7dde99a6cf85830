"""Issue 9 in Chromium at a phone's width (390 px): answers given offline reach the server when the
connection returns (5.3), an incomplete submission names the missing items on the form (5.4), and the
assessor's home and list are her tasks, paged and readable on a phone (5.10)."""

import re

import pytest
from playwright.sync_api import expect

from yanglao.assessment import instruments
from yanglao.assessment.models import Assessment
from yanglao.assessment.tests import factories
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
FIRST_DIMENSION = instruments.get("gbt42195-2022")["dimensions"][0]["items"]  # B.1: 8 items


@pytest.fixture
def assigned(street_officer):
    agency, (one, two, _) = factories.agency_team(prefix="phone")
    elder = people_factories.elder(actor=street_officer, name="赵阿婆")
    a = factories.assigned(actor=street_officer, elder_id=elder.pk, agency=agency, first=one, second=two)
    return a


def server_answers(a):
    return Assessment.objects.unscoped(reason="test").get(pk=a.pk).answers


def lowest(item):
    return str(min(o["score"] for o in item["options"]))


def answer(page, item):
    page.locator(f"input[name='{item['code']}'][value='{lowest(item)}']").check()


def test_answers_given_offline_reach_the_server_when_the_connection_returns(page, live_server, assigned):
    page.set_viewport_size(PHONE)
    login(page, live_server, "phone_1", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assigned.pk}/form/")
    saved, banner = (
        page.get_by_test_id("server-saved"),
        page.get_by_role("alert").filter(has_text="网络已断开"),
    )
    expect(saved).to_have_text("服务器已保存 0/26 项")
    for item in FIRST_DIMENSION[:2]:
        answer(page, item)
    expect(saved).to_have_text("服务器已保存 2/26 项")
    expect(banner).to_be_hidden()

    page.context.set_offline(True)
    for item in FIRST_DIMENSION[2:]:
        answer(page, item)
    expect(banner).to_be_visible()
    expect(page.get_by_test_id("pending")).to_have_text("本机有 6 项修改尚未上传到服务器")
    expect(saved).to_have_text("服务器已保存 2/26 项")  # the server's word, not the screen's
    shot(page, "assessment-offline-390")
    assert len(server_answers(assigned)) == 2

    page.context.set_offline(False)
    expect(saved).to_have_text("服务器已保存 8/26 项")
    expect(banner).to_be_hidden()
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert server_answers(assigned) == {i["code"]: int(lowest(i)) for i in FIRST_DIMENSION}


def test_a_failed_upload_is_kept_on_the_phone_and_sent_from_the_reopened_page(page, live_server, assigned):
    page.set_viewport_size(PHONE)
    login(page, live_server, "phone_1", PASSWORD)
    page.route(re.compile(r".*/answers/$"), lambda route: route.abort())  # online, but the server unreachable
    page.goto(f"{live_server.url}/assessments/{assigned.pk}/form/")
    answer(page, FIRST_DIMENSION[0])
    expect(page.get_by_role("alert").filter(has_text="网络已断开")).to_be_visible()
    expect(page.get_by_test_id("pending")).to_have_text("本机有 1 项修改尚未上传到服务器")
    assert server_answers(assigned) == {}

    page.unroute(re.compile(r".*/answers/$"))
    page.reload()
    expect(page.get_by_test_id("server-saved")).to_have_text("服务器已保存 1/26 项")
    expect(
        page.locator(f"input[name='{FIRST_DIMENSION[0]['code']}'][value='{lowest(FIRST_DIMENSION[0])}']")
    ).to_be_checked()
    assert server_answers(assigned) == {FIRST_DIMENSION[0]["code"]: int(lowest(FIRST_DIMENSION[0]))}


def test_an_incomplete_submission_names_the_missing_items(page, live_server, assigned):
    page.set_viewport_size(PHONE)
    login(page, live_server, "phone_1", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assigned.pk}/form/")
    for item in FIRST_DIMENSION:
        answer(page, item)
    expect(page.get_by_test_id("server-saved")).to_have_text("服务器已保存 8/26 项")
    page.get_by_role("tab", name="补充信息与提交").click()
    page.get_by_role("button", name="提交，待另一名评估员确认").click()
    problems = page.get_by_test_id("submit-problems")
    expect(problems).to_contain_text("不能提交，以下 18 项须处理")
    problems.get_by_role("link", name=re.compile(r"^B\.2\.1 ")).click()
    expect(page.locator("#item-B\\.2\\.1")).to_be_in_viewport()
    expect(page.locator("#item-B\\.2\\.1").get_by_test_id("item-problem")).to_contain_text("必须作答")
    shot(page, "assessment-incomplete-390")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_the_assessors_home_and_list_on_a_phone(page, live_server, assigned, street_officer):
    elder = Assessment.objects.unscoped(reason="test").get(pk=assigned.pk).elder
    for _ in range(30):
        Assessment.objects.create(
            elder=elder,
            region_id=elder.region_id,
            instrument="mzt039-2013",
            reason="routine",
            requested_by=street_officer,
            agency_id=assigned.agency_id,
        )
    page.set_viewport_size(PHONE)
    login(page, live_server, "phone_1", PASSWORD)
    tasks = page.get_by_test_id("assessor-tasks")
    expect(tasks).to_contain_text("赵阿婆")
    expect(tasks).to_contain_text("老年人能力评估规范（GB/T 42195-2022）")
    shot(page, "assessment-home-390")
    tasks.get_by_role("link", name="全部评估").click()
    rows = page.get_by_test_id("assessment-rows").locator("tbody tr")
    expect(rows).to_have_count(25)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(6)
    page.get_by_role("combobox", name="状态").select_option(label="已派单")  # data-autosubmit, no inline JS
    expect(page).to_have_url(re.compile(r"status=assigned"))
    expect(rows).to_have_count(1)
    expect(page.get_by_test_id("assessment-rows")).not_to_contain_text("gbt42195-2022")


def test_an_expired_result_is_shown_as_expired_22_days_later(
    page, live_server, assigned, street_officer, district_officer, monkeypatch
):
    import datetime as dt

    from django.utils import timezone

    from yanglao.assessment import services
    from yanglao.core.models import User

    one, two = (User.objects.get(username=f"phone_{n}") for n in (1, 2))
    services.assessment_submit(actor=one, assessment_id=assigned.pk, answers=factories.full_answers())
    services.assessment_confirm(actor=two, assessment_id=assigned.pk)
    today = timezone.localdate()
    with monkeypatch.context() as m:  # approved a year and 22 days ago, valid for 12 months
        m.setattr(timezone, "localdate", lambda *a: services.add_months(today - dt.timedelta(days=22), -12))
        services.assessment_review(actor=district_officer, assessment_id=assigned.pk, approve=True)
    street_officer.set_password(PASSWORD)
    street_officer.save()
    page.set_viewport_size(PHONE)
    login(page, live_server, "street", PASSWORD)
    page.goto(f"{live_server.url}/elders/{assigned.elder_id}/")
    expect(page.get_by_test_id("current-ability")).to_contain_text("当前能力等级：已过期")
    expect(page.get_by_test_id("assessment-panel")).not_to_contain_text("已生效")
    expect(page.get_by_text("失能", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/assessments/{assigned.pk}/")
    expect(page.get_by_test_id("assessment-status")).to_have_text("已过期")
    shot(page, "assessment-expired-390")
