"""A district administrator sets the district's own check-in rules for 助浴 in one place, on a desktop; a bad
value comes back on the form; every street of the district then shows the district's rule."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_the_district_sets_its_own_bath_rules(page, live_server, district_officer):
    login(page, live_server, district_officer.username, PASSWORD)
    page.get_by_role("link", name="服务目录").first.click()
    row = page.locator("tr[data-item=SH-ZY]")
    expect(row).to_contain_text("系统默认值（未经核实）")
    row.get_by_role("link", name="修改").click()
    page.get_by_label("允许迟到（分钟）").fill("500")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("允许迟到（分钟）")
    page.get_by_label("允许迟到（分钟）").fill("10")
    page.get_by_label("位置超距时").select_option(label="不允许签到或签退")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert")).to_contain_text("已保存“助浴”的签到规则")
    expect(page.locator("tr[data-item=SH-ZY]")).to_contain_text("本区划规则")
    shot(page, "services-catalogue")
    page.get_by_label("适用区划").select_option(label="天平路街道")
    expect(page.locator("tr[data-item=SH-ZY]")).to_contain_text("沿用上级：徐汇区")
