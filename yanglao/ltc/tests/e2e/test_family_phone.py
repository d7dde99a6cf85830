"""The family's phone (390×844): the daughter opens 长护险 and sees her father's care level, his plan with
its caregiver and this month's visits."""

import pytest
from playwright.sync_api import expect

from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.ltc import services
from yanglao.ltc.tests.builders import assess, home_plan, provider, scheme
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


def test_the_daughter_sees_her_fathers_care_plan_on_her_phone(
    page, live_server, street_officer, district_officer
):
    scheme()
    org, worker, _manager = provider()
    father = people_factories.elder(actor=street_officer, name="丁德明", lat=31.2, lng=121.44)
    claim = services.ltc_apply(
        actor=street_officer, elder_id=father.pk, applicant="family", applicant_name="丁晓梅"
    )
    assess(claim, 3, requester=street_officer, reviewer=district_officer)
    home_plan(district_officer, claim, org, worker)
    factories.user(role=Role.FAMILY, username="xiaomei")
    people_services.family_link(
        actor=street_officer, elder_id=father.pk, username="xiaomei", relation="daughter"
    )

    page.set_viewport_size(PHONE)
    login(page, live_server, "xiaomei", PASSWORD)
    page.goto(f"{live_server.url}/ltc/family/")
    care = page.get_by_test_id("family-ltc")
    expect(care).to_contain_text("照护4级")
    expect(care).to_contain_text("每周 5 次（周一、周二、周三、周四、周五）09:00")
    expect(care).to_contain_text(worker.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "family-ltc-phone")
