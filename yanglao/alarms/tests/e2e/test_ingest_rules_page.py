"""A district administrator on a desktop: the alarm rules with the shipped defaults marked, a refused value
back on the form, the district's own heart-rate rule inherited by a street; then one person's own geofence."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_the_district_sets_its_heart_rate_rule_and_a_persons_geofence(
    page, live_server, district_officer, person
):
    login(page, live_server, district_officer.username, PASSWORD)
    page.get_by_role("link", name="报警规则").first.click()
    row = page.locator("tr[data-kind=hr_high]")
    expect(row).to_contain_text("系统默认值（未经核实）")
    expect(row).to_contain_text("130 次/分")
    shot(page, "alarms-rules-defaults")
    row.get_by_role("link", name="修改").click()
    page.get_by_label("阈值（次/分）").fill("500")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("应在 60 到 250 之间")
    page.get_by_label("阈值（次/分）").fill("125")
    page.get_by_label("持续时间（分钟）").fill("3")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert")).to_contain_text("已保存本区划的“心率过高”规则")
    row = page.locator("tr[data-kind=hr_high]")
    expect(row).to_contain_text("本区划规则")
    expect(row).to_contain_text("125 次/分")
    expect(row).to_contain_text("3 分钟")
    page.get_by_label("适用区划").select_option(label="天平路街道")
    expect(page.locator("tr[data-kind=hr_high]")).to_contain_text("沿用上级：徐汇区")
    shot(page, "alarms-rules-street")

    page.goto(f"{live_server.url}/alarms/people/{person.pk}/rules/")
    fence = page.locator("tr[data-kind=geofence]")
    expect(fence).to_contain_text("500 米")
    fence.get_by_role("link", name="修改").click()
    page.get_by_label("阈值（米）").fill("300")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert")).to_contain_text("已保存王秀英本人的“电子围栏”规则")
    expect(page.locator("tr[data-kind=geofence]")).to_contain_text("本人规则")
    expect(page.locator("tr[data-kind=geofence]")).to_contain_text("300 米")
    shot(page, "alarms-person-rules")
