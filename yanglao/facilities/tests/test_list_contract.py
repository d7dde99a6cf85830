"""The facility list under the kit's list contract (core.testing.contracts), and the public map's pages."""

from __future__ import annotations

import pytest

from yanglao.core.testing import factories
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.facilities.models import Facility


def _facilities(n: int, region_code: str, **extra) -> list[str]:
    operator = factories.organisation(region_code=region_code)
    names = [unique_name("站") for _ in range(n)]
    Facility.objects.bulk_create(
        Facility(
            name=name,
            kind="day_care",
            operator=operator,
            operating_model="public",
            region_id=region_code,
            lat=31.2075,
            lng=121.444,
            **extra,
        )
        for name in names
    )
    return names


class TestFacilityList(ListContract):
    url = "/facilities/"
    api_url = "/api/v1/facilities"
    export_url = "/facilities/export/"
    permission = "facilities.view_facility"
    max_queries = 11

    def make(self, n: int, region_code: str) -> list[str]:
        return _facilities(n, region_code)


@pytest.mark.django_db
def test_the_public_map_gets_every_public_facility_page_by_page(client):
    shown = _facilities(1203, "310104003001")
    hidden = _facilities(2, "310104004001", is_public=False)
    names, after, pages = [], "", 0
    while True:
        body = client.get(
            "/api/v1/public/facilities", {"limit": 500, **({"after": after} if after else {})}
        ).json()
        names += [f["name"] for f in body["items"]]
        after, pages = body["next"], pages + 1
        if not after:
            break
    assert pages == 3 and sorted(names) == sorted(shown) and not set(hidden) & set(names)
