"""Stored XSS and the Content-Security-Policy in Chromium (issue 9, 1.4): a provider-chosen facility name that
is markup stays text on the public map and the staff coverage map, and no page our users open breaks the
policy (which forbids every inline script and event handler)."""

import re

import pytest
from playwright.sync_api import expect

from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import login, shot
from yanglao.facilities import services
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
PASSWORD = core_factories.PASSWORD
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = '"><script>window.__xss=2</script>'
SPOTS = {IMG: (31.2075, 121.444), SCRIPT: (31.2060, 121.447)}


@pytest.fixture
def hostile(street_officer):
    operator = core_factories.organisation(region_code="310104003001", name="恶意运营方")
    for name, (lat, lng) in SPOTS.items():
        services.facility_create(
            actor=street_officer,
            name=name,
            kind="day_care",
            operator_id=operator.pk,
            operating_model="private",
            region_code="310104003001",
            lat=lat,
            lng=lng,
            address=name,
        )
    for n in range(3):
        people_factories.elder(actor=street_officer, name=f"覆盖{n}", lng=121.445, lat=31.2070 + 0.0004 * n)


@pytest.fixture
def csp_errors(page):
    """Console errors that are CSP violations, and uncaught script errors, collected for the whole test."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: (
            seen.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None
        ),
    )
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    return seen


def hover_at(page, lat: float, lng: float) -> None:
    """Move the mouse onto a marker drawn at (lat, lng): canvas markers have no element to hover. The map may
    still be settling its view on a busy machine, so the point is recomputed until the tooltip opens."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(5):
        point = page.evaluate(
            "([lat, lng]) => document.getElementById('map').leafletMap.latLngToContainerPoint([lat, lng])",
            [lat, lng],
        )
        box = page.locator("#map").bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=4)
        try:
            page.locator(".leaflet-tooltip").wait_for(timeout=1500)
            return
        except PlaywrightTimeout:
            away(page)


def away(page) -> None:
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 12, box["y"] + box["height"] / 2, steps=4)


def test_hostile_names_stay_text_on_the_public_map(page, live_server, hostile, csp_errors):
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#map[data-ready=true]")).to_have_count(1)
    expect(page.get_by_test_id("facility-count")).to_have_text("共 2 处")
    for name, (lat, lng) in SPOTS.items():
        hover_at(page, lat, lng)
        expect(page.locator(".leaflet-tooltip")).to_have_text(name)
        away(page)
        expect(page.locator(".leaflet-tooltip")).to_have_count(0)
    page.locator("path.leaflet-interactive").first.dispatch_event("click")
    expect(page.get_by_test_id("facility-card").get_by_role("heading")).to_have_text(SCRIPT)  # first by name
    width = page.locator("#map").bounding_box()["width"]
    page.locator("#map").click(position={"x": width - 12, "y": 12})
    expect(page.get_by_test_id("nearest").get_by_role("button", name=SCRIPT)).to_be_visible()
    expect(page.get_by_test_id("nearest").get_by_role("button", name=IMG)).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#detail img, #nearest img, .leaflet-tooltip img").count() == 0
    assert csp_errors == []
    shot(page, "public-map-hostile-names")


def test_hostile_names_stay_text_on_the_coverage_map(page, live_server, hostile, street_officer, csp_errors):
    login(page, live_server, street_officer.username, PASSWORD)
    page.goto(f"{live_server.url}/facilities/coverage/?region=310104003000&kind=day_care&radius=1000&k=1")
    expect(page.locator("#map[data-ready=true]")).to_have_count(1)
    expect(page.get_by_test_id("coverage-summary")).to_contain_text("3 名老人中 3 名")
    for name, (lat, lng) in SPOTS.items():
        hover_at(page, lat, lng)
        expect(page.locator(".leaflet-tooltip")).to_have_text(name)
        away(page)
        expect(page.locator(".leaflet-tooltip")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
    assert csp_errors == []


def test_pages_keep_the_policy(page, live_server, hostile, street_officer, csp_errors):
    """The header forbids inline script, and the pages (htmx fragments, filters, maps) work under it."""
    response = page.goto(f"{live_server.url}/map/")
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    login(page, live_server, street_officer.username, PASSWORD)
    expect(page.get_by_test_id("facilities-panel")).to_contain_text("机构床位")  # htmx loaded it
    page.get_by_role("link", name="养老设施").first.click()
    page.get_by_label("设施类型").select_option("canteen")  # htmx swaps the rows, no onchange handler
    expect(page.get_by_test_id("facility-table")).to_contain_text("没有符合条件的设施")
    expect(page).to_have_url(re.compile(r"/facilities/\?kind=canteen&"))
    page.goto(f"{live_server.url}/facilities/indicators/")
    page.get_by_label("区划").select_option("310104003000")
    expect(page).to_have_url(f"{live_server.url}/facilities/indicators/?region=310104003000")
    page.goto(f"{live_server.url}/elders/")
    expect(page.get_by_role("heading", name="老年人信息库")).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert csp_errors == []


def test_admin_pages_keep_the_policy(page, live_server, hostile, csp_errors):
    from django.contrib.auth import get_user_model

    from yanglao.facilities.models import Facility

    get_user_model().objects.create_superuser("csp_root", password=PASSWORD)
    facility = Facility.objects.unscoped(reason="test").order_by("pk").first()
    login(page, live_server, "csp_root", PASSWORD)
    page.goto(f"{live_server.url}/admin/facilities/facility/{facility.pk}/change/")
    expect(page.locator("#facility_form")).to_be_visible()
    page.locator(".select2-selection").first.click()  # the operator's autocomplete (scoped choices)
    expect(page.locator(".select2-results__option").first).to_have_text("恶意运营方")
    assert page.evaluate("window.__xss") is None
    assert csp_errors == []
