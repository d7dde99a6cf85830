"""Journey 3 on a phone (390×844): the daughter redeems the community's code, orders 助浴 for her father,
sees the split (政府补贴 / 个人支付) before confirming, and sees the order and her family page."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people import services as people_services
from yanglao.services.models import ServiceOrder
from yanglao.services.tests.builders import entitle, offering

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}


def test_daughter_redeems_code_orders_bath_and_sees_split(page, live_server, street_officer, person):
    entitle(hours="4")
    offering(code="SH-ZY", price=100, contract=80)
    advisor = factories.user(role="advisor", regions=["310104003000"])
    _inv, code = people_services.family_invite(actor=advisor, elder_id=person.pk)
    factories.user(role="family", username="xiaomei")
    page.set_viewport_size(PHONE)
    login(page, live_server, "xiaomei", PASSWORD)
    page.goto(f"{live_server.url}/family/join/")
    page.get_by_label("邀请码").fill("AAA-AAAA")
    page.get_by_role("button", name="绑定").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("邀请码不正确")
    page.get_by_label("邀请码").fill(code.lower())
    page.get_by_label("与老人关系").select_option("daughter")
    page.get_by_role("button", name="绑定").click()
    # the home page a family account lands on shows her people (the 我的家人 panel)
    expect(page.get_by_test_id("family-person")).to_contain_text(person.name)

    page.get_by_role("link", name="预约服务").first.click()
    page.get_by_label("服务项目").select_option(
        label=page.locator("#id_offering option", has_text="助浴").first.inner_text()
    )
    page.locator("label", has_text="09:00").click()
    page.get_by_role("button", name="查看费用").click()
    quote = page.get_by_test_id("quote")
    expect(quote).to_contain_text("政府补贴")
    expect(page.get_by_test_id("quote-government")).to_have_text("80.00 元")
    expect(page.get_by_test_id("quote-self")).to_have_text("0.00 元")
    assert not ServiceOrder.objects.unscoped(reason="test").exists()
    shot(page, "family-order-390")
    page.get_by_role("button", name="确认预约").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已申请")
    expect(page.get_by_test_id("order-government")).to_have_text("80.00 元")
    order = ServiceOrder.objects.unscoped(reason="test").get()
    assert order.channel == "family" and order.elder_id == person.pk
    page.get_by_role("link", name="返回我的家人").click()
    expect(page.get_by_test_id("family-person")).to_contain_text("助浴")
    shot(page, "family-home-390")
