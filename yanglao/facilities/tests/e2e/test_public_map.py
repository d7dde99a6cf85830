"""The public map in Chromium, without logging in: markers, a filter, a detail card with vacant beds, the
nearest facilities to a clicked point; no personal data anywhere on the page."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import shot
from yanglao.facilities import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def places(street_officer):
    operator = core_factories.organisation(region_code="310104003001", name="地图运营方")
    provider = core_factories.user(role="provider", organisation=operator, username="map_staff")
    made = []
    for n, (kind, lat, lng) in enumerate(
        [("day_care", 31.2075, 121.444), ("day_care", 31.2000, 121.452), ("canteen", 31.2100, 121.440)]
    ):
        made.append(
            services.facility_create(
                actor=street_officer,
                name=f"地图设施{n}",
                kind=kind,
                operator_id=operator.pk,
                operating_model="public",
                region_code="310104003001",
                lat=lat,
                lng=lng,
                address=f"天平路{n}号",
                opening_hours="08:00–17:00",
            )
        )
    services.bed_create(actor=provider, facility_id=made[0].pk, number="1", bed_type="cognitive")
    services.facility_create(
        actor=street_officer,
        name="不公开的设施",
        kind="day_care",
        operator_id=operator.pk,
        operating_model="public",
        region_code="310104003001",
        lat=31.205,
        lng=121.45,
        is_public=False,
    )
    return made


def test_public_map(page, live_server, places):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#map[data-ready=true]")).to_have_count(1)
    expect(page.get_by_test_id("facility-count")).to_have_text("共 3 处")
    expect(page.locator("path.leaflet-interactive")).to_have_count(3)
    page.get_by_label("设施类型").select_option("day_care")
    expect(page.get_by_test_id("facility-count")).to_have_text("共 2 处")
    page.locator("path.leaflet-interactive").first.dispatch_event("click")
    expect(page.get_by_test_id("facility-card")).to_contain_text("地图设施")
    width = page.locator("#map").bounding_box()["width"]
    page.locator("#map").click(position={"x": width - 12, "y": 12})  # a corner: no marker, no control
    expect(page.get_by_test_id("nearest").locator("button")).to_have_count(2)
    page.get_by_test_id("nearest").locator("button").first.click()
    expect(page.get_by_test_id("facility-card")).to_contain_text("开放时间")
    assert "不公开的设施" not in page.content()
    shot(page, "public-map-phone")


def test_vacant_cognitive_bed_is_shown(page, live_server, places):
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#map[data-ready=true]")).to_have_count(1)
    page.get_by_label("设施类型").select_option("day_care")
    width = page.locator("#map").bounding_box()["width"]
    page.locator("#map").click(position={"x": width - 12, "y": 12})
    page.get_by_test_id("nearest").get_by_role("button", name="地图设施0").click()
    expect(page.get_by_test_id("facility-card")).to_contain_text("认知障碍照护床位：空余 1 张")
