"""The organisation list under the kit's list contract (core.testing.contracts)."""

from __future__ import annotations

from yanglao.core.testing import factories
from yanglao.core.testing.contracts import ListContract, unique_name


class TestOrganisationList(ListContract):
    url = "/organisations/"
    api_url = "/api/v1/organisations"
    export_url = "/organisations/export/"
    permission = "core.view_organisation"
    max_queries = 10

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("组") for _ in range(n)]
        for name in names:
            factories.organisation(region_code=region_code, name=name)
        return names
