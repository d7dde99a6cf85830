"""Proactive care (主动关怀) at a desktop (1280 × 900): over three due days a week apart the hotline operator
calls 王秀英, who lives alone, and records 无人接听 each time on her list; after the third missed call a visit
task appears, live, on 天平路街道's list, and the street official closes it with what the visit found."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.alarms.models import CareCall, VisitTask
from yanglao.alarms.services import care
from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

LIVE = 20_000  # the event stream on the test server is answered per request and reconnects every few seconds


def give_out(day):
    """The nightly run for ``day``: the person's call, given to the only operator."""
    care.care_calls_generate(day=day)
    return CareCall.objects.unscoped(reason="test").get(due_on=day)


def as_if_made_on(call, day):
    """The clock: what the page recorded now happened on its due day (10:00)."""
    made = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    CareCall.objects.unscoped(reason="test").filter(pk=call.pk).update(called_at=made)


def record_missed(page, call, result="无人接听"):
    row = page.get_by_test_id(f"care-call-{call.pk}")
    expect(row).to_contain_text("王秀英")
    row.get_by_label(result).check()
    row.get_by_role("button", name="记录").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已记录：王秀英，{result}")


def test_three_missed_calls_open_a_visit_the_street_closes(
    page, browser, live_server, operator, supervisor, person, street_officer
):
    today = timezone.localdate()
    days = [today - dt.timedelta(days=14), today - dt.timedelta(days=7), today]

    first = give_out(days[0])
    assert first.operator == operator
    login(page, live_server, operator.username, PASSWORD)
    page.get_by_role("link", name="主动关怀").first.click()
    row = page.get_by_test_id(f"care-call-{first.pk}")
    expect(row).to_contain_text(f"{person.age} 岁")
    expect(row).to_contain_text("独居")
    expect(row).to_contain_text("逾期")
    expect(row.get_by_test_id("phone")).to_have_text(person.phone_masked)
    row.get_by_role("button", name="拨打王秀英的电话").click()
    expect(row.get_by_test_id("revealed")).to_have_text(person.phone)  # audited by the registry's reveal
    shot(page, "care-calls-operator")
    record_missed(page, first)
    as_if_made_on(first, days[0])

    second = give_out(days[1])
    page.reload()
    record_missed(page, second, "占线")
    as_if_made_on(second, days[1])
    assert not VisitTask.objects.unscoped(reason="test").exists()

    # The street official has the visit list open while the third call is made.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    street = context.new_page()
    street.set_default_timeout(10_000)
    try:
        login(street, live_server, street_officer.username, PASSWORD)
        street.get_by_role("link", name="上门探视任务").first.click()
        expect(street.get_by_test_id("visit-table")).to_contain_text("暂无符合条件的上门探视任务")

        third = give_out(days[2])
        page.reload()
        expect(page.get_by_test_id("care-summary")).to_contain_text("我今日应拨")
        record_missed(page, third, "无法接通")
        expect(page.get_by_role("alert")).to_contain_text(f"已派发上门探视任务给{person.region.name}")
        expect(page.get_by_test_id("care-recorded")).to_contain_text("无法接通")
        shot(page, "care-calls-after-third")

        task = VisitTask.objects.unscoped(reason="test").get()
        assert task.elder_id == person.pk and task.region_id == person.region_id
        visit_row = street.locator(f"tr[data-task='{task.pk}']")
        expect(visit_row).to_contain_text("王秀英", timeout=LIVE)
        expect(visit_row).to_contain_text("主动关怀连续未接通")
        expect(visit_row).to_contain_text("待上门")
        expect(visit_row).to_contain_text("已等待")
        shot(street, "visit-list-street")

        visit_row.get_by_role("link", name="填写上门情况").click()
        expect(street.get_by_test_id("visit-calls")).to_contain_text("无法接通")
        street.get_by_role("button", name="完成任务").click()
        expect(street.get_by_test_id("form-errors")).to_contain_text("请填写上门情况")
        street.get_by_label("上门情况").fill("已上门，老人电话欠费停机，已协助缴费，身体安好")
        street.get_by_role("button", name="完成任务").click()
        expect(street.get_by_role("alert")).to_contain_text("已完成上门探视：王秀英")
        expect(street.get_by_test_id("visit-status")).to_contain_text("已完成")
        expect(street.get_by_test_id("visit-result")).to_have_text(
            "已上门，老人电话欠费停机，已协助缴费，身体安好"
        )
        shot(street, "visit-detail-closed")
    finally:
        context.close()

    task.refresh_from_db()
    assert task.status == "closed" and task.closed_by == street_officer

    # The duty supervisor sees each operator's day.
    switch_user(page)
    login(page, live_server, supervisor.username, PASSWORD)
    page.get_by_role("link", name="主动关怀").first.click()
    progress = page.get_by_test_id("care-progress")
    expect(progress).to_contain_text(str(operator))
    expect(progress).to_contain_text("1/1")
    shot(page, "care-progress-supervisor")
    page.get_by_role("link", name="查看关怀计划").click()
    plans = page.get_by_test_id("care-plans")
    expect(plans).to_contain_text("系统默认值")
    expect(plans).to_contain_text("每 7 天")
    shot(page, "care-plans-district")
