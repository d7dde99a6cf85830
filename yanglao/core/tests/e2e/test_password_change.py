"""A street official changes her password in Chromium: from the user menu, one refusal (too short, shown on
the field, page answered 422), then success; she stays signed in and the new password works."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
NEW = "Tianping-2027-x"


def test_change_own_password_after_one_refusal(page, live_server, street_officer):
    login(page, live_server, "street", factories.PASSWORD)
    page.get_by_role("link", name="修改密码").click()
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()

    page.get_by_label("当前密码").fill(factories.PASSWORD)
    page.get_by_label("新密码", exact=True).fill("abc12")
    page.get_by_label("再次输入新密码").fill("abc12")
    with page.expect_response(
        lambda r: r.url.endswith("/account/password/") and r.request.method == "POST"
    ) as answer:
        page.get_by_role("button", name="修改密码").click()
    assert answer.value.status == 422
    expect(page.get_by_text("密码太短，至少需要 10 个字符。")).to_be_visible()
    shot(page, "password-change-refused")

    page.get_by_label("当前密码").fill(factories.PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW)
    page.get_by_label("再次输入新密码").fill(NEW)
    page.get_by_label("同时撤销我的全部 API 令牌").check()
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("alert").filter(has_text="密码已修改")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_be_visible()  # still signed in
    shot(page, "password-change-done")

    street_officer.refresh_from_db()
    assert street_officer.check_password(NEW)
