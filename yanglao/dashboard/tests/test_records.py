"""Every figure can be checked: the list a figure links to (through the same filters as the page, here read
through the API) holds exactly what the figure counts."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from yanglao.core.indicators import Period
from yanglao.core.models import Region
from yanglao.dashboard import selectors, services
from yanglao.dashboard.tests import builders
from yanglao.facilities.models import Bed

pytestmark = pytest.mark.django_db

XUHUI = "310104000000"
API = {
    "/elders/": "/api/v1/elders",
    "/facilities/": "/api/v1/facilities",
    "/services/orders/": "/api/v1/services/orders",
}


@pytest.fixture
def counted(district_officer, street_officer):
    old, mid, _ = builders.district(street_officer)
    builders.served(street_officer, old, visiting=True)
    builders.served(street_officer, mid)
    services.refresh(period=Period.of(timezone.localdate()))
    return district_officer


def listed(client, link: str) -> list[dict]:
    """Every row of the list a figure links to, read through the list's API with the link's filters."""
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query))
    rows, after = [], ""
    while True:
        page = client.get(API[parts.path], {**params, "limit": 200, "after": after})
        assert page.status_code == 200, (link, page.content)
        body = page.json()
        rows += body["items"]
        after = body["next"]
        if not after:
            return rows


def figures(user, code=XUHUI):
    region = Region.objects.get(code=code)
    return {
        f.indicator.code: f
        for f in selectors.figures(user=user, region=region, period=Period.of(timezone.localdate()))
    }


@pytest.mark.parametrize("code", ["elders_60", "elders_80", "orders_served"])
def test_counted_people_and_orders_are_the_linked_rows(client, counted, code):
    client.force_login(counted)
    f = figures(counted)[code]
    assert f.numerator_records and len(listed(client, f.numerator_records)) == f.numerator


def test_the_65_plus_denominator_and_the_hardship_group_are_the_linked_people(client, counted):
    client.force_login(counted)
    f = figures(counted)
    meals = f["meal_capacity_share_65"]
    assert len(listed(client, meals.denominator_records)) == meals.denominator == 2
    visits = f["hardship_monthly_visit_rate"]
    assert [p["name"] for p in listed(client, visits.denominator_records)] == ["高龄独居"]


def test_bed_figures_link_to_the_institutions_holding_the_beds(client, counted):
    client.force_login(counted)
    for code in ("beds_total", "nursing_bed_share", "private_bed_share"):
        f = figures(counted)[code]
        ids = {row["id"] for row in listed(client, f.numerator_records)}
        holding = set(
            Bed.objects.unscoped(reason="test")
            .filter(active=True, family_bed=False)
            .values_list("facility_id", flat=True)
        )
        assert ids == holding, code


def test_a_street_figure_links_to_that_street_only(client, counted, street_officer):
    client.force_login(street_officer)
    f = figures(street_officer, "310104003000")["elders_60"]
    assert "region=310104003000" in f.numerator_records
    assert len(listed(client, f.numerator_records)) == 3
