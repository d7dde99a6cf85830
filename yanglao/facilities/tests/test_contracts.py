"""Facilities under the kit's detail and write contracts (core.testing.contracts)."""

from __future__ import annotations

from yanglao.core.testing import factories
from yanglao.core.testing.contracts import DetailContract, WriteContract, unique_name
from yanglao.facilities.models import Facility

INSIDE_TIANPING = {"lat": 31.2075, "lng": 121.444}


def _facility(region_code: str) -> Facility:
    operator = factories.organisation(region_code=region_code)
    return Facility.objects.create(
        name=unique_name("站"),
        kind="day_care",
        operator=operator,
        operating_model="public",
        region_id=region_code,
        **INSIDE_TIANPING,
    )


def _data(region_code: str, operator_id: int | None = None) -> dict:
    if operator_id is None:
        operator_id = factories.organisation(region_code=region_code).pk
    return {
        "name": unique_name("站"),
        "kind": "day_care",
        "operator_id": operator_id,
        "operating_model": "public",
        "region_code": region_code,
        **INSIDE_TIANPING,
    }


class TestFacilityDetail(DetailContract):
    permission = "facilities.view_facility"

    def make(self, region_code: str) -> Facility:
        return _facility(region_code)

    def url_for(self, obj) -> str:
        return f"/facilities/{obj.pk}/"


class TestFacilityWrites(WriteContract):
    model = Facility
    view_permission = "facilities.view_facility"
    refused = {"api_patch": 404}  # the update reads for change: without the right the facility is not there

    def make(self, region_code: str) -> Facility:
        return _facility(region_code)

    def create_form(self, region_code: str):
        return "/facilities/new/", {**_data(region_code), "coordinate_system": "wgs84"}

    def edit_form(self, obj):
        return f"/facilities/{obj.pk}/edit/", {
            **_data(obj.region_id, obj.operator_id),
            "coordinate_system": "wgs84",
        }

    def api_create(self, region_code: str):
        return "/api/v1/facilities", _data(region_code)

    def api_patch(self, obj):
        return f"/api/v1/facilities/{obj.pk}", {"name": unique_name("站")}
