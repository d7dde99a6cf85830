"""Every demo role logs in through the real form in Chromium and lands on its own home page (issue 2)."""

import pytest
from playwright.sync_api import expect

from yanglao.core import demo
from yanglao.core.choices import Role
from yanglao.core.models import Organisation, User
from yanglao.core.testing.browser import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCOUNTS = [("admin", "系统管理员工作台")] + [(a[0], f"{Role(a[2]).label}工作台") for a in demo.DEMO_ACCOUNTS]


@pytest.fixture
def demo_data(transactional_db):
    demo.run(scale=0.001, seed=1, log=lambda _: None)


@pytest.mark.parametrize(("username", "heading"), ACCOUNTS)
def test_each_role_sees_its_home_page(page, live_server, demo_data, username, heading):
    login(page, live_server, username, demo.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    user = User.objects.get(username=username)
    scope = page.get_by_test_id("scope").inner_text()
    if user.organisation_id:
        assert user.organisation.name in scope
    for region in user.regions.all():
        assert region.name in scope
    shot(page, f"home-{username}")


def test_street_officer_sees_only_her_street(page, live_server, demo_data):
    login(page, live_server, "tianping", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="组织机构").click()
    user = User.objects.get(username="tianping")
    expected = Organisation.objects.for_user(user).count()
    expect(page.get_by_text(f"共 {expected} 个")).to_be_visible()
    regions = page.locator("tbody tr td:nth-child(4)").all_inner_texts()
    allowed = set(user.regions.get().children.values_list("name", flat=True)) | {"天平路街道"}
    assert regions and set(regions) <= allowed
    page.get_by_label("搜索").fill("卫生服务")
    expect(page.get_by_text(f"共 {expected} 个")).to_have_count(0)  # the htmx swap narrowed the list
    expect(page.locator("tbody tr").first).to_contain_text("卫生服务")
    shot(page, "organisations-street")


def test_provider_sees_only_its_own_organisation(page, live_server, demo_data):
    login(page, live_server, "provider", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="组织机构").click()
    expect(page.get_by_text("共 1 个")).to_be_visible()


def test_wrong_password_in_chinese_and_lockout(page, live_server, demo_data):
    page.goto(f"{live_server.url}/login/")
    for _ in range(5):
        page.get_by_label("用户名").fill("tianping")
        page.get_by_label("密码").fill("not-the-password-1")
        page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("登录失败次数过多，账号已暂时锁定")).to_be_visible()
    shot(page, "login-locked")


def test_phone_width_home_and_menu(page, live_server, demo_data):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "caregiver", demo.DEMO_PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    page.get_by_role("button", name="展开导航").click()
    expect(page.get_by_role("link", name="组织机构")).to_be_visible()
    shot(page, "home-caregiver-phone")
