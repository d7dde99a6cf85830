"""Journey 8's last step on a desktop: the provider manager generates this month's statement, the street
decides the one order with an alert and checks the statement, the district approves it (the month locks) and
downloads the .xlsx."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories as people_factories
from yanglao.services.tests.settlement_builders import alert, order, provider_with_manager

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_a_month_is_made_checked_approved_and_downloaded(page, live_server, street_officer, district_officer):
    sold, manager = provider_with_manager(name="天平居家照护服务社")
    elder = people_factories.elder(actor=street_officer, name="李建国")
    first = timezone.localdate().replace(day=1)
    order(sold, elder, gov="30.00", own="15.00", day=first)
    order(sold, elder, status="rated", gov="40.00", own="5.00", day=first, hour=14)
    alert(order(sold, elder, gov="50.00", own="10.00", day=first, hour=16), "late", "迟到 25 分钟")
    order(sold, elder, status="cancelled", gov="99.00", own="0", day=first, hour=18)

    login(page, live_server, manager.username, PASSWORD)
    page.get_by_role("link", name="结算管理").first.click()
    page.get_by_role("button", name="生成本月结算单").click()
    expect(page.locator(".alert")).to_contain_text("结算单")
    figures = page.get_by_test_id("settlement-figures")
    expect(figures).to_contain_text("工单数4")
    expect(page.get_by_test_id("government-yuan")).to_have_text("70.00 元")
    # one order with an alert is pending: the page does not offer the submission yet
    expect(page.get_by_role("button", name="提交审核")).to_have_count(0)
    detail = page.url

    switch_user(page)
    login(page, live_server, street_officer.username, PASSWORD)
    page.goto(detail)
    row = page.get_by_test_id("exception-table").locator("tbody tr").first
    expect(row).to_contain_text("李*国")
    row.get_by_label("处理结果").select_option(label="核减")
    row.get_by_label("核减金额（元）").fill("10")
    row.get_by_label("处理说明").fill("迟到核减")
    row.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("government-yuan")).to_have_text("110.00 元")

    switch_user(page)
    login(page, live_server, manager.username, PASSWORD)
    page.goto(detail)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("settlement-status")).to_have_text("已提交")

    switch_user(page)
    login(page, live_server, street_officer.username, PASSWORD)
    page.goto(detail)
    page.get_by_role("button", name="街道审核通过").click()
    expect(page.get_by_test_id("settlement-status")).to_have_text("街道已审核")

    switch_user(page)
    login(page, live_server, district_officer.username, PASSWORD)
    page.get_by_role("link", name="结算管理").first.click()
    page.get_by_test_id("settlement-table").get_by_role("link").first.click()
    page.get_by_role("button", name="批准并锁定").click()
    expect(page.get_by_test_id("settlement-status")).to_have_text("已批准（已锁定）")
    expect(page.get_by_role("button", name="批准并锁定")).to_have_count(0)
    expect(page.get_by_test_id("settlement-history")).to_contain_text("区（县）批准，月份锁定")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载结算单（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "settlement-approved")
