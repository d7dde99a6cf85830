"""The registry list under the kit's list contract (core.testing.contracts)."""

from __future__ import annotations

from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.people.tests import factories


class TestElderList(ListContract):
    url = "/elders/"
    api_url = "/api/v1/elders"
    export_url = "/elders/export/"
    permission = "people.view_elder"
    max_queries = 10

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("王") for _ in range(n)]
        for name in names:
            factories.elder(actor=self.actor, name=name, region_code=region_code)
        return names
