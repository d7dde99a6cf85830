"""The family's phone (390×844): the daughter opens 福利补贴 and sees her father's allowance with the reason,
what the next payment will be, and the months already paid (长护险 on the phone: ltc/tests/e2e)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.benefits import services
from yanglao.benefits.tests.builders import XUHUI, person, policies
from yanglao.core import months
from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people import services as people_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


def test_the_daughter_sees_her_fathers_benefits_on_her_phone(
    page, live_server, street_officer, district_officer
):
    policies()
    last = months.previous_month(timezone.localdate())
    father = person(age=86, on=months.months_back(last, 1), name="丁德明", lat=31.2, lng=121.44)
    checker = factories.user(role=Role.GOV_ADMIN, regions=[XUHUI], username="checker")
    batch = services.batch_prepare(actor=district_officer, month=last, region_code=XUHUI)
    services.batch_approve(actor=checker, batch_id=batch.pk)
    factories.user(role=Role.FAMILY, username="xiaomei")
    people_services.family_link(
        actor=street_officer, elder_id=father.pk, username="xiaomei", relation="daughter"
    )

    page.set_viewport_size(PHONE)
    login(page, live_server, "xiaomei", PASSWORD)
    page.goto(f"{live_server.url}/benefits/family/")
    card = page.get_by_test_id("family-benefits")
    expect(card).to_contain_text("丁德明")
    expect(card.get_by_test_id("next-payment")).to_have_text("100.00 元")
    expect(card.get_by_test_id("entitlements")).to_contain_text("高龄津贴")
    expect(card.get_by_test_id("entitlements")).to_contain_text("标准档：80至89周岁")
    expect(card.get_by_test_id("payment-history")).to_contain_text(f"{last.year}年{last.month}月")
    expect(card.get_by_test_id("payment-history")).to_contain_text("已发放")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "family-benefits-phone")
