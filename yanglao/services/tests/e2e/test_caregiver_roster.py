"""护理员名册 on a desktop: the home-service manager adds a caregiver, who then signs in to 今日工单."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_the_manager_adds_a_caregiver_who_can_sign_in(page, live_server, crew):
    manager, _workers, _order = crew
    login(page, live_server, manager.username, PASSWORD)
    page.get_by_role("link", name="护理员名册").first.click()
    page.get_by_label("姓名").fill("陈静")
    page.get_by_label("登录账号").fill("chen_jing")
    page.get_by_label("初始密码").fill("Strong-Passw0rd-2026")
    page.get_by_label("养老护理员（持证）").check()
    page.get_by_role("button", name="添加").click()
    expect(page.locator(".alert")).to_contain_text("已添加护理员 陈静")
    expect(page.get_by_test_id("caregiver-table")).to_contain_text("陈静")
    shot(page, "caregiver-roster")
    switch_user(page)
    login(page, live_server, "chen_jing", "Strong-Passw0rd-2026")
    page.goto(f"{live_server.url}/services/care/")
    expect(page.get_by_test_id("care-summary")).to_contain_text("共 0 单")
