"""Organisations under the kit's detail and write contracts (core.testing.contracts)."""

from __future__ import annotations

from yanglao.core.models import Organisation
from yanglao.core.testing import factories
from yanglao.core.testing.contracts import DetailContract, WriteContract, unique_name


def _form(region_code: str, **extra) -> dict:
    return {
        "name": unique_name("组"),
        "kind": "institution",
        "ownership": "public",
        "region_code": region_code,
        "address": "天平路 1 号",
        **extra,
    }


class TestOrganisationDetail(DetailContract):
    permission = "core.view_organisation"
    refused_status = 404  # the page reads through for_user: without the right the organisation is not there

    def make(self, region_code: str) -> Organisation:
        return factories.organisation(region_code=region_code, name=unique_name("组"))

    def url_for(self, obj) -> str:
        return f"/organisations/{obj.pk}/"

    def api_url_for(self, obj) -> str:
        return f"/api/v1/organisations/{obj.pk}"


class TestOrganisationWrites(WriteContract):
    model = Organisation
    view_permission = "core.view_organisation"
    refused = {"edit": 404, "api_patch": 404}  # read for change: without the right it is not there

    def make(self, region_code: str) -> Organisation:
        return factories.organisation(region_code=region_code, name=unique_name("组"))

    def create_form(self, region_code: str):
        return "/organisations/new/", _form(region_code)

    def edit_form(self, obj):
        return f"/organisations/{obj.pk}/edit/", _form(obj.region_id, credit_code=obj.credit_code)

    def api_create(self, region_code: str):
        return "/api/v1/organisations", _form(region_code)

    def api_patch(self, obj):
        return f"/api/v1/organisations/{obj.pk}", {"name": unique_name("组")}
