"""The registry under the kit's detail and write contracts (core.testing.contracts)."""

from __future__ import annotations

from yanglao.core.testing.contracts import DetailContract, WriteContract, unique_name
from yanglao.people.models import Elder
from yanglao.people.tests import factories


def _elder_data(region_code: str) -> dict:
    data = factories.elder_in(name=unique_name("王"), region_code=region_code)
    return data.model_dump(
        include={
            "name",
            "id_number",
            "phone",
            "address",
            "region_code",
            "living_arrangement",
            "economic_status",
        }
    )


class TestElderDetail(DetailContract):
    permission = "people.view_elder"
    refused_status = 404  # read through for_user: without the right the person is not there

    def make(self, region_code: str) -> Elder:
        return factories.elder(actor=self.actor, name=unique_name("王"), region_code=region_code)

    def url_for(self, obj) -> str:
        return f"/elders/{obj.pk}/"

    def api_url_for(self, obj) -> str:
        return f"/api/v1/elders/{obj.pk}"


class TestElderWrites(WriteContract):
    model = Elder
    view_permission = "people.view_elder"
    refused = {"api_patch": 404}  # the update reads for change: without the right the person is not there

    def make(self, region_code: str) -> Elder:
        return factories.elder(actor=self.actor, name=unique_name("王"), region_code=region_code)

    def create_form(self, region_code: str):
        return "/elders/new/", _elder_data(region_code)

    def api_create(self, region_code: str):
        return "/api/v1/elders", _elder_data(region_code)

    def api_patch(self, obj):
        return f"/api/v1/elders/{obj.pk}", {"name": unique_name("王")}
