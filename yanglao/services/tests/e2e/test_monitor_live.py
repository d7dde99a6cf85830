"""A provider's manager watches 服务监控 and a street official 服务质量监管, side by side on desktops. A caregiver
checks in late: the alert appears on both pages without a reload; the manager handles it with a note and the
street's open count goes back to zero."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.services import services
from yanglao.services.rules import Breach
from yanglao.services.tests.quality_builders import checked_in, move

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

LIVE = 20_000  # the event stream on the test server is answered per request and reconnects every few seconds


def test_an_alert_appears_live_on_both_monitors_and_is_handled(
    page, browser, live_server, crew, street_officer
):
    manager, workers, order = crew
    # 20 minutes back, not more: the supervision page lists today's visits, and a start before local
    # midnight would put this one on yesterday (the test failed from 00:00 to 00:50 Beijing time).
    start = timezone.now() - dt.timedelta(minutes=20)
    move(order, scheduled_start=start, scheduled_end=start + dt.timedelta(hours=1))

    login(page, live_server, manager.username, PASSWORD)
    page.get_by_role("link", name="服务监控").first.click()
    expect(page.get_by_test_id("no-alerts")).to_contain_text("暂无待处理异常")

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    street = context.new_page()
    street.set_default_timeout(10_000)
    try:
        login(street, live_server, street_officer.username, PASSWORD)
        street.get_by_role("link", name="服务质量监管").first.click()
        expect(street.get_by_test_id("street-table")).to_contain_text("天平路街道")

        # The caregiver's late check-in, as the visit report raises it.
        checked_in(order, workers[0])
        alert = services.alerts_raise(
            order=order, breaches=[Breach("late", "warn", "迟到 35 分钟，超过允许的 15 分钟")]
        )[0]

        row = page.locator(f"tr[data-alert='{alert.pk}']")
        expect(row).to_contain_text("迟到", timeout=LIVE)
        expect(row).to_contain_text("护理员0")
        expect(street.get_by_test_id("open-310104003000")).to_have_text("1", timeout=LIVE)
        expect(street.get_by_test_id("street-table")).to_contain_text("迟到")
        shot(page, "monitor-provider")
        shot(street, "supervision-street")

        row.get_by_label("处理说明").fill("已电话联系护理员，路上堵车，家属知情")
        row.get_by_role("button", name="处理").click()
        expect(page.locator(".alert")).to_contain_text("已处理：迟到")
        expect(page.get_by_test_id("no-alerts")).to_be_visible()
        expect(street.get_by_test_id("open-310104003000")).to_have_text("0", timeout=LIVE)
    finally:
        context.close()
